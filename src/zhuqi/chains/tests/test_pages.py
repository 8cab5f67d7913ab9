"""The chain pages: all chains side by side with their figures, registered columns and member
enterprises' open and late cases, sortable; a chain's page for its chief; the panorama's JSON; the
enterprise page's panel. Scope (404 for an outsider, a county's own enterprises only) and query
counts that do not grow with the members."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory
from zhuqi.cases.services import NewCase
from zhuqi.chains import figures, services
from zhuqi.chains.models import ItemKind, Role
from zhuqi.chains.tests.test_panorama import add_member, aluminium, grow, tongliao_chain
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.factories import Cast, OfficialFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def by_testid(page: str, name: str) -> str:
    """The text inside the element with data-testid=`name` (tags stripped)."""
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>(.*?)</', page, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def file_case(cast: Cast, title: str) -> Case:
    return case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind="demand",
            title=title,
            description="银行要求追加抵押，续贷迟迟办不下来",
            category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
        ),
    )


@pytest.fixture
def signed_column(monkeypatch: pytest.MonkeyPatch) -> figures.Column:
    """A column as the investment app registers one, alone in the registry (put back after)."""
    column = figures.Column(
        key="investment_signed_this_year",
        label="本年签约额",
        compute=lambda user, ids: dict.fromkeys(ids, 52000),
        kind="amount",
        unit="万元",
        definition="本年签订的合作协议金额之和",
    )
    monkeypatch.setattr(figures, "_COLUMNS", {column.key: column})
    return column


def test_all_chains_side_by_side_with_figures_columns_and_cases(cast: Cast, signed_column: Any) -> None:
    chain = aluminium(cast)
    other = services.chain_create(
        actor=cast.coordinator, data=services.ChainData(name="光伏装备产业链", region_code="150581")
    )
    file_case(cast, "流动资金贷款续贷难")
    late = file_case(cast, "电价补贴迟迟未到位")
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    page = text_of(client_for(cast.coordinator).get("/chains/"))
    rows = re.findall(r'<tr data-testid="chain-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 2
    row = next(r for r in rows if chain.name in r)
    cells = dict(re.findall(r'data-key="(\w+)">([^<]*)<', row))
    assert cells["enterprises"] == "2" and cells["output_value"] == "120,300"
    assert cells["segments"] == "4" and cells["gaps"] == "3"
    assert cells["open_cases"] == "2" and cells["late_cases"] == "1"  # the enterprise's, as cases count late
    assert cells["investment_signed_this_year"] == "52,000"
    # The registered column's heading carries its unit and, as a title, its definition.
    assert re.search(r'title="本年签订的合作协议金额之和">\s*<a [^>]*>本年签约额（万元）', page)
    assert f'href="/chains/{chain.pk}/"' in page and f'href="/chains/{other.pk}/"' in page
    assert "霍林郭勒市工业和信息化局" in row  # the lead department


def test_sorted_by_a_column_either_way(cast: Cast) -> None:
    small = services.chain_create(
        actor=cast.coordinator, data=services.ChainData(name="光伏装备产业链", region_code="150581")
    )
    big = aluminium(cast)
    client = client_for(cast.coordinator)

    def order(sort: str) -> list[str]:
        page = text_of(client.get("/chains/", {"sort": sort}))
        return re.findall(r'data-testid="chain-link">([^<]+)<', page)

    assert order("-enterprises") == [big.name, small.name]
    assert order("enterprises") == [small.name, big.name]
    # The heading of the sorted column turns the order round on the next click.
    page = text_of(client.get("/chains/", {"sort": "-enterprises"}))
    assert 'href="?sort=enterprises"' in page and "链上企业 ↓" in page
    # An unknown sort keeps the chains' own order; htmx gets the table alone.
    assert order("nonsense") == [small.name, big.name]  # by name: 光 before 铝
    partial = client.get(
        "/chains/", {"sort": "gaps"}, headers={"HX-Request": "true", "HX-Target": "chain-table"}
    )
    assert text_of(partial).startswith('<div class="table-wrap" id="chain-table">')


def test_who_sees_which_chains(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    assert text_of(client_for(cast.leader).get("/chains/")).count('data-testid="chain-row"') == 1
    assert 'data-testid="chain-row"' not in text_of(client_for(cast.outsider).get("/chains/"))
    assert client_for(cast.outsider).get(f"/chains/{chain.pk}/").status_code == 404
    assert client_for(cast.outsider).get(f"/chains/{chain.pk}/panorama.json").status_code == 404
    assert client_for(cast.outsider).get(f"/chains/{chain.pk}/export/members.xlsx").status_code == 404
    assert client_for(cast.outsider).get(f"/chains/{chain.pk}/members/supporting/").status_code == 404
    # Chains are government work: an enterprise is refused the pages (403, the menu leaves them out).
    assert client_for(cast.enterprise_user).get("/chains/").status_code == 403
    assert client_for(cast.enterprise_user).get(f"/chains/{chain.pk}/").status_code == 403
    assert client_for(cast.coordinator).get("/chains/999999/").status_code == 404


def test_a_county_sees_only_its_own_enterprises_on_the_city_chain(cast: Cast) -> None:
    chain = tongliao_chain(cast)
    leader = text_of(client_for(cast.leader).get(f"/chains/{chain.pk}/"))
    assert cast.tongliao.name in leader and cast.home.name in leader
    county = text_of(client_for(cast.coordinator).get(f"/chains/{chain.pk}/"))
    assert cast.home.name in county and cast.tongliao.name not in county
    data = client_for(cast.coordinator).get(f"/chains/{chain.pk}/panorama.json", {"links": "1"}).json()
    assert {n["full_name"] for n in data["nodes"] if n["kind"] == "member"} == {cast.home.name}
    assert cast.tongliao.name not in str(data)


def test_the_chiefs_page(cast: Cast, signed_column: Any) -> None:
    chain = aluminium(cast)
    chief = OfficialFactory(name="孟宪东")
    Enterprise.objects.filter(pk=cast.home.pk).update(above_scale=True)  # the registry's flag
    services.chain_update(
        actor=cast.coordinator,
        chain_id=chain.pk,
        expected_version=chain.version,
        data=services.ChainData(
            name=chain.name,
            region_code="150581",
            chief_id=chief.pk,
            chief_title="市委副书记、市长",
            description="以电解铝为龙头",
            weak_output="1000",
            lead_department_id=cast.handler.department_id,
        ),
    )
    smelting, _sheet, foil = chain.segment_list
    for kind, title in (
        (ItemKind.STRENGTH, "高端铝箔扩能"),
        (ItemKind.WEAKNESS, "引进阳极炭素"),
        (ItemKind.TECHNOLOGY, "电池铝箔轧制"),
    ):
        services.item_create(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=services.ItemData(kind=kind, title=title, segment_id=foil.pk),
        )
    year = timezone.localdate().year
    services.goal_set(
        actor=cast.coordinator,
        chain_id=chain.pk,
        year=year,
        values={"investment_signed": "104000", "new_above_scale": "4"},
    )
    file_case(cast, "流动资金贷款续贷难")
    page = text_of(client_for(cast.coordinator).get(f"/chains/{chain.pk}/"))
    assert by_testid(page, "chain-name") == chain.name
    assert by_testid(page, "chain-chief") == "孟宪东（市委副书记、市长）"
    assert "以电解铝为龙头" in page and "霍林郭勒市工业和信息化局" in page
    assert by_testid(page, "figure-enterprises") == "2" and by_testid(page, "figure-output") == "120,300"
    assert by_testid(page, "figure-gaps") == "3" and by_testid(page, "figure-open-cases") == "1"
    assert by_testid(page, "figure-late-cases") == "0"
    assert "链主企业 1" in by_testid(page, "figure-roles") and "龙头企业 1" in by_testid(page, "figure-roles")
    assert "52,000" in by_testid(page, "column-investment_signed_this_year")
    # The gaps with their reasons and the target form's address.
    gap_rows = re.findall(r'<tr data-testid="gap-row">(.*?)</tr>', page, re.S)
    assert len(gap_rows) == 3 and "本地无企业" in gap_rows[0]
    assert f'href="/targets/new/?chain={chain.pk}&amp;segment={smelting.pk}"' in page
    # Owner and leader in one table, supporting in the other; the lists; this year's goals.
    leading = page.split('data-testid="members-leading"', 1)[1].split("</table>", 1)[0]
    assert cast.home.name in leading and cast.neighbour.name in leading
    assert "暂无企业" in page.split('data-testid="members-supporting"', 1)[1].split("</table>", 1)[0]
    for title in ("高端铝箔扩能", "引进阳极炭素", "电池铝箔轧制"):
        assert title in page
    signed = page.split('data-testid="goal-investment_signed"', 1)[1].split("</tr>", 1)[0]
    assert "104,000" in signed and "52,000" in signed and "50%" in signed
    above = page.split('data-testid="goal-new_above_scale"', 1)[1].split("</tr>", 1)[0]
    assert ">1<" in above and "25%" in above  # one member above scale, placed this year
    landed = page.split('data-testid="goal-projects_landed"', 1)[1].split("</tr>", 1)[0]
    assert "暂无数据" in landed  # no app registers it in this test
    assert f'data-source="/chains/{chain.pk}/panorama.json"' in page
    assert "vendor/echarts/echarts.min.js" in page and "chains/panorama.js" in page


def test_no_goal_yet_and_the_editing_pages_for_who_keeps_the_chain(cast: Cast) -> None:
    chain = aluminium(cast)
    page = text_of(client_for(cast.coordinator).get(f"/chains/{chain.pk}/"))
    assert "尚未设定" in by_testid(page, "no-goal")
    assert f'href="{reverse("chain_edit:edit", args=[chain.pk])}"' in page
    assert f'href="{reverse("chain_edit:new")}"' in text_of(client_for(cast.coordinator).get("/chains/"))
    # The city's leader reads the county's chain but does not keep it.
    page = text_of(client_for(cast.leader).get(f"/chains/{chain.pk}/"))
    assert 'data-testid="edit-links"' not in page and f"/chains/{chain.pk}/edit/" not in page


def test_the_member_tables_show_the_first_rows_then_all_through_htmx(cast: Cast, monkeypatch: Any) -> None:
    from zhuqi.chains import views

    monkeypatch.setattr(views, "TABLE_ROWS", 3)
    chain = aluminium(cast)
    grow(cast, chain, 16)  # four of each role
    client = client_for(cast.coordinator)
    page = text_of(client.get(f"/chains/{chain.pk}/"))
    supporting = page.split('id="members-supporting"', 1)[1].split("</div>", 1)[0]
    assert supporting.count('data-testid="member-row"') == 3
    assert f'hx-get="/chains/{chain.pk}/members/supporting/"' in supporting
    full = text_of(client.get(f"/chains/{chain.pk}/members/supporting/", headers={"HX-Request": "true"}))
    assert full.count('data-testid="member-row"') == 4 and "hx-get" not in full
    assert client.get(f"/chains/{chain.pk}/members/nonsense/").status_code == 404


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_members(cast: Cast, django_assert_num_queries: Any) -> None:
    chain = aluminium(cast)
    file_case(cast, "流动资金贷款续贷难")
    client = client_for(cast.coordinator)
    urls = ["/chains/", f"/chains/{chain.pk}/", f"/chains/{chain.pk}/panorama.json?links=1"]
    for url in urls:
        client.get(url)  # warm: the session, the process caches
    counted = {url: queries(client, url) for url in urls}
    grow(cast, chain, 30)
    services.chain_create(
        actor=cast.coordinator, data=services.ChainData(name="氢能产业链", region_code="150581")
    )
    for url in urls:
        with django_assert_num_queries(counted[url]):
            assert client.get(url).status_code == 200


def test_the_enterprise_page_shows_its_chains(cast: Cast) -> None:
    chain = aluminium(cast)
    page = text_of(client_for(cast.coordinator).get(f"/enterprises/{cast.home.pk}/"))
    panel = page.split('data-testid="enterprise-chains"', 1)[1].split("</div>", 1)[0]
    assert f'href="/chains/{chain.pk}/"' in panel and "高端铝箔" in panel and "链主企业" in panel
    # The enterprise itself sees its chain named, without a link to a page it may not open.
    own = text_of(client_for(cast.enterprise_user).get(f"/enterprises/{cast.home.pk}/"))
    panel = own.split('data-testid="enterprise-chains"', 1)[1].split("</div>", 1)[0]
    assert chain.name in panel and "/chains/" not in panel
    # An enterprise in no chain: no panel.
    assert 'data-testid="enterprise-chains"' not in text_of(
        client_for(cast.leader).get(f"/enterprises/{cast.tongliao.pk}/")
    )


def test_the_menu_offers_the_chains_to_government_only(cast: Cast) -> None:
    assert 'href="/chains/"' in text_of(client_for(cast.coordinator).get("/"))
    assert 'href="/chains/"' not in text_of(client_for(cast.enterprise_user).get("/"))


def test_a_member_added_later_in_another_role_moves_tables(cast: Cast) -> None:
    chain = aluminium(cast)
    add_member(cast, chain, chain.segment_list[0], cast.tongliao, Role.SUPPORTING, "900")
    page = text_of(client_for(cast.leader).get(f"/chains/{chain.pk}/"))
    supporting = page.split('data-testid="members-supporting"', 1)[1].split("</table>", 1)[0]
    assert cast.tongliao.name in supporting
