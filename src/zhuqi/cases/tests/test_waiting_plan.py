"""The coordinator's 待办 on SQLite: each arm of the queue's OR is an index search. SQLite takes
a partial index only when the query names its literal, and Django binds 'requested' as a
parameter, so the extension arm has its own plain index (case_extension_region_idx)."""

from __future__ import annotations

import pytest
from django.db import connection

from zhuqi.cases import selectors
from zhuqi.testing.factories import Cast


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_the_extension_arm_of_the_coordinators_queue_is_an_index_search(cast: Cast) -> None:
    sql, params = selectors.waiting_on(user=cast.coordinator).values("pk")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[3] for row in cursor.fetchall()]
    assert "MULTI-INDEX OR" in plan, plan
    searches = [step for step in plan if step.startswith("SEARCH cases_case")]
    assert len(searches) == 2 and not [step for step in plan if step.startswith("SCAN cases_case")], plan
    extension = "case_extension_region_idx (extension=? AND region_id>? AND region_id<?)"
    assert any(extension in step for step in searches), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_a_countys_newest_page_walks_its_index_in_order(cast: Cast) -> None:
    # The page's scope of a county is its code itself (core.scoping.region_subtree_q with
    # walk_in_order): case_region_submitted_idx gives its cases newest first, nothing sorted.
    paged = selectors.case_page_queryset(user=cast.coordinator).values("pk")[:50]
    sql, params = paged.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[3] for row in cursor.fetchall()]
    assert plan == ["SEARCH cases_case USING COVERING INDEX case_region_submitted_idx (region_id=?)"], plan
