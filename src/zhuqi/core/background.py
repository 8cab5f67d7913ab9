"""Background work without cron: a scheduler that queues the periodic tasks, and a worker that
runs queued tasks. `zhuqi run` starts both in threads (the embedded default); `zhuqi worker`
runs them as their own process, as many as wanted against one PostgreSQL.

Two schedulers queueing the same sweep is harmless: the sweep is idempotent."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)


# The periodic tasks, in the order they are queued. Core cannot import the apps that define them
# (they stand on core), so the list is filled at start-up by zhuqi.overview's AppConfig.ready.
_PERIODIC: list[object] = []


def register_periodic(*tasks: object) -> None:
    """Queue `tasks` on every scheduler tick (each once, however often registered)."""
    _PERIODIC.extend(task for task in tasks if task not in _PERIODIC)


def periodic_tasks() -> list[object]:
    return list(_PERIODIC)


def enqueue_periodic() -> int:
    queued = 0
    for task in periodic_tasks():
        try:
            task.enqueue()  # type: ignore[attr-defined]
            queued += 1
        except Exception:
            logger.exception("could not queue %s", task)
    return queued


def scheduler_loop(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        enqueue_periodic()
        close_old_connections()
        stop.wait(interval)


def make_worker(worker_id: str, *, batch: bool = False) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def start_embedded() -> threading.Event:
    """Start the scheduler and one worker as daemon threads; returns the scheduler's stop event."""
    stop = threading.Event()
    threading.Thread(
        target=scheduler_loop, args=(settings.ZHUQI_SWEEP_INTERVAL, stop), name="zhuqi-scheduler", daemon=True
    ).start()

    def work() -> None:
        # Give the server a moment to bind before the first tasks compete for the database.
        time.sleep(1)
        make_worker("embedded").run()

    threading.Thread(target=work, name="zhuqi-worker", daemon=True).start()
    return stop
