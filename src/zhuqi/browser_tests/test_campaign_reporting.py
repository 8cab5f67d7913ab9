"""A campaign in the browser: the coordinator's task force starts a 复工复产 campaign on the
campaign form and puts twenty Huolinguole enterprises in it from a sheet, the enterprise reports on
a phone-sized window (375 px) with a difficulty, which becomes a same-day (日清日结) case; its
correction to 全面复工 moves the board's 复工率."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in, server_shell

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}

# The coordinator's task force (the campaign is started in the browser), and the credit codes of
# the demo enterprise (联晟新材料, demo-enterprise's) and nineteen more of Huolinguole for its sheet.
SETUP = """
import datetime, json
from django.utils import timezone
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.taskforces import services
from zhuqi.taskforces.services import TaskForceData

token = "{token}"
coordinator = User.objects.get(username="demo-coordinator")
home = User.objects.get(username="demo-enterprise").enterprise
others = list(
    Enterprise.objects.filter(region_id="150581").exclude(pk=home.pk)
    .order_by("pk").values_list("uscc", flat=True)[:19]
)
force = services.task_force_create(actor=coordinator, data=TaskForceData(
    name=f"复工复产工作专班 {{token}}", region_code="150581",
    starts_on=timezone.localdate() - datetime.timedelta(days=7),
))
print(json.dumps({{"task_force": force.pk, "codes": [home.uscc, *others],
    "starts_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()}}))
"""

# The board's figures for today, as the coordinator reads them.
BOARD = """
import json
from django.utils import timezone
from zhuqi.core.periods import Period
from zhuqi.directory.models import User
from zhuqi.taskforces import figures
from zhuqi.taskforces.models import Campaign

coordinator = User.objects.get(username="demo-coordinator")
campaign = Campaign.objects.get(pk={campaign})
today = Period.containing("day", timezone.localdate())
board = figures.board(user=coordinator, campaign=campaign, period=today)
total = board.total
print(json.dumps({{"name": board.done_rate_name, "enrolled": total.enrolled, "reported": total.reported,
    "done": total.done, "done_rate": str(total.done_rate), "same_day_open": total.same_day_open}}))
"""

CASE = """
import json
from django.utils import timezone
from zhuqi.cases.models import Case
from zhuqi.taskforces.models import CampaignReport
case = Case.objects.get(pk={case})
print(json.dumps({{"urgency": case.urgency, "kind": case.kind, "source": case.source,
    "campaign": CampaignReport.objects.get(case=case).campaign_id,
    "due": timezone.localtime(case.due_at).strftime("%H:%M") if case.due_at else None}}))
"""


def _shell_json(code: str) -> Any:
    return json.loads(server_shell(code).strip().splitlines()[-1])


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_an_enterprise_reports_on_its_phone_and_the_board_moves(page: Any) -> None:
    token = str(time.time_ns())[-8:]
    prepared = _shell_json(SETUP.format(token=token))

    # The coordinator starts the campaign on its form (the 复工复产 form is the kind's) and puts
    # twenty enterprises in it from a sheet.
    log_in(page, "demo-coordinator")
    page.goto(f"/task-forces/{prepared['task_force']}/campaigns/new/")
    form = page.get_by_test_id("campaign-form")
    form.locator("input[name=name]").fill(f"复工复产专项行动 {token}")
    form.get_by_test_id("campaign-kind").select_option("resumption")
    form.locator("input[name=starts_on]").fill(prepared["starts_on"])
    form.locator("input[name=due_days]").fill("1")
    form.get_by_test_id("campaign-same-day").check()
    form.get_by_test_id("campaign-save").click()
    expect(page.get_by_test_id("enrol-import")).to_be_visible()
    campaign_id = int(page.url.rstrip("/").split("/")[-3])
    sheet = "统一社会信用代码,企业名称\n" + "".join(f"{code},\n" for code in prepared["codes"])
    page.get_by_test_id("enrol-import-file").set_input_files(
        files=[{"name": "名单.csv", "mimeType": "text/csv", "buffer": sheet.encode()}]
    )
    page.get_by_test_id("enrol-import-save").click()
    expect(page.locator("main")).to_contain_text("已从表格加入 20 家企业")
    page.context.clear_cookies()

    made = {"campaign": campaign_id}
    before = _shell_json(BOARD.format(campaign=made["campaign"]))
    assert (before["name"], before["enrolled"], before["done"]) == ("复工率", 20, 0)

    page.set_viewport_size(PHONE)
    log_in(page, "demo-enterprise")
    # The workbench's panel names the campaign as 待报送.
    panel = page.get_by_test_id("reporting-panel")
    expect(panel.get_by_test_id("reporting-panel-row").filter(has_text=token)).to_contain_text("待报送")
    _no_horizontal_scroll(page)
    panel.get_by_test_id("reporting-panel-all").click()
    card = page.get_by_test_id("reporting-campaign").filter(has_text=token)
    expect(card.get_by_test_id("reporting-state")).to_have_text("待报送")
    _no_horizontal_scroll(page)
    card.get_by_test_id("reporting-go").click()

    form = page.get_by_test_id("report-form")
    expect(form).to_be_visible()
    _no_horizontal_scroll(page)
    # 应到人数 is the registry's (从业人员): shown, not asked.
    expect(page.get_by_test_id("field-staff_expected")).to_contain_text("登记值")
    choice = form.get_by_test_id("field-status").locator("label", has_text="部分复工")
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 44, box  # a thumb's target
    choice.click()
    form.locator("input[name=v_staff_present]").fill("860")
    form.locator("input[name=v_capacity]").fill("65")
    difficulty = f"原料供应紧张，氧化铝到货不足 {token}"
    form.locator("textarea[name=v_difficulty]").fill(difficulty)
    form.get_by_test_id("report-submit").click()

    received = page.get_by_test_id("report-received")
    expect(received).to_contain_text("已收到报送")
    expect(received.get_by_test_id("report-on-time")).to_be_visible()
    link = received.get_by_test_id("report-case-link")
    case_number = link.inner_text().strip()
    assert case_number.startswith("#")
    expect(received.get_by_test_id("report-case")).to_contain_text("日清日结")
    _no_horizontal_scroll(page)

    case = _shell_json(CASE.format(case=case_number[1:]))
    assert (case["urgency"], case["kind"], case["source"], case["campaign"]) == (
        "same_day",
        "demand",
        "task_force",
        made["campaign"],
    )
    assert case["due"] == "18:00"
    reported = _shell_json(BOARD.format(campaign=made["campaign"]))
    assert (reported["reported"], reported["done"], reported["done_rate"], reported["same_day_open"]) == (
        1,
        0,
        "0.0",
        1,
    )

    # The case page opens from the number.
    link.click()
    expect(page.locator("main")).to_contain_text(token)
    page.go_back()

    # 更正 to 全面复工: the form holds what was reported; the board's 复工率 moves.
    page.get_by_test_id("report-correct").click()
    expect(page.get_by_test_id("report-correcting")).to_be_visible()
    form = page.get_by_test_id("report-form")
    expect(form.locator("input[name=v_staff_present]")).to_have_value("860")
    _no_horizontal_scroll(page)
    form.get_by_test_id("field-status").locator("label", has_text="全面复工").click()
    form.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-received")).to_contain_text("已更正 1 次")
    after = _shell_json(BOARD.format(campaign=made["campaign"]))
    assert (after["reported"], after["done"], after["done_rate"]) == (1, 1, "5.0")

    # The history shows the period reported, corrected, with its case.
    page.get_by_test_id("report-history-link").click()
    row = page.get_by_test_id("history-row").first
    expect(row).to_contain_text("已报送")
    expect(row).to_contain_text(case_number)
    _no_horizontal_scroll(page)
