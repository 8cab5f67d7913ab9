"""The dispatch meetings' figures, from cases taken through the workflow on a controlled clock.

Every test builds cases with the services, so a figure is checked against what the workflow
really records; each rate is asserted as numerator/denominator, so a definition that counted
the wrong cases fails even when the percentage happens to agree."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.cases import figures, services
from zhuqi.cases.models import Case, CaseDayTallyChange, CaseOpenTally, CaseOpenTallyChange, Kind
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.cases.sweep import sweep
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.core.periods import Period
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.directory.models import Department
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import PASSWORD, DepartmentFactory, make_user

MARCH = Period.between(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
FEBRUARY = Period.between(datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
APRIL = Period.between(datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


class Clock:
    """timezone.now() for the services, the sweep and the figures, moved by the test."""

    def __init__(self) -> None:
        self.now = at(3, 3)

    def __call__(self) -> datetime.datetime:
        return self.now

    def set(self, when: datetime.datetime) -> None:
        self.now = when


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # 3 March 2025 is a Monday; March 2025 has no holidays, so its working days are its weekdays.
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


class Desk:
    """Takes demands through the workflow for the tests, each step at the clock's time."""

    def __init__(self, cast: Any, finance: Any, clock: Clock) -> None:
        self.cast, self.finance, self.clock = cast, finance, clock
        self.handlers: dict[int, Any] = {}

    def handler(self, department: Department) -> Any:
        if department.pk == self.cast.handler.department_id:
            return self.cast.handler
        if department.pk not in self.handlers:
            self.handlers[department.pk] = make_user(
                f"handler-{department.pk}", "handler", department=department
            )
        return self.handlers[department.pk]

    def _at(self, when: datetime.datetime | None) -> None:
        if when is not None:
            self.clock.set(when)

    def assigned(
        self,
        department: Department,
        when: datetime.datetime,
        *,
        deadline: datetime.date | None = None,
        enterprise: Any = None,
    ) -> Case:
        self._at(when)
        if enterprise is None:
            case = file_demand(self.cast, self.finance)
        else:
            case = services.case_create(
                actor=self.cast.admin,
                data=NewCase(
                    kind=Kind.DEMAND,
                    title="用地指标",
                    description="项目用地指标不足",
                    category_id=self.finance.pk,
                    enterprise_id=enterprise.pk,
                    source="hotline",
                ),
            )
        return services.case_assign(
            actor=self.cast.admin,
            case_id=case.pk,
            expected_version=case.version,
            lead_department_id=department.pk,
            deadline=deadline,
        )

    def start(self, case: Case, when: datetime.datetime | None = None) -> Case:
        self._at(when)
        case.refresh_from_db()
        return services.case_start(
            actor=self.handler(case.lead_department), case_id=case.pk, expected_version=case.version
        )

    def answer(self, case: Case, outcome: str, when: datetime.datetime | None = None) -> Case:
        self._at(when)
        case.refresh_from_db()
        return services.case_answer(
            actor=self.handler(case.lead_department),
            case_id=case.pk,
            expected_version=case.version,
            answer="已办理",
            outcome=outcome,
            outcome_reason="outside_remit" if outcome == "not_resolvable" else "",
        )

    def rate(self, case: Case, rating: int, when: datetime.datetime | None = None) -> Case:
        self._at(when)
        case.refresh_from_db()
        return services.case_confirm(
            actor=self.cast.enterprise_user,
            case_id=case.pk,
            expected_version=case.version,
            rating=rating,
            step=StepInput("仍未解决" if rating <= 2 else ""),
        )


@pytest.fixture
def desk(clock: Clock, cast: Any, finance: Any) -> Desk:
    return Desk(cast, finance, clock)


@pytest.fixture
def other(cast: Any) -> Department:
    return DepartmentFactory(name="霍林郭勒市自然资源局")


def table(user: Any, period: Period = MARCH, **options: Any) -> dict[Any, figures.FigureRow]:
    result = figures.figures_for(user=user, period=period, **options)
    # Every table of these tests is also the check of the day tallies (cases.tallies): the same
    # figures as counted from the cases themselves, row by row, at the clock's moment.
    counted = figures.figures_for(user=user, period=period, tallied=False, **options)
    assert result.rows == counted.rows and result.total == counted.total
    return {row.key: row for row in result.rows} | {"total": result.total}


