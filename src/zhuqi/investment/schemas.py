from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.investment.models import Agreement, AgreementKind, AmountNature, AmountUnit, FundsInPlace
from zhuqi.investment.selectors import STATUS_LABELS, AgreementStatus


class AgreementIn(Schema):
    title: str = schema_field(Agreement, "title")
    kind: Annotated[str, choices_schema(AgreementKind)]
    counterparty_name: str = schema_field(
        Agreement,
        "counterparty_name",
        "",
        description="the other side, as written (need not be in the registry)",
    )
    counterparty: RecordId | None = None
    our_party_name: str = schema_field(
        Agreement, "our_party_name", "", description="our signing party: a government or a local enterprise"
    )
    our_party: RecordId | None = None
    region: str
    signed_on: IsoDate | None = None
    place: str = schema_field(Agreement, "place", "")
    amount: Decimal | str | None = None
    amount_unit: Annotated[str, choices_schema(AmountUnit, blank=True)] = Field(
        "亿元", description="the unit `amount` is written in"
    )
    amount_nature: Annotated[str, choices_schema(AmountNature, blank=True)] = "none"
    period: str = schema_field(Agreement, "period", "")
    fields: str = schema_field(Agreement, "fields", "")
    follow_up_department: RecordId | None = None
    leaders_present: list[RecordId] = []
    note: str = schema_field(Agreement, "note", "")
    chain: RecordId | None = Field(None, description="the industrial chain it invests in (所属产业链)")


class AgreementUpdateIn(AgreementIn):
    version: Version


class ProjectsIn(Schema):
    projects: list[RecordId]
    version: Version


class FundsIn(Schema):
    on: IsoDate | None = None
    amount: Decimal | str
    unit: Annotated[str, choices_schema(AmountUnit, blank=True)] = "万元"
    note: str = schema_field(FundsInPlace, "note", "")
    version: Version


class AgreementOut(Schema):
    id: int
    title: str
    kind: AgreementKind
    counterparty_name: str
    our_party_name: str
    region: str
    region_name: str
    signed_on: datetime.date
    place: str
    amount: Decimal = Field(description="万元")
    amount_as_entered: Decimal
    entered_unit: AmountUnit
    amount_nature: AmountNature
    period: str
    fields: str
    follow_up_department: int | None
    follow_up_department_name: str
    chain: int | None
    chain_name: str
    status: AgreementStatus
    status_label: str
    landed_amount: Decimal = Field(description="total investment of the projects that came of it, 万元")
    funds_in_place: Decimal
    version: int


class AgreementDetailOut(AgreementOut):
    leaders_present: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    funds: list[dict[str, Any]]
    note: str


def agreement_json(agreement: Agreement) -> dict[str, Any]:
    status: AgreementStatus = getattr(agreement, "status", "signed")
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "kind": agreement.kind,
        "counterparty_name": agreement.counterparty_name,
        "our_party_name": agreement.our_party_name,
        "region": agreement.region_id,
        "region_name": agreement.region.name,
        "signed_on": agreement.signed_on,
        "place": agreement.place,
        "amount": agreement.amount,
        "amount_as_entered": agreement.amount_as_entered,
        "entered_unit": agreement.entered_unit,
        "amount_nature": agreement.amount_nature,
        "period": agreement.period,
        "fields": agreement.fields,
        "follow_up_department": agreement.follow_up_department_id,
        "follow_up_department_name": agreement.follow_up_department.name
        if agreement.follow_up_department
        else "",
        "chain": agreement.chain_id,
        "chain_name": agreement.chain.name if agreement.chain else "",
        "status": status,
        "status_label": STATUS_LABELS[status],
        "landed_amount": getattr(agreement, "landed_amount", Decimal(0)),
        "funds_in_place": agreement.funds_in_place,
        "version": agreement.version,
    }


def agreement_detail_json(agreement: Agreement) -> dict[str, Any]:
    return {
        **agreement_json(agreement),
        "leaders_present": [{"id": o.pk, "name": o.name} for o in agreement.leaders_present.all()],
        "projects": [
            {"id": p.pk, "name": p.name, "stage": p.stage, "total_investment": p.total_investment}
            for p in agreement.projects.all()
        ],
        "funds": [{"on": f.on, "amount": f.amount, "note": f.note} for f in agreement.funds.all()],
        "note": agreement.note,
    }
