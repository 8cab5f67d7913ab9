"""The one place that says what a user may see. Selectors of every app build their querysets
from these, so the pages, the API and the exports cannot disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from zhuqi.core.roles import REGION_SCOPED_ROLES, UNSCOPED_ROLES, Role
from zhuqi.core.validators import is_region_code

if TYPE_CHECKING:
    from zhuqi.directory.models import User


def region_prefix(code: str) -> str:
    """The code prefix every division under `code` shares: 150000 → 15, 150500 → 1505, 150581 → 150581."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_and_ancestor_codes(code: str) -> set[str]:
    """A region's code and its prefecture's and province's, by GB/T 2260's code structure:
    150581 → {150581, 150500, 150000}."""
    return {code, code[:4] + "00", code[:2] + "0000"}


def region_subtree_q(field: str, code: str, *, walk_in_order: bool = False) -> Q:
    """`field` (a region code column) is `code` or under it.

    Written as a range on the code rather than a LIKE, so a plain b-tree index serves it on
    SQLite and PostgreSQL alike, whatever the collation.

    `walk_in_order`: for the page of a newest-first list over a prefecture or a province. SQLite
    (which keeps no statistics on ranges) reads every case of the jurisdiction through the
    region index and sorts them (5–7 s at 700k of 2M cases), where walking the date index and
    keeping the jurisdiction's rows finds a page in milliseconds. A unary + on the column keeps
    SQLite from using the region index; PostgreSQL plans this well without help.
    """
    from django.db import connection
    from django.db.models import CharField, F, Func
    from django.db.models.lookups import GreaterThanOrEqual, LessThan

    if not is_region_code(code):
        # Not a code (user input that slipped past its form): no region is under it.
        return NOTHING
    prefix = region_prefix(code)
    upper = str(int(prefix) + 1).zfill(len(prefix))
    if walk_in_order and connection.vendor == "sqlite" and len(prefix) <= 4:
        column = Func(F(field), template="+%(expressions)s", output_field=CharField())
        return Q(GreaterThanOrEqual(column, prefix)) & Q(LessThan(column, upper))
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def code_within(jurisdiction: str | None, region_code: str) -> bool:
    """Whether a region lies in a jurisdiction as jurisdiction_code() gives it: None is
    everywhere, "" is nowhere, a code is that region and everything under it."""
    if jurisdiction is None:
        return True
    return bool(jurisdiction) and region_code.startswith(region_prefix(jurisdiction))


def jurisdiction_code(user: User) -> str | None:
    """The region code a user's jurisdiction is rooted at, or None for an unscoped role."""
    if user.role in UNSCOPED_ROLES or user.is_superuser:
        return None
    if user.role in REGION_SCOPED_ROLES:
        return user.region_id or ""
    if user.role == Role.HANDLER and user.department_id:
        return user.department.region_id  # type: ignore[union-attr]  # department_id is set
    return ""


NOTHING = Q(pk__in=[])


def is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)
