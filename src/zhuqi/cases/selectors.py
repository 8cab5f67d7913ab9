"""Every read of cases goes through here, scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhuqi.cases.models import Case, CaseStep, Category, Kind, RoutingRule, Status
from zhuqi.core.errors import NotFound
from zhuqi.core.roles import Role
from zhuqi.core.scoping import NOTHING, is_active_user, jurisdiction_code, region_subtree_q
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


def case_detail(*, user: User, case_id: int | str) -> Case:
    case = case_get(user=user, case_id=case_id)
    case.co_department_list = list(case.co_departments.all())  # type: ignore[attr-defined]
    return case


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
    codes = {region.code, region.code[:4] + "00", region.code[:2] + "0000"}
    return (
        RoutingRule.objects.filter(region_id__in=codes)
        .select_related("lead_department", "region")
        .prefetch_related("co_departments")
        .order_by("-region_id", "order", "id")
    )


def region_coordinators(region: Region) -> QuerySet[User]:
    """The coordinators whose jurisdiction contains the region (its own, its prefecture's, its
    province's business-environment offices)."""
    codes = {region.code, region.code[:4] + "00", region.code[:2] + "0000"}
    return User.objects.filter(is_active=True, role=Role.COORDINATOR, region_id__in=codes)


def region_leaders(region: Region) -> QuerySet[User]:
    codes = {region.code, region.code[:4] + "00"}
    return User.objects.filter(is_active=True, role=Role.LEADER, region_id__in=codes)


def department_handlers(department_ids: list[int]) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.HANDLER, department_id__in=department_ids)


def enterprise_users(enterprise_id: int | None) -> QuerySet[User]:
    if enterprise_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=enterprise_id)


def open_case_count_by_status(*, user: User) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        case_queryset(user=user)
        .exclude(status__in=[Status.CLOSED, Status.REJECTED])
        .values("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["status"]: row["count"] for row in rows}


KIND_LABELS = dict(Kind.choices)
