"""Imports as jobs: checked into a staging table, then applied in short batches.

A 100,000-row list written in one transaction held SQLite's only write lock for most of a minute,
and every case filed meanwhile failed. Here no transaction lasts longer than one batch (a second
or so), and the person still gets all or nothing: the page says "writing" until every staged row
is applied, a batch that fails stops the job as interrupted (the rows applied so far are in the
audit trail with their batch, the rest still staged), and applying again — the person's button,
or the sweep for a job whose worker died — finishes exactly the rows left.

The web pages run the check and the apply as background tasks; the `zhuqi import …` commands run
the same steps in their own process, so both commit in short batches.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import orjson
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from zhuqi.core.bulk import insert_rows, long_lived_objects_frozen
from zhuqi.core.busy import is_database_busy
from zhuqi.core.errors import FieldError, ServiceError, ValidationFailed
from zhuqi.core.tabular import ImportFileError, ImportReport, write_error_file
from zhuqi.directory.models import User
from zhuqi.imports import tasks
from zhuqi.imports.models import ImportJob, StagedBatch

logger = logging.getLogger(__name__)

# The page lists this many row errors; the error file has every one.
ERRORS_SHOWN = 500

StagedRows = list[tuple[int, dict[str, Any]]]
T = TypeVar("T")


class Importer(Protocol):
    """What one kind of list supplies: how to check a file, and how to write checked rows."""

    batch_size: int

    def check(
        self,
        *,
        actor: User,
        stream: IO[bytes],
        filename: str,
        stage: Callable[[StagedRows, tuple[int, int, int]], None],
        progress: Callable[[ImportReport], None],
    ) -> ImportReport:
        """Read and check every row; hand the good ones to `stage` in batches, with what they
        would do (created, updated, unchanged). Writes nothing itself."""
        ...

    def prepare(self, *, actor: User, rows: StagedRows) -> Any:
        """What can be worked out for a batch before its transaction (the rows as they would be
        inserted, their search columns, their audit entries): run while the database is free
        for others, between two batches, outside any transaction. What it read from the database
        may have changed by `apply` (a row registered meanwhile): `apply` gets its result and
        checks what matters again under the lock."""
        ...

    def apply(self, *, actor: User, rows: StagedRows, prepared: Any) -> tuple[int, int, int]:
        """Write one batch of staged rows and their audit entries (the caller holds the
        transaction), given what `prepare` made of the same rows; returns (created, updated,
        unchanged)."""
        ...


# kind → the importer's class. imports stands below the apps whose rows it writes, so each of
# them registers its importer here from its AppConfig.ready (enterprises/apps.py).
_IMPORTERS: dict[str, Callable[[], Importer]] = {}


def register_importer(kind: str, importer: Callable[[], Importer]) -> None:
    _IMPORTERS[kind] = importer


def importer_for(kind: str) -> Importer:
    return _IMPORTERS[kind]()


class Superseded(Exception):
    """The check was restarted elsewhere; this run's rows must not be staged."""


def start(*, kind: str, actor: User, path: Path, name: str) -> ImportJob:
    """A job for an uploaded file, its check queued for the background worker."""
    job = ImportJob.objects.create(
        kind=kind, actor=actor if actor.pk else None, name=name[:255], path=str(path)
    )
    _enqueue("check", job.pk)
    return job


def _enqueue(step: str, job_id: int) -> None:
    task = tasks.check_import if step == "check" else tasks.apply_import
    task.enqueue(job_id)


def _counts(report: ImportReport) -> dict[str, Any]:
    return {
        "rows_read": report.rows,
        "rows_checked": report.rows,
        "rows_bad": len(report.bad_row_numbers),
        "error_count": len(report.errors),
    }


