"""The deadline sweep: colours the clocks, counts the working days late and escalates late cases
level by level (催办 → 督办 → 通报), closes answers nobody rated.

Run by a periodic background task. Idempotent: running it twice, or on two machines at once,
changes nothing the first run did not (each case is locked while it is escalated, and each
notice has a key). It bumps no version: it never competes with a person's step.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from zhuqi.cases import deadlines, selectors, tallies
from zhuqi.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseStep,
    Closure,
    Escalation,
    JointHandling,
    Kind,
    Status,
    Timeliness,
    deadline_text,
    escalation_rank,
)
from zhuqi.cases.steps import HOW_TO_REPORT
from zhuqi.cases.taking import case_facts, joint_facts, joint_label, joint_link
from zhuqi.core import audit
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.directory.models import Region, User, system_user
from zhuqi.notifications.models import Notice
from zhuqi.notifications.services import Message, notify, notify_many

# The clock is the coordinator's in these states (to accept, route or reassign), else the department's.
COORDINATOR_CLOCK = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED})
BATCH = 500


@dataclass
class SweepReport:
    amber: int = 0
    red: int = 0
    escalated: int = 0
    flagged: int = 0
    closed_not_rated: int = 0
    hazard_reminders: int = 0  # notices to hazards' enterprises: the deadline near, or passed
    provisional_years: list[int] = field(default_factory=list)


def _audit_bulk(case_ids: list[int], changes: dict[str, list[object]]) -> None:
    """The same change on many cases."""
    _audit_each([(pk, changes) for pk in case_ids])


def _colour(now: datetime.datetime, report: SweepReport) -> None:
    with transaction.atomic():
        red = list(
            Case.objects.filter(due_at__lt=now)
            .exclude(timeliness=Timeliness.RED)
            .values_list("pk", flat=True)
        )
        for start in range(0, len(red), BATCH):
            chunk = red[start : start + BATCH]
            # A bulk write sends no signals: the open tallies' marked-late counts are told.
            with tallies.tracking(chunk):
                report.red += Case.objects.filter(pk__in=chunk, due_at__lt=now).update(
                    timeliness=Timeliness.RED
                )
            _audit_bulk(chunk, {"timeliness": ["", Timeliness.RED]})
            report.hazard_reminders += _remind_enterprises(chunk, late=True)
        amber = list(
            Case.objects.filter(amber_at__lte=now, timeliness=Timeliness.NORMAL, due_at__gte=now).values_list(
                "pk", flat=True
            )
        )
        for start in range(0, len(amber), BATCH):
            chunk = amber[start : start + BATCH]
            # Untracked: amber counts in no tally (only red does, as marked late).
            report.amber += Case.objects.filter(pk__in=chunk, timeliness=Timeliness.NORMAL).update(
                timeliness=Timeliness.AMBER
            )
            _audit_bulk(chunk, {"timeliness": [Timeliness.NORMAL, Timeliness.AMBER]})
            report.hazard_reminders += _remind_enterprises(chunk, late=False)


# A hazard's rectification runs in these states: the enterprise is the one on the clock.
RECTIFYING = (Status.ASSIGNED, Status.IN_PROGRESS)


def hazard_reminder_key(case_id: int, due_at: datetime.datetime, *, late: bool) -> str:
    """One reminder per hazard, deadline and kind (near, passed): a new deadline (a failed
    re-inspection) is reminded afresh."""
    return f"hazard-{case_id}-{'late' if late else 'amber'}-{due_at.astimezone(SHANGHAI):%Y%m%d%H%M}"


def _remind_enterprises(case_ids: list[int], *, late: bool) -> int:
    """Of these cases just turned amber (or red), the hazards being rectified: their enterprise,
    and the liaison officers assigned to it, hear that the rectification deadline is near (or has
    passed) and how to report it done. In three queries, whatever the batch; once each per
    deadline, however often the sweep runs (the notice's key)."""
    hazards = list(
        Case.objects.filter(
            pk__in=case_ids, kind=Kind.HAZARD, status__in=RECTIFYING, enterprise__isnull=False
        ).values_list("pk", "title", "due_at", "enterprise_id")
    )
    if not hazards:
        return 0
    enterprise_ids = {enterprise_id for *_, enterprise_id in hazards}
    people: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids):
        people.setdefault(user.enterprise_id or 0, []).append(user)
    for enterprise_id, liaisons in selectors.enterprise_liaisons(enterprise_ids).items():
        people.setdefault(enterprise_id, []).extend(liaisons)
    messages = []
    for pk, title, due_at, enterprise_id in hazards:
        assert due_at is not None  # amber or red: its clock runs
        due = deadline_text(due_at)
        if late:
            heading = f"隐患整改已逾期（整改期限 {due}），请尽快整改到位并报告：{title}"
            first = f"隐患“{title}”的整改期限 {due} 已过，尚未报告整改完成。"
        else:
            heading = f"隐患整改期限临近，请于 {due} 前整改到位：{title}"
            first = f"隐患“{title}”须于 {due} 前整改到位，期限临近。"
        messages.append(
            Message(
                recipients=tuple(people.get(enterprise_id, ())),
                title=heading,
                body=f"{first}\n{HOW_TO_REPORT}",
                link=f"/cases/{pk}/",
                kind=Notice.Kind.REMINDER,
                key=hazard_reminder_key(pk, due_at, late=late),
            )
        )
    return notify_many(messages)


