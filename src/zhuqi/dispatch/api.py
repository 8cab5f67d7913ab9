"""/api/v1/dispatch, /api/v1/meetings, /api/v1/briefings and /api/v1/economic-figures
(docs/dispatch.md): the cockpit's figures and rankings for a scope and period; dispatch meetings
with their attendees, agenda and decisions; briefings generated in the background and their
files; the economic indicators against their targets."""

from pathlib import PurePath
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import JsonRows, TrustedPage, paginated
from zhuqi.directory.models import User
from zhuqi.dispatch import cockpit, schemas, selectors, services
from zhuqi.dispatch.filtersets import EconomicFigureFilterSet, MeetingFilterSet
from zhuqi.dispatch.models import Briefing, BriefingStatus
from zhuqi.dispatch.services import AttendeeData, DecisionData, EconomicFigureData, MeetingData

router = Router(tags=["dispatch"])
meetings_router = Router(tags=["meetings"])
briefings_router = Router(tags=["briefings"])
economic_router = Router(tags=["economic figures"])


class MeetingFilters(FilterQuery):
    filterset = MeetingFilterSet


class EconomicFigureFilters(FilterQuery):
    filterset = EconomicFigureFilterSet


# ---------------------------------------------------------------------------------------------
# The cockpit


@router.get(
    "/figures",
    response=schemas.CockpitOut,
    by_alias=True,
    summary="The leader's cockpit (领导驾驶舱) for a scope and period: every area's figures, the "
    "rankings and the economic indicators (definitions included)",
)
def dispatch_figures(request: HttpRequest, query: Query[schemas.DispatchFiguresQuery]) -> dict[str, Any]:
    user = request_user(request)
    scope = cockpit.parse_scope(user, query.scope)
    period = cockpit.resolve_period(query.period)
    return schemas.cockpit_json(cockpit.cockpit_figures(user=user, scope=scope, period=period))


@router.get(
    "/rankings",
    response=schemas.RankingsOut,
    by_alias=True,
    summary="The rankings (红黑榜) of departments and sub-regions on each rate, with their change "
    "since the previous period",
)
def dispatch_rankings(request: HttpRequest, query: Query[schemas.DispatchFiguresQuery]) -> dict[str, Any]:
    user = request_user(request)
    scope = cockpit.parse_scope(user, query.scope)
    period = cockpit.resolve_period(query.period)
    return {
        **cockpit.heading(scope, period),
        "rankings": cockpit.rankings(user, scope, period, today=timezone.localdate(), now=timezone.now()),
    }


# ---------------------------------------------------------------------------------------------
# Meetings


def _meeting_data(payload: schemas.MeetingBaseIn) -> MeetingData:
    return MeetingData(
        title=payload.title,
        held_on=payload.held_on,
        region_code=payload.region,
        chair_id=payload.chair,
        chair_posts=payload.chair_posts,
        place=payload.place,
        scope_kind=payload.scope_kind,
        department_id=payload.department,
        chain_id=payload.chain,
        project_ids=list(payload.projects),
        department_ids=list(payload.departments),
        attendees=[
            AttendeeData(official_id=a.official, posts=a.posts, role=a.role) for a in payload.attendees
        ],
        summary=payload.summary,
    )


def _meeting_detail(user: User, meeting_id: int) -> dict[str, Any]:
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    previous = selectors.previous_meeting(meeting, user=user)
    return schemas.meeting_detail_json(
        meeting,
        decisions=list(selectors.decisions_of(meeting)),
        previous=previous,
        last_decisions=list(selectors.decisions_of(previous)) if previous is not None else [],
    )


@meetings_router.get("", response=list[schemas.MeetingOut], summary="The dispatch meetings (调度会) you see")
@paginated
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    (meetings,) = filters.apply_each(selectors.meeting_queryset(user=request_user(request)))
    return TrustedPage(
        meetings, schemas.meeting_row_json, paged=JsonRows(meetings.values(*schemas.MEETING_ROW_COLUMNS))
    )


