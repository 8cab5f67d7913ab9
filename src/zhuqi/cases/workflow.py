"""The case workflow as data: one table says, for every step a person takes, the kinds of case
it applies to, the states it may be taken from and leads to, who may take it, whether it moves
the case on or aside, and what refuses it. The services refuse by it, the case page offers its
buttons by it, the API's step endpoints are made from it and the 待办 queues are read from it,
so a step cannot be allowed in one place and refused in another.

A new workflow (task-force reports, policy deliveries) copies this file: its own `Step` choices,
a `Transition` per step, and `steps.taking` for the prologue and epilogue each step shares.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.cases import deadlines
from zhuqi.cases.models import STEP_LABELS, Case, Extension, Kind, Status, Step, Urgency
from zhuqi.core.errors import ErrorCode, ServiceError
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Assignment

ALL_KINDS = frozenset(Kind)


class StepRefused(ServiceError):
    """The step is not allowed from the case's state; the message lists the steps that are."""

    code = ErrorCode.STEP_NOT_ALLOWED


# ---------------------------------------------------------------------------------------------
# Who may act


def answers_for(user: User, case: Case) -> bool:
    """Whether the case is the user's jurisdiction's to decide on: its region, or the region of
    the department leading it, lies in the user's jurisdiction. A coordinator or leader who sees
    a case only because a department of theirs supports it, or only through a visit, follows it
    without routing or closing it (docs/visibility.md). selectors.answers_for_q is the same rule
    as a query (for the coordinator's 待办); the workflow decides who may act by this one."""
    code = jurisdiction_code(user)
    if code_within(code, case.region_id):
        return True
    return case.lead_department is not None and code_within(code, case.lead_department.region_id)


def is_coordinator(actor: User) -> bool:
    return has_permission(actor, Permission.COORDINATE_CASES)


def is_lead_handler(actor: User, case: Case) -> bool:
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and actor.department_id == case.lead_department_id
    )


def is_own_enterprise(actor: User, case: Case) -> bool:
    return (
        actor.role == Role.ENTERPRISE
        and bool(actor.enterprise_id)
        and actor.enterprise_id == case.enterprise_id
    )


def is_assigned_liaison(actor: User, enterprise_id: int | None) -> bool:
    if actor.role != Role.LIAISON or not actor.official_id or enterprise_id is None:
        return False
    return Assignment.objects.filter(
        Assignment.current_q(), official_id=actor.official_id, enterprise_id=enterprise_id
    ).exists()


class Party(enum.Enum):
    """Who takes a step, each with the rule that says whether a user is it for a case."""

    COORDINATOR = "coordinator"  # 营商办 / 专班 whose jurisdiction answers for the case
    LEADER = "leader"  # a leader whose jurisdiction answers for the case
    HAZARD_FINDER = "hazard_finder"  # the handler who filed the hazard (routes it before anyone leads it)
    LEAD_DEPARTMENT = "lead_department"  # a handler of the lead department
    ENTERPRISE = "enterprise"  # the case's own enterprise
    LIAISON = "liaison"  # a liaison officer assigned to the case's enterprise now

    def includes(self, actor: User, case: Case) -> bool:
        if self is Party.COORDINATOR:
            return is_coordinator(actor) and answers_for(actor, case)
        if self is Party.LEADER:
            return actor.role == Role.LEADER and answers_for(actor, case)
        if self is Party.HAZARD_FINDER:
            return actor.role == Role.HANDLER and case.filed_by_id == actor.pk
        if self is Party.LEAD_DEPARTMENT:
            return is_lead_handler(actor, case)
        if self is Party.ENTERPRISE:
            return is_own_enterprise(actor, case)
        return is_assigned_liaison(actor, case.enterprise_id)


@dataclass(frozen=True)
class Condition:
    """A fact about the case a step needs besides its state (an extension request waiting), read
    both from a case and as a query; refused with `message`."""

    field: str
    values: frozenset[str | None]
    message: str
    negate: bool = False

    def holds(self, case: Case) -> bool:
        return (getattr(case, self.field) in self.values) != self.negate

    def q(self) -> Q:
        values = sorted(self.values, key=lambda value: (value is not None, value or ""))
        q = Q(**{self.field: values[0]}) if len(values) == 1 else Q(**{f"{self.field}__in": values})
        return ~q if self.negate else q


