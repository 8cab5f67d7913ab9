"""The pages that keep a chain, as a keeper uses them: the chain, its segment tree, members,
customer and supplier links, the three lists, the yearly goals and a chain loaded from a template;
who is refused (403 in scope with the reason, 404 out of it); and each refusal the issue names (a
member in another chain's segment, a link from an enterprise to itself, a cycle in the tree) and a
stale write shown on the page."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhuqi.chains import edit_views, loading, services
from zhuqi.chains.models import (
    Chain,
    ChainGoal,
    ChainItem,
    ItemKind,
    Link,
    Member,
    Role,
    Segment,
    SegmentKind,
)
from zhuqi.directory.models import User
from zhuqi.testing.factories import Cast, EnterpriseFactory, OfficialFactory, make_chain

pytestmark = pytest.mark.django_db

STALE = "该记录已被他人修改"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def chain(cast: Cast) -> Any:
    return make_chain(cast)


@pytest.fixture
def keeper(cast: Cast) -> Client:
    return client_for(cast.coordinator)


def pages(chain: Any) -> list[str]:
    return [
        f"/chains/{chain.pk}/edit/",
        f"/chains/{chain.pk}/segments/",
        f"/chains/{chain.pk}/members/",
        f"/chains/{chain.pk}/links/",
        f"/chains/{chain.pk}/items/",
        f"/chains/{chain.pk}/goals/",
    ]


def add_member(cast: Cast, chain: Any, segment: Segment, enterprise: Any, **values: Any) -> Member:
    return services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=services.MemberData(segment_id=segment.pk, enterprise_id=enterprise.pk, **values),
    )


# ---------------------------------------------------------------------------------------------
# Who opens the pages


def test_every_page_opens_for_its_keepers(cast: Cast, chain: Any, keeper: Client) -> None:
    for address in [*pages(chain), "/chains/new/", "/chains/load/"]:
        response = keeper.get(address)
        assert response.status_code == 200, address
    segments = text(keeper.get(f"/chains/{chain.pk}/segments/"))
    assert "电解铝" in segments and "高端铝箔" in segments
    # The chain's lead department keeps it too, its content but not where it is or who holds it.
    handler = client_for(cast.handler)
    for address in pages(chain):
        assert handler.get(address).status_code == 200, address
    form = text(handler.get(f"/chains/{chain.pk}/edit/"))
    assert 'data-testid="chain-held"' in form and 'name="lead_department"' not in form
    assert 'name="lead_department"' in text(keeper.get(f"/chains/{chain.pk}/edit/"))


def test_others_are_refused_with_the_reason_or_not_told(cast: Cast, chain: Any) -> None:
    # The city's leader and the auditor see the chain but do not keep it: 403 with the reason.
    for user in (cast.leader, cast.auditor):
        client = client_for(user)
        for address in pages(chain):
            response = client.get(address)
            assert response.status_code == 403, (user.username, address)
            assert edit_views.KEEP_REFUSED in text(response)
        refused = client.get("/chains/new/")
        assert refused.status_code == 403 and edit_views.CREATE_REFUSED in text(refused)
        assert client.get("/chains/load/").status_code == 403
        # Writes are refused the same way, and write nothing.
        assert client.post(f"/chains/{chain.pk}/segments/", {"name": "铝用阳极"}).status_code == 403
    assert not Segment.objects.filter(name="铝用阳极").exists()
    # Datong's office, the liaison and the enterprise do not see the chain at all: 404.
    for user in (cast.outsider, cast.liaison, cast.enterprise_user):
        client = client_for(user)
        for address in pages(chain):
            assert client.get(address).status_code == 404, (user.username, address)
    # Another chain's record through this chain's address: 404.
    other = make_chain(cast, name="光伏装备产业链", segments=("工业硅",))
    keeper = client_for(cast.coordinator)
    moved = keeper.post(
        f"/chains/{chain.pk}/segments/{other.segment_list[0].pk}/edit/", {"name": "x", "version": "1"}
    )
    assert moved.status_code == 404


# ---------------------------------------------------------------------------------------------
# The chain


def test_a_chain_is_made_and_edited_and_a_stale_edit_is_refused(cast: Cast, keeper: Client) -> None:
    chief = OfficialFactory(name="王建军")
    deputy = OfficialFactory(name="李明")
    made = keeper.post(
        "/chains/new/",
        {
            "name": "氢能产业链",
            "region": "150581",
            "chief": str(chief.pk),
            "chief_title": "市委副书记、市长",
            "deputies": [str(deputy.pk)],
            "lead_department": str(cast.handler.department_id),
            "description": "风光制氢、储运、加氢和燃料电池应用",
            "weak_output": "5,000",
            "position": "2",
        },
    )
    chain = Chain.objects.get(name="氢能产业链")
    assert made.status_code == 302 and made["Location"] == f"/chains/{chain.pk}/segments/"
    assert chain.chief == chief and list(chain.deputies.all()) == [deputy]
    assert chain.weak_output == Decimal("5000") and chain.position == 2

    # The same name again in the region: refused beside the name, nothing written.
    again = keeper.post("/chains/new/", {"name": "氢能产业链", "region": "150581"})
    assert again.status_code == 200
    assert "霍林郭勒市已有“氢能产业链”产业链" in text(again)
    assert Chain.objects.filter(name="氢能产业链").count() == 1

    form = text(keeper.get(f"/chains/{chain.pk}/edit/"))
    assert "王建军" in form and "李明" in form and 'name="version" value="1"' in form
    saved = keeper.post(
        f"/chains/{chain.pk}/edit/",
        {
            "version": "1",
            "name": "氢能产业链",
            "region": "150581",
            "chief": str(chief.pk),
            "description": "新简介",
        },
    )
    assert saved.status_code == 302
    chain.refresh_from_db()
    assert chain.description == "新简介" and chain.version == 2 and not chain.deputies.exists()
    stale = keeper.post(
        f"/chains/{chain.pk}/edit/", {"version": "1", "name": "氢能产业链", "region": "150581"}
    )
    assert stale.status_code == 200 and STALE in text(stale)
    # The form now holds the chain as it is, with its current version.
    assert 'name="version" value="2"' in text(stale)
    chain.refresh_from_db()
    assert chain.version == 2 and chain.description == "新简介"


def test_the_lead_department_edits_the_content_only(cast: Cast, chain: Any) -> None:
    handler = client_for(cast.handler)
    saved = handler.post(
        f"/chains/{chain.pk}/edit/",
        {
            "version": "1",
            "name": "铝产业链",
            "region": "140200",
            "description": "电解铝就地转化",
            "chief_title": "副市长",
        },
    )
    assert saved.status_code == 302
    chain.refresh_from_db()
    assert chain.description == "电解铝就地转化" and chain.region_id == "150581"
    assert chain.lead_department_id == cast.handler.department_id


# ---------------------------------------------------------------------------------------------
# Segments


def test_segments_are_added_moved_and_deleted_with_refusals_on_the_page(
    cast: Cast, chain: Any, keeper: Client
) -> None:
    smelting, sheet, foil = chain.segment_list
    address = f"/chains/{chain.pk}/segments/"
    added = keeper.post(
        address,
        {"name": "铝用阳极", "parent": str(smelting.pk), "kind": SegmentKind.SUPPORTING, "position": "1"},
    )
    assert added.status_code == 302
    anode = Segment.objects.get(chain=chain, name="铝用阳极")
    assert anode.parent == smelting and anode.kind == SegmentKind.SUPPORTING
    page = text(keeper.get(address))
    # Upstream first, each segment nested under the one upstream of it; supporting marked.
    assert page.index("电解铝") < page.index("铝板带箔") < page.index("高端铝箔")
    assert 'data-testid="supporting"' in page

    # A supporting segment needs the segment it supplies.
    refused = keeper.post(address, {"name": "碳素", "kind": SegmentKind.SUPPORTING})
    assert refused.status_code == 200 and "配套环节须指明它所配套的环节" in text(refused)

    # Moving 电解铝 under 高端铝箔 (downstream of it) would make a cycle: refused beside 上游环节.
    cycle = keeper.post(
        f"{address}{smelting.pk}/edit/",
        {"version": "1", "name": "电解铝", "parent": str(foil.pk), "kind": "main"},
    )
    body = text(cycle)
    assert cycle.status_code == 200
    assert "“高端铝箔”在“电解铝”的下游，不能作为它的上游（会形成循环）" in body
    assert 'data-testid="segment-parent"' in body and "field error" in body
    smelting.refresh_from_db()
    assert smelting.parent is None

    # The edit form: ?edit= fills it with the segment and its version.
    form = text(keeper.get(f"{address}?edit={foil.pk}"))
    assert "修改环节：高端铝箔" in form and f'action="{address}{foil.pk}/edit/"' in form

    # Move 铝用阳极 under 铝板带箔: saved.
    moved = keeper.post(
        f"{address}{anode.pk}/edit/",
        {"version": "1", "name": "铝用阳极", "parent": str(sheet.pk), "kind": SegmentKind.SUPPORTING},
    )
    assert moved.status_code == 302
    anode.refresh_from_db()
    assert anode.parent == sheet and anode.version == 2

    # A stale edit: the shared message.
    stale = keeper.post(
        f"{address}{anode.pk}/edit/", {"version": "1", "name": "阳极", "parent": str(sheet.pk)}
    )
    assert STALE in text(stale)

    # Delete: refused while it has members or segments downstream, each with its message.
    add_member(cast, chain, foil, cast.home)
    with_member = keeper.post(f"{address}{foil.pk}/delete/", {"version": "1"}, follow=True)
    assert "“高端铝箔”还有 1 家企业，请先移出或调整到其他环节" in text(with_member)
    with_children = keeper.post(f"{address}{smelting.pk}/delete/", {"version": "1"}, follow=True)
    assert "“电解铝”还有 1 个下游或配套环节，请先调整它们的上游" in text(with_children)
    deleted = keeper.post(f"{address}{anode.pk}/delete/", {"version": "2"}, follow=True)
    assert "已删除环节“铝用阳极”" in text(deleted)
    assert not Segment.objects.filter(pk=anode.pk).exists()
    assert Segment.objects.filter(chain=chain).count() == 3


# ---------------------------------------------------------------------------------------------
# Members


def test_members_are_added_edited_and_removed(cast: Cast, chain: Any, keeper: Client) -> None:
    _smelting, sheet, foil = chain.segment_list
    address = f"/chains/{chain.pk}/members/"
    added = keeper.post(
        address,
        {
            "enterprise": str(cast.home.pk),
            "segment": str(foil.pk),
            "role": Role.OWNER,
            "output_value": "1,234,567.8",
            "output_year": "2024",
            "products": "双零铝箔",
        },
    )
    assert added.status_code == 302, text(added)
    member = Member.objects.get(chain=chain, enterprise=cast.home)
    assert member.role == Role.OWNER and member.output_value == Decimal("1234567.80")
    page = text(keeper.get(address))
    assert "联晟新材料有限公司" in page and "1,234,567.8" in page and "链主企业" in page

    # A segment of another chain: refused with the service's words on the page.
    other = make_chain(cast, name="光伏装备产业链", segments=("工业硅",))
    refused = keeper.post(
        address, {"enterprise": str(cast.neighbour.pk), "segment": str(other.segment_list[0].pk)}
    )
    assert refused.status_code == 200
    assert "“工业硅”是“光伏装备产业链”的环节，不属于“铝产业链”" in text(refused)
    # An enterprise outside the keeper's scope is not theirs to place.
    outside = keeper.post(address, {"enterprise": str(cast.datong.pk), "segment": str(sheet.pk)})
    assert "企业不存在或不在您的范围内" in text(outside)
    assert Member.objects.filter(chain=chain).count() == 1

    edited = keeper.post(
        f"{address}{member.pk}/edit/",
        {"version": "1", "segment": str(sheet.pk), "role": Role.LEADING, "output_value": "800"},
    )
    assert edited.status_code == 302
    member.refresh_from_db()
    assert member.segment == sheet and member.role == Role.LEADING and member.version == 2
    stale = keeper.post(f"{address}{member.pk}/edit/", {"version": "1", "segment": str(sheet.pk)})
    assert STALE in text(stale)

    removed = keeper.post(f"{address}{member.pk}/remove/", {"version": "2"}, follow=True)
    assert "已将联晟新材料有限公司移出“铝板带箔”" in text(removed)
    assert not Member.objects.filter(pk=member.pk).exists()


def test_members_are_listed_by_segment_a_page_at_a_time(
    cast: Cast, chain: Any, keeper: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    smelting, sheet, foil = chain.segment_list
    monkeypatch.setattr(edit_views, "PER_PAGE", 3)
    # Added downstream first: the list still reads upstream to downstream, largest output first.
    for index, segment in enumerate((foil, foil, sheet, smelting)):
        add_member(
            cast,
            chain,
            segment,
            EnterpriseFactory(name=f"链上企业{index}有限公司"),
            output_value=str(100 + index),
        )
    first = text(keeper.get(f"/chains/{chain.pk}/members/"))
    assert first.index("链上企业3") < first.index("链上企业2") < first.index("链上企业1")
    assert "链上企业0有限公司" not in first
    assert "第 1 / 2 页，共 4 条" in first
    second = text(keeper.get(f"/chains/{chain.pk}/members/?page=2"))
    assert "链上企业0有限公司" in second and "链上企业3有限公司" not in second
    only_foil = text(keeper.get(f"/chains/{chain.pk}/members/?segment={foil.pk}"))
    assert "链上企业0有限公司" in only_foil and "链上企业3有限公司" not in only_foil


# ---------------------------------------------------------------------------------------------
# Links


def test_links_are_added_edited_and_removed_and_a_link_to_itself_is_refused(
    cast: Cast, chain: Any, keeper: Client
) -> None:
    address = f"/chains/{chain.pk}/links/"
    added = keeper.post(
        address,
        {
            "supplier": str(cast.home.pk),
            "customer_name": "上海外地铝业有限公司",
            "product": "铝箔",
            "annual_volume": "12,000",
            "volume_unit": "吨",
        },
    )
    assert added.status_code == 302, text(added)
    link = Link.objects.get(chain=chain)
    assert (
        link.supplier == cast.home and link.customer is None and link.customer_name == "上海外地铝业有限公司"
    )
    page = text(keeper.get(address))
    assert "联晟新材料有限公司" in page and "上海外地铝业有限公司" in page and "12,000 吨" in page

    itself = keeper.post(
        address, {"supplier": str(cast.home.pk), "customer": str(cast.home.pk), "product": "铝锭"}
    )
    assert itself.status_code == 200 and "供应方和客户是同一家企业" in text(itself)
    neither = keeper.post(address, {"supplier_name": "甲公司", "customer_name": "乙公司", "product": "铝锭"})
    assert "供应方和客户至少有一方是本地企业" in text(neither)
    assert Link.objects.filter(chain=chain).count() == 1

    form = text(keeper.get(f"{address}?edit={link.pk}"))
    assert 'value="上海外地铝业有限公司"' in form and 'name="version" value="1"' in form
    edited = keeper.post(
        f"{address}{link.pk}/edit/",
        {
            "version": "1",
            "supplier": str(cast.neighbour.pk),
            "customer": str(cast.home.pk),
            "product": "铝板",
        },
    )
    assert edited.status_code == 302
    link.refresh_from_db()
    assert (link.supplier, link.customer, link.product) == (cast.neighbour, cast.home, "铝板")
    stale = keeper.post(f"{address}{link.pk}/edit/", {"version": "1", "supplier": str(cast.neighbour.pk)})
    assert STALE in text(stale)
    removed = keeper.post(f"{address}{link.pk}/remove/", {"version": "2"}, follow=True)
    assert "已删除关联" in text(removed) and not Link.objects.filter(pk=link.pk).exists()


# ---------------------------------------------------------------------------------------------
# The three lists


def test_the_three_lists_are_kept(cast: Cast, chain: Any, keeper: Client) -> None:
    foil = chain.segment_list[-1]
    address = f"/chains/{chain.pk}/items/"
    for kind, title in (
        (ItemKind.STRENGTH, "扩大电解铝就地转化"),
        (ItemKind.WEAKNESS, "引进铝用阳极配套"),
        (ItemKind.TECHNOLOGY, "电池铝箔轧制技术"),
    ):
        added = keeper.post(
            address,
            {
                "kind": kind,
                "title": title,
                "segment": str(foil.pk),
                "department": str(cast.handler.department_id),
                "status": "underway",
                "progress": "已对接两家企业",
            },
        )
        assert added.status_code == 302, text(added)
    page = text(keeper.get(address))
    for title in ("扩大电解铝就地转化", "引进铝用阳极配套", "电池铝箔轧制技术", "关键产品技术攻关", "推进中"):
        assert title in page
    refused = keeper.post(address, {"kind": ItemKind.STRENGTH, "title": ""})
    assert refused.status_code == 200 and "未保存" in text(refused)

    item = ChainItem.objects.get(chain=chain, kind=ItemKind.WEAKNESS)
    edited = keeper.post(
        f"{address}{item.pk}/edit/",
        {"version": "1", "kind": ItemKind.WEAKNESS, "title": "引进铝用阳极配套企业", "status": "done"},
    )
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.title == "引进铝用阳极配套企业" and item.status == "done" and item.segment is None
    stale = keeper.post(
        f"{address}{item.pk}/edit/", {"version": "1", "kind": ItemKind.WEAKNESS, "title": "x"}
    )
    assert STALE in text(stale)
    deleted = keeper.post(f"{address}{item.pk}/delete/", {"version": "2"}, follow=True)
    assert "已删除清单事项“引进铝用阳极配套企业”" in text(deleted)
    assert ChainItem.objects.filter(chain=chain).count() == 2


# ---------------------------------------------------------------------------------------------
# Yearly goals


def test_a_years_goals_are_set_and_changed(cast: Cast, chain: Any, keeper: Client) -> None:
    address = f"/chains/{chain.pk}/goals/"
    saved = keeper.post(
        address,
        {
            "year": "2025",
            "investment_signed": "500,000",
            "projects_landed": "12",
            "funds_in_place": "",
            "new_above_scale": "3",
        },
    )
    assert saved.status_code == 302, text(saved)
    goal = ChainGoal.objects.get(chain=chain, year=2025)
    assert (
        goal.investment_signed == Decimal("500000")
        and goal.projects_landed == 12
        and goal.funds_in_place is None
    )
    page = text(keeper.get(address))
    assert "2025 年" in page and "500,000" in page

    # The same year from the blank form: told it is set, not asked for a version.
    again = keeper.post(address, {"year": "2025", "projects_landed": "1"})
    assert "2025 年的目标已经设定" in text(again)
    bad = keeper.post(address, {"year": "2026", "projects_landed": "十二"})
    assert "“十二”不是非负整数" in text(bad)

    form = text(keeper.get(f"{address}?year=2025"))
    assert "修改 2025 年目标" in form and 'name="version" value="1"' in form
    changed = keeper.post(address, {"version": "1", "year": "2025", "projects_landed": "15"})
    assert changed.status_code == 302
    goal.refresh_from_db()
    assert goal.projects_landed == 15 and goal.investment_signed is None and goal.version == 2
    stale = keeper.post(address, {"version": "1", "year": "2025", "projects_landed": "20"})
    assert STALE in text(stale) and 'name="version" value="2"' in text(stale)


# ---------------------------------------------------------------------------------------------
# A chain from a template

TEMPLATE = """name: 光伏装备产业链
description: 从工业硅到光伏电站
segments:
  - name: 工业硅
    children:
      - name: 多晶硅
        children:
          - name: 单晶硅棒/硅片
            children:
              - name: 电池片
                children:
                  - name: 组件
                    children:
                      - name: 光伏玻璃
                        kind: 配套环节
