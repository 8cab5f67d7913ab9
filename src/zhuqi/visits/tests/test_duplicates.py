"""Recording a visit a second time: the same lead official, overlapping dates and an enterprise in
common is asked about, the same way on the web form, the liaison log and the API, among the
visits the person can see; confirmed, it is recorded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.directory.models import Official
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import selectors, services
from zhuqi.visits.models import Visit, VisitEnterprise, VisitOfficial
from zhuqi.visits.services import Attendance, LikelyDuplicate, VisitData

pytestmark = pytest.mark.django_db
JUNE_20 = datetime.date(2026, 6, 20)


@pytest.fixture
def secretary(cast: Cast) -> Official:
    official = OfficialFactory(name="孟宪东", region_id="150500")
    PostFactory(official=official, department=DepartmentFactory(name="通辽市委"), title="书记")
    return official


def _data(secretary: Official, enterprises: list[int], **changes: Any) -> VisitData:
    values: dict[str, Any] = {
        "kind": "inspection",
        "title": "孟宪东到霍林郭勒市调研",
        "start_date": JUNE_20,
        "end_date": datetime.date(2026, 6, 21),
        "lead_official_ids": [secretary.pk],
        "place_codes": ["150581"],
        "attendance": [Attendance(enterprise_id=pk) for pk in enterprises],
        **changes,
    }
    return VisitData(**values)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_same_leader_the_same_days_and_an_enterprise_in_common_is_asked_about(
    cast: Cast, secretary: Official
) -> None:
    first = services.visit_create(actor=cast.coordinator, data=_data(secretary, [cast.home.pk])).visit
    # Recorded again by someone else, a day overlapping, with one more enterprise.
    again = _data(
        secretary,
        [cast.neighbour.pk, cast.home.pk],
        title="孟宪东调研联晟新材料",
        start_date=datetime.date(2026, 6, 21),
        end_date=datetime.date(2026, 6, 22),
    )
    with pytest.raises(LikelyDuplicate) as raised:
        services.visit_create(actor=cast.admin, data=again)
    assert raised.value.code == "likely_duplicate"
    assert [v.pk for v in raised.value.visits] == [first.pk]
    assert Visit.objects.count() == 1
    confirmed = services.visit_create(actor=cast.admin, data=again, confirm_duplicate=True).visit
    assert Visit.objects.count() == 2 and confirmed.pk != first.pk

    # Not the same visit: other days, another enterprise only, another leader as lead, or a call.
    other = OfficialFactory(name="王明厚", region_id="150500")
    PostFactory(official=other, department=DepartmentFactory(name="通辽市政府"), title="副市长")
    different = [
        _data(secretary, [cast.home.pk], start_date=datetime.date(2026, 6, 23), end_date=None),
        _data(secretary, [cast.tongliao.pk], place_codes=["150500"]),
        _data(other, [cast.home.pk], accompanying_official_ids=[secretary.pk]),
    ]
    for data in different:
        services.visit_create(actor=cast.admin, data=data)
    assert Visit.objects.count() == 5


def test_a_call_and_a_visit_the_same_day_are_two_events(cast: Cast) -> None:
    official = cast.liaison.official
    day = datetime.date(2026, 6, 10)
    call = VisitData(
        kind="call",
        title="电话联系",
        start_date=day,
        lead_official_ids=[official.pk],
        attendance=[Attendance(enterprise_id=cast.home.pk)],
    )
    services.visit_create(actor=cast.liaison, data=call)
    services.visit_create(
        actor=cast.liaison,
        data=VisitData(
            kind="liaison",
            title="走访",
            start_date=day,
            lead_official_ids=[official.pk],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
    )
    with pytest.raises(LikelyDuplicate):
        services.visit_create(actor=cast.liaison, data=call)


def test_the_check_reads_only_the_visits_the_user_can_see(cast: Cast, secretary: Official) -> None:
    first = services.visit_create(actor=cast.coordinator, data=_data(secretary, [cast.home.pk])).visit
    asked = {
        "kind": "inspection",
        "lead_official_ids": [secretary.pk],
        "start": JUNE_20,
        "end": JUNE_20,
        "enterprise_ids": [cast.home.pk],
    }
    assert selectors.likely_duplicates(user=cast.coordinator, **asked) == [first]
    assert selectors.likely_duplicates(user=cast.leader, **asked) == [first]
    # A Datong coordinator is not told that a Huolinguole visit exists.
    assert selectors.likely_duplicates(user=cast.outsider, **asked) == []
    assert selectors.likely_duplicates(user=cast.coordinator, **asked, exclude_id=first.pk) == []


def test_the_check_starts_from_the_indexes(
    cast: Cast, secretary: Official, django_assert_num_queries: Any
) -> None:
    services.visit_create(actor=cast.coordinator, data=_data(secretary, [cast.home.pk]))
    asked = selectors.likely_duplicates
    with django_assert_num_queries(1):
        asked(
            user=cast.leader,
            kind="inspection",
            lead_official_ids=[secretary.pk],
            start=JUNE_20,
            end=JUNE_20,
            enterprise_ids=[cast.home.pk],
        )
    # The two halves of the question each read an index, not the table of every participant.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for half in (
            VisitOfficial.objects.filter(official_id__in=[secretary.pk], role="lead").values("visit_id"),
            VisitEnterprise.objects.filter(enterprise_id__in=[cast.home.pk]).values("visit_id"),
        ):
            plan = half.order_by().explain().lower()
            if connection.vendor == "sqlite":
                assert "search" in plan and "index" in plan, plan
            else:
                assert "index" in plan and "seq scan" not in plan, plan


def test_the_api_answers_409_likely_duplicate_until_confirmed(cast: Cast, secretary: Official) -> None:
    first = services.visit_create(actor=cast.admin, data=_data(secretary, [cast.home.pk])).visit
    coordinator = token_client("coordinator")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    body = {
        "kind": "inspection",
        "title": "孟宪东到联晟新材料调研",
        "start_date": "2026-06-20",
        "lead_officials": [secretary.pk],
        "places": ["150581"],
        "enterprises": [{"enterprise": cast.home.pk}],
        "cases": [{"kind": "instruction", "title": "加快项目建设进度", "category": finance.pk}],
    }
    asked = send(coordinator, "post", "/api/v1/visits", body)
    assert asked.status_code == 409, asked.content
    answer = asked.json()
    assert answer["code"] == "likely_duplicate" and answer["visit_ids"] == [first.pk]
    assert answer["visits"][0]["title"] == "孟宪东到霍林郭勒市调研"
    assert Visit.objects.count() == 1 and Case.objects.count() == 0
    created = send(coordinator, "post", "/api/v1/visits", {**body, "confirm_duplicate": True})
    assert created.status_code == 201, created.content
    assert Visit.objects.count() == 2 and Case.objects.count() == 1
    spec = coordinator.get("/api/v1/openapi.json").json()
    assert "409" in spec["paths"]["/api/v1/visits"]["post"]["responses"]


def _form(cast: Cast, secretary: Official) -> dict[str, object]:
    return {
        "kind": "inspection",
        "title": "孟宪东到联晟新材料调研",
        "start_date": "2026-06-21",
        "end_date": "",
        "lead_officials": [str(secretary.pk)],
        "places": ["150581"],
        "enterprises": [str(cast.home.pk)],
        f"opinions_{cast.home.pk}": "出口物流成本高",
        "summary": "察看项目",
        "case_kind": ["demand"],
        "case_title": [""],
        "case_description": [""],
        "case_category": [""],
        "case_enterprise": [""],
        "case_lead_department": [""],
        "case_deadline": [""],
    }


def test_the_web_form_shows_the_existing_visit_keeps_what_was_typed_and_saves_when_confirmed(
    cast: Cast, secretary: Official
) -> None:
    first = services.visit_create(actor=cast.admin, data=_data(secretary, [cast.home.pk])).visit
    client = _client(cast.coordinator)
    asked = client.post("/visits/new/", _form(cast, secretary))
    page = asked.content.decode()
    assert asked.status_code == 409 and Visit.objects.count() == 1
    assert 'data-testid="duplicate-warning"' in page
    assert f'href="/visits/{first.pk}/"' in page and "孟宪东到霍林郭勒市调研" in page
    assert 'name="confirm_duplicate" value="1"' in page
    assert 'value="孟宪东到联晟新材料调研"' in page and "出口物流成本高" in page and "察看项目" in page
    assert f'name="lead_officials" value="{secretary.pk}"' in page
    confirmed = client.post("/visits/new/", {**_form(cast, secretary), "confirm_duplicate": "1"})
    assert confirmed.status_code == 302 and Visit.objects.count() == 2
    # The list shows both; the one just saved is the coordinator's.
    assert Visit.objects.filter(recorded_by=cast.coordinator).count() == 1


def test_the_liaison_log_asks_too(cast: Cast) -> None:
    client = _client(cast.liaison)
    today = timezone.localdate().isoformat()
    log = {"enterprise": cast.home.pk, "kind": "liaison", "start_date": today, "summary": "生产正常"}
    assert client.post("/visits/liaison/log/", log).status_code == 302
    asked = client.post("/visits/liaison/log/", {**log, "summary": "再次走访"})
    page = asked.content.decode()
    assert asked.status_code == 409 and Visit.objects.count() == 1
    assert 'data-testid="duplicate-warning"' in page and "再次走访" in page
    assert f'href="/visits/{Visit.objects.get().pk}/"' in page
    confirmed = client.post("/visits/liaison/log/", {**log, "summary": "再次走访", "confirm_duplicate": "1"})
    assert confirmed.status_code == 302 and Visit.objects.count() == 2
