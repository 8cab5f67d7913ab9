"""Recording visits through the service: what was said becomes cases, all or nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhuqi.cases.models import Case, Category, Kind, Source
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.directory.models import Official
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import selectors, services
from zhuqi.visits.models import Visit
from zhuqi.visits.services import Attendance, SaidThere, VisitData

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 20)


@pytest.fixture
def secretary(cast: Cast) -> Official:
    official = OfficialFactory(name="孟宪东")
    PostFactory(
        official=official,
        department=DepartmentFactory(name="通辽市委"),
        title="书记",
        start_date=datetime.date(2021, 1, 1),
    )
    return official


def _inspection(cast: Cast, secretary: Official, **overrides: Any) -> VisitData:
    data = VisitData(
        kind="inspection",
        title="孟宪东到霍林郭勒市调研重点项目建设和中小微企业发展情况",
        start_date=DAY,
        end_date=DAY + datetime.timedelta(days=1),
        lead_official_ids=[secretary.pk],
        place_codes=["150581"],
        attendance=[Attendance(enterprise_id=cast.home.pk, opinions="希望协调铝箔产品出口物流")],
        summary="实地察看项目进展，召开中小微企业座谈会。",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def _said(cast: Cast) -> list[SaidThere]:
    finance = Category.objects.get(name="融资", parent=None)
    return [
        SaidThere(kind="instruction", title="加快项目建设进度，力争早日投产", category_id=finance.pk),
        SaidThere(kind="demand", title="出口物流成本高", category_id=finance.pk, enterprise_id=cast.home.pk),
    ]


def test_an_inspection_with_an_instruction_and_a_demand(cast: Cast, secretary: Official) -> None:
    result = services.visit_create(
        actor=cast.coordinator, data=_inspection(cast, secretary), said=_said(cast)
    )
    visit = result.visit
    assert [p.posts for p in visit.participants.all()] == ["通辽市委书记"]
    instruction, demand = result.cases
    assert instruction.kind == Kind.INSTRUCTION and instruction.issued_by_id == secretary.pk
    assert demand.kind == Kind.DEMAND and demand.enterprise_id == cast.home.pk
    assert {case.visit_id for case in result.cases} == {visit.pk}
    assert instruction.source == Source.VISIT
    detail = selectors.visit_detail(user=cast.leader, visit_id=visit.pk)
    assert [case.pk for case in detail.cases.all()] == [instruction.pk, demand.pk]


def test_bad_visits_are_refused_and_nothing_is_written(cast: Cast, secretary: Official) -> None:
    nobody = OfficialFactory(name="无职务")
    with pytest.raises(ValidationFailed) as failure:
        services.visit_create(
            actor=cast.coordinator,
            data=_inspection(
                cast,
                secretary,
                end_date=DAY - datetime.timedelta(days=1),
                accompanying_official_ids=[nobody.pk],
                attendance=[Attendance(enterprise_id=cast.datong.pk)],
            ),
        )
    fields = {e.field for e in failure.value.errors}
    assert {"end_date", "accompanying_officials", "enterprises.1"} <= fields
    assert "没有任职记录" in str(failure.value)
    assert not Visit.objects.exists()


def test_a_bad_case_rolls_the_visit_back(cast: Cast, secretary: Official) -> None:
    said = _said(cast)
    said[1].category_id = None
    with pytest.raises(ValidationFailed) as failure:
        services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary), said=said)
    assert {e.field for e in failure.value.errors} == {"cases.2.category"}
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_a_liaison_logs_a_visit_to_an_assigned_enterprise_only(cast: Cast) -> None:
    data = VisitData(
        kind="liaison",
        title="走访联晟新材料",
        start_date=DAY,
        attendance=[Attendance(enterprise_id=cast.home.pk)],
        no_problems=True,
    )
    result = services.visit_create(actor=cast.liaison, data=data)
    assert result.visit.no_problems and result.visit.region_id == "150581"
    data.attendance = [Attendance(enterprise_id=cast.neighbour.pk)]
    with pytest.raises(ValidationFailed):
        services.visit_create(actor=cast.liaison, data=data)
    with pytest.raises(PermissionDenied):
        services.visit_create(
            actor=cast.liaison, data=VisitData(kind="inspection", title="x", start_date=DAY)
        )
    assert set(selectors.visit_queryset(user=cast.liaison)) == {result.visit}
    assert set(selectors.visit_queryset(user=cast.enterprise_user)) == {result.visit}
    assert not selectors.visit_queryset(user=cast.outsider).exists()
