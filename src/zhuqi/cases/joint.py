"""Joint handling of a common problem (联合办理 / 共性问题): one lead department, one deadline and
one answer for similar demands of several enterprises.

Each member demand stays its enterprise's own case. A step on the joint handling is the case
workflow's own step (cases/steps.py) taken on each member in turn, inside one transaction, with
StepInput.joint_handling_id naming the joint handling: so every member gets its own timeline
entry, timestamps, audit entry and notice to its enterprise, and the figures count each demand
exactly as if it had been handled alone. The departments and coordinators are told once, on the
first member (StepInput.quiet_offices on the others), in a notice that names the joint handling,
how many demands it has, and links to its page (StepInput.joint); so are they when a demand
joins, and the deadline sweep tells them once per level (sweep._joint_messages). A member's own
steps that the joint handling drives are refused on the case (workflow.NOT_JOINT); the
enterprise still rates the answer on its own case, and an unhappy rating sends its case alone
back to work (steps._leave_joint_handling).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhuqi.cases import deadlines, selectors, workflow
from zhuqi.cases.models import (
    OPEN_STATUSES,
    STEP_LABELS,
    Case,
    CaseStep,
    Extension,
    JointEvent,
    JointHandling,
    JointStep,
    Kind,
    Status,
    Step,
    UnresolvableReason,
)
from zhuqi.cases.steps import TAKE, resolve_routing
from zhuqi.cases.taking import (
    StepInput,
    Taken,
    clean_comment,
    notify_coordinators,
    notify_departments,
    now,
    set_clock,
)
from zhuqi.cases.workflow import STEPS, StepRefused, is_coordinator
from zhuqi.core import audit, concurrency
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import Region, User

# The steps a joint handling takes for its members, in the order its page offers them.
JOINT_STEPS: tuple[Step, ...] = (
    Step.ASSIGN,
    Step.START,
    Step.RETURN,
    Step.REQUEST_EXTENSION,
    Step.DECIDE_EXTENSION,
    Step.ANSWER,
    Step.REOPEN,
)
# A demand joins before any department works it alone: once assigned, its department returns it
# first (a joint handling has one lead department).
JOINABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED})
MIN_MEMBERS = 2

CREATE_REFUSED = "只有营商办（专班）可以发起联合办理"
MEMBERS_REFUSED = "只有负责该联合办理的营商办（专班）可以调整成员"
POLICY_REFUSED = "只有营商办（专班）或牵头部门可以标记政策性问题"


# ---------------------------------------------------------------------------------------------
# Who may act on a joint handling


def answers_for(actor: User, joint: JointHandling) -> bool:
    return code_within(jurisdiction_code(actor), joint.region_id)


def may_coordinate(actor: User, joint: JointHandling) -> bool:
    return is_coordinator(actor) and answers_for(actor, joint)


def is_lead_handler(actor: User, joint: JointHandling) -> bool:
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == joint.lead_department_id
    )


def may_take(actor: User, joint: JointHandling, step: str) -> bool:
    """By the case table's parties for a demand, said of the joint handling."""
    if step not in JOINT_STEPS:
        return False
    parties = STEPS[step].parties(Kind.DEMAND)
    return (workflow.Party.COORDINATOR in parties and may_coordinate(actor, joint)) or (
        workflow.Party.LEAD_DEPARTMENT in parties and is_lead_handler(actor, joint)
    )


def _fact_refusal(joint: JointHandling, step: str) -> str | None:
    """Why the joint handling's state does not allow the step, or None. A joint handling is
    answered, never closed itself: it reopens once every member is closed (require_all_closed)."""
    if step == Step.REOPEN:
        if joint.status != Status.ANSWERED:
            return f"联合办理当前状态为“{joint.status_label}”，不能{STEP_LABELS[step]}"
        # The page must not offer what joint_take would then refuse (require_all_closed).
        return ALL_CLOSED_REFUSAL if is_open(joint) else None
    if joint.status not in STEPS[step].from_states:
        return f"联合办理当前状态为“{joint.status_label}”，不能{STEP_LABELS[step]}"
    if step == Step.REQUEST_EXTENSION and joint.extension != Extension.NONE:
        return "联合办理只能申请一次延期，已申请过"
    if step == Step.DECIDE_EXTENSION and joint.extension != Extension.REQUESTED:
        return "该联合办理没有待审批的延期申请"
    return None


