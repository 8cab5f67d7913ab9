"""The API's lists: one page of rows, counted cheaply, and (for the big lists) sent as the JSON
the server built, without re-validating it against the response schema.

    @router.get("", response=list[schemas.CaseOut])     # the schema still documents the list
    @paginated
    def list_cases(request, filters: Query[CaseFilters]):
        counted, paged = filters.apply_each(selectors.case_queryset(...), selectors.case_page_queryset(...))
        return TrustedPage(counted.values(*schemas.CASE_COLUMNS), schemas.case_row_json, paged=...)

Every list answers `{"items": [...], "count": n, "count_capped": bool}`; see `PageNumberPagination`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, Literal

import orjson
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import make_response_paginated
from ninja.utils import contribute_operation_args, contribute_operation_callback

# Beyond any table we hold (10^7 pages of 500 rows), and small enough that the row offset a page
# becomes fits a 64-bit integer: a page of 2^63 made SQLite fail with "datatype mismatch".
PAGE_MAX = 10_000_000

# A list counts its rows up to this many (or up to the end of the page asked for, if further):
# counting a county's 2,000 cases is an index range, counting a province's 2M reads them all.
COUNT_CAP = 1000

CountMode = Literal["capped", "exact"]


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination with both numbers bounded in the schema, so an absurd page
    is refused by name (422, `loc: ["query", "page"]`) and the OpenAPI says what is accepted;
    counted up to COUNT_CAP rows unless `count=exact` is asked for."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1, le=settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE)
        count: CountMode = Field(
            "capped",
            description=(
                f"capped (default): rows are counted up to {COUNT_CAP:,} (or to the end of the page "
                "asked for, if further); beyond that `count` is where counting stopped and "
                "`count_capped` is true. exact: the exact number, which may cost reading every "
                "matching row of a large scope"
            ),
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description="how many rows match; with count_capped, at least this many (counting stopped here)"
        )
        count_capped: bool = Field(
            description=(
                "true when more rows match than `count` says (counted up to the cap): ask with "
                "count=exact for the exact number; false when `count` is exact"
            )
        )

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = list(queryset[offset : offset + page_size])
        count, capped = count_rows(
            queryset,
            offset=offset,
            on_page=len(items),
            page_size=page_size,
            exact=pagination.count == "exact",
        )
        return {"items": items, "count": count, "count_capped": capped}


def count_rows(rows: Any, *, offset: int, on_page: int, page_size: int, exact: bool) -> tuple[int, bool]:
    """(count, capped) for a page of `on_page` rows at `offset`. A page that is not full ends the
    list, so it says the count itself and no count query is run; else the rows are counted up
    to COUNT_CAP (or to the end of this page) plus one, unless `exact`."""
    if 0 < on_page < page_size or (offset == 0 and on_page < page_size):
        return offset + on_page, False
    if exact:
        return _count(rows, None), False
    limit = max(COUNT_CAP, offset + page_size)
    counted = _count(rows, limit + 1)
    return (limit, True) if counted > limit else (counted, False)


def _count(rows: Any, at_most: int | None) -> int:
    if isinstance(rows, LazyPage):
        rows = rows.queryset
    if isinstance(rows, QuerySet):
        return count_up_to(rows, at_most)
    return len(rows) if at_most is None else min(len(rows), at_most)


def count_up_to(rows: QuerySet[Any], at_most: int | None) -> int:
    """The rows of a queryset counted, up to `at_most` (all of them if None).

    Only the ids are selected (no annotation or joined column computed for counting), unless the
    rows are groups or distinct, which the ids alone would count differently. Sliced, counted in
    a subquery: SELECT COUNT(*) FROM (SELECT id … LIMIT n).

    A queryset marked by `remember_counts` keeps what it counted, by SQL: the same rows counted
    again in the same request (the word search's choice to rank, then the list's count) cost no
    second query; rows narrowed since (another filter) are other SQL, counted afresh."""
    ids = _ids(rows)
    known: dict[Any, tuple[int, int | None]] | None = getattr(rows.query, _KNOWN_COUNTS, None)
    key = _sql_key(ids) if known is not None else None
    if known is not None and key in known:
        counted, asked = known[key]
        if asked is None or counted < asked:  # every row was counted
            return counted if at_most is None else min(counted, at_most)
        if at_most is not None and at_most <= asked:  # at least `asked` rows: enough
            return at_most
    counted = int((ids if at_most is None else ids[:at_most]).count())
    if known is not None and key is not None:
        known[key] = (counted, at_most)
    return counted


# Where a queryset's Query keeps the counts taken of it. Django's Query.clone copies its
# __dict__ (shallowly), so the querysets derived from a marked one share its dict, and one
# built afresh (the next request's) starts without it.
_KNOWN_COUNTS = "zhuqi_known_counts"


def remember_counts(rows: QuerySet[Any], *, like: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """`rows` (as a new queryset), and every queryset later derived from it, keep their counts
    for `count_up_to`; sharing them with `like`'s when given (the same rows in another order).
    For a list's querysets, which live for one request."""
    marked = rows.all()
    shared = getattr(like.query, _KNOWN_COUNTS, None) if like is not None else None
    setattr(marked.query, _KNOWN_COUNTS, {} if shared is None else shared)
    if like is not None and shared:
        # The same rows written otherwise (joined to rank them): what `like` counted is theirs.
        theirs, ours = _sql_key(_ids(like)), _sql_key(_ids(marked))
        if theirs in shared and ours is not None:
            shared[ours] = shared[theirs]
    return marked


