from __future__ import annotations

import calendar as month_calendar
import datetime
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.core import pickers, services
from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.navigation import page_for
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.workdays import WorkingCalendar

FAVICON = Path(__file__).resolve().parent / "static" / "zhuqi" / "favicon.ico"


def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, asked for by browsers on pages without the icon link (the API docs, the admin)
    and by bookmarks; the pages link the SVG beside it."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@page_for("calendar-year")
def calendar_year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """A year's working days as the deadlines use them, and for admins the form to enter a year
    from the State Council's notice (粘贴国务院办公厅通知整理出的日期清单)."""
    if year is None:
        return redirect("calendar-year", timezone.localdate().year)
    if not 2000 <= year <= 2100:
        raise Http404
    user = request_user(request)
    is_admin = has_permission(user, Permission.CONFIGURE)
    text = ""
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(services.CALENDAR_REFUSED)
        text = request.POST.get("days", "")
        entries, errors = services.parse_calendar_text(text, year=year)
        try:
            if errors:
                raise ValidationFailed(errors)
            services.calendar_year_enter(
                actor=user,
                year=year,
                entries=entries,
                source_document=request.POST.get("source_document", "").strip(),
                source="web",
            )
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            problems = error.errors if isinstance(error, ValidationFailed) else []
            messages.error(
                request,
                _("未录入，请改正后重新提交：%(reasons)s")
                % {"reasons": "；".join(f"{e.field} {e.message}" for e in problems) or error.message},
            )
        else:
            messages.success(request, _("%(year)s 年工作日历已录入，相关暂定时限已重新计算") % {"year": year})
            return redirect("calendar-year", year)
    calendar = WorkingCalendar()
    days = calendar.year_days(year)
    # The days that differ from the plain weekend rule: what the State Council's notice says.
    special = [d for d in days if d.is_workday == (d.date.weekday() >= 5) or d.name]
    by_date = {d.date: d for d in days}
    months = [
        (month, [[by_date.get(datetime.date(year, month, n)) if n else None for n in week] for week in weeks])
        for month, weeks in ((m, month_calendar.monthcalendar(year, m)) for m in range(1, 13))
    ]
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "source": calendar.year_source(year),
            "provisional": calendar.is_provisional_year(year),
            "special": special,
            "months": months,
            "workday_count": sum(1 for d in days if d.is_workday),
            "is_admin": is_admin,
            "text": text,
            "years": range(year - 2, year + 3),
        },
    )


@login_required
def picker_options(request: HttpRequest, kind: str) -> HttpResponse:
    """The shared picker's answers: a page of the kind's matches in the user's scope, and a word
    when there are more (core/pickers.py)."""
    picker_kind = pickers.get_kind(kind)
    if picker_kind is None:
        raise Http404
    query = request.GET.get("q", "")[:50]
    found, more = pickers.find(picker_kind, user=request_user(request), query=query)
    return render(
        request,
        "core/picker_options.html",
        {
            "kind": picker_kind,
            "found": found,
            "more": more,
            "query": query.strip(),
            "page_size": pickers.PAGE_SIZE,
        },
    )
