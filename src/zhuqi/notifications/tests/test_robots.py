"""Group robots as WeCom and DingTalk really take them: DingTalk's 加签 checked by a local server
that refuses a wrong signature as DingTalk does, markdown messages naming the enterprise, the
department and the deadline with a link that opens from a chat, failures seen at once."""

from __future__ import annotations

import datetime
import json
import logging
import urllib.parse
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory, deadline_text
from zhuqi.cases.sweep import sweep
from zhuqi.cases.taking import notify_enterprise
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.notifications import services
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook
from zhuqi.notifications.services import markdown_escaped, send_pending, webhook_payload
from zhuqi.testing.robots import LocalRobot, expected_sign

SECRET = "SEC" + "3f2a9c" * 10 + "a1b2"
SITE = "https://zhuqi.example.gov.cn/"


@pytest.fixture
def dingtalk() -> Iterator[LocalRobot]:
    with LocalRobot(secret=SECRET, keyword="助企") as robot:
        yield robot


@pytest.fixture
def finance(db) -> CaseCategory:
    return CaseCategory.objects.get(name="融资", parent=None)


@pytest.fixture(autouse=True)
def _no_base_url(settings) -> None:
    settings.ZHUQI_BASE_URL = ""


def _robot(cast, url: str, **fields) -> Webhook:
    values = {
        "name": "工信局工作群",
        "flavour": "dingtalk",
        "url": url,
        "secret": SECRET,
        "site_url": SITE,
        "department": cast.handler.department,
        **fields,
    }
    return Webhook.objects.create(**values)


def _assigned(cast, finance) -> Case:
    case = file_demand(cast, finance)
    return case_services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )


def test_the_signature_is_dingtalks(cast) -> None:
    # DingTalk's own example: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, base64,
    # URL-encoded into the address beside the robot's access_token.
    webhook = Webhook(
        flavour="dingtalk", url="https://oapi.dingtalk.com/robot/send?access_token=T", secret=SECRET
    )
    address = services.robot_address(webhook, now_ms=1700000000000)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)
    assert query["access_token"] == ["T"] and query["timestamp"] == ["1700000000000"]
    assert query["sign"] == [expected_sign(SECRET, "1700000000000")]
    assert "+" not in address.split("sign=")[1] and "/" not in address.split("sign=")[1]
    # No secret (a robot secured by keyword or address list), or WeCom: the address as it is.
    assert services.robot_address(Webhook(flavour="dingtalk", url="https://x/send?access_token=T")) == (
        "https://x/send?access_token=T"
    )
    assert services.robot_address(Webhook(flavour="wecom", url="https://x/send?key=K", secret="")) == (
        "https://x/send?key=K"
    )


def test_a_case_step_delivers_a_signed_markdown_message_to_the_departments_robot(
    cast, finance, dingtalk
) -> None:
    webhook = _robot(cast, dingtalk.url)
    case = _assigned(cast, finance)
    assert send_pending() == {"sent": 1, "retrying": 0, "failed": 0}
    [body] = dingtalk.received
    assert dingtalk.queries[0]["timestamp"][0].isdigit() and dingtalk.queries[0]["sign"]
    assert body["msgtype"] == "markdown"
    text = body["markdown"]["text"]
    assert body["markdown"]["title"].startswith("助企：新交办事项")
    assert text.startswith("### 【助企】新交办事项，请于 ")
    assert "流动资金贷款到期续贷困难" in text
    assert "**企业**：联晟新材料有限公司" in text
    assert "**牵头部门**：霍林郭勒市工业和信息化局" in text
    assert f"**办理时限**：{deadline_text(case.deadline)}" in text
    assert "**类型**：诉求 #" in text and "**所属地区**：霍林郭勒市" in text
    assert text.endswith(f"[查看详情](https://zhuqi.example.gov.cn/cases/{case.pk}/)")
    # The title is said once, not repeated as the body.
    assert text.count("流动资金贷款到期续贷困难") == 1
    webhook.refresh_from_db()
    assert webhook.last_success_at is not None and webhook.last_failure_at is None
    # The inbox notice says the same facts in plain text.
    notice = Notice.objects.get(recipient=cast.handler, kind=Notice.Kind.TASK)
    assert "企业：联晟新材料有限公司\n所属地区：霍林郭勒市\n牵头部门：霍林郭勒市工业和信息化局" in notice.body
    assert notice.link == f"/cases/{case.pk}/"


