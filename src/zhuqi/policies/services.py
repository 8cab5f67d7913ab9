"""Every change to the policy catalogue and to deliveries. Each runs in a transaction, is
version-checked where it changes a record someone else may be editing, and writes the audit
trail; a refusal names the field (or the row of a bulk request)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuqi.cases.filing import case_create
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.origins import NewCase
from zhuqi.core import audit, search
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_and_ancestor_codes
from zhuqi.core.textlimits import length_errors
from zhuqi.core.uploads import check_uploads, stored_name
from zhuqi.core.validators import DocumentNumberError, normalise_document_number
from zhuqi.core.values import collect, parse_amount, parse_choice
from zhuqi.directory.models import Department, Region, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.policies import selectors, tasks
from zhuqi.policies.models import (
    Channel,
    Complaint,
    Delivery,
    DeliveryStatus,
    GrantMode,
    MatchStatus,
    Policy,
    PolicyCategory,
    PolicyDemand,
    PolicyMatch,
    PolicyStatus,
)
from zhuqi.policies.rules import clean_rule

# The case category an enterprise's "I did not get this policy" is filed in.
POLICY_CASE_CATEGORY = "政策兑现"


def may_keep(actor: User) -> bool:
    """Who keeps the catalogue: the business-environment office and admins."""
    return has_permission(actor, Permission.KEEP_POLICIES)


def may_deliver(actor: User, policy: Policy) -> bool:
    """Who records deliveries: the keepers and the policy's delivering department."""
    if may_keep(actor):
        return True
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == policy.department_id
    )


# ---------------------------------------------------------------------------------------------
# The catalogue


@dataclass
class PolicyData:
    title: str
    issuer: str
    region_code: str
    category: str
    benefit: str
    department_id: int | None
    published_on: datetime.date | None
    document_number: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    amount: Any = None
    rate: Any = None
    amount_cap: Any = None
    grant_mode: str = GrantMode.APPLICATION
    how_to_apply: str = ""
    full_text: str = ""
    rule: Any = None
    status: str = PolicyStatus.DRAFT


POLICY_TEXT = ("title", "issuer", "benefit", "how_to_apply", "full_text")


def _policy_region(actor: User, code: str, errors: list[FieldError]) -> Region | None:
    """Where the policy applies: the keeper's jurisdiction, below it, or above it (a city's office
    registers the province's policy so that it reaches the city's enterprises)."""
    code = (code or "").strip()
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        errors.append(FieldError("region", f"行政区划代码“{code}”不存在" if code else "必填"))
        return None
    jurisdiction = jurisdiction_code(actor)
    if not code_within(jurisdiction, region.code) and not (
        jurisdiction and region.code in region_and_ancestor_codes(jurisdiction)
    ):
        errors.append(FieldError("region", f"{region.name}不在您的管辖范围内，也不是其上级地区"))
    return region


def clean_policy_data(actor: User, data: PolicyData) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {name: (getattr(data, name) or "").strip() for name in POLICY_TEXT}
    for name in ("title", "issuer", "benefit"):
        if not values[name]:
            errors.append(FieldError(name, "必填"))
    try:
        values["document_number"] = normalise_document_number(data.document_number or "")
    except DocumentNumberError as error:
        errors.append(FieldError("document_number", error.message))
        values["document_number"] = ""
    values["category"] = collect(errors, parse_choice, data.category, PolicyCategory, "category")
    values["grant_mode"] = collect(
        errors, parse_choice, data.grant_mode, GrantMode, "grant_mode", default=GrantMode.APPLICATION
    )
    values["status"] = collect(
        errors, parse_choice, data.status, PolicyStatus, "status", default=PolicyStatus.DRAFT
    )
    values["region"] = _policy_region(actor, data.region_code, errors)
    values["amount"] = collect(errors, parse_amount, data.amount, "amount", required=False)
    values["amount_cap"] = collect(errors, parse_amount, data.amount_cap, "amount_cap", required=False)
    if values["amount_cap"] is not None and values["amount_cap"] <= 0:
        errors.append(FieldError("amount_cap", "应大于零；不设上限请留空"))
    values["rate"] = _rate(data.rate, errors)
    if data.published_on is None:
        errors.append(FieldError("published_on", "必填"))
    values["published_on"] = data.published_on
    values["valid_from"] = data.valid_from
    values["valid_until"] = data.valid_until
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        errors.append(FieldError("valid_until", "执行截止日期不能早于开始日期"))
    department = Department.objects.filter(pk=data.department_id).first() if data.department_id else None
    if department is None:
        errors.append(FieldError("department", "请选择兑现部门" if not data.department_id else "部门不存在"))
    values["department"] = department
    try:
        values["rule"] = clean_rule(data.rule)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    errors += length_errors(Policy, {name: values[name] for name in POLICY_TEXT})
    if errors:
        raise ValidationFailed(errors)
    return values


