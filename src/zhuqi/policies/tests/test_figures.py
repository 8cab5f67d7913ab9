"""The reach figures counted by hand on a small set: eligible, told, applied, granted, the amount,
the reach rate, days to the first grant, demands; per policy, department and region; in scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhuqi.policies import figures, matching, services
from zhuqi.policies.services import PolicyData
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_figures_by_policy_department_and_region(cast: Cast) -> None:
    today = timezone.localdate()
    published = today - datetime.timedelta(days=40)
    EnterpriseFactory(name="第三家制造企业有限公司")  # eligible, never told
    policy = services.policy_create(
        actor=cast.coordinator,
        data=PolicyData(
            title="制造业稳产补助",
            issuer="霍林郭勒市人民政府",
            region_code="150581",
            category="industry",
            benefit="补助",
            department_id=cast.handler.department_id,
            published_on=published,
            rule={"conditions": [{"field": "industry", "values": ["C"]}]},
            status="published",
            amount_cap="10",
        ),
    )
    matching.rematch_policy(policy)
    home, neighbour = services.deliveries_notify(
        actor=cast.coordinator,
        policy_id=policy.pk,
        enterprise_ids=[cast.home.pk, cast.neighbour.pk],
        notified_on=published + datetime.timedelta(days=2),
    )
    services.delivery_apply(
        actor=cast.coordinator,
        delivery_id=home.pk,
        expected_version=1,
        applied_on=published + datetime.timedelta(days=5),
    )
    services.delivery_grant(
        actor=cast.coordinator,
        delivery_id=home.pk,
        expected_version=2,
        amount="6.5",
        granted_on=published + datetime.timedelta(days=12),
    )
    services.delivery_refuse(
        actor=cast.coordinator, delivery_id=neighbour.pk, expected_version=1, refusal_reason="材料不全"
    )
    services.policy_complain(
        actor=cast.enterprise_user, policy_id=policy.pk, complaint="not_received", description="未收到"
    )

    result = figures.policy_figures(user=cast.coordinator)
    (row,) = result.rows
    assert (row.eligible, row.reached, row.notified, row.applied, row.granted, row.refused) == (
        3,
        2,
        2,
        1,
        1,
        1,
    )
    assert row.amount == Decimal("6.50") and row.median_days == 12 and row.demands == 1
    assert row.reach_rate == round(2 / 3, 4) and row.grant_rate == 0.5

    by_department = figures.policy_figures(user=cast.coordinator, group_by="department")
    assert [r.name for r in by_department.rows] == ["霍林郭勒市工业和信息化局"]
    # A prefecture leader sees the county as one region row.
    by_region = figures.policy_figures(user=cast.leader, group_by="region")
    assert [(r.key, r.eligible, r.granted, r.demands) for r in by_region.rows] == [("150581", 3, 1, 1)]
    # The enterprise's demand is counted in its case's region only, not in another county's.
    elsewhere = figures.policy_figures(user=cast.leader, group_by="region", region="150502")
    assert (elsewhere.total.eligible, elsewhere.total.demands) == (0, 0)
    # Datong sees nothing of it.
    assert figures.policy_figures(user=cast.outsider).rows == []

    answer = token_client("coordinator").get("/api/v1/policies/figures?group_by=department").json()
    assert answer["total"]["granted"] == 1 and "reach_rate" in answer["definitions"]
    refused = token_client("coordinator").get("/api/v1/policies/figures?group_by=colour")
    assert refused.status_code == 422
