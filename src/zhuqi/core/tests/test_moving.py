"""`zhuqi migrate-to`: the demo's SQLite database moved into PostgreSQL databases made for the
test, as an operator moves one (the commands run as processes with their own settings), then both
sides read back through Django and compared value by value.

The source is this session's SQLite test database (migrated, regions and industries loaded),
copied to a file, with the demo loaded into it by `zhuqi run --setup-only` and a few rows of the
kinds the demo lacks (a session, a staged import batch's bytes, an IPv6 address, JSON `null`
beside SQL NULL, text with tabs and backslashes). The target needs a PostgreSQL server even in the
SQLite run: ZHUQI_TEST_POSTGRES_URL, by default the one CI has. The move does not touch the
test database, so it runs in the SQLite pass only (the PostgreSQL pass would move the same
SQLite into the same PostgreSQL again); it takes a minute or two, mostly migrate on the target."""

from __future__ import annotations

import datetime
import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, connections, models, transaction

from zhuqi.core import moving

POSTGRES = os.environ.get("ZHUQI_TEST_POSTGRES_URL", "postgres://root@127.0.0.1:5432/")
PREFIX = f"h_migrateto_{os.getpid()}"
ODD_TEXT = "甲\t乙\n丙\\丁\r戊 😀 \\N"  # COPY's own separators and its NULL marker, in a value
ODD_BYTES = b"\x00\xff\x01\\N\t\n"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="moves SQLite into PostgreSQL: run in the SQLite pass (which needs PostgreSQL too)",
    ),
    # The session's test database is set up only for tests that ask for it: the source is made
    # from it (the tests themselves read and write databases of their own).
    pytest.mark.django_db,
]


def url_of(name: str) -> str:
    return urlunsplit(urlsplit(POSTGRES)._replace(path=f"/{name}"))


@dataclass
class Server:
    """The PostgreSQL server: databases made for the test, dropped at the end."""

    run: Callable[[str], Any]
    made: list[str]

    def create(self, name: str, template: str | None = None) -> str:
        name = f"{PREFIX}_{name}"
        self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return name


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    import psycopg

    maintenance = url_of(urlsplit(POSTGRES).path.strip("/") or "postgres")
    try:
        admin = psycopg.connect(maintenance, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES} (set ZHUQI_TEST_POSTGRES_URL): {error}")
    made: list[str] = []
    try:
        yield Server(run=admin.execute, made=made)
    finally:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def environment(var_dir: Path) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}
    return {**kept, "ZHUQI_VAR_DIR": str(var_dir), "ZHUQI_SECRET_KEY": "k", "ZHUQI_TESTING": "1"}


def zhuqi(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhuqi.cli", *args],
        env=environment(var_dir),
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=900,
    )


def sqlite_settings(file: Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(file)}


def postgres_settings(name: str) -> dict[str, Any]:
    return moving.target_settings(url_of(name))


