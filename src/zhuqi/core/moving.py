"""Moving from the embedded SQLite to PostgreSQL (`zhuqi migrate-to DATABASE_URL`): a county that
outgrows one machine keeps everything it has, the audit trail included, and does not start again.

What is moved, and how it is made sure of:

- The source is this installation's own database. It must be SQLite with every migration the code
  knows applied and none it does not know: the two sides then have the same schema (otherwise the
  operator runs `zhuqi upgrade` first). It is read in one transaction taken for writing (the
  settings' BEGIN IMMEDIATE): the copy is one consistent moment, and an app left running cannot
  write a row the copy would miss (its writes wait, then are answered "busy"). Nothing is written
  to it: the file stays as it was, a backup of the moment.
- The target must be PostgreSQL with no rows. A database `zhuqi migrate` has already set up is
  fine: the rows migrate writes itself (MIGRATION_ROWS: content types, permissions, the seeded
  case categories) are the only ones allowed, and are replaced by the source's.
- Everything on the target happens in one transaction: migrate (so a bare database gets the schema
  from the same migrations as the source), empty what migrate wrote, copy every model's table
  (many-to-many tables, sessions, background tasks and the audit trail among them) with COPY, in
  batches read from a SQLite cursor (memory stays flat whatever the size), verify, set every
  sequence past the highest id copied, commit. Any failure rolls it all back: the target is left
  as it was found.
- Values go through Django's own conversion of each field as read from SQLite (booleans stored as
  0/1, datetimes as text, decimals, UUIDs), and PostgreSQL parses what COPY gives it into the
  column's type. JSON is the exception: its stored text is handed over as it is, so a JSON `null`
  stays JSON `null` and an SQL NULL stays NULL (Django reads both as None).
- Foreign keys: Django makes every one on PostgreSQL DEFERRABLE, so the rows are copied with the
  checks deferred and PostgreSQL itself then checks every reference copied (SET CONSTRAINTS ALL
  IMMEDIATE, before the commit); a dangling one stops the move, naming the constraint. Tables are
  still copied parents first. Not `session_replication_role = replica`: it needs a superuser,
  and it switches off every trigger and every foreign-key check, the audit trail's guard among
  them, leaving nothing to vouch for the copy.
- Indexes: those no constraint stands on are dropped for the copy and made again after it, each
  built once over the rows rather than updated row by row (cases_case has 35).
- The audit trail's guard on PostgreSQL (core migration 0003: triggers refusing UPDATE, DELETE
  and TRUNCATE on core_auditentry) never refuses an INSERT, so the copy goes through it as it
  stands; it is checked to be in place and enabled before the commit.
- The word search: PostgreSQL's `search_vector` is a column generated from the copied
  `search_words`, so it is filled as the rows arrive; SQLite's FTS tables (`*_fts*`) are SQLite's
  own index of the same words, and are not copied.
- Verified before the commit: every table's row count equal on both sides, and the sums of its
  integer keys (primary and foreign: every reference) equal; the migrations applied the same.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import Cast

from zhuqi.core.errors import ServiceError

# The target's connection, under a name of its own beside the settings' `default` (the source).
TARGET = "zhuqi_move_target"
# Rows a batch: the SQLite cursor's fetch and the progress bar's step.
BATCH = 5_000
# The only tables a fresh `zhuqi migrate` writes rows to (Django's content types and permissions,
# the case categories, deadline rules and reply templates a data migration seeds): a target with
# rows in these alone has not been used. A test moves into a bare database and checks that
# migrate filled no other table.
MIGRATION_ROWS = frozenset(
    {
        "django_content_type",
        "auth_permission",
        "cases_casecategory",
        "cases_deadlinepolicy",
        "cases_replytemplate",
    }
)
# Django's record of the migrations applied: not copied, each side keeps its own (the target's
# is migrate's, checked to leave nothing unapplied).
MIGRATIONS_TABLE = "django_migrations"
# The audit trail's guard on PostgreSQL, as core/migrations/0003_audit_append_only.py makes it.
AUDIT_TABLE = "core_auditentry"
AUDIT_GUARDS = ("core_auditentry_append_only", "core_auditentry_no_truncate")
# SQLite's own tables and the FTS index's (see the module's docstring): not data to move.
_SQLITE_OWN = re.compile(r"^(sqlite_.*|.*_fts(_data|_idx|_docsize|_config)?)$")
# The target's session: no JIT (settings.py), and no time limit a DBA may have set for the app's
# role: one COPY of a big table, and the commit that checks every reference, take minutes.
_TARGET_OPTIONS = (
    "-c jit=off -c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0"
)


class MoveRefused(ServiceError):
    """The move cannot start, or did not verify (then `report` has the counts); the target was
    left as it was found."""

    def __init__(self, message: str, report: MoveReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class TableTally:
    """One table's rows and the sums of its integer key columns, on one side."""

    rows: int
    key_sums: tuple[int, ...]


