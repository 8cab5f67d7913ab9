"""The outbox: notices queued with the step that caused them, sent afterwards, retried with
back-off; a failing robot blocks nothing."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from zhuqi.notifications.models import Notice, OutboxMessage, Webhook
from zhuqi.notifications.services import RETRY_MINUTES, notify, send_pending
from zhuqi.testing.robots import LocalRobot

SITE = "https://zhuqi.example.gov.cn/"


@pytest.fixture
def robot() -> Iterator[LocalRobot]:
    with LocalRobot() as robot:
        yield robot


def test_a_notice_reaches_the_inbox_the_mail_and_the_department_robot(cast, robot, settings) -> None:
    settings.ZHUQI_EMAIL_NOTICES = True
    settings.ZHUQI_BASE_URL = ""
    cast.handler.email = "handler@example.gov.cn"
    cast.handler.save()
    Webhook.objects.create(
        name="工信局群", flavour="wecom", url=robot.url, site_url=SITE, department=cast.handler.department
    )
    with transaction.atomic():
        notify(
            recipients=[cast.handler],
            title="新交办事项：流动资金贷款",
            link="/cases/1/",
            departments=[cast.handler.department],
            facts=[("企业", "联晟新材料有限公司"), ("办理时限", "2026-12-06 17:30")],
        )
    notice = Notice.objects.get(recipient=cast.handler)
    assert notice.title == "新交办事项：流动资金贷款"
    assert notice.body == "企业：联晟新材料有限公司\n办理时限：2026-12-06 17:30"
    assert send_pending() == {"sent": 2, "retrying": 0, "failed": 0}
    assert robot.received == [
        {
            "msgtype": "markdown",
            "markdown": {
                "content": "### 【助企】新交办事项：流动资金贷款\n"
                "**企业**：联晟新材料有限公司\n"
                "**办理时限**：2026-12-06 17:30\n"
                "[查看详情](https://zhuqi.example.gov.cn/cases/1/)"
            },
        }
    ]
    # The mail is plain text; with no ZHUQI_BASE_URL it carries no link it could not open.
    assert mail.outbox[0].to == ["handler@example.gov.cn"]
    assert mail.outbox[0].subject == "新交办事项：流动资金贷款"
    assert mail.outbox[0].body == "企业：联晟新材料有限公司\n办理时限：2026-12-06 17:30"
    # The outbox keeps where it went, never the key.
    assert OutboxMessage.objects.get(channel="webhook").target.endswith("?******")


def test_a_failing_robot_is_retried_with_back_off_then_given_up(cast, robot) -> None:
    Webhook.objects.create(
        name="钉钉群", flavour="dingtalk", url=robot.url, site_url=SITE, region=cast.coordinator.region
    )
    robot.answer_override = json.dumps({"errcode": 93000, "errmsg": "invalid webhook url"}).encode()
    notify(recipients=[cast.coordinator], title="催办", regions=[cast.coordinator.region])
    message = OutboxMessage.objects.get()
    now = timezone.now()
    waits = []
    for _ in range(len(RETRY_MINUTES) + 1):
        send_pending(now=now)
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(round((message.next_attempt_at - now).total_seconds() / 60))
            now = message.next_attempt_at
    assert waits == list(RETRY_MINUTES)
    assert message.state == OutboxMessage.State.FAILED and "93000" in message.last_error
    # The inbox notice is there regardless: a failing channel blocks nothing.
    assert Notice.objects.filter(recipient=cast.coordinator, title="催办").exists()


def test_an_unreachable_robot_does_not_stop_the_others(cast, robot) -> None:
    Webhook.objects.create(
        name="坏地址",
        flavour="wecom",
        url="http://127.0.0.1:9/nowhere",
        site_url=SITE,
        region=cast.coordinator.region,
    )
    Webhook.objects.create(
        name="好地址", flavour="json", url=robot.url, site_url=SITE, region=cast.coordinator.region
    )
    notify(recipients=[], title="调度会通知", link="/meetings/3/", regions=[cast.coordinator.region])
    assert send_pending() == {"sent": 1, "retrying": 1, "failed": 0}
    assert robot.received == [
        {
            "title": "调度会通知",
            "text": "https://zhuqi.example.gov.cn/meetings/3/",
            "link": "https://zhuqi.example.gov.cn/meetings/3/",
            "facts": [],
        }
    ]
    bad = OutboxMessage.objects.get(webhook__name="坏地址")
    assert bad.next_attempt_at > timezone.now() + datetime.timedelta(seconds=30)
    # Said in words a person reads, on the robots page.
    assert bad.last_error == "无法连接：对方拒绝连接（地址或端口不对，或机器人服务未开）"
    assert Webhook.objects.get(name="坏地址").last_error == bad.last_error


def test_a_robot_is_sent_no_more_than_its_platform_takes_a_minute(cast, robot, settings) -> None:
    """WeCom and DingTalk refuse a robot's 21st message in a minute: the rest wait for the next
    minute without counting as failed attempts; a generic JSON hook is not held back."""
    settings.ZHUQI_ROBOT_MESSAGES_PER_MINUTE = 20
    wecom = Webhook.objects.create(
        name="工信局群", flavour="wecom", url=robot.url, site_url=SITE, department=cast.handler.department
    )
    plain = Webhook.objects.create(
        name="通用", flavour="json", url=robot.url, site_url=SITE, department=cast.handler.department
    )
    with transaction.atomic():
        for number in range(25):
            notify(recipients=[], title=f"第 {number} 条", departments=[cast.handler.department])
    assert send_pending() == {"sent": 45, "retrying": 0, "failed": 0}
    held = OutboxMessage.objects.filter(webhook=wecom, state=OutboxMessage.State.PENDING)
    assert held.count() == 5
    assert set(held.values_list("attempts", flat=True)) == {0}
    assert not OutboxMessage.objects.filter(webhook=plain, state=OutboxMessage.State.PENDING).exists()
    # Held back, so not sent again within the minute …
    assert send_pending()["sent"] == 0
    # … and sent once it has passed.
    later = timezone.now() + datetime.timedelta(minutes=1, seconds=1)
    assert send_pending(now=later)["sent"] == 5
    assert len(robot.received) == 50
