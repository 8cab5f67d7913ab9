"""Values a fuzzer sends and a careless client may: a page of 2^63, an id of twenty digits, a year
of 10000. The API refuses each by name (422, `loc: ["query", name]`), the pages show the list
without a server error, and an error nothing caught still answers an API client in JSON.

The integer parameters are walked from the OpenAPI schema, so a list added tomorrow is covered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from zhuqi.api import api
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.api import send, token_client

HUGE = "99999999999999999999"
PAST_BIGINT = str(2**63)


def _integer_query_parameters() -> list[tuple[str, str]]:
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        operation = operations.get("get")
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter["schema"]
            types = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
            if parameter["in"] == "query" and "integer" in types:
                found.append((path, parameter["name"]))
    return found


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_walk_finds_the_parameters_the_issue_names() -> None:
    assert {
        ("/api/v1/enterprises", "page"),
        ("/api/v1/cases", "department"),
        ("/api/v1/cases", "category"),
        ("/api/v1/cases", "issued_by"),
        ("/api/v1/cases", "enterprise"),
        ("/api/v1/visits", "official"),
        ("/api/v1/projects", "leader"),
        ("/api/v1/assignments", "official"),
        ("/api/v1/agreements", "year"),
        ("/api/v1/agreements", "without_project_months"),
    } <= set(_integer_query_parameters())


@pytest.mark.parametrize(("path", "name"), _integer_query_parameters())
def test_an_absurd_integer_is_refused_by_name(cast: Any, path: str, name: str) -> None:
    client = token_client("admin")
    client.raise_request_exception = False
    for value in (HUGE, PAST_BIGINT, str(2**63 - 1)):
        response = client.get(_url(path), {name: value})
        assert response.status_code == 422, (path, name, value, response.status_code, response.content[:300])
        assert ["query", name] in [entry["loc"] for entry in response.json()["detail"]]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/agreements?year=10000", "year"),
        ("/api/v1/agreements?without_project_months=100000", "without_project_months"),
        ("/api/v1/agreements/figures?year=10000", "year"),
        ("/api/v1/agreements/figures?months=100000", "months"),
        ("/api/v1/projects?year=10000", "year"),
        ("/api/v1/projects/figures?year=10000", "year"),
        ("/api/v1/cases?page=0", "page"),
        ("/api/v1/cases?page_size=100000", "page_size"),
    ],
)
def test_an_out_of_range_value_is_refused_with_its_limit(cast: Any, url: str, name: str) -> None:
    response = token_client("admin").get(url)
    assert response.status_code == 422, response.content
    [entry] = [entry for entry in response.json()["detail"] if entry["loc"] == ["query", name]]
    assert re.search(r"不能(大|小)于 \d+", entry["msg"]), entry


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/cases?submitted_to=0", "submitted_to"),
        ("/api/v1/cases?submitted_from=1700000000", "submitted_from"),
        ("/api/v1/visits?start=0", "start"),
        ("/api/v1/cases/figures?from=0&to=0", "from"),
    ],
)
def test_a_number_is_not_read_as_a_date(cast: Any, url: str, name: str) -> None:
    """Pydantic would take 0 for 1970-01-01 (seconds since the epoch); the schema says YYYY-MM-DD."""
    response = token_client("admin").get(url)
    assert response.status_code == 422, response.content
    assert ["query", name] in [entry["loc"] for entry in response.json()["detail"]]


def test_a_calendar_day_is_a_working_day_by_true_or_false_only(cast: Any) -> None:
    response = send(
        token_client("admin"),
        "post",
        "/api/v1/calendar/2030",
        {"days": [{"date": "2030-01-01", "is_workday": 0, "name": ""}], "source_document": ""},
    )
    assert response.status_code == 422, response.content
    assert ["body", "days", 0, "is_workday"] in [entry["loc"] for entry in response.json()["detail"]]


def test_every_integer_the_api_takes_is_bounded_in_its_schema() -> None:
    """The OpenAPI document states the limits the handlers enforce, so a client (and the
    fuzzer) knows a request is valid before sending it. Ids in paths are exempt: Django's
    `int` converter takes only digits and a missing record is a 404."""
    schema = api.get_openapi_schema()
    unbounded = []

    def walk(node: dict[str, Any], where: str) -> None:
        for option in node.get("anyOf", []) + node.get("allOf", []):
            walk(option, where)
        if node.get("type") == "integer" and ("minimum" not in node or "maximum" not in node):
            unbounded.append(where)
        for name, child in node.get("properties", {}).items():
            walk(child, f"{where}.{name}")
        if "items" in node:
            walk(node["items"], f"{where}[]")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    continue
                walk(parameter["schema"], f"{method} {path} {parameter['name']}")
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                walk(_resolved(schema, media["schema"]), f"{method} {path} body")
    assert not unbounded, unbounded


def _resolved(schema: dict[str, Any], node: Any) -> Any:
    """`node` with every `$ref` replaced by the component it names (the API's are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolved(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
        return {key: _resolved(schema, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(schema, item) for item in node]
    return node


@pytest.mark.parametrize(
    "url",
    [
        f"/cases/?department={HUGE}",
        f"/cases/?category={HUGE}",
        f"/cases/?enterprise={HUGE}",
        f"/cases/?issued_by={HUGE}",
        f"/cases/?page={PAST_BIGINT}",
        f"/projects/?leader={HUGE}",
        f"/projects/?owner={HUGE}",
        f"/projects/?project_list={HUGE}",
        "/projects/?year=10000",
        f"/projects/?year={HUGE}",
        f"/enterprises/?official={HUGE}",
        f"/enterprises/?page={PAST_BIGINT}",
        "/agreements/?year=10000",
        f"/agreements/?year={HUGE}",
        "/agreements/?without_project_months=100000",
        "/agreements/export.xlsx?year=10000",
        "/agreements/export.xlsx?without_project_months=100000",
        f"/visits/?official={HUGE}",
        f"/visits/?enterprise={HUGE}",
        f"/visits/?project={HUGE}",
        f"/visits/export.xlsx?official={HUGE}",
        f"/visits/coverage/?official={HUGE}",
    ],
)
def test_a_page_with_an_absurd_filter_is_never_a_server_error(cast: Any, url: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.admin)
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


# GB/T 4754-2017: 铝压延加工 is class 3252, in group 325 (有色金属压延加工), division 32
# (有色金属冶炼和压延加工业), section C (制造业); 0610 (烟煤和无烟煤开采洗选) is in section B.
INDUSTRY_LEVELS = ["C", "c", "32", "325", "3252"]


@pytest.mark.parametrize("code", INDUSTRY_LEVELS)
def test_the_industry_filter_takes_every_level_of_the_code(cast: Any, code: str) -> None:
    Enterprise.objects.filter(pk=cast.home.pk).update(industry_id="3252")
    Enterprise.objects.filter(pk=cast.neighbour.pk).update(industry_id="0610")
    items = token_client("admin").get("/api/v1/enterprises", {"industry": code, "page_size": 500}).json()
    names = {item["name"] for item in items["items"]}
    assert cast.home.name in names and cast.neighbour.name not in names

    client = Client()
    client.force_login(cast.admin)
    page = client.get("/enterprises/", {"industry": code})
    assert page.status_code == 200
    assert cast.home.name in page.content.decode() and cast.neighbour.name not in page.content.decode()
    export = client.get("/enterprises/export.xlsx", {"industry": code})
    assert export.status_code == 200


def test_the_project_flags_the_schema_lists_are_the_flags_there_are() -> None:
    from zhuqi.projects import selectors

    parameters = api.get_openapi_schema()["paths"]["/api/v1/projects"]["get"]["parameters"]
    (flag,) = [parameter for parameter in parameters if parameter["name"] == "flag"]
    listed = [option for option in flag["schema"]["anyOf"] if option.get("type") == "array"]
    assert set(listed[0]["items"]["enum"]) == set(selectors.FLAGS)


def test_an_unknown_industry_code_finds_nothing(cast: Any) -> None:
    items = token_client("admin").get("/api/v1/enterprises", {"industry": "9999"}).json()
    assert items["count"] == 0


def test_an_error_nothing_caught_answers_an_api_client_in_json(cast: Any, monkeypatch: Any) -> None:
    from zhuqi.enterprises import selectors

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "enterprise_get", broken)
    client = token_client("admin")
    client.raise_request_exception = False
    response = client.get(f"/api/v1/enterprises/{cast.home.pk}")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"


def test_an_api_url_that_does_not_exist_answers_in_json(cast: Any) -> None:
    client = token_client("admin")
    for url in ("/api/v1/no-such-list", "/api/v1/cases/-1", "/api/v1/cases/abc"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found", url


def test_a_missing_page_outside_the_api_is_still_the_site_s_page(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
