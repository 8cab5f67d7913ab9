"""Visit timelines and liaison coverage at the size generate_visits.py makes (100k visits).

    python bench/generate_visits.py                              # once per database
    python bench/visits_bench.py timeline [--repeat 20] [--runs 3]
    python bench/visits_bench.py coverage [--repeat 20] [--runs 3]
    python bench/visits_bench.py explain [--coverage]

timeline: the pages a leader and the offices open, rendered whole through the test client
(session, scoping, the page's queries, the template): the busy leader's timeline
(`/visits/?official=`, its page 25, the API's first page, the month calendar), an ordinary
leader's, a prefecture coordinator's list (all, and liaison visits only) and the admin's list.

coverage: the liaison coverage figures for November 2026 (`/visits/coverage/?month=2026-11&by=`
department and region, and the API `/api/v1/assignments/coverage`) as a county coordinator, a
prefecture coordinator and the province-wide admin, and a liaison officer's workbench
(`/visits/liaison/`, `/api/v1/assignments?official=`), and coverage_figures() without the page.

explain: each page's queries as the request ran them (captured), under EXPLAIN (ANALYZE,
BUFFERS) on PostgreSQL and EXPLAIN QUERY PLAN on SQLite; the coverage pages' with --coverage.

With --runs R each mode runs R times and ends with the median of the runs' p50 and p95 per line.
The day is fixed at the generator's TODAY (2026-11-23): timezone.localdate and timezone.now.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

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

SQLITE = "visits-sqlite"
MONTH = "2026-11"
ROLES = {
    "busy leader": "bench-busy-leader",  # 通辽市市长, ~1,500 visits
    "ordinary leader": "bench-ordinary-leader",  # 霍林郭勒市市长
    "prefecture coordinator": "bench-coordinator-150500",  # 通辽
    "county coordinator": "bench-coordinator-150581",  # 霍林郭勒
    "admin": "bench-visits-admin",
    "liaison": "bench-liaison",  # a 霍林郭勒 department cadre
}


@contextlib.contextmanager
def fixed_clock() -> Iterator[None]:
    import datetime

    from generate_visits import NOW, TODAY

    with (
        mock.patch("django.utils.timezone.localdate", return_value=TODAY),
        mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(datetime.UTC)),
    ):
        yield


def cast() -> dict[str, Any]:
    from zhuqi.directory.models import User

    users = {role: User.objects.get(username=name) for role, name in ROLES.items()}
    return {"users": users, **{f"{role} official": users[role].official_id for role in ROLES}}


def clients(who: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    made = {}
    for role, user in who["users"].items():
        made[role] = Client()
        made[role].force_login(user)
    return made


def timeline_pages(who: dict[str, Any]) -> list[tuple[str, str, str]]:
    busy, ordinary = who["busy leader official"], who["ordinary leader official"]
    return [
        ("busy leader", "timeline /visits/?official=", f"/visits/?official={busy}"),
        ("busy leader", "timeline, page 25", f"/visits/?official={busy}&page=25"),
        ("busy leader", "API /api/v1/visits?official=", f"/api/v1/visits?official={busy}"),
        ("busy leader", "calendar, 2026-11", f"/visits/calendar/?official={busy}&month={MONTH}"),
        ("ordinary leader", "timeline /visits/?official=", f"/visits/?official={ordinary}"),
        ("ordinary leader", "API /api/v1/visits?official=", f"/api/v1/visits?official={ordinary}"),
        ("ordinary leader", "calendar, 2026-11", f"/visits/calendar/?official={ordinary}&month={MONTH}"),
        ("prefecture coordinator", "/visits/", "/visits/"),
        ("prefecture coordinator", "/visits/?kind=liaison", "/visits/?kind=liaison"),
        ("prefecture coordinator", "timeline of the busy leader", f"/visits/?official={busy}"),
        ("admin", "/visits/", "/visits/"),
        ("admin", "/visits/, page 100", "/visits/?page=100"),
    ]


def coverage_pages(who: dict[str, Any]) -> list[tuple[str, str, str]]:
    pages = []
    for role in ("county coordinator", "prefecture coordinator", "admin"):
        for by in ("department", "region"):
            pages.append((role, f"coverage page, by {by}", f"/visits/coverage/?month={MONTH}&by={by}"))
        pages.append(
            (role, "API coverage, by department", f"/api/v1/assignments/coverage?month={MONTH}&by=department")
        )
    pages.append(("liaison", "workbench /visits/liaison/", "/visits/liaison/"))
    pages.append(
        (
            "liaison",
            "API /api/v1/assignments?official=",
            f"/api/v1/assignments?official={who['liaison official']}",
        )
    )
    return pages


def hits(response: Any) -> int:
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and "count" in body:
            return int(body["count"])
    return -1


def measure(
    pages: list[tuple[str, str, str]],
    made: dict[str, Any],
    repeat: int,
    results: dict[str, list[tuple[float, float]]],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for role, label, address in pages:

        def get(role: str = role, address: str = address) -> Any:
            response = made[role].get(address)
            assert response.status_code == 200, (address, response.status_code, response.content[:300])
            return response

        with CaptureQueriesContext(connection) as captured:
            get()
        queries = len(captured)  # before the next request resets the log
        timings, response = timed(get, repeat)
        report(role, f"{label} [{queries} q]", hits(response), timings)
        results[f"{role} · {label}"].append((median(timings), percentile(timings, 0.95)))


def run(mode: str, repeat: int, runs: int) -> None:
    from zhuqi.enterprises.models import Assignment
    from zhuqi.visits.models import Visit

    who = cast()
    print(
        f"{Visit.objects.count()} visits, {Assignment.objects.count()} assignments, {database_label()}; "
        f"{machine()}; at {revision()}",
        flush=True,
    )
    results: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with fixed_clock():
        # Logged in on the fixed day too, or the sessions would have expired on it.
        made = clients(who)
        pages = coverage_pages(who) if mode == "coverage" else timeline_pages(who)
        for number in range(runs):
            if runs > 1:
                print(f"-- run {number + 1} of {runs}", flush=True)
            measure(pages, made, repeat, results)
            if mode == "coverage":
                coverage_function(who, repeat, results)
    if runs > 1:
        print(f"\nmedian of {runs} runs ({repeat} requests each), ms:")
        print("| line | p50 | p95 |\n|---|---:|---:|")
        for line, values in results.items():
            print(f"| {line} | {median([v[0] for v in values]):.0f} | {median([v[1] for v in values]):.0f} |")


def coverage_function(
    who: dict[str, Any], repeat: int, results: dict[str, list[tuple[float, float]]]
) -> None:
    """coverage_figures() itself, without the page around it."""
    from generate_visits import TODAY

    from zhuqi.core.periods import Period, PeriodKind
    from zhuqi.visits import coverage

    month = Period.parse(MONTH, kind=PeriodKind.MONTH)
    for role in ("county coordinator", "prefecture coordinator", "admin"):
        for by in ("department", "region"):
            timings, _ = timed(
                lambda role=role, by=by: coverage.coverage_figures(
                    who["users"][role], month, by=by, today=TODAY
                ),
                repeat,
            )
            report(role, f"coverage_figures(by={by})", -1, timings)
            results[f"{role} · coverage_figures(by={by})"].append(
                (median(timings), percentile(timings, 0.95))
            )


def explain(with_coverage: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    who = cast()
    print(f"{database_label()}; at {revision()}")
    with fixed_clock():
        made = clients(who)
        pages = timeline_pages(who)
        if with_coverage:
            pages += coverage_pages(who)
        for role, label, address in pages:
            with CaptureQueriesContext(connection) as captured:
                response = made[role].get(address)
            print(f"\n##### {role} · {label} · {address}: {response.status_code}, {len(captured)} queries")
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.startswith("SELECT") or "django_session" in sql:
                    continue
                print(f"\n=== {float(query['time']) * 1000:.1f} ms\n{sql}")
                print_plan(sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["timeline", "coverage", "explain"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--coverage", action="store_true", help="explain: the coverage pages' queries too")
    args = parser.parse_args()
    setup_django(SQLITE)
    if args.what == "explain":
        explain(args.coverage)
    else:
        run(args.what, args.repeat, args.runs)


if __name__ == "__main__":
    main()
