"""The case list through the API: the rows read as columns and sent as built (not re-validated)
are exactly what the full serializer, validated by the response schema, sent before; one filter
set, three queries; the count capped unless asked for exactly."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.cases import schemas, selectors, services, workflow
from zhuqi.cases.filtersets import CaseFilterSet
from zhuqi.cases.models import Case, CaseCategory, Closure, Escalation, Kind, Status, Timeliness
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.cases.tests.test_hazards import ordered
from zhuqi.cases.tests.test_joint import four_demands, open_joint
from zhuqi.core import pagination
from zhuqi.core.pagination import json_response
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import Cast


def a_varied_set(cast: Cast, finance: CaseCategory, other_department: Any) -> None:
    """Demands in a joint handling, a hazard ordered rectified, an instruction with no enterprise,
    a demand with a co-department, closed, rated, escalated, a duplicate: nulls and values."""
    four = four_demands(cast, finance)
    open_joint(cast, four)
    ordered(cast)
    services.case_create(
        actor=cast.leader,
        data=NewCase(
            kind=Kind.INSTRUCTION,
            title="摸排园区用地",
            category_id=finance.pk,
            region_code="150581",
            source="meeting",
            lead_department_id=cast.handler.department_id,
            co_department_ids=[other_department.pk],
            deadline=timezone.localdate() + datetime.timedelta(days=20),
        ),
    )
    supported = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND, title="用电报装慢", description="报装三个月未通电", category_id=finance.pk
        ),
    )
    services.case_assign(
        actor=cast.coordinator,
        case_id=supported.pk,
        expected_version=supported.version,
        lead_department_id=cast.handler.department_id,
        co_department_ids=[other_department.pk],
        step=StepInput("请协办"),
    )
    Case.objects.filter(pk=four.cases[0].pk).update(
        escalation_level=Escalation.SUPERVISION,
        timeliness=Timeliness.RED,
        working_days_late=4,
        flagged_for_notice=True,
    )
    Case.objects.filter(pk=four.cases[1].pk).update(
        status=Status.CLOSED,
        closure=Closure.CONFIRMED,
        rating=2,
        closed_at=timezone.now(),
        duplicate_of=four.cases[2].pk,
    )


def old_list(user: Any) -> list[dict[str, Any]]:
    """What the list sent before: case_json of whole cases, validated by CaseOut, ninja's JSON."""
    return [as_sent(schemas.CaseOut, schemas.case_json(case)) for case in selectors.case_queryset(user=user)]


@pytest.mark.parametrize("role", ["coordinator", "leader", "handler", "enterprise"])
def test_the_list_sends_what_the_full_serializer_sent(cast, finance, other_department, role) -> None:
    a_varied_set(cast, finance, other_department)
    listed = token_client(role).get("/api/v1/cases", {"page_size": 500})
    assert listed.status_code == 200 and listed["Content-Type"] == "application/json; charset=utf-8"
    body = listed.json()
    before = old_list(cast.by_role(role))
    assert len(before) >= (7 if role in ("coordinator", "leader") else 1)
    assert body == {"items": before, "count": len(before), "count_capped": False}


def test_the_columns_read_are_the_rows_facts_the_workflow_asks_for() -> None:
    # allowed_steps reads the row through _StepFacts: every field a step's condition reads is there.
    conditions = [condition for t in workflow.STEPS.values() for condition in t.conditions]
    assert {c.field for c in conditions} <= set(schemas._StepFacts.__slots__) <= set(schemas.CASE_ROW_COLUMNS)
    # The steps are cached by whether the case is in a joint handling, not by which.
    assert all(c.values == frozenset({None}) for c in conditions if c.field == "joint_handling_id")


