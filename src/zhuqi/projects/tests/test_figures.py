"""Project figures: starts against plan by a date, investment against the annual plan."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from zhuqi.core.errors import ValidationFailed
from zhuqi.projects.figures import project_figures
from zhuqi.projects.models import Level, ProjectYear, Stage
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import Cast, make_project

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_start_rate_by_the_end_of_june(cast: Cast) -> None:
    june = datetime.date(2026, 6, 30)
    make_project(
        planned_started_on=datetime.date(2026, 3, 1),
        started_on=datetime.date(2026, 3, 20),
        stage=Stage.STARTED,
    )
    make_project(
        planned_started_on=datetime.date(2026, 5, 1),
        started_on=datetime.date(2026, 7, 2),
        stage=Stage.STARTED,
    )
    make_project(planned_started_on=datetime.date(2026, 6, 1), stage=Stage.PREPARING)
    make_project(planned_started_on=datetime.date(2026, 6, 1), stage=Stage.CANCELLED)  # not counted
    make_project(planned_started_on=datetime.date(2026, 9, 1), stage=Stage.PLANNED)  # planned after June
    result = project_figures(user=cast.coordinator, year=2026, by_date=june, today=TODAY)
    assert result.total.planned_starts == 3 and result.total.started_by_date == 1
    assert result.total.start_rate == pytest.approx(1 / 3, abs=1e-4)
    by_november = project_figures(user=cast.coordinator, year=2026, today=TODAY)
    assert by_november.total.started_by_date == 2 and by_november.total.planned_starts == 4


def test_investment_against_the_plan_per_level(cast: Cast) -> None:
    city = make_project(level=Level.CITY)
    province = make_project(level=Level.PROVINCIAL)
    ProjectYear.objects.create(project=city, year=2026, planned_investment=10000, completed_investment=6000)
    ProjectYear.objects.create(
        project=province, year=2026, planned_investment=30000, completed_investment=9000
    )
    ProjectYear.objects.create(project=province, year=2025, planned_investment=99999, completed_investment=1)
    make_project(region_id="140200")  # outside the coordinator's jurisdiction
    result = project_figures(
        user=cast.coordinator, year=2026, group_by="level", sort="investment_rate", today=TODAY
    )
    assert [(row.name, row.investment_rate) for row in result.rows] == [
        ("盟市重点", 0.6),
        ("自治区（省）重点", 0.3),
    ]
    assert result.total.planned_investment == Decimal(40000) and result.total.projects == 2


def test_a_ranking_reads_the_same_rates_without_the_flags(cast: Cast) -> None:
    late = make_project(planned_started_on=datetime.date(2026, 3, 1), stage=Stage.PREPARING)
    make_project(
        planned_started_on=datetime.date(2026, 3, 1),
        started_on=datetime.date(2026, 3, 20),
        stage=Stage.STARTED,
    )
    ProjectYear.objects.create(project=late, year=2026, planned_investment=10000, completed_investment=2500)
    make_project(region_id="140200", planned_started_on=datetime.date(2026, 3, 1))  # outside
    flagged = project_figures(user=cast.coordinator, year=2026, group_by="department", today=TODAY)
    bare = project_figures(
        user=cast.coordinator, year=2026, group_by="department", today=TODAY, with_flags=False
    )
    # The late start is flagged only where the flags are read; every other count is the same.
    assert flagged.total.flagged == 1 and bare.total.flagged == 0
    assert [dataclasses.replace(row, flagged=0) for row in flagged.rows] == bare.rows
    assert (bare.total.start_rate, bare.total.investment_rate, bare.total.projects) == (0.5, 0.25, 2)


def test_bad_parameters_are_named(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        project_figures(user=cast.coordinator, year=2026, by_date=datetime.date(2025, 6, 30), today=TODAY)
    assert failure.value.errors[0].field == "by"
    response = token_client("coordinator").get("/api/v1/projects/figures?group_by=colour")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "group_by"]
