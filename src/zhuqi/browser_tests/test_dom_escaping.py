"""What the page scripts build from a picked answer stays text: an enterprise named with a
double quote in it (`锦联" onmouseover="…`) once ended the visit form's `data-name="…"` attribute
and added a handler of its own, because the scripts escaped by a text node's innerHTML, which
leaves quotes alone.

No server is needed: the real scripts and the real row template are loaded into a blank page,
and a picked answer is clicked as a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).resolve().parents[1]
NAME = '锦联" onmouseover="window.hacked=1" data-x="<b>\'&'


@pytest.fixture
def blank(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_a_picked_enterprise_name_becomes_an_attribute_value_not_markup(blank: Any) -> None:
    row = render_to_string("visits/attendance_row.html", {"template": True})
    blank.set_content(
        '<div id="attendance"></div>'
        f'<template id="attendance-template">{row}</template>'
        # The answers' list, emptied once one is picked.
        f'<div><button data-pick="enterprises" data-id="7" data-label="{escape(NAME)}"'
        f' data-detail="{escape(NAME)}">pick</button></div>'
    )
    blank.add_script_tag(path=str(SOURCE / "visits/static/visits/visit_form.js"))
    blank.click("[data-pick]")
    added = blank.locator("[data-testid=attendance-row]")
    assert added.count() == 1
    assert added.get_attribute("data-name") == NAME
    assert added.get_attribute("onmouseover") is None
    assert added.locator("b").count() == 0
    assert NAME in added.inner_text()


def test_a_picked_answer_becomes_a_chip_of_text(blank: Any) -> None:
    blank.set_content(
        '<div data-picker data-name="officials" data-multiple>'
        "<span data-picker-chips></span><input data-picker-search>"
        f'<div data-picker-options><button data-picker-option data-value="{escape(NAME)}"'
        f' data-label="{escape(NAME)}">pick</button></div></div>'
    )
    blank.add_script_tag(path=str(SOURCE / "core/static/zhuqi/picker.js"))
    blank.click("[data-picker-option]")
    hidden = blank.locator(".chip input[type=hidden]")
    assert hidden.get_attribute("value") == NAME
    assert hidden.get_attribute("onmouseover") is None
    assert blank.locator(".chip b").count() == 0
    assert NAME in blank.locator(".chip").inner_text()
