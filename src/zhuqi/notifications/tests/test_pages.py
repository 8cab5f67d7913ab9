"""The inbox and the group-robot pages."""

from __future__ import annotations

from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.notifications.models import Webhook


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_adds_a_robot_and_the_audit_keeps_no_key(cast) -> None:
    client = client_for(cast.admin)
    response = client.post(
        "/notices/webhooks/",
        {
            "name": "工信局工作群",
            "flavour": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY",
            "department": cast.handler.department_id,
        },
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert webhook.department_id == cast.handler.department_id and webhook.url.endswith("SECRET-KEY")
    entry = AuditEntry.objects.get(content_type__model="webhook")
    assert "SECRET-KEY" not in str(entry.changes) and entry.changes["url"][1].endswith("?******")
    assert "工信局工作群" in client.get("/notices/webhooks/").content.decode()

    # Neither a department nor a region: named, nothing written.
    bad = client.post(
        "/notices/webhooks/", {"name": "x", "flavour": "wecom", "url": "https://a.example/"}, follow=True
    )
    assert "请指定部门或地区" in bad.content.decode() and Webhook.objects.count() == 1
    bad = client.post(
        "/notices/webhooks/", {"name": "x", "flavour": "wecom", "url": "ftp://a", "region": "150581"}
    )
    assert Webhook.objects.count() == 1

    client.post("/notices/webhooks/", {"webhook": webhook.pk, "delete": "1"})
    assert not Webhook.objects.exists()


def test_only_admins_configure_robots(cast) -> None:
    for user in (cast.coordinator, cast.handler, cast.enterprise_user):
        assert client_for(user).get("/notices/webhooks/").status_code == 404
