"""Issue 23: the leader's cockpit and a briefing at 2M cases, 20k projects and 100k visits.

    python bench/dispatch_bench.py generate [--cases 2000000] [--no-search]  # the three generators
    python bench/dispatch_bench.py census                      # what the scopes hold
    python bench/dispatch_bench.py cockpit --runs 12 --cold 3  # cold and warm, section by section
    python bench/dispatch_bench.py briefing --runs 3 --tracemalloc  # a quarter's: time, memory, files
    python bench/dispatch_bench.py explain [--recount]         # the cockpit's queries by time, planned

Into DATABASE_URL, or a SQLite file under bench/out/dispatch-sqlite/ (ZHUQI_BENCH_OUT moves it).

`cockpit` times dispatch.cockpit.cockpit_figures for a province coordinator (内蒙古 150000) and a
county coordinator (COUNTY), for a month and a quarter of the generated data's time (PERIODS),
each section apart (between the calls of its progress callback). Three arms, interleaved in one
process and the order reversed every other run: "cockpit" as a reader gets it (the case figures it
keeps, dispatch.snapshots, fresh), "recount" (this call's kept figures deleted first: the first
reader of the hour), "reference" (each app's own figures function once, as its page calls it:
cases.figures.figures_for, projects' and agreements' figures, visits.coverage_figures,
policies' figures). Cold: each arm once in a fresh process (a new connection; the OS cache
cannot be dropped here), "recount" and then "cockpit" reading what it kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    database_label,
    machine,
    median,
    percentile,
    rebuild_derived,
    revision,
    setup_django,
    sqlite_bulk_pragmas,
)

SQLITE_NAME = "dispatch-sqlite"


# --- generate ----------------------------------------------------------------------------------


def generate(args: argparse.Namespace) -> None:
    """generate_cases, generate_projects and generate_visits, in that order, into one database.

    One process, so the three share the SQLite file this script names (each generator's own
    main() would pick its own). What they share is made with get_or_create or skipped when the
    username exists; the enterprises are one sequence: generate_cases writes bench/generate.py's
    rows 0 … 99,999 in its 28 counties, generate_visits then rows 100,000 … 199,999 over the
    province's 103 counties (write_database skips the rows already there), so their credit codes
    (make_uscc(county, serial)) never meet. Each phase is skipped when its rows are there.
    `--no-search`: no search words afterwards (the cockpit and the briefing do not search)."""
    setup_django(SQLITE_NAME)
    sqlite_bulk_pragmas()
    import generate_cases
    import generate_projects
    import generate_visits

    from zhuqi.cases.models import Case
    from zhuqi.directory.models import Region
    from zhuqi.projects.models import Project
    from zhuqi.visits.models import Visit

    started = time.perf_counter()

    def mark(label: str) -> None:
        print(f"== {label}: {time.perf_counter() - started:.0f} s", flush=True)

    if Case.objects.filter(visit__isnull=True).exists():
        print(f"already {Case.objects.count()} cases")
    else:
        where = generate_cases.places(args.enterprises_cases)
        generate_cases.users(where)
        print(f"{len(where.departments)} departments, {len(where.enterprises)} enterprises")
        tally = generate_cases.write_cases(where, args.cases, args.due)
        print(", ".join(f"{key} {value}" for key, value in sorted(tally.items())))
    mark("cases")
    if Project.objects.exists():
        print(f"already {Project.objects.count()} projects")
    else:
        tally = generate_projects.write(generate_projects.setup(), args.projects, args.agreements)
        print(", ".join(f"{key} {value}" for key, value in tally.items()))
    mark("projects")
    prefectures = list(
        Region.objects.filter(parent_id=generate_visits.PROVINCE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    where = generate_cases.places(
        args.enterprises_visits, prefectures=prefectures, county_departments=["all"]
    )
    generate_cases.users(where)
    print(f"{len(where.departments)} departments, {len(where.enterprises)} enterprises")
    cast = generate_visits.officials(where)
    generate_visits.assignments(where, cast, 0.53)
    if Visit.objects.exists():
        print(f"already {Visit.objects.count()} visits")
    else:
        writer = generate_visits.VisitWriter(where, cast)
        leaders = round(args.visits * 0.18)
        writer.leaders_visits(round(leaders * 14 / 18), leaders - round(leaders * 14 / 18))
        writer.liaison_work(args.visits - leaders)
        writer.flush()
        print()
        print(", ".join(f"{key} {value}" for key, value in sorted(writer.tally.items())))
    mark("visits")
    # The deadlines the generated clock passed, marked red as the worker's sweep marks them every
    # few minutes (the figures count the unmarked ones from the cases: a worker stopped for days).
    from zhuqi.cases.sweep import mark_timeliness

    report = mark_timeliness()
    print(f"marked red {report.red}, amber {report.amber}")
    mark("timeliness")
    rebuild_derived(search=args.search)
    generate_cases.analyse()
    mark("done")


# --- measuring ---------------------------------------------------------------------------------

PROVINCE = "150000"
COUNTY = "150203"  # 昆都仑区 (包头): the county generate_cases fills most (21,059 of 513,211 cases)
SCOPES = {"province": PROVINCE, "county": COUNTY}
PERIODS = ["2025-12", "2025-Q4"]
SECTIONS = [
    "cases",
    "late_cases",
    "projects",
    "agreements",
    "coverage",
    "leader_visits",
    "policies",
    "campaigns",
    "chains",
    "economy",
    "rankings",
]
REFERENCE = ["figures_for", "project_figures", "agreement_figures", "coverage_figures", "policy_figures"]


class Queries:
    """Counts and times the queries run, under the label set last (connection.execute_wrapper)."""

    def __init__(self, keep: bool = False) -> None:
        self.label = ""
        self.keep = keep
        self.count: dict[str, int] = {}
        self.spent: dict[str, float] = {}
        self.kept: list[tuple[float, str, str, Any]] = []  # (ms, label, sql, params)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.count[self.label] = self.count.get(self.label, 0) + 1
            self.spent[self.label] = self.spent.get(self.label, 0.0) + ms
            if self.keep and not many:
                self.kept.append((ms, self.label, sql, params))


def _snapshots() -> Any:
    try:
        from zhuqi.dispatch.models import FigureSnapshot  # type: ignore[attr-defined]
    except ImportError:
        return None
    return FigureSnapshot


def clear_snapshots(keys: set[str] | None = None) -> bool:
    """Delete the cockpit's kept case figures (dispatch.snapshots, where the tree has them; only
    `keys` if given), so the next call counts them again; False when this tree keeps none."""
    model = _snapshots()
    if model is None:
        return False
    (model.objects.all() if keys is None else model.objects.filter(key__in=keys)).delete()
    return True


def snapshot_keys() -> set[str]:
    model = _snapshots()
    return set(model.objects.values_list("key", flat=True)) if model is not None else set()


def user_of(scope_name: str) -> Any:
    from zhuqi.directory.models import User

    return User.objects.get(username=f"bench-coordinator-{SCOPES[scope_name]}")


def cockpit_timed(scope_name: str, period_key: str, queries: Queries | None = None) -> dict[str, Any]:
    """One cockpit_figures call: its total and each section's milliseconds (between the calls of
    its progress callback, which it makes before each section)."""
    from django.db import connection

    from zhuqi.dispatch import cockpit

    user = user_of(scope_name)
    marks: list[tuple[str, float]] = []
    keys = iter(SECTIONS)

    def progress(percent: int, step: str) -> None:
        key = next(keys)
        marks.append((key, time.perf_counter()))
        if queries is not None:
            queries.label = key

    started = time.perf_counter()
    with connection.execute_wrapper(queries) if queries is not None else nullcontext():
        scope = cockpit.resolve_scope(user, region=SCOPES[scope_name])
        period = cockpit.resolve_period(period_key)
        figures = cockpit.cockpit_figures(user=user, scope=scope, period=period, progress=progress)
    ended = time.perf_counter()
    sections = {}
    for index, (key, at) in enumerate(marks):
        until = marks[index + 1][1] if index + 1 < len(marks) else ended
        sections[key] = (until - at) * 1000
    return {
        "total": (ended - started) * 1000,
        "sections": sections,
        "cases": figures["cases"]["total"]["cases"],
        "rankings": len(figures["rankings"]),
    }


def reference_timed(scope_name: str, period_key: str, queries: Queries | None = None) -> dict[str, Any]:
    """The same period's figures from each app's own function, once each, as that app's page
    computes them (group by region, the scope's region): what the cockpit is made of."""
    from django.db import connection
    from django.utils import timezone

    from zhuqi.cases import figures as case_figures
    from zhuqi.core.periods import Period, PeriodKind
    from zhuqi.dispatch import cockpit
    from zhuqi.investment import figures as agreement_figures
    from zhuqi.policies import figures as policy_figures
    from zhuqi.projects import figures as project_figures
    from zhuqi.visits import coverage

    user = user_of(scope_name)
    region = SCOPES[scope_name]
    period = cockpit.resolve_period(period_key)
    now, today = timezone.now(), timezone.localdate()
    by_date = min(period.end, today) if period.start <= today else period.end
    calls = {
        "figures_for": lambda: case_figures.figures_for(
            user=user, period=period, group_by="region", region=region, now=now
        ),
        "project_figures": lambda: project_figures.project_figures(
            user=user, year=by_date.year, by_date=by_date, group_by="region", region=region, today=today
        ),
        "agreement_figures": lambda: agreement_figures.agreement_figures(
            user=user, year=period.end.year, group_by="region", region=region, today=today
        ),
        "coverage_figures": lambda: coverage.coverage_figures(
            user,
            Period.containing(PeriodKind.MONTH, period.until(today)),
            by="region",
            today=today,
            region=region,
        ),
        "policy_figures": lambda: policy_figures.policy_figures(
            user=user, year=None, group_by="region", region=region
        ),
    }
    parts = {}
    started = time.perf_counter()
    with connection.execute_wrapper(queries) if queries is not None else nullcontext():
        for key, call in calls.items():
            if queries is not None:
                queries.label = key
            at = time.perf_counter()
            call()
            parts[key] = (time.perf_counter() - at) * 1000
    return {"total": (time.perf_counter() - started) * 1000, "sections": parts}


def once(args: argparse.Namespace) -> None:
    """A cold call: this process is fresh, its connection new (run by `cockpit` as a child)."""
    setup_django(SQLITE_NAME, migrate=False)
    queries = Queries()
    if args.fresh:
        clear_snapshots()
    call = reference_timed if args.reference else cockpit_timed
    result = call(args.scope, args.period, queries)
    result["queries"] = queries.count
    print("RESULT " + json.dumps(result))


def _child(*extra: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, *extra], capture_output=True, text=True, env=os.environ.copy()
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise SystemExit(f"child {extra} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}")


def _p(values: list[float]) -> str:
    return f"{median(values):,.0f} / {percentile(values, 0.95):,.0f}"


def measure(args: argparse.Namespace) -> None:
    setup_django(SQLITE_NAME)  # migrated: the tree measured may add tables (FigureSnapshot)
    from django.db import connection

    from zhuqi.cases.models import Case
    from zhuqi.projects.models import Project
    from zhuqi.visits.models import Visit

    print(f"machine: {machine()}; {database_label()}; at {revision()}; load {os.getloadavg()[0]:.1f}")
    print(
        f"data: {Case.objects.count():,} cases, {Project.objects.count():,} projects, "
        f"{Visit.objects.count():,} visits"
    )
    kept = clear_snapshots()
    # cockpit: as a reader gets it, the kept case figures fresh (when the tree keeps them);
    # recount: the same with them deleted first (the first reader of the hour, or every reader
    # where nothing is kept); reference: each app's own figures function once.
    arms = ["recount", "cockpit", "reference"] if kept else ["cockpit", "reference"]
    print(f"arms: {', '.join(arms)}")
    combos = [(s, p) for s in args.scopes.split(",") for p in args.periods.split(",")]
    cold: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    if args.cold:
        connection.close()
        for _ in range(args.cold):
            for scope_name, period_key in combos:
                # A fresh process each: counting (nothing kept), then reading what it kept
                # (when the tree keeps anything), then the reference.
                for arm in arms:
                    extra = {"reference": ["--reference"], "recount": ["--fresh"]}.get(arm, [])
                    if arm == "cockpit" and not kept:
                        extra = ["--fresh"]
                    result = _child("once", "--scope", scope_name, "--period", period_key, *extra)
                    cold.setdefault((scope_name, period_key, arm), []).append(result)
                    print(
                        f"cold {scope_name:8} {period_key:8} {arm:9} {result['total']:10,.0f} ms  "
                        + " ".join(f"{k} {v:,.0f}" for k, v in result["sections"].items()),
                        flush=True,
                    )
    warm: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    counts: dict[tuple[str, str, str], dict[str, int]] = {}

    # The snapshot keys each combination's cockpit keeps (disjoint: region, grouping and period
    # are in the key), so that a recount deletes its own only and leaves the others' kept.
    own_keys: dict[tuple[str, str], set[str]] = {}
    clear_snapshots()

    def call(scope_name: str, period_key: str, arm: str, queries: Queries | None = None) -> dict[str, Any]:
        if arm == "reference":
            return reference_timed(scope_name, period_key, queries)
        if arm == "recount":
            before = snapshot_keys()
            clear_snapshots(own_keys.get((scope_name, period_key), set()))
            result = cockpit_timed(scope_name, period_key, queries)
            own_keys.setdefault((scope_name, period_key), snapshot_keys() - before)
            return result
        return cockpit_timed(scope_name, period_key, queries)

    # A warm-up of each, uncounted (its queries counted), then the runs interleaved: every
    # combination's arms in turn, the order reversed every other run.
    for scope_name, period_key in combos:
        for arm in arms:
            queries = Queries()
            call(scope_name, period_key, arm, queries)
            counts[(scope_name, period_key, arm)] = queries.count
    for run in range(args.runs):
        order = [(s, p, arm) for s, p in combos for arm in arms]
        if run % 2:
            order.reverse()
        for scope_name, period_key, arm in order:
            warm.setdefault((scope_name, period_key, arm), []).append(call(scope_name, period_key, arm))
        print(f"run {run + 1}/{args.runs}, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\nload after: {os.getloadavg()[0]:.1f}")
    for scope_name, period_key in combos:
        reference = [x["total"] for x in warm[(scope_name, period_key, "reference")]]
        print(f"\n== {scope_name} {period_key}: reference warm p50/p95 {_p(reference)} ms")
        for arm in arms:
            totals = [x["total"] for x in warm[(scope_name, period_key, arm)]]
            ratios = [a / b for a, b in zip(totals, reference, strict=True)]
            line = f"  {arm:9} warm p50/p95 {_p(totals):>16} ms"
            if arm != "reference":
                line += (
                    f", ÷ reference median {median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f})"
                )
            if cold:
                values = [x["total"] for x in cold[(scope_name, period_key, arm)]]
                line += f"; cold {', '.join(f'{v:,.0f}' for v in values)} ms"
            line += f"; queries {sum(counts[(scope_name, period_key, arm)].values())}"
            print(line)
        for arm in arms:
            keys = REFERENCE if arm == "reference" else SECTIONS
            for key in keys:
                values = [x["sections"].get(key, 0.0) for x in warm[(scope_name, period_key, arm)]]
                share = median(values) / median([x["total"] for x in warm[(scope_name, period_key, arm)]])
                cold_part = ""
                if cold:
                    cold_values = [x["sections"].get(key, 0.0) for x in cold[(scope_name, period_key, arm)]]
                    cold_part = f"  cold median {median(cold_values):10,.0f}"
                print(
                    f"  {arm:9} {key:18} warm {_p(values):>16} ms ({share:4.0%}){cold_part}  "
                    f"queries {counts[(scope_name, period_key, arm)].get(key, 0)}"
                )


# --- briefing ----------------------------------------------------------------------------------


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def briefing_once(args: argparse.Namespace) -> None:
    """One briefing generated in this (fresh) process: wall time, peak RSS (ru_maxrss) above the
    process's RSS before it, optionally Python's own allocations (tracemalloc), the files."""
    setup_django(SQLITE_NAME, migrate=False)
    import resource

    from zhuqi.dispatch import briefings, services
    from zhuqi.dispatch.models import Briefing

    if args.fresh:
        clear_snapshots()
    user = user_of(args.scope)
    briefing = services.briefing_request(actor=user, period=args.period, region_code=SCOPES[args.scope])
    steps: list[tuple[str, float]] = []
    original = services.briefing_progress

    def progress(briefing_id: int, *, progress: int, step: str, **kwargs: Any) -> None:
        steps.append((step, time.perf_counter()))
        original(briefing_id, progress=progress, step=step, **kwargs)

    services.briefing_progress = progress  # type: ignore[assignment]
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    before = rss_kib()
    started = time.perf_counter()
    briefings.generate(briefing.pk)
    wall = time.perf_counter() - started
    peak_python = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    briefing = Briefing.objects.get(pk=briefing.pk)
    timeline = []
    for index, (step, at) in enumerate(steps):
        until = steps[index + 1][1] if index + 1 < len(steps) else started + wall
        timeline.append((step, (until - at) * 1000))
    print(
        "RESULT "
        + json.dumps(
            {
                "status": briefing.status,
                "error": briefing.error,
                "wall": wall,
                "rss_before_kib": before,
                "peak_rss_kib": peak,
                "peak_python": peak_python,
                "document": briefing.document.size if briefing.document else 0,
                "workbook": briefing.workbook.size if briefing.workbook else 0,
                "figures_json": len(json.dumps(briefing.figures, ensure_ascii=False).encode()),
                "steps": timeline,
            }
        )
    )


def briefing(args: argparse.Namespace) -> None:
    setup_django(SQLITE_NAME, migrate=False)
    print(f"machine: {machine()}; {database_label()}; at {revision()}")
    from django.db import connection

    connection.close()
    # Alternately with the cockpit's kept case figures deleted first (as the first briefing of
    # the hour finds them) and kept from the run before; the last run under tracemalloc if asked.
    for run in range(args.runs):
        extra = ["--tracemalloc"] if args.tracemalloc and run == args.runs - 1 else []
        fresh = run % 2 == 0
        extra += ["--fresh"] if fresh else []
        load = os.getloadavg()[0]
        result = _child("briefing-once", "--scope", args.scope, "--period", args.period, *extra)
        print(
            f"{args.scope} {args.period}, {'counted' if fresh else 'kept figures'}"
            f"{' (tracemalloc)' if '--tracemalloc' in extra else ''}: "
            f"{result['status']} {result['error']} "
            f"{result['wall']:.1f} s, RSS {result['rss_before_kib'] / 1024:.0f} MiB before, "
            f"peak {result['peak_rss_kib'] / 1024:.0f} MiB"
            + (
                f", Python's allocations peak {result['peak_python'] / 2**20:.0f} MiB"
                if "--tracemalloc" in extra
                else ""
            )
            + f"; .docx {result['document'] / 1024:.0f} KiB, .xlsx {result['workbook'] / 1024:.0f} KiB, "
            f"figures {result['figures_json'] / 1024:.0f} KiB; load {load:.1f}",
            flush=True,
        )
        print("  " + "; ".join(f"{step} {ms:,.0f}" for step, ms in result["steps"]))


# --- explain -----------------------------------------------------------------------------------


def explain(args: argparse.Namespace) -> None:
    """The cockpit's queries by time (second, warm call), and the plans of the slowest."""
    setup_django(SQLITE_NAME, migrate=False)
    from django.db import connection

    print(f"{database_label()}")
    cockpit_timed(args.scope, args.period)
    if args.recount:
        clear_snapshots()
    queries = Queries(keep=True)
    cockpit_timed(args.scope, args.period, queries)
    print(
        f"{args.scope} {args.period}: {sum(queries.count.values())} queries, "
        f"{sum(queries.spent.values()):,.0f} ms in the database"
    )
    for key in SECTIONS:
        print(f"  {key:14} {queries.count.get(key, 0):4} queries {queries.spent.get(key, 0):10,.0f} ms")
    slowest = sorted(queries.kept, key=lambda q: -q[0])
    print("slowest:")
    for ms, label, sql, _ in slowest[: args.top]:
        print(f"  {ms:8,.0f} ms  {label:12} {sql[:160]}")
    seen: set[str] = set()
    shown = 0
    for ms, label, sql, params in slowest:
        if sql in seen:
            continue
        seen.add(sql)
        shown += 1
        if shown > args.plans:
            break
        print(f"\n--- {label}, {ms:,.0f} ms:\n{sql}\n{params}")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()))
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                print("\n".join(f"  {row[-1]}" for row in cursor.fetchall()))


