"""Reference data a page shows on every request (the case categories of a filter form), read once
per process instead of once per request.

    categories = ProcessCache(read_categories, models=[CaseCategory])
    categories.get()          # read on first use, then kept

A value is dropped when one of its `models` is saved or deleted in this process (then again once
that transaction commits, so a read racing the write is not kept), and at the latest `ttl`
seconds after it was read: another process (a second app server) that changed the table is seen
within that time. Use it only for small tables an admin edits now and then, whose staleness for
`ttl` seconds shows nothing out of scope (a choice offered that a filter or a service still
judges on its own); never for rows a user's scope or a workflow step depends on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# Seconds: how long another process may show what this one changed.
DEFAULT_TTL = 60.0


class ProcessCache(Generic[T]):
    every: ClassVar[list[ProcessCache[Any]]] = []

    def __init__(
        self, read: Callable[[], T], *, models: Iterable[type[models.Model]], ttl: float = DEFAULT_TTL
    ) -> None:
        self.read = read
        self.ttl = ttl
        self._lock = threading.Lock()
        self._kept: tuple[T, float] | None = None
        # Bumped by every drop: a value read while a write was dropping it is not kept.
        self._generation = 0
        for model in models:
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        ProcessCache.every.append(self)

    def get(self) -> T:
        kept = self._kept
        if kept is not None and time.monotonic() < kept[1]:
            return kept[0]
        generation = self._generation
        value = self.read()
        with self._lock:
            if generation == self._generation:
                self._kept = (value, time.monotonic() + self.ttl)
        return value

    def drop(self) -> None:
        with self._lock:
            self._generation += 1
            self._kept = None

    def _changed(self, **_kwargs: Any) -> None:
        self.drop()
        # Read again after the commit too: a request between the write and its commit read the
        # table as it was.
        transaction.on_commit(self.drop)

    @classmethod
    def drop_all(cls) -> None:
        """Every cache of the process (the tests: each starts from the database it made)."""
        for cache in cls.every:
            cache.drop()
