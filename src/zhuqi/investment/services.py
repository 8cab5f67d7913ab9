"""Every change to an agreement: the register entry, the projects it landed as, the funds in
place. Each runs in a transaction and writes the audit trail; a refusal names the field."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhuqi.chains.selectors import chain_queryset
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.values import parse_amount, parse_choice
from zhuqi.directory.models import Department, Official, User
from zhuqi.directory.selectors import region_in_reach
from zhuqi.enterprises.models import Enterprise
from zhuqi.investment import selectors
from zhuqi.investment.models import Agreement, AgreementKind, AmountNature, AmountUnit, FundsInPlace
from zhuqi.projects.selectors import project_queryset


def may_keep(actor: User) -> bool:
    """Who keeps the register: the business-environment office and admins."""
    return has_permission(actor, Permission.KEEP_AGREEMENTS)


def may_follow_up(actor: User, agreement: Agreement) -> bool:
    """Who records landing and funds: the keepers and the follow-up department."""
    if may_keep(actor):
        return True
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == agreement.follow_up_department_id
    )


@dataclass
class AgreementData:
    title: str
    kind: str
    counterparty_name: str
    our_party_name: str
    region_code: str
    signed_on: datetime.date | None
    amount: Any = None
    amount_unit: str = AmountUnit.YI
    amount_nature: str = AmountNature.NONE
    counterparty_id: int | None = None
    our_party_id: int | None = None
    place: str = ""
    period: str = ""
    fields: str = ""
    follow_up_department_id: int | None = None
    leader_ids: list[int] = field(default_factory=list)
    note: str = ""
    chain_id: int | None = None


# An agreement's text as typed (the party names as written, when not taken from the registry).
AGREEMENT_TEXT = ("title", "counterparty_name", "our_party_name", "place", "period", "fields", "note")


def clean_agreement_data(actor: User, data: AgreementData) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def collect(call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except ValidationFailed as failure:
            errors.extend(failure.errors)
            return None

    for name in ("title", "counterparty_name", "our_party_name"):
        values[name] = (getattr(data, name) or "").strip()
    values["kind"] = collect(parse_choice, data.kind, AgreementKind, "kind")
    values["amount_nature"] = collect(
        parse_choice, data.amount_nature or AmountNature.NONE, AmountNature, "amount_nature"
    )
    unit = collect(parse_choice, data.amount_unit or AmountUnit.YI, AmountUnit, "amount_unit")
    values["entered_unit"] = unit
    amount = (
        collect(parse_amount, data.amount, "amount", unit=unit or "万元", required=False) if unit else None
    )
    values["amount"] = amount if amount is not None else Decimal(0)
    if values["amount_nature"] == AmountNature.NONE and values["amount"]:
        errors.append(
            FieldError("amount_nature", "填写了金额，请说明金额性质（意向性融资、计划投资或合同金额）")
        )
    if values["amount_nature"] not in (None, AmountNature.NONE) and not values["amount"]:
        errors.append(
            FieldError("amount", f"金额性质为“{AmountNature(values['amount_nature']).label}”，请填写金额")
        )
    if data.signed_on is None:
        errors.append(FieldError("signed_on", "必填"))
    elif data.signed_on > timezone.localdate():
        errors.append(FieldError("signed_on", "不能晚于今天：登记的是已经签署的协议"))
    values["signed_on"] = data.signed_on
    region = region_in_reach(actor, data.region_code, errors)
    values["region"] = region
    for name in ("counterparty", "our_party"):
        pk = getattr(data, f"{name}_id")
        values[name] = None
        if pk:
            found = Enterprise.objects.filter(pk=pk).first()
            if found is None:
                errors.append(FieldError(name, "企业不存在"))
            else:
                values[name] = found
                values[f"{name}_name"] = values[f"{name}_name"] or found.name
    for name in ("title", "counterparty_name", "our_party_name"):
        if not values[name]:
            errors.append(FieldError(name, "必填"))
    values["follow_up_department"] = None
    if data.follow_up_department_id:
        department = Department.objects.filter(pk=data.follow_up_department_id).first()
        if department is None or not code_within(jurisdiction_code(actor), department.region_id):
            errors.append(FieldError("follow_up_department", "部门不存在或不在您的管辖范围内"))
        values["follow_up_department"] = department
    values["chain"] = None
    if data.chain_id:
        values["chain"] = chain_queryset(user=actor).filter(pk=data.chain_id).first()
        if values["chain"] is None:
            errors.append(FieldError("chain", "产业链不存在或不在您的范围内"))
    leaders = list(Official.objects.filter(pk__in=data.leader_ids))
    if len(leaders) != len(set(data.leader_ids)):
        errors.append(FieldError("leaders_present", "有出席领导不存在"))
    values["_leaders"] = leaders
    values["place"] = (data.place or "").strip()
    values["period"] = (data.period or "").strip()
    values["fields"] = (data.fields or "").strip()
    values["note"] = (data.note or "").strip()
    errors += length_errors(Agreement, {name: values[name] for name in AGREEMENT_TEXT})
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def agreement_create(*, actor: User, data: AgreementData, source: str = "") -> Agreement:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以登记合作协议")
    values = clean_agreement_data(actor, data)
    leaders = values.pop("_leaders")
    agreement = Agreement.objects.create(**values, created_by=actor if actor.pk else None)
    agreement.leaders_present.set(leaders)
    audit.record(actor=actor, instance=agreement, action=AuditEntry.Action.CREATE, source=source)
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement_id: int, expected_version: int | None, data: AgreementData, source: str = ""
) -> Agreement:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改合作协议")
    agreement = lock(selectors.agreement_queryset(user=actor), agreement_id)
    check_version(agreement, expected_version)
    before = audit.snapshot(agreement)
    leaders_before = sorted(agreement.leaders_present.values_list("pk", flat=True))
    values = clean_agreement_data(actor, data)
    leaders = values.pop("_leaders")
    new_chain = values["chain"]
    if (new_chain.pk if new_chain else None) != agreement.chain_id:
        signed_elsewhere = agreement.targets.exclude(chain=new_chain).select_related("chain").first()
        if signed_elsewhere is not None:
            raise ValidationFailed(
                [
                    FieldError(
                        "chain",
                        f"“{signed_elsewhere.chain.name}”的招商目标“{signed_elsewhere.name}”以此协议签约，"
                        "协议须归入该产业链",
                    )
                ]
            )
    for name, value in values.items():
        setattr(agreement, name, value)
    changes = audit.diff(before, audit.snapshot(agreement))
    leaders_after = sorted(leader.pk for leader in leaders)
    if leaders_after != leaders_before:
        changes["leaders_present"] = [leaders_before, leaders_after]
    if not changes:
        return agreement
    agreement.version += 1
    agreement.save()
    agreement.leaders_present.set(leaders)
    audit.record(
        actor=actor, instance=agreement, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return agreement


@transaction.atomic
def agreement_link_projects(
    *,
    actor: User,
    agreement_id: int,
    expected_version: int | None,
    project_ids: Sequence[int],
    source: str = "",
) -> Agreement:
    """The projects that came of the agreement (落地): the whole list, replacing the old one, so
    it is refused if the agreement changed since `expected_version` was read."""
    agreement = lock(selectors.agreement_queryset(user=actor), agreement_id)
    require(
        may_follow_up(actor, agreement), "只有营商办（专班）、系统管理员和跟踪落实部门可以登记协议落地项目"
    )
    check_version(agreement, expected_version)
    wanted = set(project_ids)
    found = list(project_queryset(user=actor).filter(pk__in=wanted))
    missing = wanted - {p.pk for p in found}
    if missing:
        raise ValidationFailed(
            [
                FieldError(
                    "projects",
                    f"项目 {', '.join(str(pk) for pk in sorted(missing))} 不存在或不在您的权限范围内",
                )
            ]
        )
    before = sorted(agreement.projects.values_list("pk", flat=True))
    # Linked projects the actor cannot see were not on their form: they stay, untouched.
    kept = set(before) - set(project_queryset(user=actor).filter(pk__in=before).values_list("pk", flat=True))
    after = sorted(wanted | kept)
    if before == after:
        return agreement
    agreement.projects.set([*found, *kept])
    agreement.version += 1
    agreement.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=agreement,
        action=AuditEntry.Action.UPDATE,
        changes={"projects": [before, after]},
        source=source,
    )
    return agreement


@transaction.atomic
def funds_record(
    *,
    actor: User,
    agreement_id: int,
    expected_version: int | None,
    on: datetime.date | None,
    amount: Any,
    unit: str = AmountUnit.WAN,
    note: str = "",
    source: str = "",
) -> FundsInPlace:
    """Funds in place as of a date. Refused above what the agreement says unless it has no
    amount (a framework agreement); the running total is kept on the agreement. The refusal above
    the agreed amount is judged on the agreement as the recorder read it: if it changed since
    `expected_version` (another sum recorded, the amount corrected), they are asked to look again."""
    agreement = lock(selectors.agreement_queryset(user=actor), agreement_id)
    require(may_follow_up(actor, agreement), "只有营商办（专班）、系统管理员和跟踪落实部门可以登记到位资金")
    check_version(agreement, expected_version)
    errors: list[FieldError] = []
    value: Decimal | None = None
    try:
        unit = parse_choice(unit or AmountUnit.WAN, AmountUnit, "unit")
        value = parse_amount(amount, "amount", unit=unit)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    if value is not None and value <= 0:
        errors.append(FieldError("amount", "应大于零"))
    note = (note or "").strip()
    errors += length_errors(FundsInPlace, {"note": note})
    if on is None:
        errors.append(FieldError("on", "必填"))
    elif on > timezone.localdate():
        errors.append(FieldError("on", "不能晚于今天"))
    elif on < agreement.signed_on:
        errors.append(FieldError("on", f"不能早于签约日期 {agreement.signed_on}"))
    if value is not None and agreement.amount and agreement.funds_in_place + value > agreement.amount:
        errors.append(
            FieldError(
                "amount",
                f"到位资金累计将达 {agreement.funds_in_place + value} 万元，"
                f"超过协议金额 {agreement.amount} 万元，请核对单位",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    assert value is not None and on is not None
    funds = FundsInPlace.objects.create(
        agreement=agreement,
        on=on,
        amount=value,
        note=note,
        recorded_by=actor if actor.pk else None,
        recorded_at=timezone.now(),
    )
    before = audit.snapshot(agreement)
    agreement.funds_in_place = FundsInPlace.objects.filter(agreement=agreement).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    agreement.version += 1
    agreement.save(update_fields=["funds_in_place", "version", "updated_at"])
    audit.record(actor=actor, instance=funds, action=AuditEntry.Action.CREATE, source=source)
    audit.record(
        actor=actor, instance=agreement, action=AuditEntry.Action.UPDATE, before=before, source=source
    )
    return funds