class _Recipients:
    """Who hears of a late case, looked up once per region and department per sweep."""

    def __init__(self) -> None:
        self.coordinators: dict[str, list[User]] = {}
        self.leaders: dict[str, list[User]] = {}
        self.handlers: dict[int, list[User]] = {}

    def for_case(self, case: Case, level: str) -> list[User]:
        return self._for(case.region, case.lead_department_id, case.status, level)

    def for_joint(self, joint: JointHandling, status: str, level: str) -> list[User]:
        """A joint handling's offices: the coordinators and leaders of its region (those who
        answer for it), its lead department's handlers while the clock is theirs."""
        return self._for(joint.region, joint.lead_department_id, status, level)

    def _for(self, region: Region, department_id: int | None, status: str, level: str) -> list[User]:
        if region.code not in self.coordinators:
            self.coordinators[region.code] = list(selectors.region_coordinators(region))
        people = list(self.coordinators[region.code])
        if status not in COORDINATOR_CLOCK and department_id:
            if department_id not in self.handlers:
                self.handlers[department_id] = list(selectors.department_handlers([department_id]))
            people += self.handlers[department_id]
        if deadlines.escalation_at_least(level, Escalation.SUPERVISION):
            if region.code not in self.leaders:
                self.leaders[region.code] = list(selectors.region_leaders(region))
            people += self.leaders[region.code]
        return people


def _audit_each(changes: list[tuple[int, dict[str, list[object]]]]) -> None:
    """The cases are changed by key (UPDATE … WHERE pk IN …), never loaded: each entry names its
    case by number."""
    audit.record_each(
        actor=None,
        action=AuditEntry.Action.UPDATE,
        changes=((audit.Ref(Case, pk, f"#{pk}"), changed) for pk, changed in changes),
        source="sweep",
    )


# What each escalation level tells the people who hear of it.
LEVEL_ACTIONS = {
    Escalation.REMINDER: "予以催办，请尽快办理",
    Escalation.SUPERVISION: "转入督办，已告知本地区领导",
    Escalation.NOTICE: "列入调度会通报",
}


def escalation_key(case: Case, level: str) -> str:
    """One notice per case, deadline and level: running again sends nothing twice, and a case
    late again on a new deadline (reopened, sent back) is reminded afresh."""
    assert case.due_at is not None
    return f"case-{case.pk}-{level}-{case.due_at.astimezone(SHANGHAI):%Y%m%d%H%M}"


def joint_escalation_key(joint_id: int, level: str, due_at: datetime.datetime) -> str:
    """One notice per joint handling, deadline and level, however many of its members are late
    (and whichever batch or sweep reaches them first): its members run on one clock."""
    return f"joint-{joint_id}-{level}-{due_at.astimezone(SHANGHAI):%Y%m%d%H%M}"


@dataclass
class _JointLate:
    """The members of one joint handling that reached a level on one deadline in a batch: the
    offices hear of them in one message."""

    joint: JointHandling
    status: str
    level: Escalation
    due_at: datetime.datetime
    comment: str


def _joint_messages(
    groups: dict[tuple[int, str, datetime.datetime], _JointLate],
    now: datetime.datetime,
    recipients: _Recipients,
) -> list[Message]:
    """One message per joint handling, level and deadline, to its offices, naming the joint
    handling and how many of its demands are late on that deadline (one query for the batch)."""
    if not groups:
        return []
    late = Counter(
        (joint_id, due_at)
        for joint_id, due_at in Case.objects.filter(
            joint_handling_id__in={joint_id for joint_id, _, _ in groups},
            status__in=sorted(OPEN_STATUSES),
            due_at__lt=now,
        ).values_list("joint_handling_id", "due_at")
    )
    messages = []
    for (joint_id, level, due_at), group in groups.items():
        joint = group.joint
        members = late[(joint_id, due_at)] or 1
        label = Escalation(level).label
        department = group.status not in COORDINATOR_CLOCK and joint.lead_department_id
        messages.append(
            Message(
                recipients=tuple(recipients.for_joint(joint, group.status, level)),
                title=f"【{label}】{joint_label(joint, members)}",
                body=f"{group.comment}\n联合办理的 {members:,} 件诉求一并督促，请在联合办理页面统一办理。",
                link=joint_link(joint_id),
                kind=Notice.Kind.REMINDER if level == Escalation.REMINDER else Notice.Kind.ESCALATION,
                key=joint_escalation_key(joint_id, level, due_at),
                department_ids=(joint.lead_department_id,) if department and joint.lead_department_id else (),
                region_ids=(joint.region_id,),
                facts=joint_facts(joint, members),
            )
        )
    return messages


