"""A hazard in the browser, against the demo server: a handler finds it at an inspection and
orders it rectified; the enterprise is told at once (its inbox, its workbench), opens it and
reports it rectified; the handler, who did not report it, re-inspects it, fails it with a
reason and a new deadline, which the timeline shows; the enterprise reports again and the
re-inspection passes it (销号)."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser


def log_out(page: Any) -> None:
    page.context.clear_cookies()


def test_a_hazard_reaches_the_enterprise_and_is_re_inspected(page: Any) -> None:
    title = f"2号配电室未配置灭火器 {time.time_ns()}"
    # The server's day (its time zone is Shanghai's), not the machine's.
    due = datetime.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=10)
    new_due = due + datetime.timedelta(days=7)

    # The handler files the hazard found at the inspection …
    log_in(page, "demo-handler")
    page.goto("/cases/new")
    form = page.get_by_test_id("case-form")
    page.get_by_test_id("enterprise-search").press_sequentially("联晟", delay=30)
    form.get_by_test_id("enterprise-select").select_option(label="联晟新材料有限公司（霍林郭勒市）")
    form.locator("select[name=category]").select_option(label="安全生产")
    form.locator("input[name=title]").fill(title)
    form.locator("summary").click()
    form.locator("[name=rule_breached]").fill("《建筑灭火器配置设计规范》GB 50140")
    form.locator("[name=evidence]").fill("2号配电室未配置灭火器，应急照明损坏。")
    page.get_by_test_id("submit-case").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已发现")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url)

    # … and orders it rectified by a date, to its own department.
    assign = page.get_by_test_id("step-assign")
    assign.get_by_test_id("lead-select").select_option(label="霍林郭勒市工业和信息化局")
    assign.get_by_test_id("assign-deadline").fill(due.isoformat())
    assign.get_by_test_id("comment-assign").fill("配置4具ABC干粉灭火器，修复应急照明")
    assign.get_by_test_id("do-assign").click()
    expect(page.get_by_test_id("case-status")).to_have_text("整改中")
    # (marked 暂定 when it falls in a year whose calendar is not entered yet)
    expect(page.get_by_test_id("deadline")).to_contain_text(due.isoformat())
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("交办整改")
    expect(timeline).to_contain_text(f"整改期限：{due.isoformat()}")
    expect(timeline).to_contain_text("牵头部门：霍林郭勒市工业和信息化局")

    # The enterprise sees it on its workbench, with the deadline, and has the notice.
    log_out(page)
    log_in(page, "demo-enterprise")
    page.goto("/")
    hazard = page.get_by_test_id("hazard-row").filter(has_text=title)
    expect(hazard).to_contain_text(f"整改期限 {due.isoformat()}")
    expect(hazard).to_contain_text("整改中")
    page.goto("/notices/")
    notice = page.get_by_test_id("notices").locator("li").filter(has_text=title).first
    expect(notice).to_contain_text(f"安全隐患整改通知：请于 {due.isoformat()} 前整改到位")
    expect(notice).to_contain_text("违反的规定：《建筑灭火器配置设计规范》GB 50140")
    expect(notice).to_contain_text("整改要求：配置4具ABC干粉灭火器，修复应急照明")
    expect(notice).to_contain_text("报告整改完成")
    page.goto(case_url)
    expect(page.get_by_test_id("hazard-order")).to_contain_text(due.isoformat())
    page.get_by_test_id("report-text").fill("已配置4具ABC干粉灭火器，应急照明已修复，附照片。")
    page.get_by_test_id("do-report-completion").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待复查")
    expect(page.get_by_role("heading", name="整改报告")).to_be_visible()

    # The handler did not report it, so the handler re-inspects: not passed, with why and by when.
    log_out(page)
    log_in(page, "demo-handler")
    page.goto(case_url)
    verify = page.get_by_test_id("step-verify")
    verify.get_by_test_id("verify-passed").select_option("no")
    verify.get_by_test_id("verify-deadline").fill(new_due.isoformat())
    verify.get_by_test_id("comment-verify").fill("灭火器压力不足，需更换")
    verify.get_by_test_id("do-verify").click()
    expect(page.get_by_test_id("case-status")).to_have_text("整改中")
    expect(timeline).to_contain_text("复查结论：不通过")
    expect(timeline).to_contain_text("未通过原因：灭火器压力不足，需更换")
    expect(timeline).to_contain_text(f"新的整改期限：{new_due.isoformat()}")
    expect(page.get_by_test_id("deadline")).to_contain_text(new_due.isoformat())

    # The enterprise reads the same on its page, reports again; the re-inspection passes it.
    log_out(page)
    log_in(page, "demo-enterprise")
    page.goto(case_url)
    expect(timeline).to_contain_text("未通过原因：灭火器压力不足，需更换")
    page.get_by_test_id("report-text").fill("已更换为压力合格的灭火器。")
    page.get_by_test_id("do-report-completion").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待复查")

    log_out(page)
    log_in(page, "demo-handler")
    page.goto(case_url)
    page.get_by_test_id("do-verify").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已销号")
    expect(page.get_by_test_id("closure")).to_contain_text("复查通过，予以销号")


def test_who_reported_the_rectification_is_not_offered_the_re_inspection(page: Any) -> None:
    title = f"厂区消防通道堆放杂物 {time.time_ns()}"
    log_in(page, "demo-handler")
    page.goto("/cases/new")
    form = page.get_by_test_id("case-form")
    page.get_by_test_id("enterprise-search").press_sequentially("联晟", delay=30)
    form.get_by_test_id("enterprise-select").select_option(label="联晟新材料有限公司（霍林郭勒市）")
    form.locator("select[name=category]").select_option(label="安全生产")
    form.locator("input[name=title]").fill(title)
    form.locator("summary").click()
    form.locator("[name=rule_breached]").fill("《中华人民共和国消防法》第二十八条")
    form.locator("[name=evidence]").fill("东侧消防通道堆放包装材料。")
    page.get_by_test_id("submit-case").click()
    assign = page.get_by_test_id("step-assign")
    assign.get_by_test_id("lead-select").select_option(label="霍林郭勒市工业和信息化局")
    assign.get_by_test_id("do-assign").click()
    # The department reports it rectified itself (it cleared the passage with the enterprise) …
    page.locator("details[data-step=report-completion] summary").click()
    page.get_by_test_id("report-text").fill("已督促企业清理通道。")
    page.get_by_test_id("do-report-completion").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待复查")
    # … so the same person is not offered the re-inspection: someone else must take it.
    expect(page.get_by_test_id("do-verify")).to_have_count(0)
    expect(page.get_by_test_id("held-back")).to_contain_text("复查须由另一人进行")
