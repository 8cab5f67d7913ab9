"""Telling people: a notice in each recipient's inbox, and copies through e-mail and group
robots, queued in the same transaction and sent after it commits by a background task."""

from __future__ import annotations

import datetime
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhuqi.core import audit
from zhuqi.core.concurrency import lock, lock_or_new
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.textlimits import length_errors, limit, shortened
from zhuqi.directory.models import Department, Region, User
from zhuqi.notifications import tasks
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook

logger = logging.getLogger(__name__)

# Minutes to wait before each retry; after the last, the message is marked failed.
RETRY_MINUTES = (1, 5, 30, 120, 720)
WEBHOOKS_REFUSED = "只有系统管理员可以配置群机器人"
WEBHOOK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Message:
    """One notice to several people, with its outside copies (see notify)."""

    recipients: tuple[User, ...]
    title: str
    body: str = ""
    link: str = ""
    kind: str = Notice.Kind.INFO
    key: str = ""
    department_ids: tuple[int, ...] = ()
    region_ids: tuple[str, ...] = ()


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    link: str = "",
    kind: str = Notice.Kind.INFO,
    key: str = "",
    departments: Iterable[Department] = (),
    regions: Iterable[Region] = (),
) -> int:
    """Put a notice in each recipient's inbox (once per key) and queue the outside copies:
    e-mail to recipients with an address (when e-mail is on), and the group robots of the
    departments and regions given. Returns how many inbox notices were written."""
    return notify_many(
        [
            Message(
                recipients=tuple(recipients),
                title=title,
                body=body,
                link=link,
                kind=kind,
                key=key,
                department_ids=tuple(d.pk for d in departments),
                region_ids=tuple(r.pk for r in regions),
            )
        ]
    )


def notify_many(messages: Sequence[Message]) -> int:
    """notify() for many messages in a fixed number of queries (the deadline sweep sends
    thousands at once): the keys already sent, the robots, and one insert each for notices and
    deliveries."""
    keys = {message.key for message in messages if message.key}
    everyone = {user.pk for message in messages for user in message.recipients if user.pk}
    # Through the (recipient, key) unique index.
    already: set[tuple[str, int]] = set(
        Notice.objects.filter(recipient_id__in=everyone, key__in=keys).values_list("key", "recipient_id")
        if keys and everyone
        else []
    )
    hooks = list(Webhook.objects.filter(is_active=True)) if messages else []
    notices: list[Notice] = []
    outgoing: list[OutboxMessage] = []
    for message in messages:
        # A notice's title is made from a record's title and a prefix; the record keeps its own.
        title = shortened(message.title, limit(Notice, "title"))
        people = {user.pk: user for user in message.recipients if user.pk and user.is_active}
        if message.key:
            people = {pk: user for pk, user in people.items() if (message.key, pk) not in already}
            already.update((message.key, pk) for pk in people)
        notices += [
            Notice(
                recipient=user,
                kind=message.kind,
                title=title,
                body=message.body,
                link=message.link,
                key=message.key,
            )
            for user in people.values()
        ]
        text = "\n".join(part for part in (message.body, _absolute(message.link)) if part)
        if settings.ZHUQI_EMAIL_NOTICES:
            outgoing += [
                OutboxMessage(
                    channel=OutboxMessage.Channel.EMAIL, target=user.email, subject=title, text=text
                )
                for user in people.values()
                if user.email
            ]
        if people or not message.key:
            outgoing += [
                OutboxMessage(
                    channel=OutboxMessage.Channel.WEBHOOK,
                    target=hook.url,
                    webhook=hook,
                    subject=title,
                    text=text,
                )
                for hook in hooks
                if hook.department_id in message.department_ids or hook.region_id in message.region_ids
            ]
    Notice.objects.bulk_create(notices, batch_size=1000)
    if outgoing:
        now = timezone.now()
        for item in outgoing:
            item.next_attempt_at = now
        OutboxMessage.objects.bulk_create(outgoing, batch_size=1000)
        transaction.on_commit(_enqueue_sending)
    return len(notices)


def _absolute(link: str) -> str:
    return settings.ZHUQI_BASE_URL.rstrip("/") + link if link and settings.ZHUQI_BASE_URL else link


def _enqueue_sending() -> None:
    try:
        tasks.send_outbox.enqueue()
    except Exception:
        logger.exception("could not enqueue the sending of notices")


def webhook_payload(flavour: str, subject: str, text: str) -> dict[str, Any]:
    """The JSON each kind of group robot accepts. WeCom and DingTalk both take a text message;
    the 【助企】 prefix also satisfies a DingTalk robot secured by the keyword 助企."""
    content = f"【助企】{subject}\n{text}".strip()
    if flavour in (Webhook.Flavour.WECOM, Webhook.Flavour.DINGTALK):
        return {"msgtype": "text", "text": {"content": content}}
    return {"title": subject, "text": text}


