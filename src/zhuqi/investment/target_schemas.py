"""The API's investment targets (招商目标): every choice typed with its TextChoices."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.investment.models import Target, TargetStatus


class TargetIn(Schema):
    chain: RecordId
    segment: RecordId = Field(description="a segment of that chain (usually a gap: 缺什么补什么)")
    name: str = schema_field(Target, "name", description="the outside enterprise, as written")
    uscc: str = Field("", description="its unified social credit code, when known")
    origin: str = schema_field(Target, "origin", "", description="where it is from, e.g. 江苏省无锡市")
    expected_investment: Decimal | str | None = Field(None, description="万元")
    department: RecordId | None = Field(
        None, description="the owner department; the chain's lead department if left out"
    )
    official: RecordId | None = None
    next_step: str = schema_field(Target, "next_step", "")
    next_step_on: IsoDate | None = None
    note: str = schema_field(Target, "note", "")


class TargetUpdateIn(TargetIn):
    version: Version


class AdvanceIn(Schema):
    version: Version
    status: Annotated[str, choices_schema(TargetStatus)]
    agreement: RecordId | None = Field(None, description="required to sign: the agreement signed")
    project: RecordId | None = Field(None, description="required to land: the project it landed as")
    note: str = schema_field(
        Target, "status_note", "", description="what happened; required to drop a target or take it up again"
    )


class TargetOut(Schema):
    id: int
    chain: int
    chain_name: str
    segment: int
    segment_name: str
    name: str
    uscc: str
    origin: str
    status: TargetStatus
    status_label: str
    expected_investment: Decimal | None = Field(description="万元")
    department: int
    department_name: str
    official: int | None
    official_name: str
    next_step: str
    next_step_on: datetime.date | None
    status_note: str
    agreement: int | None
    agreement_title: str
    project: int | None
    project_name: str
    note: str
    status_changed_at: datetime.datetime
    version: int


def target_json(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "chain": target.chain_id,
        "chain_name": target.chain.name,
        "segment": target.segment_id,
        "segment_name": target.segment.name,
        "name": target.name,
        "uscc": target.uscc,
        "origin": target.origin,
        "status": target.status,
        "status_label": str(TargetStatus(target.status).label),
        "expected_investment": target.expected_investment,
        "department": target.department_id,
        "department_name": target.department.name,
        "official": target.official_id,
        "official_name": target.official.name if target.official else "",
        "next_step": target.next_step,
        "next_step_on": target.next_step_on,
        "status_note": target.status_note,
        # Named only where the reader may see them (target_selectors.target_queryset).
        "agreement": target.agreement_id if _seen(target, "agreement") else None,
        "agreement_title": target.agreement.title if target.agreement and _seen(target, "agreement") else "",
        "project": target.project_id if _seen(target, "project") else None,
        "project_name": target.project.name if target.project and _seen(target, "project") else "",
        "note": target.note,
        "status_changed_at": target.status_changed_at,
        "version": target.version,
    }


def _seen(target: Target, field: str) -> bool:
    return getattr(target, f"{field}_id") is not None and bool(getattr(target, f"{field}_seen", False))
