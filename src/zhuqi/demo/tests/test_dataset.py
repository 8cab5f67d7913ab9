from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.demo import dataset
from zhuqi.directory.models import Official, User
from zhuqi.enterprises.models import Enterprise


@pytest.fixture
def demo(db) -> None:
    dataset.load()


def test_the_reports_people_and_enterprises_are_there(demo) -> None:
    assert Official.objects.get(name="孟宪东").title == "内蒙古自治区党委常委、通辽市委书记"
    for name in ("联晟新材料有限公司", "辽宁北祥重工机械制造有限公司", "大同瑞铖钢结构有限公司"):
        assert Enterprise.objects.filter(name=name).exists(), name
    assert Enterprise.objects.count() > 300


def test_every_demo_account_logs_in_and_sees_its_scope(demo) -> None:
    seen = {}
    for username in dataset.DEMO_USERNAMES:
        client = Client()
        assert client.login(username=username, password=dataset.DEMO_PASSWORD), username
        seen[username] = client.get("/api/v1/enterprises").json()["count"]
    assert seen["demo-admin"] == Enterprise.objects.count()
    assert 0 < seen["demo-coordinator"] < seen["demo-leader"] < seen["demo-admin"]
    # Each enterprise account sees its own enterprise only.
    assert all(count == 1 for username, count in seen.items() if username.startswith("demo-enterprise"))
    assert 0 < seen["demo-liaison"] <= 10


def test_a_demo_made_before_the_password_rules_moves_to_the_documented_password(demo) -> None:
    accounts = User.objects.filter(username__in=dataset.DEMO_USERNAMES)
    for user in accounts:  # as the demo loader wrote them before the rules
        user.set_password(dataset.OLD_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert dataset.replace_old_demo_password() == len(dataset.DEMO_USERNAMES)
    for username in dataset.DEMO_USERNAMES:
        assert Client().login(username=username, password=dataset.DEMO_PASSWORD), username
        assert not Client().login(username=username, password=dataset.OLD_DEMO_PASSWORD), username
    changed = AuditEntry.objects.filter(pk__gt=last_entry, content_type__model="user", source="demo")
    assert sorted(changed.values_list("object_id", flat=True)) == sorted(str(u.pk) for u in accounts)
    assert dataset.replace_old_demo_password() == 0  # once moved, a start leaves them alone


def test_loading_twice_is_refused(demo) -> None:
    with pytest.raises(RuntimeError):
        dataset.load()


def test_the_demo_has_cases_in_every_stage_with_a_consistent_history(demo) -> None:
    from django.utils import timezone

    from zhuqi.cases import deadlines
    from zhuqi.cases.models import Case, RoutingRule, Status, Timeliness
    from zhuqi.cases.sweep import sweep

    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.ASSIGNED} <= statuses
    assert RoutingRule.objects.filter(region_id="150581").count() >= 13
    late = Case.objects.get(title__startswith="氧化铝采购价格")
    assert late.timeliness == Timeliness.NORMAL and late.due_at < timezone.now()
    sweep()  # what the background worker does every few minutes
    late.refresh_from_db()
    assert late.timeliness == Timeliness.RED and late.working_days_late >= 1
    # The level is one of the three, reached by the days late; never the days late themselves.
    assert late.escalation_level == deadlines.escalation_for(late.working_days_late) != ""
    # The back-dated steps agree with the case: submitted before it was assigned, and so on.
    # Steps taken at one moment of the demo's clock share their time: then in the order written
    # (by time alone, PostgreSQL returned them in any order).
    steps = list(late.steps.order_by("at", "id").values_list("step", flat=True))
    assert steps[:4] == ["submit", "accept", "assign", "start"]
    # The demo accounts find work waiting for them.
    # The coordinator: 3 demands, the problem raised in 联晟's weekly report, and the 3 difficulties
    # heard at the 2022 inspection and symposium (the instructions given there were assigned at once),
    # the demand the liaison officer heard at 靖帆铝版基 this month, the 3 留抵退税 demands of the
    # common problem (demo/joint.py), the hazard reported rectified, to re-inspect, and 联晟's word
    # that it cannot get the rent relief (demo/policies.py).
    # 联晟新材料: its answer and the joint handling's to rate, its hazard to rectify.
    for username, expected in (("demo-coordinator", 13), ("demo-enterprise", 3)):
        client = Client()
        client.login(username=username, password=dataset.DEMO_PASSWORD)
        body = client.get("/").content.decode()
        assert f'data-testid="waiting-count">{expected}<' in body, username


