"""/api/v1/task-forces and /api/v1/campaigns (docs/taskforces.md): task forces with their
members, campaigns with their form and periods, the enterprises in a campaign, their reports,
one enterprise's history and the board."""

import datetime
from bisect import bisect_right
from itertools import accumulate
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import IdsThenRows, JsonRows, TrustedPage, paginated
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.taskforces import figures, schemas, selectors, services
from zhuqi.taskforces.filtersets import (
    CampaignFilterSet,
    EnrolmentFilterSet,
    ReportFilterSet,
    TaskForceFilterSet,
)
from zhuqi.taskforces.models import Campaign, CampaignEnterprise, CampaignTally
from zhuqi.taskforces.services import (
    CampaignData,
    EnrolRule,
    MemberData,
    ReportData,
    TaskForceData,
)

router = Router(tags=["task forces"])
campaigns_router = Router(tags=["campaigns"])


class TaskForceFilters(FilterQuery):
    filterset = TaskForceFilterSet


class CampaignFilters(FilterQuery):
    filterset = CampaignFilterSet


class EnrolmentFilters(FilterQuery):
    filterset = EnrolmentFilterSet


class CampaignReportFilters(FilterQuery):
    filterset = ReportFilterSet


# ---------------------------------------------------------------------------------------------
# Task forces


def _task_force_data(payload: schemas.TaskForceIn) -> TaskForceData:
    return TaskForceData(
        name=payload.name,
        region_code=payload.region,
        starts_on=payload.starts_on,
        purpose=payload.purpose,
        lead_department_id=payload.lead_department,
        ends_on=payload.ends_on,
        status=payload.status,
        members=[
            MemberData(role=m.role, official_id=m.official, title=m.title, department_id=m.department)
            for m in payload.members
        ],
    )


def _task_force_detail(request: HttpRequest, task_force_id: int) -> dict[str, Any]:
    user = request_user(request)
    task_force = selectors.task_force_get(user=user, task_force_id=task_force_id)
    members = list(task_force.members.select_related("official", "department"))
    campaigns = list(selectors.campaign_queryset(user=user).filter(task_force=task_force))
    return schemas.task_force_detail_json(task_force, members, campaigns)


@router.get("", response=list[schemas.TaskForceOut], summary="The task forces (工作专班) you see")
@paginated
def list_task_forces(request: HttpRequest, filters: Query[TaskForceFilters]) -> Any:
    (task_forces,) = filters.apply_each(selectors.task_force_queryset(user=request_user(request)))
    return TrustedPage(
        task_forces,
        schemas.task_force_row_json,
        paged=JsonRows(task_forces.values(*schemas.TASK_FORCE_ROW_COLUMNS)),
    )


@router.post("", response={201: schemas.TaskForceDetailOut}, summary="Set up a task force with its members")
def create_task_force(request: HttpRequest, payload: schemas.TaskForceIn) -> Status:
    task_force = services.task_force_create(
        actor=request_user(request), data=_task_force_data(payload), source="api"
    )
    return Status(201, _task_force_detail(request, task_force.pk))


@router.get(
    "/{int:task_force_id}",
    response=schemas.TaskForceDetailOut,
    summary="One task force: its leaders, members and campaigns",
)
def get_task_force(request: HttpRequest, task_force_id: int) -> dict[str, Any]:
    return _task_force_detail(request, task_force_id)


@router.put(
    "/{int:task_force_id}",
    response=schemas.TaskForceDetailOut,
    summary="Change a task force (its members replaced by those given)",
)
def update_task_force(
    request: HttpRequest, task_force_id: int, payload: schemas.TaskForceUpdateIn
) -> dict[str, Any]:
    services.task_force_update(
        actor=request_user(request),
        task_force_id=task_force_id,
        expected_version=payload.version,
        data=_task_force_data(payload),
        source="api",
    )
    return _task_force_detail(request, task_force_id)


# ---------------------------------------------------------------------------------------------
# Campaigns


def _campaign_data(payload: schemas.CampaignIn) -> CampaignData:
    return CampaignData(
        task_force_id=payload.task_force,
        name=payload.name,
        kind=payload.kind,
        starts_on=payload.starts_on,
        cadence=payload.cadence,
        ends_on=payload.ends_on,
        due_days=payload.due_days,
        due_time=schemas.time_of_day(payload.due_time),
        same_day=payload.same_day,
        report_form=payload.report_form,
        status=payload.status,
    )


# The periods a campaign's page and API list, newest first: a year of a daily campaign.
PERIODS_SHOWN = 365