@long_lived_objects_frozen
def run_check(
    job_id: int,
    *,
    stream: IO[bytes] | None = None,
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
) -> ImportReport | None:
    """Check the job's file and stage its good rows, each batch in its own short transaction.
    Returns the report (None if the file was refused or the check superseded)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.CHECKING:
            return None
        job.attempt += 1
        attempt = job.attempt
        job.save(update_fields=["attempt", "updated_at"])
        # A check started again (its worker died) starts from an empty stage.
        StagedBatch.objects.filter(job=job).delete()
    importer = importer_for(job.kind)
    planned = [0, 0, 0]
    staged = 0
    last_reported = 0

    def stage(rows: StagedRows, plan: tuple[int, int, int]) -> None:
        _patiently(lambda: _stage(rows, plan))

    def _stage(rows: StagedRows, plan: tuple[int, int, int]) -> bool:
        nonlocal staged
        # Counted after the commit: a batch tried again after a busy moment counts once.
        now_staged = staged + len(rows)
        now_planned = [before + count for before, count in zip(planned, plan, strict=True)]
        with transaction.atomic():
            if not ImportJob.objects.select_for_update().filter(pk=job_id, attempt=attempt).exists():
                raise Superseded
            if not dry_run and rows:
                # The batch as one row: a row per staged row cost as much as the row's own write.
                staged_batch = (job_id, rows[0][0], encode_rows(rows))
                insert_rows(StagedBatch, ("job_id", "number", "rows"), [staged_batch])
            ImportJob.objects.filter(pk=job_id).update(
                rows_staged=now_staged,
                planned_created=now_planned[0],
                planned_updated=now_planned[1],
                planned_unchanged=now_planned[2],
                updated_at=timezone.now(),
            )
        staged, planned[:] = now_staged, now_planned
        return True

    def report_progress(report: ImportReport) -> None:
        nonlocal last_reported
        if progress:
            progress(report.rows - last_reported)
        last_reported = report.rows
        ImportJob.objects.filter(pk=job_id, attempt=attempt).update(
            **_counts(report), updated_at=timezone.now()
        )

    try:
        with _opened(job, stream) as source:
            report = importer.check(
                actor=job.importer_actor(),
                stream=source,
                filename=job.name,
                stage=stage,
                progress=report_progress,
            )
    except Superseded:
        return None
    except (ImportFileError, ServiceError) as refusal:
        _refuse(job_id, str(refusal))
        if stream is None:
            return None  # the page shows the refusal
        raise
    if progress and report.rows > last_reported:
        progress(report.rows - last_reported)
    error_file = ""
    if report.errors and job.path:
        error_file = str(write_error_file(report, Path(job.path)))
    report.created, report.updated, report.unchanged = planned
    ImportJob.objects.filter(pk=job_id, attempt=attempt).update(
        **_counts(report),
        state=ImportJob.State.CHECKED,
        errors=[[e.row, e.column, e.message] for e in report.errors[:ERRORS_SHOWN]],
        error_file=error_file,
        updated_at=timezone.now(),
    )
    return report


@contextmanager
def _opened(job: ImportJob, stream: IO[bytes] | None) -> Iterator[IO[bytes]]:
    if stream is not None:
        yield stream
        return
    with Path(job.path).open("rb") as handle:
        yield handle


def _refuse(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.REFUSED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def confirm(*, job: ImportJob, actor: User, skip_invalid: bool, run_now: bool = False) -> ImportJob:
    """The person's go-ahead: apply the staged rows (all of them, or with skip_invalid the good
    ones of a file that had bad rows). Queued for the worker unless run_now."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk, actor=actor if actor.pk else None)
        if job.state not in (ImportJob.State.CHECKED, ImportJob.State.INTERRUPTED):
            raise ValidationFailed([FieldError("state", "这个导入已经确认过，或尚未检查完毕")])
        if job.state == ImportJob.State.CHECKED and job.rows_bad and not skip_invalid:
            raise ValidationFailed(
                [FieldError("skip_invalid", "文件有错误行：改正后重新上传，或选择只导入正确的行")]
            )
        job.state = ImportJob.State.APPLYING
        job.skip_invalid = job.skip_invalid or skip_invalid
        job.message = ""
        job.save()
    if run_now:
        run_apply(job.pk)
    else:
        _enqueue("apply", job.pk)
    job.refresh_from_db()
    return job


