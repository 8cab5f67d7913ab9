"""/healthz and /readyz tell the truth: each check fails when what it checks is wrong (a migration
unapplied, no worker seen, the database gone) and passes when it is right, and the real worker
writes the heartbeat the check reads."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Now
from django.test import Client, override_settings
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from zhuqi.cases import tasks as case_tasks
from zhuqi.core import health, heartbeat
from zhuqi.core.background import ZhuqiWorker, make_worker
from zhuqi.core.models import PeriodicRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db

NEWEST_CORE_MIGRATION = "0007_worker_heartbeat_periodic_run"


@pytest.fixture(autouse=True)
def _fresh_checks() -> Iterator[None]:
    health.forget_cached_checks()
    yield
    health.forget_cached_checks()


@task()
def heartbeats_while_running() -> int:
    """Run by the worker under test: how many workers the database has seen at that moment."""
    return WorkerHeartbeat.objects.count()


def readyz(client: Client | None = None, path: str = "/readyz", **extra: Any) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get(path, **extra)
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_the_database(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "Set-Cookie" not in response.headers


def test_readyz_fails_naming_the_worker_when_no_worker_was_ever_seen() -> None:
    status, body = readyz()
    assert status == 503
    assert body["status"] == "fail" and body["failed"] == ["worker"]
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["worker"] == {
        "ok": False,
        "detail": body["checks"]["worker"]["detail"],
        "workers_seen": 0,
    }
    assert "zhuqi worker" in body["checks"]["worker"]["detail"]


def test_readyz_passes_with_a_fresh_heartbeat_and_fails_once_it_is_stale() -> None:
    heartbeat.Heartbeat("test").beat()
    status, body = readyz()
    assert (status, body["status"], body["failed"]) == (200, "ok", [])
    assert body["checks"]["worker"]["workers_seen"] == 1

    WorkerHeartbeat.objects.update(seen_at=Now() - datetime.timedelta(minutes=11))
    status, body = readyz()
    assert (status, body["failed"]) == (503, ["worker"])
    assert body["checks"]["worker"]["workers_seen"] == 0
    assert 650 <= body["checks"]["worker"]["newest_heartbeat_age_seconds"] <= 700

    with override_settings(ZHUQI_WORKER_STALE_MINUTES=15):
        assert readyz()[0] == 200


def test_readyz_fails_while_a_migration_is_unapplied_and_passes_once_it_is_applied() -> None:
    heartbeat.Heartbeat("test").beat()
    assert readyz()[0] == 200
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("core", NEWEST_CORE_MIGRATION)
    # A passing result is kept for a while in the process; the probe after it expires sees this.
    health.forget_cached_checks()
    status, body = readyz()
    assert (status, body["failed"]) == (503, ["migrations"])
    assert body["checks"]["migrations"]["unapplied"] == 1
    assert "zhuqi migrate" in body["checks"]["migrations"]["detail"]
    # A failure is not kept: applied, the next probe passes.
    recorder.record_applied("core", NEWEST_CORE_MIGRATION)
    assert readyz()[0] == 200


def test_readyz_without_the_database_fails_every_check_and_shows_no_connection_detail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError(
            'connection to server at "10.20.30.40", port 5432 failed: password for "zhuqi_owner"'
        )

    monkeypatch.setattr(health.connection, "cursor", unreachable)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failed"] == ["database", "migrations", "worker"]
    assert "OperationalError" in body["checks"]["database"]["detail"]
    assert b"10.20.30.40" not in response.content and b"zhuqi_owner" not in response.content


def test_exclude_leaves_a_check_out_and_an_unknown_name_is_refused() -> None:
    status, body = readyz(path="/readyz?exclude=worker")
    assert (status, body["failed"], body["checks"]["worker"]) == (200, [], {"excluded": True})
    response = Client().get("/readyz?exclude=wroker")
    assert response.status_code == 400 and "wroker" in response.content.decode()


@override_settings(
    ALLOWED_HOSTS=["zhuqi.example.gov.cn"],
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_probes_on_plain_http_by_address_are_answered_when_pages_are_redirected_or_refused() -> None:
    heartbeat.Heartbeat("test").beat()
    client = Client(HTTP_HOST="127.0.0.1:8000")
    assert client.get("/healthz").status_code == 200
    assert readyz(client)[0] == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    # The same server's pages: the address is no host it serves.
    assert client.get("/login/").status_code == 400
    # The right host over plain HTTP: pages are sent to HTTPS, the probes are not.
    named = Client(HTTP_HOST="zhuqi.example.gov.cn")
    assert named.get("/login/").status_code == 301
    assert named.get("/healthz").status_code == 200
    assert named.post("/healthz").status_code == 405


def test_the_worker_beats_while_it_runs_and_removes_its_heartbeat_when_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker drops stale connections between tasks; here that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    result = heartbeats_while_running.enqueue()
    worker = ZhuqiWorker(
        queue_names=["*"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="under-test",
        excluded_queue_names=[],
    )
    worker.run()
    assert DBTaskResult.objects.get(pk=result.id).return_value == 1
    assert not WorkerHeartbeat.objects.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "zhuqi-heartbeat"]


def test_beats_stop_when_the_worker_loop_has_died(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heartbeat, "HEARTBEAT_SECONDS", 0.01)
    beats: list[str] = []

    class Counted(heartbeat.Heartbeat):
        def beat(self) -> None:
            beats.append(self.name)
            if len(beats) == 3:
                stop.set()

    monkeypatch.setattr(heartbeat, "connection", type("NoConnection", (), {"close": lambda self: None})())
    monkeypatch.setattr(heartbeat, "close_old_connections", lambda: None)
    stop = threading.Event()
    heartbeat.keep_beating(Counted("alive"), threading.current_thread(), stop)
    assert len(beats) == 3

    dead = threading.Thread(target=lambda: None)
    dead.start()
    dead.join()
    beats.clear()
    heartbeat.keep_beating(Counted("dead"), dead, threading.Event())
    assert beats == []


def test_a_periodic_task_run_is_recorded_with_its_duration_and_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    case_tasks.sweep_deadlines.enqueue()
    make_worker("test", batch=True).run()
    run = PeriodicRun.objects.get(task="zhuqi.cases.tasks.sweep_deadlines")
    task_result = DBTaskResult.objects.get(task_path="zhuqi.cases.tasks.sweep_deadlines")
    assert run.succeeded and run.last_success_at == run.finished_at == task_result.finished_at
    assert run.duration_seconds == (task_result.finished_at - task_result.started_at).total_seconds()
    # What the sweep reported, its counts only (not its list of provisional years).
    counts = {"amber", "red", "escalated", "flagged", "closed_not_rated", "hazard_reminders"}
    assert counts <= set(run.totals) and "provisional_years" not in run.totals
    assert run.totals == {
        key: float(value) for key, value in task_result.return_value.items() if key in run.totals
    }
    succeeded_at = run.finished_at

    def broken() -> None:
        raise RuntimeError("the sweep broke")

    monkeypatch.setattr(case_tasks, "sweep", broken)
    case_tasks.sweep_deadlines.enqueue()
    make_worker("test", batch=True).run()
    run.refresh_from_db()
    assert not run.succeeded and run.finished_at > succeeded_at
    assert run.last_success_at == succeeded_at
    # A task that is not periodic leaves no row.
    heartbeats_while_running.enqueue()
    make_worker("test", batch=True).run()
    assert PeriodicRun.objects.count() == 1
