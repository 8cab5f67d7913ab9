"""Deadlines counted through a year that had no calendar, counted again once it has one."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from zhuqi.cases import deadlines
from zhuqi.cases.models import Case, CaseStep
from zhuqi.core import audit
from zhuqi.core.models import AuditEntry
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar


def provisional_deadlines(*, year: int, actor: Any) -> int:
    """Recount the open cases whose deadline was provisional and falls in or after `year`.
    Runs inside the transaction that entered the year. Returns how many deadlines moved."""
    calendar = WorkingCalendar()
    moved = 0
    start_of_year = datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)
    cases = Case.objects.select_for_update(of=("self",)).filter(
        deadline_provisional=True, deadline__gte=start_of_year, due_at__isnull=False
    )
    for case in cases.select_related("category"):
        assert case.deadline is not None
        before = audit.snapshot(case)
        start = case.clock_started_at or case.assigned_at or case.submitted_at
        old = case.deadline
        if case.deadline_explicit:
            due = deadlines.explicit_deadline(calendar, start, case.deadline.astimezone(SHANGHAI).date())
        else:
            due = deadlines.answer_deadline(calendar, case, start)
        case.deadline = due.at
        case.deadline_provisional = due.provisional
        if case.due_at == old:
            case.due_at = due.at
            case.amber_at = deadlines.amber_time(start, due.at)
        case.save()
        audit.record(
            actor=actor, instance=case, action=AuditEntry.Action.UPDATE, before=before, source="calendar"
        )
        if due.at != old:
            moved += 1
            CaseStep.objects.create(
                case=case,
                step="recompute-deadline",
                from_status=case.status,
                to_status=case.status,
                actor=None,
                actor_name="系统",
                at=timezone.now(),
                comment=(
                    f"{year} 年工作日历已录入，办理时限由 {old.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（临时）"
                    f"重算为 {due.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
                ),
            )
    return moved
