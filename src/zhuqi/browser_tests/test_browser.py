from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in
from zhuqi.core.validators import make_uscc

pytestmark = pytest.mark.browser


def test_log_in_lands_on_the_workbench(page: Any) -> None:
    log_in(page, "demo-leader")
    expect(page.locator("h1")).to_contain_text("工作台")
    assert int(page.get_by_test_id("enterprise-count").inner_text()) > 100


def test_a_wrong_password_is_refused(page: Any) -> None:
    page.goto("/login/")
    page.fill("#id_username", "demo-leader")
    page.fill("#id_password", "wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.locator(".errorlist")).to_contain_text("用户名或密码不正确")


def test_search_by_pinyin_initials(page: Any) -> None:
    log_in(page, "demo-leader")
    page.goto("/enterprises/")
    page.get_by_test_id("search").press_sequentially("lsxcl", delay=30)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("联晟新材料有限公司")
    assert "q=lsxcl" in page.url  # the search is in the address, so it can be shared or reloaded


def test_import_a_file_with_one_bad_row(page: Any, tmp_path: Path) -> None:
    good = make_uscc("150581", 9_000_001)
    wrong = make_uscc("150581", 9_000_002)
    wrong = wrong[:-1] + ("0" if wrong[-1] != "0" else "1")
    path = tmp_path / "霍林郭勒新增企业.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["统一社会信用代码", "企业名称", "所属行业", "从业人员", "营业收入(万元)", "所在地区"])
    sheet.append([good, "浏览器测试甲有限公司", "3252", 30, 1200, "霍林郭勒市"])
    sheet.append([wrong, "浏览器测试乙有限公司", "3252", 30, 1200, "霍林郭勒市"])
    workbook.save(path)

    log_in(page, "demo-coordinator")
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("main button[type=submit]").click()
    # The background worker checks the file; the page polls until the check is done.
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-state", "checked", timeout=60_000)
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("统一社会信用代码")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first.locator("td").first).to_have_text("3")
    expect(errors).to_contain_text("校验位应为")
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 行有错误")
    page.get_by_test_id("confirm-skip").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("新增 1 家", timeout=60_000)
    page.goto("/enterprises/?q=浏览器测试")
    expect(page.locator("#results tbody tr")).to_have_count(1)


def test_open_an_enterprise_history(page: Any) -> None:
    log_in(page, "demo-coordinator")
    page.goto("/enterprises/?q=lsxcl")
    page.locator("#results a", has_text="联晟新材料有限公司").click()
    expect(page.locator("h1")).to_contain_text("联晟新材料有限公司")
    expect(page.get_by_test_id("assignment").first).to_be_visible()
    page.get_by_test_id("open-history").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("新建")
    expect(history).to_contain_text("system")


def test_edit_then_history_shows_the_change(page: Any) -> None:
    log_in(page, "demo-coordinator")
    page.goto("/enterprises/?q=jfl")
    page.locator("#results tbody a").first.click()
    page.get_by_role("link", name="修改").click()
    page.fill("#id_address", "霍林郭勒市工业园区浏览器路1号")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.get_by_test_id("open-history").click()
    expect(page.get_by_test_id("history")).to_contain_text("霍林郭勒市工业园区浏览器路1号")
    expect(page.get_by_test_id("history")).to_contain_text("demo-coordinator")


def test_switch_to_english(page: Any) -> None:
    log_in(page, "demo-leader")
    page.get_by_test_id("language-en").click()
    expect(page.locator("h1")).to_contain_text("Workbench")
    page.get_by_test_id("language-zh-hans").click()
    expect(page.locator("h1")).to_contain_text("工作台")


def test_usable_on_a_phone(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, "demo-liaison")
    page.goto("/enterprises/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"page is {width}px wide on a 375px screen"
    expect(page.locator(".mainnav")).to_be_hidden()
    page.locator(".nav-toggle-label").click()
    expect(page.locator(".mainnav")).to_be_visible()
    context.close()


def test_out_of_scope_enterprise_is_not_found(page: Any) -> None:
    log_in(page, "demo-enterprise")
    own = page.locator("a[href^='/enterprises/']", has_text=re.compile("联晟")).get_attribute("href")
    assert own is not None
    own_id = int(own.strip("/").split("/")[-1])
    response = page.goto(f"/enterprises/{own_id + 1}/")
    assert response is not None and response.status == 404
    response = page.goto(own)
    assert response is not None and response.status == 200
