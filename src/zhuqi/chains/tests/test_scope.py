"""A chain's members and links are scoped by the enterprises' own rule (enterprise_scope_q),
read through the join: for every role of the cast, the same enterprises."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.db import connection

from zhuqi.chains import selectors, services
from zhuqi.core.roles import Role
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.testing.factories import EnterpriseFactory, make_cast, make_chain

pytestmark = pytest.mark.django_db


def test_members_and_links_follow_the_enterprises_rule_for_every_role() -> None:
    cast = make_cast()
    chain = make_chain(cast)
    placed = [
        cast.home,
        cast.neighbour,
        cast.tongliao,
        cast.datong,
        EnterpriseFactory(name="第五家企业有限公司"),
    ]
    for number, enterprise in enumerate(placed):
        services.member_add(
            actor=cast.admin,
            chain_id=chain.pk,
            data=services.MemberData(
                segment_id=chain.segment_list[number % 3].pk, enterprise_id=enterprise.pk
            ),
        )
    for supplier, customer in pairwise(placed):
        services.link_add(
            actor=cast.admin,
            chain_id=chain.pk,
            data=services.LinkData(product="铝锭", supplier_id=supplier.pk, customer_id=customer.pk),
        )
    services.link_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=services.LinkData(
            product="氧化铝", supplier_name="外省氧化铝有限公司", customer_id=cast.home.pk
        ),
    )
    for role in Role.values:
        user = cast.by_role(role)
        visible = set(enterprise_queryset(user=user).values_list("pk", flat=True))
        members = selectors.member_queryset(user=user, chain=chain)
        if not selectors.chain_queryset(user=user).filter(pk=chain.pk).exists():
            assert not members.exists(), role
            continue
        assert {m.enterprise_id for m in members} == visible & {e.pk for e in placed}, role
        for link in selectors.link_queryset(user=user, chain=chain):
            for end in (link.supplier_id, link.customer_id):
                assert end is None or end in visible, role
        expected_links = sum(
            1 for supplier, customer in pairwise(placed) if supplier.pk in visible and customer.pk in visible
        ) + (cast.home.pk in visible)
        assert selectors.link_queryset(user=user, chain=chain).count() == expected_links, role


def test_postgresql_has_the_covering_region_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a covering index is PostgreSQL's; SQLite's region-and-name index holds the id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'enterprise_region_ids_idx'")
        (definition,) = cursor.fetchone()
    assert "INCLUDE (id)" in definition