def fraction(row: figures.FigureRow, numerator: str, denominator: str) -> tuple[int, int]:
    return getattr(row, numerator), getattr(row, denominator)


# --- the definitions --------------------------------------------------------------------------


def test_response_counts_each_case_once_in_the_period_its_response_was_settled(desk, cast, clock) -> None:
    department = cast.handler.department
    on_time = desk.start(desk.assigned(department, at(3, 3)), at(3, 3, 10))
    signed_late = desk.start(desk.assigned(department, at(3, 3)), at(3, 6))
    never_signed = desk.assigned(department, at(3, 4))
    # Signed on 31 March for a response due on 1 April: on time, and settled in March.
    early = desk.start(desk.assigned(department, at(3, 31)), at(3, 31, 10))
    # Due on 1 April and not yet signed for on 1 April at noon: not yet settled, in no period.
    pending = desk.assigned(department, at(3, 31, 11))
    # Due in February, signed for in March: late, and counted in February only.
    february = desk.start(desk.assigned(department, at(2, 27)), at(3, 3, 11))
    clock.set(at(4, 1, 12))
    assert [c.responded_on_time for c in (on_time, signed_late, early, february)] == [
        True,
        False,
        True,
        False,
    ]

    march = table(cast.coordinator)[department.pk]
    assert fraction(march, "responded_on_time", "response_due") == (2, 4)
    assert march.response_rate == 0.5
    assert fraction(
        table(cast.coordinator, FEBRUARY)[department.pk], "responded_on_time", "response_due"
    ) == (
        0,
        1,
    )
    assert table(cast.coordinator, APRIL)[department.pk].response_due == 0
    # Once its due time passes unsigned it counts, late, in April.
    clock.set(at(4, 2, 9))
    assert fraction(table(cast.coordinator, APRIL)[department.pk], "responded_on_time", "response_due") == (
        0,
        1,
    )
    assert never_signed.started_at is None and pending.started_at is None


def test_on_time_answer_is_judged_on_the_first_answer_and_a_reopening_does_not_excuse_it(
    desk, cast, clock
) -> None:
    department = cast.handler.department
    deadline = datetime.date(2025, 3, 7)
    in_time = desk.answer(desk.assigned(department, at(3, 3), deadline=deadline), "resolved", at(3, 6))
    late = desk.answer(desk.assigned(department, at(3, 3), deadline=deadline), "resolved", at(3, 10))
    desk.assigned(department, at(3, 3), deadline=deadline)  # never answered
    clock.set(at(3, 20))
    march = table(cast.coordinator)[department.pk]
    assert fraction(march, "answered_on_time", "answer_due") == (1, 3)

    # The enterprise sends the late answer back: the case gets a new deadline, but its first
    # answer stays late, and stays in March.
    late = desk.rate(late, 2, at(3, 21))
    assert late.deadline > late.first_answered_at and late.answered_on_time is False
    desk.answer(late, "resolved", at(3, 24))
    march = table(cast.coordinator)[department.pk]
    assert fraction(march, "answered_on_time", "answer_due") == (1, 3)
    assert in_time.answered_on_time is True


def test_resolution_counts_the_honest_outcome_of_every_demand_that_had_to_be_answered(
    desk, cast, clock
) -> None:
    department = cast.handler.department
    sat_on = desk.assigned(department, at(3, 3))  # due on 10 March, never answered
    outcomes = ["resolved", "partly_resolved", "not_resolvable", "resolved"]
    cases = [desk.assigned(department, at(3, 3)) for _ in outcomes]
    resolved, _, _, disputed = [
        desk.answer(case, outcome, at(3, 5)) for case, outcome in zip(cases, outcomes, strict=True)
    ]
    desk.rate(disputed, 1, at(3, 6))
    row = table(cast.coordinator)[department.pk]
    # On 6 March the unanswered demand is not yet due: it is in no period's figures.
    assert (row.demands_due, row.resolved, row.partly_resolved, row.not_resolvable, row.disputed) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert row.resolution_rate == 0.25
    # Once its deadline has passed, not answering counts against resolution as surely as
    # answering "not resolvable" would: sitting on a demand cannot keep it out.
    clock.set(at(3, 11))
    row = table(cast.coordinator)[department.pk]
    assert (row.demands_due, row.resolved, row.unanswered) == (5, 1, 1)
    # The department says "resolved" again; the outcome stands and the demand stays in March.
    desk.answer(disputed, "resolved", at(4, 2))
    row = table(cast.coordinator)[department.pk]
    assert fraction(row, "resolved", "demands_due") == (2, 5) and row.disputed == 0
    assert table(cast.coordinator, APRIL)[department.pk].demands_due == 0
    assert resolved.outcome == "resolved" and sat_on.first_answered_at is None


