"""Key enterprises' monthly operating indicators (重点企业运行监测): one enterprise-month recorded
or corrected (version-checked, audited), a month's table of many enterprises imported from
.xlsx/.csv (all or nothing, or the bad rows skipped and named), and the falls.

A fall: a measure of a month below the same measure of the previous month (环比) or of the same
month last year (同比) by more than settings.ZHUQI_INDICATOR_FALL_PERCENT percent. Falls are
computed on read (`falls`, `month_overview`, `enterprise_history`, `drops_for_rows`) from one
query over the month, its previous month and the same month last year; `drops_between` is the
rule, once. A write that makes a new fall tells the enterprise's liaison officers now, the
coordinators of its region and the members of the task forces whose campaigns hold it, once per
enterprise, month and set of falls."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import django_filters
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from zhuqi.cases.models import OPEN_STATUS_LIST, status_label
from zhuqi.cases.selectors import case_queryset
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.display import format_number
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed, require
from zhuqi.core.filtersets import IdFilter, MonthFilter, RegionCodeFilter
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_and_ancestor_codes, region_subtree_q
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.core.tabular import (
    FirstRows,
    ImportFileError,
    ImportReport,
    RowError,
    normalise_header,
    read_table,
)
from zhuqi.core.values import MAX_AMOUNT
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.notifications.services import Message, notify_many
from zhuqi.taskforces import selectors
from zhuqi.taskforces.models import (
    INDICATOR_FIELDS,
    CampaignEnterprise,
    CampaignStatus,
    IndicatorSource,
    OperatingIndicator,
    TaskForceMember,
    TaskForceStatus,
)
from zhuqi.taskforces.services import may_keep

Key = tuple[int, datetime.date]  # (enterprise id, the month's first day)

# The measures that are whole numbers; the others are amounts to two decimals.
WHOLE = frozenset({"employees"})
MAX_EMPLOYEES = 10_000_000


def label(name: str) -> str:
    """A measure's name as the model gives it (工业产值（万元）)."""
    return str(getattr(OperatingIndicator._meta.get_field(name), "verbose_name", name))


# A measure's name without its unit, for sentences (in the reader's language).
_SHORT_LABELS = {
    "output_value": gettext_noop("工业产值"),
    "revenue": gettext_noop("营业收入"),
    "electricity": gettext_noop("用电量"),
    "employees": gettext_noop("从业人员"),
    "taxes": gettext_noop("税收"),
}


def short_label(name: str) -> str:
    """A measure's name without its unit (工业产值), for sentences."""
    return gettext(_SHORT_LABELS.get(name) or label(name).split("（")[0])


def unit(name: str) -> str:
    """A measure's unit as the model gives it (万元, 人)."""
    found = re.search(r"（(.+)）", label(name))
    return found.group(1) if found else ""


class Against(models.TextChoices):
    PREVIOUS_MONTH = "previous_month", gettext_noop("环比")
    LAST_YEAR = "last_year", gettext_noop("同比")


# ---------------------------------------------------------------------------------------------
# Months


