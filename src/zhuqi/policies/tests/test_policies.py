"""Policies through their services and API: a rule written, the enterprises it matches with the
reasons, notice to every eligible one, an application, a grant within the cap, a refusal, and
an enterprise's word that it could not get a policy becoming a demand case."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases.models import Case, Kind
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.enterprises.models import Enterprise, Qualification
from zhuqi.policies import matching, selectors, services
from zhuqi.policies.models import Delivery, DeliveryStatus, MatchStatus, Policy, PolicyDemand, PolicyMatch
from zhuqi.policies.services import PolicyData
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db

SMALL_MANUFACTURERS = {
    "match": "all",
    "conditions": [
        {"field": "industry", "values": ["C"]},
        {"field": "employees", "below": 300},
        {"field": "revenue", "min": 2000},
    ],
}


def _data(cast: Cast, **overrides: Any) -> PolicyData:
    data = PolicyData(
        title="关于支持中小微工业企业纾困发展的若干措施",
        issuer="霍林郭勒市人民政府办公室",
        document_number="霍政办发[2022]12号",
        published_on=timezone.localdate() - datetime.timedelta(days=30),
        region_code="150581",
        category="tax_relief",
        benefit="对符合条件的中小微工业企业给予一次性纾困补助。",
        amount_cap="50",
        department_id=cast.handler.department_id,
        rule=SMALL_MANUFACTURERS,
        status="published",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def _policy(cast: Cast, **overrides: Any) -> Policy:
    policy = services.policy_create(actor=cast.coordinator, data=_data(cast, **overrides))
    matching.rematch_policy(policy)
    return policy


def test_document_number_is_normalised_and_bad_input_names_fields(cast: Cast) -> None:
    assert _policy(cast).document_number == "霍政办发〔2022〕12号"
    with pytest.raises(ValidationFailed) as failure:
        services.policy_create(
            actor=cast.coordinator,
            data=_data(
                cast,
                title="",
                document_number="霍政办发〔2022〕012号",
                category="lottery",
                region_code="140200",
                amount_cap="-5",
                rule={"conditions": [{"field": "industry", "values": ["9999"]}]},
            ),
        )
    fields = {e.field for e in failure.value.errors}
    assert {
        "title",
        "document_number",
        "category",
        "region",
        "amount_cap",
        "rule.conditions[0].values",
    } <= fields
    assert not Policy.objects.filter(title="").exists()


def test_matching_finds_eligible_and_possible_with_reasons(cast: Cast) -> None:
    Enterprise.objects.filter(pk=cast.neighbour.pk).update(employees=None)
    policy = _policy(cast)
    found = dict(PolicyMatch.objects.filter(policy=policy).values_list("enterprise_id", "status"))
    # The factory's enterprises make 金属 (3252, manufacturing), 120 people, 8,000 万元.
    assert found == {cast.home.pk: MatchStatus.ELIGIBLE, cast.neighbour.pk: MatchStatus.POSSIBLE}
    items = selectors.enterprise_policies(
        user=cast.coordinator, enterprise=Enterprise.objects.get(pk=cast.neighbour.pk)
    )
    (item,) = items
    assert item.status == MatchStatus.POSSIBLE
    assert [check.field for check in item.outcome.missing] == ["employees"]


def test_rematch_after_an_enterprise_changes(cast: Cast) -> None:
    policy = _policy(cast, rule={"conditions": [{"field": "qualification", "values": ["little_giant"]}]})
    assert not PolicyMatch.objects.filter(policy=policy).exists()
    Qualification.objects.create(enterprise=cast.home, kind="little_giant")
    assert matching.rematch_enterprise(cast.home.pk) == 1
    assert PolicyMatch.objects.get(policy=policy).enterprise_id == cast.home.pk
    Qualification.objects.filter(enterprise=cast.home).delete()
    matching.rematch_enterprise(cast.home.pk)
    assert not PolicyMatch.objects.filter(policy=policy).exists()


def test_api_story_from_rule_to_grant(cast: Cast) -> None:
    client = token_client("coordinator")
    body = {
        "title": "稳岗扩岗一次性补助",
        "issuer": "霍林郭勒市人力资源和社会保障局",
        "document_number": "霍人社发〔2022〕3号",
        "published_on": str(timezone.localdate() - datetime.timedelta(days=10)),
        "region": "150581",
        "category": "employment",
        "benefit": "每招用一名高校毕业生补助1500元。",
        "amount_cap": "10",
        "department": cast.handler.department_id,
        "rule": SMALL_MANUFACTURERS,
        "status": "published",
    }
    created = send(client, "post", "/api/v1/policies", body)
    assert created.status_code == 201, created.content
    policy_id = created.json()["id"]
    assert created.json()["rule_text"][0] == "同时满足以下全部条件"
    matched = send(client, "post", f"/api/v1/policies/{policy_id}/rematch")
    assert matched.json()["eligible"] == 2
    matches = client.get(f"/api/v1/policies/{policy_id}/matches").json()
    assert {m["enterprise"] for m in matches["items"]} == {cast.home.pk, cast.neighbour.pk}

    notified = send(client, "post", "/api/v1/deliveries", {"policy": policy_id, "channel": "sms"})
    assert notified.status_code == 201, notified.content
    assert notified.json()["created"] == 2
    again = send(client, "post", "/api/v1/deliveries", {"policy": policy_id})
    assert again.json()["created"] == 0  # told once only

    delivery = Delivery.objects.get(policy_id=policy_id, enterprise=cast.home)
    applied = send(client, "post", f"/api/v1/deliveries/{delivery.pk}/apply", {"version": delivery.version})
    assert applied.json()["status"] == "applied"
    over = send(client, "post", f"/api/v1/deliveries/{delivery.pk}/grant", {"version": 2, "amount": "12"})
    assert over.status_code == 422
    assert "超过本政策单户上限" in str(over.json())
    granted = send(client, "post", f"/api/v1/deliveries/{delivery.pk}/grant", {"version": 2, "amount": "0.6"})
    assert granted.status_code == 200, granted.content
    assert granted.json()["granted_amount"] == "0.60"
    assert AuditEntry.objects.filter(object_id=str(delivery.pk), action=AuditEntry.Action.UPDATE).count() == 2

    other = Delivery.objects.get(policy_id=policy_id, enterprise=cast.neighbour)
    refused = send(
        client, "post", f"/api/v1/deliveries/{other.pk}/refuse", {"version": 1, "refusal_reason": ""}
    )
    assert refused.status_code == 422

    mine = token_client("enterprise").get(f"/api/v1/enterprises/{cast.home.pk}/policies").json()
    (item,) = mine
    assert item["status"] == "eligible"
    assert item["delivery"]["status"] == "granted"
    assert {c["field"]: c["verdict"] for c in item["checks"]} == {
        "industry": "pass",
        "employees": "pass",
        "revenue": "pass",
    }


def test_off_match_notice_needs_a_reason(cast: Cast) -> None:
    policy = _policy(cast)
    far = EnterpriseFactory(name="霍林郭勒服务业公司", industry_id="5111")
    with pytest.raises(ValidationFailed) as failure:
        services.deliveries_notify(actor=cast.coordinator, policy_id=policy.pk, enterprise_ids=[far.pk])
    assert failure.value.errors[0].field == "enterprises[0]"
    assert "说明原因" in failure.value.errors[0].message
    (delivery,) = services.deliveries_notify(
        actor=cast.coordinator,
        policy_id=policy.pk,
        enterprise_ids=[far.pk],
        off_match_reason="企业实际从事加工业务",
    )
    assert delivery.off_match_reason == "企业实际从事加工业务"


def test_an_enterprise_that_cannot_get_a_policy_files_a_demand(cast: Cast) -> None:
    policy = _policy(cast)
    client = token_client("enterprise")
    answer = send(
        client,
        "post",
        f"/api/v1/policies/{policy.pk}/complaints",
        {"complaint": "cannot_get", "description": "申报系统提示我单位不在名单内。"},
    )
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(pk=answer.json()["case"])
    assert case.kind == Kind.DEMAND
    assert case.category.name == "政策兑现"
    assert case.enterprise_id == cast.home.pk
    assert PolicyDemand.objects.get(case=case).policy_id == policy.pk


def test_scopes(cast: Cast) -> None:
    policy = _policy(cast)
    draft = _policy(cast, title="草拟中的政策", status="draft")
    # A prefecture's leader sees the county's policy; a Datong coordinator does not.
    assert selectors.policy_get(user=cast.leader, policy_id=policy.pk)
    with pytest.raises(NotFound):
        selectors.policy_get(user=cast.outsider, policy_id=policy.pk)
    # Enterprises see published policies that apply where they are; not drafts.
    assert selectors.policy_get(user=cast.enterprise_user, policy_id=policy.pk)
    with pytest.raises(NotFound):
        selectors.policy_get(user=cast.enterprise_user, policy_id=draft.pk)
    # Only the office keeps the catalogue.
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=cast.leader, data=_data(cast))
    # The delivering department records deliveries; another department's handler may not.
    (delivery,) = services.deliveries_notify(
        actor=cast.handler, policy_id=policy.pk, enterprise_ids=[cast.home.pk]
    )
    assert delivery.status == DeliveryStatus.NOTIFIED


def test_a_province_policy_reaches_the_county(cast: Cast) -> None:
    """A city office registers the province's policy; its enterprises match it."""
    policy = _policy(cast, region_code="150000")
    assert PolicyMatch.objects.filter(policy=policy, enterprise=cast.tongliao).exists()
    assert Policy.objects.get(pk=policy.pk).amount_cap == Decimal("50.00")


