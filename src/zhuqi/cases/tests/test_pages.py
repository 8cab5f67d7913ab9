"""The case pages, through the test client as each role uses them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, DeadlinePolicy, Kind, RoutingRule, Status, Timeliness
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.cases.sweep import sweep
from zhuqi.core.models import AuditEntry, CalendarYear
from zhuqi.notifications.models import Notice


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file_demand(cast, finance, title: str = "流动资金贷款到期续贷困难") -> Case:
    return services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND, title=title, description="先还后贷，资金周转困难。", category_id=finance.pk
        ),
    )


def post_step(client: Client, case: Case, step: str, **data) -> object:
    case.refresh_from_db()
    return client.post(f"/cases/{case.pk}/{step}", {"version": case.version, **data})


def test_an_enterprise_files_a_demand_from_the_portal_and_follows_it(cast, finance, routed) -> None:
    client = client_for(cast.enterprise_user)
    page = client.get("/cases/new")
    assert page.status_code == 200 and cast.home.name in page.content.decode()

    response = client.post(
        "/cases/new",
        {
            "kind": "demand",
            "title": "增值税留抵退税未到账",
            "description": "9月申请的留抵退税至今未到账。",
            "category": finance.pk,
            "urgency": "normal",
            "complexity": "simple",
            "attachments": [
                SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 test", content_type="application/pdf")
            ],
        },
    )
    case = Case.objects.get(title="增值税留抵退税未到账")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.enterprise, case.source, case.status) == (cast.home, "portal", Status.SUBMITTED)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "申请表.pdf" in detail and "待受理" in detail
    # The enterprise's own list shows it; there is nothing to act on yet.
    listing = client.get("/cases/?tab=all").content.decode()
    assert f"#{case.pk}" in listing
    assert 'data-testid="steps"' not in detail


def test_the_demand_form_names_the_field_that_is_wrong_and_writes_nothing(cast, finance) -> None:
    client = client_for(cast.enterprise_user)
    response = client.post(
        "/cases/new",
        {
            "kind": "demand",
            "title": "用工难",
            "description": "",
            "category": finance.pk,
            "urgency": "normal",
            "complexity": "simple",
            "attachments": [SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream")],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请写明企业遇到的困难或诉求" in body and ".exe" in body
    assert not Case.objects.exists()


def test_the_whole_workflow_through_the_case_page(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    coordinator = client_for(cast.coordinator)
    page = coordinator.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-accept"' in page and 'data-testid="step-answer"' not in page
    assert post_step(coordinator, case, "accept").status_code == 302
    page = coordinator.get(f"/cases/{case.pk}/").content.decode()
    assert "派单目录建议" in page and cast.handler.department.name in page
    post_step(coordinator, case, "assign")  # no department chosen: the catalogue's
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.lead_department == cast.handler.department

    handler = client_for(cast.handler)
    assert f"#{case.pk}" in handler.get("/cases/").content.decode()  # in the handler's 待办
    post_step(handler, case, "start")
    response = post_step(
        handler,
        case,
        "answer",
        answer="已协调农商行办理无还本续贷。",
        outcome="resolved",
        attachments=[SimpleUploadedFile("复函.docx", b"PK\x03\x04", content_type="application/msword")],
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED

    enterprise = client_for(cast.enterprise_user)
    page = enterprise.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-confirm"' in page and "已协调农商行办理无还本续贷" in page
    post_step(enterprise, case, "confirm", rating="5", comment="很及时")
    case.refresh_from_db()
    assert (case.status, case.rating) == (Status.CLOSED, 5)
    timeline = enterprise.get(f"/cases/{case.pk}/").content.decode()
    for label in ("提交", "受理", "交办", "签收", "答复", "企业评价"):
        assert label in timeline
    # The answer's attachment downloads for the enterprise, byte for byte.
    attachment = case.attachments.get(name="复函.docx")
    download = enterprise.get(f"/cases/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"PK\x03\x04"


def test_a_step_on_a_stale_page_is_refused_with_the_current_state(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    stale_version = case.version
    services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    client = client_for(cast.coordinator)
    response = client.post(f"/cases/{case.pk}/accept", {"version": stale_version}, follow=True)
    assert "刚被他人处理过" in response.content.decode()
    assert case.steps.filter(step="accept").count() == 1


def test_a_step_the_user_may_not_take_is_refused_and_not_offered(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    enterprise = client_for(cast.enterprise_user)
    response = post_step(enterprise, case, "accept")
    case.refresh_from_db()
    assert response.status_code == 403 and case.status == Status.SUBMITTED
    assert "只有营商办（专班）可以受理诉求" in response.content.decode()
    # Another region's coordinator does not even see it.
    assert client_for(cast.outsider).get(f"/cases/{case.pk}/").status_code == 404


def test_a_bad_step_value_is_named_and_nothing_changes(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    client = client_for(cast.coordinator)
    response = post_step(client, case, "assign", deadline="2020-01-01")
    assert response.status_code == 400 and "应晚于今天" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_the_coordinator_assigns_several_cases_at_once_by_the_catalogue(cast, finance, routed) -> None:
    first, second = file_demand(cast, finance, "续贷难"), file_demand(cast, finance, "担保难")
    client = client_for(cast.coordinator)
    queue = client.get("/cases/").content.decode()
    assert f'value="{first.pk}:{first.version}"' in queue and f'value="{second.pk}:{second.version}"' in queue
    response = client.post(
        "/cases/bulk-assign", {"case": [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}"]}
    )
    assert response.status_code == 302
    assert set(Case.objects.values_list("status", flat=True)) == {Status.ASSIGNED}


def test_bulk_assignment_is_all_or_nothing_and_names_the_case(cast, finance, routed) -> None:
    routed.delete()  # no rule: neither can be routed
    first = file_demand(cast, finance, "续贷难")
    client = client_for(cast.coordinator)
    response = client.post("/cases/bulk-assign", {"case": [f"{first.pk}:{first.version}"]}, follow=True)
    assert f"#{first.pk}" in response.content.decode() and "派单目录中没有" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_the_handler_inbox_is_ordered_by_deadline_and_shows_red_when_late(cast, finance, routed) -> None:
    later = file_demand(cast, finance, "后到期")
    sooner = file_demand(cast, finance, "先到期")
    for case, days in ((later, 10), (sooner, 3)):
        case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
        services.case_assign(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            deadline=timezone.localdate() + datetime.timedelta(days=days),
        )
    handler = client_for(cast.handler)
    body = handler.get("/cases/").content.decode()
    assert body.index("先到期") < body.index("后到期")
    sweep(timezone.now() + datetime.timedelta(days=5))
    sooner.refresh_from_db()
    assert sooner.timeliness == Timeliness.RED
    rows = handler.get("/cases/?tab=all&timeliness=red").content.decode()
    assert "先到期" in rows and "后到期" not in rows and "逾期" in rows


def test_a_liaison_files_on_behalf_of_an_assigned_enterprise_only(cast, finance) -> None:
    client = client_for(cast.liaison)
    page = client.get("/cases/new").content.decode()
    assert cast.home.name in page and cast.neighbour.name not in page
    base = {"kind": "demand", "title": "招工难", "description": "缺技术工人30名", "category": finance.pk}
    base |= {"urgency": "normal", "complexity": "simple"}
    client.post("/cases/new", {**base, "enterprise": cast.neighbour.pk})
    assert not Case.objects.exists()
    client.post("/cases/new", {**base, "enterprise": cast.home.pk})
    case = Case.objects.get()
    assert case.filed_on_behalf and case.enterprise == cast.home and case.source == "liaison"


def test_the_enterprise_picker_searches_in_scope(cast) -> None:
    body = client_for(cast.coordinator).get("/cases/enterprise-options", {"enterprise_q": cast.home.name[:4]})
    assert cast.home.name in body.content.decode()
    outside = client_for(cast.coordinator).get(
        "/cases/enterprise-options", {"enterprise_q": cast.datong.name}
    )
    assert cast.datong.name not in outside.content.decode()


def test_an_enterprise_cannot_download_an_internal_attachment(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    services.case_return(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        step=StepInput(
            comment="不属于本部门职责",
            attachments=[SimpleUploadedFile("内部说明.pdf", b"%PDF", content_type="application/pdf")],
        ),
    )
    attachment = case.attachments.get()
    assert client_for(cast.enterprise_user).get(f"/cases/attachments/{attachment.pk}/").status_code == 404
    assert client_for(cast.coordinator).get(f"/cases/attachments/{attachment.pk}/").status_code == 200
    assert "内部说明.pdf" not in client_for(cast.enterprise_user).get(f"/cases/{case.pk}/").content.decode()


def test_the_inbox_page_lists_notices_and_opening_one_marks_it_read(cast, finance) -> None:
    case = file_demand(cast, finance)
    client = client_for(cast.coordinator)
    workbench = client.get("/").content.decode()
    assert 'data-testid="unread-count"' in workbench
    notice = Notice.objects.get(recipient=cast.coordinator)
    assert notice.title in client.get("/notices/").content.decode()
    response = client.post(f"/notices/{notice.pk}/open")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Someone else's notice is not theirs to open.
    assert client_for(cast.handler).post(f"/notices/{notice.pk}/open").status_code == 404


def test_the_workbench_counts_what_waits_on_the_user(cast, finance, routed) -> None:
    file_demand(cast, finance)
    body = client_for(cast.coordinator).get("/").content.decode()
    assert 'data-testid="waiting-count">1<' in body
    assert 'data-testid="waiting-count">0<' in client_for(cast.handler).get("/").content.decode()


def test_an_admin_enters_a_year_on_the_calendar_page(cast) -> None:
    client = client_for(cast.admin)
    page = client.get("/calendar/2031/").content.decode()
    assert "尚未录入" in page
    bad = client.post("/calendar/2031/", {"days": "2031-10-01,休,国庆节\n2031-13-01,休"})
    assert "第2行" in bad.content.decode() and not CalendarYear.objects.filter(year=2031).exists()
    client.post(
        "/calendar/2031/",
        {"days": "2031-10-01,休,国庆节\n2031-10-11,班,国庆节调休上班", "source_document": "国办发明电"},
    )
    assert CalendarYear.objects.filter(year=2031).exists()
    page = client.get("/calendar/2031/").content.decode()
    assert "国庆节调休上班" in page and "管理员" in page
    assert AuditEntry.objects.filter(content_type__model="calendaryear").exists()
    # A coordinator reads the calendar but cannot enter one.
    assert client_for(cast.coordinator).get("/calendar/2031/").status_code == 200
    refused = client_for(cast.coordinator).post("/calendar/2031/", {"days": "2031-10-02,休"})
    assert refused.status_code == 403 and "只有系统管理员可以录入工作日历" in refused.content.decode()


def test_an_admin_keeps_the_routing_catalogue_and_the_deadline_rules(cast, finance, other_department) -> None:
    client = client_for(cast.admin)
    response = client.post(
        "/cases/routing/",
        {
            "region": "150581",
            "category": finance.pk,
            "keywords": "续贷，担保",
            "lead_department": other_department.pk,
            "co_departments": [cast.handler.department_id],
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.keywords == "续贷 担保" and list(rule.co_departments.all()) == [cast.handler.department]
    entry = AuditEntry.objects.filter(content_type__model="routingrule").get()
    assert entry.changes["co_departments"] == [None, [cast.handler.department_id]]
    # A missing field is named, nothing written.
    client.post("/cases/routing/", {"region": "999999", "category": finance.pk})
    assert RoutingRule.objects.count() == 1
    # The coordinator reads the catalogue, cannot change it.
    coordinator = client_for(cast.coordinator)
    page = coordinator.get("/cases/routing/").content.decode()
    assert other_department.name in page and "<title>派单目录 · zhuqi</title>" in page
    coordinator.post("/cases/routing/", {"rule": rule.pk, "delete": "1"})
    assert RoutingRule.objects.count() == 1
    client.post("/cases/routing/", {"rule": rule.pk, "delete": "1"})
    assert not RoutingRule.objects.exists()

    client.post(
        "/cases/deadlines",
        {"kind": "demand", "urgency": "normal", "response_days": 1, "simple_days": 3, "complex_days": 10},
    )
    policy = DeadlinePolicy.objects.get(kind="demand", urgency="normal", category=None)
    assert (policy.simple_days, policy.complex_days) == (3, 10)
    response = client.post(
        "/cases/deadlines",
        {"kind": "demand", "urgency": "normal", "response_days": 5, "simple_days": 3, "complex_days": 10},
        follow=True,
    )
    assert "受理时限 ≤ 简单事项时限" in response.content.decode()
    policy.refresh_from_db()
    assert policy.response_days == 1


@pytest.mark.parametrize("role", ["handler", "enterprise_user", "liaison"])
def test_only_admins_and_coordinators_see_the_catalogue(cast, role) -> None:
    response = client_for(getattr(cast, role)).get("/cases/routing/")
    assert response.status_code == 403


def _queries_for(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_and_the_case_page_cost_the_same_queries_however_many_rows(cast, finance, routed) -> None:
    coordinator = client_for(cast.coordinator)
    first = file_demand(cast, finance, "第一件")
    services.case_note(actor=cast.coordinator, case_id=first.pk, step=StepInput(comment="补充"))
    urls = ("/cases/", "/cases/?tab=all", f"/cases/{first.pk}/", "/")
    for url in urls:
        # The first request of a process also reads what it keeps (core.process_cache).
        coordinator.get(url)
    few = {url: _queries_for(coordinator, url) for url in urls}
    for index in range(6):
        case = file_demand(cast, finance, f"第{index}件")
        case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
        services.case_note(actor=cast.coordinator, case_id=first.pk, step=StepInput(comment=f"补充{index}"))
    many = {url: _queries_for(coordinator, url) for url in few}
    assert many == few


def test_an_admin_extends_the_category_tree_and_the_reply_templates(cast, finance) -> None:
    from zhuqi.cases.models import CaseCategory, ReplyTemplate

    client = client_for(cast.admin)
    client.post("/cases/routing/categories", {"name": "续贷", "parent": finance.pk})
    child = CaseCategory.objects.get(name="续贷")
    assert child.parent == finance
    # A third level is refused, named.
    response = client.post(
        "/cases/routing/categories", {"name": "无还本续贷", "parent": child.pk}, follow=True
    )
    assert (
        "类别最多两级" in response.content.decode()
        and not CaseCategory.objects.filter(name="无还本续贷").exists()
    )
    # The new sub-category can be filed under; a retired one cannot.
    page = client_for(cast.enterprise_user).get("/cases/new").content.decode()
    assert "融资 / 续贷" in page
    client.post(
        "/cases/routing/categories",
        {"category": child.pk, "name": "续贷", "parent": finance.pk, "is_active": "off"},
    )
    child.refresh_from_db()
    assert not child.is_active
    assert "融资 / 续贷" not in client_for(cast.enterprise_user).get("/cases/new").content.decode()

    client.post(
        "/cases/routing/templates",
        {"title": "续贷答复", "text": "已协调…", "category": finance.pk},
    )
    template = ReplyTemplate.objects.get(title="续贷答复")
    assert AuditEntry.objects.filter(content_type__model="replytemplate", object_id=str(template.pk)).exists()
    client.post("/cases/routing/templates/delete", {"template": template.pk})
    assert not ReplyTemplate.objects.filter(title="续贷答复").exists()
    # Only admins.
    client_for(cast.coordinator).post("/cases/routing/categories", {"name": "外贸"})
    assert not CaseCategory.objects.filter(name="外贸").exists()


def test_the_handler_fills_the_answer_from_a_reply_template(cast, finance, routed) -> None:
    from zhuqi.cases.models import ReplyTemplate

    template = ReplyTemplate.objects.create(
        title="融资对接", text="已将企业需求推送至合作银行。", category=finance
    )
    case = file_demand(cast, finance)
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    handler = client_for(cast.handler)
    assert "融资对接" in handler.get(f"/cases/{case.pk}/").content.decode()
    box = handler.get(f"/cases/{case.pk}/reply-template", {"template": template.pk}).content.decode()
    assert 'id="answer-box"' in box and "已将企业需求推送至合作银行。" in box


def test_bulk_assign_never_redirects_off_the_site(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    response = client_for(cast.coordinator).post(
        "/cases/bulk-assign", {"case": [f"{case.pk}:{case.version}"], "next": "https://evil.example/x"}
    )
    assert response["Location"] == "/cases/"


def test_notes_between_offices_stay_inside_government_and_auditors_only_read(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    client_for(cast.coordinator).post(f"/cases/{case.pk}/notes", {"comment": "请工信局先摸清贷款银行情况"})
    client_for(cast.enterprise_user).post(f"/cases/{case.pk}/notes", {"comment": "补充：贷款行为农商行"})
    client_for(cast.auditor).post(f"/cases/{case.pk}/notes", {"comment": "审计意见"})
    assert not case.steps.filter(comment="审计意见").exists()
    enterprise_view = client_for(cast.enterprise_user).get(f"/cases/{case.pk}/").content.decode()
    assert "补充：贷款行为农商行" in enterprise_view and "摸清贷款银行情况" not in enterprise_view
    assert "摸清贷款银行情况" in client_for(cast.coordinator).get(f"/cases/{case.pk}/").content.decode()


def test_a_handler_sees_and_routes_the_hazard_they_found(cast, finance) -> None:
    from zhuqi.cases.models import CaseCategory

    safety = CaseCategory.objects.get(name="安全生产", parent=None)
    client = client_for(cast.handler)
    response = client.post(
        "/cases/new",
        {
            "kind": "hazard",
            "title": "消防通道堵塞",
            "enterprise": cast.home.pk,
            "category": safety.pk,
            "rule_breached": "《消防法》第二十八条",
            "evidence": "成品库消防通道堆放货物",
            "source": "inspection",
        },
    )
    case = Case.objects.get(title="消防通道堵塞")
    assert response["Location"] == f"/cases/{case.pk}/"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-assign"' in page


def test_a_step_refused_for_bad_input_names_the_field(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    response = post_step(client_for(cast.handler), case, "answer", answer="已办理")
    assert response.status_code == 400 and "办理结果" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_a_duplicate_is_named_as_people_write_it(cast, finance, routed) -> None:
    first, second = file_demand(cast, finance, "续贷难"), file_demand(cast, finance, "续贷难（重复）")
    post_step(client_for(cast.coordinator), second, "reject", reason="duplicate", duplicate_of=f"#{first.pk}")
    second.refresh_from_db()
    assert second.duplicate_of == first


def test_an_extension_request_left_on_a_closed_case_waits_on_nobody(cast, finance, routed) -> None:
    from zhuqi.cases import selectors

    case = file_demand(cast, finance)
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    case = services.case_request_extension(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        requested_deadline=timezone.localdate() + datetime.timedelta(days=40),
        step=StepInput(comment="需等待上级批复"),
    )
    assert selectors.waiting_on(user=cast.coordinator).filter(pk=case.pk).exists()
    case = services.case_answer(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, answer="已办", outcome="resolved"
    )
    assert not selectors.waiting_on(user=cast.coordinator).filter(pk=case.pk).exists()


def test_the_assign_form_lists_the_departments_near_the_case(cast, finance, other_department) -> None:
    from zhuqi.directory.models import Department, Region

    Department.objects.create(region=Region.objects.get(pk="140200"), name="大同市财政局")
    case = file_demand(cast, finance)
    page = client_for(cast.admin).get(f"/cases/{case.pk}/").content.decode()
    assert other_department.name in page and cast.handler.department.name in page
    assert "大同市财政局" not in page  # another province's office: never the one for a Huolinguole case


def test_an_answer_refused_as_stale_keeps_what_the_handler_typed(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    read_version = case.version
    # While the handler writes, the enterprise adds to its demand's description.
    services.case_edit(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        correction=services.CaseCorrection(description="先还后贷，另需过桥资金"),
    )
    handler = client_for(cast.handler)
    typed = "已协调合作银行办理无还本续贷，三个工作日内放款。"
    response = handler.post(
        f"/cases/{case.pk}/answer",
        {"version": read_version, "answer": typed, "outcome": "resolved", "comment": "请企业留意银行来电"},
    )
    page = response.content.decode()
    assert response.status_code == 409 and "刚被他人处理过" in page
    assert typed in page and "请企业留意银行来电" in page
    assert 'value="resolved" selected' in page and "另需过桥资金" in page
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and not case.answer


@pytest.mark.parametrize(
    "waiting",
    [{"status": Status.COMPLETION_REPORTED}, {"extension": "requested"}],
    ids=["completion", "extension"],
)
def test_a_case_the_coordinators_area_only_supports_is_not_waiting_on_them(cast, finance, waiting) -> None:
    """A Horqin department leads a Horqin enterprise's demand; a Huolinguole bureau supports it.
    The Huolinguole coordinator follows the case (it is in their list) but cannot accept the
    completion or decide the extension: that is Tongliao's, so it is not in their 待办."""
    from zhuqi.cases import selectors
    from zhuqi.directory.models import Region
    from zhuqi.testing.factories import DepartmentFactory

    horqin = DepartmentFactory(name="科尔沁区工业和信息化局", region=Region.objects.get(pk="150502"))
    case = services.case_create(
        actor=cast.admin,
        data=NewCase(
            kind=Kind.DEMAND,
            title="园区道路破损影响运输",
            description="园区主干道路面破损，重载车辆通行困难。",
            category_id=finance.pk,
            enterprise_id=cast.tongliao.pk,
            lead_department_id=horqin.pk,
            co_department_ids=[cast.handler.department.pk],
            source="hotline",
        ),
    )
    Case.objects.filter(pk=case.pk).update(**waiting)
    assert selectors.waiting_on(user=cast.admin).filter(pk=case.pk).exists()
    assert selectors.case_queryset(user=cast.coordinator).filter(pk=case.pk).exists()
    assert not selectors.waiting_on(user=cast.coordinator).filter(pk=case.pk).exists()
    assert selectors.open_counts(user=cast.coordinator)["waiting"] == 0


def test_each_catalogue_form_posts_to_its_own_view(cast, finance) -> None:
    from zhuqi.cases.models import CaseCategory

    page = client_for(cast.admin).get("/cases/routing/").content.decode()
    assert 'action="/cases/routing/categories"' in page and 'action="/cases/routing/templates"' in page
    assert 'name="form"' not in page
    # Only an admin changes the catalogue; anyone else is refused with the reason.
    for url in ("/cases/routing/categories", "/cases/routing/templates", "/cases/routing/templates/delete"):
        refused = client_for(cast.coordinator).post(url, {"name": "外贸"})
        assert refused.status_code == 403
        assert "只有系统管理员可以修改派单目录和时限规则" in refused.content.decode()
        assert client_for(cast.admin).get(url).status_code == 405
    # A refusal shows the page again with the reason, naming the field as the page does.
    response = client_for(cast.admin).post("/cases/routing/templates", {"title": "", "text": "x"})
    assert response.status_code == 200 and "未保存：标题：必填" in response.content.decode()
    assert not CaseCategory.objects.filter(name="外贸").exists()
