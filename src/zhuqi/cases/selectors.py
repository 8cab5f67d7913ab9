"""Every read of cases goes through here, scoped to the user."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from zhuqi.cases import origins, workflow
from zhuqi.cases.models import (
    OPEN_STATUS_LIST,
    Attachment,
    Case,
    CaseCategory,
    CaseReach,
    CaseStep,
    DeadlinePolicy,
    Extension,
    JointHandling,
    JointStep,
    Kind,
    ReplyTemplate,
    RoutingRule,
    Status,
    Timeliness,
)
from zhuqi.cases.workflow import Party
from zhuqi.core import search
from zhuqi.core.errors import NotFound
from zhuqi.core.pagination import IdsThenRows
from zhuqi.core.roles import Role
from zhuqi.core.scoping import (
    NOTHING,
    is_active_user,
    jurisdiction_code,
    region_and_ancestor_codes,
    region_subtree_q,
    scope_q,
)
from zhuqi.directory.models import Department, Region, User
from zhuqi.directory.selectors import department_queryset
from zhuqi.enterprises.models import Assignment


def department_cases_q(department_id: int) -> Q:
    """The cases a department leads or supports, each arm an index scan (see core.lookups)."""
    return Q(lead_department_id=department_id) | Q(
        pk__any_of=Case.co_departments.through.objects.filter(department_id=department_id).values("case_id")
    )


# Beyond this many cases reached from outside their region, the scope asks the database for them
# instead of naming them in the query.
REACH_NAMED_AT_MOST = 1000


def case_scope_q(
    user: User, *, walk_in_order: bool = False, reached: Callable[[str], Q | None] | None = None
) -> Q:
    """Who sees a case (docs/visibility.md). Leaders and coordinators: the cases of their
    jurisdiction and those a department in it leads or supports. Handlers: the cases their
    department leads or supports, and the hazards they filed. Liaison officers: the cases of the
    enterprises assigned to them now, what they filed, and the visit-wide cases (no enterprise of
    their own) of the visits they can see. Enterprises: their own."""
    return scope_q(
        user,
        enterprise="enterprise_id",
        liaison=_liaison_cases_q,
        region=lambda code: region_subtree_q("region_id", code, walk_in_order=walk_in_order),
        # Handlers see their department's work only, and the hazards they found themselves,
        # which they route before any department leads them.
        department=lambda u: department_cases_q(u.department_id or 0) | Q(filed_by=u),
        handlers_see_region=False,
        # A case of another region worked by a department of this one (a county office leading an
        # instruction given on a prefecture leader's visit) is this jurisdiction's work too. Those
        # are the few cases CaseReach lists for the jurisdiction's regions: read them first and
        # name them, so a jurisdiction with none (the usual case) keeps the plain region range,
        # which its indexes answer (bench/README.md: an OR over the departments' arms made the
        # coordinator's list 2-7 times slower).
        in_jurisdiction=reached or reached_q,
    )


def _liaison_cases_q(user: User) -> Q:
    mine = Q(filed_by=user)
    # The visit-wide cases of the visits they can see: the visits app says which (origins).
    for seen in origins.seen_through(user):
        mine |= seen
    if not user.official_id:
        return mine
    return Q(enterprise_id__any_of=Assignment.enterprises_of(user.official_id)) | mine


def reached_q(code: str) -> Q | None:
    """The cases outside jurisdiction `code` that a department of it leads or supports (CaseReach),
    named when they are few; None when there are none."""
    reach = CaseReach.objects.filter(region_subtree_q("region_id", code)).values("case_id")
    named = list(reach.values_list("case_id", flat=True)[: REACH_NAMED_AT_MOST + 1])
    if not named:
        return None
    if len(named) > REACH_NAMED_AT_MOST:
        return Q(pk__in=reach)
    return Q(pk__in=named)


CASE_RELATED = ("enterprise", "region", "category", "lead_department")


def case_queryset(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(case_scope_q(user)).select_related(*CASE_RELATED)


def case_page_queryset(*, user: User) -> QuerySet[Case]:
    """The same cases as case_queryset, written for taking one page of a newest-first list
    (see core.scoping.region_subtree_q); count with case_queryset."""
    return search.walked_in_order(
        Case.objects.filter(case_scope_q(user, walk_in_order=True)).select_related(*CASE_RELATED)
    )


def case_list_querysets(*, user: User) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """case_queryset and case_page_queryset for one list (its count, its page), the cases reached
    from outside the jurisdiction (CaseReach) read once for both."""
    reached = functools.cache(reached_q)
    counted = Case.objects.filter(case_scope_q(user, reached=reached)).select_related(*CASE_RELATED)
    paged = Case.objects.filter(case_scope_q(user, walk_in_order=True, reached=reached))
    return counted, search.walked_in_order(paged.select_related(*CASE_RELATED))


# What a list page shows of each case (cases/list.html, cases/timeliness.html).
CASE_PAGE_COLUMNS = (
    "id",
    "kind",
    "title",
    "urgency",
    "status",
    "extension",
    "flagged_for_notice",
    "due_at",
    "deadline",
    "deadline_provisional",
    "timeliness",
    "working_days_late",
    "escalation_level",
    "version",
    "enterprise__name",
    "category__name",
    "lead_department__name",
)


def case_page_rows() -> QuerySet[Case, dict[str, Any]]:
    """What a list page shows of a case, as values (no model instances: the page only prints
    them), for core.pagination.IdsThenRows to read for a page's ids (taken from a scoped list,
    which orders them): the joins cover the page's rows only."""
    return Case.objects.values(*CASE_PAGE_COLUMNS)


