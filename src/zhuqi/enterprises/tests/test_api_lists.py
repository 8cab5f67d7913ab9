"""The enterprise list through the API: rows read as columns and sent as built equal what the
whole-object serializer sent through EnterpriseOut; a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from zhuqi.enterprises import selectors
from zhuqi.enterprises.schemas import EnterpriseOut, enterprise_json
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import Cast, EnterpriseFactory


def a_varied_set(cast: Cast) -> None:
    EnterpriseFactory(industry=None, revenue=None, total_assets=None, employees=None, contacts=[])
    EnterpriseFactory(
        revenue=Decimal("12345.60"),
        contacts=[
            {"name": "李四", "phone": "0475-8123456"},  # no title
            {"name": "王五", "phone": "13800001111", "title": "财务", "note": "不对外"},  # one key more
        ],
    )
    EnterpriseFactory(
        short_name="简称",
        address="霍林郭勒市工业园区",
        employees=3,
        revenue=50,
        founded_on=datetime.date(2019, 5, 1),
    )


@pytest.mark.parametrize("role", ["coordinator", "leader", "handler", "liaison", "enterprise"])
def test_the_list_sends_what_the_full_serializer_sent(cast, role) -> None:
    a_varied_set(cast)
    user = cast.by_role(role)
    show = selectors.can_see_contacts(user)
    before = [
        as_sent(EnterpriseOut, enterprise_json(e, show_contacts=show))
        for e in selectors.enterprise_queryset(user=user)
    ]
    assert len(before) >= (5 if role in ("coordinator", "leader") else 1)
    body = token_client(role).get("/api/v1/enterprises", {"page_size": 500}).json()
    assert body == {"items": before, "count": len(before), "count_capped": False}


def test_queries_do_not_grow_with_the_page(cast, django_assert_num_queries) -> None:
    a_varied_set(cast)
    EnterpriseFactory.create_batch(10)
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the page's ids, its rows, the count (the page is full).
    with django_assert_num_queries(5):
        full = client.get("/api/v1/enterprises", {"page_size": 3, "region": "150581"}).json()
    assert len(full["items"]) == 3 and full["count"] > 3
    # Session, user, the page's ids, its rows: a page that is not full says the count itself.
    with django_assert_num_queries(4):
        whole = client.get("/api/v1/enterprises", {"page_size": 500}).json()
    assert whole["count"] == len(whole["items"]) > 13
    # Page by page, the same rows in the same order (by name, then id).
    pages = [
        client.get("/api/v1/enterprises", {"page_size": 4, "page": page}).json()["items"]
        for page in range(1, 6)
    ]
    assert [item for page in pages for item in page] == whole["items"]
    assert client.get("/api/v1/enterprises", {"page_size": 4, "page": 99}).json()["items"] == []
