"""Visibility follows the work (docs/visibility.md), role by role, through the API and the pages.

The story: 郝茂荣, of Tongliao, inspects enterprises in two counties on one trip: Horqin (科尔沁区,
named first, so the record belongs there) and Huolinguole (霍林郭勒市). He gives two
instructions, one to a Huolinguole office and one to a Horqin office, and each county's
enterprise raises a difficulty. Huolinguole's coordinator must see the visit and the work of
his county (the instruction his office leads, the demand of his enterprise), and nothing of
Horqin's own; the liaison officer of the Huolinguole enterprise sees the visit, the
instructions given there and his enterprise's demand; the enterprise sees the visit and its
own demand; an outsider sees nothing, as if none of it existed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory
from zhuqi.cases.selectors import case_queryset, open_counts
from zhuqi.directory.models import Department, User
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import selectors
from zhuqi.visits.filtersets import VisitFilterSet
from zhuqi.visits.models import Visit, VisitRegion
from zhuqi.visits.services import Attendance, SaidThere, VisitData, visit_create


@dataclass
class Trip:
    visit: Visit
    huolinguole_instruction: Case  # led by the Huolinguole industry office (the handler's)
    horqin_instruction: Case  # led by a Horqin office
    home_demand: Case  # the Huolinguole enterprise's (assigned to the liaison officer)
    horqin_demand: Case  # the Horqin enterprise's


@pytest.fixture
def trip(cast: Cast) -> Trip:
    hao = OfficialFactory(name="郝茂荣", region_id="150500")
    PostFactory(
        official=hao, department=DepartmentFactory(name="通辽市人民政府", region_id="150500"), title="市长"
    )
    industry = Department.objects.get(name="霍林郭勒市工业和信息化局")
    horqin_office = DepartmentFactory(name="科尔沁区应急管理局", region_id="150502")
    other = CaseCategory.objects.get(name="其他", parent=None)
    result = visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="inspection",
            title="郝茂荣一行调研通辽北部区域经济社会发展情况",
            start_date=datetime.date(2026, 2, 7),
            end_date=datetime.date(2026, 2, 8),
            lead_official_ids=[hao.pk],
            place_codes=["150502", "150581"],
            attendance=[Attendance(enterprise_id=cast.tongliao.pk), Attendance(enterprise_id=cast.home.pk)],
        ),
        said=[
            SaidThere(
                kind="instruction",
                title="推进霍扎一体化",
                category_id=other.pk,
                lead_department_id=industry.pk,
            ),
            SaidThere(
                kind="instruction",
                title="落实安全生产责任",
                category_id=other.pk,
                lead_department_id=horqin_office.pk,
            ),
            SaidThere(
                kind="demand", title="铝箔项目用电紧张", category_id=other.pk, enterprise_id=cast.home.pk
            ),
            SaidThere(
                kind="demand", title="物流成本高", category_id=other.pk, enterprise_id=cast.tongliao.pk
            ),
        ],
    )
    assert result.visit.region_id == "150502"  # the first place named: not Huolinguole
    return Trip(result.visit, *result.cases)


# role → (sees the visit, the cases it sees by their Trip name)
EVERYTHING = {"huolinguole_instruction", "horqin_instruction", "home_demand", "horqin_demand"}
EXPECTED: dict[str, tuple[bool, set[str]]] = {
    "admin": (True, EVERYTHING),
    "auditor": (True, EVERYTHING),
    "leader": (True, EVERYTHING),  # Tongliao: both counties are his
    # Huolinguole: the visit touched it; the instruction his county's office leads and his
    # county's enterprise's demand, not Horqin's own work.
    "coordinator": (True, {"huolinguole_instruction", "home_demand"}),
    # The Huolinguole industry office: the visit touched its region; the case it leads.
    "handler": (True, {"huolinguole_instruction"}),
    # Assigned to the Huolinguole enterprise: the visit, its visit-wide instructions, his
    # enterprise's demand, not the other enterprise's.
    "liaison": (True, {"huolinguole_instruction", "horqin_instruction", "home_demand"}),
    "enterprise": (True, {"home_demand"}),
    "outsider": (False, set()),  # Datong's coordinator
}


def _visible(trip: Trip, names: set[str]) -> set[int]:
    return {getattr(trip, name).pk for name in names}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_the_visit_and_its_cases_through_the_api(trip: Trip, username: str) -> None:
    sees_visit, case_names = EXPECTED[username]
    client = token_client(username)
    detail = client.get(f"/api/v1/visits/{trip.visit.pk}")
    assert detail.status_code == (200 if sees_visit else 404)
    listed = {item["id"] for item in client.get("/api/v1/visits").json()["items"]}
    assert (trip.visit.pk in listed) is sees_visit
    if sees_visit:
        assert {c["id"] for c in detail.json()["cases"]} == _visible(trip, case_names)
    for name in EVERYTHING:
        case = getattr(trip, name)
        answer = client.get(f"/api/v1/cases/{case.pk}")
        assert answer.status_code == (200 if name in case_names else 404), (username, name)
    # The list, the count and the case page agree with the one-by-one answers.
    from_list = {item["id"] for item in client.get("/api/v1/cases?page_size=100").json()["items"]}
    assert from_list & _visible(trip, EVERYTHING) == _visible(trip, case_names)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_the_same_through_the_pages(trip: Trip, username: str) -> None:
    sees_visit, case_names = EXPECTED[username]
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    page = client.get(f"/visits/{trip.visit.pk}/")
    assert page.status_code == (200 if sees_visit else 404)
    if username != "enterprise":  # the enterprise account has no visit list
        listing = client.get("/visits/").content.decode()
        assert (trip.visit.title in listing) is sees_visit
    for name in EVERYTHING:
        case = getattr(trip, name)
        assert client.get(f"/cases/{case.pk}/").status_code == (200 if name in case_names else 404), name
    counted = set(case_queryset(user=user).filter(visit=trip.visit).values_list("pk", flat=True))
    assert counted == _visible(trip, case_names)
    if sees_visit:
        (row,) = selectors.with_case_counts([trip.visit], user=user)
        assert row.case_count == len(case_names)


def test_the_regions_a_visit_touched_follow_its_edits(trip: Trip, cast: Cast) -> None:
    """Its own region, its places' and its enterprises' regions; an edit that drops Horqin's
    enterprise and place leaves Horqin's coordinator out, and the visit list's region filter
    reads the same rows."""
    assert set(VisitRegion.objects.filter(visit=trip.visit).values_list("region_id", flat=True)) == {
        "150502",
        "150581",
    }
    huolinguole = VisitFilterSet({"region": "150581"}, queryset=selectors.visit_queryset(user=cast.admin)).qs
    assert list(huolinguole) == [trip.visit]
    elsewhere = VisitFilterSet({"region": "140200"}, queryset=selectors.visit_queryset(user=cast.admin)).qs
    assert list(elsewhere) == []


def test_a_coordinator_who_only_follows_a_case_does_not_route_or_close_it(trip: Trip, cast: Cast) -> None:
    """Huolinguole's coordinator sees the Horqin-region instruction his county's office leads and
    decides on it (verify, extensions), and his workbench counts it as open work; a case he sees
    only because a supporting office is his he follows without deciding on it."""
    case = trip.huolinguole_instruction
    assert case_services.may_take(cast.coordinator, case, "verify")
    assert open_counts(user=cast.coordinator)["open"] == 2
    # A coordinator above a supporting department only follows the case.
    horqin_case = trip.horqin_instruction
    supporter = DepartmentFactory(name="霍林郭勒市发展和改革委员会")
    horqin_case.co_departments.add(supporter)
    case_services.sync_reach(horqin_case)  # as the services do whenever departments change
    horqin_case.refresh_from_db()
    assert case_queryset(user=cast.coordinator).filter(pk=horqin_case.pk).exists()
    assert not case_services.may_take(cast.coordinator, horqin_case, "verify")
    assert not case_services.may_take(cast.coordinator, horqin_case, "assign")
    assert case_services.may_take(cast.leader, horqin_case, "assign")


def test_a_coordinator_who_only_follows_a_case_does_not_correct_it(trip: Trip, cast: Cast) -> None:
    horqin_case = trip.horqin_instruction
    horqin_case.co_departments.add(DepartmentFactory(name="霍林郭勒市发展和改革委员会"))
    assert not case_services.may_edit(cast.coordinator, horqin_case)
    assert case_services.may_edit(cast.coordinator, trip.huolinguole_instruction)
    assert case_services.may_edit(cast.leader, horqin_case) is False  # a leader does not correct cases


def test_the_cases_reached_from_outside_their_region_are_listed_and_follow_their_departments(
    trip: Trip, cast: Cast
) -> None:
    """CaseReach holds only what the region arm cannot answer: the Horqin-region instruction led
    by Huolinguole's office is listed under 150581; a case whose department sits in its own
    region (or above it) is not listed at all. Giving the case to a Horqin office drops the row,
    and Huolinguole's coordinator no longer finds it."""
    from zhuqi.cases.models import CaseReach

    case = trip.huolinguole_instruction
    assert set(CaseReach.objects.values_list("case_id", "region_id")) == {(case.pk, "150581")}
    assert case_queryset(user=cast.coordinator).filter(pk=case.pk).exists()
    horqin_office = Department.objects.get(name="科尔沁区应急管理局")
    case.refresh_from_db()
    case = case_services.case_return(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        step=case_services.StepInput(comment="不属于本局职责，应由科尔沁区办理"),
    )
    case = case_services.case_assign(
        actor=cast.admin, case_id=case.pk, expected_version=case.version, lead_department_id=horqin_office.pk
    )
    assert not CaseReach.objects.filter(case=case).exists()
    assert not case_queryset(user=cast.coordinator).filter(pk=case.pk).exists()