def _escalate_batch(
    case_ids: list[int],
    calendar: WorkingCalendar,
    now: datetime.datetime,
    today_start: datetime.datetime,
    recipients: _Recipients,
    report: SweepReport,
) -> None:
    """Count the working days late of a batch of late cases and raise their escalation level
    where the count has reached the next threshold, in one transaction and a fixed number of
    queries: the cases locked (those another sweep holds are skipped), their counts and levels,
    audit entries, timeline steps and notices written in bulk. A joint handling's members are
    each escalated as if handled alone; their offices get one notice per joint handling and
    level (one more query for the batch)."""
    today = now.astimezone(SHANGHAI).date()
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "region",
                "enterprise",
                "lead_department",
                "joint_handling__region",
                "joint_handling__lead_department",
            )
            .filter(pk__in=case_ids, due_at__lt=now)
            .exclude(escalated_at__gte=today_start)
        )
        changed: list[Case] = []
        audits: list[tuple[int, dict[str, list[object]]]] = []
        steps: list[CaseStep] = []
        messages: list[Message] = []
        joints: dict[tuple[int, str, datetime.datetime], _JointLate] = {}
        for case in cases:
            assert case.due_at is not None
            late_days = deadlines.working_days_late(calendar, case.due_at, today)
            reached = deadlines.escalation_for(late_days)
            # Never lowered while the same deadline runs (a holiday entered afterwards may shorten
            # the count; the notices already went out).
            raised = escalation_rank(reached) > escalation_rank(case.escalation_level)
            level = reached if raised else Escalation(case.escalation_level)
            flag = case.flagged_for_notice or level == Escalation.NOTICE
            if late_days == case.working_days_late and not raised and flag == case.flagged_for_notice:
                continue
            before = {
                "working_days_late": case.working_days_late,
                "escalation_level": case.escalation_level,
                "flagged_for_notice": case.flagged_for_notice,
            }
            case.working_days_late = late_days
            case.escalation_level = level
            case.escalated_at = now
            if flag and not case.flagged_for_notice:
                case.flagged_for_notice = True
                report.flagged += 1
            changed.append(case)
            after = {
                "working_days_late": case.working_days_late,
                "escalation_level": case.escalation_level,
                "flagged_for_notice": case.flagged_for_notice,
            }
            audits.append((case.pk, {k: [before[k], after[k]] for k in before if before[k] != after[k]}))
            if not raised:
                continue
            report.escalated += 1
            label = Escalation(level).label
            due_text = f"{case.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
            comment = f"逾期 {late_days} 个工作日（时限 {due_text}），{LEVEL_ACTIONS[level]}"
            steps.append(
                CaseStep(
                    case=case,
                    step="escalate",
                    from_status=case.status,
                    to_status=case.status,
                    actor=None,
                    actor_name="系统",
                    at=now,
                    comment=comment,
                    data={
                        "level": str(level),
                        "level_label": label,
                        "late_days": late_days,
                        "flagged_for_notice": case.flagged_for_notice,
                    },
                    internal=True,
                )
            )
            if case.joint_handling is not None:
                # Its facts above are its own, as if handled alone; its offices hear once for the
                # joint handling (its enterprise is told nothing of lateness, as for any case).
                joints.setdefault(
                    (case.joint_handling.pk, str(level), case.due_at),
                    _JointLate(case.joint_handling, case.status, level, case.due_at, comment),
                )
                continue
            notifies_department = case.status not in COORDINATOR_CLOCK and case.lead_department_id
            messages.append(
                Message(
                    recipients=tuple(recipients.for_case(case, level)),
                    title=f"【{label}】{case.title}",
                    body=comment,
                    link=f"/cases/{case.pk}/",
                    kind=Notice.Kind.REMINDER if level == Escalation.REMINDER else Notice.Kind.ESCALATION,
                    key=escalation_key(case, level),
                    department_ids=(case.lead_department_id,)
                    if notifies_department and case.lead_department_id
                    else (),
                    region_ids=(case.region_id,),
                    facts=case_facts(case),
                )
            )
        with tallies.tracking(case.pk for case in changed):
            Case.objects.bulk_update(
                changed, ["working_days_late", "escalation_level", "escalated_at", "flagged_for_notice"]
            )
        _audit_each(audits)
        CaseStep.objects.bulk_create(steps)
        notify_many(messages + _joint_messages(joints, now, recipients))


