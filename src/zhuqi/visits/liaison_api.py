"""/api/v1/assignments: assignments (包联) with their duty and the month's standing against it,
setting the duty, and the coverage figures. Reads come from visits.liaison and visits.coverage, the
duty is written by enterprises.services.assignment_duty_set."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import LazyPage, PageNumberPagination
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.queries import MonthText
from zhuqi.enterprises import selectors as enterprise_selectors
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.filtersets import AssignmentFilterSet
from zhuqi.enterprises.models import Assignment
from zhuqi.enterprises.schemas import AssignmentKind
from zhuqi.visits import coverage, liaison

router = Router(tags=["assignments"])


class AssignmentFilters(FilterQuery):
    filterset = AssignmentFilterSet


class StandingOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    official: int
    official_name: str
    kind: AssignmentKind
    start_date: datetime.date
    end_date: datetime.date | None
    visits_per_month: int
    calls_per_month: int
    month: str
    visits: int
    calls: int
    on_target: bool
    last_visit_date: datetime.date | None


class DutyIn(Schema):
    visits_per_month: int = Field(ge=0, le=enterprise_services.DUTY_MAX)
    calls_per_month: int = Field(ge=0, le=enterprise_services.DUTY_MAX)


class DutyOut(Schema):
    id: int
    visits_per_month: int
    calls_per_month: int


class CoverageRowOut(Schema):
    key: str
    name: str
    assignments: int
    on_target: int
    on_target_share: float | None
    enterprises: int
    quiet_enterprises: int
    officials: int
    visits: int
    visits_per_official: float | None


class CoverageOut(Schema):
    month: str
    by: str
    reference_date: datetime.date
    rows: list[CoverageRowOut]
    total: CoverageRowOut
    definitions: dict[str, str]


class StandingPage(LazyPage):
    """A page of assignments with their standing, computed for the page at once (four
    queries and a lookup), not one query per row."""

    def __init__(self, queryset: Any, month: Period, today: datetime.date) -> None:
        super().__init__(queryset)
        self.month, self.today = month, today

    def __getitem__(self, index: Any) -> Any:
        rows = list(self.queryset[index]) if isinstance(index, slice) else [self.queryset[index]]
        found = liaison.standings(rows, month=self.month, today=self.today, with_cases=False)
        items = [_standing_json(standing, self.month) for standing in found]
        return items if isinstance(index, slice) else items[0]


def _standing_json(standing: liaison.Standing, month: Period) -> dict[str, Any]:
    a = standing.assignment
    return {
        "id": a.pk,
        "enterprise": a.enterprise_id,
        "enterprise_name": a.enterprise.name,
        "official": a.official_id,
        "official_name": a.official.name,
        "kind": a.kind,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "visits_per_month": a.visits_per_month,
        "calls_per_month": a.calls_per_month,
        "month": month.key,
        "visits": standing.visits,
        "calls": standing.calls,
        "on_target": standing.on_target,
        "last_visit_date": standing.last_visit,
    }


@router.get(
    "", response=list[StandingOut], summary="Assignments in your scope with the month's visits and calls"
)
@paginate(PageNumberPagination)
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]) -> Any:
    """The assignments in force at some time in `month` (YYYY-MM, default this month), each with
    its duty, the month's visits and calls, whether it is on target and the last visit."""
    today = timezone.localdate()
    asked = filters.params().get("month")
    month = (
        Period.parse(asked, kind=PeriodKind.MONTH, field_name="month")
        if asked
        else Period.containing(PeriodKind.MONTH, today)
    )
    in_force = filters.model_copy(update={"month": month.key})
    queryset = in_force.apply(enterprise_selectors.assignment_queryset(user=request_user(request)))
    return StandingPage(queryset.order_by("id"), month, today)


@router.put("/{int:assignment_id}/duty", response=DutyOut, summary="Set an assignment's monthly duty")
def set_duty(request: HttpRequest, assignment_id: int, payload: DutyIn) -> dict[str, Any]:
    """At least `visits_per_month` visits and `calls_per_month` calls a month, each 0–31
    (0: no duty of that kind). Admins and coordinators, in their jurisdiction."""
    assignment: Assignment = enterprise_services.assignment_duty_set(
        actor=request_user(request),
        assignment_id=assignment_id,
        visits_per_month=payload.visits_per_month,
        calls_per_month=payload.calls_per_month,
        source="api",
    )
    return {
        "id": assignment.pk,
        "visits_per_month": assignment.visits_per_month,
        "calls_per_month": assignment.calls_per_month,
    }


@router.get("/coverage", response=CoverageOut, summary="Coverage figures per department or region")
def get_coverage(
    request: HttpRequest, month: MonthText | None = None, by: Literal["department", "region"] = "department"
) -> dict[str, Any]:
    """`month` YYYY-MM (default this month), `by` department or region. Definitions of every
    figure are in `definitions` (and docs/coverage.md)."""
    today = timezone.localdate()
    chosen = (
        Period.parse(month, kind=PeriodKind.MONTH, field_name="month")
        if month
        else Period.containing(PeriodKind.MONTH, today)
    )
    result = coverage.coverage_figures(request_user(request), chosen, by, today=today)
    return {
        "month": result.month.key,
        "by": result.by,
        "reference_date": result.reference_date,
        "rows": [row.as_dict() for row in result.rows],
        "total": result.total.as_dict(),
        "definitions": coverage.DEFINITIONS,
    }
