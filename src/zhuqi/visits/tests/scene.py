"""The liaison scene the coverage, API and page tests share: two liaison officers in two
departments and regions, four assignments, and June 2026's visits and calls, counted by hand:

- 王强 (霍林郭勒市工信局): home (a visit and a call: on target), neighbour (a visit, no call).
- 李娜 (科尔沁区商务局): tongliao (a call in June, a visit in January: not on target, quiet),
  datong (a visit and a call: on target; outside Tongliao and Huolinguole)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from zhuqi.directory.models import Department, Official
from zhuqi.enterprises.models import Assignment
from zhuqi.testing.factories import AssignmentFactory, Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import services
from zhuqi.visits.services import Attendance, VisitData

END_OF_JUNE = datetime.date(2026, 6, 30)
START = datetime.date(2026, 1, 1)


def log(
    actor: Any, kind: str, official: Official, enterprise_id: int, day: datetime.date, **extra: Any
) -> Any:
    return services.visit_create(
        actor=actor,
        data=VisitData(
            kind=kind,
            title=f"{kind} {day}",
            start_date=day,
            lead_official_ids=[official.pk],
            attendance=[Attendance(enterprise_id=enterprise_id)],
            **extra,
        ),
    )


@dataclass
class Scene:
    cast: Cast
    industry: Department  # 工信局, Huolinguole
    commerce: Department  # 商务局, Horqin
    wang: Official  # 工信局: home and neighbour
    li: Official  # 商务局: tongliao and datong
    assignments: dict[str, Assignment]


@pytest.fixture
def scene(cast: Cast) -> Scene:
    industry = Department.objects.get(name="霍林郭勒市工业和信息化局")
    commerce = DepartmentFactory(name="科尔沁区商务局", region_id="150502")
    wang = OfficialFactory(name="王强")
    PostFactory(official=wang, department=industry, title="驻企联络员")
    li = OfficialFactory(name="李娜", region_id="150502")
    PostFactory(official=li, department=commerce, title="驻企联络员")
    assignments = {
        "home": AssignmentFactory(official=wang, enterprise=cast.home, start_date=START),
        "neighbour": AssignmentFactory(official=wang, enterprise=cast.neighbour, start_date=START),
        "tongliao": AssignmentFactory(official=li, enterprise=cast.tongliao, start_date=START),
        "datong": AssignmentFactory(official=li, enterprise=cast.datong, start_date=START),
    }
    admin = cast.admin
    # home: a visit and a call in June (on target); neighbour: a visit, no call (not on target).
    log(admin, "liaison", wang, cast.home.pk, datetime.date(2026, 6, 10))
    log(admin, "call", wang, cast.home.pk, datetime.date(2026, 6, 12))
    log(admin, "liaison", wang, cast.neighbour.pk, datetime.date(2026, 6, 15))
    # tongliao: a call only, and a visit in January: not on target, and quiet (no visit in 90 days).
    log(admin, "call", li, cast.tongliao.pk, datetime.date(2026, 6, 3))
    log(admin, "liaison", li, cast.tongliao.pk, datetime.date(2026, 1, 20))
    # datong: a visit and a call (on target).
    log(admin, "liaison", li, cast.datong.pk, datetime.date(2026, 6, 20))
    log(admin, "call", li, cast.datong.pk, datetime.date(2026, 6, 21))
    return Scene(cast, industry, commerce, wang, li, assignments)
