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
    assert seen["demo-enterprise"] == 1
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
    steps = list(late.steps.order_by("at").values_list("step", flat=True))
    assert steps[:4] == ["submit", "accept", "assign", "start"]
    # The demo accounts find work waiting for them.
    # The coordinator: 3 demands, the problem raised in 联晟's weekly report, and the 3 difficulties
    # heard at the 2022 inspection and symposium (the instructions given there were assigned at once),
    # and the demand the liaison officer heard at 靖帆铝版基 this month.
    for username, expected in (("demo-coordinator", 8), ("demo-enterprise", 1)):
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
