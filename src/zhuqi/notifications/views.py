"""The in-app inbox: every notice a user was sent, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound
from zhuqi.notifications import selectors, services


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=user, unread_only=unread_only), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "querystring_base": "unread=1&" if unread_only else ""},
    )


@login_required
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request_user(request)
    notice = selectors.inbox(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    services.mark_read(user=user, notice_ids=[notice.pk])
    # Links are written by the platform, but a stored one is never trusted to leave the site.
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
        return redirect(notice.link)
    return redirect("notice-list")


@login_required
@require_POST
def notice_mark_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(user=request_user(request))
    return redirect("notice-list")
