"""Visits in the browser, against the demo server: a coordinator records a leader's inspection
with one instruction and one demand, picking the leader by pinyin initials and the enterprise
from the registry, and sees both cases created and linked to the visit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser


def test_record_an_inspection_with_an_instruction_and_a_demand(page: Any) -> None:
    stamp = time.time_ns()
    instruction = f"加快高端铝箔项目建设进度 {stamp}"
    demand = f"铝箔出口铁路运力紧张 {stamp}"
    log_in(page, "demo-coordinator")
    page.goto("/visits/")
    page.get_by_test_id("visit-new").click()
    form = page.get_by_test_id("visit-form")
    form.locator("#id_title").fill(f"孟宪东到联晟新材料调研 {stamp}")
    page.get_by_test_id("lead-search").press_sequentially("mxd", delay=30)
    page.get_by_test_id("official-option").filter(has_text="孟宪东").first.click()
    expect(page.get_by_test_id("lead")).to_contain_text("孟宪东")
    page.get_by_test_id("enterprise-search").press_sequentially("lsxcl", delay=30)
    page.get_by_test_id("enterprise-option").filter(has_text="联晟新材料").first.click()
    expect(page.get_by_test_id("attendance-row")).to_have_count(1)

    first = page.get_by_test_id("case-row").nth(0)
    first.locator("select[name=case_kind]").select_option("instruction")
    first.locator("input[name=case_title]").fill(instruction)
    first.get_by_test_id("case-category").select_option(label="融资")
    page.get_by_test_id("add-case").click()
    second = page.get_by_test_id("case-row").nth(1)
    second.locator("select[name=case_kind]").select_option("demand")
    second.locator("input[name=case_title]").fill(demand)
    second.get_by_test_id("case-category").select_option(label="物流")
    # The one enterprise visited is the demand's without being chosen again.
    expect(second.locator("select[name=case_enterprise]")).to_have_value(
        page.get_by_test_id("attendance-row").get_attribute("data-enterprise")
    )
    page.get_by_test_id("visit-save").click()

    expect(page.locator(".messages")).to_contain_text("已登记")
    cases = page.get_by_test_id("visit-case")
    expect(cases).to_have_count(2)
    expect(page.get_by_test_id("visit-cases")).to_contain_text(instruction)
    page.get_by_role("link", name=demand).click()
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")
    expect(page.locator("main")).to_contain_text("联晟新材料")
    page.get_by_test_id("case-visit").click()
    expect(page.get_by_test_id("visit-cases")).to_contain_text(demand)