def _escalate(now: datetime.datetime, report: SweepReport) -> None:
    calendar = WorkingCalendar()
    today_start = datetime.datetime.combine(now.astimezone(SHANGHAI).date(), datetime.time(), tzinfo=SHANGHAI)
    # At most once a day per case: days late are working days, which change once a day.
    candidates = list(
        Case.objects.filter(due_at__lt=now)
        .exclude(escalated_at__gte=today_start)
        .values_list("pk", flat=True)
        .order_by("due_at")
    )
    recipients = _Recipients()
    for start in range(0, len(candidates), BATCH):
        _escalate_batch(candidates[start : start + BATCH], calendar, now, today_start, recipients, report)


def _close_not_rated(now: datetime.datetime, report: SweepReport) -> None:
    actor = system_user()
    calendar = WorkingCalendar()
    candidates = list(
        Case.objects.filter(auto_close_at__lte=now, status=Status.ANSWERED).values_list("pk", flat=True)
    )
    comment = f"企业 {deadlines.NOT_RATED_AFTER_DAYS} 个工作日内未确认评价，自动办结（记为未评价）"
    for start in range(0, len(candidates), BATCH):
        with transaction.atomic():
            cases = list(
                Case.objects.select_for_update(skip_locked=True).filter(
                    pk__in=candidates[start : start + BATCH], status=Status.ANSWERED, auto_close_at__lte=now
                )
            )
            audits: list[tuple[int, dict[str, list[object]]]] = []
            for case in cases:
                days = deadlines.working_days_to_close(calendar, case.assigned_at, now)
                case.status, case.closure, case.closed_at = Status.CLOSED, Closure.NOT_RATED, now
                case.working_days_to_close, case.auto_close_at = days, None
                case.version += 1
                audits.append(
                    (
                        case.pk,
                        {
                            "status": [Status.ANSWERED, Status.CLOSED],
                            "closure": ["", Closure.NOT_RATED],
                            "working_days_to_close": [None, days],
                        },
                    )
                )
            # A bulk write sends no signals: the figures' day tallies are told (cases.tallies).
            with tallies.tracking(case.pk for case in cases):
                Case.objects.bulk_update(
                    cases,
                    ["status", "closure", "closed_at", "working_days_to_close", "auto_close_at", "version"],
                )
            _audit_each(audits)
            CaseStep.objects.bulk_create(
                CaseStep(
                    case=case,
                    step="close-not-rated",
                    from_status=Status.ANSWERED,
                    to_status=Status.CLOSED,
                    actor=None,
                    actor_name=str(actor),
                    at=now,
                    comment=comment,
                )
                for case in cases
            )
            report.closed_not_rated += len(cases)


def _report_provisional(report: SweepReport) -> None:
    """Tell admins which years lack a calendar while open cases have deadlines counted in them."""
    years = sorted(
        {
            deadline.astimezone(SHANGHAI).year
            for deadline in Case.objects.filter(deadline_provisional=True, due_at__isnull=False).values_list(
                "deadline", flat=True
            )[:10000]
            if deadline
        }
    )
    report.provisional_years = years
    admins = User.objects.filter(is_active=True, role=Role.ADMIN)
    for year in years:
        notify(
            recipients=admins,
            title=f"{year} 年工作日历尚未录入",
            body=(
                f"有事项的办理时限落在 {year} 年，该年的法定节假日和调休尚未录入，时限暂按周末计算（临时）。"
                "请根据国务院办公厅的放假通知录入该年日历，系统将自动重算。"
            ),
            link=f"/calendar/{year}/",
            kind=Notice.Kind.SYSTEM,
            key=f"calendar-missing-{year}",
        )


def mark_timeliness(now: datetime.datetime | None = None) -> SweepReport:
    """The sweep's first step alone: the running clocks coloured amber or red (a benchmark's
    generated cases, which no sweep has seen, as a running worker would leave them)."""
    report = SweepReport()
    _colour(now or timezone.now(), report)
    return report


def sweep(now: datetime.datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    _colour(now, report)
    _escalate(now, report)
    _close_not_rated(now, report)
    _report_provisional(report)
    return report
