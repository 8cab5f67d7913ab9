from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zhuqi.core.chinese import normalise_query
from zhuqi.core.errors import FieldError
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_subtree_q
from zhuqi.directory.models import Department, Official, Post, Region, User


def departments_in(code: str) -> QuerySet[Department, Any]:
    """The ids of the departments of jurisdiction `code` (the region and below), as a subquery."""
    return Department.objects.filter(region_subtree_q("region_id", code)).values("pk")


def region_queryset() -> QuerySet[Region]:
    children = Region.objects.filter(parent_id=OuterRef("code"))
    return Region.objects.annotate(has_children=Exists(children))


def region_json(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "has_children": getattr(region, "has_children", False),
    }


def region_children(parent: str | None) -> list[dict[str, Any]]:
    """Reference data, public to every signed-in user: the region tree is not confidential."""
    queryset = (
        region_queryset().filter(parent_id=parent)
        if parent
        else region_queryset().filter(parent__isnull=True)
    )
    return [region_json(region) for region in queryset.order_by("code")]


def region_ancestors(code: str) -> list[Region]:
    """The region and the ones above it, top first: three lookups at most (GB/T 2260 has three levels)."""
    chain: list[Region] = []
    region = Region.objects.filter(code=code).first()
    while region is not None:
        chain.append(region)
        region = Region.objects.filter(code=region.parent_id).first() if region.parent_id else None
    return list(reversed(chain))


def region_nodes(*, parent: str | None, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Children of `parent` for the tree, each with the number of enterprises under it that the
    caller passes in (from the caller's own scoped query: this module knows nothing of scope)."""
    nodes = region_children(parent)
    for node in nodes:
        node["enterprise_count"] = (counts or {}).get(node["code"], 0)
    return nodes


def _in_jurisdiction(queryset: QuerySet[Any], code: str | None) -> QuerySet[Any]:
    """Rows whose region lies in the jurisdiction `code` (None: every row; "": none)."""
    if code is None:
        return queryset
    return queryset.filter(region_subtree_q("region_id", code)) if code else queryset.none()


def official_queryset(*, user: Any) -> QuerySet[Official]:
    """Officials of the user's jurisdiction (and below); everyone for the unscoped roles; none for
    enterprise accounts, which have no business browsing the government's staff list. A liaison
    officer sees those of their own official's region."""
    if not has_permission(user, Permission.READ_DIRECTORY):
        return Official.objects.none()
    code = jurisdiction_code(user)
    if code is not None and user.role == Role.LIAISON and user.official_id:
        code = Official.objects.filter(pk=user.official_id).values_list("region_id", flat=True).first() or ""
    return _in_jurisdiction(Official.objects.all(), code)


def assignable_officials(*, user: Any) -> QuerySet[Official]:
    """Officials a coordinator may assign: those of the jurisdiction and below, and those of the
    regions above it (a city leader is assigned to a county's enterprise as often as not)."""
    code = jurisdiction_code(user)
    if code is None:
        return official_queryset(user=user)
    above = [region.code for region in region_ancestors(code)] if code else []
    return Official.objects.filter(
        Q(pk__in=official_queryset(user=user).values("pk")) | Q(region_id__in=above)
    )


def official_search(*, user: Any, query: str, limit: int = 20) -> list[Official]:
    """The official picker (visit form): officials the user may name, found by a part of the name
    or by pinyin from the start of a key (mxd, mengxiandong), with their current posts."""
    text = normalise_query(query)
    if not text:
        return []
    matches = Q(name__contains=text) | Q(search_text__contains=f" {text}")
    return list(
        assignable_officials(user=user)
        .filter(matches)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.filter(Post.current_q()).select_related("department"),
                to_attr="posts_now",
            )
        )
        .order_by("name", "id")[:limit]
    )


def department_queryset(*, user: Any) -> QuerySet[Department]:
    """Departments of the user's jurisdiction and below (all for the unscoped roles)."""
    if not has_permission(user, Permission.READ_DIRECTORY):
        return Department.objects.none()
    return _in_jurisdiction(Department.objects.all(), jurisdiction_code(user))


def region_in_reach(user: User, code: str | None, errors: list[Any], field: str = "region") -> Any:
    """The Region for `code` if it exists and lies in the user's jurisdiction; otherwise None,
    with the reason appended to `errors` (a FieldError naming `field`)."""
    code = (code or "").strip()
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        errors.append(FieldError(field, f"行政区划代码“{code}”不存在" if code else "必填"))
        return None
    if not code_within(jurisdiction_code(user), region.code):
        errors.append(FieldError(field, f"{region.name}不在您的管辖范围内"))
    return region
