"""Filing a case and correcting what was filed. Where a case is filed from (the filer's own
authority, a visit's, a project report's) is an origin: the direct one is here, the others are
registered by the apps whose records they are (cases/origins.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhuqi.cases import deadlines, origins, steps
from zhuqi.cases.models import Case, CaseCategory, Complexity, Kind, Source, Status, Step, Urgency
from zhuqi.cases.origins import Filing, NewCase, Origin
from zhuqi.cases.taking import (
    Taken,
    check_case_version,
    columns,
    lock,
    notify_coordinators,
    now,
    parse_choice,
    record_step,
    save,
    set_clock,
    snapshot,
)
from zhuqi.cases.workflow import answers_for, is_coordinator, may_take
from zhuqi.core import audit, search
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import REASON_LENGTH, length_error, length_errors, limit
from zhuqi.core.uploads import check_uploads
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import Official, Region, User
from zhuqi.directory.selectors import assignable_officials
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset

DEFAULT_SOURCE = {
    Role.ENTERPRISE: Source.PORTAL,
    Role.LIAISON: Source.LIAISON,
    Role.HANDLER: Source.INSPECTION,
}


def default_source(actor: User) -> str:
    """The source a case filed by `actor` gets when none is given; "" when the role must give one."""
    return DEFAULT_SOURCE.get(Role(actor.role), "")


def creatable_kinds(actor: User) -> frozenset[str]:
    if is_coordinator(actor):
        return frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD})
    return {
        Role.LEADER: frozenset({Kind.INSTRUCTION}),
        Role.HANDLER: frozenset({Kind.HAZARD}),
        Role.LIAISON: frozenset({Kind.DEMAND}),
        Role.ENTERPRISE: frozenset({Kind.DEMAND}),
    }.get(Role(actor.role), frozenset())


# ---------------------------------------------------------------------------------------------
# The direct origin, and what every origin reads through the filer's scope


def scoped_enterprise(actor: User, enterprise_id: int | None, errors: list[FieldError]) -> Enterprise | None:
    if actor.role == Role.ENTERPRISE:
        return (
            Enterprise.objects.filter(pk=actor.enterprise_id).select_related("region").first()
            if actor.enterprise_id
            else None
        )
    if enterprise_id is None:
        return None
    enterprise = enterprise_queryset(user=actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        errors.append(FieldError("enterprise", "企业不存在或不在您的权限范围内"))
    return enterprise


def _issuer(actor: User, data: NewCase, errors: list[FieldError]) -> Official | None:
    if data.issued_by_id is None:
        return None
    # The leader is picked by id (the shared picker): one the filer could not pick is refused.
    issued_by = assignable_officials(user=actor).filter(pk=data.issued_by_id).first()
    if issued_by is None:
        errors.append(FieldError("issued_by", "干部不存在或不在您的管辖范围内"))
    return issued_by


def _filer_region(actor: User, code: str, errors: list[FieldError]) -> Region | None:
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        errors.append(FieldError("region", "请指明事项所属地区"))
    elif not code_within(jurisdiction_code(actor), region.code):
        errors.append(FieldError("region", f"{region.name}不在您的管辖范围内"))
    else:
        return region
    return None


def file_directly(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> Filing:
    require(kind in creatable_kinds(actor), f"您的角色不能提交{Kind(kind).label}事项")
    filing = Filing(enterprise=scoped_enterprise(actor, data.enterprise_id, errors))
    filing.issued_by = _issuer(actor, data, errors)
    if (
        filing.issued_by is None
        and kind == Kind.INSTRUCTION
        and actor.official_id
        and data.issued_by_id is None
    ):
        filing.issued_by = actor.official
    if data.visit_id is not None:
        errors.append(FieldError("visit", "调研走访中的事项请在登记或修改该调研走访记录时填写"))
    if data.project_id is not None:
        filing.project = origins.scoped_record("project", actor, data.project_id)
        if filing.project is None:
            errors.append(FieldError("project", "项目不存在或不在您的权限范围内"))
    filing.region = filing.enterprise.region if filing.enterprise else None
    if filing.region is None:
        filing.region = _filer_region(actor, data.region_code or (jurisdiction_code(actor) or ""), errors)
    return filing


origins.register_filer(Origin.DIRECT, file_directly)


# ---------------------------------------------------------------------------------------------
# Filing


def _text(value: str) -> str:
    return (value or "").strip()


def _checked_text(kind: str, data: NewCase) -> list[FieldError]:
    """What the filer wrote: a title, and what each kind must say."""
    errors = [] if _text(data.title) else [FieldError("title", "必填")]
    errors += length_errors(
        Case,
        {
            name: _text(getattr(data, name))
            for name in ("title", "description", "source_note", "rule_breached", "evidence")
        },
    )
    if kind == Kind.DEMAND and not _text(data.description):
        errors.append(FieldError("description", "请写明企业遇到的困难或诉求"))
    if kind == Kind.HAZARD:
        if not _text(data.rule_breached):
            errors.append(FieldError("rule_breached", "请写明违反的规定"))
        if not _text(data.evidence):
            errors.append(FieldError("evidence", "请写明隐患情况"))
    return errors


def _active_category(category_id: int | None, errors: list[FieldError]) -> CaseCategory | None:
    category = CaseCategory.objects.filter(pk=category_id, is_active=True).first() if category_id else None
    if category is None:
        errors.append(FieldError("category", "必填" if not category_id else "类别不存在"))
    return category


def _choices(actor: User, data: NewCase, errors: list[FieldError]) -> tuple[str, str, str]:
    """The urgency, complexity and source (by default, the filer's role's)."""
    try:
        return (
            parse_choice(data.urgency or Urgency.NORMAL, Urgency, "urgency"),
            parse_choice(data.complexity or Complexity.SIMPLE, Complexity, "complexity"),
            parse_choice(data.source or default_source(actor), Source, "source"),
        )
    except ValidationFailed as failure:
        errors += failure.errors
        return "", "", ""


def _new_case(
    actor: User,
    kind: str,
    data: NewCase,
    filing: Filing,
    errors: list[FieldError],
    attachments: Sequence[UploadedFile],
) -> Case:
    """The case as filed, not yet saved; every problem with it refused at once."""
    errors += _checked_text(kind, data)
    category = _active_category(data.category_id, errors)
    errors += check_uploads(attachments)
    if (
        kind in (Kind.DEMAND, Kind.HAZARD)
        and filing.enterprise is None
        and not any(e.field == "enterprise" for e in errors)
    ):
        errors.append(FieldError("enterprise", "诉求和隐患必须指明企业"))
    urgency, complexity, source = _choices(actor, data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert category is not None and filing.region is not None
    return Case(
        kind=kind,
        title=_text(data.title),
        description=_text(data.description),
        enterprise=filing.enterprise,
        project=filing.project,
        visit=filing.visit,
        region=filing.region,
        category=category,
        urgency=urgency,
        complexity=complexity,
        source=source,
        source_note=_text(data.source_note),
        issued_by=filing.issued_by,
        rule_breached=_text(data.rule_breached),
        evidence=_text(data.evidence),
        filed_by=actor if actor.pk else None,
        filed_on_behalf=actor.role == Role.LIAISON,
        submitted_at=now(),
        status=Status.SUBMITTED,
    )


def file_case(
    case: Case,
    *,
    actor: User,
    calendar: WorkingCalendar,
    attachments: Sequence[UploadedFile] = (),
    source: str = "",
) -> Case:
    """Save a new case, submitted: the coordinator on the clock to accept and route it."""
    submitted = case.submitted_at or now()
    accept = deadlines.response_deadline(calendar, case, submitted)
    case.accept_due = accept.at
    set_clock(case, start=submitted, due=accept.at)
    search.fill(case)
    case.save()
    audit.record(actor=actor, instance=case, action=AuditEntry.Action.CREATE, source=source)
    record_step(
        case,
        actor=actor,
        step=Step.SUBMIT,
        from_status="",
        comment=case.description if case.kind != Kind.HAZARD else case.evidence,
        data={"on_behalf": True} if case.filed_on_behalf else {},
        attachments=attachments,
        at=submitted,
    )
    return case


def _assign_at_filing(
    case: Case, *, actor: User, data: NewCase, calendar: WorkingCalendar, source: str
) -> None:
    """A case filed with its departments named (a leader's instruction, a rectification order)
    is assigned in the same transaction."""
    routing = steps.resolve_routing(
        case,
        actor=actor,
        lead_department_id=data.lead_department_id,
        co_department_ids=data.co_department_ids,
        deadline=data.deadline,
    )
    taken = Taken.open(case, actor=actor, step=Step.ASSIGN, source=source)
    steps.assign(taken, routing, calendar=calendar)
    taken.finish()


@transaction.atomic
def case_create(
    *,
    actor: User,
    data: NewCase,
    attachments: Sequence[UploadedFile] = (),
    source: str = "",
    origin: Origin = Origin.DIRECT,
) -> Case:
    """File a case. `origin` says by whose authority (see Origin): the filer's own, a visit's or a
    project report's; each reads the enterprise, visit and project through the filer's scope."""
    kind = parse_choice(data.kind, Kind, "kind")
    errors: list[FieldError] = []
    filing = origins.filer(origin)(actor, kind, data, errors)
    case = _new_case(actor, kind, data, filing, errors, attachments)
    if data.lead_department_id is not None and not may_take(actor, case, Step.ASSIGN):
        # Naming a lead department is routing the case, which skips the coordinator's
        # acceptance: only who may assign it may (a visit's handler or leader files a demand
        # for the coordinator to accept). Refused before anything is written.
        raise ValidationFailed(
            [FieldError("lead_department", "只有营商办（专班）可以交办，请留空牵头部门，由营商办受理后派单")]
        )
    calendar = WorkingCalendar()
    file_case(case, actor=actor, calendar=calendar, attachments=attachments, source=source)
    if data.lead_department_id is not None:
        _assign_at_filing(case, actor=actor, data=data, calendar=calendar, source=source)
    else:
        notify_coordinators(case, f"新{case.get_kind_display()}待受理：{case.title}")
    return case


# ---------------------------------------------------------------------------------------------
# Correcting what was filed


@dataclass
class CaseCorrection:
    """The facts of a filed case that may be corrected while it is open. A field left None
    keeps its value."""

    title: str | None = None
    description: str | None = None
    category_id: int | None = None
    enterprise_id: int | None = None
    reason: str = ""


# Statuses in which the filer (not only the coordinator) may still correct their own case:
# nobody has taken it up yet.
_FILER_MAY_EDIT = frozenset({Status.SUBMITTED})


def may_edit(actor: User, case: Case) -> bool:
    """Coordinators correct any open case their jurisdiction answers for (not one they only
    follow, docs/visibility.md); whoever filed it, until it is accepted or assigned. A closed or
    rejected case is history: reopen it first."""
    if not case.is_open or actor.role == Role.AUDITOR:
        return False
    if is_coordinator(actor) and answers_for(actor, case):
        return True
    return bool(actor.pk) and case.filed_by_id == actor.pk and case.status in _FILER_MAY_EDIT


@transaction.atomic
def case_edit(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    correction: CaseCorrection,
    source: str = "",
) -> Case:
    """Correct a case's title, description, category or enterprise. The deadline already running
    stays as given (the department was told it); the timeline and the audit trail say what
    changed, from what, and why."""
    case = lock(actor, case_id)
    check_case_version(case, expected_version)
    require(
        may_edit(actor, case),
        "事项已办结或不予受理，不能修改；如需更正请先重新办理"
        if not case.is_open
        else "只有营商办（专班），或提交人在受理前，可以修改事项信息",
    )
    errors: list[FieldError] = []
    changes: dict[str, list[Any]] = {}
    before, loaded = snapshot(case), columns(case)

    if correction.title is not None:
        title = correction.title.strip()
        too_long = length_error("title", title, limit(Case, "title"))
        if not title:
            errors.append(FieldError("title", "必填"))
        elif too_long:
            errors.append(too_long)
        elif title != case.title:
            changes["title"] = [case.title, title]
            case.title = title
    if correction.description is not None:
        description = correction.description.strip()
        too_long = length_error("description", description, limit(Case, "description"))
        if case.kind == Kind.DEMAND and not description:
            errors.append(FieldError("description", "请写明企业遇到的困难或诉求"))
        elif too_long:
            errors.append(too_long)
        elif description != case.description:
            changes["description"] = [case.description, description]
            case.description = description
    if correction.category_id is not None and correction.category_id != case.category_id:
        category = CaseCategory.objects.filter(pk=correction.category_id, is_active=True).first()
        if category is None:
            errors.append(FieldError("category", "类别不存在"))
        else:
            changes["category"] = [case.category.name, category.name]
            case.category = category
    if correction.enterprise_id is not None and correction.enterprise_id != case.enterprise_id:
        if actor.role == Role.ENTERPRISE:
            errors.append(FieldError("enterprise", "企业不能把诉求改到其他企业名下"))
        else:
            enterprise = (
                enterprise_queryset(user=actor)
                .select_related("region")
                .filter(pk=correction.enterprise_id)
                .first()
            )
            if enterprise is None:
                errors.append(FieldError("enterprise", "企业不存在或不在您的权限范围内"))
            else:
                changes["enterprise"] = [case.enterprise.name if case.enterprise else "", enterprise.name]
                case.enterprise = enterprise
                # The case belongs where its enterprise is: the region decides who sees it.
                case.region = enterprise.region
    reason = (correction.reason or "").strip()
    too_long = length_error("reason", reason, REASON_LENGTH)
    if too_long:
        errors.append(too_long)
    if errors:
        raise ValidationFailed(errors)
    if not changes:
        raise ValidationFailed([FieldError("title", "没有需要修改的内容")])
    labels = {"title": "标题", "description": "具体情况", "category": "类别", "enterprise": "企业"}
    record_step(
        case,
        actor=actor,
        step=Step.EDIT,
        from_status=case.status,
        comment=reason,
        data={
            "changes": [
                {"field": name, "label": labels[name], "from": old, "to": new}
                for name, (old, new) in changes.items()
            ]
        },
    )
    save(case, actor=actor, before=before, loaded=loaded, source=source)
    return case
