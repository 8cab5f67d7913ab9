"""A campaign's period table as an .xlsx: one row per enterprise of the campaign that the reader
sees, the report form's fields as columns, then when and how each enterprise reported. The
enterprises that have not reported are there too, with empty cells: the file a department fills
in and imports back (importing.py reads the same layout: the enterprise by its credit code, else
by its exact name; the columns after the form's are for reading only)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuqi.core.periods import Period
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.directory.models import User
from zhuqi.taskforces import reportforms, selectors
from zhuqi.taskforces.models import Campaign, Channel
from zhuqi.taskforces.reportforms import FormField

# (header, width): who the row is about, before the form's fields; then the report's facts.
LEADING_COLUMNS = [("企业名称", 36), ("统一社会信用代码", 22), ("所在地区", 14), ("包保部门", 24)]
TRAILING_COLUMNS = [("报送时间", 20), ("逾期", 6), ("报送方式", 12)]
# A campaign holds at most some tens of thousands of enterprises (services: 50,000 by one rule).
MAX_ROWS = 200_000
# Enterprises read at a time, with their reports of the period read for them in one query.
CHUNK = 2000
SUBMITTED_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'


def field_header(form_field: FormField) -> str:
    """A field's column as the sheet heads it: the label with its unit, 产能利用率（%）."""
    return f"{form_field.label}（{form_field.unit}）" if form_field.unit else form_field.label


def table_columns(fields: list[FormField]) -> list[tuple[str, int]]:
    return [
        *LEADING_COLUMNS,
        *((field_header(f), max(10, min(30, 2 * len(field_header(f)) + 2))) for f in fields),
        *TRAILING_COLUMNS,
    ]


def default_period(campaign: Campaign) -> Period:
    """The period a table is for when none is named: today's, or the campaign's last one if it
    has ended, or its first if it has not begun."""
    day = timezone.localdate()
    if campaign.ends_on is not None:
        day = min(day, campaign.ends_on)
    return Period.containing(campaign.period_kind, max(day, campaign.starts_on))


def table_period(campaign: Campaign, key: str | None) -> Period:
    """The period a key names, of the campaign's cadence (ValidationFailed naming `period`);
    none named: default_period. A future period gives the empty table to fill in later."""
    if not (key or "").strip():
        return default_period(campaign)
    return Period.parse(key, kind=campaign.period_kind, field_name="period")


def _cell(form_field: FormField, value: Any) -> Any:
    """A stored value as the sheet's cell: numbers as numbers, so Excel sums them."""
    if value is None or value == "":
        return None
    if form_field.kind in ("integer", "decimal", "percent"):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return str(value)


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def table_rows(*, user: User, campaign: Campaign, period: Period) -> Iterator[list[Any]]:
    """The table's rows, by region then name: each enrolment the user sees, with the report of
    the period if there is one. Read a chunk of enterprises at a time, each chunk's reports in
    one query, so memory stays flat however many enterprises the campaign holds."""
    fields = reportforms.form_of(campaign.report_form)
    enrolments = (
        selectors.enrolment_queryset(user=user, campaign=campaign)
        .order_by("region_id", "enterprise__name", "enterprise_id")
        .values_list(
            "enterprise_id", "enterprise__name", "enterprise__uscc", "region__name", "department__name"
        )[:MAX_ROWS]
    )
    reports = selectors.report_queryset(user=user, campaign=campaign).filter(period_start=period.start)
    channels = {choice.value: str(choice.label) for choice in Channel}
    for chunk in _chunks(enrolments.iterator(chunk_size=CHUNK), CHUNK):
        found: dict[int, tuple[Any, ...]] = {
            row[0]: row
            for row in reports.filter(enterprise_id__in=[row[0] for row in chunk])
            .order_by()
            .values_list("enterprise_id", "values", "submitted_at", "late", "channel")
        }
        for enterprise_id, name, uscc, region, department in chunk:
            report = found.get(enterprise_id)
            if report is None:
                # Not reported: the cells to fill in are not written (an empty cell is no cell).
                yield [name, uscc, region, department or ""]
                continue
            values: dict[str, Any] = report[1] or {}
            yield [
                name,
                uscc,
                region,
                department or "",
                *(_cell(f, values.get(f.key)) for f in fields),
                _local(report[2]),
                "是" if report[3] else "否",
                channels.get(report[4], report[4]),
            ]


def _local(moment: datetime.datetime) -> datetime.datetime:
    # Excel has no time zones: the time as read in Beijing.
    return timezone.localtime(moment).replace(tzinfo=None)


def export_table(*, user: User, campaign: Campaign, period: Period) -> bytes:
    fields = reportforms.form_of(campaign.report_form)
    columns = table_columns(fields)
    return write_workbook(
        period.label[:31],
        columns,
        table_rows(user=user, campaign=campaign, period=period),
        number_formats={len(columns) - len(TRAILING_COLUMNS): SUBMITTED_FORMAT},
    )


def table_filename(campaign: Campaign, period: Period) -> str:
    name = "".join(c for c in campaign.name if c not in '\\/:*?"<>|').strip() or "专项行动"
    return f"{name}-{period.key}.xlsx"


def campaign_table(*, user: User, campaign_id: int, period: str | None) -> tuple[bytes, str]:
    """The table of a campaign the user sees (NotFound otherwise) for the period named (else
    today's): the file's bytes and its download name."""
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    chosen = table_period(campaign, period)
    return export_table(user=user, campaign=campaign, period=chosen), table_filename(campaign, chosen)
