"""Joint handling of a common problem (联合办理) through its services: four enterprises' demands
handled once, each enterprise's case stepping on its own, rated on its own, counted on its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from zhuqi.cases import figures, joint, selectors, services
from zhuqi.cases.common_problems import common_problems
from zhuqi.cases.models import Case, CaseCategory, JointHandling, Kind, Status
from zhuqi.cases.services import NewCase, StepRefused
from zhuqi.cases.tests.test_figures import MARCH, Clock, at
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.directory.models import Region, User
from zhuqi.notifications.models import Notice
from zhuqi.testing.factories import Cast, EnterpriseFactory, make_user

TEXT = "增值税留抵退税迟迟未到账，企业资金周转困难，请协调税务部门加快办理留抵退税。"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr(timezone, "now", moving)
    return moving


@dataclass
class Four:
    users: list[User]
    cases: list[Case]


def four_demands(cast: Cast, finance: CaseCategory, prefix: str = "") -> Four:
    """Four demands about one problem, from the home enterprise, its neighbour and two more."""
    region = Region.objects.get(pk="150581")
    enterprises = [
        cast.home,
        cast.neighbour,
        EnterpriseFactory(region=region),
        EnterpriseFactory(region=region),
    ]
    users = [cast.enterprise_user] + [
        make_user(f"{prefix}ent{i}", Role.ENTERPRISE, enterprise=e) for i, e in enumerate(enterprises[1:])
    ]
    cases = [
        services.case_create(
            actor=user,
            data=NewCase(
                kind=Kind.DEMAND, title="留抵退税迟迟未到账", description=TEXT, category_id=finance.pk
            ),
        )
        for user in users
    ]
    return Four(users=users, cases=cases)


def open_joint(cast: Cast, four: Four, **extra: Any) -> JointHandling:
    return joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(
            case_ids=[c.pk for c in four.cases],
            lead_department_id=cast.handler.department_id,
            title="留抵退税",
            **extra,
        ),
    )


def step(actor: User, j: JointHandling, name: str, comment: str = "", **fields: Any) -> JointHandling:
    j.refresh_from_db()
    return joint.joint_take(
        name,
        actor=actor,
        joint_id=j.pk,
        expected_version=j.version,
        fields=fields,
        input=services.StepInput(comment=comment),
    )


def rate(user: User, case: Case, rating: int, comment: str = "") -> Case:
    case.refresh_from_db()
    return services.case_confirm(
        actor=user,
        case_id=case.pk,
        expected_version=case.version,
        rating=rating,
        step=services.StepInput(comment=comment),
    )


def test_one_answer_reaches_every_enterprise_and_each_rates_for_itself(cast, finance) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    members = list(selectors.joint_members(j))
    assert {m.status for m in members} == {Status.ASSIGNED}
    assert {m.lead_department_id for m in members} == {cast.handler.department_id}
    assert len({m.deadline for m in members}) == 1 and j.deadline == members[0].deadline
    assert all(m.accepted_at and m.assigned_at for m in members)
    # The department is told once, not four times; each enterprise hears of its own case.
    assert Notice.objects.filter(recipient=cast.handler, title__contains="新交办").count() == 1
    for user in four.users:
        assert Notice.objects.filter(recipient=user, title__contains="已受理").count() == 1

    j = step(cast.handler, j, "start")
    j = step(cast.handler, j, "answer", answer="已协调税务局三个工作日内办理退税。", outcome="resolved")
    assert j.status == Status.ANSWERED
    for case, user in zip(four.cases, four.users, strict=True):
        case.refresh_from_db()
        assert case.status == Status.ANSWERED and case.answer.startswith("已协调税务局")
        assert case.responded_on_time is True and case.answered_on_time is True
        steps = list(case.steps.values_list("step", flat=True))
        assert steps == ["submit", "join-joint", "accept", "assign", "start", "answer"]
        assert Notice.objects.filter(recipient=user, title__contains="已答复").count() == 1
        audited = AuditEntry.objects.filter(content_type__model="case", object_id=str(case.pk))
        assert audited.count() == 6

    for case, user in zip(four.cases[:3], four.users[:3], strict=True):
        rate(user, case, 5)
    unhappy = rate(four.users[3], four.cases[3], 1, "退税仍未到账")
    # Only its own case goes back, alone; the other three stay closed.
    assert unhappy.status == Status.IN_PROGRESS and unhappy.joint_handling_id is None
    assert [s for s in unhappy.steps.values_list("step", flat=True)][-2:] == ["confirm", "leave-joint"]
    closed = Case.objects.filter(pk__in=[c.pk for c in four.cases[:3]])
    assert set(closed.values_list("status", flat=True)) == {Status.CLOSED}
    assert set(closed.values_list("joint_handling_id", flat=True)) == {j.pk}
    assert j.steps.last().step == "member-left"
    # Handled alone now: its department answers it on its own page.
    unhappy = services.case_answer(
        actor=cast.handler,
        case_id=unhappy.pk,
        expected_version=unhappy.version,
        answer="已到账",
        outcome="resolved",
    )
    assert unhappy.status == Status.ANSWERED


def test_a_members_own_steps_are_refused_and_point_to_the_joint_handling(cast, finance) -> None:
    four = four_demands(cast, finance)
    open_joint(cast, four)
    case = Case.objects.get(pk=four.cases[0].pk)
    with pytest.raises(StepRefused, match="联合办理"):
        services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    assert services.steps_for(cast.handler, case) == []
    # Not in the department's case 待办: the joint handling stands for its members there.
    assert not selectors.waiting_on(user=cast.handler).filter(pk=case.pk).exists()
    assert list(selectors.joint_waiting(user=cast.handler)) == list(JointHandling.objects.all())


def test_refusals(cast, finance) -> None:
    four = four_demands(cast, finance)
    ids = [c.pk for c in four.cases]
    with pytest.raises(PermissionDenied, match="营商办"):
        joint.joint_create(
            actor=cast.handler,
            data=joint.NewJoint(case_ids=ids, lead_department_id=cast.handler.department_id),
        )
    with pytest.raises(NotFound):
        joint.joint_create(
            actor=cast.outsider,
            data=joint.NewJoint(case_ids=ids, lead_department_id=cast.handler.department_id),
        )
    with pytest.raises(ValidationFailed) as failure:
        joint.joint_create(
            actor=cast.coordinator, data=joint.NewJoint(case_ids=ids[:1], lead_department_id=None)
        )
    assert failure.value.errors[0].field == "cases"
    j = open_joint(cast, four)
    with pytest.raises(PermissionDenied, match="牵头部门"):
        step(cast.coordinator, j, "start")
    with pytest.raises(StepRefused, match="已交办"):
        step(cast.handler, j, "reopen")
    with pytest.raises(StaleWrite):
        joint.joint_take(
            "start", actor=cast.handler, joint_id=j.pk, expected_version=j.version + 5, fields={}
        )
    with pytest.raises(ValidationFailed):
        step(cast.handler, j, "answer", answer="", outcome="resolved")
    # An enterprise, a liaison officer and another region's coordinator do not see it.
    for outsider in (cast.enterprise_user, cast.liaison, cast.outsider):
        with pytest.raises(NotFound):
            step(outsider, j, "start")
    # A member cannot be opened into a second joint handling.
    with pytest.raises(ValidationFailed, match="已在联合办理"):
        joint.joint_create(
            actor=cast.coordinator,
            data=joint.NewJoint(case_ids=ids[:2], lead_department_id=cast.handler.department_id),
        )


def test_members_added_are_brought_up_to_the_stage_and_removed_go_back_to_the_coordinator(
    cast, finance
) -> None:
    four = four_demands(cast, finance)
    first, late = four.cases[:3], four.cases[3]
    j = joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(case_ids=[c.pk for c in first], lead_department_id=cast.handler.department_id),
    )
    j = step(cast.handler, j, "start")
    j = step(
        cast.handler,
        j,
        "answer",
        answer="已办理",
        outcome="not_resolvable",
        outcome_reason="needs_policy_change",
    )
    assert j.policy_question is True
    assert list(selectors.policy_questions(user=cast.coordinator)) == [j]
    j = joint.joint_add_member(
        actor=cast.coordinator, joint_id=j.pk, expected_version=j.version, case_id=late.pk
    )
    late.refresh_from_db()
    assert (late.status, late.answer, late.outcome, late.joint_handling_id) == (
        Status.ANSWERED,
        "已办理",
        "not_resolvable",
        j.pk,
    )
    assert list(late.steps.values_list("step", flat=True)) == [
        "submit",
        "join-joint",
        "accept",
        "assign",
        "start",
        "answer",
    ]
    j = joint.joint_remove_member(
        actor=cast.coordinator,
        joint_id=j.pk,
        expected_version=j.version,
        case_id=late.pk,
        reason="不属同一问题",
    )
    late.refresh_from_db()
    # Answered already: it keeps its answer (and its enterprise still rates it).
    assert late.joint_handling_id is None and late.status == Status.ANSWERED
    assert [e.step for e in j.steps.all()] == ["open", "start", "answer", "add-member", "remove-member"]
    with pytest.raises(PermissionDenied):
        joint.joint_remove_member(
            actor=cast.handler, joint_id=j.pk, expected_version=j.version, case_id=first[0].pk, reason="x"
        )


def test_a_member_removed_while_worked_goes_back_to_the_coordinators_queue(cast, finance) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    leaving = four.cases[0]
    j = joint.joint_remove_member(
        actor=cast.coordinator,
        joint_id=j.pk,
        expected_version=j.version,
        case_id=leaving.pk,
        reason="另行办理",
    )
    leaving.refresh_from_db()
    assert leaving.status == Status.RETURNED and leaving.returned_count == 0
    assert selectors.waiting_on(user=cast.coordinator).filter(pk=leaving.pk).exists()
    assert AuditEntry.objects.filter(content_type__model="jointhandling", object_id=str(j.pk)).count() == 2


def test_return_extension_and_reassign_reach_every_member(cast, finance, other_department) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    later = timezone.localdate() + datetime.timedelta(days=30)
    j = step(cast.handler, j, "request-extension", "需等待省级审批", requested_deadline=later)
    j.refresh_from_db()
    assert j.extension == "requested"
    assert selectors.joint_waiting(user=cast.coordinator).filter(pk=j.pk).exists()
    j = step(cast.coordinator, j, "decide-extension", approve=True)
    deadlines = set(Case.objects.filter(joint_handling=j).values_list("deadline", flat=True))
    assert len(deadlines) == 1 and timezone.localtime(deadlines.pop()).date() == later
    # The joint timeline says what was asked and given, as the members' timelines do.
    details = {entry.step: dict(entry.details) for entry in j.steps.all()}
    assert details["request-extension"]["申请延至"] == f"{later:%Y-%m-%d}"
    assert details["decide-extension"]["审批意见"] == "同意"
    assert details["decide-extension"]["新的办理时限"] == f"{later:%Y-%m-%d}"
    j = step(cast.handler, j, "return", "不属本部门职责")
    assert j.status == Status.RETURNED
    assert set(Case.objects.filter(joint_handling=j).values_list("status", flat=True)) == {Status.RETURNED}
    # The coordinator reassigns the whole joint handling to another department.
    j = step(cast.coordinator, j, "assign", lead_department=other_department.pk)
    members = Case.objects.filter(joint_handling=j)
    assert j.status == Status.ASSIGNED and j.lead_department == other_department
    assert set(members.values_list("lead_department_id", flat=True)) == {other_department.pk}
    assert set(members.values_list("returned_count", flat=True)) == {1}


def test_a_joint_handling_reopens_once_every_member_is_closed(cast, finance) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    j = step(cast.handler, j, "start")
    j = step(cast.handler, j, "answer", answer="已办理", outcome="resolved")
    for case, user in zip(four.cases[:3], four.users[:3], strict=True):
        rate(user, case, 4)
    # Not offered while an enterprise has yet to rate, and refused alike.
    assert "reopen" not in joint.steps_for(cast.coordinator, j)
    with pytest.raises(StepRefused, match="尚未办结"):
        step(cast.coordinator, j, "reopen", "政策调整后重新答复")
    rate(four.users[3], four.cases[3], 3)
    j.refresh_from_db()
    assert "reopen" in joint.steps_for(cast.coordinator, j)
    j = step(cast.coordinator, j, "reopen", "政策调整后重新答复")
    members = Case.objects.filter(joint_handling=j)
    assert j.status == Status.IN_PROGRESS
    assert set(members.values_list("status", flat=True)) == {Status.IN_PROGRESS}
    assert set(members.values_list("reopen_count", flat=True)) == {1}


def test_demands_in_a_joint_handling_leave_the_common_problems(cast, finance) -> None:
    four = four_demands(cast, finance)
    grouped = common_problems(user=cast.coordinator, min_enterprises=2)
    assert any(set(problem.case_ids) == {c.pk for c in four.cases} for problem in grouped.problems)
    open_joint(cast, four)
    grouped = common_problems(user=cast.coordinator, min_enterprises=2)
    assert not {c.pk for c in four.cases} & {pk for problem in grouped.problems for pk in problem.case_ids}


def test_only_office_roles_keep_policies() -> None:
    class Someone:
        is_active = True
        is_superuser = False
        is_authenticated = True

        def __init__(self, role: str) -> None:
            self.role = role

    holders = {role for role in Role if has_permission(Someone(role), Permission.KEEP_POLICIES)}
    assert holders == {Role.ADMIN, Role.COORDINATOR}


# ---------------------------------------------------------------------------------------------
# Figures: four demands handled jointly count exactly as four handled one by one


def test_jointly_handled_demands_count_as_if_handled_alone(cast, finance, clock, other_department) -> None:
    """Four demands handled one by one by the handler's department and four identical ones
    handled jointly by another department, on the same clock: the two departments' figures
    (response, answer in time, resolution, satisfaction, days to close …) are equal."""
    clock.set(at(3, 3, 8))
    alone = four_demands(cast, finance)
    together = [
        services.case_create(
            actor=user,
            data=NewCase(
                kind=Kind.DEMAND, title="留抵退税迟迟未到账", description=TEXT, category_id=finance.pk
            ),
        )
        for user in alone.users
    ]
    joint_handler = make_user("joint-handler", Role.HANDLER, department=other_department)

    clock.set(at(3, 3, 9))
    for case in alone.cases:
        case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
        services.case_assign(
            actor=cast.coordinator,
            case_id=case.pk,
            expected_version=case.version,
            lead_department_id=cast.handler.department_id,
        )
    j = joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(case_ids=[c.pk for c in together], lead_department_id=other_department.pk),
    )
    clock.set(at(3, 4, 10))
    for case in alone.cases:
        case.refresh_from_db()
        services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    step(joint_handler, j, "start")
    clock.set(at(3, 12, 10))  # late: past the 5 working days
    for case in alone.cases:
        case.refresh_from_db()
        services.case_answer(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            answer="答复",
            outcome="partly_resolved",
        )
    step(joint_handler, j, "answer", answer="答复", outcome="partly_resolved")
    clock.set(at(3, 13, 10))
    for cases in (alone.cases, together):
        for (case, user), score in zip(zip(cases, alone.users, strict=True), (5, 4, 3, 1), strict=True):
            rate(user, case, score, "不满意" if score == 1 else "")

    clock.set(at(4, 1, 9))
    rows = {row.key: row for row in figures.figures_for(user=cast.coordinator, period=MARCH).rows}

    def measures(department_id: int) -> dict[str, Any]:
        return {k: v for k, v in vars(rows[department_id]).items() if k not in ("key", "name")}

    one_by_one, jointly = measures(cast.handler.department_id), measures(other_department.pk)
    assert one_by_one == jointly
    assert (
        one_by_one["cases"] == 4 and one_by_one["answered_on_time"] == 0 and one_by_one["ratings_given"] == 4
    )


def test_one_members_refusal_rolls_the_whole_joint_step_back_and_names_the_member(cast, finance) -> None:
    """The last member cannot be returned any more (assigned long ago): the members before it,
    already returned inside the step's transaction, are rolled back with it, and the refusal
    says which member stood in the way."""
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    last = four.cases[-1]
    Case.objects.filter(pk=last.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=60))
    before = {c.pk: (c.status, c.version) for c in Case.objects.filter(joint_handling=j)}
    steps_before = {c.pk: c.steps.count() for c in Case.objects.filter(joint_handling=j)}
    notices_before = Notice.objects.count()
    with pytest.raises(StepRefused, match=rf"#{last.pk}《") as refused:
        step(cast.handler, j, "return", "不属本部门职责")
    assert "不能再退回" in refused.value.message
    j.refresh_from_db()
    assert j.status == Status.ASSIGNED
    members = Case.objects.filter(joint_handling=j)
    assert {c.pk: (c.status, c.version) for c in members} == before
    assert {c.pk: c.steps.count() for c in members} == steps_before
    assert Notice.objects.count() == notices_before
    assert not j.steps.filter(step="return").exists()
