"""The dispatch API's schemas and the JSON of each record as the API sends it: the cockpit's
figures (cockpit.cockpit_figures, typed section by section), meetings with their attendees,
agenda and decisions, briefings and economic figures.

Every choice is typed with its TextChoices (or a Literal of the values the cockpit writes), so
the OpenAPI lists the values. Rates are numbers 0–1 (null when there is nothing to divide by),
amounts are numbers, dates ISO."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Schema

from zhuqi.cases.models import Case, Status, Urgency
from zhuqi.core.errors import ValidationFailed
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.queries import IsoDate, RecordId, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.core.validators import ID_MAX_DIGITS
from zhuqi.dispatch.models import (
    AgendaItem,
    AgendaSection,
    AttendeeRole,
    Briefing,
    BriefingStatus,
    EconomicFigure,
    Indicator,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    ScopeKind,
    indicator_unit,
)
from zhuqi.projects.models import Stage

# ---------------------------------------------------------------------------------------------
# In

ScopeText = Annotated[
    str,
    Field(
        max_length=40,
        pattern=rf"^((region:\d{{6}})|(department|chain):\d{{1,{ID_MAX_DIGITS}}})?$",
        description="what the figures are of: region:150581 (a region with the regions under it), "
        "department:12 (a department's work), chain:3 (an industrial chain); blank: your jurisdiction",
    ),
]

# A period by name, by key, or a custom range of days (years 2000–2100).
PeriodText = Annotated[
    str,
    Field(
        pattern=r"^(week|last_week|month|last_month|quarter|last_quarter|year|last_year"
        r"|\d{4}(-[Ww]\d{1,2}|-\d{1,2}(-[Hh][12])?|-[Qq]\d|-\d{2}-\d{2})?"
        r"|(20\d\d|2100)-\d{2}-\d{2}~(20\d\d|2100)-\d{2}-\d{2})?$",
        description="the period: by name (week, last_week, month, last_month, quarter, last_quarter, "
        "year, last_year), by key (2026-W45, 2026-11, 2026-Q3, 2026) or a range of days "
        "(2026-01-01~2026-03-31, its end not before its start); blank: this month",
    ),
]


class DispatchFiguresQuery(Schema):
    scope: ScopeText = ""
    period: PeriodText = ""


class MeetingAttendeeIn(Schema):
    official: RecordId | None = Field(None, description="an official (干部)")
    posts: str = schema_field(MeetingAttendee, "posts", "", description="the posts held that day")
    role: Annotated[str, choices_schema(AttendeeRole, blank=True)] = "attending"


class MeetingBaseIn(Schema):
    title: str = schema_field(Meeting, "title")
    held_on: IsoDate
    place: str = schema_field(Meeting, "place", "")
    region: str = Field(description="GB/T 2260 code of the jurisdiction holding it")
    scope_kind: Annotated[str, choices_schema(ScopeKind, blank=True)] = "region"
    department: RecordId | None = Field(None, description="a department's meeting: the department")
    chain: RecordId | None = Field(None, description="an industrial chain's meeting: the chain")
    projects: list[RecordId] = Field(
        [], max_length=500, description="the projects dispatched (a project list's meeting)"
    )
    chair: RecordId | None = Field(None, description="the official chairing it")
    chair_posts: str = schema_field(Meeting, "chair_posts", "", description="the chair's posts that day")
    departments: list[RecordId] = Field([], max_length=500, description="the departments attending")
    attendees: list[MeetingAttendeeIn] = Field(
        [], max_length=500, description="the officials attending, in order; an update replaces the list"
    )
    summary: str = schema_field(Meeting, "summary", "", description="what the meeting required")


class MeetingIn(MeetingBaseIn):
    build_agenda: bool = Field(True, description="draw the agenda from the records at once")


class MeetingUpdateIn(MeetingBaseIn):
    version: Version


class MeetingVersionIn(Schema):
    version: Version


class AgendaItemIn(Schema):
    version: Version
    title: str = schema_field(AgendaItem, "title")
    detail: str = schema_field(AgendaItem, "detail", "")


class DecisionIn(Schema):
    version: Version
    title: str = schema_field(Case, "title", description="the decision, as the instruction case's title")
    description: str = schema_field(Case, "description", "")
    lead_department: RecordId | None = Field(None, description="the department leading it (牵头部门)")
    co_departments: list[RecordId] = Field([], max_length=50, description="the departments helping")
    deadline: IsoDate | None = Field(None, description="the day it is to be done by, not before the meeting")
    category: RecordId | None = Field(
        None, description="the case category (default: the one its words name, else 其他)"
    )
    enterprise: RecordId | None = None
    project: RecordId | None = None
    urgency: Annotated[str, choices_schema(Urgency, blank=True)] = "normal"


class BriefingIn(Schema):
    period: PeriodText = ""
    scope: ScopeText = Field("", description="what the briefing is of; or give meeting")
    meeting: RecordId | None = Field(
        None, description="a meeting's briefing: its scope, decisions and agenda"
    )


class EconomicFigureIn(Schema):
    region: str = Field(description="GB/T 2260 code of the region the figure is of")
    indicator: Annotated[str, choices_schema(Indicator)]
    period: str = Field(max_length=24, description="a month (2026-10), a quarter (2026-Q3) or a year (2026)")
    value: Decimal | str | None = Field(None, description="as published (亿元 or %)")
    target: Decimal | str | None = Field(None, description="the target set for it")
    compared_for: str = Field(
        "",
        max_length=6,
        pattern=r"^(\d{6})?$",
        description="a peer region's figure: the GB/T 2260 code of your region that compares itself with it",
    )
    note: str = schema_field(EconomicFigure, "note", "")
    version: Version | None = Field(None, description="the version read, when correcting a figure")


# ---------------------------------------------------------------------------------------------
# Out: the cockpit


class CockpitRegionOut(Schema):
    code: str
    name: str


class CockpitScopeOut(Schema):
    kind: ScopeKind
    key: str = Field(description="region:150581, department:12 or chain:3")
    label: str
    region: CockpitRegionOut


class CockpitPeriodOut(Schema):
    key: str
    label: str
    from_: datetime.date = Field(alias="from")
    to: datetime.date
    kind: PeriodKind


Rate = float | None
RATE = "0–1; null when there is nothing to divide by"


class CaseTotalOut(Schema):
    key: str | int | None
    name: str
    cases: int
    response_due: int
    responded_on_time: int
    answer_due: int
    answered_on_time: int
    demands_due: int
    resolved: int
    partly_resolved: int
    not_resolvable: int
    disputed: int
    unanswered: int
    ratings_given: int
    satisfied_ratings: int
    not_rated: int
    closed: int
    open: int
    late: int
    escalated: int
    supervised: int
    flagged: int
    response_rate: Rate = Field(description=RATE)
    answer_rate: Rate = Field(description=RATE)
    resolution_rate: Rate = Field(description=RATE)
    satisfaction_rate: Rate = Field(description=RATE)
    average_days_to_close: float | None = Field(description="working days")


class CaseTrendPointOut(Schema):
    period: str
    label: str
    cases: int
    response_rate: Rate
    answer_rate: Rate
    resolution_rate: Rate
    satisfaction_rate: Rate


class CockpitCasesOut(Schema):
    total: CaseTotalOut
    trend: list[CaseTrendPointOut] = Field(description="the periods up to this one, oldest first")
    definitions: dict[str, str]


class LateCaseRowOut(Schema):
    id: int
    days_late: int | None = Field(description="working days past the deadline")
    title: str
    department: str
    due_at: datetime.date | None
    escalation: str = Field(description="the escalation level's label")
    link: str


class CockpitLateCasesOut(Schema):
    open: int = Field(description="open cases of the scope now")
    late: int
    escalated: int
    rows: list[LateCaseRowOut] = Field(description="the latest first, at most 10")


class ProjectTotalOut(Schema):
    key: str | int | None
    name: str
    projects: int
    planned_starts: int
    started_by_date: int
    start_rate: Rate = Field(description=RATE)
    started_in_year: int
    producing_in_year: int
    flagged: int
    planned_investment: float = Field(description="万元")
    completed_investment: float = Field(description="万元")
    investment_rate: Rate = Field(description=RATE)


class ProjectStageCountOut(Schema):
    stage: Stage
    label: str
    projects: int


class CockpitProjectsOut(Schema):
    year: int
    by: datetime.date = Field(description="the day the figures are counted up to")
    total: ProjectTotalOut
    stages: list[ProjectStageCountOut]
    definitions: dict[str, str]


class AgreementTotalOut(Schema):
    key: str | int | None
    name: str
    agreements: int
    amount: float = Field(description="万元")
    landed: int
    landing_rate: Rate = Field(description=RATE)
    started: int
    start_rate: Rate = Field(description=RATE)
    producing: int
    performed: int
    performance_rate: Rate = Field(description=RATE)
    funds_in_place: float = Field(description="万元")
    funds_rate: Rate = Field(description=RATE)
    landed_amount: float = Field(description="万元")
    without_project: int


class AgreementFunnelStepOut(Schema):
    stage: Literal["agreements", "landed", "started", "producing"]
    label: str
    count: int


class CockpitAgreementsOut(Schema):
    year: int
    total: AgreementTotalOut
    funnel: list[AgreementFunnelStepOut]
    definitions: dict[str, str]


class CockpitCoverageOut(Schema):
    month: str
    month_label: str
    assignments: int
    on_target: int
    rate: Rate = Field(description=RATE)
    visits: int
    quiet_enterprises: int


class LeaderVisitsRowOut(Schema):
    official: str
    official_id: int
    visits: int
    enterprises: int


class PolicyTotalOut(Schema):
    key: str | int | None
    name: str
    eligible: int
    reached: int
    reach_rate: Rate = Field(description=RATE)
    notified: int
    applied: int
    granted: int
    grant_rate: Rate = Field(description=RATE)
    refused: int
    amount: float = Field(description="万元")
    median_days: float | None
    demands: int


class CockpitPoliciesOut(Schema):
    total: PolicyTotalOut
    definitions: dict[str, str]


class CockpitCampaignRowOut(Schema):
    id: int
    name: str
    task_force: str
    period: str
    period_label: str
    enrolled: int
    reported: int
    missing: int
    late: int
    report_rate: Rate = Field(description=RATE)
    done_rate: Rate = Field(description=RATE)
    done_rate_name: str
    open_cases: int
    link: str


class CockpitFallRowOut(Schema):
    enterprise_id: int
    enterprise: str
    region: str
    worst: float = Field(description="the largest fall, per cent")
    drops: str


class CockpitCampaignsOut(Schema):
    campaigns: list[CockpitCampaignRowOut]
    falls_month: str
    falls_month_label: str
    falls: int = Field(description="the enterprises whose operating indicators fell that month")
    fall_rows: list[CockpitFallRowOut]


class ChainGoalLineOut(Schema):
    key: str
    label: str
    goal: float | None
    done: float | None
    percent: int | None = Field(description="per cent of the goal done")


class CockpitChainRowOut(Schema):
    id: int
    name: str
    chief: str
    enterprises: int
    open_cases: int
    late_cases: int
    goals: list[ChainGoalLineOut]
    lowest_percent: int | None
    link: str


class EconomicPeerOut(Schema):
    region: str
    value: float | None
    own: bool


class CockpitEconomyRowOut(Schema):
    indicator: Indicator
    label: str
    unit: Literal["亿元", "%"]
    period: str
    period_label: str
    value: float | None
    target: float | None
    gap: float | None = Field(description="value − target")
    rank: int | None = Field(description="among the peers entered for the region")
    peers: int
    peer_rows: list[EconomicPeerOut]


class RankingRowOut(Schema):
    key: str | int = Field(description="a department's id or a region's code")
    name: str
    value: Rate = Field(description=RATE)
    rank: int | None
    previous_rank: int | None
    change: int | None = Field(description="places gained since the previous period (negative: lost)")
    compared: bool = Field(
        default=True,
        description="false: no previous rank exists (an agreement's landing is its state now)",
    )


class RankingTableOut(Schema):
    key: str
    by: Literal["department", "region"]
    by_label: str
    measure: Literal[
        "response_rate",
        "answer_rate",
        "resolution_rate",
        "satisfaction_rate",
        "start_rate",
        "investment_rate",
        "landing_rate",
    ]
    label: str
    measure_label: str
    definition: str
    previous_period: str
    previous_label: str
    rows: list[RankingRowOut]


class CockpitOut(Schema):
    scope: CockpitScopeOut
    period: CockpitPeriodOut
    generated_at: datetime.datetime
    cases: CockpitCasesOut | None = Field(
        description="null: your role does not see this section, or the scope does not count it (a "
        "department's or a chain's cockpit counts only its own work)"
    )
    late_cases: CockpitLateCasesOut | None
    projects: CockpitProjectsOut | None
    agreements: CockpitAgreementsOut | None
    coverage: CockpitCoverageOut | None
    leader_visits: list[LeaderVisitsRowOut] | None
    policies: CockpitPoliciesOut | None
    campaigns: CockpitCampaignsOut | None
    chains: list[CockpitChainRowOut] | None
    economy: list[CockpitEconomyRowOut] | None
    rankings: list[RankingTableOut] | None


class RankingsOut(Schema):
    scope: CockpitScopeOut
    period: CockpitPeriodOut
    rankings: list[RankingTableOut] = Field(
        description="departments and sub-regions ranked on each rate (a region's scope only)"
    )


def _percent_as_rate(value: Any) -> float | None:
    # A campaign's board gives its rates in per cent (Decimal 0–100); the API's rates are 0–1.
    return None if value is None else round(float(value) / 100, 4)


def cockpit_json(figures: dict[str, Any]) -> dict[str, Any]:
    """The cockpit's figures as CockpitOut validates them: the campaigns' rates made 0–1 like
    every other rate (the rest is already so)."""
    campaigns = figures.get("campaigns")
    if campaigns:
        figures = {
            **figures,
            "campaigns": {
                **campaigns,
                "campaigns": [
                    {
                        **row,
                        "report_rate": _percent_as_rate(row["report_rate"]),
                        "done_rate": _percent_as_rate(row["done_rate"]),
                    }
                    for row in campaigns["campaigns"]
                ],
            },
        }
    return figures


# ---------------------------------------------------------------------------------------------
# Out: meetings


class MeetingOut(Schema):
    id: int
    title: str
    held_on: datetime.date
    place: str
    region: str
    region_name: str
    scope_kind: ScopeKind
    scope_kind_label: str
    department: int | None
    department_name: str
    chain: int | None
    chain_name: str
    chair: int
    chair_name: str
    chair_posts: str
    version: int


class MeetingNamedOut(Schema):
    id: int
    name: str


class MeetingAttendeeOut(Schema):
    official: int
    official_name: str
    posts: str
    role: AttendeeRole
    role_label: str


class AgendaItemOut(Schema):
    id: int
    section: AgendaSection
    section_label: str
    title: str
    detail: str
    record_type: str = Field(description="the record it is about: cases.case, projects.project …")
    record_id: int | None
    link: str = Field(description="its page")
    position: int


class AgendaItemAddedOut(AgendaItemOut):
    meeting_version: int = Field(description="the meeting's version now")


class MeetingDecisionOut(Schema):
    id: int
    meeting: int
    case: int = Field(description="the instruction case it became")
    title: str
    lead_department: int | None
    lead_department_name: str
    deadline: datetime.date | None
    status: Status = Field(description="the case's status now")
    status_label: str
    position: int


class MeetingDecisionAddedOut(MeetingDecisionOut):
    meeting_version: int = Field(description="the meeting's version now")


class MeetingRefOut(Schema):
    id: int
    title: str
    held_on: datetime.date


class MeetingDetailOut(MeetingOut):
    summary: str
    projects: list[MeetingNamedOut]
    departments: list[MeetingNamedOut]
    attendees: list[MeetingAttendeeOut]
    agenda: list[AgendaItemOut]
    decisions: list[MeetingDecisionOut]
    previous_meeting: MeetingRefOut | None = Field(
        description="the last meeting of the same scope before this one, that you see"
    )
    last_decisions: list[MeetingDecisionOut] = Field(
        description="the previous meeting's decisions and where each stands now"
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime


_SCOPE_KIND = dict(ScopeKind.choices)
_ROLE = dict(AttendeeRole.choices)
_SECTION = dict(AgendaSection.choices)
_STATUS = dict(Status.choices)
_BRIEFING_STATUS = dict(BriefingStatus.choices)
_INDICATOR = dict(Indicator.choices)


def _label(labels: dict[str, str], value: str) -> str:
    return gettext(str(labels[value])) if value in labels else value


MEETING_ROW_COLUMNS = (
    "id",
    "title",
    "held_on",
    "place",
    "region_id",
    "region__name",
    "scope_kind",
    "department_id",
    "department__name",
    "chain_id",
    "chain__name",
    "chair_id",
    "chair__name",
    "chair_posts",
    "version",
)


def meeting_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A meeting as MeetingOut sends it, from `.values(*MEETING_ROW_COLUMNS)`."""
    return {
        "id": row["id"],
        "title": row["title"],
        "held_on": row["held_on"],
        "place": row["place"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "scope_kind": row["scope_kind"],
        "scope_kind_label": _label(_SCOPE_KIND, row["scope_kind"]),
        "department": row["department_id"],
        "department_name": row["department__name"] or "",
        "chain": row["chain_id"],
        "chain_name": row["chain__name"] or "",
        "chair": row["chair_id"],
        "chair_name": row["chair__name"],
        "chair_posts": row["chair_posts"],
        "version": row["version"],
    }


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "region": meeting.region_id,
        "region_name": meeting.region.name,
        "scope_kind": meeting.scope_kind,
        "scope_kind_label": _label(_SCOPE_KIND, meeting.scope_kind),
        "department": meeting.department_id,
        "department_name": meeting.department.name if meeting.department else "",
        "chain": meeting.chain_id,
        "chain_name": meeting.chain.name if meeting.chain else "",
        "chair": meeting.chair_id,
        "chair_name": meeting.chair.name,
        "chair_posts": meeting.chair_posts,
        "version": meeting.version,
    }