@meetings_router.post(
    "",
    response={201: schemas.MeetingDetailOut},
    summary="Record a meeting with its attendees; its agenda drawn from the records",
)
def create_meeting(request: HttpRequest, payload: schemas.MeetingIn) -> Status:
    user = request_user(request)
    meeting = services.meeting_create(
        actor=user, data=_meeting_data(payload), build_agenda=payload.build_agenda, source="api"
    )
    return Status(201, _meeting_detail(user, meeting.pk))


@meetings_router.get(
    "/{int:meeting_id}",
    response=schemas.MeetingDetailOut,
    summary="One meeting: attendees, agenda, decisions (each with its case's status) and the last "
    "meeting's decisions",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _meeting_detail(request_user(request), meeting_id)


@meetings_router.put(
    "/{int:meeting_id}",
    response=schemas.MeetingDetailOut,
    summary="Change a meeting (its attendees replaced by those given)",
)
def update_meeting(request: HttpRequest, meeting_id: int, payload: schemas.MeetingUpdateIn) -> dict[str, Any]:
    user = request_user(request)
    services.meeting_update(
        actor=user,
        meeting_id=meeting_id,
        expected_version=payload.version,
        data=_meeting_data(payload),
        source="api",
    )
    return _meeting_detail(user, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/agenda",
    response=schemas.MeetingDetailOut,
    summary="Draw the agenda again from the records as they stand now (the items added by hand stay)",
)
def rebuild_agenda(
    request: HttpRequest, meeting_id: int, payload: schemas.MeetingVersionIn
) -> dict[str, Any]:
    user = request_user(request)
    services.agenda_rebuild(actor=user, meeting_id=meeting_id, expected_version=payload.version, source="api")
    return _meeting_detail(user, meeting_id)


@meetings_router.post(
    "/{int:meeting_id}/agenda/items",
    response={201: schemas.AgendaItemAddedOut},
    summary="Add an item the records do not hold (其他议题)",
)
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: schemas.AgendaItemIn) -> Status:
    item = services.agenda_item_add(
        actor=request_user(request),
        meeting_id=meeting_id,
        expected_version=payload.version,
        title=payload.title,
        detail=payload.detail,
        source="api",
    )
    return Status(201, {**schemas.agenda_item_json(item), "meeting_version": item.meeting.version})


@meetings_router.post(
    "/{int:meeting_id}/decisions",
    response={201: schemas.MeetingDecisionAddedOut},
    summary="Record a decision: an instruction case assigned to its lead department with its deadline",
)
def add_decision(request: HttpRequest, meeting_id: int, payload: schemas.DecisionIn) -> Status:
    decision = services.decision_add(
        actor=request_user(request),
        meeting_id=meeting_id,
        expected_version=payload.version,
        data=DecisionData(
            title=payload.title,
            lead_department_id=payload.lead_department,
            deadline=payload.deadline,
            description=payload.description,
            co_department_ids=list(payload.co_departments),
            category_id=payload.category,
            enterprise_id=payload.enterprise,
            project_id=payload.project,
            urgency=payload.urgency,
        ),
        source="api",
    )
    return Status(201, {**schemas.decision_json(decision), "meeting_version": decision.meeting.version})


# ---------------------------------------------------------------------------------------------
# Briefings


def _file_url(briefing: Briefing, file: FieldFile, name: str) -> str | None:
    if briefing.status != BriefingStatus.DONE or not file:
        return None
    return reverse(f"api-v1:{name}", kwargs={"briefing_id": briefing.pk})


def _briefing(briefing: Briefing) -> dict[str, Any]:
    return schemas.briefing_json(
        briefing,
        document_url=_file_url(briefing, briefing.document, "briefing_document"),
        workbook_url=_file_url(briefing, briefing.workbook, "briefing_workbook"),
    )