def steps_for(actor: User, joint: JointHandling) -> list[str]:
    """The steps the user may take on the joint handling now (its page's forms)."""
    return [
        step for step in JOINT_STEPS if _fact_refusal(joint, step) is None and may_take(actor, joint, step)
    ]


ALL_CLOSED_REFUSAL = "仍有企业的诉求尚未办结（待评价或办理中），全部办结后才能重新办理联合办理"


def is_open(joint: JointHandling) -> bool:
    """Open while a member is still being handled (not every member closed)."""
    return Case.objects.filter(joint_handling=joint, status__in=sorted(OPEN_STATUSES)).exists()


# ---------------------------------------------------------------------------------------------
# The pieces


def _lock(actor: User, joint_id: int) -> JointHandling:
    """The joint handling, locked before its members (then locked oldest first). FOR NO KEY
    UPDATE: an enterprise's unhappy rating locks its member case, then writes the joint
    handling's timeline (a KEY SHARE lock on it); FOR UPDATE would make the two wait on each
    other (tests/test_joint_race.py)."""
    return concurrency.lock(selectors.joint_queryset(user=actor), joint_id, no_key=True)


def _snapshot(joint: JointHandling) -> dict[str, Any]:
    values = audit.snapshot(joint)
    values["co_departments"] = sorted(joint.co_departments.values_list("pk", flat=True)) if joint.pk else []
    return values


def _members(joint: JointHandling, states: Iterable[str] | None = None) -> list[Case]:
    """The member cases, locked, oldest first (in some states only)."""
    members = Case.objects.filter(joint_handling=joint).select_for_update(of=("self",)).order_by("pk")
    if states is not None:
        members = members.filter(status__in=sorted(states))
    return list(members)


def _entry(
    joint: JointHandling, actor: User, step: str, *, comment: str = "", data: dict[str, Any] | None = None
) -> None:
    JointStep.objects.create(
        joint=joint,
        step=step,
        actor=actor if actor.pk else None,
        actor_name=str(actor),
        at=now(),
        comment=comment,
        data=data or {},
    )


def _save(
    joint: JointHandling, *, actor: User, before: dict[str, Any], fields: Sequence[str], source: str
) -> None:
    joint.version += 1
    joint.save(update_fields=sorted({*fields, "version", "updated_at"}))
    audit.record(
        actor=actor,
        instance=joint,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, _snapshot(joint)),
        source=source,
    )


def _take_on(
    joint: JointHandling,
    step: str,
    member: Case,
    *,
    actor: User,
    source: str,
    comment: str = "",
    attachments: Sequence[Any] = (),
    quiet: bool,
    replay: bool = False,
    **arguments: Any,
) -> Case:
    """The case step itself on one member, refusals named by the member."""
    step_input = StepInput(
        comment=comment,
        attachments=attachments,
        joint_handling_id=joint.pk,
        quiet_offices=quiet,
        replay=replay,
        # The offices' one notice names the joint handling and how many demands it has.
        joint=None if quiet else joint,
        joint_members=0 if quiet else Case.objects.filter(joint_handling=joint).count(),
    )
    try:
        return TAKE[step](
            actor=actor,
            case_id=member.pk,
            expected_version=member.version,
            step=step_input,
            source=source,
            **arguments,
        )
    except StepRefused as refusal:
        raise StepRefused(f"#{member.pk}《{member.title}》：{refusal.message}") from None


def _join(joint: JointHandling, case: Case, *, actor: User, source: str) -> None:
    """Link the case to the joint handling, on its timeline (the enterprise reads that its demand
    is handled with similar ones, not whose). Not the joint handling's title: by default it is
    the first member's, another enterprise's own words (often naming it); officials follow the
    link on the case page."""
    t = Taken.open(case, actor=actor, step=Step.JOIN_JOINT, source=source)
    case.joint_handling = joint
    t.record(
        comment="与其他企业的同类诉求联合办理",
        data={"joint_handling": joint.pk},
        attachments=(),
    )
    t.finish()


