"""The 事项 page's lists: the page's ids from the case table alone, then what the page shows for
those ids (core.pagination.IdsThenRows, as the API), in a number of queries that does not grow
with the list, and a count that stops at a cap ("1,000+ 条") unless the exact figure is asked for."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhuqi.cases import services, views
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.services import NewCase
from zhuqi.core import listing, pagination
from zhuqi.testing.api import is_ids_query
from zhuqi.testing.factories import Cast


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file_demands(cast: Cast, finance: CaseCategory, count: int) -> list[Case]:
    return [
        services.case_create(
            actor=cast.enterprise_user,
            data=NewCase(
                kind=Kind.DEMAND, title=f"续贷难{n}", description="先还后贷。", category_id=finance.pk
            ),
        )
        for n in range(count)
    ]


def _case_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]


@pytest.mark.parametrize("address", ["/cases/", "/cases/?tab=all"])
def test_the_page_takes_its_ids_from_the_case_table_alone_then_loads_them(
    cast: Cast, finance: CaseCategory, address: str, django_assert_num_queries: Any
) -> None:
    made = file_demands(cast, finance, 3)
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(address).content.decode()
    for case in made:
        assert f'data-case="{case.pk}"' in body and case.title in body
    assert cast.home.name in body and "融资" in body  # the joined columns, loaded for the page
    cases = _case_queries(captured)
    pages = [sql for sql in cases if '"enterprises_enterprise"."name"' in sql]
    assert len(pages) == 1, cases
    # core.pagination.IdsThenRows, as the API: the page of ids from the case table alone (no
    # join, LIMIT), then the columns the page shows for those ids, joined for them only.
    ids = [sql for sql in cases if is_ids_query(sql, "cases_case")]
    assert len(ids) == 1 and "JOIN" not in ids[0] and "LIMIT" in ids[0], cases
    assert re.search(r'"cases_case"\."id" IN \([\d, ]+\)', pages[0]) and "LIMIT" not in pages[0], pages[0]
    assert '"cases_case"."description"' not in pages[0]
    # Newest first on 全部, by the clock on 待办: either way the ids' order is the page's.
    order = [int(pk) for pk in _row_ids(body)]
    assert sorted(order) == sorted(c.pk for c in made)
    if "tab=all" in address:
        assert order == sorted(order, reverse=True)
    # session, user, the reach of the jurisdiction (CaseReach), the ids (and 全部's count), the
    # page, notices, joint handlings waiting (待办 only): fixed, whatever the list's size. The
    # filter form's categories are read by the first request (kept: core.process_cache).
    with CaptureQueriesContext(connection) as first:
        client.get(address)
    file_demands(cast, finance, 4)
    with django_assert_num_queries(len(first)):
        body = client.get(address).content.decode()
    assert len(_row_ids(body)) == 7


def _row_ids(body: str) -> list[str]:
    return [part.split('"', 1)[0] for part in body.split('data-case="')[1:]]


def test_a_long_list_says_1000_plus_and_counts_exactly_on_request(
    cast: Cast, finance: CaseCategory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    file_demands(cast, finance, 5)
    client = client_for(cast.coordinator)
    body = client.get("/cases/?tab=all").content.decode()
    assert "第 1 页，共 3+ 条" in body and 'data-testid="exact-count"' in body
    assert len(_row_ids(body)) == 2 and 'rel="next"' in body
    # A page that is not full ends the list: it says the count itself, no COUNT is run.
    with CaptureQueriesContext(connection) as last:
        body = client.get("/cases/?tab=all&page=3").content.decode()
    assert len(_row_ids(body)) == 1 and "共 5 条" in body and "exact-count" not in body
    assert not [q for q in _case_queries(last) if "COUNT(" in q], _case_queries(last)
    # Beyond the cap the count reaches the page asked: page 2 counts to 4 (and one more).
    body = client.get("/cases/?tab=all&page=2").content.decode()
    assert "共 4+ 条" in body and 'rel="next"' in body
    # A page beyond any list: the last page, whatever the number (the count's LIMIT stays bounded).
    for absurd in ("99999999999999999999999", "-3", "x"):
        response = client.get(f"/cases/?tab=all&page={absurd}")
        assert response.status_code == 200 and len(_row_ids(response.content.decode())) in (1, 2)
    exact = client.get("/cases/?tab=all&count=exact").content.decode()
    assert "第 1 / 3 页，共 5 条" in exact and "exact-count" not in exact
    # The exact count stays in the list's links.
    assert "count=exact&amp;page=2" in exact or "count=exact&page=2" in exact


def test_the_count_has_thousands_separators(db: Any) -> None:
    from zhuqi.directory.models import Region

    regions = Region.objects.order_by("code")
    total = regions.count()
    assert total > 1000  # GB/T 2260: some 3,000 divisions

    rows = pagination.IdsThenRows(regions, Region.objects.all())
    capped = listing.ListPaginator(rows, 10, counted=regions).get_page(1)
    assert capped.paginator.capped and capped.paginator.count_text == "1,000+"
    assert [r.code for r in capped.object_list] == list(regions.values_list("code", flat=True)[:10])
    exact = listing.ListPaginator(rows, 10, counted=regions, exact=True).get_page(2)
    assert not exact.paginator.capped and exact.paginator.count_text == f"{total:,}" and "," in f"{total:,}"
    assert [r.code for r in exact.object_list] == list(regions.values_list("code", flat=True)[10:20])


def test_each_roles_waiting_cases_lie_inside_its_scope(cast: Cast, finance: CaseCategory) -> None:
    """waiting_on reads the queue without ANDing the scope for handlers, coordinators and admins
    (their queue lies inside their scope by definition): what it gives is what they may see."""
    from zhuqi.cases import selectors

    made = file_demands(cast, finance, 2)
    outside = services.case_create(
        actor=cast.outsider,
        data=NewCase(
            kind=Kind.DEMAND,
            title="大同的诉求",
            description="热线记录。",
            category_id=finance.pk,
            enterprise_id=cast.datong.pk,
            source="hotline",
        ),
    )
    for user in (cast.admin, cast.leader, cast.coordinator, cast.handler, cast.liaison, cast.enterprise_user):
        waiting = set(selectors.waiting_on(user=user).values_list("pk", flat=True))
        assert waiting <= set(selectors.case_queryset(user=user).values_list("pk", flat=True)), user
    assert {c.pk for c in made} <= set(
        selectors.waiting_on(user=cast.coordinator).values_list("pk", flat=True)
    )
    assert outside.pk not in set(selectors.waiting_on(user=cast.coordinator).values_list("pk", flat=True))
    assert outside.pk in set(selectors.waiting_on(user=cast.outsider).values_list("pk", flat=True))


def test_the_rows_worked_out_in_the_view_show_lateness_escalation_and_extension(
    cast: Cast, finance: CaseCategory
) -> None:
    """views._case_rows: what the table shows of each case, computed once per row (as
    cases/timeliness.html shows it on the case page)."""
    from zhuqi.cases.models import Timeliness

    late, amber = file_demands(cast, finance, 2)
    Case.objects.filter(pk=late.pk).update(
        timeliness=Timeliness.RED, working_days_late=3, escalation_level="supervision", extension="requested"
    )
    Case.objects.filter(pk=amber.pk).update(timeliness=Timeliness.AMBER)
    body = client_for(cast.coordinator).get("/cases/?tab=all").content.decode()
    row = body.split(f'data-case="{late.pk}"')[1].split("</tr>")[0]
    assert "逾期 3 个工作日" in row and 'data-testid="escalation"' in row and "申请延期" in row
    assert f'href="/cases/{late.pk}/"' in row and cast.home.name in row
    assert "临期" in body.split(f'data-case="{amber.pk}"')[1].split("</tr>")[0]
    # The enterprise sees its lateness, not the escalation inside government.
    mine = client_for(cast.enterprise_user).get("/cases/?tab=all").content.decode()
    row = mine.split(f'data-case="{late.pk}"')[1].split("</tr>")[0]
    assert "逾期 3 个工作日" in row and "escalation" not in row


REFERENCE_ROWS = Path(__file__).parent / "data" / "case_rows.html"


def _values(**changes: Any) -> dict[str, Any]:
    """A row as selectors.case_page_rows reads it."""
    due = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    row = {
        "id": 41,
        "kind": Kind.DEMAND,
        "title": "续贷难",
        "urgency": "normal",
        "status": "submitted",
        "extension": "",
        "flagged_for_notice": False,
        "due_at": due,
        "deadline": due,
        "deadline_provisional": False,
        "timeliness": "normal",
        "working_days_late": 0,
        "escalation_level": "",
        "version": 3,
        "enterprise__name": "联晟新材料有限公司",
        "category__name": "融资",
        "lead_department__name": "霍林郭勒市财政局",
    }
    return {**row, **changes}


MARKUP = "\"'><script>x()</script>&amp;"
VARIED_ROWS = [
    _values(),
    _values(id=42, kind=Kind.HAZARD, status="in_progress", urgency="urgent", flagged_for_notice=True),
    _values(id=43, kind=Kind.INSTRUCTION, status="returned", urgency="same_day", extension="requested"),
    _values(id=44, timeliness="red", working_days_late=3, escalation_level="supervision", status="assigned"),
    _values(id=45, timeliness="red", working_days_late=0, escalation_level="", status="accepted"),
    _values(id=46, timeliness="amber", deadline_provisional=True),
    _values(id=47, due_at=None, deadline=None, enterprise__name=None, lead_department__name=None),
    _values(id=48, status="closed", timeliness="red", working_days_late=5, escalation_level="notice"),
    _values(
        id=49, kind=Kind.HAZARD, status="completion_reported", timeliness="red", escalation_level="reminder"
    ),
    _values(
        id=50, title=MARKUP, enterprise__name=MARKUP, category__name=MARKUP, lead_department__name=MARKUP
    ),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["coordinator", "enterprise"])
def test_the_rows_written_in_python_are_the_reference_templates_markup(language: str, role: str) -> None:
    """views._case_rows_html writes the rows the template cases/tests/data/case_rows.html writes
    (the markup the table had), byte for byte, for rows of every badge, both languages, with and
    without the bulk-assign box, and a title of markup, escaped the same way."""
    from django.template import engines
    from django.utils import translation

    user = SimpleNamespace(role=role)
    reference = engines["django"].from_string(REFERENCE_ROWS.read_text(encoding="utf-8"))
    with translation.override(language):
        rows = views._case_rows(VARIED_ROWS, user)
        for can_bulk_assign in (True, False):
            expected = reference.render(
                {"rows": rows, "can_bulk_assign": can_bulk_assign, "assignable": views.ASSIGNABLE}
            )
            assert views._case_rows_html(rows, can_bulk_assign=can_bulk_assign) == expected
        written = views._case_rows_html(rows, can_bulk_assign=True)
    assert MARKUP not in written and "&lt;script&gt;" in written
    assignable = [row for row in VARIED_ROWS if row["status"] in ("submitted", "accepted", "returned")]
    assert written.count('type="checkbox"') == len(assignable) == 6
    if language == "en":
        assert "Provisional" in written and "3 working days late" in written and "逾期" not in written
        # Every label and title in English: none of the page's own words left in Chinese (the
        # reference template and the Python would agree on an untranslated one).
        assert "That year's holidays are not entered yet" in written
        labels = re.sub(r">[^<]*<", "><", written)  # the markup without the rows' own data
        assert not re.search(r"[\u4e00-\u9fff]", labels), labels[:500]
    # The enterprise sees its case late, not how offices escalate it.
    assert ('data-testid="escalation"' in written) is (role == "coordinator")


def test_a_stored_value_that_is_no_choice_is_shown_as_stored() -> None:
    """As get_<field>_display shows it (data written behind the services' backs): not a 500."""
    (row,) = views._case_rows(
        [_values(kind="odd-kind", urgency="odd-urgency", timeliness="red", escalation_level="odd")],
        SimpleNamespace(role="coordinator"),
    )
    assert (row["kind_label"], row["urgency"], row["escalation"]) == ("odd-kind", "odd-urgency", "odd")


def test_the_waiting_tab_counts_from_its_one_read_of_the_ids(
    cast: Cast, finance: CaseCategory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """待办 sorts the whole queue by the clock: its page and its capped count come from one read
    of the first COUNT_CAP + 1 ids in order, no COUNT query; the exact count, and pages past the
    cap, still count."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    made = file_demands(cast, finance, 5)
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/cases/").content.decode()
    cases = _case_queries(captured)
    assert not [sql for sql in cases if "COUNT(" in sql], cases
    ids = [sql for sql in cases if is_ids_query(sql, "cases_case")]
    assert len(ids) == 1 and "LIMIT 4" in ids[0], ids
    assert "第 1 页，共 3+ 条" in body and 'data-testid="exact-count"' in body and 'rel="next"' in body
    first = _row_ids(body)
    assert len(first) == 2
    second = _row_ids(client.get("/cases/?page=2").content.decode())
    assert len(second) == 2 and not set(first) & set(second)
    # Past the cap: counted to the end of the page asked, as the 全部 tab.
    body = client.get("/cases/?page=3").content.decode()
    assert len(_row_ids(body)) == 1 and "共 5 条" in body
    rest = _row_ids(body)
    assert sorted(int(pk) for pk in first + second + rest) == sorted(c.pk for c in made)
    exact = client.get("/cases/?count=exact").content.decode()
    assert "第 1 / 3 页，共 5 条" in exact and "exact-count" not in exact


def test_the_filter_form_follows_the_categories_and_the_filters_asked(
    cast: Cast, finance: CaseCategory
) -> None:
    """The form a bare list shows is kept per process (views._filters_html; its categories by
    forms.listed_categories): a category an admin adds, renames or retires shows at once; a
    list opened with filters shows them chosen, and the bare form after it chooses nothing; the
    English page has its own."""
    client = client_for(cast.coordinator)
    assert "数据要素" not in client.get("/cases/").content.decode()
    added = services.category_save(actor=cast.admin, name="数据要素", parent_id=finance.pk)
    body = client.get("/cases/").content.decode()
    assert f'<option value="{added.pk}" >融资 / 数据要素</option>' in body
    services.category_save(actor=cast.admin, name="数据资产", parent_id=finance.pk, category_id=added.pk)
    assert "融资 / 数据资产" in client.get("/cases/?tab=all").content.decode()
    body = client.get("/cases/").content.decode()
    assert "融资 / 数据资产" in body and "数据要素" not in body
    services.category_save(
        actor=cast.admin, name="数据资产", parent_id=finance.pk, category_id=added.pk, is_active=False
    )
    assert "数据资产" not in client.get("/cases/").content.decode()
    chosen = client.get(f"/cases/?category={finance.pk}&kind=hazard").content.decode()
    assert (
        f'<option value="{finance.pk}" selected>' in chosen and '<option value="hazard" selected>' in chosen
    )
    bare = client.get("/cases/").content.decode()
    assert " selected>" not in bare
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/cases/").content.decode()
    assert "Hazard</option>" in english and "隐患</option>" not in english
    # A tab of the visitor's own text is shown as sent (escaped) and never kept.
    odd = client.get('/cases/?tab="><b>x').content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in odd
    assert all(tab in ("waiting", "all") for _language, tab, _departments in views._bare_filters.get())
