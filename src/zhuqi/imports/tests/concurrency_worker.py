"""A large import and case filings at the same time, on a real SQLite file: run as its own
process (test_concurrency.py) because the test database of the test process lives in memory,
where no second connection and no lock can reach it.

    python concurrency_worker.py VAR_DIR ROWS BUSY_TIMEOUT_SECONDS

Prints one JSON line: how many filings were made during the import, how many failed and with
what, how long the slowest took, and what the import reported.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any


def main(var_dir: str, rows: int, busy_timeout: float) -> dict[str, Any]:
    os.environ["ZHUQI_VAR_DIR"] = var_dir
    os.environ["ZHUQI_TESTING"] = "1"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django
    from django.conf import settings

    # What a person filing a case waits before the answer is "database is locked": shortened
    # from the server's 20 s so the test takes seconds; the import's batches must stay under it.
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = busy_timeout
    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections

    call_command("migrate", verbosity=0)
    from zhuqi.cases import services
    from zhuqi.cases.models import Category, Kind
    from zhuqi.cases.services import NewCase
    from zhuqi.directory import services as directory_services
    from zhuqi.enterprises import importing
    from zhuqi.enterprises.tests.test_import import rows as make_rows
    from zhuqi.enterprises.tests.test_import import write_csv
    from zhuqi.testing.factories import make_cast

    directory_services.load_regions()
    directory_services.load_industries()
    cast = make_cast()
    category = Category.objects.get(name="融资", parent=None)
    path = Path(var_dir) / "list.csv"
    write_csv(path, make_rows(rows))

    outcomes: list[tuple[str, float]] = []
    done = threading.Event()

    def file_cases() -> None:
        while not done.is_set():
            started = time.perf_counter()
            try:
                services.case_create(
                    actor=cast.enterprise_user,
                    data=NewCase(
                        kind=Kind.DEMAND, title="续贷困难", description="贷款下月到期。", category_id=category.pk
                    ),
                )
                outcomes.append(("ok", time.perf_counter() - started))
            except Exception as error:  # every failure is what a person would have seen
                outcomes.append((f"{type(error).__name__}: {error}", time.perf_counter() - started))
            time.sleep(0.05)
        close_old_connections()

    filers = [threading.Thread(target=file_cases) for _ in range(2)]
    for filer in filers:
        filer.start()
    try:
        with path.open("rb") as stream:
            report = importing.import_enterprises(actor=cast.coordinator, stream=stream, filename="list.csv")
    finally:
        done.set()
        for filer in filers:
            filer.join()
    from zhuqi.core.models import AuditEntry
    from zhuqi.enterprises.models import Enterprise

    failures = [outcome for outcome, _ in outcomes if outcome != "ok"]
    return {
        "filed": len(outcomes),
        "failures": failures[:5],
        "failed": len(failures),
        "slowest": max((seconds for _, seconds in outcomes), default=0.0),
        "created": report.created,
        "enterprises": Enterprise.objects.filter(name__startswith="导入企业").count(),
        "audited": AuditEntry.objects.filter(source="import").count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])), ensure_ascii=False))
