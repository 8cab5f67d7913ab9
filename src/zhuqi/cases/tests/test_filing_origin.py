"""Filing a case from a record (docs/visibility.md, "Filing a case from a record"): a visit files
by its lead officials' authority and by someone who may record it, a project report files the
owner's demands by someone who may report on the project, and each reads the enterprise, visit
and project through the filer's scope. No origin turns the checks off."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.services import NewCase, Origin
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.projects import services as project_services
from zhuqi.projects.services import ProblemData, ReportData
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory, make_project
from zhuqi.visits.models import Visit
from zhuqi.visits.services import Attendance, SaidThere, VisitData, visit_create

DAY = datetime.date(2026, 6, 10)


@pytest.fixture
def other(db: object) -> CaseCategory:
    return CaseCategory.objects.get(name="其他", parent=None)


def _inspection(cast: Cast, other: CaseCategory, **said: object) -> Visit:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(
        official=secretary, department=DepartmentFactory(name="通辽市委", region_id="150500"), title="书记"
    )
    return visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="inspection",
            title="孟宪东到霍林郭勒市调研",
            start_date=DAY,
            lead_official_ids=[secretary.pk],
            place_codes=["150581"],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
        said=[SaidThere(kind="instruction", title="加快项目建设进度", category_id=other.pk)],
    ).visit


def test_a_liaison_officer_cannot_issue_an_instruction_through_a_visit(
    cast: Cast, other: CaseCategory
) -> None:
    """A liaison officer may file demands, not instructions: logging a visit with an instruction
    in it is refused, naming the case and its field, and nothing is written."""
    with pytest.raises(ValidationFailed) as refusal:
        visit_create(
            actor=cast.liaison,
            data=VisitData(
                kind="liaison",
                title="走访联晟新材料",
                start_date=DAY,
                lead_official_ids=[cast.liaison.official.pk],
                attendance=[Attendance(enterprise_id=cast.home.pk)],
            ),
            said=[SaidThere(kind="instruction", title="自然资源局三日内解决用地问题", category_id=other.pk)],
        )
    assert [(e.field, e.message) for e in refusal.value.errors] == [
        ("cases.1.kind", "走访记录只登记企业的诉求；交办事项须由调研、座谈会的带队领导作出")
    ]
    assert not Visit.objects.exists() and not Case.objects.exists()

    # The same through the API: 422 naming the case's field, nothing written.
    body = {
        "kind": "call",
        "title": "电话联系联晟新材料",
        "start_date": "2026-06-10",
        "lead_officials": [cast.liaison.official_id],
        "enterprises": [{"enterprise": cast.home.pk}],
        "cases": [{"kind": "instruction", "title": "限期解决用地问题", "category": other.pk}],
    }
    answer = send(token_client("liaison"), "post", "/api/v1/visits", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"] == ["body", "cases", "1", "kind"]
    assert not Visit.objects.exists() and not Case.objects.exists()

    # The legitimate path: the demand the enterprise raised, filed on its behalf.
    body["cases"] = [
        {"kind": "demand", "title": "用地手续办理慢", "category": other.pk, "enterprise": cast.home.pk}
    ]
    created = send(token_client("liaison"), "post", "/api/v1/visits", body)
    assert created.status_code == 201, created.content
    (case,) = Case.objects.all()
    assert (case.kind, case.enterprise_id, case.filed_on_behalf) == (Kind.DEMAND, cast.home.pk, True)


def test_an_instruction_from_a_visit_is_given_by_one_of_its_lead_officials(
    cast: Cast, other: CaseCategory
) -> None:
    visit = _inspection(cast, other)
    (first,) = Case.objects.filter(visit=visit)
    lead = visit.participants.get().official
    assert (first.kind, first.issued_by_id) == (Kind.INSTRUCTION, lead.pk)  # the lead by default
    stranger = OfficialFactory(name="路人甲")
    with pytest.raises(ValidationFailed) as refusal:
        services.case_create(
            actor=cast.coordinator,
            data=NewCase(
                kind=Kind.INSTRUCTION,
                title="另一项交办",
                category_id=other.pk,
                issued_by_id=stranger.pk,
                visit_id=visit.pk,
                source="visit",
            ),
            origin=Origin.VISIT,
        )
    assert [e.field for e in refusal.value.errors] == ["issued_by"]


def test_only_someone_who_may_record_the_visit_files_from_it(cast: Cast, other: CaseCategory) -> None:
    """The handler sees the visit (it touched their region) but did not record it and may not
    correct it; the outsider cannot see it at all (the same answer as a visit that does not
    exist); a demand must be of an enterprise visited."""
    visit = _inspection(cast, other)
    demand = NewCase(
        kind=Kind.DEMAND,
        title="融资难",
        description="融资难",
        category_id=other.pk,
        visit_id=visit.pk,
        source="visit",
    )
    with pytest.raises(PermissionDenied):
        services.case_create(actor=cast.handler, data=demand, origin=Origin.VISIT)
    demand.enterprise_id = cast.home.pk
    with pytest.raises(ValidationFailed) as hidden:
        services.case_create(actor=cast.outsider, data=demand, origin=Origin.VISIT)
    assert [e.field for e in hidden.value.errors] == ["visit"]
    demand.enterprise_id = cast.neighbour.pk
    with pytest.raises(ValidationFailed) as absent:
        services.case_create(actor=cast.coordinator, data=demand, origin=Origin.VISIT)
    assert [e.field for e in absent.value.errors] == ["enterprise"]
    demand.enterprise_id = cast.home.pk
    filed = services.case_create(actor=cast.coordinator, data=demand, origin=Origin.VISIT)
    assert (filed.visit_id, filed.enterprise_id, filed.region_id) == (visit.pk, cast.home.pk, "150581")
    # The case form cannot attach a case to a visit behind the visit's rules.
    with pytest.raises(ValidationFailed) as direct:
        services.case_create(actor=cast.coordinator, data=demand)
    assert [e.field for e in direct.value.errors] == ["visit"]


def test_a_project_reports_problems_are_its_owners_demands(cast: Cast, other: CaseCategory) -> None:
    project = make_project(owner=cast.home, stage="started")
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    result = project_services.report_submit(
        actor=cast.enterprise_user,
        project_id=project.pk,
        data=ReportData(
            period_start=monday,
            progress="厂房封顶",
            investment_this_period="100",
            problems=[ProblemData(title="施工用电未接入", category_id=other.pk)],
        ),
    )
    (case,) = result.cases
    assert (case.kind, case.enterprise_id, case.project_id) == (Kind.DEMAND, cast.home.pk, project.pk)

    problem = NewCase(
        kind=Kind.DEMAND,
        title="用地",
        description="用地",
        category_id=other.pk,
        project_id=project.pk,
        source="project",
    )
    # The leader reads the project but does not report on it; the outsider cannot see it.
    with pytest.raises(PermissionDenied):
        services.case_create(actor=cast.leader, data=problem, origin=Origin.PROJECT_REPORT)
    with pytest.raises(ValidationFailed) as hidden:
        services.case_create(actor=cast.outsider, data=problem, origin=Origin.PROJECT_REPORT)
    assert [e.field for e in hidden.value.errors] == ["project"]
    # The enterprise is the owner's, never one the filer names; and not an instruction.
    problem.enterprise_id = cast.datong.pk
    problem.kind = Kind.INSTRUCTION
    with pytest.raises(ValidationFailed) as named:
        services.case_create(actor=cast.coordinator, data=problem, origin=Origin.PROJECT_REPORT)
    assert sorted(e.field for e in named.value.errors) == ["enterprise", "kind"]
    assert Case.objects.count() == 1
