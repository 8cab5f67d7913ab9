"""Free-text search at 2M cases (generate_cases.py's data): the case list's `q` for a common
word, a rare one (an enterprise's name) and with a status filter, and the enterprise list's `q`,
as a prefecture and a county coordinator. Each is what the API's list runs and a user gets: the
FilterSet over the user's scope (count and page querysets, as FilterQuery.apply_each), then
core.pagination's paginator (the first page of 50 and the count, capped at COUNT_CAP unless
`--count exact`), without the HTTP layer, so the measurement writes nothing: no login, no
session, no token; it can run on a database that must stay as generated.

    ZHUQI_BENCH_OUT=/work/benchdata/sqlite2m python bench/word_search_bench.py [--repeat 20]
    DATABASE_URL=postgres://…/cases_bench python bench/word_search_bench.py [--repeat 20]

It runs on main's code as well (the `before`: PYTHONPATH=<main's src>), where `q` is
`icontains`; with core/search.py's word index the same calls use it. `--explain` prints the
plan of each case query's page.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, database_label, machine, print_plan, report, timed

SQLITE = "cases-sqlite"
QUEUE = ["submitted", "accepted", "returned"]
PAGE = 50


def setup(sqlite_name: str) -> None:
    # common.setup_django migrates and may load reference data: a write. Here only Django.
    import os

    os.environ.setdefault("ZHUQI_TESTING", "1")
    if not os.environ.get("DATABASE_URL"):
        os.environ["ZHUQI_VAR_DIR"] = str(OUT / sqlite_name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()


def rare_name() -> str:
    """A rare query: the trade name of one enterprise of 通辽 with cases (its name less the
    place and the ending), as someone looking for that enterprise's cases types it."""
    from zhuqi.cases.models import Case

    name = (
        Case.objects.filter(region_id__in=["150581"], enterprise__isnull=False)
        .order_by("id")
        .values_list("enterprise__name", flat=True)[1000]
    )
    for place in ("霍林郭勒市", "内蒙古", "通辽市", "通辽"):
        name = name.removeprefix(place)
    for ending in ("有限责任公司", "股份有限公司", "有限公司"):
        name = name.removesuffix(ending)
    return name[:4]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--label", default="", help="what code this is (before/after), printed")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--count", choices=["capped", "exact"], default="capped")
    args = parser.parse_args()
    setup(SQLITE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuqi.cases import schemas, selectors
    from zhuqi.cases.filtersets import CaseFilterSet
    from zhuqi.cases.models import Case
    from zhuqi.core.pagination import IdsThenRows, PageNumberPagination, TrustedPage
    from zhuqi.directory.models import User
    from zhuqi.enterprises.filtersets import EnterpriseFilterSet
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.enterprises.schemas import ENTERPRISE_ROW_COLUMNS, enterprise_row_json
    from zhuqi.enterprises.selectors import enterprise_queryset

    paginator = PageNumberPagination()
    first_page = PageNumberPagination.Input(page=1, page_size=PAGE, count=args.count)

    def paginate(rows: Any) -> int:
        answer = paginator.paginate_queryset(rows, pagination=first_page, request=None)
        assert len(answer["items"]) == min(PAGE, answer["count"])
        return int(answer["count"])

    users = {
        "coordinator": User.objects.get(username="bench-coordinator-150500"),  # 通辽, a prefecture
        "county coordinator": User.objects.get(username="bench-coordinator-150581"),  # 霍林郭勒
    }
    rare = rare_name()
    lists: list[tuple[str, str, dict[str, Any]]] = [
        ("coordinator", "q=续贷 (common)", {"q": "续贷"}),
        ("coordinator", "q=融资 (common)", {"q": "融资"}),
        ("coordinator", f"q={rare} (rare: a name)", {"q": rare}),
        ("coordinator", "queue + q=续贷", {"status": QUEUE, "q": "续贷"}),
        ("county coordinator", "q=续贷 (common)", {"q": "续贷"}),
        ("county coordinator", f"q={rare} (rare: a name)", {"q": rare}),
    ]
    print(
        f"{Case.objects.count()} cases, {Enterprise.objects.count()} enterprises, {database_label()}; "
        f"{machine()}; count={args.count}; {args.label}"
    )

    def case_list(user: User, params: dict[str, Any]) -> int:
        # As cases.api.list_cases: one FilterSet over the count's and the page's querysets.
        counted, paged = selectors.case_list_querysets(user=user)
        filterset = CaseFilterSet(params, queryset=counted)
        counted, paged = filterset.qs, filterset.filter_queryset(paged)
        return paginate(TrustedPage(counted, schemas.case_row_json, paged=case_page(paged)))

    def case_page(paged: Any) -> Any:
        # As list_cases reads its page; code before cases.api.case_rows_sent (main until
        # 2026-12-06, measured as `before`) read the page in one joined query.
        try:
            from zhuqi.cases.api import case_rows_sent
        except ImportError:
            return paged.values(*schemas.CASE_ROW_COLUMNS)
        return case_rows_sent(paged)

    for role, label, params in lists:
        user = users[role]
        case_list(user, params)  # warm: the first call loads jieba's dictionary
        timings, hits = timed(lambda user=user, params=params: case_list(user, params), args.repeat)
        report(role, "cases " + label, hits, timings)
        if args.explain:
            with CaptureQueriesContext(connection) as queries:
                case_list(user, params)
            for query in queries.captured_queries:
                print(query["sql"][:400])
                print_plan(query["sql"])

    def enterprise_list(user: User, query: str) -> int:
        # As enterprises.api.list_enterprises (contacts shown).
        found = EnterpriseFilterSet({"q": query}, queryset=enterprise_queryset(user=user)).qs
        show = partial(enterprise_row_json, show_contacts=True)
        rows = IdsThenRows(found, found.values(*ENTERPRISE_ROW_COLUMNS))
        return paginate(TrustedPage(found, show, paged=rows))

    for role in users:
        for label, query in (("科技 (common)", "科技"), (f"{rare} (rare)", rare)):
            user = users[role]
            enterprise_list(user, query)
            timings, hits = timed(lambda user=user, query=query: enterprise_list(user, query), args.repeat)
            report(role, "enterprises q=" + label, hits, timings)


if __name__ == "__main__":
    main()
