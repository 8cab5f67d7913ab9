from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Schema

from zhuqi.cases.common_problems import CommonProblems
from zhuqi.cases.models import (
    Case,
    CaseStep,
    Closure,
    Complexity,
    Escalation,
    Extension,
    GroupingSplit,
    JointHandling,
    Kind,
    Outcome,
    RejectionReason,
    Source,
    Status,
    Timeliness,
    UnresolvableReason,
    Urgency,
    status_label,
)
from zhuqi.cases.workflow import allowed_steps
from zhuqi.core.queries import Blank, IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import REASON_LENGTH, schema_field


class CaseIn(Schema):
    kind: Annotated[str, choices_schema(Kind)]
    title: str = schema_field(Case, "title")
    description: str = schema_field(Case, "description", "")
    enterprise: RecordId | None = None
    category: RecordId | None = None
    urgency: Annotated[str, choices_schema(Urgency, blank=True)] = "normal"
    complexity: Annotated[str, choices_schema(Complexity, blank=True)] = "simple"
    source: Annotated[str, choices_schema(Source, blank=True)] = ""
    source_note: str = schema_field(Case, "source_note", "")
    issued_by: RecordId | None = None
    region: str = Field("", description="for an instruction with no enterprise: the region it belongs to")
    rule_breached: str = schema_field(Case, "rule_breached", "")
    evidence: str = schema_field(Case, "evidence", "")
    lead_department: RecordId | None = Field(
        None, description="assign at once (instructions, rectification orders)"
    )
    co_departments: list[RecordId] = []
    deadline: IsoDate | None = None


class StepIn(Schema):
    version: Version
    comment: str = schema_field(CaseStep, "comment", "")


class CaseCorrectionIn(Schema):
    """Only the fields sent are changed."""

    version: Version
    title: str | None = schema_field(Case, "title", None)
    description: str | None = schema_field(Case, "description", None)
    category: RecordId | None = None
    enterprise: RecordId | None = None
    reason: str = Field(
        "", max_length=REASON_LENGTH, description="why it is corrected; shown on the timeline"
    )


class RejectIn(StepIn):
    reason: Annotated[str, choices_schema(RejectionReason)]
    duplicate_of: RecordId | None = None


class AssignIn(StepIn):
    lead_department: RecordId | None = Field(None, description="empty: use the routing catalogue")
    co_departments: list[RecordId] = []
    deadline: IsoDate | None = Field(None, description="empty: by the deadline policy")
    complexity: Annotated[str, choices_schema(Complexity, blank=True)] = ""


class AnswerIn(StepIn):
    answer: str = schema_field(Case, "answer")
    outcome: Annotated[str, choices_schema(Outcome)]
    outcome_reason: Annotated[str, choices_schema(UnresolvableReason, blank=True)] = ""


class ConfirmIn(StepIn):
    rating: int = Field(ge=1, le=5, description="1–5; 1–2 send the case back to the department")
    comment: str = schema_field(
        Case, "rating_comment", "", description="kept on the case as its rating comment"
    )


class ExtensionRequestIn(StepIn):
    requested_deadline: IsoDate
    comment: str = schema_field(Case, "extension_reason", "", description="the reason, kept on the case")


class ExtensionDecisionIn(StepIn):
    approve: bool
    new_deadline: IsoDate | None = None


class CompletionIn(StepIn):
    report: str = schema_field(CaseStep, "comment")


class VerifyIn(StepIn):
    passed: bool
    deadline: IsoDate | None = Field(None, description="a new deadline when it did not pass")


class ReopenIn(StepIn):
    deadline: IsoDate | None = None


class Named(Schema):
    id: int | str
    name: str


class CaseOut(Schema):
    id: int
    version: int
    kind: Kind
    kind_label: str
    title: str
    description: str
    enterprise: Named | None
    region: Named
    category: Named
    urgency: Urgency
    complexity: Complexity
    source: Source
    source_note: str
    status: Status
    status_label: str
    lead_department: Named | None
    co_departments: list[Named] | None = None
    submitted_at: datetime.datetime
    assigned_at: datetime.datetime | None
    deadline: datetime.datetime | None
    deadline_provisional: bool
    due_at: datetime.datetime | None
    timeliness: Timeliness
    escalation_level: Escalation = Field(
        description="督办级别: '' (none), reminder (催办), supervision (督办), notice (通报)"
    )
    escalation_level_label: str
    working_days_late: int = Field(description="Working days past the running deadline, as last counted")
    flagged_for_notice: bool
    answer: str
    outcome: Outcome | Blank
    outcome_reason: UnresolvableReason | Blank
    rating: int | None
    closure: Closure | Blank
    closed_at: datetime.datetime | None
    duplicate_of: int | None
    rejection_reason: RejectionReason | Blank
    extension: Extension
    unsatisfied_count: int
    allowed_steps: list[str]


