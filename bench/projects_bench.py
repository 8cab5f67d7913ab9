"""The project library with its flags and the figures for a year, at the size
generate_projects.py makes (20,000 projects, ~3M weekly reports).

    python bench/generate_projects.py                    # once per database
    python bench/projects_bench.py lists [--repeat 20]   # p50/p95 of the library, API and page
    python bench/projects_bench.py figures [--repeat 10] # project and agreement figures for 2025
    python bench/projects_bench.py explain               # the plan of each list's queries

Everything is measured on TODAY of the generator (2025-12-17), so the flags are the same on
every run: selectors.clock and timezone.localdate are fixed to it.
"""

from __future__ import annotations

import argparse
import sys
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

SQLITE = "projects-sqlite"


def cast() -> dict[str, Any]:
    from zhuqi.directory.models import Department, User

    return {
        "admin": User.objects.get(username="bench-projects-admin"),
        "coordinator": User.objects.get(username="bench-coordinator-150500"),  # 通辽, a prefecture
        "county coordinator": User.objects.get(username="bench-coordinator-150581"),  # 霍林郭勒
        "leader": User.objects.get(username="bench-leader-150100"),  # 呼和浩特
        "department": Department.objects.get(name="通辽市发展和改革委员会").pk,
    }


def api_lists(who: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("admin", "library (all 20k), page 1", {}),
        ("admin", "library, page 200", {"page": 200}),
        ("admin", "flagged (any flag)", {"flagged": "true"}),
        ("coordinator", "library, page 1", {}),
        ("coordinator", "late start", {"flag": "late_start"}),
        ("coordinator", "no report last week", {"flag": "no_report"}),
        ("coordinator", "behind investment", {"flag": "behind_investment"}),
        ("coordinator", "started, listed 2025", {"stage": "started", "year": 2025}),
        ("coordinator", "one department", {"department": who["department"]}),
        ("coordinator", "q=新材料", {"q": "新材料"}),
        ("county coordinator", "library, page 1", {}),
        ("county coordinator", "flagged (any flag)", {"flagged": "true"}),
        ("leader", "library, page 1", {}),
    ]


def pages(who: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("coordinator", "page /projects/", "/projects/"),
        ("coordinator", "page /projects/?flag=no_report", "/projects/?flag=no_report"),
        ("admin", "page /projects/", "/projects/"),
        ("county coordinator", "page /projects/", "/projects/"),
    ]


def fixed_today() -> Any:
    from generate_projects import TODAY

    return mock.patch("django.utils.timezone.localdate", return_value=TODAY)


def clients(who: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    made = {}
    for role in ("admin", "coordinator", "county coordinator", "leader"):
        made[role] = Client()
        made[role].force_login(who[role])
    return made


def lists(repeat: int) -> None:
    from zhuqi.projects.models import ProgressReport, Project

    who = cast()
    made = clients(who)
    print(
        f"{Project.objects.count()} projects, {ProgressReport.objects.count()} reports, {database_label()}; "
        f"{machine()}; at {revision()}"
    )
    with fixed_today():
        for role, label, params in api_lists(who):

            def get(role: str = role, params: dict[str, Any] = params) -> Any:
                response = made[role].get("/api/v1/projects", params)
                assert response.status_code == 200, response.content[:300]
                return response

            timings, response = timed(get, repeat)
            report(role, label, response.json()["count"], timings)
        for role, label, address in pages(who):

            def page(role: str = role, address: str = address) -> Any:
                response = made[role].get(address)
                assert response.status_code == 200, response.content[:300]
                return response

            timings, _ = timed(page, repeat)
            report(role, label, -1, timings)


def figures(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from generate_projects import TODAY

    from zhuqi.investment.figures import agreement_figures
    from zhuqi.projects.figures import project_figures

    who = cast()
    print(f"{database_label()}; {machine()}; at {revision()}")
    work = []
    for role in ("admin", "coordinator", "county coordinator"):
        for group_by in ("region", "department", "level"):
            work.append(
                (
                    f"projects 2025, {role}, by {group_by}",
                    lambda role=role, group_by=group_by: project_figures(
                        user=who[role], year=2025, group_by=group_by, today=TODAY
                    ),
                )
            )
        work.append(
            (
                f"agreements 2025, {role}, by region",
                lambda role=role: agreement_figures(user=who[role], year=2025, today=TODAY),
            )
        )
    with fixed_today():
        for label, call in work:
            with CaptureQueriesContext(connection) as captured:
                result = call()
            timings, _ = timed(call, repeat)
            print(
                f"{label:44} {len(result.rows):3} rows, {len(captured)} queries; "
                f"p50 {median(timings):7.0f} ms, p95 {percentile(timings, 0.95):7.0f} ms",
                flush=True,
            )


def explain() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    who = cast()
    made = clients(who)
    print(f"{database_label()}; at {revision()}")
    with fixed_today():
        for role, label, params in api_lists(who):
            with CaptureQueriesContext(connection) as captured:
                made[role].get("/api/v1/projects", params)
            for query in captured.captured_queries:
                sql = query["sql"]
                if 'FROM "projects_project"' not in sql:
                    continue
                kind = "count" if "COUNT(*)" in sql else "page"
                print(f"\n=== {role} · {label} · {kind} ({float(query['time']) * 1000:.1f} ms)")
                print_plan(sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["lists", "figures", "explain"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_django(SQLITE)
    {"lists": lambda: lists(args.repeat), "figures": lambda: figures(args.repeat), "explain": explain}[
        args.what
    ]()


if __name__ == "__main__":
    main()
