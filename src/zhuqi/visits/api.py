from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import JsonRows, TrustedPage, paginated
from zhuqi.visits import schemas, selectors, services
from zhuqi.visits.filtersets import VisitFilterSet
from zhuqi.visits.services import Attendance, PolicyAnswer, SaidThere, VisitData

router = Router(tags=["visits"])


class VisitFilters(FilterQuery):
    filterset = VisitFilterSet


@router.get("", response=list[schemas.VisitOut], summary="Visits in your scope, newest first")
@paginated
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> Any:
    (visits,) = filters.apply_each(selectors.visit_list_queryset(user=request_user(request)))
    return TrustedPage(
        visits, schemas.visit_row_json, paged=JsonRows(visits.values(*schemas.VISIT_ROW_COLUMNS))
    )


def _visit_data(payload: schemas.VisitIn) -> VisitData:
    return VisitData(
        kind=payload.kind,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
        lead_official_ids=payload.lead_officials,
        accompanying_official_ids=payload.accompanying_officials,
        place_codes=payload.places,
        attendance=[
            Attendance(
                enterprise_id=a.enterprise,
                **a.dict(exclude={"enterprise", "policies"}),
                policies=[PolicyAnswer(policy_id=p.policy, answer=p.answer) for p in a.policies],
            )
            for a in payload.enterprises
        ],
        project_ids=payload.projects,
        summary=payload.summary,
        no_problems=payload.no_problems,
        source_note=payload.source_note,
    )


def _said(payload: schemas.VisitIn) -> list[SaidThere]:
    return [
        SaidThere(
            kind=c.kind,
            title=c.title,
            description=c.description,
            category_id=c.category,
            enterprise_id=c.enterprise,
            issued_by_id=c.issued_by,
            lead_department_id=c.lead_department,
            co_department_ids=c.co_departments,
            deadline=c.deadline,
        )
        for c in payload.cases
    ]


@router.post(
    "",
    response={201: schemas.VisitDetailOut, 409: schemas.LikelyDuplicateOut},
    summary="Record a visit with what was said there",
)
def create_visit(request: HttpRequest, payload: schemas.VisitCreateIn) -> Status:
    """The instructions and difficulties in `cases` become cases sourced to the visit; a bad one
    (named cases.N.field) and nothing is written. A visit that looks already recorded (the same
    lead official, overlapping dates, an enterprise in common, among the visits you can see) is
    answered 409 `likely_duplicate` with the existing visits' ids, and nothing is written; send
    `confirm_duplicate: true` to record it anyway."""
    try:
        result = services.visit_create(
            actor=request_user(request),
            data=_visit_data(payload),
            said=_said(payload),
            source="api",
            confirm_duplicate=payload.confirm_duplicate,
        )
    except services.LikelyDuplicate as duplicate:
        return Status(
            409,
            {
                "code": duplicate.code,
                "detail": duplicate.message,
                "visit_ids": [visit.pk for visit in duplicate.visits],
                "visits": [
                    {
                        "id": visit.pk,
                        "kind": visit.kind,
                        "title": visit.title,
                        "start_date": visit.start_date,
                        "end_date": visit.end_date,
                    }
                    for visit in duplicate.visits
                ],
            },
        )
    visit = selectors.visit_detail(user=request_user(request), visit_id=result.visit.pk)
    return Status(201, schemas.visit_detail_json(visit))


@router.put("/{int:visit_id}", response=schemas.VisitDetailOut, summary="Correct a visit's record")
def update_visit(request: HttpRequest, visit_id: int, payload: schemas.VisitUpdateIn) -> dict[str, Any]:
    """The whole record as it should read, with the version read (409 if someone changed it since).
    Cases already filed stay as they are; `cases` here adds what was said but not yet filed."""
    services.visit_update(
        actor=request_user(request),
        visit_id=visit_id,
        data=_visit_data(payload),
        expected_version=payload.version,
        said=_said(payload),
        source="api",
    )
    return schemas.visit_detail_json(selectors.visit_detail(user=request_user(request), visit_id=visit_id))


@router.get(
    "/{int:visit_id}", response=schemas.VisitDetailOut, summary="One visit, with its cases' live status"
)
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return schemas.visit_detail_json(selectors.visit_detail(user=request_user(request), visit_id=visit_id))
