from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.cases.models import Case, Kind
from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import limit, schema_field
from zhuqi.directory.models import Region
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitPolicy
from zhuqi.visits.selectors import STATEMENT_FIELDS

# A place is a region code: bounded, so a bad one is refused without being echoed at length.
PlaceCode = Annotated[str, Field(max_length=limit(Region, "code"))]


class PolicyAnswerIn(Schema):
    policy: RecordId = Field(description="a published policy of the catalogue, in your scope")
    answer: Annotated[str, choices_schema(VisitPolicy.Answer)] = Field(
        description="received (已享受) / unknown (不了解) / unobtainable (未能享受)"
    )


class AttendanceIn(Schema):
    enterprise: RecordId
    opinions: str = schema_field(VisitEnterprise, "opinions", "")
    policies_received: str = schema_field(VisitEnterprise, "policies_received", "")
    policies_unknown: str = schema_field(VisitEnterprise, "policies_unknown", "")
    policies_unobtainable: str = schema_field(VisitEnterprise, "policies_unobtainable", "")
    policies: list[PolicyAnswerIn] = Field(
        [],
        description="the catalogue's policies the enterprise named in the policy check, each once, "
        "beside the texts; replaces the list recorded",
    )


class SaidIn(Schema):
    kind: Annotated[str, choices_schema([Kind.INSTRUCTION, Kind.DEMAND])] = Field(
        description="instruction (a requirement given) / demand (a difficulty heard)"
    )
    title: str = schema_field(Case, "title")
    description: str = schema_field(Case, "description", "")
    category: RecordId | None = None
    enterprise: RecordId | None = Field(None, description="a demand's enterprise: one of the visit's")
    issued_by: RecordId | None = Field(
        None, description="an instruction's leader; default the first lead official"
    )
    lead_department: RecordId | None = None
    co_departments: list[RecordId] = []
    deadline: IsoDate | None = None


class VisitIn(Schema):
    kind: Annotated[str, choices_schema(VisitKind)]
    title: str = schema_field(Visit, "title")
    start_date: IsoDate
    end_date: IsoDate | None = None
    lead_officials: list[RecordId] = []
    accompanying_officials: list[RecordId] = []
    places: list[PlaceCode] = Field([], description="region codes")
    enterprises: list[AttendanceIn] = []
    projects: list[RecordId] = []
    summary: str = schema_field(Visit, "summary", "")
    no_problems: bool = False
    source_note: str = schema_field(Visit, "source_note", "")
    cases: list[SaidIn] = Field([], description="written with the visit, all or nothing")


class VisitCreateIn(VisitIn):
    confirm_duplicate: bool = Field(
        False,
        description="a visit that looks already recorded (same lead official, overlapping dates, an "
        "enterprise in common) is refused with 409 likely_duplicate; send true to record it anyway",
    )


class VisitUpdateIn(VisitIn):
    version: Version


class DuplicateVisitOut(Schema):
    id: int
    kind: VisitKind
    title: str
    start_date: datetime.date
    end_date: datetime.date


class LikelyDuplicateOut(Schema):
    code: str = Field(description="likely_duplicate")
    detail: str
    visit_ids: list[int] = Field(description="the visits already recorded that look like this one")
    visits: list[DuplicateVisitOut]


class VisitOut(Schema):
    id: int
    kind: VisitKind
    title: str
    start_date: datetime.date
    end_date: datetime.date
    region: str
    summary: str
    no_problems: bool
    version: int


class VisitPolicyOut(Schema):
    policy: int
    title: str
    document_number: str
    answer: Annotated[VisitPolicy.Answer, choices_schema(VisitPolicy.Answer)]
    answer_label: str


class AttendanceOut(Schema):
    id: int = Field(description="the enterprise")
    name: str
    # null, not "": withheld from this reader (visits.selectors.statements_heard_q), not unsaid.
    opinions: str | None
    policies_received: str | None
    policies_unknown: str | None
    policies_unobtainable: str | None
    policies: list[VisitPolicyOut] | None = Field(
        description="the catalogue's policies named in the policy check; null when withheld, as the texts"
    )


class VisitDetailOut(VisitOut):
    officials: list[dict[str, Any]]
    enterprises: list[AttendanceOut]
    places: list[str]
    attachments: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    cases: list[dict[str, Any]]


def visit_json(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "title": visit.title,
        "start_date": visit.start_date,
        "end_date": visit.end_date,
        "region": visit.region_id,
        "summary": visit.summary,
        "no_problems": visit.no_problems,
        "version": visit.version,
    }


# The API list's columns: what visit_row_json reads.
VISIT_ROW_COLUMNS = (
    "id",
    "kind",
    "title",
    "start_date",
    "end_date",
    "region_id",
    "summary",
    "no_problems",
    "version",
)


def visit_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """visit_json of a list row (`.values(*VISIT_ROW_COLUMNS)`), as VisitOut sends it."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "region": row["region_id"],
        "summary": row["summary"],
        "no_problems": row["no_problems"],
        "version": row["version"],
    }


def visit_policy_json(link: VisitPolicy) -> dict[str, Any]:
    return {
        "policy": link.policy_id,
        "title": link.policy.title,
        "document_number": link.policy.document_number,
        "answer": link.answer,
        "answer_label": link.get_answer_display(),
    }


def visit_detail_json(visit: Visit) -> dict[str, Any]:
    """A visit read with selectors.visit_detail (its prefetches, `linked_policies` among them)."""
    return {
        **visit_json(visit),
        "officials": [
            {"id": p.official_id, "name": p.official.name, "role": p.role, "posts": p.posts}
            for p in visit.participants.all()
        ],
        "enterprises": [
            {
                "id": a.enterprise_id,
                "name": a.enterprise.name,
                # null, not "": withheld from this reader (selectors.statements_heard_q), not unsaid.
                **{
                    name: None if getattr(a, "statements_hidden", False) else getattr(a, name)
                    for name in STATEMENT_FIELDS
                },
                "policies": None
                if getattr(a, "statements_hidden", False)
                else [visit_policy_json(link) for link in a.policy_links()],
            }
            for a in visit.attendance.all()
        ],
        "places": [r.code for r in visit.places.all()],
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type}
            for a in visit.attachments.all()
        ],
        "projects": [{"id": p.pk, "name": p.name} for p in visit.projects.all()],
        # The live state of what was said there: a leader sees which requirements are done.
        "cases": [
            {"id": c.pk, "kind": c.kind, "title": c.title, "status": c.status, "timeliness": c.timeliness}
            for c in visit.cases.all()
        ],
    }
