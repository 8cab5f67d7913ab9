"""The case workflow: every step a case can take, as a state machine.

Each step function locks the case (scoped to the actor), checks the version the actor read,
checks the step is allowed from the current state and by this actor, changes the case, records
a timeline step and an audit entry, and queues notices, all in one transaction. A refused step
says which steps are allowed from here.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuqi.cases import deadlines, selectors
from zhuqi.cases.models import (
    STEP_LABELS,
    Attachment,
    Case,
    CaseCategory,
    CaseReach,
    CaseStep,
    Closure,
    Complexity,
    DeadlinePolicy,
    Escalation,
    Extension,
    Kind,
    Outcome,
    RejectionReason,
    ReplyTemplate,
    RoutingRule,
    Source,
    Status,
    Timeliness,
    UnresolvableReason,
    Urgency,
)
from zhuqi.core import audit
from zhuqi.core.errors import (
    ErrorCode,
    FieldError,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleWrite,
    ValidationFailed,
)
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_and_ancestor_codes
from zhuqi.core.textlimits import REASON_LENGTH, length_error, length_errors, limit
from zhuqi.core.uploads import check_uploads, stored_name
from zhuqi.core.versioning import check_version
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.directory.selectors import assignable_officials
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.notifications.models import Notice
from zhuqi.notifications.services import notify

COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})

# Step name → the kinds it applies to and the states it may be taken from. The one table the
# refusal messages, the API and the case page's buttons are all read from.
STEPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accept": (frozenset({Kind.DEMAND}), frozenset({Status.SUBMITTED})),
    "reject": (frozenset({Kind.DEMAND}), frozenset({Status.SUBMITTED, Status.ACCEPTED})),
    "assign": (
        frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}),
        frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED}),
    ),
    "start": (frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}), frozenset({Status.ASSIGNED})),
    "return": (
        frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}),
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    ),
    "request-extension": (
        frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}),
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    ),
    "decide-extension": (
        frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}),
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    ),
    "answer": (frozenset({Kind.DEMAND}), frozenset({Status.ASSIGNED, Status.IN_PROGRESS})),
    "confirm": (frozenset({Kind.DEMAND}), frozenset({Status.ANSWERED})),
    "report-completion": (
        frozenset({Kind.INSTRUCTION, Kind.HAZARD}),
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    ),
    "verify": (frozenset({Kind.INSTRUCTION, Kind.HAZARD}), frozenset({Status.COMPLETION_REPORTED})),
    "reopen": (frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD}), frozenset({Status.CLOSED})),
}


RATING_SATISFIED = 4  # 4–5 count as satisfied
RATING_UNSATISFIED = 2  # 1–2 reopen the case


class StepRefused(ServiceError):
    """The step is not allowed from the case's state; the message lists the steps that are."""

    code = ErrorCode.STEP_NOT_ALLOWED


def allowed_steps(case: Case) -> list[str]:
    steps = [step for step, (kinds, states) in STEPS.items() if case.kind in kinds and case.status in states]
    if case.extension != Extension.REQUESTED:
        steps = [s for s in steps if s != "decide-extension"]
    if case.extension or case.urgency == Urgency.SAME_DAY:
        steps = [s for s in steps if s != "request-extension"]
    return steps


def _label_list(steps: Sequence[str]) -> str:
    return "、".join(f"{STEP_LABELS[s]}（{s}）" for s in steps) or "无（事项已结束）"


def _check_step(case: Case, step: str) -> None:
    kinds, states = STEPS[step]
    if case.kind not in kinds or case.status not in states:
        raise StepRefused(
            f"{case.get_kind_display()}事项当前状态为“{case.status_label}”，不能{STEP_LABELS[step]}；"
            f"当前可进行的操作：{_label_list(allowed_steps(case))}"
        )


# ---------------------------------------------------------------------------------------------
# Who may act


def _is_coordinator(actor: User) -> bool:
    return actor.role in COORDINATING_ROLES or actor.is_superuser


def _is_lead_handler(actor: User, case: Case) -> bool:
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == case.lead_department_id
    )


def _is_own_enterprise(actor: User, case: Case) -> bool:
    return (
        actor.role == Role.ENTERPRISE
        and bool(actor.enterprise_id)
        and actor.enterprise_id == case.enterprise_id
    )


def _is_assigned_liaison(actor: User, enterprise_id: int | None) -> bool:
    if actor.role != Role.LIAISON or not actor.official_id or enterprise_id is None:
        return False
    return Assignment.objects.filter(
        Assignment.current_q(), official_id=actor.official_id, enterprise_id=enterprise_id
    ).exists()


# Kept with its query form in the selectors, so who may act and whose 待办 it is cannot disagree.
_answers_for = selectors.answers_for


def may_take(actor: User, case: Case, step: str) -> bool:
    """Who may take a step on a case. The services refuse by it and the case page offers the
    steps it allows, so a button is never shown that would then be refused."""
    if step in ("accept", "reject", "decide-extension", "reopen"):
        return _is_coordinator(actor) and _answers_for(actor, case)
    if step == "assign":
        return (
            (_is_coordinator(actor) and _answers_for(actor, case))
            or (actor.role == Role.LEADER and case.kind == Kind.INSTRUCTION and _answers_for(actor, case))
            or (actor.role == Role.HANDLER and case.kind == Kind.HAZARD and case.filed_by_id == actor.pk)
        )
    if step in ("start", "return", "request-extension", "answer"):
        return _is_lead_handler(actor, case)
    if step == "report-completion":
        if case.kind == Kind.INSTRUCTION:
            return _is_lead_handler(actor, case)
        return (
            _is_lead_handler(actor, case)
            or _is_own_enterprise(actor, case)
            or _is_assigned_liaison(actor, case.enterprise_id)
        )
    if step == "verify":
        coordinating = _is_coordinator(actor) and _answers_for(actor, case)
        if case.kind == Kind.INSTRUCTION:
            return coordinating
        return coordinating or _is_lead_handler(actor, case)
    if step == "confirm":
        return _is_own_enterprise(actor, case) or _is_assigned_liaison(actor, case.enterprise_id)
    return False


def steps_for(actor: User, case: Case) -> list[str]:
    """The steps this user may take on this case now (time windows included, so the page never
    offers a return or an extension request that would be refused as too late)."""
    steps = [step for step in allowed_steps(case) if may_take(actor, case, step)]
    if "return" in steps and _return_window_closed(case) is not None:
        steps.remove("return")
    if "request-extension" in steps and _extension_too_late(case) is not None:
        steps.remove("request-extension")
    return steps


def _return_window_closed(case: Case) -> str | None:
    """Why the case can no longer be returned, or None while it can."""
    assigned_on = timezone.localtime(case.assigned_at).date() if case.assigned_at else timezone.localdate()
    if (
        WorkingCalendar().working_days_between(assigned_on, timezone.localdate())
        > deadlines.RETURN_WINDOW_DAYS
    ):
        return (
            f"交办已超过 {deadlines.RETURN_WINDOW_DAYS} 个工作日（{assigned_on} 交办），不能再退回；"
            "如确需调整，请联系营商办（专班）"
        )
    return None


