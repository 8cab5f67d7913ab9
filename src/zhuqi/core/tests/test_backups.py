"""`zhuqi backup` and `zhuqi restore`, as an operator runs them: a backup taken while another
process keeps writing restores into a new place with every row the manifest counted and every
file; a database holding data is not overwritten without --force; a damaged backup is refused
before anything is touched. On whichever engine the suite runs (SQLite, PostgreSQL): each test
works on databases of its own (backup_places.py), never on the test's."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from zhuqi.core import audit, backups
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.core.tests import backup_places
from zhuqi.core.tests.backup_places import Place, source_fixture, template_fixture  # noqa: F401 (fixtures)
from zhuqi.core.tests.backup_writer import NAME_PREFIX, WRITER
from zhuqi.testing.factories import EnterpriseFactory, make_user

# The places are databases of their own, but the test database must be set up to copy them from.
pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(template: Place, tmp_path: Path) -> Iterator[Place]:
    with backup_places.empty(tmp_path / "fresh") as place:
        yield place


# Uploads as the app stores them (cases/%Y/%m/, visits/…, imports/), Chinese names included.
MEDIA = {
    "cases/2026/12/整改报告.pdf": os.urandom(300_000),
    "cases/2026/12/现场照片.jpg": os.urandom(120_000),
    "visits/2026/11/座谈会纪要.docx": b"PK" + os.urandom(5_000),
    "imports/enterprises-list.csv": "统一社会信用代码,企业名称\n".encode() * 200,
    "policies/2026/empty.txt": b"",
}


def put_media(place: Place) -> None:
    for name, content in MEDIA.items():
        path = place.media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def media_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result


def refused(result: subprocess.CompletedProcess[str], *says: str) -> str:
    """A refusal as the operator sees it: non-zero, one line on stderr saying why, no traceback."""
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for text in says:
        assert text in lines[0], result.stderr
    return lines[0]


class Writer:
    """backup_writer.py in a process of its own, and how far it has committed."""

    def __init__(self, place: Place) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zhuqi.core.tests.backup_writer"],
            env=place.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.committed = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("COMMITTED"):
                self.committed = int(line.split()[1])

    def wait_for(self, rows: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.committed < rows:
            assert self.process.poll() is None, self.process.stderr.read() if self.process.stderr else ""
            assert time.monotonic() < deadline, f"the writer committed {self.committed} rows"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._reader.join(timeout=10)


def written(place: Place) -> tuple[int, int]:
    """The writer's enterprises and their audit entries in a database."""
    enterprises = place.one(f"SELECT count(*) FROM enterprises_enterprise WHERE name LIKE '{NAME_PREFIX}%'")  # noqa: S608
    entries = place.one(f"SELECT count(*) FROM core_auditentry WHERE actor_name = '{WRITER}'")  # noqa: S608
    return enterprises, entries


