"""Agreement pages: the register, an agreement with its landing and funds, the form. Thin:
reads through selectors, changes through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.validators import is_year, parse_id
from zhuqi.investment import figures, selectors, services
from zhuqi.investment.exporting import MAX_ROWS, export_agreements
from zhuqi.investment.models import AgreementKind, AmountNature, AmountUnit
from zhuqi.investment.services import AgreementData

LABELS = {
    "title": "协议名称",
    "kind": "协议类型",
    "counterparty_name": "签约对方",
    "our_party_name": "我方签约主体",
    "region": "所属地区",
    "signed_on": "签约日期",
    "amount": "金额",
    "amount_unit": "单位",
    "amount_nature": "金额性质",
    "follow_up_department": "跟踪落实部门",
    "leaders_present": "出席领导",
    "projects": "落地项目",
    "on": "到位日期",
    "version": "版本",
}


def _error_text(error: ServiceError) -> str:
    if isinstance(error, ValidationFailed):
        return "；".join(f"{LABELS.get(e.field, e.field)}：{e.message}" for e in error.errors)
    return error.message


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _filtered(request: HttpRequest) -> Any:
    """The register as the page's filters ask; a filter that cannot be read raises ServiceError."""
    params = request.GET
    return selectors.agreements_filtered(
        user=request_user(request),
        year=parse_id(params.get("year")),
        region=params.get("region") or None,
        kind=params.get("kind") or None,
        status=params.get("status") or None,
        without_project_months=parse_id(params.get("without_project_months")),
        q=params.get("q") or None,
    )


@login_required
def agreement_export(request: HttpRequest) -> HttpResponse:
    """合作协议台账 in Excel, with the page's filters."""
    try:
        queryset = _filtered(request)
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _error_text(error))
        return redirect(f"{reverse('agreement-list')}?{request.GET.urlencode()}")
    if queryset.count() > MAX_ROWS:
        messages.error(request, _("导出超过 %(max)s 行，请先筛选") % {"max": MAX_ROWS})
        return redirect(f"{reverse('agreement-list')}?{request.GET.urlencode()}")
    agreements = queryset.order_by("-signed_on", "-id").prefetch_related(
        "leaders_present", selectors.visible_projects(request_user(request))
    )
    return office_file(
        export_agreements(agreements.iterator(chunk_size=2000)),
        f"合作协议台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    params = request.GET
    year = parse_id(params.get("year"))
    year = year if is_year(year) else None  # an impossible one is named by _filtered's refusal
    try:
        queryset = _filtered(request)
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _error_text(error))
        queryset = selectors.agreement_list(user=user)
    page = Paginator(queryset, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    summary = figures.agreement_figures(user=user, year=year).total
    return render(
        request,
        "investment/list.html",
        {
            "page": page,
            "filters": params,
            "querystring_base": query.urlencode() + "&" if query else "",
            "kinds": AgreementKind.choices,
            "statuses": list(selectors.STATUS_LABELS.items()),
            "summary": summary,
            "definitions": figures.DEFINITIONS,
            "year": year,
            "can_keep": services.may_keep(user),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _detail_page(request, agreement_id)


def _detail_page(
    request: HttpRequest,
    agreement_id: int,
    *,
    posted_projects: list[int] | None = None,
    posted_funds: dict[str, str] | None = None,
) -> HttpResponse:
    """The agreement page; after a refused form, with what the person typed still in it. The
    forms carry the version the page shows: after a stale refusal the page shows the agreement as
    it now is, so a second submission is made knowing the other change."""
    user = request_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    may_follow_up = services.may_follow_up(user, agreement)
    return render(
        request,
        "investment/detail.html",
        {
            "agreement": agreement,
            "status_label": selectors.STATUS_LABELS[agreement.status],  # type: ignore[attr-defined]
            "linked": posted_projects
            if posted_projects is not None
            else [p.pk for p in agreement.projects.all()],
            "hidden_projects": selectors.hidden_project_count(agreement),
            "funds_posted": posted_funds or {},
            "may_follow_up": may_follow_up,
            "can_keep": services.may_keep(user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def agreement_projects(request: HttpRequest, agreement_id: int) -> HttpResponse:
    ids = [value for value in (parse_id(v) for v in request.POST.getlist("project")) if value is not None]
    try:
        services.agreement_link_projects(
            actor=request_user(request),
            agreement_id=agreement_id,
            expected_version=parse_id(request.POST.get("version")),
            project_ids=ids,
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _error_text(error))
        return _detail_page(request, agreement_id, posted_projects=ids)
    messages.success(request, _("落地项目已保存"))
    return redirect("agreement-detail", agreement_id=agreement_id)


@login_required
@require_POST
def agreement_funds(request: HttpRequest, agreement_id: int) -> HttpResponse:
    try:
        services.funds_record(
            actor=request_user(request),
            agreement_id=agreement_id,
            expected_version=parse_id(request.POST.get("version")),
            on=_date(request.POST.get("on")),
            amount=request.POST.get("amount", ""),
            unit=request.POST.get("unit", AmountUnit.WAN),
            note=request.POST.get("note", ""),
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _error_text(error))
        posted = {name: request.POST.get(name, "") for name in ("on", "amount", "unit", "note")}
        return _detail_page(request, agreement_id, posted_funds=posted)
    messages.success(request, _("到位资金已登记"))
    return redirect("agreement-detail", agreement_id=agreement_id)


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以登记合作协议"))
    values: Any = (
        request.POST if request.method == "POST" else {"region": user.region_id or "", "amount_unit": "亿元"}
    )
    errors: set[str] = set()
    if request.method == "POST":
        data = AgreementData(
            title=values.get("title", ""),
            kind=values.get("kind", ""),
            counterparty_name=values.get("counterparty_name", ""),
            our_party_name=values.get("our_party_name", ""),
            region_code=values.get("region", ""),
            signed_on=_date(values.get("signed_on")),
            place=values.get("place", ""),
            amount=values.get("amount", ""),
            amount_unit=values.get("amount_unit", AmountUnit.YI),
            amount_nature=values.get("amount_nature", AmountNature.NONE),
            period=values.get("period", ""),
            fields=values.get("fields", ""),
            follow_up_department_id=parse_id(values.get("follow_up_department")),
            leader_ids=[
                i for i in (parse_id(v) for v in request.POST.getlist("leaders_present")) if i is not None
            ],
            note=values.get("note", ""),
        )
        try:
            agreement = services.agreement_create(actor=user, data=data, source="web")
            messages.success(request, _("协议已登记"))
            return redirect("agreement-detail", agreement_id=agreement.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, _error_text(error))
            if isinstance(error, ValidationFailed):
                errors = {e.field for e in error.errors}
    return render(
        request,
        "investment/form.html",
        {
            "values": values,
            "errors": errors,
            "kinds": AgreementKind.choices,
            "natures": AmountNature.choices,
            "units": AmountUnit.choices,
            "leaders_present": request.POST.getlist("leaders_present"),
        },
    )