@dataclass
class TableResult:
    table: str
    source: TableTally
    copied: int = 0
    target: TableTally | None = None

    @property
    def matches(self) -> bool:
        return self.target is not None and self.source == self.target and self.copied == self.source.rows


@dataclass
class MoveReport:
    tables: list[TableResult] = field(default_factory=list)
    migrations: int = 0
    replaced_migration_rows: dict[str, int] = field(default_factory=dict)  # what migrate wrote
    not_copied: list[str] = field(default_factory=list)  # source tables that are no model's
    sequences: int = 0
    seconds: float = 0.0  # the whole move
    migrate_seconds: float = 0.0
    copy_seconds: float = 0.0
    index_seconds: float = 0.0
    reference_seconds: float = 0.0
    analyze_error: str = ""  # ANALYZE after the commit failed: the planner guesses until autovacuum
    source_name: str = ""

    @property
    def rows(self) -> int:
        return sum(result.source.rows for result in self.tables)

    @property
    def differing(self) -> list[TableResult]:
        return [result for result in self.tables if not result.matches]


# ---------------------------------------------------------------------------------------------
# The two databases


def target_settings(url: str) -> dict[str, Any]:
    """The target's connection settings from its URL; anything but PostgreSQL is refused."""
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError:
        parsed = {}
    if "postgresql" not in str(parsed.get("ENGINE", "")):
        raise MoveRefused(
            f"目标 {masked(url)} 不是 PostgreSQL 数据库地址：应形如 postgres://用户:密码@主机:5432/数据库名"
        )
    if not parsed.get("NAME"):
        raise MoveRefused(f"目标 {masked(url)} 没有写数据库名：应形如 postgres://用户@主机:5432/zhuqi")
    parsed["OPTIONS"] = {**parsed.get("OPTIONS", {}), "options": _TARGET_OPTIONS}
    parsed["CONN_MAX_AGE"] = 0
    return parsed


@contextmanager
def target_database(url: str) -> Iterator[BaseDatabaseWrapper]:
    """The target's connection, known to Django (migrate and the ORM can use it) while open."""
    with registered_database(TARGET, target_settings(url)) as target:
        yield target


@contextmanager
def registered_database(alias: str, settings: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A database beside the settings' own, under `alias`, while the block runs."""
    # configure_settings fills in what Django expects of every database; it insists on `default`.
    default = {**connections.settings[DEFAULT_DB_ALIAS]}
    filled = connections.configure_settings({DEFAULT_DB_ALIAS: default, alias: settings})
    connections.settings[alias] = filled[alias]
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def masked(url: str) -> str:
    """A database URL with its password hidden: it goes to the terminal and the logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _migration_state(connection: BaseDatabaseWrapper) -> tuple[list[str], list[str]]:
    """(migrations the code has that the database lacks, migrations the database has that the
    code does not know), each as app.name."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    unknown = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if (app, name) not in loader.disk_migrations
    )
    return unapplied, unknown


def _listed(names: list[str], limit: int = 5) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 个" if len(names) > limit else "")


