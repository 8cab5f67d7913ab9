"""Published reports in the browser, against the demo server: the office uploads sample 000 on
the inbox, opens its review (the original with the removals struck through beside the fields and
their matches), answers what the page asks, confirms, and sees the visit with its instruction
cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in

pytestmark = pytest.mark.browser

SAMPLE = next((Path(__file__).resolve().parents[1] / "ingest" / "tests" / "data").glob("000_*.txt"))


def test_upload_sample_000_review_confirm_and_see_the_visit(page: Any) -> None:
    log_in(page, "demo-coordinator")
    page.goto("/reports/")
    form = page.get_by_test_id("upload-form")
    form.locator("input[name=uploads]").set_input_files(str(SAMPLE))
    form.locator("input[name=published_on]").fill("2022-06-22")
    page.get_by_test_id("upload-submit").click()
    summary = page.get_by_test_id("upload-summary")
    expect(summary).to_contain_text("新建待确认 1 篇")
    summary.get_by_test_id("upload-draft").get_by_role("link").click()

    expect(page.locator("h1")).to_have_text("孟宪东到霍林郭勒市调研重点项目建设和中小微企业发展情况")
    expect(page.get_by_test_id("original-text").get_by_test_id("removed").first).to_be_visible()
    expect(page.get_by_test_id("cleaned-text")).to_be_hidden()
    page.get_by_test_id("view-cleaned").click()
    expect(page.get_by_test_id("cleaned-text")).to_be_visible()
    expect(page.get_by_test_id("cleaned-text")).to_contain_text("调研")
    lead = page.get_by_test_id("officials").locator('[data-mention="孟宪东"]')
    expect(lead).to_contain_text("通辽市委书记")

    # Whatever the page asks (an ambiguous name): the first candidate, as a person would pick.
    for select in page.get_by_test_id("confirm-form").locator(".mention-ambiguous select").all():
        select.select_option(index=1)
    page.get_by_test_id("confirm-submit").click()
    # The demo has this visit already (2022-06, 孟宪东, 联晟): the page asks whether it is another.
    if page.get_by_test_id("likely-duplicates").count():
        for select in page.get_by_test_id("confirm-form").locator(".mention-ambiguous select").all():
            select.select_option(index=1)
        page.get_by_test_id("confirm-duplicate").check()
        page.get_by_test_id("confirm-submit").click()

    expect(page.locator(".messages")).to_contain_text("已确认")
    expect(page.locator("h1")).to_contain_text("孟宪东")
    cases = page.get_by_test_id("visit-case")
    expect(cases.first).to_be_visible()
    assert cases.count() >= 3
    expect(page.get_by_test_id("visit-cases")).to_contain_text("交办")
