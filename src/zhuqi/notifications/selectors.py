from __future__ import annotations

from django.db.models import QuerySet

from zhuqi.directory.models import User
from zhuqi.notifications.models import Delivery, Notice, Webhook


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def webhooks() -> QuerySet[Webhook]:
    return Webhook.objects.select_related("department", "region").order_by("region_id", "department_id", "id")


def failed_deliveries() -> QuerySet[Delivery]:
    """Copies that could not be sent after every retry: an admin's cue to fix a robot's address."""
    return Delivery.objects.filter(state=Delivery.State.FAILED).select_related("webhook").order_by("-id")
