"""Agreement and figures pages through the test client."""

from __future__ import annotations

import datetime

from django.test import Client

from zhuqi.directory.models import User
from zhuqi.investment.models import Agreement, FundsInPlace
from zhuqi.projects.models import Stage
from zhuqi.testing.factories import Cast, make_project


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_land_and_fund_an_agreement(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    refused = client.post(
        "/agreements/new",
        {
            "title": "东方电气战略合作框架协议",
            "kind": "strategic",
            "region": "150581",
            "amount": "100",
            "amount_unit": "亿元",
        },
    ).content.decode()
    assert "签约日期" in refused and "金额性质" in refused and not Agreement.objects.exists()
    response = client.post(
        "/agreements/new",
        {
            "title": "东方电气战略合作框架协议",
            "kind": "strategic",
            "counterparty_name": "中国东方电气集团有限公司",
            "our_party_name": "内蒙古能源集团有限公司",
            "region": "150581",
            "signed_on": "2026-02-18",
            "amount": "100",
            "amount_unit": "亿元",
            "amount_nature": "planned_investment",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and agreement.amount == 1_000_000
    project = make_project(name="新能源装备制造基地", stage=Stage.STARTED)
    client.post(f"/agreements/{agreement.pk}/projects", {"project": [str(project.pk)]})
    client.post(f"/agreements/{agreement.pk}/funds", {"on": "2026-06-01", "amount": "2", "unit": "亿元"})
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "新能源装备制造基地" in page and "已开工" in page
    assert FundsInPlace.objects.get().amount == 20000
    listing = client.get("/agreements/?status=started").content.decode()
    assert "东方电气战略合作框架协议" in listing
    assert (
        "东方电气"
        not in client.get("/agreements/?status=signed").content.decode().split("agreement-table")[1]
    )


def test_figures_page_shows_both_tables(cast: Cast) -> None:
    make_project(
        planned_started_on=datetime.date(2026, 3, 1),
        started_on=datetime.date(2026, 3, 5),
        stage=Stage.STARTED,
    )
    page = (
        client_for(cast.coordinator)
        .get("/projects/figures/?year=2026&by=2026-06-30&group_by=level")
        .content.decode()
    )
    assert 'data-testid="project-figures"' in page and 'data-testid="agreement-figures"' in page
    assert "100%" in page and 'data-testid="project-chart"' in page
    bad = client_for(cast.coordinator).get("/projects/figures/?year=2026&by=2025-01-01").content.decode()
    assert "截止日期应在 2026 年内" in bad
