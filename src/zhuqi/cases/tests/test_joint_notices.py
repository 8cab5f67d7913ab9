"""Who hears of a joint handling of six demands (联合办理): the offices once per action and per
escalation level, each enterprise once about its own case; the workbench counts the joint
handling once for whoever it waits on."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases import joint, selectors, services
from zhuqi.cases.models import Case, CaseCategory, Escalation, JointHandling, Kind, Status
from zhuqi.cases.services import NewCase
from zhuqi.cases.sweep import sweep
from zhuqi.cases.tests.test_joint import TEXT, step
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.directory.models import Region, User
from zhuqi.notifications.models import Notice, OutboxMessage, Webhook
from zhuqi.testing.factories import Cast, EnterpriseFactory, make_user

SIX = 6


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def demands(
    cast: Cast, finance: CaseCategory, count: int, prefix: str = "six"
) -> tuple[list[User], list[Case]]:
    region = Region.objects.get(pk="150581")
    users = [
        make_user(f"{prefix}{i}", Role.ENTERPRISE, enterprise=EnterpriseFactory(region=region))
        for i in range(count)
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
    return users, cases


def open_six(
    cast: Cast, finance: CaseCategory, prefix: str = "six", counted: dict[str, int] | None = None
) -> tuple[JointHandling, list[User]]:
    users, cases = demands(cast, finance, SIX, prefix)
    if counted is not None:
        counted.update(heard())
    j = joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(
            case_ids=[c.pk for c in cases], lead_department_id=cast.handler.department_id, title="留抵退税"
        ),
    )
    return j, users


def robots(cast: Cast) -> None:
    """The department's and the county's group robots (nothing is sent: the outbox is read)."""
    Webhook.objects.create(
        name="部门群", flavour="wecom", url="https://robot.invalid/d", department=cast.handler.department
    )
    Webhook.objects.create(
        name="营商办群",
        flavour="wecom",
        url="https://robot.invalid/r",
        region=Region.objects.get(pk="150581"),
    )


def heard() -> dict[str, int]:
    """What has been sent so far: notices to offices, to enterprises, and robot messages."""
    notices = Notice.objects.all()
    return {
        "offices": notices.exclude(recipient__role=Role.ENTERPRISE).count(),
        "enterprises": notices.filter(recipient__role=Role.ENTERPRISE).count(),
        "robots": OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK).count(),
    }


def since(before: dict[str, int]) -> dict[str, int]:
    now = heard()
    return {name: now[name] - before[name] for name in now}


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI)


def test_offices_hear_once_per_action_and_each_enterprise_of_its_own_case(cast, finance) -> None:
    robots(cast)
    start: dict[str, int] = {}
    j, users = open_six(cast, finance, counted=start)
    opened = since(start)
    # The department (one handler) and its robot hear of the new joint handling once; each of the
    # six enterprises hears its own demand accepted.
    assert opened == {"offices": 1, "enterprises": SIX, "robots": 1}
    notice = Notice.objects.get(recipient=cast.handler)
    assert notice.title.startswith("新交办事项") and "联合办理《留抵退税》（6 件诉求）" in notice.title
    assert notice.link == f"/cases/joint/{j.pk}/"

    before = heard()
    j = step(cast.handler, j, "start")
    answered_before = heard()
    j = step(cast.handler, j, "answer", answer="已协调税务局三个工作日内办理退税。", outcome="resolved")
    assert since(answered_before) == {"offices": 0, "enterprises": SIX, "robots": 0}
    for user in users:
        assert Notice.objects.filter(recipient=user, title__contains="已答复").count() == 1

    # A seventh demand joins the answered joint handling: its department hears once, of the
    # joint handling; its enterprise of its own demand.
    [newcomer], [case] = demands(cast, finance, 1, "late")
    before = heard()
    j.refresh_from_db()
    joint.joint_add_member(actor=cast.coordinator, joint_id=j.pk, expected_version=j.version, case_id=case.pk)
    added = since(before)
    assert added == {"offices": 1, "enterprises": 2, "robots": 1}  # accepted, then answered
    notice = Notice.objects.filter(recipient=cast.handler).latest("pk")
    assert "联合办理《留抵退税》（7 件诉求）" in notice.title and notice.link == f"/cases/joint/{j.pk}/"
    assert Notice.objects.filter(recipient=newcomer).count() == 2


def test_a_return_and_an_extension_reach_the_offices_once(cast, finance) -> None:
    j, _users = open_six(cast, finance)
    before = heard()
    j = step(cast.handler, j, "start")
    later = timezone.localdate() + datetime.timedelta(days=40)
    j = step(cast.handler, j, "request-extension", "需税务局复核", requested_deadline=later)
    asked = since(before)
    assert asked["offices"] == 1 and asked["enterprises"] == 0
    notice = Notice.objects.filter(recipient=cast.coordinator).latest("pk")
    assert notice.link == f"/cases/joint/{j.pk}/" and "（6 件诉求）" in notice.title


def test_the_sweep_tells_the_offices_once_per_level_and_counts_each_member_late(cast, finance) -> None:
    robots(cast)
    j, _users = open_six(cast, finance)
    members = list(selectors.joint_members(j))
    deadline = timezone.localtime(members[0].deadline).date()
    calendar = WorkingCalendar()
    levels = []
    for days, level in ((1, Escalation.REMINDER), (3, Escalation.SUPERVISION), (6, Escalation.NOTICE)):
        before = heard()
        report = sweep(now=at_nine(calendar.add_working_days(deadline, days)))
        heard_now = since(before)
        levels.append(heard_now)
        # Each member is escalated as if handled alone …
        assert report.escalated == SIX
        for member in members:
            member.refresh_from_db()
            assert member.escalation_level == level and member.working_days_late == days
            assert member.steps.filter(step="escalate", data__level=str(level)).count() == 1
        # … and the offices hear once for the joint handling; no enterprise hears of lateness.
        assert heard_now["enterprises"] == 0 and heard_now["robots"] == 2
        label = Escalation(level).label
        for user in (cast.coordinator, cast.handler):
            notices = Notice.objects.filter(recipient=user, title__startswith=f"【{label}】")
            assert notices.count() == 1
            assert notices.get().title == f"【{label}】联合办理《留抵退税》（6 件诉求）"
            assert notices.get().link == f"/cases/joint/{j.pk}/"
    assert [h["offices"] for h in levels] == [2, 3, 3]  # coordinator, handler (+ the leader from 督办)
    assert Notice.objects.filter(recipient=cast.leader).count() == 2
    # Each member's escalations are in the audit trail, by case.
    for member in members:
        assert (
            AuditEntry.objects.filter(
                content_type__model="case", object_id=str(member.pk), source="sweep"
            ).count()
            >= 3
        )
    # Running again the same day sends nothing.
    before = heard()
    sweep(now=at_nine(calendar.add_working_days(deadline, 6)) + datetime.timedelta(hours=1))
    assert since(before) == {"offices": 0, "enterprises": 0, "robots": 0}


def _escalation_queries(cast: Cast, finance: CaseCategory, joints: int, prefix: str) -> int:
    """The queries of the sweep that escalates `joints` new joint handlings of six (to 催办, then,
    measured, to 督办)."""
    for index in range(joints):
        open_six(cast, finance, f"{prefix}{index}")
    due = Case.objects.filter(status=Status.ASSIGNED).order_by("-due_at").values_list("due_at", flat=True)[0]
    assert due is not None
    day = timezone.localtime(due).date()
    sweep(now=at_nine(WorkingCalendar().next_workday(day)))
    with CaptureQueriesContext(connection) as queries:
        sweep(now=at_nine(WorkingCalendar().add_working_days(day, 3)))
    return len(queries)


def test_the_sweeps_queries_do_not_grow_with_the_joint_handlings(cast, finance) -> None:
    one = _escalation_queries(cast, finance, 1, "a")
    three = _escalation_queries(cast, finance, 2, "b")
    assert Case.objects.filter(escalation_level=Escalation.SUPERVISION).count() == 3 * SIX
    assert Notice.objects.filter(recipient=cast.leader).count() == 3  # one per joint handling
    assert one == three


def test_the_workbench_counts_each_joint_handling_once_for_whoever_it_waits_on(cast, finance) -> None:
    j, _users = open_six(cast, finance)
    body = client_for(cast.handler).get("/").content.decode()
    assert 'data-testid="waiting-count">1<' in body
    assert f'href="/cases/joint/{j.pk}/"' in body and 'data-testid="joint-waiting-row"' in body
    assert selectors.open_counts(user=cast.handler)["waiting"] == len(
        selectors.joint_waiting(user=cast.handler)
    )
    # The coordinator waits on nothing of it, the members stay out of every 待办.
    assert selectors.open_counts(user=cast.coordinator)["waiting"] == 0
    # A second joint handling: one more, in the same number of queries.
    client = client_for(cast.handler)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    open_six(cast, finance, "more")
    with CaptureQueriesContext(connection) as two:
        body = client.get("/").content.decode()
    assert 'data-testid="waiting-count">2<' in body
    assert len(one) == len(two)


def test_the_count_is_the_waiting_tabs_rule(cast, finance) -> None:
    j, _users = open_six(cast, finance)
    step(cast.handler, j, "return", comment="不属于本部门职责")
    # Returned: now the coordinator's, once; no longer the department's.
    assert selectors.open_counts(user=cast.handler)["waiting"] == 0
    counts: Any = selectors.open_counts(user=cast.coordinator)
    assert counts["waiting"] == counts["waiting_joint"] == 1
    tab = client_for(cast.coordinator).get("/cases/?tab=waiting").content.decode()
    assert f'href="/cases/joint/{j.pk}/"' in tab
