"""core.periods: every day in exactly one period of each kind, neighbours that undo each other,
keys that read back, a year tiled without gaps, and the labels the pages show."""

from __future__ import annotations

import calendar
import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.periods import RELATIVE, Period, PeriodKind, periods
from zhuqi.core.workdays import WorkingCalendar

GRID_KINDS = [kind for kind in PeriodKind if kind != PeriodKind.CUSTOM]
# Inside the years a key may name, with a week's margin at both ends (an ISO week may belong to
# the year before or after its days).
days = st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2099, 12, 31))
grid_kinds = st.sampled_from(GRID_KINDS)


@st.composite
def any_period(draw: st.DrawFn) -> Period:
    kind = draw(st.sampled_from(list(PeriodKind)))
    day = draw(days)
    if kind == PeriodKind.CUSTOM:
        return Period.between(day, day + datetime.timedelta(days=draw(st.integers(0, 400))))
    return Period.containing(kind, day)


@settings(max_examples=300, deadline=None)
@given(day=days, kind=grid_kinds)
def test_every_day_lies_in_exactly_one_period_of_each_kind(day: datetime.date, kind: PeriodKind) -> None:
    period = Period.containing(kind, day)
    assert day in period and period.kind == kind
    # Its neighbours do not hold it, and every day of the period names the same period.
    assert day not in period.previous() and day not in period.next()
    around = periods(kind, day - datetime.timedelta(days=100), day + datetime.timedelta(days=100))
    assert [p for p in around if day in p] == [period]
    assert Period.containing(kind, period.start) == period == Period.containing(kind, period.end)


@settings(max_examples=300, deadline=None)
@given(period=any_period())
def test_next_undoes_previous(period: Period) -> None:
    assert period.previous().next() == period
    assert period.next().previous() == period
    assert period.previous().end + datetime.timedelta(days=1) == period.start
    assert period.next().start - datetime.timedelta(days=1) == period.end


@settings(max_examples=300, deadline=None)
@given(period=any_period())
def test_a_key_reads_back_as_its_period(period: Period) -> None:
    assert Period.parse(period.key) == period
    assert Period.parse(period.key, kind=period.kind) == period
    assert Period.parse(f" {period.key} ", kind=period.kind) == period


@settings(max_examples=100, deadline=None)
@given(year=st.integers(2001, 2099), kind=grid_kinds)
def test_the_periods_of_one_kind_tile_a_year(year: int, kind: PeriodKind) -> None:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    tiles = list(periods(kind, first, last))
    assert tiles[0].start <= first and tiles[-1].end >= last
    for before, after in itertools.pairwise(tiles):
        assert after.start == before.end + datetime.timedelta(days=1)
    # Only a week can reach over the year's ends; the others fit inside it.
    if kind != PeriodKind.WEEK:
        assert (tiles[0].start, tiles[-1].end) == (first, last)
    expected = {
        PeriodKind.DAY: 366 if calendar.isleap(year) else 365,
        PeriodKind.HALF_MONTH: 24,
        PeriodKind.MONTH: 12,
        PeriodKind.QUARTER: 4,
        PeriodKind.YEAR: 1,
    }
    if kind in expected:
        assert len(tiles) == expected[kind]


@pytest.mark.parametrize(
    ("key", "kind", "start", "end", "label"),
    [
        ("2026-11-09", PeriodKind.DAY, "2026-11-09", "2026-11-09", "2026年11月9日"),
        ("2026-W45", PeriodKind.WEEK, "2026-11-02", "2026-11-08", "2026年第45周"),
        # ISO: the week of 1 January 2026 (a Thursday) is the first of 2026, Monday 29 December on.
        ("2026-W01", PeriodKind.WEEK, "2025-12-29", "2026-01-04", "2026年第1周"),
        ("2026-11-H1", PeriodKind.HALF_MONTH, "2026-11-01", "2026-11-15", "2026年11月上半月"),
        ("2026-02-H2", PeriodKind.HALF_MONTH, "2026-02-16", "2026-02-28", "2026年2月下半月"),
        ("2026-11", PeriodKind.MONTH, "2026-11-01", "2026-11-30", "2026年11月"),
        ("2026-Q3", PeriodKind.QUARTER, "2026-07-01", "2026-09-30", "2026年第3季度"),
        ("2026", PeriodKind.YEAR, "2026-01-01", "2026-12-31", "2026年"),
        ("2025-03-01~2025-03-31", PeriodKind.CUSTOM, "2025-03-01", "2025-03-31", "2025-03-01 至 2025-03-31"),
    ],
)
def test_keys_and_labels(key: str, kind: PeriodKind, start: str, end: str, label: str) -> None:
    period = Period.parse(key)
    assert (period.kind, period.start.isoformat(), period.end.isoformat()) == (kind, start, end)
    assert period.label == str(period) == label and period.key == key


