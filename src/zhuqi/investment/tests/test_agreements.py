"""Agreements through their services, API and figures: amounts in the unit they were written
in, landing derived from the projects' stages, funds in place, and the funnel rates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.investment import figures, schemas, selectors, services
from zhuqi.investment.models import Agreement
from zhuqi.investment.services import AgreementData
from zhuqi.projects.models import Stage
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, make_project

pytestmark = pytest.mark.django_db


def _agreement(cast: Cast, **overrides: Any) -> Any:
    data = AgreementData(
        title="自治区政府与交通银行战略合作协议",
        kind="financing",
        counterparty_name="交通银行股份有限公司",
        our_party_name="霍林郭勒市人民政府",
        region_code="150581",
        signed_on=datetime.date(2026, 2, 15),
        amount="1800",
        amount_unit="亿元",
        amount_nature="intended_financing",
        period="“十四五”期间",
        follow_up_department_id=cast.handler.department_id,
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.agreement_create(actor=cast.coordinator, data=data)


def _version(agreement: Any) -> int:
    """The version a person reading the agreement now would see."""
    return Agreement.objects.get(pk=agreement.pk).version


def test_amount_is_kept_in_wan_and_shown_as_entered(cast: Cast) -> None:
    agreement = _agreement(cast)
    assert agreement.amount == Decimal("18000000.00")
    assert agreement.amount_as_entered == Decimal("1800")


def test_bad_input_names_each_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        _agreement(
            cast,
            title="",
            kind="friendship",
            amount="1800万元",  # written in 万元 into the 亿元 field
            signed_on=timezone.localdate() + datetime.timedelta(days=3),
            region_code="140200",
        )
    assert {e.field for e in failure.value.errors} == {"title", "kind", "amount", "signed_on", "region"}
    with pytest.raises(ValidationFailed) as failure:
        _agreement(cast, amount_nature="none")
    assert {e.field for e in failure.value.errors} == {"amount_nature"}


def test_status_follows_the_projects(cast: Cast) -> None:
    agreement = _agreement(cast)
    assert selectors.agreement_get(user=cast.coordinator, agreement_id=agreement.pk).status == "signed"
    project = make_project(stage=Stage.PREPARING, total_investment=Decimal("500000"))
    services.agreement_link_projects(
        actor=cast.handler,
        agreement_id=agreement.pk,
        expected_version=_version(agreement),
        project_ids=[project.pk],
    )
    got = selectors.agreement_get(user=cast.coordinator, agreement_id=agreement.pk)
    assert got.status == "landed" and got.landed_amount == Decimal("500000.00")
    project.stage = Stage.PRODUCING
    project.save()
    assert selectors.agreement_get(user=cast.coordinator, agreement_id=agreement.pk).status == "producing"
    project.stage = Stage.CANCELLED
    project.save()
    assert selectors.agreement_get(user=cast.coordinator, agreement_id=agreement.pk).status == "signed"


def test_funds_in_place_accumulate_and_cannot_exceed_the_amount(cast: Cast) -> None:
    agreement = _agreement(cast, amount="2", amount_unit="亿元")
    services.funds_record(
        actor=cast.handler,
        agreement_id=agreement.pk,
        expected_version=_version(agreement),
        on=datetime.date(2026, 3, 1),
        amount="8000",
    )
    services.funds_record(
        actor=cast.handler,
        agreement_id=agreement.pk,
        expected_version=_version(agreement),
        on=datetime.date(2026, 4, 1),
        amount="1",
        unit="亿元",
    )
    agreement.refresh_from_db()
    assert agreement.funds_in_place == Decimal("18000.00")
    with pytest.raises(ValidationFailed, match="超过协议金额"):
        services.funds_record(
            actor=cast.handler,
            agreement_id=agreement.pk,
            expected_version=_version(agreement),
            on=datetime.date(2026, 5, 1),
            amount="3000",
        )
    with pytest.raises(ValidationFailed, match="不能早于签约日期"):
        services.funds_record(
            actor=cast.handler,
            agreement_id=agreement.pk,
            expected_version=_version(agreement),
            on=datetime.date(2026, 1, 1),
            amount="1",
        )
    with pytest.raises(PermissionDenied):
        services.funds_record(
            actor=cast.leader,
            agreement_id=agreement.pk,
            expected_version=_version(agreement),
            on=datetime.date(2026, 5, 1),
            amount="1",
        )


def test_funnel_rates(cast: Cast) -> None:
    today = datetime.date(2026, 11, 20)
    landed = _agreement(cast, title="已落地")
    started = _agreement(cast, title="已开工")
    funded = _agreement(cast, title="资金到位", amount="1", amount_unit="亿元")
    _agreement(cast, title="框架协议", amount="", amount_nature="none", kind="strategic")
    services.agreement_link_projects(
        actor=cast.coordinator,
        agreement_id=landed.pk,
        expected_version=_version(landed),
        project_ids=[make_project(stage=Stage.PREPARING).pk],
    )
    services.agreement_link_projects(
        actor=cast.coordinator,
        agreement_id=started.pk,
        expected_version=_version(started),
        project_ids=[make_project(stage=Stage.STARTED).pk],
    )
    services.funds_record(
        actor=cast.coordinator,
        agreement_id=funded.pk,
        expected_version=_version(funded),
        on=datetime.date(2026, 3, 1),
        amount="5000",
    )
    result = figures.agreement_figures(user=cast.coordinator, year=2026, today=today)
    total = result.total
    assert total.agreements == 4
    assert total.landing_rate == 0.5  # landed + started
    assert total.start_rate == 0.25
    assert total.performance_rate == 0.5  # started, funded
    # Funds rate counts only agreements with an amount: 5,000 of (3 × 1800 亿 − 1799 亿).
    assert total.funds_in_place == Decimal("5000.00")
    assert total.without_project == 2  # signed in February, nine months ago
    assert [row.name for row in result.rows] == ["霍林郭勒市（本级）"]


def test_api_register_and_figures(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    created = send(
        coordinator,
        "post",
        "/api/v1/agreements",
        {
            "title": "中国大唐集团战略合作协议",
            "kind": "investment",
            "counterparty_name": "中国大唐集团有限公司",
            "our_party_name": "霍林郭勒市人民政府",
            "region": "150581",
            "signed_on": "2026-02-17",
            "amount": "1000",
            "amount_unit": "亿元",
            "amount_nature": "planned_investment",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "10000000.00" and body["status"] == "signed"
    listed = coordinator.get("/api/v1/agreements?status=signed&year=2026").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert coordinator.get("/api/v1/agreements?status=lost").status_code == 422
    assert token_client("outsider").get("/api/v1/agreements").json()["count"] == 0
    result = coordinator.get("/api/v1/agreements/figures?year=2026").json()
    assert result["total"]["agreements"] == 1 and "落地率" in result["definitions"]["landing_rate"]


def test_the_list_sends_what_the_validated_serializer_sent(cast: Cast, django_assert_num_queries) -> None:
    # Sent as built (core.pagination.TrustedPage): what AgreementOut's validation sent, one
    # with a started project (status, landed amount), one without a follow-up department.
    landed = _agreement(cast)
    _agreement(
        cast, title="无跟进部门的协议", follow_up_department_id=None, amount="12.5", amount_unit="万元"
    )
    project = make_project(stage=Stage.STARTED, total_investment=Decimal("4321.5"))
    services.agreement_link_projects(
        actor=cast.handler,
        agreement_id=landed.pk,
        expected_version=_version(landed),
        project_ids=[project.pk],
    )
    api = token_client("coordinator")
    api.get("/api/v1/agreements")  # the token's use noted: not again within the minute
    with django_assert_num_queries(2):  # the token, the page (not full: no count)
        body = api.get("/api/v1/agreements", {"page_size": 50}).json()
    expected = validated_items(
        schemas.AgreementOut, schemas.agreement_json, selectors.agreement_list(user=cast.coordinator)
    )
    assert len(expected) == 2 and {item["status"] for item in expected} == {"signed", "started"}
    assert body == {"items": expected, "count": 2, "count_capped": False}