def _return_window_closed(case: Case) -> str | None:
    """Why the case can no longer be returned, or None while it can."""
    assigned_on = timezone.localtime(case.assigned_at).date() if case.assigned_at else timezone.localdate()
    if (
        WorkingCalendar().working_days_between(assigned_on, timezone.localdate())
        > deadlines.RETURN_WINDOW_DAYS
    ):
        return (
            f"交办已超过 {deadlines.RETURN_WINDOW_DAYS} 个工作日（{assigned_on} 交办），不能再退回；"
            "如确需调整，请联系营商办（专班）"
        )
    return None


def _extension_too_late(case: Case) -> str | None:
    current = timezone.localtime(case.deadline).date() if case.deadline else timezone.localdate()
    if (
        WorkingCalendar().working_days_between(timezone.localdate(), current)
        < deadlines.EXTENSION_NOTICE_DAYS
    ):
        return (
            f"延期须在办理时限（{current}）前至少 {deadlines.EXTENSION_NOTICE_DAYS} 个工作日申请，现已来不及"
        )
    return None


@dataclass(frozen=True)
class Exclusion:
    """Someone a step's parties include who may not take it on this case all the same (who
    reported a hazard rectified does not re-inspect it), for the kinds of case named; refused
    with `message`, and the page offers them no button."""

    kinds: frozenset[Kind]
    applies: Callable[[User, Case], bool]
    message: str


def _reported_it(actor: User, case: Case) -> bool:
    """Whether the actor reported the completion now waiting to be checked. A hazard is
    re-inspected by someone other than whoever reported it rectified, so nobody signs off their
    own work; ZHUQI_HAZARD_SELF_VERIFY lets one person do both where there is only one (a small
    township with a single inspector)."""
    if settings.ZHUQI_HAZARD_SELF_VERIFY:
        return False
    return bool(actor.pk) and case.completion_reported_by_id == actor.pk


@dataclass(frozen=True)
class Transition:
    """One step a person takes. `by` names who may take it, per kind of case; `refusal` is what
    someone else is told (per kind where it differs). `side`: a refusal, a return, an extension
    or a reopening, not the step that moves the case on (the page opens the forward one, and a
    side step puts no case in anyone's 待办). `conditions` are checked before the state, in
    order; `window`, once the step's input is read, says why it is too late (or None);
    `excluded`, who among the parties may not take it on a case all the same."""

    kinds: frozenset[Kind]
    from_states: frozenset[Status]
    to_states: frozenset[Status]
    by: dict[Kind, tuple[Party, ...]]
    refusal: dict[Kind, str]
    side: bool = False
    conditions: tuple[Condition, ...] = ()
    window: Callable[[Case], str | None] | None = None
    excluded: tuple[Exclusion, ...] = ()
    # The request fields the step's service reads, by its argument name: the page's form and the
    # API's payload use the same field names.
    fields: dict[str, str] = field(default_factory=dict)

    def parties(self, kind: str) -> tuple[Party, ...]:
        return self.by.get(Kind(kind), ())


def _transition(
    kinds: Iterable[Kind],
    from_states: Iterable[Status],
    to_states: Iterable[Status],
    *,
    by: Sequence[Party] | dict[Kind, tuple[Party, ...]],
    refusal: str | dict[Kind, str],
    side: bool = False,
    conditions: tuple[Condition, ...] = (),
    window: Callable[[Case], str | None] | None = None,
    excluded: tuple[Exclusion, ...] = (),
    fields: dict[str, str] | None = None,
) -> Transition:
    kinds = frozenset(kinds)
    return Transition(
        kinds=kinds,
        from_states=frozenset(from_states),
        to_states=frozenset(to_states),
        by=by if isinstance(by, dict) else dict.fromkeys(kinds, tuple(by)),
        refusal=refusal if isinstance(refusal, dict) else dict.fromkeys(kinds, refusal),
        side=side,
        conditions=conditions,
        window=window,
        excluded=excluded,
        fields=fields or {},
    )


