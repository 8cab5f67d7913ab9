"""Periods (统计期、报告期): a day, a week from Monday, a half-month (1st–15th, 16th–end), a month, a
quarter, a year, or any range of days. The one period type of every app: the case figures' 本月
and 上季度, a project's weekly report, a liaison officer's month, a dispatch meeting's week.

Periods of one kind are contiguous and never overlap, so every day lies in exactly one of them:
`Period.containing(kind, day)`, then `previous()` and `next()` walk from there, and `periods()`
lists those from one day to another. A custom range has no neighbours of its own kind; its
previous and next are the ranges of the same length just before and after it.

Each period has a key, the text the pages put in their query strings and paths (`?month=2026-11`,
`/liaison/report/2026-11/`), that `Period.parse` reads back:

    day         2026-11-09                label 2026年11月9日 (a campaign's daily report)
    week        2026-W45                  ISO 8601 week (Monday to Sunday); label 2026年第45周
    half-month  2026-11-H1, 2026-11-H2    label 2026年11月上半月, 2026年11月下半月
    month       2026-11 (or 2026-1)       label 2026年11月
    quarter     2026-Q3                   label 2026年第3季度
    year        2026                      label 2026年
    custom      2026-03-01~2026-03-31     label 2026-03-01 至 2026-03-31

A period can also be named relative to a day, as the figures pages offer it (`?period=last_month`):
`Period.relative("last_month", today)` is last month, and its label says how it was chosen,
上月（2026-10-01 至 2026-10-31）.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar

ONE_DAY = datetime.timedelta(days=1)
# The years a key may name: a typo (20226-11, 1926-11) is refused rather than counted.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodKind(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    HALF_MONTH = "half-month"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Relative:
    label: str
    kind: PeriodKind
    offset: int  # 0: the period containing the day, -1: the one before it


# The periods a page may name relative to today; a page offers those it needs.
RELATIVE = {
    "week": Relative("本周", PeriodKind.WEEK, 0),
    "last_week": Relative("上周", PeriodKind.WEEK, -1),
    "month": Relative("本月", PeriodKind.MONTH, 0),
    "last_month": Relative("上月", PeriodKind.MONTH, -1),
    "quarter": Relative("本季度", PeriodKind.QUARTER, 0),
    "last_quarter": Relative("上季度", PeriodKind.QUARTER, -1),
    "year": Relative("本年", PeriodKind.YEAR, 0),
    "last_year": Relative("上年", PeriodKind.YEAR, -1),
}


def day_label(day: datetime.date) -> str:
    """A day as Chinese text writes it: 2026年11月9日 (no zero padding); a day period's label."""
    return f"{day.year}年{day.month}月{day.day}日"


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: datetime.date
    end: datetime.date  # inclusive
    # How the period was named when chosen relative to a day (a key of RELATIVE), else "". Not
    # part of its identity: 本月 is the same month as 2026-11.
    relative: str = field(default="", compare=False)

    # -- making one ---------------------------------------------------------------------------

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: datetime.date) -> Period:
        """The period of `kind` that `day` lies in (not for custom ranges: they have no grid)."""
        kind = PeriodKind(kind)
        if kind == PeriodKind.DAY:
            return cls(kind, day, day)
        if kind == PeriodKind.WEEK:
            start = day - datetime.timedelta(days=day.weekday())
            return cls(kind, start, start + datetime.timedelta(days=6))
        if kind == PeriodKind.HALF_MONTH:
            if day.day <= 15:
                return cls(kind, day.replace(day=1), day.replace(day=15))
            return cls(kind, day.replace(day=16), _month_end(day))
        if kind == PeriodKind.MONTH:
            return cls(kind, day.replace(day=1), _month_end(day))
        if kind == PeriodKind.QUARTER:
            start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
            return cls(kind, start, _month_end(start.replace(month=start.month + 2)))
        if kind == PeriodKind.YEAR:
            return cls(kind, datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
        raise ValueError("a custom range contains no day by itself: use Period.between")

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        """The custom range from `start` to `end`, both included."""
        if end < start:
            raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
        return cls(PeriodKind.CUSTOM, start, end)

    @classmethod
    def relative_to(cls, name: str, day: datetime.date) -> Period:
        """The period RELATIVE[name] names on `day` (本月, 上季度 …), remembering the name."""
        relative = RELATIVE[name]
        period = cls.containing(relative.kind, day)
        for _ in range(-relative.offset):
            period = period.previous()
        return cls(period.kind, period.start, period.end, relative=name)

    @classmethod
    def parse(
        cls, text: str | None, *, kind: PeriodKind | str | None = None, field_name: str = "period"
    ) -> Period:
        """A period from its key; with `kind`, only a key of that kind. Anything else is refused
        naming the field."""
        return _parse(text, None if kind is None else PeriodKind(kind), field_name)

    # -- reading it ---------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """The text form the pages use in query strings and paths; Period.parse reads it back."""
        return self._names()[0]

    @property
    def dates(self) -> str:
        """2026-11-01 至 2026-11-15."""
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        """The period's name on a page: 2026年第3季度, 2026年11月上半月 …; one chosen relative to
        a day says so: 本月（2026-11-01 至 2026-11-30）."""
        if self.relative:
            return f"{RELATIVE[self.relative].label}（{self.dates}）"
        return self._names()[1]

    def _names(self) -> tuple[str, str]:
        """The key and the label."""
        start = self.start
        if self.kind == PeriodKind.DAY:
            return f"{start:%Y-%m-%d}", day_label(start)
        if self.kind == PeriodKind.WEEK:
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}", f"{year}年第{week}周"
        if self.kind == PeriodKind.HALF_MONTH:
            first = start.day == 1
            return (
                f"{start:%Y-%m}-H{1 if first else 2}",
                f"{start.year}年{start.month}月{'上' if first else '下'}半月",
            )
        if self.kind == PeriodKind.MONTH:
            return f"{start:%Y-%m}", f"{start.year}年{start.month}月"
        if self.kind == PeriodKind.QUARTER:
            quarter = (start.month - 1) // 3 + 1
            return f"{start.year}-Q{quarter}", f"{start.year}年第{quarter}季度"
        if self.kind == PeriodKind.YEAR:
            return f"{start.year}", f"{start.year}年"
        return f"{start:%Y-%m-%d}~{self.end:%Y-%m-%d}", self.dates

    def __str__(self) -> str:
        return self.label

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as instants: from the first day's midnight to the midnight after the last
        (Beijing time), for filtering a DateTimeField."""
        start = datetime.datetime.combine(self.start, datetime.time(), tzinfo=SHANGHAI)
        end = datetime.datetime.combine(self.end + ONE_DAY, datetime.time(), tzinfo=SHANGHAI)
        return start, end

    def until(self, today: datetime.date) -> datetime.date:
        """The period's last day, or today while the period runs."""
        return min(self.end, today) if today >= self.start else self.end

    def working_days(self, calendar: WorkingCalendar) -> list[datetime.date]:
        """The period's working days by the working-day calendar (statutory holidays off,
        adjusted weekends worked)."""
        return [day for day in self.each_day() if calendar.is_workday(day)]

    def each_day(self) -> Iterator[datetime.date]:
        day = self.start
        while day <= self.end:
            yield day
            day += ONE_DAY

    # -- its neighbours -----------------------------------------------------------------------

    def previous(self) -> Period:
        if self.kind == PeriodKind.CUSTOM:
            return Period.between(self.start - datetime.timedelta(days=self.days), self.start - ONE_DAY)
        return Period.containing(self.kind, self.start - ONE_DAY)

    def next(self) -> Period:
        if self.kind == PeriodKind.CUSTOM:
            return Period.between(self.end + ONE_DAY, self.end + datetime.timedelta(days=self.days))
        return Period.containing(self.kind, self.end + ONE_DAY)


