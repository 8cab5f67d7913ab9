"""The one place that says what a user may see. Selectors of every app build their querysets
from these, so the pages, the API and the exports cannot disagree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
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


def prefix_upper_bound(prefix: str) -> str:
    """The first code past every code starting with `prefix`: 1505 → 1506 (a range's end)."""
    return str(int(prefix) + 1).zfill(len(prefix))


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
    upper = prefix_upper_bound(prefix)
    if walk_in_order and connection.vendor == "sqlite" and len(prefix) <= 4:
        column = Func(F(field), template="+%(expressions)s", output_field=CharField())
        return Q(GreaterThanOrEqual(column, prefix)) & Q(LessThan(column, upper))
    if connection.vendor == "postgresql":
        # The same range, as a lookup a word search can find and narrow (core.lookups).
        return Q(**{f"{field}__within_region": prefix})
    if walk_in_order and len(prefix) == len(code):
        # A county has no divisions under it in six-digit codes: the code itself, so an index
        # that starts with the region walks its rows in its next columns' order (the cases of a
        # county newest first: case_region_submitted_idx), where SQLite sorted a range's rows.
        # Only for such a page: as one arm of a queue's OR, SQLite then read the county's cases
        # by that index instead of the queue's own (status, region).
        return Q(**{field: code})
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


class Action(StrEnum):
    """What the scope is for, where reading and writing reach differently."""

    READ = "read"
    WRITE = "write"


def scope_q(
    user: User,
    *,
    enterprise: str | Sequence[str] | Callable[[int], Q],
    liaison: Callable[[User], Q],
    region: str | Callable[[str], Q],
    department: Callable[[User], Q] | None = None,
    region_beside_department: Callable[[str], Q] | None = None,
    in_jurisdiction: Callable[[str], Q | None] | None = None,
    handlers_see_region: bool = True,
    action: Action = Action.READ,
) -> Q:
    """The rows of one model `user` may see (docs/visibility.md), built the same way for every app;
    the app says only what differs for its model.

    - inactive or anonymous: nothing;
    - an enterprise account: `enterprise`, its own rows (a field naming the enterprise, several
      fields any of which may, or a function of the enterprise id); nothing without an enterprise;
    - a liaison officer: `liaison(user)` (typically the rows of the enterprises assigned to them
      now, enterprises.selectors.assigned_q);
    - a handler: `department(user)`, the rows their department is responsible for, besides the
      department's region and below; only those when the model says handlers do not read by
      region (`handlers_see_region=False`) or when the scope is for writing (`Action.WRITE`);
    - everyone else by jurisdiction_code: None is every row, "" none, a code the rows of
      `region` (a region-code field, or a function of the code) and `in_jurisdiction(code)`
      (rows of elsewhere a department of the jurisdiction works on), if any.

    `region_beside_department`: the region arm written for use in an OR with the department's
    (see core.lookups.AnyOf), where it differs from the plain one."""
    if not is_active_user(user):
        return NOTHING
    if user.role == Role.ENTERPRISE:
        return _own_q(enterprise, user.enterprise_id) if user.enterprise_id else NOTHING
    if user.role == Role.LIAISON:
        return liaison(user)
    if (
        user.role == Role.HANDLER
        and department is not None
        and (action == Action.WRITE or not handlers_see_region)
    ):
        return department(user) if user.department_id else NOTHING
    code = jurisdiction_code(user)
    if code is None:
        return Q()
    in_region = _region_q(region)
    if user.role == Role.HANDLER and user.department_id and department is not None:
        ours = department(user)
        return ((region_beside_department or in_region)(code) | ours) if code else ours
    if not code:
        return NOTHING
    rows = in_region(code)
    extra = in_jurisdiction(code) if in_jurisdiction is not None else None
    return rows if extra is None else rows | extra


def _own_q(enterprise: str | Sequence[str] | Callable[[int], Q], enterprise_id: int) -> Q:
    if callable(enterprise):
        return enterprise(enterprise_id)
    fields = [enterprise] if isinstance(enterprise, str) else list(enterprise)
    own = Q(**{fields[0]: enterprise_id})
    for field in fields[1:]:
        own |= Q(**{field: enterprise_id})
    return own


def _region_q(region: str | Callable[[str], Q]) -> Callable[[str], Q]:
    if callable(region):
        return region
    return lambda code: region_subtree_q(region, code)
