"""The account page and the login lockout, in the browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser


def test_the_account_page_refuses_a_weak_password_in_chinese(page: Any) -> None:
    log_in(page, "demo-liaison")
    page.get_by_test_id("nav-account").click()
    expect(page.locator("h1")).to_contain_text("我的账号")
    page.fill("#id_current_password", DEMO_PASSWORD)
    page.fill("#id_new_password", "12345678")
    page.fill("#id_new_password_again", "12345678")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("password-form")).to_contain_text("密码只包含数字")
    expect(page.get_by_test_id("token-section")).to_be_visible()


def test_a_locked_out_login_is_told_when_to_try_again(page: Any) -> None:
    # A name no demo account has: its lockout costs the other tests nothing (5 of the address's 20).
    page.goto("/login/")
    for _ in range(5):
        page.fill("#id_username", "lockout-probe")
        page.fill("#id_password", "wrong")
        page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-locked")).to_contain_text("以后再试")
    expect(page.get_by_test_id("login-locked")).to_contain_text(":")
