"""The deadline sweep and the recounting of provisional deadlines."""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, Closure, Escalation, Status, Timeliness
from zhuqi.cases.services import StepInput
from zhuqi.cases.sweep import sweep
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.models import AuditEntry
from zhuqi.core.services import CalendarEntry, calendar_year_enter
from zhuqi.core.workdays import PACKAGE_YEARS, SHANGHAI, WorkingCalendar, end_of_day
from zhuqi.notifications.models import Notice


def assigned(cast, finance) -> Case:
    case = file_demand(cast, finance)
    return services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=1,
        lead_department_id=cast.handler.department_id,
    )


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI)


def test_late_cases_are_escalated_level_by_level_and_days_late_are_counted_apart(cast, finance) -> None:
    case = assigned(cast, finance)
    calendar = WorkingCalendar()
    deadline = timezone.localtime(case.deadline).date()
    report = sweep(now=case.amber_at + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert report.amber == 1 and case.timeliness == Timeliness.AMBER

    # The working day after the deadline: red, one working day late, a reminder (催办) to the
    # department and the coordinator.
    now = at_nine(calendar.next_workday(deadline))
    report = sweep(now=now)
    case.refresh_from_db()
    assert (report.red, case.timeliness, case.working_days_late, case.escalation_level) == (
        1,
        "red",
        1,
        Escalation.REMINDER,
    )
    assert not case.flagged_for_notice
    for user in (cast.handler, cast.coordinator):
        notice = Notice.objects.get(recipient=user, kind=Notice.Kind.REMINDER)
        assert notice.title == f"【催办】{case.title}"
        assert notice.body.startswith("逾期 1 个工作日（时限 ")
    assert not Notice.objects.filter(recipient=cast.leader).exists()
    # Running again the same day changes nothing and sends nothing twice.
    notices = Notice.objects.count()
    assert sweep(now=now + datetime.timedelta(hours=2)).escalated == 0 and Notice.objects.count() == notices

    # Two working days late: the count goes on, the level stays, nobody is told again.
    sweep(now=at_nine(calendar.add_working_days(deadline, 2)))
    case.refresh_from_db()
    assert (case.working_days_late, case.escalation_level) == (2, Escalation.REMINDER)
    assert Notice.objects.count() == notices

    # Three working days late: 督办, and the leader hears of it; six: 通报, on the dispatch
    # meeting's list.
    sweep(now=at_nine(calendar.add_working_days(deadline, 3)))
    case.refresh_from_db()
    assert (case.working_days_late, case.escalation_level) == (3, Escalation.SUPERVISION)
    assert (
        Notice.objects.get(recipient=cast.leader, kind=Notice.Kind.ESCALATION).title
        == f"【督办】{case.title}"
    )
    report = sweep(now=at_nine(calendar.add_working_days(deadline, 6)))
    case.refresh_from_db()
    assert (case.working_days_late, case.escalation_level) == (6, Escalation.NOTICE)
    assert case.flagged_for_notice and report.flagged == 1
    assert Notice.objects.filter(recipient=cast.leader, title=f"【通报】{case.title}").exists()

    # Nineteen working days late: still 通报, the highest level; the days late are their own number.
    notices = Notice.objects.count()
    sweep(now=at_nine(calendar.add_working_days(deadline, 19)))
    case.refresh_from_db()
    assert (case.working_days_late, case.escalation_level) == (19, Escalation.NOTICE)
    assert Notice.objects.count() == notices
    escalations = list(case.steps.filter(step="escalate"))
    assert [(s.data["level"], s.data["late_days"], s.step_label) for s in escalations] == [
        ("reminder", 1, "催办"),
        ("supervision", 3, "督办"),
        ("notice", 6, "通报"),
    ]
    assert escalations[-1].comment.endswith(
        "个工作日（时限 " + f"{case.deadline.astimezone(SHANGHAI):%Y-%m-%d %H:%M}），列入调度会通报"
    )
    assert not Notice.objects.filter(title__contains="级").exists()
    assert AuditEntry.objects.filter(
        object_id=str(case.pk), source="sweep", changes__working_days_late=[6, 19]
    ).exists()


def test_a_sweep_after_days_without_one_escalates_once_to_the_level_reached(cast, finance) -> None:
    case = assigned(cast, finance)
    deadline = timezone.localtime(case.deadline).date()
    report = sweep(now=at_nine(WorkingCalendar().add_working_days(deadline, 7)))
    case.refresh_from_db()
    assert (report.escalated, case.working_days_late, case.escalation_level) == (1, 7, Escalation.NOTICE)
    assert list(case.steps.filter(step="escalate").values_list("data__level", flat=True)) == ["notice"]
    assert Notice.objects.filter(recipient=cast.leader, title=f"【通报】{case.title}").count() == 1


def test_a_case_late_again_on_a_new_deadline_is_escalated_afresh(cast, finance, monkeypatch) -> None:
    case = assigned(cast, finance)
    calendar = WorkingCalendar()
    late = at_nine(calendar.add_working_days(timezone.localtime(case.deadline).date(), 1))
    sweep(now=late)
    assert Notice.objects.filter(recipient=cast.handler, title__startswith="【催办】").count() == 1
    # Answered late; the enterprise is not satisfied: back to the department on a new deadline.
    monkeypatch.setattr(timezone, "now", lambda: late)
    case = services.case_answer(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, answer="已办", outcome="resolved"
    )
    assert (case.escalation_level, case.working_days_late) == (Escalation.NONE, 0)
    case = services.case_confirm(
        actor=cast.enterprise_user,
        case_id=case.pk,
        expected_version=case.version,
        rating=1,
        step=StepInput("仍未解决"),
    )
    new_deadline = timezone.localtime(case.deadline).date()
    assert new_deadline == calendar.add_working_days(late.date(), 5)
    # Late on the new deadline: reminded again, although the first reminder was of the same level.
    sweep(now=at_nine(calendar.add_working_days(new_deadline, 1)))
    case.refresh_from_db()
    assert (case.escalation_level, case.working_days_late) == (Escalation.REMINDER, 1)
    assert Notice.objects.filter(recipient=cast.handler, title__startswith="【催办】").count() == 2


def test_an_answer_nobody_rates_closes_after_five_working_days(cast, finance) -> None:
    case = assigned(cast, finance)
    case = services.case_answer(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        answer="已办",
        outcome="partly_resolved",
    )
    assert sweep(now=case.auto_close_at - datetime.timedelta(minutes=1)).closed_not_rated == 0
    assert sweep(now=case.auto_close_at + datetime.timedelta(minutes=1)).closed_not_rated == 1
    case.refresh_from_db()
    assert (case.status, case.closure, case.rating, case.outcome) == (
        Status.CLOSED,
        Closure.NOT_RATED,
        None,
        "partly_resolved",
    )
    # Counted when it closed, from the day of assignment to the day the sweep closed it.
    assigned_on, closed_on = (timezone.localtime(t).date() for t in (case.assigned_at, case.closed_at))
    assert case.working_days_to_close == WorkingCalendar().working_days_between(assigned_on, closed_on) >= 5
    assert AuditEntry.objects.filter(
        object_id=str(case.pk), source="sweep", changes__working_days_to_close__1=case.working_days_to_close
    ).exists()


def test_a_deadline_in_a_year_without_a_calendar_is_provisional_until_the_year_is_entered(
    cast, finance
) -> None:
    year = PACKAGE_YEARS.stop
    case = file_demand(cast, finance, complexity="complex")
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=1,
        lead_department_id=cast.handler.department_id,
    )
    # Assigned (as if) on the last working days of the covered years: 15 working days run into the next.
    start = datetime.datetime(year - 1, 12, 24, 10, tzinfo=SHANGHAI)
    from zhuqi.cases import deadlines

    due = deadlines.answer_deadline(WorkingCalendar(), case, start)
    assert due.provisional
    Case.objects.filter(pk=case.pk).update(
        assigned_at=start, clock_started_at=start, deadline=due.at, due_at=due.at, deadline_provisional=True
    )
    report = sweep(now=start)
    assert report.provisional_years == [year]
    assert Notice.objects.filter(recipient=cast.admin, title=f"{year} 年工作日历尚未录入").exists()

    # The notice gives 1–3 January off and a Saturday worked in lieu; the deadline is recounted.
    entries = [CalendarEntry(datetime.date(year, 1, d), False, "元旦") for d in (1, 2, 3)]
    calendar_year_enter(actor=cast.admin, year=year, entries=entries)
    case.refresh_from_db()
    assert not case.deadline_provisional
    expected = WorkingCalendar().add_working_days(start.date(), 15)
    assert case.deadline == end_of_day(expected) and case.due_at == case.deadline
    assert case.steps.filter(step="recompute-deadline").exists()