def month_of(value: Any, field_name: str = "month") -> Period:
    """The month a value names: a Period, a date (its month), or a text as people write it:
    2026-11, 2026年11月, 2026/11, 202611. Anything else is refused naming the field."""
    if isinstance(value, Period):
        return Period.containing(PeriodKind.MONTH, value.start)
    if isinstance(value, datetime.datetime):
        return Period.containing(PeriodKind.MONTH, value.date())
    if isinstance(value, datetime.date):
        return Period.containing(PeriodKind.MONTH, value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationFailed([FieldError(field_name, "必填")])
    written = (
        re.sub(r"\s+", "", text).replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    )
    if re.fullmatch(r"\d{6}", written):
        written = f"{written[:4]}-{written[4:]}"
    return Period.parse(written, kind=PeriodKind.MONTH, field_name=field_name)


def reportable_month(value: Any, field_name: str = "month") -> Period:
    """A month that may be reported: one that has begun."""
    period = month_of(value, field_name)
    if period.start > timezone.localdate():
        raise ValidationFailed([FieldError(field_name, f"{period.label}还未到，不能填报")])
    return period


def compared_months(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first days of the previous month and of the same month last year."""
    period = Period.containing(PeriodKind.MONTH, month)
    last_year = Period.containing(PeriodKind.MONTH, month.replace(year=month.year - 1, day=1))
    return period.previous().start, last_year.start


def following_months(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The months that compare with `month`: the next one and the same month next year."""
    period = Period.containing(PeriodKind.MONTH, month)
    return period.next().start, month.replace(year=month.year + 1, day=1)


def default_month() -> Period:
    """The month a page opens on when none is named and none is reported: the last full month."""
    return Period.containing(PeriodKind.MONTH, timezone.localdate()).previous()


# ---------------------------------------------------------------------------------------------
# Falls: the rule


def threshold_percent() -> Decimal:
    return Decimal(str(settings.ZHUQI_INDICATOR_FALL_PERCENT))


@dataclass(frozen=True)
class Drop:
    """One measure of one month below its comparison by more than the threshold."""

    field: str
    against: Against
    before: Decimal | int
    now: Decimal | int
    percent: Decimal  # how far it fell, in percent of `before` (12.5 = down 12.5 %)

    @property
    def label(self) -> str:
        return short_label(self.field)

    @property
    def against_label(self) -> str:
        return gettext(self.against.label)

    @property
    def text(self) -> str:
        """工业产值环比下降 12.5%."""
        return gettext("%(measure)s%(against)s下降 %(percent)s%%") % {
            "measure": self.label,
            "against": self.against_label,
            "percent": format_number(self.percent, 1),
        }

    @property
    def detail(self) -> str:
        """1,200 → 1,050 万元 (环比下降 12.5%)."""
        return f"{format_number(self.before)} → {format_number(self.now)} {unit(self.field)}" + gettext(
            "（%(against)s下降 %(percent)s%%）"
        ) % {"against": self.against_label, "percent": format_number(self.percent, 1)}


def drops_between(
    now: Mapping[str, Any], before: Mapping[str, Any] | None, against: Against, threshold: Decimal
) -> list[Drop]:
    """The measures of `now` below those of `before` by more than `threshold` percent. A measure
    missing on either side, or nothing to fall from (0), is no fall."""
    if before is None:
        return []
    found = []
    for name in INDICATOR_FIELDS:
        was, is_ = before.get(name), now.get(name)
        if was is None or is_ is None or was <= 0:
            continue
        if (Decimal(was) - Decimal(is_)) * 100 > threshold * Decimal(was):
            percent = ((Decimal(was) - Decimal(is_)) * 100 / Decimal(was)).quantize(Decimal("0.1"))
            found.append(Drop(name, against, was, is_, percent))
    return found


def drops_of(
    row: Mapping[str, Any], by_key: Mapping[Key, Mapping[str, Any]], threshold: Decimal
) -> list[Drop]:
    """A row's falls against the rows of its previous month and its month last year (`by_key`,
    (enterprise id, month) → row), in the measures' order."""
    previous, last_year = compared_months(row["month"])
    enterprise_id = row["enterprise_id"]
    found = drops_between(row, by_key.get((enterprise_id, previous)), Against.PREVIOUS_MONTH, threshold)
    found += drops_between(row, by_key.get((enterprise_id, last_year)), Against.LAST_YEAR, threshold)
    order = {name: index for index, name in enumerate(INDICATOR_FIELDS)}
    return sorted(found, key=lambda d: (order[d.field], d.against != Against.PREVIOUS_MONTH))


# The columns a fall is read from.
ROW_COLUMNS = (
    "id",
    "enterprise_id",
    "enterprise__name",
    "region_id",
    "region__name",
    "month",
    *INDICATOR_FIELDS,
    "source",
    "version",
    "entered_at",
)


@dataclass
class Fall:
    """An enterprise whose indicators of a month fell: what "key enterprises whose indicators
    fell" lists (the month's table, a campaign's board, a task force's page)."""

    indicator_id: int
    enterprise_id: int
    enterprise_name: str
    region_id: str
    region_name: str
    month: Period
    drops: list[Drop]

    @property
    def worst(self) -> Decimal:
        return max(drop.percent for drop in self.drops)

    @property
    def text(self) -> str:
        return "；".join(drop.text for drop in self.drops)


@dataclass
class Total:
    """One measure summed over the enterprises of a month, and the same enterprises' sums of
    the previous month and of the same month last year (like for like)."""

    field: str
    now: Decimal | int
    previous: Decimal | int | None
    last_year: Decimal | int | None

    @property
    def label(self) -> str:
        return label(self.field)

    @staticmethod
    def _change(now: Decimal | int, before: Decimal | int | None) -> Decimal | None:
        if not before:
            return None
        return ((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))

    @property
    def month_on_month(self) -> Decimal | None:
        """环比 change in percent (−3.2 = down 3.2 %)."""
        return self._change(self.now, self.previous)

    @property
    def year_on_year(self) -> Decimal | None:
        return self._change(self.now, self.last_year)


@dataclass
class MonthOverview:
    month: Period
    reported: int  # enterprises with figures this month
    falls: list[Fall]
    totals: list[Total]

    @property
    def fallen_ids(self) -> set[int]:
        return {fall.enterprise_id for fall in self.falls}


def _month_rows(
    queryset: QuerySet[OperatingIndicator],
    month: datetime.date,
    enterprise_ids: Iterable[int] | QuerySet[Any] | None,
    region_code: str,
) -> list[dict[str, Any]]:
    """The rows of the month, its previous month and the same month last year: one query."""
    previous, last_year = compared_months(month)
    rows = queryset.filter(month__in=[month, previous, last_year])
    if enterprise_ids is not None:
        rows = rows.filter(
            enterprise_id__in=enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)
        )
    if region_code:
        rows = rows.filter(region_subtree_q("region_id", region_code))
    return list(rows.order_by().values(*ROW_COLUMNS))


def _falls_in(rows: list[dict[str, Any]], month: Period, threshold: Decimal) -> list[Fall]:
    by_key = {(row["enterprise_id"], row["month"]): row for row in rows}
    found = []
    for row in rows:
        if row["month"] != month.start:
            continue
        drops = drops_of(row, by_key, threshold)
        if drops:
            found.append(
                Fall(
                    indicator_id=row["id"],
                    enterprise_id=row["enterprise_id"],
                    enterprise_name=row["enterprise__name"],
                    region_id=row["region_id"],
                    region_name=row["region__name"],
                    month=month,
                    drops=drops,
                )
            )
    # The worst first; then by name, so the list reads the same every time.
    return sorted(found, key=lambda f: (-f.worst, f.enterprise_name, f.enterprise_id))


def falls(
    *,
    user: User,
    month: Period | datetime.date | str,
    enterprise_ids: Iterable[int] | QuerySet[Any] | None = None,
    region_code: str = "",
) -> list[Fall]:
    """The enterprises in `user`'s scope whose indicators of `month` fell (worst first), each with
    its drops: optionally only those of `enterprise_ids` (a list, or a values("enterprise_id")
    subquery such as a campaign's enterprises) or of a region and below. One query."""
    return month_overview(
        user=user, month=month, enterprise_ids=enterprise_ids, region_code=region_code
    ).falls


def month_overview(
    *,
    user: User,
    month: Period | datetime.date | str,
    enterprise_ids: Iterable[int] | QuerySet[Any] | None = None,
    region_code: str = "",
) -> MonthOverview:
    """The month in one read: how many enterprises reported, which fell, and the measures'
    totals with their like-for-like change."""
    period = month_of(month)
    rows = _month_rows(selectors.indicator_queryset(user=user), period.start, enterprise_ids, region_code)
    previous, last_year = compared_months(period.start)
    by_key = {(row["enterprise_id"], row["month"]): row for row in rows}
    current = [row for row in rows if row["month"] == period.start]
    totals = []
    for name in INDICATOR_FIELDS:
        given = [row for row in current if row[name] is not None]
        if not given:
            continue
        sums: list[Decimal | int | None] = []
        for other in (previous, last_year):
            pairs = [
                by_key[(row["enterprise_id"], other)][name]
                for row in given
                if (row["enterprise_id"], other) in by_key
                and by_key[(row["enterprise_id"], other)][name] is not None
            ]
            sums.append(sum(pairs) if pairs else None)
        totals.append(Total(name, sum(row[name] for row in given), sums[0], sums[1]))
    return MonthOverview(
        month=period,
        reported=len(current),
        falls=_falls_in(rows, period, threshold_percent()),
        totals=totals,
    )


def latest_month(*, user: User, enterprise_ids: Iterable[int] | QuerySet[Any] | None = None) -> Period | None:
    """The latest month with figures in `user`'s scope (of those enterprises), or None."""
    rows = selectors.indicator_queryset(user=user)
    if enterprise_ids is not None:
        rows = rows.filter(
            enterprise_id__in=enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)
        )
    found = rows.order_by("-month").values_list("month", flat=True).first()
    return Period.containing(PeriodKind.MONTH, found) if found else None


