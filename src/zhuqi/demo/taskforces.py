"""The demo's task forces and campaigns, after reports 003 and 002 and one of Huolinguole's own:

- Datong's 企业复工复产工作专班 (report 003: "led by two city leaders … problems cleared 日清日结";
  the report names no leaders, so the demo makes the two vice mayors who were there 组长) with a
  daily 复工复产 campaign over the six enterprises 卢东亮 visited and twenty generated ones, four
  weeks of reports from 7 November 2022 moving from 未复工 to 全面复工, the difficulties he heard
  (物流运输, 原料供应, 返岗用工) reported as same-day cases;
- Tieling's 稳产保供 check (report 002) over its key enterprises (辽宁北祥重工 …), weekly, in spring 2022;
- Huolinguole's 冬季保供 task force with a weekly campaign running now, which the demo's
  enterprise account (联晟新材料) and liaison officer report for.

All through the services, on the demo's clock (clock.on), so late reports are late by the day."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from zhuqi.core.periods import Period
from zhuqi.demo import clock
from zhuqi.directory.models import Department, Official, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.taskforces import indicators, services
from zhuqi.taskforces.indicators import IndicatorData
from zhuqi.taskforces.models import Campaign
from zhuqi.taskforces.services import CampaignData, MemberData, ReportData, TaskForceData

DATONG_VISITED = ("瑞铖钢结构", "陕汽大同", "太重大同", "中车大同", "金隅冀东", "牧同乳业")
DATONG_DIFFICULTIES = {
    ("陕汽大同", 1): "原料供应受疫情影响，钢材到货延迟",
    ("陕汽大同", 3): "物流运输受阻，成品车无法按期发运",
    ("中车大同", 2): "返岗用工不足，闭环管理下一线班组缺员",
    ("瑞铖钢结构", 5): "物流运输车辆通行证办理慢",
}


def _firms(*short_names: str) -> dict[str, Enterprise]:
    return {e.short_name: e for e in Enterprise.objects.filter(short_name__in=short_names)}


def _report(
    actor: User,
    campaign: Campaign,
    enterprise: Enterprise,
    day: datetime.date,
    values: dict[str, Any],
    *,
    late_days: int = 0,
    hour: int = 16,
) -> None:
    """One report for the period holding `day`, made `late_days` after the period's deadline day."""
    period = Period.containing(campaign.period_kind, day)
    made_on = period.end + datetime.timedelta(days=campaign.due_days + late_days)
    with clock.on(made_on, hour=hour):
        services.report_submit(
            actor=actor,
            campaign_id=campaign.pk,
            data=ReportData(enterprise_id=enterprise.pk, period=period.key, values=values),
        )


def _resumption_values(rng: random.Random, progress: float, employees: int | None) -> dict[str, Any]:
    """A resumption report `progress` of the way through (0 → 1): the status moves on, the staff
    and capacity rise."""
    roll = rng.random() + progress
    status = "全面复工" if roll > 1.15 else "部分复工" if roll > 0.45 else "未复工"
    expected = employees or 100
    share = {"未复工": 0.05, "部分复工": 0.45 + 0.4 * progress, "全面复工": 0.92}[status]
    present = min(expected, round(expected * (share + rng.uniform(-0.05, 0.05))))
    capacity = {
        "未复工": 0,
        "部分复工": round(35 + 45 * progress + rng.uniform(-8, 8)),
        "全面复工": round(88 + rng.uniform(-6, 10)),
    }[status]
    return {
        "status": status,
        "staff_present": max(present, 0),
        "capacity": max(min(capacity, 150), 0),
        "output": round(expected * capacity / 100 * rng.uniform(0.8, 1.2), 1) if status != "未复工" else 0,
    }


