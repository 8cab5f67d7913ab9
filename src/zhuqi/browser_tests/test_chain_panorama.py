"""A chain's panorama in the browser, against the demo server: the chart is drawn from the
server's layout, the customer and supplier links come on demand, and a click on a gap (an empty
segment) leads to the form for an investment target in that segment."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in, server_shell

pytestmark = pytest.mark.browser

# Made through the services on the server's database: the demo has no chain of its own yet.
PREPARE = """
from zhuqi.chains import services as s
from zhuqi.chains.models import Role, SegmentKind
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
actor = User.objects.get(username="demo-coordinator")
chain = s.chain_create(actor=actor, data=s.ChainData(name="{name}", region_code=actor.region_id))
smelting = s.segment_create(actor=actor, chain_id=chain.pk, data=s.SegmentData(name="电解铝"))
foil = s.segment_create(actor=actor, chain_id=chain.pk, data=s.SegmentData(
    name="高端铝箔", parent_id=smelting.pk))
anode = s.segment_create(actor=actor, chain_id=chain.pk, data=s.SegmentData(
    name="铝用阳极", parent_id=smelting.pk, kind=SegmentKind.SUPPORTING))
first, second = Enterprise.objects.filter(region_id=actor.region_id).order_by("pk")[:2]
s.member_add(actor=actor, chain_id=chain.pk, data=s.MemberData(
    segment_id=smelting.pk, enterprise_id=first.pk, role=Role.OWNER, output_value="900000"))
s.member_add(actor=actor, chain_id=chain.pk, data=s.MemberData(
    segment_id=foil.pk, enterprise_id=second.pk, role=Role.LEADING, output_value="120000"))
s.link_add(actor=actor, chain_id=chain.pk, data=s.LinkData(
    product="铝液", supplier_id=first.pk, customer_id=second.pk))
print(chain.pk, anode.pk)
"""

# The pixel of the first gap node on the chart's canvas, from the chart the page drew.
GAP_PIXEL = """(box) => {
  const chart = window.echarts.getInstanceByDom(box);
  const gap = chart.getOption().series[0].data.find((node) => node.gap);
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [gap.x, gap.y]);
  return {x, y, name: gap.name, url: gap.url};
}"""


def test_open_the_panorama_show_links_and_click_a_gap(page: Any) -> None:
    chain_id, anode_id = server_shell(PREPARE.replace("{name}", f"铝产业链{time.time_ns()}")).split()[-2:]
    log_in(page, "demo-coordinator")
    page.goto("/chains/")
    page.get_by_test_id("chain-link").filter(has_text="铝产业链").last.click()
    expect(page).to_have_url(re.compile(rf"/chains/{chain_id}/$"))
    chart = page.get_by_test_id("panorama")
    expect(chart).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    expect(chart.locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("panorama-status")).to_contain_text("其中缺口 1 个")
    expect(page.get_by_test_id("gap-row")).to_contain_text("铝用阳极")

    page.get_by_test_id("panorama-links").check()
    expect(chart).to_have_attribute("data-links", "1")
    expect(page.get_by_test_id("panorama-status")).to_contain_text("关联关系 1 条")

    chart.scroll_into_view_if_needed()
    gap = chart.evaluate(GAP_PIXEL)
    assert gap["name"] == "铝用阳极"
    box = chart.bounding_box()
    page.mouse.click(box["x"] + gap["x"], box["y"] + gap["y"])
    # The target form belongs to the investment app: the address is what this test holds.
    page.wait_for_url(re.compile(rf"/targets/new/\?chain={chain_id}&segment={anode_id}$"))
