"""A list page in two steps, and a count that stops where counting would read the whole list.

Joining every row of a long list to the tables its page shows (the enterprise's name, the
department's) before taking the first 50 makes the database read all of them: PostgreSQL chose a
merge join over the whole enterprise primary-key index for a prefecture's 待办. So a page is
taken as

1. the page's ids, from the list's own table only (filtered, ordered, limited): one index walk
   that stops at the page;
2. what the page shows, for those ids alone (`select_related`/`only`), in the list's order;

both in one query (`IdList`: the first is a subquery of the second).

The count: "how many" is one more read of the whole filtered list. `ListPaginator` counts at
most to COUNT_CAP (or to the end of the page asked, if further) and then says "1,000+ 条", with a
link (`?count=exact`) to the exact figure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from zhuqi.core.pagination import COUNT_CAP, PAGE_MAX

# The query parameter asking for the exact count (the link beside "1,000+ 条"), as the API's
# `count=exact`; the cap is the API's too (core.pagination.COUNT_CAP: reading 1,001 index entries
# costs nothing, reading a prefecture's 600k costs a scan).
EXACT_COUNT = "count"


class IdList:
    """The rows of `ordered` (a filtered, ordered queryset) for a paginator. A slice is one query:
    the page's ids taken from `ordered`'s own table (the list's filters and order, LIMIT/OFFSET,
    no join) as a subquery, and `load(ids)` reading what the page shows for those ids alone,
    ordered as the list is. `load` gets ids already in scope (a subquery, or a list): it decides
    only the columns and joins, e.g. `Case.objects.filter(pk__in=ids).select_related(…).only(…)`.

    PostgreSQL and SQLite run the subquery first (a LIMIT cannot be flattened into the join), so
    the joins cover the page's rows, not the list's."""

    def __init__(self, ordered: QuerySet[Any], load: Callable[[Any], QuerySet[Any]]) -> None:
        # values() drops select_related: the page's ids need none of the joined tables.
        self.ids = ordered.values("pk")
        self.load = load
        self.order = list(ordered.query.order_by or ordered.model._meta.ordering)
        # Django's Paginator warns about unordered lists; the ids query carries the order.
        self.ordered = ordered.ordered

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("IdList takes slices (a page), not single rows")
        # A sliced subquery keeps its ORDER BY and LIMIT; the outer query sorts its 50 rows again.
        return list(self.load(self.ids[index]).order_by(*self.order))

    def count(self) -> int:
        raise TypeError("count with ListPaginator(counted=…), not through the rows")


class ListPaginator(Paginator):
    """Django's paginator whose count stops at `cap` rows, or at the end of the page asked if
    that is further (so every page up to it and the next one are reachable), unless `exact`.
    `counted` is the queryset counted (the list, or the same rows written for counting);
    `count_text` is the figure to show: "613,287" or "1,000+"."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        counted: QuerySet[Any],
        exact: bool = False,
        cap: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted
        self.exact = exact
        self.count_limit = COUNT_CAP if cap is None else cap
        self.capped = False

    def get_page(self, number: Any) -> Page:
        try:
            # Bounded, so the count's LIMIT stays a 64-bit integer (see core.pagination.PAGE_MAX).
            asked = min(max(1, int(number)), PAGE_MAX)
        except (TypeError, ValueError):
            asked = 1
        self.count_limit = max(self.count_limit, asked * self.per_page)
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        if self.exact:
            return int(self.counted.count())
        # COUNT over a LIMITed subquery: the database reads at most count_limit + 1 rows.
        found = int(self.counted.order_by().values("pk")[: self.count_limit + 1].count())
        self.capped = found > self.count_limit
        # One more than the limit when capped: the paginator then has a page after the one asked.
        return found

    @property
    def count_text(self) -> str:
        """The count as shown: thousands separated, "1,000+" when counting stopped."""
        total = self.count
        return f"{self.count_limit:,}+" if self.capped else f"{total:,}"


def exact_count_asked(request: Any) -> bool:
    return bool(request.GET.get(EXACT_COUNT) == "exact")