def test_expired_policy_is_not_offered(cast: Cast) -> None:
    today = timezone.localdate()
    _policy(
        cast, valid_from=today - datetime.timedelta(days=60), valid_until=today - datetime.timedelta(days=1)
    )
    assert selectors.enterprise_policies(user=cast.coordinator, enterprise=cast.home) == []


def test_the_periodic_sweep_rematches_enterprises_written_in_bulk(cast: Cast) -> None:
    policy = _policy(cast, rule={"conditions": [{"field": "employees", "min": 1000}]})
    matching.sweep_changed_enterprises()  # the watermark starts at the registry as it is
    assert not PolicyMatch.objects.filter(policy=policy).exists()
    # An import writes rows in bulk: no signal, only the row's time changes.
    Enterprise.objects.filter(pk=cast.home.pk).update(employees=1500, updated_at=timezone.now())
    assert matching.sweep_changed_enterprises() == 1
    assert PolicyMatch.objects.get(policy=policy).enterprise_id == cast.home.pk
    assert matching.sweep_changed_enterprises() == 0  # nothing new since


def test_the_command_rematches_everything(cast: Cast) -> None:
    policy = _policy(cast)
    PolicyMatch.objects.all().delete()
    out = StringIO()
    call_command("rematch_policies", stdout=out)
    assert "2 matches written" in out.getvalue()
    assert PolicyMatch.objects.filter(policy=policy).count() == 2


