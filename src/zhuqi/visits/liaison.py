"""A liaison officer's work (包联走访) read from the visit log: each assignment's standing this
month (visits and calls against the duty, the last visit, open cases), the officer's workbench
(我的企业) and the month's log the month-end report is written from. Reads only; the log is
written by visits.services. The coverage figures over many officers are in visits.coverage.

What counts (docs/coverage.md and coverage.DEFINITIONS say the same to the reader):
- A visit counts for an assignment (official O, enterprise E) when E attended it and O took part
  (as lead or accompanying), whatever its kind except a call: an inspection the liaison officer
  accompanied is a visit to the enterprise. A call counts as a call under the same rule.
- The last visit shown for an assignment is the latest such visit, or a liaison visit to E by
  anyone (a colleague covering for the officer visited it all the same).
- An assignment is overdue when its duty asks for visits, it has run for 30 days or more, and its
  last visit is more than 30 days ago or there is none. 30 days and not "none this month", so the
  list is not all red on the 1st of every month.

A page of standings costs a few grouped queries, never one per assignment."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Timeliness
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.scoping import is_active_user
from zhuqi.directory.models import Official, User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_scope_q
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitOfficial
from zhuqi.visits.selectors import visit_scope_q

OVERDUE_DAYS = 30


# ---------------------------------------------------------------------------------------------
# One assignment's standing: this month's visits and calls against the duty, the last visit


@dataclass
class Standing:
    assignment: Assignment
    visits: int = 0
    calls: int = 0
    last_visit: datetime.date | None = None
    open_cases: int = 0
    late_cases: int = 0
    overdue: bool = False

    @property
    def on_target(self) -> bool:
        return (
            self.visits >= self.assignment.visits_per_month and self.calls >= self.assignment.calls_per_month
        )

    @property
    def enterprise(self) -> Enterprise:
        return self.assignment.enterprise

    @property
    def visits_due(self) -> int:
        return max(self.assignment.visits_per_month - self.visits, 0)

    @property
    def calls_due(self) -> int:
        return max(self.assignment.calls_per_month - self.calls, 0)


def _pair_counts(
    pairs: set[tuple[int, int]], start: datetime.date, end: datetime.date
) -> dict[tuple[int, int], tuple[int, int]]:
    """(official, enterprise) → (visits, calls) between start and end, in one grouped query."""
    if not pairs:
        return {}
    rows = (
        VisitEnterprise.objects.filter(
            enterprise_id__in={e for _, e in pairs},
            visit__start_date__gte=start,
            visit__start_date__lte=end,
            visit__participants__official_id__in={o for o, _ in pairs},
        )
        .values_list("visit__participants__official_id", "enterprise_id")
        .annotate(
            visits=Count("visit_id", filter=~Q(visit__kind=VisitKind.CALL)),
            calls=Count("visit_id", filter=Q(visit__kind=VisitKind.CALL)),
        )
        .order_by()
    )
    return {(o, e): (v, c) for o, e, v, c in rows if (o, e) in pairs}


def _last_visits(pairs: set[tuple[int, int]], until: datetime.date) -> dict[tuple[int, int], datetime.date]:
    """(official, enterprise) → the last visit as DEFINITIONS["last_visit"] says, in three queries."""
    if not pairs:
        return {}
    enterprises = {e for _, e in pairs}
    own = (
        VisitEnterprise.objects.filter(
            enterprise_id__in=enterprises,
            visit__start_date__lte=until,
            visit__participants__official_id__in={o for o, _ in pairs},
        )
        .exclude(visit__kind=VisitKind.CALL)
        .values_list("visit__participants__official_id", "enterprise_id")
        .annotate(last=Max("visit__start_date"))
        .order_by()
    )
    # The enterprises' visits first (visit_enterprise_idx), then which of them are liaison visits:
    # asked in one join, SQLite (no statistics) read every liaison visit by kind instead, 250 ms
    # for an officer's 34 enterprises at 100k visits.
    visits_of: dict[int, list[int]] = {}
    for enterprise_id, visit_id in VisitEnterprise.objects.filter(enterprise_id__in=enterprises).values_list(
        "enterprise_id", "visit_id"
    ):
        visits_of.setdefault(visit_id, []).append(enterprise_id)
    anyone: dict[int, datetime.date] = {}
    for visit_id, start_date in Visit.objects.filter(
        pk__in=list(visits_of), kind=VisitKind.LIAISON, start_date__lte=until
    ).values_list("pk", "start_date"):
        for enterprise_id in visits_of[visit_id]:
            if enterprise_id not in anyone or anyone[enterprise_id] < start_date:
                anyone[enterprise_id] = start_date
    found: dict[tuple[int, int], datetime.date] = {}
    for official_id, enterprise_id, last in own:
        if (official_id, enterprise_id) in pairs:
            found[(official_id, enterprise_id)] = last
    for official_id, enterprise_id in pairs:
        other = anyone.get(enterprise_id)
        if other is not None and (found.get((official_id, enterprise_id)) or other) <= other:
            found[(official_id, enterprise_id)] = other
    return found


def standings(
    assignments: Sequence[Assignment], *, month: Period, today: datetime.date, with_cases: bool = True
) -> list[Standing]:
    """The standing of each assignment in `month`, in five queries whatever their number."""
    pairs = {(a.official_id, a.enterprise_id) for a in assignments}
    counts = _pair_counts(pairs, month.start, month.until(today))
    last = _last_visits(pairs, month.until(today))
    cases: dict[int, tuple[int, int]] = {}
    if with_cases and assignments:
        cases = {
            enterprise_id: (n, late)
            for enterprise_id, n, late in Case.objects.filter(
                enterprise_id__in={a.enterprise_id for a in assignments}, status__in=OPEN_STATUS_LIST
            )
            .values_list("enterprise_id")
            .annotate(n=Count("id"), late=Count("id", filter=Q(timeliness=Timeliness.RED)))
            .order_by()
        }
    limit = today - datetime.timedelta(days=OVERDUE_DAYS)
    result = []
    for assignment in assignments:
        pair = (assignment.official_id, assignment.enterprise_id)
        visits, calls = counts.get(pair, (0, 0))
        last_visit = last.get(pair)
        open_cases, late_cases = cases.get(assignment.enterprise_id, (0, 0))
        overdue = (
            assignment.visits_per_month > 0
            and assignment.start_date <= limit
            and (last_visit is None or last_visit < limit)
        )
        result.append(
            Standing(
                assignment=assignment,
                visits=visits,
                calls=calls,
                last_visit=last_visit,
                open_cases=open_cases,
                late_cases=late_cases,
                overdue=overdue,
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# A liaison officer's workbench and month log


@dataclass
class Workbench:
    official: Official | None
    month: Period
    today: datetime.date
    rows: list[Standing] = field(default_factory=list)

    @property
    def overdue(self) -> list[Standing]:
        return [row for row in self.rows if row.overdue]

    @property
    def behind(self) -> list[Standing]:
        return [row for row in self.rows if not row.on_target]


def current_assignments(
    *, user: User, official: Official | int | None, on: datetime.date
) -> QuerySet[Assignment]:
    """The official's assignments in force on `on`, that the user may see."""
    official_id = official.pk if isinstance(official, Official) else official
    if not is_active_user(user) or not official_id:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(Assignment.current_q(on), official_id=official_id)
        .filter(enterprise__in=Enterprise.objects.filter(enterprise_scope_q(user)).values("pk"))
        .select_related("enterprise", "enterprise__region", "official")
        .order_by("enterprise__name", "id")
    )


