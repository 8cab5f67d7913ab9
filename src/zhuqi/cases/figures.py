"""The figures dispatch meetings (调度会) rank departments and regions on: response rate (响应率),
on-time answer rate, resolution rate (解决率), satisfaction rate (满意率), time to close, and the
open, late, escalated (催办), supervised (督办) and flagged (通报) counts.

A read module: every figure a conditional count, over the cases the user can see, of facts the
workflow recorded when they happened (responded_on_time, answered_on_time,
outcome, ratings_given …), never of a status alone. The written definitions, and why closing
cases early cannot raise any of them, are in docs/figures.md; DEFINITIONS below is their short
form, shown on the page and under every export.

Each figure counts a case in the period in which what it measures was settled, and only there:
- response and answer: the moment the clock was settled, i.e. when the case was signed for (or
  first answered) if that was in time, else when it fell due (models.settled_at);
- resolution and satisfaction: the demands whose answer was settled in the period, answered or
  not, so sitting on a hopeless demand keeps it in the denominator as surely as answering it;
- time to close: when it closed; cases received: when submitted;
- open, late, escalated, supervised, flagged: the state now, of the cases received by the end of
  the period. The escalation counts nest: every case under 督办 was reminded (催办) first, and a
  case listed for the dispatch meeting's notice (通报) was under 督办.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.cases import tallies
from zhuqi.cases.models import (
    OPEN_STATUS_LIST,
    Case,
    Closure,
    Escalation,
    Kind,
    Outcome,
    Status,
    Timeliness,
    answer_settled_at,
    response_settled_at,
)
from zhuqi.cases.selectors import case_scope_q, reached_q
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.periods import RELATIVE, Period
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import NOTHING, is_active_user, jurisdiction_code, region_subtree_q
from zhuqi.core.workdays import SHANGHAI
from zhuqi.directory.grouping import Grouping, group_names, region_grouping
from zhuqi.directory.models import User

# Labels marked for the catalogue: the figures page shows them through {% translate %}.
GROUP_BY = {"department": gettext_noop("按牵头部门"), "region": gettext_noop("按地区")}
# The periods the page offers, named relative to today (core.periods.RELATIVE).
PRESETS = {
    name: RELATIVE[name].label
    for name in ("month", "quarter", "year", "last_month", "last_quarter", "last_year")
}
# The measures a table may be ranked by: the three rates of the dispatch meetings and the fourth.
SORTS = {
    "response_rate": "响应率",
    "answer_rate": "按时答复率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
}
# The row of the cases no department leads yet (waiting to be accepted or assigned).
UNASSIGNED = "未交办（待受理、待交办）"

DEFINITIONS = {
    "response_rate": (
        "响应率 = 按时签收数 ÷ 应签收数。应签收数：统计期内签收时限届满的事项，加上统计期内按时签收的"
        "事项（每件事项只计入一个统计期）；到期未签收、超时签收的都算未按时。"
    ),
    "answer_rate": (
        "按时答复率 = 按时首次答复数 ÷ 应答复数。应答复数：统计期内办理时限届满的事项，加上统计期内按时"
        "首次答复的事项；逾期未答复、逾期答复的都算未按时，重新办理不改变首次答复是否按时。"
        "交办事项和隐患以报告完成（整改）为答复。"
    ),
    "resolution_rate": (
        "解决率 = 已解决数 ÷ 应答复的诉求数（同上，含逾期仍未答复的）。以部门填报、企业未提出异议的"
        "办理结果为准：部分解决、无法解决、企业不满意退回重办中、逾期未答复的都不算已解决。"
        "与是否办结、如何办结无关。"
    ),
    "satisfaction_rate": (
        "满意率 = 满意评价（4–5 分）次数 ÷ 评价次数，统计应答复的诉求收到的每一次评价，包括导致重办的"
        "不满意评价；逾期未评价自动办结的不计入分母，另列其数。"
    ),
    "average_days_to_close": (
        "平均办结用时：统计期内办结的事项，从（最后一次）交办到办结所用工作日数的平均值；重新办理后再办结的，"
        "从原交办时起算。"
    ),
    "counts": (
        "在办、逾期（当前时限已过）、催办、督办、列入通报：统计期结束前收到的事项现在的状态，不是历史快照。"
        "催办：逾期后已催办的在办事项（含其后升级为督办、通报的）；督办：其中逾期已达督办级别的；"
        "列入通报：列入调度会通报的。督办级别按逾期工作日数逐级升级，不是逾期天数本身。"
    ),
}


# ---------------------------------------------------------------------------------------------
# Parameters


def preset_period(preset: str, today: datetime.date) -> Period:
    if preset not in PRESETS:
        allowed = "、".join(f"{key}（{label}）" for key, label in PRESETS.items())
        raise ValidationFailed([FieldError("period", f"“{preset}”不是可选的统计期，可选：{allowed}")])
    return Period.relative_to(preset, today)


def resolve_period(
    *, preset: str = "", start: datetime.date | None = None, end: datetime.date | None = None
) -> Period:
    """Dates given win over a preset; neither given: this month."""
    if start is None and end is None:
        return preset_period(preset or "month", timezone.localdate())
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise ValidationFailed([FieldError(missing, "请同时给出开始和结束日期")])
    if end < start:
        raise ValidationFailed([FieldError("to", "结束日期不能早于开始日期")])
    return Period.between(start, end)


# ---------------------------------------------------------------------------------------------
# The figures


@dataclass
class FigureRow:
    key: str | int | None
    name: str
    cases: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    answer_due: int = 0
    answered_on_time: int = 0
    demands_due: int = 0
    resolved: int = 0
    partly_resolved: int = 0
    not_resolvable: int = 0
    disputed: int = 0
    unanswered: int = 0
    ratings_given: int = 0
    satisfied_ratings: int = 0
    not_rated: int = 0
    closed: int = 0
    days_to_close: int = 0  # the sum, over the closed cases that had been assigned
    timed_closures: int = 0
    open: int = 0
    late: int = 0
    escalated: int = 0
    supervised: int = 0
    flagged: int = 0

    @staticmethod
    def _rate(numerator: int, denominator: int) -> float | None:
        # No denominator, no rate: "—", never 0 % or 100 %.
        return round(numerator / denominator, 4) if denominator else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.responded_on_time, self.response_due)

    @property
    def answer_rate(self) -> float | None:
        return self._rate(self.answered_on_time, self.answer_due)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolved, self.demands_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied_ratings, self.ratings_given)

    @property
    def average_days_to_close(self) -> float | None:
        return round(self.days_to_close / self.timed_closures, 1) if self.timed_closures else None

    def add(self, other: FigureRow) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {"key": self.key, "name": self.name}
        values.update({name: getattr(self, name) for name in COUNTED if name not in INTERNAL})
        values.update({name: getattr(self, name) for name in (*SORTS, "average_days_to_close")})
        return values


COUNTED = tuple(name for name in FigureRow.__dataclass_fields__ if name not in ("key", "name"))
# Summed so the total's average is exact, not an average of averages; shown only as the average.
INTERNAL = frozenset({"days_to_close", "timed_closures"})


@dataclass
class Figures:
    period: Period
    kind: str
    grouping: Grouping
    rows: list[FigureRow] = field(default_factory=list)
    total: FigureRow = field(default_factory=lambda: FigureRow(key=None, name="合计"))
    sort: str = ""


FIGURES_REFUSED = "您的角色不能查看办理情况统计"


def can_see_figures(user: User) -> bool:
    # Enterprises and liaison officers work single cases; ranking offices is not theirs to see.
    return has_permission(user, Permission.READ_FIGURES)


def _scoped(user: User, reached: Callable[[str], Q | None]) -> QuerySet[Case]:
    if not can_see_figures(user):
        raise PermissionDenied(FIGURES_REFUSED)
    cases = Case.objects.filter(case_scope_q(user, reached=reached))
    if user.role == Role.HANDLER and not user.is_superuser:
        # A department is measured on the cases it leads; those it only supports are the lead's.
        cases = cases.filter(lead_department_id=user.department_id)
    return cases


def _grouping(user: User, by: str, region: str, level: str, field: str = "region_id") -> tuple[Grouping, Q]:
    if by not in GROUP_BY:
        raise ValidationFailed([FieldError("group_by", "应为 department（按部门）或 region（按地区）")])
    return region_grouping(user, by, region, level, field=field)


def late_now_q(now: datetime.datetime) -> Q:
    """Late at `now` (with an open status, the figures' "late"): marked red by the deadline
    sweep, or past its deadline since the sweep last ran. Other apps count late cases by this."""
    return Q(timeliness=Timeliness.RED) | Q(due_at__lt=now)


def _flow_measures(
    start: datetime.datetime, end: datetime.datetime, now: datetime.datetime
) -> tuple[Q, dict[str, Any]]:
    """The measures of what happened in [start, end): the WHERE that narrows to the cases some of
    them count, and their conditional aggregates. Each is counted on the day of its moment, so
    these are what cases.tallies keeps day by day.

    The WHERE is an OR of one range per measure, each on an indexed column or expression; it
    only spares reading cases no aggregate would count, so every filter below implies it."""

    def during(column: str) -> Q:
        return Q(**{f"{column}__gte": start, f"{column}__lt": end})

    def settled(moment: str) -> Q:
        # A moment still ahead is a clock still running: neither on time nor late yet.
        return during(moment) & Q(**{f"{moment}__lte": now})

    received = during("submitted_at")
    response_due = settled("response_settled")
    answer_due = settled("answer_settled")
    demands_due = Q(kind=Kind.DEMAND) & answer_due
    # An outcome stands while the demand is answered or closed; one sent back by an unsatisfied
    # rating (or reopened) is not resolved again until it is answered again.
    standing = Q(status__in=[Status.ANSWERED, Status.CLOSED])
    closed = Q(status=Status.CLOSED) & during("closed_at")

    where = received | response_due | answer_due | closed
    aggregates = {
        "cases": Count("pk", filter=received),
        "response_due": Count("pk", filter=response_due),
        "responded_on_time": Count("pk", filter=response_due & Q(responded_on_time=True)),
        "answer_due": Count("pk", filter=answer_due),
        # Judged when first answered and kept: a reopening's later deadline does not excuse it.
        "answered_on_time": Count("pk", filter=answer_due & Q(answered_on_time=True)),
        "demands_due": Count("pk", filter=demands_due),
        "resolved": Count("pk", filter=demands_due & standing & Q(outcome=Outcome.RESOLVED)),
        "partly_resolved": Count("pk", filter=demands_due & standing & Q(outcome=Outcome.PARTLY_RESOLVED)),
        "not_resolvable": Count("pk", filter=demands_due & standing & Q(outcome=Outcome.NOT_RESOLVABLE)),
        "disputed": Count("pk", filter=demands_due & ~standing & Q(first_answered_at__isnull=False)),
        "unanswered": Count("pk", filter=demands_due & Q(first_answered_at__isnull=True)),
        "ratings_given": Sum("ratings_given", filter=demands_due),
        "satisfied_ratings": Sum("satisfied_ratings", filter=demands_due),
        "not_rated": Count("pk", filter=demands_due & Q(closure=Closure.NOT_RATED)),
        "closed": Count("pk", filter=closed),
        "days_to_close": Sum("working_days_to_close", filter=closed),
        "timed_closures": Count("working_days_to_close", filter=closed),
    }
    return where, aggregates


def _state_measures(end: datetime.datetime, now: datetime.datetime | None) -> tuple[Q, dict[str, Any]]:
    """The state now of the cases received before `end` (open, late, escalated …). Without `now`,
    late is only what the deadline sweep marked red: the open tallies' part (tallies.STATE), the
    rest being _unswept_late's."""
    still_open = Q(status__in=OPEN_STATUS_LIST, submitted_at__lt=end)
    late = late_now_q(now) if now is not None else Q(timeliness=Timeliness.RED)
    aggregates = {
        "open": Count("pk", filter=still_open),
        "late": Count("pk", filter=still_open & late),
        "escalated": Count("pk", filter=still_open & ~Q(escalation_level=Escalation.NONE)),
        "supervised": Count("pk", filter=still_open & Q(escalation_level__in=tallies.SUPERVISED)),
        "flagged": Count("pk", filter=still_open & Q(flagged_for_notice=True)),
    }
    return still_open, aggregates


# The condition of case_unmarked_due_idx as SQL with its literal: a partial index serves SQLite
# only when the query's WHERE holds the index's own terms, and Django would bind 'red' as a
# parameter (which no partial index matches).
NOT_MARKED_LATE_SQL = f"""NOT ("cases_case"."timeliness" = '{Timeliness.RED.value}')"""
# More unmarked passed deadlines than this (the sweep stopped, or a day's deadlines, which end at
# 23:59:59, in the minutes after midnight before it runs) and they are counted with the rest of
# the query instead of by their keys: exact either way, slower the second.
UNSWEPT_BY_KEY = 500


def unswept_late_ids(now: datetime.datetime) -> list[int] | None:
    """The cases whose deadline has passed but that the sweep has not yet marked red (of any
    scope: the deadlines since its last run), read alone through case_unmarked_due_idx so that
    no planner prefers a wider index; None when there are more than UNSWEPT_BY_KEY. Read in its
    own statement: a sweep committing its marks between this and the tallies' sums can leave a
    case just marked out of both, until the next reading."""
    # A constant of this module, no input in it.
    not_marked = RawSQL(NOT_MARKED_LATE_SQL, [], output_field=BooleanField())  # noqa: S611
    found = list(
        Case.objects.filter(not_marked, due_at__lt=now)
        .order_by()
        .values_list("pk", flat=True)[: UNSWEPT_BY_KEY + 1]
    )
    return found if len(found) <= UNSWEPT_BY_KEY else None


def _unswept_late(
    end: datetime.datetime, now: datetime.datetime, ids: list[int] | None
) -> tuple[Q, dict[str, Any]]:
    """The open cases received before `end` whose deadline has passed but the sweep has not yet
    marked red: late now, not in the tallies' marked_late. By their keys (unswept_late_ids)
    when there are few."""
    where = Q(
        timeliness__in=[Timeliness.NORMAL, Timeliness.AMBER],
        due_at__lt=now,
        status__in=OPEN_STATUS_LIST,
        submitted_at__lt=end,
    )
    if ids is not None:
        where &= Q(pk__in=ids)
    return where, {"late": Count("pk")}


def _measures(
    start: datetime.datetime, end: datetime.datetime, now: datetime.datetime
) -> tuple[Q, dict[str, Any]]:
    flow_where, flow = _flow_measures(start, end, now)
    state_where, state = _state_measures(end, now)
    return flow_where | state_where, {**flow, **state}


# What the figures sum of the tallies' columns (tallies.sums): the day tallies' flows under their
# own names; the open tallies' state with the sweep's marked_late as late (the unswept deadlines
# added to it).
FLOW_COLUMNS = {name: name for name in tallies.FLOWS}
STATE_COLUMNS = {
    "open": "open",
    "late": "marked_late",
    "escalated": "escalated",
    "supervised": "supervised",
    "flagged": "flagged",
}


def _case_key(grouping: Grouping) -> Any:
    if grouping.by == "department":
        return F("lead_department_id")
    return F("region_id") if grouping.prefix_length == 6 else Substr("region_id", 1, grouping.prefix_length)


def _tally_key(grouping: Grouping) -> Any:
    if grouping.by == "department":
        return F("department_key")
    return (
        F("region_code") if grouping.prefix_length == 6 else Substr("region_code", 1, grouping.prefix_length)
    )


def _on_tallies(region_q: Q) -> Q:
    """A filter on the cases' region_id (region_grouping's) as the same filter on the tallies'
    region_code: the lookups' names renamed, their values kept."""
    renamed = Q()
    renamed.connector, renamed.negated = region_q.connector, region_q.negated
    for child in region_q.children:
        if isinstance(child, Q):
            renamed.children.append(_on_tallies(child))
            continue
        lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value) pairs
        if lookup.startswith("region_id"):
            lookup = "region_code" + lookup.removeprefix("region_id")
        elif lookup != "pk__in":  # core.scoping.NOTHING
            raise ValueError(f"no tally column for {lookup}")
        renamed.children.append((lookup, value))
    return renamed


