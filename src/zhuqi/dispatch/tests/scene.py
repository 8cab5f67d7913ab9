"""The meetings most tests start from: Huolinguole's weekly dispatch meetings chaired by a city
leader, with the cast's department attending."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from zhuqi.dispatch import services
from zhuqi.dispatch.models import Meeting
from zhuqi.dispatch.services import AttendeeData, DecisionData, MeetingData
from zhuqi.testing.factories import Cast, OfficialFactory


def today() -> datetime.date:
    return timezone.localdate()


def meeting(
    cast: Cast, *, held_on: datetime.date | None = None, chair: Any = None, **overrides: Any
) -> Meeting:
    chair = chair or OfficialFactory(name="王莉霞")
    reporter = OfficialFactory(name="孟宪东")
    data = MeetingData(
        title="全市重点产业链发展工作调度会",
        held_on=held_on or today(),
        region_code="150581",
        chair_id=chair.pk,
        chair_posts="市委副书记、市长",
        place="市政府第一会议室",
        department_ids=[department for department in [cast.handler.department_id] if department],
        attendees=[AttendeeData(official_id=reporter.pk, posts="市工信局局长", role="reporting")],
        summary="聚焦重点产业链，找差距、比进度，每周都要有新进展",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.meeting_create(actor=cast.coordinator, data=data)


def decision(
    cast: Cast, made: Meeting, *, title: str = "协调解决联晟新材料用工问题", days: int = 10, **overrides: Any
) -> Any:
    made.refresh_from_db()
    data = DecisionData(
        title=title,
        lead_department_id=cast.handler.department_id,
        deadline=made.held_on + datetime.timedelta(days=days),
        description="市工信局牵头，一周内拿出方案",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return services.decision_add(
        actor=cast.coordinator, meeting_id=made.pk, expected_version=made.version, data=data
    )