def census(args: argparse.Namespace) -> None:
    """What is in the database, by scope: cases, projects, visits in the periods measured."""
    setup_django(SQLITE_NAME, migrate=False)
    from django.db.models import Count

    from zhuqi.cases.models import Case
    from zhuqi.projects.models import Project
    from zhuqi.visits.models import Visit

    print(
        f"{database_label()}: {Case.objects.count():,} cases, {Project.objects.count():,} projects, "
        f"{Visit.objects.count():,} visits"
    )
    for row in Case.objects.values("region_id").annotate(n=Count("pk")).order_by("-n")[:6]:
        print(f"  cases in {row['region_id']}: {row['n']:,}")
    for name, code in SCOPES.items():
        prefix = code.rstrip("0") if name == "county" else code[:2]
        for first in ("2025-12-01", "2025-10-01"):
            cases = Case.objects.filter(
                region__code__startswith=prefix,
                submitted_at__date__gte=first,
                submitted_at__date__lte="2025-12-31",
            ).count()
            print(f"  {name} cases submitted {first} … 2025-12-31: {cases:,}")
        projects = Project.objects.filter(region__code__startswith=prefix).count()
        visits = Visit.objects.filter(
            region__code__startswith=prefix, start_date__gte="2025-10-01", start_date__lte="2025-12-31"
        ).count()
        print(f"  {name} projects: {projects:,}, visits 2025-10-01 … 12-31: {visits:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--cases", type=int, default=2_000_000)
    gen.add_argument("--due", type=int, default=20_000)
    gen.add_argument("--enterprises-cases", type=int, default=100_000)
    gen.add_argument("--enterprises-visits", type=int, default=200_000)
    gen.add_argument("--projects", type=int, default=20_000)
    gen.add_argument("--agreements", type=int, default=2_000)
    gen.add_argument("--visits", type=int, default=100_000)
    gen.add_argument("--no-search", dest="search", action="store_false", help="skip rebuild_search")
    cockpit = commands.add_parser("cockpit")
    cockpit.add_argument("--runs", type=int, default=12)
    cockpit.add_argument("--cold", type=int, default=3, help="fresh processes per scope, period and arm")
    cockpit.add_argument("--scopes", default="province,county")
    cockpit.add_argument("--periods", default=",".join(PERIODS))
    one = commands.add_parser("once")
    one.add_argument("--scope", choices=list(SCOPES), required=True)
    one.add_argument("--period", required=True)
    one.add_argument("--reference", action="store_true")
    one.add_argument("--fresh", action="store_true", help="the cockpit's kept figures deleted first")
    brief = commands.add_parser("briefing")
    brief.add_argument("--scope", choices=list(SCOPES), default="province")
    brief.add_argument("--period", default="2025-Q4")
    brief.add_argument("--runs", type=int, default=3)
    brief.add_argument("--tracemalloc", action="store_true", help="the last run under tracemalloc")
    brief_one = commands.add_parser("briefing-once")
    brief_one.add_argument("--scope", choices=list(SCOPES), default="province")
    brief_one.add_argument("--period", default="2025-Q4")
    brief_one.add_argument("--tracemalloc", action="store_true")
    brief_one.add_argument("--fresh", action="store_true", help="the cockpit's kept figures deleted first")
    plan = commands.add_parser("explain")
    plan.add_argument("--scope", choices=list(SCOPES), default="province")
    plan.add_argument("--period", default="2025-Q4")
    plan.add_argument("--top", type=int, default=15)
    plan.add_argument("--plans", type=int, default=2)
    plan.add_argument("--recount", action="store_true", help="the kept case figures deleted before")
    commands.add_parser("census")
    args = parser.parse_args()
    {
        "generate": generate,
        "cockpit": measure,
        "once": once,
        "briefing": briefing,
        "briefing-once": briefing_once,
        "explain": explain,
        "census": census,
    }[args.command](args)


if __name__ == "__main__":
    main()