def case_get(*, user: User, case_id: int | str) -> Case:
    try:
        return case_queryset(user=user).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def answers_for_q(user: User) -> Q:
    """The cases workflow.answers_for holds for, as a query (for the coordinator's 待办)."""
    code = jurisdiction_code(user)
    if code is None:
        return Q()
    if not code:
        return NOTHING
    own = region_subtree_q("region_id", code)
    # Outside their region, only a case a department of theirs leads, and those are among the
    # few CaseReach lists: a join to every case's department would cost the queue its indexes.
    reached = reached_q(code)
    if reached is None:
        return own
    departments = Department.objects.filter(region_subtree_q("region_id", code)).values("pk")
    return own | (reached & Q(lead_department_id__in=departments))


def waiting_on_q(user: User) -> Q:
    """The cases waiting on this user's next step (their 待办): the coordinator's queue of
    demands to accept and route, returned cases, extension requests and completions to accept;
    the handler's department's cases to sign for, answer or report; the enterprise's answers to
    rate and hazards to rectify; the liaison's, for the enterprises assigned to them; the
    leader's, what is flagged or late."""
    role = user.role
    if role in (Role.COORDINATOR, Role.ADMIN) or user.is_superuser:
        # Only what they may act on: a case their area merely supports is followed, not worked.
        return workflow.waiting_q(Party.COORDINATOR) & answers_for_q(user)
    if role == Role.HANDLER:
        # One status list, so the (department, status, due_at) index takes all of it; a completion
        # report waits on the department only for hazards (the re-inspection).
        return Q(lead_department_id=user.department_id) & workflow.waiting_q(Party.LEAD_DEPARTMENT)
    if role == Role.ENTERPRISE:
        return workflow.waiting_q(Party.ENTERPRISE)
    if role == Role.LIAISON:
        # Only for the enterprises assigned to them now: they rate and report on their behalf.
        if not user.official_id:
            return NOTHING
        assigned = Assignment.enterprises_of(user.official_id)
        return workflow.waiting_q(Party.LIAISON) & Q(enterprise_id__in=assigned)
    if role == Role.LEADER:
        return Q(status__in=OPEN_STATUS_LIST) & (Q(flagged_for_notice=True) | Q(timeliness=Timeliness.RED))
    return NOTHING


