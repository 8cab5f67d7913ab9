"""Cases in the browser, against the demo server: the enterprise files, the coordinator assigns,
the handler answers, the enterprise rates; and a late case shows red."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser


def log_out(page: Any) -> None:
    page.context.clear_cookies()


def test_a_demand_from_filing_to_rating(page: Any) -> None:
    title = f"原材料氧化铝运输受阻 {time.time_ns()}"
    log_in(page, "demo-enterprise")
    page.get_by_test_id("workbench-file").click()
    form = page.get_by_test_id("case-form")
    form.locator("select[name=category]").select_option(label="原材料")
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=description]").fill("受道路管控影响，氧化铝到厂延误三天，生产线面临减产。")
    page.get_by_test_id("submit-case").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url)

    log_out(page)
    log_in(page, "demo-coordinator")
    page.goto("/cases/?tab=waiting")
    expect(page.get_by_test_id("case-table")).to_contain_text(title)
    page.goto(case_url)
    page.get_by_test_id("do-accept").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已受理")
    # The routing catalogue proposes the department; one click assigns to it.
    expect(page.get_by_test_id("suggested-route")).to_contain_text("霍林郭勒市工业和信息化局")
    page.get_by_test_id("do-assign").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已交办")
    expect(page.get_by_test_id("lead-department")).to_have_text("霍林郭勒市工业和信息化局")

    log_out(page)
    log_in(page, "demo-handler")
    page.goto("/cases/")
    page.get_by_role("link", name=title).click()
    page.get_by_test_id("do-start").click()
    expect(page.get_by_test_id("case-status")).to_have_text("办理中")
    page.get_by_test_id("outcome-select").select_option("resolved")
    page.get_by_test_id("answer-text").fill(
        "已协调交通运输部门为企业原材料运输车辆办理通行证，明日起恢复正常运输。"
    )
    page.get_by_test_id("do-answer").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已答复待评价")

    log_out(page)
    log_in(page, "demo-enterprise")
    page.goto(case_url)
    expect(page.get_by_test_id("answer")).to_contain_text("通行证")
    page.get_by_test_id("rating-5").check()
    page.get_by_test_id("do-confirm").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已办结")
    expect(page.get_by_test_id("rating")).to_contain_text("5 / 5")
    timeline = page.get_by_test_id("timeline")
    for step in ("提交", "受理", "交办", "签收", "答复", "企业评价"):
        expect(timeline).to_contain_text(step)


def test_a_late_case_shows_red_in_the_inbox_and_on_its_page(page: Any) -> None:
    # The demo's 创源金属 demand was due days ago and never answered; the server's own background
    # worker sweeps the deadlines (nothing is started by hand) and turns it red.
    log_in(page, "demo-handler")
    page.goto("/cases/?tab=all&timeliness=red")
    row = page.get_by_test_id("case-row").filter(has_text="氧化铝采购价格")
    for _attempt in range(30):
        if row.count():
            break
        time.sleep(1)
        page.reload()
    expect(row).to_have_class(re.compile("timeliness-red"))
    expect(row.get_by_test_id("timeliness")).to_contain_text("逾期")
    row.get_by_role("link").first.click()
    # Days late and the escalation level, each in its own words ("逾期 3 个工作日 · 督办"), never
    # the days late passed off as a level ("督办3级").
    expect(page.get_by_test_id("timeliness")).to_have_text(
        re.compile(r"^逾期 \d+ 个工作日 · (催办|督办|通报)$")
    )
