"""Word search that does not scan: Chinese text segmented by jieba when it is written, indexed by
the database's own full-text engine, and a query segmented the same way.

Chinese has no spaces, so a trigram index cannot serve a two-character word and `icontains`
reads every row of the scope (1.6–2.1 s for 续贷 over a prefecture's 613k cases on PostgreSQL).
Instead each searched model keeps a `search_words` column: its texts as space-separated tokens,

- the words of jieba's search mode, without its guesses for unknown words (HMM off, so a text
  and a query are cut alike): 留抵退税 gives 退税 and 留抵退税, so 退税 finds it;
- the two characters where two words meet (先还后续贷 is cut 后续 / 贷: 续贷 is kept too), so a
  two-character word is found wherever it is written;
- then every Chinese character of the text, in order: a single character, or a name jieba does
  not know (联晟, cut into 联 and 晟), is found as a sequence of adjacent characters (a phrase).

PostgreSQL indexes the column through a stored generated `search_vector` (to_tsvector with the
`simple` configuration: no stemming, no stop words, the tokens are already the words) with a GIN
index; SQLite with an FTS5 table over the same column (external content: the text lives once,
in the model's table), kept in step by triggers. The services keep `search_words` itself (`fill`
before a save, `words_for_rows` for a bulk insert); `rebuild` (the `rebuild_search` command)
recomputes a whole table, the safety net.

A query: known words must all be present (AND), unknown words and single characters as phrases
of characters, Latin letters and digits as the start of a token (`5g`, `abc*`). Ranked by
ts_rank (PostgreSQL) or bm25 (SQLite) where the caller has not chosen an order, and only when
at most RANK_LIMIT rows match (the lists' COUNT_CAP, 1,000): ranking orders by a score of every
match, so the page reads them all (續贷 over a prefecture at 2M cases: 11.7k rows, 0.8 s on
PostgreSQL). More than that, and the list's own order is kept (the cases newest first, from the
date index, the match as a filter): the list then says "1,000+ 条", a word that common is no
longer a search for the best few, and the newest are what a coordinator reads first. Deciding
costs one query, the matches counted up to RANK_LIMIT + 1 (the GIN index / FTS table, stopping
there), run by `matching` itself; that count is then the list's own (`core.pagination.
remember_counts`): the paginator, counting the same rows to the same cap, runs no second query.
It counts the rows of the queryset `matching` is given: a FilterSet's filters declared after the
search's narrow the list, not that count (and the list's count is then its own query).

A new app adds word search in four places (docs/architecture.md):
    models.py       search_words = search.SearchWordsField()
                    search.register(Thing, "title", "description", "enterprise__name")
    migration       operations = [*search.add_search_words("app", "thing", "app_thing", PATHS)]
                    (PATHS: the same paths, written out: a migration keeps what it was)
    services.py     search.fill(thing) before thing.save()
    filtersets.py   return search.matching(queryset, value, memo=self)   (self: the FilterSet)
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection, connections, migrations, models, transaction
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value
from django.db.models.expressions import Col
from django.db.models.sql.where import AND, WhereNode

from zhuqi.core.bulk import long_lived_objects_frozen, rows_a_statement
from zhuqi.core.chinese import jieba, normalise_query
from zhuqi.core.lookups import WORD_INDEX_HOLDS_REGION, WithinRegion
from zhuqi.core.pagination import COUNT_CAP, count_up_to, remember_counts

M = TypeVar("M", bound=models.Model)

# A token: letters and digits (Chinese characters are letters); an underscore separates, as it
# does for both engines' tokenizers.
_TOKEN = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# PostgreSQL keeps positions up to 16,383 (a phrase past it cannot match) and a tsvector under
# 1 MiB: a record's texts are cut at this many tokens.
MAX_TOKENS = 16_000
# Rows per batch of a rebuild: bounded memory whatever the table's size.
REBUILD_BATCH = 2_000
# Ranked only when at most this many rows match (see the module's docstring): the lists' cap, so
# a list that says "1,000+" is the one in its own order.
RANK_LIMIT = COUNT_CAP


class SearchWordsField(models.TextField):
    """The segmented texts of a record (see the module's docstring): written by `fill`, never by
    hand, indexed by the migration `add_search_words` makes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", "检索词")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_default", "")
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Segmenting


