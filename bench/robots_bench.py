"""Sending to a group robot (issue 17): send_pending against a bare urllib loop, to one local
DingTalk robot (zhuqi.testing.robots.LocalRobot: 加签 checked, markdown) in the same process.

    python bench/robots_bench.py [--messages 200] [--rounds 7] [--fresh]

Each round queues M messages for a DingTalk robot with a secret through notify_many (as a step
does; not timed), then times, in alternating order:
  send_pending(limit=M): claim each message in its own transaction, build its markdown, sign,
         POST, check {"errcode": 0}, mark it sent, keep the robot's latest success;
  a bare loop (the reference, what one would write by hand): for the same M JSON payloads, built
         beforehand with webhook_payload, sign (HMAC-SHA256), POST with urllib.request, read the
         answer and check its errcode. No database.
Median seconds over the rounds, the ratio, messages a second; one more untimed send_pending under
CaptureQueriesContext gives its queries a message. The robot must have accepted every message.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, database_label, machine, median, revision, setup_django

SQLITE = "robots-sqlite"
SECRET = "SECbench0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
SITE = "https://zhuqi.example.gov.cn/"


def queue(department: Any, count: int, label: str) -> None:
    from zhuqi.notifications.services import Message, notify_many

    notify_many(
        [
            Message(
                recipients=(),
                title=f"新交办事项：增值税留抵退税迟迟未到账（{label}-{n}）",
                body="企业反映增值税留抵退税迟迟未到账，资金周转困难，请协调加快办理。",
                link=f"/cases/{1000 + n}/",
                department_ids=(department.pk,),
                facts=(("企业", f"霍林郭勒测试{n:03d}有限公司"), ("办理时限", "2026-12-11 17:30")),
            )
            for n in range(count)
        ]
    )


def bare_loop(url: str, payloads: list[dict[str, Any]]) -> None:
    for payload in payloads:
        timestamp = int(time.time() * 1000)
        digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
        request = urllib.request.Request(
            f"{url}&timestamp={timestamp}&sign={sign}",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert answer["errcode"] == 0, answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--members", type=int, default=20, help="demands for the queued-messages count")
    parser.add_argument("--fresh", action="store_true", help="SQLite: start from an empty file")
    args = parser.parse_args()
    if args.fresh and not os.environ.get("DATABASE_URL"):
        shutil.rmtree(OUT / SQLITE, ignore_errors=True)
    setup_django(SQLITE)
    from django.conf import settings
    from django.db import connection

    # A real robot takes 20 messages a minute and the outbox holds the rest back; this measures
    # the sending itself, so the pace is lifted (the local robot has no limit).
    settings.ZHUQI_ROBOT_MESSAGES_PER_MINUTE = 1_000_000
    from django.test.utils import CaptureQueriesContext

    from zhuqi.notifications.models import OutboxMessage, Webhook
    from zhuqi.notifications.services import send_pending, webhook_payload
    from zhuqi.testing.factories import DepartmentFactory
    from zhuqi.testing.robots import LocalRobot

    m = args.messages
    print(f"{database_label()}; {machine()}; at {revision()}; load average {os.getloadavg()[0]:.1f}")
    department = DepartmentFactory(name="霍林郭勒市税务局（机器人基准）")
    with LocalRobot(secret=SECRET) as robot:
        hook = Webhook.objects.create(
            name="税务局群",
            flavour="dingtalk",
            url=robot.url,
            secret=SECRET,
            site_url=SITE,
            department=department,
        )
        pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)
        service_s, loop_s = [], []
        print(f"\n## {m} messages to a signed DingTalk robot (markdown)")
        print(f"{'round':>5} {'first':>12} {'send_pending s':>15} {'bare loop s':>12} {'ratio':>6}")
        for number in range(args.rounds):
            queue(department, m, f"r{number}")
            payloads = [
                webhook_payload(hook, message.subject, message.text, message.facts, message.link)
                for message in pending.order_by("pk")
            ]
            assert len(payloads) == m
            before = len(robot.received)
            order = ["service", "loop"] if number % 2 == 0 else ["loop", "service"]
            for side in order:
                started = time.perf_counter()
                if side == "service":
                    counts = send_pending(limit=m)
                    service_s.append(time.perf_counter() - started)
                    assert counts == {"sent": m, "retrying": 0, "failed": 0}, counts
                else:
                    bare_loop(robot.url, payloads)
                    loop_s.append(time.perf_counter() - started)
            assert len(robot.received) == before + 2 * m and not robot.refused
            assert robot.received[-1]["msgtype"] == "markdown"
            print(
                f"{number + 1:>5} {order[0]:>12} {service_s[-1]:15.3f} {loop_s[-1]:12.3f} "
                f"{service_s[-1] / loop_s[-1]:6.2f}",
                flush=True,
            )
        s, loop = median(service_s), median(loop_s)
        print(
            f"{'median':>5} {'':>12} {s:15.3f} {loop:12.3f} {s / loop:6.2f}   "
            f"send_pending {m / s:,.0f} messages/s, bare loop {m / loop:,.0f} messages/s",
            flush=True,
        )
        queue(department, m, "q")
        with CaptureQueriesContext(connection) as captured:
            send_pending(limit=m)
        count = len(captured.captured_queries)
        print(f"send_pending queries: {count} for {m} messages ({count / m:.1f} a message)")
    queued_by_steps(args.members)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


def queued_by_steps(size: int) -> None:
    """Robot messages queued by a joint handling of `size` demands (open, sign, answer) against
    the same demands handled one by one, with a robot for the lead department and one for the
    county's coordinators (nothing is sent: the robots' addresses are never posted to)."""
    from joint_handling_bench import County

    from zhuqi.notifications.models import OutboxMessage, Webhook

    county = County("150525", size)  # 奈曼旗
    for name, owner in (
        ("牵头部门群", {"department": county.department}),
        ("营商办群", {"region": county.region}),
    ):
        Webhook.objects.create(
            name=name,
            flavour="dingtalk",
            url="http://127.0.0.1:9/robot/send?access_token=x",
            site_url=SITE,
            **owner,
        )
    robots = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.WEBHOOK, webhook__region=county.region
    )
    robots |= OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.WEBHOOK, webhook__department=county.department
    )
    counts = {}
    for side in ("joint", "one by one"):
        cases = county.file(size, side)
        before = robots.count()
        county.joint(cases) if side == "joint" else county.one_by_one(cases)
        counts[side] = robots.count() - before
    print(
        f"\nrobot messages queued for {size} demands (filed, then accepted, assigned, signed, answered): "
        f"joint {counts['joint']}, one by one {counts['one by one']}"
    )


if __name__ == "__main__":
    main()