def check_source(source: BaseDatabaseWrapper) -> None:
    if source.vendor != "sqlite":
        raise MoveRefused(
            "现在用的数据库不是 SQLite（已设置 DATABASE_URL）：zhuqi migrate-to 只把内置的 SQLite 数据库搬到 "
            "PostgreSQL。请在不设 DATABASE_URL 的环境中运行（ZHUQI_VAR_DIR 指向 SQLite 所在目录）"
        )
    name = str(source.settings_dict["NAME"])
    # Before connecting: SQLite would make an empty file where the operator pointed by mistake.
    if not source.is_in_memory_db() and not Path(name).is_file():  # type: ignore[attr-defined]
        raise MoveRefused(
            f"SQLite 数据库文件 {name} 不存在：请在 zhuqi 平时运行的目录下运行，"
            "或把 ZHUQI_VAR_DIR 设为它的数据目录"
        )
    unapplied, unknown = _migration_state(source)
    if unknown:
        raise MoveRefused(
            f"SQLite 数据库有本版本 zhuqi 不认识的迁移（{_listed(unknown)}）：它由更新版本的 zhuqi 写过。"
            "请用那个版本搬迁"
        )
    if unapplied and not MigrationLoader(source).applied_migrations:
        raise MoveRefused(f"SQLite 数据库 {name} 是空的（一张表也没有建）：ZHUQI_VAR_DIR 指对了吗？")
    if unapplied:
        raise MoveRefused(
            f"SQLite 数据库还差 {len(unapplied)} 个迁移（{_listed(unapplied)}）："
            "请先运行 zhuqi upgrade，再搬迁"
        )


def check_target_empty(target: BaseDatabaseWrapper) -> None:
    """Refuses a target with rows anywhere but where migrate itself writes (MIGRATION_ROWS), or
    with migrations this code does not know."""
    used = {
        table: rows
        for table, rows in rows_by_table(target).items()
        if table not in MIGRATION_ROWS | {MIGRATIONS_TABLE}
    }
    if used:
        biggest = sorted(used.items(), key=lambda item: (-item[1], item[0]))
        listed = "、".join(f"{table}（{rows:,} 行）" for table, rows in biggest[:8])
        more = f" 等 {len(used)} 张表" if len(used) > 8 else ""
        raise MoveRefused(
            f"目标数据库 {target.settings_dict['NAME']} 不是空的：{listed}{more} 有数据。"
            "只能搬到空库（已建表、没有数据也可以）：请新建一个数据库（createdb）再搬迁"
        )
    _, unknown = _migration_state(target)
    if unknown:
        raise MoveRefused(
            f"目标数据库有本版本 zhuqi 不认识的迁移（{_listed(unknown)}）：它由更新版本的 zhuqi 建过。"
            "请新建一个数据库再搬迁"
        )


def rows_by_table(target: BaseDatabaseWrapper) -> dict[str, int]:
    """Every table of the target (any schema but PostgreSQL's own, and not an extension's) that
    has rows, with how many (counted up to a million and one: enough to say it is not empty)."""
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_toast%%' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
            "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
        )
        tables = cursor.fetchall()
        found: dict[str, int] = {}
        for schema, table in tables:
            name = f"{_quote(target, schema)}.{_quote(target, table)}"
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT 1000001) AS found")  # noqa: S608 - names from pg_class, quoted
            rows = cursor.fetchone()[0]
            if rows:
                found[table if schema == "public" else f"{schema}.{table}"] = rows
    return found


@contextmanager
def _read_only(source: BaseDatabaseWrapper) -> Iterator[None]:
    """No write through the source's connection, whatever runs meanwhile: SQLite refuses it.
    Set inside the transaction, whose BEGIN IMMEDIATE it would otherwise refuse too."""
    with source.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with source.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")


@contextmanager
def _default_is(target: BaseDatabaseWrapper) -> Iterator[None]:
    """The target as the `default` database while migrate runs on it. The data migrations write
    through the schema editor's connection, but one reads live code that knows only `default`
    (cases 0003 counts working days on `core.workdays.WorkingCalendar`): without this it would
    read the source instead of the target, and a future one like it could write there (the
    SQLite refuses, being read-only here)."""
    source = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = target
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = source


class _MigrateInOneTransaction(MigrateCommand):
    """Django's migrate, each migration's pending foreign-key checks run as it finishes: what its
    own commit would do. Inside the move's one transaction, a data migration's rows would
    otherwise leave checks pending, and PostgreSQL refuses a later migration's ALTER TABLE on
    their table ("pending trigger events")."""

    def migration_progress_callback(self, action: str, migration: Any = None, fake: bool = False) -> None:
        super().migration_progress_callback(action, migration, fake)
        if action == "apply_success":
            with connections[TARGET].cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# ---------------------------------------------------------------------------------------------
