"""The operating indicators' pages (重点企业运行监测), under /task-forces/indicators/: the month's
table with each fall marked and each enterprise's cases beside it, one enterprise's thirteen
months, the entry form (a month already reported opens as its correction) and the month's import.
Thin: reads through indicators' selectors, writes through its services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.forms import Form, LenientIntegerField, model_label
from zhuqi.core.listing import ListPaginator, exact_count_asked
from zhuqi.core.navigation import page_for
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.core.tabular import ImportFileError
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_get, enterprise_queryset
from zhuqi.taskforces import indicators, selectors
from zhuqi.taskforces.indicators import Drop, IndicatorFilterSet, Writers
from zhuqi.taskforces.models import INDICATOR_FIELDS, OperatingIndicator

PER_PAGE = 50


def _measure(name: str) -> forms.CharField:
    return forms.CharField(label=model_label(OperatingIndicator, name), required=False, strip=False)


class IndicatorForm(Form):
    """One enterprise-month: the measures stay text (1,234.5), the service reads and judges them."""

    model = OperatingIndicator

    enterprise = LenientIntegerField(label=model_label(OperatingIndicator, "enterprise"))
    month = forms.CharField(label=model_label(OperatingIndicator, "month"), required=False)
    output_value = _measure("output_value")
    revenue = _measure("revenue")
    electricity = _measure("electricity")
    employees = _measure("employees")
    taxes = _measure("taxes")
    # The row corrected, and the version the page showed.
    indicator = LenientIntegerField(widget=forms.HiddenInput)
    version = version_field()


class ImportForm(Form):
    month = forms.CharField(label=model_label(OperatingIndicator, "month"), required=False)
    file = forms.FileField(label=_("文件"), required=False)
    skip_invalid = forms.BooleanField(label=_("跳过有误的行，导入其余各行"), required=False)


def _month(request: HttpRequest, default: Period | None) -> Period | None:
    """The month the query string names (refused in a message), else `default`."""
    text = request.GET.get("month", "").strip()
    if not text:
        return default
    try:
        return indicators.month_of(text)
    except ValidationFailed as error:
        messages.error(request, "；".join(e.message for e in error.errors))
        return default


def _cells(row: dict[str, Any] | None, drops: list[Drop]) -> list[dict[str, Any]]:
    """Each measure of a row with the falls it shows."""
    by_field: dict[str, list[Drop]] = {}
    for drop in drops:
        by_field.setdefault(drop.field, []).append(drop)
    return [
        {
            "name": name,
            "label": indicators.label(name),
            "value": row[name] if row else None,
            "drops": by_field.get(name, []),
        }
        for name in INDICATOR_FIELDS
    ]


def _columns() -> list[str]:
    return [indicators.label(name) for name in INDICATOR_FIELDS]


def _neighbours(month: Period) -> tuple[Period, Period | None]:
    following = month.next()
    return month.previous(), following if following.start <= timezone.localdate() else None


@login_required
@page_for("indicator-month")
def indicator_month(request: HttpRequest) -> HttpResponse:
    """The month's table: every enterprise that reported, its falls marked, its open and
    recent cases beside it; the month's totals and falls above."""
    user = request_user(request)
    month = _month(request, None) or indicators.latest_month(user=user) or indicators.default_month()
    params = request.GET.copy()
    for name in ("page", "count"):
        params.pop(name, None)
    params["month"] = month.key
    filterset = page_filterset(
        request, IndicatorFilterSet(params, queryset=selectors.indicator_queryset(user=user))
    )
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    counted = filterset.qs
    rows = counted.order_by("region_id", "enterprise__name", "id").values(*indicators.ROW_COLUMNS)
    page = ListPaginator(rows, PER_PAGE, counted=counted, exact=exact_count_asked(request)).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    drops = indicators.drops_for_rows(user=user, rows=shown)
    cases = indicators.case_history(user=user, enterprise_ids={row["enterprise_id"] for row in shown})
    table = []
    for row in shown:
        open_, recent = cases.get(row["enterprise_id"], ([], []))
        found = drops.get(row["id"], [])
        table.append(
            {"row": row, "cells": _cells(row, found), "fallen": bool(found), "open": open_, "recent": recent}
        )
    enterprise = cleaned.get("enterprise")
    overview = indicators.month_overview(
        user=user,
        month=month,
        region_code=cleaned.get("region") or "",
        enterprise_ids=[enterprise] if enterprise else None,
    )
    previous, following = _neighbours(month)
    query = params.copy()
    return render(
        request,
        "taskforces/indicator_month.html",
        {
            "month": month,
            "previous": previous,
            "following": following,
            "overview": overview,
            "threshold": indicators.threshold_percent(),
            "columns": _columns(),
            "table": table,
            "page": page,
            "filters": params,
            "querystring_base": query.urlencode() + "&",
            "may_write": Writers(user).may_write_any,
        },
    )


