"""Every read endpoint refuses a query parameter it cannot use, naming it as a query parameter.

The endpoints are walked from the OpenAPI schema, so a new list or figures endpoint is covered
the day it is added: each of its query parameters either refuses nonsense with 422 and
`loc: ["query", name]`, or is declared free text below."""

from __future__ import annotations

import re
from typing import Any

import pytest

from zhuqi.api import api
from zhuqi.testing.api import token_client

# Parameters where any text is a meaningful value: a search box matches whatever was typed.
FREE_TEXT = {
    "q",
    "chain",
    "product",  # a chain's links by the product traded
    "status_value",  # a campaign report's status as its form names it (全面复工)
}
NONSENSE = "bogus!"


def _query_parameters() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] not in FREE_TEXT:
                found.append((path, parameter["name"]))
    return found


def _url(path: str) -> str:
    # Path parameters get a plausible id: a bad query is refused before anything is looked up.
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_walk_covers_the_lists_the_issue_names() -> None:
    names = set(_query_parameters())
    assert {
        ("/api/v1/cases", "kind"),
        ("/api/v1/cases", "status"),
        ("/api/v1/cases", "timeliness"),
        ("/api/v1/cases", "submitted_from"),
        ("/api/v1/agreements", "kind"),
        ("/api/v1/enterprises", "region"),
        ("/api/v1/projects", "stage"),
        ("/api/v1/visits", "kind"),
        ("/api/v1/assignments", "month"),
        ("/api/v1/departments", "region"),
        ("/api/v1/regions", "parent"),
        ("/api/v1/cases/figures", "from"),
    } <= names


@pytest.mark.parametrize(("path", "name"), _query_parameters())
def test_a_nonsense_query_parameter_is_refused_by_name(cast: Any, path: str, name: str) -> None:
    response = token_client("admin").get(_url(path), {name: NONSENSE})
    assert response.status_code == 422, (path, name, response.status_code, response.content[:300])
    locations = [entry["loc"] for entry in response.json()["detail"]]
    assert ["query", name] in locations, locations


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/cases?kind=bogus", "kind"),
        ("/api/v1/cases?status=nonsense", "status"),
        ("/api/v1/cases?status=submitted&status=nonsense", "status"),
        ("/api/v1/cases?timeliness=bogus", "timeliness"),
        ("/api/v1/cases?submitted_from=notadate", "submitted_from"),
        ("/api/v1/cases?submitted_to=2026-02-30", "submitted_to"),
        ("/api/v1/agreements?kind=bogus", "kind"),
        ("/api/v1/agreements?status=bogus", "status"),
        ("/api/v1/projects?stage=bogus", "stage"),
        ("/api/v1/enterprises?region=15058", "region"),
        ("/api/v1/visits?kind=bogus", "kind"),
        ("/api/v1/cases/figures?group_by=nowhere", "group_by"),
        ("/api/v1/projects/figures?sort=bogus", "sort"),
        ("/api/v1/assignments?month=2026-13", "month"),
    ],
)
def test_the_values_the_issue_reported_are_refused(cast: Any, url: str, name: str) -> None:
    response = token_client("coordinator").get(url)
    assert response.status_code == 422, response.content
    assert ["query", name] in [entry["loc"] for entry in response.json()["detail"]]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases?kind=demand&status=submitted&status=accepted&timeliness=amber&submitted_from=2026-01-01",
        "/api/v1/agreements?kind=investment&status=signed&region=150581",
        "/api/v1/projects?stage=planned&level=city",
        "/api/v1/enterprises?region=150581&industry=C&size_class=small",
        "/api/v1/enterprises?industry=3252",
        "/api/v1/visits?kind=inspection&region=150581&start=2026-01-01",
        "/api/v1/cases/figures?group_by=region&kind=hazard&period=year&level=county",
        "/api/v1/assignments?month=2026-11",
        "/api/v1/assignments/coverage?month=2026-11&by=region",
        "/api/v1/departments?region=150581",
        "/api/v1/regions?parent=150500",
        "/api/v1/industries?parent=C",
    ],
)
def test_good_values_are_still_accepted(cast: Any, url: str) -> None:
    response = token_client("admin").get(url)
    assert response.status_code == 200, response.content


def test_a_refused_choice_says_which_values_there_are(cast: Any) -> None:
    detail = token_client("coordinator").get("/api/v1/cases?kind=bogus").json()["detail"]
    assert detail[0]["loc"] == ["query", "kind"]
    assert "不是可选的值" in detail[0]["msg"] and "'demand'" in detail[0]["msg"]