def waiting_on(*, user: User) -> QuerySet[Case]:
    """待办, most pressing first: by the running clock, cases with none last."""
    # Answers waiting for a rating and completions waiting for acceptance run no deadline clock;
    # they sort by when they close on their own, or by how long they have waited.
    clock = Coalesce("auto_close_at", "completion_reported_at")
    if user.role == Role.HANDLER and is_active_user(user) and user.department_id:
        # What waits on a department is what it leads, inside its scope by definition; ANDing
        # the scope's OR as well made PostgreSQL read every case the department ever had.
        queryset = Case.objects.filter(waiting_on_q(user)).select_related(*CASE_RELATED)
    elif user.role in (Role.COORDINATOR, Role.ADMIN) and is_active_user(user):
        # Their queue (answers_for_q) lies inside their scope by definition too: its own region
        # and, of the cases CaseReach names, those a department of theirs leads. The scope again
        # would read CaseReach a second time and repeat the region range.
        queryset = Case.objects.filter(waiting_on_q(user)).select_related(*CASE_RELATED)
    else:
        queryset = case_queryset(user=user).filter(waiting_on_q(user))
    return queryset.order_by(F("due_at").asc(nulls_last=True), clock, "id")


def open_counts(*, user: User) -> dict[str, int]:
    """The workbench's figures in two queries: waiting on the user (cases, and each joint handling
    once: its members wait on it, not on the user), amber, red, flagged."""
    # Everything counted is open: reading only open cases keeps this to the few thousand of a
    # jurisdiction's cases still running (the status index), not its whole history.
    counts: dict[str, int] = Case.objects.filter(case_scope_q(user), status__in=OPEN_STATUS_LIST).aggregate(
        waiting_cases=Count("pk", filter=waiting_on_q(user)),
        open=Count("pk"),
        amber=Count("pk", filter=Q(timeliness=Timeliness.AMBER)),
        red=Count("pk", filter=Q(timeliness=Timeliness.RED)),
        flagged=Count("pk", filter=Q(flagged_for_notice=True)),
    )
    counts["waiting_joint"] = joint_waiting_count(user=user)
    counts["waiting"] = counts["waiting_cases"] + counts["waiting_joint"]
    return counts


def attachment_get(*, user: User, attachment_id: int) -> Attachment:
    """An attachment the user may download: on a case in their scope, and for an enterprise not
    on a step kept inside government."""
    attachments = Attachment.objects.filter(case__in=case_queryset(user=user).values("pk"))
    if user.role == Role.ENTERPRISE:
        attachments = attachments.exclude(step__internal=True)
    try:
        return attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise NotFound() from None


def reply_templates(case: Case) -> QuerySet[ReplyTemplate]:
    """A handler's reply templates: the case's category's and its parent's, then the general ones."""
    category_ids = [case.category_id, case.category.parent_id] if case.category_id else []
    return ReplyTemplate.objects.filter(
        Q(category_id__in=[c for c in category_ids if c]) | Q(category__isnull=True)
    ).order_by(F("category_id").desc(nulls_last=True), "id")


def timeline(*, user: User, case: Case) -> QuerySet[CaseStep]:
    """The steps of a case the user can see: the enterprise's view leaves out what passes between
    government offices (returns, extensions, escalations)."""
    steps = case.steps.prefetch_related("attachments")
    if user.role == Role.ENTERPRISE:
        steps = steps.filter(internal=False)
    return steps


def categories() -> QuerySet[CaseCategory]:
    return CaseCategory.objects.filter(is_active=True).order_by("order", "id")


def routing_rules_for(region: Region) -> QuerySet[RoutingRule]:
    """The catalogue entries that apply to a region: its own and its ancestors', nearest first."""
    return (
        RoutingRule.objects.filter(region_id__in=region_and_ancestor_codes(region.code))
        .select_related("lead_department", "region")
        .prefetch_related("co_departments")
        .order_by("-region_id", "order", "id")
    )


def route(case: Case) -> RoutingRule | None:
    """The routing catalogue's rule for a case: for its category, nearest region first; a rule
    with keywords wins when one of them appears in the title or description."""
    text = f"{case.title} {case.description}"
    fallback = None
    for rule in routing_rules_for(case.region).filter(category_id=case.category_id):
        words = rule.keywords.split()
        if words and any(word in text for word in words):
            return rule
        if not words and fallback is None:
            fallback = rule
    return fallback