def _extension_too_late(case: Case) -> str | None:
    current = timezone.localtime(case.deadline).date() if case.deadline else timezone.localdate()
    if (
        WorkingCalendar().working_days_between(timezone.localdate(), current)
        < deadlines.EXTENSION_NOTICE_DAYS
    ):
        return (
            f"延期须在办理时限（{current}）前至少 {deadlines.EXTENSION_NOTICE_DAYS} 个工作日申请，现已来不及"
        )
    return None


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------
# Shared mechanics


@dataclass
class StepInput:
    comment: str = ""
    attachments: Sequence[UploadedFile] = field(default_factory=tuple)


def _now() -> datetime.datetime:
    return timezone.now()


def _lock(actor: User, case_id: int) -> Case:
    try:
        return (
            selectors.case_queryset(user=actor)
            .select_for_update(of=("self",))
            .select_related("region", "enterprise", "category", "lead_department")
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _begin(actor: User, case_id: int, expected_version: int | None, step: str) -> Case:
    """The start of every step: the case locked if the actor can see it, at the version the
    actor read, in a state the step may be taken from."""
    case = _lock(actor, case_id)
    _check_version(case, expected_version)
    _check_step(case, step)
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    # A stale step is refused with the case's state as well, so the caller sees what happened.
    check_version(case, expected_version, current={"status": case.status, "status_label": case.status_label})


def _snapshot(case: Case) -> dict[str, Any]:
    values = audit.snapshot(case)
    values["co_departments"] = sorted(case.co_departments.values_list("pk", flat=True)) if case.pk else []
    return values


def _clean_comment(
    text: str, *, required: str = "", field_name: str = "comment", maximum: int | None = None
) -> str:
    """A step's comment, stripped; refused when required and empty, or longer than `maximum`
    (by default what a step's comment holds; less where it is also kept on the case)."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed([FieldError(field_name, required)])
    error = length_error(field_name, text, maximum or limit(CaseStep, "comment"))
    if error is not None:
        raise ValidationFailed([error])
    return text


def _record_step(
    case: Case,
    *,
    actor: User,
    step: str,
    from_status: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
    at: datetime.datetime | None = None,
) -> CaseStep:
    record = CaseStep.objects.create(
        case=case,
        step=step,
        from_status=from_status,
        to_status=case.status,
        actor=actor if actor.pk else None,
        actor_name=str(actor),
        at=at or _now(),
        comment=comment,
        data=data or {},
        internal=internal,
    )
    for upload in attachments:
        Attachment.objects.create(
            case=case,
            step=record,
            file=upload,
            name=stored_name(upload),
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
            uploaded_by=actor if actor.pk else None,
        )
    return record


def sync_reach(case: Case) -> None:
    """Keep CaseReach: the regions, outside the case's own and those above it, of the departments
    that lead or support it, so their leaders and coordinators find it (docs/visibility.md)."""
    department_ids = [*case.co_departments.values_list("pk", flat=True)]
    if case.lead_department_id:
        department_ids.append(case.lead_department_id)
    own = region_and_ancestor_codes(case.region_id)
    wanted = set(Department.objects.filter(pk__in=department_ids).values_list("region_id", flat=True)) - own
    kept = set(CaseReach.objects.filter(case=case).values_list("region_id", flat=True))
    if kept - wanted:
        CaseReach.objects.filter(case=case, region_id__in=kept - wanted).delete()
    CaseReach.objects.bulk_create([CaseReach(case=case, region_id=code) for code in sorted(wanted - kept)])


# What a case's reach depends on; a change to any of them keeps CaseReach in step.
_REACH_FIELDS = ("region", "lead_department", "co_departments")


def _save(case: Case, *, actor: User, before: dict[str, Any], source: str) -> None:
    case.version += 1
    case.save()
    after = _snapshot(case)
    if any(before.get(name) != after.get(name) for name in _REACH_FIELDS):
        sync_reach(case)
    audit.record(
        actor=actor,
        instance=case,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, after),
        source=source,
    )


def _set_clock(case: Case, *, start: datetime.datetime | None, due: datetime.datetime | None) -> None:
    """Start the clock of whoever must act next (None: nobody is on the clock)."""
    case.clock_started_at = start if due else None
    case.due_at = due
    case.amber_at = deadlines.amber_time(start, due) if (start and due) else None
    now = _now()
    if due is None:
        case.timeliness = Timeliness.NORMAL
    elif now > due:
        case.timeliness = Timeliness.RED
    elif case.amber_at and now >= case.amber_at:
        case.timeliness = Timeliness.AMBER
    else:
        case.timeliness = Timeliness.NORMAL
    if due is None or now <= due:
        # A new clock: whatever was late about the old one is settled (the timeline keeps it).
        case.escalation_level = Escalation.NONE
        case.working_days_late = 0


def _set_deadline(case: Case, due: deadlines.Due, *, start: datetime.datetime, explicit: bool) -> None:
    case.deadline = due.at
    case.deadline_explicit = explicit
    case.deadline_provisional = due.provisional
    _set_clock(case, start=start, due=due.at)


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _notify_departments(case: Case, title: str, *, kind: str = Notice.Kind.TASK, co: bool = True) -> None:
    departments = [case.lead_department] if case.lead_department else []
    if co:
        departments += list(case.co_departments.all())
    notify(
        recipients=selectors.department_handlers([d.pk for d in departments]),
        title=title,
        body=case.title,
        link=_link(case),
        kind=kind,
        departments=departments,
    )


def _notify_coordinators(case: Case, title: str, *, kind: str = Notice.Kind.TASK) -> None:
    notify(
        recipients=selectors.region_coordinators(case.region),
        title=title,
        body=case.title,
        link=_link(case),
        kind=kind,
        regions=[case.region],
    )


def _notify_enterprise(case: Case, title: str) -> None:
    notify(
        recipients=selectors.enterprise_users(case.enterprise_id),
        title=title,
        body=case.title,
        link=_link(case),
    )


def _parse_choice(value: str, choices: Any, field_name: str, *, required: bool = True) -> str:
    if not value:
        if required:
            raise ValidationFailed([FieldError(field_name, "必填")])
        return ""
    if value not in choices.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        raise ValidationFailed([FieldError(field_name, f"“{value}”不是可选的值，可选：{allowed}")])
    return value


def _future_date(
    value: datetime.date | None, field_name: str, *, after: datetime.date | None = None
) -> datetime.date:
    if value is None:
        raise ValidationFailed([FieldError(field_name, "必填")])
    today = timezone.localdate()
    floor = max(today, after) if after else today
    if value < floor or (after and value == after):
        raise ValidationFailed(
            [FieldError(field_name, f"应晚于{'原办理时限 ' + str(after) if after else '今天'}")]
        )
    return value


# ---------------------------------------------------------------------------------------------
# Creating a case


@dataclass
class NewCase:
    kind: str
    title: str
    description: str = ""
    enterprise_id: int | None = None
    category_id: int | None = None
    urgency: str = Urgency.NORMAL
    complexity: str = Complexity.SIMPLE
    source: str = ""
    source_note: str = ""
    issued_by_id: int | None = None
    region_code: str = ""
    rule_breached: str = ""
    evidence: str = ""
    # Given at creation (a leader's instruction to named departments, a rectification order):
    # the case is assigned in the same transaction.
    lead_department_id: int | None = None
    co_department_ids: list[int] = field(default_factory=list)
    deadline: datetime.date | None = None
    project_id: int | None = None
    visit_id: int | None = None


DEFAULT_SOURCE = {
    Role.ENTERPRISE: Source.PORTAL,
    Role.LIAISON: Source.LIAISON,
    Role.HANDLER: Source.INSPECTION,
}


def default_source(actor: User) -> str:
    """The source a case filed by `actor` gets when none is given; "" when the role must give one."""
    return DEFAULT_SOURCE.get(Role(actor.role), "")


def creatable_kinds(actor: User) -> frozenset[str]:
    if _is_coordinator(actor):
        return frozenset({Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD})
    return {
        Role.LEADER: frozenset({Kind.INSTRUCTION}),
        Role.HANDLER: frozenset({Kind.HAZARD}),
        Role.LIAISON: frozenset({Kind.DEMAND}),
        Role.ENTERPRISE: frozenset({Kind.DEMAND}),
    }.get(Role(actor.role), frozenset())


class Origin(enum.Enum):
    """Where a case is filed from, which decides by whose authority (docs/visibility.md, "Filing
    from a record"). There is no origin that skips the checks: each states its own.

    DIRECT: the filer's own role and scope (creatable_kinds; the enterprise and the region in
    the filer's scope).
    VISIT: what was said at a visit, filed by someone who may record that visit (NewCase.visit_id,
    read through the filer's scope). Instructions only at an inspection or a symposium, by the
    authority of one of its lead officials (issued_by, the first lead by default); a liaison
    visit or call gives none. Demands are the difficulties of the enterprises visited, in the
    filer's scope.
    PROJECT_REPORT: a problem in a project's progress report, filed by someone who may report on
    the project (NewCase.project_id, read through the filer's scope): the owner's demand, or, for
    a project with no registered owner, an item for the coordinator to route (an instruction no
    leader issued).
    """

    DIRECT = "direct"
    VISIT = "visit"
    PROJECT_REPORT = "project_report"


VISIT_INSTRUCTION_KINDS = ("inspection", "symposium")


@dataclass
class _Filing:
    """What the origin rules settled: the enterprise, region, visit, project and issuer."""

    enterprise: Enterprise | None = None
    region: Region | None = None
    visit: Any = None
    project: Any = None
    issued_by: Official | None = None


def _scoped_enterprise(actor: User, enterprise_id: int | None, errors: list[FieldError]) -> Enterprise | None:
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


def _file_directly(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> _Filing:
    _require(kind in creatable_kinds(actor), f"您的角色不能提交{Kind(kind).label}事项")
    filing = _Filing(enterprise=_scoped_enterprise(actor, data.enterprise_id, errors))
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
        from zhuqi.projects.selectors import project_queryset

        filing.project = project_queryset(user=actor).filter(pk=data.project_id).first()
        if filing.project is None:
            errors.append(FieldError("project", "项目不存在或不在您的权限范围内"))
    filing.region = filing.enterprise.region if filing.enterprise else None
    if filing.region is None:
        code = data.region_code or (jurisdiction_code(actor) or "")
        region = Region.objects.filter(pk=code).first() if code else None
        if region is None:
            errors.append(FieldError("region", "请指明事项所属地区"))
        elif not code_within(jurisdiction_code(actor), region.code):
            errors.append(FieldError("region", f"{region.name}不在您的管辖范围内"))
        else:
            filing.region = region
    return filing


def _file_from_visit(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> _Filing:
    from zhuqi.visits import services as visit_services
    from zhuqi.visits.models import VisitOfficial
    from zhuqi.visits.selectors import visit_queryset

    visit = visit_queryset(user=actor).filter(pk=data.visit_id).first() if data.visit_id is not None else None
    if visit is None:
        raise ValidationFailed([FieldError("visit", "调研走访记录不存在或不在您的权限范围内")])
    _require(
        visit_services.may_record(actor, visit.kind) and visit_services.may_edit(actor, visit),
        "只有有权登记这次调研走访的人可以提交其中的事项",
    )
    filing = _Filing(visit=visit, region=visit.region)
    if kind == Kind.HAZARD:
        errors.append(FieldError("kind", "调研走访中的事项应为交办（instruction）或诉求（demand）"))
    if data.enterprise_id is not None:
        if not visit.attendance.filter(enterprise_id=data.enterprise_id).exists():
            errors.append(FieldError("enterprise", "事项的企业应是本次调研走访的企业之一"))
        else:
            filing.enterprise = _scoped_enterprise(actor, data.enterprise_id, errors)
    elif kind == Kind.DEMAND:
        errors.append(FieldError("enterprise", "诉求必须指明提出诉求的企业"))
    if kind == Kind.INSTRUCTION:
        leads = {
            p.official_id: p.official
            for p in visit.participants.filter(role=VisitOfficial.Role.LEAD).select_related("official")
        }
        if visit.kind not in VISIT_INSTRUCTION_KINDS:
            errors.append(
                FieldError(
                    "kind",
                    f"{visit.get_kind_display()}记录只登记企业的诉求；交办事项须由调研、座谈会的带队领导作出",
                )
            )
        elif data.issued_by_id is None and leads:
            filing.issued_by = next(iter(leads.values()))
        elif data.issued_by_id not in leads:
            errors.append(FieldError("issued_by", "交办领导应是本次调研走访的带队领导"))
        else:
            filing.issued_by = leads[data.issued_by_id]
    elif data.issued_by_id is not None:
        errors.append(FieldError("issued_by", "只有交办事项有交办领导"))
    if data.project_id is not None:
        filing.project = visit.projects.filter(pk=data.project_id).first()
        if filing.project is None:
            errors.append(FieldError("project", "项目应是本次调研走访的项目之一"))
    if filing.enterprise is not None:
        filing.region = filing.enterprise.region
    return filing


def _file_from_project_report(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> _Filing:
    from zhuqi.projects.selectors import project_queryset
    from zhuqi.projects.services import may_report

    project = (
        project_queryset(user=actor).select_related("owner__region").filter(pk=data.project_id).first()
        if data.project_id is not None
        else None
    )
    if project is None:
        raise ValidationFailed([FieldError("project", "项目不存在或不在您的权限范围内")])
    _require(may_report(actor, project), "只有有权填报该项目进展的人可以提交其中的问题")
    # The owner comes from the project the filer may see and report on, not from an id they name.
    owner = project.owner
    expected = Kind.DEMAND if owner is not None else Kind.INSTRUCTION
    if kind != expected:
        errors.append(
            FieldError(
                "kind",
                "项目进展报告中的问题作为项目单位的诉求提交"
                if owner is not None
                else "项目单位未登记，报告中的问题交营商办（专班）分派",
            )
        )
    if data.enterprise_id is not None and data.enterprise_id != project.owner_id:
        errors.append(FieldError("enterprise", "项目进展报告中的问题属于项目单位"))
    if data.issued_by_id is not None:
        errors.append(FieldError("issued_by", "项目进展报告中的问题不是领导交办事项"))
    return _Filing(enterprise=owner, region=project.region, project=project)


FILERS = {
    Origin.DIRECT: _file_directly,
    Origin.VISIT: _file_from_visit,
    Origin.PROJECT_REPORT: _file_from_project_report,
}


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
    kind = _parse_choice(data.kind, Kind, "kind")
    errors: list[FieldError] = []
    filing = FILERS[origin](actor, kind, data, errors)
    title = (data.title or "").strip()
    if not title:
        errors.append(FieldError("title", "必填"))
    description = (data.description or "").strip()
    errors += length_errors(
        Case,
        {
            "title": title,
            "description": description,
            "source_note": (data.source_note or "").strip(),
            "rule_breached": (data.rule_breached or "").strip(),
            "evidence": (data.evidence or "").strip(),
        },
    )
    if kind == Kind.DEMAND and not description:
        errors.append(FieldError("description", "请写明企业遇到的困难或诉求"))
    if kind == Kind.HAZARD:
        if not (data.rule_breached or "").strip():
            errors.append(FieldError("rule_breached", "请写明违反的规定"))
        if not (data.evidence or "").strip():
            errors.append(FieldError("evidence", "请写明隐患情况"))
    category = (
        CaseCategory.objects.filter(pk=data.category_id, is_active=True).first() if data.category_id else None
    )
    if category is None:
        errors.append(FieldError("category", "必填" if not data.category_id else "类别不存在"))
    errors += check_uploads(attachments)

    enterprise, region = filing.enterprise, filing.region
    if (
        kind in (Kind.DEMAND, Kind.HAZARD)
        and enterprise is None
        and not any(e.field == "enterprise" for e in errors)
    ):
        errors.append(FieldError("enterprise", "诉求和隐患必须指明企业"))
    visit, project, issued_by = filing.visit, filing.project, filing.issued_by

    try:
        urgency = _parse_choice(data.urgency or Urgency.NORMAL, Urgency, "urgency")
        complexity = _parse_choice(data.complexity or Complexity.SIMPLE, Complexity, "complexity")
        case_source = _parse_choice(data.source or DEFAULT_SOURCE.get(Role(actor.role), ""), Source, "source")
    except ValidationFailed as failure:
        errors += failure.errors
        urgency = complexity = case_source = ""
    if errors:
        raise ValidationFailed(errors)
    assert category is not None and region is not None

    now = _now()
    case = Case(
        kind=kind,
        title=title,
        description=description,
        enterprise=enterprise,
        project=project,
        visit=visit,
        region=region,
        category=category,
        urgency=urgency,
        complexity=complexity,
        source=case_source,
        source_note=(data.source_note or "").strip(),
        issued_by=issued_by,
        rule_breached=(data.rule_breached or "").strip(),
        evidence=(data.evidence or "").strip(),
        filed_by=actor if actor.pk else None,
        filed_on_behalf=actor.role == Role.LIAISON,
        submitted_at=now,
        status=Status.SUBMITTED,
    )
    if data.lead_department_id is not None and not may_take(actor, case, "assign"):
        # Naming a lead department is routing the case, which skips the coordinator's
        # acceptance: only who may assign it may (a visit's handler or leader files a demand
        # for the coordinator to accept). Refused before anything is written.
        raise ValidationFailed(
            [FieldError("lead_department", "只有营商办（专班）可以交办，请留空牵头部门，由营商办受理后派单")]
        )
    calendar = WorkingCalendar()
    # Until someone takes it up, the coordinator is on the clock to accept and route it.
    accept = deadlines.response_deadline(calendar, case, now)
    case.accept_due = accept.at
    _set_clock(case, start=now, due=accept.at)
    case.save()
    audit.record(actor=actor, instance=case, action=AuditEntry.Action.CREATE, source=source)
    _record_step(
        case,
        actor=actor,
        step="submit",
        from_status="",
        comment=description if kind != Kind.HAZARD else case.evidence,
        data={"on_behalf": True} if case.filed_on_behalf else {},
        attachments=attachments,
        at=now,
    )
    if data.lead_department_id is not None:
        _assign(
            case,
            actor=actor,
            calendar=calendar,
            lead_department_id=data.lead_department_id,
            co_department_ids=data.co_department_ids,
            deadline=data.deadline,
            comment="",
            source=source,
        )
    else:
        _notify_coordinators(case, f"新{case.get_kind_display()}待受理：{case.title}")
    return case


# ---------------------------------------------------------------------------------------------
# Coordinator steps


@transaction.atomic
def case_accept(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "accept")
    _require(may_take(actor, case, "accept"), "只有营商办（专班）可以受理诉求")
    before, from_status = _snapshot(case), case.status
    now = _now()
    case.status = Status.ACCEPTED
    case.accepted_at = now
    # Accepted, now to be routed: the coordinator stays on the clock until it is assigned.
    _set_clock(case, start=now, due=deadlines.response_deadline(WorkingCalendar(), case, now).at)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="accept",
        from_status=from_status,
        comment=_clean_comment(step.comment),
        attachments=step.attachments,
    )
    _notify_enterprise(case, f"您的诉求已受理：{case.title}")
    return case


@transaction.atomic
def case_reject(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    reason: str,
    duplicate_of_id: int | None = None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """Refuse a demand with a reason; a duplicate is merged into the case it repeats, which the
    enterprise then follows."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "reject")
    _require(may_take(actor, case, "reject"), "只有营商办（专班）可以作出不予受理的决定")
    reason = _parse_choice(reason, RejectionReason, "reason")
    comment = _clean_comment(
        step.comment, required="请写明不予受理的理由" if reason != RejectionReason.DUPLICATE else ""
    )
    survivor: Case | None = None
    if reason == RejectionReason.DUPLICATE:
        if duplicate_of_id is None:
            raise ValidationFailed([FieldError("duplicate_of", "重复诉求须指明并入哪件事项")])
        survivor = (
            selectors.case_queryset(user=actor)
            .select_for_update(of=("self",))
            .filter(pk=duplicate_of_id)
            .first()
        )
        if survivor is None:
            raise ValidationFailed(
                [FieldError("duplicate_of", f"事项 #{duplicate_of_id} 不存在或不在您的权限范围内")]
            )
        if survivor.pk == case.pk:
            raise ValidationFailed([FieldError("duplicate_of", "不能并入自身")])
        if survivor.status == Status.REJECTED:
            raise ValidationFailed(
                [FieldError("duplicate_of", f"事项 #{survivor.pk} 已不予受理，请并入仍在办理的事项")]
            )
    before, from_status = _snapshot(case), case.status
    now = _now()
    case.status = Status.REJECTED
    case.rejection_reason = reason
    case.duplicate_of = survivor
    case.closed_at = now
    _set_clock(case, start=None, due=None)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="reject",
        from_status=from_status,
        comment=comment,
        data={"reason": reason, "duplicate_of": survivor.pk if survivor else None},
        attachments=step.attachments,
    )
    if survivor is not None:
        _record_step(
            survivor,
            actor=actor,
            step="merge",
            from_status=survivor.status,
            comment=f"并入 #{case.pk}《{case.title}》"
            + (f"（{case.enterprise}）" if case.enterprise else ""),
            data={"merged": case.pk},
            # The survivor may be another enterprise's demand: it must not learn who else asked.
            internal=True,
        )
        if survivor.enterprise_id == case.enterprise_id:
            _notify_enterprise(case, f"您的诉求已并入 #{survivor.pk}《{survivor.title}》一并办理")
        else:
            # Another enterprise's demand: not theirs to open, nor to learn who else asked.
            _notify_enterprise(case, f"您的诉求已与同类诉求合并办理，答复将由营商办告知：{case.title}")
    else:
        _notify_enterprise(case, f"您的诉求未予受理（{RejectionReason(reason).label}）：{case.title}")
    return case


def route(case: Case) -> RoutingRule | None:
    """The routing catalogue's rule for a case: for its category, nearest region first; a rule
    with keywords wins when one of them appears in the title or description."""
    text = f"{case.title} {case.description}"
    fallback = None
    for rule in selectors.routing_rules_for(case.region).filter(category_id=case.category_id):
        words = rule.keywords.split()
        if words and any(word in text for word in words):
            return rule
        if not words and fallback is None:
            fallback = rule
    return fallback


def _department_in_reach(actor: User, department: Department) -> bool:
    return code_within(jurisdiction_code(actor), department.region_id)


def _assign(
    case: Case,
    *,
    actor: User,
    calendar: WorkingCalendar,
    lead_department_id: int | None,
    co_department_ids: Sequence[int],
    deadline: datetime.date | None,
    comment: str,
    source: str,
    complexity: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> None:
    rule = None
    if lead_department_id is None:
        rule = route(case)
        if rule is None:
            raise ValidationFailed(
                [FieldError("lead_department", "请选择牵头部门（派单目录中没有与该类别匹配的规则）")]
            )
        lead_department_id = rule.lead_department_id
        co_department_ids = [d.pk for d in rule.co_departments.all()]
    departments = Department.objects.in_bulk([lead_department_id, *co_department_ids])
    lead = departments.get(lead_department_id)
    errors = []
    if lead is None or not _department_in_reach(actor, lead):
        errors.append(FieldError("lead_department", "部门不存在或不在您的管辖范围内"))
    co = []
    for index, department_id in enumerate(dict.fromkeys(co_department_ids)):
        department = departments.get(department_id)
        if department is None or not _department_in_reach(actor, department):
            errors.append(FieldError(f"co_departments.{index}", "部门不存在或不在您的管辖范围内"))
        elif department_id != lead_department_id:
            co.append(department)
    if complexity:
        try:
            case.complexity = _parse_choice(complexity, Complexity, "complexity")
        except ValidationFailed as failure:
            errors += failure.errors
    if deadline is not None:
        try:
            _future_date(deadline, "deadline")
        except ValidationFailed as failure:
            errors += failure.errors
    errors += check_uploads(attachments)
    if errors:
        raise ValidationFailed(errors)
    before, from_status = _snapshot(case), case.status
    now = _now()
    if case.kind == Kind.DEMAND and case.accepted_at is None:
        case.accepted_at = now
    case.status = Status.ASSIGNED
    case.lead_department = lead
    case.assigned_at = now
    case.started_at = None
    case.responded_on_time = None
    case.extension = Extension.NONE
    case.response_due = deadlines.response_deadline(calendar, case, now).at
    due = (
        deadlines.explicit_deadline(calendar, now, deadline)
        if deadline
        else deadlines.answer_deadline(calendar, case, now)
    )
    _set_deadline(case, due, start=now, explicit=deadline is not None)
    case.version += 1
    case.save()
    case.co_departments.set(co)
    sync_reach(case)
    audit.record(
        actor=actor,
        instance=case,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, _snapshot(case)),
        source=source,
    )
    _record_step(
        case,
        actor=actor,
        step="assign",
        from_status=from_status,
        comment=comment,
        data={
            "lead_department": lead.name,  # type: ignore[union-attr]
            "co_departments": [d.name for d in co],
            "deadline": timezone.localtime(case.deadline).isoformat() if case.deadline else None,
            "routed_by_catalogue": rule is not None,
        },
        attachments=attachments,
    )
    kind_word = "整改" if case.kind == Kind.HAZARD else "办理"
    _notify_departments(
        case,
        f"新交办事项，请于 {timezone.localtime(case.deadline):%m月%d日%H:%M} 前{kind_word}：{case.title}",
    )


@transaction.atomic
def case_assign(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    lead_department_id: int | None = None,
    co_department_ids: Sequence[int] = (),
    deadline: datetime.date | None = None,
    complexity: str = "",
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """Give a case to a lead department (and co-departments). Without a department, the routing
    catalogue's rule is used; without a deadline, the deadline policy's."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "assign")
    _require(may_take(actor, case, "assign"), "只有营商办（专班）可以交办事项")
    _assign(
        case,
        actor=actor,
        calendar=WorkingCalendar(),
        lead_department_id=lead_department_id,
        co_department_ids=list(co_department_ids),
        deadline=deadline,
        comment=_clean_comment(step.comment),
        complexity=complexity,
        source=source,
        attachments=step.attachments,
    )
    return case


def bulk_assign(*, actor: User, cases: Sequence[tuple[int, int]], source: str = "") -> list[Case]:
    """Assign several cases by the routing catalogue, all or nothing: (case id, version) pairs."""
    if not cases:
        raise ValidationFailed([FieldError("cases", "请选择要交办的事项")])
    assigned = []
    with transaction.atomic():
        for case_id, version in cases:
            # One refused case refuses the batch; the message names it so it can be taken out.
            try:
                assigned.append(
                    case_assign(actor=actor, case_id=case_id, expected_version=version, source=source)
                )
            except ValidationFailed as failure:
                raise ValidationFailed(
                    [
                        FieldError(f"cases.{case_id}.{e.field}", f"#{case_id}：{e.message}")
                        for e in failure.errors
                    ]
                ) from None
            except StaleWrite:
                raise StepRefused(f"#{case_id} 已被他人处理，请刷新列表后重试") from None
            except StepRefused as refusal:
                raise StepRefused(f"#{case_id}：{refusal.message}") from None
    return assigned


@transaction.atomic
def case_decide_extension(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    approve: bool,
    new_deadline: datetime.date | None = None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    step = step or StepInput()
    case = _lock(actor, case_id)
    _check_version(case, expected_version)
    if case.extension != Extension.REQUESTED:
        raise StepRefused("该事项没有待审批的延期申请")
    _check_step(case, "decide-extension")
    _require(may_take(actor, case, "decide-extension"), "只有营商办（专班）可以审批延期")
    comment = _clean_comment(step.comment, required="" if approve else "请写明不同意延期的理由")
    before, from_status = _snapshot(case), case.status
    data: dict[str, Any] = {"approved": approve}
    if approve:
        current = timezone.localtime(case.deadline).date() if case.deadline else None
        day = _future_date(new_deadline or case.extension_requested_deadline, "new_deadline", after=current)
        case.extension = Extension.APPROVED
        start = case.assigned_at or _now()
        _set_deadline(
            case, deadlines.explicit_deadline(WorkingCalendar(), start, day), start=start, explicit=True
        )
        data["deadline"] = str(day)
    else:
        case.extension = Extension.REFUSED
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="decide-extension",
        from_status=from_status,
        comment=comment,
        data=data,
        internal=True,
        attachments=step.attachments,
    )
    _notify_departments(
        case,
        f"延期申请{'已批准，新时限 ' + data['deadline'] if approve else '未批准'}：{case.title}",
        co=False,
    )
    return case


@transaction.atomic
def case_reopen(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    deadline: datetime.date | None = None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "reopen")
    _require(may_take(actor, case, "reopen"), "只有营商办（专班）可以重新启动已办结的事项")
    comment = _clean_comment(step.comment, required="请写明重新办理的理由")
    _restart(
        case,
        actor=actor,
        step="reopen",
        comment=comment,
        deadline=deadline,
        source=source,
        attachments=step.attachments,
    )
    _notify_departments(case, f"事项重新办理：{case.title}", co=False)
    return case


def _restart(
    case: Case,
    *,
    actor: User,
    step: str,
    comment: str,
    deadline: datetime.date | None,
    source: str,
    data: dict[str, Any] | None = None,
    attachments: Sequence[UploadedFile] = (),
    before: dict[str, Any] | None = None,
) -> None:
    """Back to the lead department with a fresh deadline (given, or by policy from now)."""
    if deadline is not None:
        _future_date(deadline, "deadline")
    before, from_status = before or _snapshot(case), case.status
    now = _now()
    calendar = WorkingCalendar()
    if from_status == Status.CLOSED:
        case.reopen_count += 1
    case.status = Status.IN_PROGRESS
    case.closed_at = None
    case.working_days_to_close = None
    case.closure = ""
    case.auto_close_at = None
    due = (
        deadlines.explicit_deadline(calendar, now, deadline)
        if deadline
        else deadlines.answer_deadline(calendar, case, now)
    )
    _set_deadline(case, due, start=now, explicit=deadline is not None)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step=step,
        from_status=from_status,
        comment=comment,
        data=data or {},
        attachments=attachments,
    )


# ---------------------------------------------------------------------------------------------
# Department steps


def _mark_started(case: Case, now: datetime.datetime) -> None:
    if case.started_at is None:
        case.started_at = now
        case.responded_on_time = case.response_due is None or now <= case.response_due


def _mark_closed(case: Case, now: datetime.datetime) -> None:
    case.closed_at = now
    # Counted from the (last) assignment, which a reopening does not move: reopening and
    # closing again makes a case slower, never faster.
    case.working_days_to_close = deadlines.working_days_to_close(WorkingCalendar(), case.assigned_at, now)


@transaction.atomic
def case_start(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """The lead department signs for the case (签收) and has made contact."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "start")
    _require(may_take(actor, case, "start"), "只有牵头部门可以签收该事项")
    before, from_status = _snapshot(case), case.status
    case.status = Status.IN_PROGRESS
    _mark_started(case, _now())
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="start",
        from_status=from_status,
        comment=_clean_comment(step.comment),
        attachments=step.attachments,
    )
    return case


@transaction.atomic
def case_return(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """A department sends back a case it was wrongly given, with its reasons, within
    RETURN_WINDOW_DAYS working days of assignment; the coordinator then reassigns it."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "return")
    _require(may_take(actor, case, "return"), "只有牵头部门可以退回该事项")
    comment = _clean_comment(
        step.comment, required="请写明退回的理由（如：不属于本部门职责，应由哪个部门办理）"
    )
    too_late = _return_window_closed(case)
    if too_late:
        raise StepRefused(too_late)
    calendar = WorkingCalendar()
    before, from_status = _snapshot(case), case.status
    now = _now()
    case.status = Status.RETURNED
    case.returned_count += 1
    # The coordinator is on the clock to reassign it.
    _set_clock(case, start=now, due=deadlines.response_deadline(calendar, case, now).at)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="return",
        from_status=from_status,
        comment=comment,
        internal=True,
        data={"department": case.lead_department.name if case.lead_department else ""},
        attachments=step.attachments,
    )
    _notify_coordinators(case, f"事项被退回，请重新交办：{case.title}")
    return case


@transaction.atomic
def case_request_extension(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    requested_deadline: datetime.date | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    step = step or StepInput()
    case = _lock(actor, case_id)
    _check_version(case, expected_version)
    if case.extension:
        raise StepRefused("每件事项只能申请一次延期，本事项已申请过")
    if case.urgency == Urgency.SAME_DAY:
        raise StepRefused("日清日结事项不能延期")
    _check_step(case, "request-extension")
    _require(may_take(actor, case, "request-extension"), "只有牵头部门可以申请延期")
    comment = _clean_comment(step.comment, required="请写明延期理由", maximum=limit(Case, "extension_reason"))
    current = timezone.localtime(case.deadline).date() if case.deadline else timezone.localdate()
    day = _future_date(requested_deadline, "requested_deadline", after=current)
    too_late = _extension_too_late(case)
    if too_late:
        raise StepRefused(too_late)
    before, from_status = _snapshot(case), case.status
    case.extension = Extension.REQUESTED
    case.extension_reason = comment
    case.extension_requested_deadline = day
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="request-extension",
        from_status=from_status,
        comment=comment,
        data={"requested_deadline": str(day)},
        internal=True,
        attachments=step.attachments,
    )
    _notify_coordinators(case, f"延期申请待审批（申请延至 {day}）：{case.title}")
    return case


@transaction.atomic
def case_answer(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    answer: str,
    outcome: str,
    outcome_reason: str = "",
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """The lead department answers a demand, saying honestly whether it was resolved."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "answer")
    _require(may_take(actor, case, "answer"), "只有牵头部门可以答复该事项")
    errors = []
    answer = (answer or "").strip()
    if not answer:
        errors.append(FieldError("answer", "请写明答复内容"))
    errors += length_errors(Case, {"answer": answer})
    try:
        outcome = _parse_choice(outcome, Outcome, "outcome")
        if outcome == Outcome.NOT_RESOLVABLE:
            outcome_reason = _parse_choice(outcome_reason, UnresolvableReason, "outcome_reason")
        else:
            outcome_reason = ""
    except ValidationFailed as failure:
        errors += failure.errors
    errors += check_uploads(step.attachments)
    if errors:
        raise ValidationFailed(errors)
    before, from_status = _snapshot(case), case.status
    now = _now()
    _mark_started(case, now)
    case.status = Status.ANSWERED
    case.answer = answer
    case.outcome = outcome
    case.outcome_reason = outcome_reason
    case.answered_at = now
    if case.first_answered_at is None:
        case.first_answered_at = now
        case.answered_on_time = case.deadline is None or now <= case.deadline
    calendar = WorkingCalendar()
    case.auto_close_at = deadlines.after_working_days(calendar, now, deadlines.NOT_RATED_AFTER_DAYS).at
    # Waiting for the enterprise: nobody in government is on the clock.
    _set_clock(case, start=None, due=None)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="answer",
        from_status=from_status,
        comment=answer,
        data={"outcome": outcome, "outcome_reason": outcome_reason},
        attachments=step.attachments,
    )
    _notify_enterprise(
        case,
        f"您的诉求已答复，请在 {deadlines.NOT_RATED_AFTER_DAYS} 个工作日内确认并评价：{case.title}",
    )
    return case


@transaction.atomic
def case_report_completion(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    report: str,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """An instruction's department reports it done; a hazard's enterprise (or department, or
    liaison) reports the rectification."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "report-completion")
    _require(
        may_take(actor, case, "report-completion"),
        "只有牵头部门可以报告交办事项的完成情况"
        if case.kind == Kind.INSTRUCTION
        else "只有该企业、牵头部门或包联干部可以报告整改情况",
    )
    report = _clean_comment(report, required="请写明完成（整改）情况", field_name="report")
    errors = check_uploads(step.attachments)
    if errors:
        raise ValidationFailed(errors)
    before, from_status = _snapshot(case), case.status
    now = _now()
    if _is_lead_handler(actor, case):
        _mark_started(case, now)
    case.status = Status.COMPLETION_REPORTED
    case.answer = report
    case.completion_reported_at = now
    if case.first_answered_at is None:
        case.first_answered_at = now
        case.answered_on_time = case.deadline is None or now <= case.deadline
    _set_clock(case, start=None, due=None)
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="report-completion",
        from_status=from_status,
        comment=report,
        attachments=step.attachments,
    )
    if case.kind == Kind.INSTRUCTION:
        _notify_coordinators(case, f"交办事项已报告完成，请验收：{case.title}")
    else:
        _notify_departments(case, f"隐患已报告整改完成，请复查：{case.title}", co=False)
    return case


@transaction.atomic
def case_verify(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    passed: bool,
    deadline: datetime.date | None = None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """The coordinator accepts an instruction's completion (or sends it back); a hazard's
    re-inspection verifies the rectification (or reopens it with a new deadline)."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "verify")
    _require(
        may_take(actor, case, "verify"),
        "只有营商办（专班）可以验收交办事项"
        if case.kind == Kind.INSTRUCTION
        else "只有牵头部门或营商办可以复查隐患整改",
    )
    comment = _clean_comment(step.comment, required="" if passed else "请写明未通过的原因")
    if passed:
        before, from_status = _snapshot(case), case.status
        case.status = Status.CLOSED
        case.closure = Closure.VERIFIED
        case.outcome = Outcome.RESOLVED
        _mark_closed(case, _now())
        _set_clock(case, start=None, due=None)
        _save(case, actor=actor, before=before, source=source)
        _record_step(
            case,
            actor=actor,
            step="verify",
            from_status=from_status,
            comment=comment,
            data={"passed": True},
            attachments=step.attachments,
        )
        if case.kind == Kind.HAZARD:
            _notify_enterprise(case, f"隐患整改已复查通过，予以销号：{case.title}")
    else:
        if case.kind == Kind.HAZARD and deadline is None:
            raise ValidationFailed([FieldError("deadline", "复查未通过，请给出新的整改期限")])
        _restart(
            case,
            actor=actor,
            step="verify",
            comment=comment,
            deadline=deadline,
            source=source,
            data={"passed": False},
            attachments=step.attachments,
        )
        _notify_departments(
            case,
            f"{'验收' if case.kind == Kind.INSTRUCTION else '复查'}未通过，请继续办理：{case.title}",
            co=False,
        )
        if case.kind == Kind.HAZARD:
            _notify_enterprise(case, f"隐患整改复查未通过，请于 {deadline} 前整改到位：{case.title}")
    return case


# ---------------------------------------------------------------------------------------------
# Enterprise steps


@transaction.atomic
def case_confirm(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    rating: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """The enterprise confirms the answer and rates it 1–5. A rating of 1–2 sends the case back
    to the department and is counted; 3–5 close it."""
    step = step or StepInput()
    case = _begin(actor, case_id, expected_version, "confirm")
    on_behalf = _is_assigned_liaison(actor, case.enterprise_id)
    _require(
        _is_own_enterprise(actor, case) or on_behalf, "只有提出诉求的企业（或其包联干部代为记录）可以评价"
    )
    if rating is None or not 1 <= rating <= 5:
        raise ValidationFailed([FieldError("rating", "请给出 1 到 5 的评价")])
    comment = _clean_comment(
        step.comment,
        required="请说明不满意的原因，以便部门重新办理" if rating <= RATING_UNSATISFIED else "",
        maximum=limit(Case, "rating_comment"),
    )
    before, from_status = _snapshot(case), case.status
    case.ratings_given += 1
    if rating >= RATING_SATISFIED:
        case.satisfied_ratings += 1
    case.rating = rating
    case.rating_comment = comment
    data = {"rating": rating, "on_behalf": on_behalf}
    if rating <= RATING_UNSATISFIED:
        case.unsatisfied_count += 1
        _restart(
            case,
            actor=actor,
            step="confirm",
            comment=comment,
            deadline=None,
            source=source,
            data=data,
            attachments=step.attachments,
            before=before,
        )
        _notify_departments(case, f"企业对答复不满意（{rating} 分），请重新办理：{case.title}", co=False)
        _notify_coordinators(case, f"企业不满意，事项已退回重办：{case.title}", kind=Notice.Kind.INFO)
        return case
    case.status = Status.CLOSED
    case.closure = Closure.CONFIRMED
    _mark_closed(case, _now())
    case.auto_close_at = None
    _save(case, actor=actor, before=before, source=source)
    _record_step(
        case,
        actor=actor,
        step="confirm",
        from_status=from_status,
        comment=comment,
        data=data,
        attachments=step.attachments,
    )
    return case


@transaction.atomic
def case_note(*, actor: User, case_id: int, step: StepInput, source: str = "") -> Case:
    """Add a comment or attachments without changing the state (a co-department's opinion, an
    enterprise's supplement). Anyone who can see the case may; no version needed, nothing is
    overwritten."""
    case = _lock(actor, case_id)
    _require(actor.role != Role.AUDITOR, "审计员只能查看，不能补充说明")
    comment = _clean_comment(step.comment, required="" if step.attachments else "请填写说明或上传附件")
    errors = check_uploads(step.attachments)
    if errors:
        raise ValidationFailed(errors)
    _record_step(
        case,
        actor=actor,
        step="note",
        from_status=case.status,
        comment=comment,
        attachments=step.attachments,
        # What government offices note to each other is not the enterprise's to read; what the
        # enterprise (or its liaison officer, for it) adds is shared.
        internal=actor.role not in (Role.ENTERPRISE, Role.LIAISON),
    )
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
    if _is_coordinator(actor) and _answers_for(actor, case):
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
    case = _lock(actor, case_id)
    _check_version(case, expected_version)
    _require(
        may_edit(actor, case),
        "事项已办结或不予受理，不能修改；如需更正请先重新办理"
        if not case.is_open
        else "只有营商办（专班），或提交人在受理前，可以修改事项信息",
    )
    errors: list[FieldError] = []
    changes: dict[str, list[Any]] = {}
    before = _snapshot(case)

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
    _record_step(
        case,
        actor=actor,
        step="edit",
        from_status=case.status,
        comment=reason,
        data={
            "changes": [
                {"field": name, "label": labels[name], "from": old, "to": new}
                for name, (old, new) in changes.items()
            ]
        },
    )
    _save(case, actor=actor, before=before, source=source)
    return case


# ---------------------------------------------------------------------------------------------
# The tables admins keep: the routing catalogue (派单目录) and the deadline rules


_Kept = TypeVar("_Kept", RoutingRule, CaseCategory, ReplyTemplate)


def _locked_or_new(model: type[_Kept], pk: int | None) -> _Kept:
    """A new row, or the existing one locked for the change (NotFound if it is gone)."""
    if pk is None:
        return model()
    instance = model.objects.select_for_update().filter(pk=pk).first()
    if instance is None:
        raise NotFound()
    return instance


def _require_admin(actor: User) -> None:
    _require(actor.role == Role.ADMIN or actor.is_superuser, "只有系统管理员可以修改派单目录和时限规则")


@dataclass
class RoutingRuleData:
    region_code: str
    category_id: int | None
    lead_department_id: int | None
    co_department_ids: list[int] = field(default_factory=list)
    keywords: str = ""
    order: int = 0


def _rule_state(rule: RoutingRule) -> dict[str, Any]:
    return {
        **audit.snapshot(rule),
        "co_departments": sorted(d.pk for d in rule.co_departments.all()) if rule.pk else [],
    }


@transaction.atomic
def routing_rule_save(
    *, actor: User, data: RoutingRuleData, rule_id: int | None = None, source: str = ""
) -> RoutingRule:
    """Add or change a routing-catalogue entry. Cases already assigned keep their departments."""
    _require_admin(actor)
    rule = _locked_or_new(RoutingRule, rule_id)
    before = _rule_state(rule) if rule.pk else None
    errors: list[FieldError] = []
    region = Region.objects.filter(pk=(data.region_code or "").strip()).first()
    if region is None:
        errors.append(FieldError("region", "地区代码不存在"))
    category = (
        CaseCategory.objects.filter(pk=data.category_id, is_active=True).first() if data.category_id else None
    )
    if category is None:
        errors.append(FieldError("category", "请选择类别"))
    wanted = [data.lead_department_id, *data.co_department_ids]
    departments = Department.objects.in_bulk([d for d in wanted if d is not None])
    lead = departments.get(data.lead_department_id) if data.lead_department_id else None
    if lead is None:
        errors.append(FieldError("lead_department", "请选择牵头部门"))
    elif (
        region is not None
        and not code_within(lead.region_id, region.code)
        and not code_within(region.code, lead.region_id)
    ):
        errors.append(FieldError("lead_department", f"{lead.name}与{region.name}不在同一辖区"))
    co = []
    for index, department_id in enumerate(dict.fromkeys(data.co_department_ids)):
        department = departments.get(department_id)
        if department is None:
            errors.append(FieldError(f"co_departments.{index}", "部门不存在"))
        elif department_id != data.lead_department_id:
            co.append(department)
    keywords = " ".join((data.keywords or "").replace("，", " ").replace(",", " ").split())
    errors += length_errors(RoutingRule, {"keywords": keywords})
    if not 0 <= data.order <= 999:
        errors.append(FieldError("order", "优先顺序应在 0 到 999 之间"))
    if errors:
        raise ValidationFailed(errors)
    assert region is not None and category is not None and lead is not None
    rule.region, rule.category, rule.lead_department = region, category, lead
    rule.keywords, rule.order = keywords, data.order
    rule.save()
    rule.co_departments.set(co)
    after = _rule_state(rule)
    audit.record(
        actor=actor,
        instance=rule,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        changes=audit.diff(before or {}, after),
        source=source,
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: User, rule_id: int, source: str = "") -> None:
    _require_admin(actor)
    rule = _locked_or_new(RoutingRule, rule_id)
    before = _rule_state(rule)
    audit.record(
        actor=actor,
        instance=rule,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(before, {}),
        source=source,
    )
    rule.delete()


MAX_POLICY_DAYS = 90


@transaction.atomic
def deadline_policy_save(
    *,
    actor: User,
    kind: str,
    urgency: str,
    category_id: int | None,
    response_days: int,
    simple_days: int,
    complex_days: int,
    source: str = "",
) -> DeadlinePolicy:
    """Set the working days for a kind, urgency and (optionally) category. Applies to cases
    assigned from now on; the deadlines already given are kept, as they were promised."""
    _require_admin(actor)
    errors: list[FieldError] = []
    try:
        kind = _parse_choice(kind, Kind, "kind")
        urgency = _parse_choice(urgency, Urgency, "urgency")
    except ValidationFailed as failure:
        errors += failure.errors
    category = CaseCategory.objects.filter(pk=category_id).first() if category_id else None
    if category_id and category is None:
        errors.append(FieldError("category", "类别不存在"))
    for name, value in (
        ("response_days", response_days),
        ("simple_days", simple_days),
        ("complex_days", complex_days),
    ):
        if value is None or not 0 <= value <= MAX_POLICY_DAYS:
            errors.append(FieldError(name, f"应为 0 到 {MAX_POLICY_DAYS} 个工作日"))
    if not errors and not response_days <= simple_days <= complex_days:
        errors.append(FieldError("simple_days", "应满足：受理时限 ≤ 简单事项时限 ≤ 复杂事项时限"))
    if errors:
        raise ValidationFailed(errors)
    policy = (
        DeadlinePolicy.objects.select_for_update()
        .filter(kind=kind, urgency=urgency, category=category)
        .first()
    )
    before = audit.snapshot(policy) if policy else None
    policy = policy or DeadlinePolicy(kind=kind, urgency=urgency, category=category)
    policy.response_days, policy.simple_days, policy.complex_days = response_days, simple_days, complex_days
    policy.save()
    audit.record(
        actor=actor,
        instance=policy,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        before=before,
        source=source,
    )
    return policy


@transaction.atomic
def category_save(
    *,
    actor: User,
    name: str,
    parent_id: int | None = None,
    order: int = 0,
    is_active: bool = True,
    category_id: int | None = None,
    source: str = "",
) -> CaseCategory:
    """Add a category (a top-level one or a sub-category) or rename, reorder or retire one.
    A retired category stays on the cases filed under it; new cases cannot use it."""
    _require_admin(actor)
    category = _locked_or_new(CaseCategory, category_id)
    before = audit.snapshot(category) if category.pk else None
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(CaseCategory, {"name": name})
    parent = CaseCategory.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        errors.append(FieldError("parent", "上级类别不存在"))
    elif parent is not None and (parent.parent_id is not None or parent.pk == category.pk):
        errors.append(FieldError("parent", "类别最多两级"))
    elif parent is not None and category.pk and category.children.exists():
        errors.append(FieldError("parent", "该类别有下级类别，不能再放到其他类别之下"))
    if name and CaseCategory.objects.filter(parent=parent, name=name).exclude(pk=category.pk).exists():
        errors.append(FieldError("name", f"“{name}”已存在"))
    if errors:
        raise ValidationFailed(errors)
    category.name, category.parent, category.order, category.is_active = name, parent, order, is_active
    category.save()
    audit.record(
        actor=actor,
        instance=category,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        before=before,
        source=source,
    )
    return category


@transaction.atomic
def reply_template_save(
    *,
    actor: User,
    title: str,
    text: str,
    category_id: int | None = None,
    template_id: int | None = None,
    source: str = "",
) -> ReplyTemplate:
    _require_admin(actor)
    template = _locked_or_new(ReplyTemplate, template_id)
    before = audit.snapshot(template) if template.pk else None
    errors: list[FieldError] = []
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors.append(FieldError("title", "必填"))
    if not text:
        errors.append(FieldError("text", "必填"))
    errors += length_errors(ReplyTemplate, {"title": title, "text": text})
    category = CaseCategory.objects.filter(pk=category_id).first() if category_id else None
    if category_id and category is None:
        errors.append(FieldError("category", "类别不存在"))
    if errors:
        raise ValidationFailed(errors)
    template.title, template.text, template.category = title, text, category
    template.save()
    audit.record(
        actor=actor,
        instance=template,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        before=before,
        source=source,
    )
    return template


@transaction.atomic
def reply_template_delete(*, actor: User, template_id: int, source: str = "") -> None:
    _require_admin(actor)
    template = _locked_or_new(ReplyTemplate, template_id)
    audit.record(
        actor=actor,
        instance=template,
        action=AuditEntry.Action.DELETE,
        before=audit.snapshot(template),
        source=source,
    )
    template.delete()