def test_a_wrong_secret_is_refused_counted_as_a_failure_logged_and_retried(
    cast, finance, dingtalk, caplog
) -> None:
    webhook = _robot(cast, dingtalk.url, secret="SEC" + "0" * 64)
    _assigned(cast, finance)
    with caplog.at_level(logging.WARNING, logger="zhuqi.notifications.services"):
        assert send_pending() == {"sent": 0, "retrying": 1, "failed": 0}
    assert dingtalk.received == [] and len(dingtalk.refused) == 1
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1
    assert "310000" in message.last_error and "sign not match" in message.last_error
    webhook.refresh_from_db()
    assert webhook.last_failure_at is not None and "310000" in webhook.last_error
    # Logged with the robot's id and the error, never its secret or token.
    [record] = [r for r in caplog.records if "group robot" in r.getMessage()]
    assert f"group robot {webhook.pk} failed" in record.getMessage() and "310000" in record.getMessage()
    assert "SEC" not in record.getMessage() and "local-token" not in record.getMessage()

    # The right secret entered: the next attempt goes through.
    services.webhook_save(
        actor=cast.admin,
        webhook_id=webhook.pk,
        expected_version=webhook.version,
        name=webhook.name,
        flavour="dingtalk",
        url=None,
        secret=SECRET,
        site_url=SITE,
        department_id=cast.handler.department_id,
    )
    assert send_pending(now=timezone.now() + datetime.timedelta(minutes=2)) == {
        "sent": 1,
        "retrying": 0,
        "failed": 0,
    }
    assert len(dingtalk.received) == 1


def test_an_old_timestamp_is_refused(cast, dingtalk, monkeypatch) -> None:
    webhook = _robot(cast, dingtalk.url)
    # Our clock in 1970, the robot's now: far more than an hour apart.
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    outcome = services.webhook_test(actor=cast.admin, webhook_id=webhook.pk)
    assert not outcome.ok and "invalid timestamp" in outcome.answer


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (b'{"errcode": 93000, "errmsg": "invalid webhook url"}', "errcode 93000: invalid webhook url"),
        (b"<html><body>OK</body></html>", "应答不是机器人平台的 JSON"),
        (b'{"ok": true}', "应答不是机器人平台的 JSON"),
    ],
)
def test_an_answer_other_than_errcode_0_is_a_failure(cast, answer, shown) -> None:
    with LocalRobot() as robot:
        robot.answer_override = answer
        webhook = _robot(cast, robot.url, flavour="wecom", secret="")
        services.notify(recipients=[], title="调度会通知", departments=[cast.handler.department])
        assert send_pending() == {"sent": 0, "retrying": 1, "failed": 0}
    assert shown in OutboxMessage.objects.get().last_error
    webhook.refresh_from_db()
    assert shown in webhook.last_error


def test_the_generic_json_robot_takes_any_200(cast) -> None:
    with LocalRobot() as robot:
        robot.answer_override = b"accepted"
        _robot(cast, robot.url, flavour="json", secret="")
        services.notify(recipients=[], title="调度会通知", departments=[cast.handler.department])
        assert send_pending() == {"sent": 1, "retrying": 0, "failed": 0}


