"""Every free-text field has a limit, declared once (core.textlimits, from the models), and a
value over it is refused with the field named, on every write endpoint of the API, and nothing
is written. The cases are generated from the OpenAPI document, so a new endpoint or field is
covered (or, with no limit, fails the census below) without anyone remembering to add it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps

from zhuqi.api import api
from zhuqi.core.textlimits import TEXT_LENGTH, excerpt, limit, shortened
from zhuqi.testing.api import send, token_client

DOCUMENT = api.get_openapi_schema()
WRITE_METHODS = ("post", "put", "patch")

# String properties of request bodies that are not free text: choices, codes, amounts, dates and
# credentials, each checked against its own rule (a choice list, GB/T 2260, a number).
CODED = frozenset(
    {
        "kind",
        "region",
        "uscc",
        "industry",
        "urgency",
        "complexity",
        "source",
        "outcome",
        "outcome_reason",
        "stage",
        "category",
        "level",
        "reporting_period",
        "amount",
        "amount_unit",
        "amount_nature",
        "unit",
        "total_investment",
        "annual_plan",
        "investment_this_period",
        "planned_investment",
        "username",
        "password",
        "flavour",
        # Policies: choices, a percentage and an amount, each judged by the service.
        "grant_mode",
        "status",
        "channel",
        "complaint",
        "rate",
        "amount_cap",
        "answer",
        # Chains: a member's role, a choice the service judges.
        "role",
        # Task forces: a campaign's cadence (a choice), its due time (HH:MM) and a report's period
        # (a key of the campaign's cadence), each by a pattern the schema states; an indicator's
        # month (2026-11, 2026年11月), judged by the service.
        "cadence",
        "due_time",
        "period",
        "month",
        # Dispatch: a meeting's scope and an economic indicator, choices the service judges.
        "scope_kind",
        "indicator",
    }
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    return schema


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        if _resolve(option).get("type") != "null":
            return _resolve(option)
    return schema


def _sample(schema: dict[str, Any]) -> Any:
    """The smallest value of a schema that passes validation: required properties only."""
    schema = _non_null(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _sample(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        # The smallest number the schema allows (a year starts at 2000), else 1.
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-05"
    return "x"


def _text_fields(schema: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, max length or None) of every string property, list items and nested objects
    included; lists are entered at index 0."""
    schema = _non_null(schema)
    if schema.get("type") == "array":
        if "items" in schema:  # a tuple (prefixItems) holds ids and dates, not text
            yield from _text_fields(schema["items"], (*path, 0))
        return
    for name, prop in schema.get("properties", {}).items():
        inner = _non_null(prop)
        if inner.get("type") == "string" and inner.get("format") not in ("date", "date-time"):
            yield (*path, name), inner.get("maxLength")
        elif inner.get("type") in ("array", "object") or "properties" in inner:
            yield from _text_fields(inner, (*path, name))


def _body_with(schema: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    """A minimal valid body with `value` at `path` (creating the list item or object on the way)."""
    schema = _non_null(schema)
    if not path:
        return value
    head, *rest = path
    if schema.get("type") == "array":
        return [_body_with(schema["items"], tuple(rest), value)]
    body = _sample(schema)
    body[head] = _body_with(schema["properties"][head], tuple(rest), value)
    return body


def _endpoints() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for url, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in WRITE_METHODS and "application/json" in content:
                yield method, url, content["application/json"]["schema"]


CASES = [
    pytest.param(method, url, schema, path, maximum, id=f"{method} {url} {'.'.join(map(str, path))}")
    for method, url, schema in _endpoints()
    for path, maximum in _text_fields(schema)
    if maximum is not None
]


# A name that is coded on one endpoint and free text on another.
CODED_AT = frozenset({("/api/v1/cases/{case_id}/reject", "reason")})


def test_every_text_field_of_every_write_endpoint_has_a_limit() -> None:
    """The census: a string in a request body is either coded (and checked as a code) or free
    text with a maxLength. Before the limits, titles, summaries and comments had none."""
    unbounded = [
        f"{method} {url} {'.'.join(map(str, path))}"
        for method, url, schema in _endpoints()
        for path, maximum in _text_fields(schema)
        if maximum is None and path[-1] not in CODED and (url, path[-1]) not in CODED_AT
    ]
    assert unbounded == []
    assert len(CASES) > 60  # cases, visits, projects, agreements, enterprises, directory, calendar


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "core",
            "directory",
            "enterprises",
            "cases",
            "visits",
            "projects",
            "investment",
            "notifications",
            "policies",
        }
        and not model._meta.label.endswith("ApiToken")
    }


