"""Reporting periods (报告期): weeks from Monday, half-months (1st–15th, 16th–end) or months.

A project reports once per period of its list. Periods are contiguous and do not overlap, so
"the period containing a day" and "the period before it" are all the rest needs.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from zhuqi.projects.models import ReportingPeriod


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __str__(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_containing(kind: str, day: datetime.date) -> Period:
    if kind == ReportingPeriod.WEEKLY:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(start, start + datetime.timedelta(days=6))
    if kind == ReportingPeriod.SEMIMONTHLY:
        if day.day <= 15:
            return Period(day.replace(day=1), day.replace(day=15))
        return Period(day.replace(day=16), _month_end(day))
    if kind == ReportingPeriod.MONTHLY:
        return Period(day.replace(day=1), _month_end(day))
    raise ValueError(f"unknown reporting period {kind!r}")


def period_before(kind: str, period: Period) -> Period:
    return period_containing(kind, period.start - datetime.timedelta(days=1))


def last_finished_period(kind: str, today: datetime.date) -> Period:
    """The latest period that ended before today: the one whose report is now due."""
    return period_before(kind, period_containing(kind, today))


def recent_periods(kind: str, today: datetime.date, count: int) -> list[Period]:
    """The current period and the `count - 1` before it, newest first."""
    periods = [period_containing(kind, today)]
    while len(periods) < count:
        periods.append(period_before(kind, periods[-1]))
    return periods