def _is_han(text: str) -> bool:
    return bool(_HAN.match(text))


def has_han(text: str) -> bool:
    """Whether a query has Chinese in it (the word index's part; Latin codes and pinyin may stay
    with a list's own substring match)."""
    return bool(_HAN.search(text))


def _segment_text(text: str) -> tuple[str, ...]:
    # Written for speed (a rebuild segments millions of texts): one regular expression a piece
    # at most, none for a piece of Chinese.
    normal = normalise_query(text)
    has_word = jieba().has_word
    words: list[str] = []
    bridges: list[str] = []
    last = ""  # the last character of the previous Chinese word, if it was one
    for piece in jieba().cut(normal, False):
        if _HAN.match(piece):  # jieba keeps a run of Chinese apart from anything else
            if last:
                # Two words' meeting characters: 先还后续贷 is cut 后续 / 贷, and 续贷 must
                # still be found in it.
                bridges.append(last + piece[0])
            last = piece[-1]
            size = len(piece)
            if size == 1:
                continue  # among the characters below: not twice
            # Search mode, as jieba's cut_for_search: the dictionary words inside a long word.
            if size > 2:
                words += [piece[k : k + 2] for k in range(size - 1) if has_word(piece[k : k + 2])]
            if size > 3:
                words += [piece[k : k + 3] for k in range(size - 2) if has_word(piece[k : k + 3])]
            words.append(piece)
        else:
            last = ""  # Latin, digits, punctuation or a space: no Chinese word meets across it
            words += _TOKEN.findall(piece)
    return (*words, *bridges, *_HAN.findall(normal))


# Cached: answers and descriptions repeat ("已协调解决"), and a rebuild meets them often. Not for
# texts that do not repeat (names in an import: a full cache of them held ~130 MB).
_segment_one = lru_cache(maxsize=65_536)(_segment_text)


def segment(*texts: str | None, cached: bool = True) -> str:
    """The search words of some texts, space-separated (what `search_words` holds). Without
    `cached` for texts that are seldom seen twice (each record's own name, in bulk)."""
    tokens: list[str] = []
    cut = _segment_one if cached else _segment_text
    for text in texts:
        if text:
            tokens += cut(text)
            if len(tokens) >= MAX_TOKENS:
                break
    return " ".join(tokens[:MAX_TOKENS])


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]  # one word, or the characters of a phrase
    prefix: bool = False  # Latin letters or digits: the start of a token


def query_terms(query: str) -> list[Term]:
    """What a search box's text must match, every term (AND)."""
    terms: list[Term] = []
    run: list[str] = []  # adjacent single characters: a phrase

    def flush() -> None:
        if run:
            terms.append(Term(tuple(run)))
            run.clear()

    for piece in jieba().cut(normalise_query(query), False):
        for token in _TOKEN.findall(piece):
            if _is_han(token):
                if len(token) == 1:
                    run.append(token)
                    continue
                flush()
                terms.append(Term((token,)))
            else:
                flush()
                # 5g基站 is cut 5g, 基站; a Latin word may be the start of a longer one.
                terms.append(Term((token,), prefix=True))
        if not _TOKEN.search(piece):
            flush()  # punctuation or a space ends a phrase
    flush()
    return list(dict.fromkeys(terms))


