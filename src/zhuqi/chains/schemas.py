"""The API's shapes for chains. Every choice is typed with its TextChoices (the OpenAPI lists the
values); each `*_json` builds exactly its schema's JSON (tests compare them)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.chains.models import (
    Chain,
    ChainItem,
    ItemKind,
    ItemStatus,
    Link,
    Member,
    Role,
    Segment,
    SegmentKind,
)
from zhuqi.chains.selectors import MemberFigures, SegmentStrength
from zhuqi.core.queries import RecordId, Version, Year, choices_schema
from zhuqi.core.textlimits import schema_field


class ChainIn(Schema):
    name: str = schema_field(Chain, "name")
    region: str
    chief: RecordId | None = None
    chief_title: str = schema_field(Chain, "chief_title", "")
    deputies: list[RecordId] = []
    lead_department: RecordId | None = None
    description: str = schema_field(Chain, "description", "")
    weak_output: Decimal | str | None = Field(
        None, description="万元: a segment whose members' output is under it is weak"
    )
    position: int = Field(0, ge=0, le=32767)


class ChainUpdateIn(ChainIn):
    version: Version


class ChainOut(Schema):
    id: int
    name: str
    region: str
    region_name: str
    chief: int | None
    chief_name: str
    chief_title: str
    lead_department: int | None
    lead_department_name: str
    description: str
    weak_output: Decimal | None
    position: int
    version: int


def chain_json(chain: Chain) -> dict[str, Any]:
    return {
        "id": chain.pk,
        "name": chain.name,
        "region": chain.region_id,
        "region_name": chain.region.name,
        "chief": chain.chief_id,
        "chief_name": chain.chief.name if chain.chief else "",
        "chief_title": chain.chief_title,
        "lead_department": chain.lead_department_id,
        "lead_department_name": chain.lead_department.name if chain.lead_department else "",
        "description": chain.description,
        "weak_output": chain.weak_output,
        "position": chain.position,
        "version": chain.version,
    }


class ChainSegmentIn(Schema):
    name: str = schema_field(Segment, "name")
    parent: RecordId | None = Field(
        None, description="the segment upstream (for a supporting one: the one it supplies)"
    )
    kind: Annotated[str, choices_schema(SegmentKind)] = SegmentKind.MAIN
    position: int = Field(0, ge=0, le=32767)
    description: str = schema_field(Segment, "description", "")
    weak_output: Decimal | str | None = None


class ChainSegmentUpdateIn(ChainSegmentIn):
    version: Version


class ChainVersionIn(Schema):
    version: Version


class ChainSegmentOut(Schema):
    id: int
    name: str
    parent: int | None
    kind: SegmentKind
    position: int
    column: int = Field(description="the panorama's column, 0 = furthest upstream")
    description: str
    weak_output: Decimal | None
    members: int
    output_value: Decimal = Field(description="万元, its members' sum")
    gap: bool
    gap_reason: str
    version: int


def segment_json(strength: SegmentStrength) -> dict[str, Any]:
    segment = strength.segment
    return {
        "id": segment.pk,
        "name": segment.name,
        "parent": segment.parent_id,
        "kind": segment.kind,
        "position": segment.position,
        "column": strength.depth,
        "description": segment.description,
        "weak_output": segment.weak_output,
        "members": strength.members,
        "output_value": strength.output_value,
        "gap": strength.is_gap,
        "gap_reason": strength.reason,
        "version": segment.version,
    }


class ChainDetailOut(ChainOut):
    segments: list[ChainSegmentOut]


class ChainMemberIn(Schema):
    segment: RecordId
    enterprise: RecordId
    role: Annotated[str, choices_schema(Role)] = Role.OTHER
    output_value: Decimal | str | None = Field(None, description="万元")
    output_year: Year | None = None
    products: str = schema_field(Member, "products", "")
    note: str = schema_field(Member, "note", "")


class ChainMemberUpdateIn(ChainMemberIn):
    version: Version


class ChainMemberOut(Schema):
    id: int
    chain: int
    segment: int
    segment_name: str
    enterprise: int
    enterprise_name: str
    region: str
    role: Role
    output_value: Decimal | None = Field(description="万元")
    output_year: int | None
    products: str
    employees: int | None = Field(description="from the enterprise registry")
    above_scale: bool = Field(description="from the enterprise registry")
    note: str
    version: int


def member_json(member: Member) -> dict[str, Any]:
    enterprise = member.enterprise
    return {
        "id": member.pk,
        "chain": member.chain_id,
        "segment": member.segment_id,
        "segment_name": member.segment.name,
        "enterprise": enterprise.pk,
        "enterprise_name": enterprise.name,
        "region": enterprise.region_id,
        "role": member.role,
        "output_value": member.output_value,
        "output_year": member.output_year,
        "products": member.products,
        "employees": enterprise.employees,
        "above_scale": enterprise.above_scale,
        "note": member.note,
        "version": member.version,
    }


class ChainLinkIn(Schema):
    product: str = schema_field(Link, "product")
    supplier: RecordId | None = Field(None, description="one of ours; else supplier_name (and uscc)")
    supplier_name: str = schema_field(Link, "supplier_name", "")
    supplier_uscc: str = Field("", max_length=40)
    customer: RecordId | None = None
    customer_name: str = schema_field(Link, "customer_name", "")
    customer_uscc: str = Field("", max_length=40)
    annual_volume: Decimal | str | None = None
    volume_unit: str = schema_field(Link, "volume_unit", "")
    note: str = schema_field(Link, "note", "")


class ChainLinkUpdateIn(ChainLinkIn):
    version: Version


class ChainLinkOut(Schema):
    id: int
    chain: int
    supplier: int | None
    supplier_name: str
    supplier_uscc: str
    customer: int | None
    customer_name: str
    customer_uscc: str
    product: str
    annual_volume: Decimal | None
    volume_unit: str
    note: str
    version: int


def link_json(link: Link) -> dict[str, Any]:
    return {
        "id": link.pk,
        "chain": link.chain_id,
        "supplier": link.supplier_id,
        "supplier_name": link.supplier_name,
        "supplier_uscc": link.supplier_uscc,
        "customer": link.customer_id,
        "customer_name": link.customer_name,
        "customer_uscc": link.customer_uscc,
        "product": link.product,
        "annual_volume": link.annual_volume,
        "volume_unit": link.volume_unit,
        "note": link.note,
        "version": link.version,
    }


class ChainItemIn(Schema):
    kind: Annotated[str, choices_schema(ItemKind)]
    title: str = schema_field(ChainItem, "title")
    segment: RecordId | None = None
    description: str = schema_field(ChainItem, "description", "")
    department: RecordId | None = None
    status: Annotated[str, choices_schema(ItemStatus)] = ItemStatus.PLANNED
    progress: str = schema_field(ChainItem, "progress", "")
    position: int = Field(0, ge=0, le=32767)


class ChainItemUpdateIn(ChainItemIn):
    version: Version


class ChainItemOut(Schema):
    id: int
    kind: ItemKind
    title: str
    segment: int | None
    segment_name: str
    description: str
    department: int | None
    department_name: str
    status: ItemStatus
    progress: str
    position: int
    version: int


def item_json(item: ChainItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "segment": item.segment_id,
        "segment_name": item.segment.name if item.segment else "",
        "description": item.description,
        "department": item.department_id,
        "department_name": item.department.name if item.department else "",
        "status": item.status,
        "progress": item.progress,
        "position": item.position,
        "version": item.version,
    }


# The service's bound (services.goal_set), said in the schema so the API refuses beyond it.
GoalCount = Annotated[int, Field(ge=0, le=1_000_000)]


class ChainGoalIn(Schema):
    investment_signed: Decimal | str | None = Field(None, description="万元")
    projects_landed: GoalCount | None = None
    funds_in_place: Decimal | str | None = Field(None, description="万元")
    new_above_scale: GoalCount | None = None
    version: Version | None = Field(None, description="required to change a year already set")


class ChainGoalOut(Schema):
    year: int
    investment_signed: Decimal | None
    projects_landed: int | None
    funds_in_place: Decimal | None
    new_above_scale: int | None
    version: int


class ChainFiguresOut(Schema):
    members: int
    enterprises: int
    above_scale: int
    output_value: Decimal = Field(description="万元")
    employees: int
    by_role: dict[str, int]
    segments: int
    gaps: int
    columns: dict[str, Any] = Field(
        description="the figures other apps compute (projects, agreements, targets)"
    )
    as_of: datetime.date


def figures_json(figures: MemberFigures, columns: dict[str, Any], as_of: datetime.date) -> dict[str, Any]:
    return {
        "members": figures.members,
        "enterprises": figures.enterprises,
        "above_scale": figures.above_scale,
        "output_value": figures.output_value,
        "employees": figures.employees,
        "by_role": figures.by_role,
        "segments": figures.segments,
        "gaps": figures.gaps,
        "columns": columns,
        "as_of": as_of,
    }
