"""What a background worker writes so that operators can see it (issue 24): its heartbeat while
it runs, and how the latest run of each periodic task went (the deadline sweep's duration).

Read by core/health.py (/readyz) and core/metrics.py (/metrics). A heartbeat is a row per worker
process rather than "the newest finished sweep": with several workers on several machines, the
newest sweep says only that one of them ran it, and a sweep is queued every ZHUQI_SWEEP_INTERVAL,
so an idle worker would look dead between sweeps. The row's time is the database's clock (Now()),
so workers on machines whose clocks differ are still compared fairly."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models.functions import Now
from django.utils import timezone

from zhuqi.core.models import PeriodicRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

# How often a running worker writes its heartbeat. ZHUQI_WORKER_STALE_MINUTES (default 10) is
# many beats, so a database busy for a while (SQLite's 20 s busy timeout during a big import)
# costs a beat or two, never the worker's standing.
HEARTBEAT_SECONDS = 60.0
# A worker killed without stopping (SIGKILL, a power cut) leaves its row; rows not seen for this
# long are deleted by the next beat of any worker, so the table stays a handful of rows.
FORGOTTEN_AFTER = datetime.timedelta(days=7)


class Heartbeat:
    """One worker process's row in WorkerHeartbeat."""

    def __init__(self, label: str) -> None:
        self.host = socket.gethostname()[:100]
        self.pid = os.getpid()
        # Unique while the process lives: a host name and a process id (a pid is reused only after
        # the process is gone, and then the row is the new process's to keep).
        self.name = f"{self.host} pid {self.pid} ({label})"[:200]

    def beat(self) -> None:
        if WorkerHeartbeat.objects.filter(name=self.name).update(seen_at=Now()):
            return
        WorkerHeartbeat.objects.create(
            name=self.name, host=self.host, pid=self.pid, started_at=Now(), seen_at=Now()
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=Now() - FORGOTTEN_AFTER).delete()

    def forget(self) -> None:
        """A clean stop: the worker is gone now, not in ZHUQI_WORKER_STALE_MINUTES."""
        WorkerHeartbeat.objects.filter(name=self.name).delete()


def keep_beating(heartbeat: Heartbeat, loop: threading.Thread, stop: threading.Event) -> None:
    """Beat every HEARTBEAT_SECONDS while the thread running the worker's loop is alive (a loop
    that died of an exception stops the beats, so the worker goes stale as it should). Runs in its
    own thread, with its own database connection."""
    try:
        while not stop.wait(HEARTBEAT_SECONDS) and loop.is_alive():
            close_old_connections()
            try:
                heartbeat.beat()
            except DatabaseError:
                logger.warning("worker heartbeat not written (database unavailable or busy)", exc_info=True)
    finally:
        connection.close()


def reported_counts(result: object) -> dict[str, float]:
    """The counts a periodic task returned: the numbers of a dict ({"sent": 3, "failed": 1}), or
    a number alone (under "returned"). Anything else (the sweep's list of provisional years) is
    no count."""
    if isinstance(result, dict):
        return {
            str(key): float(value)
            for key, value in result.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
    if isinstance(result, int | float) and not isinstance(result, bool):
        return {"returned": float(result)}
    return {}


@transaction.atomic
def record_periodic_run(
    task: str,
    started_at: datetime.datetime | None,
    finished_at: datetime.datetime | None,
    *,
    succeeded: bool,
    result: object = None,
) -> None:
    """Keep the latest run of a periodic task and add what it reported to the totals. The row is
    locked: two workers may finish runs of the same task at once."""
    finished_at = finished_at or timezone.now()
    started_at = started_at or finished_at
    created, _ = PeriodicRun.objects.get_or_create(
        task=task,
        defaults={
            "started_at": started_at,
            "finished_at": finished_at,
            "duration_seconds": 0.0,
            "succeeded": succeeded,
        },
    )
    run = PeriodicRun.objects.select_for_update().get(pk=created.pk)
    run.started_at, run.finished_at, run.succeeded = started_at, finished_at, succeeded
    run.duration_seconds = max((finished_at - started_at).total_seconds(), 0.0)
    if succeeded:
        run.last_success_at = finished_at
    totals = dict(run.totals)
    for key, count in reported_counts(result).items():
        totals[key] = totals.get(key, 0.0) + count
    run.totals = totals
    run.save(
        update_fields=[
            "started_at",
            "finished_at",
            "duration_seconds",
            "succeeded",
            "last_success_at",
            "totals",
        ]
    )


@dataclass(frozen=True)
class WorkersSeen:
    """The workers' heartbeats, read on the database's clock."""

    # Workers whose latest beat is within ZHUQI_WORKER_STALE_MINUTES.
    recently: int
    # Since the newest beat of any worker; None when no worker ever beat (or all were forgotten).
    newest_age_seconds: float | None


def workers_seen() -> WorkersSeen:
    # One query: every row (a handful: one per worker process of the last week) with the
    # database's time beside it.
    rows = list(WorkerHeartbeat.objects.annotate(now=Now()).values_list("seen_at", "now"))
    if not rows:
        return WorkersSeen(recently=0, newest_age_seconds=None)
    stale_after = datetime.timedelta(minutes=settings.ZHUQI_WORKER_STALE_MINUTES)
    ages = [max((now - seen_at).total_seconds(), 0.0) for seen_at, now in rows]
    return WorkersSeen(
        recently=sum(1 for age in ages if age <= stale_after.total_seconds()), newest_age_seconds=min(ages)
    )
