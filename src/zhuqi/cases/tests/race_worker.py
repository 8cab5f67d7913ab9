"""One side of the race in test_race.py, run in its own process with its own connection to the
test database.

A spawned process unpickles its target by importing this module, before Django is set up, so
nothing here imports Django at module level.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from typing import Any, cast

# How long a side waits for the other to reach the same point before the test fails.
PATIENCE_SECONDS = 60.0


@dataclass(frozen=True)
class Side:
    index: int  # 0 or 1: this side's slot in the shared arrays
    database: dict[str, Any]  # NAME, USER, PASSWORD, HOST, PORT of the test database
    username: str
    case_id: int
    answer: str
    via: str  # "service" (services.case_answer) or "api" (POST /api/v1/cases/{id}/answer)


def take_step(side: Side, barrier: Any, backend_pids: Any, results: Any) -> None:
    """Entry point of the process: the outcome, or the traceback, goes on the results queue."""
    try:
        results.put((side.index, _take_step(side, barrier, backend_pids)))
    except BaseException:
        barrier.abort()  # never leave the other side waiting for this one
        results.put((side.index, {"outcome": "error", "traceback": traceback.format_exc()}))


def _setup_django(database: dict[str, Any]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    from django.conf import settings

    # The settings read DATABASE_URL, which names the server; the test database on it is the
    # one pytest-django created for the parent. Set before anything connects.
    cast(dict[str, Any], settings.DATABASES["default"]).update(database)
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # as under pytest: the test client's host, mail kept in memory


def _take_step(side: Side, barrier: Any, backend_pids: Any) -> dict[str, Any]:
    _setup_django(side.database)
    from django.db import connection, transaction

    from zhuqi.cases import selectors, services
    from zhuqi.core.errors import StaleWrite
    from zhuqi.directory.models import User
    from zhuqi.testing.api import send, token_client

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pids[side.index] = own_pid = cursor.fetchone()[0]

    # Read the case as the handler's page (or client) does: this is the version the step quotes.
    if side.via == "api":
        client = token_client(side.username)
        read = client.get(f"/api/v1/cases/{side.case_id}")
        assert read.status_code == 200, read.content
        version = read.json()["version"]
    else:
        actor = User.objects.get(username=side.username)
        version = selectors.case_get(user=actor, case_id=side.case_id).version

    # Both sides have read the same version; neither has written.
    barrier.wait(timeout=PATIENCE_SECONDS)
    other_pid = backend_pids[1 - side.index]

    try:
        with transaction.atomic():
            if side.via == "api":
                response = send(
                    client,
                    "post",
                    f"/api/v1/cases/{side.case_id}/answer",
                    {"version": version, "answer": side.answer, "outcome": "resolved"},
                )
                if response.status_code != 200:
                    return {
                        "outcome": "refused",
                        "read_version": version,
                        "status_code": response.status_code,
                        "body": response.json(),
                    }
                new_version = response.json()["version"]
            else:
                case = services.case_answer(
                    actor=actor,
                    case_id=side.case_id,
                    expected_version=version,
                    answer=side.answer,
                    outcome="resolved",
                )
                new_version = case.version
            # This side holds the case's row lock and has not committed. Keep it until the other
            # side is seen waiting for that lock: then the two steps have really overlapped.
            other_waited = _wait_until_blocked(connection, waiter=other_pid, holder=own_pid)
    except StaleWrite as stale:
        return {"outcome": "stale", "read_version": version, "current": stale.current}
    finally:
        connection.close()
    return {
        "outcome": "done",
        "read_version": version,
        "new_version": new_version,
        "other_waited_for_the_lock": other_waited,
    }


def _wait_until_blocked(connection: Any, *, waiter: int, holder: int) -> bool:
    deadline = time.monotonic() + PATIENCE_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_blocking_pids reads the lock manager itself, not a per-transaction snapshot.
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder, waiter])
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
