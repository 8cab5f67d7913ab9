"""Import of a large .xlsx: zhuqi's importer against django-import-export, interleaved.

    python bench/generate.py xlsx --rows 100000 --out /work/benchdata/enterprises-100000.xlsx
    python bench/import_bench.py /work/benchdata/enterprises-100000.xlsx [--rounds 3]
        [--before ../import-before/src] [--no-peer]

Each round runs every contender once, one after the other (zhuqi, zhuqi before if --before
names an older checkout's src, django-import-export), each in a fresh process and a fresh
database: a SQLite file, or with DATABASE_URL a new PostgreSQL database next to it. Rows/s count
the import alone (read, check, write, audit; not the start-up and migrations); peak RSS is the
child process's maximum resident set, read from its own wait (os.wait4), so it covers the whole
process.

The reference, django-import-export 4.4 in bulk mode with a model of the same columns
(bench/peers/import_export/), runs in its own virtual environment under bench/out/, made from
its pinned requirements on first use; the project's lock never sees it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, machine, median, revision

HERE = Path(__file__).resolve().parent
PEER = HERE / "peers" / "import_export"
PEER_VENV = OUT / "import-export-venv"
# The server's limits on uploads are a defence, not the importer's capacity: a bench of a million
# rows lifts them.
LIMITS = {"ZHUQI_MAX_IMPORT_ROWS": "5000000", "ZHUQI_MAX_IMPORT_UNPACKED_BYTES": str(8 * 2**30)}


def one_run(path: Path) -> dict[str, Any]:
    from common import database_label, setup_django

    setup_django(os.environ.get("ZHUQI_BENCH_SQLITE", f"import-sqlite-{os.getpid()}"))
    from zhuqi.directory.models import system_user
    from zhuqi.enterprises.importing import import_enterprises

    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        report = import_enterprises(actor=system_user(), stream=stream, filename=path.name)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert report.written and report.created == report.rows, report.errors[:3]
    return {
        "rows": report.rows,
        "seconds": seconds,
        "rows_per_second": report.rows / seconds,
        "cpu_seconds": cpu,
        "database": database_label(),
    }


def peer_python() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--require-hashes",
                "-r",
                str(PEER / "requirements.txt"),
            ],
            check=True,
        )
    return python


def fresh_database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")


def run_child(command: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float, float]:
    """The child's JSON line, its peak RSS in MiB and its CPU seconds (its own, from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            sys.exit(f"{command[:2]} failed (exit {child.returncode}):\n{err.read().decode()[-4000:]}")
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    return result, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def contenders(args: argparse.Namespace) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("zhuqi", None)]
    if args.before:
        found.append(("zhuqi before", args.before.resolve()))
    if not args.no_peer:
        found.append(("django-import-export", peer_python()))
    return found


def run_one(name: str, extra: Any, path: Path, base_url: str | None, scratch: Path) -> dict[str, Any]:
    env = {**os.environ, **LIMITS}
    database = f"wt_import_bench_{name.replace(' ', '_').replace('-', '_')}"
    try:
        if name == "django-import-export":
            if base_url:
                env["PEER_DATABASE_URL"] = fresh_database(base_url, database)
            else:
                env["PEER_SQLITE"] = str(scratch / "peer.sqlite3")
            command = [str(extra), str(PEER / "run_import.py"), str(path)]
        else:
            if extra is not None:
                env["PYTHONPATH"] = str(extra)  # the older checkout's src before the editable install
            if base_url:
                env["DATABASE_URL"] = fresh_database(base_url, database)
            env["ZHUQI_BENCH_OUT"] = str(scratch)
            env["ZHUQI_BENCH_SQLITE"] = "zhuqi"
            command = [sys.executable, __file__, str(path), "--child"]
        result, peak, cpu = run_child(command, env)
    finally:
        if base_url:
            drop_database(base_url, database)
        for stale in scratch.iterdir():
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    # ru_maxrss is in KiB on Linux. CPU seconds are the import's own in the child process (not
    # its start-up; on PostgreSQL the server's work is not in them): on a shared machine they
    # move far less than the wall-clock rate.
    cpu = result.get("cpu_seconds", cpu)
    return {**result, "peak_rss_mib": peak, "cpu_seconds": cpu, "rows_per_cpu_second": result["rows"] / cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--before", type=Path, help="an older checkout's src directory, run as a third contender"
    )
    parser.add_argument("--no-peer", action="store_true", help="without django-import-export")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.file)))
        return
    base_url = os.environ.get("DATABASE_URL") or None
    scratch = OUT / "import-runs"
    scratch.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, Any]]] = {}
    runners = contenders(args)
    for round_number in range(1, args.rounds + 1):
        for name, extra in runners:
            result = run_one(name, extra, args.file.resolve(), base_url, scratch)
            results.setdefault(name, []).append(result)
            print(
                f"round {round_number} {name}: {result['rows']:,} rows in {result['seconds']:.1f} s = "
                f"{result['rows_per_second']:,.0f} rows/s, peak RSS {result['peak_rss_mib']:.0f} MiB, "
                f"{result['cpu_seconds']:.0f} CPU s = {result['rows_per_cpu_second']:,.0f} rows per CPU s",
                flush=True,
            )
    database = "PostgreSQL" if base_url else "SQLite"
    print(f"\n{args.file.name}, {database}, {args.rounds} rounds; {machine()}; at {revision()}")
    medians = {
        name: (
            median([r["rows_per_second"] for r in runs]),
            median([r["peak_rss_mib"] for r in runs]),
            median([r["rows_per_cpu_second"] for r in runs]),
        )
        for name, runs in results.items()
    }
    peer = medians.get("django-import-export")
    for name, (rate, peak, per_cpu) in medians.items():
        ratio = (
            f"; {rate / peer[0]:.2f}× django-import-export's rows/s, {per_cpu / peer[2]:.2f}× per CPU s"
            if peer and name != "django-import-export"
            else ""
        )
        print(
            f"  {name}: median {rate:,.0f} rows/s, {per_cpu:,.0f} rows per CPU s, "
            f"peak RSS {peak:.0f} MiB{ratio}"
        )
    per_round = (
        [
            results["zhuqi"][i]["rows_per_second"] / results["django-import-export"][i]["rows_per_second"]
            for i in range(args.rounds)
        ]
        if peer
        else []
    )
    if per_round:
        print("  zhuqi / django-import-export per round: " + ", ".join(f"{r:.2f}×" for r in per_round))


if __name__ == "__main__":
    main()
