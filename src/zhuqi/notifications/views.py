"""The in-app inbox: every notice a user was sent, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.validators import parse_id
from zhuqi.notifications import selectors, services
from zhuqi.notifications.forms import WebhookForm
from zhuqi.notifications.models import Webhook


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
    """Go to what a notice is about. Opening it from the inbox (a POST) marks it read; a GET
    (a link kept elsewhere, a prefetch) only goes there and changes nothing."""
    user = request_user(request)
    notice = selectors.inbox(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    if request.method == "POST":
        services.mark_read(actor=user, notice_ids=[notice.pk], source="web")
    # Links are written by the platform, but a stored one is never trusted to leave the site.
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
        return redirect(notice.link)
    return redirect("notice-list")


@login_required
@require_POST
def notice_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the notices named in `notice` read, or the whole inbox when none is named."""
    named = request.POST.getlist("notice")
    ids = [notice_id for notice_id in map(parse_id, named) if notice_id is not None]
    if named and not ids:
        # Notices were named but none can be read: marking the whole inbox would be the opposite
        # of what was asked.
        messages.error(request, _("没有标记任何通知：所选通知无法识别"))
        return redirect("notice-list")
    services.mark_read(actor=request_user(request), notice_ids=ids if named else None, source="web")
    return redirect("notice-list")


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    """Group robots (企业微信/钉钉): where copies of a department's or a region's notices go."""
    user = request_user(request)
    if not has_permission(user, Permission.CONFIGURE):
        raise PermissionDenied(services.WEBHOOKS_REFUSED)
    if request.method == "POST":
        form = WebhookForm(request.POST)
        form.is_valid()  # as posted; the service judges every value
        data = form.cleaned_data
        try:
            if data["delete"] and data["webhook"] is not None:
                services.webhook_delete(actor=user, webhook_id=data["webhook"], source="web")
            else:
                services.webhook_save(
                    actor=user,
                    webhook_id=data["webhook"],
                    name=data["name"],
                    flavour=data["flavour"],
                    url=data["url"],
                    department_id=data["department"],
                    region_code=data["region"],
                    is_active=data["is_active"],
                    source="web",
                )
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            reasons = (
                "；".join(e.message for e in error.errors) if isinstance(error, ValidationFailed) else ""
            )
            messages.error(request, _("未保存：%(reason)s") % {"reason": reasons or error.message})
        else:
            messages.success(request, _("已保存"))
            return redirect("webhooks")
    return render(
        request,
        "notifications/webhooks.html",
        {
            "webhooks": selectors.webhooks(),
            "flavours": Webhook.Flavour.choices,
            "recent_failures": selectors.failed_outbox_messages()[:20],
        },
    )
