"""Group robots through the API: admins manage every robot, coordinators their jurisdiction's
(Permission.MANAGE_ROBOTS, scoped by selectors.webhook_scope_q)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from zhuqi.core.auth import request_user
from zhuqi.core.pagination import LazyPage, PageNumberPagination
from zhuqi.core.queries import Version
from zhuqi.notifications import schemas, selectors, services

router = Router(tags=["robots"])


def _detail(request: HttpRequest, webhook_id: int) -> dict[str, Any]:
    return schemas.robot_json(selectors.webhook_get(user=request_user(request), webhook_id=webhook_id))


@router.get("", response=list[schemas.RobotOut], summary="The group robots you manage")
@paginate(PageNumberPagination)
def list_robots(request: HttpRequest) -> Any:
    user = request_user(request)
    services.require_robot_manager(user)
    return LazyPage(selectors.webhooks(user=user), schemas.robot_json)


@router.post("", response={201: schemas.RobotOut}, summary="Add a group robot")
def create_robot(request: HttpRequest, payload: schemas.RobotIn) -> Status:
    webhook = services.webhook_save(
        actor=request_user(request),
        name=payload.name,
        flavour=payload.flavour,
        url=payload.url,
        secret=payload.secret,
        site_url=payload.site_url or request.build_absolute_uri("/"),
        department_id=payload.department,
        region_code=payload.region,
        is_active=payload.is_active,
        source="api",
    )
    return Status(201, _detail(request, webhook.pk))


@router.get("/{int:robot_id}", response=schemas.RobotOut, summary="One group robot")
def get_robot(request: HttpRequest, robot_id: int) -> dict[str, Any]:
    return _detail(request, robot_id)


@router.put("/{int:robot_id}", response=schemas.RobotOut, summary="Change a group robot (send the version)")
def update_robot(request: HttpRequest, robot_id: int, payload: schemas.RobotUpdateIn) -> dict[str, Any]:
    current = selectors.webhook_get(user=request_user(request), webhook_id=robot_id)
    services.webhook_save(
        actor=request_user(request),
        webhook_id=robot_id,
        expected_version=payload.version,
        name=payload.name,
        flavour=payload.flavour,
        url=payload.url,
        secret=payload.secret,
        site_url=payload.site_url or current.site_url or request.build_absolute_uri("/"),
        department_id=payload.department,
        region_code=payload.region,
        is_active=payload.is_active,
        source="api",
    )
    return _detail(request, robot_id)


@router.post("/{int:robot_id}/enable", response=schemas.RobotOut, summary="Enable a group robot")
def enable_robot(request: HttpRequest, robot_id: int, payload: schemas.RobotActiveIn) -> dict[str, Any]:
    services.webhook_set_active(
        actor=request_user(request),
        webhook_id=robot_id,
        is_active=True,
        expected_version=payload.version,
        source="api",
    )
    return _detail(request, robot_id)


@router.post(
    "/{int:robot_id}/disable",
    response=schemas.RobotOut,
    summary="Disable a group robot (nothing is queued for it; what waits is cancelled)",
)
def disable_robot(request: HttpRequest, robot_id: int, payload: schemas.RobotActiveIn) -> dict[str, Any]:
    services.webhook_set_active(
        actor=request_user(request),
        webhook_id=robot_id,
        is_active=False,
        expected_version=payload.version,
        source="api",
    )
    return _detail(request, robot_id)


@router.post(
    "/{int:robot_id}/test",
    response=schemas.RobotTestOut,
    summary="Send a test message now and return the platform's answer",
)
def test_robot(request: HttpRequest, robot_id: int) -> dict[str, Any]:
    outcome = services.webhook_test(actor=request_user(request), webhook_id=robot_id)
    return {"ok": outcome.ok, "answer": outcome.answer}


@router.delete("/{int:robot_id}", response={204: None}, summary="Delete a group robot")
def delete_robot(request: HttpRequest, robot_id: int, version: Version) -> Status:
    services.webhook_delete(
        actor=request_user(request), webhook_id=robot_id, expected_version=version, source="api"
    )
    return Status(204, None)
