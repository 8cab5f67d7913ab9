"""The demo as a county office sees it first: names that read like a registry's, and the
enterprise account finding its own agreement."""

from __future__ import annotations

import re

from django.test import Client

from zhuqi.demo import dataset
from zhuqi.enterprises.models import Enterprise

# 行政区划 + 字号 + 行业表述 + 组织形式, nothing else: no stray punctuation, digits or cut-off names.
REGISTRY_NAME = re.compile(r"^[\u4e00-\u9fff（）()]+(有限公司|有限责任公司|股份有限公司)$")


def test_the_demo_reads_like_a_real_county(db) -> None:
    dataset.load()
    names = list(Enterprise.objects.values_list("name", "region__name", "region__parent__name"))
    assert len(names) > 300
    odd = [name for name, _, _ in names if not REGISTRY_NAME.match(name) or "、" in name]
    assert not odd, odd[:10]
    # A generated name starts with a whole place name: its county-level city, county or banner,
    # its city, or the province; never a cut one ("霍林郭东升…").
    named = {enterprise.name for enterprise in dataset.NAMED_ENTERPRISES}
    places = ("内蒙古", "山西", "辽宁")
    for name, county, city in names:
        assert name in named or name.startswith((county, city or county, *places)), name
    assert not [name for name, _, _ in names if name.startswith("霍林郭") and name[3] != "勒"]

    client = Client()
    assert client.login(username="demo-enterprise", password=dataset.DEMO_PASSWORD)
    page = client.get("/agreements/").content.decode()
    summary = page.split('data-testid="agreement-summary"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<strong>1</strong>(<br>)?<span class=\"muted\">签约协议", summary), summary
    assert "联晟新材料高端铝箔项目投资协议" in page
    assert "落地率" not in summary  # the funnel's rates are the region's figures, not the enterprise's
