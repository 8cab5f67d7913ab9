"""The JSON shape of an enterprise, in the glossary's names, and how a user sees it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Field, Schema

from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import CONTACT_LENGTHS, schema_field
from zhuqi.core.validators import mask_contacts
from zhuqi.enterprises.models import Assignment, Enterprise, Qualification, QualificationKind, SizeClass
from zhuqi.enterprises.validation import EMPLOYEES_MAX

# Beside cases' Kind in the OpenAPI document, so written out where it is used.
AssignmentKind = Annotated[Assignment.Kind, choices_schema(Assignment.Kind)]


class Contact(Schema):
    name: str = ""
    phone: str = ""
    title: str = ""


class ContactIn(Contact):
    name: str = Field("", max_length=CONTACT_LENGTHS["name"])
    phone: str = Field("", max_length=CONTACT_LENGTHS["phone"])
    title: str = Field("", max_length=CONTACT_LENGTHS["title"])


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    short_name: str
    region: str
    region_name: str
    industry: str | None
    industry_name: str | None
    employees: int | None
    revenue: Decimal | None
    total_assets: Decimal | None
    above_scale: bool
    founded_on: datetime.date | None
    size_class: SizeClass | None
    size_basis: dict[str, Any]
    address: str
    contacts: list[Contact]
    contacts_masked: bool
    version: int


class QualificationOut(Schema):
    kind: QualificationKind
    kind_label: str
    recognised_on: datetime.date | None
    valid_until: datetime.date | None
    # Not expired: no end, or an end today or later (Qualification.valid_q).
    in_force: bool


class EnterpriseDetailOut(EnterpriseOut):
    """One enterprise as its own endpoints send it: with its qualifications (资质认定), which the
    list's rows leave out."""

    qualifications: list[QualificationOut]


class EnterpriseIn(Schema):
    uscc: str
    name: str = schema_field(Enterprise, "name")
    short_name: str = schema_field(Enterprise, "short_name", "")
    region: str
    industry: str | None = None
    employees: int | None = Field(None, ge=0, le=EMPLOYEES_MAX)
    revenue: Decimal | None = None
    total_assets: Decimal | None = None
    above_scale: bool = False
    founded_on: IsoDate | None = None
    address: str = schema_field(Enterprise, "address", "")
    contacts: list[ContactIn] = []


class EnterprisePatch(Schema):
    """Only the fields sent are changed. `version` is the version the client read: required, so
    a client cannot overwrite a change it has not seen."""

    version: Version
    uscc: str | None = None
    name: str | None = schema_field(Enterprise, "name", None)
    short_name: str | None = schema_field(Enterprise, "short_name", None)
    region: str | None = None
    industry: str | None = None
    employees: int | None = Field(None, ge=0, le=EMPLOYEES_MAX)
    revenue: Decimal | None = None
    total_assets: Decimal | None = None
    above_scale: bool | None = None
    founded_on: IsoDate | None = None
    address: str | None = schema_field(Enterprise, "address", None)
    contacts: list[ContactIn] | None = None


class QualificationIn(Schema):
    kind: Annotated[str, choices_schema(QualificationKind)]
    recognised_on: IsoDate | None = None
    valid_until: IsoDate | None = None


class QualificationsIn(Schema):
    """The enterprise's whole list of qualifications: what is not listed is removed. `version` is
    the enterprise's, as read."""

    version: Version
    items: list[QualificationIn] = Field(max_length=len(QualificationKind))


def masked_contacts(contacts: list[dict[str, str]]) -> list[dict[str, str]]:
    return mask_contacts(contacts)


def enterprise_json(enterprise: Enterprise, *, show_contacts: bool) -> dict[str, Any]:
    return {
        "id": enterprise.pk,
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "short_name": enterprise.short_name,
        "region": enterprise.region_id,
        "region_name": enterprise.region.name,
        "industry": enterprise.industry_id,
        "industry_name": enterprise.industry.name if enterprise.industry else None,
        "employees": enterprise.employees,
        "revenue": enterprise.revenue,
        "total_assets": enterprise.total_assets,
        "above_scale": enterprise.above_scale,
        "founded_on": enterprise.founded_on,
        "size_class": enterprise.size_class or None,
        "size_basis": enterprise.size_basis,
        "address": enterprise.address,
        "contacts": enterprise.contacts if show_contacts else masked_contacts(enterprise.contacts),
        "contacts_masked": not show_contacts,
        "version": enterprise.version,
    }


