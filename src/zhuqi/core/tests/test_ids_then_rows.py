"""core.pagination.IdsThenRows: the page's ids first, then the rows for them, in the ids' order."""

from __future__ import annotations

import pytest

from zhuqi.core.pagination import IdsThenRows
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_rows_come_in_the_order_of_the_ids_and_a_row_gone_between_the_reads_is_left_out() -> None:
    names = ["丙公司", "甲公司", "乙公司", "丁公司"]
    made = {name: EnterpriseFactory(name=name) for name in names}
    ordered = Enterprise.objects.filter(pk__in=[e.pk for e in made.values()]).order_by("-pk")
    newest_first = [e.name for e in sorted(made.values(), key=lambda e: -e.pk)]

    page = IdsThenRows(ordered, Enterprise.objects.values("id", "name"))[0:3]
    assert [row["name"] for row in page] == newest_first[:3]

    # The second read no longer holds one of the page's rows (deleted meanwhile): the page is
    # one row shorter, not a server error.
    gone = made[newest_first[1]]
    page = IdsThenRows(ordered, Enterprise.objects.exclude(pk=gone.pk))[0:3]
    assert [row.name for row in page] == [newest_first[0], newest_first[2]]
    assert IdsThenRows(ordered.none(), Enterprise.objects.all())[0:3] == []
