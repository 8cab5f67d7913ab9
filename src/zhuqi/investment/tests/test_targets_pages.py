"""Target pages through the test client: from a gap's link to a registered target, advanced to
signed with an agreement, shown on the chain's investment map and in its export."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client
from django.utils import timezone

from zhuqi.core.panels import context as panel_context
from zhuqi.directory.models import User
from zhuqi.investment import services
from zhuqi.investment.models import Agreement, Target
from zhuqi.investment.services import AgreementData
from zhuqi.testing.factories import Cast, make_chain


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _agreement(cast: Cast) -> Agreement:
    return services.agreement_create(
        actor=cast.coordinator,
        data=AgreementData(
            title="高端铝箔项目投资协议",
            kind="investment",
            counterparty_name="江苏鼎胜新能源材料股份有限公司",
            our_party_name="霍林郭勒市人民政府",
            region_code="150581",
            signed_on=timezone.localdate(),
        ),
    )


def test_from_a_gap_to_a_signed_target_on_the_map(cast: Cast) -> None:
    chain = make_chain(cast)
    gap = chain.segment_list[-1]
    client = client_for(cast.coordinator)
    url = f"/targets/new/?chain={chain.pk}&segment={gap.pk}"
    form = client.get(url).content.decode()
    assert f'<option value="{gap.pk}" selected>' in form and "缺口" in form
    refused = client.post(url, {"segment": str(gap.pk), "name": "", "expected_investment": "2亿元"})
    assert refused.status_code == 200 and "目标企业：必填" in refused.content.decode()
    assert not Target.objects.exists()
    response = client.post(
        url,
        {
            "segment": str(gap.pk),
            "name": "江苏鼎胜新能源材料股份有限公司",
            "origin": "江苏省镇江市",
            "expected_investment": "200000",
            "department": str(cast.handler.department_id),
            "next_step": "赴镇江拜访",
            "next_step_on": "2026-12-20",
        },
    )
    target = Target.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/targets/{target.pk}/"
    detail = client.get(f"/targets/{target.pk}/").content.decode()
    assert "已识别" in detail and 'data-testid="advance-form"' in detail and "200,000" in detail
    agreement = _agreement(cast)
    refused = client.post(
        f"/targets/{target.pk}/advance", {"version": "1", "status": "signed", "agreement": ""}
    )
    assert "签约须选择所签的合作协议" in refused.content.decode()
    client.post(
        f"/targets/{target.pk}/advance",
        {"version": "1", "status": "signed", "agreement": str(agreement.pk), "note": "签约仪式"},
    )
    target.refresh_from_db()
    assert target.status == "signed" and target.agreement_id == agreement.pk
    detail = client.get(f"/targets/{target.pk}/").content.decode()
    assert agreement.title in detail and "签约仪式" in detail  # the timeline's entry
    page = client.get(f"/targets/map/?chain={chain.pk}").content.decode()
    assert page.count('data-testid="gap-segment"') == 3  # no members: every segment is a gap
    assert "江苏鼎胜新能源材料股份有限公司" in page and "已签约" in page
    assert f"/targets/new/?chain={chain.pk}&amp;segment={gap.pk}" in page
    export = client.get(f"/targets/map/export.xlsx?chain={chain.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("环节", "缺口", "目标企业")
    assert ("高端铝箔", "本地无企业", "江苏鼎胜新能源材料股份有限公司") in [row[:3] for row in rows]
    assert len(rows) == 4  # the header, two gaps without a target, one target
    assert client.get("/targets/").status_code == 200
    edit = client.post(
        f"/targets/{target.pk}/edit/",
        {"version": str(target.version), "segment": str(gap.pk), "name": "鼎胜新材", "department": ""},
    )
    assert edit.status_code == 302 and Target.objects.get().name == "鼎胜新材"


def test_outsiders_and_readers(cast: Cast) -> None:
    chain = make_chain(cast)
    target = Target.objects.create(
        chain=chain,
        segment=chain.segment_list[0],
        name="外地企业",
        department_id=cast.handler.department_id,
        status_changed_at=timezone.now(),
    )
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/targets/{target.pk}/").status_code == 404
    assert outsider.get(f"/targets/map/?chain={chain.pk}").status_code == 404
    assert outsider.get(f"/targets/new/?chain={chain.pk}").status_code == 404
    leader = client_for(cast.leader)
    assert leader.get(f"/targets/new/?chain={chain.pk}").status_code == 403
    page = leader.get(f"/targets/{target.pk}/").content.decode()
    assert "外地企业" in page and 'data-testid="advance-form"' not in page
    assert 'data-testid="add-target"' not in leader.get(f"/targets/map/?chain={chain.pk}").content.decode()
    assert client_for(cast.enterprise_user).get(f"/targets/{target.pk}/").status_code == 404
    assert client_for(cast.coordinator).get("/targets/map/").status_code == 404  # no chain named


def test_the_chain_page_panel(cast: Cast) -> None:
    chain = make_chain(cast)
    context = panel_context("chain-detail", cast.coordinator, chain)
    assert "investment/targets/chain_panel.html" in context["panel_templates"]
    assert context["targets_panel"]["chain_id"] == chain.pk
