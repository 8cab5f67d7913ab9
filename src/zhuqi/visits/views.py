"""Visit pages: the list, a visit with its cases' live status, and its Word record."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhuqi.cases.models import Status
from zhuqi.core.auth import request_user
from zhuqi.directory.models import Official
from zhuqi.visits import selectors
from zhuqi.visits.documents import visit_record
from zhuqi.visits.models import VisitKind


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """The visits in scope, newest first; with ?official= a leader's own timeline: every visit
    they led or joined, and how many of the cases from it are closed."""
    user = request_user(request)
    visits = selectors.visit_queryset(user=user)
    kind = request.GET.get("kind", "")
    if kind in VisitKind.values:
        visits = visits.filter(kind=kind)
    official = None
    official_id = request.GET.get("official", "")
    if official_id.isdigit():
        official = Official.objects.filter(pk=int(official_id)).first()
        visits = visits.filter(participants__official_id=int(official_id))
    visits = visits.annotate(
        case_count=Count("cases", distinct=True),
        closed_count=Count("cases", filter=Q(cases__status=Status.CLOSED), distinct=True),
    ).prefetch_related("participants__official")
    # An aggregate drops the model's default order; the list is newest first.
    page = Paginator(visits.order_by("-start_date", "-id"), 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("official", official_id)) if v)
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "kinds": VisitKind.choices,
            "kind": kind,
            "official": official,
            "querystring_base": f"{query}&" if query else "",
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
