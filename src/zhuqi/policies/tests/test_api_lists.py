"""The policy, match and delivery lists through the API: what each sends is what its schema
validates; a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.policies import matching, schemas, selectors, services
from zhuqi.policies.services import PolicyData
from zhuqi.testing.api import as_sent, token_client
from zhuqi.testing.factories import Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _policies(cast: Cast, count: int) -> None:
    for number in range(count):
        policy = services.policy_create(
            actor=cast.coordinator,
            data=PolicyData(
                title=f"第{number + 1}项惠企政策",
                issuer="霍林郭勒市人民政府",
                document_number=f"霍政发〔2022〕{number + 1}号",
                region_code="150581",
                category="industry",
                benefit="补助",
                department_id=cast.handler.department_id,
                published_on=timezone.localdate() - datetime.timedelta(days=number),
                amount_cap="12.5" if number % 2 else None,
                rate="50" if number % 2 == 0 else None,
                status="published",
            ),
        )
        matching.rematch_policy(policy)


@pytest.mark.parametrize("role", ["coordinator", "leader", "liaison", "enterprise", "handler"])
def test_the_catalogue_sends_what_the_schema_validates(cast: Cast, role: str) -> None:
    _policies(cast, 3)
    rows = selectors.policy_queryset(user=cast.by_role(role)).order_by("-published_on", "-id")
    before = [
        as_sent(schemas.PolicyOut, schemas.policy_row_json(row))
        for row in rows.values(*schemas.POLICY_ROW_COLUMNS)
    ]
    body = token_client(role).get("/api/v1/policies", {"page_size": 500}).json()
    assert body == {"items": before, "count": 3, "count_capped": False}


def test_queries_do_not_grow_with_the_page(cast: Cast, django_assert_num_queries) -> None:
    _policies(cast, 4)
    for number in range(6):
        EnterpriseFactory(name=f"第{number}家企业有限公司")
    policy_id = selectors.policy_queryset(user=cast.coordinator).first().pk
    matching.rematch_all()
    services.deliveries_notify(actor=cast.coordinator, policy_id=policy_id)
    client = Client()
    client.force_login(cast.coordinator)
    # Session, user, the page, the count (the page is full).
    with django_assert_num_queries(4):
        page = client.get("/api/v1/policies", {"page_size": 2}).json()
    assert len(page["items"]) == 2 and page["count"] == 4
    # Session, user, the policy, the page, the count.
    with django_assert_num_queries(5):
        matches = client.get(f"/api/v1/policies/{policy_id}/matches", {"page_size": 3}).json()
    assert len(matches["items"]) == 3 and matches["count"] == 8
    with django_assert_num_queries(4):
        deliveries = client.get("/api/v1/deliveries", {"page_size": 3}).json()
    assert len(deliveries["items"]) == 3 and deliveries["count"] == 8