def _ids(rows: QuerySet[Any]) -> QuerySet[Any]:
    # What a count selects: the ids, unless the rows are groups or distinct (see count_up_to).
    plain = rows.query.group_by is None and not rows.query.distinct
    return rows.order_by().values("pk") if plain else rows.order_by()


def _sql_key(ids: QuerySet[Any]) -> Any:
    sql, params = ids.query.sql_with_params()
    key = (ids.db, sql, tuple(params))
    try:
        hash(key)
    except TypeError:  # a parameter that cannot be a key (none the lists use): not remembered
        return None
    return key


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


class IdsThenRows:
    """A page read in two steps, for a list whose order its filters' index does not give (the
    enterprises by name within a prefecture's range of region codes) or whose rows are costly
    to compute (the projects' flags): the page's ids first, from `ordered` (sorting only narrow
    entries), then `rows` (the same rows, as values or annotated objects) by id, in that order.
    SQLite otherwise sorted every row of the range with all its columns and subqueries."""

    def __init__(self, ordered: QuerySet[Any], rows: QuerySet[Any] | JsonRows) -> None:
        self.queryset = ordered
        self.rows = rows
        self.ordered = ordered.ordered  # for Django's Paginator, as LazyPage

    def __getitem__(self, index: slice) -> list[Any]:
        return self.load(page_ids(self.queryset[index]))

    def counted_page(self, offset: int, size: int, cap: int) -> tuple[list[Any], int]:
        """The page at `offset` and the count up to `cap` + 1 from one read of the ordered ids
        (the first cap + 1): for a list whose page is a sort of all its rows (the 待办 queue by
        the clock), where a separate count read every row a second time."""
        ids = page_ids(self.queryset[: cap + 1])
        return self.load(ids[offset : offset + size]), len(ids)

    def load(self, ids: list[Any]) -> list[Any]:
        """`rows` for `ids`, in their order."""
        if not ids:
            return []
        key = self.rows.model._meta.pk.attname
        found = self.rows.filter(pk__in=ids).order_by()
        by_id = {(row[key] if isinstance(row, dict) else row.pk): row for row in found}
        # A row deleted (or moved out of `rows`) between the two reads is left out of the page,
        # not a server error: the person sees one row fewer until the next page load.
        return [by_id[pk] for pk in ids if pk in by_id]


class TrustedPage(LazyPage):
    """A LazyPage whose mapper gives each row exactly as the response schema says it is sent
    (plain str/int/bool/None, Decimal, dates and datetimes, lists and dicts of them): `paginated`
    encodes the page as it is, without validating it against the schema. Its test compares the
    mapper's output with the schema's own validation of it (see cases/tests/test_api_lists.py)."""


_django_default = DjangoJSONEncoder().default


