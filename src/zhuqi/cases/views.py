"""Case pages. Thin: reads through selectors and read modules, writes through services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhuqi.cases import selectors
from zhuqi.cases.common_problems import can_see_common_problems, common_problems
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, ValidationFailed

# --- Common problems (共性问题) ----------------------------------------------------------------


def _int_param(request: HttpRequest, name: str, errors: list[FieldError]) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        errors.append(FieldError(name, "应为整数"))
        return None


@login_required
def common_problem_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can_see_common_problems(user):
        raise Http404
    errors: list[FieldError] = []
    min_enterprises = _int_param(request, "min_enterprises", errors)
    category = _int_param(request, "category", errors)
    context: dict[str, Any] = {
        "filters": request.GET,
        "min_enterprises": request.GET.get("min_enterprises")
        or settings.ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES,
        "result": None,
    }
    if not errors:
        try:
            context["result"] = common_problems(user=user, min_enterprises=min_enterprises, category=category)
        except ValidationFailed as failure:
            errors = failure.errors
    context["errors"] = errors
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/common_problems.html#results", context)
    context["categories"] = selectors.categories().filter(parent=None)
    return render(request, "cases/common_problems.html", context)
