"""The task force and campaign most tests start from: Huolinguole's resumption task force, led
by a city leader, with a daily campaign that began ten days ago over the cast's two
Huolinguole enterprises."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from zhuqi.taskforces import services
from zhuqi.taskforces.models import Campaign, TaskForce
from zhuqi.taskforces.services import CampaignData, MemberData, ReportData, TaskForceData
from zhuqi.testing.factories import Cast, OfficialFactory


def today() -> datetime.date:
    return timezone.localdate()


def task_force(cast: Cast, **overrides: Any) -> TaskForce:
    leader = OfficialFactory(name="卢东亮")
    data = TaskForceData(
        name="企业复工复产工作专班",
        region_code="150581",
        starts_on=today() - datetime.timedelta(days=30),
        purpose="深入一线服务企业，问题日清日结",
        lead_department_id=cast.handler.department_id,
        members=[
            MemberData(role="leader", official_id=leader.pk, title="市委副书记、市长"),
            MemberData(role="member", department_id=cast.handler.department_id),
        ],
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.task_force_create(actor=cast.coordinator, data=data)


def campaign(cast: Cast, *, enrol: bool = True, **overrides: Any) -> Campaign:
    force = task_force(cast)
    data = CampaignData(
        task_force_id=force.pk,
        name="复工复产专项行动",
        kind="resumption",
        starts_on=today() - datetime.timedelta(days=10),
        same_day=True,
        due_days=1,
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    made = services.campaign_create(actor=cast.coordinator, data=data)
    if enrol:
        services.campaign_enrol(
            actor=cast.coordinator,
            campaign_id=made.pk,
            enterprise_ids=[cast.home.pk, cast.neighbour.pk],
            department_id=cast.handler.department_id,
        )
    return made


def report(
    cast: Cast,
    made: Campaign,
    *,
    actor: Any = None,
    enterprise: Any = None,
    day: datetime.date | None = None,
    **values: Any,
) -> Any:
    return services.report_submit(
        actor=actor or cast.enterprise_user,
        campaign_id=made.pk,
        data=ReportData(
            enterprise_id=(enterprise or cast.home).pk,
            period=(day or today()).isoformat(),
            values=values or {"status": "全面复工", "staff_present": 90, "staff_expected": 100},
        ),
    )


def two_reports(cast: Cast, made: Campaign) -> None:
    """Today's reports the board tests count: the home enterprise fully resumed (90 of 100 at
    work, 80 % of capacity, output 300), its neighbour partly (30 of 60, 40 %, output 100) with a
    difficulty: done 1, staffing 120/160, capacity (80×300 + 40×100)/400 = 70 %."""
    report(cast, made, status="全面复工", staff_present=90, staff_expected=100, capacity=80, output=300)
    report(
        cast,
        made,
        actor=cast.coordinator,
        enterprise=cast.neighbour,
        status="部分复工",
        staff_present=30,
        staff_expected=60,
        capacity=40,
        output=100,
        difficulty="返岗用工不足",
    )
