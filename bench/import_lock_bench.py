"""How long a large enterprise import keeps everyone else from writing, on the SQLite file the
embedded default uses: while the import runs, a probe takes the write lock every 50 ms (with a
patient timeout, so its longest wait is the longest the import held the lock) and four threads
file cases through the case service with the ordinary 20 s busy timeout (each failure is a
person's 500 or 503).

    python bench/generate.py xlsx --rows 100000
    python bench/import_lock_bench.py bench/out/enterprises-100000.xlsx [--via web|command]

--via web runs the import as the page does (a job checked, staged and applied in batches by the
background task's code); --via command as `zhuqi import enterprises` does. Before the import jobs
existed only the command's path was there (both went through one transaction).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, machine, revision

NAME = os.environ.get("ZHUQI_BENCH_NAME", "import-lock-sqlite")


def prepare() -> None:
    from common import setup_django

    setup_django(NAME)
    from zhuqi.directory.models import User
    from zhuqi.testing.factories import make_cast

    if not User.objects.filter(username="enterprise").exists():
        make_cast()


def run_import(path: str, via: str, result_file: str) -> None:
    from common import setup_django

    setup_django(NAME)
    from zhuqi.directory.models import system_user

    # The generated list spans many counties: imported by the system account, whose scope is all.
    actor = system_user()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src/zhuqi/imports/tests"))
    from concurrency_worker import time_transactions

    holds = time_transactions()
    started = time.perf_counter()
    if via == "web":
        from zhuqi.imports import jobs as importjobs

        # A copy, as the page stores the upload: a finished job removes its upload.
        upload = OUT / NAME / Path(path).name
        shutil.copyfile(path, upload)
        job = importjobs.start(kind="enterprises", actor=actor, path=upload, name=Path(path).name)
        importjobs.run_check(job.pk)
        job.refresh_from_db()
        checked = time.perf_counter() - started
        importjobs.confirm(job=job, actor=actor, skip_invalid=False, run_now=True)
        job.refresh_from_db()
        assert job.state == job.State.DONE, (job.state, job.message)
        rows, created = job.rows_read, job.created
    else:
        from zhuqi.enterprises.importing import import_enterprises

        with open(path, "rb") as stream:
            report = import_enterprises(actor=actor, stream=stream, filename=Path(path).name)
        assert report.written, report.errors[:3]
        rows, created, checked = report.rows, report.created, float("nan")
    result = {
        "rows": rows,
        "created": created,
        "seconds": time.perf_counter() - started,
        "checked_after": checked,
        "longest_transaction": max(holds, default=0.0),
        "transactions": len(holds),
    }
    Path(result_file).write_text(json.dumps(result))


def probe(database: str, stop: threading.Event, waits: list[float]) -> None:
    connection = sqlite3.connect(database, timeout=600, isolation_level=None)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
        except sqlite3.OperationalError:
            pass  # waited the whole timeout: the wait below says so
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    connection.close()


def file_cases(stop: threading.Event, outcomes: list[tuple[str, float]]) -> None:
    from django.db import close_old_connections

    from zhuqi.cases import services
    from zhuqi.cases.models import CaseCategory, Kind
    from zhuqi.cases.services import NewCase
    from zhuqi.directory.models import User

    actor = User.objects.get(username="enterprise")
    category = CaseCategory.objects.get(name="融资", parent=None)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            services.case_create(
                actor=actor,
                data=NewCase(
                    kind=Kind.DEMAND,
                    title="续贷困难",
                    description="流动资金贷款下月到期。",
                    category_id=category.pk,
                ),
            )
            outcomes.append(("ok", time.perf_counter() - started))
        except Exception as error:  # every failure counts, whatever its kind
            outcomes.append((type(error).__name__ + ": " + str(error)[:60], time.perf_counter() - started))
        time.sleep(1.0)
    close_old_connections()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--via", choices=["web", "command"], default="web")
    parser.add_argument("--filers", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(OUT / NAME, ignore_errors=True)
    os.environ.setdefault("ZHUQI_TESTING", "1")
    os.environ["ZHUQI_VAR_DIR"] = str(OUT / NAME)
    os.environ.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-c", "import import_lock_bench as b; b.prepare()"],
        check=True,
        cwd=Path(__file__).parent,
    )
    from common import setup_django

    setup_django(NAME)
    from django.conf import settings

    database = str(settings.DATABASES["default"]["NAME"])
    result_file = OUT / NAME / "result.json"
    importer = multiprocessing.get_context("spawn").Process(
        target=run_import, args=(str(args.file), args.via, str(result_file))
    )
    stop = threading.Event()
    waits: list[float] = []
    outcomes: list[tuple[str, float]] = []
    threads = [threading.Thread(target=probe, args=(database, stop, waits))]
    threads += [threading.Thread(target=file_cases, args=(stop, outcomes)) for _ in range(args.filers)]
    importer.start()
    for thread in threads:
        thread.start()
    importer.join()
    stop.set()
    for thread in threads:
        thread.join()
    result = json.loads(result_file.read_text()) if result_file.is_file() else {}
    failures = [o for o, _ in outcomes if o != "ok"]
    latencies = sorted(seconds for _, seconds in outcomes)
    summary = {
        "via": args.via,
        "rows": result.get("rows"),
        "import_seconds": round(result.get("seconds", float("nan")), 1),
        "checked_after_seconds": round(result.get("checked_after", float("nan")), 1),
        "import_longest_transaction_seconds": round(result.get("longest_transaction", float("nan")), 2),
        "import_transactions": result.get("transactions"),
        "max_lock_wait_seconds": round(max(waits), 2),
        "case_filings": len(outcomes),
        "case_filing_errors": len(failures),
        "case_filing_max_seconds": round(latencies[-1], 2) if latencies else None,
        "errors_seen": sorted(set(failures))[:3],
    }
    print(json.dumps(summary, ensure_ascii=False))
    print(f"{machine()}; at {revision()}")


if __name__ == "__main__":
    main()
