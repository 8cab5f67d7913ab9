"""A chain's tables and the all-chains comparison in Excel, read back with openpyxl: Chinese
headers, the reader's members only, contacts masked for those who may not see them, a formula
typed as a name kept as text."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from zhuqi.chains import figures, services
from zhuqi.chains.models import ItemKind
from zhuqi.chains.tests.test_panorama import aluminium, tongliao_chain
from zhuqi.directory.models import User
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_of(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def test_the_leading_and_supporting_enterprises(cast: Cast) -> None:
    chain = aluminium(cast)
    client = client_for(cast.coordinator)
    rows = sheet_of(client.get(f"/chains/{chain.pk}/export/leading.xlsx"))
    assert rows[0][:7] == [
        "环节",
        "企业名称",
        "统一社会信用代码",
        "所在地区",
        "链上地位",
        "主要产品",
        "产值(万元)",
    ]
    leading = as_dicts(rows)
    assert [(r["企业名称"], r["链上地位"], r["环节"], r["产值(万元)"]) for r in leading] == [
        (cast.neighbour.name, "龙头企业", "铝板带箔", 300),
        (cast.home.name, "链主企业", "高端铝箔", 120000),
    ]
    assert leading[1]["统一社会信用代码"] == cast.home.uscc and leading[1]["联系电话"] == "13912345678"
    assert sheet_of(client.get(f"/chains/{chain.pk}/export/supporting.xlsx"))[1:] == []
    everyone = as_dicts(sheet_of(client.get(f"/chains/{chain.pk}/export/members.xlsx")))
    assert {r["企业名称"] for r in everyone} == {cast.home.name, cast.neighbour.name}
    assert client.get(f"/chains/{chain.pk}/export/nonsense.xlsx").status_code == 404


def test_contacts_masked_and_a_county_gets_only_its_own(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    # The leader may not see contact people: masked as on the enterprise export.
    leader = as_dicts(sheet_of(client_for(cast.leader).get(f"/chains/{chain.pk}/export/members.xlsx")))
    assert {r["企业名称"] for r in leader} == {cast.home.name, cast.tongliao.name}
    assert all(r["联系电话"] != "13912345678" and "*" in r["联系电话"] for r in leader)
    assert all(r["联系人"] != "张建国" for r in leader)
    county = as_dicts(sheet_of(client_for(cast.coordinator).get(f"/chains/{chain.pk}/export/members.xlsx")))
    assert [r["企业名称"] for r in county] == [cast.home.name]
    assert client_for(cast.outsider).get(f"/chains/{chain.pk}/export/links.xlsx").status_code == 404


def test_the_associated_customers(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    links = as_dicts(sheet_of(client_for(cast.leader).get(f"/chains/{chain.pk}/export/links.xlsx")))
    assert {(r["供应方"], r["客户"], r["产品"], r["客户类别"]) for r in links} == {
        (cast.tongliao.name, cast.home.name, "铝液", "本地企业"),
        (cast.home.name, "宁德时代新能源科技股份有限公司", "电池铝箔", "外地企业"),
    }
    foil = next(r for r in links if r["产品"] == "电池铝箔")
    assert foil["年供应量"] == 1200 and foil["计量单位"] == "吨"
    # The county does not get the link from the Horqin enterprise.
    county = as_dicts(sheet_of(client_for(cast.coordinator).get(f"/chains/{chain.pk}/export/links.xlsx")))
    assert [r["产品"] for r in county] == ["电池铝箔"]


def test_each_maintained_list(cast: Cast) -> None:
    chain = aluminium(cast)
    foil = chain.segment_list[2]
    services.item_create(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.ItemData(
            kind=ItemKind.WEAKNESS,
            title='=HYPERLINK("http://x","点击")',
            segment_id=foil.pk,
            department_id=cast.handler.department_id,
            progress="已对接两家企业",
        ),
    )
    services.item_create(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.ItemData(kind=ItemKind.STRENGTH, title="高端铝箔扩能"),
    )
    client = client_for(cast.coordinator)
    weak = as_dicts(sheet_of(client.get(f"/chains/{chain.pk}/export/weakness.xlsx")))
    assert weak == [
        {
            "序号": 1,
            "清单事项": '=HYPERLINK("http://x","点击")',  # text, never a live formula
            "环节": "高端铝箔",
            "具体内容": None,
            "责任部门": "霍林郭勒市工业和信息化局",
            "进展": "谋划中",
            "进展情况": "已对接两家企业",
        }
    ]
    assert [
        r["清单事项"] for r in as_dicts(sheet_of(client.get(f"/chains/{chain.pk}/export/strength.xlsx")))
    ] == ["高端铝箔扩能"]
    assert as_dicts(sheet_of(client.get(f"/chains/{chain.pk}/export/technology.xlsx"))) == []


def test_all_chains_side_by_side(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    column = figures.Column(
        key="projects", label="重点项目", compute=lambda user, ids: dict.fromkeys(ids, 3), unit="个"
    )
    monkeypatch.setattr(figures, "_COLUMNS", {column.key: column})
    chain = aluminium(cast)
    services.chain_create(
        actor=cast.coordinator, data=services.ChainData(name="光伏装备产业链", region_code="150581")
    )
    rows = as_dicts(sheet_of(client_for(cast.coordinator).get("/chains/export.xlsx", {"sort": "-gaps"})))
    assert [r["产业链"] for r in rows] == [chain.name, "光伏装备产业链"]
    first = rows[0]
    assert first["链上企业"] == 2 and first["产值（万元）"] == 120300 and first["缺口环节"] == 3
    assert (
        first["链主企业"] == 1
        and first["重点项目(个)"] == 3
        and first["牵头部门"] == "霍林郭勒市工业和信息化局"
    )
    assert client_for(cast.enterprise_user).get("/chains/export.xlsx").status_code == 403