def attendee_json(attendee: MeetingAttendee) -> dict[str, Any]:
    return {
        "official": attendee.official_id,
        "official_name": attendee.official.name,
        "posts": attendee.posts,
        "role": attendee.role,
        "role_label": _label(_ROLE, attendee.role),
    }


def agenda_item_json(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "section": item.section,
        "section_label": _label(_SECTION, item.section),
        "title": item.title,
        "detail": item.detail,
        "record_type": item.record_type,
        "record_id": item.record_id,
        "link": item.link,
        "position": item.position,
    }


def decision_json(decision: MeetingDecision) -> dict[str, Any]:
    case = decision.case
    return {
        "id": decision.pk,
        "meeting": decision.meeting_id,
        "case": case.pk,
        "title": case.title,
        "lead_department": case.lead_department_id,
        "lead_department_name": case.lead_department.name if case.lead_department else "",
        "deadline": timezone.localtime(case.deadline).date() if case.deadline else None,
        "status": case.status,
        "status_label": case.get_status_display(),
        "position": decision.position,
    }


def meeting_detail_json(
    meeting: Meeting,
    *,
    decisions: list[MeetingDecision],
    previous: Meeting | None,
    last_decisions: list[MeetingDecision],
) -> dict[str, Any]:
    return {
        **meeting_json(meeting),
        "summary": meeting.summary,
        "projects": [{"id": p.pk, "name": p.name} for p in meeting.projects.order_by("name", "pk")],
        "departments": [{"id": d.pk, "name": d.name} for d in meeting.departments.order_by("name", "pk")],
        "attendees": [attendee_json(a) for a in meeting.attendees.select_related("official")],
        "agenda": [agenda_item_json(item) for item in meeting.agenda.all()],
        "decisions": [decision_json(d) for d in decisions],
        "previous_meeting": None
        if previous is None
        else {"id": previous.pk, "title": previous.title, "held_on": previous.held_on},
        "last_decisions": [decision_json(d) for d in last_decisions],
        "created_at": meeting.created_at,
        "updated_at": meeting.updated_at,
    }


