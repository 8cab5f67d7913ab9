"""The inbox and the group-robot pages."""

from __future__ import annotations

import datetime

from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.core.workdays import SHANGHAI
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook
from zhuqi.testing.robots import LocalRobot


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


SECRET = "SEC" + "5e" * 32 + "c3d4"


def test_an_admin_adds_a_robot_and_the_audit_keeps_no_key(cast) -> None:
    client = client_for(cast.admin)
    page = client.get("/notices/webhooks/").content.decode()
    # The site address defaults to the one the page was opened from, and the form says why.
    assert 'name="site_url" type="url" value="http://testserver/"' in page
    assert "群消息中的链接用它拼成完整地址" in page
    response = client.post(
        "/notices/webhooks/",
        {
            "name": "工信局工作群",
            "flavour": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=SECRET-KEY",
            "secret": SECRET,
            "site_url": "http://testserver/",
            "department": cast.handler.department_id,
        },
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert webhook.department_id == cast.handler.department_id and webhook.url.endswith("SECRET-KEY")
    assert webhook.secret == SECRET and webhook.site_url == "http://testserver/"
    entry = AuditEntry.objects.get(content_type__model="webhook")
    assert "SECRET-KEY" not in str(entry.changes) and entry.changes["url"][1].endswith("?******")
    assert SECRET not in str(entry.changes) and entry.changes["secret"][1] == "SEC******c3d4"
    page = client.get("/notices/webhooks/").content.decode()
    assert "工信局工作群" in page and "SEC******c3d4" in page
    assert SECRET not in page and "SECRET-KEY" not in page

    # Neither a department nor a region: named, nothing written.
    bad = client.post(
        "/notices/webhooks/",
        {"name": "x", "flavour": "wecom", "url": "https://a.example/", "site_url": "http://testserver/"},
    )
    assert "请指定部门或地区" in bad.content.decode() and Webhook.objects.count() == 1
    client.post("/notices/webhooks/", {"name": "x", "flavour": "wecom", "url": "ftp://a", "region": "150581"})
    assert Webhook.objects.count() == 1

    client.post(f"/notices/webhooks/{webhook.pk}/delete", {"version": webhook.version})
    assert not Webhook.objects.exists()


def test_editing_keeps_the_address_and_secret_unless_given(cast) -> None:
    webhook = Webhook.objects.create(
        name="钉钉群",
        flavour="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=TOKEN-XYZ",
        secret=SECRET,
        site_url="http://testserver/",
        region=cast.coordinator.region,
    )
    client = client_for(cast.coordinator)
    page = client.get(f"/notices/webhooks/{webhook.pk}/").content.decode()
    assert "已设置：SEC******c3d4" in page and SECRET not in page and "TOKEN-XYZ" not in page
    form = {
        "name": "营商办群",
        "flavour": "dingtalk",
        "url": "",
        "secret": "",
        "site_url": "https://zhuqi.example.gov.cn/",
        "region": "150581",
        "version": webhook.version,
    }
    assert client.post(f"/notices/webhooks/{webhook.pk}/", form).status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.secret, webhook.site_url) == (
        "营商办群",
        SECRET,
        "https://zhuqi.example.gov.cn/",
    )
    assert webhook.url.endswith("TOKEN-XYZ")
    # A stale form is refused, saying so.
    stale = client.post(f"/notices/webhooks/{webhook.pk}/", {**form, "name": "旧"}, follow=True)
    assert "未保存" in stale.content.decode()
    client.post(f"/notices/webhooks/{webhook.pk}/", {**form, "clear_secret": "1", "version": webhook.version})
    webhook.refresh_from_db()
    assert webhook.secret == ""


def test_the_page_tests_disables_and_shows_retries_at_once(cast) -> None:
    with LocalRobot(secret=SECRET) as robot:
        webhook = Webhook.objects.create(
            name="钉钉群",
            flavour="dingtalk",
            url=robot.url,
            secret=SECRET,
            site_url="http://testserver/",
            region=cast.coordinator.region,
        )
        client = client_for(cast.coordinator)
        page = client.post(f"/notices/webhooks/{webhook.pk}/test", follow=True).content.decode()
        assert "测试消息已送达，平台应答：" in page and "&quot;errcode&quot;: 0" in page
        Webhook.objects.filter(pk=webhook.pk).update(secret="SEC" + "0" * 64)
        page = client.post(f"/notices/webhooks/{webhook.pk}/test", follow=True).content.decode()
        assert "测试消息未送达" in page and "sign not match" in page
    # A message that failed once shows with its error and its next attempt, hours before it is
    # given up.
    OutboxMessage.objects.create(
        channel="webhook",
        target="x",
        webhook=webhook,
        subject="新交办事项：流动资金贷款",
        text="",
        attempts=2,
        next_attempt_at=datetime.datetime(2026, 12, 6, 14, 30, tzinfo=SHANGHAI),
        last_error="RobotRefused: errcode 310000: sign not match",
    )
    page = client.get("/notices/webhooks/").content.decode()
    assert 'data-testid="webhook-retrying"' in page and "2026-12-06 14:30" in page
    assert "新交办事项：流动资金贷款" in page and "1 条重试中" in page
    webhook.refresh_from_db()
    client.post(f"/notices/webhooks/{webhook.pk}/active", {"is_active": "off", "version": webhook.version})
    webhook.refresh_from_db()
    assert not webhook.is_active
    assert OutboxMessage.objects.get().state == OutboxMessage.State.CANCELLED
    client.post(f"/notices/webhooks/{webhook.pk}/active", {"is_active": "on", "version": webhook.version})
    webhook.refresh_from_db()
    assert webhook.is_active


def test_coordinators_see_their_jurisdictions_robots_and_others_are_refused(cast) -> None:
    ours = Webhook.objects.create(name="本市群", flavour="wecom", url="https://a/?key=1", region_id="150581")
    department = Webhook.objects.create(
        name="工信局群", flavour="wecom", url="https://a/?key=2", department=cast.handler.department
    )
    theirs = Webhook.objects.create(
        name="大同群", flavour="wecom", url="https://a/?key=3", region_id="140200"
    )
    page = client_for(cast.coordinator).get("/notices/webhooks/").content.decode()
    assert "本市群" in page and "工信局群" in page and "大同群" not in page
    # Robots kept from before there was a site address say that their messages carry no link.
    assert page.count('data-testid="webhook-no-site-url"') == 2
    assert client_for(cast.coordinator).get(f"/notices/webhooks/{theirs.pk}/").status_code == 404
    assert client_for(cast.coordinator).get(f"/notices/webhooks/{department.pk}/").status_code == 200
    assert client_for(cast.admin).get(f"/notices/webhooks/{theirs.pk}/").status_code == 200
    assert ours.pk


def test_only_admins_and_coordinators_configure_robots(cast) -> None:
    for user in (cast.leader, cast.handler, cast.auditor, cast.enterprise_user):
        refused = client_for(user).get("/notices/webhooks/")
        assert refused.status_code == 403
        assert "只有系统管理员和营商办（专班）可以配置群机器人" in refused.content.decode()


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
