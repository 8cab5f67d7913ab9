import functools
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import IdsThenRows, JsonRows, TrustedPage, paginated
from zhuqi.core.queries import Version
from zhuqi.directory.models import User
from zhuqi.enterprises import selectors, services
from zhuqi.enterprises.filtersets import EnterpriseFilterSet
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.schemas import (
    ENTERPRISE_ROW_COLUMNS,
    AssignmentEnd,
    AssignmentIn,
    AssignmentOut,
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    QualificationsIn,
    assignment_json,
    enterprise_detail_json,
    enterprise_row_json,
)

router = Router(tags=["enterprises"])


class EnterpriseFilters(FilterQuery):
    filterset = EnterpriseFilterSet


def _detail(user: User, enterprise: Enterprise) -> dict[str, Any]:
    return enterprise_detail_json(
        enterprise,
        selectors.enterprise_qualifications(enterprise),
        show_contacts=selectors.can_see_contacts(user),
    )


def _payload(schema: Schema, *, exclude_unset: bool) -> dict[str, Any]:
    data = schema.dict(exclude_unset=exclude_unset)
    data.pop("version", None)
    return data


@router.get("", response=list[EnterpriseOut], summary="List enterprises in your scope")
@paginated
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> Any:
    (queryset,) = filters.apply_each(selectors.enterprise_queryset(user=request_user(request)))
    show = selectors.can_see_contacts(request_user(request))
    rows = IdsThenRows(queryset, JsonRows(queryset.values(*ENTERPRISE_ROW_COLUMNS)))
    return TrustedPage(queryset, functools.partial(enterprise_row_json, show_contacts=show), paged=rows)


@router.post("", response={201: EnterpriseDetailOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    enterprise = services.enterprise_create(
        actor=request_user(request), data=_payload(payload, exclude_unset=False), source="api"
    )
    return Status(201, _detail(request_user(request), enterprise))


@router.get("/{int:enterprise_id}", response=EnterpriseDetailOut, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    enterprise = selectors.enterprise_get(user=request_user(request), enterprise_id=enterprise_id)
    return _detail(request_user(request), enterprise)


@router.patch(
    "/{int:enterprise_id}",
    response=EnterpriseDetailOut,
    summary="Change an enterprise (send the version you read)",
)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch) -> dict[str, Any]:
    enterprise = services.enterprise_update(
        actor=request_user(request),
        enterprise_id=enterprise_id,
        data=_payload(payload, exclude_unset=True),
        expected_version=payload.version,
        source="api",
    )
    return _detail(request_user(request), enterprise)


@router.put(
    "/{int:enterprise_id}/qualifications",
    response=EnterpriseDetailOut,
    summary="Replace the enterprise's qualifications (资质认定; send the enterprise's version you read)",
)
def set_qualifications(request: HttpRequest, enterprise_id: int, payload: QualificationsIn) -> dict[str, Any]:
    enterprise = services.qualifications_set(
        actor=request_user(request),
        enterprise_id=enterprise_id,
        expected_version=payload.version,
        items=[
            services.QualificationData(
                kind=item.kind, recognised_on=item.recognised_on, valid_until=item.valid_until
            )
            for item in payload.items
        ],
        source="api",
    )
    return _detail(request_user(request), enterprise)


@router.delete("/{int:enterprise_id}", response={204: None}, summary="Delete an enterprise")
def delete_enterprise(request: HttpRequest, enterprise_id: int, version: Version) -> Status:
    services.enterprise_delete(
        actor=request_user(request), enterprise_id=enterprise_id, expected_version=version, source="api"
    )
    return Status(204, None)


@router.get(
    "/{int:enterprise_id}/assignments",
    response=list[AssignmentOut],
    summary="Who is and was responsible (包联)",
)
def list_assignments(request: HttpRequest, enterprise_id: int) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_get(user=request_user(request), enterprise_id=enterprise_id)
    queryset = enterprise.assignments.select_related("official").order_by("-start_date", "-id")
    return [assignment_json(a) for a in queryset]


@router.post("/{int:enterprise_id}/assignments", response={201: AssignmentOut}, summary="Assign an official")
def create_assignment(request: HttpRequest, enterprise_id: int, payload: AssignmentIn) -> Status:
    assignment = services.assignment_create(
        actor=request_user(request),
        enterprise_id=enterprise_id,
        official_id=payload.official,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        note=payload.note,
    )
    return Status(201, assignment_json(assignment))


@router.post("/assignments/{int:assignment_id}/end", response=AssignmentOut, summary="End an assignment")
def end_assignment(request: HttpRequest, assignment_id: int, payload: AssignmentEnd) -> dict[str, Any]:
    assignment = services.assignment_end(
        actor=request_user(request), assignment_id=assignment_id, end_date=payload.end_date
    )
    return assignment_json(assignment)
