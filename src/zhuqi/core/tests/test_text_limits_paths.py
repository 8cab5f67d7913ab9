"""The same limits on the other paths in: the services (the last line of defence, whatever
calls them), the web forms and an import. A value one character over is refused with its field
(or row and column) named, and nothing is written; nothing is ever cut to fit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.core import services as core_services
from zhuqi.core.errors import ValidationFailed
from zhuqi.core.services import CalendarEntry
from zhuqi.core.textlimits import TEXT_LENGTH
from zhuqi.core.validators import make_uscc
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Region, User
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.importing import import_enterprises
from zhuqi.enterprises.models import Enterprise
from zhuqi.investment import services as investment_services
from zhuqi.investment.services import AgreementData
from zhuqi.notifications import services as notification_services
from zhuqi.projects import services as project_services
from zhuqi.projects.models import ProgressReport, Project, Stage
from zhuqi.projects.services import ProblemData, ProjectData, ReportData
from zhuqi.testing.factories import Cast, make_project
from zhuqi.visits import services as visit_services
from zhuqi.visits.models import Visit
from zhuqi.visits.services import Attendance, SaidThere, VisitData

pytestmark = pytest.mark.django_db

LONG = TEXT_LENGTH + 1


def _over(count: int) -> str:
    return "长" * count


def _finance() -> CaseCategory:
    return CaseCategory.objects.get(name="融资", parent=None)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"core", "directory", "enterprises", "cases", "visits", "projects", "investment", "notifications"}
    }


def _demand(cast: Cast, **changes: Any) -> case_services.NewCase:
    values: dict[str, Any] = {
        "kind": Kind.DEMAND,
        "title": "招工难",
        "description": "缺少焊工",
        "category_id": _finance().pk,
    }
    values.update(changes)
    return case_services.NewCase(**values)


def _visit(cast: Cast, **changes: Any) -> VisitData:
    values: dict[str, Any] = {
        "kind": "liaison",
        "title": "走访联晟新材料",
        "start_date": datetime.date(2026, 1, 5),
        "attendance": [Attendance(enterprise_id=cast.home.pk)],
    }
    values.update(changes)
    return VisitData(**values)


def _report(**changes: Any) -> ReportData:
    values: dict[str, Any] = {
        "period_start": timezone.localdate(),
        "progress": "设备到货",
        "investment_this_period": "100",
    }
    values.update(changes)
    return ReportData(**values)


def _agreement(cast: Cast, **changes: Any) -> AgreementData:
    values: dict[str, Any] = {
        "title": "战略合作协议",
        "kind": "strategic",
        "counterparty_name": "某银行",
        "our_party_name": "霍林郭勒市人民政府",
        "region_code": "150581",
        "signed_on": datetime.date(2026, 2, 15),
    }
    values.update(changes)
    return AgreementData(**values)


def _project_data(**changes: Any) -> ProjectData:
    values: dict[str, Any] = {"name": "铝箔项目", "region_code": "150581", "total_investment": "1000"}
    values.update(changes)
    return ProjectData(**values)


# (what, the call refused, the field it names). Each call is one character (or one 10,001-
# character text) over; the fields the services used to cut silently are among them.
ServiceCall = Callable[[Cast], Any]
SERVICE_CASES: list[tuple[str, ServiceCall, str]] = [
    (
        "case title",
        lambda c: case_services.case_create(actor=c.enterprise_user, data=_demand(c, title=_over(201))),
        "title",
    ),
    (
        "case description",
        lambda c: case_services.case_create(
            actor=c.enterprise_user, data=_demand(c, description=_over(LONG))
        ),
        "description",
    ),
    (
        "case source note (was cut at 200)",
        lambda c: case_services.case_create(
            actor=c.coordinator,
            data=_demand(c, enterprise_id=c.home.pk, source="hotline", source_note=_over(201)),
        ),
        "source_note",
    ),
    (
        "hazard's rule breached (was cut at 300)",
        lambda c: case_services.case_create(
            actor=c.coordinator,
            data=_demand(
                c,
                kind=Kind.HAZARD,
                enterprise_id=c.home.pk,
                source="inspection",
                rule_breached=_over(301),
                evidence="漏油",
            ),
        ),
        "rule_breached",
    ),
    (
        "hazard's evidence",
        lambda c: case_services.case_create(
            actor=c.coordinator,
            data=_demand(
                c,
                kind=Kind.HAZARD,
                enterprise_id=c.home.pk,
                source="inspection",
                rule_breached="第十条",
                evidence=_over(LONG),
            ),
        ),
        "evidence",
    ),
    (
        "a case's corrected description",
        lambda c: case_services.case_edit(
            actor=c.coordinator,
            case_id=(case := case_services.case_create(actor=c.enterprise_user, data=_demand(c))).pk,
            expected_version=case.version,
            correction=case_services.CaseCorrection(description=_over(LONG), reason="补充"),
        ),
        "description",
    ),
    (
        "visit title (was cut at 200)",
        lambda c: visit_services.visit_create(actor=c.coordinator, data=_visit(c, title=_over(201))),
        "title",
    ),
    (
        "visit summary",
        lambda c: visit_services.visit_create(actor=c.coordinator, data=_visit(c, summary=_over(LONG))),
        "summary",
    ),
    (
        "visit source note (was cut at 300)",
        lambda c: visit_services.visit_create(actor=c.coordinator, data=_visit(c, source_note=_over(301))),
        "source_note",
    ),
    (
        "an enterprise's opinions at a visit",
        lambda c: visit_services.visit_create(
            actor=c.coordinator,
            data=_visit(c, attendance=[Attendance(enterprise_id=c.home.pk, policies_unknown=_over(LONG))]),
        ),
        "enterprises.1.policies_unknown",
    ),
    (
        "a difficulty heard at a visit",
        lambda c: visit_services.visit_create(
            actor=c.coordinator,
            data=_visit(c),
            said=[
                SaidThere(
                    kind="demand",
                    title="物流贵",
                    description=_over(LONG),
                    category_id=_finance().pk,
                    enterprise_id=c.home.pk,
                )
            ],
        ),
        "cases.1.description",
    ),
    (
        "project owner name (was cut at 200)",
        lambda c: project_services.project_create(
            actor=c.coordinator, data=_project_data(owner_name=_over(201))
        ),
        "owner_name",
    ),
    (
        "project chain (was cut at 50)",
        lambda c: project_services.project_create(actor=c.coordinator, data=_project_data(chain=_over(51))),
        "chain",
    ),
    (
        "project content",
        lambda c: project_services.project_create(
            actor=c.coordinator, data=_project_data(content=_over(LONG))
        ),
        "content",
    ),
    (
        "report progress",
        lambda c: project_services.report_submit(
            actor=c.coordinator, project_id=make_project().pk, data=_report(progress=_over(LONG))
        ),
        "progress",
    ),
    (
        "report problems text",
        lambda c: project_services.report_submit(
            actor=c.coordinator, project_id=make_project().pk, data=_report(problems_text=_over(LONG))
        ),
        "problems_text",
    ),
    (
        "a report's problem title (was cut at 200)",
        lambda c: project_services.report_submit(
            actor=c.coordinator,
            project_id=make_project().pk,
            data=_report(problems=[ProblemData(title=_over(201), category_id=_finance().pk)]),
        ),
        "problems.1.title",
    ),
    (
        "stage change reason (was cut at 500)",
        lambda c: project_services.project_change_stage(
            actor=c.coordinator,
            project_id=(project := make_project(stage=Stage.STARTED)).pk,
            expected_version=project.version,
            to_stage=Stage.SUSPENDED,
            on=timezone.localdate(),
            reason=_over(501),
        ),
        "reason",
    ),
    (
        "milestone name (was cut at 100)",
        lambda c: project_services.milestones_save(
            actor=c.coordinator,
            project_id=(project := make_project()).pk,
            expected_version=project.version,
            milestones=[project_services.MilestoneData(name=_over(101), planned_on=timezone.localdate())],
        ),
        "第1个节点.name",
    ),
    (
        "agreement counterparty (was cut at 200)",
        lambda c: investment_services.agreement_create(
            actor=c.coordinator, data=_agreement(c, counterparty_name=_over(201))
        ),
        "counterparty_name",
    ),
    (
        "agreement fields (was cut at 300)",
        lambda c: investment_services.agreement_create(
            actor=c.coordinator, data=_agreement(c, fields=_over(301))
        ),
        "fields",
    ),
    (
        "agreement note",
        lambda c: investment_services.agreement_create(
            actor=c.coordinator, data=_agreement(c, note=_over(LONG))
        ),
        "note",
    ),
    (
        "funds note (was cut at 300)",
        lambda c: investment_services.funds_record(
            actor=c.coordinator,
            agreement_id=(
                agreement := investment_services.agreement_create(actor=c.coordinator, data=_agreement(c))
            ).pk,
            expected_version=agreement.version,
            on=timezone.localdate(),
            amount="10",
            note=_over(301),
        ),
        "note",
    ),
    (
        "enterprise address",
        lambda c: enterprise_services.enterprise_create(
            actor=c.coordinator,
            data={
                "uscc": make_uscc("150581", 7001),
                "name": "某企业",
                "region": "150581",
                "address": _over(201),
            },
        ),
        "address",
    ),
    (
        "enterprise contact's name",
        lambda c: enterprise_services.enterprise_update(
            actor=c.coordinator,
            enterprise_id=c.home.pk,
            data={"contacts": [{"name": _over(51), "phone": "13800138000"}]},
            expected_version=c.home.version,
        ),
        "contacts.0.name",
    ),
    (
        "assignment note",
        lambda c: enterprise_services.assignment_create(
            actor=c.coordinator,
            enterprise_id=c.neighbour.pk,
            official_id=c.liaison.official_id,
            note=_over(201),
        ),
        "note",
    ),
    (
        "department name",
        lambda c: directory_services.department_create(
            actor=c.coordinator, region=Region.objects.get(pk="150581"), name=_over(101)
        ),
        "name",
    ),
    (
        "official name",
        lambda c: directory_services.official_create(
            actor=c.coordinator, region=Region.objects.get(pk="150581"), name=_over(51)
        ),
        "name",
    ),
    (
        "post title",
        lambda c: directory_services.post_create(
            actor=c.coordinator, official=c.liaison.official, department=c.handler.department, title=_over(51)
        ),
        "title",
    ),
    (
        "group robot name (was cut at 100)",
        lambda c: notification_services.webhook_save(
            actor=c.admin,
            name=_over(101),
            flavour="wecom",
            url="https://example.invalid/hook",
            site_url="https://zhuqi.example.gov.cn/",
            region_code="150581",
        ),
        "name",
    ),
    (
        "calendar day name (was cut at 50)",
        lambda c: core_services.calendar_year_enter(
            actor=c.admin, year=2030, entries=[CalendarEntry(datetime.date(2030, 10, 1), False, _over(51))]
        ),
        "days.0.name",
    ),
    (
        "case category name",
        lambda c: case_services.category_save(actor=c.admin, name=_over(51)),
        "name",
    ),
    (
        "reply template text",
        lambda c: case_services.reply_template_save(actor=c.admin, title="模板", text=_over(LONG)),
        "text",
    ),
]


@pytest.mark.parametrize(
    ("call", "field"), [pytest.param(call, field, id=what) for what, call, field in SERVICE_CASES]
)
def test_the_services_refuse_an_over_long_value_naming_the_field(
    cast: Cast, call: ServiceCall, field: str
) -> None:
    # The setup some calls make (a project, an agreement) is counted out by counting inside.
    def attempt() -> None:
        with pytest.raises(ValidationFailed) as failure:
            call(cast)
        assert [e.field for e in failure.value.errors] == [field]
        assert "不能超过" in failure.value.errors[0].message

    before = _counts()
    try:
        attempt()
    finally:
        written = {label: n - before[label] for label, n in _counts().items() if n != before[label]}
    # Only the fixtures a call builds for itself (a project, an agreement to record funds on).
    assert set(written) <= {
        # What a call builds for itself before the refused write: a project, an agreement, a case
        # (with its first step, notice and audit entry).
        "projects.Project",
        "investment.Agreement",
        "cases.Case",
        "cases.CaseStep",
        # The case's counts for the figures (cases.tallies), appended with it: the day's and,
        # the case being open, its state's.
        "cases.CaseDayTallyChange",
        "cases.CaseOpenTallyChange",
        "notifications.Notice",
        "core.AuditEntry",
    }


def _step(cast: Cast, actor: User, service: str, **kwargs: Any) -> Any:
    case = case_services.case_create(actor=cast.enterprise_user, data=_demand(cast))
    return getattr(case_services, service)(
        actor=actor, case_id=case.pk, expected_version=case.version, **kwargs
    )


def test_every_step_comment_is_bounded_and_a_kept_one_by_its_column(cast: Cast) -> None:
    """The comment of every step goes into the timeline (10,000); a rating's comment and an
    extension's reason are kept on the case too, in 500-character columns: refused above 500,
    never cut."""
    long_comment = case_services.StepInput(comment=_over(LONG))
    with pytest.raises(ValidationFailed) as failure:
        _step(cast, cast.coordinator, "case_accept", step=long_comment)
    assert [e.field for e in failure.value.errors] == ["comment"]
    with pytest.raises(ValidationFailed) as failure:
        _step(
            cast,
            cast.coordinator,
            "case_assign",
            lead_department_id=cast.handler.department_id,
            step=long_comment,
        )
    assert [e.field for e in failure.value.errors] == ["comment"]
    case = case_services.case_create(actor=cast.enterprise_user, data=_demand(cast))
    case = case_services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    with pytest.raises(ValidationFailed) as failure:
        case_services.case_request_extension(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            requested_deadline=timezone.localdate() + datetime.timedelta(days=60),
            step=case_services.StepInput(comment=_over(501)),
        )
    assert [(e.field, e.message) for e in failure.value.errors] == [
        ("comment", "不能超过 500 字（现为 501 字）")
    ]
    with pytest.raises(ValidationFailed) as failure:
        case_services.case_answer(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            answer=_over(LONG),
            outcome="resolved",
        )
    assert [e.field for e in failure.value.errors] == ["answer"]
    answered = case_services.case_answer(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        answer="已协调",
        outcome="resolved",
    )
    with pytest.raises(ValidationFailed) as failure:
        case_services.case_confirm(
            actor=cast.enterprise_user,
            case_id=case.pk,
            expected_version=answered.version,
            rating=2,
            step=case_services.StepInput(comment=_over(501)),
        )
    assert [e.field for e in failure.value.errors] == ["comment"]
    case.refresh_from_db()
    assert case.rating_comment == "" and case.extension_reason == "" and case.status == "answered"


def test_a_notice_made_from_a_long_title_is_shortened_visibly(cast: Cast) -> None:
    """A case's title may be 200 characters; the notice about it adds a prefix. The notice is
    generated, so it is cut with a visible ellipsis; the case keeps its whole title."""
    from zhuqi.notifications.models import Notice

    case = case_services.case_create(actor=cast.enterprise_user, data=_demand(cast, title="长" * 200))
    assert len(case.title) == 200
    notice = Notice.objects.filter(recipient=cast.coordinator).latest("id")
    assert len(notice.title) == 200 and notice.title.endswith("…")


def test_a_problem_case_from_a_report_names_its_period_and_fits(cast: Cast) -> None:
    """The source note was the project's name and period cut at 200: with a 200-character name
    the period was lost. Now it names the period; the case links to the project."""
    project = make_project(name="项" * 200, owner=cast.home)
    result = project_services.report_submit(
        actor=cast.coordinator,
        project_id=project.pk,
        data=_report(problems=[ProblemData(title="报关慢", category_id=_finance().pk)]),
    )
    case = result.cases[0]
    report = result.report
    assert case.source_note == f"报告期 {report.period_start}–{report.period_end}"
    assert case.project_id == project.pk


# --- The web forms ------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_form_refuses_an_over_long_description(cast: Cast) -> None:
    response = _client(cast.enterprise_user).post(
        "/cases/new",
        {
            "kind": "demand",
            "title": "招工难",
            "description": _over(LONG),
            "category": _finance().pk,
            "urgency": "normal",
            "complexity": "simple",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert 'maxlength="10000"' in response.content.decode()
    assert not Case.objects.exists()


def test_the_visit_form_refuses_an_over_long_summary_and_opinion(cast: Cast) -> None:
    client = _client(cast.coordinator)
    response = client.post(
        "/visits/new/",
        {
            "kind": "liaison",
            "title": "走访联晟新材料",
            "start_date": "2026-01-05",
            "enterprises": [str(cast.home.pk)],
            f"opinions_{cast.home.pk}": _over(LONG),
            "summary": _over(LONG),
            "no_problems": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="field-errors-summary"><li>不能超过 10,000 字（现为 10,001 字）' in body
    assert "第1家企业·意见建议：不能超过 10,000 字" in body
    assert not Visit.objects.exists()


def test_the_enterprise_form_refuses_an_over_long_address(cast: Cast) -> None:
    response = _client(cast.coordinator).post(
        f"/enterprises/{cast.home.pk}/edit",
        {
            "uscc": cast.home.uscc,
            "name": cast.home.name,
            "region": "150581",
            "address": _over(201),
            "version": cast.home.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["address"]
    cast.home.refresh_from_db()
    assert cast.home.address == ""


def test_the_project_report_form_refuses_over_long_progress(cast: Cast) -> None:
    project = make_project(owner=cast.home)
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    page = (
        _client(cast.enterprise_user)
        .post(
            f"/projects/{project.pk}/report",
            {"period_start": this_week.isoformat(), "progress": _over(LONG), "investment_this_period": "10"},
        )
        .content.decode()
    )
    assert "不能超过 10,000 字（现为 10,001 字）" in page
    assert not ProgressReport.objects.exists()


def test_the_project_form_refuses_an_over_long_owner_name(cast: Cast) -> None:
    response = _client(cast.coordinator).post(
        "/projects/new",
        {"name": "铝箔项目", "region": "150581", "total_investment": "1000", "owner_name": _over(201)},
    )
    assert response.status_code == 200 and response.context["form"].errors["owner_name"]
    assert not Project.objects.exists()


# --- An import ------------------------------------------------------------------------------------


def test_an_import_names_the_row_and_column_of_an_over_long_value(cast: Cast, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["统一社会信用代码", "企业名称", "所在地区", "地址", "联系人"])
    sheet.append([make_uscc("150581", 7002), "导入企业甲有限公司", "霍林郭勒市", "工业园区1号", "王芳"])
    sheet.append([make_uscc("150581", 7003), "导入企业乙有限公司", "霍林郭勒市", _over(201), _over(51)])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert not report.written
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "地址", "不能超过 200 字（现为 201 字）"),
        (3, "联系人", "不能超过 50 字（现为 51 字）"),
    ]
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()