def test_a_backup_taken_while_another_process_writes_restores_every_row_and_file(
    source: Place, fresh: Place, tmp_path: Path
) -> None:
    put_media(source)
    enterprises_before = source.counts()["enterprises_enterprise"]
    writer = Writer(source)
    try:
        writer.wait_for(5)
        before = writer.committed
        backup = tmp_path / "备份" / "zhuqi-test.zip"
        result = ok(source.zhuqi("backup", str(backup)))
        during = writer.committed
        # The server's writes went on while the backup ran: the writer was not held up.
        writer.wait_for(during + 3)
    finally:
        writer.stop()
    assert during > before, "nothing was written while the backup ran"
    assert "备份完成" in result.stdout and "已校验" in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [path.name for path in backup.parent.iterdir()] == [backup.name]  # no partial file left

    manifest = backups.read_manifest(backup)
    with zipfile.ZipFile(backup) as archive:  # what the README says it holds, and no more
        assert set(archive.namelist()) == {
            backups.MANIFEST,
            manifest.database_member,
            *(f"media/{name}" for name in MEDIA),
        }
    assert manifest.engine == connection.vendor
    assert manifest.data["zhuqi_version"] and manifest.data["created_at"].endswith("+08:00")
    assert ("core", "0003_audit_append_only") in manifest.migrations
    assert {file["name"] for file in manifest.data["media"]} == {f"media/{name}" for name in MEDIA}
    # One snapshot: the writer's rows as they stood at one moment between the start and the end
    # of the backup, each enterprise with its audit entry (both or neither of a transaction).
    copied = manifest.tables["enterprises_enterprise"] - enterprises_before
    assert before <= copied <= during

    restored = ok(fresh.zhuqi("restore", str(backup)))
    assert "恢复完成" in restored.stdout
    assert fresh.counts() == manifest.tables  # every table, every row the manifest counted
    enterprises, entries = written(fresh)
    assert enterprises == entries == copied
    assert media_digests(fresh.media) == {
        name: hashlib.sha256(content).hexdigest() for name, content in MEDIA.items()
    }

    # The restored database is the application's: it takes the next write (and, on PostgreSQL,
    # the audit trail is append-only there too).
    ok(fresh.zhuqi("createuser", "after-restore", "--role", "admin", "--password", "Zq-restore-2026-ok"))
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            fresh.query("DELETE FROM core_auditentry")


def test_restore_refuses_a_database_holding_data_unless_forced(source: Place, tmp_path: Path) -> None:
    put_media(source)
    backup = tmp_path / "before.zip"
    ok(source.zhuqi("backup", str(backup)))
    ok(source.zhuqi("createuser", "made-after", "--role", "admin", "--password", "Zq-after-backup-2026"))
    (source.media / "cases" / "later.txt").write_text("上传于备份之后", encoding="utf-8")
    before = source.counts()

    line = refused(source.zhuqi("restore", str(backup)), "目标数据库不是空的", "--force")
    assert "directory_user" in line and "core_auditentry" in line and "个文件" in line
    assert source.counts() == before
    assert (source.media / "cases" / "later.txt").exists()

    forced = ok(source.zhuqi("restore", str(backup), "--force"))
    manifest = backups.read_manifest(backup)
    assert source.counts() == manifest.tables
    assert source.one("SELECT count(*) FROM directory_user WHERE username = 'made-after'") == 0
    assert media_digests(source.media) == {
        name: hashlib.sha256(content).hexdigest() for name, content in MEDIA.items()
    }
    # What was replaced is kept beside, named in the output.
    kept = [
        Path(line.split("另存在 ")[1].split("（")[0])
        for line in forced.stdout.splitlines()
        if "另存在" in line
    ]
    assert any((path / "cases" / "later.txt").exists() for path in kept)
    if connection.vendor == "sqlite":
        old_database = next(path for path in kept if path.name.startswith("zhuqi.sqlite3.before-restore-"))
        old = sqlite3.connect(old_database)
        try:
            made_after = "SELECT count(*) FROM directory_user WHERE username = 'made-after'"
            assert old.execute(made_after).fetchone()[0] == 1
        finally:
            old.close()


