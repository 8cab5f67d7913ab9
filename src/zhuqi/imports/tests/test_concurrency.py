"""A large import and people's writes at the same time, on a real SQLite file in another
process: nobody's write fails while the import runs, and a write that does meet a locked
database is told to retry (503 with Retry-After), not given a server error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from zhuqi.imports.tests import concurrency_worker

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's single writer is what an import used to lock; PostgreSQL has row locks",
)

ROWS = 5000
# How long the request meeting the held lock waits before it is told to retry.
PERSON_WAITS_SECONDS = 1.0


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    var_dir = tmp_path_factory.mktemp("concurrent-import")
    finished = subprocess.run(
        [sys.executable, concurrency_worker.__file__, str(var_dir), str(ROWS), str(PERSON_WAITS_SECONDS)],
        capture_output=True,
        text=True,
        timeout=900,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    result: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def test_cases_filed_during_a_large_import_all_succeed(outcome: dict[str, object]) -> None:
    assert outcome["filed"] and outcome["failed"] == 0, outcome
    assert outcome["created"] == outcome["enterprises"] == outcome["audited"] == ROWS


def test_the_import_never_holds_the_write_lock_for_long(outcome: dict[str, object]) -> None:
    """Before import jobs, the write held the lock for about half the import (every row in one
    transaction); in batches, for one batch: a small share however slow the machine is."""
    import_seconds, longest = outcome["import_seconds"], outcome["import_longest_transaction"]
    assert isinstance(import_seconds, float) and isinstance(longest, float)
    assert longest < import_seconds / 20, outcome


def test_a_locked_database_answers_503_with_retry_after(outcome: dict[str, object]) -> None:
    assert (outcome["api_status"], outcome["api_retry_after"]) == (503, "5"), outcome
    assert outcome["api_body"] == {"code": "busy", "detail": "系统繁忙（数据库正忙于其他写入），请稍后重试"}
    assert (outcome["page_status"], outcome["page_retry_after"], outcome["page_says_busy"]) == (
        503,
        "5",
        True,
    )


def test_a_read_with_a_token_does_not_fail_on_a_locked_database(outcome: dict[str, object]) -> None:
    """The token's last-use note is a write; while another writer holds SQLite it gives way after
    a fifth of a second (it used to wait out the busy timeout and then fail the read: 40 errors
    in one load run during an import)."""
    assert outcome["token_read_status"] == 200, outcome
