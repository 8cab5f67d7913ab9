"""Every change to an investment target (招商目标): registering it, correcting it, and moving it
along its road 已识别 → 已接洽 → 洽谈中 → 已签约 (an agreement) → 已落地 (a project).

The road's rules, decided here once:
- forward, one step or several: a target may be signed without a negotiation on record (the
  talks happened, nobody wrote them down), or land straight from negotiation;
- never backward along the road: a step taken is a fact. A target that stalls is marked 已放弃
  (from any status but 已落地, with a reason) and may be taken up again (重新启用: from 已放弃 back
  to 已识别, 已接洽 or 洽谈中, with a reason);
- 已签约 needs an agreement the actor sees; an agreement not yet filed under a chain is filed
  under the target's, one filed under another chain is refused;
- 已落地 needs a project the actor sees; if the target has an agreement, the project is recorded
  as landed from it too (the agreement's 落地项目), so both registers say the same.

Who keeps targets: the business-environment office of the chain's region (Permission.
KEEP_AGREEMENTS), and whoever keeps the chain (chains.services.may_keep: the chains office, the
chief, the lead department); the target's own department updates and advances its targets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhuqi.chains import services as chain_services
from zhuqi.chains.models import Chain, Segment
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.validators import USCCError, validate_uscc
from zhuqi.core.values import collect, parse_amount, parse_choice
from zhuqi.directory.models import Department, Official, User
from zhuqi.investment import selectors as agreement_selectors
from zhuqi.investment import services as agreement_services
from zhuqi.investment import target_selectors
from zhuqi.investment.models import TARGET_ROAD, Agreement, Target, TargetStatus
from zhuqi.projects.selectors import project_queryset

KEEPERS = "只有本级营商办（专班）、链长和产业链牵头部门可以登记招商目标"
FOLLOWERS = "只有本级营商办（专班）、链长、产业链牵头部门和目标的责任部门可以维护招商目标"


def may_keep(actor: User, chain: Chain) -> bool:
    """Who registers targets in a chain."""
    if has_permission(actor, Permission.KEEP_AGREEMENTS) and code_within(
        jurisdiction_code(actor), chain.region_id
    ):
        return True
    return chain_services.may_keep(actor, chain)


def may_follow(actor: User, target: Target) -> bool:
    """Who corrects a target and moves it along: its keepers and its own department."""
    if may_keep(actor, target.chain):
        return True
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == target.department_id
    )


# The statuses a target may move to from each, and the words for a step refused.
REOPEN_TO = (TargetStatus.IDENTIFIED, TargetStatus.CONTACTED, TargetStatus.NEGOTIATING)


def allowed_steps(status: str) -> list[str]:
    """Where a target at `status` may go next, in the road's order (the advance form's choices)."""
    if status == TargetStatus.DROPPED:
        return list(REOPEN_TO)
    if status == TargetStatus.LANDED:
        return []
    index = TARGET_ROAD.index(TargetStatus(status))
    return [*TARGET_ROAD[index + 1 :], TargetStatus.DROPPED]


def why_not(current: str, wanted: str) -> str:
    """The reason a step from `current` to `wanted` is refused, or "" when it is allowed."""
    if wanted in allowed_steps(current):
        return ""
    here, there = TargetStatus(current).label, TargetStatus(wanted).label
    if current == wanted:
        return f"目标已是“{here}”"
    if current == TargetStatus.LANDED:
        return "目标已落地，状态不再变更"
    if current == TargetStatus.DROPPED:
        return f"已放弃的目标只能重新启用为“已识别”“已接洽”或“洽谈中”，不能直接改为“{there}”"
    return f"不能从“{here}”退回“{there}”：招商进程只能向前推进；如确需重来，请先标记为“已放弃”再重新启用"


# ---------------------------------------------------------------------------------------------
# The register entry


@dataclass
class TargetData:
    chain_id: int | None
    segment_id: int | None
    name: str
    department_id: int | None = None
    uscc: str = ""
    origin: str = ""
    expected_investment: Any = None
    official_id: int | None = None
    next_step: str = ""
    next_step_on: datetime.date | None = None
    note: str = ""


TEXT_FIELDS = ("name", "origin", "next_step", "note")


def _text(value: Any) -> str:
    return str(value or "").strip()


def _clean(actor: User, chain: Chain, data: TargetData) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {name: _text(getattr(data, name)) for name in TEXT_FIELDS}
    if not values["name"]:
        errors.append(FieldError("name", "必填"))
    segment = Segment.objects.filter(pk=data.segment_id).first() if data.segment_id else None
    if segment is None:
        errors.append(FieldError("segment", "必填" if not data.segment_id else "环节不存在"))
    elif segment.chain_id != chain.pk:
        errors.append(FieldError("segment", f"“{segment.name}”不是“{chain.name}”的环节"))
    values["segment"] = segment
    values["uscc"] = ""
    if _text(data.uscc):
        try:
            values["uscc"] = validate_uscc(_text(data.uscc))
        except USCCError as error:
            errors.append(FieldError("uscc", error.message))
    values["expected_investment"] = collect(
        errors, parse_amount, data.expected_investment, "expected_investment", required=False
    )
    department_id = data.department_id or chain.lead_department_id
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None:
        errors.append(FieldError("department", "必填" if not department_id else "部门不存在"))
    elif not (
        code_within(jurisdiction_code(actor), department.region_id)
        or code_within(chain.region_id, department.region_id)
    ):
        errors.append(FieldError("department", f"{department.name}不在您的管辖范围内"))
    values["department"] = department
    values["official"] = None
    if data.official_id:
        values["official"] = Official.objects.filter(pk=data.official_id).first()
        if values["official"] is None:
            errors.append(FieldError("official", "人员不存在"))
    values["next_step_on"] = data.next_step_on
    errors += length_errors(Target, {name: values[name] for name in TEXT_FIELDS})
    if errors:
        raise ValidationFailed(errors)
    return values


def _chain(actor: User, chain_id: int | None) -> Chain:
    if not chain_id:
        raise ValidationFailed([FieldError("chain", "必填")])
    chain = chain_queryset(user=actor).filter(pk=chain_id).first()
    if chain is None:
        raise ValidationFailed([FieldError("chain", "产业链不存在或不在您的范围内")])
    return chain


@transaction.atomic
def target_create(*, actor: User, data: TargetData, source: str = "") -> Target:
    chain = _chain(actor, data.chain_id)
    require(may_keep(actor, chain), KEEPERS)
    values = _clean(actor, chain, data)
    target = Target.objects.create(
        chain=chain,
        **values,
        status=TargetStatus.IDENTIFIED,
        status_changed_at=timezone.now(),
        created_by=actor if actor.pk else None,
    )
    audit.record(actor=actor, instance=target, action=AuditEntry.Action.CREATE, source=source)
    return target


@transaction.atomic
def target_update(
    *, actor: User, target_id: int, expected_version: int | None, data: TargetData, source: str = ""
) -> Target:
    """Correct what is known of the target and its next step. Its chain stays (a target of
    another chain is another target); its status moves only through target_advance."""
    target = lock(target_selectors.target_queryset(user=actor), target_id)
    require(may_follow(actor, target), FOLLOWERS)
    check_version(target, expected_version)
    values = _clean(actor, target.chain, data)
    before = audit.snapshot(target)
    for name, value in values.items():
        setattr(target, name, value)
    changes = audit.diff(before, audit.snapshot(target))
    if not changes:
        return target
    target.version += 1
    target.save()
    audit.record(
        actor=actor, instance=target, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return target


# ---------------------------------------------------------------------------------------------
# The road


def _agreement_for(actor: User, target: Target, agreement_id: int | None) -> Agreement:
    """The agreement the target is signed with, locked, filed under the target's chain."""
    if not agreement_id:
        raise ValidationFailed([FieldError("agreement", "签约须选择所签的合作协议")])
    try:
        agreement = lock(agreement_selectors.agreement_queryset(user=actor), agreement_id)
    except NotFound:  # out of scope reads as absent, named on the field
        raise ValidationFailed([FieldError("agreement", "协议不存在或不在您的权限范围内")]) from None
    if agreement.chain_id is not None and agreement.chain_id != target.chain_id:
        other = Chain.objects.filter(pk=agreement.chain_id).values_list("name", flat=True).first()
        raise ValidationFailed(
            [
                FieldError(
                    "agreement",
                    f"协议“{agreement.title}”已归入“{other}”，不能作为“{target.chain.name}”招商目标的签约协议",
                )
            ]
        )
    return agreement


