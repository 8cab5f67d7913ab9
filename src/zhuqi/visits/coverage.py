"""Liaison work (包联走访) read from the visit log: a liaison officer's workbench, the month's log
and report, and the coverage figures. Reads only; the log is written by visits.services.

What counts (docs/coverage.md says the same to the reader):
- A visit counts for an assignment (official O, enterprise E) when E attended it and O took part
  (as lead or accompanying), whatever its kind except a call: an inspection the liaison officer
  accompanied is a visit to the enterprise. A call counts as a call under the same rule.
- The last visit shown for an assignment is the latest such visit, or a liaison visit to E by
  anyone (a colleague covering for the officer visited it all the same).
- An assignment is overdue when its duty asks for visits, it has run for 30 days or more, and its
  last visit is more than 30 days ago or there is none. 30 days and not "none this month", so the
  list is not all red on the 1st of every month.
- The month's figures count the assignments in force for the whole month (or, for the current
  month, from the 1st to today): an officer assigned on the 20th did not miss that month's duty.

Every figure is computed by a few grouped queries, never one per assignment: the coverage page
reads 120k assignments and 100k visits province-wide (bench/)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Timeliness
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.roles import COVERAGE_ROLES
from zhuqi.core.scoping import is_active_user, jurisdiction_code, region_prefix, region_subtree_q
from zhuqi.directory.models import Department, Official, Post, Region, User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_scope_q
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitOfficial
from zhuqi.visits.selectors import visit_scope_q

OVERDUE_DAYS = 30
QUIET_DAYS = 90

DEFINITIONS: dict[str, str] = {
    "assignments": "统计月份内全月有效的包联关系数（当月只算到今天；月中新建或月中结束的包联不计入该月）。",
    "on_target": "当月走访次数不少于每月走访职责、且电话联系次数不少于每月电话联系职责的包联关系所占比例。"
    "走访指该包联干部参加、该企业参加的走访或调研（电话联系不算走访）；职责为 0 的项目视为已完成。",
    "quiet_enterprises": "有包联干部的企业中，截至统计日（当月为今天，往月为月末）前 90 天内"
    "没有任何走访或调研记录（电话联系不算）的企业数。",
    "visits_per_official": "当月包联干部走访所包联企业的次数之和，除以有包联任务的干部人数。",
    "overdue": "职责要求走访、包联已满 30 天，且最近一次走访在 30 天以前或从未走访的包联企业。",
    "last_visit": "该干部参加的最近一次走访或调研（电话联系除外），或任何人对该企业的最近一次联络员走访。",
}


# ---------------------------------------------------------------------------------------------
# Months


@dataclass(frozen=True)
class Month:
    first: datetime.date
    last: datetime.date

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"

    def until(self, today: datetime.date) -> datetime.date:
        """The month's last day, or today while the month runs."""
        return min(self.last, today) if today >= self.first else self.last

    def previous(self) -> Month:
        return month_containing(self.first - datetime.timedelta(days=1))

    def following(self) -> Month:
        return month_containing(self.last + datetime.timedelta(days=1))


def month_containing(day: datetime.date) -> Month:
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return Month(first=first, last=last)


MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_of(text: str | None, *, field_name: str = "month") -> Month:
    """ "2026-11" → November 2026. Anything else is refused naming the field."""
    found = MONTH_PATTERN.match((text or "").strip())
    if found is None:
        raise ValidationFailed([FieldError(field_name, f"“{text or ''}”不是月份，应为 YYYY-MM，如 2026-11")])
    year, month = int(found.group(1)), int(found.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationFailed(
            [FieldError(field_name, f"“{text}”不是有效的月份（年份 2000–2100，月份 1–12）")]
        )
    return month_containing(datetime.date(year, month, 1))


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
    assignments: Sequence[Assignment], *, month: Month, today: datetime.date, with_cases: bool = True
) -> list[Standing]:
    """The standing of each assignment in `month`, in five queries whatever their number."""
    pairs = {(a.official_id, a.enterprise_id) for a in assignments}
    counts = _pair_counts(pairs, month.first, month.until(today))
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
    month: Month
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
    month = month_containing(today)
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
    month: Month
    entries: list[LogEntry]
    standings: list[Standing]

    @property
    def visit_count(self) -> int:
        return sum(1 for e in self.entries if e.visit.kind != VisitKind.CALL)

    @property
    def call_count(self) -> int:
        return sum(1 for e in self.entries if e.visit.kind == VisitKind.CALL)