def liaison_workbench(user: User, official: Official | None, today: datetime.date) -> Workbench:
    """The official's enterprises: last visit, this month's visits and calls against the duty,
    open (and late) cases; overdue ones first, then those behind this month's duty."""
    month = Period.containing(PeriodKind.MONTH, today)
    assignments = list(current_assignments(user=user, official=official, on=today))
    rows = standings(assignments, month=month, today=today)
    rows.sort(
        key=lambda r: (
            not r.overdue,
            r.on_target,
            r.last_visit or datetime.date.min,
            r.enterprise.name,
        )
    )
    return Workbench(official=official, month=month, today=today, rows=rows)


@dataclass
class LogEntry:
    visit: Visit
    enterprises: list[Enterprise]
    cases: list[Case]


@dataclass
class MonthLog:
    official: Official
    month: Period
    entries: list[LogEntry]
    standings: list[Standing]

    @property
    def visit_count(self) -> int:
        return sum(1 for e in self.entries if e.visit.kind != VisitKind.CALL)

    @property
    def call_count(self) -> int:
        return sum(1 for e in self.entries if e.visit.kind == VisitKind.CALL)


def month_log(
    official: Official, month: Period, *, user: User | None = None, today: datetime.date | None = None
) -> MonthLog:
    """The official's visits and calls of the month (oldest first) with the enterprises and the
    cases raised there, and each assignment's standing for the month: what the month-end report
    is written from. With `user`, only what that user may see."""
    from django.db.models import Prefetch
    from django.utils import timezone

    today = today or timezone.localdate()
    visits = Visit.objects.filter(
        pk__in=VisitOfficial.objects.filter(official=official).values("visit_id"),
        start_date__gte=month.start,
        start_date__lte=month.end,
    )
    if user is not None:
        visits = visits.filter(visit_scope_q(user))
    entries = [
        LogEntry(
            visit=visit,
            enterprises=[a.enterprise for a in visit.attendance.all()],
            cases=list(visit.cases.all()),
        )
        for visit in visits.prefetch_related(
            Prefetch("attendance", queryset=VisitEnterprise.objects.select_related("enterprise")),
            Prefetch("cases", queryset=Case.objects.select_related("category").order_by("id")),
        ).order_by("start_date", "id")
    ]
    in_force = Assignment.objects.filter(official=official, start_date__lte=month.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month.start)
    )
    if user is not None:
        in_force = in_force.filter(
            enterprise__in=Enterprise.objects.filter(enterprise_scope_q(user)).values("pk")
        )
    assignments = list(in_force.select_related("enterprise").order_by("enterprise__name", "id"))
    return MonthLog(
        official=official,
        month=month,
        entries=entries,
        standings=standings(assignments, month=month, today=today, with_cases=False),
    )