def _tally_scope(user: User, reached: Callable[[str], Q | None]) -> tuple[Q, Q | None] | None:
    """The tally rows of the cases _scoped(user) counts, and the cases it counts that no such row
    holds (read from the cases themselves); None for a scope the rows cannot say (then every
    figure is read from the cases)."""
    if not is_active_user(user):
        return None
    if user.role == Role.HANDLER:
        if user.is_superuser:
            return None
        # _scoped: the cases their department leads.
        return (Q(department_key=user.department_id) if user.department_id else NOTHING), None
    if user.role in (Role.ENTERPRISE, Role.LIAISON):
        return None
    code = jurisdiction_code(user)
    if code is None:
        return Q(), None
    if not code:
        return NOTHING, None
    elsewhere = reached(code)
    outside = None if elsewhere is None else elsewhere & ~region_subtree_q("region_id", code)
    return region_subtree_q("region_code", code), outside


def _counts(
    *,
    user: User,
    period: Period,
    grouping: Grouping,
    region_q: Q,
    kind: str | None,
    now: datetime.datetime,
    lead_department_id: int | None = None,
    tallied: bool = True,
    with_state: bool = True,
    with_flows: bool = True,
    reached: Callable[[str], Q | None] | None = None,
) -> dict[Any, dict[str, int]]:
    """Every figure of `period` by group key. The days before today from the day tallies
    (cases.tallies), today's part from the cases; the state now from the tallies' state columns
    and the deadlines passed since the sweep's last marks (_unswept_late); `tallied=False` reads
    all of it from the cases (the definition the tallies are checked against)."""
    reached = reached or functools.cache(reached_q)
    cases = _scoped(user, reached)
    if lead_department_id is not None:
        cases = cases.filter(lead_department_id=lead_department_id)
    of_kind = Q(kind=kind) if kind is not None else Q()
    cases = cases.alias(response_settled=response_settled_at(), answer_settled=answer_settled_at()).filter(
        region_q, of_kind
    )
    found: dict[Any, dict[str, int]] = {}

    def add(rows: Any, department_none: Any) -> None:
        for values in rows:
            key: Any = values.pop("group_key")
            if grouping.by == "department" and key == department_none:
                key = None
            elif grouping.by == "region":
                key = str(key).ljust(6, "0")
            kept = found.setdefault(key, dict.fromkeys(COUNTED, 0))
            for name, value in values.items():
                kept[name] += value or 0

    def scan(chosen: QuerySet[Case], where: Q, aggregates: dict[str, Any]) -> None:
        grouped = chosen.filter(where).annotate(group_key=_case_key(grouping)).values("group_key")
        add(grouped.annotate(**aggregates).order_by("group_key"), None)

    start, end = period.bounds()
    scope = _tally_scope(user, reached) if tallied else None
    if scope is None:
        if with_flows:
            scan(cases, *(_measures(start, end, now) if with_state else _flow_measures(start, end, now)))
        elif with_state:
            scan(cases, *_state_measures(end, now))
        return found
    tally_q, outside = scope
    on_tallies = tally_q & _on_tallies(region_q) & of_kind
    if lead_department_id is not None:
        on_tallies &= Q(department_key=lead_department_id)
    today_start = datetime.datetime.combine(tallies.day_of(now), datetime.time(), tzinfo=SHANGHAI)
    tallied_end = min(end, today_start)
    if with_flows and start < tallied_end:
        where = on_tallies & Q(day__gte=tallies.day_of(start), day__lt=tallies.day_of(tallied_end))
        add(tallies.sums(where, _tally_key(grouping), FLOW_COLUMNS), 0)
        if outside is not None:
            scan(cases.filter(outside), *_flow_measures(start, tallied_end, now))
    live_start = max(start, today_start)
    if with_flows and live_start < end:
        scan(cases, *_flow_measures(live_start, end, now))
    if with_state:
        # The state of the cases received before the end: the open tallies' rows of those days
        # (only days with an open case have one), the cases reached from outside the
        # jurisdiction (no row of its holds them), and the deadlines passed since the sweep last
        # marked them.
        where = on_tallies & Q(day__lt=tallies.day_of(end))
        add(tallies.sums(where, _tally_key(grouping), STATE_COLUMNS, part=tallies.OPEN_PART), 0)
        if outside is not None:
            scan(cases.filter(outside), *_state_measures(end, None))
        unswept = unswept_late_ids(now)
        if unswept != []:
            scan(cases, *_unswept_late(end, now, unswept))
    # A day's tallies can sum to nothing (a case assigned moves its counts to its department's
    # row); the cases never give such a group: no row the cases would not give.
    return {key: values for key, values in found.items() if any(values.values())}


