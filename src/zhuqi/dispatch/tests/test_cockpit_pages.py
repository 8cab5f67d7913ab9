"""The cockpit (领导驾驶舱) and rankings (红黑榜) pages: who opens them, the scope and period
pickers, the refusals told on the page, and the cost of a page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhuqi.directory.models import Department, Region, User
from zhuqi.dispatch import cockpit, cockpit_views
from zhuqi.dispatch.tests import scene
from zhuqi.testing.factories import Cast, make_chain

COCKPIT = "/dispatch/"
RANKINGS = "/dispatch/rankings/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: User, url: str, **params: str) -> str:
    response = client_for(user).get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def heading(html: str) -> str:
    found = re.search(r"<h1>([^<]*)</h1>", html)
    assert found is not None
    return found.group(1)


def errors(html: str) -> list[str]:
    block = re.search(r'data-testid="cockpit-errors">(.*?)</ul>', html, re.S)
    return re.findall(r"<li[^>]*>([^<]*)</li>", block.group(1)) if block else []


def test_the_addresses() -> None:
    assert reverse("dispatch:cockpit") == COCKPIT
    assert reverse("dispatch:rankings") == RANKINGS


@pytest.mark.parametrize("role", ["coordinator", "leader", "admin", "auditor"])
def test_the_cockpit_renders_every_section(cast: Cast, role: str) -> None:
    scene.meeting(cast)
    html = page(getattr(cast, role), COCKPIT)
    assert not errors(html)
    for section in ("cases", "service", "chains", "economy"):
        assert f'data-testid="section-{section}"' in html, section
    for card in ("response_rate", "answer_rate", "resolution_rate", "satisfaction_rate", "late", "escalated"):
        assert f'data-testid="card-{card}"' in html, card
    # Each chart with its table underneath, its options as data for cockpit.js.
    assert 'data-chart-options="trend-chart-options"' in html and 'data-testid="trend-table"' in html
    assert 'id="trend-chart-options" type="application/json"' in html
    assert "dispatch/cockpit.js" in html and "vendor/echarts/echarts.min.js" in html
    assert "本月（" in html and "指标定义" in html
    # Dates as people write them, never ISO.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html.split("<main>", 1)[1].split('type="application/json"')[0])


def test_the_rankings_page_renders_for_coordinator_and_leader(cast: Cast) -> None:
    for user in (cast.coordinator, cast.leader):
        html = page(user, RANKINGS)
        assert "红黑榜" in heading(html)
        assert 'aria-current="page" data-testid="tab-rankings"' in html


def test_the_menu_offers_the_cockpit_to_those_who_read_the_figures(cast: Cast) -> None:
    assert 'data-testid="nav-cockpit"' in page(cast.leader, "/")
    assert 'data-testid="nav-cockpit"' not in client_for(cast.liaison).get("/").content.decode()


@pytest.mark.parametrize("url", [COCKPIT, RANKINGS])
def test_an_enterprise_or_a_liaison_officer_is_refused(cast: Cast, url: str) -> None:
    for user in (cast.enterprise_user, cast.liaison):
        response = client_for(user).get(url)
        assert response.status_code == 403
        assert "data-chart-options" not in response.content.decode()


def test_the_leader_switches_to_a_county_a_department_and_a_chain(cast: Cast) -> None:
    chain = make_chain(cast)
    department = Department.objects.get(pk=cast.handler.department_id)
    html = page(cast.leader, COCKPIT)
    assert heading(html) == "领导驾驶舱 · 通辽市"
    # The picker: the city, its counties indented, the departments and the chains.
    picker = html.split('data-testid="scope-picker"', 1)[1].split("</select>", 1)[0]
    assert '<option value="region:150500" selected>通辽市</option>' in picker
    assert '<option value="region:150581">　霍林郭勒市</option>' in picker
    assert f'value="department:{department.pk}"' in picker and f'value="chain:{chain.pk}"' in picker

    html = page(cast.leader, COCKPIT, scope="region:150581")
    assert heading(html) == "领导驾驶舱 · 霍林郭勒市" and not errors(html)
    assert '<option value="region:150581" selected>' in html
    html = page(cast.leader, COCKPIT, scope=f"department:{department.pk}")
    assert heading(html) == f"领导驾驶舱 · {department.name}" and not errors(html)
    html = page(cast.leader, COCKPIT, scope=f"chain:{chain.pk}")
    assert heading(html) == "领导驾驶舱 · 铝产业链" and not errors(html)
    assert "/chains/" in html.split('data-testid="section-chains"', 1)[1]
    # The tabs keep the scope and period.
    assert f'href="/dispatch/rankings/?scope=chain%3A{chain.pk}"' in html


def test_the_periods_by_name_by_key_and_by_dates(cast: Cast) -> None:
    html = page(cast.coordinator, COCKPIT, period="last_month")
    assert "上月（" in html and '<option value="last_month" selected>' in html
    html = page(cast.coordinator, COCKPIT, period="2026-Q3")
    assert "<strong>2026年第3季度</strong>" in html
    assert '<option value="2026-Q3" selected>2026年第3季度</option>' in html
    html = page(cast.coordinator, COCKPIT, **{"from": "2026-01-01", "to": "2026-03-31"})
    assert "<strong>2026年1月1日至2026年3月31日</strong>" in html and not errors(html)
    assert 'value="2026-01-01"' in html and 'value="2026-03-31"' in html
    html = page(cast.coordinator, COCKPIT, period="week")
    assert "本周（" in html


@pytest.mark.parametrize("url", [COCKPIT, RANKINGS])
def test_a_period_that_ends_before_it_starts_is_told_on_the_page(cast: Cast, url: str) -> None:
    html = page(cast.coordinator, url, **{"from": "2026-03-31", "to": "2026-01-01"})
    assert errors(html) == ["统计期的结束日期（2026年1月1日）早于开始日期（2026年3月31日），请重新选择"]
    assert 'data-testid="section-cases"' not in html and 'data-testid="cockpit-filters"' in html
    assert errors(page(cast.coordinator, url, **{"from": "2026-03-31"})) == [
        "自定义统计期请同时填写开始日期和结束日期"
    ]
    assert errors(page(cast.coordinator, url, period="next-decade"))
    assert errors(page(cast.coordinator, url, **{"from": "2026-13-01", "to": "2026-12-31"})) == [
        "日期应写成 2026-01-01 这样的年-月-日"
    ]
    # The same reversed range given as a key is refused by cockpit.resolve_period, on the page.
    assert errors(page(cast.coordinator, url, period="2026-03-31~2026-01-01"))


@pytest.mark.parametrize("url", [COCKPIT, RANKINGS])
def test_a_scope_outside_the_jurisdiction_is_told_on_the_page(cast: Cast, url: str) -> None:
    # Huolinguole's office asks for Tongliao above it, Datong elsewhere, a Datong department.
    assert errors(page(cast.coordinator, url, scope="region:150500")) == ["通辽市不在您的管辖范围内"]
    assert errors(page(cast.coordinator, url, scope="region:140200"))[0].endswith("不在您的管辖范围内")
    datong = Department.objects.create(name="大同市工业和信息化局", region=Region.objects.get(pk="140200"))
    assert errors(page(cast.coordinator, url, scope=f"department:{datong.pk}")) == [
        "部门不存在或不在您的管辖范围内"
    ]
    assert errors(page(cast.coordinator, url, scope="chain:999999")) == ["产业链不存在或不在您的权限范围内"]
    assert errors(page(cast.coordinator, url, scope="everything"))
    html = page(cast.coordinator, url, scope="region:150500")
    assert 'data-testid="section-cases"' not in html and 'data-testid="ranking-' not in html


def test_a_handler_sees_its_own_department(cast: Cast) -> None:
    department = Department.objects.get(pk=cast.handler.department_id)
    html = page(cast.handler, COCKPIT)
    assert heading(html) == f"领导驾驶舱 · {department.name}" and not errors(html)
    picker = html.split('data-testid="scope-picker"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'value="department:(\d+)"', picker) == [str(department.pk)]
    other = Department.objects.create(name="霍林郭勒市财政局", region=department.region)
    assert errors(page(cast.handler, COCKPIT, scope=f"department:{other.pk}")) == [
        "部门人员只能查看本部门的驾驶舱"
    ]


def test_the_cockpit_says_when_its_kept_figures_were_counted(cast: Cast, monkeypatch: Any) -> None:
    import datetime

    from django.utils import timezone

    first = timezone.now().replace(second=0, microsecond=0)
    html = page(cast.coordinator, COCKPIT, period="2026-Q3")
    when = html.split('data-testid="cockpit-when"', 1)[1].split("</p>", 1)[0]
    # Read again four minutes later: the figures kept from the first reading, and their time.
    monkeypatch.setattr(timezone, "now", lambda: first + datetime.timedelta(minutes=4))
    again = page(cast.coordinator, COCKPIT, period="2026-Q3")
    assert again.split('data-testid="cockpit-when"', 1)[1].split("</p>", 1)[0] == when


def test_the_cockpit_in_english(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    client.cookies["django_language"] = "en"
    response = client.get(COCKPIT, {"period": "2026-Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    # The periods named in English: the heading, the trend's table and its chart's axis.
    assert "Q3 2026" in html and "Q2 2026" in html and "2026年第" not in html
    rankings = client.get(RANKINGS, {"period": "2026-11"}).content.decode()
    assert "Nov. 2026" in rankings and "Oct. 2026" in rankings and "2026年10月" not in rankings


RANKED_TABLE = {
    "key": "department-resolution_rate",
    "by": "department",
    "by_label": "部门",
    "measure": "resolution_rate",
    "label": "部门解决率排名",
    "measure_label": "解决率",
    "definition": "解决率 = 已解决数 ÷ 应答复的诉求数",
    "previous_period": "2026-10",
    "previous_label": "2026年10月",
    "rows": [
        {"key": 1, "name": "市工信局", "value": 0.95, "rank": 1, "previous_rank": 3, "change": 2},
        {"key": 2, "name": "市发改委", "value": 0.9, "rank": 2, "previous_rank": 2, "change": 0},
        {"key": 3, "name": "市财政局", "value": 0.5, "rank": 3, "previous_rank": 1, "change": -2},
        {"key": 4, "name": "市商务局", "value": 0.4, "rank": 4, "previous_rank": None, "change": None},
        {"key": 5, "name": "市水务局", "value": None, "rank": None, "previous_rank": None, "change": None},
    ],
}


def test_the_rankings_show_rank_value_previous_rank_and_change(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(cockpit, "rankings", lambda *args, **kwargs: [RANKED_TABLE])
    html = page(cast.coordinator, RANKINGS, period="2026-11")
    table = html.split('data-testid="ranking-department-resolution_rate"', 1)[1].split("</table>", 1)[0]
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    ]
    assert rows == [
        ["1", "市工信局", "95.0%", "3", "↑2"],
        ["2", "市发改委", "90.0%", "2", "持平"],
        ["3", "市财政局", "50.0%", "1", "↓2"],
        ["4", "市商务局", "40.0%", "—", "新上榜"],
        ["—", "市水务局", "—", "—", "—"],
    ]
    assert '<span class="change up" title="较上期上升 2 位"' in table
    assert '<span class="change down" title="较上期下降 2 位"' in table
    # The measure's definition one click away, no script.
    assert '<details class="definition" data-testid="definition-department-resolution_rate">' in html
    assert "解决率 = 已解决数 ÷ 应答复的诉求数" in html
    assert "名次变化与上期（2026年10月）相比" in html


def test_the_rankings_ask_for_a_region(cast: Cast) -> None:
    chain = make_chain(cast)
    html = page(cast.coordinator, RANKINGS, scope=f"chain:{chain.pk}")
    assert 'data-testid="rankings-region-only"' in html


def test_the_cockpit_preview_names_the_first_and_last(cast: Cast, monkeypatch: Any) -> None:
    preview = cockpit_views._preview(RANKED_TABLE)
    assert [row["name"] for row in preview["top"]] == ["市工信局", "市发改委", "市财政局"]
    assert [row["name"] for row in preview["bottom"]] == ["市商务局"]


def test_a_page_costs_a_bounded_number_of_queries(cast: Cast, django_assert_max_num_queries: Any) -> None:
    scene.meeting(cast)
    make_chain(cast)
    client = client_for(cast.leader)
    client.get(COCKPIT)  # the session and the menu, once
    with django_assert_max_num_queries(160):
        assert client.get(COCKPIT, {"scope": "region:150581", "period": "quarter"}).status_code == 200
    with django_assert_max_num_queries(60):
        assert client.get(RANKINGS, {"scope": "region:150581", "period": "quarter"}).status_code == 200