def backup(source: Path, copy: Path) -> None:
    """A SQLite file copied whole through SQLite (the WAL's pages included)."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(copy)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


@dataclass
class Moved:
    source: Path  # the SQLite file
    target: str  # the PostgreSQL database's name
    result: subprocess.CompletedProcess[str]
    sha256_before: str


@pytest.fixture(scope="module")
def source_dir(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Path:
    """The demo in a SQLite file, with rows of the kinds it lacks."""
    var_dir = tmp_path_factory.mktemp("moving-source")
    file = var_dir / "zhuqi.sqlite3"
    with django_db_blocker.unblock():
        # This session's test database lives in memory: migrated, regions and industries loaded.
        connection.ensure_connection()
        copy = sqlite3.connect(file)
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
    loaded = zhuqi(var_dir, "run", "--setup-only")
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    with django_db_blocker.unblock(), moving.registered_database("moving_source", sqlite_settings(file)):
        add_rows_the_demo_lacks("moving_source")
    return var_dir


def add_rows_the_demo_lacks(alias: str) -> None:
    from axes.models import AccessLog
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from zhuqi.imports.models import ImportJob, StagedBatch

    when = datetime.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    Session.objects.using(alias).create(session_key="s" * 32, session_data=ODD_TEXT, expire_date=when)
    job = ImportJob.objects.using(alias).create(
        kind="enterprises", name=ODD_TEXT, errors=[{"行": 3, "原因": ODD_TEXT}]
    )
    StagedBatch.objects.using(alias).create(job=job, number=2, rows=ODD_BYTES)
    AccessLog.objects.using(alias).create(
        user_agent="test", ip_address="2001:db8::1", username="demo-admin", http_accept="*/*", path_info="/"
    )
    # JSON null beside SQL NULL: the demo's task results hold no return value (SQL NULL).
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "UPDATE django_tasks_database_dbtaskresult SET return_value = 'null' WHERE id = "
            "(SELECT id FROM django_tasks_database_dbtaskresult ORDER BY id LIMIT 1)"
        )
    assert DBTaskResult.objects.using(alias).filter(return_value__isnull=True).exists()


@pytest.fixture(scope="module")
def moved(server: Server, source_dir: Path) -> Moved:
    """The move into a database just made, as an operator does it."""
    file = source_dir / "zhuqi.sqlite3"
    before = hashlib.sha256(file.read_bytes()).hexdigest()
    target = server.create("bare")
    result = zhuqi(source_dir, "migrate-to", url_of(target), "--no-progress")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Moved(file, target, result, before)


@pytest.fixture
def both(moved: Moved, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """The source and the target, open in this process under aliases of their own."""
    with (
        django_db_blocker.unblock(),
        moving.registered_database("moved_source", sqlite_settings(moved.source)),
        moving.registered_database("moved_target", postgres_settings(moved.target)),
    ):
        yield "moved_source", "moved_target"


def rows_of(model: type[models.Model], alias: str) -> list[tuple[Any, ...]]:
    names = [field.attname for field in model._meta.concrete_fields if not getattr(field, "generated", False)]
    rows = model._base_manager.using(alias).order_by("pk").values_list(*names)
    # psycopg gives bytea as bytes, SQLite may give a memoryview: the bytes are what count.
    return [tuple(bytes(value) if isinstance(value, memoryview) else value for value in row) for row in rows]


def test_every_table_arrives_with_every_value(moved: Moved, both: tuple[str, str]) -> None:
    """Every row of every table (many-to-many tables, sessions, tasks and the audit trail
    among them) read back through Django on both sides is the same, value by value."""
    source, target = both
    compared = 0
    kinds: set[type] = set()
    booleans: set[bool] = set()
    tables_with_rows = []
    for model in moving.models_to_copy():
        source_rows, target_rows = rows_of(model, source), rows_of(model, target)
        assert target_rows == source_rows, model._meta.db_table
        compared += len(source_rows)
        if source_rows:
            tables_with_rows.append(model._meta.db_table)
        kinds.update(type(value) for row in source_rows for value in row if value is not None)
        booleans.update(value for row in source_rows for value in row if isinstance(value, bool))
    # The comparison met what it is meant to: many rows, every kind of value, the odd ones.
    assert compared > 20_000
    assert {
        dict,
        list,
        bool,
        Decimal,
        datetime.datetime,
        datetime.date,
        datetime.time,
        uuid.UUID,
        bytes,
    } <= kinds
    for table in (
        "core_auditentry",
        "django_session",
        "django_tasks_database_dbtaskresult",
        "cases_case_co_departments",
        "visits_visit_places",
        "imports_stagedbatch",
        "axes_accesslog",
    ):
        assert table in tables_with_rows
    from django.contrib.sessions.models import Session

    assert Session.objects.using(target).get().session_data == ODD_TEXT


def counted(out: str) -> dict[str, tuple[int, int, str]]:
    """The table of counts a move printed: each table's rows in SQLite and in PostgreSQL, and
    the verdict."""
    found = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 4 and words[3].startswith(("一致", "不一致")):
            found[words[0]] = (int(words[1].replace(",", "")), int(words[2].replace(",", "")), words[3])
    return found


def test_the_report_counts_every_table_and_says_what_next(moved: Moved) -> None:
    out = moved.result.stdout
    tables = moving.models_to_copy()
    counts = counted(out)
    assert set(counts) == {model._meta.db_table for model in tables}
    assert all(verdict == "一致" and source == target for source, target, verdict in counts.values())
    assert counts["core_auditentry"][0] > 1000
    assert f"合计 {len(tables)} 张表" in out
    assert f"DATABASE_URL={url_of(moved.target)}" in out
    assert f"SQLite 文件 {moved.source} 未作任何改动" in out
    # Nothing written to the source: not a byte.
    assert hashlib.sha256(moved.source.read_bytes()).hexdigest() == moved.sha256_before
    # What migrate wrote itself was replaced, and only in the tables the emptiness check allows.
    [replaced] = [line for line in out.splitlines() if line.startswith("迁移自动写入的初始数据")]
    tables_replaced = {part.split()[0] for part in replaced.split("：", 1)[1].rstrip("。").split("、")}
    assert tables_replaced and tables_replaced <= moving.MIGRATION_ROWS


def test_json_null_and_sql_null_stay_apart(moved: Moved, both: tuple[str, str]) -> None:
    """Django reads both as None: the move hands JSON over as its text, so they stay apart."""
    for alias in both:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FILTER (WHERE return_value IS NULL), "
                "COUNT(*) FILTER (WHERE return_value IS NOT NULL) FROM django_tasks_database_dbtaskresult"
            )
            sql_nulls, json_nulls = cursor.fetchone()
        assert (sql_nulls > 0, json_nulls) == (True, 1), alias


def test_the_audit_trail_stays_append_only_on_the_target(moved: Moved, both: tuple[str, str]) -> None:
    from django.db import DatabaseError

    from zhuqi.core.models import AuditEntry

    _, target = both
    first = AuditEntry.objects.using(target).order_by("pk").first()
    assert first is not None
    for statement, parameters in (
        ("UPDATE core_auditentry SET object_repr = 'rewritten' WHERE id = %s", [first.pk]),
        ("DELETE FROM core_auditentry WHERE id = %s", [first.pk]),
        ("TRUNCATE core_auditentry CASCADE", []),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(using=target),
            connections[target].cursor() as cursor,
        ):
            cursor.execute(statement, parameters)
    assert AuditEntry.objects.using(target).get(pk=first.pk).object_repr == first.object_repr


def test_new_rows_on_the_target_take_the_next_ids(moved: Moved, both: tuple[str, str]) -> None:
    from django.contrib.contenttypes.models import ContentType

    _, target = both
    with connections[target].cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname), quote_ident(c.relname), "
            "quote_ident(a.attname) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attidentity <> '' AND c.relkind = 'r' AND pg_table_is_visible(c.oid)"
        )
        identities = cursor.fetchall()
        assert len(identities) > 80
        for sequence, table, column in identities:
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - from pg_catalog
            last, called = cursor.fetchone()
            cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # noqa: S608 - from pg_catalog
            highest = cursor.fetchone()[0]
            assert (last + 1 if called else last) == highest + 1, table
    highest = ContentType.objects.using(target).order_by("-pk").values_list("pk", flat=True)[0]
    with transaction.atomic(using=target):
        made = ContentType.objects.using(target).create(app_label="moved", model="probe")
        transaction.set_rollback(True, using=target)
    assert made.pk == highest + 1


def test_word_search_finds_on_the_target_what_it_found_in_sqlite(moved: Moved, both: tuple[str, str]) -> None:
    """SQLite's FTS table is not copied: PostgreSQL's vector is generated from the same words."""
    source, target = both
    words: dict[str, int] = {}
    with connections[source].cursor() as cursor:
        cursor.execute("SELECT search_words FROM cases_case ORDER BY id")
        for (text,) in cursor.fetchall():
            for word in set(text.split()):
                words[word] = words.get(word, 0) + 1
    word = max((word for word in words if len(word) >= 2), key=lambda word: (words[word], word))
    with connections[source].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_case_fts WHERE cases_case_fts MATCH %s", [f'"{word}"'])
        in_sqlite = cursor.fetchone()[0]
    with connections[target].cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM cases_case WHERE search_vector @@ to_tsquery('simple', %s)", [f"'{word}'"]
        )
        in_postgresql = cursor.fetchone()[0]
    assert in_postgresql == in_sqlite == words[word] > 1


def audit_rows_reported(moved: Moved) -> int:
    return counted(moved.result.stdout)["core_auditentry"][0]


def test_a_target_with_rows_is_refused_and_left_as_it_is(moved: Moved, django_db_blocker: Any) -> None:
    refused = zhuqi(moved.source.parent, "migrate-to", url_of(moved.target))
    assert refused.returncode == 1
    assert (
        f"目标数据库 {moved.target} 不是空的：core_auditentry（{audit_rows_reported(moved):,} 行）"
        in refused.stderr
    )
    assert "createdb" in refused.stderr and "Traceback" not in refused.stderr
    with (
        django_db_blocker.unblock(),
        moving.registered_database("again", postgres_settings(moved.target)) as target,
    ):
        assert moving.rows_by_table(target)["core_auditentry"] == audit_rows_reported(moved)


@pytest.fixture(scope="module")
def set_up_by_migrate(moved: Moved, server: Server, django_db_blocker: Any) -> str:
    """A database as `zhuqi migrate` leaves it, never used: the moved one copied (as a template),
    then every row taken out but migrate's own (moving.MIGRATION_ROWS)."""
    name = server.create("migrated", template=moved.target)
    kept = moving.MIGRATION_ROWS | {moving.MIGRATIONS_TABLE}
    with (
        django_db_blocker.unblock(),
        moving.registered_database("migrated", postgres_settings(name)) as database,
    ):
        with transaction.atomic(using="migrated"), database.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")  # this copy's guard only
            for table in moving.rows_by_table(database):
                if table not in kept:
                    cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - from pg_catalog
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        assert set(moving.rows_by_table(database)) <= kept
    return name