def drops_for_rows(*, user: User, rows: Sequence[Mapping[str, Any]]) -> dict[int, list[Drop]]:
    """The falls of a page of rows (each with id, enterprise_id, month and the measures), by the
    row's id: one query for their comparison months."""
    if not rows:
        return {}
    months: set[datetime.date] = set()
    for row in rows:
        months.update(compared_months(row["month"]))
    others = (
        selectors.indicator_queryset(user=user)
        .filter(enterprise_id__in={row["enterprise_id"] for row in rows}, month__in=months)
        .order_by()
        .values("enterprise_id", "month", *INDICATOR_FIELDS)
    )
    by_key: dict[Key, Mapping[str, Any]] = {(o["enterprise_id"], o["month"]): o for o in others}
    threshold = threshold_percent()
    return {row["id"]: drops_of(row, by_key, threshold) for row in rows}


@dataclass
class HistoryMonth:
    month: Period
    row: dict[str, Any] | None
    drops: list[Drop]

    @property
    def dropped(self) -> dict[str, list[Drop]]:
        """The drops by measure, for a table cell per measure."""
        found: dict[str, list[Drop]] = {}
        for drop in self.drops:
            found.setdefault(drop.field, []).append(drop)
        return found


HISTORY_MONTHS = 13


def enterprise_history(
    *, user: User, enterprise_id: int, last: Period | None = None, months: int = HISTORY_MONTHS
) -> list[HistoryMonth]:
    """One enterprise's `months` months up to `last` (default: its latest month with figures, or
    the last full month), newest first, each with its falls: one query over those months and the
    twelve before them (what the earliest compares with)."""
    if last is None:
        last = latest_month(user=user, enterprise_ids=[enterprise_id]) or default_month()
    shown = [last]
    while len(shown) < months:
        shown.append(shown[-1].previous())
    first_needed = compared_months(shown[-1].start)[1]
    rows = list(
        selectors.indicator_queryset(user=user)
        .filter(enterprise_id=enterprise_id, month__gte=first_needed, month__lte=last.start)
        .order_by()
        .values(*ROW_COLUMNS)
    )
    by_key = {(row["enterprise_id"], row["month"]): row for row in rows}
    threshold = threshold_percent()
    history = []
    for period in shown:
        row = by_key.get((enterprise_id, period.start))
        history.append(HistoryMonth(period, row, drops_of(row, by_key, threshold) if row else []))
    return history


# ---------------------------------------------------------------------------------------------
# The case history beside a fall


@dataclass
class CaseLine:
    id: int
    title: str
    status: str
    is_open: bool
    submitted_at: datetime.datetime


RECENT_CASES = 3


def case_history(
    *, user: User, enterprise_ids: Collection[int], recent: int = RECENT_CASES
) -> dict[int, tuple[list[CaseLine], list[CaseLine]]]:
    """Each enterprise's open cases and the latest few of its other cases of the last year
    (closed, not accepted) that `user` sees: (open, recent) by enterprise id, one query."""
    if not enterprise_ids:
        return {}
    since = timezone.now() - datetime.timedelta(days=366)
    rows = (
        case_queryset(user=user)
        .filter(enterprise_id__in=list(enterprise_ids))
        .filter(Q(status__in=OPEN_STATUS_LIST) | Q(submitted_at__gte=since))
        .order_by("-submitted_at", "-id")
        .values("id", "enterprise_id", "title", "kind", "status", "submitted_at")[: 40 * len(enterprise_ids)]
    )
    found: dict[int, tuple[list[CaseLine], list[CaseLine]]] = {}
    for row in rows:
        open_, latest = found.setdefault(row["enterprise_id"], ([], []))
        line = CaseLine(
            id=row["id"],
            title=row["title"],
            status=status_label(row["kind"], row["status"]),
            is_open=row["status"] in OPEN_STATUS_LIST,
            submitted_at=row["submitted_at"],
        )
        if line.is_open:
            open_.append(line)
        elif len(latest) < recent:
            latest.append(line)
    return found


# ---------------------------------------------------------------------------------------------
# Who writes


