"""Every read of meetings, their agendas and decisions, briefings and economic figures, scoped
to the reader (docs/visibility.md, "Dispatch meetings").

A meeting is seen by the government staff of its region and the regions above it; a handler
sees only the meetings their department attended or was given a decision by; a leader besides sees
the meetings they chaired or attended. Liaison officers and enterprises see none (a decision
given to a department reaches them, if at all, as a case)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhuqi.core.errors import NotFound
from zhuqi.core.scoping import NOTHING, is_active_user, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.dispatch.models import Briefing, EconomicFigure, Meeting, MeetingAttendee, MeetingDecision


def _department_meetings(user: User) -> Q:
    attended = Meeting.departments.through.objects.filter(Q(department_id=user.department_id)).values(
        "meeting_id"
    )
    given = MeetingDecision.objects.filter(case__lead_department_id=user.department_id).values("meeting_id")
    return Q(pk__in=attended) | Q(pk__in=given)


def _official_meetings(user: User) -> Q:
    if not user.official_id:
        return NOTHING
    attended = MeetingAttendee.objects.filter(official_id=user.official_id).values("meeting_id")
    return Q(chair_id=user.official_id) | Q(pk__in=attended)


def meeting_scope_q(user: User) -> Q:
    return scope_q(
        user,
        enterprise=lambda _enterprise_id: NOTHING,
        liaison=lambda _user: NOTHING,
        region=lambda code: region_subtree_q("region_id", code) | _official_meetings(user),
        department=_department_meetings,
        # A handler sees the meetings of their department's work, not every one of its region.
        handlers_see_region=False,
    )


def meeting_queryset(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meeting_scope_q(user)).select_related(
        "region", "chair", "chain", "department"
    )


def meeting_get(*, user: User, meeting_id: int | str) -> Meeting:
    try:
        return meeting_queryset(user=user).get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFound("调度会不存在或不在您的权限范围内") from None


def previous_meeting(meeting: Meeting, *, user: User) -> Meeting | None:
    """The last meeting of the same scope (region, kind, chain or department) held before this
    one, that the user sees: the meeting whose decisions this one opens with."""
    return (
        meeting_queryset(user=user)
        .filter(
            # None is "none" here (IS NULL): a region's meetings follow a region's.
            Q(chain_id=meeting.chain_id, department_id=meeting.department_id),
            region_id=meeting.region_id,
            scope_kind=meeting.scope_kind,
        )
        .filter(Q(held_on__lt=meeting.held_on) | Q(held_on=meeting.held_on, pk__lt=meeting.pk))
        .order_by("-held_on", "-pk")
        .first()
    )


def decisions_of(meeting: Meeting) -> QuerySet[MeetingDecision]:
    """The meeting's decisions with their cases, as the meeting's page and briefing list them.
    A decision is the meeting's record: whoever sees the meeting sees what it decided and where
    each stands, not the case's timeline (that follows the case's own scope)."""
    return MeetingDecision.objects.filter(meeting=meeting).select_related(
        "case__lead_department", "case__issued_by"
    )


def briefing_scope_q(user: User) -> Q:
    """Briefings are read by who asked for them and by the office and leaders whose jurisdiction
    holds their region. A briefing is counted as the one who asked sees the records, so a
    department's staff read only their own: another's may hold what they may not see (the
    region's economic figures)."""
    if not is_active_user(user):
        return NOTHING
    scoped = scope_q(
        user,
        enterprise=lambda _enterprise_id: NOTHING,
        liaison=lambda _user: NOTHING,
        region=lambda code: region_subtree_q("region_id", code),
        department=lambda _user: NOTHING,
        handlers_see_region=False,
    )
    # Every row (Q()) stays every row: `Q(x) | Q()` would be Q(x) alone.
    return scoped if scoped == Q() else Q(requested_by_id=user.pk) | scoped


def briefing_queryset(*, user: User) -> QuerySet[Briefing]:
    return Briefing.objects.filter(briefing_scope_q(user)).select_related(
        "region", "meeting", "department", "chain"
    )


def briefing_get(*, user: User, briefing_id: int | str) -> Briefing:
    try:
        return briefing_queryset(user=user).get(pk=int(briefing_id))
    except (Briefing.DoesNotExist, ValueError, TypeError):
        raise NotFound("简报不存在或不在您的权限范围内") from None


def economic_scope_q(user: User) -> Q:
    """A region's published figures and its peers' as entered for it: read by the staff of the
    region and above. A peer's figure entered for another region is that region's working data
    (whom it compares itself with), not the peer's: the peer's own staff do not read it."""
    return scope_q(
        user,
        enterprise=lambda _enterprise_id: NOTHING,
        liaison=lambda _user: NOTHING,
        region=lambda code: (
            (region_subtree_q("region_id", code) & Q(compared_for__isnull=True))
            | region_subtree_q("compared_for_id", code)
        ),
        # A region's economic figures are the office's and the leaders': a handler reads none.
        department=lambda _user: NOTHING,
        handlers_see_region=False,
    )


def economic_queryset(*, user: User) -> QuerySet[EconomicFigure]:
    return EconomicFigure.objects.filter(economic_scope_q(user)).select_related("region", "compared_for")
