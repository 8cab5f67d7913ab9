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


def _fill_inspection(page: Any, title: str, instruction: str) -> None:
    page.goto("/visits/new/")
    page.get_by_test_id("visit-form").locator("#id_title").fill(title)
    page.fill("#id_start_date", "2025-01-15")
    page.get_by_test_id("lead-search").press_sequentially("mxd", delay=30)
    page.get_by_test_id("official-option").filter(has_text="孟宪东").first.click()
    page.get_by_test_id("enterprise-search").press_sequentially("lsxcl", delay=30)
    page.get_by_test_id("enterprise-option").filter(has_text="联晟新材料").first.click()
    row = page.get_by_test_id("case-row").nth(0)
    row.locator("select[name=case_kind]").select_option("instruction")
    row.locator("input[name=case_title]").fill(instruction)
    row.get_by_test_id("case-category").select_option(label="融资")
    # An instruction names an enterprise only when chosen; chosen, it is kept.
    expect(row.locator("select[name=case_enterprise]")).to_have_value("")
    row.locator("select[name=case_enterprise]").select_option(label="联晟新材料有限公司")


def test_the_same_visit_recorded_twice_is_asked_about_and_saved_when_confirmed(page: Any) -> None:
    stamp = time.time_ns()
    instruction = f"协调铝箔项目用电指标 {stamp}"
    log_in(page, "demo-coordinator")
    _fill_inspection(page, f"孟宪东到联晟新材料调研 {stamp}", instruction)
    page.get_by_test_id("visit-save").click()
    expect(page.locator(".messages")).to_contain_text("已登记")
    first = page.url
    page.get_by_role("link", name=instruction).click()
    # The instruction's own enterprise (the visit's title names it too, so look at the link).
    expect(page.locator("main dd a[href^='/enterprises/']")).to_have_text("联晟新材料有限公司")

    _fill_inspection(page, f"孟宪东调研联晟新材料 {stamp}", f"{instruction} 又一次")
    page.get_by_test_id("visit-save").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_contain_text(f"孟宪东到联晟新材料调研 {stamp}")
    expect(warning.get_by_role("link").first).to_have_attribute("href", first[first.index("/visits/") :])
    expect(page.locator("#id_title")).to_have_value(f"孟宪东调研联晟新材料 {stamp}")
    expect(page.get_by_test_id("case-row").nth(0).locator("select[name=case_enterprise]")).to_have_value(
        page.get_by_test_id("attendance-row").get_attribute("data-enterprise") or ""
    )
    page.get_by_test_id("confirm-duplicate").click()
    expect(page.locator(".messages")).to_contain_text("已登记")
    assert page.url != first
