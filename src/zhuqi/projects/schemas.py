from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.cases.models import Case
from zhuqi.core.queries import IsoDate, RecordId, Version, Year, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.projects import selectors
from zhuqi.projects.models import (
    Level,
    Milestone,
    MilestoneKind,
    ProgressReport,
    Project,
    ProjectCategory,
    ProjectList,
    ReportingPeriod,
    Stage,
    StageChange,
)


class ProjectIn(Schema):
    name: str = schema_field(Project, "name")
    region: str = Field(description="GB/T 2260 code of where it is built")
    total_investment: Decimal | str = Field(description="万元; a text may carry its unit (万元 only)")
    listed_year: Year | None = None
    code: str = schema_field(
        Project, "code", "", description="项目代码 from the investment-project approval platform"
    )
    project_list: RecordId | None = None
    owner: RecordId | None = Field(None, description="the owner enterprise, if it is in the registry")
    owner_name: str = schema_field(
        Project, "owner_name", "", description="the owner's name when it is not in the registry"
    )
    chain: str = schema_field(
        Project,
        "chain_name",
        "",
        description="the industrial chain by name (光伏装备 or 光伏装备产业链), resolved to the chain of the "
        "project's region or a region above it; a name that names no chain is kept as written",
    )
    chain_id: RecordId | None = Field(None, description="the chain picked by id; wins over `chain`")
    category: Annotated[str, choices_schema(ProjectCategory, blank=True)] = "industrial"
    level: Annotated[str, choices_schema(Level, blank=True)] = "city"
    content: str = schema_field(Project, "content", "")
    responsible_leader: RecordId | None = None
    responsible_department: RecordId | None = None
    planned_preparing_on: IsoDate | None = None
    planned_started_on: IsoDate | None = None
    planned_completed_on: IsoDate | None = None
    planned_producing_on: IsoDate | None = None
    annual_plan: Decimal | str | None = Field(
        None, description="this listing year's planned investment, 万元"
    )
    annual_plan_year: Year | None = None


class ProjectUpdateIn(ProjectIn):
    version: Version


class StageIn(Schema):
    version: Version
    stage: Annotated[str, choices_schema(Stage)]
    on: IsoDate | None = Field(None, description="the day it actually happened")
    reason: str = schema_field(
        StageChange, "reason", "", description="required to go back, to suspend or cancel, and to resume"
    )


class MilestoneIn(Schema):
    id: RecordId | None = None
    name: str = schema_field(Milestone, "name")
    kind: Annotated[str, choices_schema(MilestoneKind, blank=True)] = "other"
    planned_on: IsoDate | None = None


class ProblemIn(Schema):
    title: str = schema_field(Case, "title")
    description: str = schema_field(Case, "description", "")
    category: RecordId | None = None


class ReportIn(Schema):
    period_start: IsoDate | None = Field(None, description="any day of the period reported")
    progress: str = schema_field(ProgressReport, "progress")
    investment_this_period: Decimal | str = Field(description="万元")
    next_step: str = schema_field(ProgressReport, "next_step", "")
    problems_text: str = schema_field(ProgressReport, "problems", "")
    problems: list[ProblemIn] = Field([], description="each becomes a case linked to the project")
    milestones_done: list[tuple[RecordId, IsoDate]] = Field([], description="[[milestone id, date done], …]")
    confirm_over_total: bool = False


class PlanIn(Schema):
    planned_investment: Decimal | str = Field(description="万元")
    version: Version


class MilestonesIn(Schema):
    milestones: list[MilestoneIn] = Field(description="the whole node plan; nodes left out are removed")
    version: Version


class FlagOut(Schema):
    name: str
    label: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    owner: int | None
    owner_name: str
    region: str
    region_name: str
    chain: str = Field(
        description="the chain's name; the name as written when it names no chain (chain_id null)"
    )
    chain_id: int | None = Field(
        description="the linked chain; null when none, or when `chain` names none yet"
    )
    category: ProjectCategory
    level: Level
    listed_year: int
    stage: Stage
    stage_label: str
    stage_reason: str
    total_investment: Decimal
    investment_to_date: Decimal
    year_planned: Decimal
    year_completed: Decimal
    planned: dict[str, datetime.date | None]
    actual: dict[str, datetime.date | None]
    responsible_department: int | None
    responsible_department_name: str
    responsible_leader: int | None
    responsible_leader_name: str
    project_list: int | None
    reporting_period: ReportingPeriod
    last_period_end: datetime.date | None
    flags: list[FlagOut]
    version: int


class MilestoneOut(Schema):
    id: int
    kind: MilestoneKind
    name: str
    planned_on: datetime.date
    done_on: datetime.date | None
    late: bool


class StageChangeOut(Schema):
    from_stage: Stage
    to_stage: Stage
    on: datetime.date
    reason: str
    at: datetime.datetime


class ReportOut(Schema):
    id: int
    period_start: datetime.date
    period_end: datetime.date
    progress: str
    investment_this_period: Decimal
    investment_to_date: Decimal
    next_step: str
    problems: str
    reported_at: datetime.datetime
    reported_by: str
    filed_late: bool = Field(description="filed after the period's report was due (补报)")


class ProjectDetailOut(ProjectOut):
    content: str
    milestones: list[MilestoneOut]
    stage_changes: list[StageChangeOut]
    years: list[dict[str, Any]]


class ReportResultOut(Schema):
    report: ReportOut
    cases: list[int]


