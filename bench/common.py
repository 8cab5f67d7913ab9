"""Shared set-up for the benchmarks: Django against the database in DATABASE_URL (or a fresh
SQLite file under bench/out/), with reference data loaded."""

from __future__ import annotations

import datetime
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


def bulk_insert(model: Any, objects: Any, batch_size: int | None = None) -> list[Any]:
    """model.objects.bulk_create(objects), the same rows, for the generators' millions of rows.

    On SQLite Django's bulk_create spends four fifths of its time compiling: 999 parameters a
    statement (~15 cases), each value through the field's generic prep chain. Here one INSERT
    statement is compiled per model and run with executemany; the common field types' values
    are converted by what their prep chain ends in (str() of a date, the adapter for an aware
    datetime, plain str/int/bool as they are), anything else through field.get_db_prep_save
    itself. The ids are given, counted on from the table's AUTOINCREMENT sequence as SQLite
    would, and set on the objects as bulk_create sets them. Other databases: bulk_create."""
    from django.db import connection, models, transaction

    objects = list(objects)
    if connection.vendor != "sqlite":
        return model.objects.bulk_create(objects, batch_size=batch_size)
    if not objects:
        return objects
    opts = model._meta
    fields = list(opts.concrete_fields)
    pk = opts.pk
    with transaction.atomic():
        if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            with connection.cursor() as cursor:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
                row = cursor.fetchone()
                cursor.execute(f'SELECT max("{pk.column}") FROM "{opts.db_table}"')
                highest = max(row[0] if row else 0, cursor.fetchone()[0] or 0)
            for obj in objects:
                if obj.pk is None:
                    highest += 1
                    obj.pk = highest
        getters = [(field.attname, *_converter(field, connection)) for field in fields]
        columns = ", ".join(f'"{field.column}"' for field in fields)
        sql = f'INSERT INTO "{opts.db_table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        rows = []
        for obj in objects:
            values = obj.__dict__
            rows.append([convert(obj if whole else values[attname]) for attname, convert, whole in getters])
        connection.ensure_connection()
        connection.connection.executemany(sql, rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def _converter(field: Any, connection: Any) -> tuple[Any, bool]:
    """value → what field.get_db_prep_save(field.pre_save(obj, add=True)) gives, fast for the
    types and values the generators write (checked against bulk_create: same rows); True when
    the function takes the object (pre_save sets the value: auto_now and the like)."""
    from django.conf import settings
    from django.db import models
    from django.utils import timezone

    kind = type(field)

    def fallback(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    def whole(obj: Any) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        if kind is models.DateTimeField and settings.USE_TZ:
            # DateTimeField.pre_save: now, set on the object; then the naive UTC text.
            attname, utc = field.attname, connection.timezone

            def now(obj: Any) -> str:
                value = timezone.now()
                setattr(obj, attname, value)
                return str(value.astimezone(utc).replace(tzinfo=None))

            return now, True
        return whole, True
    # DateField's pre_save only differs for auto_now(_add), left above.
    if type(field).pre_save is not models.Field.pre_save and not isinstance(field, models.DateField):
        return whole, True
    return _value_converter(field, kind, fallback, connection), False


def _value_converter(field: Any, kind: type, fallback: Any, connection: Any) -> Any:
    from django.conf import settings
    from django.db import models

    if kind in (models.CharField, models.TextField):
        return lambda value: value if value is None or type(value) is str else fallback(value)
    if kind in (
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.AutoField,
        models.BigAutoField,
    ):
        return lambda value: value if value is None or type(value) is int else fallback(value)
    if kind is models.ForeignKey:
        # ForeignKey.get_db_prep_save is its target field's.
        return _value_converter(field.target_field, type(field.target_field), fallback, connection)
    if kind is models.BooleanField:
        return lambda value: value if type(value) is bool else fallback(value)
    if kind is models.DateTimeField and settings.USE_TZ:
        # What adapt_datetimefield_value does with an aware one: naive in the connection's zone.
        utc = connection.timezone

        def datetime_value(value: Any) -> Any:
            if type(value) is datetime.datetime and value.utcoffset() is not None:
                return str(value.astimezone(utc).replace(tzinfo=None))
            return value if value is None else fallback(value)

        return datetime_value
    if kind is models.DateField:
        return lambda value: str(value) if type(value) is datetime.date else fallback(value)
    return fallback


def sqlite_bulk_pragmas() -> None:
    """For a benchmark's scratch SQLite file being generated (this connection only): a 3 GiB page
    cache, so that the indexes of a table of millions stay in memory instead of being re-read
    from the OS on each insert; no fsync (a crash mid-generation means generating again)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -3000000")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA temp_store = MEMORY")


def rebuild_derived(*, search: bool = True) -> None:
    """The generators write rows directly, not through the services: what the services keep
    beside the rows is computed afterwards, as `zhuqi rebuild_search` (core/search.py) and
    `zhuqi rebuild_figures` (cases/tallies.py) do. `search=False`: no search words (35 min at
    2M cases on SQLite) for a benchmark that does not search."""
    from django.core.management import call_command

    if search:
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
