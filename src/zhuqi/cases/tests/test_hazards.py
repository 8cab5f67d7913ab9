"""Hazards (隐患): the enterprise is told what to rectify, by when and how to report it, the
moment the rectification is ordered, and reminded as the deadline nears and passes; the
re-inspection records why it failed and the new deadline; whoever reported the rectification
does not re-inspect it (unless ZHUQI_HAZARD_SELF_VERIFY). Through the services, the pages and
the API."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.cases import services, workflow
from zhuqi.cases.models import Case, CaseCategory, CaseStep, Kind, Status, Step
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.cases.sweep import sweep
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.errors import PermissionDenied
from zhuqi.core.roles import Role
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.notifications.models import Notice
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import make_user

RULE = "《建筑灭火器配置设计规范》GB 50140"
EVIDENCE = "2号配电室未配置灭火器，应急照明损坏。"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def found(cast, **extra) -> Case:
    """A hazard the handler found at an inspection of the cast's home enterprise."""
    return services.case_create(
        actor=extra.pop("actor", cast.handler),
        data=NewCase(
            kind=Kind.HAZARD,
            title="配电室无灭火器",
            category_id=CaseCategory.objects.get(name="安全生产", parent=None).pk,
            enterprise_id=cast.home.pk,
            source="inspection",
            rule_breached=RULE,
            evidence=EVIDENCE,
            **extra,
        ),
    )


def ordered(cast, days: int = 10, requirement: str = "配置4具ABC干粉灭火器") -> Case:
    case = found(cast)
    return services.case_assign(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
        deadline=in_days(days),
        step=StepInput(requirement),
    )


def reported(cast, case: Case, by=None) -> Case:
    return services.case_report_completion(
        actor=by or cast.enterprise_user, case_id=case.pk, expected_version=case.version, report="已配置"
    )


def notices_to(user, case: Case):
    return Notice.objects.filter(recipient=user, link=f"/cases/{case.pk}/").order_by("id")


# ---------------------------------------------------------------------------------------------
# The enterprise is told


def test_the_enterprise_hears_of_its_hazard_when_it_is_ordered_rectified_not_at_the_re_inspection(
    cast,
) -> None:
    case = found(cast)
    # Found, not yet ordered: nothing to rectify by a date yet.
    assert not notices_to(cast.enterprise_user, case).exists()

    case = services.case_assign(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
        deadline=in_days(10),
        step=StepInput("配置4具ABC干粉灭火器，修复应急照明"),
    )
    due = f"{in_days(10):%Y-%m-%d}"
    notice = notices_to(cast.enterprise_user, case).get()
    assert notice.title == f"安全隐患整改通知：请于 {due} 前整改到位（配电室无灭火器）"
    assert notice.body.splitlines()[:5] == [
        "隐患：配电室无灭火器",
        f"隐患情况：{EVIDENCE}",
        f"违反的规定：{RULE}",
        "整改要求：配置4具ABC干粉灭火器，修复应急照明",
        f"整改期限：{due} 前",
    ]
    assert f"负责复查的部门：{cast.handler.department.name}" in notice.body
    assert "报告整改完成" in notice.body and "T" not in notice.body.split("整改期限")[1][:20]
    # The case's facts under it speak of a hazard too: its 整改期限, a day, never a demand's 办理时限.
    assert "办理时限" not in notice.body and "23:59" not in notice.body
    # Its liaison officer is told too; the department has its own task.
    assert notices_to(cast.liaison, case).get().title == notice.title
    assert notices_to(cast.handler, case).filter(kind=Notice.Kind.TASK).exists()


def test_a_hazard_filed_with_its_rectification_order_tells_the_enterprise_at_filing(cast) -> None:
    case = found(
        cast,
        actor=cast.coordinator,
        lead_department_id=cast.handler.department_id,
        deadline=in_days(5),
    )
    assert case.status == Status.ASSIGNED
    notice = notices_to(cast.enterprise_user, case).get()
    assert f"请于 {in_days(5):%Y-%m-%d} 前整改到位" in notice.title
    # No requirement written: the rule breached says what is required.
    assert "整改要求：对照上述规定整改到位，消除隐患" in notice.body


