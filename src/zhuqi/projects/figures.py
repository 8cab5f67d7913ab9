"""The project figures a dispatch meeting compares (比进度): starts against plan by a date,
investment completed against the annual plan, projects producing, projects flagged. Per region,
responsible department or level, for one year. Definitions: docs/figures.md and DEFINITIONS.

Three or four queries whatever the number of projects: the root region, the project aggregate,
the investment aggregate, the rows' names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.directory.grouping import Grouping, group_names, pad_region_key, region_grouping, region_key
from zhuqi.directory.models import User
from zhuqi.projects import selectors
from zhuqi.projects.models import Level, ProjectYear, Stage

# Labels marked for the catalogue: the figures page shows them through {% translate %}.
GROUP_BY = {
    "region": gettext_noop("按地区"),
    "department": gettext_noop("按责任部门"),
    "level": gettext_noop("按项目级别"),
}
SORTS = {"start_rate": "开工率", "investment_rate": "投资完成率"}
NO_DEPARTMENT = "未明确责任部门"

DEFINITIONS = {
    "start_rate": (
        "开工率 = 按期开工数 ÷ 计划开工数。计划开工数：计划开工日期在当年 1 月 1 日至"
        "截止日期之间、未取消的项目；按期开工数：其中实际开工日期不晚于截止日期的项目"
        "（晚于计划日期但在截止日期前开工的也算开工，逾期天数另见项目页）。"
        "“上半年全部开工”即截止日期取 6 月 30 日时开工率为 100%。"
    ),
    "investment_rate": (
        "投资完成率 = 本年完成投资 ÷ 年度计划投资。年度计划投资为当年下达的计划（万元）；"
        "本年完成投资为当年各期进展报告填报的本期完成投资之和，按报告期结束日所在年度计入。"
    ),
    "producing": "当年投产数：实际投产日期在当年 1 月 1 日至截止日期之间的项目。",
    "flagged": (
        "预警项目数：截止今天带有任一预警（未按期开工、上期未报进展、投资进度滞后、"
        "有逾期事项、节点滞后）的项目。"
    ),
}


@dataclass
class ProjectFigureRow:
    key: str | int | None
    name: str
    projects: int = 0
    planned_starts: int = 0
    started_by_date: int = 0
    started_in_year: int = 0
    producing_in_year: int = 0
    flagged: int = 0
    planned_investment: Decimal = Decimal(0)
    completed_investment: Decimal = Decimal(0)

    @property
    def start_rate(self) -> float | None:
        return round(self.started_by_date / self.planned_starts, 4) if self.planned_starts else None

    @property
    def investment_rate(self) -> float | None:
        if not self.planned_investment:
            return None
        return round(float(self.completed_investment / self.planned_investment), 4)

    def add(self, other: ProjectFigureRow) -> None:
        for name in (
            "projects",
            "planned_starts",
            "started_by_date",
            "started_in_year",
            "producing_in_year",
            "flagged",
            "planned_investment",
            "completed_investment",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "projects": self.projects,
            "planned_starts": self.planned_starts,
            "started_by_date": self.started_by_date,
            "start_rate": self.start_rate,
            "started_in_year": self.started_in_year,
            "producing_in_year": self.producing_in_year,
            "flagged": self.flagged,
            "planned_investment": self.planned_investment,
            "completed_investment": self.completed_investment,
            "investment_rate": self.investment_rate,
        }


@dataclass
class ProjectFigures:
    year: int
    by_date: datetime.date
    grouping: Grouping
    rows: list[ProjectFigureRow] = field(default_factory=list)
    total: ProjectFigureRow = field(default_factory=lambda: ProjectFigureRow(key=None, name="合计"))


def _key(grouping: Grouping, prefix: str = "") -> Any:
    if grouping.by == "department":
        return F(f"{prefix}responsible_department_id")
    if grouping.by == "level":
        return F(f"{prefix}level")
    return region_key(grouping, f"{prefix}region_id")


def project_figures(
    *,
    user: User,
    year: int,
    by_date: datetime.date | None = None,
    group_by: str = "region",
    region: str = "",
    level: str = "",
    sort: str = "",
    today: datetime.date | None = None,
    with_flags: bool = True,
) -> ProjectFigures:
    """The figures of the projects `user` can see for `year`, measured by `by_date` (default:
    today within the year, else the year's last day). Without `with_flags`, the rates and the
    counts behind them only: flagged is 0 (for a ranking: the flags probe every project's plan,
    cases and milestones)."""
    if group_by not in GROUP_BY:
        raise ValidationFailed(
            [FieldError("group_by", "应为 region（按地区）、department（按责任部门）或 level（按级别）")]
        )
    if sort and sort not in SORTS:
        raise ValidationFailed(
            [FieldError("sort", "可按 start_rate（开工率）或 investment_rate（投资完成率）排名")]
        )
    if not 2000 <= year <= 2100:
        raise ValidationFailed([FieldError("year", f"年度“{year}”不合理")])
    today = today or timezone.localdate()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    by_date = by_date or min(max(today, first), last)
    if not first <= by_date <= last:
        raise ValidationFailed([FieldError("by", f"截止日期应在 {year} 年内")])
    grouping, region_q = region_grouping(user, group_by, region, level)
    at = selectors.clock(today)
    flagged: Count | Value
    if with_flags:
        projects = selectors.project_library(user=user, at=at).filter(region_q)
        any_flag = Q()
        for name in selectors.FLAGS:
            any_flag |= selectors.flag_filter(name, at)
        flagged = Count("pk", filter=any_flag)
    else:
        projects = selectors.project_queryset(user=user).filter(region_q)
        flagged = Value(0)
    planned = Q(planned_started_on__gte=first, planned_started_on__lte=by_date) & ~Q(stage=Stage.CANCELLED)
    started = Q(started_on__isnull=False, started_on__lte=by_date)
    aggregate = (
        projects.annotate(group_key=_key(grouping))
        .values("group_key")
        .annotate(
            projects=Count("pk"),
            planned_starts=Count("pk", filter=planned),
            started_by_date=Count("pk", filter=planned & started),
            started_in_year=Count("pk", filter=Q(started_on__gte=first, started_on__lte=by_date)),
            producing_in_year=Count("pk", filter=Q(producing_on__gte=first, producing_on__lte=by_date)),
            flagged=flagged,
        )
        .order_by("group_key")
    )
    rows: dict[Any, ProjectFigureRow] = {}
    for values in aggregate:
        key = values.pop("group_key")
        rows[key] = ProjectFigureRow(key=key, name="", **values)
    investment = (
        ProjectYear.objects.filter(year=year, project__in=projects.values("pk"))
        .annotate(group_key=_key(grouping, "project__"))
        .values("group_key")
        .annotate(planned=Sum("planned_investment"), completed=Sum("completed_investment"))
        .order_by("group_key")
    )
    for values in investment:
        row = rows.setdefault(values["group_key"], ProjectFigureRow(key=values["group_key"], name=""))
        row.planned_investment = values["planned"] or Decimal(0)
        row.completed_investment = values["completed"] or Decimal(0)
    figures = ProjectFigures(year=year, by_date=by_date, grouping=grouping)
    if grouping.by == "region":
        rows = {pad_region_key(str(key)): row for key, row in rows.items()}
        for key, row in rows.items():
            row.key = key
    if grouping.by == "level":
        names: dict[Any, str] = {value: str(label) for value, label in Level.choices}
    else:
        names = group_names(grouping, list(rows))
    for key, row in rows.items():
        row.name = NO_DEPARTMENT if key is None else names.get(key, str(key))
        figures.rows.append(row)
        figures.total.add(row)
    if sort:
        figures.rows.sort(key=lambda row: (getattr(row, sort) is None, -(getattr(row, sort) or 0), row.name))
    return figures


def figures_json(figures: ProjectFigures) -> dict[str, Any]:
    return {
        "year": figures.year,
        "by": figures.by_date,
        "group_by": figures.grouping.by,
        "level": figures.grouping.level,
        "rows": [row.as_dict() for row in figures.rows],
        "total": figures.total.as_dict(),
        "definitions": DEFINITIONS,
    }
