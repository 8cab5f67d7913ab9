"""Import of a large .xlsx through the real importer, into an empty database: rows/s and peak
memory (the process's maximum resident set, which is what a server has to have).

    python bench/generate.py xlsx --rows 100000
    python bench/import_bench.py bench/out/enterprises-100000.xlsx [--runs 3]

Each run is a fresh process and a fresh database (SQLite file, or a new PostgreSQL database
created next to DATABASE_URL's), so runs do not warm each other.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, machine, median, revision


def one_run(path: Path) -> dict[str, float]:
    from common import database_label, setup_django

    setup_django(f"import-sqlite-{os.getpid()}")
    from zhuqi.directory.models import system_user
    from zhuqi.enterprises.importing import import_enterprises

    started = time.perf_counter()
    with path.open("rb") as stream:
        report = import_enterprises(actor=system_user(), stream=stream, filename=path.name)
    seconds = time.perf_counter() - started
    assert report.written and report.created == report.rows, report.errors[:3]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": report.rows,
        "seconds": seconds,
        "rows_per_second": report.rows / seconds,
        "peak_rss_mib": peak_mib,
        "database": database_label(),
    }


def fresh_database_url(base: str, run: int) -> str:
    import psycopg

    name = f"zhuqi_bench_import_{run}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def drop_database(base: str, run: int) -> None:
    """The run's database, once its process has ended (a 100k-row import leaves ~300 MB)."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS zhuqi_bench_import_{run}")


def remove_sqlite_runs() -> None:
    import shutil

    for stale in OUT.glob("import-sqlite-*"):
        shutil.rmtree(stale)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.file)))
        return
    results = []
    base_url = os.environ.get("DATABASE_URL")
    for run in range(args.runs):
        env = dict(os.environ)
        if base_url:
            env["DATABASE_URL"] = fresh_database_url(base_url, run)
        else:
            remove_sqlite_runs()
        try:
            child = subprocess.run(
                [sys.executable, __file__, str(args.file), "--child"],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            if base_url:
                drop_database(base_url, run)
            else:
                remove_sqlite_runs()
        if child.returncode:
            sys.exit(f"run {run + 1} failed (exit {child.returncode}):\n{child.stderr[-4000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"run {run + 1}: {result['rows']} rows in {result['seconds']:.1f} s = "
            f"{result['rows_per_second']:.0f} rows/s, peak RSS {result['peak_rss_mib']:.0f} MiB "
            f"({result['database']})"
        )
    print(
        f"median: {median([r['rows_per_second'] for r in results]):.0f} rows/s, "
        f"peak RSS {median([r['peak_rss_mib'] for r in results]):.0f} MiB; {machine()}; at {revision()}"
    )


if __name__ == "__main__":
    main()
