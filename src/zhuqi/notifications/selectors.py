from __future__ import annotations

from django.db.models import QuerySet

from zhuqi.directory.models import User
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def webhooks() -> QuerySet[Webhook]:
    return Webhook.objects.select_related("department", "region").order_by("region_id", "department_id", "id")


def failed_outbox_messages() -> QuerySet[OutboxMessage]:
    """Copies that could not be sent after every retry: an admin's cue to fix a robot's address."""
    return (
        OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED)
        .select_related("webhook")
        .order_by("-id")
    )
