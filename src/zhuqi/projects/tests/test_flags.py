"""The flags shown wherever a project appears, measured against a fixed day."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory, Kind, Status, Timeliness
from zhuqi.directory.models import User
from zhuqi.projects import selectors
from zhuqi.projects.models import Milestone, ProgressReport, Project, ProjectList, ProjectYear, Stage
from zhuqi.testing.factories import Cast, make_project

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 2)  # a Thursday; the week before ran 22–28 June
AT = selectors.clock(TODAY)


def _flags(user: User, project: Project) -> set[str]:
    listed = selectors.project_library(user=user, at=AT).get(pk=project.pk)
    return {name for name, _ in selectors.flags_of(listed)}


def _old(project: Project) -> Project:
    """In the library since well before the periods the flags look at."""
    Project.objects.filter(pk=project.pk).update(
        created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    )
    return project


def test_late_start_only_before_the_project_starts(cast: Cast) -> None:
    late = _old(
        make_project(
            stage=Stage.PREPARING,
            planned_started_on=datetime.date(2026, 6, 30),
            last_period_end=datetime.date(2026, 6, 28),
        )
    )
    started = _old(
        make_project(
            stage=Stage.STARTED,
            planned_started_on=datetime.date(2026, 6, 30),
            last_period_end=datetime.date(2026, 6, 28),
        )
    )
    due_today = _old(
        make_project(
            stage=Stage.PLANNED, planned_started_on=TODAY, last_period_end=datetime.date(2026, 6, 28)
        )
    )
    assert _flags(cast.coordinator, late) == {"late_start"}
    assert _flags(cast.coordinator, started) == set()
    assert _flags(cast.coordinator, due_today) == set()


def test_no_report_for_the_last_finished_period(cast: Cast) -> None:
    reported = _old(make_project(stage=Stage.STARTED, last_period_end=datetime.date(2026, 6, 28)))
    missed = _old(make_project(stage=Stage.STARTED, last_period_end=datetime.date(2026, 6, 21)))
    never = _old(make_project(stage=Stage.STARTED))
    producing = _old(make_project(stage=Stage.PRODUCING))
    brand_new = make_project(stage=Stage.STARTED)  # created today: no period it could have reported
    assert "no_report" not in _flags(cast.coordinator, reported)
    assert "no_report" in _flags(cast.coordinator, missed)
    assert "no_report" in _flags(cast.coordinator, never)
    assert "no_report" not in _flags(cast.coordinator, producing)
    assert "no_report" not in _flags(cast.coordinator, brand_new)


def test_monthly_lists_are_due_monthly(cast: Cast) -> None:
    monthly = ProjectList.objects.create(
        name="月报清单", region_id="150581", level="city", year=2026, reporting_period="monthly"
    )
    june = _old(
        make_project(stage=Stage.STARTED, project_list=monthly, last_period_end=datetime.date(2026, 6, 30))
    )
    may = _old(
        make_project(stage=Stage.STARTED, project_list=monthly, last_period_end=datetime.date(2026, 5, 31))
    )
    assert "no_report" not in _flags(cast.coordinator, june)
    assert "no_report" in _flags(cast.coordinator, may)


def test_behind_the_pro_rata_share_of_the_annual_plan(cast: Cast) -> None:
    # 2 July: 183 of 365 days gone, so half of a 10,000 plan (5,014) should be done.
    behind = _old(make_project(stage=Stage.STARTED, last_period_end=datetime.date(2026, 6, 28)))
    ahead = _old(make_project(stage=Stage.STARTED, last_period_end=datetime.date(2026, 6, 28)))
    ProjectYear.objects.create(
        project=behind, year=2026, planned_investment=10000, completed_investment=Decimal("4900")
    )
    ProjectYear.objects.create(
        project=ahead, year=2026, planned_investment=10000, completed_investment=Decimal("5100")
    )
    ProjectYear.objects.create(project=ahead, year=2025, planned_investment=10000, completed_investment=0)
    assert _flags(cast.coordinator, behind) == {"behind_investment"}
    assert _flags(cast.coordinator, ahead) == set()


def test_open_late_cases_and_late_milestones(cast: Cast) -> None:
    project = _old(make_project(stage=Stage.STARTED, last_period_end=datetime.date(2026, 6, 28)))
    category = CaseCategory.objects.get(name="融资", parent=None)
    now = timezone.now()
    case = Case.objects.create(
        kind=Kind.INSTRUCTION,
        title="贷款",
        region_id="150581",
        category=category,
        source="project",
        submitted_at=now,
        project=project,
        status=Status.IN_PROGRESS,
        timeliness=Timeliness.RED,
    )
    Milestone.objects.create(project=project, name="设备安装", planned_on=datetime.date(2026, 7, 1))
    Milestone.objects.create(
        project=project, name="土地", planned_on=datetime.date(2026, 3, 1), done_on=datetime.date(2026, 3, 5)
    )
    assert _flags(cast.coordinator, project) == {"late_cases", "late_milestones"}
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    Milestone.objects.filter(done_on__isnull=True).update(done_on=TODAY)
    assert _flags(cast.coordinator, project) == set()


def test_flag_filters_match_the_flags(cast: Cast) -> None:
    late = _old(
        make_project(
            stage=Stage.PLANNED,
            planned_started_on=datetime.date(2026, 5, 1),
            last_period_end=datetime.date(2026, 6, 28),
        )
    )
    _old(
        make_project(
            stage=Stage.PLANNED,
            planned_started_on=datetime.date(2026, 9, 1),
            last_period_end=datetime.date(2026, 6, 28),
        )
    )
    queryset = selectors.project_library(user=cast.coordinator, at=AT)
    assert list(queryset.filter(selectors.flag_filter("late_start", AT))) == [late]


def test_scope(cast: Cast) -> None:
    own = make_project(owner=cast.home)
    other = make_project(owner=cast.neighbour)
    outside = make_project(region_id="140200")
    assert set(selectors.project_queryset(user=cast.coordinator)) == {own, other}
    assert set(selectors.project_queryset(user=cast.enterprise_user)) == {own}
    assert set(selectors.project_queryset(user=cast.liaison)) == {own}
    assert set(selectors.project_queryset(user=cast.outsider)) == {outside}
    assert set(selectors.project_queryset(user=cast.admin)) == {own, other, outside}
    assert ProgressReport.objects.count() == 0
