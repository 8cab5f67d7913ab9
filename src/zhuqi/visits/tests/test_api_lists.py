"""The visit list through the API: rows read as columns and sent as built equal what the
whole-object serializer sent through VisitOut; a fixed number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.core.roles import Role
from zhuqi.directory.models import Official, Region, User
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import DepartmentFactory, OfficialFactory, PostFactory, make_user
from zhuqi.visits import schemas, selectors
from zhuqi.visits.tests.test_list_queries import _visits


def a_leader() -> Official:
    lead = OfficialFactory(name="孟宪东")
    PostFactory(official=lead, department=DepartmentFactory(name="通辽市委"), title="书记")
    return lead


@pytest.mark.parametrize("role", ["coordinator", "leader", "liaison", "enterprise", "province", "prefecture"])
def test_the_list_sends_what_the_full_serializer_sent(cast, role) -> None:
    _visits(cast, a_leader(), 3, said=1)
    if role in ("province", "prefecture"):
        # A wide jurisdiction's page is written differently on SQLite (visits_touching_q).
        code = "150000" if role == "province" else "150500"
        make_user(role, Role.COORDINATOR, region=Region.objects.get(pk=code))
    user = User.objects.get(username=role) if role in ("province", "prefecture") else cast.by_role(role)
    before = [as_sent(schemas.VisitOut, schemas.visit_json(v)) for v in selectors.visit_queryset(user=user)]
    body = token_client(role).get("/api/v1/visits", {"page_size": 500}).json()
    assert body == {"items": before, "count": len(before), "count_capped": False}
    assert role in ("liaison", "enterprise") or len(before) == 3


def test_queries_do_not_grow_with_the_page(cast, django_assert_num_queries) -> None:
    _visits(cast, a_leader(), 4, said=0)
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the page, the count (the page is full).
    with django_assert_num_queries(4):
        full = client.get("/api/v1/visits", {"page_size": 2, "kind": "inspection"}).json()
    assert len(full["items"]) == 2 and full["count"] == 4
    with django_assert_num_queries(3):
        whole = client.get("/api/v1/visits", {"page_size": 500}).json()
    assert whole["count"] == len(whole["items"]) == 4
