"""core.pagination.JsonRows: a page SQLite writes as one JSON text is the page values() reads,
as the response sends it; one query; in the page's order."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from zhuqi.core import pagination
from zhuqi.core.pagination import IdsThenRows, JsonRows, json_response
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.schemas import ENTERPRISE_ROW_COLUMNS
from zhuqi.testing.factories import EnterpriseFactory


def _sent(rows: object) -> object:
    return json_response(rows).content


@pytest.mark.django_db
def test_decimals_json_booleans_and_nulls_read_as_values_reads_them(django_assert_num_queries) -> None:
    EnterpriseFactory(name="甲公司", revenue=Decimal("12.50"), above_scale=True)
    EnterpriseFactory(name="乙公司", revenue=None, total_assets=None, contacts=[], above_scale=False)
    EnterpriseFactory(name="丙公司", revenue=Decimal("0.01"), short_name="", employees=None)
    rows = Enterprise.objects.order_by("-name", "id").values(*ENTERPRISE_ROW_COLUMNS)
    with django_assert_num_queries(1):
        page = JsonRows(rows)[0:10]
    # Equal as Python values (a Decimal, a list of dicts, a bool), not only once encoded.
    assert page == list(rows) and [row["name"] for row in page] == ["甲公司", "乙公司", "丙公司"]
    assert JsonRows(rows)[1:2] == list(rows[1:2])
    with django_assert_num_queries(0):  # filtered by an empty list: Django asks nothing
        assert JsonRows(rows).filter(pk__in=[])[0:10] == []
    ordered = Enterprise.objects.order_by("name", "id")
    assert IdsThenRows(ordered, JsonRows(rows))[0:2] == list(rows.order_by("name", "id")[0:2])


# hypothesis takes naive bounds and applies `timezones` to what it draws.
EARLIEST = datetime.datetime(1000, 1, 1)  # noqa: DTZ001


@given(moment=st.datetimes(min_value=EARLIEST, timezones=st.just(datetime.UTC)))
def test_a_stored_datetime_is_sent_as_ninja_writes_it(moment: datetime.datetime) -> None:
    # What Django writes to SQLite for an aware datetime (str() of its UTC value), and the same
    # with a "T": the text sent is what ninja's encoder writes for the datetime.
    expected = DjangoJSONEncoder().default(moment)
    stored = str(moment.replace(tzinfo=None))
    assert pagination._datetime_as_sent(None, connection, stored) == expected
    assert pagination._datetime_as_sent(None, connection, stored.replace(" ", "T")) == expected
