"""Agreement and figures pages through the test client."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.test import Client

from zhuqi.directory.models import Region, User
from zhuqi.investment import services
from zhuqi.investment.models import Agreement, FundsInPlace
from zhuqi.investment.services import AgreementData
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
    client.post(f"/agreements/{agreement.pk}/projects", {"project": [str(project.pk)], "version": "1"})
    client.post(
        f"/agreements/{agreement.pk}/funds",
        {"on": "2026-06-01", "amount": "2", "unit": "亿元", "version": "2"},
    )
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


def _agreement(client: Client, title: str, region: str, signed_on: str) -> Agreement:
    response = client.post(
        "/agreements/new",
        {
            "title": title,
            "kind": "investment",
            "counterparty_name": "中国东方电气集团有限公司",
            "our_party_name": "霍林郭勒市人民政府",
            "region": region,
            "signed_on": signed_on,
            "amount": "18",
            "amount_unit": "亿元",
            "amount_nature": "planned_investment",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Agreement.objects.get(title=title)


def test_the_register_exports_to_excel_with_the_page_filters_and_amounts_in_wan_yuan(cast: Cast) -> None:
    import io

    import openpyxl

    client = client_for(cast.coordinator)
    landed = _agreement(client, "风电装备制造投资协议", "150581", "2026-02-18")
    _agreement(client, "铝精深加工投资协议", "150581", "2025-05-01")
    landed.projects.add(make_project(name="风电装备制造基地", stage=Stage.STARTED))

    response = client.get("/agreements/export.xlsx", {"year": "2026"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["合作协议"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the year filter holds
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["协议名称"] == "风电装备制造投资协议" and row["协议金额(万元)"] == 180_000
    assert row["签约日期"].date() == datetime.date(2026, 2, 18)
    assert row["落地情况"] == "已开工" and row["落地项目"] == "风电装备制造基地"
    # The list page links to the export with the same filters.
    assert (
        "/agreements/export.xlsx?year=2026" in client.get("/agreements/", {"year": "2026"}).content.decode()
    )
    # Out of scope: Datong's coordinator gets an empty register.
    other = client_for(cast.outsider).get("/agreements/export.xlsx")
    assert (
        list(openpyxl.load_workbook(io.BytesIO(other.content))["合作协议"].iter_rows(values_only=True))[1:]
        == []
    )


def test_an_agreement_names_only_the_projects_the_reader_may_see(cast: Cast) -> None:
    """An agreement signed in Huolinguole that landed as a project in Datong: the Huolinguole
    coordinator sees the agreement but gets 404 for the Datong project, so neither the page, the
    API nor the export names it; re-saving the list keeps it linked."""
    agreement = services.agreement_create(
        actor=cast.admin,
        data=AgreementData(
            title="大同煤化工合作协议",
            kind="strategic",
            counterparty_name="大同某集团",
            our_party_name="霍林郭勒市人民政府",
            region_code="150581",
            signed_on=datetime.date(2026, 2, 15),
        ),
    )
    ours = make_project(name="霍林郭勒铝深加工项目")
    theirs = make_project(name="大同煤制烯烃项目", region=Region.objects.get(pk="140200"))
    agreement.projects.set([ours, theirs])
    client = client_for(cast.coordinator)
    assert client.get(f"/projects/{theirs.pk}/").status_code == 404
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "霍林郭勒铝深加工项目" in page and "大同煤制烯烃项目" not in page
    assert "另有 1 个项目不在您的范围内" in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/agreements/export.xlsx").content)).active
    assert sheet is not None
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "霍林郭勒铝深加工项目" in cells and not any("大同煤制烯烃项目" in cell for cell in cells)
    assert "大同煤制烯烃项目" in client_for(cast.admin).get(f"/agreements/{agreement.pk}/").content.decode()

    client.post(f"/agreements/{agreement.pk}/projects", {"project": [str(ours.pk)], "version": "1"})
    assert set(agreement.projects.all()) == {ours, theirs}
    client.post(f"/agreements/{agreement.pk}/projects", {"project": [], "version": "1"})
    assert set(Agreement.objects.get(pk=agreement.pk).projects.all()) == {theirs}
    assert Agreement.objects.get(pk=agreement.pk).version == 2