def test_the_document_is_attached_through_the_api(cast: Cast, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    policy = _policy(cast)
    client = token_client("coordinator")
    with (tmp_path / "原文.pdf").open("wb") as handle:
        handle.write(b"%PDF-1.4 policy")
    with (tmp_path / "原文.pdf").open("rb") as upload:
        answer = client.post(
            f"/api/v1/policies/{policy.pk}/attachment", {"version": policy.version, "file": upload}
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["attachment"] == f"/policies/{policy.pk}/attachment"
    with (tmp_path / "原文.pdf").open("rb") as upload:
        stale = client.post(
            f"/api/v1/policies/{policy.pk}/attachment", {"version": policy.version, "file": upload}
        )
    assert stale.status_code == 409


def test_a_rematch_writes_only_what_changed_and_reads_by_region(cast: Cast) -> None:
    policy = _policy(cast)
    before = dict(PolicyMatch.objects.filter(policy=policy).values_list("enterprise_id", "pk"))
    Enterprise.objects.filter(pk=cast.neighbour.pk).update(employees=None)
    with CaptureQueriesContext(connection) as queries:
        assert matching.rematch_policy(policy) == 2
    after = dict(PolicyMatch.objects.filter(policy=policy).values_list("enterprise_id", "pk"))
    assert after == before  # the same rows, kept; the neighbour's only changed its status
    assert PolicyMatch.objects.get(policy=policy, enterprise=cast.neighbour).status == MatchStatus.POSSIBLE
    if connection.vendor == "sqlite":
        assert sum("INDEXED BY enterprise_region_name_idx" in q["sql"] for q in queries.captured_queries) == 2