DEMAND, INSTRUCTION, HAZARD = Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD
_WORKING = (Status.ASSIGNED, Status.IN_PROGRESS)
_EXTENSION_REQUESTED = Condition("extension", frozenset({Extension.REQUESTED}), "该事项没有待审批的延期申请")
# A member of a joint handling (联合办理) is stepped on by the joint handling, never alone: its
# page offers none of these steps, the API refuses them and no 待办 lists it (the joint
# handling's own 待办 entry stands for it). The enterprise's rating stays its own (CONFIRM).
NOT_JOINT = Condition(
    "joint_handling_id",
    frozenset({None}),
    "本诉求正在与其他企业的同类诉求联合办理：交办、签收、退回、延期、答复和重新办理均在联合办理页面统一进行；"
    "如需单独处理，请营商办先将其移出联合办理",
)

# The one table. In this order on the case page and in the refusal messages.
STEPS: dict[str, Transition] = {
    Step.ACCEPT: _transition(
        [DEMAND],
        [Status.SUBMITTED],
        [Status.ACCEPTED],
        by=[Party.COORDINATOR],
        refusal="只有营商办（专班）可以受理诉求",
    ),
    Step.REJECT: _transition(
        [DEMAND],
        [Status.SUBMITTED, Status.ACCEPTED],
        [Status.REJECTED],
        by=[Party.COORDINATOR],
        refusal="只有营商办（专班）可以作出不予受理的决定",
        side=True,
        # A member is taken out of its joint handling first (cases/joint.py).
        conditions=(NOT_JOINT,),
        fields={"reason": "reason", "duplicate_of_id": "duplicate_of"},
    ),
    Step.ASSIGN: _transition(
        ALL_KINDS,
        [Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED],
        [Status.ASSIGNED],
        by={
            DEMAND: (Party.COORDINATOR,),
            INSTRUCTION: (Party.COORDINATOR, Party.LEADER),
            HAZARD: (Party.COORDINATOR, Party.HAZARD_FINDER),
        },
        refusal="只有营商办（专班）可以交办事项",
        conditions=(NOT_JOINT,),
        fields={
            "lead_department_id": "lead_department",
            "co_department_ids": "co_departments",
            "deadline": "deadline",
            "complexity": "complexity",
        },
    ),
    Step.START: _transition(
        ALL_KINDS,
        [Status.ASSIGNED],
        [Status.IN_PROGRESS],
        by=[Party.LEAD_DEPARTMENT],
        refusal="只有牵头部门可以签收该事项",
        conditions=(NOT_JOINT,),
    ),
    Step.RETURN: _transition(
        ALL_KINDS,
        _WORKING,
        [Status.RETURNED],
        by=[Party.LEAD_DEPARTMENT],
        refusal="只有牵头部门可以退回该事项",
        side=True,
        conditions=(NOT_JOINT,),
        window=_return_window_closed,
    ),
    Step.REQUEST_EXTENSION: _transition(
        ALL_KINDS,
        _WORKING,
        _WORKING,
        by=[Party.LEAD_DEPARTMENT],
        refusal="只有牵头部门可以申请延期",
        side=True,
        conditions=(
            NOT_JOINT,
            Condition("extension", frozenset({Extension.NONE}), "每件事项只能申请一次延期，本事项已申请过"),
            Condition("urgency", frozenset({Urgency.SAME_DAY}), "日清日结事项不能延期", negate=True),
        ),
        window=_extension_too_late,
        fields={"requested_deadline": "requested_deadline"},
    ),
    Step.DECIDE_EXTENSION: _transition(
        ALL_KINDS,
        _WORKING,
        _WORKING,
        by=[Party.COORDINATOR],
        refusal="只有营商办（专班）可以审批延期",
        conditions=(NOT_JOINT, _EXTENSION_REQUESTED),
        fields={"approve": "approve", "new_deadline": "new_deadline"},
    ),
    Step.ANSWER: _transition(
        [DEMAND],
        _WORKING,
        [Status.ANSWERED],
        by=[Party.LEAD_DEPARTMENT],
        refusal="只有牵头部门可以答复该事项",
        conditions=(NOT_JOINT,),
        fields={"answer": "answer", "outcome": "outcome", "outcome_reason": "outcome_reason"},
    ),
    Step.CONFIRM: _transition(
        [DEMAND],
        [Status.ANSWERED],
        [Status.CLOSED, Status.IN_PROGRESS],
        by=[Party.ENTERPRISE, Party.LIAISON],
        refusal="只有提出诉求的企业（或其包联干部代为记录）可以评价",
        fields={"rating": "rating"},
    ),
    Step.REPORT_COMPLETION: _transition(
        [INSTRUCTION, HAZARD],
        _WORKING,
        [Status.COMPLETION_REPORTED],
        by={
            INSTRUCTION: (Party.LEAD_DEPARTMENT,),
            HAZARD: (Party.LEAD_DEPARTMENT, Party.ENTERPRISE, Party.LIAISON),
        },
        refusal={
            INSTRUCTION: "只有牵头部门可以报告交办事项的完成情况",
            HAZARD: "只有该企业、牵头部门或包联干部可以报告整改情况",
        },
        fields={"report": "report"},
    ),
    Step.VERIFY: _transition(
        [INSTRUCTION, HAZARD],
        [Status.COMPLETION_REPORTED],
        [Status.CLOSED, Status.IN_PROGRESS],
        by={INSTRUCTION: (Party.COORDINATOR,), HAZARD: (Party.COORDINATOR, Party.LEAD_DEPARTMENT)},
        refusal={
            INSTRUCTION: "只有营商办（专班）可以验收交办事项",
            HAZARD: "只有牵头部门或营商办可以复查隐患整改",
        },
        excluded=(
            Exclusion(
                frozenset({HAZARD}),
                _reported_it,
                # Marked for the catalogue: the page says it in the reader's language.
                gettext_noop("整改完成情况是您报告的，复查须由另一人进行（同一人不能既报告整改又复查销号）"),
            ),
        ),
        fields={"passed": "passed", "deadline": "deadline"},
    ),
    Step.REOPEN: _transition(
        ALL_KINDS,
        [Status.CLOSED],
        [Status.IN_PROGRESS],
        by=[Party.COORDINATOR],
        refusal="只有营商办（专班）可以重新启动已办结的事项",
        side=True,
        conditions=(NOT_JOINT,),
        fields={"deadline": "deadline"},
    ),
}