def _rate(value: Any, errors: list[FieldError]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value).strip().rstrip("%％"))
    except ArithmeticError:
        errors.append(FieldError("rate", f"“{value}”不是百分比"))
        return None
    if not rate.is_finite() or not 0 < rate <= 100:
        errors.append(FieldError("rate", "应在 0 到 100 之间（%）"))
        return None
    return rate.quantize(Decimal("0.01"))


def _enqueue_rematch(policy_id: int) -> None:
    transaction.on_commit(lambda: tasks.rematch_policy.enqueue(policy_id))


def _checked_attachment(attachment: UploadedFile | None) -> list[FieldError]:
    if attachment is None:
        return []
    return [FieldError("attachment", error.message) for error in check_uploads([attachment])]


def _attach(policy: Policy, attachment: UploadedFile | None) -> None:
    """The policy's document as published (a PDF, an OFD, a scan), kept under a safe name."""
    if attachment is not None:
        policy.attachment.save(stored_name(attachment), attachment, save=False)


@transaction.atomic
def policy_create(
    *, actor: User, data: PolicyData, attachment: UploadedFile | None = None, source: str = ""
) -> Policy:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以登记惠企政策")
    try:
        values = clean_policy_data(actor, data)
    except ValidationFailed as failure:
        raise ValidationFailed(failure.errors + _checked_attachment(attachment)) from None
    if errors := _checked_attachment(attachment):
        raise ValidationFailed(errors)
    policy = Policy(**values, created_by=actor if actor.pk else None)
    _attach(policy, attachment)
    search.fill(policy)
    policy.save()
    audit.record(actor=actor, instance=policy, action=AuditEntry.Action.CREATE, source=source)
    _enqueue_rematch(policy.pk)
    return policy


@transaction.atomic
def policy_update(
    *,
    actor: User,
    policy_id: int,
    expected_version: int | None,
    data: PolicyData,
    attachment: UploadedFile | None = None,
    source: str = "",
) -> Policy:
    """Change a policy; `attachment`, when given, replaces its document (the old file is kept on
    disk: the audit trail names it)."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改惠企政策")
    policy = lock(selectors.policy_queryset(user=actor), policy_id)
    check_version(policy, expected_version)
    before = audit.snapshot(policy)
    try:
        values = clean_policy_data(actor, data)
    except ValidationFailed as failure:
        raise ValidationFailed(failure.errors + _checked_attachment(attachment)) from None
    if errors := _checked_attachment(attachment):
        raise ValidationFailed(errors)
    for name, value in values.items():
        setattr(policy, name, value)
    _attach(policy, attachment)
    changes = audit.diff(before, audit.snapshot(policy))
    if not changes:
        return policy
    policy.version += 1
    search.fill(policy)
    policy.save()
    audit.record(
        actor=actor, instance=policy, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    if {"rule", "region", "status"} & set(changes):
        _enqueue_rematch(policy.pk)
    return policy


@transaction.atomic
def policy_attach(
    *, actor: User, policy_id: int, expected_version: int | None, attachment: UploadedFile, source: str = ""
) -> Policy:
    """Attach (or replace) the policy's published document alone."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改惠企政策")
    policy = lock(selectors.policy_queryset(user=actor), policy_id)
    check_version(policy, expected_version)
    if errors := _checked_attachment(attachment):
        raise ValidationFailed(errors)
    before = audit.snapshot(policy)
    _attach(policy, attachment)
    policy.version += 1
    policy.save(update_fields=["attachment", "version", "updated_at"])
    audit.record(actor=actor, instance=policy, action=AuditEntry.Action.UPDATE, before=before, source=source)
    return policy


