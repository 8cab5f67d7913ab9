from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import IdsThenRows, JsonRows, TrustedPage, paginated
from zhuqi.core.queries import IsoDate, RegionCodeOrBlank, Year
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.projects import figures, schemas, selectors, services
from zhuqi.projects.filtersets import ProjectFilterSet
from zhuqi.projects.services import MilestoneData, ProblemData, ProjectData, ReportData

router = Router(tags=["projects"])


class ProjectFilters(FilterQuery):
    filterset = ProjectFilterSet


def _data(payload: schemas.ProjectIn) -> ProjectData:
    return ProjectData(
        name=payload.name,
        region_code=payload.region,
        total_investment=payload.total_investment,
        listed_year=payload.listed_year,
        code=payload.code,
        project_list_id=payload.project_list,
        owner_id=payload.owner,
        owner_name=payload.owner_name,
        chain=payload.chain,
        chain_id=payload.chain_id,
        category=payload.category,
        level=payload.level,
        content=payload.content,
        responsible_leader_id=payload.responsible_leader,
        responsible_department_id=payload.responsible_department,
        planned_preparing_on=payload.planned_preparing_on,
        planned_started_on=payload.planned_started_on,
        planned_completed_on=payload.planned_completed_on,
        planned_producing_on=payload.planned_producing_on,
        annual_plan=payload.annual_plan,
        annual_plan_year=payload.annual_plan_year,
    )


def _detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    at = selectors.clock()
    project = selectors.project_detail(user=request_user(request), project_id=project_id, at=at)
    return schemas.project_detail_json(project, at.today)


@router.get(
    "", response=list[schemas.ProjectOut], summary="The key-project library in your scope, with flags"
)
@paginated
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    at = selectors.clock()
    user = request_user(request)
    counted, paged, flagged = selectors.project_list_querysets(user=user, at=at)
    counted, paged = filters.apply_each(counted, paged, at=at)
    # The page's ids in the library's order, then their columns and flags by id (the flags'
    # subqueries computed for those projects only), sent as project_row_json builds them.
    rows = IdsThenRows(paged, JsonRows(flagged.values(*schemas.PROJECT_ROW_COLUMNS)))
    return TrustedPage(counted, schemas.project_row_json, paged=rows)


class FigureQuery(Schema):
    year: Year | None = None
    by: IsoDate | None = None
    group_by: str = "region"
    region: RegionCodeOrBlank = ""
    level: str = ""
    sort: str = ""


@router.get(
    "/figures",
    summary="Starts against plan, investment against plan, producing, flagged (definitions included)",
)
def project_figures(request: HttpRequest, query: Query[FigureQuery]) -> dict[str, Any]:
    params = query.dict()
    year = params.pop("year") or timezone.localdate().year
    result = figures.project_figures(
        user=request_user(request), year=year, by_date=params.pop("by"), **params
    )
    return figures.figures_json(result)


@router.get(
    "/lists", response=list[schemas.ProjectListOut], summary="Project lists (清单) and their reporting period"
)
@paginated
def list_project_lists(request: HttpRequest) -> Any:
    # Paged like every list: at province scale there are more lists than one answer should carry.
    return TrustedPage(selectors.project_lists(user=request_user(request)), schemas.project_list_json)


@router.post(
    "/lists",
    response={201: schemas.ProjectListOut},
    summary="Create a project list and set how often its projects report",
)
def create_project_list(request: HttpRequest, payload: schemas.ProjectListIn) -> Status:
    item = services.project_list_save(
        actor=request_user(request),
        name=payload.name,
        region_code=payload.region,
        level=payload.level,
        year=payload.year,
        reporting_period=payload.reporting_period,
        source="api",
    )
    return Status(201, schemas.project_list_json(item))


@router.put("/lists/{int:list_id}", response=schemas.ProjectListOut, summary="Change a project list")
def update_project_list(request: HttpRequest, list_id: int, payload: schemas.ProjectListIn) -> dict[str, Any]:
    item = services.project_list_save(
        actor=request_user(request),
        list_id=list_id,
        name=payload.name,
        region_code=payload.region,
        level=payload.level,
        year=payload.year,
        reporting_period=payload.reporting_period,
        source="api",
    )
    return schemas.project_list_json(item)


