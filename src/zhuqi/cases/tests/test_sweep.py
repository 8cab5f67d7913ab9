"""The deadline sweep and the recounting of provisional deadlines."""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, Closure, Status, Timeliness
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


def test_cases_turn_amber_then_red_then_escalate_each_working_day(cast, finance) -> None:
    case = assigned(cast, finance)
    calendar = WorkingCalendar()
    deadline = case.deadline
    report = sweep(now=case.amber_at + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert report.amber == 1 and case.timeliness == Timeliness.AMBER

    # The working day after the deadline: red, a reminder (催办) to the department and the coordinator.
    day_after = calendar.next_workday(timezone.localtime(deadline).date())
    now = datetime.datetime.combine(day_after, datetime.time(9), tzinfo=SHANGHAI)
    report = sweep(now=now)
    case.refresh_from_db()
    assert (report.red, case.timeliness, case.escalation_level, case.flagged_for_notice) == (
        1,
        "red",
        1,
        False,
    )
    for user in (cast.handler, cast.coordinator):
        assert Notice.objects.filter(
            recipient=user, kind=Notice.Kind.REMINDER, title__startswith="【催办】"
        ).exists()
    assert not Notice.objects.filter(recipient=cast.leader).exists()
    # Running again the same day changes nothing and sends nothing twice.
    notices = Notice.objects.count()
    assert sweep(now=now + datetime.timedelta(hours=2)).escalated == 0 and Notice.objects.count() == notices

    # Three working days late: the leader hears of it; six: flagged for the dispatch meeting's notice.
    third = calendar.add_working_days(timezone.localtime(deadline).date(), 3)
    sweep(now=datetime.datetime.combine(third, datetime.time(9), tzinfo=SHANGHAI))
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert Notice.objects.filter(recipient=cast.leader, kind=Notice.Kind.ESCALATION).exists()
    sixth = calendar.add_working_days(timezone.localtime(deadline).date(), 6)
    report = sweep(now=datetime.datetime.combine(sixth, datetime.time(9), tzinfo=SHANGHAI))
    case.refresh_from_db()
    assert case.flagged_for_notice and report.flagged == 1
    assert list(case.steps.filter(step="escalate").values_list("data__level", flat=True)) == [1, 3, 6]


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
