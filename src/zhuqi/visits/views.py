"""Visit pages: the list, a visit with its cases' live status, and its Word record."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhuqi.core.auth import request_user
from zhuqi.visits import selectors
from zhuqi.visits.documents import visit_record
from zhuqi.visits.models import VisitKind


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    visits = selectors.visit_queryset(user=user)
    kind = request.GET.get("kind", "")
    if kind in VisitKind.values:
        visits = visits.filter(kind=kind)
    page = Paginator(visits.prefetch_related("participants__official"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "kinds": VisitKind.choices,
            "kind": kind,
            "querystring_base": f"kind={kind}&" if kind else "",
        },
    )


@login_required
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_detail(user=request_user(request), visit_id=visit_id)
    return render(request, "visits/detail.html", {"visit": visit})


@login_required
def visit_document(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_detail(user=request_user(request), visit_id=visit_id)
    response = HttpResponse(
        visit_record(visit),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = quote(f"{visit.start_date}-{visit.title[:40]}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
