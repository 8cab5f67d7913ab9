"""Agreement pages: the register, an agreement with its landing and funds, the form. Thin:
reads through selectors, changes through the services."""

from __future__ import annotations

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

from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.validators import is_year, parse_id
from zhuqi.investment import figures, selectors, services
from zhuqi.investment.exporting import MAX_ROWS, export_agreements
from zhuqi.investment.filtersets import AgreementFilterSet
from zhuqi.investment.forms import AgreementForm, AgreementProjectsForm, FundsForm
from zhuqi.investment.models import AgreementKind, AmountNature, AmountUnit
from zhuqi.investment.services import AgreementData


def _filterset(request: HttpRequest) -> AgreementFilterSet:
    """The register through the filter set the API uses too; a filter that cannot be read is
    said in a message naming it."""
    params = request.GET.copy()
    params.pop("page", None)
    filterset = AgreementFilterSet(params, queryset=selectors.agreement_list(user=request_user(request)))
    return page_filterset(request, filterset)


@login_required
def agreement_export(request: HttpRequest) -> HttpResponse:
    """合作协议台账 in Excel, with the page's filters."""
    filterset = _filterset(request)
    if not filterset.is_valid():
        return redirect(f"{reverse('agreement-list')}?{request.GET.urlencode()}")
    queryset = filterset.qs
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
    year = year if is_year(year) else None  # an impossible one is named by the filter set's message
    queryset = _filterset(request).qs
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
    form = AgreementProjectsForm(request.POST)
    form.is_valid()  # as posted; the service judges the version and the projects
    ids = form.cleaned_data["project"]
    try:
        services.agreement_link_projects(
            actor=request_user(request),
            agreement_id=agreement_id,
            expected_version=form.cleaned_data.get("version"),
            project_ids=ids,
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        return _detail_page(request, agreement_id, posted_projects=ids)
    messages.success(request, _("落地项目已保存"))
    return redirect("agreement-detail", agreement_id=agreement_id)


@login_required
@require_POST
def agreement_funds(request: HttpRequest, agreement_id: int) -> HttpResponse:
    form = FundsForm(request.POST)
    form.is_valid()  # as posted; the service judges every value
    data = form.cleaned_data
    try:
        services.funds_record(
            actor=request_user(request),
            agreement_id=agreement_id,
            expected_version=data.get("version"),
            on=data["on"],
            amount=data["amount"],
            unit=data["unit"],
            note=data["note"],
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        posted = {name: form[name].value() or "" for name in ("on", "amount", "unit", "note")}
        return _detail_page(request, agreement_id, posted_funds=posted)
    messages.success(request, _("到位资金已登记"))
    return redirect("agreement-detail", agreement_id=agreement_id)


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以登记合作协议"))
    form = AgreementForm(request.POST if request.method == "POST" else None)
    values: Any = form.data if form.is_bound else {"region": user.region_id or "", "amount_unit": "亿元"}
    errors: set[str] = set()
    if form.is_bound:
        form.is_valid()  # as posted; the service judges every value
        posted = form.cleaned_data
        data = AgreementData(
            title=posted["title"],
            kind=posted["kind"],
            counterparty_name=posted["counterparty_name"],
            our_party_name=posted["our_party_name"],
            region_code=posted["region"],
            signed_on=posted["signed_on"],
            place=posted["place"],
            amount=posted["amount"],
            amount_unit=posted["amount_unit"],
            amount_nature=posted["amount_nature"],
            period=posted["period"],
            fields=posted["fields"],
            follow_up_department_id=posted["follow_up_department"],
            leader_ids=posted["leaders_present"],
            note=posted["note"],
            chain_id=posted["chain"],
        )
        try:
            agreement = services.agreement_create(actor=user, data=data, source="web")
            messages.success(request, _("协议已登记"))
            return redirect("agreement-detail", agreement_id=agreement.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, form.error_text(error))
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
            "leaders_present": form["leaders_present"].value() or [],
            "chains": chain_queryset(user=user),
        },
    )