def test_the_demo_has_the_reports_projects_and_agreements(demo) -> None:
    from zhuqi.investment.models import Agreement
    from zhuqi.investment.selectors import agreement_list
    from zhuqi.projects.models import Project
    from zhuqi.projects.selectors import flags_of, project_library

    names = set(Project.objects.values_list("name", flat=True))
    assert {
        "联晟新材料高端铝箔项目",
        "金源阳光伏发电项目",
        "霍林郭勒市增量配电网项目",
        "腾远环保大修渣无害化处理及综合利用项目",
    } <= names
    bank = Agreement.objects.get(counterparty_name="交通银行股份有限公司")
    assert bank.amount == 18_000_000 and bank.amount_as_entered == 1800 and bank.entered_unit == "亿元"
    assert Agreement.objects.get(counterparty_name="中国大唐集团有限公司").amount == 10_000_000
    coordinator = User.objects.get(username="demo-coordinator")
    flagged = {p.name: {name for name, _ in flags_of(p)} for p in project_library(user=coordinator)}
    assert "late_start" in flagged["霍林郭勒市增量配电网项目"]
    assert "no_report" in flagged["腾远环保大修渣无害化处理及综合利用项目"]
    foil = Project.objects.get(name="联晟新材料高端铝箔项目")
    assert foil.reports.count() == 10 and foil.cases.count() == 1
    statuses = {a.title: a.status for a in agreement_list(user=coordinator)}
    assert statuses["联晟新材料高端铝箔项目投资协议"] == "started"
    assert statuses["铝基新材料产业园招商协议"] == "signed"


def test_the_reports_visits_with_their_cases(demo) -> None:
    from zhuqi.cases.models import Status
    from zhuqi.visits.models import Visit

    # The reports' visits; the demo liaison officer's visits and calls come on top (below).
    assert Visit.objects.exclude(kind__in=["liaison", "call"]).count() == 5
    inspection = Visit.objects.get(title__startswith="孟宪东到霍林郭勒市调研")
    assert inspection.participants.first().posts == "内蒙古自治区党委常委、通辽市委书记"
    statuses = {case.title: case.status for case in inspection.cases.all()}
    assert statuses["在保证施工安全的前提下加快项目建设进度，力争早日投产"] == Status.ASSIGNED
    assert statuses["高端铝箔项目设备进口资金周转紧张"] == Status.SUBMITTED
    symposium = Visit.objects.get(kind="symposium")
    assert symposium.attendance.filter(policies_unknown="稳岗返还").exists()


def test_the_liaison_officers_log(demo) -> None:
    from django.utils import timezone

    from zhuqi.directory.models import User
    from zhuqi.visits import liaison as liaison_work
    from zhuqi.visits.models import Visit

    liaison = User.objects.get(username="demo-liaison")
    assert Visit.objects.filter(kind__in=["liaison", "call"], recorded_by=liaison).count() == 5
    bench = liaison_work.liaison_workbench(liaison, liaison.official, timezone.localdate())
    rows = {row.enterprise.short_name: row for row in bench.rows}
    assert rows["联晟新材料"].on_target and rows["靖帆铝版基"].open_cases >= 1
    assert rows["腾远环保"].overdue and bench.rows[0].overdue