class StepDetailOut(Schema):
    label: str
    text: str


class StepOut(Schema):
    id: int
    step: str
    step_label: str = Field(description="the step's name on this kind of case (a hazard's 复查)")
    from_status: str
    to_status: str
    actor: str
    at: datetime.datetime
    comment: str
    data: dict[str, Any] = Field(description="as recorded: codes, ids and ISO times, for programs")
    details: list[StepDetailOut] = Field(
        description="what `data` says, as a person reads it (departments, deadlines, verdicts, reasons)"
    )
    attachments: list[dict[str, Any]]


def _named(obj: Any, key: str = "pk") -> dict[str, Any] | None:
    return {"id": getattr(obj, key), "name": str(obj)} if obj is not None else None


def case_json(case: Case, *, with_co_departments: bool = False) -> dict[str, Any]:
    return {
        "id": case.pk,
        "version": case.version,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "title": case.title,
        "description": case.description,
        "enterprise": _named(case.enterprise),
        "region": {"id": case.region_id, "name": case.region.name},
        "category": _named(case.category),
        "urgency": case.urgency,
        "complexity": case.complexity,
        "source": case.source,
        "source_note": case.source_note,
        "status": case.status,
        "status_label": case.status_label,
        "lead_department": _named(case.lead_department),
        "co_departments": [_named(d) for d in case.co_departments.all()] if with_co_departments else None,
        "submitted_at": case.submitted_at,
        "assigned_at": case.assigned_at,
        "deadline": case.deadline,
        "deadline_provisional": case.deadline_provisional,
        "due_at": case.due_at,
        "timeliness": case.timeliness,
        "escalation_level": case.escalation_level,
        "escalation_level_label": case.escalation_label,
        "working_days_late": case.working_days_late,
        "flagged_for_notice": case.flagged_for_notice,
        "answer": case.answer,
        "outcome": case.outcome,
        "outcome_reason": case.outcome_reason,
        "rating": case.rating,
        "closure": case.closure,
        "closed_at": case.closed_at,
        "duplicate_of": case.duplicate_of_id,
        "rejection_reason": case.rejection_reason,
        "extension": case.extension,
        "unsatisfied_count": case.unsatisfied_count,
        "allowed_steps": allowed_steps(case),
    }


# The API list's columns: what case_row_json reads, and nothing else (a Case has ~70).
CASE_ROW_COLUMNS = (
    "id",
    "version",
    "kind",
    "title",
    "description",
    "enterprise_id",
    "enterprise__name",
    "region_id",
    "region__name",
    "category_id",
    "category__name",
    "urgency",
    "complexity",
    "source",
    "source_note",
    "status",
    "lead_department_id",
    "lead_department__name",
    "submitted_at",
    "assigned_at",
    "deadline",
    "deadline_provisional",
    "due_at",
    "timeliness",
    "escalation_level",
    "working_days_late",
    "flagged_for_notice",
    "answer",
    "outcome",
    "outcome_reason",
    "rating",
    "closure",
    "closed_at",
    "duplicate_of_id",
    "rejection_reason",
    "extension",
    "unsatisfied_count",
    # What the workflow's conditions read (allowed_steps).
    "joint_handling_id",
)
_KIND_LABELS = dict(Kind.choices)


class _StepFacts:
    """What workflow.allowed_steps reads of a case (the table's conditions read no more)."""

    __slots__ = ("extension", "joint_handling_id", "kind", "status", "urgency")

    def __init__(self, **facts: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, facts[name])


@functools.lru_cache(maxsize=1024)
def _status_label(kind: str, status: str, language: str | None) -> str:
    return status_label(kind, status)  # translated: one entry per language


