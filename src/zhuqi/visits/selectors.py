"""Every read of visits, scoped to the user."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Kind, Status
from zhuqi.cases.selectors import case_queryset, case_scope_q, department_cases_q
from zhuqi.core.errors import NotFound
from zhuqi.core.roles import Role
from zhuqi.core.scoping import NOTHING, region_prefix, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Assignment
from zhuqi.policies.selectors import policy_queryset
from zhuqi.visits.models import (
    Visit,
    VisitAttachment,
    VisitEnterprise,
    VisitKind,
    VisitOfficial,
    VisitPolicy,
    VisitRegion,
)


def visits_touching_q(code: str, *, in_an_or: bool = False, walk_in_order: bool = False) -> Q:
    """Visits that touched a region or anything under it: their own region, a place or an
    enterprise there (the VisitRegion rows, read as a range on the (region, visit) index).
    `in_an_or`: the condition is one arm of an OR (see core.lookups.AnyOf); alone, a plain IN
    lets PostgreSQL walk the newest visits and probe each one's regions for a page.
    `walk_in_order`: for a newest-first page (see core.scoping.region_subtree_q)."""
    if walk_in_order and connection.vendor == "sqlite" and len(region_prefix(code)) <= 4:
        # A prefecture's or the province's newest-first page: SQLite read every VisitRegion of
        # the range and sorted the visits (60 ms at 20k visits); walking the date index and
        # probing each visit's regions finds a page in 3 ms (a county's few: the IN, 3 ms).
        inside = VisitRegion.objects.filter(region_subtree_q("region_id", code), visit_id=OuterRef("pk"))
        return Q(Exists(inside))
    touched = VisitRegion.objects.filter(region_subtree_q("region_id", code)).values("visit_id")
    return Q(pk__any_of=touched) if in_an_or else Q(pk__in=touched)


def visit_scope_q(user: User, *, walk_in_order: bool = False) -> Q:
    """Who sees a visit (docs/visibility.md). Admins, auditors: all. Leaders and coordinators: the
    visits that touched their jurisdiction. Handlers: those that touched their department's
    region, and those whose cases their department leads or supports. Liaison officers: the
    visits they took part in or recorded, and those to the enterprises assigned to them now.
    Enterprises: the visits they received."""
    return scope_q(
        user,
        enterprise=lambda enterprise_id: Q(
            pk__in=VisitEnterprise.objects.filter(enterprise_id=enterprise_id).values("visit_id")
        ),
        liaison=_liaison_visits_q,
        region=lambda code: visits_touching_q(code, walk_in_order=walk_in_order),
        department=lambda u: Q(
            pk__any_of=Case.objects.filter(department_cases_q(u.department_id or 0), visit__isnull=False)
            .order_by()
            .values("visit_id")
        ),
        region_beside_department=lambda code: visits_touching_q(code, in_an_or=True),
    )


def _liaison_visits_q(user: User) -> Q:
    mine = Q(recorded_by=user)
    if user.official_id:
        assigned = Assignment.enterprises_of(user.official_id)
        # Each arm an index scan (core.lookups.AnyOf): this is also the inner query of the
        # liaison officer's case scope, read on every case list and count.
        mine |= Q(
            pk__any_of=VisitOfficial.objects.filter(official_id=user.official_id).values("visit_id")
        ) | Q(pk__any_of=VisitEnterprise.objects.filter(enterprise_id__in=assigned).values("visit_id"))
    return mine


def visit_queryset(*, user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(visit_scope_q(user)).select_related("region")


def visit_list_queryset(*, user: User) -> QuerySet[Visit]:
    """visit_queryset written for a newest-first page and its capped count (visits_touching_q)."""
    return Visit.objects.filter(visit_scope_q(user, walk_in_order=True))


# What an enterprise said at a visit: its opinions and its answers about policies (and, beside
# these texts, the catalogue's policies it named: `linked_policies`, withheld with them).
STATEMENT_FIELDS = ("opinions", "policies_received", "policies_unknown", "policies_unobtainable")


def statements_heard_q(user: User) -> Q:
    """Whose statements at a visit the user may read (docs/visibility.md): an enterprise its own,
    a liaison officer those of the enterprises assigned to them; anyone else who sees the visit,
    all. Another enterprise's demand heard at the same symposium is not theirs to read."""
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.role == Role.LIAISON:
        if not user.official_id:
            return NOTHING
        return Q(enterprise_id__in=Assignment.enterprises_of(user.official_id))
    return Q()


def hide_unheard_statements(visit: Visit, *, user: User) -> None:
    """Blank, on the visit's prefetched attendance, the statements the user may not read (the
    texts and the policies linked, `linked_policies`), and mark those rows `statements_hidden`,
    so a page, the API and the Word record built from it cannot show them."""
    rows = list(visit.attendance.all())
    rule = statements_heard_q(user)
    if rule == Q():
        heard = {row.pk for row in rows}
    else:
        heard = set(VisitEnterprise.objects.filter(rule, visit_id=visit.pk).values_list("pk", flat=True))
    for row in rows:
        hidden = row.pk not in heard
        setattr(row, "statements_hidden", hidden)  # noqa: B010 (not a model field)
        if hidden:
            for name in STATEMENT_FIELDS:
                setattr(row, name, "")
            setattr(row, "linked_policies", [])  # noqa: B010 (the prefetch's to_attr)


