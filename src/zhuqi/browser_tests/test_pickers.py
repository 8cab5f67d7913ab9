"""The shared search picker in the browser, against the demo server: a county coordinator files
an instruction, picking the leader who gave it, its region and its lead department by pinyin
initials; and the forms that carry pickers fit a desktop and a phone without overflowing."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser

# Set to a directory to keep the screenshots for a person to look at.
SCREENSHOTS = os.environ.get("ZHUQI_SCREENSHOT_DIR", "")


def pick(page: Any, search_testid: str, typed: str, option_testid: str, text: str) -> None:
    page.get_by_test_id(search_testid).press_sequentially(typed, delay=30)
    page.get_by_test_id(option_testid).filter(has_text=text).first.click()


def test_file_an_instruction_picking_the_leader_region_and_department_by_pinyin(page: Any) -> None:
    title = f"协调解决铝箔项目铁路专用线用地 {time.time_ns()}"
    log_in(page, "demo-coordinator")
    page.goto("/cases/new?kind=instruction")
    form = page.get_by_test_id("case-form")
    form.locator("select[name=category]").select_option(label="融资")
    form.locator("input[name=title]").fill(title)
    form.locator("summary").click()
    form.locator("select[name=source]").select_option("meeting")
    pick(page, "issued_by-picker-search", "mxd", "official-option", "孟宪东")
    expect(page.get_by_test_id("issued_by-picker")).to_contain_text("孟宪东")
    pick(page, "region-picker-search", "hlgl", "region-option", "霍林郭勒市")
    expect(page.get_by_test_id("region-picker")).to_contain_text("霍林郭勒市")
    pick(page, "lead_department-picker-search", "czj", "department-option", "霍林郭勒市财政局")
    # A second pick replaces the first in a one-value picker; × takes it out.
    expect(page.get_by_test_id("lead_department-picker").locator(".chip")).to_have_count(1)
    page.get_by_test_id("submit-case").click()

    expect(page.get_by_test_id("case-status")).to_have_text("已交办")
    main = page.locator("main")
    expect(main).to_contain_text(title)
    expect(main).to_contain_text("霍林郭勒市财政局")


def _overflowing(page: Any) -> list[str]:
    """Elements wider than the window (the page scrolls sideways), by tag and text."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const found = [];
          for (const element of document.querySelectorAll("main form:has([data-picker]) *")) {
            const box = element.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) {
              found.push(element.tagName + " " + (element.textContent || "").trim().slice(0, 30));
            }
          }
          return found;
        }"""
    )


@pytest.mark.parametrize("width", [1366, 375])
def test_the_forms_with_pickers_fit_the_screen(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "demo-coordinator")
    forms = {
        "case-form": "/cases/new?kind=instruction",
        "visit-form": "/visits/new/",
        "project-form": "/projects/new",
        "agreement-form": "/agreements/new",
        "case-figures": "/cases/figures/",
        "enterprise-list": "/enterprises/",
    }
    for name, url in forms.items():
        page.goto(url)
        details = page.locator("main details summary")
        if details.count():
            details.first.click()
        searches = page.locator("[data-picker-search]")
        expect(searches.first).to_be_visible()
        # Open the first picker, so its answers are on the picture too.
        searches.first.press_sequentially("h", delay=30)
        expect(page.locator("[data-picker-option]").first).to_be_visible()
        assert _overflowing(page) == [], f"{url} at {width}px"
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
