"""Relief policies in the browser, against the demo server: the office writes a rule in the
editor's rows, sees the enterprises it matches, tells them all and records a grant; an enterprise
reads why a policy applies to it and reports one it cannot get, which becomes a case."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in
from zhuqi.browser_tests.test_pickers import pick

pytestmark = pytest.mark.browser


def test_write_a_rule_see_the_matches_notify_and_record_a_grant(page: Any) -> None:
    title = f"中小制造企业稳岗补助 {time.time_ns()}"
    log_in(page, "demo-coordinator")
    page.goto("/policies/")
    page.get_by_test_id("policy-create").click()
    form = page.get_by_test_id("policy-form")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=issuer]").fill("霍林郭勒市人民政府办公室")
    form.locator("input[name=document_number]").fill("霍政办发[2022]45号")
    form.locator("input[name=published_on]").fill(datetime.datetime.now(tz=datetime.UTC).date().isoformat())
    form.locator("select[name=category]").select_option("employment")
    form.locator("select[name=status]").select_option("published")
    form.locator("textarea[name=benefit]").fill("对符合条件的中小制造企业给予稳岗补助。")
    form.locator("input[name=amount_cap]").fill("5")
    pick(page, "department-picker-search", "gyhxx", "department-option", "霍林郭勒市工业和信息化局")
    form.locator("select[name=cond-0-field]").select_option("industry")
    form.locator("input[name=cond-0-value]").fill("C 制造业")
    form.locator("select[name=cond-1-field]").select_option("employees")
    form.locator("select[name=cond-1-op]").select_option("below")
    form.locator("input[name=cond-1-value]").fill("300")
    page.get_by_test_id("policy-save").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_test_id("rule-lines")).to_contain_text("从业人员 < 300 人")

    page.get_by_test_id("rematch").click()
    expect(page.locator(".messages")).to_contain_text("已重新匹配")
    expect(page.get_by_test_id("match-row").first).to_contain_text("符合条件")

    page.get_by_test_id("notify-all").locator("select[name=channel]").select_option("sms")
    page.get_by_test_id("notify-all").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("家企业")
    first = page.get_by_test_id("delivery-row").first
    expect(first.get_by_test_id("delivery-status")).to_have_text("已告知")

    first.locator("summary").click()
    first.locator("select[name=step]").select_option("apply")
    first.get_by_role("button", name="登记").click()
    first = page.get_by_test_id("delivery-row").filter(has_text="已申报").first
    first.locator("summary").click()
    first.locator("select[name=step]").select_option("grant")
    first.locator("input[name=amount]").fill("9")  # above the cap of 5
    first.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("超过本政策单户上限")
    first = page.get_by_test_id("delivery-row").filter(has_text="已申报").first
    first.locator("summary").click()
    first.locator("select[name=step]").select_option("grant")
    first.locator("input[name=amount]").fill("4.5")
    first.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("delivery-table")).to_contain_text("4.5 万元")


def test_an_enterprise_reports_a_policy_it_cannot_get_and_a_case_appears(page: Any) -> None:
    words = f"出租单位称我单位不在减免范围内 {time.time_ns()}"
    log_in(page, "demo-enterprise")
    page.goto("/policies/mine")
    policy = page.get_by_test_id("my-policy").filter(has_text="稳产满产奖励")
    policy.locator("summary").click()
    expect(policy.get_by_test_id("checks")).to_contain_text("营业收入 ≥ 2,000 万元")
    expect(policy.get_by_test_id("checks")).to_contain_text("✓ 满足")
    policy.get_by_role("link", name="没有享受到，或申请遇到困难？").click()
    complaint = page.get_by_test_id("complain")
    complaint.locator("summary").click()
    complaint.locator("input[value=cannot_get]").check()
    complaint.locator("textarea[name=description]").fill(words)
    page.get_by_test_id("complain-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")
    expect(page.locator("main")).to_contain_text(words)
