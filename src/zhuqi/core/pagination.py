from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _same(item: Any) -> Any:
    return item


class LazyPage:
    """A sliceable view of a queryset for a paginator (ninja's or Django's) that maps only the
    page it takes: one count and one page query, whatever the size of the table.

    `paged`, when given, is the same rows written so the database plans the page differently
    (see cases.selectors.case_page_queryset): the count comes from `queryset`, the rows from
    `paged`."""

    def __init__(self, queryset: Any, mapper: Callable[[Any], Any] = _same, *, paged: Any = None) -> None:
        self.queryset = queryset
        self.mapper = mapper
        self.paged = queryset if paged is None else paged
        # Django's Paginator warns about unordered lists; the page query carries the order.
        self.ordered = getattr(self.paged, "ordered", True)

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.mapper(item) for item in self.paged[index]]
        return self.mapper(self.paged[index])