def check_joinable(actor: User, case: Case, index: int | None = None) -> list[FieldError]:
    name = "cases" if index is None else f"cases.{index}"
    problem = ""
    if case.kind != Kind.DEMAND:
        problem = "只有企业诉求可以联合办理"
    elif case.joint_handling_id is not None:
        problem = f"已在联合办理 #{case.joint_handling_id} 中"
    elif case.status not in JOINABLE:
        problem = (
            f"当前状态为“{case.status_label}”，只有待受理、已受理或已退回的诉求可以加入联合办理"
            "（已交办的请先由部门退回）"
        )
    elif not workflow.answers_for(actor, case):
        problem = "不在您的管辖范围内"
    return [FieldError(name, f"#{case.pk}：{problem}")] if problem else []


def _common_region(cases: Sequence[Case]) -> Region:
    """The smallest region every member's region lies in (county, prefecture or province)."""
    codes = {case.region_id for case in cases}
    for width, tail in ((6, ""), (4, "00"), (2, "0000")):
        heads = {code[:width] for code in codes}
        if len(heads) == 1:
            return Region.objects.get(pk=heads.pop() + tail)
    raise ValidationFailed([FieldError("cases", "联合办理的诉求须属同一省（区、市）")])


def _deadline_day(members: Sequence[Case], given: datetime.date | None) -> datetime.date | None:
    """The one deadline: the date given, else the deadline rules' for each member; where the
    rules give the members different deadlines, the earliest for all (None: the rules' own,
    the same for every member)."""
    if given is not None:
        return given
    moment, calendar = now(), WorkingCalendar()
    dues = {deadlines.answer_deadline(calendar, member, moment).at for member in members}
    if len(dues) <= 1:
        return None
    return timezone.localtime(min(dues)).date()


def _routing_arguments(joint: JointHandling, day: datetime.date | None) -> dict[str, Any]:
    return {
        "lead_department_id": joint.lead_department_id,
        "co_department_ids": sorted(joint.co_departments.values_list("pk", flat=True)),
        "deadline": day,
    }


def _assign_all(
    joint: JointHandling,
    members: Sequence[Case],
    *,
    actor: User,
    source: str,
    day: datetime.date | None,
    comment: str = "",
    attachments: Sequence[Any] = (),
) -> list[Case]:
    arguments = _routing_arguments(joint, day)
    return [
        _take_on(
            joint,
            Step.ASSIGN,
            member,
            actor=actor,
            source=source,
            comment=comment,
            attachments=attachments,
            quiet=index > 0,
            **arguments,
        )
        for index, member in enumerate(members)
    ]


# ---------------------------------------------------------------------------------------------
# Opening a joint handling


@dataclass
class NewJoint:
    case_ids: Sequence[int]
    lead_department_id: int | None
    co_department_ids: Sequence[int] = field(default_factory=tuple)
    title: str = ""
    deadline: datetime.date | None = None
    comment: str = ""


def joint_create(*, actor: User, data: NewJoint, source: str = "") -> JointHandling:
    """Open a joint handling of a common problem: the member demands accepted (if not yet) and
    assigned, each on its own case, to one lead department with one deadline."""
    with transaction.atomic():
        require(is_coordinator(actor), CREATE_REFUSED)
        ids = list(dict.fromkeys(int(pk) for pk in data.case_ids))
        errors: list[FieldError] = []
        if len(ids) < MIN_MEMBERS:
            raise ValidationFailed([FieldError("cases", "联合办理至少需要两件诉求")])
        found = {
            case.pk: case
            # Locked oldest first, as everywhere a joint handling locks its members.
            for case in selectors.case_queryset(user=actor)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
        }
        if len(found) != len(ids):
            raise NotFound()
        members = [found[pk] for pk in sorted(ids)]
        for index, case in enumerate(members):
            errors += check_joinable(actor, case, index)
        if len({case.enterprise_id for case in members}) < MIN_MEMBERS:
            errors.append(FieldError("cases", "共性问题须涉及至少两家企业；一家企业的多件诉求请分别办理"))
        title = (data.title or "").strip() or members[0].title
        errors += length_errors(JointHandling, {"title": title})
        if data.lead_department_id is None:
            errors.append(FieldError("lead_department", "请选择牵头部门"))
        if errors:
            raise ValidationFailed(errors)
        comment = clean_comment(data.comment)
        routing = resolve_routing(
            members[0],
            actor=actor,
            lead_department_id=data.lead_department_id,
            co_department_ids=list(data.co_department_ids or ()),
            deadline=data.deadline,
        )
        joint = JointHandling.objects.create(
            title=title,
            region=_common_region(members),
            category=members[0].category,
            lead_department=routing.lead,
            status=Status.ASSIGNED,
            deadline_explicit=data.deadline is not None,
            created_by=actor,
        )
        joint.co_departments.set(routing.co)
        for case in members:
            _join(joint, case, actor=actor, source=source)
        members = _members(joint)
        for index, case in enumerate([m for m in members if m.status == Status.SUBMITTED]):
            _take_on(joint, Step.ACCEPT, case, actor=actor, source=source, quiet=index > 0)
        assigned = _assign_all(
            joint,
            _members(joint),
            actor=actor,
            source=source,
            day=_deadline_day(members, data.deadline),
            comment=comment,
        )
        joint.deadline = assigned[0].deadline
        joint.save(update_fields=["deadline", "updated_at"])
        audit.record(
            actor=actor,
            instance=joint,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff({}, {**_snapshot(joint), "members": [case.pk for case in assigned]}),
            source=source,
        )
        _entry(
            joint,
            actor,
            JointEvent.OPEN,
            comment=comment,
            data={"members": [case.pk for case in assigned], "lead_department": routing.lead.name},
        )
    return joint


