"""Every deadline a case is given follows the deadline rules (时限规则): the category's rule, else
the rule for all categories, else 1/5/15, on China's working-day calendar.

The rules for all categories are rows with no category. They were never found (the lookup asked
for `category_id IN (x, NULL)`, which never matches NULL), so every case without a rule of its own
category fell back to 1/5/15: an urgent simple demand got 5 working days instead of 2, a normal
hazard 5 instead of 10. Each test below walks one kind × urgency × complexity through every step
that sets a clock, with and without a rule for its category, on a clock set in the week of the
2026 Mid-Autumn and National Day holidays so the working-day calendar matters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.cases import deadlines, services
from zhuqi.cases.models import Case, CaseCategory, DeadlinePolicy, Kind, Status, Urgency
from zhuqi.cases.services import NewCase, StepInput, StepRefused
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar, end_of_day
from zhuqi.testing.factories import PASSWORD

# The rules for all categories as seeded (migration 0002): (response, simple, complex) working days.
SEEDED_RULES = {
    (Kind.DEMAND, Urgency.NORMAL): (1, 5, 15),
    (Kind.DEMAND, Urgency.URGENT): (1, 2, 5),
    (Kind.INSTRUCTION, Urgency.NORMAL): (1, 5, 15),
    (Kind.INSTRUCTION, Urgency.URGENT): (1, 2, 5),
    (Kind.HAZARD, Urgency.NORMAL): (1, 10, 30),
    (Kind.HAZARD, Urgency.URGENT): (1, 3, 7),
}
# A rule for the case's own category, unlike any rule for all categories.
CATEGORY_RULE = (2, 4, 8)
# A rule for another category, which must never apply.
OTHER_CATEGORY_RULE = (3, 6, 12)

# Wednesday 23 September 2026: Friday the 25th is the Mid-Autumn holiday, 1–7 October National Day.
START = datetime.datetime(2026, 9, 23, 10, 0, tzinfo=SHANGHAI)


class Clock:
    """timezone.now() for the services, moved from working day to working day by the test."""

    def __init__(self) -> None:
        self.now = START
        self.calendar = WorkingCalendar()

    def __call__(self) -> datetime.datetime:
        return self.now

    def next_workday(self) -> datetime.datetime:
        day = self.calendar.next_workday(self.now.astimezone(SHANGHAI).date())
        self.now = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
        return self.now

    def on(self, day: datetime.date) -> datetime.datetime:
        self.now = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def due_after(start: datetime.datetime, days: int, urgency: str) -> datetime.datetime:
    """The expected deadline, counted with the working-day calendar."""
    calendar = WorkingCalendar()
    day = start.astimezone(SHANGHAI).date()
    if urgency == Urgency.SAME_DAY:
        # Every step in these tests is taken at 10:00 on a working day: due at 18:00 that day.
        assert calendar.is_workday(day) and start.astimezone(SHANGHAI).time() < datetime.time(17)
        return datetime.datetime.combine(day, datetime.time(18), tzinfo=SHANGHAI)
    return end_of_day(calendar.add_working_days(day, days))


def rule_days(kind: str, urgency: str, with_category_rule: bool) -> tuple[int, int, int]:
    if urgency == Urgency.SAME_DAY:
        return (0, 0, 0)
    return CATEGORY_RULE if with_category_rule else SEEDED_RULES[(kind, urgency)]


def file_case(cast: Any, finance: CaseCategory, kind: str, urgency: str, complexity: str) -> Case:
    extra: dict[str, Any] = {}
    if kind == Kind.HAZARD:
        extra = {"rule_breached": "《建筑灭火器配置设计规范》GB 50140", "evidence": "2号配电室未配置灭火器"}
    return services.case_create(
        actor=cast.coordinator,
        data=NewCase(
            kind=kind,
            title="时限规则测试事项",
            description="企业反映流动资金紧张",
            enterprise_id=cast.home.pk,
            category_id=finance.pk,
            urgency=urgency,
            complexity=complexity,
            source={Kind.DEMAND: "hotline", Kind.INSTRUCTION: "meeting", Kind.HAZARD: "inspection"}[kind],
            **extra,
        ),
    )


def close(cast: Any, case: Case) -> Case:
    if case.kind == Kind.DEMAND:
        case = services.case_answer(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            answer="已办",
            outcome="resolved",
        )
        return services.case_confirm(
            actor=cast.enterprise_user, case_id=case.pk, expected_version=case.version, rating=5
        )
    case = services.case_report_completion(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, report="已完成"
    )
    return services.case_verify(
        actor=cast.coordinator, case_id=case.pk, expected_version=case.version, passed=True
    )


@pytest.mark.parametrize("with_category_rule", [False, True], ids=["all-categories-rule", "category-rule"])
@pytest.mark.parametrize("complexity", ["simple", "complex"])
@pytest.mark.parametrize("urgency", [Urgency.NORMAL, Urgency.URGENT, Urgency.SAME_DAY])
@pytest.mark.parametrize("kind", [Kind.DEMAND, Kind.INSTRUCTION, Kind.HAZARD])
def test_every_clock_follows_the_rule_table(
    cast, finance, routed, clock, kind, urgency, complexity, with_category_rule
) -> None:
    labour = CaseCategory.objects.get(name="用工", parent=None)
    for category, days in ((labour, OTHER_CATEGORY_RULE), (finance, CATEGORY_RULE)):
        if category == finance and not with_category_rule:
            continue
        services.deadline_policy_save(
            actor=cast.admin,
            kind=kind,
            urgency=urgency,
            category_id=category.pk,
            response_days=days[0],
            simple_days=days[1],
            complex_days=days[2],
        )
    if urgency != Urgency.SAME_DAY:
        seeded = DeadlinePolicy.objects.get(kind=kind, urgency=urgency, category=None)
        assert (seeded.response_days, seeded.simple_days, seeded.complex_days) == SEEDED_RULES[
            (kind, urgency)
        ]
    response, simple, complex_ = rule_days(kind, urgency, with_category_rule)
    answer = complex_ if complexity == "complex" else simple

    def assert_assigned(case: Case, at: datetime.datetime) -> None:
        assert case.status == Status.ASSIGNED and not case.deadline_explicit
        assert case.response_due == due_after(at, response, urgency)
        assert case.deadline == case.due_at == due_after(at, answer, urgency)
        assert not case.deadline_provisional

    # Filing: the coordinator is on the clock to accept and route it.
    case = file_case(cast, finance, kind, urgency, complexity)
    assert case.accept_due == case.due_at == due_after(START, response, urgency)

    # Accepting (demands only): the coordinator's clock starts again, to route it.
    if kind == Kind.DEMAND:
        at = clock.next_workday()
        case = services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
        assert case.due_at == due_after(at, response, urgency)

    # Assigning to a department: the response (签收) and answer deadlines.
    at = clock.next_workday()
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    assert_assigned(case, at)

    # Returned the next working day: the coordinator's clock, to reassign it.
    at = clock.next_workday()
    case = services.case_return(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, step=StepInput("不属于本部门职责")
    )
    assert case.status == Status.RETURNED and case.due_at == due_after(at, response, urgency)

    # Reassigned: counted again from the reassignment.
    at = clock.next_workday()
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    assert_assigned(case, at)

    # Returned again, then assigned in bulk by the routing catalogue.
    clock.next_workday()
    case = services.case_return(
        actor=cast.handler, case_id=case.pk, expected_version=case.version, step=StepInput("仍不属于")
    )
    at = clock.next_workday()
    [case] = services.bulk_assign(actor=cast.coordinator, cases=[(case.pk, case.version)])
    assert case.lead_department_id == cast.handler.department_id
    assert_assigned(case, at)

    # An extension: asked at least one working day before the rule's deadline, not on its last day.
    deadline_day = case.deadline.astimezone(SHANGHAI).date()
    wanted = deadline_day + datetime.timedelta(days=20)
    if urgency == Urgency.SAME_DAY:
        with pytest.raises(StepRefused, match="日清日结"):
            services.case_request_extension(
                actor=cast.handler,
                case_id=case.pk,
                expected_version=case.version,
                requested_deadline=wanted,
                step=StepInput("需要更多时间"),
            )
    else:
        assigned_at = clock.now
        clock.on(deadline_day)
        with pytest.raises(StepRefused, match="来不及"):
            services.case_request_extension(
                actor=cast.handler,
                case_id=case.pk,
                expected_version=case.version,
                requested_deadline=wanted,
                step=StepInput("需要更多时间"),
            )
        last_chance = deadline_day - datetime.timedelta(days=1)
        while not clock.calendar.is_workday(last_chance):
            last_chance -= datetime.timedelta(days=1)
        assert last_chance >= assigned_at.date()
        clock.on(last_chance)
        case = services.case_request_extension(
            actor=cast.handler,
            case_id=case.pk,
            expected_version=case.version,
            requested_deadline=wanted,
            step=StepInput("需要更多时间"),
        )
        case = services.case_decide_extension(
            actor=cast.coordinator, case_id=case.pk, expected_version=case.version, approve=True
        )
        assert case.deadline == case.due_at == end_of_day(wanted) and case.deadline_explicit

    # Closed, then reopened: a fresh deadline by the rule, from the reopening.
    case = close(cast, case)
    assert case.status == Status.CLOSED
    at = clock.next_workday()
    case = services.case_reopen(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        step=StepInput("企业反映仍未解决"),
    )
    assert case.status == Status.IN_PROGRESS and not case.deadline_explicit
    assert case.deadline == case.due_at == due_after(at, answer, urgency)


def test_a_sub_category_follows_its_parent_categorys_rule(cast, finance, clock) -> None:
    loans = CaseCategory.objects.create(name="续贷", parent=finance)
    services.deadline_policy_save(
        actor=cast.admin,
        kind=Kind.DEMAND,
        urgency=Urgency.NORMAL,
        category_id=finance.pk,
        response_days=2,
        simple_days=3,
        complex_days=4,
    )
    case = file_case(cast, loans, Kind.DEMAND, Urgency.NORMAL, "simple")
    assert deadlines.policy_days(case) == (2, 3, 4)
    # Its own rule, when it has one, is more specific still.
    services.deadline_policy_save(
        actor=cast.admin,
        kind=Kind.DEMAND,
        urgency=Urgency.NORMAL,
        category_id=loans.pk,
        response_days=1,
        simple_days=1,
        complex_days=1,
    )
    assert deadlines.policy_days(case) == (1, 1, 1)


def test_no_rule_at_all_falls_back_to_1_5_15(cast, finance, clock) -> None:
    DeadlinePolicy.objects.filter(kind=Kind.HAZARD, urgency=Urgency.URGENT).delete()
    case = file_case(cast, finance, Kind.HAZARD, Urgency.URGENT, "simple")
    assert deadlines.policy_days(case) == deadlines.DEFAULT_DAYS == (1, 5, 15)


def test_an_edit_on_the_deadline_rules_page_changes_the_next_deadline(cast, finance, clock) -> None:
    admin = Client()
    assert admin.login(username=cast.admin.username, password=PASSWORD)
    response = admin.post(
        "/cases/deadlines",
        {"kind": "demand", "urgency": "normal", "response_days": 2, "simple_days": 3, "complex_days": 7},
    )
    assert response.status_code == 302
    page = admin.get("/cases/routing/").content.decode()
    assert "先用该类别的规则" in page
    assert (
        "逾期第 1 个工作日催办，第 3 个工作日起督办（告知本地区领导），第 6 个工作日起列入调度会通报" in page
    )
    case = file_case(cast, finance, Kind.DEMAND, Urgency.NORMAL, "complex")
    assert case.due_at == due_after(START, 2, Urgency.NORMAL)
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    assert case.deadline == due_after(START, 7, Urgency.NORMAL)
    # A rule for the case's category, set on the same page, takes over from the next case on.
    admin.post(
        "/cases/deadlines",
        {
            "kind": "demand",
            "urgency": "normal",
            "category": finance.pk,
            "response_days": 1,
            "simple_days": 2,
            "complex_days": 4,
        },
    )
    later = file_case(cast, finance, Kind.DEMAND, Urgency.NORMAL, "complex")
    later = services.case_assign(
        actor=cast.coordinator,
        case_id=later.pk,
        expected_version=later.version,
        lead_department_id=cast.handler.department_id,
    )
    assert later.deadline == due_after(START, 4, Urgency.NORMAL)
    # The deadline already given is kept: it was promised.
    case.refresh_from_db()
    assert case.deadline == due_after(START, 7, Urgency.NORMAL)


def test_no_query_asks_for_null_inside_an_in_list() -> None:
    """`field__in=[x, None]` never matches NULL (SQL), and Django drops the None besides: a rule
    "for all" (a NULL column) asked for that way is silently never found. Ask with __isnull."""
    import ast
    from pathlib import Path

    source = Path(deadlines.__file__).resolve().parents[1]
    offenders = []
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.keyword) or not (node.arg or "").endswith("__in"):
                continue
            if isinstance(node.value, ast.List | ast.Tuple | ast.Set) and any(
                isinstance(item, ast.Constant) and item.value is None for item in node.value.elts
            ):
                offenders.append(f"{path.relative_to(source)}:{node.value.lineno}")
    assert offenders == []