def test_markdown_for_each_flavour_escapes_what_people_typed() -> None:
    hook = Webhook(flavour="wecom", url="https://x/send?key=K", site_url=SITE)
    facts = [
        ("企业", '**假**公司 <font color="warning">[点我](http://evil.example)</font>'),
        ("办理时限", "2026-12-06 17:30"),
    ]
    wecom = webhook_payload(hook, "新交办事项：# 标题 > 引用", "- 第一行\n## 第二行", facts, "/cases/24/")
    content = wecom["markdown"]["content"]
    assert content.splitlines() == [
        "### 【助企】新交办事项：# 标题 ＞ 引用",
        "－ 第一行 ## 第二行",
        '**企业**：＊＊假＊＊公司 ＜font color="warning"＞［点我］(http://evil.example)＜/font＞',
        "**办理时限**：2026-12-06 17:30",
        "[查看详情](https://zhuqi.example.gov.cn/cases/24/)",
    ]
    hook.flavour = "dingtalk"
    ding = webhook_payload(hook, "新交办事项", "", facts[1:], "/cases/24/")
    assert ding == {
        "msgtype": "markdown",
        "markdown": {
            "title": "助企：新交办事项",
            "text": "### 【助企】新交办事项\n\n**办理时限**：2026-12-06 17:30\n\n"
            "[查看详情](https://zhuqi.example.gov.cn/cases/24/)",
        },
    }
    assert markdown_escaped("12. 项") == "12． 项"
    assert markdown_escaped("## 标题 #3") == "＃＃ 标题 #3"


def test_a_relative_link_is_never_sent_and_zhuqi_base_url_overrides(settings) -> None:
    hook = Webhook(flavour="wecom", url="https://x/send?key=K", site_url="")
    content = webhook_payload(hook, "通知", "", [], "/cases/24/")["markdown"]["content"]
    assert content == "### 【助企】通知" and "/cases/24/" not in content
    settings.ZHUQI_BASE_URL = "https://gov.example.cn"
    hook.site_url = SITE
    content = webhook_payload(hook, "通知", "", [], "/cases/24/")["markdown"]["content"]
    assert content.endswith("[查看详情](https://gov.example.cn/cases/24/)")


def test_wecom_content_stays_under_its_4096_bytes(cast) -> None:
    hook = Webhook(flavour="wecom", url="https://x/send?key=K", site_url=SITE)
    content = webhook_payload(hook, "长" * 200, "很长的内容" * 400, [("企业", "名" * 300)] * 12, "/cases/1/")
    text = content["markdown"]["content"]
    assert len(text.encode()) <= 4096 and text.endswith("(https://zhuqi.example.gov.cn/cases/1/)")


def test_the_sweeps_reminder_names_the_enterprise_department_and_deadline(cast, finance) -> None:
    with LocalRobot() as robot:
        _robot(cast, robot.url, flavour="wecom", secret="")
        case = _assigned(cast, finance)
        OutboxMessage.objects.all().delete()
        deadline = timezone.localtime(case.deadline).date()
        nine = datetime.datetime.combine(
            WorkingCalendar().next_workday(deadline), datetime.time(9), tzinfo=SHANGHAI
        )
        sweep(now=nine)
        message = OutboxMessage.objects.get(subject__startswith="【催办】")
        assert dict(message.facts)["企业"] == "联晟新材料有限公司"
        assert dict(message.facts)["牵头部门"] == "霍林郭勒市工业和信息化局"
        assert dict(message.facts)["办理时限"] == deadline_text(case.deadline)
        assert send_pending(now=nine)["sent"] == 1
    content = robot.received[0]["markdown"]["content"]
    assert content.startswith("### 【助企】【催办】流动资金贷款到期续贷困难\n逾期 1 个工作日")
    assert f"(https://zhuqi.example.gov.cn/cases/{case.pk}/)" in content