@login_required
def indicator_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """One enterprise's thirteen months up to the month named (or its latest), each fall
    marked, with its cases beside them."""
    user = request_user(request)
    enterprise = enterprise_get(user=user, enterprise_id=enterprise_id)
    history = indicators.enterprise_history(
        user=user, enterprise_id=enterprise.pk, last=_month(request, None)
    )
    open_, recent = indicators.case_history(user=user, enterprise_ids=[enterprise.pk], recent=10).get(
        enterprise.pk, ([], [])
    )
    may_write = Writers(user).may_write(enterprise.pk, enterprise.region_id)
    months = [
        {
            "month": item.month,
            "row": item.row,
            "cells": _cells(item.row, item.drops),
            "fallen": bool(item.drops),
        }
        for item in history
    ]
    last = history[0].month
    previous, following = _neighbours(last)
    return render(
        request,
        "taskforces/indicator_enterprise.html",
        {
            "enterprise": enterprise,
            "months": months,
            "last": last,
            "previous": previous,
            "following": following,
            "columns": _columns(),
            "open_cases": open_,
            "recent_cases": recent,
            "threshold": indicators.threshold_percent(),
            "may_write": may_write,
            "falls": [drop for item in history for drop in item.drops if item.month == last],
        },
    )


def _writable_enterprises(user: User) -> list[Enterprise] | None:
    """The enterprises a liaison officer reports for (a list to choose from); None where the
    page offers the search picker (the office) or the enterprise is fixed."""
    if user.role != Role.LIAISON:
        return None
    return list(
        enterprise_queryset(user=user)
        .filter(pk__in=Assignment.enterprises_of(user.official_id))
        .select_related(None)
        .only("pk", "name")
        .order_by("name")
    )


def _entry_page(
    request: HttpRequest, user: User, form: IndicatorForm, enterprise: Enterprise | None, month: Period | None
) -> HttpResponse:
    previous: dict[str, Any] | None = None
    if enterprise is not None and month is not None:
        previous = (
            selectors.indicator_queryset(user=user)
            .filter(enterprise_id=enterprise.pk, month=month.previous().start)
            .values(*INDICATOR_FIELDS)
            .first()
        )
    fields = [
        {
            "field": form[name],
            "previous": previous.get(name) if previous else None,
            "unit": indicators.unit(name),
        }
        for name in INDICATOR_FIELDS
    ]
    return render(
        request,
        "taskforces/indicator_form.html",
        {
            "form": form,
            "fields": fields,
            "enterprise": enterprise,
            "fixed_enterprise": user.role == Role.ENTERPRISE,
            "choices": _writable_enterprises(user),
            "month": month,
            "previous_month": month.previous() if month else None,
            "correcting": bool(form["indicator"].value()),
        },
    )


@login_required
def indicator_entry(request: HttpRequest) -> HttpResponse:
    """录入: an enterprise's figures for a month; a month already reported opens as its
    correction (its values and version in the form)."""
    user = request_user(request)
    if not Writers(user).may_write_any:
        raise PermissionDenied(indicators.REFUSAL)
    if request.method == "POST":
        return _entry_post(request, user)
    enterprise_id = (
        user.enterprise_id if user.role == Role.ENTERPRISE else parse_id(request.GET.get("enterprise"))
    )
    enterprise = enterprise_queryset(user=user).filter(pk=enterprise_id).first() if enterprise_id else None
    month = _month(request, indicators.default_month())
    initial: dict[str, Any] = {
        "enterprise": enterprise.pk if enterprise else "",
        "month": month.key if month else "",
    }
    existing = (
        selectors.indicator_queryset(user=user).filter(enterprise_id=enterprise.pk, month=month.start).first()
        if enterprise is not None and month is not None
        else None
    )
    if existing is not None:
        initial.update({name: _typed(getattr(existing, name)) for name in INDICATOR_FIELDS})
        initial.update({"indicator": existing.pk, "version": existing.version})
    return _entry_page(request, user, IndicatorForm(initial=initial), enterprise, month)


