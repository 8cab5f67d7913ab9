"""`/api/v1/reports`: published reports read into drafts, reviewed, confirmed into visits or
discarded. Handlers call one selector or one service."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.core.queries import IsoDate, RegionCodeOrBlank
from zhuqi.core.textlimits import schema_field
from zhuqi.ingest import schemas, selectors, services
from zhuqi.ingest.cleaning import MAX_BYTES
from zhuqi.ingest.filtersets import ReportFilterSet
from zhuqi.ingest.models import Report
from zhuqi.ingest.services import ConfirmEdits, DifficultyChoice, NewPost

router = Router(tags=["reports"])


class ReportFilters(FilterQuery):
    filterset = ReportFilterSet


def _detail(report: Report) -> dict[str, Any]:
    duplicates = list(Report.objects.filter(duplicate_of=report).order_by("id").values_list("pk", flat=True))
    return schemas.report_detail_json(report, duplicates)


@router.get(
    "", response=list[schemas.PublishedReportOut], summary="The report inbox in your scope, newest first"
)
@paginated
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    (reports,) = filters.apply_each(selectors.inbox_queryset(user=request_user(request)))
    return TrustedPage(reports.values(*schemas.REPORT_ROW_COLUMNS), schemas.report_row_json)


@router.post(
    "",
    response={201: schemas.PublishedReportDetailOut},
    summary="Read a report (its text or HTML) into a draft: cleaned, extracted, linked",
)
def ingest_report(request: HttpRequest, payload: schemas.PublishedReportIn) -> Status:
    report = services.report_ingest(
        actor=request_user(request),
        raw=payload.text,
        filename=payload.filename,
        published_on=payload.published_on,
        region_code=payload.region,
        source_address=payload.source_address,
        source="api",
    )
    return Status(201, _detail(report))


class ReportUploadForm(Schema):
    published_on: IsoDate | None = None
    region: RegionCodeOrBlank = ""
    source_address: str = schema_field(Report, "source_address", "")


@router.post(
    "/file",
    response={201: schemas.PublishedReportDetailOut},
    summary="Read a report file (.txt or .html, any common Chinese encoding) into a draft",
)
def ingest_report_file(
    request: HttpRequest, form: Form[ReportUploadForm], file: File[UploadedFile]
) -> Status:
    # Read no further than one byte past the limit: enough for the service to refuse it.
    report = services.report_ingest(
        actor=request_user(request),
        raw=file.read(MAX_BYTES + 1),
        filename=file.name or "",
        published_on=form.published_on,
        region_code=form.region,
        source_address=form.source_address,
        input_field="file",
        source="api",
    )
    return Status(201, _detail(report))


@router.get(
    "/{int:report_id}",
    response=schemas.PublishedReportDetailOut,
    summary="One report and its draft",
)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _detail(selectors.report_get(user=request_user(request), report_id=report_id))


def _edits(payload: schemas.ReportConfirmIn) -> ConfirmEdits:
    return ConfirmEdits(
        kind=payload.kind or None,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
        officials={choice.mention: choice.record for choice in payload.officials},
        enterprises={choice.mention: choice.record for choice in payload.enterprises},
        new_officials=[item.mention for item in payload.new_officials],
        new_official_posts={
            item.mention: NewPost(item.department, item.title) for item in payload.new_officials
        },
        new_enterprises={item.mention: item.uscc for item in payload.new_enterprises},
        place_codes=payload.places,
        project_ids=payload.projects,
        instructions=payload.instructions,
        difficulties=(
            [DifficultyChoice(item.text, item.enterprise) for item in payload.difficulties]
            if payload.difficulties is not None
            else None
        ),
        category_id=payload.category,
        summary=payload.summary,
        confirm_duplicate=payload.confirm_duplicate,
    )


@router.post(
    "/{int:report_id}/confirm",
    response=schemas.ReportConfirmedOut,
    summary="Confirm a draft: its visit and cases are recorded (choosing the names it asks about)",
)
def confirm_report(request: HttpRequest, report_id: int, payload: schemas.ReportConfirmIn) -> dict[str, Any]:
    confirmed = services.report_confirm(
        actor=request_user(request),
        report_id=report_id,
        expected_version=payload.version,
        edits=_edits(payload),
        source="api",
    )
    return {
        "report": _detail(confirmed.report),
        "visit": confirmed.visit.pk,
        "cases": [{"id": case.pk, "kind": case.kind, "title": case.title} for case in confirmed.cases],
    }


@router.post(
    "/{int:report_id}/discard",
    response=schemas.PublishedReportDetailOut,
    summary="Set a draft aside",
)
def discard_report(request: HttpRequest, report_id: int, payload: schemas.ReportDiscardIn) -> dict[str, Any]:
    report = services.report_discard(
        actor=request_user(request),
        report_id=report_id,
        expected_version=payload.version,
        reason=payload.reason,
        source="api",
    )
    return _detail(report)
