"""A campaign's period table as a spreadsheet: out, and in (docs/taskforces.md).

GET  /api/v1/campaigns/{id}/table.xlsx?period=   the table of one period (exporting.py)
POST /api/v1/campaigns/{id}/reports/import        the same table filled in (importing.py)"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.tabular import ImportFileError
from zhuqi.taskforces import enrolling, exporting, importing, selectors
from zhuqi.taskforces.schemas import PeriodKey

router = Router(tags=["campaigns"])

# The answer lists this many row errors; skipped_rows counts every bad row.
ERRORS_SHOWN = 1000


class TablePeriodQuery(Schema):
    # Its form checked here, before the campaign is looked up; its kind by the campaign's cadence.
    period: PeriodKey | None = Field(None, description="the period (its key); the current one if not given")


class CampaignTableSkipOut(Schema):
    row: int = Field(description="the row as Excel numbers it (the header is row 1)")
    field: str = Field(description="the column, as the file heads it")
    message: str


class CampaignTableImportOut(Schema):
    rows: int = Field(description="data rows read")
    written: int = Field(description="reports written for periods not yet reported")
    corrected: int = Field(description="reports replaced (a correction: audited, before and after)")
    unchanged: int = Field(description="rows equal to the report already stored")
    blank: int = Field(description="rows with no field filled: the enterprise has not reported")
    cases: int = Field(description="difficulties filed as demand cases")
    skipped: list[CampaignTableSkipOut]
    skipped_rows: int


@router.get(
    "/{int:campaign_id}/table.xlsx",
    summary="The campaign's table for one period (.xlsx): every enterprise one sees, reported or not",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the table",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    },
)
def table_download(request: HttpRequest, campaign_id: int, query: Query[TablePeriodQuery]) -> HttpResponse:
    body, filename = exporting.campaign_table(
        user=request_user(request), campaign_id=campaign_id, period=query.period or ""
    )
    return office_file(body, filename)


@router.post(
    "/{int:campaign_id}/reports/import",
    response=CampaignTableImportOut,
    summary="The campaign's table filled in (.xlsx/.csv): one bad row writes nothing unless skip_bad",
)
def table_import(
    request: HttpRequest,
    campaign_id: int,
    file: File[UploadedFile],
    period: Annotated[
        str,
        Form(
            max_length=24,
            description="a period of the campaign's cadence (2026-12-07, 2026-W49, 2026-12); blank: today's, "
            "or each row's 报送期 column",
        ),
    ] = "",
    skip_bad: Annotated[bool, Form(description="write the good rows and list the bad ones")] = False,
) -> dict[str, Any]:
    try:
        result = importing.import_table(
            actor=request_user(request),
            campaign_id=campaign_id,
            stream=file,
            filename=file.name or "",
            period=period,
            skip_bad=skip_bad,
            source="api",
        )
    except ImportFileError as error:
        raise ValidationFailed([FieldError("file", str(error))], location="body") from None
    if result.errors and not skip_bad:
        # Each refused cell as file.<row>.<column>: the row as Excel numbers it.
        raise ValidationFailed(
            [FieldError(f"file.{e.row}.{e.column}", e.message) for e in result.errors[:ERRORS_SHOWN]],
            location="body",
        )
    return {
        "rows": result.rows,
        "written": result.written,
        "corrected": result.corrected,
        "unchanged": result.unchanged,
        "blank": result.blank,
        "cases": result.cases,
        "skipped": [
            {"row": e.row, "field": e.column, "message": e.message} for e in result.errors[:ERRORS_SHOWN]
        ],
        "skipped_rows": len(result.bad_rows),
    }


class EnrolImportOut(Schema):
    added: int = Field(description="enterprises put in the campaign by this file")
    enrolled: int = Field(description="enterprises in the campaign now (that you see)")


@router.post(
    "/{int:campaign_id}/enterprises/import",
    response={201: EnrolImportOut},
    summary="Put the enterprises of a sheet (.xlsx/.csv: 统一社会信用代码 or 企业名称, 包保部门) in it",
)
def enrol_import(request: HttpRequest, campaign_id: int, file: File[UploadedFile]) -> Status:
    user = request_user(request)
    added = enrolling.enrol_from_table(
        actor=user, campaign_id=campaign_id, stream=file, filename=file.name or "", source="api"
    )
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    return Status(
        201,
        {"added": len(added), "enrolled": selectors.enrolment_queryset(user=user, campaign=campaign).count()},
    )