def visit_detail(*, user: User, visit_id: int | str, for_editing: bool = False) -> Visit:
    """A visit with its officials, enterprises, places, projects and cases, in a fixed number of
    queries; the enterprises' statements only as far as the user may read them
    (`statements_heard_q`), except `for_editing`: someone who may edit the record (its recorder,
    or a coordinator or admin of its region) edits it whole, or saving would erase what they
    were not shown."""
    try:
        visit = (
            visit_queryset(user=user)
            .prefetch_related(
                Prefetch("participants", queryset=VisitOfficial.objects.select_related("official")),
                Prefetch("attendance", queryset=VisitEnterprise.objects.select_related("enterprise")),
                # The policy check's links, in the order recorded (VisitEnterprise.policy_check).
                Prefetch(
                    "attendance__policy_answers",
                    queryset=VisitPolicy.objects.select_related("policy").order_by("id"),
                    to_attr="linked_policies",
                ),
                "places",
                "projects",
                "attachments",
                Prefetch("cases", queryset=case_queryset(user=user).order_by("submitted_at", "id")),
            )
            .get(pk=int(visit_id))
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not for_editing:
        hide_unheard_statements(visit, user=user)
    return visit


def policies_open_to(user: User, visit: Visit) -> set[int]:
    """Of the policies linked on a visit read with visit_detail, those the user may open (the
    page links them; any other is named without a link)."""
    linked = {link.policy_id for row in visit.attendance.all() for link in row.policy_links()}
    if not linked:
        return set()
    return set(policy_queryset(user=user).filter(pk__in=linked).values_list("pk", flat=True))


def attachment_get(*, user: User, attachment_id: int) -> VisitAttachment:
    """A photo or minutes of a visit the user may see."""
    try:
        return VisitAttachment.objects.filter(visit__in=visit_queryset(user=user).values("pk")).get(
            pk=attachment_id
        )
    except VisitAttachment.DoesNotExist:
        raise NotFound() from None


def likely_duplicates(
    *,
    user: User,
    kind: str,
    lead_official_ids: Sequence[int],
    start: datetime.date,
    end: datetime.date,
    enterprise_ids: Sequence[int],
    exclude_id: int | None = None,
) -> list[Visit]:
    """The visits the user can see that look like the one being recorded: the same lead official,
    dates that overlap and an enterprise in common. A call is a different event from a visit on
    the same day, so calls are compared with calls only. Both halves start from an index
    (visit_official_idx, visit_enterprise_idx), so the check costs a few index reads however
    many visits there are."""
    if not lead_official_ids or not enterprise_ids:
        return []
    calls = kind == VisitKind.CALL
    found = (
        visit_queryset(user=user)
        .filter(
            pk__in=VisitOfficial.objects.filter(
                official_id__in=list(lead_official_ids), role=VisitOfficial.Role.LEAD
            ).values("visit_id"),
            start_date__lte=end,
            end_date__gte=start,
        )
        .filter(
            pk__in=VisitEnterprise.objects.filter(enterprise_id__in=list(enterprise_ids)).values("visit_id")
        )
    )
    found = found.filter(kind=VisitKind.CALL) if calls else found.exclude(kind=VisitKind.CALL)
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    return list(found.order_by("-start_date", "-id")[:10])


def official_visits(*, user: User, official_id: int, start: datetime.date, end: datetime.date) -> list[Visit]:
    """An official's visits overlapping [start, end], in the user's scope, for their calendar."""
    return list(
        visit_queryset(user=user)
        .filter(
            pk__in=VisitOfficial.objects.filter(official_id=official_id).values("visit_id"),
            start_date__lte=end,
            end_date__gte=start,
        )
        .order_by("start_date", "id")
    )


def my_visits_summary(*, user: User, today: datetime.date) -> dict[str, Any] | None:
    """The workbench card of an official who goes on visits: this month's and this year's visits,
    the last one, and the instructions they gave there, still open and done. None for a user
    with no official."""
    if not user.official_id:
        return None
    mine = VisitOfficial.objects.filter(official_id=user.official_id, visit__start_date__lte=today)
    counts = mine.aggregate(
        month=Count("pk", filter=Q(visit__start_date__gte=today.replace(day=1))),
        year=Count("pk", filter=Q(visit__start_date__gte=today.replace(month=1, day=1))),
        last=Max("visit__start_date"),
    )
    instructions = Case.objects.filter(
        issued_by_id=user.official_id, kind=Kind.INSTRUCTION, visit__isnull=False
    ).aggregate(open=Count("pk", filter=Q(status__in=OPEN_STATUS_LIST)), all=Count("pk"))
    return {
        "month": counts["month"],
        "year": counts["year"],
        "last": counts["last"],
        "instructions_open": instructions["open"],
        "instructions_done": instructions["all"] - instructions["open"],
    }


def with_case_counts(visits: Iterable[Visit], *, user: User) -> list[Visit]:
    """The visits (a page of them) with `case_count`, `open_count` and `closed_count`: how many of
    the cases filed at each the user can see (the ones the visit's page then lists) and how many
    of those are open and closed, counted in one query over these visits only. Annotating the
    list with a Count over the join instead makes the database join and group every visit in
    scope before it can take the page, and the page's count the same."""
    visits = list(visits)
    counts = {
        row["visit_id"]: row
        for row in Case.objects.filter(case_scope_q(user), visit_id__in=[v.pk for v in visits])
        .order_by()
        .values("visit_id")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUS_LIST)),
            closed=Count("id", filter=Q(status=Status.CLOSED)),
        )
    }
    for visit in visits:
        row = counts.get(visit.pk)
        visit.case_count = row["total"] if row else 0  # type: ignore[attr-defined]
        # Open and closed do not add up to the total: a demand not accepted is neither.
        visit.open_count = row["open"] if row else 0  # type: ignore[attr-defined]
        visit.closed_count = row["closed"] if row else 0  # type: ignore[attr-defined]
    return visits
