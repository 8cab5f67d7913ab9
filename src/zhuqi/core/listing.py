"""A list page (Django's paginator, a template) on the API's two shared pieces, so a page and its
API read a list the same way:

1. `core.pagination.IdsThenRows`: the page's ids from the list's own table only (filtered,
   ordered, limited: one index walk that stops at the page), then what the page shows for those
   ids alone (`select_related`/`only`/annotations), put back in the ids' order. Joining every row
   of a long list before taking the first 50 made PostgreSQL merge-join a prefecture's 待办 over
   the whole enterprise primary-key index.
2. `core.pagination.count_rows`: a page that is not full says the count itself (no query);
   otherwise the rows are counted up to COUNT_CAP (or the end of the page asked, if further),
   and the page says "1,000+ 条" with a link (`?count=exact`) to the exact figure.

`ListPaginator` is Django's `Paginator` reading the page first and counting through `count_rows`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse

from zhuqi.core import pagination
from zhuqi.core.pagination import PAGE_MAX, IdsThenRows, count_rows

# The query parameter asking for the exact count (the link beside "1,000+ 条"), as the API's
# `count=exact`.
EXACT_COUNT = "count"


class ListPaginator(Paginator):
    """Django's paginator over `object_list` (an `IdsThenRows`, or a queryset) that takes the
    page asked for first and then counts `counted` (the list, or the same rows written for
    counting) as the API does (`count_rows`): no count for a page that is not full, else up to
    the cap unless `exact`. `count_text` is the figure to show: "613,287" or "1,000+".

    `counted=None` (an `IdsThenRows` whose ordered ids are the rows to count): the pages within
    the cap are counted from the page's own read of the ids, the first COUNT_CAP + 1 in order,
    one query instead of two that each read every row (a queue sorted by the clock); beyond the
    cap, or for the exact figure, the ids are counted as above."""

    def __init__(
        self, object_list: Any, per_page: int, *, counted: QuerySet[Any] | None, exact: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        # What counts the list: `counted`, else the ids of the IdsThenRows (in its page's read).
        self.counted: Any = counted
        self.ids: IdsThenRows | None = None
        if counted is None:
            if not isinstance(object_list, IdsThenRows):
                raise TypeError("counted=None counts the ids of an IdsThenRows")
            self.ids, self.counted = object_list, object_list.queryset
        self.exact = exact
        self.capped = False
        self.counted_to = 0

    def get_page(self, number: Any) -> Page:
        try:
            # Bounded, so the count's LIMIT stays a 64-bit integer (see core.pagination.PAGE_MAX).
            asked = min(max(1, int(number)), PAGE_MAX)
        except (TypeError, ValueError):
            asked = 1
        offset = (asked - 1) * self.per_page
        cap = pagination.COUNT_CAP
        if self.ids is not None and not self.exact and offset + self.per_page <= cap:
            rows, found = self.ids.counted_page(offset, self.per_page, cap)
            count, self.capped = (cap, True) if found > cap else (found, False)
        else:
            rows = list(self.object_list[offset : offset + self.per_page])
            count, self.capped = count_rows(
                self.counted, offset=offset, on_page=len(rows), page_size=self.per_page, exact=self.exact
            )
        self.counted_to = count
        # Capped: one more than counted, so the paginator has a page after the one asked.
        self.__dict__["count"] = count + 1 if self.capped else count
        if rows or asked == 1:
            return Page(rows, asked, self)
        # Beyond the end: Django's last page (read again, now that the count is known).
        return super().get_page(asked)

    @property
    def count_text(self) -> str:
        """The count as shown: thousands separated, "1,000+" when counting stopped."""
        return f"{self.counted_to:,}+" if self.capped else f"{self.counted_to:,}"


def exact_count_asked(request: Any) -> bool:
    return bool(request.GET.get(EXACT_COUNT) == "exact")


# An id no record has, to find where a record's id goes in its page's address.
_SLOT = 918273645


def link_for(name: str) -> Callable[[Any], str]:
    """The address of each row's page (`name` takes the record's id as its one argument), the URL
    reversed once for the list: `reverse` per row cost a list of 50 about a millisecond."""
    prefix, suffix = reverse(name, args=[_SLOT]).split(str(_SLOT))
    return lambda pk: f"{prefix}{pk}{suffix}"
