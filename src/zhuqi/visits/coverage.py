"""Liaison coverage (包联覆盖): the month's figures over every assignment in the user's scope,
per department or per region, and the enterprises nobody visited for 90 days. Reads only, from
the visit log; one officer's own standing and month log are in visits.liaison.

What counts (docs/coverage.md says the same to the reader):
- A visit counts for an assignment (official O, enterprise E) when E attended it and O took part
  (as lead or accompanying), whatever its kind except a call. A call counts as a call under the
  same rule.
- The month's figures count the assignments in force for the whole month (or, for the current
  month, from the 1st to today): an officer assigned on the 20th did not miss that month's duty.

Every figure is computed by a few grouped queries, never one per assignment: the coverage page
reads 120k assignments and 100k visits province-wide (bench/)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.periods import Period
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import (
    code_within,
    jurisdiction_code,
    prefix_upper_bound,
    region_prefix,
    region_subtree_q,
)
from zhuqi.directory.models import Department, Post, Region, User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitOfficial

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
# Coverage figures


COVERAGE_REFUSED = "包联覆盖情况只对领导、营商办、管理员和审计员开放"


def may_see_coverage(user: User) -> bool:
    return has_permission(user, Permission.READ_COVERAGE)


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
    month: Period
    by: str
    reference_date: datetime.date
    rows: list[CoverageRow]
    total: CoverageRow


BY_CHOICES = ("department", "region")


def _scope_bounds(code: str | None) -> tuple[str, str] | None:
    """The enterprise region codes the figures of a region cover (the user's jurisdiction, or a
    region within it), as [low, high); None: everywhere."""
    if code is None:
        return None
    prefix = region_prefix(code)
    return prefix, prefix_upper_bound(prefix)


def _child_prefix_length(code: str | None) -> int:
    """Regions are grouped at the level below the region's: provinces for the whole country,
    prefectures for a province, counties for a prefecture (a county is its own row)."""
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


def _scoped(code: str | None) -> tuple[str, dict[str, str]]:
    """The condition keeping assignments (on e) in the user's scope, and how the visit subqueries
    reach their visits. Province-wide they read the window's visits by date. In a county or a
    prefecture they start from the enterprises in scope (the region index) and go to their visits
    (visit_enterprise_idx): reading the whole province's visits of the window to keep a county's
    took 0.4 s on SQLite at 100k visits. SQLite keeps no statistics unless ANALYZE is run, so its
    CROSS JOIN fixes that order; PostgreSQL treats CROSS JOIN with WHERE as a plain join."""
    t = _tables()
    if _scope_bounds(code) is None:
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


def _figures_sql(*, by: str, code: str | None) -> str:
    """One grouped query over the assignments counted for the month: each joined to the month's
    visits and calls of its own (official, enterprise) pair and to the set of enterprises visited
    in the last 90 days, both aggregated first, so the database hashes three narrow sets together
    instead of counting over the join of assignments with every visit."""
    scope, visits = _scoped(code)
    names = {**_tables(), **visits}
    joins = COUNTED_ASSIGNMENTS + MONTH_COUNTS + RECENTLY_VISITED
    if by == "region":
        key = f"SUBSTR(e.region_id, 1, {_child_prefix_length(code)})"
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


def _distinct_total_sql(*, by: str, code: str | None) -> str:
    """The totals that are not the sum of the rows: officials when grouped by region (an official
    may look after enterprises in two counties), enterprises and quiet ones when grouped by
    department (an enterprise may have officials of two departments). The rest is summed."""
    scope, visits = _scoped(code)
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
    user: User,
    month: Period,
    by: str = "department",
    *,
    today: datetime.date | None = None,
    region: str = "",
) -> Coverage:
    """The month's coverage per department (the official's department: that of their first post
    on the reference date) or per region (the enterprise's, at the level below the user's
    jurisdiction), with the total. Two queries (the grouped one, and the totals that cannot be
    summed from it), plus the names. `region`: a region within the user's jurisdiction whose
    assignments alone are counted (the cockpit of a county seen from the city), its subdivisions
    the rows."""
    from django.utils import timezone

    if not may_see_coverage(user):
        raise PermissionDenied(COVERAGE_REFUSED)
    if by not in BY_CHOICES:
        raise ValidationFailed([FieldError("by", "应为 department（按部门）或 region（按地区）")])
    code = jurisdiction_code(user)
    if region:
        if not code_within(code, region):
            raise ValidationFailed([FieldError("region", f"{region}不在您的管辖范围内")])
        code = region
    today = today or timezone.localdate()
    reference = month.until(today)
    bounds = _scope_bounds(code)
    params: dict[str, Any] = {
        "first": month.start,
        "ref": reference,
        "quiet_from": reference - datetime.timedelta(days=QUIET_DAYS),
        "call": VisitKind.CALL.value,
    }
    if bounds is not None:
        params["low"], params["high"] = bounds
    with connection.cursor() as cursor:
        cursor.execute(_figures_sql(by=by, code=code), params)
        records = list(cursor.fetchall())
        cursor.execute(_distinct_total_sql(by=by, code=code), params)
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
