"""`zhuqi ingest PATH…`: a folder of reports read into drafts, a repost merged, bad files named
with their reasons while the rest go through."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhuqi.ingest.models import Report, ReportStatus
from zhuqi.ingest.tests.scene import Scene, rewrapped_000, sample, scene

__all__ = ["scene"]


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_a_folder_with_a_repost_and_bad_files(scene: Scene, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "gov").mkdir(parents=True)
    (folder / "000.txt").write_bytes(sample("000"))
    (folder / "gov" / "000-gov.txt").write_text(rewrapped_000(), encoding="utf-8")
    (folder / "001.txt").write_bytes(sample("001"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not read: not a report's suffix")
    (folder / ".hidden.txt").write_bytes(sample("002"))
    out, err, failed = run(
        str(folder), str(tmp_path / "nowhere"), "--as", "coordinator", "--region", "150581"
    )
    assert failed is not None and "3 个文件未能导入" in str(failed)
    assert out.splitlines()[0] == "新建草稿 2 篇，合并重复报道 1 篇，失败 3 个", out
    assert f"失败：{folder / 'empty.txt'}：文件是空的" in out
    assert f"失败：{folder / 'photo.html'}：" in out and "nowhere：文件或文件夹不存在" in out
    assert "篇" in err or "已处理" in err  # the progress bar went to stderr
    first = Report.objects.get(source="000.txt")
    repost = Report.objects.get(source="000-gov.txt")
    assert (repost.status, repost.duplicate_of_id) == (ReportStatus.DUPLICATE, first.pk)
    assert Report.objects.filter(status=ReportStatus.DRAFT).count() == 2
    assert not Report.objects.filter(source__in=[".hidden.txt", "notes.pdf"]).exists()
    assert {r.created_by_id for r in Report.objects.all()} == {scene.cast.coordinator.pk}


def test_an_account_that_may_not_ingest_stops_at_once(scene: Scene, tmp_path: Path) -> None:
    (tmp_path / "000.txt").write_bytes(sample("000"))
    with pytest.raises(CommandError, match="营商办"):
        call_command("ingest", str(tmp_path), "--as", "leader", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="不存在"):
        call_command("ingest", str(tmp_path), "--as", "nobody", stdout=StringIO(), stderr=StringIO())
    assert not Report.objects.exists()


def test_the_system_user_with_a_region_and_no_progress_bar(scene: Scene, tmp_path: Path) -> None:
    (tmp_path / "000.txt").write_bytes(sample("000"))
    out, err, failed = run(str(tmp_path / "000.txt"), "--region", "150581", "--no-progress")
    assert failed is None and out.startswith("新建草稿 1 篇，合并重复报道 0 篇，失败 0 个") and err == ""
    report = Report.objects.get()
    assert report.created_by is None and report.region_id == "150581"


def test_a_counter_line_stands_in_for_the_progress_bar(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhuqi.ingest.management.commands import ingest

    monkeypatch.setattr(ingest, "tqdm", None)
    (tmp_path / "000.txt").write_bytes(sample("000"))
    (tmp_path / "001.txt").write_bytes(sample("001"))
    out, err, failed = run(str(tmp_path), "--as", "coordinator")
    assert failed is None and err.endswith("\r已处理 2/2 个文件\n"), err
    assert out.startswith("新建草稿 2 篇")