# What is copied


def models_to_copy() -> list[type[models.Model]]:
    """Every table Django makes (each model's, many-to-many tables included), parents before the
    tables that refer to them (a cycle is broken where it closes: the keys are checked at commit)."""
    by_table: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            by_table.setdefault(model._meta.db_table, model)
    ordered: list[type[models.Model]] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(model: type[models.Model]) -> None:
        table = model._meta.db_table
        if table in placed or table in visiting:
            return
        visiting.add(table)
        for relation in model._meta.concrete_fields:
            parent = relation.related_model if relation.is_relation else None
            if isinstance(parent, type) and parent._meta.db_table in by_table:
                place(by_table[parent._meta.db_table])
        visiting.discard(table)
        placed.add(table)
        ordered.append(model)

    for table in sorted(by_table):
        place(by_table[table])
    return ordered


def _copied_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # A generated column is computed by the database: it is never written.
    return [column for column in model._meta.concrete_fields if not getattr(column, "generated", False)]


def check_source_tables(source: BaseDatabaseWrapper, copied: list[type[models.Model]]) -> list[str]:
    """The source's tables that are no model's (left behind, named in the summary). Refuses
    when a model's table and its fields differ: a column no field reads (its values would be
    lost), a field with no column, or a table missing (a migration file changed after it was
    applied, or a schema changed by hand)."""
    by_table = {model._meta.db_table: model for model in copied}
    others: list[str] = []
    with source.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = [table for (table,) in cursor.fetchall()]
        for table in tables:
            model = by_table.get(table)
            if model is None:
                if table != MIGRATIONS_TABLE and not _SQLITE_OWN.match(table):
                    others.append(table)
                continue
            cursor.execute(f"PRAGMA table_info({_quote(source, table)})")
            columns = {row[1] for row in cursor.fetchall()}
            fields = {column.column for column in model._meta.concrete_fields}
            if columns - fields:
                raise MoveRefused(
                    f"SQLite 的表 {table} 有代码不认识的列（{'、'.join(sorted(columns - fields))}）："
                    "它们的数据搬不过去。请先运行 zhuqi upgrade"
                )
            if fields - columns:
                raise MoveRefused(
                    f"SQLite 的表 {table} 缺少代码要的列（{'、'.join(sorted(fields - columns))}），"
                    "而迁移记录说已全部应用：数据库结构与代码不符，请先查明原因"
                )
    missing = sorted(set(by_table) - set(tables))
    if missing:
        raise MoveRefused(
            f"SQLite 数据库缺少表（{_listed(missing)}），而迁移记录说已全部应用："
            "数据库结构与代码不符，请先查明原因"
        )
    return others


def _key_columns(model: type[models.Model]) -> list[str]:
    """The integer primary and foreign keys: their sums on both sides say every row and every
    reference arrived."""
    keys = []
    for column in model._meta.concrete_fields:
        if column.primary_key or column.is_relation:
            kind = column.target_field if column.is_relation else column  # type: ignore[attr-defined]
            if isinstance(kind, models.IntegerField | models.AutoField):
                keys.append(column.column)
    return keys


def tally(connection: BaseDatabaseWrapper, model: type[models.Model]) -> TableTally:
    """A table's row count and its key columns' sums, one scan."""
    sums = [f"SUM({_quote(connection, column)})" for column in _key_columns(model)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(['COUNT(*)', *sums])} FROM {_quote(connection, model._meta.db_table)}"  # noqa: S608 - a model's table
        )
        rows, *totals = cursor.fetchone()
    return TableTally(int(rows), tuple(int(total or 0) for total in totals))


