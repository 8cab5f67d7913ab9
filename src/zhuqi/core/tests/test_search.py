"""Word search (core/search.py): words segmented when written, found through each database's own
full-text index, kept by the services and rebuilt by a command. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from zhuqi.cases import selectors, services
from zhuqi.cases.models import Case, CaseCategory, CaseReach, Kind, RoutingRule
from zhuqi.cases.services import NewCase
from zhuqi.core import bulk, search
from zhuqi.directory.models import Region
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.models import Enterprise
from zhuqi.projects.models import Project
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory, make_project
from zhuqi.visits.models import Visit


@pytest.fixture
def finance(db) -> CaseCategory:
    return CaseCategory.objects.get(name="融资", parent=None)


@pytest.fixture
def routed(cast: Cast, finance: CaseCategory) -> RoutingRule:
    return RoutingRule.objects.create(
        region=Region.objects.get(pk="150581"), category=finance, lead_department=cast.handler.department
    )


# SQLite's one more query a word search costs: its matches in the whole table counted (FTS5), to
# choose whether they drive the list's count (core.search.DRIVE_LIMIT).
CHOOSING_THE_PLAN = 1 if connection.vendor == "sqlite" else 0


def file_demand(cast: Cast, finance, title: str, description: str = "详见附件") -> Case:
    return services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title=title, description=description, category_id=finance.pk),
    )


def found(query: str, user: str = "coordinator") -> list[int]:
    response = token_client(user).get("/api/v1/cases", {"q": query})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# ---------------------------------------------------------------------------------------------
# Segmenting


def test_a_text_keeps_its_words_the_shorter_words_inside_them_and_its_characters() -> None:
    tokens = search.segment("留抵退税政策落实").split()
    assert {"留抵退税", "退税", "政策", "落实"} <= set(tokens)
    # Every character too, in order, for single characters and names jieba does not know.
    assert tokens[-8:] == list("留抵退税政策落实")
    # Traditional, full-width and capitals are stored as a query is compared.
    assert search.segment("續貸ＡＢＣ") == search.segment("续贷abc")


def test_a_query_is_words_phrases_of_unknown_characters_and_latin_prefixes() -> None:
    terms = search.query_terms("联晟 續貸 5G")
    assert terms == [
        search.Term(("联", "晟")),
        search.Term(("续贷",)),
        search.Term(("5g",), prefix=True),
    ]
    assert search.query_terms("！？ ，") == []


# ---------------------------------------------------------------------------------------------
# Cases: through the API's list


def test_a_word_in_the_description_or_the_answer_finds_the_case(cast, finance, routed) -> None:
    loan = file_demand(cast, finance, "资金周转困难", "流动资金贷款下月到期，银行要求先还后续贷。")
    land = file_demand(cast, finance, "扩建用地", "扩建项目用地指标不足")
    assert found("续贷") == [loan.pk]
    assert found("用地指标") == [land.pk]

    land = services.case_accept(actor=cast.coordinator, case_id=land.pk, expected_version=land.version)
    land = services.case_assign(actor=cast.coordinator, case_id=land.pk, expected_version=land.version)
    land = services.case_start(actor=cast.handler, case_id=land.pk, expected_version=land.version)
    assert found("留抵退税") == []
    services.case_answer(
        actor=cast.handler,
        case_id=land.pk,
        expected_version=land.version,
        answer="已协调自然资源局调剂指标，并落实增值税留抵退税。",
        outcome="resolved",
    )
    # The answer's words, and a word inside a longer one (退税 in 留抵退税).
    assert found("留抵退税") == [land.pk]
    assert found("退税") == [land.pk]


def test_two_characters_traditional_single_characters_and_names_jieba_does_not_know(cast, finance) -> None:
    loan = file_demand(cast, finance, "流动资金贷款续贷困难")
    file_demand(cast, finance, "缺少熟练焊工")
    assert found("续贷") == [loan.pk]
    assert found("續貸") == [loan.pk]
    assert found("贷") == [loan.pk]  # one character
    # The enterprise's name (联晟新材料有限公司): 联晟 is no dictionary word, found as a phrase.
    assert len(found("联晟")) == 2
    assert found("联晟 续贷") == [loan.pk]  # every term
    assert found("晟联") == []  # the characters in that order, not merely both
    assert found("！？") == []
    assert found(f"#{loan.pk}") == [loan.pk]  # the id search stays


def test_the_best_match_comes_first_unless_the_list_has_an_order_of_its_own(cast, finance) -> None:
    often = file_demand(cast, finance, "续贷困难", "续贷到期，续贷手续")
    once = file_demand(cast, finance, "资金困难", "希望协调续贷")
    newest = file_demand(cast, finance, "用工短缺", "招工难")
    assert found("续贷") == [often.pk, once.pk]
    scoped = Case.objects.all()
    assert list(search.matching(scoped, "续贷").values_list("pk", flat=True)) == [often.pk, once.pk]
    # An order chosen by the caller stays (newest first here).
    by_date = search.matching(scoped.order_by("-submitted_at", "-id"), "续贷")
    assert list(by_date.values_list("pk", flat=True)) == [once.pk, often.pk]
    assert newest.pk not in found("续贷")


def test_more_matches_than_the_rank_limit_come_newest_first(cast, finance, monkeypatch) -> None:
    often = file_demand(cast, finance, "续贷困难", "续贷到期，续贷手续")
    once = file_demand(cast, finance, "资金困难", "希望协调续贷")
    file_demand(cast, finance, "用工短缺", "招工难")
    scoped = Case.objects.all()
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    assert list(search.matching(scoped, "续贷").values_list("pk", flat=True)) == [often.pk, once.pk]
    monkeypatch.setattr(search, "RANK_LIMIT", 1)
    # Past the limit: the list's own order (newest first), not the score.
    assert list(search.matching(scoped, "续贷").values_list("pk", flat=True)) == [once.pk, often.pk]
    assert "ORDER BY" in str(search.matching(scoped, "续贷").query)
    assert "rank" not in str(search.matching(scoped, "续贷").query).lower()
    # A caller's explicit choice is not counted and stays.
    ranked = search.matching(scoped, "续贷", rank=True)
    assert list(ranked.values_list("pk", flat=True)) == [often.pk, once.pk]


def test_the_search_list_costs_the_same_queries_as_the_list(cast, finance, django_assert_num_queries) -> None:
    for number in range(3):
        file_demand(cast, finance, f"流动资金贷款续贷困难{number}")
    client = token_client("coordinator")
    client.get("/api/v1/cases")  # the token's first use is recorded once
    # The list's own queries (the token, the page), and for the search: the page read as its ids,
    # then its rows (core.search.word_searched), and its matches counted up to RANK_LIMIT + 1, to
    # choose ranked or newest first (on SQLite one more before it: the word's matches in the
    # whole table, to choose how that count reads them).
    with django_assert_num_queries(3):
        listed = client.get("/api/v1/cases").json()
    with django_assert_num_queries(5 + CHOOSING_THE_PLAN):
        searched = client.get("/api/v1/cases", {"q": "续贷"}).json()
    assert listed["count"] == searched["count"] == 3


@pytest.mark.parametrize("rank_limit", [1000, 1], ids=["ranked", "past the rank limit"])
def test_the_search_counts_its_matches_once(
    cast, finance, monkeypatch, django_assert_num_queries, rank_limit
) -> None:
    from zhuqi.core import pagination

    for number in range(3):
        file_demand(cast, finance, f"流动资金贷款续贷困难{number}")
    file_demand(cast, finance, "用工短缺")
    monkeypatch.setattr(search, "RANK_LIMIT", rank_limit)
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    client = token_client("coordinator")
    client.get("/api/v1/cases")  # the token's first use is recorded once
    # A full page (one row of 1) is counted: the token, the page, its count.
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/cases", {"page_size": 1}).json()
    assert (listed["count"], listed["count_capped"]) == (1, True)
    # Searched: the matches counted for the choice to rank are the list's count, not counted again
    # (the page read as its ids, then its rows).
    with django_assert_num_queries(5 + CHOOSING_THE_PLAN):
        searched = client.get("/api/v1/cases", {"page_size": 1, "q": "续贷"}).json()
    assert (searched["count"], searched["count_capped"]) == (1, True)
    # Another page of the same rows, and the exact count, are counted right.
    second = client.get("/api/v1/cases", {"page_size": 1, "page": 3, "q": "续贷"}).json()
    assert (second["count"], second["count_capped"], len(second["items"])) == (3, False, 1)
    exact = client.get("/api/v1/cases", {"page_size": 1, "q": "续贷", "count": "exact"}).json()
    assert (exact["count"], exact["count_capped"]) == (3, False)


def test_a_remembered_count_is_not_the_count_of_narrower_rows(cast, finance) -> None:
    from zhuqi.core.pagination import count_up_to

    first = file_demand(cast, finance, "续贷困难一")
    file_demand(cast, finance, "续贷困难二")
    matched = search.matching(Case.objects.all(), "续贷", rank=False)
    remembered = search.matching(Case.objects.all(), "续贷")
    assert count_up_to(remembered, None) == 2
    assert count_up_to(remembered.filter(pk=first.pk), None) == 1  # other SQL: counted afresh
    assert count_up_to(matched, 1) == 1
    # A new list of the same rows (the next request) is counted again, not remembered.
    file_demand(cast, finance, "续贷困难三")
    assert count_up_to(search.matching(Case.objects.all(), "续贷"), None) == 3


@pytest.mark.parametrize("rank_limit", [1000, 1], ids=["ranked", "past the rank limit"])
def test_the_cases_page_counts_a_search_once(cast, finance, monkeypatch, rank_limit) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "RANK_LIMIT", rank_limit)
    for number in range(3):
        file_demand(cast, finance, f"流动资金贷款续贷困难{number}")
    client = Client()
    client.force_login(cast.coordinator)
    client.get("/cases/", {"tab": "all"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/", {"tab": "all", "q": "续贷"})
    assert response.status_code == 200
    assert response.content.decode().count("流动资金贷款续贷困难") == 3
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    counted = [sql for sql in counts if "search_vector" in sql or "_fts" in sql]
    assert len(counted) == 1 + CHOOSING_THE_PLAN, counts


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans (PostgreSQL plans by statistics)")
def test_on_sqlite_a_common_word_filters_the_walk_and_a_rare_one_drives_the_count(
    cast, finance, monkeypatch
) -> None:
    from zhuqi.cases import selectors

    for number in range(3):
        file_demand(cast, finance, f"流动资金贷款续贷困难{number}")

    def plan(queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[3] for row in cursor.fetchall())

    counted, paged = selectors.case_list_querysets(user=cast.coordinator)
    # A newest-first page: read by the scope's or the order's index, each row checked against the
    # matches (the list of them built once), not each match looked up and all of them sorted.
    page = plan(search.matching(paged, "续贷", rank=False).values("pk")[:50])
    assert page.startswith(("SEARCH cases_case USING INDEX", "SEARCH cases_case USING COVERING INDEX")), page
    assert "LIST SUBQUERY" in page, page
    assert "INTEGER PRIMARY KEY" not in page, page
    # The count of a rare word: its matches drive (each looked up by rowid).
    assert "INTEGER PRIMARY KEY (rowid=?)" in plan(search.matching(counted, "续贷", rank=False).values("pk"))
    # Of a common one: the scope's own index drives, each entry checked against the matches.
    monkeypatch.setattr(search, "DRIVE_LIMIT", 2)
    common = plan(search.matching(counted, "续贷", rank=False).values("pk"))
    assert "INTEGER PRIMARY KEY (rowid=?)" not in common, common
    found = search.matching(counted, "续贷", rank=False)
    assert sorted(found.values_list("title", flat=True)) == [f"流动资金贷款续贷困难{n}" for n in range(3)]


def test_an_edit_keeps_the_words_and_a_renamed_enterprise_carries_its_cases(cast, finance) -> None:
    case = file_demand(cast, finance, "资金困难")
    services.case_edit(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        correction=services.CaseCorrection(title="应收账款融资受阻", reason="标题不清"),
    )
    assert found("融资") == [case.pk] and found("资金困难") == []
    home = Enterprise.objects.get(pk=cast.home.pk)
    enterprise_services.enterprise_update(
        actor=cast.admin,
        enterprise_id=home.pk,
        data={"name": "霍林河煤业集团有限公司"},
        expected_version=home.version,
    )
    assert found("煤业") == [case.pk] and found("联晟") == []


# ---------------------------------------------------------------------------------------------
# Enterprises, projects, visits


def test_enterprises_by_words_of_the_name_and_still_by_pinyin(cast, django_assert_num_queries) -> None:
    client = token_client("leader")
    client.get("/api/v1/enterprises")  # the token's first use is recorded once
    # The list's queries, and the search's choice between ranked and its own order (one count).
    with django_assert_num_queries(len_of(client, "/api/v1/enterprises", {}) + 1 + CHOOSING_THE_PLAN):
        client.get("/api/v1/enterprises", {"q": "铝材"})

    def names(query: str) -> list[str]:
        return [e["name"] for e in client.get("/api/v1/enterprises", {"q": query}).json()["items"]]

    assert names("铝材") == ["锦联铝材有限公司"]
    assert names("新材料") == ["联晟新材料有限公司"]
    assert names("聯晟") == ["联晟新材料有限公司"]
    assert names("lsxcl") == ["联晟新材料有限公司"]  # pinyin initials, as before


def test_projects_and_visits_by_words(cast, django_assert_num_queries) -> None:
    make_project(name="年产十万吨电池级碳酸锂项目", content="建设锂电池正极材料生产线")
    make_project(name="风电装备制造基地")
    client = token_client("coordinator")
    client.get("/api/v1/projects")
    listed = client.get("/api/v1/projects", {"q": "碳酸锂"}).json()
    assert [p["name"] for p in listed["items"]] == ["年产十万吨电池级碳酸锂项目"]
    assert client.get("/api/v1/projects", {"q": "正极材料"}).json()["count"] == 1
    with django_assert_num_queries(
        len_of(client, "/api/v1/projects", {}) + 1 + CHOOSING_THE_PLAN
    ):  # + the choice
        client.get("/api/v1/projects", {"q": "风电"})

    leader = OfficialFactory(name="孟宪东")
    PostFactory(official=leader, department=DepartmentFactory(name="通辽市委"), title="书记")
    body = {
        "kind": "inspection",
        "lead_officials": [leader.pk],
        "title": "调研新能源产业链",
        "start_date": "2026-06-21",
        "summary": "听取光伏组件项目建设进展汇报",
        "places": ["150581"],
        "enterprises": [{"enterprise": cast.home.pk}],
    }
    created = send(client, "post", "/api/v1/visits", body)
    assert created.status_code == 201, created.content
    assert Visit.objects.get().search_words
    assert [v["id"] for v in client.get("/api/v1/visits", {"q": "光伏"}).json()["items"]] == [
        created.json()["id"]
    ]
    assert client.get("/api/v1/visits", {"q": "风电"}).json()["count"] == 0
    with django_assert_num_queries(
        len_of(client, "/api/v1/visits", {}) + 1 + CHOOSING_THE_PLAN
    ):  # + the choice
        client.get("/api/v1/visits", {"q": "光伏"})


def len_of(client, path: str, params: dict) -> int:
    """How many queries the list costs without a search."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path, params)
    return len(queries.captured_queries)