def test_a_database_migrate_set_up_but_never_used_is_moved_into(
    moved: Moved, server: Server, set_up_by_migrate: str
) -> None:
    target = server.create("premigrated", template=set_up_by_migrate)
    result = zhuqi(moved.source.parent, "migrate-to", url_of(target), "--no-progress")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "搬迁完成" in result.stdout
    assert counted(result.stdout) == counted(moved.result.stdout)


def test_a_value_postgresql_refuses_rolls_everything_back(
    moved: Moved, server: Server, set_up_by_migrate: str, tmp_path: Path, django_db_blocker: Any
) -> None:
    """SQLite does not hold a text to its column's length; PostgreSQL does. The move stops at
    that table, naming it, and the target is as it was found (earlier tables' rows gone too)."""
    target = server.create("refusing", template=set_up_by_migrate)
    with (
        django_db_blocker.unblock(),
        moving.registered_database("refusing", postgres_settings(target)) as database,
    ):
        before = moving.rows_by_table(database)
    backup(moved.source, tmp_path / "zhuqi.sqlite3")
    with sqlite3.connect(tmp_path / "zhuqi.sqlite3") as writer:
        writer.execute(
            "UPDATE enterprises_enterprise SET name = name || ? "
            "WHERE id = (SELECT MIN(id) FROM enterprises_enterprise)",
            ["长" * 300],
        )
    result = zhuqi(tmp_path, "migrate-to", url_of(target), "--no-progress")
    assert result.returncode == 1
    said = "复制表 enterprises_enterprise 时 PostgreSQL 拒绝了其中的数据，已全部回滚，目标库未改动"
    assert said in result.stderr and "value too long" in result.stderr
    with (
        django_db_blocker.unblock(),
        moving.registered_database("refusing", postgres_settings(target)) as database,
    ):
        assert moving.rows_by_table(database) == before


