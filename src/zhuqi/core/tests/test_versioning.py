"""Every versioned write, on every path, names the version it read (core.versioning).

The story: a coordinator reads a record; before they save, someone else changes it. Their save
is refused with 409 and the record's current id and version, and nothing of theirs is written.
A save that names no version at all is refused with 422 naming `version`: there is no way to
skip the check. The table walks each versioned write of the API; the services and the pages are
tested the same way below and in each app's tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Model
from django.test import Client
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import CaseCategory
from zhuqi.cases.services import NewCase
from zhuqi.core.errors import StaleWrite, ValidationFailed
from zhuqi.core.versioning import check_version
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.models import Enterprise
from zhuqi.investment import services as investment_services
from zhuqi.investment.services import AgreementData
from zhuqi.projects import services as project_services
from zhuqi.projects.services import MilestoneData, ProjectData
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory, make_project
from zhuqi.visits import services as visit_services
from zhuqi.visits.services import Attendance, VisitData

MISSING = object()


class Record:
    def __init__(self, pk: Any, version: int) -> None:
        self.pk, self.version = pk, version


def test_check_version_passes_the_version_read() -> None:
    check_version(Record(7, 3), 3)
    check_version(Record(7, 3), "3")  # as a form posts it


@pytest.mark.parametrize("expected", [None, "", "  "])
def test_check_version_refuses_no_version_naming_the_field(expected: Any) -> None:
    with pytest.raises(ValidationFailed) as failure:
        check_version(Record(7, 3), expected)
    assert [e.field for e in failure.value.errors] == ["version"]


@pytest.mark.parametrize("expected", ["three", True, 2.5j])
def test_check_version_refuses_a_version_that_is_not_a_number(expected: Any) -> None:
    with pytest.raises(ValidationFailed) as failure:
        check_version(Record(7, 3), expected)
    assert [e.field for e in failure.value.errors] == ["version"]


def test_check_version_refuses_a_stale_version_with_the_current_one() -> None:
    with pytest.raises(StaleWrite) as stale:
        check_version(Record(7, 3), 2, current={"status": "assigned"})
    assert stale.value.current == {"id": 7, "version": 3, "status": "assigned"}
    assert "当前版本 3" in stale.value.message


# --- the API: each versioned write ---------------------------------------------------------------


def _agreement(cast: Cast) -> Any:
    return investment_services.agreement_create(
        actor=cast.coordinator,
        data=AgreementData(
            title="东方电气战略合作框架协议",
            kind="investment",
            counterparty_name="东方电气集团",
            our_party_name="霍林郭勒市人民政府",
            region_code="150581",
            signed_on=datetime.date(2026, 2, 15),
            amount="2",
            amount_unit="亿元",
            amount_nature="planned_investment",
            follow_up_department_id=cast.handler.department_id,
        ),
    )


def _visit(cast: Cast) -> Any:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    return visit_services.visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="inspection",
            title="孟宪东到霍林郭勒市调研",
            start_date=datetime.date(2026, 6, 21),
            lead_official_ids=[secretary.pk],
            place_codes=["150581"],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
    ).visit


def _visit_body(visit: Any) -> dict[str, Any]:
    return {
        "kind": "inspection",
        "title": "孟宪东到霍林郭勒市调研（更正）",
        "start_date": "2026-06-21",
        "lead_officials": [visit.participants.get().official_id],
        "places": ["150581"],
        "enterprises": [{"enterprise": visit.enterprises.get().pk}],
    }


def _case(cast: Cast) -> Any:
    return case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind="demand",
            title="流动资金贷款续贷难",
            description="银行要求追加抵押，续贷迟迟办不下来",
            category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
        ),
    )


@dataclass
class Write:
    """One versioned write of the API: how to make its record and how to send it."""

    make: Callable[[Cast], Model]
    method: str
    url: str  # {pk} is the record's id
    body: Callable[[Model], dict[str, Any]]
    in_query: bool = False  # DELETE sends the version as a query parameter


WRITES = {
    "enterprise-patch": Write(
        lambda cast: cast.home, "patch", "/api/v1/enterprises/{pk}", lambda e: {"address": "新址"}
    ),
    "enterprise-delete": Write(
        lambda cast: cast.neighbour, "delete", "/api/v1/enterprises/{pk}", lambda e: {}, in_query=True
    ),
    "project-put": Write(
        lambda cast: make_project(name="铝箔项目"),
        "put",
        "/api/v1/projects/{pk}",
        lambda p: {"name": "铝箔项目（更名）", "region": "150581", "total_investment": "50000"},
    ),
    "project-stage": Write(
        lambda cast: make_project(),
        "post",
        "/api/v1/projects/{pk}/stage",
        lambda p: {"stage": "preparing", "on": str(timezone.localdate())},
    ),
    "project-milestones": Write(
        lambda cast: make_project(),
        "put",
        "/api/v1/projects/{pk}/milestones",
        lambda p: {
            "milestones": [{"name": "主体工程封顶", "planned_on": "2026-11-30", "kind": "main_works"}]
        },
    ),
    "project-plan": Write(
        lambda cast: make_project(),
        "put",
        "/api/v1/projects/{pk}/plans/2026",
        lambda p: {"planned_investment": "20000"},
    ),
    "visit-put": Write(_visit, "put", "/api/v1/visits/{pk}", _visit_body),
    "agreement-put": Write(
        _agreement,
        "put",
        "/api/v1/agreements/{pk}",
        lambda a: {
            "title": "东方电气战略合作协议",
            "counterparty_name": "东方电气集团",
            "our_party_name": "霍林郭勒市人民政府",
            "kind": "strategic",
            "region": "150581",
            "signed_on": "2026-02-15",
        },
    ),
    "agreement-projects": Write(
        _agreement, "put", "/api/v1/agreements/{pk}/projects", lambda a: {"projects": [make_project().pk]}
    ),
    "agreement-funds": Write(
        _agreement, "post", "/api/v1/agreements/{pk}/funds", lambda a: {"on": "2026-03-01", "amount": "1000"}
    ),
    "case-accept": Write(_case, "post", "/api/v1/cases/{pk}/accept", lambda c: {}),
    "case-patch": Write(_case, "patch", "/api/v1/cases/{pk}", lambda c: {"title": "流动资金贷款到期续贷难"}),
}


def _send(write: Write, record: Model, version: Any) -> Any:
    url = write.url.format(pk=record.pk)
    body = write.body(record)
    if write.in_query:
        if version is not MISSING:
            url += f"?version={version}"
        return send(token_client("coordinator"), write.method, url)
    if version is not MISSING:
        body["version"] = version
    return send(token_client("coordinator"), write.method, url, body)


def _someone_else_changes(record: Model) -> int:
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1)
    return int(type(record).objects.get(pk=record.pk).version)


@pytest.mark.parametrize("name", WRITES)
def test_api_write_without_the_version_is_refused_naming_it(cast: Cast, name: str) -> None:
    write = WRITES[name]
    record = write.make(cast)
    before = record.version
    response = _send(write, record, MISSING)
    assert response.status_code == 422, response.content
    where = "query" if write.in_query else "body"
    assert [where, "version"] in [entry["loc"] for entry in response.json()["detail"]]
    assert type(record).objects.get(pk=record.pk).version == before


@pytest.mark.parametrize("name", WRITES)
def test_api_write_on_a_stale_version_is_refused_with_the_current_one(cast: Cast, name: str) -> None:
    write = WRITES[name]
    record = write.make(cast)
    read = record.version
    current = _someone_else_changes(record)
    response = _send(write, record, read)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "stale"
    assert {key: body["current"][key] for key in ("id", "version")} == {"id": record.pk, "version": current}
    assert type(record).objects.get(pk=record.pk).version == current


@pytest.mark.parametrize("name", WRITES)
def test_api_write_on_the_version_read_goes_through(cast: Cast, name: str) -> None:
    write = WRITES[name]
    record = write.make(cast)
    response = _send(write, record, record.version)
    assert response.status_code in (200, 201, 204), response.content


def test_a_deleted_enterprise_is_gone_only_at_its_version(cast: Cast) -> None:
    assert Enterprise.objects.filter(pk=cast.neighbour.pk).exists()
    _send(WRITES["enterprise-delete"], cast.neighbour, 1)
    assert not Enterprise.objects.filter(pk=cast.neighbour.pk).exists()


def test_funds_raise_the_agreements_version(cast: Cast) -> None:
    agreement = _agreement(cast)
    investment_services.funds_record(
        actor=cast.coordinator,
        agreement_id=agreement.pk,
        expected_version=agreement.version,
        on=datetime.date(2026, 3, 1),
        amount=Decimal("1000"),
    )
    agreement.refresh_from_db()
    assert agreement.version == 2 and agreement.funds_in_place == Decimal("1000")


# --- the services: the same rule whoever calls them (pages, imports, the demo) --------------------

SERVICE_WRITES: dict[str, tuple[Callable[[Cast], Model], Callable[[Cast, Model, Any], Any]]] = {
    "enterprise_update": (
        lambda cast: cast.home,
        lambda cast, e, version: enterprise_services.enterprise_update(
            actor=cast.coordinator, enterprise_id=e.pk, data={"address": "新址"}, expected_version=version
        ),
    ),
    "enterprise_delete": (
        lambda cast: cast.neighbour,
        lambda cast, e, version: enterprise_services.enterprise_delete(
            actor=cast.coordinator, enterprise_id=e.pk, expected_version=version
        ),
    ),
    "agreement_update": (
        _agreement,
        lambda cast, a, version: investment_services.agreement_update(
            actor=cast.coordinator,
            agreement_id=a.pk,
            expected_version=version,
            data=AgreementData(
                title="东方电气战略合作协议",
                kind="strategic",
                counterparty_name="东方电气集团",
                our_party_name="霍林郭勒市人民政府",
                region_code="150581",
                signed_on=datetime.date(2026, 2, 15),
            ),
        ),
    ),
    "agreement_link_projects": (
        _agreement,
        lambda cast, a, version: investment_services.agreement_link_projects(
            actor=cast.coordinator,
            agreement_id=a.pk,
            expected_version=version,
            project_ids=[make_project().pk],
        ),
    ),
    "funds_record": (
        _agreement,
        lambda cast, a, version: investment_services.funds_record(
            actor=cast.coordinator,
            agreement_id=a.pk,
            expected_version=version,
            on=datetime.date(2026, 3, 1),
            amount="1000",
        ),
    ),
    "project_update": (
        lambda cast: make_project(name="铝箔项目"),
        lambda cast, p, version: project_services.project_update(
            actor=cast.coordinator,
            project_id=p.pk,
            expected_version=version,
            data=ProjectData(name="铝箔项目（更名）", region_code="150581", total_investment="50000"),
        ),
    ),
    "project_change_stage": (
        lambda cast: make_project(),
        lambda cast, p, version: project_services.project_change_stage(
            actor=cast.coordinator,
            project_id=p.pk,
            expected_version=version,
            to_stage="preparing",
            on=timezone.localdate(),
        ),
    ),
    "milestones_save": (
        lambda cast: make_project(),
        lambda cast, p, version: project_services.milestones_save(
            actor=cast.coordinator,
            project_id=p.pk,
            expected_version=version,
            milestones=[MilestoneData(name="主体工程封顶", planned_on=datetime.date(2026, 11, 30))],
        ),
    ),
    "annual_plan_set": (
        lambda cast: make_project(),
        lambda cast, p, version: project_services.annual_plan_set(
            actor=cast.coordinator,
            project_id=p.pk,
            expected_version=version,
            year=2026,
            planned_investment="20000",
        ),
    ),
    "visit_update": (
        _visit,
        lambda cast, v, version: visit_services.visit_update(
            actor=cast.coordinator,
            visit_id=v.pk,
            expected_version=version,
            data=VisitData(
                kind="inspection",
                title="孟宪东到霍林郭勒市调研（更正）",
                start_date=datetime.date(2026, 6, 21),
                lead_official_ids=[v.participants.get().official_id],
                place_codes=["150581"],
                attendance=[Attendance(enterprise_id=cast.home.pk)],
            ),
        ),
    ),
    "case_edit": (
        _case,
        lambda cast, c, version: case_services.case_edit(
            actor=cast.coordinator,
            case_id=c.pk,
            expected_version=version,
            correction=case_services.CaseCorrection(title="流动资金贷款到期续贷难"),
        ),
    ),
    "case_accept": (
        _case,
        lambda cast, c, version: case_services.case_accept(
            actor=cast.coordinator, case_id=c.pk, expected_version=version
        ),
    ),
}


@pytest.mark.parametrize("name", SERVICE_WRITES)
def test_service_without_the_version_refuses_naming_it(cast: Cast, name: str) -> None:
    make, write = SERVICE_WRITES[name]
    record = make(cast)
    with pytest.raises(ValidationFailed) as failure:
        write(cast, record, None)
    assert [e.field for e in failure.value.errors] == ["version"]


@pytest.mark.parametrize("name", SERVICE_WRITES)
def test_service_on_a_stale_version_refuses_with_the_current_one(cast: Cast, name: str) -> None:
    make, write = SERVICE_WRITES[name]
    record = make(cast)
    read = record.version
    current = _someone_else_changes(record)
    with pytest.raises(StaleWrite) as stale:
        write(cast, record, read)
    assert {key: stale.value.current[key] for key in ("id", "version")} == {
        "id": record.pk,
        "version": current,
    }


@pytest.mark.parametrize("name", SERVICE_WRITES)
def test_service_on_the_version_read_writes(cast: Cast, name: str) -> None:
    make, write = SERVICE_WRITES[name]
    record = make(cast)
    write(cast, record, record.version)


# --- the pages: a form carries the version it showed ----------------------------------------------


def _form_initial(client: Client, url: str) -> dict[str, Any]:
    form = client.get(url).context["form"]
    return {name: value for name, value in form.initial.items() if value is not None}


@dataclass
class PagePost:
    make: Callable[[Cast], Model]
    url: str  # where the form posts; {pk} is the record's id
    data: Callable[[Client, Model], dict[str, Any]]  # what the person typed, without the version
    typed: str = ""  # a value the page must still show after a refusal


PAGE_POSTS = {
    "enterprise-edit": PagePost(
        lambda cast: cast.home,
        "/enterprises/{pk}/edit",
        lambda client, e: {**_form_initial(client, f"/enterprises/{e.pk}/edit"), "address": "我的新地址"},
        typed="我的新地址",
    ),
    "project-edit": PagePost(
        lambda cast: make_project(name="铝箔项目"),
        "/projects/{pk}/edit",
        lambda client, p: {**_form_initial(client, f"/projects/{p.pk}/edit"), "name": "铝箔项目（我改的名）"},
        typed="铝箔项目（我改的名）",
    ),
    "project-stage": PagePost(
        lambda cast: make_project(),
        "/projects/{pk}/stage",
        lambda client, p: {"stage": "preparing", "on": str(timezone.localdate())},
    ),
    "project-milestones": PagePost(
        lambda cast: make_project(),
        "/projects/{pk}/milestones",
        lambda client, p: {
            "new_1_name": "主体工程封顶",
            "new_1_planned": "2026-11-30",
            "new_1_kind": "main_works",
        },
    ),
    "visit-edit": PagePost(
        _visit,
        "/visits/{pk}/edit/",
        lambda client, v: {
            "kind": "inspection",
            "title": "孟宪东到霍林郭勒市调研（我的更正）",
            "start_date": "2026-06-21",
            "lead_officials": [str(v.participants.get().official_id)],
            "places": ["150581"],
            "enterprises": [str(v.enterprises.get().pk)],
        },
        typed="孟宪东到霍林郭勒市调研（我的更正）",
    ),
    "agreement-projects": PagePost(
        _agreement, "/agreements/{pk}/projects", lambda client, a: {"project": [str(make_project().pk)]}
    ),
    "agreement-funds": PagePost(
        _agreement,
        "/agreements/{pk}/funds",
        lambda client, a: {"on": "2026-03-01", "amount": "1234", "unit": "万元", "note": "首笔资本金到位"},
        typed="首笔资本金到位",
    ),
    "case-accept": PagePost(
        _case,
        "/cases/{pk}/accept",
        lambda client, c: {"comment": "同意受理，请工信局牵头"},
        typed="同意受理，请工信局牵头",
    ),
    "case-edit": PagePost(
        _case,
        "/cases/{pk}/edit",
        lambda client, c: {
            **_form_initial(client, f"/cases/{c.pk}/edit"),
            "title": "流动资金贷款到期续贷难（我改的）",
        },
        typed="流动资金贷款到期续贷难（我改的）",
    ),
}


def _page_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.coordinator)
    return client


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_page_post_without_the_version_saves_nothing_and_says_why(cast: Cast, name: str) -> None:
    page = PAGE_POSTS[name]
    record = page.make(cast)
    client = _page_client(cast)
    data = page.data(client, record)
    data.pop("version", None)
    response = client.post(page.url.format(pk=record.pk), data, follow=True)
    assert "版本" in response.content.decode()
    assert type(record).objects.get(pk=record.pk).version == record.version
    if page.typed:
        assert page.typed in response.content.decode()


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_page_post_on_a_stale_version_saves_nothing_and_keeps_what_was_typed(cast: Cast, name: str) -> None:
    page = PAGE_POSTS[name]
    record = page.make(cast)
    client = _page_client(cast)
    data = {**page.data(client, record), "version": record.version}
    current = _someone_else_changes(record)
    response = client.post(page.url.format(pk=record.pk), data, follow=True)
    text = response.content.decode()
    assert "他人" in text, text[:2000]
    assert type(record).objects.get(pk=record.pk).version == current
    if page.typed:
        assert page.typed in text


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_page_post_on_the_version_shown_saves(cast: Cast, name: str) -> None:
    page = PAGE_POSTS[name]
    record = page.make(cast)
    client = _page_client(cast)
    data = {**page.data(client, record), "version": record.version}
    client.post(page.url.format(pk=record.pk), data)
    assert type(record).objects.get(pk=record.pk).version == record.version + 1
