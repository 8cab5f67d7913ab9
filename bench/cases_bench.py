"""Case lists and the deadline sweep at the size generate_cases.py makes (2M cases).

    python bench/generate_cases.py                     # once per database
    python bench/cases_bench.py lists [--repeat 30]    # p50/p95 of each list
    python bench/cases_bench.py pages [--repeat 30]    # p50/p95 of the workbench and case pages
    python bench/cases_bench.py pair [--repeat 30]     # the 事项 page's tabs against the API, interleaved
    python bench/cases_bench.py explain                # the plan of each list's queries
    python bench/cases_bench.py sweep [--runs 3]       # sweep(SWEEP_AT): seconds and memory
    python bench/cases_bench.py figures [--repeat 10]  # figures per department, 2025 Q4

lists: the handler's inbox and the coordinator's queue with its filters, through the whole API
stack (session auth, scoping, CaseFilterSet, count and page of 50, JSON), and the handler's
inbox by the clock (selectors.case_queryset + CaseFilterSet ordered by due_at, page of 50 and
the count), which the API cannot give: its list is always newest first.

pages: what people open every day, rendered whole: the workbench (its counts and first 待办),
the 事项 page's 待办 tab (by the clock) and 全部 tab (newest first, page 1 and page 100), as a
prefecture and a county coordinator, a handler, a county handler and a prefecture leader.

explain: each list's queries as the request ran them (captured), under EXPLAIN (ANALYZE,
BUFFERS) on PostgreSQL and EXPLAIN QUERY PLAN on SQLite.

sweep: each run puts the cases the sweep touches back as generated (bench_sweep_before), then
runs cases.sweep.sweep(SWEEP_AT) in a fresh process: seconds, what it did, the process's peak
RSS and its growth during the sweep; --trace adds tracemalloc's peak (slower, so not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    database_label,
    machine,
    median,
    percentile,
    print_plan,
    report,
    revision,
    setup_django,
    timed,
)

SQLITE = "cases-sqlite"
QUEUE = ["submitted", "accepted", "returned"]
SWEPT = (
    "status, timeliness, working_days_late, escalation_level, escalated_at, flagged_for_notice, closure, "
    "closed_at, auto_close_at, version"
)


def cast() -> dict[str, Any]:
    """The users and ids the lists are taken for (made by generate_cases.py)."""
    from zhuqi.cases.models import CaseCategory
    from zhuqi.directory.models import Department, User

    def handler_of(name: str) -> User:
        department = Department.objects.get(name=name)
        return User.objects.get(username=f"bench-handler-{department.pk}-1")

    return {
        "handler": handler_of("通辽市财政局"),
        "county handler": handler_of("霍林郭勒市财政局"),
        "coordinator": User.objects.get(username="bench-coordinator-150500"),  # 通辽, a prefecture
        "county coordinator": User.objects.get(username="bench-coordinator-150581"),  # 霍林郭勒
        "leader": User.objects.get(username="bench-leader-150500"),  # 通辽
        "finance": CaseCategory.objects.get(name="融资", parent=None).pk,
        "department": Department.objects.get(name="通辽市工业和信息化局").pk,
    }


def api_lists(who: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(user, label, query string) of each list measured through the API."""
    return [
        ("handler", "inbox: open (newest first)", {"open": "true"}),
        ("handler", "inbox: open, late", {"open": "true", "late": "true"}),
        ("county handler", "inbox: open (newest first)", {"open": "true"}),
        ("coordinator", "queue: submitted/accepted/returned", {"status": QUEUE}),
        ("coordinator", "queue + category 融资", {"status": QUEUE, "category": who["finance"]}),
        ("coordinator", "queue + late", {"status": QUEUE, "late": "true"}),
        ("coordinator", "queue + q=续贷", {"status": QUEUE, "q": "续贷"}),
        ("coordinator", "late (all open)", {"late": "true"}),
        ("coordinator", "q=续贷 (all cases)", {"q": "续贷"}),
        ("coordinator", "one department, open", {"department": who["department"], "open": "true"}),
        ("coordinator", "no filter, page 100", {"page": 100}),
        ("county coordinator", "queue: submitted/accepted/returned", {"status": QUEUE}),
        ("county coordinator", "late (all open)", {"late": "true"}),
        ("county coordinator", "q=续贷 (all cases)", {"q": "续贷"}),
    ]


def page_lists() -> list[tuple[str, str, str]]:
    """(user, label, address) of each page measured."""
    pages = []
    for role in ("coordinator", "county coordinator", "handler", "county handler", "leader"):
        pages.append((role, "workbench", "/"))
        pages.append((role, "事项: 待办 tab", "/cases/"))
        pages.append((role, "事项: 全部 tab", "/cases/?tab=all"))
    pages.append(("coordinator", "事项: 全部 tab, page 100", "/cases/?tab=all&page=100"))
    pages.append(("coordinator", "事项: 全部 tab, q=续贷", "/cases/?tab=all&q=续贷"))
    return pages


