"""The agreement register (合作协议台账) in Excel: the list as filtered on the page, every amount
in 万元 in its own column (the unit in the header), so the sheet sums and sorts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from zhuqi.core.spreadsheets import write_workbook
from zhuqi.investment.models import Agreement
from zhuqi.investment.selectors import STATUS_LABELS

COLUMNS = [
    ("协议名称", 36),
    ("协议类型", 10),
    ("我方签约主体", 24),
    ("签约对方", 28),
    ("所属地区", 14),
    ("签约日期", 12),
    ("签约地点", 14),
    ("协议金额(万元)", 16),
    ("金额性质", 12),
    ("协议期限", 14),
    ("合作领域", 24),
    ("跟踪落实部门", 20),
    ("所属产业链", 16),
    ("出席领导", 20),
    ("落地情况", 10),
    ("落地项目", 36),
    ("落地项目投资(万元)", 16),
    ("到位资金(万元)", 14),
    ("备注", 30),
]
MAX_ROWS = 100_000
_DATE_COLUMN = 5
_MONEY_COLUMNS = (7, 16, 17)


def _row(agreement: Any) -> list[Any]:
    return [
        agreement.title,
        agreement.get_kind_display(),
        agreement.our_party_name,
        agreement.counterparty_name,
        agreement.region.name,
        agreement.signed_on,
        agreement.place,
        float(agreement.amount) if agreement.amount else None,
        agreement.get_amount_nature_display(),
        agreement.period,
        agreement.fields,
        agreement.follow_up_department.name if agreement.follow_up_department else "",
        agreement.chain.name if agreement.chain else "",
        "、".join(official.name for official in agreement.leaders_present.all()),
        STATUS_LABELS[agreement.status],
        "、".join(project.name for project in agreement.projects.all()),
        float(agreement.landed_amount),
        float(agreement.funds_in_place),
        agreement.note,
    ]


def export_agreements(agreements: Iterable[Agreement]) -> bytes:
    def rows() -> Iterator[list[Any]]:
        for agreement in agreements:
            yield _row(agreement)

    formats = {_DATE_COLUMN: "yyyy-mm-dd"} | {index: "#,##0.00" for index in _MONEY_COLUMNS}
    return write_workbook("合作协议", COLUMNS, rows(), number_formats=formats)
