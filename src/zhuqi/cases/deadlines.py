"""How long each part of a case may take, in China's working days.

The defaults follow the widely used "1515" rule: accept or make contact within 1 working day,
answer a simple demand within 5, a complex one within 15. Admins change them per kind, urgency
and category (DeadlinePolicy). A same-day (日清日结) case is due at 18:00 on the day it is
assigned, or on the next working day when it arrives after the cut-off.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from zhuqi.cases.models import Case, Complexity, DeadlinePolicy, Escalation, Urgency, escalation_rank
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar, end_of_day

SAME_DAY_DUE = datetime.time(18, 0)
# The clock turns amber when this share of the time is used.
AMBER_SHARE = 0.75
# An answered demand the enterprise does not rate in this many working days closes as not rated.
NOT_RATED_AFTER_DAYS = 5
# A department may return a wrongly given case within this many working days of assignment.
RETURN_WINDOW_DAYS = 2
# An extension must be asked for at least this many working days before the deadline.
EXTENSION_NOTICE_DAYS = 1
# Escalation (督办) of a late case, level by level: the working days late at which a case reaches
# each level. 催办, the first working day late: the department and the coordinator are reminded;
# 督办 from the third: the region's leaders are told too; 通报 from the sixth: the case is listed in
# the dispatch meeting's notice. Days late stay a number of their own (Case.working_days_late).
ESCALATION_THRESHOLDS: tuple[tuple[Escalation, int], ...] = (
    (Escalation.REMINDER, 1),
    (Escalation.SUPERVISION, 3),
    (Escalation.NOTICE, 6),
)

DEFAULT_DAYS = (1, 5, 15)


@dataclass(frozen=True)
class Due:
    at: datetime.datetime
    provisional: bool


def policy_days(case: Case) -> tuple[int, int, int]:
    """(response, simple, complex) working days for the case, from the most specific rule for its
    kind and urgency: its category's, else its parent category's, else the rule for all
    categories (no category), else 1/5/15.

    The rule for all categories is asked for with IS NULL: a NULL in an IN list never matches
    (SQL), and Django drops it from the list anyway, so `category_id__in=[id, None]` silently
    found only the category's own rule."""
    categories = [c for c in (case.category_id, _parent_category_id(case)) if c is not None]
    rules = {
        rule.category_id: rule
        for rule in DeadlinePolicy.objects.filter(kind=case.kind, urgency=case.urgency).filter(
            Q(category_id__in=categories) | Q(category__isnull=True)
        )
    }
    for key in (*categories, None):
        rule = rules.get(key)
        if rule is not None:
            return rule.response_days, rule.simple_days, rule.complex_days
    return DEFAULT_DAYS


def _parent_category_id(case: Case) -> int | None:
    if case.category_id is None:
        return None
    return case.category.parent_id


def escalation_for(working_days_late: int) -> Escalation:
    """The escalation level a case this many working days late has reached."""
    level = Escalation.NONE
    for candidate, threshold in ESCALATION_THRESHOLDS:
        if working_days_late >= threshold:
            level = candidate
    return level


def escalation_at_least(level: str, floor: Escalation) -> bool:
    return escalation_rank(level) >= escalation_rank(floor)


def same_day_cutoff() -> datetime.time:
    return datetime.time.fromisoformat(settings.ZHUQI_SAME_DAY_CUTOFF)


def after_working_days(calendar: WorkingCalendar, start: datetime.datetime, days: int) -> Due:
    local = start.astimezone(SHANGHAI)
    day = calendar.add_working_days(local.date(), days)
    return Due(end_of_day(day), calendar.span_is_provisional(local.date(), day))


def same_day(calendar: WorkingCalendar, start: datetime.datetime) -> Due:
    local = start.astimezone(SHANGHAI)
    day = local.date()
    if not calendar.is_workday(day) or local.time() >= same_day_cutoff():
        day = calendar.next_workday(day)
    due = datetime.datetime.combine(day, SAME_DAY_DUE, tzinfo=SHANGHAI)
    return Due(due, calendar.span_is_provisional(local.date(), day))


def answer_deadline(calendar: WorkingCalendar, case: Case, start: datetime.datetime) -> Due:
    if case.urgency == Urgency.SAME_DAY:
        return same_day(calendar, start)
    _, simple_days, complex_days = policy_days(case)
    return after_working_days(
        calendar, start, complex_days if case.complexity == Complexity.COMPLEX else simple_days
    )


def response_deadline(calendar: WorkingCalendar, case: Case, start: datetime.datetime) -> Due:
    if case.urgency == Urgency.SAME_DAY:
        return same_day(calendar, start)
    response_days, _, _ = policy_days(case)
    return after_working_days(calendar, start, response_days)


def explicit_deadline(calendar: WorkingCalendar, start: datetime.datetime, day: datetime.date) -> Due:
    """A deadline a person set (a leader's 完成时限, a rectification date, an approved extension)."""
    return Due(end_of_day(day), calendar.span_is_provisional(start.astimezone(SHANGHAI).date(), day))


def amber_time(start: datetime.datetime, due: datetime.datetime) -> datetime.datetime:
    return start + (due - start) * AMBER_SHARE


def working_days_late(calendar: WorkingCalendar, due_at: datetime.datetime, today: datetime.date) -> int:
    """Working days after the day a case fell due up to `today` (due today or later: 0): what the
    deadline sweep escalates by and the dispatch agenda says."""
    return calendar.working_days_between(due_at.astimezone(SHANGHAI).date(), today)


def working_days_to_close(
    calendar: WorkingCalendar, assigned_at: datetime.datetime | None, closed_at: datetime.datetime
) -> int | None:
    """Working days after the day of assignment up to and including the day of closing (closed
    the same day: 0). None for a case never assigned."""
    if assigned_at is None:
        return None
    return calendar.working_days_between(
        assigned_at.astimezone(SHANGHAI).date(), closed_at.astimezone(SHANGHAI).date()
    )
