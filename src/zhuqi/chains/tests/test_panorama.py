"""The panorama's data: columns from upstream to downstream, the supporting band, members placed
in their segment by role and output, gaps marked and empty with the target link, links on demand,
only the members the reader may see, and a fixed number of queries at any size."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhuqi.chains import selectors, services
from zhuqi.chains.models import Link, Member, Role, SegmentKind
from zhuqi.chains.panorama import CATEGORIES, panorama_data
from zhuqi.core.errors import NotFound
from zhuqi.directory.models import Region
from zhuqi.testing.factories import Cast, EnterpriseFactory, make_chain

pytestmark = pytest.mark.django_db


def add_member(
    cast: Cast, chain: Any, segment: Any, enterprise: Any, role: str, output: str | None
) -> Member:
    return services.member_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=services.MemberData(
            segment_id=segment.pk,
            enterprise_id=enterprise.pk,
            role=role,
            output_value=output,
            products="铝箔",
        ),
    )


def aluminium(cast: Cast) -> Any:
    """电解铝 → 铝板带箔 → 高端铝箔, with 铝用阳极 supplying 电解铝; the owner in 高端铝箔, a leader
    in 铝板带箔 (under the weak line), 电解铝 and 铝用阳极 empty."""
    chain = make_chain(cast)
    smelting, sheet, foil = chain.segment_list
    anode = services.segment_create(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.SegmentData(name="铝用阳极", parent_id=smelting.pk, kind=SegmentKind.SUPPORTING),
    )
    chain.anode = anode
    add_member(cast, chain, foil, cast.home, Role.OWNER, "120000")
    add_member(cast, chain, sheet, cast.neighbour, Role.LEADING, "300")
    chain = services.chain_update(
        actor=cast.coordinator,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(
            name=chain.name,
            region_code="150581",
            weak_output="1000",
            lead_department_id=cast.handler.department_id,
        ),
    )
    chain.segment_list = [smelting, sheet, foil]
    chain.anode = anode
    return chain


def nodes_by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node.get("full_name") or node["name"]: node for node in data["nodes"]}


def test_segments_are_columns_supporting_below_members_in_their_segment(cast: Cast) -> None:
    chain = aluminium(cast)
    smelting, sheet, _foil = chain.segment_list
    data = panorama_data(
        user=cast.coordinator, chain=selectors.chain_get(user=cast.coordinator, chain_id=chain.pk)
    )
    nodes = nodes_by_name(data)
    # Upstream to downstream, left to right; the supporting segment in its parent's column, lower.
    assert nodes["电解铝"]["x"] < nodes["铝板带箔"]["x"] < nodes["高端铝箔"]["x"]
    assert nodes["铝用阳极"]["x"] == nodes["电解铝"]["x"]
    main_ys = [
        n["y"] for n in data["nodes"] if n["kind"] in ("segment", "member") and not n.get("supporting")
    ]
    anode_y = nodes["铝用阳极"]["y"]
    assert anode_y > max(n["y"] for n in data["nodes"] if n["kind"] == "member")
    assert anode_y > max(y for y in main_ys if y != anode_y)
    # Members under their segment, in its column, coloured by role, sized by output.
    owner, leading = nodes[cast.home.name], nodes[cast.neighbour.name]
    assert (
        owner["x"] == pytest.approx(nodes["高端铝箔"]["x"], abs=200) and owner["y"] > nodes["高端铝箔"]["y"]
    )
    assert CATEGORIES[owner["category"]] == "owner" and CATEGORIES[leading["category"]] == "leading"
    assert owner["symbolSize"] > leading["symbolSize"]
    assert owner["url"] == f"/enterprises/{cast.home.pk}/"
    assert owner["name"] == "联晟新材料"  # the short name on the chart, the full one on hover
    # Segments flow downstream; the supporting segment supplies the one it hangs under.
    edges = {(e["source"], e["target"], e["kind"]) for e in data["edges"]}
    assert (f"s{smelting.pk}", f"s{sheet.pk}", "flow") in edges
    assert (f"s{chain.anode.pk}", f"s{smelting.pk}", "supplies") in edges


def test_gaps_are_marked_empty_and_lead_to_a_target(cast: Cast) -> None:
    chain = aluminium(cast)
    smelting = chain.segment_list[0]
    data = panorama_data(user=cast.coordinator, chain=chain)
    nodes = nodes_by_name(data)
    gaps = {gap["name"]: gap for gap in data["gaps"]}
    assert set(gaps) == {"电解铝", "铝用阳极", "铝板带箔"}  # empty, empty, under the weak line
    assert gaps["电解铝"]["reason"] == "本地无企业"
    assert gaps["铝板带箔"]["reason"] == "产值 300 万元，低于 1,000 万元"
    assert nodes["电解铝"]["gap"] is True and CATEGORIES[nodes["电解铝"]["category"]] == "gap"
    assert nodes["电解铝"]["url"] == f"/targets/new/?chain={chain.pk}&segment={smelting.pk}"
    assert nodes["铝用阳极"]["url"] == f"/targets/new/?chain={chain.pk}&segment={chain.anode.pk}"
    assert "gap" not in nodes["高端铝箔"] and "url" not in nodes["高端铝箔"]
    assert nodes["电解铝"]["members"] == 0 and nodes["电解铝"]["visible_members"] == 0
    assert data["summary"] == {"segments": 4, "members": 2, "gaps": 3, "links": None, "outside": None}


def tongliao_chain(cast: Cast) -> Any:
    """A Tongliao chain with a Huolinguole member (cast.home) and a Horqin one (cast.tongliao),
    and links among them and an outside customer."""
    chain = services.chain_create(
        actor=cast.admin, data=services.ChainData(name="通辽铝产业链", region_code="150500")
    )
    smelting = services.segment_create(
        actor=cast.admin, chain_id=chain.pk, data=services.SegmentData(name="电解铝")
    )
    foil = services.segment_create(
        actor=cast.admin, chain_id=chain.pk, data=services.SegmentData(name="铝箔", parent_id=smelting.pk)
    )
    add_member(cast, chain, smelting, cast.tongliao, Role.OWNER, "500000")
    add_member(cast, chain, foil, cast.home, Role.SUPPORTING, "20000")
    services.link_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=services.LinkData(product="铝液", supplier_id=cast.tongliao.pk, customer_id=cast.home.pk),
    )
    services.link_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=services.LinkData(
            product="电池铝箔",
            supplier_id=cast.home.pk,
            customer_name="宁德时代新能源科技股份有限公司",
            annual_volume="1200",
            volume_unit="吨",
        ),
    )
    return chain


def test_a_county_sees_only_its_own_enterprises_and_an_outsider_nothing(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    leader = panorama_data(user=cast.leader, chain=selectors.chain_get(user=cast.leader, chain_id=chain.pk))
    assert {n["full_name"] for n in leader["nodes"] if n["kind"] == "member"} == {
        cast.home.name,
        cast.tongliao.name,
    }
    county = panorama_data(
        user=cast.coordinator,
        chain=selectors.chain_get(user=cast.coordinator, chain_id=chain.pk),
        with_links=True,
    )
    assert {n["full_name"] for n in county["nodes"] if n["kind"] == "member"} == {cast.home.name}
    # The link from the Horqin enterprise is not the county's to see; the outside customer is.
    names = {n.get("full_name") for n in county["nodes"]}
    assert cast.tongliao.name not in names and "宁德时代新能源科技股份有限公司" in names
    assert county["summary"]["links"] == 1
    with pytest.raises(NotFound):
        selectors.chain_get(user=cast.outsider, chain_id=chain.pk)


def test_links_only_when_asked_outside_ends_beside_the_chain(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    plain = panorama_data(user=cast.leader, chain=chain)
    assert all(edge["kind"] != "link" for edge in plain["edges"])
    data = panorama_data(user=cast.leader, chain=chain, with_links=True)
    nodes = nodes_by_name(data)
    links = [edge for edge in data["edges"] if edge["kind"] == "link"]
    home, tongliao = nodes[cast.home.name]["id"], nodes[cast.tongliao.name]["id"]
    outside = nodes["宁德时代新能源科技股份有限公司"]
    assert {(e["source"], e["target"], e["product"]) for e in links} == {
        (tongliao, home, "铝液"),
        (home, outside["id"], "电池铝箔"),
    }
    # An outside customer stands right of the most downstream column.
    assert outside["x"] > max(n["x"] for n in data["nodes"] if n["kind"] in ("segment", "member"))
    assert data["summary"]["links"] == 2 and data["summary"]["outside"] == 1


def grow(cast: Cast, chain: Any, count: int) -> None:
    """`count` more members spread over the chain's segments, and as many links among them and
    to outside customers (written directly: the services' own tests cover the writes)."""
    segments = list(chain.segments.all())
    region = Region.objects.get(pk="150581")
    enterprises = [EnterpriseFactory(region=region) for _ in range(count)]
    Member.objects.bulk_create(
        Member(
            chain=chain,
            segment=segments[index % len(segments)],
            enterprise=enterprise,
            role=[Role.OWNER, Role.LEADING, Role.SUPPORTING, Role.OTHER][index % 4],
            output_value=Decimal(1000 + index),
        )
        for index, enterprise in enumerate(enterprises)
    )
    links = []
    for index, enterprise in enumerate(enterprises):
        other = enterprises[(index + 1) % len(enterprises)]
        links.append(
            Link(
                chain=chain,
                supplier=enterprise,
                supplier_name=enterprise.name,
                customer=other,
                customer_name=other.name,
                product="铝锭",
            )
        )
        links.append(
            Link(
                chain=chain,
                supplier=enterprise,
                supplier_name=enterprise.name,
                customer_name=f"外地客户{index % 50}",
                product="铝箔",
            )
        )
    Link.objects.bulk_create(links)


def count_queries(user: Any, chain: Any, with_links: bool) -> int:
    with CaptureQueriesContext(connection) as queries:
        panorama_data(user=user, chain=chain, with_links=with_links)
    return len(queries)


def test_a_fixed_number_of_queries_whatever_the_members_and_links(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    chain = aluminium(cast)
    grow(cast, chain, 4)
    # The segments, the sums for the gaps, the members; and the links when asked.
    with django_assert_num_queries(3):
        panorama_data(user=cast.coordinator, chain=chain)
    with django_assert_num_queries(4):
        panorama_data(user=cast.coordinator, chain=chain, with_links=True)
    grow(cast, chain, 40)
    with django_assert_num_queries(3):
        panorama_data(user=cast.coordinator, chain=chain)
    with django_assert_num_queries(4):
        data = panorama_data(user=cast.coordinator, chain=chain, with_links=True)
    assert data["summary"]["members"] == 46 and data["summary"]["links"] == 88


def test_five_hundred_members_and_a_thousand_links_draw_quickly(cast: Cast) -> None:
    chain = aluminium(cast)
    grow(cast, chain, 500)
    panorama_data(user=cast.coordinator, chain=chain)  # the process's first: catalogues, URLs
    started = time.perf_counter()
    data = panorama_data(user=cast.coordinator, chain=chain, with_links=True)
    elapsed = time.perf_counter() - started
    assert data["summary"]["members"] == 502 and data["summary"]["links"] == 1000
    # Every node placed by the server, none on top of another.
    positions = [(n["x"], n["y"]) for n in data["nodes"]]
    assert len(set(positions)) == len(positions)
    print(f"panorama of 502 members, 1,000 links: {elapsed:.3f} s")
    assert elapsed < 0.5, elapsed