def test_closing_early_raises_neither_resolution_nor_satisfaction(desk, cast, clock, other) -> None:
    """Two departments get the same two demands. One works them and reports honestly; the other
    answers "not resolvable" at once and lets the answers close unrated. The second closes more,
    sooner, and must rank lower, not higher."""
    honest, hasty = cast.handler.department, other
    worked = [desk.assigned(honest, at(3, 3)) for _ in range(2)]
    hasty_cases = [
        desk.answer(desk.assigned(hasty, at(3, 3)), "not_resolvable", at(3, 3, 10)) for _ in range(2)
    ]
    for case in worked:
        desk.rate(desk.answer(case, "resolved", at(3, 5)), 4, at(3, 6))
    before = table(cast.coordinator)
    # Five working days without a rating: the sweep closes both as not rated.
    report = sweep(now=hasty_cases[0].auto_close_at + datetime.timedelta(minutes=1))
    assert report.closed_not_rated == 2
    clock.set(at(3, 20))
    after = table(cast.coordinator)

    assert after[hasty.pk].closed == 2 and before[hasty.pk].closed == 0
    for rows in (before, after):
        assert fraction(rows[hasty.pk], "resolved", "demands_due") == (0, 2)
        assert rows[hasty.pk].resolution_rate == 0.0
        # No rating given: no satisfaction rate at all, not 100 %; the unrated closures are shown.
        assert rows[hasty.pk].satisfaction_rate is None and rows[hasty.pk].ratings_given == 0
        assert rows[honest.pk].resolution_rate == 1.0 and rows[honest.pk].satisfaction_rate == 1.0
    assert (before[hasty.pk].not_rated, after[hasty.pk].not_rated) == (0, 2)
    ranked = figures.figures_for(user=cast.coordinator, period=MARCH, sort="resolution_rate").rows
    assert [row.key for row in ranked] == [honest.pk, hasty.pk]


def test_a_demand_closed_with_resolved_but_unrated_counts_resolved_and_adds_no_satisfaction(
    desk, cast, clock
) -> None:
    department = cast.handler.department
    rated, unrated = desk.assigned(department, at(3, 3)), desk.assigned(department, at(3, 3))
    unrated = desk.answer(unrated, "resolved", at(3, 4))
    desk.answer(rated, "resolved", at(3, 4))
    desk.rate(rated, 2, at(3, 5))  # unsatisfied: reopened
    desk.answer(rated, "resolved", at(3, 7))
    desk.rate(rated, 5, at(3, 10))  # the enterprise gives in
    before = table(cast.coordinator)[department.pk]
    sweep(now=unrated.auto_close_at + datetime.timedelta(minutes=1))
    clock.set(at(3, 25))
    after = table(cast.coordinator)[department.pk]
    # Every rating counts, the one that reopened the case too: 1 satisfied of 2, not 1 of 1.
    for row in (before, after):
        assert fraction(row, "satisfied_ratings", "ratings_given") == (1, 2)
        assert row.satisfaction_rate == 0.5
        assert fraction(row, "resolved", "demands_due") == (2, 2)
    assert (before.not_rated, after.not_rated) == (0, 1)


def test_average_working_days_from_assignment_to_close(desk, cast, clock) -> None:
    department = cast.handler.department
    quick, slow = desk.assigned(department, at(3, 3)), desk.assigned(department, at(3, 3))
    desk.answer(quick, "resolved", at(3, 5))
    desk.answer(slow, "resolved", at(3, 5))
    desk.rate(quick, 5, at(3, 7))  # Monday to Friday: 4 working days
    slow = desk.rate(slow, 5, at(3, 10))  # to the next Monday, over a weekend: 5
    assert (Case.objects.get(pk=quick.pk).working_days_to_close, slow.working_days_to_close) == (4, 5)
    row = table(cast.coordinator)[department.pk]
    assert (row.closed, row.average_days_to_close) == (2, 4.5)

    # Reopened, the case leaves the closed figures; closed again, it counts from its assignment.
    clock.set(at(3, 11))
    slow = services.case_reopen(
        actor=cast.coordinator, case_id=slow.pk, expected_version=slow.version, step=StepInput("企业反映")
    )
    assert slow.working_days_to_close is None
    row = table(cast.coordinator)[department.pk]
    assert (row.closed, row.average_days_to_close) == (1, 4.0)
    desk.rate(desk.answer(slow, "resolved", at(3, 12)), 4, at(3, 14))
    assert table(cast.coordinator)[department.pk].average_days_to_close == (4 + 9) / 2


