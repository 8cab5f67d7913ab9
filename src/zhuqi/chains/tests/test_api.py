"""Chains through /api/v1/chains as a client: writes refused with the field named, lists that
send what their schemas validate, a fixed number of queries whatever the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhuqi.chains import schemas, selectors
from zhuqi.chains.models import Member
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, EnterpriseFactory, make_cast, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def refused_fields(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {detail["loc"][-1]: detail["msg"] for detail in response.json()["detail"]}


def test_a_chain_built_through_the_api(cast: Cast) -> None:
    client = token_client("coordinator")
    created = send(client, "post", "/api/v1/chains", {"name": "光伏装备产业链", "region": "150581"})
    assert created.status_code == 201, created.content
    chain_id = created.json()["id"]
    first = send(client, "post", f"/api/v1/chains/{chain_id}/segments", {"name": "工业硅"}).json()
    silicon = first["segments"][0]["id"]
    after = send(
        client, "post", f"/api/v1/chains/{chain_id}/segments", {"name": "多晶硅", "parent": silicon}
    ).json()
    polysilicon = next(s for s in after["segments"] if s["name"] == "多晶硅")
    assert polysilicon["column"] == 1 and polysilicon["gap"] and polysilicon["gap_reason"] == "本地无企业"

    # A cycle: the upstream segment moved under its own downstream one.
    refused = send(
        client,
        "put",
        f"/api/v1/chains/segments/{silicon}",
        {"name": "工业硅", "parent": polysilicon["id"], "version": 1},
    )
    assert "循环" in refused_fields(refused)["parent"]

    member = send(
        client,
        "post",
        f"/api/v1/chains/{chain_id}/members",
        {"segment": silicon, "enterprise": cast.home.pk, "role": "owner", "output_value": "1.5亿元"},
    )
    assert "亿元" in refused_fields(member)["output_value"]
    member = send(
        client,
        "post",
        f"/api/v1/chains/{chain_id}/members",
        {"segment": silicon, "enterprise": cast.home.pk, "role": "owner", "output_value": "15000"},
    )
    assert member.status_code == 201 and member.json()["role"] == "owner"

    to_itself = send(
        client,
        "post",
        f"/api/v1/chains/{chain_id}/links",
        {"product": "工业硅", "supplier": cast.home.pk, "customer": cast.home.pk},
    )
    assert "同一家企业" in refused_fields(to_itself)["customer"]
    outside = send(
        client,
        "post",
        f"/api/v1/chains/{chain_id}/links",
        {
            "product": "工业硅",
            "supplier": cast.home.pk,
            "customer_name": "外省某光伏有限公司",
            "annual_volume": "12000",
        },
    )
    assert outside.status_code == 201 and outside.json()["customer"] is None

    gaps = client.get(f"/api/v1/chains/{chain_id}/gaps").json()
    assert [g["name"] for g in gaps] == ["多晶硅"]
    figures = client.get(f"/api/v1/chains/{chain_id}/figures").json()
    assert figures["members"] == 1 and figures["gaps"] == 1 and figures["by_role"]["owner"] == 1

    removed = send(client, "delete", f"/api/v1/chains/members/{member.json()['id']}", {"version": 1})
    assert removed.status_code == 204 and not Member.objects.exists()
    goal = send(client, "put", f"/api/v1/chains/{chain_id}/goals/2026", {"investment_signed": "500000"})
    assert goal.status_code == 200 and goal.json()["investment_signed"] == "500000.00"


def test_out_of_scope_is_not_found_and_a_reader_may_not_write(cast: Cast) -> None:
    chain = make_chain(cast)
    assert token_client("outsider").get(f"/api/v1/chains/{chain.pk}").status_code == 404
    refused = send(token_client("leader"), "post", f"/api/v1/chains/{chain.pk}/segments", {"name": "铝灰"})
    assert refused.status_code == 403
    assert token_client("leader").get(f"/api/v1/chains/{chain.pk}").json()["name"] == "铝产业链"


def test_members_list_sends_what_the_schema_validates_in_fixed_queries(
    cast: Cast, django_assert_num_queries
) -> None:
    chain = make_chain(cast)
    from zhuqi.chains import services

    for number in range(6):
        enterprise = EnterpriseFactory(name=f"链上第{number}家企业有限公司", region=cast.home.region)
        services.member_add(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=services.MemberData(
                segment_id=chain.segment_list[number % 3].pk,
                enterprise_id=enterprise.pk,
                output_value=number * 100,
            ),
        )
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the chain, the page, the count.
    with django_assert_num_queries(5):
        page = client.get(f"/api/v1/chains/{chain.pk}/members", {"page_size": 4}).json()
    assert page["count"] == 6 and len(page["items"]) == 4
    every = client.get(f"/api/v1/chains/{chain.pk}/members", {"page_size": 100}).json()["items"]
    rows = selectors.member_queryset(user=cast.coordinator, chain=chain).order_by(
        "segment__position", "segment_id", "-output_value", "id"
    )
    assert every == validated_items(schemas.ChainMemberOut, schemas.member_json, rows)
    by_role = client.get(f"/api/v1/chains/{chain.pk}/members", {"role": "nonsense"})
    assert by_role.status_code == 422