# ---------------------------------------------------------------------------------------------
# Out: briefings


class BriefingRequestedOut(Schema):
    id: int
    status: BriefingStatus
    url: str = Field(description="where to follow it (GET): its status, progress and, when done, its files")


class BriefingOut(Schema):
    id: int
    status: BriefingStatus
    status_label: str
    progress: int = Field(description="per cent done")
    step: str = Field(description="what it is doing now")
    error: str = Field(description="why it failed")
    period: str
    period_label: str
    scope_kind: ScopeKind
    scope: str = Field(description="region:150581, department:12 or chain:3")
    region: str
    region_name: str
    meeting: int | None
    requested_at: datetime.datetime
    finished_at: datetime.datetime | None
    document_url: str | None = Field(description="the Word document (.docx), once done")
    workbook_url: str | None = Field(description="the Excel workbook (.xlsx), once done")


def _scope_key(briefing: Briefing) -> str:
    if briefing.scope_kind == ScopeKind.DEPARTMENT and briefing.department_id:
        return f"department:{briefing.department_id}"
    if briefing.scope_kind == ScopeKind.CHAIN and briefing.chain_id:
        return f"chain:{briefing.chain_id}"
    return f"region:{briefing.region_id}"


def _period_label(key: str) -> str:
    try:
        return Period.parse(key).label
    except ValidationFailed:  # a key no longer read (never expected): shown as stored
        return key


