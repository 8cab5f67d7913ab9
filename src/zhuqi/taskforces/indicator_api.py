"""/api/v1/indicators: key enterprises' monthly operating indicators and their falls."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.core.queries import MonthText, RecordId, RegionCode, Version, choices_schema
from zhuqi.core.tabular import ImportFileError
from zhuqi.core.values import MAX_AMOUNT
from zhuqi.taskforces import indicators, selectors
from zhuqi.taskforces.indicators import Against, Drop, Fall, IndicatorFilterSet
from zhuqi.taskforces.models import INDICATOR_FIELDS, IndicatorSource

router = Router(tags=["operating indicators"])

Measure = Annotated[str, choices_schema(INDICATOR_FIELDS)]
# A measure as given: a number, or a text with separators ("1,234.5"); the service judges its
# range and unit, the schema bounds what it takes.
Given = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | Annotated[str, Field(max_length=30)] | None


class IndicatorFilters(FilterQuery):
    filterset = IndicatorFilterSet


class IndicatorDropOut(Schema):
    field: Measure = Field(description="the measure that fell")
    against: Annotated[str, choices_schema(Against)] = Field(
        description="previous_month (环比) or last_year (同比, the same month last year)"
    )
    before: Decimal
    now: Decimal
    percent: Decimal = Field(description="how far it fell, in percent of `before`")
    text: str = Field(description="the fall in words: 工业产值环比下降 12.5%")


class IndicatorOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    region: str
    region_name: str
    month: str = Field(description="YYYY-MM")
    output_value: Decimal | None = Field(description="工业产值, 万元")
    revenue: Decimal | None = Field(description="营业收入, 万元")
    electricity: Decimal | None = Field(description="用电量, 万千瓦时")
    employees: int | None = Field(description="从业人员, 人")
    taxes: Decimal | None = Field(description="税收, 万元")
    source: Annotated[str, choices_schema(IndicatorSource)]
    version: int
    entered_at: datetime.datetime
    fallen: bool = Field(description="whether a measure fell beyond the threshold (drops)")
    drops: list[IndicatorDropOut]


class IndicatorFallOut(Schema):
    indicator: int
    enterprise: int
    enterprise_name: str
    region: str
    region_name: str
    month: str
    worst: Decimal = Field(description="the largest fall, in percent")
    drops: list[IndicatorDropOut]


class IndicatorFallsOut(Schema):
    month: str
    threshold: Decimal = Field(description="a fall is a drop of more than this percent")
    items: list[IndicatorFallOut]


class IndicatorValuesIn(Schema):
    output_value: Given = Field(None, description="工业产值, 万元")
    revenue: Given = Field(None, description="营业收入, 万元")
    electricity: Given = Field(None, description="用电量, 万千瓦时")
    employees: Given = Field(None, description="从业人员, 人")
    taxes: Given = Field(None, description="税收, 万元")


class IndicatorIn(IndicatorValuesIn):
    enterprise: RecordId
    month: MonthText


class IndicatorUpdateIn(IndicatorValuesIn):
    version: Version


class IndicatorRowErrorOut(Schema):
    row: int = Field(description="the row as Excel numbers it (the header is row 1)")
    column: str
    message: str


class IndicatorImportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    written: bool
    falls: int = Field(description="enterprise-months told of a new fall")
    skipped: list[IndicatorRowErrorOut] = Field(description="with skip_invalid: the rows left out, and why")


def _number(value: Any) -> Decimal:
    return Decimal(value)


def drop_json(drop: Drop) -> dict[str, Any]:
    return {
        "field": drop.field,
        "against": str(drop.against),
        "before": _number(drop.before),
        "now": _number(drop.now),
        "percent": drop.percent,
        "text": drop.text,
    }


def _month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def indicator_json(row: dict[str, Any], drops: list[Drop]) -> dict[str, Any]:
    """A row (indicators.ROW_COLUMNS) as IndicatorOut sends it."""
    return {
        "id": row["id"],
        "enterprise": row["enterprise_id"],
        "enterprise_name": row["enterprise__name"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "month": _month_key(row["month"]),
        **{name: row[name] for name in INDICATOR_FIELDS},
        "source": row["source"],
        "version": row["version"],
        "entered_at": row["entered_at"],
        "fallen": bool(drops),
        "drops": [drop_json(drop) for drop in drops],
    }


def fall_json(fall: Fall) -> dict[str, Any]:
    return {
        "indicator": fall.indicator_id,
        "enterprise": fall.enterprise_id,
        "enterprise_name": fall.enterprise_name,
        "region": fall.region_id,
        "region_name": fall.region_name,
        "month": fall.month.key,
        "worst": fall.worst,
        "drops": [drop_json(drop) for drop in fall.drops],
    }


class _PageWithFalls(TrustedPage):
    """A page of rows sent with their falls: the page read, then one query for the months they
    compare with."""

    def __init__(self, request: HttpRequest, counted: Any, paged: Any) -> None:
        super().__init__(counted, paged=paged)
        self.request = request

    def __getitem__(self, index: Any) -> Any:
        rows = list(self.paged[index])
        drops = indicators.drops_for_rows(user=request_user(self.request), rows=rows)
        return [indicator_json(row, drops.get(row["id"], [])) for row in rows]


@router.get("", response=list[IndicatorOut], summary="Operating indicators in your scope, newest month first")
@paginated
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    (counted,) = filters.apply_each(selectors.indicator_queryset(user=request_user(request)))
    paged = counted.order_by("-month", "region_id", "enterprise_id").values(*indicators.ROW_COLUMNS)
    return _PageWithFalls(request, counted, paged)


def _one(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    user = request_user(request)
    row = (
        selectors.indicator_queryset(user=user)
        .filter(pk=indicator_id)
        .values(*indicators.ROW_COLUMNS)
        .first()
    )
    if row is None:
        raise NotFound()
    drops = indicators.drops_for_rows(user=user, rows=[row])
    return indicator_json(row, drops.get(row["id"], []))


def _values(payload: IndicatorValuesIn) -> dict[str, Any]:
    return {name: getattr(payload, name) for name in INDICATOR_FIELDS}


@router.post("", response={201: IndicatorOut}, summary="Record an enterprise's figures for a month")
def record_indicator(request: HttpRequest, payload: IndicatorIn) -> Status:
    indicator = indicators.indicator_record(
        actor=request_user(request),
        data=indicators.IndicatorData(
            enterprise_id=payload.enterprise, month=payload.month, **_values(payload)
        ),
        source="api",
    )
    return Status(201, _one(request, indicator.pk))


@router.get(
    "/falls", response=IndicatorFallsOut, summary="The enterprises whose figures of a month fell, worst first"
)
def month_falls(
    request: HttpRequest,
    month: MonthText | None = None,
    region: RegionCode | None = None,
    enterprise: RecordId | None = None,
) -> dict[str, Any]:
    user = request_user(request)
    period = (
        indicators.month_of(month)
        if month
        else indicators.latest_month(user=user) or indicators.default_month()
    )
    found = indicators.falls(
        user=user,
        month=period,
        region_code=region or "",
        enterprise_ids=[enterprise] if enterprise else None,
    )
    return {
        "month": period.key,
        "threshold": indicators.threshold_percent(),
        "items": [fall_json(fall) for fall in found],
    }


@router.post(
    "/import",
    response=IndicatorImportOut,
    summary="A month's table of many enterprises (.xlsx/.csv): checked whole, then written all or nothing",
)
def import_table(
    request: HttpRequest,
    file: File[UploadedFile],
    month: MonthText | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> dict[str, Any]:
    try:
        report = indicators.import_indicators(
            actor=request_user(request),
            stream=file,
            filename=file.name or "",
            month=month,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
    except ImportFileError as error:
        raise ValidationFailed([FieldError("file", str(error))], location="body") from None
    if report.errors and not skip_invalid:
        # Each refused cell as file.<row>.<column>: the row as Excel numbers it.
        raise ValidationFailed(
            [FieldError(f"file.{e.row}.{e.column}", e.message) for e in report.errors[:500]], location="body"
        )
    return {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "written": report.written,
        "falls": report.falls,
        "skipped": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors[:500]],
    }


@router.get("/{int:indicator_id}", response=IndicatorOut, summary="One enterprise-month, with its falls")
def get_indicator(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    return _one(request, indicator_id)


@router.put("/{int:indicator_id}", response=IndicatorOut, summary="Correct an enterprise-month's figures")
def update_indicator(request: HttpRequest, indicator_id: int, payload: IndicatorUpdateIn) -> dict[str, Any]:
    indicators.indicator_update(
        actor=request_user(request),
        indicator_id=indicator_id,
        expected_version=payload.version,
        values=indicators.IndicatorValues(**_values(payload)),
        source="api",
    )
    return _one(request, indicator_id)