def test_the_two_county_inspection_is_seen_in_huolinguole(demo) -> None:
    """Issue 14: 郝茂荣's 2017 inspection (places 扎鲁特旗 and 霍林郭勒市, three Huolinguole
    enterprises) and its two instructions to Huolinguole offices, seen by Huolinguole's
    coordinator and by the liaison officer of an enterprise visited (docs/visibility.md)."""
    from zhuqi.visits.models import Visit

    inspection = Visit.objects.get(title__startswith="郝茂荣一行")
    assert set(inspection.reach.values_list("region_id", flat=True)) == {"150526", "150581"}
    instructions = sorted(inspection.cases.values_list("pk", flat=True))
    assert len(instructions) == 2
    for username in ("demo-coordinator", "demo-liaison", "demo-leader"):
        client = Client()
        assert client.login(username=username, password=dataset.DEMO_PASSWORD)
        assert client.get(f"/visits/{inspection.pk}/").status_code == 200, username
        listed = client.get("/api/v1/visits?start=2017-01-01&end=2017-12-31").json()["items"]
        assert inspection.pk in {item["id"] for item in listed}, username
        detail = client.get(f"/api/v1/visits/{inspection.pk}").json()
        assert sorted(case["id"] for case in detail["cases"]) == instructions, username
        for pk in instructions:
            assert client.get(f"/api/v1/cases/{pk}").status_code == 200, (username, pk)
            assert client.get(f"/cases/{pk}/").status_code == 200, (username, pk)


def test_the_joint_handling_hazards_and_robots_of_issue_17(demo) -> None:
    """What the product owner tries as each role: enterprise accounts of their own, a common
    problem of four of them waiting for the coordinator, a joint handling answered once that
    two of them still have to rate, a hazard on 联晟新材料's workbench, and one reported rectified
    by demo-handler that demo-handler-2 (not demo-handler) re-inspects."""
    from zhuqi.cases import joint, workflow
    from zhuqi.cases.common_problems import common_problems
    from zhuqi.cases.models import Case, JointHandling, Kind, Status, Step
    from zhuqi.core.models import AuditEntry
    from zhuqi.demo.joint import ENTERPRISE_ACCOUNTS, LOGISTICS_ANSWER
    from zhuqi.notifications.models import Notice, Webhook

    accounts = {
        user.username: user
        for user in User.objects.filter(role="enterprise", username__startswith="demo-enterprise")
    }
    assert len(accounts) >= 4 and set(dataset.DEMO_USERNAMES) >= set(accounts)
    assert len({user.enterprise_id for user in accounts.values()}) == len(accounts)
    with_account = set(accounts[username].enterprise_id for username, _ in ENTERPRISE_ACCOUNTS)

    # The common problem: at least four enterprises with accounts, open, offered to the coordinator.
    coordinator = User.objects.get(username="demo-coordinator")
    client = Client()
    assert client.login(username="demo-coordinator", password=dataset.DEMO_PASSWORD)
    waiting = [
        problem
        for problem in common_problems(user=coordinator).problems
        if not Case.objects.filter(pk__in=problem.case_ids, joint_handling__isnull=False).exists()
    ]
    assert waiting and "留抵退税" in waiting[0].terms
    assert len({e.id for e in waiting[0].enterprises} & with_account) >= 4
    assert {case.status for case in waiting[0].cases} == {Status.SUBMITTED}
    page = client.get("/cases/common-problems/").content.decode()
    assert "留抵退税" in page and 'data-testid="open-joint"' in page

    # The joint handling: answered once by the 工信局, on each member's own case and timeline.
    handling = JointHandling.objects.get()
    assert handling.status == Status.ANSWERED and handling.answer == LOGISTICS_ANSWER
    assert handling.lead_department.name == "霍林郭勒市工业和信息化局"
    members = list(handling.members.order_by("pk"))
    assert len({case.enterprise_id for case in members}) == 4
    assert {case.answer for case in members} == {LOGISTICS_ANSWER}
    for case in members:
        assert list(case.steps.order_by("at", "pk").values_list("step", flat=True))[:6] == [
            "submit",
            "join-joint",
            "accept",
            "assign",
            "start",
            "answer",
        ]
    assert AuditEntry.objects.filter(content_type__model="jointhandling", source="demo").count() >= 3
    rating = {case.enterprise.short_name: case.status for case in members}
    assert rating == {
        "联晟新材料": Status.ANSWERED,
        "靖帆铝版基": Status.ANSWERED,
        "锦联铝材": Status.CLOSED,
        "创源金属": Status.CLOSED,
    }
    for username in ("demo-enterprise", "demo-enterprise-2"):
        user = User.objects.get(username=username)
        case = next(case for case in members if case.enterprise_id == user.enterprise_id)
        assert workflow.why_not(user, case, Step.CONFIRM) is None, username
        client = Client()
        assert client.login(username=username, password=dataset.DEMO_PASSWORD)
        body = client.get(f"/cases/{case.pk}/").content.decode()
        assert LOGISTICS_ANSWER in body and 'data-testid="do-confirm"' in body, username
    assert joint.steps_for(User.objects.get(username="demo-handler"), handling) == []

    # The hazard on 联晟新材料's workbench and in its inbox, with its deadline.
    client = Client()
    assert client.login(username="demo-enterprise", password=dataset.DEMO_PASSWORD)
    hazard = Case.objects.get(kind=Kind.HAZARD, title="熔铸车间铝液转运通道地面有积水")
    assert hazard.status == Status.ASSIGNED and hazard.deadline is not None
    workbench = client.get("/").content.decode()
    assert 'data-testid="hazards"' in workbench and hazard.title in workbench
    notice = Notice.objects.get(recipient__username="demo-enterprise", link=f"/cases/{hazard.pk}/")
    assert notice.title.startswith("安全隐患整改通知")

    # Reported rectified by demo-handler: someone else re-inspects it.
    reported = Case.objects.get(kind=Kind.HAZARD, status=Status.COMPLETION_REPORTED)
    assert reported.completion_reported_by == User.objects.get(username="demo-handler")
    assert workflow.why_not(User.objects.get(username="demo-handler"), reported, Step.VERIFY)
    for username in ("demo-handler-2", "demo-coordinator"):
        assert workflow.why_not(User.objects.get(username=username), reported, Step.VERIFY) is None

    # The robots are there to look at and send nothing.
    assert Webhook.objects.count() == 2 and not Webhook.objects.filter(is_active=True).exists()


