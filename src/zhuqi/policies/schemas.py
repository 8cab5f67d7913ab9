from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from zhuqi.cases.models import Case
from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.policies.models import (
    Channel,
    Complaint,
    Delivery,
    DeliveryStatus,
    GrantMode,
    MatchStatus,
    Policy,
    PolicyCategory,
    PolicyMatch,
    PolicyStatus,
)
from zhuqi.policies.rules import Verdict, describe
from zhuqi.policies.selectors import EnterprisePolicy

RULE_DESCRIPTION = (
    '{"match": "all"|"any", "conditions": [...]}; a condition is {"field": size_class|industry|region|'
    'qualification, "values": [...]}, {"field": "above_scale", "value": true}, or {"field": '
    'employees|revenue|years_founded, "min"|"max"|"above"|"below": n} (revenue in 万元); groups nest '
    "3 deep. An empty rule matches every enterprise of the region."
)


class PolicyIn(Schema):
    title: str = schema_field(Policy, "title")
    issuer: str = schema_field(Policy, "issuer")
    document_number: str = Field("", max_length=60, description="发文字号, e.g. 内政办发〔2022〕12号")
    published_on: IsoDate | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    region: str = Field(description="GB/T 2260 code of where it applies; a region above yours is allowed")
    category: Annotated[str, choices_schema(PolicyCategory)]
    benefit: str = schema_field(Policy, "benefit")
    amount: Decimal | str | None = Field(None, description="万元")
    rate: Decimal | str | None = Field(None, description="%")
    amount_cap: Decimal | str | None = Field(None, description="the most one enterprise may be granted, 万元")
    grant_mode: Annotated[str, choices_schema(GrantMode, blank=True)] = "application"
    how_to_apply: str = schema_field(Policy, "how_to_apply", "")
    department: RecordId | None = None
    full_text: str = schema_field(Policy, "full_text", "")
    rule: dict[str, Any] = Field(default_factory=dict, description=RULE_DESCRIPTION)
    status: Annotated[str, choices_schema(PolicyStatus, blank=True)] = "draft"


class PolicyUpdateIn(PolicyIn):
    version: Version


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    document_number: str
    published_on: datetime.date
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    region: str
    region_name: str
    category: PolicyCategory
    category_label: str
    amount: Decimal | None = Field(description="万元")
    rate: Decimal | None = Field(description="%")
    amount_cap: Decimal | None = Field(description="万元")
    grant_mode: GrantMode
    department: int
    department_name: str
    status: PolicyStatus
    version: int


class PolicyDetailOut(PolicyOut):
    benefit: str
    how_to_apply: str
    full_text: str
    rule: dict[str, Any]
    rule_text: list[str] = Field(description="the rule as indented lines")
    matched_at: datetime.datetime | None
    attachment: str = Field(description="where to download the published document; empty when none")
    eligible: int = Field(description="enterprises matched, in your scope")
    possible: int = Field(description="enterprises possibly eligible (some data missing), in your scope")


POLICY_ROW_COLUMNS = (
    "id",
    "title",
    "issuer",
    "document_number",
    "published_on",
    "valid_from",
    "valid_until",
    "region_id",
    "region__name",
    "category",
    "amount",
    "rate",
    "amount_cap",
    "grant_mode",
    "department_id",
    "department__name",
    "status",
    "version",
)