def _encode_default(value: Any) -> Any:
    # Dates, times and Decimals as DjangoJSONEncoder (ninja's) writes them: a datetime to the
    # millisecond, UTC as "Z"; a Decimal as a string.
    return _django_default(value)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """`data` as ninja would send it, encoded by orjson (UTF-8, not \\u-escaped)."""
    content = orjson.dumps(data, default=_encode_default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")


def paginated(func: Callable[..., Any]) -> Callable[..., Any]:
    """`@paginate(PageNumberPagination)`, except that a view returning a TrustedPage is answered
    with that page's JSON as built (json_response), not re-validated: the response schema
    (`response=list[ItemOut]`, paged as `{items, count, count_capped}`) still documents it."""
    paginator = PageNumberPagination()

    @wraps(func)
    def view(request: HttpRequest, **kwargs: Any) -> Any:
        pagination = kwargs.pop("ninja_pagination", None) or paginator.Input.model_validate({})
        rows = func(request, **kwargs)
        page = paginator.paginate_queryset(rows, pagination=pagination, request=request)
        return json_response(page) if isinstance(rows, TrustedPage) else page

    contribute_operation_args(view, "ninja_pagination", paginator.Input, paginator.InputSource)
    contribute_operation_callback(view, partial(make_response_paginated, paginator))
    view._ninja_is_paginated = True  # type: ignore[attr-defined]
    return view


def page_ids(rows: QuerySet[Any]) -> list[Any]:
    """The primary keys of `rows` (a slice of a list, in its order): on SQLite in one JSON text,
    one step of the statement rather than one a row (see JsonRows)."""
    ids = rows.values_list("pk", flat=True)
    read = _read_as_json(ids)
    return list(ids) if read is None else [row[0] for row in read[0]]


class JsonRows:
    """A values() queryset whose pages SQLite writes as one JSON text, for the API's lists.

    Python's sqlite3 gives up the GIL for every row it steps to and takes it back after: on a
    server whose threads are busy, each row of a page became a hand-over between threads, and a
    50-row page with its Django converters cost more than the rest of the request (measured:
    the case list served 25–35 % more requests a second reading its page as one JSON text, see
    bench/README.md). So the page is read as `SELECT json_group_array(json_array(…)) FROM
    (the page's own query)`: one step, one value, parsed by orjson.

    Each row is a dict of the values() names, valued as the response sends them: a datetime as
    ninja's JSON writes it ("2026-01-14T00:30:05.123Z"), a date as "2026-01-14", a boolean as a
    bool, and any other column through Django's own converters (a Decimal, a JSON field), so a
    TrustedPage mapper cannot tell the two readings apart (tests/test_json_rows.py holds them
    equal). Other databases read the rows as the queryset does (PostgreSQL's client takes a
    page's rows in one call).

    The rows keep the page query's order: SQLite runs an ordered, limited subquery as a
    co-routine whose rows the aggregate takes as they come (asserted by the lists' tests, which
    compare whole ordered pages)."""

    def __init__(self, rows: QuerySet[Any, dict[str, Any]]) -> None:
        self.rows = rows
        self.model = rows.model
        self.ordered = rows.ordered

    def filter(self, *args: Any, **kwargs: Any) -> JsonRows:
        return JsonRows(self.rows.filter(*args, **kwargs))

    def order_by(self, *names: Any) -> JsonRows:
        return JsonRows(self.rows.order_by(*names))

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return rows_as_sent(self.rows[index])

    def __iter__(self) -> Any:
        return iter(rows_as_sent(self.rows))


def rows_as_sent(rows: QuerySet[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a values() queryset, valued as a response sends them (see JsonRows)."""
    if not isinstance(rows, QuerySet):  # a slice of rows already read: Django gives a list
        return list(rows)
    read = _read_as_json(rows)
    if read is None:
        return list(rows)
    values, compiler = read
    if not values:
        return []
    query = rows.query
    names = list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
    connection = connections[rows.db]
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    as_sent: dict[int, Callable[[Any], Any]] = {}
    for position, field in enumerate(fields):
        kind = field.output_field.get_internal_type()
        if kind == "DateTimeField":
            as_sent[position] = partial(_datetime_as_sent, converters.get(position), connection)
        elif kind == "DateField":
            continue  # SQLite's text is ISO 8601 already: "2026-01-14"
        elif kind == "BooleanField":
            as_sent[position] = _boolean
        elif position in converters:
            as_sent[position] = partial(_converted, converters[position], connection)
    result = []
    for row in values:
        for position, convert in as_sent.items():
            row[position] = convert(row[position])
        result.append(dict(zip(names, row, strict=True)))
    return result


def _read_as_json(rows: QuerySet[Any]) -> tuple[list[list[Any]], Any] | None:
    """The rows of a queryset as SQLite's one JSON text (a list of lists) and the compiler that
    wrote its SQL; None where it is read as usual (another database, nothing to read, or a
    select without names to wrap)."""
    connection = connections[rows.db]
    if connection.vendor != "sqlite" or rows.query.is_empty():
        return None
    compiler = rows.query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # filtered by an empty list: nothing to read
        return [], compiler
    aliases = [alias for _, _, alias in compiler.select[: compiler.col_count]]
    if compiler.has_extra_select or not aliases or None in aliases:
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(alias) for alias in aliases)
    with connection.cursor() as cursor:
        # The names are the compiler's own aliases, quoted; the values stay parameters.
        cursor.execute(f"SELECT json_group_array(json_array({columns})) FROM ({sql})", params)  # noqa: S608
        (text,) = cursor.fetchone()
    return orjson.loads(text), compiler


def _boolean(value: Any) -> Any:
    return value if value is None else bool(value)


def _converted(converters: tuple[list[Any], Any], connection: Any, value: Any) -> Any:
    functions, expression = converters
    for convert in functions:
        value = convert(value, expression, connection)
    return value


def _datetime_as_sent(converters: tuple[list[Any], Any] | None, connection: Any, value: Any) -> Any:
    # Django writes a datetime to SQLite as str() of its UTC value: "2026-01-14 00:30:05.123456",
    # without the fraction when it is zero. ninja's JSON of it: "2026-01-14T00:30:05.123Z".
    if value is None:
        return None
    if isinstance(value, str) and len(value) in (19, 26) and value[10] in " T" and value[19:20] in ("", "."):
        fraction = value[20:23] if len(value) == 26 and value[20:] != "000000" else ""
        return f"{value[:10]}T{value[11:19]}{'.' + fraction if fraction else ''}Z"
    # Written otherwise (by hand, with an offset): as Django reads it, as ninja writes that.
    if converters is not None:
        value = _converted(converters, connection, value)
    return _encode_default(value)
