"""Telling people: a notice in each recipient's inbox, and copies through e-mail and group
robots, queued in the same transaction and sent after it commits by a background task.

Group robots (群机器人) take markdown: WeCom `{"msgtype": "markdown", "markdown": {"content"}}`,
DingTalk `{"msgtype": "markdown", "markdown": {"title", "text"}}`. A DingTalk robot created
with 加签 is sent to with `timestamp` (ms) and `sign` (HMAC-SHA256 of "timestamp\nsecret" keyed
by the secret, base64, URL-encoded) in its address; both platforms answer 200 with
`{"errcode": 0}` for success, and anything else (another errcode, a page that is not JSON) is a
failure, retried like a refused connection."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors, limit, shortened
from zhuqi.directory.models import Department, Region, User
from zhuqi.notifications import selectors, tasks
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook

logger = logging.getLogger(__name__)

# Minutes to wait before each retry; after the last, the message is marked failed.
RETRY_MINUTES = (1, 5, 30, 120, 720)
WEBHOOKS_REFUSED = selectors.WEBHOOKS_REFUSED
WEBHOOK_TIMEOUT_SECONDS = 10
# A DingTalk robot secured by keyword takes only messages that contain it.
KEYWORD = "助企"
# The robots that answer {"errcode": 0} for success (the generic JSON one answers with its status).
PLATFORMS = frozenset({Webhook.Flavour.WECOM, Webhook.Flavour.DINGTALK})
# WeCom refuses markdown over 4,096 bytes; the body is cut to leave room for the facts and link.
MARKDOWN_BYTES = 4000
BODY_CHARACTERS = 500
FACT_CHARACTERS = 100
TEST_TITLE = "测试消息"
TEST_BODY = "这是助企平台发来的测试消息，收到即表示群机器人配置正确。"

# A fact of a message: (label, value), e.g. ("企业", "联晟新材料有限公司").
Fact = tuple[str, str]


@dataclass(frozen=True)
class Message:
    """One notice to several people, with its outside copies (see notify). `facts` are what a
    reader must know at a glance (the enterprise, the department, the deadline): lines of the
    inbox notice and the e-mail, bold labels in a robot's markdown."""

    recipients: tuple[User, ...]
    title: str
    body: str = ""
    link: str = ""
    kind: str = Notice.Kind.INFO
    key: str = ""
    department_ids: tuple[int, ...] = ()
    region_ids: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()


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
    facts: Iterable[Fact] = (),
) -> int:
    """Put a notice in each recipient's inbox (once per key) and queue the outside copies:
    e-mail to recipients with an address (when e-mail is on), and the active group robots of the
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
                facts=tuple((str(label), str(value)) for label, value in facts),
            )
        ]
    )


def plain_text(body: str, facts: Sequence[Fact], link: str = "") -> str:
    """A message as plain text (the inbox, e-mail, the generic JSON robot): the body, a line per
    fact, then the link."""
    lines = [body] if body else []
    lines += [f"{label}：{value}" for label, value in facts]
    if link:
        lines.append(link)
    return "\n".join(lines)


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
    # A disabled robot gets nothing queued.
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
        facts = [[label, value] for label, value in message.facts]
        notice_body = plain_text(message.body, message.facts)
        notices += [
            Notice(
                recipient=user,
                kind=message.kind,
                title=title,
                body=notice_body,
                link=message.link,
                key=message.key,
            )
            for user in people.values()
        ]
        if settings.ZHUQI_EMAIL_NOTICES:
            text = plain_text(message.body, message.facts, _absolute(settings.ZHUQI_BASE_URL, message.link))
            outgoing += [
                OutboxMessage(
                    channel=OutboxMessage.Channel.EMAIL, target=user.email, subject=title, text=text
                )
                for user in people.values()
                if user.email
            ]
        if people or not message.key:
            # The robot's message is made when it is sent, in its robot's format and with its
            # robot's site address as it is then.
            outgoing += [
                OutboxMessage(
                    channel=OutboxMessage.Channel.WEBHOOK,
                    target=masked_url(hook.url),
                    webhook=hook,
                    subject=title,
                    text=message.body,
                    facts=facts,
                    link=message.link,
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


def _absolute(base: str, link: str) -> str:
    """`link` made absolute against `base`; "" when there is no base: a relative link is of no
    use outside the site (a chat, a mail client)."""
    if not link or link.startswith(("http://", "https://")):
        return link
    if not base:
        return ""
    return base.rstrip("/") + "/" + link.lstrip("/")


def robot_site_url(webhook: Webhook) -> str:
    """The address the links a robot sends start with: ZHUQI_BASE_URL when set, else the site
    address stored with the robot (by default, the one it was configured from)."""
    return settings.ZHUQI_BASE_URL or webhook.site_url


def _enqueue_sending() -> None:
    try:
        tasks.send_outbox.enqueue()
    except Exception:
        logger.exception("could not enqueue the sending of notices")


# Characters that mean something anywhere in WeCom's or DingTalk's markdown (emphasis, quotes,
# links, code, the <font> and <@userid> tags), turned into their full-width forms: neither
# platform documents backslash escapes, and full-width forms read the same in Chinese text.
_MARKDOWN_SIGNIFICANT = str.maketrans(
    {
        "\\": "＼",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "~": "～",
        "|": "｜",
    }
)
# At the start of a line only: a heading, a list item.
_FULL_WIDTH_START = str.maketrans({"-": "－", "+": "＋", "=": "＝", ".": "．", "#": "＃"})
_LINE_START = re.compile(r"^(?:[-+=#]+|\d+\.)")


def markdown_escaped(text: str) -> str:
    """Text a person typed (a case's title, an enterprise's name), inert in markdown: one line
    (a line break could start a heading or a quote), the significant characters full-width, and
    nothing at its start that would begin a heading or a list."""
    line = " ".join(str(text).split()).translate(_MARKDOWN_SIGNIFICANT)
    match = _LINE_START.match(line)
    if match:
        start = match.group(0)
        line = start.translate(_FULL_WIDTH_START) + line[len(start) :]
    return line


def webhook_payload(
    webhook: Webhook | str,
    subject: str,
    text: str,
    facts: Sequence[Sequence[str]] = (),
    link: str = "",
) -> dict[str, Any]:
    """The JSON a robot accepts. WeCom and DingTalk take markdown: a heading with the 【助企】
    keyword (a DingTalk robot secured by the keyword 助企 needs it), the body, a bold label per
    fact and the link, made absolute against the robot's site address (never a relative link:
    it could not be opened from the chat). The generic JSON robot gets the same as plain fields."""
    flavour = webhook if isinstance(webhook, str) else webhook.flavour
    url = "" if isinstance(webhook, str) else _absolute(robot_site_url(webhook), link)
    pairs = [(str(label), str(value)) for label, value in facts]
    if flavour not in PLATFORMS:
        return {
            "title": subject,
            "text": plain_text(text, pairs, url),
            "link": url,
            "facts": [{"label": label, "value": value} for label, value in pairs],
        }
    heading = f"### 【{KEYWORD}】{markdown_escaped(subject)}"
    lines = [heading]
    if text:
        lines.append(markdown_escaped(shortened(text, BODY_CHARACTERS)))
    lines += [
        f"**{markdown_escaped(label)}**：{markdown_escaped(shortened(value, FACT_CHARACTERS))}"
        for label, value in pairs
    ]
    # WeCom breaks lines at "\n"; DingTalk's markdown needs an empty line between paragraphs.
    joiner = "\n\n" if flavour == Webhook.Flavour.DINGTALK else "\n"
    tail = f"{joiner}[查看详情]({urllib.parse.quote(url, safe=':/?&=#%')})" if url else ""
    content = joiner.join(lines)
    room = MARKDOWN_BYTES - len(tail.encode("utf-8"))
    if len(content.encode("utf-8")) > room:
        content = content.encode("utf-8")[: room - 3].decode("utf-8", "ignore") + "…"
    content += tail
    if flavour == Webhook.Flavour.DINGTALK:
        # The title is what the conversation list shows: plain text, with the keyword.
        return {
            "msgtype": "markdown",
            "markdown": {"title": shortened(f"{KEYWORD}：{subject}", 64), "text": content},
        }
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, in base64 (the
    caller URL-encodes it into the address)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def robot_address(webhook: Webhook, *, now_ms: int | None = None) -> str:
    """Where to post: the robot's address, with timestamp and sign added for a DingTalk robot
    that has a secret (the timestamp must be within an hour of DingTalk's clock)."""
    if webhook.flavour != Webhook.Flavour.DINGTALK or not webhook.secret:
        return webhook.url
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    sign = urllib.parse.quote_plus(dingtalk_sign(webhook.secret, timestamp))
    separator = "&" if "?" in webhook.url else "?"
    return f"{webhook.url}{separator}timestamp={timestamp}&sign={sign}"


class RobotRefused(RuntimeError):
    """The robot's platform answered, but not with success."""


# What a send can fail with: no connection, a timeout, an HTTP error, a broken answer, a refusal.
SEND_ERRORS = (OSError, RuntimeError, urllib.error.URLError, ValueError, http.client.HTTPException)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot never redirects: a 3xx is a failure (HTTPError), never followed. urllib would
    follow it, as a GET, to wherever it points: anywhere the server can reach."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post_json(url: str, payload: dict[str, Any], *, platform: bool = True) -> str:
    """POST `payload`; returns the answer's text. For WeCom and DingTalk (`platform`) only
    `{"errcode": 0}` is success: another errcode, or a 200 that is not their JSON (a proxy's
    page, a captive portal), raises RobotRefused."""
    request = urllib.request.Request(  # noqa: S310 - managers configure http(s) robot URLs
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with _OPENER.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        body = response.read(20_000)
    answer_text = body.decode("utf-8", "replace").strip()
    if not platform:
        return answer_text
    try:
        answer = json.loads(body)
    except ValueError:
        raise RobotRefused(f"应答不是机器人平台的 JSON：{shortened(answer_text, 200)}") from None
    if not isinstance(answer, dict) or "errcode" not in answer:
        raise RobotRefused(f"应答不是机器人平台的 JSON：{shortened(answer_text, 200)}")
    if answer.get("errcode") != 0:
        raise RobotRefused(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
    return answer_text


def _error_text(error: BaseException) -> str:
    """What went wrong, as the robots page shows it to a person."""
    if isinstance(error, RobotRefused):
        return f"平台拒收：{error}"
    if isinstance(error, urllib.error.HTTPError):
        return f"平台应答 HTTP {error.code} {error.reason}"
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return f"超时：{WEBHOOK_TIMEOUT_SECONDS} 秒内没有应答"
    if isinstance(reason, ConnectionRefusedError):
        return "无法连接：对方拒绝连接（地址或端口不对，或机器人服务未开）"
    if isinstance(error, urllib.error.URLError | OSError | http.client.HTTPException):
        return f"无法连接：{reason}"
    return f"{type(error).__name__}: {error}"


def _scrubbed(text: str, webhook: Webhook | None) -> str:
    """An error as it may be stored and logged: never the robot's key or secret."""
    if webhook is not None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(webhook.url).query)
        for value in [webhook.secret, *(v for values in query.values() for v in values)]:
            if len(value) >= 6:
                text = text.replace(value, "******")
    return text[:2000]


def send_to_robot(
    webhook: Webhook, subject: str, text: str, facts: Sequence[Sequence[str]], link: str
) -> str:
    """Post one message to a robot now; the platform's answer, or an exception of SEND_ERRORS."""
    return _post_json(
        robot_address(webhook),
        webhook_payload(webhook, subject, text, facts, link),
        platform=webhook.flavour in PLATFORMS,
    )


def send_outbox_message(message: OutboxMessage) -> str:
    if message.channel == OutboxMessage.Channel.EMAIL:
        send_mail(message.subject, message.text, None, [message.target])
        return ""
    if message.webhook is None:  # a robot deleted since: nothing to send to
        raise RobotRefused("群机器人已删除")
    return send_to_robot(message.webhook, message.subject, message.text, message.facts, message.link)


def _robot_outcome(webhook: Webhook, *, error: str = "", at: datetime.datetime | None = None) -> None:
    """Keep a robot's latest success or failure (shown on the robots page), and log a failure."""
    at = at or timezone.now()
    if error:
        logger.warning("group robot %s failed: %s", webhook.pk, error)
        Webhook.objects.filter(pk=webhook.pk).update(last_failure_at=at, last_error=error)
    else:
        Webhook.objects.filter(pk=webhook.pk).update(last_success_at=at)


PACE_WINDOW = datetime.timedelta(minutes=1)
PACED_FLAVOURS = frozenset({Webhook.Flavour.WECOM, Webhook.Flavour.DINGTALK})


class _RobotPace:
    """How many messages each WeCom or DingTalk robot has been sent in the last minute (read once
    per robot, then counted as this run sends), so no robot gets more than
    ZHUQI_ROBOT_MESSAGES_PER_MINUTE: a deadline sweep or a bulk assignment to one department
    would otherwise send a burst the platform refuses past the 20th, and each retry would be
    another refused burst."""

    def __init__(self, now: datetime.datetime) -> None:
        self.since = now - PACE_WINDOW
        self.sent: dict[int, int] = {}

    def _sent(self, webhook: Webhook) -> int:
        if webhook.pk not in self.sent:
            self.sent[webhook.pk] = OutboxMessage.objects.filter(
                webhook=webhook, state=OutboxMessage.State.SENT, sent_at__gt=self.since
            ).count()
        return self.sent[webhook.pk]

    def full(self, webhook: Webhook) -> bool:
        if webhook.flavour not in PACED_FLAVOURS:
            return False
        return self._sent(webhook) >= settings.ZHUQI_ROBOT_MESSAGES_PER_MINUTE

    def count(self, webhook: Webhook) -> None:
        if webhook.flavour in PACED_FLAVOURS:
            self.sent[webhook.pk] = self._sent(webhook) + 1


def send_pending(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send what is due; on failure, schedule the next attempt further out. Each message is
    claimed and settled in its own short transaction, so one slow robot holds no locks. A
    disabled robot's messages are not sent (disabling cancels them; one disabled between
    queueing and sending is cancelled here)."""
    now = now or timezone.now()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    pace = _RobotPace(now)
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
            if message.webhook is not None and not message.webhook.is_active:
                message.state, message.next_attempt_at = OutboxMessage.State.CANCELLED, None
                message.save(update_fields=["state", "next_attempt_at"])
                continue
            if message.webhook is not None and pace.full(message.webhook):
                # Held back, not failed: the robot would refuse it now (20 a minute).
                message.next_attempt_at = now + PACE_WINDOW
                message.save(update_fields=["next_attempt_at"])
                continue
            # Claimed: push the next attempt out first, so a crash mid-send does not resend at once.
            message.attempts += 1
            message.next_attempt_at = now + datetime.timedelta(
                minutes=RETRY_MINUTES[min(message.attempts - 1, len(RETRY_MINUTES) - 1)]
            )
            message.save(update_fields=["attempts", "next_attempt_at"])
        try:
            send_outbox_message(message)
        except SEND_ERRORS as error:
            message.last_error = _scrubbed(_error_text(error), message.webhook)
            if message.attempts > len(RETRY_MINUTES):
                message.state = OutboxMessage.State.FAILED
                message.next_attempt_at = None
                counts["failed"] += 1
            else:
                counts["retrying"] += 1
            message.save(update_fields=["last_error", "state", "next_attempt_at"])
            if message.webhook is not None:
                _robot_outcome(message.webhook, error=message.last_error)
            else:
                logger.warning("outbox message %s (e-mail) failed: %s", message.pk, message.last_error)
            continue
        if message.webhook is not None:
            pace.count(message.webhook)
        message.state = OutboxMessage.State.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.save(update_fields=["state", "sent_at", "next_attempt_at"])
        if message.webhook is not None:
            _robot_outcome(message.webhook, at=message.sent_at)
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


def masked_url(url: str) -> str:
    # A robot's address carries its key (…/send?key=…, access_token=…): the audit trail keeps
    # where it points, never the key.
    base, _sep, _query = url.partition("?")
    return f"{base}?******" if _sep else base


def masked_secret(secret: str) -> str:
    """A DingTalk secret as pages, the API and the audit trail show it: enough to tell which one
    is set (SEC******a1b2), never the whole."""
    if not secret:
        return ""
    return f"{secret[:3]}******{secret[-4:]}" if len(secret) >= 16 else "******"


def _webhook_state(webhook: Webhook) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "flavour": webhook.flavour,
        "url": masked_url(webhook.url),
        "secret": masked_secret(webhook.secret),
        "site_url": webhook.site_url,
        "department": webhook.department_id,
        "region": webhook.region_id,
        "is_active": webhook.is_active,
    }


ROBOT_HOSTS_ONLY = "只能填企业微信或钉钉的机器人地址；其他地址（如内网中转）请系统管理员配置"


def _may_point_at(actor: User, url: str) -> bool:
    """Whether the actor may point a robot (and its test button, which shows the answer) at this
    address. Coordinators manage robots too: an address anywhere would let them make the server
    post to, and read, what only it can reach (the intranet, the cloud's metadata). So they use
    the robot platforms' hosts (ZHUQI_ROBOT_HOSTS); whoever configures the platform (an admin)
    may set any address, such as an intranet relay."""
    if has_permission(actor, Permission.CONFIGURE):
        return True
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host in {allowed.lower() for allowed in settings.ZHUQI_ROBOT_HOSTS}


def require_robot_manager(actor: User) -> None:
    """403 unless the actor's role manages group robots (whatever robot is asked for)."""
    if not has_permission(actor, Permission.MANAGE_ROBOTS):
        raise PermissionDenied(WEBHOOKS_REFUSED)


def _lock_robot(actor: User, webhook_id: int) -> Webhook:
    """The robot, locked, if the actor manages robots (403 otherwise, whatever the id) and sees
    it (404 otherwise)."""
    require_robot_manager(actor)
    return lock(selectors.webhook_queryset(user=actor), webhook_id)


def _site_url_errors(site_url: str) -> list[FieldError]:
    if not site_url:
        if settings.ZHUQI_BASE_URL:
            return []
        return [FieldError("site_url", "必填：群里的链接要用平台地址拼成完整地址")]
    parts = urllib.parse.urlsplit(site_url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or re.search(r"[\s()<>\[\]]", site_url)
        or len(site_url) > limit(Webhook, "site_url")
    ):
        return [
            FieldError(
                "site_url", "应为 http:// 或 https:// 开头的平台地址，如 https://zhuqi.example.gov.cn/"
            )
        ]
    return []


@transaction.atomic
def webhook_save(
    *,
    actor: User,
    name: str,
    flavour: str,
    url: str | None,
    department_id: int | None = None,
    region_code: str = "",
    is_active: bool = True,
    secret: str | None = None,
    site_url: str = "",
    webhook_id: int | None = None,
    expected_version: int | None = None,
    source: str = "",
) -> Webhook:
    """Add or change a group robot: a department's (its handlers' notices) or a region's (its
    coordinators' notices). Admins manage every robot, coordinators their jurisdiction's.

    On a change, `url` None keeps the address and `secret` None keeps the secret ("" removes
    it): neither is ever shown back whole, so a form cannot send them back. A secret is for
    DingTalk's 加签 only. `site_url` is the platform's address the robot's links are made with
    (ZHUQI_BASE_URL overrides it)."""
    if webhook_id is None:
        require_robot_manager(actor)
        webhook = Webhook()
        before = None
    else:
        webhook = _lock_robot(actor, webhook_id)
        check_version(webhook, expected_version)
        before = _webhook_state(webhook)
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(Webhook, {"name": name})
    if flavour not in Webhook.Flavour.values:
        errors.append(FieldError("flavour", "应为企业微信、钉钉或通用 JSON"))
    if url is None and webhook.pk:
        url = webhook.url
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500 or re.search(r"\s", url):
        errors.append(FieldError("url", "应为 http:// 或 https:// 开头的机器人地址"))
    elif url != webhook.url and not _may_point_at(actor, url):
        errors.append(FieldError("url", ROBOT_HOSTS_ONLY))
    if secret is None:
        secret = webhook.secret if flavour == Webhook.Flavour.DINGTALK else ""
    secret = secret.strip()
    if secret and flavour != Webhook.Flavour.DINGTALK:
        errors.append(FieldError("secret", "只有钉钉机器人使用加签密钥"))
    elif secret and (not secret.startswith("SEC") or re.search(r"\s", secret)):
        errors.append(FieldError("secret", "钉钉的加签密钥以 SEC 开头（机器人安全设置“加签”一栏）"))
    errors += length_errors(Webhook, {"secret": secret})
    site_url = (site_url or "").strip()
    errors += _site_url_errors(site_url)
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    region = Region.objects.filter(pk=region_code).first() if region_code else None
    jurisdiction = jurisdiction_code(actor)
    if department_id and department is None:
        errors.append(FieldError("department", "部门不存在"))
    elif department is not None and not code_within(jurisdiction, department.region_id):
        errors.append(FieldError("department", "该部门不在您的辖区内"))
    if region_code and region is None:
        errors.append(FieldError("region", "地区代码不存在"))
    elif region is not None and not code_within(jurisdiction, region.code):
        errors.append(FieldError("region", "该地区不在您的辖区内"))
    if (department is None) == (region is None) and not errors:
        errors.append(FieldError("department", "请指定部门或地区（二选一）"))
    if errors:
        raise ValidationFailed(errors)
    webhook.name, webhook.flavour, webhook.url = name, flavour, url
    webhook.secret, webhook.site_url = secret, site_url
    webhook.department, webhook.region = department, region
    was_active = webhook.is_active if webhook.pk else True
    webhook.is_active = is_active
    if webhook.pk:
        webhook.version += 1
    webhook.save()
    if was_active and not is_active:
        _cancel_pending(webhook)
    audit.record_saved(
        actor=actor,
        instance=webhook,
        before=before,
        changes=audit.diff(before or {}, _webhook_state(webhook)),
        source=source,
    )
    return webhook


def _cancel_pending(webhook: Webhook) -> int:
    return OutboxMessage.objects.filter(webhook=webhook, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.CANCELLED, next_attempt_at=None
    )


@transaction.atomic
def webhook_set_active(
    *, actor: User, webhook_id: int, is_active: bool, expected_version: int | None, source: str = ""
) -> Webhook:
    """Enable or disable a robot. A disabled robot gets nothing queued, and what was waiting
    for it is cancelled (not sent when it is enabled again: those notices are old news)."""
    webhook = _lock_robot(actor, webhook_id)
    check_version(webhook, expected_version)
    if webhook.is_active == is_active:
        return webhook
    before = _webhook_state(webhook)
    webhook.is_active = is_active
    webhook.version += 1
    webhook.save(update_fields=["is_active", "version"])
    cancelled = 0 if is_active else _cancel_pending(webhook)
    changes = audit.diff(before, _webhook_state(webhook))
    if cancelled:
        changes["cancelled_messages"] = [0, cancelled]
    audit.record(
        actor=actor, instance=webhook, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return webhook


@dataclass(frozen=True)
class TestOutcome:
    ok: bool
    answer: str  # the platform's answer, or what went wrong


def webhook_test(*, actor: User, webhook_id: int) -> TestOutcome:
    """Send a test message now, synchronously (with the robots' timeout), and say what the
    platform answered. Outside any transaction: the robot is read, not locked, while waiting for
    it. The outcome is kept as the robot's latest success or failure, like the outbox's sends
    (delivery bookkeeping, not a change anyone makes: no audit entry)."""
    webhook = selectors.webhook_get(user=actor, webhook_id=webhook_id)
    receiver = (
        webhook.department.name
        if webhook.department
        else f"{webhook.region.name if webhook.region else ''}营商办"
    )
    try:
        answer = send_to_robot(
            webhook,
            TEST_TITLE,
            TEST_BODY,
            [
                ("机器人", webhook.name),
                ("接收", receiver),
                ("时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"),
            ],
            "/",
        )
    except SEND_ERRORS as error:
        message = _scrubbed(_error_text(error), webhook)
        _robot_outcome(webhook, error=message)
        return TestOutcome(ok=False, answer=message)
    _robot_outcome(webhook)
    return TestOutcome(ok=True, answer=_scrubbed(answer, webhook) or "HTTP 200")


@transaction.atomic
def webhook_delete(*, actor: User, webhook_id: int, expected_version: int | None, source: str = "") -> None:
    """Delete a robot, and with it the messages queued or kept for it."""
    webhook = _lock_robot(actor, webhook_id)
    check_version(webhook, expected_version)
    audit.record(
        actor=actor,
        instance=webhook,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(_webhook_state(webhook), {}),
        source=source,
    )
    webhook.delete()