def test_open_late_escalated_and_flagged_are_the_state_now(desk, cast, clock) -> None:
    department = cast.handler.department
    late = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 5))
    desk.assigned(department, at(3, 3))
    desk.rate(desk.answer(desk.assigned(department, at(3, 3)), "resolved", at(3, 4)), 5, at(3, 4))
    clock.set(at(3, 6, 9))
    row = table(cast.coordinator)[department.pk]
    # Not yet swept: past its time all the same.
    assert (row.open, row.late, row.escalated, row.supervised, row.flagged) == (2, 1, 0, 0, 0)
    # One working day late on the other (due 10 March): 催办; the first is 4 days late: 督办.
    clock.set(at(3, 11, 9))
    sweep(now=clock.now)
    row = table(cast.coordinator)[department.pk]
    assert (row.open, row.late, row.escalated, row.supervised, row.flagged) == (2, 2, 2, 1, 0)
    sixth = WorkingCalendar().add_working_days(datetime.date(2025, 3, 5), 6)
    clock.set(datetime.datetime.combine(sixth, datetime.time(9), tzinfo=SHANGHAI))
    sweep(now=clock.now)
    row = table(cast.coordinator)[department.pk]
    # Six working days late: 通报; the other is three days late now: 督办. The counts nest.
    assert (row.open, row.late, row.escalated, row.supervised, row.flagged) == (2, 2, 2, 2, 1)
    assert Case.objects.get(pk=late.pk).escalation_level == "notice"
    assert Case.objects.get(pk=late.pk).flagged_for_notice
    # Cases received after the period are not in its counts.
    assert set(table(cast.coordinator, FEBRUARY)) == {"total"}


def test_a_rate_with_nothing_due_is_none_and_shown_as_a_dash(desk, cast, clock) -> None:
    department = cast.handler.department
    desk.assigned(department, at(3, 3))
    row = table(cast.coordinator)[department.pk]
    assert (row.response_rate, row.answer_rate, row.resolution_rate, row.satisfaction_rate) == (
        None,
        None,
        None,
        None,
    )
    assert row.average_days_to_close is None and row.cases == 1


def test_instructions_have_their_own_figures_and_no_resolution_rate(desk, cast, clock, finance) -> None:
    instruction = services.case_create(
        actor=cast.leader,
        data=NewCase(
            kind=Kind.INSTRUCTION,
            title="协调用电价格",
            category_id=finance.pk,
            source="visit",
            enterprise_id=cast.home.pk,
            lead_department_id=cast.handler.department_id,
            deadline=datetime.date(2025, 3, 10),
        ),
    )
    desk.answer(desk.assigned(cast.handler.department, at(3, 3)), "resolved", at(3, 4))
    clock.set(at(3, 5))
    services.case_report_completion(
        actor=cast.handler, case_id=instruction.pk, expected_version=instruction.version, report="已协调"
    )
    row = table(cast.coordinator, kind=Kind.INSTRUCTION)[cast.handler.department_id]
    assert (row.cases, row.answer_due, row.answered_on_time, row.demands_due) == (1, 1, 1, 0)
    assert row.resolution_rate is None
    assert table(cast.coordinator)[cast.handler.department_id].cases == 1  # demands by default


# --- grouping and scope -----------------------------------------------------------------------


