from __future__ import annotations

import calendar as month_calendar
import datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.cases import selectors as case_selectors
from zhuqi.core import audit, selectors, services
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import AuditFilterSet, field_choices, object_type_choices
from zhuqi.core.models import AuditEntry
from zhuqi.core.navigation import page_for
from zhuqi.core.roles import Role
from zhuqi.core.validators import parse_id
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.demo import dataset
from zhuqi.enterprises import selectors as enterprise_selectors
from zhuqi.visits import selectors as visit_selectors

FAVICON = Path(__file__).resolve().parent / "static" / "zhuqi" / "favicon.ico"


def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, asked for by browsers on pages without the icon link (the API docs, the admin)
    and by bookmarks; the pages link the SVG beside it."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["demo_usernames"] = dataset.DEMO_USERNAMES if dataset.is_loaded() else ()
        context["demo_password"] = dataset.DEMO_PASSWORD
        return context


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """One page per role: what this user works on, from the records (sparse until the cases,
    visits and projects land)."""
    user = request_user(request)
    enterprises = enterprise_selectors.enterprise_queryset(user=user)
    context: dict[str, object] = {
        "enterprise_count": enterprises.count(),
        "above_scale_count": enterprises.filter(above_scale=True).count(),
    }
    context["case_counts"] = case_selectors.open_counts(user=user)
    context["waiting"] = case_selectors.waiting_on(user=user)[:8]
    if user.role == Role.LIAISON or user.official_id:
        context["assignments"] = enterprise_selectors.my_assignments(user=user)
    if user.role in (Role.LEADER, Role.COORDINATOR, Role.HANDLER):
        context["my_visits"] = visit_selectors.my_visits_summary(user=user, today=timezone.localdate())
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        context["own_enterprise"] = enterprises.first()
    if selectors.can_read_audit(user):
        context["recent_audit"] = selectors.audit_queryset(user=user)[:10]
    return render(request, "core/workbench.html", context)


AUDIT_FILTER_LABELS = {
    "actor": "操作人账号",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "object_type": "对象类型",
    "object_id": "对象编号",
    "action": "操作",
    "field": "字段",
}


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_read_audit(user):
        raise PermissionDenied()
    filterset = AuditFilterSet(request.GET, queryset=selectors.audit_queryset(user=user))
    if filterset.is_valid():
        queryset = filterset.qs
    else:
        # A filter that cannot be read filters nothing in: say which, show no rows.
        for name, errors in filterset.errors.items():
            messages.error(
                request,
                _("筛选条件有误：%(field)s %(errors)s")
                % {"field": _(AUDIT_FILTER_LABELS.get(name, name)), "errors": " ".join(errors)},
            )
        queryset = filterset.queryset.none()
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    shown = audit.with_visible_changes(
        page.object_list, show_personal=enterprise_selectors.can_see_contacts(user)
    )
    params = request.GET.copy()
    params.pop("page", None)
    filters = {name: request.GET.get(name, "") for name in AUDIT_FILTER_LABELS}
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "entries": shown,
            "filters": filters,
            "object_types": object_type_choices(),
            "fields": field_choices(filters["object_type"]) if filters["object_type"] else [],
            "actions": AuditEntry.Action.choices,
            "querystring_base": params.urlencode() + "&" if params else "",
        },
    )


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
    is_admin = user.role == Role.ADMIN or user.is_superuser
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
    from zhuqi.core import pickers

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


@login_required
@page_for("account")
def account(request: HttpRequest) -> HttpResponse:
    """My account: a new password (the only thing open while an admin's forced reset is pending),
    and my API tokens, each revocable."""
    from zhuqi.directory import services as directory_services

    user = request_user(request)
    forced = user.must_change_password
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.POST.get("revoke") and not forced:
                token_id = parse_id(request.POST.get("revoke", ""))
                if token_id is None:
                    raise Http404
                services.token_revoke(actor=user, token_id=token_id, source="web")
                messages.success(request, _("令牌已吊销，使用它的程序将无法再访问接口"))
                return redirect("account")
            new_password = request.POST.get("new_password", "")
            if new_password != request.POST.get("new_password_again", ""):
                raise ValidationFailed([FieldError("new_password_again", _("两次输入的新密码不一致"))])
            directory_services.password_change(
                actor=user,
                user=user,
                new_password=new_password,
                # After a forced reset the admin's word replaces the old password.
                current_password=None if forced else request.POST.get("current_password", ""),
                source="web",
            )
        except ValidationFailed as error:
            for problem in error.errors:
                errors.setdefault(problem.field, []).append(problem.message)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            # This browser stays signed in; every other session ended with the old password.
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。其他设备上的登录已退出，原有的API令牌已全部吊销"))
            return redirect("workbench" if forced else "account")
    return render(
        request,
        "core/account.html",
        {
            "forced": forced,
            "errors": errors,
            "tokens": [] if forced else selectors.live_tokens(user=user),
            "token_ttl_days": settings.ZHUQI_TOKEN_TTL_DAYS,
        },
        status=422 if errors else 200,
    )
