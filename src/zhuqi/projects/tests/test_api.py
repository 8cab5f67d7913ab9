"""The projects API as a client uses it: the library with flags, a stage change, a weekly report
with a problem that becomes a case, and the refusals naming their field."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.projects import schemas, selectors
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, make_project


def _create(client: Client, cast: Cast, **overrides: Any) -> Any:
    body = {
        "name": "金源阳光伏项目",
        "region": "150581",
        "total_investment": "80000",
        "owner": cast.home.pk,
        "responsible_department": cast.handler.department_id,
        "planned_started_on": "2026-04-01",
        "annual_plan": "30000",
        **overrides,
    }
    return send(client, "post", "/api/v1/projects", body)


def test_library_stage_and_report_with_a_problem(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    created = _create(coordinator, cast)
    assert created.status_code == 201, created.content
    project = created.json()
    today = timezone.localdate()
    if today > datetime.date(2026, 4, 1):
        assert {flag["name"] for flag in project["flags"]} >= {"late_start"}

    listed = coordinator.get("/api/v1/projects?flag=late_start").json()
    assert [item["id"] for item in listed["items"]] == (
        [project["id"]] if today > datetime.date(2026, 4, 1) else []
    )

    handler = token_client("handler")
    moved = send(
        handler,
        "post",
        f"/api/v1/projects/{project['id']}/stage",
        {"version": project["version"], "stage": "started", "on": str(today)},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "started" and moved.json()["actual"]["started"] == str(today)
    assert "late_start" not in {flag["name"] for flag in moved.json()["flags"]}
    stale = send(
        handler,
        "post",
        f"/api/v1/projects/{project['id']}/stage",
        {"version": project["version"], "stage": "completed", "on": str(today)},
    )
    assert stale.status_code == 409

    enterprise = token_client("enterprise")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    reported = send(
        enterprise,
        "post",
        f"/api/v1/projects/{project['id']}/reports",
        {
            "period_start": str(today),
            "progress": "组件进场安装",
            "investment_this_period": "2500",
            "problems": [{"title": "并网接入批复迟迟未下", "category": finance.pk}],
        },
    )
    assert reported.status_code == 201, reported.content
    [case_id] = reported.json()["cases"]
    assert Case.objects.get(pk=case_id).project_id == project["id"]
    detail = coordinator.get(f"/api/v1/projects/{project['id']}").json()
    assert detail["investment_to_date"] == "2500.00"
    reports = coordinator.get(f"/api/v1/projects/{project['id']}/reports").json()
    assert reports["count"] == 1 and reports["items"][0]["progress"] == "组件进场安装"
    # Sent as built (TrustedPage): what ReportOut's validation sent.
    calendar = WorkingCalendar()
    assert reports["items"] == validated_items(
        schemas.ReportOut,
        lambda report: schemas.report_json(selectors.mark_lateness(report, calendar)),
        selectors.reports_of(user=cast.coordinator, project_id=project["id"]),
    )


def test_refusals_name_the_field(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    bad = _create(coordinator, cast, total_investment="8亿元", region="140200")
    assert bad.status_code == 422
    assert {tuple(d["loc"]) for d in bad.json()["detail"]} == {
        ("body", "total_investment"),
        ("body", "region"),
    }
    project = _create(coordinator, cast).json()
    future = send(
        token_client("enterprise"),
        "post",
        f"/api/v1/projects/{project['id']}/reports",
        {
            "period_start": str(timezone.localdate() + datetime.timedelta(days=14)),
            "progress": "x",
            "investment_this_period": "1",
        },
    )
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "period_start"]
    assert coordinator.get("/api/v1/projects?stage=nonsense").status_code == 422
    assert (
        send(
            token_client("leader"),
            "post",
            "/api/v1/projects",
            {"name": "x", "region": "150581", "total_investment": 1},
        ).status_code
        == 403
    )


def test_scope_and_queries(cast: Cast) -> None:
    for _ in range(5):
        make_project(owner=cast.home, responsible_department=cast.handler.department)
    make_project(region_id="140200")
    coordinator = token_client("coordinator")
    with CaptureQueriesContext(connection) as captured:
        listed = coordinator.get("/api/v1/projects").json()
    assert listed["count"] == 5
    # The page's ids, then its projects with their flags: a page that is not full says the
    # count itself.
    assert len([q for q in captured.captured_queries if "projects_project" in q["sql"]]) == 2
    assert token_client("outsider").get("/api/v1/projects").json()["count"] == 1
    other = make_project(region_id="140200")
    assert coordinator.get(f"/api/v1/projects/{other.pk}").status_code == 404


def test_a_project_list_sets_the_reporting_period(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    created = send(
        coordinator,
        "post",
        "/api/v1/projects/lists",
        {
            "name": "2026年霍林郭勒市重点项目",
            "region": "150581",
            "level": "city",
            "year": 2026,
            "reporting_period": "monthly",
        },
    )
    assert created.status_code == 201, created.content
    listing = created.json()
    project = _create(coordinator, cast, project_list=listing["id"]).json()
    assert project["reporting_period"] == "monthly"
    lists = coordinator.get("/api/v1/projects/lists").json()["items"]
    assert [item["id"] for item in lists] == [listing["id"]]
    assert lists == validated_items(
        schemas.ProjectListOut, schemas.project_list_json, selectors.project_lists(user=cast.coordinator)
    )
    bad = send(
        coordinator,
        "post",
        "/api/v1/projects/lists",
        {"name": "x", "region": "140200", "level": "city", "year": 2026, "reporting_period": "daily"},
    )
    assert {tuple(d["loc"]) for d in bad.json()["detail"]} == {
        ("body", "region"),
        ("body", "reporting_period"),
    }
    # Another jurisdiction's coordinator can neither see nor change it.
    outsider = token_client("outsider")
    assert outsider.get("/api/v1/projects/lists").json() == {"items": [], "count": 0, "count_capped": False}
    changed = send(
        outsider,
        "put",
        f"/api/v1/projects/lists/{listing['id']}",
        {"name": "x", "region": "140200", "level": "city", "year": 2026, "reporting_period": "weekly"},
    )
    assert changed.status_code == 404
