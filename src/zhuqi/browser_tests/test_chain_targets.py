"""Investment targets in the browser, against the demo server: from a gap segment of a chain the
office registers an outside enterprise it wants to attract, moves it to 已签约 choosing the
agreement signed, and sees it so on the chain's investment map (招商地图)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from zhuqi.browser_tests.conftest import log_in, server_shell
from zhuqi.browser_tests.test_pickers import pick

pytestmark = pytest.mark.browser

# A chain of Huolinguole with no member yet (every segment a gap), and a signed agreement.
SETUP = """
import json
from django.utils import timezone
from zhuqi.chains import services as chains
from zhuqi.directory.models import User
from zhuqi.investment import services as investment

token = "{token}"
office = User.objects.get(username="demo-coordinator")
chain = chains.chain_create(
    actor=office, data=chains.ChainData(name=f"铝精深加工链{{token}}", region_code="150581")
)
parent = None
for index, name in enumerate(("电解铝", "铝板带", "电池铝箔")):
    parent = chains.segment_create(actor=office, chain_id=chain.pk, data=chains.SegmentData(
        name=name, parent_id=parent.pk if parent else None, position=index))
agreement = investment.agreement_create(actor=office, data=investment.AgreementData(
    title=f"电池铝箔项目投资协议{{token}}", kind="investment",
    counterparty_name="江苏鼎胜新能源材料股份有限公司", our_party_name="霍林郭勒市人民政府",
    region_code="150581", signed_on=timezone.localdate(),
))
print(json.dumps({{"chain": chain.pk, "segment": parent.pk, "agreement": agreement.title}}))
"""


def test_add_a_target_from_a_gap_and_sign_it_with_an_agreement(page: Any) -> None:
    token = str(time.time_ns())[-8:]
    made = json.loads(server_shell(SETUP.format(token=token)).strip().splitlines()[-1])
    chain, segment = made["chain"], made["segment"]
    gap_link = f"/targets/new/?chain={chain}&segment={segment}"
    name = f"江苏鼎胜新能源材料股份有限公司{token}"

    log_in(page, "demo-coordinator")
    # The chain's page: its gaps (the panorama's red nodes and the table under it) link to the form.
    page.goto(f"/chains/{chain}/")
    page.locator(f'a[href="{gap_link}"]').first.click()
    page.wait_for_url(lambda url: "/targets/new/" in url)

    form = page.get_by_test_id("target-form")
    expect(form.get_by_test_id("target-segment")).to_have_value(str(segment))
    form.get_by_test_id("target-name-input").fill(name)
    form.locator("input[name=origin]").fill("江苏省镇江市")
    form.locator("input[name=expected_investment]").fill("200000")
    form.locator("input[name=next_step]").fill("赴镇江拜访企业总部")
    pick(page, "department-picker-search", "gyhxx", "department-option", "霍林郭勒市工业和信息化局")
    page.get_by_test_id("target-save").click()
    expect(page.get_by_test_id("target-name")).to_have_text(name)
    expect(page.get_by_test_id("target-status")).to_have_text("已识别")

    advance = page.get_by_test_id("advance-form")
    advance.get_by_test_id("advance-status").select_option("signed")
    pick(page, "agreement-picker-search", token, "agreement-option", made["agreement"])
    expect(page.get_by_test_id("agreement-picker")).to_contain_text(made["agreement"])
    advance.locator("input[name=note]").fill("在呼和浩特签约")
    page.get_by_test_id("advance-submit").click()
    expect(page.get_by_test_id("target-status")).to_have_text("已签约")
    expect(page.get_by_test_id("target-agreement")).to_contain_text(made["agreement"])
    expect(page.get_by_test_id("target-timeline")).to_contain_text("在呼和浩特签约")

    page.goto(f"/targets/map/?chain={chain}")
    card = page.locator(f'[data-testid=gap-segment][data-segment="{segment}"]')
    expect(card.get_by_test_id("map-target")).to_contain_text(name)
    expect(card.get_by_test_id("map-target-status")).to_have_text("已签约")
