"""API authentication: bearer tokens for clients, the session (with CSRF) for the browser."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from zhuqi.core import audit
from zhuqi.core.models import ApiToken, AuditEntry
from zhuqi.directory.models import User


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        try:
            stored = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if stored.created_at < now - datetime.timedelta(days=settings.ZHUQI_TOKEN_TTL_DAYS):
            return None
        if not stored.user.is_active:
            return None
        # Touch at most once a minute: a busy client must not turn every read into a write.
        if stored.last_used_at is None or stored.last_used_at < now - datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=stored.pk).update(last_used_at=now)
        request.user = stored.user
        return stored.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token, as for the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


@transaction.atomic
def issue_token(*, username: str, password: str) -> str | None:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        return None
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, key_hash=ApiToken.hash(raw))
    # Who obtained API access, and when, belongs in the trail (the hash itself does not).
    audit.record(actor=user, instance=token, action=AuditEntry.Action.CREATE, source="api")
    return raw


def request_user(request: HttpRequest) -> User:
    """The signed-in account of a request that login_required or the API's auth has let through."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() needs an authenticated request")
    return user