def load(
    *, users: dict[str, User], officials: dict[str, Official], departments: dict[str, Department]
) -> dict[str, int]:
    rng = random.Random(20221107)
    admin = users["demo-admin"]
    counts = {"task_forces": 0, "campaigns": 0, "campaign_reports": 0}

    # Datong, report 003.
    with clock.on(datetime.date(2022, 11, 6)):
        datong_data = TaskForceData(
            name="大同市企业复工复产工作专班",
            region_code="140200",
            starts_on=datetime.date(2022, 11, 6),
            purpose="下沉一线开展入企服务，面对面倾听企业诉求，及时掌握企业所急所需，帮企业纾困解难，做到问题困难“日清日结”。",
            lead_department_id=departments["大同市工业和信息化局"].pk,
            members=[
                MemberData(
                    role="leader",
                    official_id=officials["赵学斌"].pk,
                    title="副市长、大同经开区党工委书记、管委会主任",
                ),
                MemberData(role="leader", official_id=officials["翟永清"].pk, title="副市长"),
                MemberData(
                    role="member",
                    official_id=officials["王明厚"].pk,
                    title="市委常委、市委秘书长、统战部长",
                ),
                MemberData(role="member", department_id=departments["大同市工业和信息化局"].pk),
                MemberData(role="member", department_id=departments["大同经济技术开发区管委会"].pk),
            ],
        )
        datong = services.task_force_create(actor=admin, data=datong_data)
        resumption_data = CampaignData(
            task_force_id=datong.pk,
            name="疫情期间重点企业复工复产专项行动",
            kind="resumption",
            cadence="daily",
            starts_on=datetime.date(2022, 11, 7),
            ends_on=datetime.date(2022, 12, 4),
            same_day=True,
        )
        resumption = services.campaign_create(actor=admin, data=resumption_data)
        visited = _firms(*DATONG_VISITED)
        generated = list(
            Enterprise.objects.filter(region__pk__startswith="1402", short_name="").order_by("id")[:20]
        )
        services.campaign_enrol(
            actor=admin,
            campaign_id=resumption.pk,
            enterprise_ids=[visited[name].pk for name in DATONG_VISITED],
            department_id=departments["大同经济技术开发区管委会"].pk,
        )
        services.campaign_enrol(
            actor=admin,
            campaign_id=resumption.pk,
            enterprise_ids=[e.pk for e in generated],
            department_id=departments["大同市工业和信息化局"].pk,
        )
    names = {e.pk: e.short_name for e in visited.values()}
    enterprises = [*visited.values(), *generated]
    days = 28
    for offset in range(days):
        day = datetime.date(2022, 11, 7) + datetime.timedelta(days=offset)
        for enterprise in enterprises:
            if rng.random() < 0.06:
                continue  # no report that day
            values = _resumption_values(rng, offset / (days - 1), enterprise.employees)
            difficulty = DATONG_DIFFICULTIES.get((names.get(enterprise.pk, ""), offset))
            if difficulty:
                values["difficulty"] = difficulty
            _report(admin, resumption, enterprise, day, values, late_days=1 if rng.random() < 0.08 else 0)
            counts["campaign_reports"] += 1
    # The campaign ended and the task force was wound up once the enterprises were back at work.
    with clock.on(datetime.date(2022, 12, 9)):
        resumption_data.status = "ended"
        services.campaign_update(
            actor=admin, campaign_id=resumption.pk, expected_version=1, data=resumption_data
        )
        datong_data.ends_on, datong_data.status = datetime.date(2022, 12, 9), "dissolved"
        services.task_force_update(actor=admin, task_force_id=datong.pk, expected_version=1, data=datong_data)
    counts["task_forces"] += 1
    counts["campaigns"] += 1

    # Tieling, report 002: a weekly 稳产保供 check of its key enterprises.
    with clock.on(datetime.date(2022, 4, 17)):
        tieling = services.task_force_create(
            actor=admin,
            data=TaskForceData(
                name="铁岭市稳产保供助企纾困工作专班",
                region_code="211200",
                starts_on=datetime.date(2022, 4, 17),
                purpose="重点企业稳产保供，助企纾困。",
                members=[
                    MemberData(
                        role="leader", official_id=officials["宋诚"].pk, title="市委书记、市人大常委会主任"
                    )
                ],
            ),
        )
        supply = services.campaign_create(
            actor=admin,
            data=CampaignData(
                task_force_id=tieling.pk,
                name="重点企业稳产保供专项行动",
                kind="stable_supply",
                cadence="weekly",
                starts_on=datetime.date(2022, 4, 18),
                ends_on=datetime.date(2022, 6, 26),
                due_days=1,
            ),
        )
        key = [
            *_firms("北祥重工").values(),
            *Enterprise.objects.filter(
                region__pk__startswith="2112", above_scale=True, short_name=""
            ).order_by("id")[:11],
        ]
        services.campaign_enrol(actor=admin, campaign_id=supply.pk, enterprise_ids=[e.pk for e in key])
    for week in range(10):
        day = datetime.date(2022, 4, 18) + datetime.timedelta(weeks=week)
        for enterprise in key:
            roll = rng.random() + week / 12
            values = {
                "status": "满负荷生产"
                if roll > 1.2
                else "正常生产"
                if roll > 0.55
                else "减产"
                if roll > 0.15
                else "停产",
                "capacity": round(min(40 + 6 * week + rng.uniform(-10, 10), 120)),
                "output": round(float(enterprise.revenue or 10000) / 52 * rng.uniform(0.6, 1.1), 1),
                "stock_days": rng.randint(3, 30),
            }
            if enterprise.short_name == "北祥重工" and week == 0:
                values["difficulty"] = "疫情期间原材料运输受阻"
            _report(admin, supply, enterprise, day, values, late_days=1 if rng.random() < 0.1 else 0)
            counts["campaign_reports"] += 1
    counts["task_forces"] += 1
    counts["campaigns"] += 1

    # Huolinguole: a winter-supply campaign running now, for the demo's own accounts.
    today = timezone.localdate()
    first_week = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=4)
    coordinator = users["demo-coordinator"]
    with clock.on(first_week - datetime.timedelta(days=3)):
        winter = services.task_force_create(
            actor=coordinator,
            data=TaskForceData(
                name="霍林郭勒市冬季保供服务企业工作专班",
                region_code="150581",
                starts_on=first_week - datetime.timedelta(days=3),
                purpose="保障重点企业冬季用能、原料和运输，企业反映的问题日清日结。",
                lead_department_id=departments["霍林郭勒市工业和信息化局"].pk,
                members=[
                    MemberData(role="leader", official_id=officials["张国平"].pk, title="市委书记"),
                    MemberData(role="contact", official_id=officials["高原"].pk, title="驻企联络员"),
                    MemberData(role="member", department_id=departments["霍林郭勒市工业和信息化局"].pk),
                    MemberData(role="member", department_id=departments["霍林郭勒市营商环境建设局"].pk),
                ],
            ),
        )
        campaign = services.campaign_create(
            actor=coordinator,
            data=CampaignData(
                task_force_id=winter.pk,
                name="2026年冬季保供专项行动",
                kind="winter_supply",
                cadence="weekly",
                starts_on=first_week,
                due_days=1,
                same_day=True,
            ),
        )
        # 联晟新材料 (the demo's enterprise account) and the office's larger enterprises.
        local = [
            *_firms("联晟新材料").values(),
            *Enterprise.objects.filter(region_id="150581", short_name="").order_by("-above_scale", "id")[:14],
        ]
        services.campaign_enrol(
            actor=coordinator,
            campaign_id=campaign.pk,
            enterprise_ids=[e.pk for e in local],
            department_id=departments["霍林郭勒市工业和信息化局"].pk,
        )
    for week in range(4):
        day = first_week + datetime.timedelta(weeks=week)
        for enterprise in local:
            if rng.random() < 0.1:
                continue
            values = {
                "status": rng.choice(["基本保障", "充足保障", "充足保障", "供应不足"])
                if week
                else rng.choice(["供应不足", "基本保障"]),
                "stock_days": rng.randint(5, 40),
                "capacity": rng.randint(60, 105),
            }
            _report(coordinator, campaign, enterprise, day, values, late_days=1 if rng.random() < 0.1 else 0)
            counts["campaign_reports"] += 1
    counts["task_forces"] += 1
    counts["campaigns"] += 1
    counts["operating_indicators"] = _indicators(coordinator, admin, rng, [*visited.values(), *local[:6]])
    return counts