def page_clients(who: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    clients = {}
    for role in ("coordinator", "county coordinator", "handler", "county handler", "leader"):
        clients[role] = Client()
        clients[role].force_login(who[role])
    return clients


def pages(repeat: int) -> None:
    from zhuqi.cases.models import Case

    who = cast()
    clients = page_clients(who)
    print(f"{Case.objects.count()} cases, {database_label()}; {machine()}; at {revision()}")
    for role, label, address in page_lists():

        def get(role: str = role, address: str = address) -> Any:
            response = clients[role].get(address)
            assert response.status_code == 200, response.content[:300]
            return response

        timings, _ = timed(get, repeat)
        report(role, label, -1, timings)


PAIRED_USERS = ("coordinator", "county coordinator", "handler", "county handler", "leader")
PAIRED_PAGES = (("事项: 待办 tab", "/cases/"), ("事项: 全部 tab", "/cases/?tab=all"))
PAIRED_API = "/api/v1/cases?page_size=50"


def pair(repeat: int, roles: list[str], read_only: bool = False) -> None:
    """Each page beside the API's first page of the same user, requests interleaved (page, API,
    page, API …) so a busy moment of the machine falls on both: p50/p95 of each and the ratio
    of the p50s."""
    from zhuqi.cases.models import Case

    who = cast()
    if read_only:
        # A database shared read-only: sessions in signed cookies, no last_login written.
        from django.conf import settings
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    clients = page_clients(who)
    print(f"{Case.objects.count()} cases, {database_label()}; {machine()}; at {revision()}")
    print(f"each page against GET {PAIRED_API} of the same user, {repeat} of each, interleaved")
    for role in roles:
        for label, address in PAIRED_PAGES:
            timings: dict[str, list[float]] = {"page": [], "api": []}
            for url in (address, PAIRED_API):  # warm: the first request of a list fills caches
                clients[role].get(url)
            for _ in range(repeat):
                for kind, url in (("page", address), ("api", PAIRED_API)):
                    started = time.perf_counter()
                    response = clients[role].get(url)
                    timings[kind].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.content[:300]
            page, api = median(timings["page"]), median(timings["api"])
            page95, api95 = percentile(timings["page"], 0.95), percentile(timings["api"], 0.95)
            print(
                f"{role:18} {label:14} page p50 {page:7.1f} / p95 {page95:7.1f} ms"
                f"   API p50 {api:7.1f} / p95 {api95:7.1f} ms   page/API {page / api:4.2f}",
                flush=True,
            )


def inbox_by_clock(user: Any) -> int:
    """The handler's open cases, the most pressing first: what an inbox page would run."""
    from zhuqi.cases import schemas, selectors
    from zhuqi.cases.filtersets import CaseFilterSet

    queryset = CaseFilterSet({"open": True}, queryset=selectors.case_queryset(user=user)).qs
    page = [schemas.case_json(case) for case in queryset.order_by("due_at", "id")[:50]]
    assert len(page) <= 50
    return int(queryset.count())


def lists(repeat: int) -> None:
    from django.conf import settings
    from django.test import Client

    from zhuqi.cases.models import Case

    settings.ALLOWED_HOSTS = ["*"]
    who = cast()
    clients: dict[str, Client] = {}
    for role in ("handler", "county handler", "coordinator", "county coordinator"):
        clients[role] = Client()
        clients[role].force_login(who[role])
    print(f"{Case.objects.count()} cases, {database_label()}; {machine()}; at {revision()}")
    for role, label, params in api_lists(who):

        def get(role: str = role, params: dict[str, Any] = params) -> Any:
            response = clients[role].get("/api/v1/cases", params)
            assert response.status_code == 200, response.content[:300]
            return response

        timings, response = timed(get, repeat)
        report(role, label, response.json()["count"], timings)
    for role in ("handler", "county handler"):
        timings, count = timed(lambda role=role: inbox_by_clock(who[role]), repeat)
        report(role, "inbox by the clock (selectors)", count, timings)


def explain() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    who = cast()
    print(f"{database_label()}; at {revision()}")
    work: list[tuple[str, str, Any]] = []
    for role, label, params in api_lists(who):
        client = Client()
        client.force_login(who[role])
        work.append((role, label, lambda client=client, params=params: client.get("/api/v1/cases", params)))
    for role in ("handler", "county handler"):
        work.append((role, "inbox by the clock (selectors)", lambda role=role: inbox_by_clock(who[role])))
    clients = page_clients(who)
    for role, label, address in page_lists():
        work.append((role, label, lambda role=role, address=address: clients[role].get(address)))
    for role, label, call in work:
        with CaptureQueriesContext(connection) as captured:
            call()
        for query in captured.captured_queries:
            sql = query["sql"]
            if 'FROM "cases_case"' not in sql:
                continue
            kind = "count" if "COUNT(*)" in sql else "page"
            print(f"\n=== {role} · {label} · {kind} ({float(query['time']) * 1000:.1f} ms)")
            print(sql)
            print_plan(sql)


def reset_sweep_state() -> None:
    """The cases the sweep touches, as generated; what the runs before wrote, gone (but for
    the audit entries, which the database refuses to delete)."""
    from django.db import connection, transaction
    from generate_cases import SWEEP_AT

    assignments = ", ".join(f"{column} = b.{column}" for column in SWEPT.split(", "))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE cases_case SET {assignments} FROM bench_sweep_before AS b WHERE cases_case.id = b.id"
        )
        cursor.execute(
            "DELETE FROM cases_casestep WHERE at = %s AND step IN ('escalate', 'close-not-rated')",
            [connection.ops.adapt_datetimefield_value(SWEEP_AT)],
        )
        cursor.execute("DELETE FROM notifications_notice")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Autovacuum is off on the benchmark server; a deployed one would have run.
            cursor.execute("VACUUM ANALYZE cases_case, cases_casestep, notifications_notice")


