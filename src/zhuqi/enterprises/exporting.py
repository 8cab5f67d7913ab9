"""Excel export of an enterprise list, in the same columns the importer reads, so an exported
list can be corrected in Excel and imported back."""

from __future__ import annotations

from collections.abc import Iterable

from zhuqi.core.spreadsheets import write_workbook
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.schemas import masked_contacts

COLUMNS = [
    ("统一社会信用代码", 22),
    ("企业名称", 36),
    ("简称", 14),
    ("成立日期", 12),
    ("所属行业", 28),
    ("从业人员", 10),
    ("营业收入(万元)", 14),
    ("资产总额(万元)", 14),
    ("企业规模", 8),
    ("规上企业", 8),
    ("所在地区", 18),
    ("地址", 30),
    ("联系人", 10),
    ("联系电话", 16),
]
MAX_ROWS = 200_000


def export_enterprises(enterprises: Iterable[Enterprise], *, show_contacts: bool) -> bytes:
    # The founding day is a date cell (openpyxl writes a date as yyyy-mm-dd), read back as one.
    return write_workbook("企业名录", COLUMNS, (_row(e, show_contacts) for e in enterprises))


def _row(enterprise: Enterprise, show_contacts: bool) -> list[object]:
    contacts = enterprise.contacts if show_contacts else masked_contacts(enterprise.contacts)
    first = contacts[0] if contacts else {}
    return [
        enterprise.uscc,
        enterprise.name,
        enterprise.short_name,
        enterprise.founded_on,
        f"{enterprise.industry.code} {enterprise.industry.name}" if enterprise.industry else "",
        enterprise.employees,
        float(enterprise.revenue) if enterprise.revenue is not None else None,
        float(enterprise.total_assets) if enterprise.total_assets is not None else None,
        enterprise.get_size_class_display(),
        "是" if enterprise.above_scale else "否",
        enterprise.region_id,
        enterprise.address,
        first.get("name", ""),
        first.get("phone", ""),
    ]
