"""/metrics gives true figures to those allowed and nothing to anyone else: the request counter
counts requests, the queue length is the number of queued tasks, the workers and the failed
deliveries are what the database holds, and several server processes give one figure."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db.models.functions import Now
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from zhuqi.cases import tasks as case_tasks
from zhuqi.core import heartbeat
from zhuqi.core.background import make_worker
from zhuqi.core.models import PeriodicRun, WorkerHeartbeat
from zhuqi.notifications import services as notification_services
from zhuqi.notifications import tasks as notification_tasks
from zhuqi.notifications.models import OutboxMessage, Webhook

pytestmark = pytest.mark.django_db

TOKEN = "a-metrics-token-of-enough-length-0123456789"
REQUESTS_BY_VIEW = "django_http_requests_total_by_view_transport_method"


def scrape(**extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels."""
    response = Client().get("/metrics", **{"REMOTE_ADDR": "127.0.0.1", **extra})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_request_counter_counts_the_requests_by_view() -> None:
    key = {"view": "login", "transport": "http", "method": "GET"}
    before = value(scrape(), f"{REQUESTS_BY_VIEW}_total", **key)
    client = Client()
    for _ in range(3):
        assert client.get("/login/").status_code == 200
    samples = scrape()
    assert value(samples, f"{REQUESTS_BY_VIEW}_total", **key) == before + 3
    assert (
        value(
            samples, "django_http_requests_latency_seconds_by_view_method_count", view="login", method="GET"
        )
        >= 3
    )
    # Probes and scrapes are not traffic.
    client.get("/healthz")
    assert not [
        name for name, labels in scrape() if ("view", "healthz") in labels or ("view", "metrics") in labels
    ]


def test_a_made_up_method_does_not_become_a_label() -> None:
    Client().generic("MADEUP", "/login/")
    labels = {
        dict(labels).get("method") for name, labels in scrape() if name.startswith("django_http_requests")
    }
    assert "MADEUP" not in labels and "<invalid method>" in labels