def test_a_disabled_robot_gets_nothing_and_what_waited_is_not_sent(cast, dingtalk) -> None:
    webhook = _robot(cast, dingtalk.url)
    services.notify(recipients=[], title="一", departments=[cast.handler.department])
    webhook = services.webhook_set_active(
        actor=cast.admin, webhook_id=webhook.pk, is_active=False, expected_version=webhook.version
    )
    assert OutboxMessage.objects.get().state == OutboxMessage.State.CANCELLED
    services.notify(recipients=[], title="二", departments=[cast.handler.department])
    assert OutboxMessage.objects.count() == 1
    entry = AuditEntry.objects.filter(content_type__model="webhook").latest("id")
    assert entry.changes["is_active"] == [True, False] and entry.changes["cancelled_messages"] == [0, 1]
    # Disabled between queueing and sending: cancelled when its turn comes, not sent.
    webhook = services.webhook_set_active(
        actor=cast.admin, webhook_id=webhook.pk, is_active=True, expected_version=webhook.version
    )
    services.notify(recipients=[], title="三", departments=[cast.handler.department])
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False)
    assert send_pending() == {"sent": 0, "retrying": 0, "failed": 0}
    assert dingtalk.received == []
    assert not OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).exists()


def test_testing_a_robot_sends_now_and_says_what_the_platform_answered(cast, dingtalk) -> None:
    webhook = _robot(cast, dingtalk.url)
    outcome = services.webhook_test(actor=cast.coordinator, webhook_id=webhook.pk)
    assert outcome.ok and json.loads(outcome.answer) == {"errcode": 0, "errmsg": "ok"}
    text = dingtalk.received[0]["markdown"]["text"]
    assert "测试消息" in text and "**机器人**：工信局工作群" in text
    assert text.endswith("[查看详情](https://zhuqi.example.gov.cn/)")
    webhook.refresh_from_db()
    assert webhook.last_success_at is not None
    # Nothing queued, nothing audited: a test changes no one's work.
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="webhook").exists()

    Webhook.objects.filter(pk=webhook.pk).update(secret="SEC" + "1" * 64)
    outcome = services.webhook_test(actor=cast.admin, webhook_id=webhook.pk)
    assert not outcome.ok and "310000" in outcome.answer and "local-token" not in outcome.answer
    webhook.refresh_from_db()
    assert webhook.last_failure_at is not None and "sign not match" in webhook.last_error


def test_the_secret_is_kept_masked_and_only_for_dingtalk(cast) -> None:
    webhook = services.webhook_save(
        actor=cast.admin,
        name="钉钉群",
        flavour="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=TOKEN123",
        secret=SECRET,
        site_url="https://zhuqi.example.gov.cn",
        department_id=cast.handler.department_id,
    )
    assert webhook.secret == SECRET and webhook.site_url == SITE
    entry = AuditEntry.objects.get(content_type__model="webhook")
    assert SECRET not in json.dumps(entry.changes, ensure_ascii=False)
    assert "TOKEN123" not in json.dumps(entry.changes, ensure_ascii=False)
    assert entry.changes["secret"] == [None, "SEC******a1b2"]
    # Kept when not given, removed with "".
    webhook = services.webhook_save(
        actor=cast.admin,
        webhook_id=webhook.pk,
        expected_version=webhook.version,
        name="钉钉群2",
        flavour="dingtalk",
        url=None,
        site_url=SITE,
        department_id=cast.handler.department_id,
    )
    assert webhook.secret == SECRET and webhook.url.endswith("TOKEN123")
    errors = {}
    try:
        services.webhook_save(
            actor=cast.admin,
            name="企业微信群",
            flavour="wecom",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
            secret="SECabc",
            site_url="javascript:alert(1)",
            region_code="150581",
        )
    except ValidationFailed as error:
        errors = {e.field: e.message for e in error.errors}
    assert errors == {
        "secret": "只有钉钉机器人使用加签密钥",
        "site_url": "应为 http:// 或 https:// 开头的平台地址，如 https://zhuqi.example.gov.cn/",
    }


