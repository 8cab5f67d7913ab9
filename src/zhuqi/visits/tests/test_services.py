"""Recording visits through the service: what was said becomes cases, all or nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhuqi.cases.models import Case, CaseCategory, Kind, Source
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
    finance = CaseCategory.objects.get(name="融资", parent=None)
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


def test_a_visit_is_corrected_with_its_version_and_audited(cast: Cast, secretary: Official) -> None:
    from zhuqi.core.errors import StaleWrite
    from zhuqi.core.models import AuditEntry

    created = services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary)).visit
    deputy = OfficialFactory(name="刘洪涛")
    PostFactory(official=deputy, department=DepartmentFactory(name="霍林郭勒市政府"), title="市长")
    corrected = _inspection(
        cast,
        secretary,
        title="孟宪东到霍林郭勒市调研",
        accompanying_official_ids=[deputy.pk],
        attendance=[Attendance(enterprise_id=cast.home.pk), Attendance(enterprise_id=cast.neighbour.pk)],
    )
    result = services.visit_update(
        actor=cast.coordinator,
        visit_id=created.pk,
        data=corrected,
        expected_version=1,
        said=[
            SaidThere(
                kind="demand",
                title="用电指标不足",
                enterprise_id=cast.neighbour.pk,
                category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
            )
        ],
    )
    visit = result.visit
    assert visit.version == 2 and visit.title == "孟宪东到霍林郭勒市调研"
    assert [(p.official_id, p.role, p.posts) for p in visit.participants.order_by("position")] == [
        (secretary.pk, "lead", "通辽市委书记"),
        (deputy.pk, "accompanying", "霍林郭勒市政府市长"),
    ]
    assert [case.visit_id for case in result.cases] == [visit.pk]
    entry = AuditEntry.objects.filter(object_id=str(visit.pk), action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["title"][1] == "孟宪东到霍林郭勒市调研"
    assert entry.changes["enterprises"] == [[cast.home.pk], sorted([cast.home.pk, cast.neighbour.pk])]
    assert entry.changes["officials"][1] == [f"{secretary.pk}:lead", f"{deputy.pk}:accompanying"]
    with pytest.raises(StaleWrite):
        services.visit_update(actor=cast.coordinator, visit_id=visit.pk, data=corrected, expected_version=1)


def test_a_correction_keeps_what_the_cases_hang_on(cast: Cast, secretary: Official) -> None:
    created = services.visit_create(
        actor=cast.coordinator, data=_inspection(cast, secretary), said=_said(cast)
    ).visit
    without_home = _inspection(cast, secretary, attendance=[Attendance(enterprise_id=cast.neighbour.pk)])
    with pytest.raises(ValidationFailed) as failure:
        services.visit_update(
            actor=cast.coordinator, visit_id=created.pk, data=without_home, expected_version=1
        )
    assert "联晟新材料有限公司在本次提出了诉求" in str(failure.value)
    as_symposium = _inspection(cast, secretary, kind="symposium")
    with pytest.raises(ValidationFailed, match="kind"):
        services.visit_update(
            actor=cast.coordinator, visit_id=created.pk, data=as_symposium, expected_version=1
        )
    created.refresh_from_db()
    assert created.version == 1 and created.attendance.get().enterprise_id == cast.home.pk


def test_only_the_recorder_or_the_local_coordinator_corrects_a_visit(cast: Cast, secretary: Official) -> None:
    from zhuqi.core.errors import NotFound

    created = services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary)).visit
    data = _inspection(cast, secretary, title="改")
    with pytest.raises(PermissionDenied):
        services.visit_update(actor=cast.leader, visit_id=created.pk, data=data, expected_version=1)
    with pytest.raises(NotFound):
        services.visit_update(actor=cast.outsider, visit_id=created.pk, data=data, expected_version=1)
    assert services.visit_update(actor=cast.admin, visit_id=created.pk, data=data, expected_version=1)


def test_photos_are_kept_and_a_bad_file_writes_nothing(cast: Cast, secretary: Official) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    visit = services.visit_create(
        actor=cast.coordinator, data=_inspection(cast, secretary), attachments=[photo]
    ).visit
    attachment = visit.attachments.get()
    assert (
        attachment.name == "现场.jpg"
        and attachment.is_image
        and attachment.file.read() == b"\xff\xd8\xff\xe0jpeg"
    )
    count = Visit.objects.count()
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationFailed, match=r"attachments\.0"):
        services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary), attachments=[script])
    assert Visit.objects.count() == count


def test_an_official_with_many_long_posts_is_recorded_with_them_shortened_not_refused(
    cast: Cast, secretary: Official
) -> None:
    for number in range(12):
        PostFactory(
            official=secretary,
            department=DepartmentFactory(name=f"通辽市第{number}个很长名称的领导小组办公室及其工作专班"),
            title="组长兼办公室主任",
            start_date=datetime.date(2021, 1, 1),
        )
    result = services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary), said=[])
    posts = result.visit.participants.get().posts
    assert len(posts) == 300 and posts.startswith("通辽市委书记") and posts.endswith("…")


@pytest.mark.parametrize("recorder", ["handler", "leader"])
def test_only_who_may_assign_names_a_lead_department_for_a_demand_said_on_a_visit(
    cast: Cast, secretary: Official, recorder: str
) -> None:
    """Naming a lead department routes the demand past the coordinator's acceptance: a handler
    or a leader recording the visit leaves that to the coordinator, and is told so on the row."""
    department = cast.handler.department
    assert department is not None
    said = _said(cast)
    said[1].lead_department_id = department.pk
    with pytest.raises(ValidationFailed) as failure:
        services.visit_create(actor=getattr(cast, recorder), data=_inspection(cast, secretary), said=said)
    assert {e.field for e in failure.value.errors} == {"cases.2.lead_department"}
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_the_coordinator_routes_a_demand_and_a_leader_an_instruction_said_on_a_visit(
    cast: Cast, secretary: Official
) -> None:
    department = cast.handler.department
    assert department is not None
    said = _said(cast)
    said[1].lead_department_id = department.pk
    recorded = services.visit_create(actor=cast.coordinator, data=_inspection(cast, secretary), said=said)
    demand = recorded.cases[1]
    assert demand.status == "assigned" and demand.lead_department_id == department.pk

    said = _said(cast)[:1]
    said[0].lead_department_id = department.pk
    instruction = services.visit_create(
        actor=cast.leader,
        data=_inspection(cast, secretary, start_date=DAY - datetime.timedelta(days=30), end_date=None),
        said=said,
    ).cases[0]
    assert instruction.status == "assigned" and instruction.lead_department_id == department.pk