def test_the_demo_has_policies_matched_and_delivered(demo) -> None:
    from zhuqi.policies.models import Delivery, DeliveryStatus, Policy, PolicyDemand, PolicyMatch

    assert Policy.objects.count() == 12
    assert PolicyMatch.objects.filter(status="eligible").count() > 20
    # Deliveries in every state, and the enterprise's demand about one it could not get.
    assert set(Delivery.objects.values_list("status", flat=True)) == set(DeliveryStatus.values)
    assert PolicyDemand.objects.get().case.category.name == "政策兑现"


def test_the_task_forces_and_campaigns_of_issue_22(demo) -> None:
    from zhuqi.cases.models import Case, Urgency
    from zhuqi.core.periods import Period
    from zhuqi.directory.models import User
    from zhuqi.taskforces import figures
    from zhuqi.taskforces.models import Campaign, CampaignReport, MemberRole, TaskForce

    datong = TaskForce.objects.get(name="大同市企业复工复产工作专班")
    leaders = set(datong.members.filter(role=MemberRole.LEADER).values_list("official__name", flat=True))
    assert leaders == {"赵学斌", "翟永清"}
    resumption = Campaign.objects.get(task_force=datong)
    assert resumption.enrolments.count() == 26
    # The difficulties 卢东亮 heard, reported in the campaign, are same-day cases.
    cases = Case.objects.filter(pk__in=CampaignReport.objects.filter(campaign=resumption).values("case_id"))
    assert {c.category.name for c in cases} >= {"物流", "用工"}
    assert all(c.urgency == Urgency.SAME_DAY for c in cases)
    admin = User.objects.get(username="demo-admin")
    first = figures.board(
        user=admin, campaign=resumption, period=Period.containing("day", resumption.starts_on)
    )
    last = figures.board(user=admin, campaign=resumption, period=Period.containing("day", resumption.ends_on))
    assert first.total.done_rate < last.total.done_rate
    assert last.total.late >= 0 and last.trend[-1].row.reported == last.total.reported
    # Huolinguole's campaign runs now and the demo's enterprise account is in it.
    winter = Campaign.objects.get(name="2026年冬季保供专项行动")
    enterprise_user = User.objects.get(username="demo-enterprise")
    assert winter.enrolments.filter(enterprise_id=enterprise_user.enterprise_id).exists()
    # Thirteen months of the key enterprises' indicators; 联晟新材料's last month fell.
    from zhuqi.taskforces import indicators

    month = indicators.default_month()
    fallen = indicators.falls(user=User.objects.get(username="demo-coordinator"), month=month)
    assert [fall.enterprise_name for fall in fallen] == ["联晟新材料有限公司"]