@pytest.mark.parametrize(("method", "url", "schema", "path", "maximum"), CASES)
def test_an_over_long_value_is_refused_naming_the_field(
    cast: Any, method: str, url: str, schema: dict[str, Any], path: tuple[Any, ...], maximum: int
) -> None:
    client = token_client("admin")
    before = _row_counts()
    address = re.sub(r"\{year\}", "2026", re.sub(r"\{\w+_id\}", "1", url))
    response = send(client, method, address, _body_with(schema, path, "长" * (maximum + 1)))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert [tuple(d["loc"]) for d in detail] == [("body", *path)]
    assert detail[0]["msg"] == f"不能超过 {maximum:,} 字"
    assert _row_counts() == before


def test_exactly_the_limit_is_accepted(cast: Any) -> None:
    from zhuqi.visits.models import Visit

    client = token_client("coordinator")
    response = send(
        client,
        "post",
        "/api/v1/visits",
        {
            "kind": "liaison",
            "title": "题" * limit(Visit, "title"),
            "start_date": "2026-01-05",
            "enterprises": [{"enterprise": cast.home.pk, "opinions": "见" * TEXT_LENGTH}],
            "summary": "要" * TEXT_LENGTH,
            "no_problems": True,
        },
    )
    assert response.status_code == 201, response.content
    visit = Visit.objects.get(pk=response.json()["id"])
    assert len(visit.title) == 200 and len(visit.summary) == TEXT_LENGTH
    assert len(visit.attendance.get().opinions) == TEXT_LENGTH


def test_a_note_through_the_api_is_refused_by_the_service(cast: Any, finance: Any) -> None:
    """The note endpoint takes a form, not JSON: the service is what refuses, naming the field."""
    from zhuqi.cases.models import CaseStep

    client = token_client("enterprise")
    case = send(
        client,
        "post",
        "/api/v1/cases",
        {"kind": "demand", "title": "招工难", "description": "缺少焊工", "category": finance.pk},
    ).json()
    steps = CaseStep.objects.count()
    response = client.post(f"/api/v1/cases/{case['id']}/notes", {"comment": "注" * (TEXT_LENGTH + 1)})
    assert response.status_code == 422, response.content
    assert [d["loc"] for d in response.json()["detail"]] == [["body", "comment"]]
    assert CaseStep.objects.count() == steps


def test_limits_are_declared_once_by_the_models() -> None:
    from zhuqi.cases.models import Case
    from zhuqi.projects.models import Project
    from zhuqi.visits.models import Visit

    assert limit(Case, "title") == Case._meta.get_field("title").max_length == 200
    assert limit(Case, "description") == limit(Visit, "summary") == TEXT_LENGTH
    assert limit(Project, "owner_name") == 200
    with pytest.raises(TypeError):
        limit(Case, "deadline")


def test_a_generated_title_is_shortened_visibly_and_an_audit_value_is_shown_as_an_excerpt() -> None:
    assert shortened("短", 200) == "短"
    title = shortened("新诉求待受理：" + "长" * 200, 200)
    assert len(title) == 200 and title.endswith("…")
    assert excerpt("短") == "短"
    shown = excerpt("长" * 5_000_000)
    assert len(shown) < 400 and shown.endswith("…（共 5,000,000 字）")


@pytest.fixture
def finance(db: Any) -> Any:
    from zhuqi.cases.models import CaseCategory

    return CaseCategory.objects.get(name="融资", parent=None)


def test_the_audit_page_shows_a_long_value_as_an_excerpt_and_keeps_it_whole(cast: Any) -> None:
    """A value stored before the limits (or a generated one) may be megabytes: the audit page
    shows its beginning and its length, and the entry itself is not altered."""
    from django.test import Client

    from zhuqi.core import audit
    from zhuqi.core.models import AuditEntry

    long_text = "长" * 5_000_000
    entry = audit.record(
        actor=cast.admin,
        instance=cast.home,
        action=AuditEntry.Action.UPDATE,
        changes={"address": ["工业园区", long_text]},
    )
    assert entry is not None
    client = Client()
    client.force_login(cast.auditor)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert len(page.content) < 200_000
    assert "…（共 5,000,000 字）" in page.content.decode()
    entry.refresh_from_db()
    assert entry.changes["address"][1] == long_text
