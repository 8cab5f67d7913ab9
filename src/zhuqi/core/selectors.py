"""Scoped reads of the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from zhuqi.core.models import ApiToken, AuditEntry
from zhuqi.core.permissions import Permission, has_permission


def can_read_audit(user: Any) -> bool:
    return has_permission(user, Permission.READ_AUDIT)


def audit_queryset(*, user: Any) -> QuerySet[AuditEntry]:
    """The whole trail for the admin and the auditor; nothing for anyone else (they see the
    history of the objects they can see, on those objects' pages)."""
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("content_type").order_by("-at", "-id")


def live_tokens(*, user: Any) -> QuerySet[ApiToken]:
    """A user's API tokens that still work, newest first (expired ones are refused already and
    removed at the user's next token request)."""
    since = timezone.now() - datetime.timedelta(days=settings.ZHUQI_TOKEN_TTL_DAYS)
    return ApiToken.objects.filter(user=user, created_at__gte=since).order_by("-created_at", "-id")
