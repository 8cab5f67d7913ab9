"""Inserting many new rows at once, for the writers that do it by the thousand (imports and their
audit entries).

`bulk_create` compiles every value of every row through the field's whole preparation chain
(to_python, get_prep_value, get_db_prep_value, the SQL placeholders of a many-row VALUES): for an
import of 100,000 enterprises and their audit entries that was a quarter of the import's time.
Here each field's conversion is chosen once per call: text, numbers, booleans and keys go to the
driver as they are (the callers have already cleaned them), the other fields (JSON, decimals,
dates) through the field's own get_db_prep_save. JSON fields without an encoder of their own
are encoded by orjson (several times faster than the json module; the same JSON, its text not ASCII-escaped).
One INSERT statement, run by the driver's executemany; on SQLite, an INSERT of many rows at a
time (see `rows_a_statement`).
"""

from __future__ import annotations

import functools
import gc
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import orjson
from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Field types whose Python value (as the services and importers set it) is what the database
# adapter takes.
_AS_IS = frozenset(
    {
        "CharField",
        "TextField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "AutoField",
        "BigAutoField",
    }
)


P = ParamSpec("P")
R = TypeVar("R")


def long_lived_objects_frozen(function: Callable[P, R]) -> Callable[P, R]:
    """For a bulk writer: the objects alive when it starts (Django's, the pinyin tables: some
    160,000) are kept out of the garbage collector's full passes until it returns. Each pass
    walked them all, ~15 % of an import's CPU (20,000 enterprises: 1.4 s of 9 in collections,
    0.4 s with them frozen). Unfrozen after, so nothing stays uncollectable; inside another
    bulk writer (an import renaming an enterprise rebuilds its cases' words) the outer one
    unfreezes."""

    @functools.wraps(function)
    def frozen(*args: P.args, **kwargs: P.kwargs) -> R:
        if gc.get_freeze_count():
            return function(*args, **kwargs)
        gc.freeze()
        try:
            return function(*args, **kwargs)
        finally:
            gc.unfreeze()

    return frozen


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if target.get_internal_type() in _AS_IS:
        return _as_is
    if isinstance(field, models.JSONField) and field.encoder is None:
        return _json_converter()
    return lambda value: field.get_db_prep_save(value, connection)


def json_text(value: Any) -> bytes:
    """A JSON field's value as json.dumps would give it (keys that are not text made text), by
    orjson. Raises TypeError on a value JSON cannot hold, as json.dumps does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def _json_converter() -> Callable[[Any], Any]:
    if connection.vendor == "postgresql":
        # Imported here: a process on SQLite need not load the driver (8 MiB).
        from psycopg.types.json import Jsonb

        return lambda value: None if value is None else Jsonb(value, dumps=json_text)
    return lambda value: None if value is None else json_text(value).decode()


def _as_is(value: Any) -> Any:
    return value


# Rows in one multi-row INSERT on SQLite, at most: past a few hundred the statement's own cost
# no longer shrinks.
SQLITE_ROWS_A_STATEMENT = 500


def rows_a_statement(width: int, db: BaseDatabaseWrapper = connection) -> int:
    """How many rows of `width` values one INSERT (or UPDATE … FROM VALUES) carries.

    On SQLite, many: a table with word search (core/search.py) has an FTS5 index written by a
    trigger, and FTS5 writes out its pending words whenever a statement ends inside a
    transaction, so a row a statement made an enterprise's INSERT cost 94 µs instead of 30 and a
    rebuild's update 42 instead of 13 (bench/README.md, "the importer, fourth pass"). As many as
    SQLite's limit of bound values allows (32,766 since 3.32; Django assumes 999), up to
    SQLITE_ROWS_A_STATEMENT. PostgreSQL takes the driver's executemany, which pipelines the rows.
    """
    if db.vendor != "sqlite":
        return 1
    db.ensure_connection()
    limit = db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(SQLITE_ROWS_A_STATEMENT, limit // max(1, width)))


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT `objects` (new, without keys) in one executemany. Sets auto_now / auto_now_add
    fields as save() would; does not set the objects' keys (read them back by a unique field if
    needed) and sends no signals, like bulk_create."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for instance in objects:
                setattr(instance, field.attname, now)
    names = [field.attname for field in fields]
    insert_rows(model, names, [tuple(getattr(instance, name) for name in names) for instance in objects])
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` (tuples of values for the fields whose attnames are `names`, in that order)
    in one executemany, with no model instance per row: for writers of thousands of rows whose
    instances would cost more than the rows' own write. Fields not named get their default (an
    auto_now / auto_now_add field: now, as save() would; a field with a callable default must be
    named, its value is per row); like bulk_create, no signals."""
    if not rows:
        return
    by_name = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    fields = [by_name[name] for name in names]
    extra: list[Any] = []
    for field in by_name.values():
        if field.attname in names:
            continue
        fields.append(field)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append(timezone.now())
        elif field.has_default() and callable(field.default):
            raise ValueError(f"{model.__name__}.{field.attname} has a default per row: name it")
        else:
            extra.append(field.get_default())  # as a new instance has it
    converters = [_converter(field) for field in fields]
    tail = tuple(convert(value) for convert, value in zip(converters[len(names) :], extra, strict=True))
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; the values go as parameters.
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    insert, placeholders = f"INSERT INTO {table} ({columns}) VALUES ", f"({', '.join(['%s'] * len(fields))})"  # noqa: S608
    # Only the columns that need it are converted (an enterprise has 4 of 19): a call per value
    # was a tenth of an import's write.
    converted = [
        (index, convert) for index, convert in enumerate(converters[: len(names)]) if convert is not _as_is
    ]
    values: list[Sequence[Any]]
    if not converted:
        values = [(*row, *tail) for row in rows]
    else:
        values = []
        for row in rows:
            value = [*row, *tail]
            for index, convert in converted:
                value[index] = convert(value[index])
            values.append(value)
    per_statement = rows_a_statement(len(fields))
    with connection.cursor() as cursor:
        if per_statement == 1:
            cursor.executemany(insert + placeholders, values)
            return
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            cursor.execute(
                insert + ", ".join([placeholders] * len(chunk)), [value for row in chunk for value in row]
            )