def test_region_rows_are_the_subdivisions_of_the_jurisdiction(desk, cast, clock) -> None:
    department = cast.handler.department
    desk.assigned(department, at(3, 3))
    desk.assigned(department, at(3, 3), enterprise=cast.tongliao)
    desk.assigned(department, at(3, 3), enterprise=cast.datong)
    clock.set(at(3, 10))
    # The Tongliao leader: its counties; the admin: provinces; a county's coordinator: its county.
    # The Datong case a Huolinguole office leads is in the leader's department rows, not a region row.
    leader = table(cast.leader, group_by="region")
    assert {key: row.cases for key, row in leader.items()} == {"150502": 1, "150581": 1, "total": 2}
    assert leader["150581"].name == "霍林郭勒市"
    admin = table(cast.admin, group_by="region")
    assert {key: row.cases for key, row in admin.items()} == {"150000": 2, "140000": 1, "total": 3}
    assert {key for key in table(cast.coordinator, group_by="region")} == {"150581", "total"}
    assert {key for key in table(cast.coordinator, group_by="region", level="province")} == {
        "150581",
        "total",
    }
    # A region chosen inside the jurisdiction narrows to it and groups below it.
    assert {k for k in table(cast.admin, group_by="region", region="150500")} == {"150502", "150581", "total"}
    assert {k for k in table(cast.admin, group_by="region", region="150500", level="prefecture")} == {
        "150500",
        "total",
    }
    with pytest.raises(ValidationFailed) as refusal:
        table(cast.coordinator, group_by="region", region="140200")
    assert refusal.value.errors[0].field == "region"


def test_each_role_sees_its_own_scope(desk, cast, clock, other) -> None:
    desk.assigned(cast.handler.department, at(3, 3))
    desk.assigned(other, at(3, 3))
    desk.assigned(cast.handler.department, at(3, 3), enterprise=cast.datong)
    file_demand(cast, desk.finance)  # not yet assigned
    clock.set(at(3, 10))
    everyone = {cast.handler.department_id: 2, other.pk: 1, None: 1, "total": 4}
    for user in (cast.admin, cast.auditor):
        assert {key: row.cases for key, row in table(user).items()} == everyone
    # Theirs, and the Datong enterprise's case a Huolinguole office leads: its work is theirs to
    # supervise (docs/visibility.md), and Datong's coordinator sees it as Datong's.
    local = {cast.handler.department_id: 2, other.pk: 1, None: 1, "total": 4}
    for user in (cast.leader, cast.coordinator):
        assert {key: row.cases for key, row in table(user).items()} == local
    assert {key: row.cases for key, row in table(cast.outsider).items()} == {
        cast.handler.department_id: 1,
        "total": 1,
    }
    # A handler: their own department's row only, even though it supports cases of others.
    supported = desk.assigned(other, at(3, 11))
    supported.co_departments.add(cast.handler.department)
    assert {key: row.cases for key, row in table(cast.handler).items()} == {
        cast.handler.department_id: 2,
        "total": 2,
    }
    assert table(cast.handler)["total"].cases == 2
    for user in (cast.enterprise_user, cast.liaison):
        with pytest.raises(PermissionDenied):
            table(user)


# --- the API, the page and the export -------------------------------------------------------


def test_the_api_returns_rows_total_and_definitions(desk, cast, clock) -> None:
    department = cast.handler.department
    desk.rate(desk.answer(desk.assigned(department, at(3, 3)), "resolved", at(3, 4)), 5, at(3, 5))
    clock.set(at(3, 10))
    response = token_client("coordinator").get("/api/v1/cases/figures?from=2025-03-01&to=2025-03-31")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {
        "from": "2025-03-01",
        "to": "2025-03-31",
        "preset": "",
        "label": "2025-03-01 至 2025-03-31",
    }
    assert body["group_by"] == "department" and body["kind"] == "demand"
    assert body["definitions_url"].endswith("/cases/figures/#definitions")
    assert set(body["definitions"]) >= {"response_rate", "resolution_rate", "satisfaction_rate"}
    [row] = body["rows"]
    assert row["key"] == department.pk and row["name"] == department.name
    assert (row["response_due"], row["responded_on_time"], row["response_rate"]) == (1, 1, 1.0)
    assert (row["resolved"], row["demands_due"], row["resolution_rate"]) == (1, 1, 1.0)
    assert (row["satisfied_ratings"], row["ratings_given"], row["satisfaction_rate"]) == (1, 1, 1.0)
    assert row["average_days_to_close"] == 2.0 and "days_to_close" not in row
    assert body["total"]["cases"] == 1
    this_month = token_client("coordinator").get("/api/v1/cases/figures?period=month").json()
    assert this_month["period"]["from"] == "2025-03-01" and this_month["period"]["preset"] == "month"
    schema = Client().get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/cases/figures"]["get"]["parameters"]}
    assert parameters == {"group_by", "kind", "period", "from", "to", "region", "level", "sort"}


