"""Common problems in the browser, against the demo server: each case says which words it shares
with its group; the coordinator splits one out (a row's button posting its group's form) and
undoes it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser

URL = "/cases/common-problems/?min_enterprises=2"


def test_a_coordinator_splits_a_case_out_of_its_group_and_undoes_it(page: Any) -> None:
    log_in(page, "demo-coordinator")
    page.goto(URL)
    group = page.get_by_test_id("common-problem").filter(has_text="留抵退税").first
    expect(group.get_by_test_id("shared-terms").first).to_contain_text("留抵退税")
    title = group.locator("tbody tr").first.locator("td").nth(1).inner_text()
    group.get_by_test_id("split").first.click()
    expect(page.locator(".messages")).to_contain_text("拆出该共性问题")
    splits = page.get_by_test_id("grouping-splits")
    expect(splits).to_contain_text(title)
    for problem in page.get_by_test_id("common-problem").all():
        expect(problem).not_to_contain_text(title)

    splits.get_by_test_id("undo-split").first.click()
    expect(page.locator(".messages")).to_contain_text("已撤销拆分")
    expect(page.get_by_test_id("grouping-splits")).to_have_count(0)
    expect(page.get_by_test_id("common-problem").filter(has_text="留抵退税").first).to_contain_text(title)
