"""The figures table as an .xlsx workbook: dispatch meetings work in Excel. Same rows and
columns as the page and the API, with each rate's numerator and denominator beside it and the
definitions underneath, so a figure pasted into a briefing carries its meaning with it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from zhuqi.cases.figures import DEFINITIONS, GROUP_BY, FigureRow, Figures
from zhuqi.cases.models import Case, Kind
from zhuqi.core.spreadsheets import Spreadsheet, Styled, write_workbook

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
    ("催办", "escalated", False),
    ("督办", "supervised", False),
    ("列入通报", "flagged", False),
]


def _row(row: FigureRow, *, bold: bool) -> list[Styled]:
    # An empty cell, not 0, where a rate has no denominator: "—" in Excel is text, and text
    # breaks a column's sums and sorting.
    return [Styled(row.name, bold=bold)] + [
        Styled(getattr(row, attribute), bold=bold, number_format="0.0%" if is_rate else None)
        for _, attribute, is_rate in COLUMNS
    ]


def export_figures(figures: Figures) -> bytes:
    header = 4
    workbook = Spreadsheet()
    sheet = workbook.sheet("办理情况统计", widths=[28] + [10] * len(COLUMNS), freeze=f"B{header + 1}")
    grouping = figures.grouping
    scope = f"{grouping.root.name} · " if grouping.root else ""
    sheet.append([Styled("事项办理情况统计", bold=True, size=14)])
    sheet.append(
        [
            f"{scope}{Kind(figures.kind).label} · {GROUP_BY[grouping.by]} · 统计期：{figures.period.label}"
            f" · 生成时间：{timezone.localtime():%Y-%m-%d %H:%M}"
        ]
    )
    sheet.append([])
    sheet.append(
        [Styled("牵头部门" if grouping.by == "department" else "地区", bold=True)]
        + [Styled(title, bold=True, wrap=True) for title, _, _ in COLUMNS]
    )
    for row in figures.rows:
        sheet.append(_row(row, bold=False))
    sheet.append(_row(figures.total, bold=True))
    sheet.append([])
    sheet.append([Styled("指标定义", bold=True)])
    for text in DEFINITIONS.values():
        sheet.append([text])
    return workbook.to_bytes()


# 事项台账: the filtered list as the offices keep it in Excel, one row per case.
LEDGER_COLUMNS = [
    ("编号", 8),
    ("类型", 6),
    ("标题", 36),
    ("类别", 14),
    ("企业名称", 30),
    ("统一社会信用代码", 22),
    ("所属地区", 14),
    ("来源", 12),
    ("紧急程度", 8),
    ("状态", 12),
    ("提交时间", 17),
    ("牵头部门", 20),
    ("配合部门", 24),
    ("交办时间", 17),
    ("办理时限", 17),
    ("时效", 6),
    ("逾期工作日数", 8),
    ("督办级别", 8),
    ("答复时间", 17),
    ("办理结果", 10),
    ("答复/办理情况", 40),
    ("办结时间", 17),
    ("办结用时（工作日）", 10),
    ("企业评价（1–5）", 10),
]
LEDGER_MAX_ROWS = 200_000
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    # Excel has no time zones: the office reads Beijing time, so that is what the cell holds.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _ledger_row(case: Case, show_escalation: bool) -> list[Any]:
    return [
        case.pk,
        case.get_kind_display(),
        case.title,
        case.category.name,
        case.enterprise.name if case.enterprise else "",
        case.enterprise.uscc if case.enterprise else "",
        case.region.name,
        case.get_source_display(),
        case.get_urgency_display(),
        case.status_label,
        _local(case.submitted_at),
        case.lead_department.name if case.lead_department else "",
        "、".join(d.name for d in case.co_departments.all()),
        _local(case.assigned_at),
        _local(case.deadline),
        case.get_timeliness_display(),
        # Days late and the escalation level are two facts: a number and one of 催办/督办/通报.
        case.working_days_late or None,
        case.escalation_label if show_escalation else "",
        _local(case.answered_at),
        case.get_outcome_display() if case.outcome else "",
        case.answer,
        _local(case.closed_at),
        case.working_days_to_close,
        case.rating,
    ]


def export_case_ledger(cases: Iterable[Case], *, show_escalation: bool = True) -> bytes:
    """The ledger (事项台账) of `cases`, dates as Excel dates in Beijing time, so the sheet sorts
    and filters as the office expects."""
    date_columns = {
        index
        for index, (title, _) in enumerate(LEDGER_COLUMNS)
        if title.endswith("时间") or title == "办理时限"
    }

    def rows() -> Iterator[list[Any]]:
        for case in cases:
            yield _ledger_row(case, show_escalation)

    return write_workbook(
        "事项台账", LEDGER_COLUMNS, rows(), number_formats={i: _DATETIME_FORMAT for i in date_columns}
    )