# The API list's columns: what enterprise_row_json reads.
ENTERPRISE_ROW_COLUMNS = (
    "id",
    "uscc",
    "name",
    "short_name",
    "region_id",
    "region__name",
    "industry_id",
    "industry__name",
    "employees",
    "revenue",
    "total_assets",
    "above_scale",
    "founded_on",
    "size_class",
    "size_basis",
    "address",
    "contacts",
    "version",
)


def _contact(contact: dict[str, Any]) -> dict[str, str]:
    # As the Contact schema sends one: these three keys, "" for one not given, nothing else.
    return {
        "name": contact.get("name", ""),
        "phone": contact.get("phone", ""),
        "title": contact.get("title", ""),
    }


def enterprise_row_json(row: dict[str, Any], *, show_contacts: bool) -> dict[str, Any]:
    """enterprise_json of a list row (`.values(*ENTERPRISE_ROW_COLUMNS)`), as EnterpriseOut sends
    it; tests/test_api_lists.py holds the two equal."""
    contacts = row["contacts"] if show_contacts else masked_contacts(row["contacts"])
    return {
        "id": row["id"],
        "uscc": row["uscc"],
        "name": row["name"],
        "short_name": row["short_name"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "industry": row["industry_id"],
        "industry_name": row["industry__name"],
        "employees": row["employees"],
        "revenue": row["revenue"],
        "total_assets": row["total_assets"],
        "above_scale": row["above_scale"],
        "founded_on": row["founded_on"],
        "size_class": row["size_class"] or None,
        "size_basis": row["size_basis"],
        "address": row["address"],
        "contacts": [_contact(c) for c in contacts or [] if isinstance(c, dict)],
        "contacts_masked": not show_contacts,
        "version": row["version"],
    }


def qualification_json(qualification: Qualification) -> dict[str, Any]:
    """A qualification as read by selectors.enterprise_qualifications (with its `in_force`)."""
    return {
        "kind": qualification.kind,
        "kind_label": gettext(QualificationKind(qualification.kind).label),
        "recognised_on": qualification.recognised_on,
        "valid_until": qualification.valid_until,
        "in_force": qualification.in_force,  # type: ignore[attr-defined]
    }


def enterprise_detail_json(
    enterprise: Enterprise, qualifications: list[Qualification], *, show_contacts: bool
) -> dict[str, Any]:
    """enterprise_json with the enterprise's qualifications, as EnterpriseDetailOut sends it."""
    return {
        **enterprise_json(enterprise, show_contacts=show_contacts),
        "qualifications": [qualification_json(q) for q in qualifications],
    }


class AssignmentIn(Schema):
    official: RecordId
    kind: Annotated[str, choices_schema(Assignment.Kind)] = "liaison"
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    note: str = schema_field(Assignment, "note", "")


class AssignmentEnd(Schema):
    end_date: IsoDate | None = None


class AssignmentOut(Schema):
    id: int
    enterprise: int
    official: int
    official_name: str
    kind: AssignmentKind
    start_date: datetime.date
    end_date: datetime.date | None
    note: str
    current: bool
    visits_per_month: int
    calls_per_month: int


def assignment_json(assignment: Any) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "id": assignment.pk,
        "enterprise": assignment.enterprise_id,
        "official": assignment.official_id,
        "official_name": assignment.official.name,
        "kind": assignment.kind,
        "start_date": assignment.start_date,
        "end_date": assignment.end_date,
        "note": assignment.note,
        "current": assignment.start_date <= today
        and (assignment.end_date is None or assignment.end_date >= today),
        "visits_per_month": assignment.visits_per_month,
        "calls_per_month": assignment.calls_per_month,
    }