class Writers:
    """Whether an actor may write an enterprise's indicators: the office (营商办, 专班) within its
    jurisdiction, the enterprise itself for its own, its liaison officer now. Reads the liaison's
    assignments once, for an import of many rows."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.office = may_keep(actor)
        self.jurisdiction = jurisdiction_code(actor)
        self._assigned: set[int] | None = None

    def may_write(self, enterprise_id: int, region_id: str) -> bool:
        actor = self.actor
        if actor.role == Role.ENTERPRISE:
            return bool(actor.enterprise_id) and actor.enterprise_id == enterprise_id
        if actor.role == Role.LIAISON:
            if self._assigned is None:
                self._assigned = set(
                    Assignment.objects.filter(
                        Assignment.current_q(), official_id=actor.official_id or 0
                    ).values_list("enterprise_id", flat=True)
                )
            return enterprise_id in self._assigned
        return self.office and code_within(self.jurisdiction, region_id)

    @property
    def may_write_any(self) -> bool:
        return self.office or self.actor.role in (Role.ENTERPRISE, Role.LIAISON)


REFUSAL = "只有营商办（专班）、企业本身和其联络员可以填报企业运行指标"


def may_write(actor: User, enterprise: Enterprise) -> bool:
    return Writers(actor).may_write(enterprise.pk, enterprise.region_id)


# ---------------------------------------------------------------------------------------------
# Values


def parse_measure(name: str, value: Any, field_name: str | None = None) -> Decimal | int | None:
    """One measure as typed or as a cell holds it: blank is None; an amount with separators
    (1,234.5) to two decimals; employees a whole number. Negative or absurd values refused."""
    where = field_name or name
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationFailed([FieldError(where, "应为数字")])
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    written_unit = unit(name)
    if written_unit and text.endswith(written_unit):
        text = text[: -len(written_unit)]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed([FieldError(where, f"“{value}”不是数字（单位：{written_unit}）")]) from None
    if not number.is_finite():
        raise ValidationFailed([FieldError(where, f"“{value}”不是数字（单位：{written_unit}）")])
    if number < 0:
        raise ValidationFailed([FieldError(where, "不能为负数")])
    if name in WHOLE:
        if number != number.to_integral_value():
            raise ValidationFailed([FieldError(where, "应为整数")])
        if number > MAX_EMPLOYEES:
            raise ValidationFailed([FieldError(where, f"不能超过 {MAX_EMPLOYEES:,}")])
        return int(number)
    if number > MAX_AMOUNT:
        raise ValidationFailed([FieldError(where, f"数值过大，请确认单位（{written_unit}）")])
    return number.quantize(Decimal("0.01"))


@dataclass
class IndicatorValues:
    """The measures as given (numbers or text); None or blank: not reported."""

    output_value: Any = None
    revenue: Any = None
    electricity: Any = None
    employees: Any = None
    taxes: Any = None


@dataclass
class IndicatorData(IndicatorValues):
    enterprise_id: int | None = None
    month: Any = None


def clean_values(values: IndicatorValues) -> dict[str, Decimal | int | None]:
    errors: list[FieldError] = []
    cleaned: dict[str, Decimal | int | None] = {}
    for name in INDICATOR_FIELDS:
        try:
            cleaned[name] = parse_measure(name, getattr(values, name))
        except ValidationFailed as failure:
            errors += failure.errors
    if not errors and all(value is None for value in cleaned.values()):
        errors.append(FieldError(INDICATOR_FIELDS[0], "请至少填写一项指标"))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# ---------------------------------------------------------------------------------------------
# Writes


def _enterprise(actor: User, enterprise_id: int | None) -> Enterprise:
    if not enterprise_id:
        raise ValidationFailed([FieldError("enterprise", "必填")])
    enterprise = enterprise_queryset(user=actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ValidationFailed([FieldError("enterprise", "企业不存在或不在您的权限范围内")])
    return enterprise


@transaction.atomic
def indicator_record(*, actor: User, data: IndicatorData, source: str = "") -> OperatingIndicator:
    """An enterprise's figures for a month not yet reported. A month already reported is
    refused naming it: it is corrected (indicator_update), never typed twice."""
    errors: list[FieldError] = []
    enterprise: Enterprise | None = None
    try:
        enterprise = _enterprise(actor, data.enterprise_id)
    except ValidationFailed as failure:
        errors += failure.errors
    if enterprise is not None:
        require(may_write(actor, enterprise), REFUSAL)
    period: Period | None = None
    try:
        period = reportable_month(data.month)
    except ValidationFailed as failure:
        errors += failure.errors
    values: dict[str, Any] = {}
    try:
        values = clean_values(data)
    except ValidationFailed as failure:
        errors += failure.errors
    if (
        enterprise is not None
        and period is not None
        and OperatingIndicator.objects.filter(enterprise=enterprise, month=period.start).exists()
    ):
        errors.append(FieldError("month", f"{enterprise.name}{period.label}的运行指标已填报，如需修改请更正"))
    if errors:
        raise ValidationFailed(errors)
    assert enterprise is not None and period is not None
    keys = {(enterprise.pk, period.start)}
    before = _drop_sets(keys)
    indicator = OperatingIndicator(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        month=period.start,
        source=IndicatorSource.ENTERED,
        entered_by=actor if actor.pk else None,
        **values,
    )
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        # Another write of the same month got in first.
        raise ValidationFailed(
            [FieldError("month", f"{enterprise.name}{period.label}的运行指标已填报，如需修改请更正")]
        ) from None
    audit.record(actor=actor, instance=indicator, action=AuditEntry.Action.CREATE, source=source)
    _tell_new_falls(actor, keys, before)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator_id: int,
    expected_version: int | None,
    values: IndicatorValues,
    source: str = "",
) -> OperatingIndicator:
    """Correct an enterprise-month's figures (every measure as given: blank clears it), at the
    version the actor read."""
    indicator = lock(selectors.indicator_queryset(user=actor), indicator_id, related=("enterprise",))
    require(may_write(actor, indicator.enterprise), REFUSAL)
    check_version(indicator, expected_version)
    cleaned = clean_values(values)
    keys = {(indicator.enterprise_id, indicator.month)}
    before_drops = _drop_sets(keys)
    before = audit.snapshot(indicator)
    for name, value in cleaned.items():
        setattr(indicator, name, value)
    if not audit.diff(before, audit.snapshot(indicator)):
        return indicator
    indicator.version += 1
    indicator.region_id = indicator.enterprise.region_id  # where the registry has it now
    indicator.source = IndicatorSource.ENTERED
    indicator.entered_by = actor if actor.pk else None
    indicator.save(
        update_fields=[*INDICATOR_FIELDS, "region", "version", "source", "entered_by", "entered_at"]
    )
    audit.record(
        actor=actor, instance=indicator, action=AuditEntry.Action.UPDATE, before=before, source=source
    )
    _tell_new_falls(actor, keys, before_drops)
    return indicator


def indicator_get(*, user: User, indicator_id: int | str) -> OperatingIndicator:
    try:
        return selectors.indicator_queryset(user=user).get(pk=int(indicator_id))
    except (OperatingIndicator.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# New falls, told once


DropSet = frozenset[tuple[str, str]]


def _affected(keys: Iterable[Key]) -> set[Key]:
    """The enterprise-months whose falls a write of `keys` may change: themselves, the next
    month and the same month next year."""
    found: set[Key] = set()
    for enterprise_id, month in keys:
        found.add((enterprise_id, month))
        for later in following_months(month):
            if later <= timezone.localdate():
                found.add((enterprise_id, later))
    return found


def _drops_at(keys: Iterable[Key]) -> dict[Key, list[Drop]]:
    """The falls of the enterprise-months affected by a write of `keys`, read from the table as
    it is now (a query per thousand enterprises)."""
    affected = _affected(keys)
    by_enterprise: dict[int, set[datetime.date]] = {}
    for enterprise_id, month in affected:
        months = by_enterprise.setdefault(enterprise_id, set())
        months.add(month)
        months.update(compared_months(month))
    threshold = threshold_percent()
    found: dict[Key, list[Drop]] = {}
    ids = sorted(by_enterprise)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        months = set().union(*(by_enterprise[e] for e in chunk))
        rows = (
            OperatingIndicator.objects.filter(enterprise_id__in=chunk, month__in=months)
            .order_by()
            .values("enterprise_id", "month", *INDICATOR_FIELDS)
        )
        by_key = {(row["enterprise_id"], row["month"]): row for row in rows}
        for key, row in by_key.items():
            if key in affected:
                drops = drops_of(row, by_key, threshold)
                if drops:
                    found[key] = drops
    return found


def _drop_sets(keys: Iterable[Key]) -> dict[Key, DropSet]:
    return {key: _drop_set(drops) for key, drops in _drops_at(keys).items()}


def _drop_set(drops: Iterable[Drop]) -> DropSet:
    return frozenset((drop.field, str(drop.against)) for drop in drops)


def _tell_new_falls(actor: User, keys: Iterable[Key], before: Mapping[Key, DropSet]) -> int:
    """Tell of the falls a write made that were not there before it; returns how many
    enterprise-months were told of."""
    after = _drops_at(keys)
    new = {key: drops for key, drops in after.items() if _drop_set(drops) - before.get(key, frozenset())}
    if new:
        notify_falls(new, actor=actor)
    return len(new)


def fall_recipients(enterprise_ids: Collection[int]) -> dict[int, list[User]]:
    """Who hears of an enterprise's fall: its liaison officers now (the users of the officials
    assigned to it), the coordinators of its region (its own, its prefecture's and province's
    offices) and the members of the active task forces whose active campaigns hold it (the users
    of their member officials). A fixed number of queries."""
    ids = list(enterprise_ids)
    regions = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "region_id"))
    officials: dict[int, set[int]] = {}
    for enterprise_id, official_id in Assignment.objects.filter(
        Assignment.current_q(), enterprise_id__in=ids
    ).values_list("enterprise_id", "official_id"):
        officials.setdefault(enterprise_id, set()).add(official_id)
    forces: dict[int, set[int]] = {}
    for enterprise_id, task_force_id in CampaignEnterprise.objects.filter(
        enterprise_id__in=ids,
        campaign__status=CampaignStatus.ACTIVE,
        campaign__task_force__status=TaskForceStatus.ACTIVE,
    ).values_list("enterprise_id", "campaign__task_force_id"):
        forces.setdefault(enterprise_id, set()).add(task_force_id)
    members: dict[int, set[int]] = {}
    all_forces = set().union(*forces.values()) if forces else set()
    for task_force_id, official_id in TaskForceMember.objects.filter(
        task_force_id__in=all_forces, official__isnull=False
    ).values_list("task_force_id", "official_id"):
        members.setdefault(task_force_id, set()).add(official_id)
    wanted_officials = (
        set().union(*officials.values(), *members.values()) if (officials or members) else set()
    )
    users_of: dict[int, list[User]] = {}
    for user in User.objects.filter(official_id__in=wanted_officials, is_active=True):
        users_of.setdefault(user.official_id or 0, []).append(user)
    codes = set().union(*(region_and_ancestor_codes(code) for code in regions.values())) if regions else set()
    coordinators: dict[str, list[User]] = {}
    for user in User.objects.filter(is_active=True, role=Role.COORDINATOR, region_id__in=codes):
        coordinators.setdefault(user.region_id or "", []).append(user)
    found: dict[int, list[User]] = {}
    for enterprise_id in ids:
        people: dict[int, User] = {}
        who = set(officials.get(enterprise_id, set()))
        for task_force_id in forces.get(enterprise_id, set()):
            who |= members.get(task_force_id, set())
        for official_id in who:
            people.update((u.pk, u) for u in users_of.get(official_id, []))
        region = regions.get(enterprise_id)
        if region:
            for code in region_and_ancestor_codes(region):
                people.update((u.pk, u) for u in coordinators.get(code, []))
        found[enterprise_id] = list(people.values())
    return found


def fall_facts(name: str, region: str, month: Period, drops: Sequence[Drop]) -> list[tuple[str, str]]:
    facts = [
        (label_of_model("enterprise"), name),
        (label_of_model("region"), region),
        (label_of_model("month"), month.label),
    ]
    facts += [(f"{drop.label}{drop.against_label}", drop.detail) for drop in drops]
    return facts


def label_of_model(name: str) -> str:
    return str(getattr(OperatingIndicator._meta.get_field(name), "verbose_name", name))


def fall_link(enterprise_id: int, month: Period) -> str:
    """The enterprise's 13-month history ending at the month (relative: the outbox makes it
    absolute for robots)."""
    return f"{reverse('indicator-enterprise', args=[enterprise_id])}?month={month.key}"


def notify_falls(new: Mapping[Key, Sequence[Drop]], *, actor: User | None = None) -> int:
    """One notice per enterprise-month that fell, keyed by its set of falls so that the same
    falls are told once whatever is written again (a further fall of the month is told anew)."""
    recipients = fall_recipients({enterprise_id for enterprise_id, _ in new})
    names = {
        row["pk"]: row
        for row in Enterprise.objects.filter(pk__in={e for e, _ in new}).values(
            "pk", "name", "region_id", "region__name"
        )
    }
    messages = []
    for (enterprise_id, month_start), drops in sorted(new.items()):
        enterprise = names.get(enterprise_id)
        if enterprise is None:
            continue
        month = Period.containing(PeriodKind.MONTH, month_start)
        people = [u for u in recipients.get(enterprise_id, []) if actor is None or u.pk != actor.pk]
        # The set of falls, short enough for the notice's key (100 characters) however many fell.
        which = hashlib.sha256(
            "+".join(sorted(f"{d.field}/{d.against}" for d in drops)).encode()
        ).hexdigest()[:16]
        messages.append(
            Message(
                recipients=tuple(people),
                title=f"{enterprise['name']}{month.label}运行指标下滑",
                body="；".join(drop.text for drop in drops),
                link=fall_link(enterprise_id, month),
                key=f"indicator-fall:{enterprise_id}:{month.key}:{which}",
                region_ids=(enterprise["region_id"],),
                facts=tuple(fall_facts(enterprise["name"], enterprise["region__name"], month, drops)),
            )
        )
    return notify_many(messages) if messages else 0


# ---------------------------------------------------------------------------------------------
# The list's filters (the page and the API)


class IndicatorFilterSet(django_filters.FilterSet):
    month = MonthFilter(method="filter_month")
    region = RegionCodeFilter(method="filter_region")
    enterprise = IdFilter(field_name="enterprise_id")
    # Whether the month's figures fell (needs `month`): computed as `falls` computes it.
    fallen = django_filters.BooleanFilter(method="filter_fallen")

    class Meta:
        model = OperatingIndicator
        fields: list[str] = []

    def is_valid(self) -> bool:
        valid = bool(super().is_valid())
        data = self.form.cleaned_data if valid else {}
        if valid and data.get("fallen") is not None and not data.get("month"):
            self.form.add_error("fallen", gettext("按是否下滑筛选时请同时给出月份（month）"))
            return False
        return valid

    def filter_month(
        self, queryset: QuerySet[OperatingIndicator], name: str, value: datetime.date
    ) -> QuerySet[OperatingIndicator]:
        return queryset.filter(month=value)

    def filter_region(
        self, queryset: QuerySet[OperatingIndicator], name: str, value: str
    ) -> QuerySet[OperatingIndicator]:
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_fallen(
        self, queryset: QuerySet[OperatingIndicator], name: str, value: bool | None
    ) -> QuerySet[OperatingIndicator]:
        month = self.form.cleaned_data.get("month")
        if value is None or month is None:
            return queryset
        # The month's rows (as filtered so far) with their comparison months: one query.
        previous, last_year = compared_months(month)
        enterprises = queryset.filter(month=month).values("enterprise_id")
        rows = list(
            OperatingIndicator.objects.filter(
                enterprise_id__in=enterprises, month__in=[month, previous, last_year]
            )
            .order_by()
            .values("id", "enterprise_id", "month", *INDICATOR_FIELDS)
        )
        by_key = {(row["enterprise_id"], row["month"]): row for row in rows}
        threshold = threshold_percent()
        fallen = [row["id"] for row in rows if row["month"] == month and drops_of(row, by_key, threshold)]
        return queryset.filter(pk__in=fallen) if value else queryset.exclude(pk__in=fallen)


# ---------------------------------------------------------------------------------------------
# Import: a month's table of many enterprises

# Header (normalised: half-width, no spaces) → field.
HEADERS: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "信用代码": "uscc",
    "uscc": "uscc",
    "企业名称": "name",
    "单位名称": "name",
    "名称": "name",
    "name": "name",
    "月份": "month",
    "统计月份": "month",
    "年月": "month",
    "所属月份": "month",
    "month": "month",
    "工业产值(万元)": "output_value",
    "工业总产值(万元)": "output_value",
    "工业产值": "output_value",
    "工业总产值": "output_value",
    "产值(万元)": "output_value",
    "产值": "output_value",
    "output_value": "output_value",
    "营业收入(万元)": "revenue",
    "营业收入": "revenue",
    "主营业务收入(万元)": "revenue",
    "主营业务收入": "revenue",
    "revenue": "revenue",
    "用电量(万千瓦时)": "electricity",
    "用电量": "electricity",
    "工业用电量(万千瓦时)": "electricity",
    "electricity": "electricity",
    "从业人员(人)": "employees",
    "从业人员": "employees",
    "从业人数": "employees",
    "用工人数": "employees",
    "职工人数": "employees",
    "employees": "employees",
    "税收(万元)": "taxes",
    "税收": "taxes",
    "纳税额(万元)": "taxes",
    "实缴税金(万元)": "taxes",
    "税金(万元)": "taxes",
    "taxes": "taxes",
}
COLUMN_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "month": "月份",
    **{name: label_of_model(name) for name in INDICATOR_FIELDS},
}
BATCH = 1000
# A month's table is one row an enterprise; a file past this is not one month's.
MAX_ROWS = 50_000


@dataclass
class IndicatorImportReport(ImportReport):
    # Enterprise-months told of a new fall.
    falls: int = 0


@dataclass
class _Row:
    number: int
    cells: list[Any]
    uscc: str
    name: str
    month: datetime.date | None
    values: dict[str, Decimal | int | None]
    errors: list[RowError] = field(default_factory=list)
    enterprise_id: int = 0
    region_id: str = ""


# A checked row kept for the write: (row number, enterprise id, region, month, measures given).
_Good = tuple[int, int, str, datetime.date, tuple[Decimal | int | None, ...]]


def _map_columns(headers: list[str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        normal = normalise_header(header)
        name = HEADERS.get(normal) or HEADERS.get(normal.lower())
        if name is None:
            continue
        if name in seen:
            raise ImportFileError(f"列“{header}”与列“{seen[name]}”重复")
        seen[name] = header
        mapping[index] = name
    if "uscc" not in seen and "name" not in seen:
        raise ImportFileError(
            f"缺少必需的列：统一社会信用代码或企业名称（第1行表头为：{'、'.join(h for h in headers if h)}）"
        )
    if not any(name in seen for name in INDICATOR_FIELDS):
        raise ImportFileError(
            "缺少指标列：至少应有" + "、".join(label_of_model(n) for n in INDICATOR_FIELDS) + "中的一列"
        )
    return mapping


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_row(
    number: int, cells: list[Any], mapping: dict[int, str], header_of: dict[str, str], month: Period | None
) -> _Row:
    """One row's own checks: the enterprise's code or name, the month, the measures."""
    given = {name: cells[index] if index < len(cells) else None for index, name in mapping.items()}
    row = _Row(number, cells, _text(given.get("uscc")).upper(), _text(given.get("name")), None, {})

    def refuse(name: str, message: str) -> None:
        row.errors.append(RowError(number, header_of.get(name, COLUMN_LABELS.get(name, name)), message))

    if not row.uscc and not row.name:
        refuse("uscc" if "uscc" in header_of else "name", "必填：统一社会信用代码或企业名称")
    written_month = given.get("month")
    if "month" in header_of and _text(written_month):
        try:
            period = reportable_month(written_month, "month")
            if month is not None and period != month:
                refuse("month", f"{period.label}与导入的月份{month.label}不符")
            else:
                row.month = period.start
        except ValidationFailed as failure:
            for error in failure.errors:
                refuse("month", error.message)
    elif month is not None:
        row.month = month.start
    else:
        refuse("month", "必填")
    for name in INDICATOR_FIELDS:
        if name not in header_of:
            continue
        try:
            row.values[name] = parse_measure(name, given.get(name))
        except ValidationFailed as failure:
            for error in failure.errors:
                refuse(name, error.message)
    if not row.errors and all(value is None for value in row.values.values()):
        refuse(next(n for n in INDICATOR_FIELDS if n in header_of), "请至少填写一项指标")
    return row


def _find_enterprises(actor: User, batch: list[_Row], header_of: dict[str, str], writers: Writers) -> None:
    """The batch's enterprises by code (or by name where no code is given): two queries."""
    codes = {row.uscc for row in batch if row.uscc}
    names = {row.name for row in batch if not row.uscc and row.name}
    visible = enterprise_queryset(user=actor).select_related(None)
    by_code = (
        {
            uscc: (pk, region)
            for pk, uscc, region in visible.filter(uscc__in=codes).values_list("pk", "uscc", "region_id")
        }
        if codes
        else {}
    )
    by_name: dict[str, list[tuple[int, str]]] = {}
    if names:
        for pk, name, region in visible.filter(name__in=names).values_list("pk", "name", "region_id"):
            by_name.setdefault(name, []).append((pk, region))
    for row in batch:
        if row.errors:
            continue
        column = header_of.get("uscc") if row.uscc else header_of.get("name")
        column = column or COLUMN_LABELS["uscc" if row.uscc else "name"]
        if row.uscc:
            found = by_code.get(row.uscc)
            if found is None:
                row.errors.append(
                    RowError(row.number, column, f"找不到信用代码为 {row.uscc} 的企业，或不在您的权限范围内")
                )
                continue
        else:
            named = by_name.get(row.name, [])
            if not named:
                row.errors.append(
                    RowError(row.number, column, f"找不到企业“{row.name}”，或不在您的权限范围内")
                )
                continue
            if len(named) > 1:
                row.errors.append(
                    RowError(
                        row.number,
                        column,
                        f"名为“{row.name}”的企业有 {len(named)} 家，请填写统一社会信用代码",
                    )
                )
                continue
            found = named[0]
        row.enterprise_id, row.region_id = found
        if not writers.may_write(row.enterprise_id, row.region_id):
            row.errors.append(RowError(row.number, column, "您无权填报该企业的运行指标"))


