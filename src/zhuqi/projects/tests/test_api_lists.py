"""The key-project library through the API: sent as project_json builds it (not re-validated),
equal to what ProjectOut's validation sent; a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.projects import schemas, selectors
from zhuqi.projects.models import ProjectYear
from zhuqi.projects.tests.test_api import _create
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import Cast, make_project


def a_varied_set(cast: Cast) -> None:
    assert _create(token_client("coordinator"), cast).status_code == 201  # owner, department, plan
    late = make_project(
        owner_name="外来投资有限公司",
        planned_started_on=datetime.date(2020, 1, 1),  # late to start: flagged
        total_investment=Decimal("1234.50"),
    )
    ProjectYear.objects.create(project=late, year=timezone.localdate().year, completed_investment=12)
    make_project(responsible_department=cast.handler.department)


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
        len(before) == 3 and any(item["flags"] for item in body["items"])
    )


def test_queries_do_not_grow_with_the_page(cast, django_assert_num_queries) -> None:
    a_varied_set(cast)
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the page's ids, its projects with their flags, the count (the page is full).
    with django_assert_num_queries(5):
        full = client.get("/api/v1/projects", {"page_size": 2}).json()
    assert len(full["items"]) == 2 and full["count"] == 3
    with django_assert_num_queries(4):
        whole = client.get("/api/v1/projects", {"page_size": 500, "year": timezone.localdate().year}).json()
    assert whole["count"] == len(whole["items"]) == 3
    # Page by page, the same projects in the same order.
    pages = [
        client.get("/api/v1/projects", {"page_size": 2, "page": page}).json()["items"] for page in (1, 2)
    ]
    assert [item for page in pages for item in page] == whole["items"]
