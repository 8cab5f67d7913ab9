"""The group robots' API schemas. The secret is write-only: it goes in, and comes back masked."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from zhuqi.core.queries import RecordId, Version, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.notifications import services
from zhuqi.notifications.models import Webhook


class RobotIn(Schema):
    name: str = schema_field(Webhook, "name")
    flavour: Annotated[str, choices_schema(Webhook.Flavour)]
    url: str = Field(..., max_length=500, description="the robot's webhook address (its key included)")
    secret: str | None = Field(
        None, max_length=200, description="DingTalk 加签 secret (SEC…); write-only, never returned"
    )
    site_url: str = Field(
        "",
        max_length=200,
        description="the platform's address the robot's links are made with; blank: the one this request "
        "came to (ZHUQI_BASE_URL, when set, overrides it)",
    )
    department: RecordId | None = None
    region: str = Field("", max_length=6, description="a region code: the robot of its coordinators")
    is_active: bool = True


class RobotUpdateIn(RobotIn):
    url: str | None = Field(  # type: ignore[assignment]
        None, max_length=500, description="omitted or null: the address stays as it is"
    )
    secret: str | None = Field(
        None, max_length=200, description='omitted or null: the secret stays; "": removed. Write-only'
    )
    site_url: str = Field("", max_length=200, description="blank: the address stays as it is")
    version: Version


class RobotActiveIn(Schema):
    version: Version


class RobotOut(Schema):
    id: int
    name: str
    flavour: Annotated[Webhook.Flavour, choices_schema(Webhook.Flavour)]
    flavour_label: str
    url: str = Field(description="the address with its key masked")
    has_secret: bool
    secret: str = Field(description="masked (SEC******a1b2), or empty")
    site_url: str
    department: int | None
    department_name: str
    region: str | None
    region_name: str
    is_active: bool
    last_success_at: datetime.datetime | None
    last_failure_at: datetime.datetime | None
    last_error: str
    version: int


class RobotTestOut(Schema):
    ok: bool
    answer: str = Field(description="the platform's answer, or what went wrong")


def robot_json(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.pk,
        "name": webhook.name,
        "flavour": webhook.flavour,
        "flavour_label": webhook.get_flavour_display(),
        "url": services.masked_url(webhook.url),
        "has_secret": bool(webhook.secret),
        "secret": services.masked_secret(webhook.secret),
        "site_url": webhook.site_url,
        "department": webhook.department_id,
        "department_name": webhook.department.name if webhook.department else "",
        "region": webhook.region_id,
        "region_name": webhook.region.name if webhook.region else "",
        "is_active": webhook.is_active,
        "last_success_at": webhook.last_success_at,
        "last_failure_at": webhook.last_failure_at,
        "last_error": webhook.last_error,
        "version": webhook.version,
    }
