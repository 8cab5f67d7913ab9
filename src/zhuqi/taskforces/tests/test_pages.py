"""The office's task force and campaign pages as people use them: the coordinator sets up a task
force with its leaders and member departments as rows, starts a campaign whose report form is a
table of items, adds enterprises by hand and by rule, reads the board (rates with their
definitions, drill-down into a county, by department, the trend and its table), the
enterprises' reports for a period and one enterprise's history; oversight reads, only the office
writes, and whoever cannot see a task force gets 404."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.core.periods import Period
from zhuqi.directory.models import User
from zhuqi.taskforces import services
from zhuqi.taskforces.models import Campaign, CampaignEnterprise, MemberRole, TaskForce
from zhuqi.taskforces.tests import scene
from zhuqi.testing.factories import Cast, DepartmentFactory, EnterpriseFactory, OfficialFactory, PostFactory
from zhuqi.visits import services as visit_services
from zhuqi.visits.services import Attendance, VisitData

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags, attributes, scripts and JSON."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def messages_of(response: Any) -> str:
    return " ".join(re.findall(r"<li class=\"[^\"]*\">(.*?)</li>", response.content.decode(), re.S))


def _task_force_post(cast: Cast, leader: Any, **overrides: str) -> dict[str, str]:
    data = {
        "name": "企业复工复产工作专班",
        "region": "150581",
        "lead_department": str(cast.handler.department_id),
        "starts_on": scene.today().isoformat(),
        "purpose": "深入一线服务企业，问题日清日结",
        "member-0-role": "leader",
        "member-0-official": str(leader.pk),
        "member-0-title": "市委副书记、市长",
        "member-1-role": "member",
        "member-1-official": "",
        "member-1-title": "",
        "member-1-department": "",
        "member-2-role": "member",
        "member-2-department": str(cast.handler.department_id),
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Who opens the pages


def test_the_menu_offers_task_forces_to_the_office_and_oversight_only(cast: Cast) -> None:
    for user in (cast.coordinator, cast.leader, cast.handler, cast.auditor, cast.admin):
        client = client_for(user)
        assert 'data-testid="nav-task-forces"' in client.get("/").content.decode(), user.role
        assert client.get("/task-forces/").status_code == 200, user.role
    for user in (cast.liaison, cast.enterprise_user):
        client = client_for(user)
        assert 'data-testid="nav-task-forces"' not in client.get("/").content.decode(), user.role
        assert client.get("/task-forces/").status_code == 403, user.role


def test_only_the_office_opens_the_forms_and_outsiders_get_404(cast: Cast) -> None:
    made = scene.campaign(cast)
    force = made.task_force
    handler = client_for(cast.handler)  # serves on it: reads, does not keep
    assert handler.get(f"/task-forces/{force.pk}/").status_code == 200
    assert handler.get(f"/task-forces/campaigns/{made.pk}/").status_code == 200
    for url in (
        "/task-forces/new/",
        f"/task-forces/{force.pk}/edit/",
        f"/task-forces/{force.pk}/campaigns/new/",
        f"/task-forces/campaigns/{made.pk}/edit/",
        f"/task-forces/campaigns/{made.pk}/enterprises/add/",
    ):
        assert handler.get(url).status_code == 403, url
    assert (
        handler.post(f"/task-forces/campaigns/{made.pk}/enterprises/{cast.home.pk}/remove/").status_code
        == 403
    )
    assert CampaignEnterprise.objects.filter(campaign=made).count() == 2
    outsider = client_for(cast.outsider)  # Datong's office
    for url in (
        f"/task-forces/{force.pk}/",
        f"/task-forces/{force.pk}/edit/",
        f"/task-forces/campaigns/{made.pk}/",
        f"/task-forces/campaigns/{made.pk}/enterprises/",
        f"/task-forces/campaigns/{made.pk}/enterprises/{cast.home.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert "企业复工复产工作专班" not in outsider.get("/task-forces/").content.decode()


# ---------------------------------------------------------------------------------------------
# Task forces


def test_the_office_sets_up_a_task_force_with_its_members_as_rows(cast: Cast) -> None:
    leader = OfficialFactory(name="卢东亮")
    client = client_for(cast.coordinator)
    assert 'data-testid="member-row"' in client.get("/task-forces/new/").content.decode()
    saved = client.post("/task-forces/new/", _task_force_post(cast, leader))
    assert saved.status_code == 302, messages_of(saved)
    force = TaskForce.objects.get(name="企业复工复产工作专班")
    members = list(force.members.order_by("order"))
    assert [(m.role, m.official_id, m.title, m.department_id) for m in members] == [
        (MemberRole.LEADER, leader.pk, "市委副书记、市长", None),
        (MemberRole.MEMBER, None, "", cast.handler.department_id),
    ]
    page = client.get(saved["Location"]).content.decode()
    leaders = page.split('data-testid="leaders"', 1)[1].split("</section>", 1)[0]
    assert "卢东亮" in leaders and "市委副书记、市长" in leaders and "组长" in leaders
    assert "霍林郭勒市工业和信息化局" in page.split('data-testid="member-departments"', 1)[1]
    assert (
        client.get("/task-forces/?status=active").content.decode().count('data-testid="task-force-row"') == 1
    )
    assert 'data-testid="task-force-row"' not in client.get("/task-forces/?status=dissolved").content.decode()
    assert 'data-testid="task-force-row"' not in client.get("/task-forces/?region=150502").content.decode()

    # Editing: the rows come back filled; a stale version is refused, a fresh one saved.
    form = client.get(f"/task-forces/{force.pk}/edit/").content.decode()
    assert 'value="市委副书记、市长"' in form and "卢东亮" in form
    deputy = OfficialFactory(name="王明厚")
    changed = _task_force_post(
        cast, leader, version="1", **{"member-3-role": "deputy", "member-3-official": str(deputy.pk)}
    )
    changed["status"] = "active"
    assert client.post(f"/task-forces/{force.pk}/edit/", changed).status_code == 302
    assert force.members.filter(official=deputy, role=MemberRole.DEPUTY).exists()
    stale = client.post(f"/task-forces/{force.pk}/edit/", changed)
    assert stale.status_code == 200 and force.members.count() == 3


def test_a_refused_member_is_named_on_its_own_row(cast: Cast) -> None:
    leader = OfficialFactory(name="卢东亮")
    client = client_for(cast.coordinator)
    # Row 1 is empty (left out), so the service's members[2] is the page's row 3.
    post = _task_force_post(
        cast,
        leader,
        **{"member-3-role": "member", "member-3-official": str(leader.pk), "member-3-title": "又一次"},
    )
    page = client.post("/task-forces/new/", post)
    assert page.status_code == 200 and not TaskForce.objects.exists()
    html = page.content.decode()
    rows = html.split('data-testid="member-row"')[1:]
    assert "卢东亮已在专班中" in rows[3]
    assert "已在专班中" not in rows[0] + rows[1] + rows[2]
    # No leader at all: said above the rows; a region outside the jurisdiction beside its box.
    post = _task_force_post(cast, leader, region="140200", **{"member-0-role": "member"})
    html = client.post("/task-forces/new/", post).content.decode()
    assert 'data-testid="members-error">请指定专班组长' in html
    assert (
        "不在您的管辖范围内"
        in html.split('id="id_region_search"', 1)[1].split("id_lead_department_search", 1)[0]
    )


def test_one_more_member_row_comes_with_the_next_adder(cast: Cast) -> None:
    html = client_for(cast.coordinator).get("/task-forces/member-row/?index=4").content.decode()
    assert 'name="member-4-role"' in html and 'name="member-4-title"' in html
    assert "/task-forces/member-row/?index=5" in html


def test_the_task_force_page_shows_enterprises_last_reports_open_cases_and_member_visits(cast: Cast) -> None:
    made = scene.campaign(cast)
    force = made.task_force
    earlier = scene.today() - datetime.timedelta(days=2)
    scene.report(cast, made, day=earlier, status="部分复工")
    scene.report(cast, made, status="全面复工", staff_present=95, difficulty="原料运输受阻，物流车辆进不来")
    leader = force.members.get(role=MemberRole.LEADER).official
    PostFactory(official=leader, department=cast.handler.department, title="市长")
    visit_services.visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="inspection",
            title="卢东亮到联晟新材料调研复工复产",
            start_date=earlier,
            lead_official_ids=[leader.pk],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
    )
    stranger = OfficialFactory(name="路人甲")
    PostFactory(official=stranger, department=cast.handler.department, title="副局长")
    visit_services.visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="inspection",
            title="路人甲到锦联铝材",
            start_date=earlier,
            lead_official_ids=[stranger.pk],
            attendance=[Attendance(enterprise_id=cast.neighbour.pk)],
        ),
    )
    html = client_for(cast.coordinator).get(f"/task-forces/{force.pk}/").content.decode()
    served = html.split('data-testid="served-enterprises"', 1)[1].split("</table>", 1)[0]
    home = next(row for row in served.split('data-testid="served-enterprise"')[1:] if "联晟新材料" in row)
    assert Period.containing("day", scene.today()).label in home and "全面复工" in home
    assert "原料运输受阻" in home and "日清日结" in home
    neighbour = next(row for row in served.split('data-testid="served-enterprise"')[1:] if "锦联铝材" in row)
    assert "尚未报送" in neighbour
    visits = html.split('data-testid="member-visits"', 1)[1].split("</table>", 1)[0]
    assert "卢东亮到联晟新材料调研复工复产" in visits and "路人甲" not in visits
    assert 'data-testid="campaign-row"' in html and "复工复产专项行动" in html
    assert not ISO_DATE.search(text_of(html))


# ---------------------------------------------------------------------------------------------
# Campaigns: the form


def _campaign_post(**overrides: str) -> dict[str, str]:
    from zhuqi.taskforces.forms import rows_of_form
    from zhuqi.taskforces.reportforms import STARTING_FORMS

    data = {
        "name": "复工复产专项行动",
        "kind": "resumption",
        "cadence": "daily",
        "starts_on": (scene.today() - datetime.timedelta(days=5)).isoformat(),
        "due_days": "0",
        "due_time": "18:00",
        "same_day": "on",
    }
    for row in rows_of_form(STARTING_FORMS["resumption"]):
        for part, value in row.values.items():
            if part == "required":
                if value:
                    data[f"f-{row.index}-required"] = "on"
            else:
                data[f"f-{row.index}-{part}"] = str(value)
    data.update(overrides)
    return data


def test_the_office_starts_a_campaign_from_its_kinds_form_and_changes_an_item(cast: Cast) -> None:
    force = scene.task_force(cast)
    client = client_for(cast.coordinator)
    form = client.get(f"/task-forces/{force.pk}/campaigns/new/").content.decode()
    assert form.count('data-testid="form-row"') == 7  # six items of 复工复产 and an empty one
    assert 'value="未复工、部分复工、全面复工"' in form
    post = _campaign_post(
        **{
            "f-3-max": "120",  # 产能利用率 up to 120 %
            "f-4-remove": "on",  # 当期产值 dropped
            "f-6-label": "订单情况",  # a new item
            "f-6-kind": "choice",
            "f-6-choices": "充足、一般、不足",
        }
    )
    saved = client.post(f"/task-forces/{force.pk}/campaigns/new/", post)
    assert saved.status_code == 302, messages_of(saved)
    made = Campaign.objects.get(name="复工复产专项行动")
    assert saved["Location"] == f"/task-forces/campaigns/{made.pk}/enterprises/add/"
    items = {item["key"]: item for item in made.report_form}
    assert items["capacity"]["max"] == 120 and "output" not in items
    assert items["item_1"] == {
        "key": "item_1",
        "label": "订单情况",
        "kind": "choice",
        "choices": ["充足", "一般", "不足"],
    }
    assert (made.same_day, made.due_time) == (True, datetime.time(18, 0))
    board = client.get(f"/task-forces/campaigns/{made.pk}/").content.decode()
    table = board.split('data-testid="form-table"', 1)[1].split("</table>", 1)[0]
    assert "订单情况" in table and "充足、一般、不足" in table and "0–120%" in table


def test_a_refused_item_is_named_on_its_row(cast: Cast) -> None:
    force = scene.task_force(cast)
    client = client_for(cast.coordinator)
    # Item 1 (在岗人数) removed: the service's report_form[2] is the page's row 3 (应到人数).
    post = _campaign_post(**{"f-1-remove": "on", "f-2-min": "10", "f-2-max": "5"})
    page = client.post(f"/task-forces/{force.pk}/campaigns/new/", post)
    assert page.status_code == 200 and not Campaign.objects.exists()
    rows = page.content.decode().split('data-testid="form-row"')[1:]
    assert "上限：上限不能小于下限" in rows[2]
    assert "上限不能小于下限" not in "".join(rows[:2] + rows[3:])
    assert 'name="f-1-remove" value="on" checked' in rows[1]  # kept as posted
    # A form with nothing in it is refused above the rows.
    empty = {k: v for k, v in _campaign_post().items() if not k.startswith("f-")}
    html = client.post(f"/task-forces/{force.pk}/campaigns/new/", empty).content.decode()
    assert 'data-testid="form-error">填报表单应至少有一项' in html


def test_choosing_another_kind_offers_its_starting_form(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    html = client.get("/task-forces/campaigns/form-rows/?kind=safety").content.decode()
    assert 'value="未检查、发现隐患整改中、检查合格"' in html and 'value="发现隐患数"' in html
    assert "/task-forces/campaigns/form-row/?index=4" in html
    one = client.get("/task-forces/campaigns/form-row/?index=9").content.decode()
    assert 'name="f-9-label"' in one and "index=10" in one


def test_a_campaign_with_reports_keeps_its_cadence(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made)
    client = client_for(cast.coordinator)
    form = client.get(f"/task-forces/campaigns/{made.pk}/edit/").content.decode()
    assert "已有报送，报送周期不能再改" in form
    post = _campaign_post(cadence="weekly", version="1", status="active")
    post["starts_on"] = made.starts_on.isoformat()
    html = client.post(f"/task-forces/campaigns/{made.pk}/edit/", post).content.decode()
    assert "已有报送，不能改变报送周期" in html
    made.refresh_from_db()
    assert made.cadence == "daily"


# ---------------------------------------------------------------------------------------------
# Campaigns: enterprises


def test_enterprises_join_picked_or_by_rule_and_one_is_taken_out(cast: Cast) -> None:
    made = scene.campaign(cast, enrol=False)
    big = EnterpriseFactory(name="霍林郭勒规上企业有限公司", region=cast.home.region, above_scale=True)
    client = client_for(cast.coordinator)
    page = client.get(f"/task-forces/campaigns/{made.pk}/enterprises/add/").content.decode()
    assert 'data-testid="enrol-picked"' in page and 'data-testid="enrol-rule"' in page
    picked = client.post(
        f"/task-forces/campaigns/{made.pk}/enterprises/add/",
        {
            "enterprises": [str(cast.home.pk), str(cast.neighbour.pk)],
            "department": str(cast.handler.department_id),
        },
        follow=True,
    )
    assert "已加入 2 家企业" in picked.content.decode()
    again = client.post(
        f"/task-forces/campaigns/{made.pk}/enterprises/add/",
        {"enterprises": [str(cast.home.pk), str(big.pk)]},
        follow=True,
    )
    assert "已加入 1 家企业；另有 1 家已在本行动中" in again.content.decode()
    outside = client.post(
        f"/task-forces/campaigns/{made.pk}/enterprises/add/", {"enterprises": [str(cast.tongliao.pk)]}
    )
    assert outside.status_code == 200 and "不存在或不在您的权限范围内" in outside.content.decode()
    none = client.post(f"/task-forces/campaigns/{made.pk}/enterprises/add/", {"rule": "1"})
    assert "请至少给出一个条件" in none.content.decode()
    ruled = client.post(
        f"/task-forces/campaigns/{made.pk}/enterprises/add/", {"rule": "1", "above_scale": "yes"}, follow=True
    )
    assert "条件选中的企业都已在本行动中" in ruled.content.decode()
    assert set(CampaignEnterprise.objects.filter(campaign=made).values_list("enterprise_id", flat=True)) == {
        cast.home.pk,
        cast.neighbour.pk,
        big.pk,
    }
    listed = client.get(f"/task-forces/campaigns/{made.pk}/enterprises/").content.decode()
    assert listed.count('data-testid="campaign-enterprise"') == 3 and 'data-testid="withdraw"' in listed
    client.post(f"/task-forces/campaigns/{made.pk}/enterprises/{big.pk}/remove/")
    assert not CampaignEnterprise.objects.filter(campaign=made, enterprise=big).exists()


def test_the_enterprise_list_shows_each_ones_report_for_the_period(cast: Cast) -> None:
    made = scene.campaign(cast, due_days=2)
    yesterday = scene.today() - datetime.timedelta(days=1)
    long_ago = scene.today() - datetime.timedelta(days=5)
    scene.report(cast, made, day=long_ago, status="部分复工")  # late
    scene.report(cast, made, day=yesterday, status="全面复工")  # due tomorrow
    client = client_for(cast.coordinator)
    url = f"/task-forces/campaigns/{made.pk}/enterprises/"
    day = Period.containing("day", yesterday)
    html = client.get(url, {"period": day.key}).content.decode()
    rows = html.split('data-testid="campaign-enterprise"')[1:]
    home = next(r for r in rows if "联晟新材料" in r)
    neighbour = next(r for r in rows if "锦联铝材" in r)
    assert "全面复工" in home and 'data-testid="late"' not in home
    assert 'data-testid="missing"' in neighbour
    assert f"/task-forces/campaigns/{made.pk}/enterprises/{cast.home.pk}/" in home
    earlier = Period.containing("day", long_ago)
    late = client.get(url, {"period": earlier.key, "report": "late"}).content.decode()
    assert late.count('data-testid="campaign-enterprise"') == 1 and 'data-testid="late"' in late
    missing = client.get(url, {"period": day.key, "report": "missing"}).content.decode()
    assert missing.count('data-testid="campaign-enterprise"') == 1 and "锦联铝材" in missing
    status = client.get(url, {"period": day.key, "status": "部分复工"}).content.decode()
    assert 'data-testid="campaign-enterprise"' not in status
    future = client.get(url, {"period": (scene.today() + datetime.timedelta(days=3)).isoformat()})
    assert "还未开始" in future.content.decode()
    assert not ISO_DATE.search(text_of(html))


def test_an_enterprises_history_lists_every_period_the_missing_ones_said(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, status="部分复工", staff_present=80, capacity="65.5", difficulty="返岗用工不足")
    html = (
        client_for(cast.coordinator)
        .get(f"/task-forces/campaigns/{made.pk}/enterprises/{cast.home.pk}/")
        .content.decode()
    )
    rows = html.split('data-testid="history-row"')[1:]
    assert len(rows) == 11  # ten days ago to today
    assert Period.containing("day", scene.today()).label in rows[0]
    assert "部分复工" in rows[0] and "65.5%" in rows[0] and "返岗用工不足" in rows[0]
    assert all('data-testid="history-missing"' in row for row in rows[1:])
    assert "<th>在岗人数<span" in html and "（人）" in html


# ---------------------------------------------------------------------------------------------
# Campaigns: the board


def test_the_board_gives_the_rates_their_definitions_and_the_trend(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.two_reports(cast, made)
    client = client_for(cast.coordinator)
    today = Period.containing("day", scene.today()).key
    html = client.get(f"/task-forces/campaigns/{made.pk}/", {"period": today}).content.decode()
    total = html.split('data-testid="board-total"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)
    # 合计, 纳入, 未复工, 部分复工, 全面复工, 已报送, 未报送, 逾期,
    # 复工率, 满员率, 产能恢复率, 报送率, 诉求, 日清日结
    assert cells == ["合计", "2", "0", "1", "1", "2", "0", "0", "50.0%", "75.0%", "70.0%", "100.0%", "1", "1"]
    for key in (
        "done_rate",
        "report_rate",
        "staffing_rate",
        "capacity_rate",
        "late",
        "missing",
        "open_cases",
    ):
        assert f'popovertarget="def-{key}"' in html and f'id="def-{key}" popover' in html, key
    assert "在岗人数之和 ÷ 应到人数之和" in html
    options = json.loads(
        re.search(
            r'<script id="trend-chart-options" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert [s["name"] for s in options["series"]] == ["复工率", "报送率"]
    assert options["series"][0]["data"][-1] == 50.0 and len(options["xAxis"]["data"]) == 11
    assert html.count("<tr>", html.index('data-testid="trend-table"')) >= 11
    assert 'src="/static/taskforces/board.js"' in html
    assert f"/task-forces/campaigns/{made.pk}/import/" in html
    # By department; an earlier period with nothing reported.
    by_department = client.get(f"/task-forces/campaigns/{made.pk}/", {"by": "department"}).content.decode()
    assert "霍林郭勒市工业和信息化局" in by_department.split('data-testid="board-table"', 1)[1]
    # Three days ago the enterprises (enrolled today) were not in it yet: nothing to count.
    earlier = Period.containing("day", scene.today() - datetime.timedelta(days=3))
    before = client.get(f"/task-forces/campaigns/{made.pk}/", {"period": earlier.key}).content.decode()
    total = before.split('data-testid="board-total"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)[1:9] == ["0", "0", "0", "0", "0", "0", "0", "—"]
    assert f'<option value="{earlier.key}" selected>{earlier.label}</option>' in before
    assert not ISO_DATE.search(text_of(html))


def test_the_boards_regions_open_into_their_children(cast: Cast) -> None:
    """A city's task force: the board by county, a county opened, and a county coordinator's
    board starting at the county."""
    force = services.task_force_create(
        actor=cast.admin,
        data=services.TaskForceData(name="通辽市工作专班", region_code="150500", starts_on=scene.today()),
    )
    made = services.campaign_create(
        actor=cast.admin,
        data=services.CampaignData(
            task_force_id=force.pk, name="稳产保供专项行动", kind="stable_supply", starts_on=scene.today()
        ),
    )
    services.campaign_enrol(
        actor=cast.admin,
        campaign_id=made.pk,
        enterprise_ids=[cast.home.pk, cast.neighbour.pk, cast.tongliao.pk],
    )
    client = client_for(cast.leader)  # Tongliao
    html = client.get(f"/task-forces/campaigns/{made.pk}/").content.decode()
    rows = html.split('data-testid="board-row"')[1:]
    assert [re.search(r"<td>(?:<a [^>]*>)?([^<]+)", row).group(1) for row in rows] == [
        "科尔沁区",
        "霍林郭勒市",
    ]
    assert "正常生产率" in html
    # The period table: the leader downloads it, only those who report import it.
    assert f"/task-forces/campaigns/{made.pk}/table.xlsx?period=" in html
    assert f"/task-forces/campaigns/{made.pk}/import/" not in html
    # Each county's row opens the county's board; the trail leads back to the city.
    links = re.findall(r'<a href="\?([^"]+)" data-testid="drill-down">([^<]+)</a>', html)
    assert [name for _, name in links] == ["科尔沁区", "霍林郭勒市"]
    county = client.get(
        f"/task-forces/campaigns/{made.pk}/?" + links[1][0].replace("&amp;", "&")
    ).content.decode()
    assert 'data-testid="drill-down"' not in county and ">本级<" in county
    trail = county.split('data-testid="region-trail"', 1)[1].split("</span>", 1)[0]
    assert "通辽市" in trail and "<strong>霍林郭勒市</strong>" in trail
    total = county.split('data-testid="board-total"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)[1] == "2"
    # Huolinguole's coordinator sees the city's task force at work in the county, from the county.
    mine = client_for(cast.coordinator).get(f"/task-forces/campaigns/{made.pk}/").content.decode()
    assert "<strong>霍林郭勒市</strong>" in mine
    total = mine.split('data-testid="board-total"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)[1] == "2"


def test_the_board_opens_on_the_newest_period_already_due(cast: Cast) -> None:
    # Due the day after each period at 18:00: today's and yesterday's may still be reported, so
    # the board opens on the newest one whose deadline has passed, never on a period half-reported.
    made = scene.campaign(cast)
    html = client_for(cast.coordinator).get(f"/task-forces/campaigns/{made.pk}/").content.decode()
    now = timezone.now()
    due = next(
        p
        for p in (Period.containing("day", scene.today() - datetime.timedelta(days=n)) for n in range(5))
        if services.period_deadline(made, p) < now
    )
    assert f'<option value="{due.key}" selected' in html
    assert 'data-testid="period-still-open"' not in html
    # Today's period, still being reported, says so above its figures.
    today = client_for(cast.coordinator).get(
        f"/task-forces/campaigns/{made.pk}/", {"period": scene.today().isoformat()}
    )
    assert 'data-testid="period-still-open"' in today.content.decode()


def test_a_campaign_not_started_says_so(cast: Cast) -> None:
    made = scene.campaign(cast, starts_on=scene.today() + datetime.timedelta(days=3))
    html = client_for(cast.coordinator).get(f"/task-forces/campaigns/{made.pk}/").content.decode()
    assert 'data-testid="not-started"' in html and 'data-testid="form-table"' in html


def test_the_pages_carry_no_inline_code_and_a_department_board_is_the_handlers(cast: Cast) -> None:
    made = scene.campaign(cast)
    other = DepartmentFactory(name="霍林郭勒市商务局")
    extra = EnterpriseFactory(name="霍林郭勒第三企业有限公司", region=cast.home.region)
    services.campaign_enrol(
        actor=cast.coordinator, campaign_id=made.pk, enterprise_ids=[extra.pk], department_id=other.pk
    )
    html = (
        client_for(cast.handler)
        .get(f"/task-forces/campaigns/{made.pk}/", {"by": "department", "period": scene.today().isoformat()})
        .content.decode()
    )
    table = html.split('data-testid="board-table"', 1)[1].split("</table>", 1)[0]
    assert "霍林郭勒市工业和信息化局" in table and "霍林郭勒市商务局" not in table
    for page in (html,):
        assert not re.search(r"<script>(?!\s*</script>)|\sstyle=|\son[a-z]+=", page)


def test_a_far_task_force_answers_as_a_missing_one_on_every_page(cast: Cast) -> None:
    """Datong's task force and campaign, asked for by Huolinguole's office by every page that
    takes their id: the same 404 as an id that names nothing, and nothing written."""
    far = services.task_force_create(
        actor=cast.admin,
        data=services.TaskForceData(name="远方专班", region_code="140200", starts_on=scene.today()),
    )
    far_campaign = services.campaign_create(
        actor=cast.admin,
        data=services.CampaignData(
            task_force_id=far.pk, name="远方行动", kind="resumption", starts_on=scene.today()
        ),
    )
    services.campaign_enrol(actor=cast.admin, campaign_id=far_campaign.pk, enterprise_ids=[cast.datong.pk])
    client = client_for(cast.coordinator)
    routes = [
        ("/task-forces/{tf}/", "get"),
        ("/task-forces/{tf}/edit/", "get"),
        ("/task-forces/{tf}/edit/", "post"),
        ("/task-forces/{tf}/campaigns/new/", "get"),
        ("/task-forces/{tf}/campaigns/new/", "post"),
        ("/task-forces/campaigns/{c}/", "get"),
        ("/task-forces/campaigns/{c}/edit/", "post"),
        ("/task-forces/campaigns/{c}/enterprises/", "get"),
        ("/task-forces/campaigns/{c}/enterprises/add/", "post"),
        ("/task-forces/campaigns/{c}/enterprises/{e}/", "get"),
        ("/task-forces/campaigns/{c}/enterprises/{e}/remove/", "post"),
    ]
    for route, method in routes:
        answers = []
        for tf, c in ((far.pk, far_campaign.pk), (999_999, 999_999)):
            url = route.format(tf=tf, c=c, e=cast.datong.pk)
            data = {"name": "改名", "enterprises": [str(cast.datong.pk)], "version": "1"}
            response = client.post(url, data) if method == "post" else client.get(url)
            answers.append(response.status_code)
            assert "远方" not in response.content.decode(), url
        assert answers == [404, 404], (route, method, answers)
    far.refresh_from_db()
    assert far.name == "远方专班" and far.version == 1
    assert CampaignEnterprise.objects.filter(campaign=far_campaign).count() == 1


def test_the_lists_swap_in_their_results_for_htmx(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = client_for(cast.coordinator)
    listed = client.get(
        "/task-forces/", {"status": "active"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert listed.lstrip().startswith('<div id="results">') and "企业复工复产工作专班" in listed
    served = client.get(
        f"/task-forces/{made.task_force_id}/", {"page": "1"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert served.lstrip().startswith('<div id="enterprises">') and "联晟新材料有限公司" in served
    rows = client.get(
        f"/task-forces/campaigns/{made.pk}/enterprises/",
        {"report": "missing"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert (
        rows.lstrip().startswith('<div id="results">')
        and rows.count('data-testid="campaign-enterprise"') == 2
    )