# ---------------------------------------------------------------------------------------------
# The index: used, and rebuilt


def test_the_rebuild_command_restores_words_lost_or_stale(cast, finance) -> None:
    case = file_demand(cast, finance, "流动资金贷款续贷困难")
    project = make_project(name="电池级碳酸锂项目")
    Case.objects.filter(pk=case.pk).update(search_words="")
    Project.objects.filter(pk=project.pk).update(search_words="")
    assert found("续贷") == []
    out = io.StringIO()
    call_command("rebuild_search", "cases.case", stdout=out)
    assert "cases.case: done, 1 of 1 rows written" in out.getvalue()
    assert found("续贷") == [case.pk]
    assert Project.objects.get(pk=project.pk).search_words == ""  # only the model named
    call_command("rebuild_search", stdout=out)
    assert "projects.project: done, 1 of 1 rows written" in out.getvalue()
    assert "cases.case: done, 0 of 1 rows written" in out.getvalue()  # nothing left to write
    assert Project.objects.get(pk=project.pk).search_words == search.segment("电池级碳酸锂项目")

    # Batches that fill up are segmented by worker processes (a big table): the same words.
    other = file_demand(cast, finance, "用电负荷不足需增容")
    Case.objects.update(search_words="")
    call_command("rebuild_search", "cases.case", "--batch-size", "1", stdout=out)
    assert found("续贷") == [case.pk] and found("增容") == [other.pk]
    assert Case.objects.get(pk=other.pk).search_words == search.segment(
        other.title, other.description, "", "", "", cast.home.name
    )