def periods(kind: PeriodKind | str, first: datetime.date, last: datetime.date) -> Iterator[Period]:
    """The periods of `kind` from the one containing `first` to the one containing `last`, in
    order: together they cover every day between, each exactly once."""
    period = Period.containing(kind, first)
    while period.start <= last:
        yield period
        period = period.next()


# ---------------------------------------------------------------------------------------------
# Reading a key

# (name, form, example, what a valid one holds): the words of a refusal.
_FORMS = {
    PeriodKind.DAY: ("日期", "YYYY-MM-DD", "2026-11-09", "真实存在的日期"),
    PeriodKind.WEEK: ("周", "YYYY-Www", "2026-W45", "周 1–52，有第 53 周的年份到 53"),
    PeriodKind.HALF_MONTH: ("半月", "YYYY-MM-H1 或 YYYY-MM-H2", "2026-11-H1", "月份 1–12"),
    PeriodKind.MONTH: ("月份", "YYYY-MM", "2026-11", "月份 1–12"),
    PeriodKind.QUARTER: ("季度", "YYYY-Qn", "2026-Q3", "季度 1–4"),
    PeriodKind.YEAR: ("年份", "YYYY", "2026", ""),
    PeriodKind.CUSTOM: ("起止日期", "YYYY-MM-DD~YYYY-MM-DD", "2026-03-01~2026-03-31", "结束不早于开始"),
}
_PATTERNS = {
    PeriodKind.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    PeriodKind.WEEK: re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE),
    PeriodKind.HALF_MONTH: re.compile(r"^(\d{4})-(\d{1,2})-H([12])$", re.IGNORECASE),
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{1,2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q(\d)$", re.IGNORECASE),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
    PeriodKind.CUSTOM: re.compile(r"^(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})$"),
}