def _fts5_query(terms: Sequence[Term]) -> str:
    # Tokens are letters and digits only, so quoting cannot be broken out of.
    return " AND ".join(f'"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms)


def _tsquery(terms: Sequence[Term]) -> str:
    parts = []
    for term in terms:
        if len(term.tokens) > 1:
            parts.append("(" + " <-> ".join(f"'{token}'" for token in term.tokens) + ")")
        else:
            parts.append(f"'{term.tokens[0]}'" + (":*" if term.prefix else ""))
    return " & ".join(parts)


# ---------------------------------------------------------------------------------------------
# Which models are searched, and by what


_SEARCHED: dict[type[models.Model], tuple[str, ...]] = {}
# The models whose PostgreSQL search_vector also holds their region's tokens, by region column.
_REGION_COLUMNS: dict[type[models.Model], str] = {}


def register(model: type[models.Model], *paths: str, region: str | None = None) -> None:
    """Search `model` by the texts at `paths` (fields, or `enterprise__name` through a foreign
    key: a change there is carried by `refresh_dependents`).

    `region`: the model's region-code column, for a table big enough that a word searched within
    a jurisdiction must not read the jurisdiction's whole region index (the cases): PostgreSQL's
    search_vector then holds the region's tokens too (`region_tokens_sql`; a migration from
    `add_region_tokens`), and a search over a queryset scoped to one region asks for its token."""
    _SEARCHED[model] = paths
    if region is not None:
        _REGION_COLUMNS[model] = region


def searched_models() -> list[type[models.Model]]:
    return list(_SEARCHED)


def _value(instance: Any, path: str) -> str:
    for part in path.split("__"):
        if instance is None:
            return ""
        instance = getattr(instance, part)
    return instance or ""


def words_of(instance: models.Model) -> str:
    return segment(*(_value(instance, path) for path in _SEARCHED[type(instance)]))


def fill(instance: models.Model) -> bool:
    """Set the instance's `search_words` from its texts; True if they changed (a save with
    `update_fields` adds "search_words" then)."""
    words = words_of(instance)
    changed = words != getattr(instance, "search_words", None)
    instance.search_words = words  # type: ignore[attr-defined]
    return changed


def words_of_values(model: type[models.Model], values: Mapping[str, Any]) -> str:
    """`words_of` for a row held as field values (a bulk writer's, without an instance): the
    model's registered paths must be its own fields."""
    paths = _SEARCHED[model]
    if any("__" in path for path in paths):
        raise ValueError(f"{model.__name__} is searched by related texts: fill instances instead")
    return segment(*(values.get(path) or "" for path in paths), cached=False)


def words_for_rows(model: type[M], rows: Iterable[M]) -> None:
    """`fill` for a batch about to be bulk inserted or updated (the importers'): the rows' own
    texts, and their related names if the paths need them (loaded by the caller). Not cached:
    a batch's texts are its records' own."""
    for row in rows:
        paths = _SEARCHED[type(row)]
        row.search_words = segment(*(_value(row, path) for path in paths), cached=False)  # type: ignore[attr-defined]


def refresh_dependents(instance: models.Model) -> int:
    """After a change to `instance`'s texts, the search words of the records that include them
    (a case's words carry its enterprise's name): recomputed, in batches. Returns how many."""
    total = 0
    for model, paths in _SEARCHED.items():
        for link in {path.split("__")[0] for path in paths if "__" in path}:
            field = model._meta.get_field(link)
            if field.related_model is type(instance):
                total += rebuild(model, model._default_manager.filter(**{link: instance}))
    return total


# ---------------------------------------------------------------------------------------------
# Querying


def _vector_column(compiler: Any, column: Any) -> tuple[str, list[Any]]:
    # The stored tsvector beside search_words (see index_sql): the model does not know it, so
    # the column is compiled as search_words, under whatever alias the query gives the table,
    # and renamed.
    sql, params = compiler.compile(column)
    assert sql.endswith('"search_words"'), sql
    return sql.removesuffix('"search_words"') + '"search_vector"', params


class _PgVectorFunc(Func):
    """An expression over the stored search_vector and a tsquery in the 'simple' configuration;
    `sql` says what is done with the two."""

    sql = ""

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, query = self.get_source_expressions()
        column_sql, column_params = _vector_column(compiler, column)
        query_sql, query_params = compiler.compile(query)
        tsquery = f"to_tsquery('simple'::regconfig, {query_sql})"
        return self.sql.format(vector=column_sql, query=tsquery), [*column_params, *query_params]


class _PgMatch(_PgVectorFunc):
    """search_vector @@ to_tsquery('simple', …): what the GIN index answers."""

    output_field = BooleanField()
    conditional = True
    sql = "{vector} @@ {query}"


class _PgMatchInRegion(Func):
    """search_vector @@ (to_tsquery('simple', …) && 'in:1505'::tsquery): the words and the
    region's token (`region_tokens_sql`), both answered by the GIN index. The token is a tsquery
    literal, not parsed: no query a person types becomes a token with a colon in it."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, query, token = self.get_source_expressions()
        column_sql, column_params = _vector_column(compiler, column)
        query_sql, query_params = compiler.compile(query)
        token_sql, token_params = compiler.compile(token)
        sql = f"{column_sql} @@ (to_tsquery('simple'::regconfig, {query_sql}) && ({token_sql})::tsquery)"
        return sql, [*column_params, *query_params, *token_params]


class _PgRank(_PgVectorFunc):
    """Minus ts_rank, so the best comes first in an ascending order, as bm25's does."""

    output_field = FloatField()
    sql = "-ts_rank({vector}, {query})"


def fts_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_fts"


def matching(queryset: QuerySet[M], query: str, *, rank: bool | None = None, memo: Any = None) -> QuerySet[M]:
    """The rows of `queryset` whose search words match `query` (nothing when the query has no
    letters or digits). Ranked, best first and then in the list's own order, unless the
    queryset already has an order of its own or more than RANK_LIMIT rows match (one query
    counts them, up to RANK_LIMIT + 1); `rank=False`/`True` decides instead, without it.

    `memo`, an object that lives for one list (its FilterSet), keeps that choice for the list's
    other querysets (its count's and its page's, see FilterSet.apply_each): counted once."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if rank is None and not queryset.query.order_by:
        chosen = getattr(memo, "_search_ranked", {})
        if query not in chosen:
            # The matches counted up to RANK_LIMIT + 1 (the index's matches, read no further);
            # the list's own count of the same rows (the paginator's, the same SQL unless a
            # later filter narrows them) is then this one, not a second query.
            unranked = remember_counts(_matching(queryset, terms, rank=False))
            chosen[query] = count_up_to(unranked, RANK_LIMIT + 1) <= RANK_LIMIT
            if memo is not None:
                memo._search_ranked = chosen
            if not chosen[query]:
                return unranked
            return remember_counts(_matching(queryset, terms, rank=True), like=unranked)
        rank = chosen[query]
    return _matching(queryset, terms, rank=bool(rank))


# SQLite: past this many matches in the whole table, a word's matches no longer drive a count
# (see _matching). The count of them is FTS5's own (a doclist read, ~1 ms at 2M rows).
DRIVE_LIMIT = 5_000


def _fts_matches(fts: str, fts_query: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{fts}" WHERE "{fts}" MATCH %s', [fts_query])  # noqa: S608
        return int(cursor.fetchone()[0])


# Set on the Query of a queryset written to take a page by walking its order's index (Django's
# Query.clone copies it to the querysets derived from it).
_WALKS_IN_ORDER = "zhuqi_walks_in_order"


def walked_in_order(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` (as a new one), marked as the page's queryset of a newest-first list written to
    walk the order's index (`core.scoping.region_subtree_q(walk_in_order=True)`): a word search
    over it then filters that walk on SQLite instead of driving the page by the word index.
    Never the queryset a list counts: counting the matches, the word index should drive."""
    marked = queryset.all()
    setattr(marked.query, _WALKS_IN_ORDER, True)
    return marked


# Set on the Query of a queryset narrowed by words (and copied to those derived from it).
_WORD_SEARCHED = "zhuqi_word_searched"


def word_searched(queryset: QuerySet[Any]) -> bool:
    """Whether `queryset` is narrowed by a word search: its matches come from the word index in
    no useful order, so a page of them is best sorted by id alone before anything is joined
    (core.pagination.IdsThenRows), where a list walking its order's index takes its page in one
    query."""
    return bool(getattr(queryset.query, _WORD_SEARCHED, False))


def _matching(queryset: QuerySet[M], terms: Sequence[Term], *, rank: bool) -> QuerySet[M]:
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
    queryset = queryset.all()
    setattr(queryset.query, _WORD_SEARCHED, True)
    if connection.vendor == "postgresql":
        text = Value(_tsquery(terms))
        region = _scoped_region(queryset)
        if region is None:
            queryset = queryset.filter(_PgMatch(F("search_words"), text))
        else:
            # Every row of the queryset lies in `region`: its token narrows the word's matches
            # in the GIN index itself, and the region's range becomes a check on those rows.
            setattr(queryset.query, WORD_INDEX_HOLDS_REGION, region)
            token = Value(f"'{REGION_LEXEME}{region}'")
            queryset = queryset.filter(_PgMatchInRegion(F("search_words"), text, token))
        if rank:
            queryset = queryset.alias(search_rank=_PgRank(F("search_words"), text))
    else:
        table, fts = queryset.model._meta.db_table, fts_table(queryset.model)
        fts_query = _fts5_query(terms)
        # The matches' ids as a list (the FTS index read once), checked on the table's own loop:
        # when another filter is the narrower (a queue of 600 cases), SQLite reads those rows
        # first and would otherwise run the MATCH once a row (100 ms at 200k cases; 1 ms so).
        # Unranked, the list alone: it drives a count (rowid lookups, stopping at the cap), and
        # on a queryset walking its order's index (`walked_in_order`, a newest-first page) a
        # unary + keeps it from driving, so the page is the first 50 of that walk that match,
        # not every match looked up and sorted (at 2M cases, 续贷: 38k matches).
        in_list = f'"{table}"."id" IN (SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)'  # noqa: S608
        if not rank:
            # And for a count: the list drives (each match looked up by rowid) only while the
            # word is rare in the whole table; a common one is checked on the scope's own index
            # (a county's 75k cases, 0.2 µs an entry, against 6 µs a lookup of 38k matches).
            drives = not getattr(queryset.query, _WALKS_IN_ORDER, False) and (
                _fts_matches(fts, fts_query) <= DRIVE_LIMIT
            )
            return queryset.extra(where=[("" if drives else "+") + in_list], params=[fts_query])  # noqa: S610
        # Ranked: joined too, so bm25 is at hand to order by (at most RANK_LIMIT matches).
        queryset = queryset.extra(  # noqa: S610 - fixed names; the query is a parameter
            tables=[fts],
            where=[in_list, f'"{fts}".rowid = "{table}"."id"', f'"{fts}" MATCH %s'],
            params=[fts_query, fts_query],
            select={"search_rank": f'bm25("{fts}")'},
        )
    if rank:
        queryset = queryset.order_by("search_rank", *ordering)
    return queryset


def _scoped_region(queryset: QuerySet[Any]) -> str | None:
    """The region prefix every row of `queryset` lies in by its own region column (a
    `within_region` condition ANDed at the top of its WHERE), for a model whose search_vector
    holds region tokens; None otherwise (a scope that also reaches other regions' rows, in an
    OR, is not narrowed)."""
    column = _REGION_COLUMNS.get(queryset.model)
    if column is None:
        return None
    query = queryset.query
    pending: list[Any] = [query.where]
    while pending:
        node = pending.pop()
        if isinstance(node, WhereNode):
            if node.connector == AND and not node.negated:
                pending.extend(node.children)
        elif (
            isinstance(node, WithinRegion)
            and isinstance(node.lhs, Col)
            and node.lhs.alias == query.base_table
            and node.lhs.target.column == column
        ):
            return str(node.rhs)
    return None


# ---------------------------------------------------------------------------------------------
# The index: created by a migration, rebuilt by a command

# A region's token in a search_vector: in:15, in:1505, in:150581 (province, prefecture, county).
REGION_LEXEME = "in:"


def region_tokens_sql(column: str) -> str:
    """The tsvector of a row's region tokens, from its six-digit code column: not parsed
    (array_to_tsvector keeps each as one lexeme), so only a tsquery literal matches one."""
    code = f"coalesce(\"{column}\", '')"
    parts = ", ".join(f"'{REGION_LEXEME}' || left({code}, {size})" for size in (2, 4, 6))
    return f"array_to_tsvector(ARRAY[{parts}])"


def _sqlite_triggers(table: str) -> list[str]:
    # Table names come from the models, never from input.
    fts = f"{table}_fts"
    insert = f'INSERT INTO "{fts}"(rowid, search_words) VALUES (new.id, new.search_words)'  # noqa: S608
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, search_words) '  # noqa: S608
        "VALUES ('delete', old.id, old.search_words)"
    )
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {insert}; END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {delete}; END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_update" AFTER UPDATE OF search_words ON "{table}" '
        f"BEGIN {delete}; {insert}; END",
    ]


