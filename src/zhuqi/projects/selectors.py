"""Every read of projects goes through here, scoped to the user, with the flags computed the
same way for the library, the project page, the API and the exports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Timeliness
from zhuqi.core import search
from zhuqi.core.errors import NotFound
from zhuqi.core.scoping import (
    is_active_user,
    jurisdiction_code,
    region_and_ancestor_codes,
    region_subtree_q,
    scope_q,
)
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import User
from zhuqi.directory.selectors import departments_in
from zhuqi.enterprises.selectors import assigned_q
from zhuqi.projects import periods
from zhuqi.projects.models import (
    ACTIVE_STAGES,
    NOT_STARTED,
    Milestone,
    ProgressReport,
    Project,
    ProjectList,
    ProjectYear,
    ReportingPeriod,
    Stage,
    StageChange,
)


def project_scope_q(user: User, *, walk_in_order: bool = False) -> Q:
    """docs/visibility.md. Leaders, coordinators: the projects in their jurisdiction and those a
    department of it is responsible for; admins, auditors: all. Handlers: the projects of their
    department's region and below (the library is a register the whole government reads; writing
    is narrower, see services), and those their department is responsible for. Enterprises: their
    own projects. Liaison officers: the projects of the enterprises assigned to them now.

    `walk_in_order`: the same projects, written for taking one page of the library in its order
    (core.scoping.region_subtree_q): a prefecture's or the province's page walks
    `project_newest_idx` and keeps the jurisdiction's projects, where SQLite would otherwise read
    all of them through two indexes and sort them (6k projects, ~20 ms)."""
    return scope_q(
        user,
        enterprise="owner_id",
        liaison=lambda u: assigned_q(u, "owner_id"),
        region=lambda code: region_subtree_q("region_id", code, walk_in_order=walk_in_order),
        # The department's own, wherever it is (docs/visibility.md).
        department=lambda u: Q(responsible_department_id=u.department_id),
        in_jurisdiction=lambda code: Q(responsible_department_id__any_of=departments_in(code)),
    )


# ---------------------------------------------------------------------------------------------
# Flags: computed from the row (and two EXISTS probes), never stored, so they cannot go stale.

FLAGS = {
    "late_start": "未按期开工",
    "no_report": "上期未报进展",
    "behind_investment": "投资进度滞后",
    "late_cases": "有逾期事项",
    "late_milestones": "节点滞后",
}


@dataclass(frozen=True)
class FlagClock:
    """The moments the flags are measured against, fixed once per request."""

    today: datetime.date

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def year_share(self) -> Decimal:
        """The share of the year gone by the end of today: the pro-rata part of an annual plan
        that should be done."""
        first = datetime.date(self.today.year, 1, 1)
        days = (datetime.date(self.today.year + 1, 1, 1) - first).days
        return (Decimal((self.today - first).days + 1) / Decimal(days)).quantize(Decimal("0.0001"))

    def reporting_deadlines(self) -> dict[str, datetime.date]:
        """Per reporting period, the end of the last period that has finished: a project whose
        latest report ends before it missed that period."""
        return {kind: periods.last_finished_period(kind, self.today).end for kind in ReportingPeriod.values}


def clock(today: datetime.date | None = None) -> FlagClock:
    return FlagClock(today or timezone.localdate())


def _flag_q(name: str, at: FlagClock) -> Q:
    if name == "late_start":
        return Q(stage__in=NOT_STARTED, planned_started_on__lt=at.today)
    if name == "no_report":
        missed = Q()
        for kind, last_end in at.reporting_deadlines().items():
            period_q = (
                Q(project_list__reporting_period=kind)
                if kind != ReportingPeriod.WEEKLY
                else Q(project_list__isnull=True) | Q(project_list__reporting_period=kind)
            )
            last_start = periods.period_containing(kind, last_end).start
            # Only projects already in the library when that period began could have reported.
            due = Q(created_at__date__lt=last_start) & (
                Q(last_period_end__isnull=True) | Q(last_period_end__lt=last_end)
            )
            missed |= period_q & due
        return Q(stage__in=ACTIVE_STAGES) & missed
    if name == "behind_investment":
        return Q(stage__in=[*ACTIVE_STAGES, Stage.SUSPENDED], year_planned__gt=0) & Q(
            year_completed__lt=F("year_planned") * at.year_share
        )
    if name == "late_cases":
        return Q(has_late_cases=True)
    if name == "late_milestones":
        return Q(has_late_milestones=True)
    raise ValueError(name)


def with_flags(queryset: QuerySet[Project], at: FlagClock) -> QuerySet[Project]:
    """The projects with the year's plan and completion and one boolean per flag."""
    this_year = ProjectYear.objects.filter(project=OuterRef("pk"), year=at.year)
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    queryset = queryset.annotate(
        year_planned=Coalesce(
            Subquery(this_year.values("planned_investment")[:1]), Value(Decimal(0)), output_field=money
        ),
        year_completed=Coalesce(
            Subquery(this_year.values("completed_investment")[:1]), Value(Decimal(0)), output_field=money
        ),
        has_late_cases=Exists(
            Case.objects.filter(
                project=OuterRef("pk"), status__in=OPEN_STATUS_LIST, timeliness=Timeliness.RED
            )
        ),
        has_late_milestones=Exists(
            Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=True, planned_on__lt=at.today)
        ),
    )
    return queryset.annotate(
        **{
            f"flag_{name}": ExpressionWrapper(_flag_q(name, at), output_field=BooleanField())
            for name in FLAGS
        }
    )


