"""The strict Content-Security-Policy in a real chromium: the main pages of every role open with no
violation reported (a refused inline script, handler or style, or htmx refusing to eval), and
what runs script still works under it: htmx swaps, the region tree, the confirmation before a
routing rule is deleted, the project charts and their tooltips."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in
from zhuqi.browser_tests.test_layout import FIRST, PAGES_BY_ROLE, _first_link

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts (Playwright injects it outside the policy).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
  ` at ${event.sourceFile || location.pathname}:${event.lineNumber}`));
document.addEventListener("htmx:evalDisallowedError", () => console.error(
  "CSP violation: htmx was asked to eval code (hx-on, js:, an hx-trigger condition)"));
"""

# Pages beyond the layout walk's: the ones whose scripts moved, the admin and the API docs.
MORE_PAGES = {
    "demo-admin": [
        "/regions/",
        "/cases/routing/",
        "/notices/webhooks/",
        "/admin/",
        "/admin/directory/user/",
        "/api/v1/docs",
    ],
    "demo-coordinator": [
        "/regions/",
        "/enterprises/",
        "/enterprises/import/",
        "/projects/figures/",
        "project",
        "/account/",
    ],
    "demo-enterprise": ["project"],
}


def watch(page: Any) -> list[str]:
    """What the page reports as refused by the policy, and any script error, as it happens."""
    problems: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        if message.type == "error" and ("CSP violation" in message.text or "Security Policy" in message.text):
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
    return problems


def open_page(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "content-security-policy" in response.headers, f"{url}: no Content-Security-Policy"
    page.wait_for_load_state("load")


def test_the_main_pages_of_every_role_run_under_the_policy(browser: Any, server: str) -> None:
    problems: list[str] = []
    visited = 0
    for username in sorted(set(PAGES_BY_ROLE) | set(MORE_PAGES)):
        context = browser.new_context(base_url=server, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        found = watch(page)
        log_in(page, username)
        for entry in PAGES_BY_ROLE.get(username, []) + MORE_PAGES.get(username, []):
            url = _first_link(page, *FIRST[entry]) if entry in FIRST else entry
            assert url, f"{username}: no {entry} to open"
            open_page(page, url)
            visited += 1
        page.wait_for_timeout(300)  # the API docs draw after load
        problems += [f"{username} {problem}" for problem in found]
        context.close()
    assert visited > 40
    assert problems == [], "\n".join(problems)


def test_searching_swaps_the_results_in(page: Any) -> None:
    problems = watch(page)
    log_in(page, "demo-coordinator")
    open_page(page, "/enterprises/")
    page.get_by_test_id("search").press_sequentially("lsxcl", delay=30)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("联晟新材料有限公司")
    assert problems == []


def test_the_region_tree_opens_and_folds(page: Any) -> None:
    problems = watch(page)
    log_in(page, "demo-admin")
    open_page(page, "/regions/")
    top = page.locator("#region-tree > li[data-code='150000']")  # 内蒙古: prefectures, then counties
    toggle = top.locator(":scope > .toggle")
    children = top.locator(":scope > ul.tree > li")
    expect(toggle).to_have_text("+")
    expect(children).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_text("−")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_attribute("aria-label", "收起")
    expect(children.first).to_be_visible()
    opened = children.count()
    assert opened >= 1
    # A child opens in turn (the swapped-in buttons are live too).
    inner = children.locator(":scope > .toggle[hx-get]").first
    inner.click()
    expect(inner).to_have_text("−")
    # Folding asks the server nothing and empties the branch; opening again brings it back.
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/children" in request.url else None)
    toggle.click()
    expect(children).to_have_count(0)
    expect(toggle).to_have_text("+")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.wait_for_timeout(300)
    assert asked == []
    toggle.click()
    expect(children).to_have_count(opened)
    assert problems == []


def test_deleting_a_routing_rule_asks_first(page: Any) -> None:
    problems = watch(page)
    log_in(page, "demo-admin")
    open_page(page, "/cases/routing/")
    forms = page.get_by_test_id("rule-delete")
    before = forms.count()
    assert before > 0
    # The demo's rules are shared with the other tests: the accepted deletion is caught on its
    # way out and answered with "nothing to show", so only the browser's side is exercised.
    sent: list[str] = []

    def catch(route: Any) -> None:
        if route.request.method == "POST":
            sent.append(route.request.post_data or "")
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/cases/routing/", catch)
    questions: list[str] = []

    def answer(accept: bool) -> None:
        def on_dialog(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", on_dialog)

    answer(accept=False)
    forms.first.locator("button").click()
    page.wait_for_timeout(300)
    assert questions == ["确定删除这条规则？"] and sent == []
    answer(accept=True)
    with page.expect_request(lambda request: request.method == "POST"):
        forms.first.locator("button").click()
    assert len(questions) == 2 and len(sent) == 1 and "delete=1" in sent[0]
    assert problems == []


def _hover_across(page: Any, chart: Any) -> None:
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    for share in (0.25, 0.5, 0.75):
        page.mouse.move(box["x"] + box["width"] * share, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(150)


def test_the_project_charts_draw_and_show_their_tooltips(page: Any) -> None:
    problems = watch(page)
    log_in(page, "demo-coordinator")
    page.goto("/projects/")
    page.get_by_role("link", name="联晟新材料高端铝箔项目").click()
    chart = page.get_by_test_id("investment-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    _hover_across(page, chart)
    open_page(page, "/projects/figures/")
    chart = page.get_by_test_id("project-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    _hover_across(page, chart)
    # The tooltip is drawn, on the canvas: ECharts reports it shown.
    shown = page.evaluate(
        """() => new Promise((resolve) => {
             const chart = echarts.getInstanceByDom(document.getElementById("project-chart"));
             chart.on("showTip", () => resolve(true));
             chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
             setTimeout(() => resolve(false), 2000);
           })"""
    )
    assert shown is True
    assert problems == []
