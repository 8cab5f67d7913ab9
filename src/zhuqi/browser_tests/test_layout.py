"""Every main page, for the roles that see it, at a desktop (1366 px) and a phone (375 px) width:
nothing wider than the window, no text cut off, no date broken over two lines, no raw internal
value (an ISO timestamp, "∅") and no figure without thousands separators.

One browser, one context per role, one page reused for all of that role's pages, so the whole
walk costs a few seconds per width."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from zhuqi.browser_tests.conftest import CHROMIUM, CHROMIUM_FLAGS, log_in

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 667}}

# Detail pages are found from their list: the first link whose address matches.
FIRST = {
    "enterprise": ("/enterprises/", r"^/enterprises/\d+/$"),
    "case": ("/cases/?tab=all", r"^/cases/\d+/$"),
    "visit": ("/visits/", r"^/visits/\d+/$"),
    "project": ("/projects/", r"^/projects/\d+/$"),
    "agreement": ("/agreements/", r"^/agreements/\d+/$"),
}

PAGES_BY_ROLE: dict[str, list[str]] = {
    "demo-leader": [
        "/",
        "/enterprises/",
        "enterprise",
        "/cases/?tab=all",
        "case",
        "/cases/new",
        "/cases/figures/",
        "/visits/",
        "visit",
        "/visits/new/",
        "/visits/coverage/",
        "/projects/",
        "project",
        "/projects/figures/",
        "/agreements/",
        "agreement",
        "/notices/",
    ],
    "demo-coordinator": ["/", "/cases/?tab=waiting", "case", "/cases/common-problems/", "/visits/coverage/"],
    "demo-handler": ["/", "/cases/?tab=waiting", "case"],
    "demo-liaison": ["/", "/visits/liaison/", "/visits/liaison/log/", "/cases/new", "enterprise"],
    "demo-enterprise": ["/", "/cases/?tab=all", "case", "enterprise", "/notices/"],
    "demo-auditor": ["/", "/audit/", "/audit/?action=update", "/enterprises/"],
    "demo-admin": ["/audit/", "/calendar/"],
}

# Runs in the page: the problems a person would see, as short sentences.
CHECK = (Path(__file__).parent / "layout_check.js").read_text(encoding="utf-8")


def _first_link(page: Any, list_url: str, pattern: str) -> str | None:
    page.goto(list_url)
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((href for href in hrefs if re.match(pattern, href.split("?")[0])), None)


@pytest.fixture(scope="module")
def layout_browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_main_page_overflows_or_shows_raw_values(layout_browser: Any, server: str, width: str) -> None:
    found: dict[str, list[str]] = {}
    visited = 0
    for username, pages in PAGES_BY_ROLE.items():
        context = layout_browser.new_context(base_url=server, locale="zh-CN", viewport=WIDTHS[width])
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, username)
        for entry in pages:
            url: str | None = entry
            if entry in FIRST:
                url = _first_link(page, *FIRST[entry])
                assert url, f"{username}: no {entry} to open from {FIRST[entry][0]}"
            page.goto(url)
            page.wait_for_load_state("load")
            visited += 1
            problems = page.evaluate(CHECK)
            if problems:
                found[f"{username} {url}"] = problems[:8]
        context.close()
    assert visited > 30
    assert not found, f"at {WIDTHS[width]['width']}px:\n" + "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items()
    )