def _from_parts(kind: PeriodKind, parts: tuple[str, ...]) -> Period:
    """The period the matched parts name; ValueError when they name none."""
    if kind == PeriodKind.CUSTOM:
        start, end = (datetime.date.fromisoformat(part) for part in parts)
        if start.year < FIRST_YEAR or end.year > LAST_YEAR:
            raise ValueError("year out of range")
        return Period.between(start, end)
    year = int(parts[0])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError("year out of range")
    if kind == PeriodKind.DAY:
        return Period.containing(kind, datetime.date(year, int(parts[1]), int(parts[2])))
    if kind == PeriodKind.WEEK:
        return Period.containing(kind, datetime.date.fromisocalendar(year, int(parts[1]), 1))
    if kind == PeriodKind.HALF_MONTH:
        return Period.containing(kind, datetime.date(year, int(parts[1]), 1 if parts[2] == "1" else 16))
    if kind == PeriodKind.MONTH:
        return Period.containing(kind, datetime.date(year, int(parts[1]), 1))
    if kind == PeriodKind.QUARTER:
        quarter = int(parts[1])
        if not 1 <= quarter <= 4:
            raise ValueError("no such quarter")
        return Period.containing(kind, datetime.date(year, quarter * 3 - 2, 1))
    return Period.containing(kind, datetime.date(year, 1, 1))


def _parse(text: str | None, kind: PeriodKind | None, field_name: str) -> Period:
    for candidate in [kind] if kind is not None else list(PeriodKind):
        found = _PATTERNS[candidate].match((text or "").strip())
        if found is None:
            continue
        try:
            return _from_parts(candidate, found.groups())
        except ValueError:
            name, _, _, valid = _FORMS[candidate]
            limits = f"年份 {FIRST_YEAR}–{LAST_YEAR}" + (f"，{valid}" if valid else "")
            message = f"“{text}”不是有效的{name}（{limits}）"
            raise ValidationFailed([FieldError(field_name, message)]) from None
    if kind is not None:
        name, form, example, _ = _FORMS[kind]
        message = f"“{text or ''}”不是{name}，应为 {form}，如 {example}"
    else:
        forms = "、".join(f"{example}（{name}）" for name, _, example, _ in _FORMS.values())
        message = f"“{text or ''}”不是统计期，应为以下形式之一：{forms}"
    raise ValidationFailed([FieldError(field_name, message)])