def month_log(
    official: Official, month: Month, *, user: User | None = None, today: datetime.date | None = None
) -> MonthLog:
    """The official's visits and calls of the month (oldest first) with the enterprises and the
    cases raised there, and each assignment's standing for the month: what the month-end report
    is written from. With `user`, only what that user may see."""
    from django.db.models import Prefetch
    from django.utils import timezone

    today = today or timezone.localdate()
    visits = Visit.objects.filter(
        pk__in=VisitOfficial.objects.filter(official=official).values("visit_id"),
        start_date__gte=month.first,
        start_date__lte=month.last,
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
    in_force = Assignment.objects.filter(official=official, start_date__lte=month.last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month.first)
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


# ---------------------------------------------------------------------------------------------
# Coverage figures


COVERAGE_REFUSED = "包联覆盖情况只对领导、营商办、管理员和审计员开放"


def may_see_coverage(user: User) -> bool:
    return is_active_user(user) and (user.is_superuser or user.role in COVERAGE_ROLES)


@dataclass
class CoverageRow:
    key: str
    name: str
    assignments: int = 0
    on_target: int = 0
    enterprises: int = 0
    quiet_enterprises: int = 0
    officials: int = 0
    visits: int = 0

    @property
    def on_target_share(self) -> float | None:
        return round(100 * self.on_target / self.assignments, 1) if self.assignments else None

    @property
    def visits_per_official(self) -> float | None:
        return round(self.visits / self.officials, 2) if self.officials else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "assignments": self.assignments,
            "on_target": self.on_target,
            "on_target_share": self.on_target_share,
            "enterprises": self.enterprises,
            "quiet_enterprises": self.quiet_enterprises,
            "officials": self.officials,
            "visits": self.visits,
            "visits_per_official": self.visits_per_official,
        }


@dataclass
class Coverage:
    month: Month
    by: str
    reference_date: datetime.date
    rows: list[CoverageRow]
    total: CoverageRow


BY_CHOICES = ("department", "region")


def _scope_bounds(user: User) -> tuple[str, str] | None:
    """The enterprise region codes the user's figures cover, as [low, high); None: everywhere."""
    code = jurisdiction_code(user)
    if code is None:
        return None
    prefix = region_prefix(code)
    return prefix, str(int(prefix) + 1).zfill(len(prefix))


def _child_prefix_length(user: User) -> int:
    """Regions are grouped at the level below the user's jurisdiction: provinces for the whole
    country, prefectures for a province, counties for a prefecture (a county is its own row)."""
    code = jurisdiction_code(user)
    if code is None:
        return 2
    return min(len(region_prefix(code)) + 2, 6)


def _tables() -> dict[str, str]:
    return {
        "a": Assignment._meta.db_table,
        "e": Enterprise._meta.db_table,
        "v": Visit._meta.db_table,
        "vo": VisitOfficial._meta.db_table,
        "ve": VisitEnterprise._meta.db_table,
        "p": Post._meta.db_table,
        "order": connection.ops.quote_name("order"),
    }


def _scoped(user: User) -> tuple[str, dict[str, str]]:
    """The condition keeping assignments (on e) in the user's scope, and how the visit subqueries
    reach their visits. Province-wide they read the window's visits by date. In a county or a
    prefecture they start from the enterprises in scope (the region index) and go to their visits
    (visit_enterprise_idx): reading the whole province's visits of the window to keep a county's
    took 0.4 s on SQLite at 100k visits. SQLite keeps no statistics unless ANALYZE is run, so its
    CROSS JOIN fixes that order; PostgreSQL treats CROSS JOIN with WHERE as a plain join."""
    t = _tables()
    if _scope_bounds(user) is None:
        by_date = f"FROM {t['v']} v JOIN {t['ve']} ve ON ve.visit_id = v.id"
        return "", {"visit_from": by_date, "visit_where": ""}
    return (
        "AND e.region_id >= %(low)s AND e.region_id < %(high)s",
        {
            "visit_from": f"FROM {t['e']} ve_e CROSS JOIN {t['ve']} ve CROSS JOIN {t['v']} v",
            "visit_where": "ve_e.region_id >= %(low)s AND ve_e.region_id < %(high)s"
            " AND ve.enterprise_id = ve_e.id AND v.id = ve.visit_id AND",
        },
    )


# Table and column names come from the models, values are parameters: nothing a user typed is
# written into these statements.
COUNTED_ASSIGNMENTS = """
        FROM {a} a
        JOIN {e} e ON e.id = a.enterprise_id"""
IN_FORCE = "WHERE a.start_date <= %(first)s AND (a.end_date IS NULL OR a.end_date >= %(ref)s)"
RECENTLY_VISITED = """
        LEFT JOIN (
            SELECT DISTINCT ve.enterprise_id
            {visit_from}
            WHERE {visit_where} v.start_date > %(quiet_from)s AND v.start_date <= %(ref)s
              AND v.kind <> %(call)s
        ) r ON r.enterprise_id = a.enterprise_id"""
