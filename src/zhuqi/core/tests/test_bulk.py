"""core.bulk.insert_rows: tuples straight to one INSERT, with the defaults save() would give."""

from __future__ import annotations

import gc

import pytest
from django.db import connection
from django.utils import timezone

from zhuqi.core import bulk, search
from zhuqi.core.bulk import insert_rows
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.services import apply_size_class, build_search_text
from zhuqi.imports.models import ImportJob
from zhuqi.testing.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_rows_are_inserted_with_converted_values_and_the_defaults_of_the_fields_not_named() -> None:
    before = timezone.now()
    insert_rows(
        ImportJob,
        ("token", "kind", "name", "errors"),
        [("t1", "enterprises", "一.xlsx", [[2, "名称", "不能为空"]]), ("t2", "enterprises", "二.csv", [])],
    )
    first, second = ImportJob.objects.order_by("token")
    assert (first.name, first.errors, second.name, second.errors) == (
        "一.xlsx",
        [[2, "名称", "不能为空"]],  # JSON through the field's own conversion
        "二.csv",
        [],
    )
    assert first.state == ImportJob.State.CHECKING and first.attempt == 0 and first.actor_id is None
    assert first.finished_at is None
    assert first.created_at >= before and first.updated_at >= before  # auto_now_add, auto_now


def test_a_field_with_a_per_row_default_must_be_named() -> None:
    # `token` defaults to a new random token: one value for every row would break its uniqueness.
    with pytest.raises(ValueError, match=r"ImportJob\.token has a default per row"):
        insert_rows(ImportJob, ("kind", "name", "errors"), [("enterprises", "a.xlsx", [])])
    assert not ImportJob.objects.exists()


def test_no_rows_no_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        insert_rows(ImportJob, ("token", "kind", "name", "errors"), [])


def test_rows_go_in_statements_of_many_rows_and_the_word_index_keeps_up(
    monkeypatch, django_assert_num_queries
) -> None:
    # 20 enterprises with 3 distinct words, in statements of 7 rows on SQLite (7, 7, 6: its FTS5
    # index is written by a trigger, statement by statement); PostgreSQL's executemany is one.
    monkeypatch.setattr(bulk, "SQLITE_ROWS_A_STATEMENT", 7)
    words = ["稀土", "乳业", "光伏"]
    enterprises = [EnterpriseFactory.build(name=f"{words[k % 3]}第{k}号有限公司") for k in range(20)]
    for enterprise in enterprises:
        enterprise.search_text = build_search_text(enterprise)
        search.fill(enterprise)
        apply_size_class(enterprise)
    with django_assert_num_queries(3 if connection.vendor == "sqlite" else 1):
        bulk.bulk_insert(Enterprise, enterprises)
    stored = dict(Enterprise.objects.values_list("uscc", "name"))
    assert stored == {enterprise.uscc: enterprise.name for enterprise in enterprises}  # values in line
    for k, word in enumerate(words):
        found = search.matching(Enterprise.objects.all(), word, rank=False).values_list("name", flat=True)
        assert sorted(found) == sorted(e.name for e in enterprises[k::3])


def test_a_bulk_writer_runs_with_the_objects_before_it_frozen_and_unfreezes_them() -> None:
    seen = []

    @bulk.long_lived_objects_frozen
    def write(fail: bool) -> None:
        seen.append(gc.get_freeze_count())
        if fail:
            raise ValueError("stopped")

    @bulk.long_lived_objects_frozen
    def import_renaming() -> None:
        write(False)  # a bulk writer inside another: still frozen after it returns
        seen.append(gc.get_freeze_count())

    write(False)
    with pytest.raises(ValueError, match="stopped"):
        write(True)
    import_renaming()
    assert all(count > 1000 for count in seen), seen  # Django's objects, at least, were frozen
    assert gc.get_freeze_count() == 0  # and given back to the collector, even after a failure
