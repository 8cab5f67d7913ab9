from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from zhuqi.directory.models import Region


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