def _file_under_chain(actor: User, agreement: Agreement, chain: Chain, source: str) -> None:
    """File the agreement under the target's chain: a change to the agreement register, so only
    for those who keep it (agreement_update's rule); others are told who can."""
    if agreement.chain_id == chain.pk:
        return
    if not agreement_services.may_keep(actor):
        raise ValidationFailed(
            [
                FieldError(
                    "agreement",
                    f"协议“{agreement.title}”尚未归入产业链；请营商办（专班）先将它归入“{chain.name}”，再登记签约",
                )
            ]
        )
    before = audit.snapshot(agreement)
    agreement.chain = chain
    agreement.version += 1
    agreement.save(update_fields=["chain", "version", "updated_at"])
    audit.record(
        actor=actor, instance=agreement, action=AuditEntry.Action.UPDATE, before=before, source=source
    )


def _record_landing(actor: User, agreement: Agreement, project: Any, source: str) -> None:
    """The project as one landed from the agreement (its 落地项目), if it is not already and the
    actor may record an agreement's landing (agreement_link_projects' rule); otherwise the target
    lands alone and the agreement's keepers record it on the agreement."""
    before = sorted(agreement.projects.values_list("pk", flat=True))
    if project.pk in before or not agreement_services.may_follow_up(actor, agreement):
        return
    agreement.projects.add(project)
    agreement.version += 1
    agreement.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=agreement,
        action=AuditEntry.Action.UPDATE,
        changes={"projects": [before, sorted([*before, project.pk])]},
        source=source,
    )


