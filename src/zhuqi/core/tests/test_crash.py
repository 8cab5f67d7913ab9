"""`kill -9` in the middle of a write leaves a sound database: no half of a transaction, and the
audit trail saying exactly what the data says.

A real process (crash_worker.py) writes to a database of its own and is killed with SIGKILL
while its write transaction is open, part of it written: during the command-line enterprise
import, and during a loop of service writes (one enterprise update per transaction). Then the
database is opened again and checked: SQLite's integrity check, and the invariants of each writer.

On SQLite the database is a file, copied from the test database (regions and industries loaded).
On PostgreSQL the test database itself is written (the writes commit, as they must for the
test to mean anything) and the rows are taken out again afterwards."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.db import connection

from zhuqi.core.tests.crash_worker import LOOP_ENTERPRISE
from zhuqi.core.validators import make_uscc

IMPORT_ROWS = 2500  # several batches: killed inside the second
USCC_SERIAL = 7_000_000  # the import's codes, far from the factories'


@dataclass
class Database:
    """A database a worker process can write to, and a way to read it afterwards."""

    environment: dict[str, str]
    query: Any  # (sql, params) -> rows
    integrity_check: bool  # SQLite's PRAGMA; PostgreSQL has no counterpart short of amcheck

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.query(sql, params)[0][0]


@pytest.fixture(scope="module")
def sqlite_copy(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Path | None:
    """SQLite's test database lives in this process's memory: copied once, outside any test's
    transaction, to a file another process can open, with what the session loaded (regions,
    industries)."""
    if connection.vendor != "sqlite":
        return None
    file = tmp_path_factory.mktemp("crash") / "zhuqi.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(file)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
    return file


@pytest.fixture
def database(sqlite_copy: Path | None, db: Any, tmp_path: Path) -> Iterator[Database]:
    environment = {**os.environ, "ZHUQI_VAR_DIR": str(tmp_path), "ZHUQI_SECRET_KEY": "k"}
    if sqlite_copy is not None:
        file = tmp_path / "zhuqi.sqlite3"
        shutil.copyfile(sqlite_copy, file)

        def read_file(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
            reader = sqlite3.connect(file)
            try:
                return reader.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                reader.close()

        yield Database({**environment, "DATABASE_URL": ""}, read_file, integrity_check=True)
        return
    # PostgreSQL: the worker writes to the test database and commits; read what it committed
    # through a connection of our own (this test's is inside a transaction of its own).
    import psycopg

    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )

    def read_committed(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with psycopg.connect(url, autocommit=True) as reader:
            return reader.execute(sql, params).fetchall()

    yield Database({**environment, "DATABASE_URL": url}, read_committed, integrity_check=False)
    # Take the worker's committed rows out again, for the tests this process runs next. The
    # audit table refuses DELETE: its guard is lifted for the moment, in this test database only.
    with psycopg.connect(url, autocommit=True) as cleaner, cleaner.transaction():
        cleaner.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        ids = [
            str(row[0])
            for row in cleaner.execute(
                "SELECT id FROM enterprises_enterprise WHERE name = %s OR name LIKE %s",
                (LOOP_ENTERPRISE, "导入企业%"),  # the import's rows (enterprises/tests/test_import.py)
            )
        ]
        cleaner.execute(
            "DELETE FROM core_auditentry WHERE actor_name = 'crash-writer' OR object_id = ANY(%s)", (ids,)
        )
        cleaner.execute("DELETE FROM enterprises_enterprise WHERE id::text = ANY(%s)", (ids,))
        cleaner.execute("DELETE FROM directory_user WHERE username = 'crash-writer'")
        cleaner.execute("DELETE FROM imports_stagedbatch")
        cleaner.execute("DELETE FROM imports_importjob")
        cleaner.execute("DELETE FROM django_tasks_database_dbtaskresult")
        cleaner.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


def staged_rows(database: Database) -> int:
    """Rows checked and not yet written: the import stages them a batch to a row (orjson)."""
    batches = database.query("SELECT rows FROM imports_stagedbatch")
    return sum(len(orjson.loads(bytes(blob))) for (blob,) in batches)


def run_until_stopped(database: Database, *args: str) -> list[str]:
    """Start the worker, wait until it stops inside its transaction, kill it: its output."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zhuqi.core.tests.crash_worker", *args],
        env=database.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.strip())
        if line.startswith("STOPPED"):
            break
    process.send_signal(signal.SIGKILL)
    _, errors = process.communicate(timeout=30)
    assert lines and lines[-1] == "STOPPED", f"the worker did not reach its stop:\n{errors}"
    assert process.returncode == -signal.SIGKILL
    return lines