def test_the_api_refuses_bad_parameters_and_roles(cast, clock) -> None:
    client = token_client("coordinator")
    bad = client.get("/api/v1/cases/figures?from=2025-03-31&to=2025-03-01")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "to"]
    assert client.get("/api/v1/cases/figures?from=2025-03-31").status_code == 422
    assert client.get("/api/v1/cases/figures?from=31.3.2025&to=2025-04-01").status_code == 422
    assert client.get("/api/v1/cases/figures?group_by=enterprise").status_code == 422
    assert client.get("/api/v1/cases/figures?period=decade").status_code == 422
    assert client.get("/api/v1/cases/figures?sort=closed").status_code == 422
    assert client.get("/api/v1/cases/figures?kind=visit").status_code == 422
    for username in ("enterprise", "liaison"):
        refused = token_client(username).get("/api/v1/cases/figures")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert Client().get("/api/v1/cases/figures").status_code == 401
    # "figures" is not taken for a case number.
    assert client.get("/api/v1/cases/figures").status_code == 200


def test_the_api_runs_the_same_queries_for_one_row_or_many(
    desk, cast, clock, django_assert_num_queries
) -> None:
    desk.answer(desk.assigned(cast.handler.department, at(3, 3)), "resolved", at(3, 4))
    clock.set(at(3, 10))
    client = token_client("coordinator")
    url = "/api/v1/cases/figures?period=month"
    client.get(url)  # the token's last use is written once a minute; keep that write out
    # Token, root region, the cases reached from outside the jurisdiction (CaseReach), the day
    # tallies' sums, today's cases, the open tallies' sums, the cases late since the sweep's last
    # marks, the row names.
    with django_assert_num_queries(8):
        assert len(client.get(url).json()["rows"]) == 1
    for index in range(4):
        department = DepartmentFactory(name=f"部门{index}")
        desk.rate(desk.answer(desk.assigned(department, at(3, 4)), "resolved", at(3, 5)), 4, at(3, 6))
    clock.set(at(3, 10))
    with django_assert_num_queries(8):
        assert len(client.get(url).json()["rows"]) == 5
    with django_assert_num_queries(8):
        assert len(client.get(url + "&group_by=region").json()["rows"]) == 1


def page_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_page_ranks_and_exports_the_same_table(desk, cast, clock, other) -> None:
    department = cast.handler.department
    desk.rate(desk.answer(desk.assigned(department, at(3, 3)), "resolved", at(3, 4)), 5, at(3, 5))
    desk.answer(desk.assigned(other, at(3, 3)), "not_resolvable", at(3, 4))
    desk.answer(desk.assigned(other, at(3, 3)), "resolved", at(3, 4))
    clock.set(at(3, 10))
    client = page_client("coordinator")
    query = "from=2025-03-01&to=2025-03-31&group_by=department&kind=demand"
    page = client.get(f"/cases/figures/?{query}&sort=resolution_rate")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="definitions"' in html and "满意率" in html
    assert html.index(department.name) < html.index(other.name)
    assert "100.0%" in html and "50.0%" in html and "—" in html
    partial = client.get(f"/cases/figures/?{query}&sort=resolution_rate", headers={"HX-Request": "true"})
    assert (
        partial.status_code == 200 and b"<h1>" not in partial.content and b'id="results"' in partial.content
    )
    bad = client.get("/cases/figures/?from=2025-03-31&to=2025-03-01")
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()

    export = client.get(f"/cases/figures/?{query}&sort=resolution_rate&export=xlsx")
    assert export.status_code == 200 and export["Content-Disposition"].endswith('20250301-20250331.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[3]
    assert header[0] == "牵头部门" and "响应率" in header and "解决率" in header
    column = {title: index for index, title in enumerate(header)}
    first, second, total = rows[4], rows[5], rows[6]
    assert (first[0], second[0], total[0]) == (department.name, other.name, "合计")
    assert (first[column["解决率"]], second[column["解决率"]], total[column["解决率"]]) == (1.0, 0.5, 0.6667)
    assert (first[column["满意率"]], second[column["满意率"]]) == (1.0, None)
    assert sheet.cell(5, column["解决率"] + 1).number_format == "0.0%"
    assert "2025-03-01 至 2025-03-31" in rows[1][0]
    assert any(row[0] and str(row[0]).startswith("满意率 =") for row in rows[8:])


def test_the_page_is_refused_to_enterprises_and_liaison_officers(cast, clock) -> None:
    for username in ("enterprise", "liaison"):
        refused = page_client(username).get("/cases/figures/")
        assert refused.status_code == 403 and "您的角色不能查看办理情况统计" in refused.content.decode()
    assert Client().get("/cases/figures/").status_code == 302
    assert page_client("handler").get("/cases/figures/").status_code == 200


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "today", "start", "end"),
    [
        ("month", "2025-02-14", "2025-02-01", "2025-02-28"),
        ("last_month", "2025-01-14", "2024-12-01", "2024-12-31"),
        ("quarter", "2025-05-31", "2025-04-01", "2025-06-30"),
        ("quarter", "2025-12-31", "2025-10-01", "2025-12-31"),
        ("last_quarter", "2025-02-01", "2024-10-01", "2024-12-31"),
        ("year", "2025-07-01", "2025-01-01", "2025-12-31"),
        ("last_year", "2025-07-01", "2024-01-01", "2024-12-31"),
    ],
)
def test_preset_periods(preset: str, today: str, start: str, end: str) -> None:
    period = figures.preset_period(preset, datetime.date.fromisoformat(today))
    assert (period.start, period.end) == (
        datetime.date.fromisoformat(start),
        datetime.date.fromisoformat(end),
    )


