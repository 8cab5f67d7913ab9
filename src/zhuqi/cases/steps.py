"""The steps a case takes, each its own body inside `taking` (the shared prologue and epilogue,
cases/taking.py), by the table in cases/workflow.py. A refused step says which steps are
allowed from here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuqi.cases import deadlines, selectors, workflow
from zhuqi.cases.models import (
    Case,
    Closure,
    Complexity,
    Extension,
    JointEvent,
    JointStep,
    Kind,
    Outcome,
    RejectionReason,
    RoutingRule,
    Status,
    Step,
    UnresolvableReason,
    deadline_text,
)
from zhuqi.cases.taking import (
    StepInput,
    Taken,
    clean_comment,
    future_date,
    lock,
    notify_coordinators,
    notify_departments,
    notify_enterprise,
    now,
    parse_choice,
    record_step,
    set_clock,
    set_deadline,
    taking,
)
from zhuqi.cases.workflow import StepRefused, is_lead_handler
from zhuqi.core.errors import FieldError, StaleWrite, ValidationFailed, require
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors, limit
from zhuqi.core.uploads import check_uploads
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import Department, User
from zhuqi.notifications.models import Notice

RATING_SATISFIED = 4  # 4–5 count as satisfied
RATING_UNSATISFIED = 2  # 1–2 reopen the case


# ---------------------------------------------------------------------------------------------
# Coordinator steps


def case_accept(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    with taking(Step.ACCEPT, actor, case_id, expected_version, step, source) as t:
        case, moment = t.case, now()
        case.status = Status.ACCEPTED
        case.accepted_at = moment
        # Accepted, now to be routed: the coordinator stays on the clock until it is assigned.
        set_clock(case, start=moment, due=deadlines.response_deadline(WorkingCalendar(), case, moment).at)
        t.record(comment=clean_comment(t.input.comment))
        t.notify(notify_enterprise, case, f"您的诉求已受理：{case.title}")
    return t.case


def _survivor(actor: User, case: Case, duplicate_of_id: int | None) -> Case:
    """The case a duplicate is merged into, locked: one the actor sees, still being handled."""
    if duplicate_of_id is None:
        raise ValidationFailed([FieldError("duplicate_of", "重复诉求须指明并入哪件事项")])
    survivor = (
        selectors.case_queryset(user=actor).select_for_update(of=("self",)).filter(pk=duplicate_of_id).first()
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
    return survivor


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
    with taking(Step.REJECT, actor, case_id, expected_version, step, source) as t:
        case = t.case
        reason = parse_choice(reason, RejectionReason, "reason")
        comment = clean_comment(
            t.input.comment, required="请写明不予受理的理由" if reason != RejectionReason.DUPLICATE else ""
        )
        survivor = _survivor(actor, case, duplicate_of_id) if reason == RejectionReason.DUPLICATE else None
        case.status = Status.REJECTED
        case.rejection_reason = reason
        case.duplicate_of = survivor
        case.closed_at = now()
        set_clock(case, start=None, due=None)
        t.record(comment=comment, data={"reason": reason, "duplicate_of": survivor.pk if survivor else None})
        if survivor is None:
            t.notify(
                notify_enterprise, case, f"您的诉求未予受理（{RejectionReason(reason).label}）：{case.title}"
            )
            return case
        t.record(
            on=survivor,
            step=Step.MERGE,
            from_status=survivor.status,
            comment=f"并入 #{case.pk}《{case.title}》"
            + (f"（{case.enterprise}）" if case.enterprise else ""),
            data={"merged": case.pk},
            attachments=(),
            # The survivor may be another enterprise's demand: it must not learn who else asked.
            internal=True,
        )
        if survivor.enterprise_id == case.enterprise_id:
            t.notify(notify_enterprise, case, f"您的诉求已并入 #{survivor.pk}《{survivor.title}》一并办理")
        else:
            # Another enterprise's demand: not theirs to open, nor to learn who else asked.
            t.notify(
                notify_enterprise, case, f"您的诉求已与同类诉求合并办理，答复将由营商办告知：{case.title}"
            )
    return t.case


@dataclass
class Routing:
    """Where an assignment sends a case, read and checked: the lead and co-departments (by the
    routing catalogue's `rule` when none was named), the deadline given and the complexity."""

    lead: Department
    co: list[Department]
    deadline: datetime.date | None
    complexity: str = ""
    rule: RoutingRule | None = None


def _department_in_reach(actor: User, department: Department) -> bool:
    return code_within(jurisdiction_code(actor), department.region_id)


def resolve_routing(
    case: Case,
    *,
    actor: User,
    lead_department_id: int | None,
    co_department_ids: Sequence[int] = (),
    deadline: datetime.date | None = None,
    complexity: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Routing:
    """The departments and deadline an assignment names, or the routing catalogue's; every
    problem refused at once."""
    rule = None
    if lead_department_id is None:
        rule = selectors.route(case)
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
            complexity = parse_choice(complexity, Complexity, "complexity")
        except ValidationFailed as failure:
            errors += failure.errors
    if deadline is not None:
        try:
            future_date(deadline, "deadline")
        except ValidationFailed as failure:
            errors += failure.errors
    errors += check_uploads(attachments)
    if errors:
        raise ValidationFailed(errors)
    assert lead is not None
    return Routing(lead=lead, co=co, deadline=deadline, complexity=complexity, rule=rule)


def assign(t: Taken, routing: Routing, *, comment: str = "", calendar: WorkingCalendar | None = None) -> None:
    """The assignment itself (the body of the assign step, and of a filing that names its
    departments): the lead department's clock started by the deadline given or the policy's."""
    case, moment, calendar = t.case, now(), calendar or WorkingCalendar()
    if routing.complexity:
        case.complexity = routing.complexity
        # As it always was: the complexity chosen at assignment is not in the audit entry's diff.
        t.before["complexity"] = case.complexity
    if case.kind == Kind.DEMAND and case.accepted_at is None:
        case.accepted_at = moment
    case.status = Status.ASSIGNED
    case.lead_department = routing.lead
    case.assigned_at = moment
    case.started_at = None
    case.responded_on_time = None
    case.extension = Extension.NONE
    case.response_due = deadlines.response_deadline(calendar, case, moment).at
    due = (
        deadlines.explicit_deadline(calendar, moment, routing.deadline)
        if routing.deadline
        else deadlines.answer_deadline(calendar, case, moment)
    )
    set_deadline(case, due, start=moment, explicit=routing.deadline is not None)
    t.after_save.append(lambda: case.co_departments.set(routing.co))
    t.record(
        comment=comment,
        data={
            "lead_department": routing.lead.name,
            "co_departments": [d.name for d in routing.co],
            "deadline": timezone.localtime(case.deadline).isoformat() if case.deadline else None,
            "routed_by_catalogue": routing.rule is not None,
        },
    )
    kind_word = "整改" if case.kind == Kind.HAZARD else "办理"
    t.notify(
        notify_departments,
        case,
        f"新交办事项，请于 {timezone.localtime(case.deadline):%m月%d日%H:%M} 前{kind_word}：{case.title}",
    )
    if case.kind == Kind.HAZARD and case.enterprise_id:
        # The enterprise rectifies: it hears of its hazard now, not at the re-inspection.
        t.notify(
            notify_enterprise,
            case,
            f"安全隐患整改通知：请于 {deadline_text(case.deadline)} 前整改到位（{case.title}）",
            body=hazard_order(case, requirement=comment),
            liaisons=True,
        )


# How the enterprise reports its rectification, in every notice that asks for one.
HOW_TO_REPORT = (
    "整改完成后，请打开本通知链接的事项页面，点“报告整改完成”，写明整改情况并附上整改后的照片或材料；"
    "部门复查通过后予以销号。"
)


def hazard_order(case: Case, *, requirement: str = "") -> str:
    """What a hazard's enterprise is told when it is ordered to rectify it: the hazard, what was
    seen, the rule breached, what is required, by when, and how to report it done."""
    lines = [
        f"隐患：{case.title}",
        f"隐患情况：{case.evidence}",
        f"违反的规定：{case.rule_breached}",
        f"整改要求：{requirement or '对照上述规定整改到位，消除隐患'}",
        f"整改期限：{deadline_text(case.deadline)} 前",
    ]
    if case.lead_department:
        lines.append(f"负责复查的部门：{case.lead_department.name}")
    return "\n".join([*lines, HOW_TO_REPORT])


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
    with taking(Step.ASSIGN, actor, case_id, expected_version, step, source) as t:
        comment = clean_comment(t.input.comment)
        routing = resolve_routing(
            t.case,
            actor=actor,
            lead_department_id=lead_department_id,
            co_department_ids=list(co_department_ids or ()),
            deadline=deadline,
            complexity=complexity,
            attachments=t.input.attachments,
        )
        assign(t, routing, comment=comment)
    return t.case


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
    with taking(Step.DECIDE_EXTENSION, actor, case_id, expected_version, step, source) as t:
        case = t.case
        comment = clean_comment(t.input.comment, required="" if approve else "请写明不同意延期的理由")
        data: dict[str, Any] = {"approved": approve}
        if approve:
            current = timezone.localtime(case.deadline).date() if case.deadline else None
            day = future_date(
                new_deadline or case.extension_requested_deadline, "new_deadline", after=current
            )
            case.extension = Extension.APPROVED
            start = case.assigned_at or now()
            set_deadline(
                case, deadlines.explicit_deadline(WorkingCalendar(), start, day), start=start, explicit=True
            )
            data["deadline"] = str(day)
        else:
            case.extension = Extension.REFUSED
        t.record(comment=comment, data=data, internal=True)
        t.notify(
            notify_departments,
            case,
            f"延期申请{'已批准，新时限 ' + data['deadline'] if approve else '未批准'}：{case.title}",
            co=False,
        )
    return t.case


def case_reopen(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    deadline: datetime.date | None = None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    with taking(Step.REOPEN, actor, case_id, expected_version, step, source) as t:
        comment = clean_comment(t.input.comment, required="请写明重新办理的理由")
        _restart(t.case, deadline=deadline)
        t.record(
            comment=comment,
            data={"deadline": str(timezone.localtime(t.case.deadline).date()) if t.case.deadline else None},
        )
        t.notify(notify_departments, t.case, f"事项重新办理：{t.case.title}", co=False)
        if t.case.kind == Kind.HAZARD:
            # A closed hazard reopened is the enterprise's to rectify again.
            t.notify(
                notify_enterprise,
                t.case,
                f"隐患须重新整改，请于 {deadline_text(t.case.deadline)} 前整改到位：{t.case.title}",
                body=hazard_order(t.case, requirement=comment),
                liaisons=True,
            )
    return t.case


def _restart(case: Case, *, deadline: datetime.date | None) -> None:
    """Back to the lead department with a fresh deadline (given, or by policy from now)."""
    if deadline is not None:
        future_date(deadline, "deadline")
    moment, calendar = now(), WorkingCalendar()
    if case.status == Status.CLOSED:
        case.reopen_count += 1
    case.status = Status.IN_PROGRESS
    case.closed_at = None
    case.working_days_to_close = None
    case.closure = ""
    case.auto_close_at = None
    due = (
        deadlines.explicit_deadline(calendar, moment, deadline)
        if deadline
        else deadlines.answer_deadline(calendar, case, moment)
    )
    set_deadline(case, due, start=moment, explicit=deadline is not None)


# ---------------------------------------------------------------------------------------------
# Department steps


def _mark_started(case: Case, moment: datetime.datetime) -> None:
    if case.started_at is None:
        case.started_at = moment
        case.responded_on_time = case.response_due is None or moment <= case.response_due


def _mark_closed(case: Case, moment: datetime.datetime) -> None:
    case.closed_at = moment
    # Counted from the (last) assignment, which a reopening does not move: reopening and
    # closing again makes a case slower, never faster.
    case.working_days_to_close = deadlines.working_days_to_close(WorkingCalendar(), case.assigned_at, moment)


def case_start(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    """The lead department signs for the case (签收) and has made contact."""
    with taking(Step.START, actor, case_id, expected_version, step, source) as t:
        t.case.status = Status.IN_PROGRESS
        _mark_started(t.case, now())
        t.record(comment=clean_comment(t.input.comment))
    return t.case


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
    with taking(Step.RETURN, actor, case_id, expected_version, step, source) as t:
        case = t.case
        comment = clean_comment(
            t.input.comment, required="请写明退回的理由（如：不属于本部门职责，应由哪个部门办理）"
        )
        workflow.check_window(case, Step.RETURN)
        moment = now()
        case.status = Status.RETURNED
        case.returned_count += 1
        # The coordinator is on the clock to reassign it.
        set_clock(case, start=moment, due=deadlines.response_deadline(WorkingCalendar(), case, moment).at)
        t.record(
            comment=comment,
            internal=True,
            data={"department": case.lead_department.name if case.lead_department else ""},
        )
        t.notify(notify_coordinators, case, f"事项被退回，请重新交办：{case.title}")
    return t.case


def case_request_extension(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    requested_deadline: datetime.date | None,
    step: StepInput | None = None,
    source: str = "",
) -> Case:
    with taking(Step.REQUEST_EXTENSION, actor, case_id, expected_version, step, source) as t:
        case = t.case
        comment = clean_comment(
            t.input.comment, required="请写明延期理由", maximum=limit(Case, "extension_reason")
        )
        current = timezone.localtime(case.deadline).date() if case.deadline else timezone.localdate()
        day = future_date(requested_deadline, "requested_deadline", after=current)
        workflow.check_window(case, Step.REQUEST_EXTENSION)
        case.extension = Extension.REQUESTED
        case.extension_reason = comment
        case.extension_requested_deadline = day
        t.record(comment=comment, data={"requested_deadline": str(day)}, internal=True)
        t.notify(notify_coordinators, case, f"延期申请待审批（申请延至 {day}）：{case.title}")
    return t.case


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
    with taking(Step.ANSWER, actor, case_id, expected_version, step, source) as t:
        case = t.case
        errors = []
        answer = (answer or "").strip()
        if not answer:
            errors.append(FieldError("answer", "请写明答复内容"))
        errors += length_errors(Case, {"answer": answer})
        try:
            outcome = parse_choice(outcome, Outcome, "outcome")
            if outcome == Outcome.NOT_RESOLVABLE:
                outcome_reason = parse_choice(outcome_reason, UnresolvableReason, "outcome_reason")
            else:
                outcome_reason = ""
        except ValidationFailed as failure:
            errors += failure.errors
        errors += check_uploads(t.input.attachments)
        if errors:
            raise ValidationFailed(errors)
        moment = now()
        _mark_started(case, moment)
        case.status = Status.ANSWERED
        case.answer = answer
        case.outcome = outcome
        case.outcome_reason = outcome_reason
        case.answered_at = moment
        if case.first_answered_at is None:
            case.first_answered_at = moment
            case.answered_on_time = case.deadline is None or moment <= case.deadline
        case.auto_close_at = deadlines.after_working_days(
            WorkingCalendar(), moment, deadlines.NOT_RATED_AFTER_DAYS
        ).at
        # Waiting for the enterprise: nobody in government is on the clock.
        set_clock(case, start=None, due=None)
        t.record(comment=answer, data={"outcome": outcome, "outcome_reason": outcome_reason})
        t.notify(
            notify_enterprise,
            case,
            f"您的诉求已答复，请在 {deadlines.NOT_RATED_AFTER_DAYS} 个工作日内确认并评价：{case.title}",
        )
    return t.case


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
    with taking(Step.REPORT_COMPLETION, actor, case_id, expected_version, step, source) as t:
        case = t.case
        report = clean_comment(report, required="请写明完成（整改）情况", field_name="report")
        errors = check_uploads(t.input.attachments)
        if errors:
            raise ValidationFailed(errors)
        moment = now()
        if is_lead_handler(actor, case):
            _mark_started(case, moment)
        case.status = Status.COMPLETION_REPORTED
        case.answer = report
        case.completion_reported_at = moment
        case.completion_reported_by = actor if actor.pk else None
        if case.first_answered_at is None:
            case.first_answered_at = moment
            case.answered_on_time = case.deadline is None or moment <= case.deadline
        set_clock(case, start=None, due=None)
        t.record(comment=report)
        if case.kind == Kind.INSTRUCTION:
            t.notify(notify_coordinators, case, f"交办事项已报告完成，请验收：{case.title}")
        else:
            t.notify(notify_departments, case, f"隐患已报告整改完成，请复查：{case.title}", co=False)
    return t.case


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
    with taking(Step.VERIFY, actor, case_id, expected_version, step, source) as t:
        case = t.case
        comment = clean_comment(t.input.comment, required="" if passed else "请写明未通过的原因")
        if passed:
            case.status = Status.CLOSED
            case.closure = Closure.VERIFIED
            case.outcome = Outcome.RESOLVED
            _mark_closed(case, now())
            set_clock(case, start=None, due=None)
            t.record(comment=comment, data={"passed": True})
            if case.kind == Kind.HAZARD:
                t.notify(
                    notify_enterprise,
                    case,
                    f"隐患整改已复查通过，予以销号：{case.title}",
                    body=f"{case.title}\n复查意见：{comment}" if comment else case.title,
                    liaisons=True,
                )
            return case
        if case.kind == Kind.HAZARD and deadline is None:
            raise ValidationFailed([FieldError("deadline", "复查未通过，请给出新的整改期限")])
        _restart(case, deadline=deadline)
        # What the timeline shows: why it did not pass, and the deadline it now runs to.
        t.record(
            comment=comment,
            data={
                "passed": False,
                "reason": comment,
                "deadline": str(timezone.localtime(case.deadline).date()) if case.deadline else None,
            },
        )
        t.notify(
            notify_departments,
            case,
            f"{'验收' if case.kind == Kind.INSTRUCTION else '复查'}未通过，请继续办理：{case.title}",
            co=False,
        )
        if case.kind == Kind.HAZARD:
            t.notify(
                notify_enterprise,
                case,
                f"隐患整改复查未通过，请于 {deadline_text(case.deadline)} 前整改到位：{case.title}",
                body="\n".join(
                    [
                        f"隐患：{case.title}",
                        f"未通过原因：{comment}",
                        f"新的整改期限：{deadline_text(case.deadline)} 前",
                        HOW_TO_REPORT,
                    ]
                ),
                liaisons=True,
            )
    return t.case


# ---------------------------------------------------------------------------------------------
# Enterprise steps


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
    with taking(Step.CONFIRM, actor, case_id, expected_version, step, source) as t:
        case = t.case
        # The workflow let them: the enterprise itself, or its liaison officer recording for it.
        on_behalf = actor.role == Role.LIAISON
        if rating is None or not 1 <= rating <= 5:
            raise ValidationFailed([FieldError("rating", "请给出 1 到 5 的评价")])
        comment = clean_comment(
            t.input.comment,
            required="请说明不满意的原因，以便部门重新办理" if rating <= RATING_UNSATISFIED else "",
            maximum=limit(Case, "rating_comment"),
        )
        case.ratings_given += 1
        if rating >= RATING_SATISFIED:
            case.satisfied_ratings += 1
        case.rating = rating
        case.rating_comment = comment
        data = {"rating": rating, "on_behalf": on_behalf}
        if rating <= RATING_UNSATISFIED:
            case.unsatisfied_count += 1
            _restart(case, deadline=None)
            t.record(comment=comment, data=data)
            _leave_joint_handling(t, rating)
            t.notify(
                notify_departments,
                case,
                f"企业对答复不满意（{rating} 分），请重新办理：{case.title}",
                co=False,
            )
            t.notify(
                notify_coordinators, case, f"企业不满意，事项已退回重办：{case.title}", kind=Notice.Kind.INFO
            )
            return case
        case.status = Status.CLOSED
        case.closure = Closure.CONFIRMED
        _mark_closed(case, now())
        case.auto_close_at = None
        t.record(comment=comment, data=data)
    return t.case


def _leave_joint_handling(t: Taken, rating: int) -> None:
    """An enterprise unhappy with a joint handling's answer: its own case is worked again, alone,
    by the same lead department (the other enterprises' ratings stand, and the joint handling is
    not reopened for everyone). It leaves the joint handling, whose timeline says so: kept in,
    its steps would still be refused to it and its department would have to reopen the whole
    group to answer one enterprise."""
    case = t.case
    joint_id = case.joint_handling_id
    if joint_id is None:
        return
    case.joint_handling = None
    t.record(
        on=case,
        step=Step.LEAVE_JOINT,
        from_status=case.status,
        comment="企业对联合办理的答复不满意，转为单独办理",
        data={"joint_handling": joint_id},
        attachments=(),
    )
    actor, moment = t.actor, now()
    t.after_save.append(
        lambda: JointStep.objects.create(
            joint_id=joint_id,
            step=JointEvent.LEFT,
            actor=actor if actor.pk else None,
            actor_name=str(actor),
            at=moment,
            comment=f"#{case.pk}：企业不满意（{rating} 分），转为单独办理",
            data={"case": case.pk, "rating": rating},
        )
    )


@transaction.atomic
def case_note(*, actor: User, case_id: int, step: StepInput, source: str = "") -> Case:
    """Add a comment or attachments without changing the state (a co-department's opinion, an
    enterprise's supplement). Anyone who can see the case may; no version needed, nothing is
    overwritten."""
    case = lock(actor, case_id)
    require(actor.role != Role.AUDITOR, "审计员只能查看，不能补充说明")
    comment = clean_comment(step.comment, required="" if step.attachments else "请填写说明或上传附件")
    errors = check_uploads(step.attachments)
    if errors:
        raise ValidationFailed(errors)
    record_step(
        case,
        actor=actor,
        step=Step.NOTE,
        from_status=case.status,
        comment=comment,
        attachments=step.attachments,
        # What government offices note to each other is not the enterprise's to read; what the
        # enterprise (or its liaison officer, for it) adds is shared.
        internal=actor.role not in (Role.ENTERPRISE, Role.LIAISON),
    )
    return case


# The service each step's page form and API endpoint call, by the table's step.
TAKE: dict[str, Callable[..., Case]] = {
    Step.ACCEPT: case_accept,
    Step.REJECT: case_reject,
    Step.ASSIGN: case_assign,
    Step.START: case_start,
    Step.RETURN: case_return,
    Step.REQUEST_EXTENSION: case_request_extension,
    Step.DECIDE_EXTENSION: case_decide_extension,
    Step.ANSWER: case_answer,
    Step.CONFIRM: case_confirm,
    Step.REPORT_COMPLETION: case_report_completion,
    Step.VERIFY: case_verify,
    Step.REOPEN: case_reopen,
}


def take(name: str, /, *, fields: dict[str, Any], **common: Any) -> Case:
    """Take the step `name` with the request's `fields` (by the table's field names) and the
    arguments every step takes (actor, case_id, expected_version, step, source)."""
    arguments = {argument: fields.get(field) for argument, field in workflow.STEPS[name].fields.items()}
    return TAKE[name](**common, **arguments)
