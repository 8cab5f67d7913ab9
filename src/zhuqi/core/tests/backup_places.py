"""Places a `zhuqi` process can back up from and restore into, for test_backups.py and
test_upgrades.py: a database of its own (never the test's, whose transaction a restore must not
meet) with a var directory beside it, on whichever engine the suite runs.

- SQLite: a file, copied from the test database (migrated, regions and industries loaded).
- PostgreSQL: a database made from the test database as a template (`CREATE DATABASE … TEMPLATE`),
  or an empty one; each is dropped when the test ends.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from zhuqi.core import backups

SECRET_KEY = "backup-tests"
_serial = itertools.count(1)


@dataclass
class Place:
    """A database and its var directory, and how to reach them from outside this process."""

    var_dir: Path
    database_url: str  # "" for the SQLite file in var_dir

    @property
    def sqlite_file(self) -> Path:
        return self.var_dir / "zhuqi.sqlite3"

    @property
    def media(self) -> Path:
        return self.var_dir / "media"

    @property
    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}
        environment.update(
            ZHUQI_VAR_DIR=str(self.var_dir), ZHUQI_SECRET_KEY=SECRET_KEY, DATABASE_URL=self.database_url
        )
        return environment

    def zhuqi(
        self, *args: str, environment: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zhuqi.cli", *args],
            env=environment or self.environment,
            cwd=self.var_dir,
            capture_output=True,
            text=True,
            timeout=900,
        )

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        if not self.database_url:
            file = sqlite3.connect(self.sqlite_file)
            try:
                yield file
            finally:
                file.close()
            return
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as database:
            yield database

    def counts(self) -> dict[str, int]:
        with self.connect() as database:
            return backups.table_counts(database)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self.connect() as database:
            cursor = database.cursor()
            cursor.execute(sql)
            rows = list(cursor.fetchall()) if cursor.description is not None else []
            database.commit()  # sqlite3 opened a transaction for a write (psycopg's is autocommit)
            return rows

    def one(self, sql: str) -> Any:
        return self.query(sql)[0][0]


# Restores each file given, in one process, and prints what each refusal said (or "").
_RESTORE_EACH = """
import json, sys
import django
django.setup()
from zhuqi.core import backups
for path in sys.argv[2:]:
    try:
        backups.restore_backup(__import__("pathlib").Path(path), force=sys.argv[1] == "force")
        print(json.dumps([path, ""]))
    except backups.BackupRefused as refused:
        print(json.dumps([path, refused.message]))
"""


def restore_each(place: Place, paths: list[Path], *, force: bool) -> dict[str, str]:
    """Each file restored into the place in turn, in one process (a process each would cost a
    Django start-up apiece): each path's refusal, "" for one restored."""
    environment = {**place.environment, "DJANGO_SETTINGS_MODULE": "zhuqi.settings"}
    result = subprocess.run(
        [sys.executable, "-c", _RESTORE_EACH, "force" if force else "", *map(str, paths)],
        env=environment,
        cwd=place.var_dir,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return {path: message for path, message in map(json.loads, result.stdout.splitlines())}


def _server_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{settings['USER']}{password}@{host}/{name}"


def _admin(sql: str) -> None:
    """A statement CREATE/DROP DATABASE needs outside any transaction, on the server's own database."""
    import psycopg

    with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


def _create_database(name: str, template: str | None) -> None:
    quoted = backups.quote(name)
    statement = f"CREATE DATABASE {quoted}" + (f" TEMPLATE {backups.quote(template)}" if template else "")
    import psycopg

    for attempt in range(20):
        try:
            _admin(statement)
            return
        except psycopg.errors.ObjectInUse:
            # Another session (autovacuum) is in the template for a moment: wait and again.
            if attempt == 19:
                raise
            time.sleep(0.5)


def _drop_database(name: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {backups.quote(name)} WITH (FORCE)")


@contextlib.contextmanager
def template(django_db_blocker: Any, directory: Path) -> Iterator[Place]:
    """The test database as it was set up (migrated; regions and industries), copied once, outside
    any test's transaction, as the source every place of the module starts from."""
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            place = Place(directory, "")
            target = sqlite3.connect(place.sqlite_file)
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            target.close()
            yield place
            return
        name = f"{connection.settings_dict['NAME']}_bk_template"
        _drop_database(name)
        # A template may have no other session: this process's own is closed first (it opens
        # again on the next query).
        connection.close()
        _create_database(name, connection.settings_dict["NAME"])
    try:
        yield Place(directory, _server_url(name))
    finally:
        _drop_database(name)


@contextlib.contextmanager
def copy_of(source: Place, directory: Path) -> Iterator[Place]:
    """A database of its own with the template's contents."""
    directory.mkdir(parents=True, exist_ok=True)
    if not source.database_url:
        place = Place(directory, "")
        shutil.copyfile(source.sqlite_file, place.sqlite_file)
        yield place
        return
    name = f"{connection.settings_dict['NAME']}_bk_{next(_serial)}"
    _create_database(name, source.database_url.rsplit("/", 1)[1])
    try:
        yield Place(directory, _server_url(name))
    finally:
        _drop_database(name)


@contextlib.contextmanager
def empty(directory: Path) -> Iterator[Place]:
    """A place with nothing in it: a var directory with no database file, or an empty database
    (as an operator makes with createdb on a new machine)."""
    directory.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        yield Place(directory, "")
        return
    name = f"{connection.settings_dict['NAME']}_bk_{next(_serial)}"
    _create_database(name, None)
    try:
        yield Place(directory, _server_url(name))
    finally:
        _drop_database(name)


# The two fixtures the backup and upgrade tests share, imported by their modules: a database set up
# once per module (`template`), and a fresh copy of it for each test (`source`).
@pytest.fixture(scope="module", name="template")
def template_fixture(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Place]:
    with template(django_db_blocker, tmp_path_factory.mktemp("template")) as place:
        yield place


@pytest.fixture(name="source")
def source_fixture(template: Place, tmp_path: Path) -> Iterator[Place]:
    with copy_of(template, tmp_path / "source") as place:
        yield place
