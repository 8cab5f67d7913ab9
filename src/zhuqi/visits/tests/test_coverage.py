"""Liaison work read from the log: the duty, a workbench, the month log and the coverage figures on
a case built by hand, where every number can be counted on one's fingers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.enterprises import services as enterprise_services
from zhuqi.testing.factories import AssignmentFactory, Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import coverage, liaison, services
from zhuqi.visits.services import Attendance, SaidThere, VisitData
from zhuqi.visits.tests.scene import END_OF_JUNE, Scene, log

pytestmark = pytest.mark.django_db


def month_of(text: str | None) -> Period:
    return Period.parse(text, kind=PeriodKind.MONTH, field_name="month")


JUNE = month_of("2026-06")


def test_month_of_reads_yyyy_mm_and_names_the_field_otherwise() -> None:
    assert JUNE.start == datetime.date(2026, 6, 1) and JUNE.end == END_OF_JUNE
    assert month_of("2026-2").end == datetime.date(2026, 2, 28)
    for bad in ("2026-13", "2026/06", "六月", "", None):
        with pytest.raises(ValidationFailed) as failure:
            month_of(bad)
        assert failure.value.errors[0].field == "month"


def test_the_duty_defaults_from_settings_and_is_set_by_a_coordinator(cast: Cast, settings: Any) -> None:
    settings.ZHUQI_LIAISON_VISITS_PER_MONTH = 2
    assignment = AssignmentFactory(enterprise=cast.home)
    assert (assignment.visits_per_month, assignment.calls_per_month) == (2, 1)
    changed = enterprise_services.assignment_duty_set(
        actor=cast.coordinator, assignment_id=assignment.pk, visits_per_month=4, calls_per_month="0"
    )
    assert (changed.visits_per_month, changed.calls_per_month) == (4, 0)
    entry = AuditEntry.objects.filter(object_id=str(assignment.pk), action="update").get()
    assert entry.changes["visits_per_month"] == [2, 4]


def test_a_bad_duty_is_named_by_field_and_nothing_is_written(cast: Cast) -> None:
    assignment = AssignmentFactory(enterprise=cast.home)
    with pytest.raises(ValidationFailed) as failure:
        enterprise_services.assignment_duty_set(
            actor=cast.coordinator, assignment_id=assignment.pk, visits_per_month=3, calls_per_month=40
        )
    assert [e.field for e in failure.value.errors] == ["calls_per_month"]
    with pytest.raises(ValidationFailed) as failure:
        enterprise_services.assignment_duty_set(
            actor=cast.coordinator, assignment_id=assignment.pk, visits_per_month=-1, calls_per_month="x"
        )
    assert [e.field for e in failure.value.errors] == ["visits_per_month", "calls_per_month"]
    assignment.refresh_from_db()
    assert (assignment.visits_per_month, assignment.calls_per_month) == (1, 1)
    with pytest.raises(PermissionDenied):
        enterprise_services.assignment_duty_set(
            actor=cast.liaison, assignment_id=assignment.pk, visits_per_month=2, calls_per_month=2
        )
    datong = AssignmentFactory(enterprise=cast.datong)
    with pytest.raises(NotFound):  # outside the coordinator's jurisdiction: as if missing
        enterprise_services.assignment_duty_set(
            actor=cast.coordinator, assignment_id=datong.pk, visits_per_month=2, calls_per_month=2
        )
    assert not AuditEntry.objects.filter(action="update").exists()


def test_no_problems_and_demands_together_are_refused(cast: Cast) -> None:
    PostFactory(official=cast.liaison.official, title="驻企联络员")
    category = CaseCategory.objects.get(name="融资", parent=None)
    with pytest.raises(ValidationFailed) as failure:
        services.visit_create(
            actor=cast.liaison,
            data=VisitData(
                kind="liaison",
                title="走访联晟新材料",
                start_date=datetime.date(2026, 6, 10),
                lead_official_ids=[cast.liaison.official.pk],
                attendance=[Attendance(enterprise_id=cast.home.pk)],
                no_problems=True,
            ),
            said=[
                SaidThere(kind="demand", title="贷款难", category_id=category.pk, enterprise_id=cast.home.pk)
            ],
        )
    assert [e.field for e in failure.value.errors] == ["no_problems"]
    assert not Case.objects.exists()


def test_a_liaison_officer_logs_their_own_visit_without_a_post_on_record(cast: Cast) -> None:
    result = log(cast.liaison, "liaison", cast.liaison.official, cast.home.pk, datetime.date(2026, 6, 10))
    assert result.visit.participants.get().official_id == cast.liaison.official_id
    other = OfficialFactory(name="无职务")
    with pytest.raises(ValidationFailed):  # someone else without a post is still refused
        log(cast.coordinator, "liaison", other, cast.home.pk, datetime.date(2026, 6, 10))


def test_the_workbench_lists_overdue_first(scene: Scene, django_assert_max_num_queries: Any) -> None:
    cast = scene.cast
    category = CaseCategory.objects.get(name="融资", parent=None)
    services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="liaison",
            title="走访",
            start_date=datetime.date(2026, 6, 16),
            lead_official_ids=[scene.wang.pk],
            attendance=[Attendance(enterprise_id=cast.neighbour.pk)],
        ),
        said=[
            SaidThere(kind="demand", title="贷款难", category_id=category.pk, enterprise_id=cast.neighbour.pk)
        ],
    )
    today = datetime.date(2026, 7, 20)  # home last visited 6/10 (40 days), neighbour 6/16 (34)
    log(cast.admin, "call", scene.wang, cast.neighbour.pk, datetime.date(2026, 7, 2))
    log(cast.admin, "liaison", scene.wang, cast.home.pk, datetime.date(2026, 7, 1))
    with django_assert_max_num_queries(6):
        bench = liaison.liaison_workbench(cast.admin, scene.wang, today)
    rows = {row.enterprise.pk: row for row in bench.rows}
    home, neighbour = rows[cast.home.pk], rows[cast.neighbour.pk]
    assert (home.visits, home.calls, home.overdue) == (1, 0, False)
    assert home.last_visit == datetime.date(2026, 7, 1)
    assert (neighbour.visits, neighbour.calls, neighbour.overdue) == (0, 1, True)
    assert neighbour.last_visit == datetime.date(2026, 6, 16) and neighbour.open_cases == 1
    assert bench.rows[0] is neighbour and [r.enterprise.pk for r in bench.overdue] == [cast.neighbour.pk]
    # A user sees only what their scope holds: the cast's liaison officer has only home.
    seen = liaison.liaison_workbench(cast.liaison, scene.wang, today).rows
    assert [row.enterprise.pk for row in seen] == [cast.home.pk]


def test_the_month_log(scene: Scene) -> None:
    log_ = liaison.month_log(scene.wang, JUNE, today=END_OF_JUNE)
    assert (log_.visit_count, log_.call_count) == (2, 1)
    assert [e.enterprises[0].pk for e in log_.entries] == [scene.cast.home.pk] * 2 + [scene.cast.neighbour.pk]
    on_target = {s.enterprise.pk: s.on_target for s in log_.standings}
    assert on_target == {scene.cast.home.pk: True, scene.cast.neighbour.pk: False}


def _figures(result: coverage.Coverage) -> dict[str, tuple[int, ...]]:
    return {
        row.name: (row.assignments, row.on_target, row.quiet_enterprises, row.officials, row.visits)
        for row in result.rows
    }


def test_coverage_by_department_and_region(scene: Scene, django_assert_num_queries: Any) -> None:
    cast = scene.cast
    with django_assert_num_queries(3):
        by_department = coverage.coverage_figures(cast.admin, JUNE, "department", today=END_OF_JUNE)
    assert _figures(by_department) == {
        "霍林郭勒市工业和信息化局": (2, 1, 0, 1, 2),
        "科尔沁区商务局": (2, 1, 1, 1, 1),
    }
    total = by_department.total
    assert (total.assignments, total.on_target, total.quiet_enterprises, total.officials, total.visits) == (
        4,
        2,
        1,
        2,
        3,
    )
    assert total.on_target_share == 50.0 and total.visits_per_official == 1.5
    by_region = coverage.coverage_figures(cast.admin, JUNE, "region", today=END_OF_JUNE)
    assert _figures(by_region) == {"内蒙古自治区": (3, 1, 1, 2, 2), "山西省": (1, 1, 0, 1, 1)}


def test_coverage_is_scoped(scene: Scene) -> None:
    cast = scene.cast
    leader = coverage.coverage_figures(cast.leader, JUNE, "region", today=END_OF_JUNE)  # Tongliao
    assert _figures(leader) == {"霍林郭勒市": (2, 1, 0, 1, 2), "科尔沁区": (1, 0, 1, 1, 0)}
    county = coverage.coverage_figures(cast.coordinator, JUNE, "department", today=END_OF_JUNE)
    assert _figures(county) == {"霍林郭勒市工业和信息化局": (2, 1, 0, 1, 2)}
    assert county.total.assignments == 2
    with pytest.raises(PermissionDenied):
        coverage.coverage_figures(cast.liaison, JUNE, "region")
    with pytest.raises(ValidationFailed):
        coverage.coverage_figures(cast.admin, JUNE, "chain")
    quiet = coverage.quiet_enterprises(cast.leader, END_OF_JUNE)
    assert [(e.pk, e.last_visit) for e in quiet] == [(cast.tongliao.pk, datetime.date(2026, 1, 20))]
    assert list(coverage.quiet_enterprises(cast.coordinator, END_OF_JUNE)) == []
    # The page's list is the figure's enterprises (the page takes its count from the figure).
    listed = coverage.quiet_enterprises(cast.leader, END_OF_JUNE, in_force_from=JUNE.start)
    assert listed.count() == leader.total.quiet_enterprises == 1
    assert coverage.quiet_enterprises(cast.liaison, END_OF_JUNE).count() == 0


def test_an_assignment_made_mid_month_is_not_counted_for_that_month(scene: Scene) -> None:
    mid_june = datetime.date(2026, 6, 20)
    AssignmentFactory(official=scene.wang, enterprise=scene.cast.datong, start_date=mid_june)
    result = coverage.coverage_figures(scene.cast.admin, JUNE, "region", today=END_OF_JUNE)
    assert result.total.assignments == 4


def test_an_official_counts_under_the_first_post_in_force(scene: Scene) -> None:
    """The province-wide form (a join of first posts) and the scoped one (a lookup per assignment)
    agree: a post ended before the month or listed after the main one does not move the row."""
    cast = scene.cast
    scene.wang.posts.update(order=1)
    PostFactory(official=scene.wang, department=scene.commerce, title="兼职", order=5)
    ended = DepartmentFactory(name="霍林郭勒市营商环境局", region_id="150581")
    PostFactory(
        official=scene.wang, department=ended, title="原职", order=0, end_date=datetime.date(2026, 3, 1)
    )
    province = coverage.coverage_figures(cast.admin, JUNE, "department", today=END_OF_JUNE)
    county = coverage.coverage_figures(cast.coordinator, JUNE, "department", today=END_OF_JUNE)
    assert _figures(province)["霍林郭勒市工业和信息化局"] == _figures(county)["霍林郭勒市工业和信息化局"]
    assert set(_figures(county)) == {"霍林郭勒市工业和信息化局"}
    # A new first post (order below the 工信局 one's) moves the official's row on both forms.
    PostFactory(
        official=scene.wang, department=ended, title="局长", order=0, start_date=datetime.date(2026, 5, 1)
    )
    moved = coverage.coverage_figures(cast.admin, JUNE, "department", today=END_OF_JUNE)
    assert set(_figures(moved)) == {"霍林郭勒市营商环境局", "科尔沁区商务局"}
    county = coverage.coverage_figures(cast.coordinator, JUNE, "department", today=END_OF_JUNE)
    assert set(_figures(county)) == {"霍林郭勒市营商环境局"}