def test_the_queue_length_is_the_number_of_queued_tasks_and_its_age_the_oldest() -> None:
    assert value(scrape(), "zhuqi_tasks_queued") == 0
    for queued in (case_tasks.sweep_deadlines, notification_tasks.send_outbox, case_tasks.sweep_deadlines):
        queued.enqueue()
    # A task already run is not waiting.
    DBTaskResult.objects.filter(pk=notification_tasks.send_outbox.enqueue().id).update(status="SUCCESSFUL")
    oldest = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").first()
    assert oldest is not None
    DBTaskResult.objects.filter(pk=oldest.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    samples = scrape()
    assert value(samples, "zhuqi_tasks_queued") == 3 == DBTaskResult.objects.ready().count()
    assert 600 <= value(samples, "zhuqi_tasks_oldest_queued_age_seconds") < 660


def test_the_workers_seen_are_those_with_a_fresh_heartbeat() -> None:
    samples = scrape()
    assert value(samples, "zhuqi_workers_seen") == 0
    assert not [name for name, _ in samples if name == "zhuqi_worker_newest_heartbeat_age_seconds"]
    for label in ("one", "two", "gone"):
        beating = heartbeat.Heartbeat(label)
        beating.beat()
    WorkerHeartbeat.objects.filter(name__endswith="(gone)").update(
        seen_at=Now() - datetime.timedelta(hours=1)
    )
    samples = scrape()
    assert value(samples, "zhuqi_workers_seen") == 2
    assert value(samples, "zhuqi_worker_newest_heartbeat_age_seconds") < 60


def test_the_latest_periodic_run_is_shown_with_its_duration() -> None:
    finished = timezone.now()
    PeriodicRun.objects.create(
        task="zhuqi.cases.tasks.sweep_deadlines",
        started_at=finished - datetime.timedelta(seconds=42),
        finished_at=finished,
        duration_seconds=42.0,
        succeeded=False,
        last_success_at=finished - datetime.timedelta(minutes=5),
        totals={"escalated": 7.0, "red": 12.0},
    )
    samples = scrape()
    task = {"task": "zhuqi.cases.tasks.sweep_deadlines"}
    assert value(samples, "zhuqi_periodic_task_last_duration_seconds", **task) == 42.0
    assert value(samples, "zhuqi_periodic_task_last_run_timestamp_seconds", **task) == finished.timestamp()
    assert value(samples, "zhuqi_periodic_task_last_run_succeeded", **task) == 0
    assert (
        value(samples, "zhuqi_periodic_task_last_success_timestamp_seconds", **task)
        == finished.timestamp() - 300
    )


def test_failed_deliveries_are_those_the_outbox_gave_up_and_retrying_ones_those_it_will_try_again(
    cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    robot = Webhook.objects.create(
        name="群", flavour=Webhook.Flavour.WECOM, url="https://example.invalid/hook"
    )
    Webhook.objects.create(
        name="好的",
        flavour=Webhook.Flavour.WECOM,
        url="https://example.invalid/ok",
        last_success_at=timezone.now(),
    )

    def unreachable(message: OutboxMessage) -> str:
        raise OSError("connection refused")

    monkeypatch.setattr(notification_services, "send_outbox_message", unreachable)

    def message(attempts: int, channel: str = "webhook") -> None:
        OutboxMessage.objects.create(
            channel=channel,
            target="t",
            webhook=robot if channel == "webhook" else None,
            subject="s",
            text="t",
            attempts=attempts,
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1),
        )

    # Two on their last attempt (given up when it fails), one on its first (tried again later).
    last = len(notification_services.RETRY_MINUTES)
    message(last)
    message(last, channel="email")
    message(0)
    notification_tasks.send_outbox.enqueue()
    make_worker("test", batch=True).run()
    samples = scrape()
    outbox = {"task": "zhuqi.notifications.tasks.send_outbox"}
    assert value(samples, "zhuqi_periodic_task_results_total", **outbox, result="failed") == 2
    assert value(samples, "zhuqi_periodic_task_results_total", **outbox, result="retrying") == 1
    assert value(samples, "zhuqi_notice_deliveries_retrying", channel="webhook") == 1
    assert value(samples, "zhuqi_notice_deliveries_pending", channel="webhook") == 1
    assert value(samples, "zhuqi_robots_failing") == 1
    # The next run's failures add to the count.
    message(last)
    OutboxMessage.objects.filter(state="pending").update(next_attempt_at=timezone.now())
    notification_tasks.send_outbox.enqueue()
    make_worker("test", batch=True).run()
    samples = scrape()
    assert value(samples, "zhuqi_periodic_task_results_total", **outbox, result="failed") == 3
    # A robot that succeeded after its failure is not failing.
    Webhook.objects.filter(pk=robot.pk).update(last_success_at=timezone.now())
    assert value(scrape(), "zhuqi_robots_failing") == 0


def test_a_client_not_allowed_is_refused() -> None:
    refused = Client().get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert refused.status_code == 403
    assert "无权读取运行指标" in refused.content.decode()
    assert b"zhuqi_" not in refused.content
    # Through a proxy nobody declared (ZHUQI_CLIENT_IP_HEADER unset): the proxy's loopback
    # address says nothing about the client.
    assert (
        Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
        == 403
    )
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1").status_code == 403


@override_settings(ZHUQI_METRICS_ALLOW=["127.0.0.1", "10.8.0.0/16"], ZHUQI_CLIENT_IP_HEADER="X-Forwarded-For")
def test_allowed_networks_are_read_through_the_declared_proxy_header() -> None:
    assert (
        Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.3.4").status_code == 200
    )
    assert (
        Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.3.4").status_code == 403
    )
    # The last hop is the one the proxy saw; what the client put before it is not believed.
    assert (
        Client()
        .get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.3.4, 10.9.3.4")
        .status_code
        == 403
    )


@override_settings(ZHUQI_METRICS_TOKEN=TOKEN)
def test_the_token_lets_a_scraper_in_from_any_address() -> None:
    assert (
        scrape(REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[("zhuqi_database_up", ())]
        == 1
    )
    wrong = Client().get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    assert wrong.status_code == 403
    assert Client().get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 403


def test_without_a_token_setting_no_bearer_token_is_accepted() -> None:
    response = Client().get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# Several server processes (gunicorn) give one figure: PROMETHEUS_MULTIPROC_DIR.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_gunicorn_processes_give_one_figure_and_a_replaced_process_takes_over_its_files(
    tmp_path: Path,
) -> None:
    figures_directory = tmp_path / "metrics"
    figures_directory.mkdir()
    port = free_port()
    environment = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(figures_directory),
        "ZHUQI_TESTING": "1",
        "DATABASE_URL": "",
        "ZHUQI_VAR_DIR": str(tmp_path / "var"),
        "ZHUQI_ALLOWED_HOSTS": "127.0.0.1",
    }
    # Two processes forked from a preloaded application (as deploy/'s gunicorn.conf.py runs it),
    # each replaced after a few requests, so the counting crosses processes and replacements. The
    # URLs are loaded before the fork, or each new process would spend seconds on them.
    configuration = tmp_path / "gunicorn.conf.py"
    configuration.write_text(
        "def when_ready(server):\n"
        "    from django.urls import get_resolver\n\n"
        "    get_resolver().url_patterns\n"
    )
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--config", str(configuration), "--preload"),
            *("--workers", "2", "--max-requests", "2", "--bind", f"127.0.0.1:{port}"),
            *("--log-level", "info", "zhuqi.wsgi:application"),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            # Not up in time, or stopped: the finally below ends it, and its log says why.
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        # Two each, then both processes are replaced: the fifth is answered by a new one.
        requests = 5
        for _ in range(requests):
            assert get(port, "/api/v1/no-such-endpoint")[0] == 404
        totals = set()
        for _ in range(4):
            status, text = get(port, "/metrics")
            assert status == 200
            samples = {
                (sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
            }
            totals.add(samples[("django_http_responses_total_by_status_total", (("status", "404"),))])
    finally:
        server.terminate()
        _, log = server.communicate(timeout=60)
        print(log)
    assert log.count("Autorestarting worker") >= 2, log
    # Whichever process answered, the one figure for the server.
    assert totals == {requests}
    # Processes were replaced (2 requests each), yet the files are those of the processes that
    # ran at once: the preloading parent's and the two serving processes' slots.
    counters = sorted(path.name for path in figures_directory.glob("counter_*.db"))
    assert counters == ["counter_slot0.db", "counter_slot1.db", "counter_slot2.db"]