def policy_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A catalogue row (`.values(*POLICY_ROW_COLUMNS)`) as PolicyOut sends it."""
    return {
        "id": row["id"],
        "title": row["title"],
        "issuer": row["issuer"],
        "document_number": row["document_number"],
        "published_on": row["published_on"],
        "valid_from": row["valid_from"],
        "valid_until": row["valid_until"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "category": row["category"],
        "category_label": _(PolicyCategory(row["category"]).label),
        "amount": row["amount"],
        "rate": row["rate"],
        "amount_cap": row["amount_cap"],
        "grant_mode": row["grant_mode"],
        "department": row["department_id"],
        "department_name": row["department__name"],
        "status": row["status"],
        "version": row["version"],
    }


def policy_detail_json(policy: Policy, counts: dict[str, int]) -> dict[str, Any]:
    row = {
        "id": policy.pk,
        "title": policy.title,
        "issuer": policy.issuer,
        "document_number": policy.document_number,
        "published_on": policy.published_on,
        "valid_from": policy.valid_from,
        "valid_until": policy.valid_until,
        "region_id": policy.region_id,
        "region__name": policy.region.name,
        "category": policy.category,
        "amount": policy.amount,
        "rate": policy.rate,
        "amount_cap": policy.amount_cap,
        "grant_mode": policy.grant_mode,
        "department_id": policy.department_id,
        "department__name": policy.department.name,
        "status": policy.status,
        "version": policy.version,
    }
    return {
        **policy_row_json(row),
        "benefit": policy.benefit,
        "how_to_apply": policy.how_to_apply,
        "full_text": policy.full_text,
        "rule": policy.rule,
        "rule_text": ["  " * depth + text for depth, text in describe(policy.rule)],
        "matched_at": policy.matched_at,
        "attachment": f"/policies/{policy.pk}/attachment" if policy.attachment else "",
        "eligible": counts.get(MatchStatus.ELIGIBLE, 0),
        "possible": counts.get(MatchStatus.POSSIBLE, 0),
    }


class MatchOut(Schema):
    enterprise: int
    enterprise_name: str
    region: str
    region_name: str
    status: MatchStatus


def match_json(match: PolicyMatch) -> dict[str, Any]:
    return {
        "enterprise": match.enterprise_id,
        "enterprise_name": match.enterprise.name,
        "region": match.enterprise.region_id,
        "region_name": match.enterprise.region.name,
        "status": match.status,
    }


class CheckOut(Schema):
    field: str
    label: str
    required: str
    value: str = Field(description="the enterprise's value; empty when the registry lacks it")
    verdict: Verdict
    supplier: str = Field(description="who can supply the missing value")


class DeliveryOut(Schema):
    id: int
    policy: int
    policy_title: str
    enterprise: int
    enterprise_name: str
    region: str
    status: DeliveryStatus
    channel: Annotated[str, choices_schema(Channel, blank=True)]
    notified_on: datetime.date | None
    applied_on: datetime.date | None
    granted_on: datetime.date | None
    granted_amount: Decimal | None = Field(description="万元")
    refused_on: datetime.date | None
    refusal_reason: str
    off_match_reason: str
    note: str
    version: int


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "policy": delivery.policy_id,
        "policy_title": delivery.policy.title,
        "enterprise": delivery.enterprise_id,
        "enterprise_name": delivery.enterprise.name,
        "region": delivery.region_id,
        "status": delivery.status,
        "channel": delivery.channel,
        "notified_on": delivery.notified_on,
        "applied_on": delivery.applied_on,
        "granted_on": delivery.granted_on,
        "granted_amount": delivery.granted_amount,
        "refused_on": delivery.refused_on,
        "refusal_reason": delivery.refusal_reason,
        "off_match_reason": delivery.off_match_reason,
        "note": delivery.note,
        "version": delivery.version,
    }


class EnterprisePolicyOut(Schema):
    policy: PolicyOut
    status: Annotated[str, choices_schema(MatchStatus, blank=True)] = Field(
        description="eligible, possible, or empty: delivered though the rule does not match"
    )
    benefit: str
    how_to_apply: str
    checks: list[CheckOut]
    delivery: DeliveryOut | None


def enterprise_policy_json(item: EnterprisePolicy) -> dict[str, Any]:
    detail = policy_detail_json(item.policy, {})
    return {
        "policy": {name: detail[name] for name in PolicyOut.model_fields},
        "status": item.status,
        "benefit": item.policy.benefit,
        "how_to_apply": item.policy.how_to_apply,
        "checks": [
            {
                "field": check.field,
                "label": _(check.label),
                "required": check.required,
                "value": check.value,
                "verdict": check.verdict,
                "supplier": check.supplier,
            }
            for check in item.outcome.checks
        ],
        "delivery": delivery_json(item.delivery) if item.delivery else None,
    }


class NotifyIn(Schema):
    policy: RecordId
    enterprises: list[RecordId] | None = Field(
        None, description="the enterprises to tell; omitted: every eligible one not yet told"
    )
    channel: Annotated[str, choices_schema(Channel, blank=True)] = "portal"
    notified_on: IsoDate | None = None
    off_match_reason: str = schema_field(
        Delivery, "off_match_reason", "", description="required to tell enterprises the rule does not match"
    )


class NotifiedOut(Schema):
    created: int
    items: list[DeliveryOut]


class ApplyIn(Schema):
    version: Version
    applied_on: IsoDate | None = None


class GrantIn(Schema):
    version: Version
    amount: Decimal | str | None = Field(None, description="万元")
    granted_on: IsoDate | None = None
    note: str = schema_field(Delivery, "note", "")


class RefuseIn(Schema):
    version: Version
    refusal_reason: str = schema_field(Delivery, "refusal_reason")
    refused_on: IsoDate | None = None


class ComplaintIn(Schema):
    complaint: Annotated[str, choices_schema(Complaint)]
    description: str = schema_field(Case, "description")
    enterprise: RecordId | None = Field(None, description="for a liaison officer filing for an enterprise")


class ComplaintOut(Schema):
    case: int
    title: str
