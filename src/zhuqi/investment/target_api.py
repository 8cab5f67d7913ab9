"""/api/v1/targets: the investment targets (招商目标) the reader sees, and their changes."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.investment import target_schemas as schemas
from zhuqi.investment import target_selectors as selectors
from zhuqi.investment import target_services as services
from zhuqi.investment.target_filtersets import TargetFilterSet
from zhuqi.investment.target_services import TargetData

router = Router(tags=["targets"])


class TargetFilters(FilterQuery):
    filterset = TargetFilterSet


def _data(payload: schemas.TargetIn) -> TargetData:
    return TargetData(
        chain_id=payload.chain,
        segment_id=payload.segment,
        name=payload.name,
        uscc=payload.uscc,
        origin=payload.origin,
        expected_investment=payload.expected_investment,
        department_id=payload.department,
        official_id=payload.official,
        next_step=payload.next_step,
        next_step_on=payload.next_step_on,
        note=payload.note,
    )


def _detail(request: HttpRequest, target_id: int) -> dict[str, Any]:
    return schemas.target_json(selectors.target_get(user=request_user(request), target_id=target_id))


@router.get("", response=list[schemas.TargetOut], summary="The investment targets in your scope")
@paginated
def list_targets(request: HttpRequest, filters: Query[TargetFilters]) -> Any:
    queryset = filters.apply(selectors.target_queryset(user=request_user(request))).order_by(
        "chain_id", "segment_id", "id"
    )
    return TrustedPage(queryset, schemas.target_json)


@router.post("", response={201: schemas.TargetOut}, summary="Register an investment target (招商目标)")
def create_target(request: HttpRequest, payload: schemas.TargetIn) -> Status:
    target = services.target_create(actor=request_user(request), data=_data(payload), source="api")
    return Status(201, _detail(request, target.pk))


@router.get("/{int:target_id}", response=schemas.TargetOut, summary="One investment target")
def get_target(request: HttpRequest, target_id: int) -> dict[str, Any]:
    return _detail(request, target_id)


@router.put("/{int:target_id}", response=schemas.TargetOut, summary="Correct a target and its next step")
def update_target(request: HttpRequest, target_id: int, payload: schemas.TargetUpdateIn) -> dict[str, Any]:
    services.target_update(
        actor=request_user(request),
        target_id=target_id,
        expected_version=payload.version,
        data=_data(payload),
        source="api",
    )
    return _detail(request, target_id)


@router.post(
    "/{int:target_id}/advance",
    response=schemas.TargetOut,
    summary="Move a target along 已识别 → 已接洽 → 洽谈中 → 已签约 → 已落地, or drop it, or take it up",
)
def advance_target(request: HttpRequest, target_id: int, payload: schemas.AdvanceIn) -> dict[str, Any]:
    services.target_advance(
        actor=request_user(request),
        target_id=target_id,
        expected_version=payload.version,
        status=payload.status,
        agreement_id=payload.agreement,
        project_id=payload.project,
        note=payload.note,
        source="api",
    )
    return _detail(request, target_id)