def test_a_period_runs_from_the_first_midnight_to_the_midnight_after_its_last_day() -> None:
    start, end = MARCH.bounds()
    assert start == datetime.datetime(2025, 3, 1, tzinfo=SHANGHAI)
    assert end == datetime.datetime(2025, 4, 1, tzinfo=SHANGHAI)


# --- the day tallies (cases.tallies) -------------------------------------------------------------


def _busy_month(desk: Desk, cast: Any, clock: Clock, other: Department) -> list[Case]:
    """Demands in every state across March and April, two departments, a case of Datong led from
    Huolinguole, reopened, rated, closed unrated by the sweep, one never signed for."""
    department = cast.handler.department
    made = [
        desk.rate(desk.answer(desk.assigned(department, at(3, 3)), "resolved", at(3, 4)), 5, at(3, 5)),
        desk.rate(desk.answer(desk.assigned(other, at(3, 4)), "partly_resolved", at(3, 12)), 2, at(3, 13)),
        desk.answer(desk.assigned(other, at(3, 5)), "not_resolvable", at(3, 5, 10)),
        desk.start(desk.assigned(department, at(3, 28)), at(3, 31, 16)),
        desk.assigned(department, at(3, 31, 11)),
        desk.assigned(department, at(4, 1), enterprise=cast.datong),
        file_demand(cast, desk.finance),
    ]
    sweep(now=made[2].auto_close_at + datetime.timedelta(minutes=1))
    clock.set(at(4, 2, 10))
    return made


def test_the_tallies_kept_as_cases_change_are_what_counting_the_cases_again_gives(
    desk, cast, clock, other
) -> None:
    from zhuqi.cases import tallies

    made = _busy_month(desk, cast, clock, other)
    # Today (2 April) is read from the cases; March and 1 April from the tallies: at each moment,
    # for each reader and grouping, the same figures as counted from the cases (table() asserts).
    for user in (cast.admin, cast.leader, cast.coordinator, cast.outsider, cast.handler):
        for period in (MARCH, APRIL, Period.between(datetime.date(2025, 3, 30), datetime.date(2025, 4, 2))):
            table(user, period)
            if user != cast.handler:
                table(user, period, group_by="region")
    clock.set(at(4, 2, 18))
    before = table(cast.coordinator, APRIL)
    # The saves appended their changes; the sweep folds them into the tallies, figures unchanged.
    waiting = CaseDayTallyChange.objects.count() + CaseOpenTallyChange.objects.count()
    assert CaseOpenTallyChange.objects.exists()
    assert waiting > 0 and tallies.fold() == waiting and not CaseDayTallyChange.objects.exists()
    assert not CaseOpenTallyChange.objects.exists() and CaseOpenTally.objects.exists()
    assert table(cast.coordinator, APRIL) == before
    desk.answer(desk.start(Case.objects.get(pk=made[4].pk)), "resolved")
    assert CaseDayTallyChange.objects.exists()
    table(cast.coordinator, APRIL)
    assert tallies.rebuild()["differing"] == 0
    assert not CaseDayTallyChange.objects.exists() and tallies.rebuild()["differing"] == 0