def test_dates_and_decimals_are_encoded_as_ninja_encoded_them() -> None:
    at = datetime.datetime(2026, 1, 14, 0, 30, 5, 123456, tzinfo=datetime.UTC)
    body = json_response({"at": at, "day": at.date(), "money": Decimal("12.50"), "kind": Kind.DEMAND})
    assert body.content.decode() == (
        '{"at":"2026-01-14T00:30:05.123Z","day":"2026-01-14","money":"12.50","kind":"demand"}'
    )


def test_one_filter_set_three_queries_whatever_the_page_size(
    cast, finance, other_department, django_assert_num_queries, monkeypatch
) -> None:
    a_varied_set(cast, finance, other_department)
    client = Client()
    client.force_login(cast.coordinator)
    built = []
    init = CaseFilterSet.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(CaseFilterSet, "__init__", counting)
    # Session, user, the cases reached from outside the jurisdiction (read once for the count and
    # the page), the page, the count (the page is full, so it does not end the list).
    with django_assert_num_queries(5):
        full = client.get("/api/v1/cases", {"page_size": 2, "kind": "demand"}).json()
    assert len(built) == 1 and len(full["items"]) == 2 and full["count"] >= 5
    # A page that is not full ends the list: it gives the count, no count query.
    with django_assert_num_queries(4):
        short = client.get("/api/v1/cases", {"page_size": 500, "kind": "demand"}).json()
    assert short["count"] == len(short["items"]) == full["count"] and not short["count_capped"]


def test_the_count_is_capped_unless_asked_for_exactly(cast, finance, other_department, monkeypatch) -> None:
    a_varied_set(cast, finance, other_department)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client = token_client("coordinator")
    total = Case.objects.count()
    assert total > 4
    capped = client.get("/api/v1/cases", {"page_size": 2}).json()
    assert capped["count"] == 3 and capped["count_capped"] is True
    exact = client.get("/api/v1/cases", {"page_size": 2, "count": "exact"}).json()
    assert exact["count"] == total and exact["count_capped"] is False
    assert exact["items"] == capped["items"]
    # Past the cap, the count reaches at least the end of the page asked for.
    later = client.get("/api/v1/cases", {"page_size": 2, "page": 2}).json()
    assert (later["count"], later["count_capped"]) == ((4, True) if total > 4 else (total, False))
    # Past the end: an empty page, counted.
    beyond = client.get("/api/v1/cases", {"page_size": 2, "page": 50, "count": "exact"}).json()
    assert beyond == {"items": [], "count": total, "count_capped": False}
    assert client.get("/api/v1/cases", {"count": "all"}).status_code == 422


def test_the_openapi_documents_the_list_and_its_count(cast) -> None:
    document = token_client("coordinator").get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/cases"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["count"]["schema"]["enum"] == ["capped", "exact"]
    paged = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    properties = document["components"]["schemas"][paged]["properties"]
    assert set(properties) == {"items", "count", "count_capped"}
    assert properties["items"]["items"]["$ref"].endswith("/CaseOut")
    assert "count=exact" in properties["count_capped"]["description"]


@pytest.mark.parametrize(
    "order", [("-submitted_at", "-id"), ("title", "id"), ("due_at", "-id"), ("-closed_at", "id")]
)
def test_a_page_read_as_one_json_text_is_the_page_values_reads(
    cast, finance, other_department, order, django_assert_num_queries
) -> None:
    """core.pagination.JsonRows on the list's own columns (datetimes, dates, nulls, booleans):
    each slice, in each order, sends what `.values()` of it sends, in one query."""
    a_varied_set(cast, finance, other_department)
    rows = Case.objects.order_by(*order).values(*schemas.CASE_ROW_COLUMNS)
    total = rows.count()
    assert total >= 7
    for start, stop in [(0, total), (1, 4), (total - 2, total + 5)]:
        with django_assert_num_queries(1):
            page = pagination.JsonRows(rows)[start:stop]
        assert json_response(page).content == json_response(list(rows[start:stop])).content
        assert [row["id"] for row in page] == [row["id"] for row in rows[start:stop]]
