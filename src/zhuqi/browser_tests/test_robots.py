"""A DingTalk group robot in the browser, against the demo server: the county's coordinator adds
the industry bureau's robot with its 加签 secret, pointing at a robot on this machine that checks
the signature as DingTalk does, presses 测试 and sees DingTalk's answer; then a demand assigned to
the bureau reaches the robot, signed, as markdown naming the enterprise, the department and the
deadline, with a link that opens from the chat (the server's own background worker sends it)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in
from zhuqi.testing.robots import LocalRobot

pytestmark = pytest.mark.browser

SECRET = "SEC" + "9d" * 32 + "b7c8"
BUREAU = "霍林郭勒市工业和信息化局"


def _wait_for(robot: LocalRobot, needle: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for body in list(robot.received):
            if needle in body.get("markdown", {}).get("text", ""):
                return body
        time.sleep(0.5)
    raise AssertionError(f"the robot received nothing with {needle!r}: {robot.received} {robot.refused}")


def test_a_coordinator_adds_a_signed_dingtalk_robot_tests_it_and_a_case_step_reaches_it(
    page: Any, server: str
) -> None:
    name = f"工信局工作群 {time.time_ns()}"
    with LocalRobot(secret=SECRET, keyword="助企") as robot:
        log_in(page, "demo-coordinator")
        page.goto("/notices/webhooks/")
        form = page.get_by_test_id("webhook-form")
        form.locator("input[name=name]").fill(name)
        form.get_by_test_id("robot-flavour").select_option("dingtalk")
        form.locator("input[name=url]").fill(robot.url)
        form.get_by_test_id("robot-secret").fill(SECRET)
        # The site address is the one the page was opened from, and the form says why.
        expect(form.get_by_test_id("robot-site-url")).to_have_value(f"{server}/")
        expect(form).to_contain_text("群消息中的链接用它拼成完整地址")
        page.get_by_test_id("department-picker-search").press_sequentially("工业和信息化", delay=30)
        page.get_by_test_id("department-option").filter(has_text=BUREAU).first.click()
        page.get_by_test_id("webhook-save").click()
        row = page.get_by_test_id("webhook-row").filter(has_text=name)
        expect(row).to_contain_text(BUREAU)
        expect(row).to_contain_text("SEC******b7c8")
        expect(page.locator("main")).not_to_contain_text(SECRET)

        row.get_by_test_id("webhook-test").click()
        expect(page.locator(".messages")).to_contain_text("测试消息已送达")
        expect(page.locator(".messages")).to_contain_text('"errcode": 0')
        row = page.get_by_test_id("webhook-row").filter(has_text=name)
        expect(row.get_by_test_id("webhook-last-success")).to_have_text(
            re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
        )
        assert robot.refused == [] and "测试消息" in robot.received[0]["markdown"]["text"]

        # A demand from the enterprise, accepted and assigned to the bureau by the coordinator.
        title = f"原材料氧化铝运输受阻 {time.time_ns()}"
        page.context.clear_cookies()
        log_in(page, "demo-enterprise")
        page.get_by_test_id("workbench-file").click()
        case_form = page.get_by_test_id("case-form")
        case_form.locator("select[name=category]").select_option(label="原材料")
        case_form.locator("input[name=title]").fill(title)
        case_form.locator("textarea[name=description]").fill("受道路管控影响，氧化铝到厂延误三天。")
        page.get_by_test_id("submit-case").click()
        expect(page.get_by_test_id("case-status")).to_have_text("待受理")
        case_path = re.search(r"/cases/\d+/$", page.url)
        assert case_path
        page.context.clear_cookies()
        log_in(page, "demo-coordinator")
        page.goto(case_path.group(0))
        page.get_by_test_id("do-accept").click()
        expect(page.get_by_test_id("case-status")).to_have_text("已受理")
        page.get_by_test_id("do-assign").click()
        expect(page.get_by_test_id("lead-department")).to_have_text(BUREAU)

        body = _wait_for(robot, title)
        text = body["markdown"]["text"]
        assert body["markdown"]["title"].startswith("助企：新交办事项")
        assert text.startswith("### 【助企】新交办事项")
        assert "**企业**：联晟新材料" in text and f"**牵头部门**：{BUREAU}" in text
        # The deadline as the case page reads it: the day alone when due at its end (main 95ba7bf).
        assert re.search(r"\*\*办理时限\*\*：\d{4}-\d\d-\d\d( \d\d:\d\d)?\n", text)
        assert text.endswith(f"[查看详情]({server}{case_path.group(0)})")
        # Every message came signed (the robot refuses a wrong or missing signature).
        assert robot.refused == []
        assert all(query.get("sign") and query.get("timestamp") for query in robot.queries)

        # Taken out again, so the other browser tests' steps do not queue messages for it.
        page.goto("/notices/webhooks/")
        page.get_by_test_id("webhook-row").filter(has_text=name).get_by_role("button", name="删除").click()
        expect(page.get_by_test_id("webhook-table")).not_to_contain_text(name)