def with_flags_once(queryset: QuerySet[Project], at: FlagClock) -> QuerySet[Project]:
    """with_flags, unless the queryset went through it already."""
    return queryset if "has_late_cases" in queryset.query.annotations else with_flags(queryset, at)


def flag_filter(name: str, at: FlagClock) -> Q:
    """For filtering a queryset that went through with_flags."""
    return _flag_q(name, at)


def flags_of(project: Any) -> list[tuple[str, str]]:
    """(name, label) of each flag a project annotated by with_flags carries."""
    return [(name, label) for name, label in FLAGS.items() if getattr(project, f"flag_{name}", False)]


def project_queryset(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(project_scope_q(user)).select_related(
        "region", "owner", "project_list", "responsible_department", "responsible_leader", "chain"
    )


def project_page_rows(*, at: FlagClock) -> QuerySet[Project]:
    """What the library page shows of a project, flags included, for core.pagination.IdsThenRows
    to read for a page's ids (taken from a scoped library): the flag probes run for the page's
    50 projects, not for every row a deep page skips."""
    return with_flags(
        Project.objects.select_related(
            "region", "owner", "project_list", "responsible_department", "responsible_leader", "chain"
        ),
        at,
    )


def project_library(*, user: User, at: FlagClock | None = None) -> QuerySet[Project]:
    """The key-project library (重点项目库) the user may see, each project with its flags. Not to
    be confused with a ProjectList (清单), one government's list for one year."""
    return with_flags(project_queryset(user=user), at or clock())


def project_list_querysets(
    *, user: User, at: FlagClock
) -> tuple[QuerySet[Project], QuerySet[Project], QuerySet[Project]]:
    """One page of the library, read in three parts: the projects the user may see, to count;
    the same written for taking a page in the library's order (project_scope_q's
    `walk_in_order`), for the page's ids; and every project with its flags, to read the page's
    rows by id. The first two carry no flags (ProjectFilterSet adds them when a filter reads
    them, with_flags_once), so neither computes nor joins what only the rows show."""
    counted = Project.objects.filter(project_scope_q(user))
    paged = search.walked_in_order(Project.objects.filter(project_scope_q(user, walk_in_order=True)))
    return counted, paged, with_flags(Project.objects.all(), at)


def project_get(*, user: User, project_id: int | str, at: FlagClock | None = None) -> Project:
    try:
        return project_library(user=user, at=at).get(pk=int(project_id))
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def project_detail(*, user: User, project_id: int | str, at: FlagClock | None = None) -> Project:
    """A project with its node plan, stage history and yearly plans, in a fixed number of queries."""
    at = at or clock()
    try:
        return (
            project_library(user=user, at=at)
            .prefetch_related(
                Prefetch("milestones", queryset=Milestone.objects.order_by("position", "planned_on", "id")),
                Prefetch("stage_changes", queryset=StageChange.objects.order_by("at", "id")),
                Prefetch("years", queryset=ProjectYear.objects.order_by("year")),
            )
            .get(pk=int(project_id))
        )
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def reports_of(*, user: User, project_id: int | str) -> QuerySet[ProgressReport]:
    project = project_get(user=user, project_id=project_id)
    return (
        ProgressReport.objects.filter(project=project).select_related("reported_by").order_by("-period_start")
    )


def mark_lateness(report: ProgressReport, calendar: WorkingCalendar) -> ProgressReport:
    """The report with `filed_late`: filed after its period's report was due (补报). Computed on
    read against the working-day calendar, like every flag."""
    report.filed_late = periods.filed_late(  # type: ignore[attr-defined]
        report.period_end, timezone.localtime(report.reported_at).date(), calendar
    )
    return report


def with_lateness(reports: Iterable[ProgressReport]) -> list[ProgressReport]:
    calendar = WorkingCalendar()
    return [mark_lateness(report, calendar) for report in reports]


def project_lists(*, user: User) -> QuerySet[ProjectList]:
    """The lists of the user's jurisdiction (and of the regions above it, whose lists its projects
    may be on)."""
    code = jurisdiction_code(user) if is_active_user(user) else ""
    if code is None:
        return ProjectList.objects.order_by("-year", "name")
    if not code:
        return ProjectList.objects.none()
    return ProjectList.objects.filter(
        region_subtree_q("region_id", code) | Q(region_id__in=region_and_ancestor_codes(code))
    ).order_by("-year", "name")


# ---------------------------------------------------------------------------------------------
# Chains written that name no chain (产业链未匹配)

UNMATCHED_CHAIN_Q = Q(chain__isnull=True) & ~Q(chain_name="")


@dataclass(frozen=True)
class UnmatchedChain:
    name: str  # as written
    projects: int
    regions: tuple[str, ...]  # the codes of the regions its projects are built in


def unmatched_chain_names(*, user: User | None) -> list[UnmatchedChain]:
    """Each chain name written on projects that names no chain, with how many projects and where:
    what a person links once the chain exists (services.projects_link_chain). `user` None: all,
    for the management command."""
    projects = Project.objects.filter(UNMATCHED_CHAIN_Q)
    if user is not None:
        projects = projects.filter(project_scope_q(user))
    found: dict[str, tuple[int, set[str]]] = {}
    for name, region_id in projects.order_by().values_list("chain_name", "region_id"):
        count, regions = found.get(name, (0, set()))
        regions.add(region_id)
        found[name] = (count + 1, regions)
    return [
        UnmatchedChain(name, count, tuple(sorted(regions)))
        for name, (count, regions) in sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    ]
