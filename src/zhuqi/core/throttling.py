"""Login throttling: django-axes counts the failures, this module decides how.

Failures are counted per account (from any address) and per client address (to any account),
each against its own limit (settings ZHUQI_LOGIN_FAILURES_PER_ACCOUNT / _PER_ADDRESS): an office
behind one NAT address shares the address limit, so it is the higher one. Past either limit the
login page and POST /api/v1/auth/token refuse even the right password until the cool-off has
passed since the last counted failure; the person is told at what time they may try again.
Every failure, lockout and unlock is written to zhuqi's audit trail too.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.core import audit
from zhuqi.core.errors import HTTP_STATUS, ErrorCode, PermissionDenied
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission


def client_address(request: HttpRequest) -> str:
    """The client's address: the configured proxy header when there is one, else the connection.

    X-Forwarded-For lists every hop; the last one is what our own proxy saw (the ones before it
    are whatever the client chose to send)."""
    header = settings.ZHUQI_CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        hops = [hop.strip() for hop in value.split(",") if hop.strip()]
        if hops:
            return hops[-1][:45]
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


def _limits() -> tuple[int, int]:
    return settings.ZHUQI_LOGIN_FAILURES_PER_ACCOUNT, settings.ZHUQI_LOGIN_FAILURES_PER_ADDRESS


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with a limit per lockout parameter instead of one for all.

    axes compares the largest count of its parameter sets with one limit (AXES_FAILURE_LIMIT, the
    account limit here); the address count is scaled to it, so it reaches that limit exactly when
    it reaches its own."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)
        account_limit, address_limit = _limits()
        return max(_failures(by_account), _failures(by_address) * account_limit // address_limit)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = str(credentials.get("username") or "")
        locked_now = bool(getattr(request, "axes_locked_out", False)) and not already_locked
        changes: dict[str, list[Any]] = {"ip_address": [None, request.axes_ip_address]}
        if already_locked:
            # Refused without looking at the password: not counted, so the end of the lockout holds.
            changes["while_locked"] = [None, True]
        else:
            # The two counts as they stand within the cool-off, each against its own limit.
            by_account, by_address = self.get_user_attempts(request, credentials)
            changes["failures"] = [None, _failures(by_account)]
            changes["address_failures"] = [None, _failures(by_address)]
        if locked_now:
            changes["locked_until"] = [None, locked_until(request, credentials).isoformat()]
        _record(
            actor_name=request.axes_ip_address or "anonymous",
            username=username,
            action=AuditEntry.Action.LOCKED_OUT if locked_now else AuditEntry.Action.LOGIN_FAILED,
            changes=changes,
            source="api" if request.path.startswith("/api/") else "web",
        )


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None = None) -> datetime.datetime:
    """When the lockout this request ran into ends: the cool-off after the last failure that
    counted towards a limit it has reached (the account's, the address's, or both)."""
    handler = LoginThrottle()
    by_account, by_address = handler.get_user_attempts(request, credentials)
    account_limit, address_limit = _limits()
    cool_off = datetime.timedelta(minutes=settings.ZHUQI_LOGIN_COOLOFF_MINUTES)
    ends = [
        attempts.aggregate(last=Max("attempt_time"))["last"]
        for attempts, limit in ((by_account, account_limit), (by_address, address_limit))
        if _failures(attempts) >= limit
    ]
    known = [end for end in ends if end is not None]
    return (max(known) if known else timezone.now()) + cool_off


def lockout_message(until: datetime.datetime) -> str:
    local = timezone.localtime(until)
    if local.date() == timezone.localdate():
        when = local.strftime("%H:%M")
    else:
        when = local.strftime("%Y-%m-%d %H:%M")
    message = _("登录失败次数过多，已暂停登录。请于 %(time)s 以后再试，或请系统管理员解除锁定。")
    return message % {"time": when}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out login gets: the login page saying until when, or for the API a 429 in
    JSON with Retry-After (seconds)."""
    until = locked_until(request, credentials)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    message = lockout_message(until)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": ErrorCode.LOCKED_OUT, "detail": message, "retry_at": until.isoformat()},
            status=HTTP_STATUS[ErrorCode.LOCKED_OUT],
        )
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, data=request.POST or None)
        response = render(
            request,
            "core/login.html",
            {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


def _record(
    *,
    actor: Any = None,
    actor_name: str,
    username: str,
    action: str,
    changes: dict[str, list[Any]],
    source: str,
) -> None:
    """A login event on the account it names; a name no account has is kept as typed (an attacker
    guessing names is worth seeing too)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() if username else None
    audit.record(
        actor=actor,
        actor_name=actor_name,
        instance=audit.Ref(user_model, user.pk, str(user))
        if user
        else audit.Ref(user_model, "", username or "—"),
        action=action,
        changes=changes,
        source=source,
    )


@transaction.atomic
def login_unlock(*, actor: Any, username: str = "", address: str = "", source: str = "") -> int:
    """Lift the lockout of an account (its failures from every address) or of an address (its
    failures to every account); the number of attempt records removed."""
    if actor is not None and not has_permission(actor, Permission.ADMINISTER_ACCOUNTS):
        raise PermissionDenied("只有系统管理员可以解除登录锁定")
    removed = 0
    if username:
        removed += AccessAttempt.objects.filter(username=username).delete()[0]
    if address:
        removed += AccessAttempt.objects.filter(ip_address=address).delete()[0]
    changes: dict[str, list[Any]] = {"removed_failures": [None, removed]}
    if address:
        changes["ip_address"] = [address, None]
    _record(
        actor=actor,
        actor_name=getattr(actor, "username", "") or "system",
        username=username,
        action=AuditEntry.Action.UNLOCKED,
        changes=changes,
        source=source,
    )
    return removed


def is_locked(username: str) -> bool:
    """Whether an account has reached its own limit within the cool-off (for the admin's list)."""
    since = timezone.now() - datetime.timedelta(minutes=settings.ZHUQI_LOGIN_COOLOFF_MINUTES)
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return _failures(attempts) >= settings.ZHUQI_LOGIN_FAILURES_PER_ACCOUNT
