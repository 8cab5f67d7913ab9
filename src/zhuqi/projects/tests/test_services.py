"""The project services through their public functions: the library entry, stages, the node
plan, progress reports and the cases their problems become."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory, Kind, Source
from zhuqi.core.errors import PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.projects import services
from zhuqi.projects.models import Milestone, ProgressReport, Project, ProjectYear, Stage, StageChange
from zhuqi.projects.services import MilestoneData, ProblemData, ProjectData, ReportData
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)  # a Wednesday


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _fields(failure: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {error.field for error in failure.value.errors}


def _new(cast: Cast, **overrides: Any) -> Project:
    data = ProjectData(
        name="联晟新材料高端铝箔项目",
        region_code="150581",
        total_investment="120000",
        listed_year=2026,
        owner_id=cast.home.pk,
        responsible_department_id=cast.handler.department_id,
        planned_started_on=datetime.date(2026, 3, 1),
        planned_producing_on=datetime.date(2027, 6, 30),
        annual_plan="40000",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.project_create(actor=cast.coordinator, data=data)


def test_create_keeps_owner_plan_and_audit(cast: Cast) -> None:
    project = _new(cast)
    assert project.owner_name == "联晟新材料有限公司"
    assert project.total_investment == Decimal("120000.00")
    assert ProjectYear.objects.get(project=project, year=2026).planned_investment == Decimal("40000.00")
    assert AuditEntry.objects.filter(object_id=str(project.pk), action=AuditEntry.Action.CREATE).exists()


def test_create_names_every_bad_field_and_writes_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        _new(
            cast,
            name="",
            region_code="140200",
            total_investment="-5",
            level="省级以上",
            planned_producing_on=datetime.date(2026, 1, 1),
        )
    assert _fields(failure) == {"name", "region", "total_investment", "level", "planned_producing_on"}
    assert not Project.objects.exists()


def test_amount_in_the_wrong_unit_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        _new(cast, total_investment="12亿元")
    assert "本栏单位为万元" in str(failure.value)
    assert services.parse_amount("3,000万元", "x") == Decimal("3000.00")
    assert services.parse_amount("1.5亿", "x", unit="亿元") == Decimal("15000.00")


def test_only_keepers_of_the_library_create(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=cast.handler, data=ProjectData(name="x", region_code="150581", total_investment=1)
        )


def test_stage_moves_forward_with_dates_and_backwards_only_with_a_reason(cast: Cast) -> None:
    project = _new(cast)
    project = services.project_change_stage(
        actor=cast.handler,
        project_id=project.pk,
        expected_version=project.version,
        to_stage="started",
        on=datetime.date(2026, 4, 2),
    )
    assert project.stage == Stage.STARTED and project.started_on == datetime.date(2026, 4, 2)
    with pytest.raises(ValidationFailed) as failure:
        services.project_change_stage(
            actor=cast.coordinator,
            project_id=project.pk,
            expected_version=project.version,
            to_stage="preparing",
            on=TODAY,
        )
    assert _fields(failure) == {"reason"}
    project = services.project_change_stage(
        actor=cast.coordinator,
        project_id=project.pk,
        expected_version=project.version,
        to_stage="preparing",
        on=TODAY,
        reason="开工登记有误，施工许可尚未取得",
    )
    assert project.stage == Stage.PREPARING and project.started_on is None
    assert list(StageChange.objects.filter(project=project).values_list("to_stage", flat=True)) == [
        "started",
        "preparing",
    ]


def test_stage_refuses_future_dates_stale_versions_and_outsiders(cast: Cast) -> None:
    project = _new(cast)
    with pytest.raises(ValidationFailed) as failure:
        services.project_change_stage(
            actor=cast.coordinator,
            project_id=project.pk,
            expected_version=project.version,
            to_stage="started",
            on=TODAY + datetime.timedelta(days=1),
        )
    assert _fields(failure) == {"on"}
    with pytest.raises(StaleWrite):
        services.project_change_stage(
            actor=cast.coordinator,
            project_id=project.pk,
            expected_version=project.version + 1,
            to_stage="started",
            on=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.project_change_stage(
            actor=cast.enterprise_user,
            project_id=project.pk,
            expected_version=project.version,
            to_stage="started",
            on=TODAY,
        )


def test_suspension_resumes_where_it_stopped(cast: Cast) -> None:
    project = _new(cast)
    project = services.project_change_stage(
        actor=cast.coordinator,
        project_id=project.pk,
        expected_version=1,
        to_stage="started",
        on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationFailed):
        services.project_change_stage(
            actor=cast.coordinator,
            project_id=project.pk,
            expected_version=project.version,
            to_stage="suspended",
            on=TODAY,
        )
    project = services.project_change_stage(
        actor=cast.coordinator,
        project_id=project.pk,
        expected_version=project.version,
        to_stage="suspended",
        on=datetime.date(2026, 6, 1),
        reason="环评批复调整",
    )
    assert project.stage_before_suspension == Stage.STARTED
    with pytest.raises(ValidationFailed) as failure:
        services.project_change_stage(
            actor=cast.coordinator,
            project_id=project.pk,
            expected_version=project.version,
            to_stage="completed",
            on=datetime.date(2026, 4, 1),
            reason="复工并竣工",
        )
    assert "不能早于" in str(failure.value)


def _report(cast: Cast, project: Project, **overrides: Any) -> services.ReportResult:
    data = ReportData(
        period_start=datetime.date(2026, 11, 9),
        progress="主体厂房钢结构吊装完成 60%",
        investment_this_period="1200",
        next_step="设备基础施工",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.report_submit(
        actor=overrides.pop("actor", cast.enterprise_user), project_id=project.pk, data=data
    )


def test_report_adds_investment_and_ticks_milestones(cast: Cast) -> None:
    project = _new(cast)
    [node] = services.milestones_save(
        actor=cast.coordinator,
        project_id=project.pk,
        expected_version=project.version,
        milestones=[
            MilestoneData(name="主体工程封顶", planned_on=datetime.date(2026, 11, 30), kind="main_works")
        ],
    )
    result = _report(cast, project, milestones_done=[(node.pk, datetime.date(2026, 11, 12))])
    project.refresh_from_db()
    assert project.investment_to_date == Decimal("1200.00")
    assert project.last_period_end == datetime.date(2026, 11, 15)
    assert result.report.period_start == datetime.date(2026, 11, 9)
    assert ProjectYear.objects.get(project=project, year=2026).completed_investment == Decimal("1200.00")
    node.refresh_from_db()
    assert node.done_on == datetime.date(2026, 11, 12) and node.report == result.report


def test_report_for_a_future_period_or_twice_is_refused(cast: Cast) -> None:
    project = _new(cast)
    with pytest.raises(ValidationFailed) as failure:
        _report(cast, project, period_start=datetime.date(2026, 11, 23))
    assert "尚未开始" in str(failure.value)
    _report(cast, project)
    with pytest.raises(ValidationFailed) as failure:
        _report(cast, project, period_start=datetime.date(2026, 11, 12))  # same week
    assert "已填报" in str(failure.value)
    assert ProgressReport.objects.count() == 1


def test_over_the_total_needs_confirmation(cast: Cast) -> None:
    project = _new(cast, total_investment="1000", annual_plan="")
    with pytest.raises(ValidationFailed) as failure:
        _report(cast, project, investment_this_period="1500")
    assert _fields(failure) == {"investment_this_period"}
    assert not ProgressReport.objects.exists()
    _report(cast, project, investment_this_period="1500", confirm_over_total=True)
    project.refresh_from_db()
    assert project.investment_to_date == Decimal("1500.00")


def test_late_report_for_an_earlier_week_moves_later_to_date_figures(cast: Cast) -> None:
    project = _new(cast)
    _report(cast, project, period_start=datetime.date(2026, 11, 9), investment_this_period="100")
    _report(cast, project, period_start=datetime.date(2026, 10, 26), investment_this_period="50")
    figures = dict(ProgressReport.objects.values_list("period_start", "investment_to_date"))
    assert figures == {
        datetime.date(2026, 10, 26): Decimal("50.00"),
        datetime.date(2026, 11, 9): Decimal("150.00"),
    }
    project.refresh_from_db()
    assert project.last_period_end == datetime.date(2026, 11, 15)


def test_a_reported_problem_becomes_a_linked_case(cast: Cast) -> None:
    project = _new(cast)
    finance = CaseCategory.objects.get(name="融资", parent=None)
    result = _report(
        cast,
        project,
        problems=[
            ProblemData(
                title="流动资金贷款尚未到位", description="需协调银行续贷 5000 万元", category_id=finance.pk
            )
        ],
    )
    [case] = result.cases
    case = Case.objects.get(pk=case.pk)
    assert case.project_id == project.pk and case.kind == Kind.DEMAND and case.enterprise_id == cast.home.pk
    assert case.source == Source.PROJECT
    assert result.report.problems == "流动资金贷款尚未到位"


def test_problem_of_a_project_without_a_registered_owner_is_an_instruction(cast: Cast) -> None:
    project = _new(cast, owner_id=None, owner_name="霍林郭勒市城市投资有限公司")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    result = _report(
        cast,
        project,
        actor=cast.handler,
        problems=[ProblemData(title="配套道路征地未完成", category_id=finance.pk)],
    )
    assert result.cases[0].kind == Kind.INSTRUCTION and result.cases[0].region_id == "150581"


def test_a_bad_problem_writes_no_report(cast: Cast) -> None:
    project = _new(cast)
    with pytest.raises(ValidationFailed) as failure:
        _report(cast, project, problems=[ProblemData(title="", category_id=None)])
    assert _fields(failure) == {"problems.1.title", "problems.1.category"}
    assert not ProgressReport.objects.exists() and not Case.objects.exists()


def test_only_those_responsible_report(cast: Cast) -> None:
    project = _new(cast)
    with pytest.raises(PermissionDenied):
        _report(cast, project, actor=cast.leader)


def test_done_milestones_are_not_removed(cast: Cast) -> None:
    project = _new(cast)
    [node] = services.milestones_save(
        actor=cast.coordinator,
        project_id=project.pk,
        expected_version=project.version,
        milestones=[MilestoneData(name="土地摘牌", planned_on=datetime.date(2026, 2, 1), kind="land")],
    )
    _report(cast, project, milestones_done=[(node.pk, datetime.date(2026, 11, 10))])
    with pytest.raises(ValidationFailed) as failure:
        services.milestones_save(
            actor=cast.coordinator, project_id=project.pk, expected_version=project.version + 1, milestones=[]
        )
    assert "不能删除" in str(failure.value)
    assert Milestone.objects.filter(project=project).count() == 1
