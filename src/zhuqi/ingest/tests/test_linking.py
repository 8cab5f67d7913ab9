"""Linking (issue 21, stage 4): the mentions of real sample reports and of short texts matched
against a registry built from the database with the repo's factories, among ~2,000 generated
enterprises with names like a registry's (region + 字号 + trade + legal form).

The bench (200,000 enterprises) runs only with ZHUQI_BENCH_LINKING=1:
    ZHUQI_BENCH_LINKING=1 ZHUQI_TESTING=1 DATABASE_URL= \
        pytest src/zhuqi/ingest/tests/test_linking.py -k bench -s -n 0
"""

from __future__ import annotations

import os
import random
import time
import tracemalloc
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from zhuqi.core.validators import make_uscc
from zhuqi.directory.models import Region
from zhuqi.enterprises.models import Enterprise
from zhuqi.ingest import linking
from zhuqi.ingest.cleaning import Cleaned, clean
from zhuqi.ingest.extraction import EnterpriseMention, Extraction, PersonMention, extract
from zhuqi.ingest.linking import AMBIGUOUS, EXACT, FUZZY, MATCHED, NEW, PINYIN, SHORT_NAME, Registry, link
from zhuqi.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    OfficialFactory,
    PostFactory,
    make_project,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "reports"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples/reports")

HUOLINGUOLE, TONGLIAO, HORQIN, DATONG, TIELING_COUNTY = "150581", "150500", "150502", "140200", "211221"

_POOL = sorted(
    set(
        "华鑫恒泰东升宏达金源瑞丰兴隆天成通达新创远航嘉禾鼎盛世安润发博中科蒙原草塞北广聚永昌长青"
        "锦腾亚欧辉靖帆祥明阳光伟业信诚和康宁顺德丰利富海洋星辰凯旋龙凤鸿运聚力众合正大心胜民百川"
        "汇佳美优特精工实宇宙万象乾坤泽清雅晨曦朝昊昱煜炜烨振荣耀卓越领先智慧"
    )
)
_TRADES = ("铝业", "新材料", "建材", "化工", "煤业", "矿业", "电力", "机械", "装备制造", "食品", "物流")
_FORMS = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")


@cache
def sample(prefix: str) -> tuple[Cleaned, Extraction]:
    path = next(SAMPLES.glob(f"{prefix}_*"))
    cleaned = clean(path.read_bytes(), filename=path.name)
    return cleaned, extract(cleaned)


