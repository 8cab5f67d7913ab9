"""Shared set-up for the benchmarks: Django against the database in DATABASE_URL (or a fresh
SQLite file under bench/out/), with reference data loaded."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# Generated files and SQLite databases; ZHUQI_BENCH_OUT puts them elsewhere (a 2M-case SQLite
# file is ~3 GB: /tmp rather than the checkout).
OUT = Path(os.environ.get("ZHUQI_BENCH_OUT") or Path(__file__).resolve().parent / "out")


def setup_django(sqlite_name: str | None = None, *, migrate: bool = True) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ZHUQI_TESTING", "1")
    if sqlite_name and not os.environ.get("DATABASE_URL"):
        os.environ["ZHUQI_VAR_DIR"] = str(OUT / sqlite_name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if not migrate:
        # A database shared read-only (another's data, being generated or benchmarked): not even
        # a new index is written; the code runs on the schema it has.
        return
    call_command("migrate", verbosity=0)
    from zhuqi.directory import services
    from zhuqi.directory.models import Industry, Region

    if not Region.objects.exists():
        services.load_regions()
    if not Industry.objects.exists():
        services.load_industries()


def rebuild_derived() -> None:
    """The generators write rows directly, not through the services: what the services keep
    beside the rows is computed afterwards, as `zhuqi rebuild_search` (core/search.py) and
    `zhuqi rebuild_figures` (cases/tallies.py) do."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("rebuild_search")
    print(f"search words: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("rebuild_figures")
    print(f"figures' day tallies: {time.perf_counter() - started:.0f} s")


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Python {platform.python_version()}, {sys.platform}"


def revision() -> str:
    """The commit the figures are for, with "+src changes" if src/ differs from it."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    return commit + (" +src changes" if git("status", "--porcelain", "--", "src") else "")


def print_plan(sql: str) -> None:
    """How the database runs a captured query: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (it runs
    the query), EXPLAIN QUERY PLAN on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            print("\n".join(f"  {row[-1]}" for row in cursor.fetchall()))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(call: Any, repeat: int) -> tuple[list[float], Any]:
    """Milliseconds of each of `repeat` calls, and the last call's result."""
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, result


def report(role: str, label: str, hits: int, timings: list[float]) -> None:
    """One line of a list benchmark: who, what, how many hits (-1: not counted), p50 and p95."""
    print(
        f"{role:18} {label:36} "
        + (f"hits {hits:>8}  " if hits >= 0 else " " * 15)
        + f"p50 {median(timings):8.1f} ms  p95 {percentile(timings, 0.95):8.1f} ms",
        flush=True,
    )


def stop_process(process: subprocess.Popen[Any]) -> None:
    """A server the benchmark started: asked to stop (SIGTERM), given 20 s, then killed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
