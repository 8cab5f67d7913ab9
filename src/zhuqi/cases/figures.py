"""The figures dispatch meetings (调度会) rank departments and regions on: response rate (响应率),
on-time answer rate, resolution rate (解决率), satisfaction rate (满意率), time to close, and the
open, late, escalated (催办), supervised (督办) and flagged (通报) counts.

A read module: one GROUP BY query over the cases the user can see, every figure a conditional
count of facts the workflow recorded when they happened (responded_on_time, answered_on_time,
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
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

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
from zhuqi.cases.selectors import case_queryset
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.periods import RELATIVE, Period
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
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


def _scoped(user: User) -> QuerySet[Case]:
    if not can_see_figures(user):
        raise PermissionDenied(FIGURES_REFUSED)
    cases = case_queryset(user=user)
    if user.role == Role.HANDLER and not user.is_superuser:
        # A department is measured on the cases it leads; those it only supports are the lead's.
        cases = cases.filter(lead_department_id=user.department_id)
    return cases


def _grouping(user: User, by: str, region: str, level: str) -> tuple[Grouping, Q]:
    if by not in GROUP_BY:
        raise ValidationFailed([FieldError("group_by", "应为 department（按部门）或 region（按地区）")])
    return region_grouping(user, by, region, level)


def late_now_q(now: datetime.datetime) -> Q:
    """Late at `now` (with an open status, the figures' "late"): marked red by the deadline
    sweep, or past its deadline since the sweep last ran. Other apps count late cases by this."""
    return Q(timeliness=Timeliness.RED) | Q(due_at__lt=now)


def _measures(period: Period, now: datetime.datetime) -> tuple[Q, dict[str, Any]]:
    """The WHERE that narrows to the cases some figure counts, and the conditional aggregates.

    The WHERE is an OR of one range per measure, each on an indexed column or expression; it
    only spares reading cases no aggregate would count, so every filter below implies it."""
    start, end = period.bounds()

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
    still_open = Q(status__in=OPEN_STATUS_LIST, submitted_at__lt=end)
    late_now = late_now_q(now)

    where = received | response_due | answer_due | closed | still_open
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
        "open": Count("pk", filter=still_open),
        "late": Count("pk", filter=still_open & late_now),
        "escalated": Count("pk", filter=still_open & ~Q(escalation_level=Escalation.NONE)),
        "supervised": Count(
            "pk", filter=still_open & Q(escalation_level__in=[Escalation.SUPERVISION, Escalation.NOTICE])
        ),
        "flagged": Count("pk", filter=still_open & Q(flagged_for_notice=True)),
    }
    return where, aggregates


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
) -> Figures:
    """The figures of the cases `user` can see, one row per lead department or per subdivision of
    the region (`region`, else the user's jurisdiction), and their total. Three queries, however
    many rows: the root region, the aggregate, the rows' names."""
    cases = _scoped(user)
    if kind not in Kind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in Kind.choices)
        raise ValidationFailed([FieldError("kind", f"应为 {allowed} 之一")])
    if sort and sort not in SORTS:
        allowed = "、".join(f"{key}（{label}）" for key, label in SORTS.items())
        raise ValidationFailed([FieldError("sort", f"可按以下指标排名：{allowed}")])
    grouping, region_q = _grouping(user, group_by, region, level)
    where, aggregates = _measures(period, now or timezone.now())
    if grouping.by == "department":
        key: Any = F("lead_department_id")
    elif grouping.prefix_length == 6:
        key = F("region_id")
    else:
        key = Substr("region_id", 1, grouping.prefix_length)
    grouped = (
        cases.alias(response_settled=response_settled_at(), answer_settled=answer_settled_at())
        .filter(region_q, where, kind=kind)
        .annotate(group_key=key)
        .values("group_key")
        .annotate(**aggregates)
        .order_by("group_key")
    )
    raw = list(grouped)
    if grouping.by == "region":
        for values in raw:
            values["group_key"] = values["group_key"].ljust(6, "0")
    names = group_names(grouping, [values["group_key"] for values in raw])
    figures = Figures(period=period, kind=kind, grouping=grouping, sort=sort)
    for values in raw:
        group_key = values.pop("group_key")
        name = UNASSIGNED if group_key is None else names.get(group_key, str(group_key))
        row = FigureRow(key=group_key, name=name, **{k: v or 0 for k, v in values.items()})
        figures.rows.append(row)
        figures.total.add(row)
    figures.rows = _sorted(figures.rows, sort, grouping)
    return figures


def totals_for_periods(
    *,
    user: User,
    periods: list[Period],
    region: str = "",
    lead_department_id: int | None = None,
    kind: str = Kind.DEMAND,
    now: datetime.datetime | None = None,
) -> list[FigureRow]:
    """The totals `figures_for` gives for each of `periods` (a trend), in one scan of the cases
    instead of one a period: each period's measures are conditional aggregates of the same
    query, its WHERE the OR of theirs. Of one lead department's cases when it is given (its row
    of the department table)."""
    cases = _scoped(user)
    _, region_q = _grouping(user, "region", region, "")
    moment = now or timezone.now()
    where = Q(pk__in=[])
    aggregates: dict[str, Any] = {}
    for index, period in enumerate(periods):
        period_where, measures = _measures(period, moment)
        where |= period_where
        aggregates.update({f"p{index}_{name}": aggregate for name, aggregate in measures.items()})
    if lead_department_id is not None:
        cases = cases.filter(lead_department_id=lead_department_id)
    found = (
        cases.alias(response_settled=response_settled_at(), answer_settled=answer_settled_at())
        .filter(region_q, where, kind=kind)
        .aggregate(**aggregates)
    )
    return [
        FigureRow(
            key=period.key,
            name=period.label,
            **{name: found[f"p{index}_{name}"] or 0 for name in COUNTED},
        )
        for index, period in enumerate(periods)
    ]


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