@transaction.atomic
def target_advance(
    *,
    actor: User,
    target_id: int,
    expected_version: int | None,
    status: str,
    agreement_id: int | None = None,
    project_id: int | None = None,
    note: str = "",
    source: str = "",
) -> Target:
    """Move the target to `status` (see the module's rules). `note` says what happened: required
    when dropping or taking up again."""
    target = lock(target_selectors.target_queryset(user=actor), target_id)
    require(may_follow(actor, target), FOLLOWERS)
    check_version(target, expected_version)
    wanted = parse_choice(status, TargetStatus, "status")
    refusal = why_not(target.status, wanted)
    if refusal:
        raise ValidationFailed([FieldError("status", refusal)])
    note = _text(note)
    errors = length_errors(Target, {"status_note": note})
    if not note and (wanted == TargetStatus.DROPPED or target.status == TargetStatus.DROPPED):
        label = "放弃" if wanted == TargetStatus.DROPPED else "重新启用"
        errors.append(FieldError("note", f"{label}须说明原因"))
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(target)
    if wanted == TargetStatus.SIGNED:
        agreement = _agreement_for(actor, target, agreement_id)
        _file_under_chain(actor, agreement, target.chain, source)
        target.agreement = agreement
    elif wanted == TargetStatus.LANDED:
        if agreement_id and agreement_id != target.agreement_id:
            target.agreement = _agreement_for(actor, target, agreement_id)
            _file_under_chain(actor, target.agreement, target.chain, source)
        if not project_id:
            raise ValidationFailed([FieldError("project", "落地须选择落地的项目")])
        project = project_queryset(user=actor).filter(pk=project_id).first()
        if project is None:
            raise ValidationFailed([FieldError("project", "项目不存在或不在您的权限范围内")])
        if target.agreement_id:
            agreement = lock(Agreement, target.agreement_id)
            _record_landing(actor, agreement, project, source)
        target.project = project
    elif wanted in REOPEN_TO and target.status == TargetStatus.DROPPED:
        # Taken up again: the agreement and project of an earlier round stay on the record of the
        # timeline, not on the target (a signed status would need them again).
        target.agreement = None
        target.project = None
    target.status = wanted
    target.status_note = note
    target.status_changed_at = timezone.now()
    target.version += 1
    target.save()
    audit.record(actor=actor, instance=target, action=AuditEntry.Action.UPDATE, before=before, source=source)
    return target
