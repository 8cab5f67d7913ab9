from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry, CalendarDay, CalendarYear
from zhuqi.core.services import CalendarEntry, calendar_year_enter, parse_calendar_text
from zhuqi.core.workdays import PACKAGE_YEARS, WorkingCalendar
from zhuqi.testing.api import send, token_client

D = datetime.date
FIRST_UNCOVERED = PACKAGE_YEARS.stop  # the first year chinese-calendar does not know

pytestmark = pytest.mark.django_db


def test_statutory_holidays_and_adjusted_working_days_come_from_the_package() -> None:
    calendar = WorkingCalendar()
    national_day = calendar.day(D(2026, 10, 1))
    assert (national_day.is_workday, national_day.name, national_day.provisional) == (False, "国庆节", False)
    assert not calendar.is_workday(D(2026, 10, 7))  # a Wednesday, still the holiday
    # Sunday 2026-01-04 and Saturday 2026-10-10 are worked in lieu (调休).
    assert calendar.is_workday(D(2026, 1, 4)) and calendar.day(D(2026, 1, 4)).name == "元旦调休上班"
    assert calendar.is_workday(D(2026, 10, 10))
    assert not calendar.is_workday(D(2026, 11, 22))  # an ordinary Sunday
    assert calendar.day(D(2026, 11, 22)).name == ""


def test_five_working_days_from_before_national_day_skip_the_whole_holiday() -> None:
    calendar = WorkingCalendar()
    # Assigned Monday 2026-09-28: 29, 30 Sep, then 1–7 Oct off, then 8, 9 and Saturday 10 (worked).
    assert calendar.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
    assert calendar.working_days_between(D(2026, 9, 28), D(2026, 10, 10)) == 5
    assert calendar.add_working_days(D(2026, 9, 28), 6) == D(2026, 10, 12)


def test_a_year_without_a_calendar_uses_weekends_and_is_provisional() -> None:
    calendar = WorkingCalendar()
    first_of_october = D(FIRST_UNCOVERED, 10, 1)
    assert calendar.is_provisional_year(FIRST_UNCOVERED)
    day = calendar.day(first_of_october)
    assert day.provisional and day.is_workday == (first_of_october.weekday() < 5)
    assert calendar.span_is_provisional(D(2026, 12, 28), D(FIRST_UNCOVERED, 1, 5))
    assert not calendar.span_is_provisional(D(2026, 1, 1), D(2026, 12, 31))


def test_an_entered_year_overrides_the_weekend_rule(cast) -> None:
    year = FIRST_UNCOVERED
    entries = [CalendarEntry(D(year, 10, day), False, "国庆节") for day in range(1, 8)]
    saturday = next(D(year, 9, day) for day in range(20, 31) if D(year, 9, day).weekday() == 5)
    entries.append(CalendarEntry(saturday, True, "国庆节调休上班"))
    calendar_year_enter(actor=cast.admin, year=year, entries=entries, source_document="国办发明电")

    calendar = WorkingCalendar()
    assert not calendar.is_provisional_year(year)
    assert calendar.year_source(year) == "entered"
    assert not any(calendar.is_workday(D(year, 10, day)) for day in range(1, 8))
    assert calendar.is_workday(saturday) and calendar.day(saturday).name == "国庆节调休上班"
    entry = AuditEntry.objects.get(object_id=str(year))
    assert entry.actor_name == "admin" and entry.changes["days"] == [None, 8]


def test_replacing_a_year_records_which_days_changed(cast) -> None:
    year = FIRST_UNCOVERED
    calendar_year_enter(actor=cast.admin, year=year, entries=[CalendarEntry(D(year, 1, 1), False, "元旦")])
    calendar_year_enter(
        actor=cast.admin,
        year=year,
        entries=[CalendarEntry(D(year, 1, 1), False, "元旦"), CalendarEntry(D(year, 5, 3), False, "劳动节")],
    )
    latest = AuditEntry.objects.filter(object_id=str(year)).first()
    assert latest is not None and latest.changes == {f"{year}-05-03": [None, "休 劳动节"]}
    assert CalendarDay.objects.filter(year_id=year).count() == 2