def test_a_rebuild_writes_many_rows_a_statement_each_with_its_own_words(cast, finance, monkeypatch) -> None:
    # SQLite's rows go a few a statement (here 2: statements of 2, 2 and 1 rows); each row keeps
    # its own words and the word index follows.
    monkeypatch.setattr(bulk, "SQLITE_ROWS_A_STATEMENT", 2)
    words = ["续贷", "增容", "退税", "招工", "环评"]
    cases = [file_demand(cast, finance, f"企业反映{word}问题") for word in words]
    Case.objects.update(search_words="")
    assert search.rebuild(Case) == len(cases)
    for word, case in zip(words, cases, strict=True):
        assert found(word) == [case.pk]
        case.refresh_from_db()
        assert case.search_words == search.segment(case.title, case.description, "", "", "", cast.home.name)


def test_the_search_reads_the_word_index(cast, finance) -> None:
    file_demand(cast, finance, "流动资金贷款续贷困难")
    queryset = search.matching(Case.objects.filter(kind=Kind.DEMAND), "续贷")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows: without this the planner rightly reads the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Bitmap Index Scan on cases_case_words_idx" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            # The FTS table drives (its MATCH), the cases are read by their key.
            assert "cases_case_fts VIRTUAL TABLE INDEX" in plan, plan
            assert "SEARCH cases_case USING INTEGER PRIMARY KEY" in plan, plan


