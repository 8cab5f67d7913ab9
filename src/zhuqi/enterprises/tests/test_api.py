from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.validators import make_uscc
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import EnterpriseFactory


def test_a_wrong_password_gets_no_token(cast) -> None:
    response = send(Client(), "post", "/api/v1/auth/token", {"username": "leader", "password": "nope"})
    assert response.status_code == 401


def test_requests_without_credentials_are_refused(cast) -> None:
    assert Client().get("/api/v1/enterprises").status_code == 401
    assert Client(headers={"Authorization": "Bearer made-up"}).get("/api/v1/enterprises").status_code == 401


def test_enterprise_json_uses_the_glossary_names(cast) -> None:
    body = token_client("coordinator").get(f"/api/v1/enterprises/{cast.home.pk}").json()
    assert body["uscc"] == cast.home.uscc
    assert body["region"] == "150581"
    assert body["industry"] == "3252"
    assert body["size_class"] == cast.home.size_class
    assert set(body) >= {
        "id",
        "name",
        "short_name",
        "employees",
        "revenue",
        "total_assets",
        "above_scale",
        "address",
        "contacts",
    }


def test_pinyin_initials_find_the_enterprise(cast) -> None:
    names = [e["name"] for e in token_client("leader").get("/api/v1/enterprises?q=lsxcl").json()["items"]]
    assert names == ["联晟新材料有限公司"]


@pytest.mark.parametrize("query", ["联晟", "聯晟", "LSXCL", "liansheng"])
def test_search_by_name_traditional_or_pinyin(cast, query: str) -> None:
    items = token_client("leader").get("/api/v1/enterprises", {"q": query}).json()["items"]
    assert [e["id"] for e in items] == [cast.home.pk]


def test_search_by_uscc(cast) -> None:
    items = (
        token_client("leader").get("/api/v1/enterprises", {"q": cast.neighbour.uscc.lower()}).json()["items"]
    )
    assert [e["id"] for e in items] == [cast.neighbour.pk]


def test_filters_and_pagination(cast) -> None:
    EnterpriseFactory.create_batch(30, region=cast.home.region, employees=5, revenue=50, total_assets=50)
    client = token_client("coordinator")
    page = client.get("/api/v1/enterprises", {"size_class": "micro", "page": 2, "page_size": 20}).json()
    assert page["count"] == 30 and len(page["items"]) == 10
    assert client.get("/api/v1/enterprises", {"region": "150502"}).json()["count"] == 0  # out of scope
    leader = token_client("leader")
    assert leader.get("/api/v1/enterprises", {"region": "150502"}).json()["count"] == 1
    assert leader.get("/api/v1/enterprises", {"industry": "C"}).json()["count"] == 33


def test_list_costs_the_same_queries_whatever_the_page_size(cast) -> None:
    EnterpriseFactory.create_batch(40, region=cast.home.region)
    client = Client()
    client.force_login(cast.coordinator)
    counts = []
    for size in (5, 40):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/enterprises", {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6


