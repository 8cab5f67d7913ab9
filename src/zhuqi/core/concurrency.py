"""How a write takes the record it changes: locked for the transaction, through the actor's
scope, and at the version the actor read.

    record = lock(selectors.thing_queryset(user=actor), thing_id)  # NotFound if out of scope
    check_version(record, expected_version)                         # StaleWrite if it moved on

`lock` answers a missing record, one out of the actor's scope and an id that is not a number
alike (NotFound), so a refusal never tells one from the other. `check_version` is
core.versioning's, re-exported here so a service imports both from one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from zhuqi.core.errors import NotFound
from zhuqi.core.versioning import check_version

__all__ = ["check_version", "lock", "lock_or_new"]

M = TypeVar("M", bound=Model)


def lock(source: QuerySet[M] | type[M], pk: Any, *, related: Sequence[str] = (), no_key: bool = False) -> M:
    """The row `pk` of `source` (a scoped queryset, or a model for tables outside any scope),
    row-locked until the transaction ends (SELECT … FOR UPDATE OF the row's own table, so the
    joined rows of `related` are read but not locked). NotFound if there is no such row in
    `source` or `pk` is not an id.

    `no_key`: FOR NO KEY UPDATE on PostgreSQL, for a row that is updated but never deleted nor
    re-keyed while locked, and that other transactions insert rows pointing to while holding
    locks of their own (their foreign-key check takes KEY SHARE, which FOR UPDATE blocks: a
    deadlock when this transaction then waits for their rows; cases/joint.py)."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    queryset = queryset.select_for_update(of=("self",), no_key=no_key)
    if related:
        queryset = queryset.select_related(*related)
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def lock_or_new(model: type[M], pk: int | None) -> M:
    """A new (unsaved) row when `pk` is None, else the existing one locked as by `lock`."""
    if pk is None:
        return model()
    return lock(model, pk)