SIDE_STEPS = frozenset(step for step, transition in STEPS.items() if transition.side)

# The kinds of case that can be in each state (a case is filed as any kind): a queue narrows a
# state by kind only where its steps do not cover every kind that can be there.
_KINDS_IN: dict[Status, frozenset[Kind]] = {Status.SUBMITTED: ALL_KINDS}
for _transition_ in STEPS.values():
    for _state in _transition_.to_states:
        _KINDS_IN[_state] = _KINDS_IN.get(_state, frozenset()) | _transition_.kinds


# ---------------------------------------------------------------------------------------------
# Guards


def allowed_steps(case: Case) -> list[str]:
    """The steps the case's state allows, whoever takes them."""
    return [
        step
        for step, t in STEPS.items()
        if case.kind in t.kinds
        and case.status in t.from_states
        and all(condition.holds(case) for condition in t.conditions)
    ]


def _label_list(steps: Sequence[str]) -> str:
    return "、".join(f"{STEP_LABELS[s]}（{s}）" for s in steps) or "无（事项已结束）"


def check_step(case: Case, step: Step, *, joint_handling_id: int | None = None) -> None:
    """Refuse the step unless the case's facts (in the table's order) and state allow it.
    `joint_handling_id`: the step is taken by that joint handling for its member (cases/joint.py),
    which a member's own steps are refused for (NOT_JOINT)."""
    transition = STEPS[step]
    if joint_handling_id is not None and case.joint_handling_id != joint_handling_id:
        raise StepRefused(f"#{case.pk} 不是该联合办理的成员")
    for condition in transition.conditions:
        if condition is NOT_JOINT and joint_handling_id is not None:
            continue
        if not condition.holds(case):
            raise StepRefused(condition.message)
    if case.kind not in transition.kinds or case.status not in transition.from_states:
        raise StepRefused(
            f"{case.get_kind_display()}事项当前状态为“{case.status_label}”，不能{STEP_LABELS[step]}；"
            f"当前可进行的操作：{_label_list(allowed_steps(case))}"
        )


def check_window(case: Case, step: Step) -> None:
    window = STEPS[step].window
    too_late = window(case) if window else None
    if too_late:
        raise StepRefused(too_late)