def routing_catalogue(*, user: User) -> QuerySet[RoutingRule]:
    """The catalogue a user may read: the rules of their jurisdiction, its parts and the regions
    above it (whose rules apply to it too)."""
    rules = RoutingRule.objects.select_related("region", "category", "lead_department").prefetch_related(
        "co_departments"
    )
    code = jurisdiction_code(user)
    if code is None:
        return rules.order_by("region_id", "category__order", "order", "id")
    if not code:
        return rules.none()
    return rules.filter(
        region_subtree_q("region_id", code) | Q(region_id__in=region_and_ancestor_codes(code))
    ).order_by("region_id", "category__order", "order", "id")


def category_tree(*, active_only: bool = False) -> list[CaseCategory]:
    """Every category (or the active ones: what a form offers), each top-level one followed by its
    sub-categories."""
    items = list(categories() if active_only else CaseCategory.objects.order_by("order", "id"))
    children: dict[int, list[CaseCategory]] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)
    ordered = []
    for item in items:
        if item.parent_id is None:
            ordered += [item, *children.get(item.pk, [])]
    return ordered


def all_reply_templates() -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.select_related("category").order_by(
        F("category_id").asc(nulls_first=True), "title"
    )


def deadline_policies() -> QuerySet[DeadlinePolicy]:
    return DeadlinePolicy.objects.select_related("category").order_by("kind", "urgency", "category_id")


def departments_for(*, user: User, case: Case) -> QuerySet[Department]:
    """The departments a case can be assigned to: those of its region, the regions above it and
    the ones below, that the user may reach. A county's case lists its county's, prefecture's and
    province's offices, not a whole province's thousands, and never cuts one off."""
    near = Q(region_id__in=region_and_ancestor_codes(case.region_id)) | region_subtree_q(
        "region_id", case.region_id
    )
    return department_queryset(user=user).filter(near).order_by("-region_id", "name")


def region_coordinators(region: Region) -> QuerySet[User]:
    """The coordinators whose jurisdiction contains the region (its own, its prefecture's, its
    province's business-environment offices)."""
    return User.objects.filter(
        is_active=True, role=Role.COORDINATOR, region_id__in=region_and_ancestor_codes(region.code)
    )


def region_leaders(region: Region) -> QuerySet[User]:
    # The county's and the prefecture's leaders; the province's hear of it through the notice.
    codes = region_and_ancestor_codes(region.code) - {region.code[:2] + "0000"}
    return User.objects.filter(is_active=True, role=Role.LEADER, region_id__in=codes)


def department_handlers(department_ids: list[int]) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.HANDLER, department_id__in=department_ids)


def enterprise_users(enterprise_id: int | None) -> QuerySet[User]:
    if enterprise_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=enterprise_id)


def enterprise_liaisons(enterprise_ids: Iterable[int]) -> dict[int, list[User]]:
    """The liaison officers assigned now to each of these enterprises (包联), who report and rate
    for them: two queries whatever the number of enterprises."""
    officials: dict[int, set[int]] = {}
    for enterprise_id, official_id in Assignment.objects.filter(
        Assignment.current_q(), enterprise_id__in=list(enterprise_ids)
    ).values_list("enterprise_id", "official_id"):
        officials.setdefault(official_id, set()).add(enterprise_id)
    found: dict[int, list[User]] = {}
    if not officials:
        return found
    for user in User.objects.filter(is_active=True, role=Role.LIAISON, official_id__in=list(officials)):
        for enterprise_id in officials[user.official_id or 0]:
            found.setdefault(enterprise_id, []).append(user)
    return found


def hazards_to_rectify(*, user: User) -> QuerySet[Case]:
    """The open hazards of the user's enterprise (or, for a liaison officer, of the enterprises
    in their scope), the rectification deadline nearest first: the workbench's 待整改隐患."""
    return (
        case_queryset(user=user)
        .filter(kind=Kind.HAZARD, status__in=OPEN_STATUS_LIST)
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )


# ---------------------------------------------------------------------------------------------
# Joint handlings (联合办理, cases/joint.py)


def joint_scope_q(user: User) -> Q:
    """Who sees a joint handling: government users only (its page names every member
    enterprise; an enterprise sees its own case, and a liaison officer their enterprises' cases).
    Leaders and coordinators: those of their jurisdiction; handlers: those their department leads
    or supports."""

    def department(u: User) -> Q:
        supported = JointHandling.co_departments.through.objects.filter(department_id=u.department_id or 0)
        return Q(lead_department_id=u.department_id or 0) | Q(pk__in=supported.values("jointhandling_id"))

    return scope_q(
        user,
        enterprise=lambda _enterprise_id: NOTHING,
        liaison=lambda _user: NOTHING,
        region=lambda code: region_subtree_q("region_id", code),
        department=department,
        handlers_see_region=False,
    )


