"""The leader's cockpit: each section is the source app's own figure for the same scope and period
(not a second count), the rankings (红黑榜) with shared ranks and each department's change since
the previous period, and the scope and period asked for refused by name when they cannot be read.

The figures are built on a controlled clock (March 2025, a month without holidays; February from
the 10th, after the Spring Festival), with cases taken through the workflow by the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from zhuqi.cases import figures as case_figures
from zhuqi.cases.models import CaseCategory
from zhuqi.cases.tests.test_figures import Clock, Desk, at
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.core.periods import FIRST_YEAR, LAST_YEAR, RELATIVE, Period, PeriodKind
from zhuqi.dispatch import cockpit
from zhuqi.dispatch.models import ScopeKind
from zhuqi.investment import figures as agreement_figures
from zhuqi.investment import services as agreement_services
from zhuqi.investment.models import Agreement
from zhuqi.investment.services import AgreementData
from zhuqi.projects import figures as project_figures
from zhuqi.projects.models import Stage
from zhuqi.testing.factories import Cast, DepartmentFactory, make_project

MARCH = "2025-03"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def desk(clock: Clock, cast: Cast) -> Desk:
    return Desk(cast, CaseCategory.objects.get(name="融资", parent=None), clock)


def _errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def _agreement(cast: Cast, title: str) -> Agreement:
    return agreement_services.agreement_create(
        actor=cast.coordinator,
        data=AgreementData(
            title=title,
            kind="investment",
            counterparty_name="内蒙古锦联铝材有限公司",
            our_party_name="霍林郭勒市人民政府",
            region_code="150581",
            signed_on=datetime.date(2025, 2, 15),
            amount="5",
            amount_unit="亿元",
            amount_nature="planned_investment",
            follow_up_department_id=cast.handler.department_id,
        ),
    )


def _figures(user: Any, scope: str = "region:150581", period: str = MARCH) -> dict[str, Any]:
    return cockpit.cockpit_figures(
        user=user, scope=cockpit.parse_scope(user, scope), period=cockpit.resolve_period(period)
    )


# --- the same numbers as each app's own --------------------------------------------------------


@pytest.mark.django_db
def test_each_section_is_the_source_apps_own_figure(desk: Desk, cast: Cast, clock: Clock) -> None:
    department = cast.handler.department
    desk.start(desk.assigned(department, at(3, 3)), at(3, 3, 10))
    desk.start(desk.assigned(department, at(3, 3)), at(3, 6))
    desk.assigned(department, at(3, 4))
    started = make_project(
        stage=Stage.STARTED,
        planned_started_on=datetime.date(2025, 3, 1),
        started_on=datetime.date(2025, 3, 5),
    )
    make_project(planned_started_on=datetime.date(2025, 3, 10))
    landed = _agreement(cast, "铝精深加工项目投资协议")
    _agreement(cast, "新能源装备制造项目框架协议")
    agreement_services.agreement_link_projects(
        actor=cast.coordinator,
        agreement_id=landed.pk,
        expected_version=Agreement.objects.get(pk=landed.pk).version,
        project_ids=[started.pk],
    )
    clock.set(at(3, 20))
    today = datetime.date(2025, 3, 20)
    period = cockpit.resolve_period(MARCH)

    shown = _figures(cast.coordinator)
    cases = case_figures.figures_for(
        user=cast.coordinator, period=period, group_by="region", region="150581", now=clock.now
    )
    assert shown["cases"]["total"] == cases.total.as_dict()
    assert (shown["cases"]["total"]["cases"], shown["cases"]["total"]["responded_on_time"]) == (3, 1)
    assert shown["cases"]["trend"][-1]["cases"] == 3 and len(shown["cases"]["trend"]) == cockpit.TREND_PERIODS
    assert shown["cases"]["trend"][-1]["period"] == MARCH

    projects = project_figures.project_figures(
        user=cast.coordinator, year=2025, by_date=today, group_by="region", region="150581", today=today
    )
    assert shown["projects"]["total"] == projects.total.as_dict()
    assert (projects.total.projects, projects.total.planned_starts, projects.total.started_by_date) == (
        2,
        2,
        1,
    )
    assert {s["stage"]: s["projects"] for s in shown["projects"]["stages"]}[Stage.STARTED] == 1

    agreements = agreement_figures.agreement_figures(
        user=cast.coordinator, year=2025, group_by="region", region="150581", today=today
    ).total
    assert shown["agreements"]["total"] == agreements.as_dict()
    funnel = [(step["stage"], step["count"]) for step in shown["agreements"]["funnel"]]
    assert funnel == [
        ("agreements", agreements.agreements),
        ("landed", agreements.landed),
        ("started", agreements.started),
        ("producing", agreements.producing),
    ]
    assert funnel[:3] == [("agreements", 2), ("landed", 1), ("started", 1)]
    # The late case of the department is listed with the section's count, the open ones are the
    # figures' (every kind, counted now).
    assert shown["late_cases"]["late"] == cases.total.late
    assert shown["late_cases"]["open"] == cases.total.open == 3


@pytest.mark.django_db
@pytest.mark.parametrize("walk_from", [cockpit.WALK_FROM, 0])
def test_the_late_cases_are_listed_longest_late_first_then_those_marked_late(
    desk: Desk, cast: Cast, clock: Clock, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhuqi.cases.models import Case
    from zhuqi.cases.sweep import sweep

    # 0: every scope walks the passed deadlines, read one at a time, then sorts its own (a scope
    # whose cases are rare among them), with a case of another region (Datong's) the longest late.
    monkeypatch.setattr(cockpit, "WALK_FROM", walk_from)
    monkeypatch.setattr(cockpit, "LATE_BATCHES", (1, 1))
    department = cast.handler.department
    desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 4), enterprise=cast.datong)
    second = desk.assigned(department, at(3, 4), deadline=datetime.date(2025, 3, 7))
    first = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 6))
    moved = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 5))
    desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 31))  # not late
    sweep(now=at(3, 10))
    # Marked red by the sweep, then its deadline moved past today (a holiday entered afterwards):
    # still late, listed after every passed deadline.
    Case.objects.filter(pk=moved.pk).update(due_at=at(3, 25, 18))
    clock.set(at(3, 20))
    late = _figures(cast.coordinator)["late_cases"]
    assert [row["id"] for row in late["rows"]] == [first.pk, second.pk, moved.pk]
    assert (late["open"], late["late"]) == (4, 3)
    assert [row["due_at"] for row in late["rows"]][:2] == [
        datetime.date(2025, 3, 6),
        datetime.date(2025, 3, 7),
    ]


@pytest.mark.django_db
def test_a_departments_late_cases_count_what_it_lists_wherever_they_are(
    desk: Desk, cast: Cast, clock: Clock
) -> None:
    department = cast.handler.department
    # Datong's demand led by the Huolinguole department: outside its region, still its case.
    away = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 4), enterprise=cast.datong)
    here = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 5))
    desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 31))  # not late
    clock.set(at(3, 20))
    for user in (cast.coordinator, cast.handler):
        late = _figures(user, scope=f"department:{department.pk}")["late_cases"]
        assert [row["id"] for row in late["rows"]] == [away.pk, here.pk]
        assert (late["open"], late["late"]) == (3, 2), user.username


@pytest.mark.django_db
def test_a_regions_sections_are_counted_once_and_kept_for_its_readers(
    desk: Desk, cast: Cast, clock: Clock
) -> None:
    from zhuqi.dispatch.models import FigureSnapshot

    department = cast.handler.department
    make_project(
        stage=Stage.STARTED,
        planned_started_on=datetime.date(2025, 3, 1),
        started_on=datetime.date(2025, 3, 5),
        responsible_department=department,
    )
    clock.set(at(3, 20))

    def start_rates(user: Any) -> dict[Any, Any]:
        tables = {t["key"]: t for t in _figures(user)["rankings"]}
        return {row["name"]: row["value"] for row in tables["department-start_rate"]["rows"]}

    assert start_rates(cast.coordinator) == {"霍林郭勒市工业和信息化局": 1.0}
    kept = set(FigureSnapshot.objects.values_list("key", flat=True))
    assert {
        "coverage|150581|2025-03",
        "ranked-projects-agreements|department|150581|2025-03",
        "ranked-projects-agreements|department|150581|2025-02",
    } <= kept
    # A project planned for March and not started: the next reader within five minutes reads
    # what was kept (the page says when it was counted); afterwards it is counted again.
    make_project(planned_started_on=datetime.date(2025, 3, 10), responsible_department=department)
    clock.set(at(3, 20, 9, 4))
    assert start_rates(cast.leader) == {"霍林郭勒市工业和信息化局": 1.0}
    clock.set(at(3, 20, 9, 6))
    assert start_rates(cast.leader) == {"霍林郭勒市工业和信息化局": 0.5}


@pytest.mark.django_db
def test_a_department_is_ranked_with_ties_and_its_change_since_the_previous_period(
    desk: Desk, cast: Cast, clock: Clock
) -> None:
    industry = cast.handler.department
    land = DepartmentFactory(name="霍林郭勒市自然资源局")
    finance = DepartmentFactory(name="霍林郭勒市财政局")
    # February: industry signs for its case within the hour, land three days late.
    desk.start(desk.assigned(industry, at(2, 10)), at(2, 10, 10))
    desk.start(desk.assigned(land, at(2, 10)), at(2, 13))
    # March: the other way round, and finance as quick as land.
    desk.start(desk.assigned(industry, at(3, 3)), at(3, 6))
    desk.start(desk.assigned(land, at(3, 3)), at(3, 3, 10))
    desk.start(desk.assigned(finance, at(3, 3)), at(3, 3, 11))
    clock.set(at(3, 20))

    tables = {t["key"]: t for t in _figures(cast.coordinator)["rankings"]}
    table = tables["department-response_rate"]
    assert (table["previous_period"], table["measure"], table["by"]) == (
        "2025-02",
        "response_rate",
        "department",
    )
    assert table["definition"] == case_figures.DEFINITIONS["response_rate"]
    rows = {r["name"]: (r["rank"], r["previous_rank"], r["change"], r["value"]) for r in table["rows"]}
    assert rows == {
        "霍林郭勒市自然资源局": (1, 2, 1, 1.0),
        "霍林郭勒市财政局": (1, None, None, 1.0),
        "霍林郭勒市工业和信息化局": (3, 1, -2, 0.0),
    }
    # Listed by rank; the tie by name.
    assert [r["name"] for r in table["rows"]] == [
        "霍林郭勒市自然资源局",
        "霍林郭勒市财政局",
        "霍林郭勒市工业和信息化局",
    ]
    # The rates ranked are the cases app's own for each department.
    march = case_figures.figures_for(
        user=cast.coordinator,
        period=Period.parse(MARCH),
        group_by="department",
        region="150581",
        now=clock.now,
    )
    assert {row.name: row.response_rate for row in march.rows if row.key is not None} == {
        name: value for name, (_, _, _, value) in rows.items()
    }


@pytest.mark.django_db
def test_the_trend_read_in_one_scan_equals_each_periods_own_figures(
    desk: Desk, cast: Cast, clock: Clock
) -> None:
    industry = cast.handler.department
    land = DepartmentFactory(name="霍林郭勒市自然资源局")
    desk.start(desk.assigned(industry, at(2, 10)), at(2, 10, 10))
    desk.start(desk.assigned(land, at(2, 10)), at(2, 13))
    desk.start(desk.assigned(industry, at(3, 3)), at(3, 6))
    desk.assigned(land, at(3, 3))
    clock.set(at(3, 20))
    shown = _figures(cast.coordinator)["cases"]["trend"]
    assert [point["period"] for point in shown] == [
        "2024-10",
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    for point in shown:
        own = case_figures.figures_for(
            user=cast.coordinator, period=Period.parse(point["period"]), region="150581", now=clock.now
        ).total
        assert (point["cases"], point["response_rate"], point["answer_rate"]) == (
            own.cases,
            own.response_rate,
            own.answer_rate,
        ), point
    assert [point["cases"] for point in shown][-2:] == [2, 2]
    # One department's trend is its row of each period's department table.
    rows = case_figures.totals_for_periods(
        user=cast.coordinator,
        periods=[Period.parse("2025-02"), Period.parse(MARCH)],
        region="150581",
        lead_department_id=land.pk,
        now=clock.now,
    )
    for row in rows:
        table = case_figures.figures_for(
            user=cast.coordinator,
            period=Period.parse(str(row.key)),
            group_by="department",
            region="150581",
            now=clock.now,
            # A trend's points are rates: the state now (open, late …) is not counted for them.
            with_state=False,
        )
        own = next(r for r in table.rows if r.key == land.pk)
        assert {n: getattr(row, n) for n in case_figures.COUNTED} == {
            n: getattr(own, n) for n in case_figures.COUNTED
        }


def test_ranks_are_shared_by_ties_and_the_unrated_are_not_ranked() -> None:
    values = {"a": ("甲", 0.5), "b": ("乙", 0.9), "c": ("丙", 0.5), "d": ("丁", None), "e": ("戊", 0.1)}
    assert cockpit._ranks(values) == {"b": 1, "a": 2, "c": 2, "e": 4}


# --- the scope and the period asked for ----------------------------------------------------------


@pytest.mark.django_db
def test_a_handler_sees_only_their_own_departments_cockpit(cast: Cast) -> None:
    other = DepartmentFactory(name="霍林郭勒市自然资源局")
    with pytest.raises(ValidationFailed) as failure:
        cockpit.parse_scope(cast.handler, f"department:{other.pk}")
    assert _errors(failure) == {"scope": "部门人员只能查看本部门的驾驶舱"}
    for text in ("region:150581", f"chain:{1}"):
        with pytest.raises(ValidationFailed) as failure:
            cockpit.parse_scope(cast.handler, text)
        assert set(_errors(failure)) == {"scope"}, text
    own = cockpit.parse_scope(cast.handler, "")
    assert (own.kind, own.department) == (ScopeKind.DEPARTMENT, cast.handler.department)
    assert cockpit.parse_scope(cast.handler, f"department:{cast.handler.department_id}") == own
    shown = cockpit.cockpit_figures(user=cast.handler, scope=own, period=cockpit.resolve_period("month"))
    assert shown["scope"]["key"] == f"department:{cast.handler.department_id}"
    # A department's cockpit counts its own work; the region's sections are not shown as its own.
    assert shown["rankings"] is None and shown["economy"] is None and shown["coverage"] is None
    assert shown["cases"] is not None and shown["projects"] is not None


@pytest.mark.django_db
def test_a_scope_outside_the_jurisdiction_or_unreadable_is_refused_naming_scope(cast: Cast) -> None:
    far = DepartmentFactory(name="大同市工信局", region_id="140200")
    for text, message in (
        ("region:140200", "大同市不在您的管辖范围内"),
        ("region:150500", "通辽市不在您的管辖范围内"),
        ("region:999999", "没有代码为 999999 的行政区划"),
        (f"department:{far.pk}", "部门不存在或不在您的管辖范围内"),
        ("department:x", "部门的编号应为数字"),
        ("chain:987654", "产业链不存在或不在您的权限范围内"),
        ("county:150581", "范围应为 region:地区代码、department:部门编号 或 chain:产业链编号"),
    ):
        with pytest.raises(ValidationFailed) as failure:
            cockpit.parse_scope(cast.coordinator, text)
        assert _errors(failure) == {"scope": message}, text
    # Tongliao's leader reads Huolinguole, below; the coordinator's own region is the default.
    assert cockpit.parse_scope(cast.leader, "region:150581").region.code == "150581"
    assert cockpit.parse_scope(cast.coordinator, "").region.code == "150581"
    for who in (cast.liaison, cast.enterprise_user):
        with pytest.raises(PermissionDenied):
            cockpit.parse_scope(who, "")
        with pytest.raises(PermissionDenied):
            cockpit.cockpit_figures(
                user=who,
                scope=cockpit.Scope(ScopeKind.REGION, cast.home.region),
                period=cockpit.resolve_period("month"),
            )


def test_a_period_ending_before_it_starts_is_refused_naming_period() -> None:
    with pytest.raises(ValidationFailed) as failure:
        cockpit.resolve_period("2026-03-31~2026-01-01")
    assert set(_errors(failure)) == {"period"}
    assert "早于开始日期" in _errors(failure)["period"]
    for text in ("2026-13", "2026-Q5", "soon", "2026-02-30~2026-03-01", "1999"):
        with pytest.raises(ValidationFailed) as failure:
            cockpit.resolve_period(text)
        assert set(_errors(failure)) == {"period"}, text


# Days whose periods, and the periods before them, lie within the years a key may name.
DAYS = st.dates(min_value=datetime.date(FIRST_YEAR + 1, 1, 1), max_value=datetime.date(LAST_YEAR - 1, 12, 31))


@given(name=st.sampled_from(sorted(RELATIVE)), today=DAYS)
def test_a_period_by_name_round_trips_through_its_key(name: str, today: datetime.date) -> None:
    period = cockpit.resolve_period(name, today=today)
    assert period.start <= today <= period.end or name.startswith("last_")
    assert cockpit.resolve_period(period.key, today=today) == period
    assert cockpit.resolve_period(period.key).key == period.key


@given(
    kind=st.sampled_from([PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]), day=DAYS
)
def test_any_periods_key_round_trips(kind: PeriodKind, day: datetime.date) -> None:
    period = Period.containing(kind, day)
    assert cockpit.resolve_period(period.key) == period


@given(start=st.dates(), end=st.dates())
# The ends of the calendar: the period before the first day, or after the last, does not exist.
@example(start=datetime.date(1, 1, 1), end=datetime.date(1, 1, 2))
@example(start=datetime.date(9999, 12, 30), end=datetime.date(9999, 12, 31))
def test_any_custom_range_is_read_back_or_refused_naming_period(
    start: datetime.date, end: datetime.date
) -> None:
    text = f"{start:%Y-%m-%d}~{end:%Y-%m-%d}"
    if end < start:
        with pytest.raises(ValidationFailed) as failure:
            cockpit.resolve_period(text)
        assert set(_errors(failure)) == {"period"}
        return
    try:
        period = cockpit.resolve_period(text)
    except ValidationFailed as failure:
        assert {e.field for e in failure.errors} == {"period"}
        # Refused only for a range the cockpit cannot show: too long, or outside the years kept.
        assert (end - start).days > 366 * 5 or start.year < FIRST_YEAR or end.year > LAST_YEAR
        return
    assert (period.start, period.end) == (start, end)
    assert cockpit.resolve_period(period.key) == period
    # The cockpit compares with the period before and draws the ones around it.
    assert period.previous().end == start - datetime.timedelta(days=1)
    assert period.next().start == end + datetime.timedelta(days=1)


@pytest.mark.django_db
def test_a_chain_counts_each_open_case_once_though_its_enterprise_sits_in_two_segments(
    desk: Desk, cast: Cast, clock: Clock
) -> None:
    from zhuqi.chains import services as chain_services
    from zhuqi.testing.factories import make_chain

    chain = make_chain(cast)
    for segment in chain.segment_list[:2]:
        chain_services.member_add(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=chain_services.MemberData(segment_id=segment.pk, enterprise_id=cast.home.pk),
        )
    department = cast.handler.department
    desk.assigned(department, at(3, 3), enterprise=cast.home)
    desk.assigned(department, at(3, 4), enterprise=cast.home)
    desk.assigned(department, at(3, 4), enterprise=cast.tongliao)  # not a member
    clock.set(at(3, 31))  # both clocks have run out

    late = _figures(cast.coordinator, scope=f"chain:{chain.pk}")["late_cases"]
    assert (late["open"], late["late"]) == (2, 2)
    assert len(late["rows"]) == 2
