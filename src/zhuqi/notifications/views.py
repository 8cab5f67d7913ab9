"""The in-app inbox: every notice a user was sent, newest first; opening one marks it read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
from zhuqi.directory.models import User
from zhuqi.notifications import selectors, services
from zhuqi.notifications.forms import WebhookActiveForm, WebhookForm
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


def _robot_manager(request: HttpRequest) -> User:
    user = request_user(request)
    if not has_permission(user, Permission.MANAGE_ROBOTS):
        raise PermissionDenied(services.WEBHOOKS_REFUSED)
    return user


def _site_url_default(request: HttpRequest) -> str:
    """The address this page was opened from: where the people of the robot's group most likely
    open the platform too."""
    return request.build_absolute_uri("/")


def _save(request: HttpRequest, user: User, form: WebhookForm, webhook: Webhook | None) -> Webhook | None:
    """Hand the posted form to the service; its refusals go back on the page (a 404 or 403 stays
    one, docs/visibility.md)."""
    form.is_valid()  # as posted; the service judges every value
    data = form.cleaned_data
    secret = "" if data["clear_secret"] else (data["secret"] or None)
    try:
        return services.webhook_save(
            actor=user,
            webhook_id=webhook.pk if webhook else None,
            expected_version=data["version"] if webhook else None,
            name=data["name"],
            flavour=data["flavour"],
            url=data["url"] or (None if webhook else ""),
            secret=secret,
            site_url=data["site_url"],
            department_id=data["department"],
            region_code=data["region"],
            is_active=webhook.is_active if webhook else True,
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        if isinstance(error, ValidationFailed):
            form.add_service_errors(error.errors)
        messages.error(request, _("未保存：%(reason)s") % {"reason": form.error_text(error)})
        return None


def _page_context() -> dict[str, Any]:
    return {"flavours": Webhook.Flavour.choices, "base_url_setting": settings.ZHUQI_BASE_URL}


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    """Group robots (企业微信/钉钉): where copies of a department's or a region's notices go, each
    with how its latest sends went and what is waiting to be retried."""
    user = _robot_manager(request)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if form.is_bound and _save(request, user, form, None) is not None:
        messages.success(request, _("已保存"))
        return redirect("webhooks")
    retrying = list(selectors.retrying_outbox_messages(user=user)[:50])
    waiting = selectors.waiting_counts(user=user)
    rows = [
        (robot, services.masked_secret(robot.secret), waiting.get(robot.pk, 0))
        for robot in selectors.webhooks(user=user)
    ]
    fresh = {"site_url": _site_url_default(request), "flavour": Webhook.Flavour.DINGTALK}
    return render(
        request,
        "notifications/webhooks.html",
        {
            **_page_context(),
            "webhooks": rows,
            "form": form,
            "values": form.data if form.is_bound else fresh,
            "retrying": retrying,
            "recent_failures": selectors.failed_outbox_messages(user=user)[:20],
        },
    )


@login_required
def webhook_edit(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = _robot_manager(request)
    webhook = selectors.webhook_get(user=user, webhook_id=webhook_id)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if form.is_bound and _save(request, user, form, webhook) is not None:
        messages.success(request, _("已保存"))
        return redirect("webhooks")
    values: Any = (
        form.data
        if form.is_bound
        else {
            "name": webhook.name,
            "flavour": webhook.flavour,
            "site_url": webhook.site_url,
            "department": webhook.department_id or "",
            "region": webhook.region_id or "",
            "version": webhook.version,
        }
    )
    return render(
        request,
        "notifications/webhook_edit.html",
        {
            **_page_context(),
            "webhook": webhook,
            "masked_url": services.masked_url(webhook.url),
            "secret_shown": services.masked_secret(webhook.secret),
            "form": form,
            "values": values,
        },
    )


@login_required
@require_POST
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Send a test message now and show what the platform answered."""
    user = _robot_manager(request)
    outcome = services.webhook_test(actor=user, webhook_id=webhook_id)
    if outcome.ok:
        messages.success(request, _("测试消息已送达，平台应答：%(answer)s") % {"answer": outcome.answer})
    else:
        messages.error(request, _("测试消息未送达：%(answer)s") % {"answer": outcome.answer})
    return redirect("webhooks")


@login_required
@require_POST
def webhook_active(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = _robot_manager(request)
    form = WebhookActiveForm(request.POST)
    form.is_valid()
    try:
        webhook = services.webhook_set_active(
            actor=user,
            webhook_id=webhook_id,
            is_active=form.cleaned_data["is_active"],
            expected_version=form.cleaned_data["version"],
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, _("未保存：%(reason)s") % {"reason": form.error_text(error)})
    else:
        messages.success(request, _("已启用") if webhook.is_active else _("已停用，待发送的消息不再发送"))
    return redirect("webhooks")


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = _robot_manager(request)
    form = WebhookActiveForm(request.POST)
    form.is_valid()
    try:
        services.webhook_delete(
            actor=user, webhook_id=webhook_id, expected_version=form.cleaned_data["version"], source="web"
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, _("未删除：%(reason)s") % {"reason": form.error_text(error)})
    else:
        messages.success(request, _("已删除"))
    return redirect("webhooks")