def _indicators(coordinator: User, admin: User, rng: random.Random, key: list[Enterprise]) -> int:
    """Thirteen months of the key enterprises' operating indicators up to last month, growing
    a little with the season; 联晟新材料's output and electricity fall last month (an outage of its
    rolling line), which the month's page flags."""
    last = Period.containing("month", timezone.localdate()).previous()
    months = [last]
    while len(months) < 13:
        months.insert(0, months[0].previous())
    written = 0
    for enterprise in key:
        base = float(enterprise.revenue or 20000) / 12
        staff = enterprise.employees or 150
        actor = coordinator if enterprise.region_id.startswith("150581") else admin
        for index, month in enumerate(months):
            trend = 1 + 0.004 * index + rng.uniform(-0.03, 0.03)
            fell = enterprise.short_name == "联晟新材料" and month == last
            output = base * trend * (0.78 if fell else 1)
            with clock.on(month.end + datetime.timedelta(days=5)):
                indicators.indicator_record(
                    actor=actor,
                    data=IndicatorData(
                        enterprise_id=enterprise.pk,
                        month=month.key,
                        output_value=round(output, 1),
                        revenue=round(output * rng.uniform(0.92, 1.0), 1),
                        electricity=round(output / 25 * (0.8 if fell else 1), 1),
                        employees=staff + rng.randint(-5, 5),
                        taxes=round(output * 0.045, 1),
                    ),
                )
            written += 1
    return written
