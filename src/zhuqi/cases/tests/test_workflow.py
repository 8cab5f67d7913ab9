"""The case workflow through its services, as each role would take it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, Closure, Extension, Kind, Status, Urgency
from zhuqi.cases.services import NewCase, StepInput, StepRefused
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.notifications.models import Notice


def file_demand(cast, finance, **extra) -> Case:
    data = NewCase(
        kind=Kind.DEMAND,
        title="流动资金贷款到期续贷困难",
        description="1000万元流动资金贷款下月到期，银行要求先还后贷，企业资金周转困难。",
        category_id=finance.pk,
        **extra,
    )
    return services.case_create(actor=cast.enterprise_user, data=data)


def test_a_demand_goes_from_the_enterprise_to_a_rating(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    assert (case.status, case.enterprise, case.source) == (Status.SUBMITTED, cast.home, "portal")
    assert Notice.objects.filter(recipient=cast.coordinator, title__contains="待受理").exists()

    case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    # No department named: the routing catalogue decides, with its co-departments.
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    assert case.status == Status.ASSIGNED and case.lead_department == cast.handler.department
    assert [d.name for d in case.co_departments.all()] == ["霍林郭勒市财政局"]
    expected = WorkingCalendar().add_working_days(timezone.localdate(), 5)
    assert timezone.localtime(case.deadline).date() == expected and not case.deadline_provisional
    assert Notice.objects.filter(recipient=cast.handler, kind=Notice.Kind.TASK).exists()

    case = services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    assert case.responded_on_time is True
    case = services.case_answer(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        answer="已协调农商行办理无还本续贷，8月10日前放款。",
        outcome="resolved",
    )
    assert case.status == Status.ANSWERED and case.answered_on_time is True and case.due_at is None
    assert Notice.objects.filter(recipient=cast.enterprise_user, title__contains="请在").exists()

    case = services.case_confirm(
        actor=cast.enterprise_user, case_id=case.pk, expected_version=case.version, rating=5
    )
    assert (case.status, case.closure, case.rating, case.satisfied_ratings) == (
        Status.CLOSED,
        Closure.CONFIRMED,
        5,
        1,
    )
    steps = list(case.steps.values_list("step", flat=True))
    assert steps == ["submit", "accept", "assign", "start", "answer", "confirm"]
    audited = AuditEntry.objects.filter(content_type__model="case", object_id=str(case.pk))
    assert audited.count() == 6 and audited.filter(actor_name="handler").count() == 2


def test_an_illegal_step_says_which_steps_are_allowed(cast, finance) -> None:
    case = file_demand(cast, finance)
    with pytest.raises(StepRefused) as refusal:
        services.case_start(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    assert "待受理" in refusal.value.message
    assert "受理（accept）、不予受理（reject）、交办（assign）" in refusal.value.message


def test_a_stale_version_is_refused_with_the_current_state(cast, finance) -> None:
    case = file_demand(cast, finance)
    services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    with pytest.raises(StaleWrite) as stale:
        services.case_reject(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            reason="other",
            step=StepInput("不属于"),
        )
    assert stale.value.current == {
        "id": case.pk,
        "version": 2,
        "status": "accepted",
        "status_label": "已受理",
    }


def test_roles_act_only_on_their_part(cast, finance, routed, other_department) -> None:
    case = file_demand(cast, finance)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=cast.leader, case_id=case.pk, expected_version=1)
    # Not yet given to any department, and another region's coordinator: not even visible.
    for stranger in (cast.handler, cast.outsider):
        with pytest.raises(NotFound):
            services.case_accept(actor=stranger, case_id=case.pk, expected_version=1)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=1)
    # The co-department sees the case but only the lead department answers it.
    from zhuqi.testing.factories import make_user

    supporter = make_user("finance", "handler", department=other_department)
    with pytest.raises(PermissionDenied):
        services.case_start(actor=supporter, case_id=case.pk, expected_version=case.version)
    with pytest.raises(PermissionDenied):
        services.case_answer(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            answer="x",
            outcome="resolved",
        )


def test_an_unsatisfied_rating_reopens_and_is_counted(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=1)
    case = services.case_answer(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        answer="已答复",
        outcome="resolved",
    )
    with pytest.raises(ValidationFailed) as failure:
        services.case_confirm(
            actor=cast.enterprise_user, case_id=case.pk, expected_version=case.version, rating=1
        )
    assert failure.value.errors[0].field == "comment"
    case = services.case_confirm(
        actor=cast.enterprise_user,
        case_id=case.pk,
        expected_version=case.version,
        rating=2,
        step=StepInput("贷款仍未放款"),
    )
    assert (case.status, case.unsatisfied_count, case.ratings_given, case.satisfied_ratings) == (
        Status.IN_PROGRESS,
        1,
        1,
        0,
    )
    assert case.deadline is not None and case.due_at == case.deadline
    assert Notice.objects.filter(recipient=cast.handler, title__contains="不满意").exists()


def test_a_duplicate_is_merged_into_the_surviving_case(cast, finance) -> None:
    first = file_demand(cast, finance)
    second = file_demand(cast, finance)
    with pytest.raises(ValidationFailed):
        services.case_reject(
            actor=cast.coordinator, case_id=second.pk, expected_version=1, reason="duplicate"
        )
    merged = services.case_reject(
        actor=cast.coordinator,
        case_id=second.pk,
        expected_version=1,
        reason="duplicate",
        duplicate_of_id=first.pk,
    )
    assert merged.status == Status.REJECTED and merged.duplicate_of == first
    assert first.steps.filter(step="merge", data__merged=second.pk).exists()
    assert Notice.objects.filter(recipient=cast.enterprise_user, title__contains=f"并入 #{first.pk}").exists()
    # The survivor's timeline keeps the merge inside government: its enterprise does not learn
    # who else asked.
    assert first.steps.get(step="merge").internal


def test_a_demand_merged_into_another_enterprises_case_is_not_pointed_at_it(cast, finance) -> None:
    survivor = services.case_create(
        actor=cast.coordinator,
        data=NewCase(
            kind=Kind.DEMAND,
            title="留抵退税未到账",
            description="退税慢",
            enterprise_id=cast.neighbour.pk,
            category_id=finance.pk,
            source="hotline",
        ),
    )
    second = file_demand(cast, finance)
    services.case_reject(
        actor=cast.coordinator,
        case_id=second.pk,
        expected_version=1,
        reason="duplicate",
        duplicate_of_id=survivor.pk,
    )
    notice = Notice.objects.get(recipient=cast.enterprise_user, title__contains="合并办理")
    assert f"#{survivor.pk}" not in notice.title and cast.neighbour.name not in notice.title


def test_a_department_returns_a_case_only_within_two_working_days(cast, finance, routed) -> None:
    case = file_demand(cast, finance)
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=1)
    with pytest.raises(ValidationFailed):
        services.case_return(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    returned = services.case_return(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        step=StepInput("应由自然资源局办理"),
    )
    assert returned.status == Status.RETURNED and returned.returned_count == 1
    assert returned.steps.get(step="return").internal
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=returned.version)
    # Assigned five working days ago: too late to return.
    long_ago = WorkingCalendar().add_working_days(timezone.localdate() - datetime.timedelta(days=14), 0)
    Case.objects.filter(pk=case.pk).update(
        assigned_at=timezone.make_aware(datetime.datetime.combine(long_ago, datetime.time(9)))
    )
    with pytest.raises(StepRefused, match="不能再退回"):
        services.case_return(
            actor=cast.handler, case_id=case.pk, expected_version=case.version, step=StepInput("x")
        )


def test_one_extension_asked_in_time_and_decided_by_the_coordinator(cast, finance, routed) -> None:
    case = file_demand(cast, finance, complexity="complex")
    case = services.case_assign(actor=cast.coordinator, case_id=case.pk, expected_version=1)
    current = timezone.localtime(case.deadline).date()
    later = current + datetime.timedelta(days=10)
    with pytest.raises(ValidationFailed):
        services.case_request_extension(
            actor=cast.handler, case_id=case.pk, expected_version=case.version, requested_deadline=later
        )
    case = services.case_request_extension(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        requested_deadline=later,
        step=StepInput("需上级银行审批"),
    )
    assert case.extension == Extension.REQUESTED
    with pytest.raises(StepRefused, match="只能申请一次"):
        services.case_request_extension(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            requested_deadline=later,
            step=StepInput("again"),
        )
    case = services.case_decide_extension(
        actor=cast.coordinator, case_id=case.pk, expected_version=case.version, approve=True
    )
    assert case.extension == Extension.APPROVED and timezone.localtime(case.deadline).date() == later


def test_an_extension_asked_on_the_last_day_is_refused(cast, finance, routed) -> None:
    case = file_demand(cast, finance, urgency=Urgency.URGENT)
    case = services.case_assign(
        actor=cast.coordinator, case_id=case.pk, expected_version=1, deadline=timezone.localdate()
    )
    with pytest.raises(StepRefused, match="前至少 1 个工作日"):
        services.case_request_extension(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            requested_deadline=timezone.localdate() + datetime.timedelta(days=5),
            step=StepInput("来不及"),
        )


def test_an_instruction_is_issued_reported_sent_back_and_accepted(cast, finance) -> None:
    case = services.case_create(
        actor=cast.leader,
        data=NewCase(
            kind=Kind.INSTRUCTION,
            title="协调解决联晟新材料用电价格问题",
            category_id=finance.pk,
            source="visit",
            enterprise_id=cast.home.pk,
            lead_department_id=cast.handler.department_id,
            deadline=timezone.localdate() + datetime.timedelta(days=20),
        ),
    )
    assert case.status == Status.ASSIGNED and case.deadline_explicit
    case = services.case_report_completion(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, report="已与电力公司协调"
    )
    with pytest.raises(PermissionDenied):
        services.case_verify(actor=cast.handler, case_id=case.pk, expected_version=case.version, passed=True)
    case = services.case_verify(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        passed=False,
        step=StepInput("请附协调会议纪要"),
    )
    assert case.status == Status.IN_PROGRESS
    case = services.case_report_completion(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, report="纪要已附"
    )
    case = services.case_verify(
        actor=cast.coordinator, case_id=case.pk, expected_version=case.version, passed=True
    )
    assert (case.status, case.closure) == (Status.CLOSED, Closure.VERIFIED)


def test_a_hazard_is_rectified_re_inspected_and_closed(cast, finance) -> None:
    from zhuqi.cases.models import CaseCategory

    safety = CaseCategory.objects.get(name="安全生产")
    with pytest.raises(ValidationFailed) as failure:
        services.case_create(
            actor=cast.handler, data=NewCase(kind=Kind.HAZARD, title="配电室无灭火器", category_id=safety.pk)
        )
    assert {e.field for e in failure.value.errors} == {"rule_breached", "evidence", "enterprise"}
    case = services.case_create(
        actor=cast.handler,
        data=NewCase(
            kind=Kind.HAZARD,
            title="配电室无灭火器",
            category_id=safety.pk,
            enterprise_id=cast.home.pk,
            source="inspection",
            rule_breached="《建筑灭火器配置设计规范》GB 50140",
            evidence="2号配电室未配置灭火器",
            lead_department_id=cast.handler.department_id,
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        ),
    )
    assert case.status_label == "整改中"
    case = services.case_report_completion(
        actor=cast.enterprise_user, case_id=case.pk, expected_version=case.version, report="已配置4具灭火器"
    )
    assert case.status_label == "待复查"
    with pytest.raises(ValidationFailed):
        services.case_verify(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            passed=False,
            step=StepInput("数量不足"),
        )
    case = services.case_verify(
        actor=cast.handler,
        case_id=case.pk,
        expected_version=case.version,
        passed=False,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        step=StepInput("数量不足"),
    )
    assert case.status_label == "整改中"
    case = services.case_report_completion(
        actor=cast.enterprise_user, case_id=case.pk, expected_version=case.version, report="已补足"
    )
    case = services.case_verify(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, passed=True
    )
    assert case.status_label == "已销号"


def test_bad_input_writes_nothing(cast, finance) -> None:
    before = (Case.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as failure:
        services.case_create(
            actor=cast.coordinator,
            data=NewCase(
                kind=Kind.DEMAND, title="", category_id=None, enterprise_id=cast.datong.pk, urgency="soon"
            ),
        )
    fields = {e.field for e in failure.value.errors}
    assert {"title", "description", "category", "enterprise", "urgency"} <= fields
    assert (Case.objects.count(), AuditEntry.objects.count()) == before


def test_same_day_cases_are_due_at_six_or_the_next_working_day_after_the_cut_off(
    cast, finance, routed
) -> None:
    from zhuqi.cases import deadlines
    from zhuqi.core.workdays import SHANGHAI

    calendar = WorkingCalendar()
    thursday_morning = datetime.datetime(2026, 11, 19, 10, 0, tzinfo=SHANGHAI)
    assert deadlines.same_day(calendar, thursday_morning).at == datetime.datetime(
        2026, 11, 19, 18, 0, tzinfo=SHANGHAI
    )
    friday_evening = datetime.datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI)
    assert deadlines.same_day(calendar, friday_evening).at == datetime.datetime(
        2026, 11, 23, 18, 0, tzinfo=SHANGHAI
    )
    before_national_day = datetime.datetime(2026, 9, 30, 16, 30, tzinfo=SHANGHAI)
    assert deadlines.same_day(calendar, before_national_day).at.date() == datetime.date(2026, 10, 8)