def test_coordinators_manage_their_jurisdictions_robots_only(cast) -> None:
    ours = services.webhook_save(
        actor=cast.coordinator,
        name="本市营商办群",
        flavour="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
        site_url=SITE,
        region_code="150581",
    )
    assert ours.region_id == "150581"
    with pytest.raises(ValidationFailed) as refused:
        services.webhook_save(
            actor=cast.coordinator,
            name="大同群",
            flavour="wecom",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
            site_url=SITE,
            region_code="140200",
        )
    assert refused.value.errors[0].message == "该地区不在您的辖区内"
    theirs = services.webhook_save(
        actor=cast.outsider,
        name="大同群",
        flavour="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
        site_url=SITE,
        region_code="140200",
    )
    with pytest.raises(NotFound):
        services.webhook_set_active(
            actor=cast.coordinator, webhook_id=theirs.pk, is_active=False, expected_version=theirs.version
        )
    with pytest.raises(PermissionDenied):
        services.webhook_test(actor=cast.handler, webhook_id=ours.pk)


def test_a_notice_whose_title_does_not_name_the_case_says_it_underneath(cast, finance) -> None:
    case = file_demand(cast, finance)
    notify_enterprise(case, "您的诉求已并入 #1《另一件诉求》一并办理")
    notice = Notice.objects.filter(recipient=cast.enterprise_user).latest("id")
    assert notice.body.startswith("流动资金贷款到期续贷困难\n类型：诉求 #")
    notify_enterprise(case, f"您的诉求已受理：{case.title}")
    notice = Notice.objects.filter(recipient=cast.enterprise_user).latest("id")
    assert notice.body.startswith("类型：诉求 #") and "流动资金贷款到期续贷困难" not in notice.body


def test_a_coordinator_points_robots_only_at_the_robot_platforms(cast, settings) -> None:
    """Coordinators manage robots now, and the test button shows what the address answered: an
    address anywhere would let them make the server post to, and read, the intranet (SSRF). They
    may use WeCom's and DingTalk's robot hosts (ZHUQI_ROBOT_HOSTS); an admin may use any."""
    settings.ZHUQI_ROBOT_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
    for url in (
        "http://127.0.0.1:8000/api/v1/accounts",
        "http://169.254.169.254/latest/meta-data/",
        "https://qyapi.weixin.qq.com@10.0.0.5/cgi-bin/webhook/send?key=K",
        "https://oapi.dingtalk.com.example.net/robot/send?access_token=T",
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.webhook_save(
                actor=cast.coordinator,
                name="群",
                flavour="json",
                url=url,
                site_url=SITE,
                region_code="150581",
            )
        assert [e.field for e in refused.value.errors] == ["url"], url
    ours = services.webhook_save(
        actor=cast.coordinator,
        name="群",
        flavour="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=T",
        site_url=SITE,
        region_code="150581",
    )
    # Changing it keeps the rule; keeping the address (None) is not a change of where it points.
    with pytest.raises(ValidationFailed):
        services.webhook_save(
            actor=cast.coordinator,
            webhook_id=ours.pk,
            expected_version=ours.version,
            name="群",
            flavour="json",
            url="http://10.0.0.5/",
            site_url=SITE,
            region_code="150581",
        )
    services.webhook_save(
        actor=cast.coordinator,
        webhook_id=ours.pk,
        expected_version=ours.version,
        name="群改名",
        flavour="dingtalk",
        url=None,
        site_url=SITE,
        region_code="150581",
    )
    # An admin configures the server: an intranet relay is theirs to set.
    services.webhook_save(
        actor=cast.admin,
        name="内网中转",
        flavour="json",
        url="http://10.0.0.5/relay",
        site_url=SITE,
        region_code="150581",
    )


def test_a_robot_that_redirects_is_not_followed(cast) -> None:
    """A robot address answering with a redirect would take the server elsewhere (urllib turns a
    POST redirected into a GET of the new address): a robot never redirects, so it is a failure."""
    with LocalRobot() as target, LocalRobot() as robot:
        robot.answer_override = b""
        robot.redirect_to = target.url
        webhook = _robot(cast, robot.url, flavour="wecom", secret="")
        outcome = services.webhook_test(actor=cast.admin, webhook_id=webhook.pk)
    assert outcome.ok is False and "302" in outcome.answer
    assert target.received == [] and target.hits == 0