MONTH_COUNTS = """
        LEFT JOIN (
            SELECT vo.official_id, ve.enterprise_id,
                   SUM(CASE WHEN v.kind <> %(call)s THEN 1 ELSE 0 END) AS visits,
                   SUM(CASE WHEN v.kind = %(call)s THEN 1 ELSE 0 END) AS calls
            {visit_from}
            JOIN {vo} vo ON vo.visit_id = v.id
            WHERE {visit_where} v.start_date >= %(first)s AND v.start_date <= %(ref)s
            GROUP BY vo.official_id, ve.enterprise_id
        ) m ON m.official_id = a.official_id AND m.enterprise_id = a.enterprise_id"""
# The official's department: that of their first post in force (lowest order, then oldest).
# Two forms, each the faster where it is used (bench/README.md): in a county or a prefecture, a
# lookup per assignment through the posts' official index (1,100 probes for a county); for the
# whole province, the posts in force with no earlier one in force, joined once (116k probes
# cost 0.2 s more). Not a ROW_NUMBER() list filtered on "rn = 1": PostgreSQL guessed it kept 17
# of 3,500 rows and compared every assignment with every official (0.3 s for one county).
DEPARTMENT_LOOKUP = """(
            SELECT p.department_id FROM {p} p
            WHERE p.official_id = a.official_id
              AND (p.start_date IS NULL OR p.start_date <= %(ref)s)
              AND (p.end_date IS NULL OR p.end_date >= %(ref)s)
            ORDER BY p.{order}, p.id
            LIMIT 1)"""
MAIN_DEPARTMENT = """
        LEFT JOIN (
            SELECT p.official_id, p.department_id
            FROM {p} p
            WHERE (p.start_date IS NULL OR p.start_date <= %(ref)s)
              AND (p.end_date IS NULL OR p.end_date >= %(ref)s)
              AND NOT EXISTS (
                SELECT 1 FROM {p} q
                WHERE q.official_id = p.official_id
                  AND (q.start_date IS NULL OR q.start_date <= %(ref)s)
                  AND (q.end_date IS NULL OR q.end_date >= %(ref)s)
                  AND (q.{order} < p.{order} OR (q.{order} = p.{order} AND q.id < p.id))
              )
        ) d ON d.official_id = a.official_id"""


def _figures_sql(*, by: str, user: User) -> str:
    """One grouped query over the assignments counted for the month: each joined to the month's
    visits and calls of its own (official, enterprise) pair and to the set of enterprises visited
    in the last 90 days, both aggregated first, so the database hashes three narrow sets together
    instead of counting over the join of assignments with every visit."""
    scope, visits = _scoped(user)
    names = {**_tables(), **visits}
    joins = COUNTED_ASSIGNMENTS + MONTH_COUNTS + RECENTLY_VISITED
    if by == "region":
        key = f"SUBSTR(e.region_id, 1, {_child_prefix_length(user)})"
    elif scope:
        key = DEPARTMENT_LOOKUP.format(**names)
    else:
        key = "d.department_id"
        joins = COUNTED_ASSIGNMENTS + MAIN_DEPARTMENT + MONTH_COUNTS + RECENTLY_VISITED
    return f"""
        SELECT {key} AS grp,
               COUNT(*) AS assignments,
               SUM(CASE WHEN COALESCE(m.visits, 0) >= a.visits_per_month
                         AND COALESCE(m.calls, 0) >= a.calls_per_month THEN 1 ELSE 0 END) AS on_target,
               COUNT(DISTINCT a.enterprise_id) AS enterprises,
               COUNT(DISTINCT CASE WHEN r.enterprise_id IS NULL THEN a.enterprise_id END) AS quiet,
               COUNT(DISTINCT a.official_id) AS officials,
               SUM(COALESCE(m.visits, 0)) AS visits
        {joins.format(**names)}
        {IN_FORCE} {scope}
        GROUP BY 1
        """


def _distinct_total_sql(*, by: str, user: User) -> str:
    """The totals that are not the sum of the rows: officials when grouped by region (an official
    may look after enterprises in two counties), enterprises and quiet ones when grouped by
    department (an enterprise may have officials of two departments). The rest is summed."""
    scope, visits = _scoped(user)
    names = {**_tables(), **visits}
    if by == "region":
        select, joins = "COUNT(DISTINCT a.official_id), 0, 0", COUNTED_ASSIGNMENTS
    else:
        select = (
            "0, COUNT(DISTINCT a.enterprise_id),"
            " COUNT(DISTINCT CASE WHEN r.enterprise_id IS NULL THEN a.enterprise_id END)"
        )
        joins = COUNTED_ASSIGNMENTS + RECENTLY_VISITED
    return f"SELECT {select} {joins.format(**names)} {IN_FORCE} {scope}"


