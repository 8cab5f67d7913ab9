"""Every read of enterprises goes through here, scoped to the user."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from zhuqi.core.errors import NotFound
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import (
    NOTHING,
    is_active_user,
    region_prefix,
    region_subtree_q,
    scope_q,
)
from zhuqi.directory.models import Official, Post, Region, User
from zhuqi.enterprises.models import Assignment, Enterprise, Qualification, QualificationKind

# Fields an enterprise's own account may change about itself; its registered facts (code, name,
# industry, figures, founding date) come from the registry and statistics, not from
# self-declaration; nor do its qualifications, which the bodies that grant them announce.
SELF_EDITABLE_FIELDS = frozenset({"short_name", "address", "contacts"})


def assigned_q(user: User, field: str) -> Q:
    """The rows of the enterprises assigned to a liaison officer now (`field` names the
    enterprise); none for an account linked to no official."""
    if not user.official_id:
        return NOTHING
    return Q(**{f"{field}__in": Assignment.enterprises_of(user.official_id)})


def enterprise_scope_q(user: User, *, through: str = "") -> Q:
    """The enterprises `user` may see; with `through`, the rows whose foreign key `through` names
    such an enterprise, written on the joined row (`through__region_id`) rather than as
    `IN (the enterprises in scope)`, which SQLite answers by probing once per enterprise of the
    city (a chain's members)."""
    if not through:
        return scope_q(user, enterprise="pk", liaison=lambda u: assigned_q(u, "pk"), region="region_id")
    return scope_q(
        user,
        enterprise=f"{through}_id",
        liaison=lambda u: assigned_q(u, through),
        region=f"{through}__region_id",
    )


def enterprise_queryset(*, user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(enterprise_scope_q(user)).select_related("region", "industry")


def enterprise_get(*, user: User, enterprise_id: int | str) -> Enterprise:
    try:
        return enterprise_queryset(user=user).get(pk=int(enterprise_id))
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def enterprise_detail(*, user: User, enterprise_id: int | str) -> Enterprise:
    """The enterprise with who is responsible for it now, in a fixed number of queries."""
    enterprise = enterprise_get(user=user, enterprise_id=enterprise_id)
    enterprise.current_assignments = list(  # type: ignore[attr-defined]
        enterprise.assignments.filter(Assignment.current_q())
        .select_related("official")
        .prefetch_related(
            Prefetch(
                "official__posts", queryset=Post.objects.filter(Post.current_q()).select_related("department")
            )
        )
        .order_by("kind", "start_date")
    )
    return enterprise


_KIND_ORDER = {kind: position for position, kind in enumerate(QualificationKind.values)}


def qualification_order(kind: str) -> int:
    """Where a kind comes in a list of qualifications (the page, the API, the audit trail): in
    the order QualificationKind declares them."""
    return _KIND_ORDER.get(kind, len(_KIND_ORDER))


def enterprise_qualifications(
    enterprise: Enterprise, *, today: datetime.date | None = None
) -> list[Qualification]:
    """The enterprise's qualifications, each with `in_force` (not expired on `today`, by the
    model's Qualification.valid_q). The caller has looked the enterprise up through
    enterprise_get, so the user may see it."""
    day = today or timezone.localdate()
    rows = Qualification.objects.filter(enterprise_id=enterprise.pk).annotate(
        in_force=ExpressionWrapper(Qualification.valid_q(day), output_field=BooleanField())
    )
    return sorted(rows, key=lambda q: qualification_order(q.kind))


def can_edit_enterprise(user: User, enterprise: Enterprise | None = None) -> bool:
    """Whether `user` may change registry fields (for an enterprise they can see: scope is checked
    by looking the enterprise up through enterprise_queryset first)."""
    return has_permission(user, Permission.EDIT_ENTERPRISES)


def editable_fields(user: User, enterprise: Enterprise) -> frozenset[str] | None:
    """None: every field. A set: only those. Empty: read-only."""
    if can_edit_enterprise(user, enterprise):
        return None
    if user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk:
        return SELF_EDITABLE_FIELDS
    return frozenset()


def can_see_contacts(user: User) -> bool:
    return has_permission(user, Permission.SEE_CONTACTS)


def assignment_queryset(*, user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        enterprise__in=enterprise_queryset(user=user).values("pk")
    ).select_related("official", "enterprise")


def assigned_officials(*, user: User) -> QuerySet[Official]:
    """Officials with a current assignment to an enterprise the user can see (the list's filter)."""
    current = assignment_queryset(user=user).filter(Assignment.current_q())
    return Official.objects.filter(pk__in=current.values("official_id")).order_by("name")


def my_assignments(*, user: User) -> QuerySet[Assignment]:
    """The enterprises the user's official is responsible for now."""
    if not is_active_user(user) or not user.official_id:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(Assignment.current_q(), official_id=user.official_id)
        .select_related("enterprise", "enterprise__region")
        .order_by("enterprise__name")
    )


def enterprise_counts_by_region(*, user: User, parent: str | None) -> dict[str, int]:
    """Enterprises the user can see under each child of `parent` (or each province), in one
    grouped query: counted per region code, then summed up to the child whose code prefix it has."""
    children = list(
        Region.objects.filter(parent_id=parent) if parent else Region.objects.filter(parent__isnull=True)
    )
    queryset = enterprise_queryset(user=user)
    if parent:
        queryset = queryset.filter(region_subtree_q("region_id", parent))
    per_region = queryset.order_by().values_list("region_id").annotate(n=Count("id"))
    prefixes = sorted(
        ((region_prefix(child.code), child.code) for child in children), key=lambda p: -len(p[0])
    )
    counts: dict[str, int] = {}
    for region_id, n in per_region:
        for prefix, code in prefixes:
            if region_id.startswith(prefix):
                counts[code] = counts.get(code, 0) + n
                break
    return counts


def enterprise_history(enterprise: Enterprise) -> QuerySet[AuditEntry]:
    """The enterprise's own entries and those of its assignments, newest first. The caller has
    looked the enterprise up through enterprise_get, so the user may see it."""
    from django.contrib.contenttypes.models import ContentType

    assignment_ids = [
        str(pk) for pk in Assignment.objects.filter(enterprise=enterprise).values_list("pk", flat=True)
    ]
    return (
        AuditEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Enterprise), object_id=str(enterprise.pk))
            | Q(content_type=ContentType.objects.get_for_model(Assignment), object_id__in=assignment_ids)
        )
        .select_related("content_type")
        .order_by("-at", "-id")
    )
