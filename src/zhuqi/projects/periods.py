"""Reporting periods (报告期): weeks from Monday, half-months (1st–15th, 16th–end) or months, as a
project list's ReportingPeriod says; the periods themselves are core.periods'.

A project reports once per period of its list. Periods are contiguous and do not overlap, so
"the period containing a day" and "the period before it" are all the rest needs.
"""

from __future__ import annotations

import datetime

from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.projects.models import ReportingPeriod

PERIOD_KINDS = {
    ReportingPeriod.WEEKLY: PeriodKind.WEEK,
    ReportingPeriod.SEMIMONTHLY: PeriodKind.HALF_MONTH,
    ReportingPeriod.MONTHLY: PeriodKind.MONTH,
}


def period_containing(kind: str, day: datetime.date) -> Period:
    return Period.containing(PERIOD_KINDS[ReportingPeriod(kind)], day)


def last_finished_period(kind: str, today: datetime.date) -> Period:
    """The latest period that ended before today: the one whose report is now due."""
    return period_containing(kind, today).previous()


def recent_periods(kind: str, today: datetime.date, count: int) -> list[Period]:
    """The current period and the `count - 1` before it, newest first."""
    periods = [period_containing(kind, today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


# A period's report is due by the end of the first working day after the period ends (a week's
# report on the Monday after, or the Tuesday after a holiday Monday); one filed later is 补报.
REPORT_DUE_WORKING_DAYS = 1


def report_due(period_end: datetime.date, calendar: WorkingCalendar) -> datetime.date:
    return calendar.add_working_days(period_end, REPORT_DUE_WORKING_DAYS)


def filed_late(period_end: datetime.date, reported_on: datetime.date, calendar: WorkingCalendar) -> bool:
    """Whether a report for a period ending `period_end`, filed on `reported_on`, was late."""
    return reported_on > report_due(period_end, calendar)


def missed_periods(
    kind: str, today: datetime.date, *, since: datetime.date, reported: set[datetime.date], count: int
) -> list[Period]:
    """The current period and up to `count - 1` earlier ones not yet reported, newest first, none
    from before `since` (the day the project entered the library)."""
    return [
        period
        for period in recent_periods(kind, today, count)
        if period.start not in reported and period.end >= since
    ]