@briefings_router.post(
    "",
    response={202: schemas.BriefingRequestedOut},
    summary="Ask for a briefing (调度简报) of a scope or a meeting for a period: generated in the "
    "background as a Word document and an Excel workbook",
)
def request_briefing(request: HttpRequest, payload: schemas.BriefingIn) -> Status:
    user = request_user(request)
    if payload.meeting is not None and payload.scope:
        raise ValidationFailed([FieldError("scope", "请给出范围或调度会，二者只取其一")])
    if payload.meeting is not None:
        briefing = services.briefing_request(
            actor=user, period=payload.period, meeting_id=payload.meeting, source="api"
        )
    else:
        scope = cockpit.parse_scope(user, payload.scope)
        briefing = services.briefing_request(
            actor=user,
            period=payload.period,
            region_code=scope.region.code,
            scope_kind=scope.kind,
            department_id=scope.department.pk if scope.department is not None else None,
            chain_id=scope.chain.pk if scope.chain is not None else None,
            source="api",
        )
    url = reverse("api-v1:briefing", kwargs={"briefing_id": briefing.pk})
    return Status(202, {"id": briefing.pk, "status": briefing.status, "url": url})


@briefings_router.get(
    "/{int:briefing_id}",
    response=schemas.BriefingOut,
    url_name="briefing",
    summary="A briefing: its status and progress, why it failed, and its files once done",
)
def get_briefing(request: HttpRequest, briefing_id: int) -> dict[str, Any]:
    return _briefing(selectors.briefing_get(user=request_user(request), briefing_id=briefing_id))


OFFICE_RESPONSES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(request: HttpRequest, briefing_id: int, field: str) -> HttpResponse:
    briefing = selectors.briefing_get(user=request_user(request), briefing_id=briefing_id)
    file: FieldFile = getattr(briefing, field)
    if briefing.status != BriefingStatus.DONE or not file:
        raise NotFound("简报尚未生成")
    with file.open("rb") as opened:
        body = opened.read()
    return office_file(body, PurePath(file.name or "").name)


def _file_responses(suffix: str, description: str) -> dict[str, Any]:
    return {"responses": {"200": {"description": description, "content": {OFFICE_RESPONSES[suffix]: {}}}}}


@briefings_router.get(
    "/{int:briefing_id}/document",
    url_name="briefing_document",
    summary="The briefing as a Word document (.docx); 404 until it is generated",
    openapi_extra=_file_responses(".docx", "the Word document"),
)
def briefing_document(request: HttpRequest, briefing_id: int) -> HttpResponse:
    return _download(request, briefing_id, "document")


@briefings_router.get(
    "/{int:briefing_id}/workbook",
    url_name="briefing_workbook",
    summary="The briefing's tables as an Excel workbook (.xlsx), one sheet a table; 404 until it is "
    "generated",
    openapi_extra=_file_responses(".xlsx", "the Excel workbook"),
)
def briefing_workbook(request: HttpRequest, briefing_id: int) -> HttpResponse:
    return _download(request, briefing_id, "workbook")


# ---------------------------------------------------------------------------------------------
# Economic figures


@economic_router.get(
    "",
    response=list[schemas.EconomicFigureOut],
    summary="The economic indicators (GDP, growth …) of the regions you see, and their peers' as "
    "entered for them",
)
@paginated
def list_economic_figures(request: HttpRequest, filters: Query[EconomicFigureFilters]) -> Any:
    (figures,) = filters.apply_each(
        selectors.economic_queryset(user=request_user(request)).order_by(
            "region_id", "indicator", "period", "id"
        )
    )
    return TrustedPage(
        figures, schemas.economic_row_json, paged=JsonRows(figures.values(*schemas.ECONOMIC_ROW_COLUMNS))
    )


@economic_router.put(
    "",
    response=schemas.EconomicFigureOut,
    summary="Enter or correct one figure: a region's indicator for a period, with its target (a peer "
    "region's with compared_for)",
)
def set_economic_figure(request: HttpRequest, payload: schemas.EconomicFigureIn) -> dict[str, Any]:
    figure = services.economic_figure_set(
        actor=request_user(request),
        data=EconomicFigureData(
            region_code=payload.region,
            indicator=payload.indicator,
            period=payload.period,
            value=payload.value,
            target=payload.target,
            compared_for_code=payload.compared_for,
            note=payload.note,
        ),
        expected_version=payload.version,
        source="api",
    )
    return schemas.economic_json(figure)
