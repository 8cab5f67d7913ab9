"""A large import and case filings at the same time, on a real SQLite file: run as its own
process (test_concurrency.py) because the test database of the test process lives in memory,
where no second connection and no lock can reach it.

    python concurrency_worker.py VAR_DIR ROWS BUSY_TIMEOUT_SECONDS   # the timeout: for the locked part

The import runs in this process; the people run in another (as they would, in other requests):
one files cases with the server's busy timeout, a probe takes the write lock every 20 ms with a
patient one, so its longest wait is the longest anyone held the lock. (Threads of one process
would also wait for each other's interpreter lock, which is not what is measured here.)

Prints one JSON line: how many filings were made during the import, how many failed and with
what, the longest lock wait, what the import reported; then, with the database locked by
another connection, what the API and a page answer.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any


def time_transactions() -> list[float]:
    """How long each outermost transaction of this process holds the database from now on: on
    SQLite each takes the write lock at BEGIN (IMMEDIATE) and keeps it to COMMIT, so these are
    the lock holds. Works on any code that writes through transaction.atomic, old or new."""
    from django.db import transaction

    holds: list[float] = []
    enter, leave = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def timed_enter(self: Any) -> None:
        outermost = not transaction.get_connection(self.using).in_atomic_block
        enter(self)
        if outermost:
            # From the moment BEGIN returned, holding the lock (not the wait to get it).
            self._began = time.perf_counter()

    def timed_exit(self: Any, *exc: Any) -> None:
        leave(self, *exc)
        if not transaction.get_connection(self.using).in_atomic_block and hasattr(self, "_began"):
            holds.append(time.perf_counter() - self._began)
            del self._began

    transaction.Atomic.__enter__ = timed_enter  # type: ignore[method-assign]
    transaction.Atomic.__exit__ = timed_exit  # type: ignore[method-assign]
    return holds


def setup(var_dir: str) -> None:
    os.environ["ZHUQI_VAR_DIR"] = var_dir
    os.environ["ZHUQI_TESTING"] = "1"
    os.environ["ZHUQI_ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()


def people(var_dir: str, started: Any, stop: Any, results: Any) -> None:
    """Files cases and probes the lock until told to stop; puts what happened on `results`."""
    import sqlite3
    import threading

    setup(var_dir)
    from django.conf import settings
    from django.db import close_old_connections

    from zhuqi.cases import services
    from zhuqi.cases.models import CaseCategory, Kind
    from zhuqi.cases.services import NewCase
    from zhuqi.directory.models import User

    actor = User.objects.get(username="enterprise")
    category = CaseCategory.objects.get(name="融资", parent=None)
    outcomes: list[tuple[str, float]] = []
    waits: list[float] = []

    def probe() -> None:
        holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=600, isolation_level=None)
        while not stop.is_set():
            began = time.perf_counter()
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("COMMIT")
            waits.append(time.perf_counter() - began)
            time.sleep(0.02)
        holder.close()

    prober = threading.Thread(target=probe)
    prober.start()
    started.set()
    while not stop.is_set():
        began = time.perf_counter()
        try:
            services.case_create(
                actor=actor,
                data=NewCase(
                    kind=Kind.DEMAND, title="续贷困难", description="贷款下月到期。", category_id=category.pk
                ),
            )
            outcomes.append(("ok", time.perf_counter() - began))
        except Exception as error:  # every failure is what a person would have seen
            outcomes.append((f"{type(error).__name__}: {error}", time.perf_counter() - began))
        time.sleep(0.05)
    prober.join()
    close_old_connections()
    failures = [outcome for outcome, _ in outcomes if outcome != "ok"]
    results.put(
        {
            "filed": len(outcomes),
            "failures": failures[:5],
            "failed": len(failures),
            "slowest": max((seconds for _, seconds in outcomes), default=0.0),
            "max_lock_wait": max(waits, default=0.0),
        }
    )


def main(var_dir: str, rows: int, busy_timeout: float) -> dict[str, Any]:
    setup(var_dir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zhuqi.cases.models import CaseCategory
    from zhuqi.core.models import AuditEntry
    from zhuqi.directory import services as directory_services
    from zhuqi.enterprises import importing
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.enterprises.tests.test_import import rows as make_rows
    from zhuqi.enterprises.tests.test_import import write_csv
    from zhuqi.testing.factories import make_cast

    directory_services.load_regions()
    directory_services.load_industries()
    cast = make_cast()
    category = CaseCategory.objects.get(name="融资", parent=None)
    path = Path(var_dir) / "list.csv"
    write_csv(path, make_rows(rows))
    # Batches of 50 rows: a test-sized import still makes many short transactions.
    importing.BATCH = importing.EnterpriseImporter.batch_size = 50

    context = multiprocessing.get_context("spawn")
    started, stop, results = context.Event(), context.Event(), context.Queue()
    others = context.Process(target=people, args=(var_dir, started, stop, results))
    others.start()
    try:
        started.wait(timeout=300)
        holds = time_transactions()
        began = time.perf_counter()
        with path.open("rb") as stream:
            report = importing.import_enterprises(actor=cast.coordinator, stream=stream, filename="list.csv")
        import_seconds = time.perf_counter() - began
    finally:
        stop.set()
    seen = results.get(timeout=300)
    others.join(timeout=60)
    return {
        **seen,
        **_while_locked(cast, category, var_dir, busy_timeout),
        "import_seconds": import_seconds,
        "import_longest_transaction": max(holds, default=0.0),
        "import_transactions": len(holds),
        "created": report.created,
        "enterprises": Enterprise.objects.filter(name__startswith="导入企业").count(),
        "audited": AuditEntry.objects.filter(source="import").count(),
    }


def _while_locked(cast: Any, category: Any, var_dir: str, busy_timeout: float) -> dict[str, Any]:
    """Another connection holds the write lock: the API and a page answer 503 with Retry-After."""
    import sqlite3

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from zhuqi.testing.api import token_client

    api = token_client("enterprise")
    page = Client()
    page.force_login(cast.coordinator)
    connection.ensure_connection()
    connection.connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # A read with a token not used for a minute would note its use: that note gives way.
        began = time.perf_counter()
        listed = api.get("/api/v1/cases")
        token_read_seconds = time.perf_counter() - began
        answer = api.post(
            "/api/v1/cases",
            json.dumps(
                {"kind": "demand", "title": "招工难", "description": "缺焊工", "category": category.pk}
            ),
            content_type="application/json",
        )
        upload = Path(var_dir) / "small.csv"
        upload.write_text("统一社会信用代码,企业名称,所在地区\n", encoding="utf-8")
        with upload.open("rb") as handle:
            shown = page.post("/enterprises/import/", {"file": handle})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    return {
        "token_read_status": listed.status_code,
        "token_read_seconds": token_read_seconds,
        "api_status": answer.status_code,
        "api_retry_after": answer.get("Retry-After"),
        "api_body": answer.json() if answer["Content-Type"].startswith("application/json") else None,
        "page_status": shown.status_code,
        "page_retry_after": shown.get("Retry-After"),
        "page_says_busy": "系统繁忙" in shown.content.decode(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])), ensure_ascii=False))