def _typed(value: Any) -> str:
    """A stored measure as the form shows it to be edited (1234.5, not 1234.50)."""
    if value is None:
        return ""
    text = f"{value:f}" if not isinstance(value, int) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _entry_post(request: HttpRequest, user: User) -> HttpResponse:
    form = IndicatorForm(request.POST)
    form.is_valid()  # as posted; the service judges every value
    data = form.cleaned_data
    values = {name: data.get(name) for name in INDICATOR_FIELDS}
    enterprise_id = user.enterprise_id if user.role == Role.ENTERPRISE else data.get("enterprise")
    try:
        if data.get("indicator"):
            saved = indicators.indicator_update(
                actor=user,
                indicator_id=data["indicator"],
                expected_version=data.get("version"),
                values=indicators.IndicatorValues(**values),
                source="web",
            )
        else:
            saved = indicators.indicator_record(
                actor=user,
                data=indicators.IndicatorData(enterprise_id=enterprise_id, month=data.get("month"), **values),
                source="web",
            )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        return _entry_page(
            request, user, form, _enterprise_or_none(user, enterprise_id), _month_or_none(data)
        )
    except ServiceError as error:  # a stale version: say so, and show what is stored now
        messages.error(request, form.error_text(error))
        month = _month_or_none(data)
        query = f"?enterprise={enterprise_id or ''}&month={month.key if month else ''}"
        return redirect(reverse("indicator-entry") + query)
    month = indicators.month_of(saved.month)
    messages.success(request, _("已保存%(month)s的运行指标") % {"month": month.label})
    return redirect(f"{reverse('indicator-enterprise', args=[saved.enterprise_id])}?month={month.key}")


def _enterprise_or_none(user: User, enterprise_id: int | None) -> Enterprise | None:
    return enterprise_queryset(user=user).filter(pk=enterprise_id).first() if enterprise_id else None


def _month_or_none(data: dict[str, Any]) -> Period | None:
    try:
        return indicators.month_of(data.get("month"))
    except ValidationFailed:
        return None


@login_required
def indicator_import(request: HttpRequest) -> HttpResponse:
    """导入: a month's table of many enterprises, written whole or not at all (or the bad rows
    skipped), each refused cell named by row and column."""
    user = request_user(request)
    if not Writers(user).may_write_any:
        raise PermissionDenied(indicators.REFUSAL)
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        form.is_valid()
        upload = form.cleaned_data.get("file")
        if upload is None:
            form.add_error("file", _("请选择要导入的 Excel 或 CSV 文件"))
        else:
            try:
                report = indicators.import_indicators(
                    actor=user,
                    stream=upload,
                    filename=upload.name or "",
                    month=form.cleaned_data.get("month") or None,
                    skip_invalid=bool(form.cleaned_data.get("skip_invalid")),
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            except (NotFound, PermissionDenied):
                raise
            except ValidationFailed as error:
                form.add_service_errors(error.errors)
        if report is not None and report.written:
            messages.success(
                request,
                _("已导入 %(rows)s 行：新增 %(created)s，更新 %(updated)s，无变化 %(unchanged)s")
                % {
                    "rows": f"{report.rows:,}",
                    "created": f"{report.created:,}",
                    "updated": f"{report.updated:,}",
                    "unchanged": f"{report.unchanged:,}",
                },
            )
    else:
        form = ImportForm(initial={"month": indicators.default_month().key})
    month_text = form["month"].value() or indicators.default_month().key
    return render(
        request,
        "taskforces/indicator_import.html",
        {
            "form": form,
            "report": report,
            "errors": report.errors[:200] if report else [],
            "more_errors": max(len(report.errors) - 200, 0) if report else 0,
            "template_month": month_text,
            "columns": [
                indicators.COLUMN_LABELS[name] for name in ("uscc", "name", "month", *INDICATOR_FIELDS)
            ],
        },
    )


@login_required
def indicator_template(request: HttpRequest) -> HttpResponse:
    """The month's table to fill in: the enterprises that reported the month before."""
    user = request_user(request)
    if not Writers(user).may_write_any:
        raise PermissionDenied(indicators.REFUSAL)
    month = _month(request, None) or indicators.default_month()
    return office_file(indicators.import_template(user=user, month=month), f"企业运行指标-{month.key}.xlsx")