def index_sql(table: str, vendor: str, region_column: str | None = None) -> list[str]:
    """The statements that index `table`.search_words (idempotent).

    PostgreSQL: a stored generated tsvector beside the text, and a GIN index on it. Stored,
    because ranking reads it for every match: ts_rank over to_tsvector(search_words) parses the
    text again, 67 µs a case, 1.3 s for 20k matches; over the stored vector 2.7 µs. With
    `region_column`, the vector holds the row's region tokens too (`register(…, region=)`)."""
    if vendor == "postgresql":
        vector = "to_tsvector('simple'::regconfig, search_words)"
        if region_column is not None:
            vector = f"{vector} || {region_tokens_sql(region_column)}"
        return [
            f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS '
            f"({vector}) STORED",
            f'CREATE INDEX IF NOT EXISTS "{table}_words_idx" ON "{table}" USING gin (search_vector)',
        ]
    fts = f"{table}_fts"
    return [
        f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5(search_words, '
        f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        *_sqlite_triggers(table),
    ]


def _drop_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_vector']
    fts = f"{table}_fts"
    return [
        *(f'DROP TRIGGER IF EXISTS "{fts}_{event}"' for event in ("insert", "delete", "update")),
        f'DROP TABLE IF EXISTS "{fts}"',
    ]


def add_search_words(
    app_label: str, model_name: str, table: str, paths: Sequence[str]
) -> list[migrations.operations.base.Operation]:
    """A migration's operations adding `search_words` and its index to a model, and filling it
    for the rows already there (from the texts at `paths`, as the migration was written).

    The column is added with a constant default by ALTER TABLE on both databases (instant on a
    big table; Django would copy a SQLite table whole for a NOT NULL column); the index is each
    engine's own."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(f"ALTER TABLE \"{table}\" ADD COLUMN search_words text DEFAULT '' NOT NULL")

    def fill_rows(apps: Any, schema_editor: Any) -> None:
        # After the field is in the migration's state, so the historical model has it; before
        # the index, so a big table is indexed once rather than row by row.
        model = apps.get_model(app_label, model_name)
        _fill(model._default_manager.using(schema_editor.connection.alias).all(), table, paths)

    def index(apps: Any, schema_editor: Any) -> None:
        for statement in index_sql(table, schema_editor.connection.vendor):
            schema_editor.execute(statement)
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(_fts_rebuild(table))  # the rows filled before the triggers

    def unindex(apps: Any, schema_editor: Any) -> None:
        for statement in _drop_sql(table, schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def backwards(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN search_words')

    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name, "search_words", SearchWordsField())],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        migrations.RunPython(fill_rows, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]


def add_region_tokens(table: str, region_column: str) -> list[migrations.operations.base.Operation]:
    """A migration's operations putting a table's region tokens into its PostgreSQL
    search_vector (see `register(…, region=)`): the generated column and its index made again,
    which rewrites the table (minutes at millions of rows). SQLite's index is left as it is."""

    def remake(with_region: bool) -> Callable[[Any, Any], None]:
        def run(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in _drop_sql(table, "postgresql"):
                schema_editor.execute(statement)
            for statement in index_sql(table, "postgresql", region_column if with_region else None):
                schema_editor.execute(statement)

        return run

    return [migrations.RunPython(remake(True), remake(False))]


def _fts_rebuild(table: str) -> str:
    return f'INSERT INTO "{table}_fts"("{table}_fts") VALUES (\'rebuild\')'  # noqa: S608 - a model's table


def ensure_index(model: type[models.Model]) -> None:
    """The index again if it is missing: a SQLite table copied by a later migration (Django
    rebuilds a table to alter a column) loses its triggers, and its FTS table then falls behind;
    `rebuild` puts them back and re-reads the table before it recomputes."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"{table}_words_idx"])
            missing = cursor.fetchone() is None
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{table}_fts_%"],
            )
            missing = cursor.fetchone()[0] < 3
        if not missing:
            return
        for statement in index_sql(table, connection.vendor, _REGION_COLUMNS.get(model)):
            cursor.execute(statement)
        if connection.vendor == "sqlite":
            cursor.execute(_fts_rebuild(table))


def _batches(queryset: QuerySet[Any], paths: Sequence[str], size: int) -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", "search_words", *paths)[:size]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _segment_rows(rows: list[tuple[Any, ...]]) -> list[str]:
    return [segment(*texts) for texts in rows]


def _update_sqlite(cursor: Any, table: str, changed: list[tuple[str, Any]], per_statement: int) -> None:
    """Rows' new words, many rows a statement (core.bulk.rows_a_statement says why)."""
    for start in range(0, len(changed), per_statement):
        chunk = changed[start : start + per_statement]
        cursor.execute(
            f'UPDATE "{table}" SET search_words = v.column2 '  # noqa: S608 - a model's table
            f"FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS v "
            f'WHERE "{table}".id = v.column1',
            [value for words, pk in chunk for value in (pk, words)],
        )


def _fill(
    queryset: QuerySet[Any],
    table: str,
    paths: Sequence[str],
    *,
    batch_size: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    written = seen = 0
    bulk_update = (
        f'UPDATE "{table}" AS t SET search_words = v.words '  # noqa: S608 - a model's table
        "FROM unnest(%s::bigint[], %s::text[]) AS v(id, words) WHERE t.id = v.id"
    )
    pool: Any = None
    try:
        for rows in _batches(queryset, paths, batch_size):
            texts = [tuple(row[2:]) for row in rows]
            if pool is None and len(rows) == batch_size and (os.cpu_count() or 1) > 1:
                # A big table: segmenting is most of the time, so every core does it.
                # Forked workers only segment; they never touch the database, and leave by
                # os._exit, so the parent's connection is not closed under it.
                jieba()  # loaded once, before the fork
                pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
            if pool is not None:
                share = -(-len(texts) // pool._processes)
                parts = pool.map(_segment_rows, [texts[k : k + share] for k in range(0, len(texts), share)])
                words_of_rows = [words for part in parts for words in part]
            else:
                words_of_rows = _segment_rows(texts)
            changed = [
                (words, row[0]) for row, words in zip(rows, words_of_rows, strict=True) if words != row[1]
            ]
            if changed:
                db = connections[queryset.db]
                with transaction.atomic(using=queryset.db), db.cursor() as cursor:
                    if db.vendor == "postgresql":
                        # One statement a batch: a round trip per row costs more than the row.
                        cursor.execute(bulk_update, [[pk for _, pk in changed], [w for w, _ in changed]])
                    else:
                        _update_sqlite(cursor, table, changed, rows_a_statement(2, db))
            written += len(changed)
            seen += len(rows)
            if progress:
                progress(seen, written)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return written


@long_lived_objects_frozen
def rebuild(
    model: type[models.Model],
    queryset: QuerySet[Any] | None = None,
    *,
    batch_size: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the search words of `model`'s rows (all, or `queryset`'s) in batches of ids, one
    transaction each, writing only those that changed; `progress(seen, written)` after each
    batch. Returns how many rows were written."""
    if queryset is None:
        ensure_index(model)
        queryset = model._default_manager.all()
    return _fill(queryset, model._meta.db_table, _SEARCHED[model], batch_size=batch_size, progress=progress)