def copy_table(
    model: type[models.Model],
    source: BaseDatabaseWrapper,
    target: BaseDatabaseWrapper,
    progress: Callable[[int], None],
) -> int:
    """Streams one table from the source to the target with COPY, BATCH rows at a time; the rows
    written."""
    fields = _copied_fields(model)
    names: list[str] = []
    raw_json: dict[str, Any] = {}
    for column in fields:
        if isinstance(column, models.JSONField):
            # The stored text as it is (see the module's docstring), not Django's decoding of it.
            alias = f"zhuqi_raw_{column.attname}"
            raw_json[alias] = Cast(column.attname, models.TextField())
            names.append(alias)
        else:
            names.append(column.attname)
    rows = (
        model._base_manager.using(source.alias)
        .annotate(**raw_json)
        .order_by("pk")
        .values_list(*names)
        .iterator(chunk_size=BATCH)
    )
    columns = ", ".join(_quote(target, column.column) for column in fields)
    statement = f"COPY {_quote(target, model._meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    try:
        # Django's own error for psycopg's (COPY is psycopg's, beneath Django's cursor).
        with target.wrap_database_errors, target.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if written % BATCH == 0:
                    progress(BATCH)
    except DatabaseError as error:
        if _from_sqlite(error):
            raise
        # SQLite keeps what PostgreSQL refuses: a text longer than its column, a malformed value.
        raise MoveRefused(
            f"复制表 {model._meta.db_table} 时 PostgreSQL 拒绝了其中的数据，已全部回滚，目标库未改动。"
            f"请在 SQLite 中改正后再搬迁。PostgreSQL 的原话：{error}".strip()
        ) from error
    progress(written % BATCH)
    return written


def drop_secondary_indexes(target: BaseDatabaseWrapper, copied: list[type[models.Model]]) -> list[str]:
    """Drops the copied tables' indexes that no constraint stands on, to be made again from the
    statements returned once the rows are in: one sort per index instead of one insertion per
    row and index (cases_case has 35). Primary keys and unique constraints stay, checking as the
    rows arrive; a unique index without a constraint checks when it is made again."""
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "ORDER BY 1",
            [[model._meta.db_table for model in copied]],
        )
        indexes = cursor.fetchall()
        # Index builds sort in memory up to this; the server's default (64 MB) spills to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


def _from_sqlite(error: DatabaseError) -> bool:
    # Django's error wraps the driver's: sqlite3's for the source, psycopg's for the target.
    return isinstance(error.__cause__, sqlite3.Error)


def empty_migration_rows(target: BaseDatabaseWrapper, copied: list[type[models.Model]]) -> dict[str, int]:
    """Deletes the rows migrate wrote to the target (they are replaced by the source's, whose ids
    the other tables refer to); how many were in each table."""
    emptied: dict[str, int] = {}
    with target.cursor() as cursor:
        for model in reversed(copied):
            table = _quote(target, model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's table
            if cursor.rowcount:
                emptied[model._meta.db_table] = cursor.rowcount
    return emptied


def reset_sequences(target: BaseDatabaseWrapper, copied: list[type[models.Model]]) -> int:
    """Sets every sequence of the copied tables (identity and serial columns alike) to give the
    next id past the highest copied, so a new row does not collide; how many."""
    tables = [model._meta.db_table for model in copied]
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT s.oid::regclass::text, t.relname, a.attname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "WHERE s.relkind = 'S' AND t.relname = ANY(%s) AND pg_table_is_visible(t.oid)",
            [tables],
        )
        owned = cursor.fetchall()
        for sequence, table, column in owned:
            cursor.execute(
                f"SELECT setval(%s, COALESCE(MAX({_quote(target, column)}), 0) + 1, false) "  # noqa: S608 - from pg_catalog, quoted
                f"FROM {_quote(target, table)}",
                [sequence],
            )
    return len(owned)


def check_audit_guard(target: BaseDatabaseWrapper) -> None:
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled IN ('O', 'A')",
            [AUDIT_TABLE],
        )
        enabled = {name for (name,) in cursor.fetchall()}
    missing = [name for name in AUDIT_GUARDS if name not in enabled]
    if missing:
        raise MoveRefused(
            f"目标数据库的审计记录防篡改触发器不在或已停用（{'、'.join(missing)}）：已回滚，目标库未改动"
        )


# ---------------------------------------------------------------------------------------------
# The move


