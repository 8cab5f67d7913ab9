"""Key projects in the browser, against the demo server: the owner adds a weekly report with a
problem and sees the case it became; a project past its planned start shows its flag; the
project page draws its investment chart with the ECharts the app serves."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_weekly_report_with_a_problem_becomes_a_case(page: Any) -> None:
    problem = f"厂区道路施工影响设备进场 {time.time_ns()}"
    log_in(page, "demo-enterprise")
    page.goto("/projects/")
    page.get_by_role("link", name="联晟新材料高端铝箔项目").click()
    expect(page.get_by_test_id("investment-chart").locator("canvas")).to_have_count(1)
    page.get_by_test_id("project-report").click()
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=progress]").fill("冷轧机调试完成，箔轧机进入联调。")
    page.get_by_test_id("investment-this-period").fill("2800")
    page.get_by_test_id("problem-1-title").fill(problem)
    page.get_by_test_id("problem-1-category").select_option(label="物流")
    page.get_by_test_id("report-submit").click()
    expect(page.locator(".messages")).to_contain_text("已转为事项")
    cases = page.get_by_test_id("project-cases")
    expect(cases).to_contain_text(problem)
    cases.get_by_role("link", name=problem).click()
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")


def test_a_project_past_its_planned_start_is_flagged(page: Any) -> None:
    log_in(page, "demo-coordinator")
    page.goto("/projects/")
    row = page.get_by_test_id("project-row").filter(has_text="霍林郭勒市增量配电网项目")
    expect(row.get_by_test_id("flag-late_start")).to_have_text("未按期开工")
    page.get_by_test_id("filter-flag").select_option("late_start")
    expect(page.get_by_test_id("project-table")).to_contain_text("霍林郭勒市增量配电网项目")
    expect(page.get_by_test_id("project-table")).not_to_contain_text("联晟新材料高端铝箔项目")
    page.get_by_role("link", name="霍林郭勒市增量配电网项目").click()
    expect(page.get_by_test_id("flag-late_start")).to_be_visible()
    expect(page.get_by_test_id("stage-road")).to_contain_text("已过计划日期")