# ---------------------------------------------------------------------------------------------
# Steps on the joint handling


def joint_take(
    step: str,
    /,
    *,
    actor: User,
    joint_id: int,
    expected_version: int | None,
    fields: dict[str, Any],
    input: StepInput | None = None,
    source: str = "",
) -> JointHandling:
    """Take a step of the case table on every member the step applies to, in one transaction;
    `fields` by the table's field names, as a case step reads them."""
    if step not in JOINT_STEPS:
        raise StepRefused(
            f"联合办理不能{STEP_LABELS.get(step, step)}；可进行的操作："
            + "、".join(STEP_LABELS[s] for s in JOINT_STEPS)
        )
    step_input = input or StepInput()
    with transaction.atomic():
        joint = _lock(actor, joint_id)
        concurrency.check_version(joint, expected_version, current={"status": joint.status})
        refused = _fact_refusal(joint, step)
        if refused:
            raise StepRefused(refused)
        require(may_take(actor, joint, step), STEPS[step].refusal[Kind.DEMAND])
        before = _snapshot(joint)
        arguments = {argument: fields.get(name) for argument, name in STEPS[step].fields.items()}
        if step == Step.ASSIGN:
            arguments.pop("complexity", None)
        transition = STEPS[step]
        members = [
            m
            for m in _members(joint, transition.from_states)
            if not (step == Step.DECIDE_EXTENSION and m.extension != Extension.REQUESTED)
        ]
        if step == Step.ASSIGN:
            # Accepted members too (a member added while the joint handling was returned).
            members = _members(joint, [Status.ACCEPTED, Status.RETURNED])
        if step == Step.REOPEN:
            require_all_closed(joint)
        if not members:
            raise StepRefused("联合办理中没有可以进行该操作的诉求")
        if step == Step.ASSIGN:
            routing = resolve_routing(
                members[0],
                actor=actor,
                lead_department_id=arguments.get("lead_department_id"),
                co_department_ids=list(arguments.get("co_department_ids") or ()),
                deadline=arguments.get("deadline"),
            )
            joint.lead_department = routing.lead
            joint.co_departments.set(routing.co)
            joint.deadline_explicit = routing.deadline is not None
            arguments["deadline"] = _deadline_day(members, routing.deadline)
            arguments["lead_department_id"] = routing.lead.pk
            arguments["co_department_ids"] = [d.pk for d in routing.co]
        done = [
            _take_on(
                joint,
                step,
                member,
                actor=actor,
                source=source,
                comment=step_input.comment,
                attachments=step_input.attachments,
                quiet=index > 0,
                **arguments,  # type: ignore[arg-type]
            )
            for index, member in enumerate(members)
        ]
        first = done[0]
        joint.status = first.status
        joint.deadline = first.deadline
        changed = ["status", "deadline", "lead_department", "deadline_explicit"]
        if step in (Step.REQUEST_EXTENSION, Step.DECIDE_EXTENSION):
            joint.extension = first.extension
            joint.extension_requested_deadline = first.extension_requested_deadline
            changed += ["extension", "extension_requested_deadline"]
        if step == Step.ASSIGN:
            joint.extension = Extension.NONE
            changed.append("extension")
        if step == Step.ANSWER:
            joint.answer, joint.outcome, joint.outcome_reason = (
                first.answer,
                first.outcome,
                first.outcome_reason,
            )
            joint.answered_at = first.answered_at
            changed += ["answer", "outcome", "outcome_reason", "answered_at"]
            if first.outcome_reason == UnresolvableReason.NEEDS_POLICY_CHANGE and not joint.policy_question:
                # No department can solve it case by case: it goes to whoever keeps the policies.
                joint.policy_question = True
                joint.policy_note = joint.policy_note or "答复为无法解决：需上级政策调整"
                joint.policy_marked_at = now()
                changed += ["policy_question", "policy_note", "policy_marked_at"]
        _save(joint, actor=actor, before=before, fields=changed, source=source)
        # What the step recorded on its first member (departments, dates asked and given, the
        # outcome), so the joint timeline reads as the members' do.
        recorded = (
            CaseStep.objects.filter(case=first, step=step)
            .order_by("-at", "-id")
            .values_list("data", flat=True)
            .first()
        )
        data: dict[str, Any] = {**(recorded if isinstance(recorded, dict) else {})}
        data["members"] = [case.pk for case in done]
        if step == Step.ANSWER:
            data.update(outcome=joint.outcome, outcome_reason=joint.outcome_reason)
        if joint.deadline and step in (Step.ASSIGN, Step.DECIDE_EXTENSION, Step.REOPEN):
            data["deadline"] = timezone.localtime(joint.deadline).isoformat()
        _entry(
            joint,
            actor,
            step,
            comment=joint.answer if step == Step.ANSWER else step_input.comment,
            data=data,
        )
    return joint


