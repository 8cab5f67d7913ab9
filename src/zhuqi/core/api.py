from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictBool

from zhuqi.core import selectors, services
from zhuqi.core.auth import authenticate_for_token, refuse_if_password_must_change, request_user
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.models import ApiToken, CalendarDay, CalendarYear
from zhuqi.core.queries import IsoDate, Year
from zhuqi.core.services import CalendarEntry
from zhuqi.core.textlimits import schema_field
from zhuqi.core.throttling import client_address, lockout_response
from zhuqi.core.workdays import WorkingCalendar

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    label: str = Field(
        "",
        max_length=100,
        description="the client's name for itself (数据同步脚本); a new token with the same label "
        "replaces the client's earlier one. Default: the User-Agent",
    )


class TokenResponse(Schema):
    token: str
    expires_at: datetime.datetime


class Refusal(Schema):
    detail: str


class LockedOut(Schema):
    code: str = Field(description="locked_out")
    detail: str = Field(description="when the client may try again, in words")
    retry_at: datetime.datetime


@router.post(
    "/token",
    auth=None,
    response={200: TokenResponse, 401: Refusal, 403: Refusal, 429: LockedOut},
    summary="Exchange a username and password for a token",
    description="Failed attempts are counted per account and per client address; past the limit "
    "the answer is 429 with Retry-After (seconds) until the cool-off has passed, even for the "
    "right password. An account an admin has sent to change its password gets 403.",
)
def token(request: HttpRequest, payload: TokenRequest) -> Any:
    user = authenticate_for_token(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # The credentials name the account: a JSON body is not in request.POST for axes to find.
        return lockout_response(request, credentials=getattr(request, "axes_credentials", None))
    if user is None:
        raise HttpError(401, "用户名或密码不正确")
    refuse_if_password_must_change(user)
    raw, stored = services.token_issue(
        user=user,
        label=payload.label or request.headers.get("User-Agent", ""),
        named=bool(payload.label),
        created_from=client_address(request),
        source="api",
    )
    return {"token": raw, "expires_at": stored.expires_at}


class TokenOut(Schema):
    id: int
    label: str
    created_from: str = Field(description="the client address the token was issued to")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None = Field(description="to the minute")
    expires_at: datetime.datetime
    current: bool = Field(description="the token this request came with")


@router.get("/tokens", response=list[TokenOut], summary="My API tokens (never their keys)")
def tokens(request: HttpRequest) -> list[dict[str, Any]]:
    current = _bearer_hash(request)
    return [
        {
            "id": token.pk,
            "label": token.label,
            "created_from": token.created_from,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "current": token.key_hash == current,
        }
        for token in selectors.live_tokens(user=request_user(request))
    ]


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 404: Refusal},
    summary="Revoke one of my API tokens (an admin: anyone's)",
)
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    services.token_revoke(actor=request_user(request), token_id=token_id, source="api")
    return Status(204, None)


def _bearer_hash(request: HttpRequest) -> str:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return ApiToken.hash(key.strip()) if scheme.lower() == "bearer" and key.strip().isascii() else ""


calendar_router = Router(tags=["calendar"])


class CalendarDayOut(Schema):
    date: datetime.date
    is_workday: bool
    name: str


class CalendarOut(Schema):
    year: int
    provisional: bool
    source: Literal["entered", "package", ""] = Field(
        description="entered (by an admin), package (chinese-calendar) or empty"
    )
    days: list[CalendarDayOut]


class CalendarDayIn(Schema):
    date: IsoDate
    is_workday: StrictBool  # true or false: not 0, 1 or "yes"
    name: str = schema_field(CalendarDay, "name", "")


class CalendarIn(Schema):
    days: list[CalendarDayIn] = Field(
        description="the year's holidays and adjusted working days; other days follow the weekend rule"
    )
    source_document: str = schema_field(
        CalendarYear, "source", "", description="the State Council notice the list comes from"
    )


def _calendar_body(year: int) -> dict[str, Any]:
    if not 2000 <= year <= 2100:
        raise ValidationFailed([FieldError("year", "年份应在 2000 到 2100 之间")])
    calendar = WorkingCalendar()
    return {
        "year": year,
        "provisional": calendar.is_provisional_year(year),
        "source": calendar.year_source(year),
        "days": [
            {"date": d.date, "is_workday": d.is_workday, "name": d.name} for d in calendar.year_days(year)
        ],
    }


@calendar_router.get(
    "/{year}", response=CalendarOut, summary="Every day of a year: working day or not, and why"
)
def calendar_year(request: HttpRequest, year: Year) -> dict[str, Any]:
    return _calendar_body(year)


@calendar_router.post(
    "/{year}", response=CalendarOut, summary="Enter a year's holidays and adjusted working days"
)
def calendar_year_enter(request: HttpRequest, year: Year, payload: CalendarIn) -> dict[str, Any]:
    services.calendar_year_enter(
        actor=request_user(request),
        year=year,
        entries=[CalendarEntry(d.date, d.is_workday, d.name) for d in payload.days],
        source_document=payload.source_document,
        source="api",
    )
    return _calendar_body(year)
