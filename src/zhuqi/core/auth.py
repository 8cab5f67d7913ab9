"""API authentication: bearer tokens for clients, the session (with CSRF) for the browser."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import OperationalError
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from zhuqi.core.busy import waiting_briefly
from zhuqi.core.models import ApiToken

if TYPE_CHECKING:
    from zhuqi.directory.models import User


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.isascii():
            return None
        try:
            stored = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if stored.created_at < now - datetime.timedelta(days=settings.ZHUQI_TOKEN_TTL_DAYS):
            return None
        if not stored.user.is_active:
            return None
        refuse_if_password_must_change(stored.user)
        # Touch at most once a minute: a busy client must not turn every read into a write.
        if stored.last_used_at is None or stored.last_used_at < now - datetime.timedelta(minutes=1):
            note_token_used(stored.pk, now)
        request.user = stored.user
        return stored.user


# How long noting a token's use may wait for the database: the note is a courtesy, the read it
# rides on must neither fail nor wait out the busy timeout while an import or a sweep writes.
TOKEN_NOTE_WAIT_MILLISECONDS = 200


def note_token_used(token_id: int, now: datetime.datetime) -> None:
    """Record when a token was last used, unless the database is busy writing (then skip it:
    the next request a minute on will record it)."""
    try:
        with waiting_briefly(TOKEN_NOTE_WAIT_MILLISECONDS):
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    except OperationalError:
        return


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token, as for the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            refuse_if_password_must_change(user)
            return user
        return None


MUST_CHANGE_MESSAGE = "管理员已要求您修改密码：请先登录网页，在“我的账号”页面设置新密码，再使用接口"


def refuse_if_password_must_change(user: Any) -> None:
    """An account an admin has forced to a new password uses nothing until it has one (403)."""
    if getattr(user, "must_change_password", False):
        raise HttpError(403, MUST_CHANGE_MESSAGE)


def authenticate_for_token(request: HttpRequest, *, username: str, password: str) -> User | None:
    """The account for a token request, or None. The request goes to authenticate() so that the
    login throttle (django-axes) counts the failure and refuses a locked-out client."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active or not isinstance(user, get_user_model()):
        return None
    return user


def request_user(request: HttpRequest) -> User:
    """The signed-in account of a request that login_required or the API's auth has let through."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise TypeError("request_user() needs an authenticated request")
    return user
