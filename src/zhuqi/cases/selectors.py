"""Every read of cases goes through here, scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhuqi.cases.models import Case, CaseStep, Category, RoutingRule
from zhuqi.core.errors import NotFound
from zhuqi.core.roles import Role
from zhuqi.core.scoping import (
    NOTHING,
    is_active_user,
    jurisdiction_code,
    region_and_ancestor_codes,
    region_subtree_q,
)
from zhuqi.directory.models import Region, User
from zhuqi.enterprises.models import Assignment


def case_scope_q(user: User) -> Q:
    """Leaders and coordinators: their jurisdiction. Handlers: cases their department leads or
    supports. Liaison officers: cases of the enterprises assigned to them now, and what they
    filed. Enterprises: their own."""
    if not is_active_user(user):
        return NOTHING
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.role == Role.LIAISON:
        if not user.official_id:
            return Q(filed_by=user)
        assigned = Assignment.objects.filter(Assignment.current_q(), official_id=user.official_id)
        return Q(enterprise_id__in=assigned.values("enterprise_id")) | Q(filed_by=user)
    if user.role == Role.HANDLER:
        if not user.department_id:
            return NOTHING
        return Q(lead_department_id=user.department_id) | Q(
            pk__in=Case.co_departments.through.objects.filter(department_id=user.department_id).values(
                "case_id"
            )
        )
    code = jurisdiction_code(user)
    if code is None:
        return Q()
    if not code:
        return NOTHING
    return region_subtree_q("region_id", code)


def case_queryset(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(case_scope_q(user)).select_related(
        "enterprise", "region", "category", "lead_department"
    )


def case_get(*, user: User, case_id: int | str) -> Case:
    try:
        return case_queryset(user=user).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def timeline(*, user: User, case: Case) -> QuerySet[CaseStep]:
    """The steps of a case the user can see: the enterprise's view leaves out what passes between
    government offices (returns, extensions, escalations)."""
    steps = case.steps.prefetch_related("attachments")
    if user.role == Role.ENTERPRISE:
        steps = steps.filter(internal=False)
    return steps


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("order", "id")


def routing_rules_for(region: Region) -> QuerySet[RoutingRule]:
    """The catalogue entries that apply to a region: its own and its ancestors', nearest first."""
    return (
        RoutingRule.objects.filter(region_id__in=region_and_ancestor_codes(region.code))
        .select_related("lead_department", "region")
        .prefetch_related("co_departments")
        .order_by("-region_id", "order", "id")
    )


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