def test_a_demand_assigned_tells_the_enterprise_nothing_new(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    assert not Notice.objects.filter(recipient=cast.enterprise_user, title__contains="整改").exists()


def test_the_sweep_reminds_the_enterprise_once_as_the_deadline_nears_and_once_when_it_passes(cast) -> None:
    case = ordered(cast, days=10)
    before = notices_to(cast.enterprise_user, case).count()

    sweep(now=case.amber_at + datetime.timedelta(minutes=1))
    sweep(now=case.amber_at + datetime.timedelta(minutes=2))
    near = notices_to(cast.enterprise_user, case)[before:]
    assert [(n.kind, n.title) for n in near] == [
        (Notice.Kind.REMINDER, f"隐患整改期限临近，请于 {in_days(10):%Y-%m-%d} 前整改到位：配电室无灭火器")
    ]
    assert "报告整改完成" in near[0].body
    assert notices_to(cast.liaison, case).filter(kind=Notice.Kind.REMINDER).count() == 1

    late = WorkingCalendar().next_workday(in_days(10))
    for hour in (9, 10):
        report = sweep(now=datetime.datetime.combine(late, datetime.time(hour), tzinfo=SHANGHAI))
        assert report.hazard_reminders == (2 if hour == 9 else 0)  # the enterprise and its liaison
    reminders = notices_to(cast.enterprise_user, case).filter(kind=Notice.Kind.REMINDER)
    assert [n.title for n in reminders] == [
        near[0].title,
        f"隐患整改已逾期（整改期限 {in_days(10):%Y-%m-%d}），请尽快整改到位并报告：配电室无灭火器",
    ]
    # The department and the coordinator hear of it as of any late case, as before.
    assert Notice.objects.filter(recipient=cast.handler, title=f"【催办】{case.title}").exists()


def test_a_new_deadline_after_a_failed_re_inspection_is_reminded_afresh(cast) -> None:
    case = ordered(cast, days=3)
    sweep(now=case.amber_at + datetime.timedelta(minutes=1))
    case = reported(cast, Case.objects.get(pk=case.pk))
    case = services.case_verify(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        passed=False,
        deadline=in_days(20),
        step=StepInput("数量不足"),
    )
    sweep(now=case.amber_at + datetime.timedelta(minutes=1))
    near = notices_to(cast.enterprise_user, case).filter(title__startswith="隐患整改期限临近")
    assert [n.title.split("，")[1] for n in near] == [
        f"请于 {in_days(3):%Y-%m-%d} 前整改到位：配电室无灭火器",
        f"请于 {in_days(20):%Y-%m-%d} 前整改到位：配电室无灭火器",
    ]


def test_a_hazard_waiting_for_its_re_inspection_is_not_reminded(cast) -> None:
    case = reported(cast, ordered(cast, days=10))
    assert case.amber_at is None
    sweep(now=timezone.now() + datetime.timedelta(days=30))
    assert not notices_to(cast.enterprise_user, case).filter(kind=Notice.Kind.REMINDER).exists()


# ---------------------------------------------------------------------------------------------
# The timeline says what happened


def test_a_failed_re_inspection_records_its_reason_and_the_new_deadline(cast) -> None:
    case = reported(cast, ordered(cast))
    case = services.case_verify(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        passed=False,
        deadline=in_days(20),
        step=StepInput("灭火器压力不足，需更换"),
    )
    step = case.steps.get(step=Step.VERIFY)
    assert step.comment == "灭火器压力不足，需更换"
    assert step.data == {"passed": False, "reason": "灭火器压力不足，需更换", "deadline": str(in_days(20))}
    assert step.step_label == "复查"
    assert step.details == [
        ("复查结论", "不通过"),
        ("未通过原因", "灭火器压力不足，需更换"),
        ("新的整改期限", f"{in_days(20):%Y-%m-%d}"),
    ]
    # The enterprise is told why and by when.
    notice = notices_to(cast.enterprise_user, case).last()
    assert notice.title == f"隐患整改复查未通过，请于 {in_days(20):%Y-%m-%d} 前整改到位：配电室无灭火器"
    assert "未通过原因：灭火器压力不足，需更换" in notice.body


def test_the_assignment_shows_its_departments_and_deadline_in_words(cast) -> None:
    case = ordered(cast)
    step = case.steps.get(step=Step.ASSIGN)
    assert step.step_label == "交办整改"
    assert step.details == [
        ("整改要求", "配置4具ABC干粉灭火器"),
        ("牵头部门", cast.handler.department.name),
        ("整改期限", f"{in_days(10):%Y-%m-%d}"),
    ]
    assert step.shown_comment == ""


def test_an_instruction_sent_back_records_the_deadline_it_now_runs_to(cast, finance) -> None:
    case = services.case_create(
        actor=cast.coordinator,
        data=NewCase(
            kind=Kind.INSTRUCTION,
            title="协调解决用电问题",
            description="限期解决",
            category_id=finance.pk,
            region_code="150581",
            source="meeting",
            lead_department_id=cast.handler.department_id,
        ),
    )
    case = services.case_report_completion(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, report="已协调"
    )
    case = services.case_verify(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        passed=False,
        step=StepInput("请附会议纪要"),
    )
    step = case.steps.get(step=Step.VERIFY)
    assert step.data["deadline"] == str(timezone.localtime(case.deadline).date())
    assert [label for label, _ in step.details] == ["验收结论", "未通过原因", "新的办理时限"]
    assert case.answer_label == "上次报告的完成情况"


# ---------------------------------------------------------------------------------------------
# Nobody re-inspects their own rectification


def test_who_reported_the_rectification_may_not_re_inspect_it(cast) -> None:
    case = reported(cast, ordered(cast), by=cast.handler)
    assert case.completion_reported_by == cast.handler
    assert "verify" not in services.steps_for(cast.handler, case)
    reason = "整改完成情况是您报告的，复查须由另一人进行（同一人不能既报告整改又复查销号）"
    assert workflow.held_back(cast.handler, case) == [reason]
    with pytest.raises(PermissionDenied) as refused:
        services.case_verify(actor=cast.handler, case_id=case.pk, expected_version=case.version, passed=True)
    assert refused.value.message == reason
    # Another handler of the department, or the coordinator, re-inspects it.
    colleague = make_user("colleague", Role.HANDLER, department=cast.handler.department)
    assert "verify" in services.steps_for(colleague, case)
    assert workflow.held_back(colleague, case) == []
    assert "verify" in services.steps_for(cast.coordinator, case)
    case = services.case_verify(actor=colleague, case_id=case.pk, expected_version=case.version, passed=True)
    assert case.status_label == "已销号" and case.closure_label == "复查通过，予以销号"


def test_the_enterprise_reporting_leaves_the_re_inspection_to_the_handler(cast) -> None:
    case = reported(cast, ordered(cast))
    assert "verify" in services.steps_for(cast.handler, case)
    case = services.case_verify(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, passed=True
    )
    assert case.status == Status.CLOSED


def test_a_township_with_one_inspector_may_let_them_re_inspect_their_own_report(cast, settings) -> None:
    settings.ZHUQI_HAZARD_SELF_VERIFY = True
    case = reported(cast, ordered(cast), by=cast.handler)
    assert "verify" in services.steps_for(cast.handler, case)
    case = services.case_verify(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, passed=True
    )
    assert case.status == Status.CLOSED


def test_the_rule_is_the_tables(cast) -> None:
    # The page, the API and the refusal read one table: the exclusion sits on the step.
    assert [e.kinds for e in workflow.STEPS[Step.VERIFY].excluded] == [frozenset({Kind.HAZARD})]
    assert all(not t.excluded for step, t in workflow.STEPS.items() if step != Step.VERIFY)


# ---------------------------------------------------------------------------------------------
# Pages


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_enterprise_sees_its_hazards_on_its_workbench_and_what_to_do_on_the_page(cast) -> None:
    case = ordered(cast)
    other = found(cast)  # found, not yet ordered
    client = client_for(cast.enterprise_user)
    page = client.get("/").content.decode()
    assert "待整改隐患" in page
    panel = page.split('data-testid="hazards"')[1].split("</div>")[0]
    assert f"#{case.pk} 配电室无灭火器" in panel and f"整改期限 {in_days(10):%Y-%m-%d}" in panel
    assert "整改中" in panel and f"#{other.pk}" in panel and "待定" in panel

    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "请于 " + f"{in_days(10):%Y-%m-%d}" + " 前整改到位" in page
    assert "整改期限" in page and "办理时限" not in page
    assert 'data-testid="step-report-completion"' in page and "报告整改完成" in page
    assert "T23:59" not in page and "+08:00" not in page

    client.post(f"/cases/{case.pk}/report-completion", {"version": case.version, "report": "已配置4具"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<h2>整改报告</h2>" in page and "<h2>答复</h2>" not in page


def test_the_liaison_sees_the_hazards_of_its_enterprises_on_the_workbench(cast) -> None:
    ordered(cast)
    page = client_for(cast.liaison).get("/").content.decode()
    assert "待整改隐患" in page and cast.home.name in page


def test_other_roles_have_no_hazard_panel(cast) -> None:
    ordered(cast)
    assert "待整改隐患" not in client_for(cast.handler).get("/").content.decode()


def test_the_page_does_not_offer_the_re_inspection_to_who_reported_it(cast) -> None:
    case = reported(cast, ordered(cast), by=cast.handler)
    client = client_for(cast.handler)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-verify"' not in page
    assert "复查须由另一人进行" in page
    response = client.post(f"/cases/{case.pk}/verify", {"version": case.version, "passed": "yes"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.COMPLETION_REPORTED


def test_a_failed_re_inspection_is_shown_on_the_timeline(cast) -> None:
    case = reported(cast, ordered(cast))
    client = client_for(cast.handler)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "复查结论" in page and "不通过时的新整改期限" in page
    client.post(
        f"/cases/{case.pk}/verify",
        {"version": case.version, "passed": "no", "deadline": str(in_days(20)), "comment": "压力不足"},
    )
    page = client_for(cast.enterprise_user).get(f"/cases/{case.pk}/").content.decode()
    for text in ("复查结论：不通过", "未通过原因：压力不足", f"新的整改期限：{in_days(20):%Y-%m-%d}"):
        assert text in page
    assert "上次报告的整改情况" in page


# ---------------------------------------------------------------------------------------------
# API


def test_the_api_timeline_says_it_in_words_and_refuses_the_reporters_re_inspection(cast) -> None:
    case = reported(cast, ordered(cast), by=cast.handler)
    handler = token_client("handler")
    refused = send(
        handler, "post", f"/api/v1/cases/{case.pk}/verify", {"version": case.version, "passed": True}
    )
    assert refused.status_code == 403
    assert "复查须由另一人进行" in refused.json()["detail"]

    coordinator = token_client("coordinator")
    failed = send(
        coordinator,
        "post",
        f"/api/v1/cases/{case.pk}/verify",
        {"version": case.version, "passed": False, "deadline": str(in_days(20)), "comment": "压力不足"},
    )
    assert failed.status_code == 200, failed.content
    timeline = token_client("enterprise").get(f"/api/v1/cases/{case.pk}/timeline").json()
    by_step = {entry["step"]: entry for entry in timeline}
    assert by_step["assign"]["step_label"] == "交办整改"
    assert {"label": "整改期限", "text": f"{in_days(10):%Y-%m-%d}"} in by_step["assign"]["details"]
    assert by_step["verify"]["details"] == [
        {"label": "复查结论", "text": "不通过"},
        {"label": "未通过原因", "text": "压力不足"},
        {"label": "新的整改期限", "text": f"{in_days(20):%Y-%m-%d}"},
    ]
    assert by_step["verify"]["data"]["deadline"] == str(in_days(20))


def test_steps_written_before_the_reason_was_recorded_still_read(cast) -> None:
    case = reported(cast, ordered(cast))
    step = CaseStep.objects.create(
        case=case,
        step=Step.VERIFY,
        from_status=Status.COMPLETION_REPORTED,
        to_status=Status.IN_PROGRESS,
        actor_name="旧记录",
        at=timezone.now(),
        comment="数量不足",
        data={"passed": False},
    )
    assert step.details == [("复查结论", "不通过")] and step.shown_comment == "数量不足"


def test_the_order_to_rectify_is_said_to_the_enterprise_not_to_the_department(cast) -> None:
    case = ordered(cast)
    hint = "前整改到位，并在下方“报告整改完成”中"
    assert hint in client_for(cast.enterprise_user).get(f"/cases/{case.pk}/").content.decode()
    assert hint in client_for(cast.liaison).get(f"/cases/{case.pk}/").content.decode()
    assert hint not in client_for(cast.handler).get(f"/cases/{case.pk}/").content.decode()