def why_not(actor: User, case: Case, step: str) -> str | None:
    """Why this user may not take a step on this case (None: they may): not among the step's
    parties for the case's kind, or among them but excluded on this case."""
    transition = STEPS.get(step)
    if transition is None:
        return "没有这项操作"
    if not any(party.includes(actor, case) for party in transition.parties(case.kind)):
        return transition.refusal[Kind(case.kind)]
    for exclusion in transition.excluded:
        if case.kind in exclusion.kinds and exclusion.applies(actor, case):
            return exclusion.message
    return None


def held_back(actor: User, case: Case) -> list[str]:
    """Why this user, among a step's parties, may not take it on this case now (the steps the
    state allows that an exclusion keeps from them): the page says so instead of a button."""
    reasons = []
    for step in allowed_steps(case):
        transition = STEPS[step]
        if any(party.includes(actor, case) for party in transition.parties(case.kind)):
            reason = why_not(actor, case, step)
            if reason:
                reasons.append(reason)
    return reasons


def may_take(actor: User, case: Case, step: str) -> bool:
    """Who may take a step on a case. The services refuse by it and the case page offers the
    steps it allows, so a button is never shown that would then be refused."""
    return why_not(actor, case, step) is None


def steps_for(actor: User, case: Case) -> list[str]:
    """The steps this user may take on this case now (time windows included, so the page never
    offers a return or an extension request that would be refused as too late)."""
    return [
        step
        for step in allowed_steps(case)
        if may_take(actor, case, step) and not ((window := STEPS[step].window) and window(case))
    ]


# ---------------------------------------------------------------------------------------------
# Whose 待办: the cases a party may move on (a side step puts nothing in anyone's queue)


def waiting_q(party: Party) -> Q:
    """The cases waiting on `party`'s next step, as a query: one status list (so an index on
    (…, status, due_at) takes all of it), narrowed by kind where a step is not for every kind,
    and, for a step that needs a fact about the case as well, that fact with its states. A state
    whose every step here is refused to a joint handling's member (NOT_JOINT) leaves the members
    out, the same way: the joint handling waits on the party instead."""
    kinds_by_state: dict[Status, set[Kind]] = {}
    joint_free: dict[Status, bool] = {}
    conditioned: list[Q] = []
    for transition in STEPS.values():
        if transition.side:
            continue
        kinds = frozenset(kind for kind in transition.kinds if party in transition.parties(kind))
        if not kinds:
            continue
        states = sorted(transition.from_states, key=list(Status).index)
        facts = tuple(condition for condition in transition.conditions if condition is not NOT_JOINT)
        if facts:
            q = Q(status__in=states)
            for condition in transition.conditions:
                q = condition.q() & q
            conditioned.append(q if kinds == ALL_KINDS else q & _kind_q(kinds))
            continue
        for state in states:
            kinds_by_state.setdefault(state, set()).update(kinds)
            if Kind.DEMAND in kinds:  # only demands are handled jointly
                joint_free[state] = joint_free.get(state, True) and NOT_JOINT in transition.conditions
    if not kinds_by_state:
        plain = Q(pk__in=[])
    else:
        states = sorted(kinds_by_state, key=list(Status).index)
        plain = Q(status__in=states) if len(states) > 1 else Q(status=states[0])
        narrowed: dict[frozenset[Kind], list[Status]] = {}
        for state in states:
            if not _KINDS_IN[state] <= kinds_by_state[state]:
                narrowed.setdefault(frozenset(kinds_by_state[state]), []).append(state)
        for kinds, few in narrowed.items():
            plain &= (~Q(status__in=few) if len(few) > 1 else ~Q(status=few[0])) | _kind_q(kinds)
        free = [state for state in states if joint_free.get(state, False)]
        if len(free) == len(states):
            plain &= NOT_JOINT.q()
        elif free:
            plain &= (~Q(status__in=free) if len(free) > 1 else ~Q(status=free[0])) | NOT_JOINT.q()
    for q in conditioned:
        plain |= q
    return plain


def _kind_q(kinds: Iterable[Kind]) -> Q:
    ordered = sorted(kinds, key=list(Kind).index)
    return Q(kind=ordered[0]) if len(ordered) == 1 else Q(kind__in=ordered)