# ---------------------------------------------------------------------------------------------
# Deliveries


def _parse_date(
    value: datetime.date | None, field: str, errors: list[FieldError], *, after: Delivery | Policy
) -> datetime.date:
    """A step's date (today when not given): not in the future, nor before the step it follows."""
    day = value or timezone.localdate()
    earlier = _previous_step(after)
    if day > timezone.localdate():
        errors.append(FieldError(field, "不能晚于今天"))
    elif day < earlier[1]:
        errors.append(FieldError(field, f"不能早于{earlier[0]} {earlier[1]:%Y年%-m月%-d日}"))
    return day


def _previous_step(record: Delivery | Policy) -> tuple[str, datetime.date]:
    if isinstance(record, Policy):
        return "政策发布日期", record.published_on
    if record.applied_on:
        return "申报日期", record.applied_on
    if record.notified_on:
        return "告知日期", record.notified_on
    return "政策发布日期", record.policy.published_on


@transaction.atomic
def deliveries_notify(
    *,
    actor: User,
    policy_id: int,
    enterprise_ids: Sequence[int] | None = None,
    channel: str = Channel.PORTAL,
    notified_on: datetime.date | None = None,
    off_match_reason: str = "",
    source: str = "",
) -> list[Delivery]:
    """Tell enterprises of a published policy: the ones named, or (None) every eligible one not
    yet told. An enterprise the rule does not match is told only with a reason. Enterprises
    already told are left as they are. All or nothing: one bad enterprise refuses the request."""
    policy = lock(selectors.policy_queryset(user=actor), policy_id)
    require(may_deliver(actor, policy), "只有营商办（专班）、系统管理员和兑现部门可以推送政策")
    errors: list[FieldError] = []
    if policy.status != PolicyStatus.PUBLISHED:
        errors.append(FieldError("policy", "政策尚未发布或已废止，不能推送"))
    channel_value = collect(errors, parse_choice, channel, Channel, "channel", default=Channel.PORTAL)
    day = _parse_date(notified_on, "notified_on", errors, after=policy)
    reason = (off_match_reason or "").strip()
    errors += length_errors(Delivery, {"off_match_reason": reason})
    matched = dict(PolicyMatch.objects.filter(policy=policy).values_list("enterprise_id", "status"))
    if enterprise_ids is None:
        wanted = [eid for eid, status in matched.items() if status == MatchStatus.ELIGIBLE]
        visible = set(enterprise_queryset(user=actor).filter(pk__in=wanted).values_list("pk", flat=True))
        targets = [eid for eid in wanted if eid in visible]
    else:
        targets = list(dict.fromkeys(enterprise_ids))
        visible = set(enterprise_queryset(user=actor).filter(pk__in=targets).values_list("pk", flat=True))
        for index, eid in enumerate(targets):
            if eid not in visible:
                errors.append(FieldError(f"enterprises[{index}]", f"企业 {eid} 不存在或不在您的权限范围内"))
            elif matched.get(eid) != MatchStatus.ELIGIBLE and not reason:
                why = "可能符合（有数据缺失）" if eid in matched else "不符合本政策的适用条件"
                errors.append(
                    FieldError(f"enterprises[{index}]", f"企业 {eid} {why}：推送给名单外的企业请说明原因")
                )
    if errors:
        raise ValidationFailed(errors)
    told = set(
        Delivery.objects.filter(policy=policy, enterprise_id__in=targets).values_list(
            "enterprise_id", flat=True
        )
    )
    regions = dict(Enterprise.objects.filter(pk__in=targets).values_list("pk", "region_id"))
    created = [
        Delivery(
            policy=policy,
            enterprise_id=eid,
            region_id=regions[eid],
            status=DeliveryStatus.NOTIFIED,
            channel=channel_value,
            notified_on=day,
            off_match_reason=reason if matched.get(eid) != MatchStatus.ELIGIBLE else "",
            created_by=actor if actor.pk else None,
        )
        for eid in targets
        if eid not in told
    ]
    created = Delivery.objects.bulk_create(created, batch_size=500)
    if created and created[0].pk is None:
        # SQLite before 3.35 gives no keys back: read them, so the audit names each delivery.
        by_enterprise = dict(
            Delivery.objects.filter(
                policy=policy, enterprise_id__in=[d.enterprise_id for d in created]
            ).values_list("enterprise_id", "pk")
        )
        for delivery in created:
            delivery.pk = by_enterprise[delivery.enterprise_id]
    audit.record_each(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        changes=((delivery, audit.diff({}, audit.snapshot(delivery))) for delivery in created),
        source=source,
    )
    return created


