"""A liaison officer logs a visit from a phone-sized window (375×667), against the demo server:
the quick log, one demand, the workbench showing it, and no horizontal scrolling anywhere."""

from __future__ import annotations

import datetime
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _save(page: Any) -> None:
    """Save the log. On the 1st of a month the demo's own visits of this month fall on today, so
    the log asks whether this is the same visit; here it is another one."""
    page.get_by_test_id("log-save").click()
    page.locator(".messages, [data-testid=confirm-duplicate]").first.wait_for()
    if page.get_by_test_id("confirm-duplicate").count():
        page.get_by_test_id("confirm-duplicate").click()


def test_a_liaison_logs_a_visit_from_a_phone_sized_window(page: Any) -> None:
    page.set_viewport_size(PHONE)
    demand = f"熟练工招聘难 {time.time_ns()}"
    log_in(page, "demo-liaison")
    page.goto("/visits/liaison/")
    expect(page.get_by_test_id("liaison-firm").first).to_be_visible()
    _no_horizontal_scroll(page)
    page.get_by_test_id("liaison-log-link").click()
    form = page.get_by_test_id("liaison-log-form")
    expect(form).to_be_visible()
    _no_horizontal_scroll(page)
    page.get_by_test_id("log-enterprise").select_option(label="联晟新材料有限公司")
    row = page.get_by_test_id("demand-row").first
    row.locator("input[name=demand_title]").fill(demand)
    row.get_by_test_id("demand-category").select_option(label="用工")
    _save(page)

    expect(page.locator(".messages")).to_contain_text("1 条诉求已提交办理")
    firm = page.get_by_test_id("liaison-firm").filter(has_text="联晟新材料")
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the server's day
    expect(firm.get_by_test_id("last-visit")).to_contain_text(today)
    _no_horizontal_scroll(page)
    firm.get_by_test_id("open-cases").click()
    expect(page.locator("main")).to_contain_text(demand)


def test_ticking_no_problems_logs_a_visit_with_no_case(page: Any) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "demo-liaison")
    page.goto("/visits/liaison/log/")
    page.get_by_test_id("log-enterprise").select_option(index=2)
    page.get_by_test_id("log-kind-call").check()
    page.get_by_test_id("log-no-problems").check()
    _save(page)
    expect(page.locator(".messages")).to_contain_text("已记录：电话联系")
    expect(page.locator(".messages")).not_to_contain_text("诉求")
    _no_horizontal_scroll(page)
