"""The report inbox in Excel: the inbox as filtered on the page (the reader's reports through
ReportFilterSet, newest first), one row a report with what the page shows and what it keeps in
its titles (the source's address, the region, the visit a confirmed report became). Written by
core.spreadsheets.write_workbook like the other lists; dates are date cells, the import time in
local time. One query however many reports: each row's columns, its first leads and its count of
merged reposts are read with it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils import timezone

from zhuqi.core.spreadsheets import write_workbook
from zhuqi.ingest.models import Report, ReportKind, ReportStatus
from zhuqi.ingest.selectors import ROW_LEADS

SHEET = "报道"
COLUMNS = [
    ("标题", 40),
    ("来源", 24),
    ("来源网址", 36),
    ("发布日期", 12),
    ("活动类型", 12),
    ("带队领导", 20),
    ("地区", 14),
    ("状态", 8),
    ("合并转载数", 10),
    ("导入时间", 17),
    ("调研走访", 10),
]
_DATE_COLUMN = 3
_IMPORTED_COLUMN = 9
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_ROWS = 100_000


def _row(report: Any) -> Sequence[Any]:
    leads = [name for i in range(ROW_LEADS) if (name := getattr(report, f"lead_{i}", None))]
    confirmed = report.status == ReportStatus.CONFIRMED and report.visit_id
    return [
        report.title or report.source_label,
        report.source_label,
        report.source_address,
        report.published_on,
        ReportKind(report.kind).label,
        "、".join(leads),
        report.region.name,
        ReportStatus(report.status).label,
        report.merged,
        timezone.localtime(report.created_at).replace(tzinfo=None),
        f"#{report.visit_id}" if confirmed else "",
    ]


def export_reports(reports: Iterable[Report]) -> bytes:
    def rows() -> Iterator[Sequence[Any]]:
        for report in reports:
            yield _row(report)

    formats = {_DATE_COLUMN: _DATE_FORMAT, _IMPORTED_COLUMN: _DATETIME_FORMAT}
    return write_workbook(SHEET, COLUMNS, rows(), number_formats=formats)
