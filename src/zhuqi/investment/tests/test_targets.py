"""Investment targets (招商目标) through their services and API: the road forward and its
refusals, who keeps them and who sees them, the agreement's chain, and the chain pages' columns."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhuqi.chains.figures import registered_columns
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.investment import services, target_schemas, target_selectors, target_services
from zhuqi.investment.models import Agreement, Target, TargetStatus
from zhuqi.investment.services import AgreementData
from zhuqi.investment.target_panels import chain_panel
from zhuqi.investment.target_services import TargetData
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, DepartmentFactory, make_chain, make_project, make_user

pytestmark = pytest.mark.django_db


def _agreement(cast: Cast, **overrides: Any) -> Agreement:
    data = AgreementData(
        title="年产10万吨高端铝箔项目投资协议",
        kind="investment",
        counterparty_name="江苏鼎胜新能源材料股份有限公司",
        our_party_name="霍林郭勒市人民政府",
        region_code="150581",
        signed_on=timezone.localdate(),
        amount="20",
        amount_unit="亿元",
        amount_nature="planned_investment",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.agreement_create(actor=cast.coordinator, data=data)


def _target(cast: Cast, chain: Any, actor: Any = None, **overrides: Any) -> Target:
    data = TargetData(
        chain_id=chain.pk,
        segment_id=chain.segment_list[-1].pk,
        name="江苏鼎胜新能源材料股份有限公司",
        origin="江苏省镇江市",
        expected_investment="200000",
        next_step="赴镇江拜访",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return target_services.target_create(actor=actor or cast.coordinator, data=data)


def _advance(cast: Cast, target: Target, status: str, actor: Any = None, **kwargs: Any) -> Target:
    version = Target.objects.get(pk=target.pk).version
    return target_services.target_advance(
        actor=actor or cast.coordinator,
        target_id=target.pk,
        expected_version=version,
        status=status,
        **kwargs,
    )


def test_registered_with_the_chains_lead_department_and_checked(cast: Cast) -> None:
    chain = make_chain(cast)
    target = _target(cast, chain, uscc=" 91350100m000100y43 ")
    assert target.uscc == "91350100M000100Y43"
    assert target.status == TargetStatus.IDENTIFIED
    assert target.department_id == cast.handler.department_id  # the chain's lead department
    assert target.expected_investment == Decimal("200000.00")
    other = make_chain(cast, name="光伏产业链", segments=("多晶硅",))
    with pytest.raises(ValidationFailed) as failure:
        _target(
            cast,
            chain,
            name=" ",
            segment_id=other.segment_list[0].pk,
            uscc="12345",
            expected_investment="2亿元",
        )
    fields = {e.field: e.message for e in failure.value.errors}
    assert set(fields) == {"name", "segment", "uscc", "expected_investment"}
    assert "不是“铝产业链”的环节" in fields["segment"]
    assert AuditEntry.objects.filter(object_id=str(target.pk), action="create").exists()


def test_the_road_forward_with_an_agreement_and_a_project(cast: Cast) -> None:
    chain = make_chain(cast)
    target = _target(cast, chain)
    agreement = _agreement(cast)
    assert agreement.chain_id is None
    _advance(cast, target, "contacted", note="首次接洽")
    with pytest.raises(ValidationFailed, match="不能从“已接洽”退回“已识别”"):
        _advance(cast, target, "identified")
    with pytest.raises(ValidationFailed) as failure:
        _advance(cast, target, "signed")  # negotiation skipped: allowed, but an agreement is needed
    assert [e.field for e in failure.value.errors] == ["agreement"]
    signed = _advance(cast, target, "signed", agreement_id=agreement.pk)
    assert signed.status == "signed" and signed.agreement_id == agreement.pk
    agreement.refresh_from_db()
    assert agreement.chain_id == chain.pk and agreement.version == 2  # filed under the chain
    with pytest.raises(ValidationFailed, match="退回"):
        _advance(cast, target, "negotiating")
    with pytest.raises(ValidationFailed) as failure:
        _advance(cast, target, "landed")
    assert [e.field for e in failure.value.errors] == ["project"]
    project = make_project(name="高端铝箔项目")
    landed = _advance(cast, target, "landed", project_id=project.pk)
    assert landed.status == "landed" and landed.project_id == project.pk
    assert list(agreement.projects.values_list("pk", flat=True)) == [project.pk]  # landed from it too
    with pytest.raises(ValidationFailed, match="已落地"):
        _advance(cast, target, "dropped", note="不再跟进")
    history = list(
        AuditEntry.objects.filter(object_id=str(target.pk), content_type__model="target")
        .order_by("at", "id")
        .values_list("changes", flat=True)
    )
    assert [change.get("status", [None, None])[1] for change in history[1:]] == [
        "contacted",
        "signed",
        "landed",
    ]


def test_dropped_and_taken_up_again_with_a_reason(cast: Cast) -> None:
    chain = make_chain(cast)
    target = _target(cast, chain)
    with pytest.raises(ValidationFailed) as failure:
        _advance(cast, target, "dropped")
    assert [e.field for e in failure.value.errors] == ["note"]
    _advance(cast, target, "dropped", note="企业投资计划暂停")
    with pytest.raises(ValidationFailed, match="只能重新启用"):
        _advance(cast, target, "signed", agreement_id=_agreement(cast).pk, note="重新签约")
    again = _advance(cast, target, "negotiating", note="企业重启扩产计划")
    assert again.status == "negotiating" and again.status_note == "企业重启扩产计划"


def test_an_agreement_of_another_chain_is_refused_and_keeps_its_chain(cast: Cast) -> None:
    aluminium = make_chain(cast)
    solar = make_chain(cast, name="光伏产业链", segments=("多晶硅", "组件"))
    agreement = _agreement(cast, chain_id=solar.pk)
    assert agreement.chain_id == solar.pk
    target = _target(cast, aluminium)
    with pytest.raises(ValidationFailed, match="已归入“光伏产业链”"):
        _advance(cast, target, "signed", agreement_id=agreement.pk)
    solar_target = _target(cast, solar, segment_id=solar.segment_list[0].pk)
    _advance(cast, solar_target, "signed", agreement_id=agreement.pk)
    data = AgreementData(
        title=agreement.title,
        kind=agreement.kind,
        counterparty_name=agreement.counterparty_name,
        our_party_name=agreement.our_party_name,
        region_code="150581",
        signed_on=agreement.signed_on,
        amount="20",
        amount_nature="planned_investment",
        chain_id=aluminium.pk,
    )
    with pytest.raises(ValidationFailed) as failure:
        services.agreement_update(
            actor=cast.coordinator, agreement_id=agreement.pk, expected_version=agreement.version, data=data
        )
    assert failure.value.errors[0].field == "chain" and "以此协议签约" in failure.value.errors[0].message
    # An agreement outside the actor's scope is named on the field, as if absent.
    datong = make_user("datong-office", "coordinator", region_id="140200")
    far = services.agreement_create(
        actor=datong,
        data=AgreementData(
            title="大同协议",
            kind="strategic",
            counterparty_name="某集团",
            our_party_name="大同市人民政府",
            region_code="140200",
            signed_on=timezone.localdate(),
        ),
    )
    with pytest.raises(ValidationFailed, match="不存在或不在您的权限范围内"):
        _advance(cast, target, "signed", agreement_id=far.pk)


def test_who_keeps_and_who_sees_targets(cast: Cast) -> None:
    chain = make_chain(cast)
    # The chain's lead department (the handler's) keeps it through chains.services.may_keep.
    target = _target(cast, chain, actor=cast.handler)
    other_department = make_user(
        "other-handler", "handler", department=DepartmentFactory(name="霍林郭勒市商务局")
    )
    with pytest.raises(PermissionDenied):
        _target(cast, chain, actor=other_department)
    with pytest.raises(PermissionDenied):
        _advance(cast, target, "contacted", actor=other_department)
    with pytest.raises(PermissionDenied):
        _target(cast, chain, actor=cast.leader)  # sees the chain, keeps no register
    # The outsider does not see the chain: the target is absent, and the chain named as unknown.
    with pytest.raises(NotFound):
        target_selectors.target_get(user=cast.outsider, target_id=target.pk)
    with pytest.raises(NotFound):
        _advance(cast, target, "contacted", actor=cast.outsider)
    with pytest.raises(ValidationFailed, match="产业链不存在"):
        _target(cast, chain, actor=cast.outsider)
    # The chain's members see the chain, not whom the region courts into it.
    assert target_selectors.target_queryset(user=cast.enterprise_user).count() == 0
    assert target_selectors.target_queryset(user=cast.leader).count() == 1
    # A department given a target follows it up (its own department).
    commerce = make_user("commerce", "handler", department=DepartmentFactory(name="霍林郭勒市投资促进中心"))
    assert not target_services.may_follow(commerce, target)
    target_services.target_update(
        actor=cast.coordinator,
        target_id=target.pk,
        expected_version=target.version,
        data=TargetData(
            chain_id=chain.pk,
            segment_id=target.segment_id,
            name=target.name,
            department_id=commerce.department_id,
        ),
    )
    target.refresh_from_db()
    assert target_services.may_follow(commerce, target)


def test_api_lists_creates_and_advances(cast: Cast, django_assert_num_queries: Any) -> None:
    chain = make_chain(cast)
    api = token_client("coordinator")
    created = send(
        api,
        "post",
        "/api/v1/targets",
        {
            "chain": chain.pk,
            "segment": chain.segment_list[1].pk,
            "name": "中铝东南铜业有限公司",
            "origin": "福建省宁德市",
            "expected_investment": "50000",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "identified" and body["status_label"] == "已识别"
    agreement = _agreement(cast)
    advanced = send(
        api,
        "post",
        f"/api/v1/targets/{body['id']}/advance",
        {"version": body["version"], "status": "signed", "agreement": agreement.pk},
    )
    assert advanced.status_code == 200, advanced.content
    assert advanced.json()["agreement_title"] == agreement.title
    assert api.get(f"/api/v1/agreements/{agreement.pk}").json()["chain_name"] == "铝产业链"
    backward = send(
        api,
        "post",
        f"/api/v1/targets/{body['id']}/advance",
        {"version": advanced.json()["version"], "status": "contacted"},
    )
    assert backward.status_code == 422 and "退回" in backward.json()["detail"][0]["msg"]
    _target(cast, chain, official_id=None, name="外地铝加工企业")
    assert api.get("/api/v1/targets?status=lost").status_code == 422
    listed = api.get(f"/api/v1/targets?chain={chain.pk}&status=signed").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert token_client("outsider").get("/api/v1/targets").json()["count"] == 0
    assert token_client("outsider").get(f"/api/v1/targets/{body['id']}").status_code == 404
    api.get("/api/v1/targets")  # the token's use noted
    with django_assert_num_queries(2):  # the token, the page (not full: no count)
        page = api.get("/api/v1/targets", {"page_size": 50}).json()
    expected = validated_items(
        target_schemas.TargetOut,
        target_schemas.target_json,
        target_selectors.target_queryset(user=cast.coordinator).order_by("chain_id", "segment_id", "id"),
    )
    assert len(expected) == 2 and page == {"items": expected, "count": 2, "count_capped": False}


def test_the_chain_columns_and_panel(cast: Cast, django_assert_num_queries: Any) -> None:
    aluminium = make_chain(cast)
    solar = make_chain(cast, name="光伏产业链", segments=("多晶硅",))
    this_year = timezone.localdate()
    signed = _agreement(cast, chain_id=aluminium.pk, amount="2", amount_unit="亿元")
    _agreement(cast, chain_id=aluminium.pk, signed_on=datetime.date(this_year.year - 1, 6, 1), amount="3")
    services.funds_record(
        actor=cast.coordinator,
        agreement_id=signed.pk,
        expected_version=signed.version,
        on=this_year,
        amount="5000",
    )
    first = _target(cast, aluminium)
    _target(cast, aluminium, name="第二家")
    _advance(cast, _target(cast, aluminium, name="第三家"), "dropped", note="放弃")
    _advance(cast, first, "signed", agreement_id=signed.pk)
    columns = {column.key: column for column in registered_columns()}
    ids = [aluminium.pk, solar.pk]
    expected = {
        "investment_signed_this_year": {aluminium.pk: Decimal("20000.00"), solar.pk: Decimal(0)},
        "funds_in_place_this_year": {aluminium.pk: Decimal("5000.00"), solar.pk: Decimal(0)},
        "targets_open": {aluminium.pk: 1, solar.pk: 0},
        "targets_signed": {aluminium.pk: 1, solar.pk: 0},
    }
    for key, values in expected.items():
        with django_assert_num_queries(1):
            assert columns[key].compute(cast.coordinator, ids) == values
    panel = chain_panel(cast.coordinator, aluminium)["targets_panel"]
    assert ("signed", "已签约", 1) in panel["counts"] and ("dropped", "已放弃", 1) in panel["counts"]
    assert panel["may_keep"] and not chain_panel(cast.leader, aluminium)["targets_panel"]["may_keep"]


def test_a_segment_a_target_aims_at_is_not_deleted(cast: Cast) -> None:
    from zhuqi.chains import services as chain_services
    from zhuqi.chains.models import Segment

    chain = make_chain(cast)
    target = _target(cast, chain)
    segment = Segment.objects.get(pk=target.segment_id)
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        chain_services.segment_delete(
            actor=cast.coordinator, segment_id=segment.pk, expected_version=segment.version
        )
    assert "招商目标" in refused.value.errors[0].message
    assert Segment.objects.filter(pk=segment.pk).exists() and AuditEntry.objects.count() == audited


def test_the_lead_department_signs_only_with_an_agreement_the_office_filed(cast: Cast) -> None:
    chain = make_chain(cast)
    target = _target(cast, chain)
    agreement = _agreement(cast)
    with pytest.raises(ValidationFailed) as refused:
        _advance(cast, target, TargetStatus.SIGNED, actor=cast.handler, agreement_id=agreement.pk)
    assert "营商办" in refused.value.errors[0].message and refused.value.errors[0].field == "agreement"
    assert Agreement.objects.get(pk=agreement.pk).chain_id is None
    # Filed by the office, the lead department may sign the target with it.
    agreement = Agreement.objects.get(pk=agreement.pk)
    services.agreement_update(
        actor=cast.coordinator,
        agreement_id=agreement.pk,
        expected_version=agreement.version,
        data=AgreementData(
            title=agreement.title,
            kind=agreement.kind,
            counterparty_name=agreement.counterparty_name,
            our_party_name=agreement.our_party_name,
            region_code=agreement.region_id,
            signed_on=agreement.signed_on,
            amount="20",
            amount_unit="亿元",
            amount_nature="planned_investment",
            chain_id=chain.pk,
        ),
    )
    signed = _advance(cast, target, TargetStatus.SIGNED, actor=cast.handler, agreement_id=agreement.pk)
    assert signed.status == TargetStatus.SIGNED


def test_a_reader_sees_that_a_target_signed_not_an_agreement_of_elsewhere(cast: Cast) -> None:
    from zhuqi.chains import services as chain_services

    chain = chain_services.chain_create(
        actor=cast.admin, data=chain_services.ChainData(name="通辽铝产业链", region_code="150500")
    )
    segment = chain_services.segment_create(
        actor=cast.admin, chain_id=chain.pk, data=chain_services.SegmentData(name="高端铝箔")
    )
    target = target_services.target_create(
        actor=cast.admin,
        data=TargetData(
            chain_id=chain.pk,
            segment_id=segment.pk,
            name="外省铝箔企业",
            department_id=cast.handler.department_id,
        ),
    )
    data = AgreementData(
        title="通辽市铝箔项目投资协议",
        kind="investment",
        counterparty_name="外省铝箔企业",
        our_party_name="通辽市人民政府",
        region_code="150502",
        signed_on=timezone.localdate(),
        amount="5",
        amount_unit="亿元",
        amount_nature="planned_investment",
    )
    agreement = services.agreement_create(actor=cast.admin, data=data)
    _advance(cast, target, TargetStatus.SIGNED, actor=cast.admin, agreement_id=agreement.pk)
    seen_by_tongliao = target_schemas.target_json(
        target_selectors.target_get(user=cast.leader, target_id=target.pk)
    )
    assert seen_by_tongliao["agreement_title"] == "通辽市铝箔项目投资协议"
    seen_by_county = target_schemas.target_json(
        target_selectors.target_get(user=cast.coordinator, target_id=target.pk)
    )
    assert seen_by_county["status"] == TargetStatus.SIGNED
    assert seen_by_county["agreement"] is None and seen_by_county["agreement_title"] == ""