def rewrite(backup: Path, target: Path, change: Any) -> Path:
    """A copy of the backup with `change(name, data) -> data | None` applied to each member."""
    with zipfile.ZipFile(backup) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = change(info.filename, original.read(info.filename))
            if data is not None:
                copy.writestr(info.filename, data)
    return target


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def with_manifest(edit: Any) -> Any:
    def change(name: str, data: bytes) -> bytes:
        if name != backups.MANIFEST:
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def test_a_damaged_backup_is_refused_before_anything_is_touched(
    source: Place, fresh: Place, tmp_path: Path
) -> None:
    put_media(source)
    backup = tmp_path / "good.zip"
    ok(source.zhuqi("backup", str(backup)))
    database_member = backups.read_manifest(backup).database_member
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    not_a_backup = tmp_path / "notes.zip"
    not_a_backup.write_bytes(b"PK\x03\x04 not really")

    def unknown_migration(manifest: dict[str, Any]) -> None:
        manifest["migrations"].append(["cases", "9999_from_the_future"])

    def escaping_name(manifest: dict[str, Any]) -> None:
        manifest["media"][0]["name"] = "media/../../outside.txt"

    damaged = {
        "database": rewrite(
            backup, tmp_path / "d1.zip", lambda n, d: flip_a_byte(d) if n == database_member else d
        ),
        "media": rewrite(
            backup, tmp_path / "d2.zip", lambda n, d: flip_a_byte(d) if n.endswith("整改报告.pdf") else d
        ),
        "missing": rewrite(
            backup, tmp_path / "d3.zip", lambda n, d: None if n.endswith("现场照片.jpg") else d
        ),
        "extra": rewrite(backup, tmp_path / "d4.zip", lambda n, d: d),
        "truncated": truncated,
        "not a backup": not_a_backup,
        "newer version": rewrite(backup, tmp_path / "d5.zip", with_manifest(unknown_migration)),
        "escaping name": rewrite(backup, tmp_path / "d6.zip", with_manifest(escaping_name)),
    }
    with zipfile.ZipFile(damaged["extra"], "a") as archive:
        archive.writestr("media/unlisted.txt", b"x")

    # Through the command line, as the operator sees it: one line saying what is wrong.
    refused(fresh.zhuqi("restore", str(damaged["database"])), "没有恢复", "校验和不符")
    refused(fresh.zhuqi("restore", str(truncated)), "没有恢复", "损坏或被截断")
    # Every damage, into the empty place and, forced, over the database holding data.
    source_counts = source.counts()
    for place, force in ((fresh, False), (source, True)):
        refusals = backup_places.restore_each(place, list(damaged.values()), force=force)
        for what, path in damaged.items():
            assert refusals[str(path)], what
    assert refusals[str(damaged["newer version"])].count("9999_from_the_future") == 1
    assert "不安全" in refusals[str(damaged["escaping name"])]
    if fresh.database_url:
        assert fresh.counts() == {}
    else:
        assert not fresh.sqlite_file.exists()
    assert not fresh.media.exists()
    assert source.counts() == source_counts
    assert media_digests(source.media) == {
        name: hashlib.sha256(content).hexdigest() for name, content in MEDIA.items()
    }
    assert not (source.var_dir.parent / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
    refused(source.zhuqi("restore", str(damaged["database"]), "--check"), "校验和不符")
    assert "备份完好" in ok(source.zhuqi("restore", str(backup), "--check")).stdout


def test_a_backup_never_overwrites_a_file_and_keeps_the_newest(source: Place, tmp_path: Path) -> None:
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"an older backup")
    refused(source.zhuqi("backup", str(existing)), "已存在")
    assert existing.read_bytes() == b"an older backup"

    folder = source.var_dir / "backups"
    folder.mkdir()
    for stamp in ("20261101-020000", "20261102-020000", "20261103-020000"):
        (folder / f"zhuqi-{stamp}.zip").write_bytes(b"old")
    (folder / "keep-me.zip").write_bytes(b"not one of the nightly names")
    result = ok(source.zhuqi("backup", "--keep", "2"))
    names = sorted(path.name for path in folder.iterdir())
    made = next(name for name in names if name not in ("zhuqi-20261103-020000.zip", "keep-me.zip"))
    assert names == sorted([made, "zhuqi-20261103-020000.zip", "keep-me.zip"])
    assert backups.NAME_PATTERN.fullmatch(made) and str(folder / made) in result.stdout
    refused(source.zhuqi("backup", "--keep", "0"), "--keep")