@long_lived_objects_frozen
def run_apply(job_id: int) -> None:
    """Apply the job's staged rows batch by batch until none is left. Each batch is one
    transaction: the rows written, their audit entries, the staged rows deleted and the job's
    counts moved on together, so stopping anywhere leaves the job exactly resumable."""
    job = ImportJob.objects.get(pk=job_id)
    importer = importer_for(job.kind)
    size = BatchSize(importer.batch_size)
    released: float | None = None  # when the last batch let go of the database
    try:
        while True:
            # The next batch is worked out before its transaction, while others may write.
            ahead = _patiently(lambda: _prepare_next(job_id, importer, size.rows))
            if connection.vendor == "sqlite" and released is not None:
                # SQLite's waiting writers poll (every 100 ms at most) rather than queue: a loop
                # taking the lock again at once could keep one waiting past its busy timeout.
                # Their turn is this long after the last commit; preparing filled most of it.
                time.sleep(max(0.0, SQLITE_TURN_SECONDS - (time.monotonic() - released)))
            more = _patiently(functools.partial(_apply_batch, job_id, importer, size, ahead))
            released = time.monotonic()
            if not more:
                break
    except Exception as failure:
        logger.exception("import job %s stopped while writing", job_id)
        ImportJob.objects.filter(pk=job_id, state=ImportJob.State.APPLYING).update(
            state=ImportJob.State.INTERRUPTED,
            message=str(failure)[:1000] or type(failure).__name__,
            updated_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    if job.state == ImportJob.State.DONE and job.path:
        # The upload is spent (applying twice would import twice); its error file stays.
        Path(job.path).unlink(missing_ok=True)


# Between two batches on SQLite, the others' turn at the write lock.
SQLITE_TURN_SECONDS = 0.15
# A batch that meets a locked database (a busy moment: many people writing at once) waits and
# tries again rather than stopping the import; only a lasting failure interrupts it.
BUSY_RETRIES = 5
BUSY_PAUSE_SECONDS = 2.0


def _patiently(step: Callable[[], T]) -> T:
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return step()
        except OperationalError as error:
            if attempt == BUSY_RETRIES or not is_database_busy(error):
                raise
            logger.warning("import batch met a locked database, trying again: %s", error)
            time.sleep(BUSY_PAUSE_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")


# How long one batch may keep the others out. A batch's time is mostly Python (search keys,
# audit snapshots), and in `zhuqi run` it shares the interpreter with the request threads: under
# load a batch of 500 held SQLite's lock for many seconds and people's writes timed out behind
# it. The batch size follows the time each batch took instead of a fixed count. A second is far
# inside the 20 s others wait for the lock; much less made a loaded import crawl (0.3 s: about
# 13 rows a second with the machine saturated).
BATCH_SECONDS = 1.0
SMALLEST_BATCH = 20


class BatchSize:
    """Rows per batch, halved after a batch that held the lock too long, grown back (up to the
    importer's size) after quick ones."""

    def __init__(self, largest: int) -> None:
        self.largest = largest
        self.rows = min(largest, 100)

    def took(self, seconds: float) -> None:
        if seconds > BATCH_SECONDS:
            self.rows = max(SMALLEST_BATCH, self.rows // 2)
        elif seconds < BATCH_SECONDS / 3:
            self.rows = min(self.largest, self.rows * 2)


@dataclass
class _Ahead:
    """A batch prepared before its transaction: its rows' numbers and what `prepare` made."""

    numbers: list[int]
    prepared: Any


def _prepare_next(job_id: int, importer: Importer, rows: int) -> _Ahead | None:
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.state != ImportJob.State.APPLYING:
        return None
    batch = _staged(job, rows, take=False)
    if not batch:
        return None
    return _Ahead([number for number, _ in batch], importer.prepare(actor=job.importer_actor(), rows=batch))


def _apply_batch(
    job_id: int, importer: Importer, size: BatchSize | None = None, ahead: _Ahead | None = None
) -> bool:
    size = size or BatchSize(importer.batch_size)
    began = time.monotonic()
    try:
        return _apply_one_batch(job_id, importer, len(ahead.numbers) if ahead else size.rows, ahead)
    finally:
        size.took(time.monotonic() - began)


def encode_rows(rows: StagedRows) -> bytes:
    """Staged rows as the staging table keeps them: [[number, values], …] by orjson (values are
    JSON types: the importers encode their cleaned values, as _encode in each importer)."""
    return orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS)


def encode_and_decode(rows: StagedRows) -> StagedRows:
    """Rows as a write gets them back from the staging table (for tests of an importer's write)."""
    return [(number, values) for number, values in orjson.loads(encode_rows(rows))]


def _staged(job: ImportJob, rows: int, *, take: bool) -> StagedRows:
    """The first `rows` staged rows of the job; with `take`, removed from the staging table (in
    the caller's transaction): whole batches deleted, the last one taken in part written back
    shorter."""
    found: StagedRows = []
    staged = StagedBatch.objects.filter(job=job).order_by("number").values_list("pk", "rows")
    after = -1
    # One staged batch at a time (each some MB): a million-row job has hundreds of them.
    while len(found) < rows and (first := staged.filter(number__gt=after).first()) is not None:
        pk, encoded = first
        batch = [(number, values) for number, values in orjson.loads(encoded)]
        after = batch[-1][0]
        wanted = rows - len(found)
        found.extend(batch[:wanted])
        if not take:
            continue
        if len(batch) <= wanted:
            StagedBatch.objects.filter(pk=pk).delete()
        else:
            rest = batch[wanted:]
            StagedBatch.objects.filter(pk=pk).update(number=rest[0][0], rows=encode_rows(rest))
    return found


def _apply_one_batch(job_id: int, importer: Importer, rows: int, ahead: _Ahead | None = None) -> bool:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).select_related("actor").get(pk=job_id)
        if job.state != ImportJob.State.APPLYING:
            return False
        batch = _staged(job, rows, take=True)
        if not batch:
            job.state = ImportJob.State.DONE
            job.finished_at = timezone.now()
            job.save()
            return False
        actor = job.importer_actor()
        if ahead is not None and ahead.numbers == [number for number, _ in batch]:
            prepared = ahead.prepared
        else:  # nothing prepared, or another worker moved the job on meanwhile
            prepared = importer.prepare(actor=actor, rows=batch)
        created, updated, unchanged = importer.apply(actor=actor, rows=batch, prepared=prepared)
        job.rows_applied += len(batch)
        job.created += created
        job.updated += updated
        job.unchanged += unchanged
        job.save()
    return True


def resume_stalled(*, idle: datetime.timedelta | None = None) -> int:
    """Jobs whose worker died (no step for `idle`): a check starts again from the file, an
    apply goes on with the rows left. A job interrupted by an error waits for the person."""
    if idle is None:
        idle = datetime.timedelta(seconds=settings.ZHUQI_IMPORT_STALLED_SECONDS)
    cutoff = timezone.now() - idle
    resumed = 0
    for job in ImportJob.objects.filter(
        state__in=[ImportJob.State.CHECKING, ImportJob.State.APPLYING], updated_at__lt=cutoff
    ):
        if job.state == ImportJob.State.CHECKING:
            if not job.path or not Path(job.path).is_file():
                _refuse(job.pk, "检查中断，上传的文件已不在：请重新上传")
                continue
            _touch(job.pk)
            _enqueue("check", job.pk)
        else:
            _touch(job.pk)
            _enqueue("apply", job.pk)
        resumed += 1
    return resumed


def forget_old(*, age: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Uploads and their error files hold personal data: a job finished, refused or never
    confirmed is removed with its files after a day. An interrupted one stays until applied."""
    cutoff = timezone.now() - age
    old = ImportJob.objects.filter(
        created_at__lt=cutoff,
        state__in=[ImportJob.State.CHECKED, ImportJob.State.REFUSED, ImportJob.State.DONE],
    )
    removed = 0
    for job in old:
        for name in (job.path, job.error_file):
            if name:
                Path(name).unlink(missing_ok=True)
        job.delete()
        removed += 1
    return removed


def _touch(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now())


def import_now(
    *,
    kind: str,
    actor: User,
    stream: IO[bytes],
    filename: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """The commands' import: the same job, checked and applied in this process. All or
    nothing as on the page; if the process is stopped while writing, the server's sweep
    finishes the rows left."""
    job = ImportJob.objects.create(kind=kind, actor=actor if actor.pk else None, name=filename[:255])
    try:
        report = run_check(job.pk, stream=stream, progress=progress, dry_run=dry_run)
    except (ImportFileError, ServiceError):
        job.delete()
        raise
    assert report is not None
    if dry_run or (report.errors and not skip_invalid):
        job.delete()
        return report
    job = confirm(job=job, actor=actor, skip_invalid=skip_invalid, run_now=True)
    report.created, report.updated, report.unchanged = job.created, job.updated, job.unchanged
    report.written = True
    job.delete()
    return report
