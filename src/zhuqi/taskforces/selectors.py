"""Every read of task forces, campaigns, their enterprises, reports and operating indicators,
scoped to the reader (docs/visibility.md, "Task forces and campaigns")."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from zhuqi.core.errors import NotFound
from zhuqi.core.periods import Period, periods
from zhuqi.core.scoping import NOTHING, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Assignment
from zhuqi.enterprises.selectors import assigned_q
from zhuqi.taskforces.models import (
    Campaign,
    CampaignEnterprise,
    CampaignReport,
    OperatingIndicator,
    TaskForce,
    TaskForceMember,
)


def _member_of(user: User, field: str) -> Q:
    """Rows of the task forces the user's official or department serves on (`field` names the
    task force)."""
    members = Q(pk__in=[])
    if user.official_id:
        members |= Q(official_id=user.official_id)
    if user.department_id:
        members |= Q(department_id=user.department_id)
    return Q(**{f"{field}__in": TaskForceMember.objects.filter(members).values("task_force_id")})


def _serving_enterprise(enterprise_ids: QuerySet | list[int], field: str) -> Q:
    """Rows of the task forces whose campaigns hold one of these enterprises."""
    campaigns = CampaignEnterprise.objects.filter(enterprise_id__in=enterprise_ids).values("campaign_id")
    return Q(**{f"{field}__in": Campaign.objects.filter(pk__in=campaigns).values("task_force_id")})


def _serving_region(code: str) -> Q:
    """The task forces above a jurisdiction whose campaigns hold its enterprises (a county sees
    the city's task force at work in the county)."""
    enrolled = CampaignEnterprise.objects.filter(region_subtree_q("region_id", code)).values("campaign_id")
    return Q(pk__in=Campaign.objects.filter(pk__in=enrolled).values("task_force_id"))


def task_force_scope_q(user: User) -> Q:
    """Government staff: the task forces of their jurisdiction and below, and those above it at
    work on its enterprises; handlers besides: those
    their department or they serve on. Liaison officers: those they serve on, and those whose
    campaigns hold an enterprise assigned to them. Enterprises: those whose campaigns hold them."""
    return scope_q(
        user,
        enterprise=lambda enterprise_id: _serving_enterprise([enterprise_id], "pk"),
        liaison=lambda u: (
            _member_of(u, "pk")
            | (
                _serving_enterprise(Assignment.enterprises_of(u.official_id), "pk")
                if u.official_id
                else NOTHING
            )
        ),
        region=lambda code: region_subtree_q("region_id", code),
        department=lambda u: _member_of(u, "pk"),
        in_jurisdiction=_serving_region,
    )


def task_force_queryset(*, user: User) -> QuerySet[TaskForce]:
    return TaskForce.objects.filter(task_force_scope_q(user)).select_related("region", "lead_department")


def task_force_get(*, user: User, task_force_id: int | str) -> TaskForce:
    try:
        return task_force_queryset(user=user).get(pk=int(task_force_id))
    except (TaskForce.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def campaign_scope_q(user: User) -> Q:
    """A campaign is seen by whoever sees its task force."""
    return Q(task_force__in=TaskForce.objects.filter(task_force_scope_q(user)).values("pk"))


def campaign_queryset(*, user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(campaign_scope_q(user)).select_related("task_force", "task_force__region")


def campaign_get(*, user: User, campaign_id: int | str) -> Campaign:
    try:
        return campaign_queryset(user=user).get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def row_scope_q(user: User) -> Q:
    """A campaign's enterprises and reports (the rows carry the enterprise, its region and the
    serving department): an enterprise its own; a liaison officer the enterprises assigned to
    them; a handler their department's; everyone else by jurisdiction, so a county sees its own
    enterprises of a city's campaign."""
    return scope_q(
        user,
        enterprise="enterprise_id",
        liaison=lambda u: assigned_q(u, "enterprise_id"),
        region=lambda code: region_subtree_q("region_id", code),
        department=lambda u: Q(department_id=u.department_id),
    )


def enrolment_queryset(*, user: User, campaign: Campaign) -> QuerySet[CampaignEnterprise]:
    return (
        CampaignEnterprise.objects.filter(campaign=campaign)
        .filter(row_scope_q(user))
        .select_related("enterprise", "region", "department")
    )


def report_queryset(*, user: User, campaign: Campaign) -> QuerySet[CampaignReport]:
    return (
        CampaignReport.objects.filter(campaign=campaign)
        .filter(row_scope_q(user))
        .select_related("enterprise", "region", "department", "case")
    )


def enterprise_history(*, user: User, campaign: Campaign, enterprise_id: int) -> QuerySet[CampaignReport]:
    """One enterprise's reports in a campaign, newest period first (the index's walk)."""
    return (
        CampaignReport.objects.filter(campaign=campaign, enterprise_id=enterprise_id)
        .filter(row_scope_q(user))
        .select_related("case")
        .order_by("-period_start")
    )


def indicator_scope_q(user: User) -> Q:
    """An enterprise its own months; a liaison officer their enterprises'; everyone else, handlers
    included, by jurisdiction (an indicator names no department)."""
    return scope_q(
        user,
        enterprise="enterprise_id",
        liaison=lambda u: assigned_q(u, "enterprise_id"),
        region=lambda code: region_subtree_q("region_id", code),
    )


def indicator_queryset(*, user: User) -> QuerySet[OperatingIndicator]:
    return OperatingIndicator.objects.filter(indicator_scope_q(user)).select_related("enterprise", "region")


def campaigns_of_enterprise(*, user: User, enterprise_id: int) -> QuerySet[Campaign]:
    """The campaigns an enterprise is in, that the user sees (an enterprise's workbench, its page)."""
    return campaign_queryset(user=user).filter(
        pk__in=CampaignEnterprise.objects.filter(enterprise_id=enterprise_id).values("campaign_id")
    )


def current_period(campaign: Campaign, today: datetime.date | None = None) -> Period | None:
    """The period reported for now: the one holding today, or the campaign's last one once it has
    ended; None before it starts."""
    today = today or timezone.localdate()
    if campaign.starts_on > today:
        return None
    day = min(today, campaign.ends_on) if campaign.ends_on else today
    return Period.containing(campaign.period_kind, day)


def periods_so_far(
    campaign: Campaign, today: datetime.date | None = None, *, limit: int | None = None
) -> list[Period]:
    """The campaign's periods from its first to the current one, newest first (at most `limit`)."""
    current = current_period(campaign, today)
    if current is None:
        return []
    found = list(periods(campaign.period_kind, campaign.starts_on, current.start))[::-1]
    return found[:limit] if limit is not None else found


def with_last_report(enrolments: QuerySet[CampaignEnterprise]) -> QuerySet[CampaignEnterprise]:
    """Each enterprise with its report of the latest period it reported (the report index's
    walk: enterprise, campaign, period), for a page of them."""
    last = CampaignReport.objects.filter(
        campaign_id=OuterRef("campaign_id"), enterprise_id=OuterRef("enterprise_id")
    ).order_by("-period_start")
    return enrolments.annotate(
        last_period_key=Subquery(last.values("period_key")[:1]),
        last_status_value=Subquery(last.values("status_value")[:1]),
        last_late=Subquery(last.values("late")[:1]),
        last_submitted_at=Subquery(last.values("submitted_at")[:1]),
    )
