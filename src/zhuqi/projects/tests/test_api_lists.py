"""The key-project library through the API: sent as project_row_json builds it from the page's
columns (not re-validated), equal to what project_json and ProjectOut's validation sent; the
page taken in the library's order whichever way the scope is written; a fixed number of
queries."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from zhuqi.core.pagination import json_response
from zhuqi.directory.models import Region
from zhuqi.projects import schemas, selectors
from zhuqi.projects.models import ProjectList, ProjectYear, ReportingPeriod
from zhuqi.projects.tests.test_api import _create
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, make_project


def a_varied_set(cast: Cast) -> None:
    assert _create(token_client("coordinator"), cast).status_code == 201  # owner, department, plan
    late = make_project(
        owner_name="外来投资有限公司",
        planned_started_on=datetime.date(2020, 1, 1),  # late to start: flagged
        total_investment=Decimal("1234.50"),
    )
    ProjectYear.objects.create(project=late, year=timezone.localdate().year, completed_investment=12)
    make_project(responsible_department=cast.handler.department)
    # Elsewhere, but a department of 通辽 is responsible: in the prefecture's library.
    tongliao_office = DepartmentFactory(name="通辽市发改委", region=Region.objects.get(pk="150500"))
    make_project(
        name="外地项目", region=Region.objects.get(pk="140200"), responsible_department=tongliao_office
    )
    monthly = ProjectList.objects.create(
        name="月报清单",
        region_id="150581",
        level="county",
        year=2024,
        reporting_period=ReportingPeriod.MONTHLY,
    )
    leader = OfficialFactory(name="包联领导甲")
    for name in ("清单项目B", "清单项目A"):
        make_project(name=name, listed_year=2024, project_list=monthly, responsible_leader=leader)


@pytest.mark.parametrize("role", ["coordinator", "leader", "handler", "enterprise"])
def test_the_list_sends_what_the_validated_serializer_sent(cast, role) -> None:
    a_varied_set(cast)
    user = cast.by_role(role)
    at = selectors.clock()
    before = [
        as_sent(schemas.ProjectOut, schemas.project_json(p))
        for p in selectors.project_library(user=user, at=at)
    ]
    body = token_client(role).get("/api/v1/projects", {"page_size": 500}).json()
    assert body == {"items": before, "count": len(before), "count_capped": False}
    assert role not in ("coordinator", "leader") or (
        len(before) == (5 if role == "coordinator" else 6) and any(item["flags"] for item in body["items"])
    )


def test_a_row_is_sent_as_project_json_sends_the_project(cast) -> None:
    a_varied_set(cast)
    at = selectors.clock()
    library = selectors.project_library(user=cast.admin, at=at)
    rows = {row["id"]: row for row in library.values(*schemas.PROJECT_ROW_COLUMNS)}
    projects = list(library)
    assert len(projects) == 6
    for project in projects:
        sent = as_sent(schemas.ProjectOut, schemas.project_json(project))
        assert json.loads(json_response(schemas.project_row_json(rows[project.pk])).content) == sent
        assert as_sent(schemas.ProjectOut, schemas.project_row_json(rows[project.pk])) == sent
    assert {row["reporting_period"] for row in map(schemas.project_row_json, rows.values())} == {
        "weekly",
        "monthly",
    }


def test_the_page_is_the_library_in_its_order(cast) -> None:
    # The prefecture leader's page walks the order (project_scope_q's walk_in_order); the same
    # projects as the library, the one outside the prefecture included, newest year first.
    a_varied_set(cast)
    at = selectors.clock()
    library = list(selectors.project_library(user=cast.leader, at=at).values_list("pk", flat=True))
    _, paged, _ = selectors.project_list_querysets(user=cast.leader, at=at)
    assert list(paged.values_list("pk", flat=True)) == library and len(library) == 6
    # On SQLite the region is read beside the order's index, not through its own.
    assert ('+"projects_project"."region_id"' in str(paged.query)) == (connection.vendor == "sqlite")
    names = [item["name"] for item in token_client("leader").get("/api/v1/projects").json()["items"]]
    assert names[-2:] == ["清单项目A", "清单项目B"]  # listed in 2024, by name
    assert "外地项目" in names


def test_queries_do_not_grow_with_the_page(cast, django_assert_num_queries) -> None:
    a_varied_set(cast)
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the page's ids, its projects with their flags, the count (the page is full).
    with django_assert_num_queries(5):
        full = client.get("/api/v1/projects", {"page_size": 2}).json()
    assert len(full["items"]) == 2 and full["count"] == 5
    with django_assert_num_queries(4):
        whole = client.get("/api/v1/projects", {"page_size": 500, "year": timezone.localdate().year}).json()
    assert whole["count"] == len(whole["items"]) == 3
    # Page by page, the same projects in the same order.
    pages = [
        client.get("/api/v1/projects", {"page_size": 2, "page": page}).json()["items"] for page in (1, 2, 3)
    ]
    everything = client.get("/api/v1/projects", {"page_size": 500}).json()["items"]
    assert [item for page in pages for item in page] == everything


@pytest.mark.parametrize("params", [{"flag": "late_start"}, {"flagged": "true"}, {"flagged": "false"}])
def test_a_flag_filter_reads_the_flags_the_page_shows(cast, params) -> None:
    # The list's count and page queries carry no flags until a flag filter adds them.
    a_varied_set(cast)
    body = token_client("leader").get("/api/v1/projects", {**params, "page_size": 1}).json()
    everything = token_client("leader").get("/api/v1/projects", {"page_size": 500}).json()["items"]
    if "flag" in params:
        wanted = [item for item in everything if any(f["name"] == "late_start" for f in item["flags"])]
    else:
        wanted = [item for item in everything if bool(item["flags"]) == (params["flagged"] == "true")]
    assert wanted and body["items"] == wanted[:1] and body["count"] == len(wanted)