def test_an_import_killed_mid_write_is_finished_by_the_sweep_and_the_audit_matches(
    database: Database, tmp_path: Path
) -> None:
    """The import writes in short batches (so nobody else waits on the database): killed in the
    middle, the batches committed are there with their audit entries, no batch is half there,
    the rest is still staged, and the server's sweep finishes it, writing no row twice."""
    from zhuqi.enterprises.importing import BATCH
    from zhuqi.enterprises.tests.test_import import rows, write_csv

    before = database.one("SELECT COUNT(*) FROM enterprises_enterprise")
    audited_before = database.one("SELECT COUNT(*) FROM core_auditentry")
    listing = write_csv(tmp_path / "list.csv", rows(IMPORT_ROWS, start=USCC_SERIAL))
    run_until_stopped(database, "import", str(listing))

    if database.integrity_check:
        assert database.query("PRAGMA integrity_check") == [("ok",)]
    # The first batch, whole, with one audit entry a row; the second, begun, is not there at all.
    # (Batch sizes follow the time each batch takes: the job's own count says what was written.)
    [(state, applied)] = database.query("SELECT state, rows_applied FROM imports_importjob")
    assert state == "applying" and 0 < applied <= BATCH
    assert database.one("SELECT COUNT(*) FROM enterprises_enterprise") == before + applied
    assert database.one("SELECT COUNT(*) FROM core_auditentry") == audited_before + applied
    assert staged_rows(database) == IMPORT_ROWS - applied

    finished = subprocess.run(
        [sys.executable, "-m", "zhuqi.core.tests.crash_worker", "resume", "-"],
        env=database.environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.stdout.startswith("RESUMED 1"), finished.stderr[-3000:]
    first = make_uscc("150581", USCC_SERIAL)
    assert database.one("SELECT COUNT(*) FROM enterprises_enterprise WHERE uscc = %s", (first,)) == 1
    assert database.one("SELECT COUNT(*) FROM enterprises_enterprise") == before + IMPORT_ROWS
    assert database.one("SELECT COUNT(*) FROM core_auditentry") == audited_before + IMPORT_ROWS
    assert staged_rows(database) == 0
    assert database.query("SELECT state, rows_applied, created FROM imports_importjob") == [
        ("done", IMPORT_ROWS, IMPORT_ROWS)
    ]


def test_a_write_loop_killed_mid_write_keeps_every_commit_and_only_those(database: Database) -> None:
    lines = run_until_stopped(database, "loop", "-")
    committed = [line for line in lines if line.startswith("COMMITTED")]
    assert len(committed) == 25

    if database.integrity_check:
        assert database.query("PRAGMA integrity_check") == [("ok",)]
    enterprise_id, version, address = database.query(
        "SELECT id, version, address FROM enterprises_enterprise WHERE name = %s", ("崩溃测试有限公司",)
    )[0]
    # Every commit is there, the one killed is not, and the audit trail says the same.
    assert (version, address) == (1 + 25, "地址25")
    updates = database.query(
        "SELECT changes FROM core_auditentry WHERE object_id = %s AND action = 'update' ORDER BY id",
        (str(enterprise_id),),
    )
    assert len(updates) == 25
    last = updates[-1][0]
    assert (json.loads(last) if isinstance(last, str) else last)["address"] == ["地址24", "地址25"]
