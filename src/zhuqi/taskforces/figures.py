"""A campaign's board: per region or per department, how many enterprises are in each status,
the rates the reports give, late and missing reports, open and same-day cases; and the trend by
period. Read from the maintained tallies (CampaignTally), never from the reports, so a board over
20,000 enterprises and 90 days costs the same as one over twenty. The definitions are
docs/taskforces.md's, and DEFINITIONS below is what the page shows beside each rate."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhuqi.cases.models import OPEN_STATUS_LIST, Urgency
from zhuqi.core.periods import Period, periods
from zhuqi.core.roles import Role
from zhuqi.core.scoping import NOTHING, code_within, jurisdiction_code, region_prefix, region_subtree_q
from zhuqi.directory.models import Department, Region, User
from zhuqi.taskforces import reportforms
from zhuqi.taskforces.models import Campaign, CampaignEnterprise, CampaignKind, CampaignReport, CampaignTally

# The name of the done rate by the campaign's kind (复工率 for a resumption campaign).
DONE_RATE_NAMES = {
    CampaignKind.RESUMPTION: gettext_noop("复工率"),
    CampaignKind.STABLE_SUPPLY: gettext_noop("正常生产率"),
    CampaignKind.SAFETY: gettext_noop("检查合格率"),
    CampaignKind.WINTER_SUPPLY: gettext_noop("保障率"),
    CampaignKind.RELIEF: gettext_noop("正常经营率"),
    CampaignKind.OTHER: gettext_noop("完成率"),
}
DEFINITIONS = {
    "done_rate": gettext_noop(
        "状态为表单中“已完成”选项（如 全面复工）的企业数 ÷ 纳入本行动的企业数。未报送的企业按未完成计。"
    ),
    "report_rate": gettext_noop("本期已报送的企业数 ÷ 纳入本行动的企业数。"),
    "staffing_rate": gettext_noop("满员率：报送了在岗人数的企业，在岗人数之和 ÷ 应到人数之和。"),
    "capacity_rate": gettext_noop(
        "产能恢复率：各企业报送的产能利用率按当期产值加权的平均数；没有企业报送产值时为简单平均。"
    ),
    "late": gettext_noop("逾期报送：报送时间晚于本期截止时间（期末后的天数和时刻由行动设定）的报送数。"),
    "missing": gettext_noop("未报送：纳入本行动、本期没有报送的企业数。"),
    "open_cases": gettext_noop(
        "未办结诉求：本行动报送中的困难转成的诉求事项，尚未办结的件数；其中日清日结的另列。"
    ),
}


def _rate(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class BoardRow:
    key: str
    label: str
    enrolled: int = 0
    reported: int = 0
    done: int = 0
    late: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    staff_present: int = 0
    staff_expected: int = 0
    capacity_weighted: Decimal = Decimal(0)
    capacity_weight: Decimal = Decimal(0)
    capacity_sum: Decimal = Decimal(0)
    capacity_count: int = 0
    output: Decimal = Decimal(0)
    difficulties: int = 0
    open_cases: int = 0
    same_day_open: int = 0

    def add(self, tally: Any) -> None:
        """Add one tally's counts (a CampaignTally or a dict of the same names)."""
        get = tally.get if isinstance(tally, dict) else lambda name: getattr(tally, name)
        for name in (
            "reports",
            "done",
            "late",
            "staff_present",
            "staff_expected",
            "capacity_count",
            "difficulties",
        ):
            target = "reported" if name == "reports" else name
            setattr(self, target, getattr(self, target) + (get(name) or 0))
        for name in ("capacity_weighted", "capacity_weight", "capacity_sum", "output"):
            setattr(self, name, getattr(self, name) + Decimal(get(name) or 0))
        statuses = get("statuses") if not isinstance(tally, dict) or "statuses" in tally else None
        for status, count in (statuses or {}).items():
            self.statuses[status] = self.statuses.get(status, 0) + count

    @property
    def missing(self) -> int:
        return max(self.enrolled - self.reported, 0)

    @property
    def done_rate(self) -> Decimal | None:
        return _rate(self.done, self.enrolled)

    @property
    def report_rate(self) -> Decimal | None:
        return _rate(self.reported, self.enrolled)

    @property
    def staffing_rate(self) -> Decimal | None:
        return _rate(self.staff_present, self.staff_expected)

    @property
    def capacity_rate(self) -> Decimal | None:
        if self.capacity_weight:
            return (self.capacity_weighted / self.capacity_weight).quantize(Decimal("0.1"))
        if self.capacity_count:
            return (self.capacity_sum / self.capacity_count).quantize(Decimal("0.1"))
        return None

    def as_data(self, choices: Iterable[str]) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "enrolled": self.enrolled,
            "reported": self.reported,
            "missing": self.missing,
            "late": self.late,
            "statuses": {choice: self.statuses.get(choice, 0) for choice in choices},
            "done": self.done,
            "done_rate": self.done_rate,
            "report_rate": self.report_rate,
            "staffing_rate": self.staffing_rate,
            "capacity_rate": self.capacity_rate,
            "output": self.output,
            "difficulties": self.difficulties,
            "open_cases": self.open_cases,
            "same_day_open": self.same_day_open,
        }


