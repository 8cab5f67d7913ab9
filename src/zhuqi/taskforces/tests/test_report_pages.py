"""The reporting pages through the test client, as an enterprise and its liaison officer use
them: 我的报送, the report form (registry values not asked, the previous period offered, the
service's refusals beside the question), the page saying it was received, corrections, and an
enterprise's history in a campaign."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases.models import Case, Urgency
from zhuqi.core.periods import Period
from zhuqi.directory.models import User
from zhuqi.taskforces import services
from zhuqi.taskforces.models import Campaign, CampaignReport, CampaignStatus
from zhuqi.taskforces.services import ReportData
from zhuqi.taskforces.tests import scene
from zhuqi.testing.factories import AssignmentFactory, Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_url(made: Campaign, enterprise_id: int, **query: str) -> str:
    url = f"/task-forces/reporting/{made.pk}/{enterprise_id}/"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def day_key(days_ago: int) -> str:
    return (scene.today() - datetime.timedelta(days=days_ago)).isoformat()


def test_my_reporting_lists_the_campaign_with_this_periods_deadline_and_state(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = client_for(cast.enterprise_user)
    page = client.get("/task-forces/reporting/").content.decode()
    today = scene.today()
    assert "复工复产专项行动" in page
    assert f"{today.year}年{today.month}月{today.day}日" in page
    # The deadline: due_days=1 at 18:00, written as 12月7日 18:00.
    due = today + datetime.timedelta(days=1)
    assert f"{due.month}月{due.day}日 18:00" in page
    assert 'data-testid="reporting-state">待报送' in page
    # Ten earlier days not reported.
    assert "此前 10 期未报" in page
    scene.report(cast, made)
    page = client.get("/task-forces/reporting/").content.decode()
    assert 'data-testid="reporting-state">已报送' in page
    assert cast.neighbour.name not in page


def test_a_period_past_its_deadline_is_late_on_my_reporting(cast: Cast) -> None:
    scene.campaign(cast, due_days=0, due_time=datetime.time(0, 0))
    page = client_for(cast.enterprise_user).get("/task-forces/reporting/").content.decode()
    assert 'data-testid="reporting-state">逾期' in page


def test_a_liaison_sees_each_assigned_enterprise_and_the_list_costs_the_same_for_more(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = client_for(cast.liaison)
    page = client.get("/task-forces/reporting/").content.decode()
    assert cast.home.name in page and cast.neighbour.name not in page
    with CaptureQueriesContext(connection) as few:
        client.get("/task-forces/reporting/")
    for index in range(4):
        other = EnterpriseFactory(name=f"霍林郭勒包联企业{index}有限公司", region=cast.home.region)
        AssignmentFactory(official=cast.liaison.official, enterprise=other)
        services.campaign_enrol(actor=cast.coordinator, campaign_id=made.pk, enterprise_ids=[other.pk])
    scene.report(cast, made, actor=cast.liaison)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/task-forces/reporting/").content.decode()
    assert page.count('data-testid="reporting-row"') == 5
    assert len(many) == len(few)


def test_the_workbench_shows_the_reporting_panel(cast: Cast) -> None:
    scene.campaign(cast)
    page = client_for(cast.enterprise_user).get("/").content.decode()
    assert 'data-testid="reporting-panel"' in page
    assert "专项行动报送" in page and "待报送" in page
    page = client_for(cast.coordinator).get("/").content.decode()
    assert 'data-testid="reporting-panel"' not in page


def test_a_liaisons_workbench_counts_each_campaigns_enterprises(cast: Cast) -> None:
    made = scene.campaign(cast)
    other = EnterpriseFactory(name="霍林郭勒包联企业有限公司", region=cast.home.region)
    AssignmentFactory(official=cast.liaison.official, enterprise=other)
    services.campaign_enrol(actor=cast.coordinator, campaign_id=made.pk, enterprise_ids=[other.pk])
    scene.report(cast, made, actor=cast.liaison)
    page = client_for(cast.liaison).get("/").content.decode()
    row = re.search(r'data-testid="reporting-panel-row">(.*?)</li>', page, re.S)
    assert row is not None
    assert "复工复产专项行动" in row.group(1) and "已报 1/2 家" in row.group(1) and "待报送 1" in row.group(1)


def test_the_form_asks_what_the_registry_does_not_know(cast: Cast) -> None:
    made = scene.campaign(cast)
    page = client_for(cast.enterprise_user).get(form_url(made, cast.home.pk)).content.decode()
    # Choices as radio buttons, numbers with unit and bounds, the difficulty's help.
    for choice in ("未复工", "部分复工", "全面复工"):
        assert f'value="{choice}"' in page
    assert 'type="radio" name="v_status"' in page
    assert "0–200,000 人" in page and "0–150 %" in page
    assert "填写后转为诉求事项，由专班分派办理" in page
    assert "（本行动的诉求日清日结）" in page
    # 应到人数 comes from the registry (从业人员 120): shown, not asked.
    assert 'name="v_staff_expected"' not in page
    field = re.search(r'data-testid="field-staff_expected">(.*?)</div>', page, re.S)
    assert field is not None and "120" in field.group(1) and "登记值" in field.group(1)


def test_a_report_with_a_difficulty_is_received_with_its_same_day_case(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = client_for(cast.enterprise_user)
    answer = client.post(
        form_url(made, cast.home.pk),
        {
            "period": day_key(0),
            "v_status": "部分复工",
            "v_staff_present": "1,00",
            "v_capacity": "60",
            "v_output": "",
            "v_difficulty": "原料运输受阻，物流车辆进不来",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/received/?period={day_key(0)}")
    report = CampaignReport.objects.get()
    assert (report.status_value, report.staff_present, report.staff_expected) == ("部分复工", 100, 120)
    case = Case.objects.get(pk=report.case_id)
    assert case.urgency == Urgency.SAME_DAY
    page = client.get(answer["Location"]).content.decode()
    assert "已收到报送" in page and 'data-testid="report-on-time"' in page
    assert f'href="/cases/{case.pk}/"' in page and f"#{case.pk}" in page and "日清日结" in page


def test_refusals_are_put_beside_the_question_and_nothing_is_written(cast: Cast) -> None:
    made = scene.campaign(cast)
    answer = client_for(cast.enterprise_user).post(
        form_url(made, cast.home.pk),
        {"period": day_key(0), "v_status": "", "v_capacity": "180", "v_staff_present": "8.5"},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    for key, words in (("status", "必填"), ("capacity", "超出范围"), ("staff_present", "应为整数")):
        error = re.search(rf'data-testid="error-{key}">([^<]*)<', page)
        assert error is not None and words in error.group(1), key
    # What was typed stays in the boxes.
    assert 'value="180"' in page and 'value="8.5"' in page
    assert not CampaignReport.objects.exists()


def test_the_previous_periods_values_are_offered_but_not_its_difficulty(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(
        cast,
        made,
        day=scene.today() - datetime.timedelta(days=1),
        status="部分复工",
        staff_present=77,
        capacity="55.5",
        difficulty="返岗用工不足",
    )
    page = client_for(cast.enterprise_user).get(form_url(made, cast.home.pk)).content.decode()
    assert 'data-testid="report-prefilled"' in page
    assert re.search(r'value="部分复工" checked', page)
    assert 'value="77"' in page and 'value="55.5"' in page
    assert "返岗用工不足" not in page


def test_earlier_unreported_periods_are_offered_future_ones_refused(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, day=scene.today() - datetime.timedelta(days=2))
    client = client_for(cast.enterprise_user)
    page = client.get(form_url(made, cast.home.pk)).content.decode()
    options = re.findall(r'<option value="([\d-]+)"', page)
    assert options[0] == day_key(0) and day_key(1) in options and day_key(3) in options
    assert day_key(2) not in options  # reported already
    assert len(options) == 10  # today and nine earlier days not reported
    tomorrow = (scene.today() + datetime.timedelta(days=1)).isoformat()
    page = client.get(form_url(made, cast.home.pk, period=tomorrow), follow=True).content.decode()
    assert "还未开始，不能报送" in page
    assert f'name="period" value="{day_key(0)}"' in page
    # A late report says so before and after.
    page = client.get(form_url(made, cast.home.pk, period=day_key(3))).content.decode()
    assert "现在报送记为逾期" in page
    answer = client.post(
        form_url(made, cast.home.pk), {"period": day_key(3), "v_status": "未复工"}, follow=True
    )
    assert 'data-testid="report-late"' in answer.content.decode()


def test_a_second_submit_shows_the_report_and_a_correction_replaces_it(cast: Cast) -> None:
    made = scene.campaign(cast)
    report = scene.report(cast, made, status="部分复工", staff_present=60)
    client = client_for(cast.enterprise_user)
    # The form of a reported period: the report and 更正.
    page = client.get(form_url(made, cast.home.pk)).content.decode()
    assert 'data-testid="report-shown"' in page and 'data-testid="report-correct"' in page
    assert 'name="v_status"' not in page
    # A second submit (a second tab, the back button) is shown the report, nothing changes.
    answer = client.post(form_url(made, cast.home.pk), {"period": day_key(0), "v_status": "全面复工"})
    page = answer.content.decode()
    assert "已报送；如需修改，请点“更正”" in page and 'data-testid="report-correct"' in page
    report.refresh_from_db()
    assert (report.status_value, report.corrections) == ("部分复工", 0)
    # 更正: the form holds the report's values, the version and says it is a correction.
    page = client.get(form_url(made, cast.home.pk, period=day_key(0), correct="1")).content.decode()
    assert 'data-testid="report-correcting"' in page and 'value="60"' in page
    assert 'name="correction" value="1"' in page and 'name="version" value="1"' in page
    answer = client.post(
        form_url(made, cast.home.pk),
        {
            "period": day_key(0),
            "correction": "1",
            "version": "1",
            "v_status": "全面复工",
            "v_staff_present": "60",
        },
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.status_value, report.corrections, report.version) == ("全面复工", 1, 2)
    page = client.get(answer["Location"]).content.decode()
    assert "已更正 1 次" in page
    # A correction from a stale page is refused, saying so.
    answer = client.post(
        form_url(made, cast.home.pk),
        {"period": day_key(0), "correction": "1", "version": "1", "v_status": "未复工"},
        follow=True,
    )
    assert "已被修改" in answer.content.decode() or "已被他人修改" in answer.content.decode()
    report.refresh_from_db()
    assert report.status_value == "全面复工"


def test_the_history_lists_periods_reports_late_corrections_and_cases(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, status="部分复工", staff_present=50, difficulty="物流运输受阻")
    late = scene.report(cast, made, day=scene.today() - datetime.timedelta(days=3), status="未复工")
    services.report_submit(
        actor=cast.enterprise_user,
        campaign_id=made.pk,
        data=ReportData(
            enterprise_id=cast.home.pk,
            period=late.period_key,
            values={"status": "部分复工"},
            correction=True,
            expected_version=1,
        ),
    )
    page = (
        client_for(cast.liaison)
        .get(f"/task-forces/reporting/{made.pk}/{cast.home.pk}/history/")
        .content.decode()
    )
    rows = re.findall(r'<tr data-testid="history-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 11  # today and the ten days before
    assert "已报送" in rows[0] and "#" in rows[0] and "50" in rows[0]
    # Two days ago, not reported: past its deadline (the day after, 18:00) whatever the hour now;
    # yesterday's is late only after 18:00 today.
    assert "逾期" in rows[2]
    assert "history-late" in rows[3] and ">1<" in rows[3]


def test_who_sees_the_pages(cast: Cast) -> None:
    made = scene.campaign(cast)
    # Not the enterprise's own, not assigned, not seen: 404, as for a campaign that does not exist.
    assert client_for(cast.enterprise_user).get(form_url(made, cast.neighbour.pk)).status_code == 404
    assert client_for(cast.liaison).get(form_url(made, cast.neighbour.pk)).status_code == 404
    assert client_for(cast.outsider).get(form_url(made, cast.home.pk)).status_code == 404
    assert client_for(cast.enterprise_user).get(form_url(made, cast.tongliao.pk)).status_code == 404
    missing = f"/task-forces/reporting/987654321/{cast.home.pk}/"
    assert client_for(cast.enterprise_user).get(missing).status_code == 404
    # The leader sees the campaign's enterprises but does not report for them.
    assert client_for(cast.leader).get(form_url(made, cast.home.pk)).status_code == 403
    history = f"/task-forces/reporting/{made.pk}/{cast.home.pk}/history/"
    assert client_for(cast.leader).get(history).status_code == 200
    assert client_for(cast.outsider).get(history).status_code == 404
    # A POST out of scope writes nothing.
    answer = client_for(cast.liaison).post(
        form_url(made, cast.neighbour.pk), {"period": day_key(0), "v_status": "全面复工"}
    )
    assert answer.status_code == 404 and not CampaignReport.objects.exists()


def test_an_ended_campaign_takes_no_report(cast: Cast) -> None:
    made = scene.campaign(cast)
    Campaign.objects.filter(pk=made.pk).update(status=CampaignStatus.ENDED)
    client = client_for(cast.enterprise_user)
    page = client.get(form_url(made, cast.home.pk)).content.decode()
    assert "专项行动已结束，不再接受报送" in page and 'data-testid="report-form"' not in page
    answer = client.post(form_url(made, cast.home.pk), {"period": day_key(0), "v_status": "全面复工"})
    assert answer.status_code == 200 and not CampaignReport.objects.exists()


def test_a_campaign_not_yet_started_says_when(cast: Cast) -> None:
    made = scene.campaign(cast, starts_on=scene.today() + datetime.timedelta(days=3))
    page = client_for(cast.enterprise_user).get(form_url(made, cast.home.pk)).content.decode()
    assert 'data-testid="report-not-started"' in page
    page = client_for(cast.enterprise_user).get("/task-forces/reporting/").content.decode()
    assert "未开始" in page


def test_a_weekly_campaigns_period_is_the_week(cast: Cast) -> None:
    made = scene.campaign(cast, cadence="weekly", due_days=2)
    page = client_for(cast.enterprise_user).get(form_url(made, cast.home.pk)).content.decode()
    week = Period.containing("week", timezone.localdate())
    assert week.label in page
    due = week.end + datetime.timedelta(days=2)
    assert f"{due.month}月{due.day}日 18:00" in page


# What differs between two answers of the same page (as core/tests/test_scope_sweep.py has it).
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r'"X-CSRFToken": "[^"]*"'),
]


def _normalised(text: str, url: str) -> str:
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    return text.replace(url, "URL")


def test_a_far_campaign_answers_as_a_missing_one(cast: Cast) -> None:
    """As core/tests/test_scope_sweep.py asks of every route: Datong's campaign over a Datong
    enterprise, asked for from Huolinguole, answers exactly as ids that name nothing."""
    force = services.task_force_create(
        actor=cast.admin,
        data=services.TaskForceData(name="大同专班", region_code="140200", starts_on=scene.today()),
    )
    far = services.campaign_create(
        actor=cast.admin,
        data=services.CampaignData(
            task_force_id=force.pk, name="远方行动", kind="resumption", starts_on=scene.today()
        ),
    )
    services.campaign_enrol(actor=cast.admin, campaign_id=far.pk, enterprise_ids=[cast.datong.pk])
    routes = [
        "/task-forces/reporting/{c}/{e}/",
        "/task-forces/reporting/{c}/{e}/received/",
        "/task-forces/reporting/{c}/{e}/history/",
    ]
    for user in (cast.enterprise_user, cast.liaison, cast.handler, cast.coordinator):
        client = client_for(user)
        for route in routes:
            for method in ("get", "post"):
                answers = []
                for c, e in ((far.pk, cast.datong.pk), (987654321, 987654322)):
                    url = route.format(c=c, e=e)
                    answer = getattr(client, method)(url, {"period": day_key(0), "v_status": "全面复工"})
                    answers.append((answer.status_code, _normalised(answer.content.decode(), url)))
                assert answers[0][0] in (404, 405), (user.username, route, method)
                assert answers[0] == answers[1], (user.username, route, method)
    assert not CampaignReport.objects.exists()