def generated_names(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(name, county code) like a registry's, in Inner Mongolia's counties."""
    rng = random.Random(seed)
    counties = list(
        Region.objects.filter(level="county", code__startswith="15")
        .exclude(name="市辖区")
        .values_list("code", "name")
    )
    names = dict(Region.objects.filter(code__startswith="15").values_list("code", "name"))
    taken: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        code, county = rng.choice(counties)
        place = rng.choice([county, county, names.get(code[:4] + "00", county), "内蒙古", ""])
        name = f"{place}{''.join(rng.sample(_POOL, 2))}{rng.choice(_TRADES)}{rng.choice(_FORMS)}"
        if name not in taken and "联晟" not in name:
            taken.add(name)
            out.append((name, code))
    return out


def bulk_enterprises(count: int, seed: int = 7, serial: int = 5_000_000) -> None:
    rows = generated_names(count, seed)
    regions = Region.objects.in_bulk({code for _, code in rows})
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=name, region=regions[code], uscc=make_uscc(code, serial + i))
            for i, (name, code) in enumerate(rows)
        ],
        batch_size=2000,
    )


def report(
    *,
    enterprises: list[tuple[str, bool]] = (),  # type: ignore[assignment]
    leads: list[tuple[str, list[str]]] = (),  # type: ignore[assignment]
    others: list[tuple[str, list[str]]] = (),  # type: ignore[assignment]
    places: list[str] = (),  # type: ignore[assignment]
    projects: list[str] = (),  # type: ignore[assignment]
) -> Extraction:
    return Extraction(
        kind="inspection",
        start=date(2024, 6, 20),
        end=None,
        start_day=None,
        end_day=None,
        year_source="text",
        date_spans=[],
        lead_officials=[PersonMention(n, p, 0, len(n)) for n, p in leads],
        other_officials=[PersonMention(n, p, 0, len(n)) for n, p in others],
        enterprises=[EnterpriseMention(n, s, 0, len(n)) for n, s in enterprises],
        projects=list(projects),
        places=list(places),
        instructions=[],
        difficulties=[],
    )


def region(code: str) -> Region:
    return Region.objects.get(pk=code)


def official(name: str, code: str, *posts: tuple[str, str]) -> int:
    person = OfficialFactory(name=name, region=region(code))
    for department, title in posts:
        PostFactory(
            official=person, department=DepartmentFactory(name=department, region=region(code)), title=title
        )
    return person.pk


@pytest.fixture
def registry() -> dict[str, int]:
    """The records the tests link to, among 2,000 generated enterprises."""
    bulk_enterprises(2000)
    ids = {
        "联晟": EnterpriseFactory(
            name="内蒙古联晟新材料有限公司", short_name="联晟新材料", region=region(HUOLINGUOLE)
        ).pk,
        "锦联": EnterpriseFactory(name="霍林郭勒市锦联铝材有限公司", region=region(HUOLINGUOLE)).pk,
        "蒙能": EnterpriseFactory(
            name="内蒙古能源集团有限公司", short_name="蒙能集团", region=region("150000")
        ).pk,
        "北祥": EnterpriseFactory(name="辽宁北祥重工机械制造有限公司", region=region(TIELING_COUNTY)).pk,
        "陕汽": EnterpriseFactory(name="陕汽大同专用汽车有限公司", region=region(DATONG)).pk,
        "瑞铖": EnterpriseFactory(name="大同瑞铖钢结构有限公司", region=region(DATONG)).pk,
        "东升": EnterpriseFactory(name="霍林郭勒市东升煤业有限公司", region=region(HUOLINGUOLE)).pk,
        "华鑫科": EnterpriseFactory(name="科尔沁区华鑫铝业有限公司", region=region(HORQIN)).pk,
        "华鑫霍": EnterpriseFactory(name="霍林郭勒市华鑫铝业有限公司", region=region(HUOLINGUOLE)).pk,
        "孟宪东": official("孟宪东", TONGLIAO, ("通辽市委", "书记"), ("自治区党委", "常委")),
        "宋诚": official("宋诚", "211200", ("铁岭市委", "书记")),
        "王刚霍": official("王刚", HUOLINGUOLE, ("霍林郭勒市人民政府", "副市长")),
        "王刚科": official("王刚", HORQIN, ("科尔沁区委", "书记")),
        "铝箔": make_project(name="联晟新材料高端铝箔项目").pk,
    }
    return ids


def links_of(extraction: Extraction, hint: str | None = HUOLINGUOLE) -> linking.Links:
    return link(extraction, region_hint=hint, registry=Registry.from_database())


def only(links: list[linking.Link]) -> linking.Link:
    assert len(links) == 1, links
    return links[0]


# --- the samples ---------------------------------------------------------------------------------


def test_sample_000_links_official_enterprise_project_and_places(registry: dict[str, int]) -> None:
    _, extraction = sample("000")
    result = links_of(extraction)
    places = {lk.mention: (lk.status, lk.id, lk.how) for lk in result.places}
    assert places == {"霍林郭勒市": (MATCHED, HUOLINGUOLE, EXACT), "通辽市": (MATCHED, TONGLIAO, EXACT)}
    lead = result.officials[0]
    assert (lead.mention, lead.lead, lead.status, lead.id, lead.how) == (
        "孟宪东",
        True,
        MATCHED,
        registry["孟宪东"],
        EXACT,
    )
    by_name = {lk.mention: lk for lk in result.enterprises}
    # 联晟新材料有限公司 is registered as 内蒙古联晟新材料有限公司: the region in front does not count.
    assert (by_name["联晟新材料有限公司"].id, by_name["联晟新材料有限公司"].how) == (
        registry["联晟"],
        SHORT_NAME,
    )
    # Not in the registry: proposed as new, with the name as written and the report's region.
    assert by_name["兖矿集团"].status == NEW
    assert by_name["兖矿集团"].proposal == linking.Proposal(name="兖矿集团", region=HUOLINGUOLE)
    shorts = [m.name for m in extraction.enterprises if m.short and by_name[m.name].status == NEW]
    assert shorts  # 靖帆铝版基, 金辉粉体 …: a short name is proposed as the new record's short name too
    assert all(
        by_name[name].proposal == linking.Proposal(name, short_name=name, region=HUOLINGUOLE)
        for name in shorts
    )
    project = {lk.mention: lk for lk in result.projects}["高端铝箔项目"]
    # The registered project's name is longer ("联晟新材料高端铝箔项目"): a fuzzy match, scored.
    assert (project.status, project.id, project.how) == (MATCHED, registry["铝箔"], FUZZY)
    assert project.score >= linking.FUZZY_MATCH
    other = only([lk for lk in result.officials if lk.mention == "莫日根巴图"])
    assert other.status == NEW and other.proposal is not None
    assert other.proposal.posts == ("市委常委", "秘书长")


def test_sample_002_english_report_links_by_pinyin(registry: dict[str, int]) -> None:
    _, extraction = sample("002")
    result = links_of(extraction, hint=None)
    lead = result.officials[0]
    assert (lead.mention, lead.status, lead.id, lead.how) == ("Song Cheng", MATCHED, registry["宋诚"], PINYIN)
    company = only(result.enterprises)
    # "Liaoning Beixiang Heavy Industry Machinery Manufacturing Co.": 北祥 read in pinyin, in Liaoning.
    assert (company.status, company.id, company.how) == (MATCHED, registry["北祥"], PINYIN)
    assert {lk.mention: lk.id for lk in result.places} == {"铁岭县": TIELING_COUNTY}


def test_sample_003_enterprises_of_another_city_are_not_matched_by_their_trade_name(
    registry: dict[str, int],
) -> None:
    _, extraction = sample("003")
    result = links_of(extraction, hint=DATONG)
    by_name = {lk.mention: lk for lk in result.enterprises}
    assert (by_name["大同瑞铖钢结构有限公司"].status, by_name["大同瑞铖钢结构有限公司"].how) == (
        MATCHED,
        EXACT,
    )
    assert by_name["中车大同电力机车有限公司"].status == NEW


# --- enterprises --------------------------------------------------------------------------------


def test_short_names_full_name_core_and_registered_short_name(registry: dict[str, int]) -> None:
    result = links_of(
        report(enterprises=[("联晟新材料", True), ("联晟", True), ("蒙能集团", True), ("锦联铝材", True)])
    )
    got = {lk.mention: (lk.status, lk.id, lk.how) for lk in result.enterprises}
    assert got == {
        "联晟新材料": (MATCHED, registry["联晟"], SHORT_NAME),  # the registered short name
        "联晟": (MATCHED, registry["联晟"], SHORT_NAME),  # the 字号 alone, one such in the region
        "蒙能集团": (MATCHED, registry["蒙能"], SHORT_NAME),
        "锦联铝材": (MATCHED, registry["锦联"], SHORT_NAME),  # the name without region and form
    }


def test_region_written_in_the_name_must_be_the_candidates(registry: dict[str, int]) -> None:
    EnterpriseFactory(name="达拉特旗瑞铖钢结构有限公司", region=region("150621"))
    result = links_of(report(enterprises=[("鄂尔多斯瑞铖钢结构有限公司", False)]), hint="150600")
    assert only(result.enterprises).status == MATCHED
    assert only(result.enterprises).candidates[0].region == "150621"
    # The same core under Datong's name finds the Datong one, never the Ordos one.
    result = links_of(report(enterprises=[("山西大同瑞铖钢结构有限公司", False)]), hint=None)
    assert only(result.enterprises).id == registry["瑞铖"]


def test_one_short_name_in_two_counties_is_decided_by_the_report_region(registry: dict[str, int]) -> None:
    mention = report(enterprises=[("华鑫铝业", True)])
    assert only(links_of(mention, hint=HUOLINGUOLE).enterprises).id == registry["华鑫霍"]
    assert only(links_of(mention, hint=HORQIN).enterprises).id == registry["华鑫科"]
    # Tongliao contains both: a person chooses, both offered with the proposal of a new record.
    unsure = only(links_of(mention, hint=TONGLIAO).enterprises)
    assert unsure.status == AMBIGUOUS
    assert {c.id for c in unsure.candidates} == {registry["华鑫霍"], registry["华鑫科"]}
    assert unsure.proposal is not None and unsure.proposal.name == "华鑫铝业"


def test_homophone_typo_is_matched_by_pinyin(registry: dict[str, int]) -> None:
    # 联成 for 联晟 (晟 is read chéng or shèng), the trade words the same.
    got = only(links_of(report(enterprises=[("联成新材料有限公司", False)])).enterprises)
    assert (got.status, got.id, got.how) == (MATCHED, registry["联晟"], PINYIN)
    # A bare 字号 that only sounds like a registered one is not enough.
    assert only(links_of(report(enterprises=[("联成", True)])).enterprises).status == NEW


def test_fuzzy_thresholds(registry: dict[str, int]) -> None:
    """FUZZY_MATCH (85) and FUZZY_ASK (75), WRatio over names without region and legal form:
    a dropped character of a long name scores 93 (matched); the same 字号 with another trade
    (东升矿业 / 东升煤业) 75 (asked); another trade word altogether (华鑫电气 / 华鑫铝业) 50 (new)."""
    dropped = only(links_of(report(enterprises=[("陕汽大同专用车有限公司", False)]), hint=DATONG).enterprises)
    assert (dropped.status, dropped.id, dropped.how) == (MATCHED, registry["陕汽"], FUZZY)
    assert dropped.score >= linking.FUZZY_MATCH
    trade = only(links_of(report(enterprises=[("东升矿业有限公司", False)])).enterprises)
    assert trade.status == AMBIGUOUS and trade.candidates[0].id == registry["东升"]
    assert linking.FUZZY_ASK <= trade.candidates[0].score < linking.FUZZY_MATCH
    assert only(links_of(report(enterprises=[("华鑫电气有限公司", False)])).enterprises).status == NEW
    # Another 字号 with the same trade is another enterprise, however alike the rest.
    assert (
        only(links_of(report(enterprises=[("大同瑞城钢结构有限公司", False)]), hint=DATONG).enterprises).how
        == PINYIN
    )
    assert (
        only(
            links_of(report(enterprises=[("大同博铖钢结构有限公司", False)]), hint=DATONG).enterprises
        ).status
        == NEW
    )


# --- officials and places -------------------------------------------------------------------------


def test_two_officials_of_one_name_are_told_apart_by_a_post(registry: dict[str, int]) -> None:
    without = only(links_of(report(leads=[("王刚", [])]), hint=TONGLIAO).officials)
    assert without.status == AMBIGUOUS
    assert {c.id for c in without.candidates} == {registry["王刚霍"], registry["王刚科"]}
    with_post = only(links_of(report(leads=[("王刚", ["区委书记"])]), hint=TONGLIAO).officials)
    assert (with_post.status, with_post.id) == (MATCHED, registry["王刚科"])
    # The report's region decides too: only one 王刚 is in or above Huolinguole.
    assert only(links_of(report(leads=[("王刚", [])]), hint=HUOLINGUOLE).officials).id == registry["王刚霍"]
    # An official of that name only outside the report's regions is asked, not assumed.
    assert only(links_of(report(leads=[("孟宪东", [])]), hint=DATONG).officials).status == AMBIGUOUS


def test_new_official_is_proposed_with_the_region_of_the_post(registry: dict[str, int]) -> None:
    got = only(links_of(report(leads=[("郝茂荣", ["通辽市委副书记", "政府代市长"])]), hint=None).officials)
    assert got.status == NEW
    assert got.proposal == linking.Proposal(
        name="郝茂荣", posts=("通辽市委副书记", "政府代市长"), region=TONGLIAO
    )


def test_ambiguous_place_is_decided_by_the_hint_or_another_place(registry: dict[str, int]) -> None:
    codes = set(Region.objects.filter(name="新城区").values_list("code", flat=True))
    assert {"150102", "610102"} <= codes  # Hohhot's and Xi'an's
    alone = only(links_of(report(places=["新城区"]), hint=None).places)
    assert alone.status == AMBIGUOUS and {c.id for c in alone.candidates} == codes
    assert only(links_of(report(places=["新城区"]), hint="150000").places).id == "150102"
    both = links_of(report(places=["西安市", "新城区"]), hint=None).places
    assert [(lk.status, lk.id) for lk in both] == [(MATCHED, "610100"), (MATCHED, "610102")]
    # Short forms: 通辽 for 通辽市.
    assert only(links_of(report(places=["通辽"]), hint=None).places).id == TONGLIAO


def test_registry_refresh_sees_new_records(registry: dict[str, int]) -> None:
    first = linking.registry(refresh=True)
    assert linking.registry() is first
    mention = report(enterprises=[("新来新材料有限公司", False)])
    assert only(link(mention, region_hint=HUOLINGUOLE).enterprises).status == NEW
    added = EnterpriseFactory(name="霍林郭勒市新来新材料有限公司", region=region(HUOLINGUOLE))
    # A record added since (confirmed from a report, imported) is seen by the next report: the
    # index is rebuilt when the newest ids of its tables change, and not otherwise.
    assert only(link(mention, region_hint=HUOLINGUOLE).enterprises).id == added.pk
    again = linking.registry()
    assert linking.registry() is again


def test_link_time_per_report_at_2000_enterprises(registry: dict[str, int]) -> None:
    started = time.perf_counter()
    index = Registry.from_database()
    built = time.perf_counter() - started
    extractions = [sample(p)[1] for p in ("000", "001", "002", "003", "004")]
    for extraction in extractions:  # warm the caches
        link(extraction, region_hint=HUOLINGUOLE, registry=index)
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for extraction in extractions:
            link(extraction, region_hint=HUOLINGUOLE, registry=index)
    per_report = (time.perf_counter() - started) / (rounds * len(extractions))
    print(f"2k registry: built in {built:.2f} s, {per_report * 1000:.2f} ms a report")
    assert len(index) == 2009
    assert per_report < 0.004  # the aim is 2 ms; a loaded shared machine gets twice that


@pytest.mark.skipif(not os.environ.get("ZHUQI_BENCH_LINKING"), reason="bench only: ZHUQI_BENCH_LINKING=1")
def test_bench_200k_enterprises(registry: dict[str, int]) -> None:
    bulk_enterprises(198_000, seed=11, serial=6_000_000)
    started = time.perf_counter()
    Registry.from_database()
    built = time.perf_counter() - started
    tracemalloc.start()
    index = Registry.from_database()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extractions = [sample(p)[1] for p in ("000", "001", "002", "003", "004")]
    for extraction in extractions:
        link(extraction, region_hint=HUOLINGUOLE, registry=index)
    started = time.perf_counter()
    rounds = 100
    for _ in range(rounds):
        for extraction in extractions:
            link(extraction, region_hint=HUOLINGUOLE, registry=index)
    per_report = (time.perf_counter() - started) / (rounds * len(extractions))
    print(
        f"\n{len(index):,} enterprises: built in {built:.2f} s, retained {retained / 2**20:.1f} MiB "
        f"(peak {peak / 2**20:.1f} MiB while building), {per_report * 1000:.2f} ms a report"
    )
    assert len(index) > 199_000
    assert per_report < 0.002