@dataclass
class TrendPoint:
    period: Period
    row: BoardRow


@dataclass
class Board:
    campaign: Campaign
    period: Period
    region: Region
    by: str
    rows: list[BoardRow]
    total: BoardRow
    trend: list[TrendPoint]
    status_choices: tuple[str, ...]
    done_choices: tuple[str, ...]
    done_rate_name: str
    measures: frozenset[str]


BY_REGION, BY_DEPARTMENT = "region", "department"


def _scope(user: User, region: Region) -> Q:
    """The tallies, enrolments and reports of the board's region the user may count: a handler
    their department's, everyone else of the board's region within their jurisdiction."""
    if user.role == Role.HANDLER:
        return Q(department_id=user.department_id) if user.department_id else NOTHING
    if user.role in (Role.ENTERPRISE, Role.LIAISON):
        return NOTHING
    return region_subtree_q("region_id", region.code)


def board_region(user: User, campaign: Campaign, code: str | None) -> Region:
    """The region the board is for: the one asked, if within both the campaign's task force's
    region and the user's jurisdiction; else the narrower of the two."""
    base = campaign.task_force.region
    jurisdiction = jurisdiction_code(user)
    if jurisdiction and code_within(base.code, jurisdiction) and jurisdiction != base.code:
        base = Region.objects.get(pk=jurisdiction)
    if code and code != base.code and code_within(base.code, code):
        asked = Region.objects.filter(pk=code).first()
        if asked is not None:
            return asked
    return base


def _group_key(by: str, children: list[Region], region_id: str, department_id: int | None) -> str:
    if by == BY_DEPARTMENT:
        return str(department_id or "")
    for child in children:
        if region_id.startswith(region_prefix(child.code)):
            return child.code
    return ""


def board(
    *,
    user: User,
    campaign: Campaign,
    period: Period,
    region_code: str | None = None,
    by: str = BY_REGION,
    trend_periods: int = 30,
) -> Board:
    region = board_region(user, campaign, region_code)
    scope = _scope(user, region)
    fields = reportforms.form_of(campaign.report_form)
    status = reportforms.status_field(fields)
    children = list(Region.objects.filter(parent=region).order_by("code")) if by == BY_REGION else []
    rows: dict[str, BoardRow] = {}

    def row(key: str) -> BoardRow:
        if key not in rows:
            rows[key] = BoardRow(key=key, label="")
        return rows[key]

    end = period.end
    enrolled = (
        CampaignEnterprise.objects.filter(campaign=campaign, enrolled_at__lt=_midnight_after(end))
        .filter(scope)
        .order_by()
        .values("region_id", "department_id")
        .annotate(n=Count("pk"))
    )
    for item in enrolled:
        row(_group_key(by, children, item["region_id"], item["department_id"])).enrolled += item["n"]
    for tally in CampaignTally.objects.filter(campaign=campaign, period_start=period.start).filter(scope):
        row(_group_key(by, children, tally.region_id, tally.department_id)).add(tally)
    cases = (
        CampaignReport.objects.filter(
            campaign=campaign, case__isnull=False, case__status__in=OPEN_STATUS_LIST
        )
        .filter(scope)
        .order_by()
        .values("region_id", "department_id")
        .annotate(
            n=Count("case_id", distinct=True),
            same_day=Count("case_id", distinct=True, filter=Q(case__urgency=Urgency.SAME_DAY)),
        )
    )
    for item in cases:
        target = row(_group_key(by, children, item["region_id"], item["department_id"]))
        target.open_cases += item["n"]
        target.same_day_open += item["same_day"]
    _label_rows(rows, by, children)
    ordered = sorted(rows.values(), key=lambda r: (r.key == "", r.key if by == BY_REGION else r.label))
    total = BoardRow(key="total", label=_("合计"))
    for item_row in ordered:
        total.enrolled += item_row.enrolled
        total.open_cases += item_row.open_cases
        total.same_day_open += item_row.same_day_open
        total.add(
            {
                "reports": item_row.reported,
                "done": item_row.done,
                "late": item_row.late,
                "staff_present": item_row.staff_present,
                "staff_expected": item_row.staff_expected,
                "capacity_count": item_row.capacity_count,
                "difficulties": item_row.difficulties,
                "capacity_weighted": item_row.capacity_weighted,
                "capacity_weight": item_row.capacity_weight,
                "capacity_sum": item_row.capacity_sum,
                "output": item_row.output,
                "statuses": item_row.statuses,
            }
        )
    return Board(
        campaign=campaign,
        period=period,
        region=region,
        by=by,
        rows=ordered,
        total=total,
        trend=_trend(campaign, scope, period, trend_periods),
        status_choices=status.choices if status else (),
        done_choices=status.done if status else (),
        done_rate_name=_(
            DONE_RATE_NAMES.get(CampaignKind(campaign.kind), DONE_RATE_NAMES[CampaignKind.OTHER])
        ),
        measures=frozenset(f.measure for f in fields if f.measure),
    )


