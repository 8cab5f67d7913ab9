"""Whether relief policies reach the enterprises they are for: per policy, delivering department
or region, how many enterprises are eligible, were told, applied, were granted and how much, the
share of eligible enterprises reached, the median days from publication to the first grant, and
the demands enterprises raised about the policies. Definitions below and in docs/policies.md.

Each measure is one grouped query over its own table (matches, deliveries, demands), so a
figure page reads a few aggregates whatever the number of deliveries."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.utils.translation import gettext_noop

from zhuqi.cases.models import Case
from zhuqi.cases.selectors import case_scope_q
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.validators import YEAR_MAX, YEAR_MIN, is_year
from zhuqi.directory.grouping import Grouping, group_names, pad_region_key, region_grouping, region_key
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_scope_q
from zhuqi.policies import selectors
from zhuqi.policies.models import DeliveryStatus, MatchStatus, PolicyDemand, PolicyMatch

GROUP_BY = {
    "policy": gettext_noop("按政策"),
    "department": gettext_noop("按兑现部门"),
    "region": gettext_noop("按企业所在地区"),
}

DEFINITIONS = {
    "eligible": (
        "符合条件企业数：按政策适用条件匹配为“符合条件”的企业（不含“可能符合”），以最近一次匹配为准。"
    ),
    "notified": "已告知：已登记告知（推送、短信、上门等任一渠道）的企业数，含后来申报、兑现或未通过的。",
    "applied": "已申报：登记了申报日期的企业数。免申即享政策无需申报，不计入。",
    "granted": "已兑现：状态为已兑现的企业数；兑现金额为其登记金额之和（万元）。",
    "reach_rate": "政策触达率 = 符合条件且已告知的企业数 ÷ 符合条件企业数。",
    "grant_rate": "兑现率 = 已兑现企业数 ÷ 已告知企业数。",
    "median_days": (
        "发布到首笔兑现的天数（中位数）：每项政策从发布日期到该组第一笔兑现日期的天数，"
        "取各政策的中位数；尚无兑现的政策不计入。"
    ),
    "demands": "企业反映：企业就该政策提出“未享受到”或“申请遇到困难”形成的诉求事项数。",
}


@dataclass
class PolicyFigureRow:
    key: Any
    name: str
    eligible: int = 0
    reached: int = 0
    notified: int = 0
    applied: int = 0
    granted: int = 0
    refused: int = 0
    amount: Decimal = Decimal(0)
    demands: int = 0
    days_to_first_grant: list[int] = field(default_factory=list)

    @property
    def reach_rate(self) -> float | None:
        return round(self.reached / self.eligible, 4) if self.eligible else None

    @property
    def grant_rate(self) -> float | None:
        return round(self.granted / self.notified, 4) if self.notified else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_first_grant) if self.days_to_first_grant else None

    def add(self, other: PolicyFigureRow) -> None:
        for name in ("eligible", "reached", "notified", "applied", "granted", "refused", "amount", "demands"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days_to_first_grant += other.days_to_first_grant

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "eligible": self.eligible,
            "reached": self.reached,
            "reach_rate": self.reach_rate,
            "notified": self.notified,
            "applied": self.applied,
            "granted": self.granted,
            "grant_rate": self.grant_rate,
            "refused": self.refused,
            "amount": self.amount,
            "median_days": self.median_days,
            "demands": self.demands,
        }


@dataclass
class PolicyFigures:
    year: int | None
    grouping: Grouping
    rows: list[PolicyFigureRow] = field(default_factory=list)
    total: PolicyFigureRow = field(default_factory=lambda: PolicyFigureRow(key=None, name="合计"))


def policy_figures(
    *, user: User, year: int | None = None, group_by: str = "policy", region: str = "", level: str = ""
) -> PolicyFigures:
    """The figures of the policies `user` sees (published in `year`, or all), counting only the
    enterprises, deliveries and demands the user sees."""
    if group_by not in GROUP_BY:
        raise ValidationFailed(
            [FieldError("group_by", "应为 policy（按政策）、department（按兑现部门）或 region（按地区）")]
        )
    if year is not None and not is_year(year):
        raise ValidationFailed([FieldError("year", f"年份应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")])
    grouping, region_q = region_grouping(user, "region" if group_by == "region" else group_by, region, level)
    policies = selectors.policy_queryset(user=user)
    if year is not None:
        policies = policies.filter(published_on__year=year)
    published = dict(policies.values_list("pk", "published_on"))
    names = dict(policies.values_list("pk", "title"))

    def key_of(region_field: str) -> Any:
        """What a row of policy matches, deliveries or demands is grouped by."""
        if group_by == "policy":
            return F("policy_id")
        if group_by == "department":
            return F("policy__department_id")
        return region_key(grouping, field=region_field)

    rows: dict[Any, PolicyFigureRow] = {}

    def row(raw_key: Any) -> PolicyFigureRow:
        key = pad_region_key(str(raw_key)) if group_by == "region" and raw_key is not None else raw_key
        if key not in rows:
            rows[key] = PolicyFigureRow(key=key, name="")
        return rows[key]

    matches = PolicyMatch.objects.filter(policy_id__in=policies.values("pk"), status=MatchStatus.ELIGIBLE)
    seen = enterprise_scope_q(user) & region_q
    if seen:
        # An admin's "every enterprise" as a subquery cost SQLite one lookup a match (78 s at 1M).
        matches = matches.filter(enterprise__in=Enterprise.objects.filter(seen).values("pk"))
    match_key = key_of("enterprise__region_id")
    for values in (
        matches.annotate(group_key=match_key).values("group_key").annotate(eligible=Count("pk")).order_by()
    ):
        row(values["group_key"]).eligible = values["eligible"]
    # Reached: the eligible matches with a delivery, as one join on the delivery's own key
    # (policy, enterprise), not a lookup a match.
    reached = matches.filter(policy__deliveries__enterprise_id=F("enterprise_id"))
    for values in (
        reached.annotate(group_key=match_key).values("group_key").annotate(reached=Count("pk")).order_by()
    ):
        row(values["group_key"]).reached = values["reached"]

    deliveries = (
        selectors.delivery_queryset(user=user).filter(policy_id__in=policies.values("pk")).filter(region_q)
    )
    delivery_key = key_of("region_id")
    for values in (
        deliveries.annotate(group_key=delivery_key)
        .values("group_key")
        .annotate(
            notified=Count("pk"),
            applied=Count("pk", filter=Q(applied_on__isnull=False)),
            granted=Count("pk", filter=Q(status=DeliveryStatus.GRANTED)),
            refused=Count("pk", filter=Q(status=DeliveryStatus.REFUSED)),
            granted_total=Sum("granted_amount", filter=Q(status=DeliveryStatus.GRANTED)),
        )
        .order_by()
    ):
        found = row(values["group_key"])
        found.notified, found.applied = values["notified"], values["applied"]
        found.granted, found.refused = values["granted"], values["refused"]
        found.amount = values["granted_total"] or Decimal(0)
    # The first grant of each policy within each group, as days since the policy's publication.
    first_grants = (
        deliveries.filter(status=DeliveryStatus.GRANTED, granted_on__isnull=False)
        .annotate(group_key=delivery_key)
        .values("group_key", "policy_id")
        .annotate(first=Min("granted_on"))
        .order_by()
    )
    for values in first_grants:
        start: datetime.date | None = published.get(values["policy_id"])
        if start is not None:
            row(values["group_key"]).days_to_first_grant.append(max((values["first"] - start).days, 0))

    # The demands of the policies, each checked against its own case (by key): read from the few
    # demands, not from the region's cases. With the case's scope as a join filter, SQLite
    # started from the province's 2M cases and probed the demand table for each (2.5 s, none).
    in_scope = Case.objects.filter(case_scope_q(user), pk=OuterRef("case_id"))
    if group_by == "region":
        # region_q is on a region_id column, as Case has one: the demands of cases in the region.
        in_scope = in_scope.filter(region_q)
    demands = PolicyDemand.objects.filter(policy_id__in=policies.values("pk")).filter(Exists(in_scope))
    demand_key = key_of("case__region_id")
    for values in (
        demands.annotate(group_key=demand_key).values("group_key").annotate(n=Count("pk")).order_by()
    ):
        row(values["group_key"]).demands = values["n"]

    figures = PolicyFigures(year=year, grouping=grouping)
    if group_by == "policy":
        # Every policy in scope has its row, reached or not: a policy nobody was told of is the news.
        for policy_id in published:
            row(policy_id)
        labels = names
    else:
        labels = group_names(grouping, [k for k in rows if k is not None])
    ordered = sorted(rows.values(), key=lambda r: (-r.eligible, -r.notified, str(r.key)))
    for item in ordered:
        item.name = labels.get(item.key, str(item.key)) if item.key is not None else "—"
        figures.rows.append(item)
        figures.total.add(item)
    return figures


def figures_json(figures: PolicyFigures) -> dict[str, Any]:
    return {
        "year": figures.year,
        "group_by": figures.grouping.by,
        "rows": [row.as_dict() for row in figures.rows],
        "total": figures.total.as_dict(),
        "definitions": DEFINITIONS,
    }
