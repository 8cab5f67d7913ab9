from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from zhuqi.core import services
from zhuqi.core.auth import issue_token, request_user
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.models import CalendarDay, CalendarYear
from zhuqi.core.services import CalendarEntry
from zhuqi.core.textlimits import schema_field
from zhuqi.core.workdays import WorkingCalendar

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenResponse(Schema):
    token: str


@router.post(
    "/token", auth=None, response=TokenResponse, summary="Exchange a username and password for a token"
)
def token(request: HttpRequest, payload: TokenRequest) -> dict[str, str]:
    raw = issue_token(username=payload.username, password=payload.password)
    if raw is None:
        raise HttpError(401, "用户名或密码不正确")
    return {"token": raw}


calendar_router = Router(tags=["calendar"])


class CalendarDayOut(Schema):
    date: datetime.date
    is_workday: bool
    name: str


class CalendarOut(Schema):
    year: int
    provisional: bool
    source: str = Field(description="entered (by an admin), package (chinese-calendar) or empty")
    days: list[CalendarDayOut]


class CalendarDayIn(Schema):
    date: datetime.date
    is_workday: bool
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
def calendar_year(request: HttpRequest, year: int) -> dict[str, Any]:
    return _calendar_body(year)


@calendar_router.post(
    "/{year}", response=CalendarOut, summary="Enter a year's holidays and adjusted working days"
)
def calendar_year_enter(request: HttpRequest, year: int, payload: CalendarIn) -> dict[str, Any]:
    services.calendar_year_enter(
        actor=request_user(request),
        year=year,
        entries=[CalendarEntry(d.date, d.is_workday, d.name) for d in payload.days],
        source_document=payload.source_document,
        source="api",
    )
    return _calendar_body(year)
