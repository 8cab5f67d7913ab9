from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LazyPage:
    """A sliceable view of a queryset for ninja's paginator that serialises only the page it
    takes: one count and one page query, whatever the size of the table."""

    def __init__(self, queryset: Any, mapper: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.mapper = mapper

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.mapper(item) for item in self.queryset[index]]
        return self.mapper(self.queryset[index])