def _post_json(url: str, payload: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310 - admins configure http(s) robot URLs
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        body = response.read()
    # WeCom and DingTalk answer 200 with {"errcode": N}; anything but 0 is a refusal.
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def send_outbox_message(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.Channel.EMAIL:
        send_mail(message.subject, message.text, None, [message.target])
    else:
        flavour = message.webhook.flavour if message.webhook else Webhook.Flavour.JSON
        _post_json(message.target, webhook_payload(flavour, message.subject, message.text))


def send_pending(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send what is due; on failure, schedule the next attempt further out. Each message is
    claimed and settled in its own short transaction, so one slow robot holds no locks."""
    now = now or timezone.now()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("webhook")
                .filter(pk=pk, state=OutboxMessage.State.PENDING)
                .first()
            )
            if message is None:
                continue
            # Claimed: push the next attempt out first, so a crash mid-send does not resend at once.
            message.attempts += 1
            message.next_attempt_at = now + datetime.timedelta(
                minutes=RETRY_MINUTES[min(message.attempts - 1, len(RETRY_MINUTES) - 1)]
            )
            message.save(update_fields=["attempts", "next_attempt_at"])
        try:
            send_outbox_message(message)
        except (OSError, RuntimeError, urllib.error.URLError, ValueError) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts > len(RETRY_MINUTES):
                message.state = OutboxMessage.State.FAILED
                message.next_attempt_at = None
                counts["failed"] += 1
            else:
                counts["retrying"] += 1
            message.save(update_fields=["last_error", "state", "next_attempt_at"])
            continue
        message.state = OutboxMessage.State.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.save(update_fields=["state", "sent_at", "next_attempt_at"])
        counts["sent"] += 1
    return counts


@transaction.atomic
def mark_read(*, actor: User, notice_ids: Iterable[int] | None = None, source: str = "web") -> int:
    """Mark the actor's own notices read (all unread ones when no ids are given), each with its
    audit entry. Someone else's notice, or one already read, is left as it is."""
    notices = Notice.objects.select_for_update().filter(recipient=actor, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    found = list(notices.order_by("pk"))
    if not found:
        return 0
    now = timezone.now()
    Notice.objects.filter(pk__in=[notice.pk for notice in found]).update(read_at=now)
    audit.record_many(
        actor=actor,
        instances=found,
        action=AuditEntry.Action.UPDATE,
        changes={"read_at": [None, now.isoformat()]},
        source=source,
    )
    return len(found)


def _masked_url(url: str) -> str:
    # A robot's address carries its key (…/send?key=…, access_token=…): the audit trail keeps
    # where it points, never the key.
    base, _sep, _query = url.partition("?")
    return f"{base}?******" if _sep else base


def _webhook_state(webhook: Webhook) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "flavour": webhook.flavour,
        "url": _masked_url(webhook.url),
        "department": webhook.department_id,
        "region": webhook.region_id,
        "is_active": webhook.is_active,
    }


@transaction.atomic
def webhook_save(
    *,
    actor: User,
    name: str,
    flavour: str,
    url: str,
    department_id: int | None = None,
    region_code: str = "",
    is_active: bool = True,
    webhook_id: int | None = None,
    source: str = "",
) -> Webhook:
    """Add or change a group robot: a department's (its handlers' notices) or a region's (its
    coordinators' notices)."""
    if not has_permission(actor, Permission.CONFIGURE):
        raise PermissionDenied(WEBHOOKS_REFUSED)
    webhook = lock_or_new(Webhook, webhook_id)
    before = _webhook_state(webhook) if webhook.pk else None
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(Webhook, {"name": name})
    if flavour not in Webhook.Flavour.values:
        errors.append(FieldError("flavour", "应为企业微信、钉钉或通用 JSON"))
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        errors.append(FieldError("url", "应为 http:// 或 https:// 开头的机器人地址"))
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    region = Region.objects.filter(pk=region_code).first() if region_code else None
    if department_id and department is None:
        errors.append(FieldError("department", "部门不存在"))
    if region_code and region is None:
        errors.append(FieldError("region", "地区代码不存在"))
    if (department is None) == (region is None) and not errors:
        errors.append(FieldError("department", "请指定部门或地区（二选一）"))
    if errors:
        raise ValidationFailed(errors)
    webhook.name, webhook.flavour, webhook.url = name, flavour, url
    webhook.department, webhook.region, webhook.is_active = department, region, is_active
    webhook.save()
    audit.record_saved(
        actor=actor,
        instance=webhook,
        before=before,
        changes=audit.diff(before or {}, _webhook_state(webhook)),
        source=source,
    )
    return webhook


@transaction.atomic
def webhook_delete(*, actor: User, webhook_id: int, source: str = "") -> None:
    if not has_permission(actor, Permission.CONFIGURE):
        raise PermissionDenied(WEBHOOKS_REFUSED)
    webhook = lock(Webhook, webhook_id)
    audit.record(
        actor=actor,
        instance=webhook,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(_webhook_state(webhook), {}),
        source=source,
    )
    webhook.delete()