def test_a_word_searched_within_a_jurisdiction_finds_its_cases_and_those_it_reaches(cast, finance) -> None:
    """On PostgreSQL the cases' search_vector holds their region's tokens and a search scoped to
    one region asks for its token (core.search.register(…, region=)): the same cases are found
    as by the region's range, the range then only a check; a scope that also reaches cases of
    other regions (CaseReach) is not narrowed by a token."""
    county, tongliao, datong = (file_demand(cast, finance, f"流动资金续贷困难{n}") for n in range(3))
    Case.objects.filter(pk=tongliao.pk).update(region_id="150502")
    Case.objects.filter(pk=datong.pk).update(region_id="140200")
    assert sorted(found("续贷", "leader")) == sorted([county.pk, tongliao.pk])  # 通辽: 150500
    assert found("续贷", "coordinator") == [county.pk]  # 霍林郭勒: 150581
    assert found("续贷", "outsider") == [datong.pk]  # 大同: 140200
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM cases_case WHERE id = %s", [county.pk])
            vector = cursor.fetchone()[0]
        assert all(f"'in:{code}'" in vector for code in ("15", "1505", "150581")), vector
        leaders = search.matching(
            Case.objects.filter(selectors.case_scope_q(cast.leader)), "续贷", rank=False
        )
        sql = str(leaders.query)
        assert "'in:1505'" in sql and "\"region_id\" || '')" in sql, sql
    # A case of 大同 a department of the county works on: the county's coordinator finds it too.
    CaseReach.objects.create(case=datong, region_id="150581")
    assert sorted(found("续贷", "coordinator")) == sorted([county.pk, datong.pk])
    reaching = search.matching(
        Case.objects.filter(selectors.case_scope_q(cast.coordinator)), "续贷", rank=False
    )
    assert "'in:" not in str(reaching.query)


