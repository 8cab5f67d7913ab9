"""The enterprise import on the page: checked and written by the background worker, its
progress on the page, and all or nothing for the person however the writing is stopped."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.core.background import make_worker
from zhuqi.core.models import AuditEntry
from zhuqi.enterprises import importing
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.tests.test_import import bad_rows, rows, write_csv, write_xlsx
from zhuqi.imports import jobs
from zhuqi.imports.models import ImportJob, StagedBatch


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_worker() -> None:
    """What the worker `zhuqi run` starts does, until the queue is empty. Between tasks the
    worker closes stale connections, which would end the test's transaction on PostgreSQL."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        make_worker("test", batch=True).run()


def upload(client: Client, path: Path) -> ImportJob:
    with path.open("rb") as handle:
        response = client.post("/enterprises/import/", {"file": handle})
    html = response.content.decode()
    assert response.status_code == 302, html[html.find("upload-error") :][:300]
    job = ImportJob.objects.get()
    assert response["Location"] == f"/enterprises/import/{job.token}/"
    return job


def status(client: Client, job: ImportJob) -> str:
    response = client.get(f"/enterprises/import/{job.token}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 2 rows, so a few rows make several transactions."""
    monkeypatch.setattr(importing, "BATCH", 2)
    monkeypatch.setattr(importing.EnterpriseImporter, "batch_size", 2)
    return 2


def test_upload_is_checked_in_the_background_then_confirmed_and_written(cast, tmp_path: Path) -> None:
    client = login(cast.coordinator)
    job = upload(client, write_xlsx(tmp_path / "名录.xlsx", bad_rows(rows(6))))
    # The request only stored the file: nothing read yet, and the page polls for progress.
    waiting = status(client, job)
    assert "正在检查" in waiting and 'hx-trigger="every 1s"' in waiting
    run_worker()
    checked = status(client, job)
    assert "hx-trigger" not in checked  # done checking: the polling stops
    assert 'data-testid="rows-read">6<' in checked and 'data-testid="rows-bad">2<' in checked
    assert "2 行有错误" in checked and "校验位应为" in checked and "火星市" in checked
    assert "确认后将新增 4 家" in checked
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()
    errors = client.get(f"/enterprises/import/{job.token}/errors")
    assert errors.status_code == 200 and errors["Content-Disposition"].endswith(".errors.xlsx")
    assert login(cast.admin).get(f"/enterprises/import/{job.token}/errors").status_code == 404  # not theirs
    assert login(cast.admin).get(f"/enterprises/import/{job.token}/").status_code == 404

    # A file with bad rows is written only if the person asks for the good rows alone.
    refused = client.post(f"/enterprises/import/{job.token}/confirm", follow=True)
    assert "只导入正确的行" in refused.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.CHECKED

    confirmed = client.post(f"/enterprises/import/{job.token}/confirm", {"skip_invalid": "1"})
    assert confirmed.status_code == 302
    assert "正在写入" in status(client, job)
    run_worker()
    done = status(client, job)
    assert "新增 4 家" in done and "跳过 2 行错误数据" in done and 'data-testid="error-file"' in done
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 4
    assert AuditEntry.objects.filter(source="import", actor=cast.coordinator).count() == 4
    assert not StagedBatch.objects.exists()  # the staging table is empty again
    again = client.post(f"/enterprises/import/{job.token}/confirm", {"skip_invalid": "1"}, follow=True)
    assert "已经确认过" in again.content.decode()  # the upload is spent: no second import
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 4
    assert job.name in client.get("/enterprises/import/").content.decode()  # listed as a recent import


def test_progress_is_shown_while_the_check_runs(
    cast, tmp_path: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(cast.coordinator)
    job = upload(client, write_xlsx(tmp_path / "名录.xlsx", rows(5)))
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen: list[str] = []
    original = importing.EnterpriseImporter.check

    def check_and_look(self: Any, **kwargs: Any) -> Any:
        report_progress = kwargs["progress"]

        def progress(report: Any) -> None:
            report_progress(report)
            seen.append(status(client, job))  # the page, as the polling sees it at that moment

        return original(self, **{**kwargs, "progress": progress})

    monkeypatch.setattr(importing.EnterpriseImporter, "check", check_and_look)
    run_worker()
    assert any('data-testid="rows-read">2<' in page and "正在检查" in page for page in seen), seen
    assert any('data-testid="rows-read">4<' in page and "hx-trigger" in page for page in seen)


def fail_the_third_write(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The enterprise importer's third write batch fails (a full disk); gives the real apply."""
    real_apply = importing.EnterpriseImporter.apply
    calls = {"count": 0}

    def failing_apply(self: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 3:
            raise RuntimeError("disk full")
        return real_apply(self, **kwargs)

    monkeypatch.setattr(importing.EnterpriseImporter, "apply", failing_apply)
    return real_apply


def test_a_failure_mid_write_is_reported_and_resumed_without_duplicates(
    cast, tmp_path: Path, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(cast.coordinator)
    job = upload(client, write_xlsx(tmp_path / "名录.xlsx", rows(7)))
    run_worker()
    real_apply = fail_the_third_write(monkeypatch)
    client.post(f"/enterprises/import/{job.token}/confirm")
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.INTERRUPTED and job.rows_applied == 4
    page = status(client, job)
    assert "写入中断：已写入 4 行，还有 3 行未写入" in page and 'data-testid="resume"' in page
    # The audit trail matches what was written: the two batches that went through, nothing else.
    written = Enterprise.objects.filter(name__startswith="导入企业").count()
    assert written == 4 == AuditEntry.objects.filter(source="import").count()

    monkeypatch.setattr(importing.EnterpriseImporter, "apply", real_apply)
    client.post(f"/enterprises/import/{job.token}/confirm")
    run_worker()
    assert "新增 7 家" in status(client, job)
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 7
    assert AuditEntry.objects.filter(source="import").count() == 7


def test_a_write_taking_part_of_a_staged_batch_leaves_the_rest_staged(
    cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are staged a check batch to a row of the staging table; a write batch smaller than
    that takes part of it and puts the rest back in its own transaction, so a failure between
    two writes leaves exactly the rows not written."""
    monkeypatch.setattr(importing, "BATCH", 5)  # staged 5 rows to a batch
    monkeypatch.setattr(importing.EnterpriseImporter, "batch_size", 2)  # written 2 at a time
    client = login(cast.coordinator)
    job = upload(client, write_xlsx(tmp_path / "名录.xlsx", rows(7)))
    run_worker()
    assert StagedBatch.objects.filter(job=job).count() == 2
    real_apply = fail_the_third_write(monkeypatch)
    client.post(f"/enterprises/import/{job.token}/confirm")
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.rows_applied) == (ImportJob.State.INTERRUPTED, 4)
    # Rows 2–5 written (Excel's numbers; row 1 is the header); 6 back in the first staged batch.
    staged = StagedBatch.objects.filter(job=job).order_by("number")
    assert list(staged.values_list("number", flat=True)) == [6, 7]
    written = set(Enterprise.objects.filter(name__startswith="导入企业").values_list("name", flat=True))
    assert written == {f"导入企业{i}有限公司" for i in range(4)}
    monkeypatch.setattr(importing.EnterpriseImporter, "apply", real_apply)
    client.post(f"/enterprises/import/{job.token}/confirm")
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.rows_applied, job.created) == (ImportJob.State.DONE, 7, 7)
    assert AuditEntry.objects.filter(source="import").count() == 7
    assert not StagedBatch.objects.exists()


def test_a_worker_killed_mid_write_is_finished_by_the_sweep(cast, tmp_path: Path, small_batches: int) -> None:
    client = login(cast.coordinator)
    job = upload(client, write_xlsx(tmp_path / "名录.xlsx", rows(5)))
    run_worker()
    jobs.confirm(job=job, actor=cast.coordinator, skip_invalid=False)
    # The worker wrote one batch and died (kill -9: nothing after the batch's commit ran).
    assert jobs._apply_batch(job.pk, importing.EnterpriseImporter())
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=10))
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # its queued task died with it
    assert "正在写入" in status(client, job)
    assert jobs.resume_stalled() == 1
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.rows_applied, job.created) == (ImportJob.State.DONE, 5, 5)
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 5
    assert AuditEntry.objects.filter(source="import").count() == 5


def test_an_xlsx_declaring_too_many_rows_is_refused_on_upload(cast, tmp_path: Path, settings: Any) -> None:
    settings.ZHUQI_MAX_IMPORT_ROWS = 3
    client = login(cast.coordinator)
    with write_xlsx(tmp_path / "名录.xlsx", rows(5)).open("rb") as handle:
        response = client.post("/enterprises/import/", {"file": handle})
    assert "文件的行数超过上限（最多 3 行，本文件有 5 行）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_bomb_is_refused_on_upload_naming_the_limit(cast, tmp_path: Path, settings: Any) -> None:
    from zhuqi.core.tests.test_tabular_limits import write_bomb

    settings.ZHUQI_MAX_IMPORT_UNPACKED_BYTES = 50 * 2**20
    path = write_bomb(tmp_path / "炸弹.xlsx", unpacked=200 * 2**20)
    client = login(cast.coordinator)
    with path.open("rb") as handle:
        response = client.post("/enterprises/import/", {"file": handle})
    html = response.content.decode()
    assert response.status_code == 200 and "超过上限 50 MB" in html
    assert not ImportJob.objects.exists()


def test_rows_over_the_limit_refuse_the_job(cast, tmp_path: Path, settings: Any) -> None:
    """A CSV says nothing of its rows before it is read: the worker counts them, and stops."""
    settings.ZHUQI_MAX_IMPORT_ROWS = 3
    client = login(cast.coordinator)
    job = upload(client, write_csv(tmp_path / "名录.csv", rows(5)))
    run_worker()
    page = status(client, job)
    assert "文件无法导入" in page and "最多 3 行" in page
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()
    assert not StagedBatch.objects.exists()


def test_the_command_line_import_commits_in_batches(cast, tmp_path: Path, small_batches: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = write_xlsx(tmp_path / "名录.xlsx", rows(5))
    with CaptureQueriesContext(connection) as queries, path.open("rb") as stream:
        report = importing.import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert (report.created, report.written) == (5, True)
    # One savepoint per batch here (inside the test's transaction), a transaction of its own
    # in a real run: staging 3 batches, applying 3 batches and finding none left.
    savepoints = [q for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) >= 7
    assert not ImportJob.objects.exists() and not StagedBatch.objects.exists()