@functools.lru_cache(maxsize=1024)
def _allowed_steps(kind: str, status: str, extension: str, urgency: str, alone: bool) -> tuple[str, ...]:
    # A few dozen combinations: each worked out once per process. `alone`: in no joint handling.
    facts = _StepFacts(
        kind=kind, status=status, extension=extension, urgency=urgency, joint_handling_id=None if alone else 0
    )
    return tuple(allowed_steps(facts))  # type: ignore[arg-type]


def _named_row(row: dict[str, Any], key: str) -> dict[str, Any] | None:
    pk = row[f"{key}_id"]
    return None if pk is None else {"id": pk, "name": row[f"{key}__name"]}


def case_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """case_json of a list row (`.values(*CASE_ROW_COLUMNS)`), as sent: CaseOut's JSON without
    co-departments (a list shows none). tests/test_api_lists.py holds the two equal."""
    level = row["escalation_level"]
    return {
        "id": row["id"],
        "version": row["version"],
        "kind": row["kind"],
        "kind_label": _KIND_LABELS.get(row["kind"], row["kind"]),
        "title": row["title"],
        "description": row["description"],
        "enterprise": _named_row(row, "enterprise"),
        "region": {"id": row["region_id"], "name": row["region__name"]},
        "category": _named_row(row, "category"),
        "urgency": row["urgency"],
        "complexity": row["complexity"],
        "source": row["source"],
        "source_note": row["source_note"],
        "status": row["status"],
        "status_label": _status_label(row["kind"], row["status"], get_language()),
        "lead_department": _named_row(row, "lead_department"),
        "co_departments": None,
        "submitted_at": row["submitted_at"],
        "assigned_at": row["assigned_at"],
        "deadline": row["deadline"],
        "deadline_provisional": row["deadline_provisional"],
        "due_at": row["due_at"],
        "timeliness": row["timeliness"],
        "escalation_level": level,
        "escalation_level_label": Escalation(level).label if level else "",
        "working_days_late": row["working_days_late"],
        "flagged_for_notice": row["flagged_for_notice"],
        "answer": row["answer"],
        "outcome": row["outcome"],
        "outcome_reason": row["outcome_reason"],
        "rating": row["rating"],
        "closure": row["closure"],
        "closed_at": row["closed_at"],
        "duplicate_of": row["duplicate_of_id"],
        "rejection_reason": row["rejection_reason"],
        "extension": row["extension"],
        "unsatisfied_count": row["unsatisfied_count"],
        "allowed_steps": _allowed_steps(
            row["kind"], row["status"], row["extension"], row["urgency"], row["joint_handling_id"] is None
        ),
    }


def step_json(step: CaseStep) -> dict[str, Any]:
    return {
        "id": step.pk,
        "step": step.step,
        "step_label": step.step_label,
        "from_status": step.from_status,
        "to_status": step.to_status,
        "actor": step.actor_name,
        "at": timezone.localtime(step.at),
        "comment": step.comment,
        "data": step.data,
        "details": [{"label": label, "text": text} for label, text in step.details],
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size, "url": f"/cases/attachments/{a.pk}/"}
            for a in step.attachments.all()
        ],
    }


# ---------------------------------------------------------------------------------------------
# Common problems (共性问题)


class GroupedCaseOut(Schema):
    id: int
    title: str
    status: Status
    status_label: str
    enterprise: Named
    shared_terms: list[str] = Field(
        description="the words it shares with the others of its group, the label's first: why it is there"
    )


class GroupedEnterpriseOut(Schema):
    id: int
    name: str
    cases: int = Field(description="how many of the group's cases are this enterprise's")


class CommonProblemOut(Schema):
    category: Named = Field(description="the top-level category; groups never span two")
    label: str = Field(description="the words most of the group's cases share")
    terms: list[str]
    enterprises: list[GroupedEnterpriseOut]
    cases: list[GroupedCaseOut]


class CommonProblemsOut(Schema):
    min_enterprises: int
    considered: int = Field(description="how many open cases were grouped")
    limit: int = Field(description="at most this many, the newest, are grouped")
    truncated: bool = Field(description="true when older open cases were left out to stay in the limit")
    note: str
    problems: list[CommonProblemOut]