@pytest.mark.parametrize("model", search.searched_models(), ids=lambda m: m._meta.label_lower)
def test_every_searched_model_has_its_index_after_the_migrations(db, model) -> None:
    # A later migration that rebuilds a SQLite table drops its triggers: this fails then, and
    # `rebuild_search` (ensure_index) puts them back.
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_words_idx"])
            assert "USING gin (search_vector)" in cursor.fetchone()[0]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            assert {row[0] for row in cursor.fetchall()} >= {
                f"{table}_fts_insert",
                f"{table}_fts_update",
                f"{table}_fts_delete",
            }


# ---------------------------------------------------------------------------------------------
# The pages: a search box's words, ranked or not, through the pages' own paginator


@pytest.mark.parametrize("rank_limit", [1000, 1], ids=["ranked", "past the rank limit"])
def test_the_list_pages_find_by_words_ranked_or_newest_first(cast, finance, monkeypatch, rank_limit) -> None:
    from django.test import Client

    monkeypatch.setattr(search, "RANK_LIMIT", rank_limit)
    often = file_demand(cast, finance, "续贷困难", "续贷到期，续贷手续")
    once = file_demand(cast, finance, "资金困难", "希望协调续贷")
    file_demand(cast, finance, "用工短缺", "招工难")
    make_project(name="年产十万吨电池级碳酸锂项目", content="建设锂电池正极材料生产线")
    make_project(name="风电装备制造基地")
    client = Client()
    client.force_login(cast.coordinator)

    response = client.get("/cases/", {"tab": "all", "q": "续贷"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "用工短缺" not in body
    first, second = (often, once) if rank_limit > 2 else (once, often)
    assert body.index(first.title) < body.index(second.title)

    body = client.get("/projects/", {"q": "碳酸锂"}).content.decode()
    assert "年产十万吨电池级碳酸锂项目" in body and "风电装备制造基地" not in body
    body = client.get("/enterprises/", {"q": cast.home.name[:2]}).content.decode()
    assert cast.home.name in body
    assert client.get("/visits/", {"q": "光伏"}).status_code == 200
