"""Correcting a filed case: who may, until when, and what the timeline and the audit keep."""

from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseCategory, CaseStep, Kind, Status
from zhuqi.cases.services import CaseCorrection, NewCase
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.testing.api import send, token_client


def _demand(cast, finance) -> Case:
    return services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="贷款续贷难", description="先还后贷", category_id=finance.pk),
    )


@pytest.fixture
def labour(db) -> CaseCategory:
    return CaseCategory.objects.get(name="用工", parent=None)


def test_the_coordinator_corrects_category_enterprise_and_title_and_the_trail_says_so(
    cast, finance, labour
) -> None:
    case = _demand(cast, finance)
    edited = services.case_edit(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        correction=CaseCorrection(
            title="招工难：缺熟练焊工",
            category_id=labour.pk,
            enterprise_id=cast.neighbour.pk,
            reason="企业登记有误",
        ),
    )
    assert (edited.title, edited.category, edited.enterprise) == (
        "招工难：缺熟练焊工",
        labour,
        cast.neighbour,
    )
    assert edited.version == case.version + 1 and edited.status == Status.SUBMITTED
    step = CaseStep.objects.get(case=case, step="edit")
    assert step.comment == "企业登记有误"
    assert {c["field"]: (c["from"], c["to"]) for c in step.data["changes"]} == {
        "title": ("贷款续贷难", "招工难：缺熟练焊工"),
        "category": ("融资", "用工"),
        "enterprise": (cast.home.name, cast.neighbour.name),
    }
    entry = AuditEntry.objects.filter(object_id=str(case.pk), action=AuditEntry.Action.UPDATE).latest("id")
    assert entry.changes["title"] == ["贷款续贷难", "招工难：缺熟练焊工"]


def test_a_stale_or_missing_version_is_refused_and_nothing_changes(cast, finance) -> None:
    case = _demand(cast, finance)
    with pytest.raises(StaleWrite):
        services.case_edit(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version + 5,
            correction=CaseCorrection(title="新标题"),
        )
    with pytest.raises(ValidationFailed) as missing:
        services.case_edit(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=None,
            correction=CaseCorrection(title="新标题"),
        )
    assert missing.value.errors[0].field == "version"
    case.refresh_from_db()
    assert case.title == "贷款续贷难" and not CaseStep.objects.filter(step="edit").exists()


def test_the_filer_may_correct_until_it_is_taken_up_and_nobody_after_it_is_closed(cast, finance) -> None:
    case = _demand(cast, finance)
    case = services.case_edit(
        actor=cast.enterprise_user,
        case_id=case.pk,
        expected_version=case.version,
        correction=CaseCorrection(description="先还后贷，需过桥资金 500 万元"),
    )
    # The enterprise cannot move its demand to another enterprise.
    with pytest.raises(ValidationFailed) as moved:
        services.case_edit(
            actor=cast.enterprise_user,
            case_id=case.pk,
            expected_version=case.version,
            correction=CaseCorrection(enterprise_id=cast.neighbour.pk),
        )
    assert moved.value.errors[0].field == "enterprise"
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    with pytest.raises(PermissionDenied):
        services.case_edit(
            actor=cast.enterprise_user,
            case_id=case.pk,
            expected_version=case.version,
            correction=CaseCorrection(title="再改一次"),
        )
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(PermissionDenied):
        services.case_edit(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            correction=CaseCorrection(title="x"),
        )


def test_an_enterprise_out_of_scope_is_refused_and_a_case_out_of_scope_is_missing(cast, finance) -> None:
    case = _demand(cast, finance)
    with pytest.raises(ValidationFailed) as refused:
        services.case_edit(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            correction=CaseCorrection(enterprise_id=cast.datong.pk),
        )
    assert refused.value.errors[0].field == "enterprise"
    with pytest.raises(NotFound):
        services.case_edit(
            actor=cast.outsider,
            case_id=case.pk,
            expected_version=case.version,
            correction=CaseCorrection(title="x"),
        )


def test_correcting_through_the_api_and_the_page(cast, finance, labour) -> None:
    case = _demand(cast, finance)
    coordinator = token_client("coordinator")
    response = send(
        coordinator,
        "patch",
        f"/api/v1/cases/{case.pk}",
        {"version": case.version, "category": labour.pk, "reason": "归类有误"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["category"]["name"] == "用工" and response.json()["version"] == case.version + 1
    stale = send(coordinator, "patch", f"/api/v1/cases/{case.pk}", {"version": case.version, "title": "x"})
    assert stale.status_code == 409

    client = Client()
    client.force_login(cast.coordinator)
    form = client.get(f"/cases/{case.pk}/edit")
    assert form.status_code == 200 and "贷款续贷难" in form.content.decode()
    saved = client.post(
        f"/cases/{case.pk}/edit",
        {
            "version": case.version + 1,
            "title": "贷款续贷难（过桥资金）",
            "category": labour.pk,
            "enterprise": cast.home.pk,
            "description": "先还后贷",
            "reason": "",
        },
    )
    assert saved.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "修改事项信息" in page and "贷款续贷难（过桥资金）" in page
    # A stale form keeps what was typed and says why.
    stale_page = client.post(
        f"/cases/{case.pk}/edit",
        {
            "version": case.version,
            "title": "旧页面上的修改",
            "category": labour.pk,
            "description": "先还后贷",
        },
    )
    assert stale_page.status_code == 400 and "旧页面上的修改" in stale_page.content.decode()
    # Out of scope: the page is missing, as any other.
    other = Client()
    other.force_login(cast.outsider)
    assert other.get(f"/cases/{case.pk}/edit").status_code == 404