def _move_in_one_transaction(
    source: BaseDatabaseWrapper,
    target: BaseDatabaseWrapper,
    copied_models: list[type[models.Model]],
    report: MoveReport,
    on_step: Callable[[str], None],
    on_start: Callable[[int], Callable[[int], None]],
    on_table: Callable[[str], None],
) -> None:
    # The source first: its write lock, taken at BEGIN IMMEDIATE, is the moment copied.
    with transaction.atomic(using=source.alias), _read_only(source), transaction.atomic(using=target.alias):
        on_step("读取 SQLite 各表行数…")
        report.tables = [TableResult(model._meta.db_table, tally(source, model)) for model in copied_models]
        on_step("在目标库建表（运行迁移，与 SQLite 的结构相同）…")
        started = time.monotonic()
        with _default_is(target):
            call_command(_MigrateInOneTransaction(), database=target.alias, interactive=False, verbosity=0)
        ContentType.objects.clear_cache()  # migrate's ids, replaced by the source's below
        unapplied, unknown = _migration_state(target)
        if unapplied or unknown:
            raise MoveRefused(f"目标库迁移后仍不一致（{_listed(unapplied + unknown)}）：已回滚，目标库未改动")
        report.migrations = len(MigrationLoader(target).applied_migrations)
        report.migrate_seconds = time.monotonic() - started
        # References checked once the rows are in (migrate's schema changes left them immediate).
        with target.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        report.replaced_migration_rows = empty_migration_rows(target, copied_models)
        started = time.monotonic()
        indexes = drop_secondary_indexes(target, copied_models)
        advance = on_start(report.rows)
        for model, result in zip(copied_models, report.tables, strict=True):
            on_table(result.table)
            result.copied = copy_table(model, source, target, advance)
        report.copy_seconds = time.monotonic() - started
        on_step("PostgreSQL 逐一核查外键引用…")
        started = time.monotonic()
        with target.cursor() as cursor:
            # The references checked now, not at commit: PostgreSQL builds no index on a table
            # with checks pending, and a dangling reference is said before the indexes are built.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        report.reference_seconds = time.monotonic() - started
        on_step(f"重建 {len(indexes)} 个索引…")
        started = time.monotonic()
        with target.cursor() as cursor:
            for definition in indexes:
                cursor.execute(definition)
        report.index_seconds = time.monotonic() - started
        on_step("核对各表行数和主键、外键之和…")
        for model, result in zip(copied_models, report.tables, strict=True):
            result.target = tally(target, model)
        if report.differing:
            raise MoveRefused(
                f"{len(report.differing)} 张表核对不一致（{_listed([r.table for r in report.differing])}）："
                "已全部回滚，目标库未改动",
                report,
            )
        report.sequences = reset_sequences(target, copied_models)
        check_audit_guard(target)
        on_step("提交…")


def move(
    url: str,
    *,
    on_step: Callable[[str], None] = lambda message: None,
    on_start: Callable[[int], Callable[[int], None]] = lambda total: lambda rows: None,
    on_table: Callable[[str], None] = lambda table: None,
) -> MoveReport:
    """Copies this installation's SQLite database into the empty PostgreSQL database at `url`
    (see the module's docstring). `on_step` hears each stage; `on_start(total rows)` gives the
    function told of rows as they are copied; `on_table` each table as it starts. Raises
    MoveRefused, the target as it was, when it cannot start, fails or does not verify."""
    started = time.monotonic()
    source = connections[DEFAULT_DB_ALIAS]
    check_source(source)
    report = MoveReport(source_name=str(source.settings_dict["NAME"]))
    copied_models = models_to_copy()
    report.not_copied = check_source_tables(source, copied_models)
    with target_database(url) as target:
        check_target_empty(target)
        try:
            _move_in_one_transaction(source, target, copied_models, report, on_step, on_start, on_table)
        except MoveRefused:
            raise
        except DatabaseError as error:
            if _from_sqlite(error):
                if "locked" in str(error):
                    raise MoveRefused(
                        "SQLite 数据库正被另一个程序写入（zhuqi 还在运行？）：请先停止 zhuqi，再搬迁。"
                        "目标库未改动"
                    ) from error
                raise
            # PostgreSQL refused a migration or, at commit, a reference.
            raise MoveRefused(
                f"搬迁失败，已全部回滚，目标库未改动。PostgreSQL 的原话：{error}".strip()
            ) from error
        # Statistics for the planner: the first pages after the move should not guess. The move
        # is committed by now: a failure here is said, not taken for the move's.
        on_step("更新目标库的统计信息（ANALYZE）…")
        try:
            with target.cursor() as cursor:
                cursor.execute("ANALYZE")
        except DatabaseError as error:
            report.analyze_error = str(error).strip()
    report.seconds = time.monotonic() - started
    return report