def test_only_admins_enter_a_calendar_and_bad_lists_write_nothing(cast) -> None:
    year = FIRST_UNCOVERED
    with pytest.raises(PermissionDenied):
        calendar_year_enter(actor=cast.coordinator, year=year, entries=[CalendarEntry(D(year, 1, 1), False)])
    with pytest.raises(ValidationFailed) as failure:
        calendar_year_enter(
            actor=cast.admin,
            year=year,
            entries=[CalendarEntry(D(year, 1, 1), False), CalendarEntry(D(year - 1, 12, 31), False)],
        )
    assert "不在" in failure.value.errors[0].message
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


def test_the_text_list_names_each_bad_line() -> None:
    entries, errors = parse_calendar_text(
        "日期,类型,名称\n2027-01-01,休,元旦\n\n2027-13-01,休,x\n"
        "2027-02-06 班 春节调休上班\n2027-02-07,放风\n",
        year=2027,
    )
    assert [e.date for e in entries] == [D(2027, 1, 1), D(2027, 2, 6)]
    assert entries[1].is_workday and entries[1].name == "春节调休上班"
    assert [(e.field, e.message) for e in errors] == [
        ("第4行", "日期“2027-13-01”应为 YYYY-MM-DD"),
        ("第6行", "“放风”应为“休”或“班”"),
    ]


def test_the_command_imports_a_year_and_refuses_a_bad_file_whole(cast, tmp_path: Path) -> None:
    year = FIRST_UNCOVERED
    good = tmp_path / "good.csv"
    good.write_text(f"{year}-10-01,休,国庆节\n{year}-10-02,休,国庆节\n", encoding="gbk")
    call_command("import_calendar", str(year), str(good), "--source", "通知")
    assert CalendarYear.objects.get(year=year).source == "通知"
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{year}-10-03,休,国庆节\nnot-a-date,休\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_calendar", str(year), str(bad))
    assert CalendarDay.objects.filter(year_id=year).count() == 2


def test_the_api_lists_every_day_of_a_year(cast) -> None:
    client = token_client("handler")
    body = client.get("/api/v1/calendar/2026").json()
    assert body["year"] == 2026 and body["provisional"] is False and len(body["days"]) == 365
    assert {"date": "2026-10-01", "is_workday": False, "name": "国庆节"} in body["days"]
    assert client.get(f"/api/v1/calendar/{FIRST_UNCOVERED}").json()["provisional"] is True


def test_the_api_enters_a_year_for_admins_only(cast) -> None:
    year = FIRST_UNCOVERED
    payload = {
        "days": [{"date": f"{year}-10-01", "is_workday": False, "name": "国庆节"}],
        "source_document": "通知",
    }
    assert send(token_client("coordinator"), "post", f"/api/v1/calendar/{year}", payload).status_code == 403
    response = send(token_client("admin"), "post", f"/api/v1/calendar/{year}", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provisional"] is False and body["source"] == "entered"
    assert {"date": f"{year}-10-01", "is_workday": False, "name": "国庆节"} in body["days"]
    wrong_year = {"days": [{"date": f"{year + 1}-01-01", "is_workday": False}]}
    response = send(token_client("admin"), "post", f"/api/v1/calendar/{year}", wrong_year)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "days", "0"]


covered_days = st.dates(min_value=D(PACKAGE_YEARS.start, 1, 1), max_value=D(PACKAGE_YEARS.stop - 1, 11, 30))


@settings(max_examples=200, deadline=None)
@given(start=covered_days, count=st.integers(min_value=1, max_value=30))
def test_adding_working_days_lands_on_a_working_day_exactly_count_away(start: D, count: int) -> None:
    calendar = WorkingCalendar()
    end = calendar.add_working_days(start, count)
    assert calendar.is_workday(end)
    assert calendar.working_days_between(start, end) == count
    # Nothing earlier would do: the day before the result is still short of the count.
    assert calendar.working_days_between(start, end - datetime.timedelta(days=1)) == count - 1


@settings(max_examples=200, deadline=None)
@given(start=covered_days, first=st.integers(0, 20), second=st.integers(0, 20))
def test_working_days_add_up(start: D, first: int, second: int) -> None:
    calendar = WorkingCalendar()
    middle = calendar.add_working_days(start, first) if first else start
    end = calendar.add_working_days(middle, second) if second else middle
    assert calendar.working_days_between(start, end) == first + second


@settings(max_examples=100, deadline=None)
@given(day=covered_days)
def test_every_package_day_is_a_weekday_unless_the_calendar_says_why(day: D) -> None:
    result = WorkingCalendar().day(day)
    if result.is_workday != (day.weekday() < 5):
        # Off on a weekday or at work on a weekend: only for a named holiday or 调休.
        assert result.name