def _delivery(actor: User, delivery_id: int, expected_version: int | None) -> Delivery:
    delivery = lock(selectors.delivery_queryset(user=actor), delivery_id)
    check_version(delivery, expected_version)
    if not may_deliver(actor, delivery.policy):
        raise PermissionDenied("只有营商办（专班）、系统管理员和兑现部门可以登记政策兑现")
    return delivery


def _save(
    actor: User, delivery: Delivery, before: dict[str, Any], fields: list[str], source: str
) -> Delivery:
    delivery.version += 1
    delivery.save(update_fields=[*fields, "version", "updated_at"])
    audit.record(
        actor=actor, instance=delivery, action=AuditEntry.Action.UPDATE, before=before, source=source
    )
    return delivery


@transaction.atomic
def delivery_apply(
    *,
    actor: User,
    delivery_id: int,
    expected_version: int | None,
    applied_on: datetime.date | None = None,
    source: str = "",
) -> Delivery:
    delivery = _delivery(actor, delivery_id, expected_version)
    errors: list[FieldError] = []
    if delivery.policy.grant_mode == GrantMode.AUTOMATIC:
        errors.append(FieldError("status", "免申即享政策无需申报，请直接登记兑现"))
    if delivery.status != DeliveryStatus.NOTIFIED:
        errors.append(FieldError("status", f"当前状态为“{delivery.get_status_display()}”，不能登记申报"))
    day = _parse_date(applied_on, "applied_on", errors, after=delivery)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(delivery)
    delivery.status, delivery.applied_on = DeliveryStatus.APPLIED, day
    return _save(actor, delivery, before, ["status", "applied_on"], source)


