"""Rows of a figures table: per department, or per subdivision of a region at a chosen level.
The case figures, the project figures and the agreement figures group the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Substr

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.scoping import (
    code_within,
    jurisdiction_code,
    prefix_upper_bound,
    region_prefix,
    region_subtree_q,
)
from zhuqi.directory.models import Department, Region, User

LEVELS = {"province": ("省级", 2), "prefecture": ("地级", 4), "county": ("县级", 6)}


@dataclass(frozen=True)
class Grouping:
    by: str  # department | region | another column the caller groups by
    root: Region | None = None  # region grouping: the region whose subdivisions are the rows
    level: str = ""  # region grouping: the level of the rows
    prefix_length: int = 6


def root_length(code: str | None) -> int:
    return len(region_prefix(code)) if code else 0


def child_level(code: str | None) -> str:
    return {0: "province", 2: "prefecture"}.get(root_length(code), "county")


def region_grouping(
    user: User, by: str, region: str, level: str, *, field: str = "region_id"
) -> tuple[Grouping, Q]:
    """The grouping and the filter on `field` for `region` (a code; else the user's
    jurisdiction). Region rows are the root's subdivisions at `level`, never above the root."""
    if level and level not in LEVELS:
        raise ValidationFailed([FieldError("level", "应为 province、prefecture 或 county")])
    jurisdiction = jurisdiction_code(user)
    root: Region | None = None
    region_q = Q()
    if region:
        root = Region.objects.filter(pk=region).first() if region.isdigit() and len(region) == 6 else None
        if root is None:
            raise ValidationFailed([FieldError("region", f"没有代码为 {region} 的行政区划")])
        if not code_within(jurisdiction, root.code):
            raise ValidationFailed([FieldError("region", f"{root.name}不在您的管辖范围内")])
        prefix = region_prefix(root.code)
        upper = prefix_upper_bound(prefix)
        region_q = Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    elif jurisdiction:
        root = Region.objects.filter(pk=jurisdiction).first()
        if by == "region":
            # Rows are the jurisdiction's subdivisions: a record of another region that a
            # department of this one works (docs/visibility.md) counts in its department's row,
            # not as a region row of somewhere else.
            region_q = region_subtree_q(field, jurisdiction)
    if by != "region":
        return Grouping(by, root=root), region_q
    root_code = root.code if root else None
    chosen = level or child_level(root_code)
    # Rows never above the root: a county's coordinator grouping by province sees one row, their county.
    length = max(LEVELS[chosen][1], root_length(root_code))
    shown = next(name for name, (_, size) in LEVELS.items() if size == length)
    return Grouping(by, root=root, level=shown, prefix_length=length), region_q


def region_key(grouping: Grouping, field: str = "region_id") -> Any:
    """The expression a query groups region rows by (pad the values with pad_region_key)."""
    return F(field) if grouping.prefix_length == 6 else Substr(field, 1, grouping.prefix_length)


def pad_region_key(key: str) -> str:
    return key.ljust(6, "0")


def group_names(grouping: Grouping, keys: list[Any]) -> dict[Any, str]:
    if grouping.by == "department":
        departments = Department.objects.in_bulk([key for key in keys if key is not None])
        return {key: department.name for key, department in departments.items()}
    regions = Region.objects.in_bulk(keys)
    root = grouping.root.code if grouping.root else None
    # Rows of the root region itself (a prefecture's own instructions or projects) are its 本级 row.
    return {
        code: f"{region.name}（本级）" if code == root else region.name for code, region in regions.items()
    }