def _sorted(rows: list[FigureRow], sort: str, grouping: Grouping) -> list[FigureRow]:
    if not sort:
        # Unranked: regions in code order (as GB/T 2260 lists them), departments by name, the
        # unassigned cases last.
        if grouping.by == "region":
            return rows
        return sorted(rows, key=lambda row: (row.key is None, row.name))
    # Highest first; a row with no rate ("—") last, not ranked as if it were 0 %.
    return sorted(rows, key=lambda row: (getattr(row, sort) is None, -(getattr(row, sort) or 0)))


def figures_for(
    *,
    user: User,
    period: Period,
    group_by: str = "department",
    kind: str = Kind.DEMAND,
    region: str = "",
    level: str = "",
    sort: str = "",
    now: datetime.datetime | None = None,
    tallied: bool = True,
    with_state: bool = True,
) -> Figures:
    """The figures of the cases `user` can see, one row per lead department or per subdivision of
    the region (`region`, else the user's jurisdiction), and their total. A few queries, however
    many rows or cases: the root region, the day tallies' sums, the cases of today and those
    just late, the rows' names (`tallied=False`: every figure from the cases, see _counts). Without
    `with_state`, the rates and the counts behind them only: open, late, escalated, supervised
    and flagged are 0 (for a ranking, or a trend's points)."""
    if not can_see_figures(user):
        raise PermissionDenied(FIGURES_REFUSED)
    if kind not in Kind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in Kind.choices)
        raise ValidationFailed([FieldError("kind", f"应为 {allowed} 之一")])
    if sort and sort not in SORTS:
        allowed = "、".join(f"{key}（{label}）" for key, label in SORTS.items())
        raise ValidationFailed([FieldError("sort", f"可按以下指标排名：{allowed}")])
    grouping, region_q = _grouping(user, group_by, region, level)
    counted = _counts(
        user=user,
        period=period,
        grouping=grouping,
        region_q=region_q,
        kind=kind,
        now=now or timezone.now(),
        tallied=tallied,
        with_state=with_state,
    )
    keys = sorted(counted, key=lambda key: (key is None, key))
    names = group_names(grouping, keys)
    figures = Figures(period=period, kind=kind, grouping=grouping, sort=sort)
    for group_key in keys:
        name = UNASSIGNED if group_key is None else names.get(group_key, str(group_key))
        row = FigureRow(key=group_key, name=name, **counted[group_key])
        figures.rows.append(row)
        figures.total.add(row)
    figures.rows = _sorted(figures.rows, sort, grouping)
    return figures