def one_sweep(trace: bool) -> dict[str, Any]:
    import tracemalloc
    from dataclasses import asdict

    from django.db import connection
    from generate_cases import SWEEP_AT

    from zhuqi.cases.models import Case
    from zhuqi.cases.sweep import sweep

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    Case.objects.exists()  # connected before the baseline
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = sweep(SWEEP_AT)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "report": asdict(result),
        "peak_rss_mib": peak_kib / 1024,
        "rss_growth_mib": (peak_kib - before_kib) / 1024,
        "traced_peak_mib": traced,
        "queries": queries,
        "database": database_label(),
    }


def sweeps(runs: int, trace: bool) -> None:
    results = []
    for run in range(runs):
        reset_sweep_state()
        command = [sys.executable, __file__, "sweep", "--child"] + (["--trace"] if trace else [])
        child = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
        if child.returncode:
            sys.exit(f"run {run + 1} failed (exit {child.returncode}):\n{child.stderr[-4000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        done = result["report"]
        print(
            f"run {run + 1}: {result['seconds']:.1f} s; amber {done['amber']}, red {done['red']}, "
            f"escalated {done['escalated']} (flagged {done['flagged']}), closed not rated "
            f"{done['closed_not_rated']}; {result['queries']} queries; "
            f"peak RSS {result['peak_rss_mib']:.0f} MiB "
            f"(+{result['rss_growth_mib']:.0f} MiB during the sweep)"
            + (f", tracemalloc peak {result['traced_peak_mib']:.1f} MiB" if trace else "")
            + f" ({result['database']})",
            flush=True,
        )
    reset_sweep_state()
    print(
        f"median: {median([r['seconds'] for r in results]):.1f} s, peak RSS "
        f"{median([r['peak_rss_mib'] for r in results]):.0f} MiB; {machine()}; at {revision()}"
    )


def figures(repeat: int) -> None:
    """The figures per department for one quarter (2025 Q4: the generated cases run to the end
    of 2025), as a prefecture's coordinator, a county's, and an unscoped user (the whole
    database), through figures.figures_for as the API and the page call it. Also by region."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuqi.cases import figures as case_figures
    from zhuqi.cases.models import Case
    from zhuqi.core.periods import Period
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import User

    who = cast()
    whole = User(username="bench-auditor", role=Role.AUDITOR, is_active=True)
    quarter = Period.between(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    # The settling moments of a finished quarter are all in the past; "now" is fixed so every
    # run measures the same thing whatever the day.
    now = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    print(f"{Case.objects.count()} cases, {database_label()}; {machine()}; at {revision()}")
    for label, user, group_by in (
        ("prefecture coordinator (通辽), by department", who["coordinator"], "department"),
        ("prefecture coordinator (通辽), by region", who["coordinator"], "region"),
        ("county coordinator (霍林郭勒), by department", who["county coordinator"], "department"),
        ("whole database (auditor), by department", whole, "department"),
    ):

        def call(user: Any = user, group_by: str = group_by) -> Any:
            return case_figures.figures_for(user=user, period=quarter, group_by=group_by, now=now)

        with CaptureQueriesContext(connection) as captured:
            result = call()
        timings, _ = timed(call, repeat)
        print(
            f"{label}: {len(result.rows)} rows, {len(captured)} queries; "
            f"p50 {percentile(timings, 0.5):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["lists", "pages", "pair", "explain", "sweep", "figures"])
    parser.add_argument("--roles", default=",".join(PAIRED_USERS), help="pair: the users, comma-separated")
    parser.add_argument("--read-only", action="store_true", help="pair: write nothing (not a migration)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="sweep: tracemalloc's peak as well")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django(SQLITE, migrate=not args.read_only)
    if args.what == "lists":
        lists(args.repeat)
    elif args.what == "pages":
        pages(args.repeat)
    elif args.what == "pair":
        pair(args.repeat, args.roles.split(","), args.read_only)
    elif args.what == "explain":
        explain()
    elif args.what == "figures":
        figures(args.repeat)
    elif args.child:
        print(json.dumps(one_sweep(args.trace)))
    else:
        sweeps(args.runs, args.trace)


if __name__ == "__main__":
    main()
