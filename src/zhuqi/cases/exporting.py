"""The figures table as an .xlsx workbook: dispatch meetings work in Excel. Same rows and
columns as the page and the API, with each rate's numerator and denominator beside it and the
definitions underneath, so a figure pasted into a briefing carries its meaning with it."""

from __future__ import annotations

import io

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhuqi.cases.figures import DEFINITIONS, GROUP_BY, FigureRow, Figures
from zhuqi.cases.models import Kind

# (header, FigureRow attribute, is a rate)
COLUMNS: list[tuple[str, str, bool]] = [
    ("收到事项", "cases", False),
    ("应签收", "response_due", False),
    ("按时签收", "responded_on_time", False),
    ("响应率", "response_rate", True),
    ("应答复", "answer_due", False),
    ("按时答复", "answered_on_time", False),
    ("按时答复率", "answer_rate", True),
    ("应答复诉求", "demands_due", False),
    ("已解决", "resolved", False),
    ("部分解决", "partly_resolved", False),
    ("无法解决", "not_resolvable", False),
    ("不满意重办中", "disputed", False),
    ("逾期未答复", "unanswered", False),
    ("解决率", "resolution_rate", True),
    ("评价次数", "ratings_given", False),
    ("满意次数", "satisfied_ratings", False),
    ("逾期未评价", "not_rated", False),
    ("满意率", "satisfaction_rate", True),
    ("办结", "closed", False),
    ("平均办结用时（工作日）", "average_days_to_close", False),
    ("在办", "open", False),
    ("逾期", "late", False),
    ("督办中", "escalated", False),
    ("列入通报", "flagged", False),
]


def _row(sheet: Worksheet, at: int, row: FigureRow, *, bold: bool) -> None:
    sheet.cell(at, 1, row.name).font = Font(bold=bold)
    for index, (_, attribute, is_rate) in enumerate(COLUMNS, start=2):
        # An empty cell, not 0, where a rate has no denominator: "—" in Excel is text, and text
        # breaks a column's sums and sorting.
        cell = sheet.cell(at, index, getattr(row, attribute))
        cell.font = Font(bold=bold)
        if is_rate:
            cell.number_format = "0.0%"


def export_figures(figures: Figures) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "办理情况统计"
    grouping = figures.grouping
    scope = f"{grouping.root.name} · " if grouping.root else ""
    sheet.cell(1, 1, "事项办理情况统计").font = Font(bold=True, size=14)
    sheet.cell(
        2,
        1,
        f"{scope}{Kind(figures.kind).label} · {GROUP_BY[grouping.by]} · 统计期：{figures.period.label}"
        f" · 生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    )
    header = 4
    sheet.cell(header, 1, "牵头部门" if grouping.by == "department" else "地区").font = Font(bold=True)
    for index, (title, _, _) in enumerate(COLUMNS, start=2):
        cell = sheet.cell(header, index, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    at = header + 1
    for row in figures.rows:
        _row(sheet, at, row, bold=False)
        at += 1
    _row(sheet, at, figures.total, bold=True)
    at += 2
    sheet.cell(at, 1, "指标定义").font = Font(bold=True)
    for text in DEFINITIONS.values():
        at += 1
        sheet.cell(at, 1, text)
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 10
    sheet.freeze_panes = f"B{header + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
