from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zhuqi.core.errors import NotFound, PermissionDenied
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import NOTHING, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook

WEBHOOKS_REFUSED = "只有系统管理员和营商办（专班）可以配置群机器人"


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def webhook_scope_q(user: User) -> Q:
    """The group robots a user sees (docs/visibility.md): a jurisdiction's are its regions'
    robots (the coordinators' groups) and its departments' robots; a handler's, their
    department's; enterprises and liaison officers none. Who may change them is
    Permission.MANAGE_ROBOTS."""
    return scope_q(
        user,
        enterprise=lambda _enterprise_id: NOTHING,
        liaison=lambda _user: NOTHING,
        region=lambda code: (
            region_subtree_q("region_id", code) | region_subtree_q("department__region_id", code)
        ),
        department=lambda handler: Q(department_id=handler.department_id),
        handlers_see_region=False,
    )


def webhook_queryset(*, user: User) -> QuerySet[Webhook]:
    return Webhook.objects.filter(webhook_scope_q(user)).select_related("department", "region")


def webhook_get(*, user: User, webhook_id: int) -> Webhook:
    """One robot the user manages: 403 for a role that manages none (whatever the id), 404 when
    missing or out of scope."""
    if not has_permission(user, Permission.MANAGE_ROBOTS):
        raise PermissionDenied(WEBHOOKS_REFUSED)
    webhook = webhook_queryset(user=user).filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFound()
    return webhook


def webhooks(*, user: User) -> QuerySet[Webhook]:
    return webhook_queryset(user=user).order_by("region_id", "department_id", "id")


def retrying_outbox_messages(*, user: User) -> QuerySet[OutboxMessage]:
    """Robot messages that failed at least once and wait for their next attempt: seen at once,
    not only after the last retry (about 15 hours later)."""
    return (
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.PENDING,
            attempts__gt=0,
            webhook__in=webhook_queryset(user=user).values("pk"),
        )
        .select_related("webhook")
        .order_by("next_attempt_at", "id")
    )


def waiting_counts(*, user: User) -> dict[int, int]:
    """How many messages each robot has waiting for a retry."""
    rows = (
        retrying_outbox_messages(user=user)
        .order_by()
        .values_list("webhook_id")
        .annotate(n=Count("id"))
        .values_list("webhook_id", "n")
    )
    return {webhook_id: n for webhook_id, n in rows if webhook_id is not None}


def failed_outbox_messages(*, user: User) -> QuerySet[OutboxMessage]:
    """Copies that could not be sent after every retry: the robots' a user manages, and e-mail
    for those who configure the platform."""
    visible = Q(webhook__in=webhook_queryset(user=user).values("pk"))
    if has_permission(user, Permission.CONFIGURE):
        visible |= Q(channel=OutboxMessage.Channel.EMAIL)
    return (
        OutboxMessage.objects.filter(visible, state=OutboxMessage.State.FAILED)
        .select_related("webhook")
        .order_by("-id")
    )
