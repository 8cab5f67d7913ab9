"""A project's industrial chain as a link to chains.Chain: the names written before (and in
imports) resolved to the chain of the project's region or a region above it, the unmatched ones
kept and listed for a person, the API's filter and fields, and what the chains' pages get from the
projects (the comparison's columns, a chain's panel)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from zhuqi.chains.figures import registered_columns
from zhuqi.chains.models import Chain
from zhuqi.core import panels
from zhuqi.core.errors import NotFound, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.projects import chain_figures, schemas, services
from zhuqi.projects.chain_names import ChainRef, link_written_chains, name_key, resolve
from zhuqi.projects.importing import import_projects
from zhuqi.projects.models import Project, Stage
from zhuqi.projects.services import ProjectData
from zhuqi.projects.tests.test_import import workbook
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, make_chain, make_project

pytestmark = pytest.mark.django_db

COUNTY, CITY, OTHER_COUNTY = "150581", "150500", "150502"


# ---------------------------------------------------------------------------------------------
# Matching names (what the data migration, the import and the services call)


def test_a_name_matches_with_or_without_its_suffix() -> None:
    assert name_key("光伏装备") == name_key("光伏装备产业链") == name_key(" 光伏装备链 ") == "光伏装备"
    assert name_key("链") == "链"  # only the suffix: kept
    chains = [ChainRef(1, "光伏装备产业链", CITY)]
    assert resolve("光伏装备", COUNTY, chains).chain == chains[0]  # the city's chain, for a county
    assert resolve("光伏装备链", CITY, chains).chain == chains[0]


def test_only_chains_of_the_region_or_above_it_are_matched() -> None:
    chains = [ChainRef(1, "氢能产业链", OTHER_COUNTY), ChainRef(2, "乳业产业链", "140200")]
    assert resolve("氢能", COUNTY, chains).chain is None  # a sibling county's chain
    assert resolve("乳业", COUNTY, chains).chain is None  # another province's
    assert resolve("氢能", OTHER_COUNTY, chains).chain == chains[0]
    assert resolve("", COUNTY, chains).chain is None


def test_several_matches_are_ambiguous_unless_one_is_named_exactly() -> None:
    county, city = ChainRef(1, "铝产业链", COUNTY), ChainRef(2, "铝产业链", CITY)
    found = resolve("铝", COUNTY, [county, city])
    assert found.chain is None and found.ambiguous and found.candidates == (city, county)
    exact = ChainRef(3, "铝链", CITY)
    assert resolve("铝链", COUNTY, [ChainRef(4, "铝产业链", COUNTY), exact]).chain == exact


def test_the_migration_links_written_names_and_keeps_the_rest(cast: Cast) -> None:
    county_chain = make_chain(cast)  # 铝产业链, Huolinguole
    city_chain = Chain.objects.create(name="光伏装备产业链", region_id=CITY)
    Chain.objects.create(name="氢能产业链", region_id=COUNTY)
    Chain.objects.create(name="氢能链", region_id=CITY)  # 氢能 means two chains for the county
    foil = make_project(chain_name="铝")
    solar = make_project(chain_name="光伏装备")  # a county project: the city's chain
    unknown = make_project(chain_name="稀土新材料")
    ambiguous = make_project(chain_name="氢能")
    elsewhere = make_project(chain_name="铝产业链", region_id=OTHER_COUNTY)  # not this county's chain
    assert link_written_chains(Project.objects.all(), Chain.objects.all()) == (2, 3)
    values = {
        p.pk: (p.chain_id, p.chain_name)
        for p in Project.objects.filter(pk__in=[foil.pk, solar.pk, unknown.pk, ambiguous.pk, elsewhere.pk])
    }
    assert values == {
        foil.pk: (county_chain.pk, ""),
        solar.pk: (city_chain.pk, ""),
        unknown.pk: (None, "稀土新材料"),
        ambiguous.pk: (None, "氢能"),
        elsewhere.pk: (None, "铝产业链"),
    }
    # Run again: nothing more to link, nothing lost.
    assert link_written_chains(Project.objects.all(), Chain.objects.all()) == (0, 3)


# ---------------------------------------------------------------------------------------------
# Services, import


def _data(**overrides: Any) -> ProjectData:
    data = ProjectData(name="联晟新材料高端铝箔项目", region_code=COUNTY, total_investment="50000")
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def test_the_service_resolves_keeps_or_refuses_a_chain(cast: Cast) -> None:
    chain = make_chain(cast)
    linked = services.project_create(actor=cast.coordinator, data=_data(chain="铝"))
    assert (linked.chain_id, linked.chain_name) == (chain.pk, "")
    kept = services.project_create(actor=cast.coordinator, data=_data(name="稀土项目", chain="稀土"))
    assert (kept.chain_id, kept.chain_name) == (None, "稀土")
    picked = services.project_create(actor=cast.coordinator, data=_data(name="二期", chain_id=chain.pk))
    assert picked.chain_id == chain.pk
    sibling = Chain.objects.create(name="煤化工产业链", region_id=OTHER_COUNTY)
    with pytest.raises(ValidationFailed) as failure:
        services.project_create(actor=cast.admin, data=_data(name="三期", chain_id=sibling.pk))
    assert failure.value.errors[0].field == "chain"
    assert "不是项目建设地点或其上级地区的产业链" in failure.value.errors[0].message
    Chain.objects.create(name="铝产业链", region_id=CITY)
    with pytest.raises(ValidationFailed) as failure:
        services.project_create(actor=cast.coordinator, data=_data(name="四期", chain="铝"))
    assert "对应多条产业链" in failure.value.errors[0].message
    # A linked project written back by its chain's name keeps its chain (an API round trip).
    again = services.project_update(
        actor=cast.coordinator,
        project_id=linked.pk,
        expected_version=linked.version,
        data=_data(chain="铝产业链"),
    )
    assert again.chain_id == chain.pk and again.version == linked.version


def _chain_rows(*chains: str) -> list[list[Any]]:
    return [
        ["", f"项目{index}", "", "", "霍林郭勒市", "盟市重点", 1, 100, "2026年3月", "", chain]
        for index, chain in enumerate(chains)
    ]


HEADER = [
    "项目代码",
    "项目名称",
    "建设单位",
    "统一社会信用代码",
    "建设地点",
    "项目级别",
    "总投资（亿元）",
    "年度计划投资（万元）",
    "计划开工时间",
    "责任单位",
    "所属产业链",
]


def test_the_import_resolves_chains_by_name_and_keeps_unknown_ones(cast: Cast) -> None:
    chain = make_chain(cast)
    rows = workbook(_chain_rows("铝产业链", "铝", "稀土新材料", ""), HEADER)
    report = import_projects(actor=cast.coordinator, stream=rows, filename="x.xlsx")
    assert report.written and not report.errors, report.errors
    found = {p.name: (p.chain_id, p.chain_name) for p in Project.objects.all()}
    assert found == {
        "项目0": (chain.pk, ""),
        "项目1": (chain.pk, ""),
        "项目2": (None, "稀土新材料"),  # never dropped: listed for a person
        "项目3": (None, ""),
    }


def test_an_ambiguous_chain_is_a_row_error_naming_the_candidates(cast: Cast) -> None:
    make_chain(cast)
    Chain.objects.create(name="铝产业链", region_id=CITY)
    rows = workbook(_chain_rows("稀土", "铝"), HEADER)
    report = import_projects(actor=cast.coordinator, stream=rows, filename="x.xlsx")
    assert not report.written and not Project.objects.exists()
    (error,) = report.errors
    assert (error.row, error.column) == (3, "所属产业链")
    assert "铝产业链（霍林郭勒市" in error.message and "铝产业链（通辽市" in error.message


# ---------------------------------------------------------------------------------------------
# API and pages


def test_the_api_filters_by_chain_id_or_name_and_shows_both(cast: Cast) -> None:
    chain = make_chain(cast)
    coordinator = token_client("coordinator")
    created = send(
        coordinator,
        "post",
        "/api/v1/projects",
        {"name": "铝箔项目", "region": COUNTY, "total_investment": "1000", "chain_id": chain.pk},
    )
    assert created.status_code == 201, created.content
    assert (created.json()["chain"], created.json()["chain_id"]) == ("铝产业链", chain.pk)
    written = send(
        coordinator,
        "post",
        "/api/v1/projects",
        {"name": "稀土项目", "region": COUNTY, "total_investment": "1000", "chain": "稀土"},
    ).json()
    assert (written["chain"], written["chain_id"]) == ("稀土", None)
    make_project()  # no chain

    def names(query: str) -> set[str]:
        return {p["name"] for p in coordinator.get(f"/api/v1/projects?{query}").json()["items"]}

    assert names(f"chain={chain.pk}") == {"铝箔项目"}
    assert names("chain=铝") == names("chain=铝产业链") == {"铝箔项目"}  # the old text filter
    assert names("chain=稀土") == {"稀土项目"}
    assert names("chain_unmatched=true") == {"稀土项目"}
    assert names("chain=999999") == set()
    listed = coordinator.get("/api/v1/projects").json()["items"]
    rows = Project.objects.filter(pk__in=[p["id"] for p in listed]).order_by("-listed_year", "name", "id")
    from zhuqi.projects.selectors import clock, with_flags

    expected = validated_items(
        schemas.ProjectOut,
        schemas.project_row_json,
        with_flags(rows, clock()).values(*schemas.PROJECT_ROW_COLUMNS),
    )
    assert sorted(listed, key=lambda p: p["id"]) == sorted(expected, key=lambda p: p["id"])


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_library_lists_unmatched_names_and_links_them(cast: Cast) -> None:
    stray = make_project(chain_name="铝")
    make_project(chain_name="铝", region_id="140200")  # outside the coordinator's scope
    keeper = _client(cast.coordinator)
    page = keeper.get("/projects/?chain_unmatched=true").content.decode()
    assert 'data-testid="unmatched-chain"' in page and "未匹配" in page and stray.name in page
    assert "尚未建立产业链" in page
    chain = make_chain(cast)  # the chain is made later
    page = keeper.get("/projects/?chain_unmatched=true").content.decode()
    assert f'<option value="{chain.pk}">铝产业链（霍林郭勒市）</option>' in page
    linked = keeper.post("/projects/link-chain", {"chain": str(chain.pk), "chain_name": "铝"})
    assert linked.status_code == 302
    stray.refresh_from_db()
    assert (stray.chain_id, stray.chain_name, stray.version) == (chain.pk, "", 2)
    assert Project.objects.filter(chain__isnull=True, chain_name="铝").count() == 1  # not in scope
    entry = AuditEntry.objects.filter(
        object_id=str(stray.pk), action=AuditEntry.Action.UPDATE, content_type__model="project"
    ).get()
    assert entry.changes["chain"] == [None, chain.pk] and entry.changes["chain_name"] == ["铝", ""]
    assert entry.source == "web"
    library = keeper.get(f"/projects/?chain={chain.pk}").content.decode()
    assert stray.name in library
    assert (
        keeper.get("/projects/?chain_unmatched=true").content.decode().count('data-testid="unmatched-chain"')
        == 0
    )


def test_linking_needs_the_keeper_and_a_chain_in_scope(cast: Cast) -> None:
    chain = make_chain(cast)
    with pytest.raises(NotFound):
        services.projects_link_chain(actor=cast.outsider, chain_id=chain.pk, chain_name="铝")
    with pytest.raises(NotFound):
        services.projects_link_chain(actor=cast.coordinator, chain_id="x", chain_name="铝")


def test_the_command_lists_unmatched_names(cast: Cast) -> None:
    make_project(chain_name="稀土")
    make_project(chain_name="稀土")
    out = StringIO()
    call_command("unmatched_project_chains", stdout=out)
    assert "稀土\t2 个项目\t霍林郭勒市" in out.getvalue()


def test_the_form_picks_a_chain_and_keeps_a_written_one(cast: Cast) -> None:
    chain = make_chain(cast)
    written = make_project(chain_name="稀土")
    keeper = _client(cast.coordinator)
    page = keeper.get(f"/projects/{written.pk}/edit").content.decode()
    assert 'data-testid="chain-written"' in page and f'<option value="{chain.pk}"' in page
    form = {
        "name": written.name,
        "region": COUNTY,
        "total_investment": "50000",
        "listed_year": str(written.listed_year),
        "chain": "",
        "chain_name": "稀土",
        "version": "1",
    }
    assert keeper.post(f"/projects/{written.pk}/edit", form).status_code == 302
    written.refresh_from_db()
    assert (written.chain_id, written.chain_name) == (None, "稀土")
    assert keeper.post(f"/projects/{written.pk}/edit", {**form, "chain": str(chain.pk)}).status_code == 302
    written.refresh_from_db()
    assert (written.chain_id, written.chain_name) == (chain.pk, "")
    detail = keeper.get(f"/projects/{written.pk}/").content.decode()
    assert "铝产业链" in detail


# ---------------------------------------------------------------------------------------------
# What the chains' pages get


def test_the_columns_count_each_chain_in_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    chain = make_chain(cast)
    other = make_chain(cast, name="光伏装备产业链", segments=("组件",))
    empty = make_chain(cast, name="氢能产业链", segments=("制氢",))
    this_year = timezone.localdate().year
    make_project(chain=chain, stage=Stage.PLANNED, investment_to_date=Decimal("10"))
    make_project(
        chain=chain,
        stage=Stage.STARTED,
        started_on=datetime.date(this_year, 1, 5),
        investment_to_date=Decimal("200.5"),
    )
    make_project(
        chain=chain,
        stage=Stage.PRODUCING,
        started_on=datetime.date(this_year - 1, 6, 1),
        investment_to_date=Decimal("1000"),
    )
    make_project(chain=chain, stage=Stage.CANCELLED, started_on=datetime.date(this_year, 2, 1))
    make_project(chain=chain, stage=Stage.SUSPENDED, started_on=datetime.date(this_year, 3, 1))
    make_project(chain=other, stage=Stage.COMPLETED, started_on=datetime.date(this_year, 4, 1))
    make_project(chain=chain, region_id="140200", stage=Stage.STARTED)  # not the coordinator's to see
    ids = [chain.pk, other.pk, empty.pk]
    keys = {column.key for column in registered_columns()}
    assert {"projects", "projects_started", "projects_landed_this_year", "investment_completed"} <= keys
    landed = next(c for c in registered_columns() if c.key == "projects_landed_this_year")
    assert "实际开工日期在本年内" in landed.definition
    user = cast.coordinator
    with django_assert_num_queries(1):
        projects = chain_figures.chain_projects(user, ids)
    assert projects == {chain.pk: 5, other.pk: 1, empty.pk: 0}
    assert chain_figures.chain_projects_started(user, ids) == {chain.pk: 3, other.pk: 1, empty.pk: 0}
    assert chain_figures.chain_projects_landed(user, ids) == {chain.pk: 2, other.pk: 1, empty.pk: 0}
    assert chain_figures.chain_investment_completed(user, ids) == {
        chain.pk: Decimal("1210.50"),
        other.pk: Decimal(0),
        empty.pk: Decimal(0),
    }
    # The chain's figure is the whole chain's, whoever reads it (a count names no project).
    assert chain_figures.chain_projects(cast.admin, [chain.pk]) == {chain.pk: 5}


def test_the_chain_page_panel_shows_projects_by_stage_and_links_the_library(cast: Cast) -> None:
    chain = make_chain(cast)
    make_project(chain=chain, name="铝箔一期", stage=Stage.STARTED, total_investment=Decimal("900"))
    make_project(chain=chain, name="铝箔二期", stage=Stage.PLANNED, total_investment=Decimal("100"))
    context = panels.context("chain-detail", cast.coordinator, chain)
    assert "projects/chain_panel.html" in context["panel_templates"]
    shown = context["chain_projects"]
    assert shown["count"] == 2 and shown["library_url"] == f"/projects/?chain={chain.pk}"
    assert {s["stage"]: s["count"] for s in shown["stages"]}["started"] == 1
    assert [p.name for p in shown["listed"]] == ["铝箔一期", "铝箔二期"]
    from django.template.loader import render_to_string

    html = render_to_string("projects/chain_panel.html", context)
    assert f'href="/projects/?chain={chain.pk}"' in html and "铝箔一期" in html
