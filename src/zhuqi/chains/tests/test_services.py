"""Chains through their services: the tree, members, links, lists, goals, and each refusal the
issue names (a member in another chain's segment, a link to itself, a cycle)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhuqi.chains import selectors, services
from zhuqi.chains.models import Role, SegmentKind
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.testing.factories import make_cast, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def fields_of(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def test_a_chain_its_tree_and_its_gaps(cast):
    chain = make_chain(cast)
    smelting, sheet, foil = chain.segment_list
    glass = services.segment_create(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.SegmentData(name="铝用阳极", parent_id=smelting.pk, kind=SegmentKind.SUPPORTING),
    )
    services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(
            segment_id=foil.pk, enterprise_id=cast.home.pk, role=Role.OWNER, output_value="120000"
        ),
    )
    services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(
            segment_id=sheet.pk, enterprise_id=cast.neighbour.pk, role=Role.LEADING, output_value="300"
        ),
    )
    services.chain_update(
        actor=cast.coordinator,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(name=chain.name, region_code="150581", weak_output="1000"),
    )
    chain.refresh_from_db()
    strengths = {s.segment.name: s for s in selectors.segment_strengths(chain)}
    assert [strengths[n].depth for n in ("电解铝", "铝用阳极", "铝板带箔", "高端铝箔")] == [0, 0, 1, 2]
    gaps = {s.segment.name: s.reason for s in selectors.gaps(chain)}
    assert set(gaps) == {"电解铝", "铝用阳极", "铝板带箔"}
    assert gaps["电解铝"] == "本地无企业"
    assert "300" in gaps["铝板带箔"] and "1,000" in gaps["铝板带箔"]
    figures = selectors.member_figures([chain.pk])[chain.pk]
    assert figures.members == 2 and figures.output_value == Decimal("120300.00")
    assert figures.by_role[Role.OWNER] == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() >= 7
    assert glass.kind == SegmentKind.SUPPORTING


def test_refusals_name_what_is_wrong(cast):
    chain = make_chain(cast)
    other = make_chain(cast, name="光伏装备产业链", segments=("工业硅", "多晶硅"))
    smelting, sheet, foil = chain.segment_list
    with pytest.raises(ValidationFailed) as failure:
        services.member_add(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=services.MemberData(segment_id=other.segment_list[0].pk, enterprise_id=cast.home.pk),
        )
    assert "光伏装备产业链" in fields_of(failure)["segment"]
    with pytest.raises(ValidationFailed) as failure:
        services.link_add(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=services.LinkData(product="铝箔", supplier_id=cast.home.pk, customer_id=cast.home.pk),
        )
    assert "同一家企业" in fields_of(failure)["customer"]
    smelting.refresh_from_db()
    with pytest.raises(ValidationFailed) as failure:
        services.segment_update(
            actor=cast.coordinator,
            segment_id=smelting.pk,
            expected_version=smelting.version,
            data=services.SegmentData(name="电解铝", parent_id=foil.pk),
        )
    assert "循环" in fields_of(failure)["parent"]
    with pytest.raises(StaleWrite):
        services.segment_update(
            actor=cast.coordinator,
            segment_id=foil.pk,
            expected_version=foil.version + 1,
            data=services.SegmentData(name="高端铝箔", parent_id=sheet.pk),
        )
    # Out of scope is not found; in scope but not a keeper is refused with the reason.
    with pytest.raises(NotFound):
        services.segment_create(actor=cast.outsider, chain_id=chain.pk, data=services.SegmentData(name="x"))
    with pytest.raises(PermissionDenied):
        services.segment_create(actor=cast.leader, chain_id=chain.pk, data=services.SegmentData(name="x"))


def test_the_lead_department_keeps_its_chain(cast):
    chain = make_chain(cast)
    member = services.member_add(
        actor=cast.handler,
        chain_id=chain.pk,
        data=services.MemberData(segment_id=chain.segment_list[0].pk, enterprise_id=cast.home.pk),
    )
    services.member_remove(actor=cast.handler, member_id=member.pk, expected_version=member.version)
    assert not selectors.member_queryset(user=cast.coordinator, chain=chain).exists()


def test_the_lead_department_edits_the_content_not_who_holds_the_chain(cast):
    from zhuqi.testing.factories import OfficialFactory

    chain = make_chain(cast)
    deputy = OfficialFactory(name="副链长甲")
    chain = services.chain_update(
        actor=cast.coordinator,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(
            name=chain.name,
            region_code="150581",
            deputy_ids=[deputy.pk],
            lead_department_id=cast.handler.department_id,
        ),
    )
    services.chain_update(
        actor=cast.handler,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(name=chain.name, region_code="150500", description="铝及铝后加工"),
    )
    chain.refresh_from_db()
    assert chain.description == "铝及铝后加工" and chain.region_id == "150581"
    assert list(chain.deputies.all()) == [deputy]


def test_a_credit_code_of_elsewhere_stays_an_outside_end_and_positions_are_bounded(cast):
    chain = make_chain(cast)
    link = services.link_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.LinkData(
            product="铝锭",
            supplier_id=cast.home.pk,
            customer_name="大同的客户",
            customer_uscc=cast.datong.uscc,
        ),
    )
    assert link.customer_id is None and link.customer_name == "大同的客户"
    assert selectors.link_queryset(user=cast.coordinator, chain=chain).filter(pk=link.pk).exists()
    ours = services.link_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.LinkData(product="铝箔", supplier_id=cast.home.pk, customer_uscc=cast.neighbour.uscc),
    )
    assert ours.customer_id == cast.neighbour.pk
    with pytest.raises(ValidationFailed) as failure:
        services.segment_create(
            actor=cast.coordinator, chain_id=chain.pk, data=services.SegmentData(name="铝灰", position=40000)
        )
    assert "32,767" in fields_of(failure)["position"]
