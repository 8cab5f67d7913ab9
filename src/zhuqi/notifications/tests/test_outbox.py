from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from zhuqi.notifications.models import Notice, OutboxMessage, Webhook
from zhuqi.notifications.services import RETRY_MINUTES, notify, send_pending


class Robot(BaseHTTPRequestHandler):
    """A group robot on this machine: answers like WeCom, or fails while `failing` is set."""

    received: list[Any] = []
    failing = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Robot.received.append(body)
        answer = {"errcode": 93000, "errmsg": "invalid webhook url"} if Robot.failing else {"errcode": 0}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robot_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Robot.received, Robot.failing = [], False
    yield f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
    server.shutdown()


def test_a_notice_reaches_the_inbox_and_the_department_robot(cast, robot_url, settings) -> None:
    settings.ZHUQI_EMAIL_NOTICES = True
    cast.handler.email = "handler@example.gov.cn"
    cast.handler.save()
    Webhook.objects.create(
        name="工信局群", flavour="wecom", url=robot_url, department=cast.handler.department
    )
    with transaction.atomic():
        notify(
            recipients=[cast.handler],
            title="新交办事项",
            body="流动资金贷款",
            link="/cases/1/",
            departments=[cast.handler.department],
        )
    assert Notice.objects.get(recipient=cast.handler).title == "新交办事项"
    assert send_pending() == {"sent": 2, "retrying": 0, "failed": 0}
    assert Robot.received == [
        {"msgtype": "text", "text": {"content": "【助企】新交办事项\n流动资金贷款\n/cases/1/"}}
    ]
    assert mail.outbox[0].to == ["handler@example.gov.cn"] and mail.outbox[0].subject == "新交办事项"


def test_a_failing_robot_is_retried_with_back_off_then_given_up(cast, robot_url) -> None:
    Webhook.objects.create(name="钉钉群", flavour="dingtalk", url=robot_url, region=cast.coordinator.region)
    Robot.failing = True
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


def test_an_unreachable_robot_does_not_stop_the_others(cast, robot_url) -> None:
    Webhook.objects.create(
        name="坏地址", flavour="wecom", url="http://127.0.0.1:9/nowhere", region=cast.coordinator.region
    )
    Webhook.objects.create(name="好地址", flavour="json", url=robot_url, region=cast.coordinator.region)
    notify(recipients=[], title="调度会通知", regions=[cast.coordinator.region])
    assert send_pending() == {"sent": 1, "retrying": 1, "failed": 0}
    assert Robot.received == [{"title": "调度会通知", "text": ""}]
    assert OutboxMessage.objects.get(
        webhook__name="坏地址"
    ).next_attempt_at > timezone.now() + datetime.timedelta(seconds=30)
