"""The chain chief's workbench card: the chain's figures and what changed in the last week."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.chains import services
from zhuqi.chains.models import Member
from zhuqi.testing.factories import EnterpriseFactory, make_cast, make_chain, make_user

pytestmark = pytest.mark.django_db


def test_the_chief_sees_the_chain_and_the_week(django_assert_max_num_queries) -> None:
    cast = make_cast()
    chain = make_chain(cast)
    chief = make_user("chief", "leader", region=cast.leader.region, official=cast.liaison.official)
    chain.refresh_from_db()
    services.chain_update(
        actor=cast.coordinator,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(name=chain.name, region_code="150581", chief_id=chief.official_id),
    )
    old = services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(segment_id=chain.segment_list[0].pk, enterprise_id=cast.neighbour.pk),
    )
    Member.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(
            segment_id=chain.segment_list[2].pk, enterprise_id=cast.home.pk, role="owner"
        ),
    )
    gone = services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(
            segment_id=chain.segment_list[1].pk,
            enterprise_id=EnterpriseFactory(name="已迁出铝业有限公司", region=cast.home.region).pk,
        ),
    )
    services.member_remove(actor=cast.coordinator, member_id=gone.pk, expected_version=gone.version)

    client = Client()
    client.force_login(chief)
    page = client.get("/").content.decode()
    assert 'data-testid="chain-card"' in page and chain.name in page
    week = page.split('data-testid="chain-card-week">')[1].split("</p>")[0]
    assert "新入链企业 1 家" in week and "联晟新材料有限公司" in week and "移出 1 家" in week
    assert "锦联铝材" not in week
    gaps = page.split('data-testid="chain-card-gaps">')[1].split("<")[0]
    assert gaps == "1"  # 铝板带箔: its one member left

    # Nobody else gets the card.
    client.force_login(cast.coordinator)
    assert 'data-testid="chain-card"' not in client.get("/").content.decode()