def campaign_periods(*, user: User, campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign's periods so far (up to today or its end), newest first, each with its
    deadline, the reports made for it and the enterprises in the campaign by its last day, of
    those the user sees. The offices' counts come from the board's tallies (one grouped read,
    whatever the number of reports); an enterprise's or a liaison officer's from their own few
    reports."""
    shown = selectors.periods_so_far(campaign, limit=PERIODS_SHOWN)
    if not shown:
        return []
    first = shown[-1].start
    reported: QuerySet[Any]
    if user.role in (Role.ENTERPRISE, Role.LIAISON):
        reported = (
            selectors.report_queryset(user=user, campaign=campaign)
            .filter(period_start__gte=first)
            .order_by()
            .values("period_start")
            .annotate(n=Count("pk"))
        )
        enrolments: QuerySet[CampaignEnterprise] = selectors.enrolment_queryset(user=user, campaign=campaign)
    else:
        scope = selectors.row_scope_q(user)
        reported = (
            CampaignTally.objects.filter(campaign=campaign, period_start__gte=first)
            .filter(scope)
            .order_by()
            .values("period_start")
            .annotate(n=Sum("reports"))
        )
        enrolments = CampaignEnterprise.objects.filter(campaign=campaign).filter(scope)
    counts = {row["period_start"]: row["n"] or 0 for row in reported}
    joined = sorted(
        (row["day"], row["n"])
        for row in enrolments.order_by()
        .annotate(day=TruncDate("enrolled_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    days = [day for day, _ in joined]
    totals = list(accumulate(n for _, n in joined))

    def enrolled_by(day: datetime.date) -> int:
        at = bisect_right(days, day)
        return totals[at - 1] if at else 0

    return [
        {
            "key": each.key,
            "label": each.label,
            "start": each.start,
            "end": each.end,
            "deadline": services.period_deadline(campaign, each),
            "reported": counts.get(each.start, 0),
            "enrolled": enrolled_by(each.end),
        }
        for each in shown
    ]


def _campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    enrolled = selectors.enrolment_queryset(user=user, campaign=campaign).count()
    return schemas.campaign_detail_json(
        campaign, enrolled=enrolled, periods=campaign_periods(user=user, campaign=campaign)
    )


@campaigns_router.get("", response=list[schemas.CampaignOut], summary="The campaigns (专项行动) you see")
@paginated
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters]) -> Any:
    (campaigns,) = filters.apply_each(selectors.campaign_queryset(user=request_user(request)))
    return TrustedPage(
        campaigns, schemas.campaign_row_json, paged=JsonRows(campaigns.values(*schemas.CAMPAIGN_ROW_COLUMNS))
    )


@campaigns_router.post(
    "",
    response={201: schemas.CampaignDetailOut},
    summary="Start a campaign of a task force, with its report form (or its kind's)",
)
def create_campaign(request: HttpRequest, payload: schemas.CampaignIn) -> Status:
    campaign = services.campaign_create(
        actor=request_user(request), data=_campaign_data(payload), source="api"
    )
    return Status(201, _campaign_detail(request, campaign.pk))


@campaigns_router.get(
    "/{int:campaign_id}",
    response=schemas.CampaignDetailOut,
    summary="One campaign: its report form and its periods so far",
)
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_detail(request, campaign_id)


@campaigns_router.put("/{int:campaign_id}", response=schemas.CampaignDetailOut, summary="Change a campaign")
def update_campaign(
    request: HttpRequest, campaign_id: int, payload: schemas.CampaignUpdateIn
) -> dict[str, Any]:
    services.campaign_update(
        actor=request_user(request),
        campaign_id=campaign_id,
        expected_version=payload.version,
        data=_campaign_data(payload),
        source="api",
    )
    return _campaign_detail(request, campaign_id)


# ---------------------------------------------------------------------------------------------
# A campaign's enterprises


@campaigns_router.get(
    "/{int:campaign_id}/enterprises",
    response=list[schemas.EnrolmentOut],
    summary="The enterprises in a campaign that you see, each with its last report",
)
@paginated
def list_enterprises(request: HttpRequest, campaign_id: int, filters: Query[EnrolmentFilters]) -> Any:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    enrolments = selectors.enrolment_queryset(user=user, campaign=campaign)
    counted, paged = filters.apply_each(
        enrolments, enrolments.order_by("region_id", "department_id", "id"), campaign=campaign
    )
    # The page's ids in the campaign's index order, then their columns and last reports by id.
    rows = JsonRows(selectors.with_last_report(enrolments).values(*schemas.ENROLMENT_ROW_COLUMNS))
    return TrustedPage(counted, schemas.enrolment_row_json, paged=IdsThenRows(paged, rows))


def _rule_errors(failure: ValidationFailed) -> ValidationFailed:
    """The rule's refusals placed under `rule` in the body (the service names the rule's region
    `region`)."""
    return ValidationFailed(
        [FieldError(f"rule.{e.field}" if e.field == "region" else e.field, e.message) for e in failure.errors]
    )


@campaigns_router.post(
    "/{int:campaign_id}/enterprises",
    response={201: schemas.EnrolResultOut},
    summary="Put enterprises in a campaign: picked by id, or every one a rule picks from the registry",
)
def enrol_enterprises(request: HttpRequest, campaign_id: int, payload: schemas.EnrolIn) -> Status:
    user = request_user(request)
    if payload.rule is not None and payload.enterprises:
        raise ValidationFailed([FieldError("rule", "请选择企业或给出条件，二者只取其一")])
    if payload.rule is not None:
        try:
            added = services.campaign_enrol_by_rule(
                actor=user,
                campaign_id=campaign_id,
                rule=EnrolRule(
                    region_code=payload.rule.region,
                    industry_code=payload.rule.industry,
                    above_scale=payload.rule.above_scale,
                    chain_id=payload.rule.chain,
                ),
                department_id=payload.department,
                source="api",
            )
        except ValidationFailed as failure:
            raise _rule_errors(failure) from None
    else:
        added = services.campaign_enrol(
            actor=user,
            campaign_id=campaign_id,
            enterprise_ids=payload.enterprises,
            department_id=payload.department,
            source="api",
        )
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    enrolled = selectors.enrolment_queryset(user=user, campaign=campaign).count()
    return Status(201, {"added": len(added), "enrolled": enrolled})


@campaigns_router.delete(
    "/{int:campaign_id}/enterprises/{int:enterprise_id}",
    response={204: None},
    summary="Take an enterprise out of a campaign (its reports stay)",
)
def withdraw_enterprise(request: HttpRequest, campaign_id: int, enterprise_id: int) -> Status:
    services.campaign_withdraw(
        actor=request_user(request), campaign_id=campaign_id, enterprise_id=enterprise_id, source="api"
    )
    return Status(204, None)


@campaigns_router.get(
    "/{int:campaign_id}/enterprises/{int:enterprise_id}/history",
    response=list[schemas.CampaignReportOut],
    summary="One enterprise's reports in a campaign, newest period first",
)
@paginated
def enterprise_history(request: HttpRequest, campaign_id: int, enterprise_id: int) -> Any:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    history = selectors.enterprise_history(user=user, campaign=campaign, enterprise_id=enterprise_id)
    in_campaign = selectors.enrolment_queryset(user=user, campaign=campaign).filter(
        enterprise_id=enterprise_id
    )
    # An enterprise taken out keeps its history; one never in it (or not the reader's) has none.
    if not in_campaign.exists() and not history.exists():
        raise NotFound()
    return TrustedPage(
        history, schemas.report_row_json, paged=JsonRows(history.values(*schemas.REPORT_ROW_COLUMNS))
    )


# ---------------------------------------------------------------------------------------------
# Reports and the board


@campaigns_router.get(
    "/{int:campaign_id}/reports",
    response=list[schemas.CampaignReportOut],
    summary="A campaign's reports that you see, newest period first",
)
@paginated
def list_reports(request: HttpRequest, campaign_id: int, filters: Query[CampaignReportFilters]) -> Any:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    reports = selectors.report_queryset(user=user, campaign=campaign)
    counted, paged = filters.apply_each(
        reports, reports.order_by("-period_start", "-region_id", "-id"), campaign=campaign
    )
    return TrustedPage(
        counted, schemas.report_row_json, paged=JsonRows(paged.values(*schemas.REPORT_ROW_COLUMNS))
    )


@campaigns_router.post(
    "/{int:campaign_id}/reports",
    response={200: schemas.CampaignReportOut, 201: schemas.CampaignReportOut},
    summary="Report an enterprise's period (201), or correct it (200, with the version read); "
    "a difficulty becomes a demand case",
)
def submit_report(request: HttpRequest, campaign_id: int, payload: schemas.CampaignReportIn) -> Status:
    report = services.report_submit(
        actor=request_user(request),
        campaign_id=campaign_id,
        data=ReportData(
            enterprise_id=payload.enterprise,
            period=payload.period,
            values=dict(payload.values),
            correction=payload.correction,
            expected_version=payload.version,
            difficulty_category_id=payload.difficulty_category,
        ),
        source="api",
    )
    return Status(200 if payload.correction else 201, schemas.report_json(report))


@campaigns_router.get(
    "/{int:campaign_id}/figures",
    response=schemas.BoardOut,
    summary="The campaign's board for a period: per region or department, rates, total and trend "
    "(definitions included)",
)
def campaign_figures(
    request: HttpRequest, campaign_id: int, query: Query[schemas.FiguresQuery]
) -> dict[str, Any]:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    if query.period:
        period = services.campaign_period(campaign, query.period)
    else:
        # The current period, or the last one of a campaign that ended (the first of one that
        # has not begun: all zeros).
        today = timezone.localdate()
        day = min(today, campaign.ends_on) if campaign.ends_on else today
        period = Period.containing(campaign.period_kind, max(day, campaign.starts_on))
    board = figures.board(
        user=user, campaign=campaign, period=period, region_code=query.region or None, by=query.by
    )
    return schemas.board_json(board)
