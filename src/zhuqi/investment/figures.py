"""The funnel investment offices are scored on: of the agreements signed in a year, how many
landed as projects, how many of those started and produced, how many were performed, and how
much of the money is in place. Per region or follow-up department. Definitions below and in
docs/figures.md."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.validators import MONTHS_MAX, YEAR_MAX, YEAR_MIN, is_year
from zhuqi.directory.grouping import Grouping, group_names, pad_region_key, region_grouping, region_key
from zhuqi.directory.models import User
from zhuqi.investment import selectors
from zhuqi.investment.models import AmountNature

# Labels marked for the catalogue: pages show them through {% translate %}.
GROUP_BY = {"region": gettext_noop("按地区"), "department": gettext_noop("按跟踪落实部门")}
NO_DEPARTMENT = "未明确跟踪落实部门"
DEFAULT_MONTHS = 6

DEFINITIONS = {
    "landing_rate": "落地率 = 已落地协议数 ÷ 签约协议数。已落地：至少关联一个未取消的项目。",
    "start_rate": "开工率 = 已开工协议数 ÷ 签约协议数。已开工：关联项目中至少一个已开工（含竣工、投产）。",
    "performance_rate": (
        "履约率 = 已履约协议数 ÷ 签约协议数。已履约：关联项目已开工，或已登记到位资金。"
        "仅签署框架协议、既无开工项目也无资金到位的，不算履约。"
    ),
    "funds_rate": (
        "资金到位率 = 到位资金 ÷ 协议金额，只计有金额的协议（意向性融资、计划投资、合同金额）；"
        "登记的到位资金以万元计，不因协议办结或项目投产而自动计入。"
    ),
    "without_project": "签约满 N 个月（默认 6 个月）仍无关联项目的协议数。",
}


@dataclass
class AgreementFigureRow:
    key: str | int | None
    name: str
    agreements: int = 0
    amount: Decimal = Decimal(0)
    landed: int = 0
    started: int = 0
    producing: int = 0
    performed: int = 0
    amount_with_money: Decimal = Decimal(0)
    funds_in_place: Decimal = Decimal(0)
    landed_amount: Decimal = Decimal(0)
    without_project: int = 0

    def _rate(self, count: int) -> float | None:
        return round(count / self.agreements, 4) if self.agreements else None

    @property
    def landing_rate(self) -> float | None:
        return self._rate(self.landed)

    @property
    def start_rate(self) -> float | None:
        return self._rate(self.started)

    @property
    def performance_rate(self) -> float | None:
        return self._rate(self.performed)

    @property
    def funds_rate(self) -> float | None:
        if not self.amount_with_money:
            return None
        return round(float(self.funds_in_place / self.amount_with_money), 4)

    def add(self, other: AgreementFigureRow) -> None:
        for name in (
            "agreements",
            "amount",
            "landed",
            "started",
            "producing",
            "performed",
            "amount_with_money",
            "funds_in_place",
            "landed_amount",
            "without_project",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "agreements": self.agreements,
            "amount": self.amount,
            "landed": self.landed,
            "landing_rate": self.landing_rate,
            "started": self.started,
            "start_rate": self.start_rate,
            "producing": self.producing,
            "performed": self.performed,
            "performance_rate": self.performance_rate,
            "funds_in_place": self.funds_in_place,
            "funds_rate": self.funds_rate,
            "landed_amount": self.landed_amount,
            "without_project": self.without_project,
        }


@dataclass
class AgreementFigures:
    year: int | None
    months: int
    grouping: Grouping
    rows: list[AgreementFigureRow] = field(default_factory=list)
    total: AgreementFigureRow = field(default_factory=lambda: AgreementFigureRow(key=None, name="合计"))


def agreement_figures(
    *,
    user: User,
    year: int | None = None,
    group_by: str = "region",
    region: str = "",
    level: str = "",
    months: int = DEFAULT_MONTHS,
    today: datetime.date | None = None,
) -> AgreementFigures:
    """Figures of the agreements `user` can see, signed in `year` (every year when None)."""
    if group_by not in GROUP_BY:
        raise ValidationFailed(
            [FieldError("group_by", "应为 region（按地区）或 department（按跟踪落实部门）")]
        )
    if not 1 <= months <= MONTHS_MAX:
        raise ValidationFailed([FieldError("months", f"应为 1 到 {MONTHS_MAX} 之间的月数")])
    if year is not None and not is_year(year):
        raise ValidationFailed([FieldError("year", f"年份应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")])
    today = today or timezone.localdate()
    grouping, region_q = region_grouping(user, group_by, region, level)
    agreements = selectors.agreement_list(user=user).filter(region_q)
    if year is not None:
        agreements = agreements.filter(signed_on__year=year)
    key: Any = F("follow_up_department_id") if grouping.by == "department" else region_key(grouping)
    with_money = ~Q(amount_nature=AmountNature.NONE)
    rows_raw = (
        agreements.annotate(group_key=key)
        .values("group_key")
        .annotate(
            agreements=Count("pk"),
            signed_amount=Sum("amount"),
            landed=Count("pk", filter=Q(has_project=True)),
            started=Count("pk", filter=Q(has_started=True)),
            producing=Count("pk", filter=Q(has_producing=True)),
            performed=Count("pk", filter=Q(has_started=True) | Q(funds_in_place__gt=0)),
            amount_with_money=Sum("amount", filter=with_money),
            funds_total=Sum("funds_in_place", filter=with_money),
            landed_total=Sum("landed_amount"),
            without_project=Count("pk", filter=selectors.without_project_q(months, today)),
        )
        .order_by("group_key")
    )
    figures = AgreementFigures(year=year, months=months, grouping=grouping)
    raw = list(rows_raw)
    keys = [pad_region_key(str(v["group_key"])) if grouping.by == "region" else v["group_key"] for v in raw]
    names = group_names(grouping, [k for k in keys if k is not None])
    for values, group_key in zip(raw, keys, strict=True):
        values.pop("group_key")
        # Aggregates cannot reuse a field's name (amount, funds_in_place): renamed back here.
        renamed = {
            "signed_amount": "amount",
            "funds_total": "funds_in_place",
            "landed_total": "landed_amount",
        }
        measures: dict[str, Any] = {renamed.get(k, k): (v if v is not None else 0) for k, v in values.items()}
        row = AgreementFigureRow(
            key=group_key,
            name=NO_DEPARTMENT if group_key is None else names.get(group_key, str(group_key)),
            **measures,
        )
        figures.rows.append(row)
        figures.total.add(row)
    return figures


def figures_json(figures: AgreementFigures) -> dict[str, Any]:
    return {
        "year": figures.year,
        "months": figures.months,
        "group_by": figures.grouping.by,
        "rows": [row.as_dict() for row in figures.rows],
        "total": figures.total.as_dict(),
        "definitions": DEFINITIONS,
    }