def _summed(counted: dict[Any, dict[str, int]], *, key: str | None, name: str) -> FigureRow:
    """One row adding up _counts' groups."""
    total = FigureRow(key=key, name=name)
    for values in counted.values():
        total.add(FigureRow(key=None, name="", **values))
    return total


def open_now(
    *,
    user: User,
    region: str = "",
    lead_department_id: int | None = None,
    now: datetime.datetime | None = None,
    tallied: bool = True,
) -> FigureRow:
    """The cases of every kind open now in `region` and below (of them, those one department
    leads, when given) that `user` can see: open, late, escalated, supervised and flagged, as the
    figures count them (the cockpit's late cases). From the day tallies' state and the cases just
    late: a few queries, however many cases are open."""
    if not can_see_figures(user):
        raise PermissionDenied(FIGURES_REFUSED)
    moment = now or timezone.now()
    by = "department" if lead_department_id is not None else "region"
    grouping, region_q = _grouping(user, by, region, "")
    # Every case received up to now: a period ending after today.
    today = tallies.day_of(moment)
    counted = _counts(
        user=user,
        period=Period.between(today, today),
        grouping=grouping,
        region_q=region_q,
        kind=None,
        now=moment,
        lead_department_id=lead_department_id,
        tallied=tallied,
        with_flows=False,
    )
    return _summed(counted, key=None, name="合计")