def import_indicators(
    *,
    actor: User,
    stream: IO[bytes],
    filename: str,
    month: Any = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> IndicatorImportReport:
    """A month's table of many enterprises (.xlsx or .csv, one row an enterprise: its code or
    name, the measures; a 月份 column, or `month` for the whole file). Every row is checked
    first; then all are written, or none if any row is bad, unless `skip_invalid`, which writes
    the good rows and reports the bad. A month already reported is updated where the file gives
    a value (a blank cell leaves it). New falls are told as a single write's are."""
    writers = Writers(actor)
    if not writers.may_write_any:
        raise PermissionDenied("您的角色无权导入企业运行指标")
    period = reportable_month(month) if month not in (None, "") else None
    headers, rows = read_table(stream, filename)
    mapping = _map_columns(headers)
    header_of = {name: headers[index] for index, name in mapping.items()}
    if "month" not in header_of and period is None:
        raise ImportFileError("请选择导入的月份，或在表中加一列“月份”")
    report = IndicatorImportReport(headers=headers)
    good: list[_Good] = []
    seen = FirstRows()
    batch: list[_Row] = []

    def finish() -> None:
        _find_enterprises(actor, batch, header_of, writers)
        keyed = [(f"{row.enterprise_id}:{row.month}", row.number) for row in batch if not row.errors]
        duplicates = seen.check(keyed)
        column = header_of.get("uscc") or header_of.get("name") or COLUMN_LABELS["uscc"]
        for row in batch:
            if row.number in duplicates:
                row.errors.append(
                    RowError(row.number, column, f"与第{duplicates[row.number]}行是同一企业、同一月份")
                )
            if row.errors:
                report.errors.extend(row.errors)
                report.bad_rows[row.number] = row.cells
                continue
            assert row.month is not None
            good.append(
                (
                    row.number,
                    row.enterprise_id,
                    row.region_id,
                    row.month,
                    tuple(row.values.get(name) for name in INDICATOR_FIELDS),
                )
            )
        batch.clear()

    try:
        for number, cells in rows:
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise ImportFileError(f"文件超过 {MAX_ROWS:,} 行，不像一个月的表：请分成几个文件导入")
            batch.append(_read_row(number, cells, mapping, header_of, period))
            if len(batch) >= BATCH:
                finish()
        finish()
    finally:
        seen.close()
    given = [name for name in INDICATOR_FIELDS if name in header_of]
    if dry_run or (report.errors and not skip_invalid):
        report.created, report.updated, report.unchanged = _plan(good, given)
        return report
    _write(actor, good, given, report)
    return report


def _existing(good: list[_Good], *, for_update: bool = False) -> dict[Key, OperatingIndicator]:
    found: dict[Key, OperatingIndicator] = {}
    for start in range(0, len(good), BATCH):
        chunk = good[start : start + BATCH]
        rows = OperatingIndicator.objects.filter(
            enterprise_id__in={g[1] for g in chunk}, month__in={g[3] for g in chunk}
        )
        if for_update:
            rows = rows.select_for_update()
        found.update(((row.enterprise_id, row.month), row) for row in rows)
    return found


def _changed(row: OperatingIndicator, given: list[str], values: tuple[Decimal | int | None, ...]) -> bool:
    changed = False
    for name, value in zip(INDICATOR_FIELDS, values, strict=True):
        if name in given and value is not None and getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _plan(good: list[_Good], given: list[str]) -> tuple[int, int, int]:
    """What the write would do (created, updated, unchanged), counted as it counts."""
    existing = _existing(good)
    created = updated = unchanged = 0
    for _number, enterprise_id, _region, month, values in good:
        row = existing.get((enterprise_id, month))
        if row is None:
            created += 1
        elif _changed(row, given, values):
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


@transaction.atomic
def _write(actor: User, good: list[_Good], given: list[str], report: IndicatorImportReport) -> None:
    keys = {(g[1], g[3]) for g in good}
    before_drops = _drop_sets(keys)
    existing = _existing(good, for_update=True)
    now = timezone.now()
    by_actor = actor if actor.pk else None
    to_create: list[OperatingIndicator] = []
    to_update: list[tuple[OperatingIndicator, dict[str, Any]]] = []
    for _number, enterprise_id, region_id, month, values in good:
        row = existing.get((enterprise_id, month))
        if row is None:
            to_create.append(
                OperatingIndicator(
                    enterprise_id=enterprise_id,
                    region_id=region_id,
                    month=month,
                    source=IndicatorSource.IMPORTED,
                    entered_by=by_actor,
                    entered_at=now,
                    **dict(zip(INDICATOR_FIELDS, values, strict=True)),
                )
            )
            continue
        before = audit.snapshot(row)
        if _changed(row, given, values):
            row.version += 1
            row.region_id = region_id
            row.source = IndicatorSource.IMPORTED
            row.entered_by = by_actor
            row.entered_at = now  # bulk_update does not apply auto_now
            to_update.append((row, before))
        else:
            report.unchanged += 1
    OperatingIndicator.objects.bulk_create(to_create, batch_size=BATCH)
    if any(row.pk is None for row in to_create):  # a backend that does not return keys
        keys_of = {
            (e, m): pk
            for pk, e, m in OperatingIndicator.objects.filter(
                enterprise_id__in={r.enterprise_id for r in to_create}, month__in={r.month for r in to_create}
            ).values_list("pk", "enterprise_id", "month")
        }
        for row in to_create:
            row.pk = keys_of[(row.enterprise_id, row.month)]
    OperatingIndicator.objects.bulk_update(
        [row for row, _ in to_update],
        [*INDICATOR_FIELDS, "region", "version", "source", "entered_by", "entered_at"],
        batch_size=BATCH,
    )
    audit.record_each(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        changes=((row, audit.diff({}, audit.snapshot(row))) for row in to_create),
        source="import",
    )
    audit.record_each(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=((row, audit.diff(before, audit.snapshot(row))) for row, before in to_update),
        source="import",
    )
    report.created, report.updated = len(to_create), len(to_update)
    report.written = True
    report.falls = _tell_new_falls(actor, keys, before_drops)


def import_template(*, user: User, month: Period) -> bytes:
    """The import's table for a month, its rows the enterprises `user` may write that reported
    in the latest month before it (the key enterprises watched), their measures left to fill."""
    before = (
        selectors.indicator_queryset(user=user)
        .filter(month__lt=month.start)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    writers = Writers(user)
    rows: list[list[Any]] = []
    if before is not None:
        listed = (
            selectors.indicator_queryset(user=user)
            .filter(month=before)
            .order_by("region_id", "enterprise__name")
            .values_list("enterprise_id", "region_id", "enterprise__uscc", "enterprise__name")[:MAX_ROWS]
        )
        rows = [
            [uscc, name, month.key, *([None] * len(INDICATOR_FIELDS))]
            for enterprise_id, region_id, uscc, name in listed
            if writers.may_write(enterprise_id, region_id)
        ]
    columns = [("统一社会信用代码", 24), ("企业名称", 36), ("月份", 10)]
    columns += [(label_of_model(name), 18) for name in INDICATOR_FIELDS]
    return write_workbook("运行指标", columns, rows)


__all__ = [
    "Against",
    "Drop",
    "Fall",
    "HistoryMonth",
    "IndicatorData",
    "IndicatorFilterSet",
    "IndicatorImportReport",
    "IndicatorValues",
    "MonthOverview",
    "case_history",
    "drops_for_rows",
    "enterprise_history",
    "falls",
    "import_indicators",
    "indicator_record",
    "indicator_update",
    "latest_month",
    "month_of",
    "month_overview",
]