def briefing_json(
    briefing: Briefing, *, document_url: str | None, workbook_url: str | None
) -> dict[str, Any]:
    return {
        "id": briefing.pk,
        "status": briefing.status,
        "status_label": _label(_BRIEFING_STATUS, briefing.status),
        "progress": briefing.progress,
        "step": briefing.step,
        "error": briefing.error,
        "period": briefing.period,
        "period_label": _period_label(briefing.period),
        "scope_kind": briefing.scope_kind,
        "scope": _scope_key(briefing),
        "region": briefing.region_id,
        "region_name": briefing.region.name,
        "meeting": briefing.meeting_id,
        "requested_at": briefing.requested_at,
        "finished_at": briefing.finished_at,
        "document_url": document_url,
        "workbook_url": workbook_url,
    }


# ---------------------------------------------------------------------------------------------
# Out: economic figures


class EconomicFigureOut(Schema):
    id: int
    region: str
    region_name: str
    indicator: Indicator
    indicator_label: str
    unit: Literal["亿元", "%"]
    period: str
    period_label: str
    value: float | None = Field(description="as published, in its unit")
    target: float | None
    compared_for: str | None = Field(description="a peer's figure: the region that compares itself with it")
    compared_for_name: str
    note: str
    version: int
    updated_at: datetime.datetime


