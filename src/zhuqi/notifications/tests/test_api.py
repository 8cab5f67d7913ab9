"""Group robots through the API: the same services as the page, the secret write-only."""

from __future__ import annotations

import json

from zhuqi.core.models import AuditEntry
from zhuqi.directory.models import Region
from zhuqi.notifications.models import OutboxMessage, Webhook
from zhuqi.notifications.services import notify, send_pending
from zhuqi.testing.api import send, token_client
from zhuqi.testing.robots import LocalRobot

SECRET = "SEC" + "7b" * 32 + "e5f6"


def test_a_coordinator_adds_tests_changes_disables_and_deletes_a_robot(cast, settings) -> None:
    settings.ZHUQI_BASE_URL = ""
    settings.ZHUQI_ROBOT_HOSTS = ["127.0.0.1"]  # the local robot stands for DingTalk's host
    client = token_client("coordinator")
    with LocalRobot(secret=SECRET, keyword="助企") as robot:
        created = send(
            client,
            "post",
            "/api/v1/robots",
            {
                "name": "营商办群",
                "flavour": "dingtalk",
                "url": robot.url,
                "secret": SECRET,
                "region": "150581",
            },
        )
        assert created.status_code == 201, created.content
        body = created.json()
        # Write-only: the secret comes back masked, the address without its token.
        assert body["secret"] == "SEC******e5f6" and body["has_secret"] is True
        assert SECRET not in created.content.decode() and "local-token" not in created.content.decode()
        assert body["url"].endswith("/robot/send?******")
        # No site address given: the one the request came to.
        assert body["site_url"] == "http://testserver/" and body["flavour"] == "dingtalk"
        robot_id = body["id"]

        tested = send(client, "post", f"/api/v1/robots/{robot_id}/test")
        assert tested.status_code == 200 and tested.json()["ok"] is True
        assert json.loads(tested.json()["answer"])["errcode"] == 0
        assert "[查看详情](http://testserver/)" in robot.received[0]["markdown"]["text"]

        listed = send(client, "get", "/api/v1/robots").json()
        assert [item["name"] for item in listed["items"]] == ["营商办群"]
        assert listed["items"][0]["last_success_at"] is not None

        # A change without the address or the secret keeps them.
        changed = send(
            client,
            "put",
            f"/api/v1/robots/{robot_id}",
            {"name": "营商办工作群", "flavour": "dingtalk", "region": "150581", "version": body["version"]},
        )
        assert changed.status_code == 200, changed.content
        webhook = Webhook.objects.get()
        assert (webhook.name, webhook.secret, webhook.url) == ("营商办工作群", SECRET, robot.url)
        stale = send(
            client,
            "put",
            f"/api/v1/robots/{robot_id}",
            {"name": "旧名", "flavour": "dingtalk", "region": "150581", "version": body["version"]},
        )
        assert stale.status_code == 409

        notify(recipients=[], title="调度会通知", regions=[Region.objects.get(pk="150581")])
        disabled = send(
            client, "post", f"/api/v1/robots/{robot_id}/disable", {"version": changed.json()["version"]}
        )
        assert disabled.status_code == 200 and disabled.json()["is_active"] is False
        assert OutboxMessage.objects.get().state == OutboxMessage.State.CANCELLED
        assert send_pending() == {"sent": 0, "retrying": 0, "failed": 0}
        enabled = send(
            client, "post", f"/api/v1/robots/{robot_id}/enable", {"version": disabled.json()["version"]}
        )
        assert enabled.json()["is_active"] is True

    assert SECRET not in json.dumps(
        list(AuditEntry.objects.filter(content_type__model="webhook").values_list("changes", flat=True)),
        ensure_ascii=False,
    )
    deleted = client.delete(f"/api/v1/robots/{robot_id}?version={enabled.json()['version']}")
    assert deleted.status_code == 204 and not Webhook.objects.exists()


def test_the_api_names_the_field_it_refuses(cast) -> None:
    client = token_client("admin")
    refused = send(
        client,
        "post",
        "/api/v1/robots",
        {
            "name": "群",
            "flavour": "wecom",
            "url": "https://a.example/?key=1",
            "secret": "SECx",
            "region": "150581",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == [{"loc": ["body", "secret"], "msg": "只有钉钉机器人使用加签密钥"}]
    wrong = send(client, "post", "/api/v1/robots", {"name": "群", "flavour": "feishu", "url": "https://a/"})
    assert wrong.status_code == 422