def require_all_closed(joint: JointHandling) -> None:
    if is_open(joint):
        raise StepRefused(ALL_CLOSED_REFUSAL)


# ---------------------------------------------------------------------------------------------
# Members


def joint_add_member(
    *, actor: User, joint_id: int, expected_version: int | None, case_id: int, source: str = ""
) -> JointHandling:
    """Add an open demand: it is brought up to the joint handling's stage (accepted, assigned to
    its departments with its deadline, signed for, answered with its answer)."""
    with transaction.atomic():
        joint = _lock(actor, joint_id)
        concurrency.check_version(joint, expected_version)
        require(may_coordinate(actor, joint), MEMBERS_REFUSED)
        if joint.status == Status.ANSWERED and not is_open(joint):
            raise StepRefused("联合办理已全部办结，不能再加入诉求")
        if joint.extension == Extension.REQUESTED:
            raise StepRefused("联合办理的延期申请待审批，审批后再加入诉求")
        case = concurrency.lock(selectors.case_queryset(user=actor), case_id, related=selectors.CASE_RELATED)
        errors = check_joinable(actor, case)
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(joint)
        _join(joint, case, actor=actor, source=source)
        if case.status == Status.SUBMITTED:
            case = _take_on(joint, Step.ACCEPT, case, actor=actor, source=source, quiet=True)
        if joint.status != Status.RETURNED:
            day = timezone.localtime(joint.deadline).date() if joint.deadline else None
            if day is not None and day < timezone.localdate():
                day = None  # past its deadline: the newcomer gets the rules' own
            arguments = _routing_arguments(joint, day)
            case = _take_on(joint, Step.ASSIGN, case, actor=actor, source=source, quiet=True, **arguments)
            # Its departments hear once that the joint handling has one more demand (not of a
            # new assignment: they already work the joint handling).
            notify_departments(
                case,
                f"联合办理新增诉求 #{case.pk}（{case.enterprise.name if case.enterprise else ''}），"
                f"请一并办理：{case.title}",
                joint=(joint, Case.objects.filter(joint_handling=joint).count()),
            )
            if joint.status in (Status.IN_PROGRESS, Status.ANSWERED):
                case = _take_on(
                    joint,
                    Step.START,
                    case,
                    actor=actor,
                    source=source,
                    quiet=True,
                    replay=True,
                    comment="随联合办理签收",
                )
            if joint.status == Status.ANSWERED:
                case = _take_on(
                    joint,
                    Step.ANSWER,
                    case,
                    actor=actor,
                    source=source,
                    quiet=True,
                    replay=True,
                    answer=joint.answer,
                    outcome=joint.outcome,
                    outcome_reason=joint.outcome_reason,
                )
        _save(joint, actor=actor, before=before, fields=[], source=source)
        audit.record(
            actor=actor,
            instance=joint,
            action=AuditEntry.Action.UPDATE,
            changes={"members": [None, case.pk]},
            source=source,
        )
        _entry(joint, actor, JointEvent.ADD, comment=f"#{case.pk}《{case.title}》", data={"case": case.pk})
    return joint