STAGE_KEYS = ("preparing", "started", "completed", "producing")


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "owner": project.owner_id,
        "owner_name": project.owner_display,
        "region": project.region_id,
        "region_name": project.region.name,
        "chain": project.chain_display,
        "chain_id": project.chain_id,
        "category": project.category,
        "level": project.level,
        "listed_year": project.listed_year,
        "stage": project.stage,
        "stage_label": project.get_stage_display(),
        "stage_reason": project.stage_reason,
        "total_investment": project.total_investment,
        "investment_to_date": project.investment_to_date,
        "year_planned": getattr(project, "year_planned", Decimal(0)),
        "year_completed": getattr(project, "year_completed", Decimal(0)),
        "planned": {key: getattr(project, f"planned_{key}_on") for key in STAGE_KEYS},
        "actual": {key: getattr(project, f"{key}_on") for key in STAGE_KEYS},
        "responsible_department": project.responsible_department_id,
        "responsible_department_name": project.responsible_department.name
        if project.responsible_department
        else "",
        "responsible_leader": project.responsible_leader_id,
        "responsible_leader_name": project.responsible_leader.name if project.responsible_leader else "",
        "project_list": project.project_list_id,
        "reporting_period": project.reporting_period,
        "last_period_end": project.last_period_end,
        "flags": [{"name": name, "label": label} for name, label in selectors.flags_of(project)],
        "version": project.version,
    }


# The API list's columns: what project_row_json reads, the flags' annotations included
# (selectors.with_flags), and nothing else.
PROJECT_ROW_COLUMNS = (
    "id",
    "code",
    "name",
    "owner_id",
    "owner__name",
    "owner_name",
    "region_id",
    "region__name",
    "chain_id",
    "chain__name",
    "chain_name",
    "category",
    "level",
    "listed_year",
    "stage",
    "stage_reason",
    "total_investment",
    "investment_to_date",
    "year_planned",
    "year_completed",
    *(f"planned_{key}_on" for key in STAGE_KEYS),
    *(f"{key}_on" for key in STAGE_KEYS),
    "responsible_department_id",
    "responsible_department__name",
    "responsible_leader_id",
    "responsible_leader__name",
    "project_list_id",
    "project_list__reporting_period",
    "last_period_end",
    *(f"flag_{name}" for name in selectors.FLAGS),
    "version",
)
_STAGE_LABELS = dict(Stage.choices)


def project_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """project_json of a list row (`.values(*PROJECT_ROW_COLUMNS)` of selectors.with_flags), as
    ProjectOut sends it. tests/test_api_list_rows.py holds the two equal."""
    return {
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "owner": row["owner_id"],
        "owner_name": row["owner_name"] if row["owner_id"] is None else row["owner__name"],
        "region": row["region_id"],
        "region_name": row["region__name"],
        "chain": row["chain_name"] if row["chain_id"] is None else row["chain__name"],
        "chain_id": row["chain_id"],
        "category": row["category"],
        "level": row["level"],
        "listed_year": row["listed_year"],
        "stage": row["stage"],
        "stage_label": str(_STAGE_LABELS.get(row["stage"], row["stage"])),
        "stage_reason": row["stage_reason"],
        "total_investment": row["total_investment"],
        "investment_to_date": row["investment_to_date"],
        "year_planned": row["year_planned"],
        "year_completed": row["year_completed"],
        "planned": {key: row[f"planned_{key}_on"] for key in STAGE_KEYS},
        "actual": {key: row[f"{key}_on"] for key in STAGE_KEYS},
        "responsible_department": row["responsible_department_id"],
        "responsible_department_name": row["responsible_department__name"] or "",
        "responsible_leader": row["responsible_leader_id"],
        "responsible_leader_name": row["responsible_leader__name"] or "",
        "project_list": row["project_list_id"],
        "reporting_period": "weekly"
        if row["project_list_id"] is None
        else row["project_list__reporting_period"],
        "last_period_end": row["last_period_end"],
        "flags": [
            {"name": name, "label": label} for name, label in selectors.FLAGS.items() if row[f"flag_{name}"]
        ],
        "version": row["version"],
    }


def milestone_json(milestone: Milestone, today: datetime.date) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "kind": milestone.kind,
        "name": milestone.name,
        "planned_on": milestone.planned_on,
        "done_on": milestone.done_on,
        "late": milestone.is_late(today),
    }


def stage_change_json(change: StageChange) -> dict[str, Any]:
    return {
        "from_stage": change.from_stage,
        "to_stage": change.to_stage,
        "on": change.on,
        "reason": change.reason,
        "at": change.at,
    }


def report_json(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "progress": report.progress,
        "investment_this_period": report.investment_this_period,
        "investment_to_date": report.investment_to_date,
        "next_step": report.next_step,
        "problems": report.problems,
        "reported_at": report.reported_at,
        "reported_by": report.reported_by.username if report.reported_by else "",
        "filed_late": getattr(report, "filed_late", False),
    }


def project_detail_json(project: Project, today: datetime.date) -> dict[str, Any]:
    return {
        **project_json(project),
        "content": project.content,
        "milestones": [milestone_json(m, today) for m in project.milestones.all()],
        "stage_changes": [stage_change_json(c) for c in project.stage_changes.all()],
        "years": [
            {
                "year": y.year,
                "planned_investment": y.planned_investment,
                "completed_investment": y.completed_investment,
            }
            for y in project.years.all()
        ],
    }


class ProjectListIn(Schema):
    name: str = schema_field(ProjectList, "name", description="e.g. 2026年霍林郭勒市重点项目")
    region: str
    level: Annotated[str, choices_schema(Level)]
    year: Year
    reporting_period: Annotated[str, choices_schema(ReportingPeriod)] = "weekly"


class ProjectListOut(Schema):
    id: int
    name: str
    region: str
    level: Level
    year: int
    reporting_period: ReportingPeriod


def project_list_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "region": item.region_id,
        "level": item.level,
        "year": item.year,
        "reporting_period": item.reporting_period,
    }