def test_create_returns_201_and_is_audited(cast) -> None:
    uscc = make_uscc("150581", 77)
    response = send(
        token_client("coordinator"),
        "post",
        "/api/v1/enterprises",
        {
            "uscc": uscc,
            "name": "霍林郭勒新建企业有限公司",
            "region": "150581",
            "industry": "3252",
            "employees": 1200,
            "revenue": 50000,
            "total_assets": 90000,
            "contacts": [{"name": "李四", "phone": "13800001111"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["size_class"] == "large" and body["contacts"][0]["phone"] == "13800001111"
    assert body["size_basis"]["figures"] == {"employees": "1200", "revenue": "50000.00"}
    entry = AuditEntry.objects.get(
        object_id=str(body["id"]), action="create", content_type__model="enterprise"
    )
    assert entry.actor_name == "coordinator" and entry.changes["uscc"] == [None, uscc]


def test_a_wrong_check_digit_is_a_422_on_the_field(cast) -> None:
    bad = make_uscc("150581", 78)[:-1] + "0"
    bad = bad if bad != make_uscc("150581", 78) else bad[:-1] + "1"
    response = send(
        token_client("coordinator"),
        "post",
        "/api/v1/enterprises",
        {"uscc": bad, "name": "某企业", "region": "150581"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "uscc"]
    assert "校验位应为" in detail[0]["msg"]
    assert not Enterprise.objects.filter(name="某企业").exists()


def test_a_missing_required_field_is_a_422_on_the_field(cast) -> None:
    response = send(
        token_client("coordinator"), "post", "/api/v1/enterprises", {"name": "某企业", "region": "150581"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "uscc"]


def test_a_duplicate_code_is_refused(cast) -> None:
    response = send(
        token_client("coordinator"),
        "post",
        "/api/v1/enterprises",
        {"uscc": cast.home.uscc, "name": "重复企业", "region": "150581"},
    )
    assert response.status_code == 422
    assert "已登记" in response.json()["detail"][0]["msg"]


def test_creating_outside_the_jurisdiction_is_refused(cast) -> None:
    response = send(
        token_client("coordinator"),
        "post",
        "/api/v1/enterprises",
        {"uscc": make_uscc("140200", 79), "name": "大同某企业", "region": "140200"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "region"]


def test_patch_recomputes_the_size_class_and_bumps_the_version(cast) -> None:
    client = token_client("coordinator")
    before = client.get(f"/api/v1/enterprises/{cast.home.pk}").json()
    response = send(
        client,
        "patch",
        f"/api/v1/enterprises/{cast.home.pk}",
        {"version": before["version"], "employees": 5, "revenue": 100},
    )
    assert response.status_code == 200, response.content
    assert response.json()["size_class"] == "micro"
    assert response.json()["version"] == before["version"] + 1


def test_a_stale_write_is_a_409(cast) -> None:
    client = token_client("coordinator")
    version = client.get(f"/api/v1/enterprises/{cast.home.pk}").json()["version"]
    assert (
        send(
            client, "patch", f"/api/v1/enterprises/{cast.home.pk}", {"version": version, "address": "甲"}
        ).status_code
        == 200
    )
    response = send(
        client, "patch", f"/api/v1/enterprises/{cast.home.pk}", {"version": version, "address": "乙"}
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == version + 1
    cast.home.refresh_from_db()
    assert cast.home.address == "甲"


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_out_of_scope_is_404_not_403(cast, method: str) -> None:
    client = token_client("outsider")
    url = f"/api/v1/enterprises/{cast.home.pk}"
    body = {"address": "x", "version": 1} if method == "patch" else None
    url += "?version=1" if method == "delete" else ""
    response = send(client, method, url, body)
    missing = send(
        client, method, "/api/v1/enterprises/999999999" + ("?version=1" if method == "delete" else ""), body
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == missing.json()["detail"]
    cast.home.refresh_from_db()
    assert cast.home.address == ""


def test_leader_sees_contacts_masked(cast) -> None:
    body = token_client("leader").get(f"/api/v1/enterprises/{cast.home.pk}").json()
    assert body["contacts_masked"] is True
    assert body["contacts"][0]["phone"] != "13912345678" and body["contacts"][0]["phone"].endswith("5678")


def test_an_enterprise_may_change_its_address_but_not_its_figures(cast) -> None:
    client = token_client("enterprise")
    assert (
        send(
            client, "patch", f"/api/v1/enterprises/{cast.home.pk}", {"address": "新厂区", "version": 1}
        ).status_code
        == 200
    )
    response = send(client, "patch", f"/api/v1/enterprises/{cast.home.pk}", {"employees": 1, "version": 2})
    assert response.status_code == 403


def test_leader_cannot_create(cast) -> None:
    response = send(
        token_client("leader"),
        "post",
        "/api/v1/enterprises",
        {"uscc": make_uscc("150581", 80), "name": "某企业", "region": "150581"},
    )
    assert response.status_code == 403


def test_delete_with_version(cast) -> None:
    client = token_client("coordinator")
    pk = cast.neighbour.pk
    assert send(client, "delete", f"/api/v1/enterprises/{pk}?version=99").status_code == 409
    assert send(client, "delete", f"/api/v1/enterprises/{pk}?version=1").status_code == 204
    assert not Enterprise.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(
        object_id=str(pk), action="delete", content_type__model="enterprise"
    ).exists()


def test_openapi_and_local_docs(cast) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises" in schema["paths"]
    client = Client()
    client.force_login(cast.admin)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


@pytest.mark.parametrize("role", [r for r in Role.values])
def test_every_role_lists_only_its_scope(cast, role: str) -> None:
    expected = {
        Role.ADMIN: {"home", "neighbour", "tongliao", "datong"},
        Role.AUDITOR: {"home", "neighbour", "tongliao", "datong"},
        Role.LEADER: {"home", "neighbour", "tongliao"},
        Role.COORDINATOR: {"home", "neighbour"},
        Role.HANDLER: {"home", "neighbour"},
        Role.LIAISON: {"home"},
        Role.ENTERPRISE: {"home"},
    }[Role(role)]
    user = cast.by_role(role)
    ids = {
        e["id"] for e in token_client(user.username).get("/api/v1/enterprises?page_size=100").json()["items"]
    }
    assert ids == {getattr(cast, name).pk for name in expected}


def test_a_patch_without_the_version_read_is_refused(cast) -> None:
    response = send(
        token_client("coordinator"), "patch", f"/api/v1/enterprises/{cast.home.pk}", {"address": "x"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "version"]
    assert response.json()["detail"][0]["msg"] == "必填"


def test_deleting_an_enterprise_audits_its_assignments_too(cast) -> None:
    from zhuqi.testing.factories import AssignmentFactory, EnterpriseFactory

    enterprise = EnterpriseFactory(region=cast.home.region)
    assignment = AssignmentFactory(enterprise=enterprise)
    client = token_client("coordinator")
    assert send(client, "delete", f"/api/v1/enterprises/{enterprise.pk}?version=1").status_code == 204
    entry = AuditEntry.objects.get(
        object_id=str(assignment.pk), content_type__model="assignment", action="delete"
    )
    assert entry.source == "api" and entry.actor == cast.coordinator


def test_one_or_two_letters_match_the_start_of_the_initials(cast) -> None:
    client = token_client("leader")

    def ids(query: str) -> list[int]:
        return [e["id"] for e in client.get("/api/v1/enterprises", {"q": query}).json()["items"]]

    assert ids("ls") == [cast.home.pk]
    assert ids("xc") == []  # inside lsxcl, not its start
    assert ids("xcl") == [cast.home.pk]


def test_issuing_a_token_is_audited_without_the_secret(cast) -> None:
    token_client("leader")
    entry = AuditEntry.objects.get(content_type__model="apitoken", actor=cast.leader)
    assert entry.changes["key_hash"][1].startswith("******")
