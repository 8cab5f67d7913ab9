"""Background work without cron: a scheduler that queues the periodic tasks, and a worker that
runs queued tasks. `zhuqi run` starts both in threads (the embedded default); `zhuqi worker`
runs them as their own process, as many as wanted against one PostgreSQL.

Two schedulers queueing the same sweep is harmless: the sweep is idempotent."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from zhuqi.core import heartbeat

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


class ZhuqiWorker(Worker):
    """django-tasks' database worker that operators can see (core/heartbeat.py): a standing
    worker writes its heartbeat while it runs, and every worker keeps the latest run of each
    periodic task (the deadline sweep's duration and when it finished)."""

    def run(self) -> None:
        # A batch run ends when the queue is empty: it is no standing worker to count on.
        if self.batch:
            return super().run()
        beating = heartbeat.Heartbeat(self.worker_id)
        try:
            beating.beat()
        except DatabaseError:
            logger.warning("worker heartbeat not written (database unavailable or busy)", exc_info=True)
        stop = threading.Event()
        beats = threading.Thread(
            target=heartbeat.keep_beating,
            args=(beating, threading.current_thread(), stop),
            name="zhuqi-heartbeat",
            daemon=True,
        )
        beats.start()
        try:
            return super().run()
        finally:
            stop.set()
            # A beat under way would write the row again after it is removed.
            beats.join(timeout=30)
            try:
                beating.forget()
            except DatabaseError:
                logger.warning("worker heartbeat not removed at stop", exc_info=True)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.task_path in {task.module_path for task in _PERIODIC}:  # type: ignore[attr-defined]
            try:
                heartbeat.record_periodic_run(
                    db_task_result.task_path,
                    db_task_result.started_at,
                    db_task_result.finished_at,
                    succeeded=db_task_result.status == "SUCCESSFUL",
                    result=db_task_result.return_value,
                )
            except DatabaseError:
                logger.warning("the run of %s was not recorded", db_task_result.task_path, exc_info=True)


def make_worker(worker_id: str, *, batch: bool = False) -> Worker:
    return ZhuqiWorker(
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