def test_a_source_that_is_not_what_the_code_expects_is_refused(
    moved: Moved, tmp_path: Path, django_db_blocker: Any
) -> None:
    """Migrations behind (upgrade first) or ahead (a newer zhuqi wrote it), a column the code does
    not know, an empty or a missing file (ZHUQI_VAR_DIR pointing elsewhere), or not SQLite."""
    from django.db.migrations.loader import MigrationLoader

    app, name = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())[-1]
    behind, ahead, extra, empty = (
        tmp_path / f"{kind}.sqlite3" for kind in ("behind", "ahead", "extra", "empty")
    )
    for file in (behind, ahead, extra):
        backup(moved.source, file)
    with sqlite3.connect(behind) as writer:
        writer.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", [app, name])
    with sqlite3.connect(ahead) as writer:
        writer.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('core', '9999_future', '2030-01-01')"
        )
    with sqlite3.connect(extra) as writer:
        writer.execute("ALTER TABLE directory_region ADD COLUMN kept_by_hand text")
    sqlite3.connect(empty).close()
    refusals = [
        (behind, rf"还差 1 个迁移（{app}\.{name}）：请先运行 zhuqi upgrade"),
        (ahead, r"不认识的迁移（core\.9999_future）"),
        (empty, "是空的（一张表也没有建）：ZHUQI_VAR_DIR 指对了吗"),
        (tmp_path / "missing.sqlite3", "不存在：请在 zhuqi 平时运行的目录下运行"),
    ]
    with django_db_blocker.unblock():
        for file, said in refusals:
            with (
                moving.registered_database("refused", sqlite_settings(file)) as database,
                pytest.raises(moving.MoveRefused, match=said),
            ):
                moving.check_source(database)
        assert not (tmp_path / "missing.sqlite3").exists()
        with moving.registered_database("extra", sqlite_settings(extra)) as database:
            moving.check_source(database)  # its migrations are all there
            with pytest.raises(
                moving.MoveRefused, match=r"directory_region 有代码不认识的列（kept_by_hand）"
            ):
                moving.check_source_tables(database, moving.models_to_copy())
        with (
            moving.registered_database("postgresql", postgres_settings(moved.target)) as database,
            pytest.raises(moving.MoveRefused, match="不是 SQLite"),
        ):
            moving.check_source(database)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite:////tmp/zhuqi.sqlite3", "不是 PostgreSQL"),
        ("mysql://root@db/zhuqi", "不是 PostgreSQL"),
        ("no-scheme-at-all", "不是 PostgreSQL"),
        ("postgres://root@127.0.0.1:5432", "没有写数据库名"),
    ],
)
def test_a_target_that_is_not_a_postgresql_database_is_refused(url: str, said: str) -> None:
    with pytest.raises(moving.MoveRefused, match=said):
        moving.target_settings(url)


def test_a_password_is_not_printed() -> None:
    assert (
        moving.masked("postgres://zhuqi:s3cret@db.example:5432/zhuqi")
        == "postgres://zhuqi:***@db.example:5432/zhuqi"
    )
    assert moving.masked("postgres://zhuqi@db/zhuqi") == "postgres://zhuqi@db/zhuqi"