"""


def test_a_chain_is_previewed_and_loaded_from_a_template(cast: Cast, keeper: Client) -> None:
    upload = SimpleUploadedFile("光伏.yaml", TEMPLATE.encode(), content_type="application/x-yaml")
    preview = keeper.post("/chains/load/", {"file": upload, "region": "150581", "action": "preview"})
    body = text(preview)
    assert preview.status_code == 200 and 'data-testid="template-preview"' in body
    assert "预览：光伏装备产业链（6 个环节）" in body and "光伏玻璃" in body
    assert not Chain.objects.filter(name="光伏装备产业链").exists()
    # The previewed file rides in the page: "create" needs no second upload.
    carried = body.split('name="content" value="')[1].split('"')[0]
    made = keeper.post(
        "/chains/load/",
        {
            "content": carried,
            "filename": "光伏.yaml",
            "region": "150581",
            "lead_department": str(cast.handler.department_id),
            "action": "create",
        },
    )
    chain = Chain.objects.get(name="光伏装备产业链")
    assert made.status_code == 302 and made["Location"] == f"/chains/{chain.pk}/segments/"
    assert chain.segments.count() == 6 and chain.lead_department_id == cast.handler.department_id
    assert Segment.objects.get(chain=chain, name="光伏玻璃").kind == SegmentKind.SUPPORTING

    # Loading it again: the name is taken, said on the page; nothing written.
    upload = SimpleUploadedFile("光伏.yaml", TEMPLATE.encode())
    again = keeper.post("/chains/load/", {"file": upload, "region": "150581", "action": "create"})
    assert again.status_code == 200 and "霍林郭勒市已有“光伏装备产业链”产业链" in text(again)
    assert Chain.objects.filter(name="光伏装备产业链").count() == 1


def test_a_bad_template_is_refused_naming_its_line(cast: Cast, keeper: Client) -> None:
    broken = "name: 氢能产业链\nsegments:\n  - name: 制氢\n  - kind: 主链环节\n"
    upload = SimpleUploadedFile("氢能.yaml", broken.encode())
    refused = keeper.post("/chains/load/", {"file": upload, "region": "150581", "action": "preview"})
    body = text(refused)
    assert refused.status_code == 200 and "第 4 行" in body
    assert 'data-testid="template-preview"' not in body
    nothing = keeper.post("/chains/load/", {"region": "150581", "action": "preview"})
    assert "请选择模板文件" in text(nothing)
    assert not Chain.objects.filter(name="氢能产业链").exists()


def test_a_workbook_and_a_shipped_template_load_too(cast: Cast, keeper: Client) -> None:
    blank = keeper.get("/chains/load/template.xlsx")
    assert blank.status_code == 200 and "spreadsheetml" in blank["Content-Type"]
    # A workbook as a clerk fills it: read by rows, previewed, created.
    template = services.ChainTemplate(
        name="氢能产业链",
        segments=[
            services.SegmentTemplate(
                name="制氢", children=[services.SegmentTemplate(name="储运", kind=SegmentKind.SUPPORTING)]
            )
        ],
    )
    workbook = SimpleUploadedFile("氢能.xlsx", loading.template_workbook(template))
    preview = keeper.post("/chains/load/", {"file": workbook, "region": "150581", "action": "preview"})
    assert "预览：氢能产业链（2 个环节）" in text(preview)
    # A bad row is named by its row.
    bad = services.ChainTemplate(
        name="风电装备产业链", segments=[services.SegmentTemplate(name="叶片", kind="其他")]
    )
    refused = keeper.post(
        "/chains/load/",
        {
            "file": SimpleUploadedFile("风电.xlsx", loading.template_workbook(bad)),
            "region": "150581",
            "action": "preview",
        },
    )
    assert "第 5 行" in text(refused) and 'data-testid="template-preview"' not in text(refused)
    # A shipped template, picked from the list.
    page = text(keeper.get("/chains/load/"))
    assert "光伏装备产业链" in page and 'value="photovoltaics"' in page
    made = keeper.post("/chains/load/", {"shipped": "photovoltaics", "region": "150581", "action": "create"})
    chain = Chain.objects.get(name="光伏装备产业链")
    assert made.status_code == 302 and chain.segments.count() > 5


ODD = ("\N{SUPERSCRIPT TWO}", "99999999999999999999999", "-1", "abc")


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_id_or_number_is_refused_never_a_server_error(cast: Cast, chain: Any, odd: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.coordinator)
    base = f"/chains/{chain.pk}"
    requests = [
        ("get", f"{base}/segments/", {"edit": odd}),
        ("get", f"{base}/members/", {"edit": odd, "segment": odd, "page": odd}),
        ("get", f"{base}/links/", {"edit": odd, "page": odd}),
        ("get", f"{base}/items/", {"edit": odd, "kind": odd}),
        ("get", f"{base}/goals/", {"year": odd}),
        ("post", f"{base}/segments/", {"name": "阳极", "parent": odd, "position": odd, "weak_output": odd}),
        (
            "post",
            f"{base}/members/",
            {"enterprise": odd, "segment": odd, "output_year": odd, "output_value": odd},
        ),
        ("post", f"{base}/links/", {"supplier": odd, "customer": odd, "product": "铝", "annual_volume": odd}),
        ("post", f"{base}/items/", {"kind": odd, "title": "x", "segment": odd, "department": odd}),
        ("post", f"{base}/goals/", {"year": odd, "projects_landed": odd, "investment_signed": odd}),
        (
            "post",
            f"{base}/edit/",
            {"version": odd, "name": "铝产业链", "region": odd, "chief": odd, "deputies": [odd]},
        ),
        ("post", f"{base}/segments/{chain.segment_list[0].pk}/delete/", {"version": odd}),
        ("post", "/chains/load/", {"content": odd, "filename": odd, "region": odd, "action": "create"}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (url, data)
    assert Segment.objects.filter(chain=chain).count() == 3 and not Member.objects.exists()