def test_a_month_may_be_written_without_its_zero() -> None:
    assert Period.parse("2026-2", kind=PeriodKind.MONTH).key == "2026-02"


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("2026-13", PeriodKind.MONTH, "“2026-13”不是有效的月份（年份 2000–2100，月份 1–12）"),
        ("1999-12", PeriodKind.MONTH, "“1999-12”不是有效的月份（年份 2000–2100，月份 1–12）"),
        ("2026/06", PeriodKind.MONTH, "“2026/06”不是月份，应为 YYYY-MM，如 2026-11"),
        ("", PeriodKind.MONTH, "“”不是月份，应为 YYYY-MM，如 2026-11"),
        (None, PeriodKind.MONTH, "“”不是月份，应为 YYYY-MM，如 2026-11"),
        ("2026-Q3", PeriodKind.MONTH, "“2026-Q3”不是月份，应为 YYYY-MM，如 2026-11"),
        (
            "2025-W53",
            PeriodKind.WEEK,
            "“2025-W53”不是有效的周（年份 2000–2100，周 1–52，有第 53 周的年份到 53）",
        ),
        ("2026-02-30", PeriodKind.DAY, "“2026-02-30”不是有效的日期（年份 2000–2100，真实存在的日期）"),
        ("2026-11", PeriodKind.DAY, "“2026-11”不是日期，应为 YYYY-MM-DD，如 2026-11-09"),
        ("2026-Q5", PeriodKind.QUARTER, "“2026-Q5”不是有效的季度（年份 2000–2100，季度 1–4）"),
        (
            "2026-03-31~2026-03-01",
            None,
            "“2026-03-31~2026-03-01”不是有效的起止日期（年份 2000–2100，结束不早于开始）",
        ),
    ],
)
def test_a_bad_key_is_refused_naming_the_field(
    text: str | None, kind: PeriodKind | None, message: str
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        Period.parse(text, kind=kind, field_name="month")
    assert [(e.field, e.message) for e in failure.value.errors] == [("month", message)]


def test_an_unknown_form_lists_the_forms() -> None:
    with pytest.raises(ValidationFailed) as failure:
        Period.parse("六月")
    error = failure.value.errors[0]
    assert error.field == "period"
    assert "2026-Q3（季度）" in error.message and "2026-11-H1（半月）" in error.message


@pytest.mark.parametrize(
    ("name", "today", "label"),
    [
        ("month", "2025-03-06", "本月（2025-03-01 至 2025-03-31）"),
        ("last_month", "2025-01-15", "上月（2024-12-01 至 2024-12-31）"),
        ("quarter", "2025-05-20", "本季度（2025-04-01 至 2025-06-30）"),
        ("last_quarter", "2025-02-01", "上季度（2024-10-01 至 2024-12-31）"),
        ("year", "2025-02-01", "本年（2025-01-01 至 2025-12-31）"),
        ("last_year", "2025-02-01", "上年（2024-01-01 至 2024-12-31）"),
        ("week", "2026-11-20", "本周（2026-11-16 至 2026-11-22）"),
        ("last_week", "2026-11-20", "上周（2026-11-09 至 2026-11-15）"),
    ],
)
def test_a_period_named_relative_to_today_says_so(name: str, today: str, label: str) -> None:
    period = Period.relative_to(name, datetime.date.fromisoformat(today))
    assert period.label == label and period.relative == name
    # The same period as the one named by its key: the name is how it was chosen, not what it is.
    assert period == Period.parse(period.key) and period.kind == RELATIVE[name].kind


@pytest.mark.django_db
def test_bounds_until_and_working_days() -> None:
    october = Period.parse("2025-10")
    start, end = october.bounds()
    assert (start.isoformat(), end.isoformat()) == ("2025-10-01T00:00:00+08:00", "2025-11-01T00:00:00+08:00")
    assert october.until(datetime.date(2025, 10, 9)) == datetime.date(2025, 10, 9)
    assert october.until(datetime.date(2025, 12, 1)) == october.end
    assert october.until(datetime.date(2025, 9, 1)) == october.end
    # National Day week off (1–8 October 2025), Saturday 11 October worked in lieu.
    working = october.working_days(WorkingCalendar())
    assert datetime.date(2025, 10, 3) not in working and datetime.date(2025, 10, 11) in working
    assert working[0] == datetime.date(2025, 10, 9) and len(working) == 18


def test_a_custom_range_has_no_grid() -> None:
    with pytest.raises(ValueError):
        Period.containing(PeriodKind.CUSTOM, datetime.date(2026, 1, 1))
    with pytest.raises(ValueError):
        Period.between(datetime.date(2026, 1, 2), datetime.date(2026, 1, 1))
