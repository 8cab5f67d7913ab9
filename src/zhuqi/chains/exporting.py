"""A chain's tables in Excel ("一图N清单"): the leading enterprises (链主 and 龙头), the supporting
enterprises, every member, the associated customers and suppliers (关联客户库), each list the
chief keeps, and all the chains side by side. Headers in Chinese, amounts in 万元 in their own
columns so the sheet sums; contact people masked unless the reader may see them, as on the
enterprise export. Written only through core.spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhuqi.chains import selectors
from zhuqi.chains.comparison import BUILT_IN, ChainRow
from zhuqi.chains.figures import Column
from zhuqi.chains.models import Chain, ChainItem, ItemKind, Link, Member, Role
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.core.validators import mask_contacts
from zhuqi.directory.models import User

MEMBER_COLUMNS = [
    ("环节", 16),
    ("企业名称", 36),
    ("统一社会信用代码", 22),
    ("所在地区", 16),
    ("链上地位", 10),
    ("主要产品", 28),
    ("产值(万元)", 14),
    ("产值年度", 10),
    ("从业人员", 10),
    ("规上企业", 8),
    ("联系人", 10),
    ("联系电话", 16),
    ("备注", 30),
]
LINK_COLUMNS = [
    ("供应方", 34),
    ("供应方统一社会信用代码", 22),
    ("供应方类别", 12),
    ("客户", 34),
    ("客户统一社会信用代码", 22),
    ("客户类别", 12),
    ("产品", 20),
    ("年供应量", 14),
    ("计量单位", 10),
    ("备注", 30),
]
ITEM_COLUMNS = [
    ("序号", 6),
    ("清单事项", 36),
    ("环节", 16),
    ("具体内容", 48),
    ("责任部门", 24),
    ("进展", 10),
    ("进展情况", 40),
]


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # the sheet's name and the download's
    roles: tuple[str, ...] = ()
    item_kind: str = ""


TABLES = {
    table.key: table
    for table in (
        Table("leading", "链主和龙头企业", roles=(Role.OWNER, Role.LEADING)),
        Table("supporting", "配套企业", roles=(Role.SUPPORTING,)),
        Table("members", "链上企业"),
        Table("links", "关联客户"),
        Table("strength", "锻长板清单", item_kind=ItemKind.STRENGTH),
        Table("weakness", "补短板清单", item_kind=ItemKind.WEAKNESS),
        Table("technology", "关键产品技术攻关清单", item_kind=ItemKind.TECHNOLOGY),
    )
}
ROLE_NAMES = dict(Role.choices)


def member_rows(*, user: User, chain: Chain, roles: Sequence[str] = ()) -> QuerySet[Member]:
    """The members a page's table and its export list: in the segments' order, biggest first."""
    members = selectors.member_queryset(user=user, chain=chain)
    if roles:
        members = members.filter(role__in=list(roles))
    return members.order_by("segment__position", "segment_id", "-output_value", "enterprise__name", "pk")


def _member_row(member: Member, show_contacts: bool) -> list[Any]:
    enterprise = member.enterprise
    contacts = enterprise.contacts if show_contacts else mask_contacts(enterprise.contacts)
    first = contacts[0] if contacts else {}
    return [
        member.segment.name,
        enterprise.name,
        enterprise.uscc,
        enterprise.region.name,
        ROLE_NAMES[member.role],
        member.products,
        float(member.output_value) if member.output_value is not None else None,
        member.output_year,
        enterprise.employees,
        "是" if enterprise.above_scale else "否",
        first.get("name", ""),
        first.get("phone", ""),
        member.note,
    ]


def export_members(members: Iterable[Member], *, title: str, show_contacts: bool) -> bytes:
    return write_workbook(title, MEMBER_COLUMNS, (_member_row(m, show_contacts) for m in members))


def _link_row(link: Link) -> list[Any]:
    return [
        link.supplier_name,
        link.supplier_uscc,
        "本地企业" if link.supplier_id else "外地企业",
        link.customer_name,
        link.customer_uscc,
        "本地企业" if link.customer_id else "外地企业",
        link.product,
        float(link.annual_volume) if link.annual_volume is not None else None,
        link.volume_unit,
        link.note,
    ]


def export_links(links: Iterable[Link]) -> bytes:
    return write_workbook("关联客户", LINK_COLUMNS, (_link_row(link) for link in links))


def export_items(items: Iterable[ChainItem], *, title: str) -> bytes:
    return write_workbook(
        title,
        ITEM_COLUMNS,
        (
            [
                index,
                item.title,
                item.segment.name if item.segment else "",
                item.description,
                item.department.name if item.department else "",
                item.get_status_display(),
                item.progress,
            ]
            for index, item in enumerate(items, start=1)
        ),
    )


def export_table(*, user: User, chain: Chain, table: Table, show_contacts: bool) -> bytes:
    if table.item_kind:
        return export_items(
            selectors.item_queryset(user=user, chain=chain).filter(kind=table.item_kind), title=table.title
        )
    if table.key == "links":
        return export_links(selectors.link_queryset(user=user, chain=chain).order_by("supplier_name", "pk"))
    members = member_rows(user=user, chain=chain, roles=table.roles)
    return export_members(members.iterator(chunk_size=2000), title=table.title, show_contacts=show_contacts)


def export_comparison(rows: Iterable[ChainRow], columns: Sequence[Column]) -> bytes:
    """All the chains side by side, as the page shows them, with the registered columns."""
    headers = [
        ("产业链", 16),
        ("所属地区", 14),
        ("链长", 12),
        ("链长职务", 24),
        ("牵头部门", 24),
        *[(str(BUILT_IN[key]), 12) for key in BUILT_IN if key != "name"],
        ("链主企业", 10),
        ("龙头企业", 10),
        ("配套企业", 10),
        *[(f"{column.label}({column.unit})" if column.unit else column.label, 14) for column in columns],
    ]

    def line(row: ChainRow) -> list[Any]:
        chain = row.chain
        values: list[Any] = [
            chain.name,
            chain.region.name,
            chain.chief.name if chain.chief else "",
            chain.chief_title,
            chain.lead_department.name if chain.lead_department else "",
        ]
        for key in BUILT_IN:
            if key == "name":
                continue
            value = row.value(key)
            values.append(float(value) if key == "output_value" else value)
        values += [
            row.figures.by_role[Role.OWNER],
            row.figures.by_role[Role.LEADING],
            row.figures.by_role[Role.SUPPORTING],
        ]
        for column in columns:
            value = row.columns.get(column.key)
            values.append(float(value) if column.kind in ("amount", "rate") and value is not None else value)
        return values

    return write_workbook("产业链比进度", headers, (line(row) for row in rows))
