"""The demo's chains: 霍林郭勒's aluminium chain with the reports' enterprises where the reports put
them, its gaps, links and lists; the four chains of report 004 with their chiefs and members."""

from __future__ import annotations

from django.utils import timezone

from zhuqi.chains import selectors, services
from zhuqi.chains.figures import column_values
from zhuqi.chains.models import Chain, ChainGoal, ChainItem, ItemKind, Link, Member, Role, SegmentKind
from zhuqi.core.models import AuditEntry
from zhuqi.demo import dataset
from zhuqi.directory.models import User
from zhuqi.investment.models import Target, TargetStatus


def test_the_demo_has_the_aluminium_chain_and_the_regions_chains(db) -> None:
    dataset.load()
    aluminium = Chain.objects.get(name="铝产业链", region_id="150581")
    assert aluminium.chief is not None and aluminium.chief.name == "张国平"
    assert aluminium.chief_title == "霍林郭勒市委书记"
    assert [official.name for official in aluminium.deputies.all()] == ["孟宪东"]
    assert (
        aluminium.lead_department is not None and aluminium.lead_department.name == "霍林郭勒市工业和信息化局"
    )
    placed = {
        (m.enterprise.short_name, m.segment.name): m.role
        for m in Member.objects.filter(chain=aluminium).select_related("enterprise", "segment")
    }
    assert placed[("锦联铝材", "电解铝")] == Role.OWNER
    assert placed[("创源金属", "电解铝")] == Role.LEADING
    assert placed[("联晟新材料", "铝板带箔")] == Role.LEADING
    assert placed[("联晟新材料", "高端铝箔")] == Role.LEADING
    assert placed[("靖帆铝版基", "印刷版基")] == Role.LEADING
    # The line the reports walk: 电解铝 → 铝板带箔 → 高端铝箔, with its supplies beside it.
    segments = {s.name: s for s in aluminium.segments.select_related("parent")}
    assert segments["高端铝箔"].parent == segments["铝板带箔"]
    assert segments["铝板带箔"].parent == segments["电解铝"]
    assert segments["预焙阳极"].kind == SegmentKind.SUPPORTING
    # Generated members too, and gaps: empty segments (alumina comes from outside) and weak ones.
    assert Member.objects.filter(chain=aluminium, enterprise__short_name="").count() >= 8
    gaps = {gap.segment.name: gap for gap in selectors.gaps(aluminium)}
    assert {"氧化铝", "氟化盐"} <= set(gaps)
    assert "电解铝" not in gaps and "高端铝箔" not in gaps
    assert any(name in gaps for name in ("汽车轻量化部件", "再生铝"))
    # Links among members and to outside enterprises; the three lists; this year's goal.
    links = Link.objects.filter(chain=aluminium)
    assert links.filter(supplier__short_name="锦联铝材", customer__short_name="联晟新材料").exists()
    assert links.filter(supplier=None, customer__short_name="锦联铝材", product="氧化铝").exists()
    assert {kind for kind in ChainItem.objects.filter(chain=aluminium).values_list("kind", flat=True)} == set(
        ItemKind.values
    )
    years = set(ChainGoal.objects.filter(chain=aluminium).values_list("year", flat=True))
    assert years == {timezone.localdate().year}
    assert (
        AuditEntry.objects.filter(source="demo", content_type__model="member").count()
        == Member.objects.count()
    )

    # Report 004's chains, of the region, each with a chief, members and gaps.
    for name in ("光伏装备产业链", "氢能产业链", "生物医药产业链", "生态草产业链"):
        chain = Chain.objects.get(name=name, region_id="150000")
        assert chain.chief is not None and chain.chief_title.endswith("副主席"), name
        assert chain.members.count() >= 5, name
        assert selectors.gaps(chain), name
        assert chain.links.exists() and chain.items.exists() and chain.goals.exists(), name

    # The county office keeps its chain and sees the region's (above it) too.
    coordinator = User.objects.get(username="demo-coordinator")
    seen = set(selectors.chain_queryset(user=coordinator).values_list("name", flat=True))
    assert {"铝产业链", "光伏装备产业链", "氢能产业链", "生物医药产业链", "生态草产业链"} <= seen
    assert services.may_keep(coordinator, aluminium)


def test_the_demo_has_targets_along_the_road_and_a_signed_one_counted(db) -> None:
    dataset.load()
    aluminium = Chain.objects.get(name="铝产业链")
    statuses = set(Target.objects.filter(chain=aluminium).values_list("status", flat=True))
    road = {TargetStatus.IDENTIFIED, TargetStatus.CONTACTED, TargetStatus.NEGOTIATING, TargetStatus.SIGNED}
    assert road <= statuses
    signed = Target.objects.get(chain=aluminium, status=TargetStatus.SIGNED)
    assert signed.agreement is not None and signed.agreement.chain_id == aluminium.pk
    values = column_values(User.objects.get(username="demo-coordinator"), [aluminium.pk])
    assert values["investment_signed_this_year"][aluminium.pk] > 0
    assert values["funds_in_place_this_year"][aluminium.pk] > 0
    assert values["targets_open"][aluminium.pk] >= 3