def test_the_default_name_is_beijing_time_and_never_taken(
    settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    settings.VAR_DIR = tmp_path
    moment = datetime.datetime(2026, 12, 7, 18, 30, 5, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    first = backups.default_path()
    assert first == tmp_path / "backups" / "zhuqi-20261208-023005.zip"
    first.parent.mkdir()
    first.write_bytes(b"")
    second = backups.default_path()
    assert second.name == "zhuqi-20261208-023005-2.zip"
    second.write_bytes(b"")
    (first.parent / "zhuqi-20261207-023005.zip").write_bytes(b"")
    assert backups.prune(first.parent, keep=1) == [first.parent / "zhuqi-20261207-023005.zip", first]
    assert list(first.parent.iterdir()) == [second]


@pytest.mark.django_db
def test_a_database_just_set_up_counts_as_empty(settings: Any, tmp_path: Path) -> None:
    # The test database is what `zhuqi migrate` and the reference data leave: SETUP_TABLES must
    # hold every table a migration fills, or a restore onto a new installation is refused.
    settings.MEDIA_ROOT = tmp_path / "media"
    assert backups.what_is_there(connection) == ({}, 0)
    EnterpriseFactory()
    assert backups.what_is_there(connection) == ({"enterprises_enterprise": 1}, 0)
    make_user("someone", Role.ADMIN)
    audit.record(actor=None, instance=make_user("another", Role.ADMIN), action=AuditEntry.Action.CREATE)
    data, _files = backups.what_is_there(connection)
    assert data["directory_user"] == 2 and data["core_auditentry"] > 1


def fake_client(folder: Path, name: str, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n", encoding="utf-8")
    program.chmod(0o755)


def test_pg_dump_missing_or_older_than_the_server_is_refused_clearly(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(backups, "POSTGRESQL_BIN_GLOBS", (str(tmp_path / "lib" / "*" / "bin"),))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(backups.BackupRefused, match=r"找不到 pg_dump.*postgresql-client-16"):
        backups.find_client("pg_dump", 16)
    fake_client(tmp_path / "bin", "pg_dump", "15.20 (Debian 15.20-0+deb12u1)")
    fake_client(tmp_path / "lib" / "14" / "bin", "pg_dump", "14.11")
    with pytest.raises(backups.BackupRefused, match=r"15\.20 版，比数据库服务器的 16 旧"):
        backups.find_client("pg_dump", 16)
    assert backups.find_client("pg_dump", 15).major == 15
    fake_client(tmp_path / "lib" / "17" / "bin", "pg_dump", "17.2")
    newest = backups.find_client("pg_dump", 16)
    assert (newest.major, newest.path) == (17, str(tmp_path / "lib" / "17" / "bin" / "pg_dump"))


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs PostgreSQL's client programs")
def test_a_dump_pg_restore_cannot_read_is_refused(tmp_path: Path) -> None:
    manifest = backups.Manifest({"tables": {"a": 1}, "engine_version": "15.2"})
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.writestr(backups.POSTGRESQL_MEMBER, b"not a dump")
    with pytest.raises(backups.BackupRefused, match="pg_restore"):
        backups._list_dump(archive, manifest)


def test_a_backup_of_another_engine_is_refused(source: Place, tmp_path: Path) -> None:
    backup = tmp_path / "b.zip"
    ok(source.zhuqi("backup", str(backup)))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    member = backups.SQLITE_MEMBER if other == "sqlite" else backups.POSTGRESQL_MEMBER
    original = backups.read_manifest(backup).database_member

    def engine(manifest: dict[str, Any]) -> None:
        manifest["engine"] = other
        manifest["database"]["name"] = member

    moved = rewrite(backup, tmp_path / "other.zip", with_manifest(engine))
    with zipfile.ZipFile(moved) as archive:
        data = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    data[member] = data.pop(original)
    with zipfile.ZipFile(moved, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    before = source.counts()
    refused(source.zhuqi("restore", str(moved), "--force"), "只能恢复到同一种数据库", "migrate-to")
    assert source.counts() == before
