"""Case pages. Thin: reads through selectors and figures, writes through services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhuqi.cases import figures
from zhuqi.cases.exporting import export_figures
from zhuqi.cases.models import Kind
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, ValidationFailed

# --- figures (调度会“三率”) ------------------------------------------------------------------


def _figure_date(value: str, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationFailed([FieldError(name, "应为日期（YYYY-MM-DD）")]) from None


@login_required
def case_figures(request: HttpRequest) -> HttpResponse:
    """The ranked table; for htmx only the results; with ?export=xlsx the same table in Excel."""
    user = request_user(request)
    if not figures.can_see_figures(user):
        raise Http404
    params = request.GET
    result: figures.Figures | None = None
    errors: list[FieldError] = []
    try:
        period = figures.resolve_period(
            preset=params.get("period", ""),
            start=_figure_date(params.get("from", ""), "from"),
            end=_figure_date(params.get("to", ""), "to"),
        )
        result = figures.figures_for(
            user=user,
            period=period,
            group_by=params.get("group_by") or "department",
            kind=params.get("kind") or Kind.DEMAND,
            region=params.get("region", "").strip(),
            level=params.get("level", ""),
            sort=params.get("sort", ""),
        )
    except ValidationFailed as failure:
        errors = failure.errors
    if result is not None and params.get("export") == "xlsx":
        response = HttpResponse(
            export_figures(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"case-figures-{result.period.start:%Y%m%d}-{result.period.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    unsorted = params.copy()
    for name in ("sort", "export"):
        unsorted.pop(name, None)
    context: dict[str, Any] = {
        "figures": result,
        "errors": errors,
        "filters": params,
        "querystring": unsorted.urlencode(),
        "generated_at": timezone.localtime(),
        "sorts": figures.SORTS,
        "definitions": figures.DEFINITIONS,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/figures.html#results", context)
    context.update(
        presets=figures.PRESETS, group_by=figures.GROUP_BY, kinds=Kind.choices, levels=figures.LEVELS
    )
    return render(request, "cases/figures.html", context)