JOINT_RELATED = ("region", "lead_department", "category")


def joint_queryset(*, user: User) -> QuerySet[JointHandling]:
    return JointHandling.objects.filter(joint_scope_q(user)).select_related(*JOINT_RELATED)


def joint_get(*, user: User, joint_id: int | str) -> JointHandling:
    try:
        return joint_queryset(user=user).get(pk=int(joint_id))
    except (JointHandling.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def joint_list(*, user: User) -> QuerySet[JointHandling]:
    """The joint handlings in scope, newest first, each with its number of members (filtered by
    filtersets.JointHandlingFilterSet)."""
    return joint_queryset(user=user).annotate(member_count=Count("members")).order_by("-created_at", "-id")


def policy_questions(*, user: User) -> QuerySet[JointHandling]:
    """The joint handlings marked as policy questions (no department can solve them case by
    case), newest first: what the keepers of the policies take up. The policies app reads this."""
    return joint_list(user=user).filter(policy_question=True)


def joint_members(joint: JointHandling) -> QuerySet[Case]:
    return joint.members.select_related("enterprise").order_by("pk")


def joint_timeline(joint: JointHandling) -> QuerySet[JointStep]:
    return joint.steps.all()


def joint_other_enterprises(case: Case) -> int:
    """How many other enterprises' demands a member case is handled with."""
    if case.joint_handling_id is None:
        return 0
    return (
        Case.objects.filter(joint_handling_id=case.joint_handling_id)
        .exclude(enterprise_id=case.enterprise_id or 0)
        .values("enterprise_id")
        .distinct()
        .count()
    )


def joint_waiting_q(user: User) -> Q:
    """The joint handlings waiting on the user's next step: the lead department's to sign for
    and answer; the coordinator's returned ones and extension requests."""
    if user.role == Role.HANDLER:
        if not user.department_id:
            return NOTHING
        return Q(lead_department_id=user.department_id, status__in=[Status.ASSIGNED, Status.IN_PROGRESS])
    if user.role in (Role.COORDINATOR, Role.ADMIN) or user.is_superuser:
        return Q(status=Status.RETURNED) | Q(extension=Extension.REQUESTED)
    return NOTHING


def joint_waiting(*, user: User) -> QuerySet[JointHandling]:
    """The joint handlings in the user's 待办, by their deadline (one entry for all members)."""
    return _joint_rows().filter(_joint_waiting_filter(user)).order_by(*_JOINT_WAITING_ORDER)


# The deadline first, those without one last.
_JOINT_WAITING_ORDER = (F("deadline").asc(nulls_last=True), "id")


def _joint_rows() -> QuerySet[JointHandling]:
    # What a list of joint handlings shows: their relations and how many demands each holds.
    return JointHandling.objects.select_related(*JOINT_RELATED).annotate(member_count=Count("members"))


def joint_waiting_first(*, user: User, size: int) -> list[JointHandling]:
    """The first `size` of joint_waiting, for a page that shows them beside its cases: their ids
    first, from the joint handlings alone, then those by id with their relations and member
    counts. Most users have none waiting: that costs one light query (0.7 ms on PostgreSQL,
    where the whole query with its joins and member counts compiled and ran in 4–5 ms)."""
    ordered = JointHandling.objects.filter(_joint_waiting_filter(user)).order_by(*_JOINT_WAITING_ORDER)
    return list(IdsThenRows(ordered, _joint_rows())[0:size])


def joint_waiting_count(*, user: User) -> int:
    """How many joint handlings wait on the user: each once, however many members it has (the
    workbench's 待我处理 adds them to the cases, whose members waiting_on_q leaves out)."""
    return JointHandling.objects.filter(_joint_waiting_filter(user)).count()


def _joint_waiting_filter(user: User) -> Q:
    # The one rule for the list, the 事项 list's waiting tab and the workbench's count.
    return joint_scope_q(user) & joint_waiting_q(user)