def joint_remove_member(
    *,
    actor: User,
    joint_id: int,
    expected_version: int | None,
    case_id: int,
    reason: str,
    source: str = "",
) -> JointHandling:
    """Take a demand out: it keeps its history; one still being worked goes back to the
    coordinator's queue as returned (to be assigned alone), one answered or closed stays so."""
    with transaction.atomic():
        joint = _lock(actor, joint_id)
        concurrency.check_version(joint, expected_version)
        require(may_coordinate(actor, joint), MEMBERS_REFUSED)
        reason = clean_comment(reason, required="请写明移出的理由", field_name="reason")
        members = _members(joint)
        case = next((m for m in members if m.pk == int(case_id)), None)
        if case is None:
            raise ValidationFailed([FieldError("case", f"#{case_id} 不是该联合办理的成员")])
        if len(members) <= 1:
            raise StepRefused("联合办理至少保留一件诉求")
        before = _snapshot(joint)
        case = concurrency.lock(selectors.case_queryset(user=actor), case.pk, related=selectors.CASE_RELATED)
        t = Taken.open(case, actor=actor, step=Step.LEAVE_JOINT, source=source)
        case.joint_handling = None
        if case.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED):
            # Back to the coordinator to be assigned alone; not a department's return.
            moment = now()
            case.status = Status.RETURNED
            if case.extension == Extension.REQUESTED:
                case.extension = Extension.NONE
            set_clock(case, start=moment, due=deadlines.response_deadline(WorkingCalendar(), case, moment).at)
            t.notify(notify_coordinators, case, f"事项已移出联合办理，请重新交办：{case.title}")
        t.record(comment=reason, data={"joint_handling": joint.pk}, internal=True, attachments=())
        t.finish()
        _save(joint, actor=actor, before=before, fields=[], source=source)
        audit.record(
            actor=actor,
            instance=joint,
            action=AuditEntry.Action.UPDATE,
            changes={"members": [case.pk, None]},
            source=source,
        )
        _entry(
            joint,
            actor,
            JointEvent.REMOVE,
            comment=f"#{case.pk}《{case.title}》：{reason}",
            data={"case": case.pk},
        )
    return joint


# ---------------------------------------------------------------------------------------------
# Policy questions


def joint_mark_policy(
    *,
    actor: User,
    joint_id: int,
    expected_version: int | None,
    policy_question: bool,
    note: str = "",
    source: str = "",
) -> JointHandling:
    """Mark (or unmark) a joint handling as a policy question: no department can solve it case
    by case, so whoever keeps the policies sees it (selectors.policy_questions)."""
    with transaction.atomic():
        joint = _lock(actor, joint_id)
        concurrency.check_version(joint, expected_version)
        require(may_coordinate(actor, joint) or is_lead_handler(actor, joint), POLICY_REFUSED)
        note = (note or "").strip()
        errors = length_errors(JointHandling, {"policy_note": note})
        if policy_question and not note:
            errors.append(FieldError("note", "请说明需要怎样的政策（如：哪项规定需调整）"))
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(joint)
        joint.policy_question = policy_question
        joint.policy_note = note if policy_question else ""
        joint.policy_marked_at = now() if policy_question else None
        _save(
            joint,
            actor=actor,
            before=before,
            fields=["policy_question", "policy_note", "policy_marked_at"],
            source=source,
        )
        _entry(
            joint,
            actor,
            JointEvent.POLICY,
            comment=note if policy_question else "取消政策性问题标记",
            data={"policy_question": policy_question},
        )
    return joint
