"""Scoped reads of the audit trail."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import ROLES_READING_AUDIT
from zhuqi.core.scoping import is_active_user


def can_read_audit(user: Any) -> bool:
    return is_active_user(user) and (user.role in ROLES_READING_AUDIT or user.is_superuser)


def audit_queryset(*, user: Any) -> QuerySet[AuditEntry]:
    """The whole trail for the admin and the auditor; nothing for anyone else (they see the
    history of the objects they can see, on those objects' pages)."""
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("content_type").order_by("-at", "-id")
