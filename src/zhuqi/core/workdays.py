"""China's working-day calendar: statutory holidays and adjusted working days (调休), not just
weekends, because every case deadline is counted in working days.

Where a day's status comes from, first match wins:
1. a year an admin entered from the State Council's notice (CalendarYear / CalendarDay);
2. the chinese-calendar package, for the years it covers;
3. the weekend rule alone. Such a day is *provisional*: a deadline counted through it may move
   when the year is entered, and is shown and reported as provisional until then.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as chinese_calendar_data

from zhuqi.core.models import CalendarDay, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The package names its holidays in English; the notices and our users say them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

PACKAGE_YEARS = range(min(chinese_calendar_data.holidays).year, max(chinese_calendar_data.holidays).year + 1)


@dataclass(frozen=True)
class Day:
    date: datetime.date
    is_workday: bool
    name: str
    provisional: bool


# Remembered: the package's answer for a day never changes in a process (at most its years' few
# thousand days), and each asking is slow (it takes the min and max of its whole table): counting
# the working days a case of last year is late asked it some 350 times, 8 ms a case.
@functools.cache
def _package_day(day: datetime.date) -> Day:
    is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
    if is_holiday:
        # A plain weekend has no name; a holiday (or a weekday given off for one) has.
        name = HOLIDAY_NAMES.get(holiday, holiday) if holiday else ""
        return Day(day, False, name, False)
    if holiday and day.weekday() >= 5:
        # A weekend worked in lieu of a holiday (调休): the package names the holiday.
        return Day(day, True, f"{HOLIDAY_NAMES.get(holiday, holiday)}调休上班", False)
    return Day(day, True, "", False)


def _weekend_day(day: datetime.date, *, provisional: bool) -> Day:
    return Day(day, day.weekday() < 5, "", provisional)


class WorkingCalendar:
    """Answers about days. Reads the admin-entered years it needs once and keeps them for its
    lifetime: make one per request or per sweep, not one per process (an admin may enter a
    year at any time)."""

    def __init__(self) -> None:
        self._entered: dict[int, dict[datetime.date, CalendarDay] | None] = {}

    def _entered_year(self, year: int) -> dict[datetime.date, CalendarDay] | None:
        if year not in self._entered:
            if CalendarYear.objects.filter(year=year).exists():
                self._entered[year] = {d.date: d for d in CalendarDay.objects.filter(year_id=year)}
            else:
                self._entered[year] = None
        return self._entered[year]

    def year_source(self, year: int) -> str:
        """ "entered", "package" or "" (no calendar: weekends only, provisional)."""
        if self._entered_year(year) is not None:
            return "entered"
        if year in PACKAGE_YEARS:
            return "package"
        return ""

    def is_provisional_year(self, year: int) -> bool:
        return self.year_source(year) == ""

    def day(self, day: datetime.date) -> Day:
        entered = self._entered_year(day.year)
        if entered is not None:
            listed = entered.get(day)
            if listed is not None:
                return Day(day, listed.is_workday, listed.name, False)
            return _weekend_day(day, provisional=False)
        if day.year in PACKAGE_YEARS:
            return _package_day(day)
        return _weekend_day(day, provisional=True)

    def is_workday(self, day: datetime.date) -> bool:
        return self.day(day).is_workday

    def year_days(self, year: int) -> list[Day]:
        first = datetime.date(year, 1, 1)
        count = (datetime.date(year + 1, 1, 1) - first).days
        return [self.day(first + datetime.timedelta(days=offset)) for offset in range(count)]

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `start` (start itself not counted); for 0, `start`
        if it is a working day, else the next one."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        if count == 0:
            while not self.is_workday(day):
                day += datetime.timedelta(days=1)
            return day
        while count:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def next_workday(self, day: datetime.date) -> datetime.date:
        return self.add_working_days(day, 1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days d with start < d ≤ end; 0 when end is not after start."""
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def span_is_provisional(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether counting from start to end passes through a year with no calendar."""
        low, high = sorted((start, end))
        return any(self.is_provisional_year(year) for year in range(low.year, high.year + 1))


def local_now() -> datetime.datetime:
    return datetime.datetime.now(tz=SHANGHAI)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of a day in Shanghai: a deadline "within N working days" runs to then."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=SHANGHAI)
