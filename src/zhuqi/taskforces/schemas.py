"""The task forces API's schemas and the JSON of each record as the API sends it.

Every choice of the system is typed with its TextChoices. The report form is data the task force
defines (reportforms.py): it goes in and comes out as the list of fields it is stored as, and a
report's status is one of that form's choices (全面复工 …), so it is text (`status_value`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from django.utils.translation import gettext
from ninja import Field, Schema

from zhuqi.core.periods import Period
from zhuqi.core.queries import IsoDate, RecordId, RegionCodeOrBlank, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.taskforces import figures
from zhuqi.taskforces.models import (
    Cadence,
    Campaign,
    CampaignKind,
    CampaignReport,
    CampaignStatus,
    Channel,
    EnrolledVia,
    MemberRole,
    TaskForce,
    TaskForceMember,
    TaskForceStatus,
)

# ---------------------------------------------------------------------------------------------
# In


# A time of day in Beijing (a deadline's), without an offset: written HH:MM (or HH:MM:SS).
TimeOfDay = Annotated[
    str,
    Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", description="a time of day, HH:MM (Beijing time)"),
]

# A period's key as a campaign's cadence writes it: a day, an ISO week or a month.
PeriodKey = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(\d{2}-\d{2}|[Ww]\d{1,2}|\d{1,2})$",
        description="a period's key in the campaign's cadence: 2026-11-09 (daily), 2026-W45 (weekly), "
        "2026-11 (monthly)",
    ),
]


def time_of_day(text: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(text) if text else None


def _hh_mm(value: Any) -> str:
    # A TimeField's value as read (a time; on SQLite a page read as JSON may give its text).
    return value[:5] if isinstance(value, str) else f"{value:%H:%M}"


REPORT_FORM_DESCRIPTION = (
    "the report form as data: a list of fields {key, label, kind (choice, integer, decimal, "
    "percent, text), unit, min, max, choices, done, required, measure (status, staff_present, "
    "staff_expected, capacity, output, difficulty), registry (employees), help}; each refused "
    "field is named as report_form[i].name"
)


class MemberIn(Schema):
    role: Annotated[str, choices_schema(MemberRole, blank=True)] = "member"
    official: RecordId | None = Field(None, description="an official (干部); or a member department")
    title: str = schema_field(TaskForceMember, "title", "", description="the post as the notice gives it")
    department: RecordId | None = Field(None, description="a member department (成员单位)")


class TaskForceIn(Schema):
    name: str = schema_field(TaskForce, "name")
    purpose: str = schema_field(TaskForce, "purpose", "")
    region: str = Field(description="GB/T 2260 code of the region it serves (its campaigns' enterprises)")
    lead_department: RecordId | None = None
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    status: Annotated[str, choices_schema(TaskForceStatus, blank=True)] = "active"
    members: list[MemberIn] = Field(
        [],
        max_length=500,
        description="its leaders (at least one 组长 when members are given), members and member "
        "departments, in order; an update replaces the whole list",
    )


class TaskForceUpdateIn(TaskForceIn):
    version: Version


class CampaignIn(Schema):
    task_force: RecordId
    name: str = schema_field(Campaign, "name")
    kind: Annotated[str, choices_schema(CampaignKind)]
    cadence: Annotated[str, choices_schema(Cadence, blank=True)] = "daily"
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    due_days: int = Field(0, ge=0, le=31, description="a period's report is due this many days after it ends")
    due_time: TimeOfDay | None = Field(None, description="…at this time of day (18:00 if not given)")
    same_day: bool = Field(False, description="the difficulties reported become same-day (日清日结) cases")
    report_form: list[dict[str, Any]] | None = Field(
        None,
        description=REPORT_FORM_DESCRIPTION
        + "; left out: the starting form of the kind for a new campaign, the form as it is for an update",
    )
    status: Annotated[str, choices_schema(CampaignStatus, blank=True)] = "active"


class CampaignUpdateIn(CampaignIn):
    version: Version


class EnrolRuleIn(Schema):
    region: RegionCodeOrBlank = Field("", description="the region and below (within the task force's)")
    industry: Annotated[
        str,
        Field(
            pattern=r"^([A-Za-z]|\d{1,4})?$",
            description="a GB/T 4754-2017 section letter (C) or code prefix (32, 3252)",
        ),
    ] = ""
    above_scale: bool | None = Field(None, description="above-scale (规上) enterprises only, or only not")
    chain: RecordId | None = Field(None, description="the members of this industrial chain")


class EnrolIn(Schema):
    enterprises: list[RecordId] = Field(
        [], max_length=50_000, description="the enterprises picked; or a rule over the registry"
    )
    rule: EnrolRuleIn | None = Field(None, description="every enterprise of the registry it picks")
    department: RecordId | None = Field(None, description="the department serving them (包保部门)")


ReportValue = str | int | float | bool | None


class CampaignReportIn(Schema):
    enterprise: RecordId
    period: PeriodKey
    values: dict[str, ReportValue] = Field(
        description="the form's values by field key; a field the registry answers may be left out; "
        "each refused value is named as values.<key>"
    )
    correction: bool = Field(False, description="replaces the period's report already made")
    version: Version | None = Field(None, description="for a correction: the version of the report read")
    difficulty_category: RecordId | None = Field(
        None, description="the category of the case a difficulty becomes (default: the one its text names)"
    )


class FiguresQuery(Schema):
    period: PeriodKey | None = Field(None, description="the period (its key); the current one if not given")
    region: RegionCodeOrBlank = ""
    by: Literal["region", "department"] = "region"


# ---------------------------------------------------------------------------------------------
# Out


class MemberOut(Schema):
    role: MemberRole
    role_label: str
    official: int | None
    official_name: str
    title: str
    department: int | None
    department_name: str


class TaskForceOut(Schema):
    id: int
    name: str
    purpose: str
    region: str
    region_name: str
    lead_department: int | None
    lead_department_name: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    status: TaskForceStatus
    status_label: str
    version: int


class CampaignOut(Schema):
    id: int
    task_force: int
    task_force_name: str
    name: str
    kind: CampaignKind
    kind_label: str
    cadence: Cadence
    cadence_label: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    due_days: int
    due_time: str = Field(description="HH:MM, Beijing time")
    same_day: bool
    status: CampaignStatus
    status_label: str
    version: int


class TaskForceDetailOut(TaskForceOut):
    members: list[MemberOut]
    campaigns: list[CampaignOut]


class PeriodOut(Schema):
    key: str
    label: str
    start: datetime.date
    end: datetime.date
    deadline: datetime.datetime = Field(description="when its reports are due; a report after it is late")
    reported: int = Field(description="the reports made for it, of the enterprises you see")
    enrolled: int = Field(description="the enterprises you see in the campaign by its last day")


class CampaignDetailOut(CampaignOut):
    region: str = Field(description="the task force's region")
    region_name: str
    report_form: list[dict[str, Any]] = Field(description=REPORT_FORM_DESCRIPTION)
    done_rate_name: str = Field(description="the name of the done rate for its kind (复工率 …)")
    enrolled: int = Field(description="the enterprises in it that you see")
    periods: list[PeriodOut] = Field(description=f"its periods so far, newest first (at most {365:,})")


class LastReportOut(Schema):
    period: str
    period_label: str
    status_value: str = Field(description="the status reported, one of the form's choices")
    late: bool
    submitted_at: datetime.datetime


class EnrolmentOut(Schema):
    enterprise: int
    enterprise_name: str
    region: str
    region_name: str
    department: int | None
    department_name: str
    via: EnrolledVia
    via_label: str
    enrolled_at: datetime.datetime
    last_report: LastReportOut | None = Field(description="its report of the latest period it reported")


class EnrolResultOut(Schema):
    added: int = Field(description="the enterprises put in (those already in are left as they are)")
    enrolled: int = Field(description="the enterprises in the campaign now, of those you see")


class CampaignReportOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    region: str
    region_name: str
    department: int | None
    department_name: str
    period: str
    period_label: str
    period_start: datetime.date
    values: dict[str, Any] = Field(description="the form's values by field key, as checked")
    status_value: str = Field(description="the status reported, one of the form's choices")
    staff_present: int | None
    staff_expected: int | None
    capacity: Decimal | None = Field(description="产能利用率, %")
    output: Decimal | None = Field(description="当期产值, 万元")
    difficulty: str
    case: int | None = Field(description="the demand case the difficulty became")
    # Written out where used: policies' Channel is the component named so.
    channel: Annotated[Channel, choices_schema(Channel)]
    channel_label: str
    late: bool
    corrections: int
    submitted_at: datetime.datetime
    version: int


class BoardRowOut(Schema):
    key: str = Field(description="a region's code, a department's id, a period's key, or total")
    label: str
    enrolled: int
    reported: int
    missing: int
    late: int
    statuses: dict[str, int] = Field(description="the enterprises reporting each of the form's statuses")
    done: int
    done_rate: Decimal | None = Field(description="%; null when nothing to divide by")
    report_rate: Decimal | None
    staffing_rate: Decimal | None
    capacity_rate: Decimal | None
    output: Decimal = Field(description="万元")
    difficulties: int
    open_cases: int
    same_day_open: int


class BoardOut(Schema):
    campaign: int
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    region: str
    region_name: str
    by: Literal["region", "department"]
    done_rate_name: str
    status_choices: list[str]
    done_choices: list[str]
    measures: list[str]
    rows: list[BoardRowOut]
    total: BoardRowOut
    trend: list[BoardRowOut] = Field(description="the totals of the periods up to this one, oldest first")
    definitions: dict[str, str] = Field(description="how each figure is computed")


# ---------------------------------------------------------------------------------------------
# JSON

_TASK_FORCE_STATUS = dict(TaskForceStatus.choices)
_ROLE = dict(MemberRole.choices)
_KIND = dict(CampaignKind.choices)
_CADENCE = dict(Cadence.choices)
_CAMPAIGN_STATUS = dict(CampaignStatus.choices)
_VIA = dict(EnrolledVia.choices)
_CHANNEL = dict(Channel.choices)


def _label(labels: dict[str, str], value: str) -> str:
    return gettext(str(labels[value])) if value in labels else value


@lru_cache(maxsize=4096)
def period_label(key: str) -> str:
    """2026年11月9日 for 2026-11-09, 2026年第45周 for 2026-W45: the label of a stored key."""
    return Period.parse(key).label if key else ""


TASK_FORCE_ROW_COLUMNS = (
    "id",
    "name",
    "purpose",
    "region_id",
    "region__name",
    "lead_department_id",
    "lead_department__name",
    "starts_on",
    "ends_on",
    "status",
    "version",
)


def task_force_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A task force as TaskForceOut sends it, from `.values(*TASK_FORCE_ROW_COLUMNS)`."""
    return {
        "id": row["id"],
        "name": row["name"],
        "purpose": row["purpose"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "lead_department": row["lead_department_id"],
        "lead_department_name": row["lead_department__name"] or "",
        "starts_on": row["starts_on"],
        "ends_on": row["ends_on"],
        "status": row["status"],
        "status_label": _label(_TASK_FORCE_STATUS, row["status"]),
        "version": row["version"],
    }


def task_force_json(task_force: TaskForce) -> dict[str, Any]:
    return {
        "id": task_force.pk,
        "name": task_force.name,
        "purpose": task_force.purpose,
        "region": task_force.region_id,
        "region_name": task_force.region.name,
        "lead_department": task_force.lead_department_id,
        "lead_department_name": task_force.lead_department.name if task_force.lead_department else "",
        "starts_on": task_force.starts_on,
        "ends_on": task_force.ends_on,
        "status": task_force.status,
        "status_label": _label(_TASK_FORCE_STATUS, task_force.status),
        "version": task_force.version,
    }


def member_json(member: TaskForceMember) -> dict[str, Any]:
    return {
        "role": member.role,
        "role_label": _label(_ROLE, member.role),
        "official": member.official_id,
        "official_name": member.official.name if member.official else "",
        "title": member.title,
        "department": member.department_id,
        "department_name": member.department.name if member.department else "",
    }


def task_force_detail_json(
    task_force: TaskForce, members: list[TaskForceMember], campaigns: list[Campaign]
) -> dict[str, Any]:
    return {
        **task_force_json(task_force),
        "members": [member_json(m) for m in members],
        "campaigns": [campaign_json(c) for c in campaigns],
    }


CAMPAIGN_ROW_COLUMNS = (
    "id",
    "task_force_id",
    "task_force__name",
    "name",
    "kind",
    "cadence",
    "starts_on",
    "ends_on",
    "due_days",
    "due_time",
    "same_day",
    "status",
    "version",
)


def campaign_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A campaign as CampaignOut sends it, from `.values(*CAMPAIGN_ROW_COLUMNS)`."""
    return {
        "id": row["id"],
        "task_force": row["task_force_id"],
        "task_force_name": row["task_force__name"],
        "name": row["name"],
        "kind": row["kind"],
        "kind_label": _label(_KIND, row["kind"]),
        "cadence": row["cadence"],
        "cadence_label": _label(_CADENCE, row["cadence"]),
        "starts_on": row["starts_on"],
        "ends_on": row["ends_on"],
        "due_days": row["due_days"],
        "due_time": _hh_mm(row["due_time"]),
        "same_day": row["same_day"],
        "status": row["status"],
        "status_label": _label(_CAMPAIGN_STATUS, row["status"]),
        "version": row["version"],
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "task_force": campaign.task_force_id,
        "task_force_name": campaign.task_force.name,
        "name": campaign.name,
        "kind": campaign.kind,
        "kind_label": _label(_KIND, campaign.kind),
        "cadence": campaign.cadence,
        "cadence_label": _label(_CADENCE, campaign.cadence),
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "due_days": campaign.due_days,
        "due_time": _hh_mm(campaign.due_time),
        "same_day": campaign.same_day,
        "status": campaign.status,
        "status_label": _label(_CAMPAIGN_STATUS, campaign.status),
        "version": campaign.version,
    }


def campaign_detail_json(
    campaign: Campaign, *, enrolled: int, periods: list[dict[str, Any]]
) -> dict[str, Any]:
    region = campaign.task_force.region
    return {
        **campaign_json(campaign),
        "region": region.code,
        "region_name": region.name,
        "report_form": campaign.report_form,
        "done_rate_name": gettext(
            figures.DONE_RATE_NAMES.get(
                CampaignKind(campaign.kind), figures.DONE_RATE_NAMES[CampaignKind.OTHER]
            )
        ),
        "enrolled": enrolled,
        "periods": periods,
    }


# The enrolments' list: their columns and their last report's (annotations, see
# api.enrolment_rows).
ENROLMENT_ROW_COLUMNS = (
    "id",
    "enterprise_id",
    "enterprise__name",
    "region_id",
    "region__name",
    "department_id",
    "department__name",
    "via",
    "enrolled_at",
    "last_period_key",
    "last_status_value",
    "last_late",
    "last_submitted_at",
)


def enrolment_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """An enterprise of a campaign as EnrolmentOut sends it, from `.values(*ENROLMENT_ROW_COLUMNS)`."""
    last = row["last_period_key"]
    return {
        "enterprise": row["enterprise_id"],
        "enterprise_name": row["enterprise__name"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "department": row["department_id"],
        "department_name": row["department__name"] or "",
        "via": row["via"],
        "via_label": _label(_VIA, row["via"]),
        "enrolled_at": row["enrolled_at"],
        "last_report": None
        if last is None
        else {
            "period": last,
            "period_label": period_label(last),
            "status_value": row["last_status_value"],
            "late": row["last_late"],
            "submitted_at": row["last_submitted_at"],
        },
    }


REPORT_ROW_COLUMNS = (
    "id",
    "enterprise_id",
    "enterprise__name",
    "region_id",
    "region__name",
    "department_id",
    "department__name",
    "period_key",
    "period_start",
    "values",
    "status_value",
    "staff_present",
    "staff_expected",
    "capacity",
    "output",
    "difficulty",
    "case_id",
    "channel",
    "late",
    "corrections",
    "submitted_at",
    "version",
)


def report_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A report as CampaignReportOut sends it, from `.values(*REPORT_ROW_COLUMNS)`."""
    return {
        "id": row["id"],
        "enterprise": row["enterprise_id"],
        "enterprise_name": row["enterprise__name"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "department": row["department_id"],
        "department_name": row["department__name"] or "",
        "period": row["period_key"],
        "period_label": period_label(row["period_key"]),
        "period_start": row["period_start"],
        "values": row["values"],
        "status_value": row["status_value"],
        "staff_present": row["staff_present"],
        "staff_expected": row["staff_expected"],
        "capacity": row["capacity"],
        "output": row["output"],
        "difficulty": row["difficulty"],
        "case": row["case_id"],
        "channel": row["channel"],
        "channel_label": _label(_CHANNEL, row["channel"]),
        "late": row["late"],
        "corrections": row["corrections"],
        "submitted_at": row["submitted_at"],
        "version": row["version"],
    }


def report_json(report: CampaignReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "enterprise": report.enterprise_id,
        "enterprise_name": report.enterprise.name,
        "region": report.region_id,
        "region_name": report.region.name,
        "department": report.department_id,
        "department_name": report.department.name if report.department else "",
        "period": report.period_key,
        "period_label": period_label(report.period_key),
        "period_start": report.period_start,
        "values": report.values,
        "status_value": report.status_value,
        "staff_present": report.staff_present,
        "staff_expected": report.staff_expected,
        "capacity": report.capacity,
        "output": report.output,
        "difficulty": report.difficulty,
        "case": report.case_id,
        "channel": report.channel,
        "channel_label": _label(_CHANNEL, report.channel),
        "late": report.late,
        "corrections": report.corrections,
        "submitted_at": report.submitted_at,
        "version": report.version,
    }


def board_json(board: figures.Board) -> dict[str, Any]:
    choices = board.status_choices
    return {
        "campaign": board.campaign.pk,
        "period": board.period.key,
        "period_label": board.period.label,
        "period_start": board.period.start,
        "period_end": board.period.end,
        "region": board.region.code,
        "region_name": board.region.name,
        "by": board.by,
        "done_rate_name": board.done_rate_name,
        "status_choices": list(choices),
        "done_choices": list(board.done_choices),
        "measures": sorted(board.measures),
        "rows": [row.as_data(choices) for row in board.rows],
        "total": board.total.as_data(choices),
        "trend": [point.row.as_data(choices) for point in board.trend],
        "definitions": {name: gettext(text) for name, text in figures.DEFINITIONS.items()},
    }