def totals_for_periods(
    *,
    user: User,
    periods: list[Period],
    region: str = "",
    lead_department_id: int | None = None,
    kind: str = Kind.DEMAND,
    now: datetime.datetime | None = None,
) -> list[FigureRow]:
    """The totals `figures_for(group_by="region", with_state=False)` gives for each of `periods` (a
    trend of rates): the day tallies' sums and today's cases, two queries a period. Of one lead
    department's cases when it is given (its row of the department table)."""
    if not can_see_figures(user):
        raise PermissionDenied(FIGURES_REFUSED)
    grouping, region_q = _grouping(user, "region", region, "")
    moment = now or timezone.now()
    reached = functools.cache(reached_q)
    totals = []
    for period in periods:
        counted = _counts(
            user=user,
            period=period,
            grouping=grouping,
            region_q=region_q,
            kind=kind,
            now=moment,
            lead_department_id=lead_department_id,
            # A trend shows the rates: the state now (open, late …) is the total's, not a point's.
            with_state=False,
            reached=reached,
        )
        totals.append(_summed(counted, key=period.key, name=period.label))
    return totals


def figures_json(figures: Figures, *, definitions_url: str) -> dict[str, Any]:
    """The API's and the export's one shape of a table."""
    grouping = figures.grouping
    return {
        "period": {
            "from": figures.period.start,
            "to": figures.period.end,
            "preset": figures.period.relative,
            "label": figures.period.label,
        },
        "group_by": grouping.by,
        "level": grouping.level,
        "region": {"code": grouping.root.code, "name": grouping.root.name} if grouping.root else None,
        "kind": figures.kind,
        "sort": figures.sort,
        "definitions_url": definitions_url,
        "definitions": DEFINITIONS,
        "rows": [row.as_dict() for row in figures.rows],
        "total": figures.total.as_dict(),
    }
