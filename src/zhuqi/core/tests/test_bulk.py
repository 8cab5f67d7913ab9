"""core.bulk.insert_rows: tuples straight to one INSERT, with the defaults save() would give."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhuqi.core.bulk import insert_rows
from zhuqi.imports.models import ImportJob

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