ECONOMIC_ROW_COLUMNS = (
    "id",
    "region_id",
    "region__name",
    "indicator",
    "period",
    "value",
    "target",
    "compared_for_id",
    "compared_for__name",
    "note",
    "version",
    "updated_at",
)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def economic_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A figure as EconomicFigureOut sends it, from `.values(*ECONOMIC_ROW_COLUMNS)`."""
    return {
        "id": row["id"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "indicator": row["indicator"],
        "indicator_label": _label(_INDICATOR, row["indicator"]),
        "unit": indicator_unit(row["indicator"]),
        "period": row["period"],
        "period_label": _period_label(row["period"]),
        "value": _number(row["value"]),
        "target": _number(row["target"]),
        "compared_for": row["compared_for_id"],
        "compared_for_name": row["compared_for__name"] or "",
        "note": row["note"],
        "version": row["version"],
        "updated_at": row["updated_at"],
    }


def economic_json(figure: EconomicFigure) -> dict[str, Any]:
    return economic_row_json(
        {
            "id": figure.pk,
            "region_id": figure.region_id,
            "region__name": figure.region.name,
            "indicator": figure.indicator,
            "period": figure.period,
            "value": figure.value,
            "target": figure.target,
            "compared_for_id": figure.compared_for_id,
            "compared_for__name": figure.compared_for.name if figure.compared_for else "",
            "note": figure.note,
            "version": figure.version,
            "updated_at": figure.updated_at,
        }
    )
