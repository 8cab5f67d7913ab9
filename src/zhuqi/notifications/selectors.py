from __future__ import annotations

from django.db.models import QuerySet

from zhuqi.directory.models import User
from zhuqi.notifications.models import Notice


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