def common_problems_json(result: CommonProblems) -> dict[str, Any]:
    return {
        "min_enterprises": result.min_enterprises,
        "considered": result.considered,
        "limit": result.limit,
        "truncated": result.truncated,
        "note": result.note,
        "problems": [
            {
                "category": {"id": problem.category_id, "name": problem.category_name},
                "label": problem.label,
                "terms": problem.terms,
                "enterprises": [{"id": e.id, "name": e.name, "cases": e.cases} for e in problem.enterprises],
                "cases": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "status": c.status,
                        "status_label": c.status_label,
                        "enterprise": {"id": c.enterprise_id, "name": c.enterprise_name},
                        "shared_terms": list(c.shared_terms),
                    }
                    for c in problem.cases
                ],
            }
            for problem in result.problems
        ],
    }


class GroupingSplitIn(Schema):
    case: RecordId = Field(description="the case to take out of its group")
    others: list[RecordId] = Field(
        max_length=5000,
        description="the other cases of its group: it never groups with them again",
    )
    label: str = Field(
        "", max_length=200, description="the group's label, kept to say what it was split from"
    )


class GroupingSplitOut(Schema):
    id: int
    case: Named = Field(description="the case split out (name: its title)")
    enterprise: Named | None
    others: list[int] = Field(description="the cases it is kept apart from")
    label: str
    created_by: str
    created_at: datetime.datetime


def grouping_split_json(split: GroupingSplit) -> dict[str, Any]:
    enterprise = split.case.enterprise
    return {
        "id": split.pk,
        "case": {"id": split.case_id, "name": split.case.title},
        "enterprise": {"id": enterprise.pk, "name": enterprise.name} if enterprise else None,
        "others": sorted(other.pk for other in split.others.all()),
        "label": split.label,
        "created_by": str(split.created_by) if split.created_by else "",
        "created_at": split.created_at,
    }


# ---------------------------------------------------------------------------------------------
# Joint handling (联合办理)


class JointIn(Schema):
    cases: list[RecordId] = Field(description="the member demands (at least two enterprises')")
    lead_department: RecordId
    co_departments: list[RecordId] = []
    title: str = schema_field(JointHandling, "title", "")
    deadline: IsoDate | None = Field(None, description="empty: by the deadline policy, one for all members")
    comment: str = schema_field(CaseStep, "comment", "")


class JointMemberIn(Schema):
    version: Version
    case: RecordId


class JointRemoveIn(JointMemberIn):
    reason: str = schema_field(CaseStep, "comment")


class JointPolicyIn(Schema):
    version: Version
    policy_question: bool
    note: str = schema_field(JointHandling, "policy_note", "")


class JointMemberOut(Schema):
    id: int
    title: str
    enterprise: Named | None
    status: Status
    status_label: str
    rating: int | None


class JointOut(Schema):
    id: int
    version: int
    title: str
    region: Named
    category: Named | None
    lead_department: Named
    co_departments: list[Named] | None = None
    status: Status
    status_label: str
    deadline: datetime.datetime | None
    extension: Extension
    answer: str
    outcome: Outcome | Blank
    outcome_reason: UnresolvableReason | Blank
    answered_at: datetime.datetime | None
    policy_question: bool
    policy_note: str
    created_at: datetime.datetime
    member_count: int | None = None
    members: list[JointMemberOut] | None = None


def joint_json(joint: JointHandling, *, members: Any = None) -> dict[str, Any]:
    return {
        "id": joint.pk,
        "version": joint.version,
        "title": joint.title,
        "region": {"id": joint.region_id, "name": joint.region.name},
        "category": _named(joint.category),
        "lead_department": _named(joint.lead_department),
        "co_departments": [_named(d) for d in joint.co_departments.all()] if members is not None else None,
        "status": joint.status,
        "status_label": joint.status_label,
        "deadline": joint.deadline,
        "extension": joint.extension,
        "answer": joint.answer,
        "outcome": joint.outcome,
        "outcome_reason": joint.outcome_reason,
        "answered_at": joint.answered_at,
        "policy_question": joint.policy_question,
        "policy_note": joint.policy_note,
        "created_at": joint.created_at,
        "member_count": getattr(joint, "member_count", None),
        "members": [
            {
                "id": case.pk,
                "title": case.title,
                "enterprise": _named(case.enterprise),
                "status": case.status,
                "status_label": case.status_label,
                "rating": case.rating,
            }
            for case in members
        ]
        if members is not None
        else None,
    }
