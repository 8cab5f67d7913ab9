"""The inbox and the group-robot pages."""

from __future__ import annotations

from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.notifications.models import Notice, Webhook


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
        refused = client_for(user).get("/notices/webhooks/")
        assert refused.status_code == 403 and "只有系统管理员可以配置群机器人" in refused.content.decode()


def _notice(user, title: str = "新交办事项 #7", link: str = "/cases/7/") -> Notice:
    return Notice.objects.create(recipient=user, kind=Notice.Kind.TASK, title=title, link=link)


def test_following_a_notice_link_by_get_changes_nothing(cast) -> None:
    notice = _notice(cast.handler)
    client = client_for(cast.handler)
    # A link kept in a mail, or a browser's prefetch, still leads to the subject...
    response = client.get(f"/notices/{notice.pk}/open")
    assert response.status_code == 302 and response["Location"] == "/cases/7/"
    # ...and the notice stays unread, with nothing written in the audit trail.
    notice.refresh_from_db()
    assert notice.read_at is None
    assert not AuditEntry.objects.filter(content_type__model="notice").exists()
    assert client.get("/notices/read").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_a_notice_from_the_inbox_marks_it_read_with_an_audit_entry(cast) -> None:
    notice = _notice(cast.handler)
    client = client_for(cast.handler)
    inbox = client.get("/notices/").content.decode()
    # The inbox opens a notice with a form (POST, with the CSRF token), not a link.
    assert f'action="/notices/{notice.pk}/open"' in inbox and 'method="post"' in inbox
    response = client.post(f"/notices/{notice.pk}/open")
    assert response.status_code == 302 and response["Location"] == "/cases/7/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    entry = AuditEntry.objects.get(content_type__model="notice", object_id=str(notice.pk))
    assert entry.actor == cast.handler and entry.action == AuditEntry.Action.UPDATE
    assert list(entry.changes) == ["read_at"] and entry.changes["read_at"][0] is None
    # Someone else's notice is not theirs to open or mark.
    other = _notice(cast.handler, title="另一条")
    assert client_for(cast.coordinator).post(f"/notices/{other.pk}/open").status_code == 404
    client_for(cast.coordinator).post("/notices/read", {"notice": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_needs_the_csrf_token(cast) -> None:
    notice = _notice(cast.handler)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.handler)
    assert client.post(f"/notices/{notice.pk}/open").status_code == 403
    assert client.post("/notices/read").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_one_or_all_notices_read(cast) -> None:
    first, second, third = (_notice(cast.handler, title=f"消息{n}") for n in range(3))
    client = client_for(cast.handler)
    client.post("/notices/read", {"notice": first.pk})
    assert list(Notice.objects.filter(read_at__isnull=True).order_by("pk")) == [second, third]
    client.post("/notices/read")
    assert not Notice.objects.filter(read_at__isnull=True).exists()
    assert AuditEntry.objects.filter(content_type__model="notice").count() == 3