@transaction.atomic
def delivery_grant(
    *,
    actor: User,
    delivery_id: int,
    expected_version: int | None,
    amount: Any = None,
    granted_on: datetime.date | None = None,
    note: str = "",
    source: str = "",
) -> Delivery:
    """Granted: after an application, or straight from notice for a 免申即享 policy. The amount is
    refused above the policy's cap per enterprise."""
    delivery = _delivery(actor, delivery_id, expected_version)
    policy = delivery.policy
    errors: list[FieldError] = []
    allowed = {DeliveryStatus.APPLIED} | (
        {DeliveryStatus.NOTIFIED} if policy.grant_mode == GrantMode.AUTOMATIC else set()
    )
    if delivery.status not in allowed:
        hint = "请先登记企业申报" if delivery.status == DeliveryStatus.NOTIFIED else ""
        errors.append(
            FieldError(
                "status", f"当前状态为“{delivery.get_status_display()}”，不能登记兑现{hint and '：' + hint}"
            )
        )
    value = collect(errors, parse_amount, amount, "amount", required=False)
    if value is not None and policy.amount_cap is not None and value > policy.amount_cap:
        errors.append(FieldError("amount", f"{value:,} 万元超过本政策单户上限 {policy.amount_cap:,} 万元"))
    day = _parse_date(
        granted_on,
        "granted_on",
        errors,
        after=delivery,
    )
    note = (note or "").strip()
    errors += length_errors(Delivery, {"note": note})
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(delivery)
    delivery.status, delivery.granted_on, delivery.granted_amount = DeliveryStatus.GRANTED, day, value
    delivery.note = note or delivery.note
    return _save(actor, delivery, before, ["status", "granted_on", "granted_amount", "note"], source)


@transaction.atomic
def delivery_refuse(
    *,
    actor: User,
    delivery_id: int,
    expected_version: int | None,
    refusal_reason: str,
    refused_on: datetime.date | None = None,
    source: str = "",
) -> Delivery:
    delivery = _delivery(actor, delivery_id, expected_version)
    errors: list[FieldError] = []
    if delivery.status not in (DeliveryStatus.NOTIFIED, DeliveryStatus.APPLIED):
        errors.append(FieldError("status", f"当前状态为“{delivery.get_status_display()}”，不能登记未通过"))
    reason = (refusal_reason or "").strip()
    if not reason:
        errors.append(FieldError("refusal_reason", "请说明未通过的原因"))
    errors += length_errors(Delivery, {"refusal_reason": reason})
    day = _parse_date(refused_on, "refused_on", errors, after=delivery)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(delivery)
    delivery.status, delivery.refused_on, delivery.refusal_reason = DeliveryStatus.REFUSED, day, reason
    return _save(actor, delivery, before, ["status", "refused_on", "refusal_reason"], source)


# ---------------------------------------------------------------------------------------------
# The enterprise's word


@transaction.atomic
def policy_complain(
    *,
    actor: User,
    policy_id: int,
    complaint: str,
    description: str,
    enterprise_id: int | None = None,
    source: str = "",
) -> Case:
    """An enterprise (or its liaison officer for it) says it did not receive a policy or cannot
    get it: a demand case in 政策兑现, routed as every demand is."""
    policy = selectors.policy_get(user=actor, policy_id=policy_id)
    errors: list[FieldError] = []
    if complaint not in Complaint.values:
        errors.append(FieldError("complaint", "应为 not_received（未享受到）或 cannot_get（申请遇到困难）"))
    if not (description or "").strip():
        errors.append(FieldError("description", "请说明情况：什么时候、向谁申请、遇到什么问题"))
    category = CaseCategory.objects.filter(name=POLICY_CASE_CATEGORY, is_active=True).first()
    if category is None:
        errors.append(FieldError("complaint", f"未配置诉求类别“{POLICY_CASE_CATEGORY}”，请联系管理员"))
    if errors:
        raise ValidationFailed(errors)
    assert category is not None
    own = actor.enterprise_id if actor.role == Role.ENTERPRISE else enterprise_id
    title = f"{Complaint(complaint).label}：{policy.title}"[:200]
    details = f"政策：{policy.title}"
    if policy.document_number:
        details += f"（{policy.document_number}）"
    case = case_create(
        actor=actor,
        data=NewCase(
            kind=Kind.DEMAND,
            title=title,
            description=f"{description.strip()}\n\n{details}\n兑现部门：{policy.department.name}",
            enterprise_id=own,
            category_id=category.pk,
        ),
        source=source,
    )
    demand = PolicyDemand.objects.create(policy=policy, case=case, complaint=complaint)
    audit.record(actor=actor, instance=demand, action=AuditEntry.Action.CREATE, source=source)
    return case
