from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

# Beyond any table we hold (10^7 pages of 500 rows), and small enough that the row offset a page
# becomes fits a 64-bit integer: a page of 2^63 made SQLite fail with "datatype mismatch".
PAGE_MAX = 10_000_000


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination with both numbers bounded in the schema, so an absurd page
    is refused by name (422, `loc: ["query", "page"]`) and the OpenAPI says what is accepted."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1, le=settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE)


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