def _midnight_after(day: datetime.date) -> datetime.datetime:
    return Period.containing("day", day).bounds()[1]


def _label_rows(rows: dict[str, BoardRow], by: str, children: list[Region]) -> None:
    if by == BY_REGION:
        names = {child.code: child.name for child in children}
        for key, item in rows.items():
            item.label = names.get(key, _("本级"))
        return
    departments = dict(
        Department.objects.filter(pk__in=[int(k) for k in rows if k]).values_list("pk", "name")
    )
    for key, item in rows.items():
        item.label = departments.get(int(key), "") if key else _("未指定包保部门")


def _trend(campaign: Campaign, scope: Q, period: Period, count: int) -> list[TrendPoint]:
    """The totals of the last `count` periods up to `period`, from the tallies (one grouped
    query), with the enterprises enrolled by each period's end."""
    first = period
    for _step in range(count - 1):
        if first.previous().end < campaign.starts_on:
            break
        first = first.previous()
    sums = {
        item["period_start"]: item
        for item in CampaignTally.objects.filter(
            campaign=campaign, period_start__gte=first.start, period_start__lte=period.start
        )
        .filter(scope)
        .order_by()
        .values("period_start")
        .annotate(
            reports=Sum("reports"),
            done=Sum("done"),
            late=Sum("late"),
            staff_present=Sum("staff_present"),
            staff_expected=Sum("staff_expected"),
            capacity_weighted=Sum("capacity_weighted"),
            capacity_weight=Sum("capacity_weight"),
            capacity_sum=Sum("capacity_sum"),
            capacity_count=Sum("capacity_count"),
            output=Sum("output"),
            difficulties=Sum("difficulties"),
        )
    }
    enrolled_by_day = _enrolled_by_day(campaign, scope, first.start)
    points = []
    for each in periods(campaign.period_kind, first.start, period.end):
        point = BoardRow(key=each.key, label=each.label)
        point.enrolled = _enrolled_on(enrolled_by_day, each.end)
        if each.start in sums:
            point.add(sums[each.start])
        points.append(TrendPoint(each, point))
    return points


def _enrolled_by_day(campaign: Campaign, scope: Q, since: datetime.date) -> list[tuple[datetime.date, int]]:
    """How many enterprises had joined before `since` (as joined on the day before it), then how
    many joined each day from `since` on: a count, and a grouping of the few rows after it (a
    date of each row is computed in Python on SQLite)."""
    enrolments = CampaignEnterprise.objects.filter(campaign=campaign).filter(scope).order_by()
    start = _midnight_after(since - datetime.timedelta(days=1))
    before = enrolments.filter(enrolled_at__lt=start).count()
    days = (
        enrolments.filter(enrolled_at__gte=start)
        .annotate(day=TruncDate("enrolled_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return sorted(
        [(since - datetime.timedelta(days=1), before), *((item["day"], item["n"]) for item in days)]
    )


def _enrolled_on(by_day: list[tuple[datetime.date, int]], day: datetime.date) -> int:
    return sum(n for joined, n in by_day if joined <= day)


def reports_for_table(campaign: Campaign, reports: QuerySet[CampaignReport]) -> QuerySet[CampaignReport]:
    return reports.order_by("region_id", "enterprise__name")