@router.post("", response={201: schemas.ProjectDetailOut}, summary="Add a project to the library")
def create_project(request: HttpRequest, payload: schemas.ProjectIn) -> Status:
    project = services.project_create(actor=request_user(request), data=_data(payload), source="api")
    return Status(201, _detail(request, project.pk))


@router.get("/{int:project_id}", response=schemas.ProjectDetailOut, summary="One project")
def get_project(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _detail(request, project_id)


@router.put(
    "/{int:project_id}", response=schemas.ProjectDetailOut, summary="Change a project's library entry"
)
def update_project(request: HttpRequest, project_id: int, payload: schemas.ProjectUpdateIn) -> dict[str, Any]:
    services.project_update(
        actor=request_user(request),
        project_id=project_id,
        expected_version=payload.version,
        data=_data(payload),
        source="api",
    )
    return _detail(request, project_id)


@router.post("/{int:project_id}/stage", response=schemas.ProjectDetailOut, summary="Record a stage change")
def change_stage(request: HttpRequest, project_id: int, payload: schemas.StageIn) -> dict[str, Any]:
    services.project_change_stage(
        actor=request_user(request),
        project_id=project_id,
        expected_version=payload.version,
        to_stage=payload.stage,
        on=payload.on,
        reason=payload.reason,
        source="api",
    )
    return _detail(request, project_id)


@router.put(
    "/{int:project_id}/milestones",
    response=schemas.ProjectDetailOut,
    summary="Replace the node plan (节点计划)",
)
def save_milestones(request: HttpRequest, project_id: int, payload: schemas.MilestonesIn) -> dict[str, Any]:
    services.milestones_save(
        actor=request_user(request),
        project_id=project_id,
        expected_version=payload.version,
        milestones=[
            MilestoneData(id=m.id, name=m.name, kind=m.kind, planned_on=m.planned_on)
            for m in payload.milestones
        ],
        source="api",
    )
    return _detail(request, project_id)


@router.put(
    "/{int:project_id}/plans/{int:year}",
    response=schemas.ProjectDetailOut,
    summary="Set a year's planned investment",
)
def set_plan(request: HttpRequest, project_id: int, year: Year, payload: schemas.PlanIn) -> dict[str, Any]:
    services.annual_plan_set(
        actor=request_user(request),
        project_id=project_id,
        expected_version=payload.version,
        year=year,
        planned_investment=payload.planned_investment,
        source="api",
    )
    return _detail(request, project_id)


@router.get(
    "/{int:project_id}/reports", response=list[schemas.ReportOut], summary="Progress reports, newest first"
)
@paginated
def list_reports(request: HttpRequest, project_id: int) -> Any:
    calendar = WorkingCalendar()
    return TrustedPage(
        selectors.reports_of(user=request_user(request), project_id=project_id),
        lambda report: schemas.report_json(selectors.mark_lateness(report, calendar)),
    )


@router.post(
    "/{int:project_id}/reports",
    response={201: schemas.ReportResultOut},
    summary="Report a period's progress; each problem becomes a case linked to the project",
)
def submit_report(request: HttpRequest, project_id: int, payload: schemas.ReportIn) -> Status:
    result = services.report_submit(
        actor=request_user(request),
        project_id=project_id,
        data=ReportData(
            period_start=payload.period_start,
            progress=payload.progress,
            investment_this_period=payload.investment_this_period,
            next_step=payload.next_step,
            problems_text=payload.problems_text,
            problems=[
                ProblemData(title=p.title, description=p.description, category_id=p.category)
                for p in payload.problems
            ],
            milestones_done=[(milestone_id, done_on) for milestone_id, done_on in payload.milestones_done],
            confirm_over_total=payload.confirm_over_total,
        ),
        source="api",
    )
    return Status(
        201,
        {
            "report": schemas.report_json(selectors.mark_lateness(result.report, WorkingCalendar())),
            "cases": [case.pk for case in result.cases],
        },
    )