def test_the_open_tallies_follow_deadlines_the_sweeps_marks_and_escalation(desk, cast, clock) -> None:
    from zhuqi.cases import tallies

    department = cast.handler.department
    # Due in 3 working days by default; one with a deadline of its own, closed in time.
    late = desk.assigned(department, at(3, 3))
    quick = desk.assigned(department, at(3, 3), deadline=datetime.date(2025, 3, 20))
    desk.answer(desk.start(quick, at(3, 4)), "resolved", at(3, 5))

    def state(moment: datetime.datetime) -> tuple[int, int, int, int]:
        clock.set(moment)
        row = table(cast.coordinator, Period.between(datetime.date(2025, 3, 1), moment.date()))["total"]
        counted = figures.open_now(user=cast.coordinator, now=moment)
        # The cockpit's count now (every kind, from the tallies) and the same from the cases.
        assert counted == figures.open_now(user=cast.coordinator, now=moment, tallied=False)
        assert (counted.open, counted.late) == (row.open, row.late)
        return row.open, row.late, row.escalated, row.supervised

    assert late.due_at is not None and state(at(3, 4)) == (2, 0, 0, 0)
    # Past its deadline, before any sweep marked it: late from the cases (unswept), found by its
    # key, or with the rest of the query when the sweep has left too many.
    passed = late.due_at + datetime.timedelta(hours=1)
    assert figures.unswept_late_ids(passed) == [late.pk]
    assert state(passed) == (2, 1, 0, 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "UNSWEPT_BY_KEY", 0)
        assert figures.unswept_late_ids(passed) is None and state(passed) == (2, 1, 0, 0)
    sweep(now=late.due_at + datetime.timedelta(hours=1))
    assert Case.objects.get(pk=late.pk).timeliness == "red" and figures.unswept_late_ids(passed) == []
    # Marked red now (the tallies' marked_late), and reminded (催办) at once.
    assert state(late.due_at + datetime.timedelta(hours=2)) == (2, 1, 1, 0)
    # Days late: the sweep's escalation (a bulk write) moves the tallies with it.
    for day in range(10, 29):
        sweep(now=at(3, day, 10))
    escalated = Case.objects.get(pk=late.pk)
    assert escalated.escalation_level in ("supervision", "notice")
    # The answered one closed unrated by the sweep meanwhile (another bulk write, tracked).
    assert Case.objects.get(pk=quick.pk).status == "closed"
    assert state(at(3, 28, 11)) == (1, 1, 1, 1)
    assert tallies.rebuild()["differing"] == 0
    # Closed (rated): the day's open row goes at the next fold (only days with an open case keep
    # one).
    tallies.fold()
    assert CaseOpenTally.objects.filter(day=datetime.date(2025, 3, 3)).exists()
    desk.rate(desk.answer(desk.start(late, at(3, 31)), "resolved", at(3, 31, 10)), 5, at(3, 31, 11))
    assert state(at(3, 31, 12)) == (0, 0, 0, 0)
    tallies.fold()
    assert not CaseOpenTally.objects.filter(day=datetime.date(2025, 3, 3)).exists()
    assert state(at(3, 31, 12)) == (0, 0, 0, 0) and tallies.rebuild()["differing"] == 0


def test_a_write_around_the_tallies_is_found_and_mended_by_the_rebuild(desk, cast, clock, other) -> None:
    from zhuqi.cases import tallies

    made = _busy_month(desk, cast, clock, other)
    # A bulk update sends no signal: the tallies still count the case as answered in March.
    Case.objects.filter(pk=made[0].pk).update(outcome="not_resolvable")
    assert table_counts(cast.coordinator) != table_counts(cast.coordinator, tallied=False)
    assert tallies.rebuild()["differing"] >= 1
    assert table_counts(cast.coordinator) == table_counts(cast.coordinator, tallied=False)
    assert tallies.rebuild()["differing"] == 0


def table_counts(user: Any, **options: Any) -> list[tuple[Any, int, int]]:
    result = figures.figures_for(user=user, period=MARCH, **options)
    return [(row.key, row.resolved, row.not_resolvable) for row in [*result.rows, result.total]]