def coverage_figures(
    user: User, month: Month, by: str = "department", *, today: datetime.date | None = None
) -> Coverage:
    """The month's coverage per department (the official's department: that of their first post
    on the reference date) or per region (the enterprise's, at the level below the user's
    jurisdiction), with the total. Two queries (the grouped one, and the totals that cannot be
    summed from it), plus the names."""
    from django.utils import timezone

    if not may_see_coverage(user):
        raise PermissionDenied(COVERAGE_REFUSED)
    if by not in BY_CHOICES:
        raise ValidationFailed([FieldError("by", "应为 department（按部门）或 region（按地区）")])
    today = today or timezone.localdate()
    reference = month.until(today)
    bounds = _scope_bounds(user)
    params: dict[str, Any] = {
        "first": month.first,
        "ref": reference,
        "quiet_from": reference - datetime.timedelta(days=QUIET_DAYS),
        "call": VisitKind.CALL.value,
    }
    if bounds is not None:
        params["low"], params["high"] = bounds
    with connection.cursor() as cursor:
        cursor.execute(_figures_sql(by=by, user=user), params)
        records = list(cursor.fetchall())
        cursor.execute(_distinct_total_sql(by=by, user=user), params)
        officials, enterprises, quiet = cursor.fetchone()
    rows = [_row(by, user, record) for record in records]
    _name_rows(by, rows)
    rows.sort(key=lambda r: (r.key == "", r.key))
    total = CoverageRow(
        key="",
        name="合计",
        assignments=sum(r.assignments for r in rows),
        on_target=sum(r.on_target for r in rows),
        visits=sum(r.visits for r in rows),
        officials=int(officials) if by == "region" else sum(r.officials for r in rows),
        enterprises=int(enterprises) if by == "department" else sum(r.enterprises for r in rows),
        quiet_enterprises=int(quiet) if by == "department" else sum(r.quiet_enterprises for r in rows),
    )
    return Coverage(month=month, by=by, reference_date=reference, rows=rows, total=total)


def _row(by: str, user: User, record: Iterable[Any]) -> CoverageRow:
    grp, assignments, on_target, enterprises, quiet, officials, visits = record
    key = str(grp or "")
    if by == "region" and key:
        key = key.ljust(6, "0")
    return CoverageRow(
        key=key,
        name="",
        assignments=int(assignments or 0),
        on_target=int(on_target or 0),
        enterprises=int(enterprises or 0),
        quiet_enterprises=int(quiet or 0),
        officials=int(officials or 0),
        visits=int(visits or 0),
    )


def _name_rows(by: str, rows: list[CoverageRow]) -> None:
    if by == "region":
        names = dict(Region.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "name"))
        for row in rows:
            row.name = names.get(row.key, row.key or "未知地区")
    else:
        ids = [int(r.key) for r in rows if r.key.isdigit()]
        departments = Department.objects.select_related("region").in_bulk(ids)
        for row in rows:
            department = departments.get(int(row.key)) if row.key.isdigit() else None
            row.name = department.name if department else "未登记职务"


def quiet_enterprises(
    user: User, today: datetime.date, days: int = QUIET_DAYS, *, in_force_from: datetime.date | None = None
) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope with an assignment in force on `today` (and, with
    `in_force_from`, since that day: the coverage page passes the month's 1st, so the list is
    exactly the figure's quiet enterprises) and no visit of any kind but a call in the `days` days
    up to `today`; each annotated with `last_visit` (or None), by name."""
    since = today - datetime.timedelta(days=days)
    visited = VisitEnterprise.objects.filter(
        enterprise_id=OuterRef("pk"), visit__start_date__gt=since, visit__start_date__lte=today
    ).exclude(visit__kind=VisitKind.CALL)
    last = (
        VisitEnterprise.objects.filter(enterprise_id=OuterRef("pk"), visit__start_date__lte=today)
        .exclude(visit__kind=VisitKind.CALL)
        .order_by("-visit__start_date")
        .values("visit__start_date")[:1]
    )
    assigned = Assignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        start_date__lte=min(in_force_from or today, today),
        enterprise_id=OuterRef("pk"),
    )
    if not may_see_coverage(user):
        return Enterprise.objects.none()
    code = jurisdiction_code(user)
    # A page of a province's list by name: walk the name index and keep the province's rows
    # (SQLite would otherwise read every enterprise of the province and sort them).
    scope = Q() if code is None else region_subtree_q("region_id", code, walk_in_order=True)
    return (
        Enterprise.objects.filter(scope)
        .filter(Exists(assigned))
        .filter(~Exists(visited))
        .annotate(last_visit=Subquery(last))
        .select_related("region")
        .order_by("name", "id")
    )
