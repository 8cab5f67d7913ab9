"""Backups and restores (`zhuqi backup`, `zhuqi restore`; README "Backups and upgrades").

A backup is one zip file, readable with any unzip tool:

    manifest.json        what the backup holds: zhuqi's version, the migrations applied, the rows
                         of every table, every file with its size and SHA-256, when and from where
    database.sqlite3     SQLite: a copy made with SQLite's online backup API, or
    database.pgdump      PostgreSQL: `pg_dump --format=custom`
    media/…              the uploads and attachments (MEDIA_ROOT), as they are on disk

The copy is consistent while the server runs and writes: SQLite's backup copies one snapshot
(the database is in WAL mode, so writers go on meanwhile); on PostgreSQL the rows are counted in
a REPEATABLE READ transaction whose snapshot pg_dump is given (`--snapshot`), so the manifest's
counts are the dump's. The media are copied after the database: a file a row of the copy names
was written before that row, so it is there (a file added later is only extra).

A backup is checked after writing (the copy opened and counted before it goes into the archive,
then every member read back against its checksum; `pg_restore --list` reads the dump), and is
named only once it is whole: a failed or interrupted backup leaves no file that looks like one.

A restore checks the whole file first, refuses a database that holds data unless told (naming
what is in it), and changes nothing until everything is unpacked and checked: SQLite and the
media are written beside their places and renamed in; PostgreSQL is restored in one transaction
(psql --single-transaction) that also compares every table's rows with the manifest, so a
failure leaves the database as it was.

`table_counts` (every table's rows) is shared with the SQLite → PostgreSQL move."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

FORMAT = "zhuqi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRESQL_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# The name a backup gets when none is given; `--keep` prunes only names of this shape.
NAME_FORMAT = "zhuqi-%Y%m%d-%H%M%S"
NAME_PATTERN = re.compile(r"zhuqi-\d{8}-\d{6}(-\d+)?\.zip")
# Files already compressed gain nothing from deflate but its time.
COMPRESSED_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".zip", ".gz", ".xz", ".bz2", ".7z", ".rar"}
    | {".docx", ".xlsx", ".pptx", ".ofd", ".mp4", ".mp3"}
)
# Where PostgreSQL's client programs are looked for besides PATH (Debian installs each major
# version's under /usr/lib/postgresql/N/bin; /usr/bin holds a wrapper choosing the newest).
POSTGRESQL_BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin")

# Rows a database has from being set up, before anyone used it: `zhuqi migrate` (Django's own
# bookkeeping, the categories and rules the cases migrations seed) and the reference data every
# installation loads from the package (`zhuqi load regions|industries`). A database holding
# rows only in these is empty for a restore; core/tests/test_backups.py checks a freshly set-up
# database passes, so a migration that seeds a new table is added here.
SETUP_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "directory_region",
        "directory_industry",
        "cases_casecategory",
        "cases_deadlinepolicy",
        "cases_replytemplate",
    }
)


class BackupRefused(Exception):
    """A backup or restore that cannot go on, and why, in words the operator can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Say = Callable[[str], None]


def _quiet(_line: str) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# Tables and their rows (shared: the SQLite → PostgreSQL move counts with these too)

Connection = BaseDatabaseWrapper | sqlite3.Connection | Any  # Any: a psycopg connection


def _vendor(connection: Connection) -> str:
    vendor = getattr(connection, "vendor", None)  # Django's connection (or the proxy to it)
    if isinstance(vendor, str):
        return vendor
    if isinstance(connection, sqlite3.Connection):
        return "sqlite"
    return "postgresql"


def _rows(connection: Connection, sql: str) -> list[tuple[Any, ...]]:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_tables(connection: Connection = default_connection) -> list[str]:
    """Every table holding rows in the database, by name: on SQLite the ordinary tables
    (a full-text index's own tables included, its virtual table not: those hold its rows); on
    PostgreSQL the tables of the current schema that no extension owns.

    `connection` is Django's, an sqlite3 connection or a psycopg one."""
    vendor = _vendor(connection)
    if vendor == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    elif vendor == "postgresql":
        sql = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT EXISTS ("
            "SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
            "AND d.deptype = 'e') ORDER BY c.relname"
        )
    else:
        raise BackupRefused(f"不支持的数据库：{vendor}（只支持 SQLite 和 PostgreSQL）")
    return [row[0] for row in _rows(connection, sql)]


def table_counts(
    connection: Connection = default_connection, tables: Iterable[str] | None = None
) -> dict[str, int]:
    """The exact number of rows in each table (`database_tables` unless named), by table name.
    Counted one table at a time inside whatever transaction the caller holds, so one snapshot
    gives counts that agree with each other."""
    names = database_tables(connection) if tables is None else list(tables)
    return {
        name: int(_rows(connection, f"SELECT count(*) FROM {quote(name)}")[0][0])  # noqa: S608 - a table name, quoted
        for name in names
    }


def derived_tables(connection: Connection) -> set[str]:
    """Tables a database keeps for itself from other tables' rows: SQLite's full-text indexes
    (`cases_case_fts_data` …), which hold rows even over an empty table."""
    if _vendor(connection) != "sqlite":
        return set()
    virtual = [
        row[0]
        for row in _rows(
            connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
        )
    ]
    return {name for name in database_tables(connection) if any(name.startswith(f"{v}_") for v in virtual)}


def data_tables(counts: dict[str, int], derived: set[str]) -> dict[str, int]:
    """The tables that hold data someone entered: rows outside what setting up gives every
    database (SETUP_TABLES) and outside derived indexes."""
    return {name: rows for name, rows in counts.items() if rows and name not in SETUP_TABLES | derived}


def applied_migrations(connection: Connection = default_connection) -> list[tuple[str, str]]:
    tables = set(database_tables(connection))
    if "django_migrations" not in tables:
        return []
    return [
        (row[0], row[1]) for row in _rows(connection, "SELECT app, name FROM django_migrations ORDER BY id")
    ]


def describe_rows(tables: dict[str, int], limit: int = 6) -> str:
    """The largest tables and their rows, as a person reads it: "enterprises_enterprise 864 行、…"."""
    largest = sorted(tables.items(), key=lambda item: (-item[1], item[0]))
    shown = "、".join(f"{name} {rows:,} 行" for name, rows in largest[:limit])
    more = f" 等 {len(largest)} 张表" if len(largest) > limit else ""
    return f"{shown}{more}"


# ---------------------------------------------------------------------------------------------
# The archive


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    @property
    def tables(self) -> dict[str, int]:
        return {str(name): int(rows) for name, rows in self.data["tables"].items()}

    @property
    def migrations(self) -> list[tuple[str, str]]:
        return [(str(app), str(name)) for app, name in self.data["migrations"]]

    @property
    def members(self) -> list[dict[str, Any]]:
        """The database and every media file: name, size, sha256."""
        return [self.data["database"], *self.data["media"]]

    @property
    def database_member(self) -> str:
        return str(self.data["database"]["name"])

    def summary(self) -> str:
        rows = sum(self.tables.values())
        files = len(self.data["media"])
        revision = self.data.get("git_revision")
        version = f"zhuqi {self.data.get('zhuqi_version')}" + (f", {str(revision)[:12]}" if revision else "")
        return (
            f"{self.data['created_at']} 从 {self.data.get('host', '?')} 备份（{version}），"
            f"{self.engine}，{len(self.tables)} 张表 {rows:,} 行，{files} 个文件"
        )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    size: int
    seconds: float


def default_path(directory: Path | None = None) -> Path:
    """$ZHUQI_VAR_DIR/backups/zhuqi-YYYYMMDD-HHMMSS.zip, in Beijing time; never an existing name."""
    directory = directory or Path(settings.VAR_DIR) / "backups"
    stem = timezone.localtime(timezone.now()).strftime(NAME_FORMAT)
    path = directory / f"{stem}.zip"
    serial = 2
    while path.exists() or _partial(path).exists():
        path = directory / f"{stem}-{serial}.zip"
        serial += 1
    return path


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _version() -> tuple[str, str | None]:
    try:
        version = metadata.version("zhuqi")
    except metadata.PackageNotFoundError:
        version = "unknown"
    revision = None
    package = Path(__file__).resolve().parent.parent
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(package), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH, if any
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if found.returncode == 0:
            revision = found.stdout.strip() or None
    return version, revision


def _now_text() -> str:
    return timezone.localtime(timezone.now()).isoformat(timespec="seconds")


def _check_free_space(directory: Path, needed: int) -> None:
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise BackupRefused(
            f"{directory} 所在磁盘剩余 {free / 2**20:,.0f} MiB，约需 {needed / 2**20:,.0f} MiB："
            "请换一个位置或腾出空间"
        )


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under MEDIA_ROOT as (archive name, path), in a stable order."""
    if not root.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for file_name in sorted(files):
            path = Path(directory) / file_name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            try:
                relative.encode("utf-8")
            except UnicodeEncodeError:
                raise BackupRefused(f"文件名不是有效的 UTF-8，无法备份：{path!r}（请改名后再备份）") from None
            found.append((MEDIA_PREFIX + relative, path))
    return found


def _add_file(
    archive: zipfile.ZipFile, source: Path | IO[bytes], name: str, compress: bool
) -> dict[str, Any]:
    """Copy a file into the archive, hashing the bytes as they are written (a file changing
    meanwhile is recorded as it was stored)."""
    if isinstance(source, Path):
        info = zipfile.ZipInfo.from_file(source, name)
        size_hint = source.stat().st_size
    else:
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        size_hint = 1 << 40
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    digest = hashlib.sha256()
    size = 0
    with contextlib.ExitStack() as stack:
        reader = stack.enter_context(source.open("rb")) if isinstance(source, Path) else source
        writer = stack.enter_context(archive.open(info, "w", force_zip64=size_hint > 2**30))
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _copy_media(archive: zipfile.ZipFile, say: Say) -> list[dict[str, Any]]:
    files = _media_files(Path(settings.MEDIA_ROOT))
    say(f"复制上传文件和附件：{len(files)} 个")
    copied = []
    for name, path in files:
        try:
            copied.append(
                _add_file(archive, path, name, compress=path.suffix.lower() not in COMPRESSED_SUFFIXES)
            )
        except FileNotFoundError:
            # Deleted since the walk (an import's upload swept after a day): it was not in the
            # database's copy either, or its row went with it.
            continue
    return copied


def _fsync(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def take_backup(
    path: Path | None = None,
    *,
    connection: BaseDatabaseWrapper = default_connection,
    say: Say = _quiet,
) -> BackupResult:
    """Write a backup of the database and the media to `path` (default_path() if None; an
    existing directory gets a default-named file inside) and check it. Refuses an existing file."""
    started = time.monotonic()
    if path is None:
        path = default_path()
    elif path.is_dir():
        path = default_path(path)
    if path.exists():
        raise BackupRefused(f"{path} 已存在：备份不会覆盖已有文件，请换一个文件名")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = _partial(path)
    version, revision = _version()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": _now_text(),
        "zhuqi_version": version,
        "git_revision": revision,
        "host": socket.gethostname(),
        "engine": connection.vendor,
    }
    try:
        # The archive holds every person's data (password hashes included): only its owner reads it.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            if connection.vendor == "sqlite":
                _backup_sqlite(archive, path.parent, manifest, connection, say)
            elif connection.vendor == "postgresql":
                _backup_postgresql(archive, path.parent, manifest, connection, say)
            else:
                raise BackupRefused(f"不支持的数据库：{connection.vendor}（只支持 SQLite 和 PostgreSQL）")
            manifest["media"] = _copy_media(archive, say)
            manifest["seconds"] = round(time.monotonic() - started, 1)
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        say("校验备份文件 …")
        checked = read_manifest(partial)
        verify_members(partial, checked)
        if checked.engine == "postgresql":
            _list_dump(partial, checked)
        _fsync(partial)
        if path.exists():
            raise BackupRefused(f"{path} 已存在：备份不会覆盖已有文件，请换一个文件名")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, checked, path.stat().st_size, time.monotonic() - started)


def _backup_sqlite(
    archive: zipfile.ZipFile, work: Path, manifest: dict[str, Any], connection: BaseDatabaseWrapper, say: Say
) -> None:
    source_path = Path(str(connection.settings_dict["NAME"]))
    if str(source_path) == ":memory:" or "mode=memory" in str(source_path):
        raise BackupRefused("内存中的数据库无法备份")
    if not source_path.is_file():
        raise BackupRefused(f"数据库文件不存在：{source_path}（还没有运行过 zhuqi run 或 zhuqi migrate？）")
    media_bytes = sum(path.stat().st_size for _, path in _media_files(Path(settings.MEDIA_ROOT)))
    _check_free_space(work, 2 * source_path.stat().st_size + media_bytes)
    manifest["source"] = str(source_path)
    manifest["engine_version"] = sqlite3.sqlite_version
    descriptor, name = tempfile.mkstemp(prefix=".zhuqi-backup-", suffix=".sqlite3", dir=work)
    os.close(descriptor)
    copy = Path(name)
    try:
        say(f"复制数据库 {source_path}（SQLite 在线备份，服务可照常写入）…")
        source = sqlite3.connect(source_path, timeout=60)
        target = sqlite3.connect(copy)
        try:
            # All pages in one step: one read transaction, so the copy is one moment's database
            # (copied in steps, every write by another process would restart it).
            source.backup(target)
            # The copy stands alone (no -wal file beside it); a restore turns WAL on again.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
        say("检查副本（PRAGMA integrity_check）并统计每张表的行数 …")
        checked = sqlite3.connect(copy)
        try:
            _integrity_check(checked, "数据库副本")
            manifest["tables"] = table_counts(checked)
            manifest["migrations"] = applied_migrations(checked)
        finally:
            checked.close()
        manifest["database"] = _add_file(archive, copy, SQLITE_MEMBER, compress=True)
    finally:
        copy.unlink(missing_ok=True)


def _integrity_check(database: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in database.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise BackupRefused(f"{what}未通过完整性检查：{'; '.join(problems[:5])}")


def verify_members(path: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is in the archive with its size and SHA-256, and the
    archive holds nothing else."""
    with zipfile.ZipFile(path) as archive:
        present = {info.filename for info in archive.infolist() if not info.is_dir()}
        listed = {str(member["name"]) for member in manifest.members}
        extra = present - listed - {MANIFEST}
        if extra:
            raise BackupRefused(f"备份中有清单未列出的文件：{', '.join(sorted(extra)[:5])}")
        for member in manifest.members:
            name = str(member["name"])
            if name not in present:
                raise BackupRefused(f"备份不完整：缺少 {name}")
            digest = hashlib.sha256()
            size = 0
            try:
                with archive.open(name) as reader:
                    while chunk := reader.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise BackupRefused(f"备份已损坏：{name} 读不出来（{error}）") from None
            if size != member["size"] or digest.hexdigest() != member["sha256"]:
                raise BackupRefused(f"备份已损坏：{name} 与清单记录的校验和不符")


def _safe_member_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        not name.startswith(MEDIA_PREFIX)
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
        or "\\" in name
        or "\x00" in name
    ):
        raise BackupRefused(f"备份中的文件名不安全，拒绝恢复：{name!r}")
    return path


def read_manifest(path: Path) -> Manifest:
    """The backup's manifest, checked for shape (not yet the members: verify_members)."""
    if not path.is_file():
        raise BackupRefused(f"{path}：文件不存在")
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BackupRefused(f"{path} 不是完整的 zhuqi 备份（zip 文件损坏或被截断）") from None
    except KeyError:
        raise BackupRefused(f"{path} 不是 zhuqi 备份：没有 {MANIFEST}") from None
    except ValueError:
        raise BackupRefused(f"{path}：{MANIFEST} 已损坏") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupRefused(f"{path} 不是 zhuqi 备份")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"{path} 的格式版本是 {data.get('format_version')}，本程序读的是 {FORMAT_VERSION}："
            "请用相应版本的 zhuqi 恢复"
        )
    try:
        manifest = Manifest(data)
        expected = SQLITE_MEMBER if manifest.engine == "sqlite" else POSTGRESQL_MEMBER
        if manifest.engine not in ("sqlite", "postgresql") or manifest.database_member != expected:
            raise BackupRefused(f"{path}：{MANIFEST} 中的数据库类型不对")
        manifest.tables  # noqa: B018 - checks the shape
        manifest.migrations  # noqa: B018
        for member in data["media"]:
            _safe_member_name(str(member["name"]))
            int(member["size"])
            str(member["sha256"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BackupRefused(f"{path}：{MANIFEST} 内容不完整") from None
    return manifest


def prune(directory: Path, keep: int, say: Say = _quiet) -> list[Path]:
    """Delete all but the `keep` newest default-named backups in `directory`."""

    def taken(path: Path) -> tuple[str, int]:  # zhuqi-YYYYMMDD-HHMMSS, then -2, -3 … in that second
        return path.stem[:21], int(path.stem[22:] or 1)

    backups = sorted((path for path in directory.iterdir() if NAME_PATTERN.fullmatch(path.name)), key=taken)
    removed = backups[: max(0, len(backups) - keep)]
    for path in removed:
        path.unlink()
        say(f"删除旧备份 {path}")
    return removed


# ---------------------------------------------------------------------------------------------
# PostgreSQL's client programs


@dataclass(frozen=True)
class ClientProgram:
    path: str
    major: int
    version: str


def _program_version(path: str) -> tuple[int, str] | None:
    try:
        found = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603 - a PostgreSQL client found on disk
    except (OSError, subprocess.SubprocessError):
        return None
    matched = re.search(r"(\d+)(?:\.(\d+))?", found.stdout)
    if found.returncode != 0 or not matched:
        return None
    return int(matched.group(1)), matched.group(0)


def find_client(program: str, server_major: int) -> ClientProgram:
    """The newest `program` (pg_dump, pg_restore, psql) on PATH or in PostgreSQL's usual
    directories; refused when there is none, or when the newest is older than the server (an
    older pg_dump refuses a newer server, or worse, misses what it does not know)."""
    import glob

    candidates = []
    on_path = shutil.which(program)
    if on_path:
        candidates.append(on_path)
    for pattern in POSTGRESQL_BIN_GLOBS:
        candidates.extend(str(Path(directory) / program) for directory in sorted(glob.glob(pattern)))
    versions = [
        ClientProgram(candidate, *found)
        for candidate in dict.fromkeys(candidates)
        if os.access(candidate, os.X_OK) and (found := _program_version(candidate))
    ]
    if not versions:
        raise BackupRefused(
            f"找不到 {program}：请安装 PostgreSQL 客户端程序，版本不低于数据库服务器的 {server_major}"
            f"（Debian：apt-get install postgresql-client-{server_major}）"
        )
    newest = max(versions, key=lambda client: client.major)
    if newest.major < server_major:
        raise BackupRefused(
            f"{newest.path} 是 {newest.version} 版，比数据库服务器的 {server_major} 旧：请安装 "
            f"postgresql-client-{server_major} 或更新的版本"
        )
    return newest


def _server_major(connection: Connection) -> int:
    return int(_rows(connection, "SHOW server_version_num")[0][0]) // 10000


# libpq reads these from the environment: the password never appears on a command line.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslpassword": "PGSSLPASSWORD",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def postgresql_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The environment pg_dump, pg_restore and psql need to reach the database Django uses."""
    settings_dict = connection.settings_dict
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            environment[key] = str(value)
    for option, variable in _LIBPQ_OPTIONS.items():
        value = settings_dict.get("OPTIONS", {}).get(option)
        if value:
            environment[variable] = str(value)
    environment["PGAPPNAME"] = "zhuqi-backup"
    return environment


def _database_label(connection: BaseDatabaseWrapper) -> str:
    settings_dict = connection.settings_dict
    host = settings_dict.get("HOST") or "localhost"
    return f"{settings_dict.get('NAME')}@{host}:{settings_dict.get('PORT') or 5432}"


def _raw_postgresql(connection: BaseDatabaseWrapper) -> Any:
    """A connection of its own (not Django's), for the snapshot transaction."""
    import psycopg

    raw = psycopg.connect(**connection.get_connection_params())
    raw.autocommit = True
    return raw


def _backup_postgresql(
    archive: zipfile.ZipFile, work: Path, manifest: dict[str, Any], connection: BaseDatabaseWrapper, say: Say
) -> None:
    server_major = _server_major(connection)
    pg_dump = find_client("pg_dump", server_major)
    find_client("pg_restore", server_major)  # the check after writing needs it
    manifest["source"] = _database_label(connection)
    manifest["engine_version"] = str(_rows(connection, "SHOW server_version")[0][0]).split()[0]
    manifest["pg_dump_version"] = pg_dump.version
    manifest["schema"] = str(_rows(connection, "SELECT current_schema()")[0][0])
    size = int(_rows(connection, "SELECT pg_database_size(current_database())")[0][0])
    media_bytes = sum(path.stat().st_size for _, path in _media_files(Path(settings.MEDIA_ROOT)))
    # A custom-format dump is compressed: a third of the database's size on disk is generous.
    _check_free_space(work, size // 3 * 2 + media_bytes)
    descriptor, name = tempfile.mkstemp(prefix=".zhuqi-backup-", suffix=".pgdump", dir=work)
    os.close(descriptor)
    dump = Path(name)
    raw = _raw_postgresql(connection)
    try:
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        say(f"统计每张表的行数（快照 {snapshot}）…")
        manifest["tables"] = table_counts(raw)
        manifest["migrations"] = applied_migrations(raw)
        say(f"导出数据库 {manifest['source']}（{pg_dump.path} --format=custom，同一快照）…")
        dumped = subprocess.run(  # noqa: S603 - pg_dump found by find_client, arguments ours
            [pg_dump.path, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", "--no-password"],
            env=postgresql_environment(connection),
            capture_output=True,
            text=True,
            check=False,
        )
        if dumped.returncode != 0:
            raise BackupRefused(f"pg_dump 失败：{_first_error(dumped.stderr)}")
        raw.execute("COMMIT")
        manifest["database"] = _add_file(archive, dump, POSTGRESQL_MEMBER, compress=False)
    finally:
        raw.close()
        dump.unlink(missing_ok=True)


def _first_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "错误" in line]
    return (errors or lines or ["（没有输出）"])[0]


def _list_dump(path: Path, manifest: Manifest) -> None:
    """pg_restore reads the archived dump back: `--list` must name every table the manifest
    counted, and a restore into nothing (`--file=/dev/null`) must read every block of it."""
    pg_restore = find_client("pg_restore", _dump_major(manifest))
    listing = _pipe_member(path, POSTGRESQL_MEMBER, [pg_restore.path, "--list"])
    if listing.returncode != 0:
        raise BackupRefused(f"pg_restore --list 读不出导出的数据库：{_first_error(listing.stderr)}")
    listed = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing.stdout))
    missing = [name for name in manifest.tables if name not in listed]
    if missing:
        raise BackupRefused(f"导出的数据库缺少表：{', '.join(missing[:5])}")
    read = _pipe_member(path, POSTGRESQL_MEMBER, [pg_restore.path, f"--file={os.devnull}"])
    if read.returncode != 0:
        raise BackupRefused(f"pg_restore 读不完导出的数据库：{_first_error(read.stderr)}")


def _pipe_member(path: Path, member: str, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command` with an archive member on its standard input (never unpacked to disk);
    its output goes to files, so neither side waits on the other's full pipe."""
    with (
        tempfile.TemporaryFile() as output,
        tempfile.TemporaryFile() as errors,
        zipfile.ZipFile(path) as archive,
        archive.open(member) as reader,
    ):
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=output, stderr=errors)  # noqa: S603 - a client found by find_client
        assert process.stdin is not None
        try:
            while chunk := reader.read(CHUNK):
                process.stdin.write(chunk)
        except BrokenPipeError:
            pass  # it read what it needed (--list stops after the table of contents)
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        process.wait()
        output.seek(0)
        errors.seek(0)
        return subprocess.CompletedProcess(
            command,
            process.returncode,
            output.read().decode(errors="replace"),
            errors.read().decode(errors="replace"),
        )


def _dump_major(manifest: Manifest) -> int:
    return int(str(manifest.data.get("engine_version", "0")).split(".")[0])


# ---------------------------------------------------------------------------------------------
# Restore


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    set_aside: list[Path]
    seconds: float


def check_backup(path: Path, say: Say = _quiet) -> Manifest:
    """The backup's manifest, after checking every member against it: nothing is touched."""
    manifest = read_manifest(path)
    say(f"备份：{manifest.summary()}")
    say("校验备份中的每个文件 …")
    verify_members(path, manifest)
    return manifest


def _unknown_migrations(manifest: Manifest) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in known]


def what_is_there(connection: BaseDatabaseWrapper = default_connection) -> tuple[dict[str, int], int]:
    """The tables of the target database that hold someone's data, and the files in MEDIA_ROOT."""
    data = data_tables(table_counts(connection), derived_tables(connection))
    if "core_auditentry" in data and not _audit_beyond_reference_data(connection):
        del data["core_auditentry"]
    return data, len(_media_files(Path(settings.MEDIA_ROOT)))


def _audit_beyond_reference_data(connection: BaseDatabaseWrapper) -> int:
    """Audit entries about anything but the regions and industries `zhuqi load` enters (a new
    installation's trail records those, and is empty for a restore)."""
    rows = _rows(
        connection,
        "SELECT count(*) FROM core_auditentry a JOIN django_content_type t ON t.id = a.content_type_id "
        "WHERE NOT (t.app_label = 'directory' AND t.model IN ('region', 'industry'))",
    )
    return int(rows[0][0])


def restore_backup(
    path: Path,
    *,
    force: bool = False,
    connection: BaseDatabaseWrapper = default_connection,
    say: Say = _quiet,
) -> RestoreResult:
    """Put the backup at `path` in place of the database and the media Django is set up with."""
    started = time.monotonic()
    manifest = check_backup(path, say)
    if manifest.engine != connection.vendor:
        raise BackupRefused(
            f"这是 {manifest.engine} 的备份，当前配置的数据库是 {connection.vendor}：只能恢复到同一种数据库"
            "（从 SQLite 迁到 PostgreSQL：先恢复到 SQLite，再用 zhuqi migrate-to）"
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupRefused(
            f"备份来自更新版本的 zhuqi（本程序不认识迁移 {', '.join(unknown[:3])}）：请先安装那个版本再恢复"
        )
    data, files = what_is_there(connection)
    if (data or files) and not force:
        held = [describe_rows(data)] if data else []
        if files:
            held.append(f"{settings.MEDIA_ROOT} 中 {files} 个文件")
        kept = (
            "原数据库和上传文件会另存在旁边"
            if connection.vendor == "sqlite"
            else "数据库中原有的数据会被删除（上传文件另存在旁边）：需要保留就先 zhuqi backup"
        )
        raise BackupRefused(
            f"目标数据库不是空的：{'；'.join(held)}。恢复会替换这些数据：确认无误后加 --force（{kept}）"
        )
    if connection.vendor == "sqlite":
        aside = _restore_sqlite(path, manifest, connection, keep_old=bool(data or files), say=say)
    else:
        aside = _restore_postgresql(path, manifest, connection, keep_old=bool(files), say=say)
    connection.close()
    restored = table_counts(connection)
    mismatched = {name: rows for name, rows in manifest.tables.items() if restored.get(name) != rows}
    if mismatched:
        raise BackupRefused(f"恢复后的行数与备份不符：{describe_rows(mismatched)}")
    return RestoreResult(manifest, aside, time.monotonic() - started)


def _extract(archive: zipfile.ZipFile, member: dict[str, Any], target: Path) -> None:
    """Write one member to `target`, checking its SHA-256 on the way (the archive may have been
    changed since it was checked), with the time it had when it was backed up."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(str(member["name"])) as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
    if digest.hexdigest() != member["sha256"]:
        raise BackupRefused(f"备份已损坏：{member['name']} 与清单记录的校验和不符")
    with contextlib.suppress(ValueError, OverflowError, OSError):
        stamp = time.mktime((*archive.getinfo(str(member["name"])).date_time, 0, 0, -1))
        os.utime(target, (stamp, stamp))


def _stamp() -> str:
    return timezone.localtime(timezone.now()).strftime("%Y%m%d-%H%M%S")


@contextlib.contextmanager
def _media_staged(path: Path, manifest: Manifest, say: Say) -> Iterator[Path]:
    """The backup's media unpacked beside MEDIA_ROOT (so the swap is a rename), removed again
    unless it was moved into place."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-", dir=media_root.parent))
    # mkdtemp makes it private; the folder it replaces may be read by a web server too.
    staged.chmod(media_root.stat().st_mode & 0o7777 if media_root.exists() else 0o755)
    try:
        say(f"解出上传文件和附件：{len(manifest.data['media'])} 个")
        with zipfile.ZipFile(path) as archive:
            for member in manifest.data["media"]:
                relative = _safe_member_name(str(member["name"])).relative_to(MEDIA_PREFIX.rstrip("/"))
                _extract(archive, member, staged.joinpath(*relative.parts))
        yield staged
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _swap_media(staged: Path, keep_old: bool, stamp: str) -> Path | None:
    media_root = Path(settings.MEDIA_ROOT)
    aside = None
    if media_root.exists():
        if keep_old and any(media_root.iterdir()):
            aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            media_root.rename(aside)
        else:
            shutil.rmtree(media_root)
    staged.rename(media_root)
    return aside


def _restore_sqlite(
    path: Path, manifest: Manifest, connection: BaseDatabaseWrapper, *, keep_old: bool, say: Say
) -> list[Path]:
    target = Path(str(connection.settings_dict["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    member = manifest.data["database"]
    _check_free_space(
        target.parent, int(member["size"]) + sum(int(m["size"]) for m in manifest.data["media"])
    )
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.restoring-", dir=target.parent)
    os.close(descriptor)
    staged = Path(name)
    staged.unlink()
    stamp = _stamp()
    try:
        say(f"解出数据库到 {staged} 并检查 …")
        with zipfile.ZipFile(path) as archive:
            _extract(archive, member, staged)
        database = sqlite3.connect(staged)
        try:
            _integrity_check(database, "备份中的数据库")
            counts = table_counts(database)
            if counts != manifest.tables:
                raise BackupRefused("备份中的数据库行数与清单不符")
            database.execute("PRAGMA journal_mode=WAL")
        finally:
            database.close()
        with _media_staged(path, manifest, say) as media:
            # Everything is unpacked and checked: from here on, two renames.
            connection.close()
            aside: list[Path] = []
            old = target.with_name(f"{target.name}.before-restore-{stamp}")
            if target.exists():
                _set_aside_sqlite(target, old if keep_old else None)
                if keep_old:
                    aside.append(old)
            staged.replace(target)
            try:
                media_aside = _swap_media(media, keep_old, stamp)
            except OSError:
                # The media could not be put in place: put the old database back, as it was.
                target.unlink()
                if keep_old and old.exists():
                    old.replace(target)
                raise
            if media_aside:
                aside.append(media_aside)
        say(f"数据库已恢复到 {target}")
        return aside
    finally:
        staged.unlink(missing_ok=True)


def _set_aside_sqlite(target: Path, aside: Path | None) -> None:
    """Move the old database out of the way, whole: its WAL written into it first, so no -wal
    file of the old database is left for the new one to be read with."""
    old = sqlite3.connect(target, timeout=60)
    try:
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        old.execute("PRAGMA journal_mode=DELETE")
    finally:
        old.close()
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    if aside is None:
        target.unlink()
    else:
        target.replace(aside)


# Before the dump's SQL, in the same transaction: whatever the target database holds in its schema
# goes (a database set up by `zhuqi migrate`, or the one --force replaces); extensions stay.
_CLEAR_SCHEMA = """
SET lock_timeout = '30s';
DO $zhuqi$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass::text AS name, c.relkind FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS name FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                      AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.name);
  END LOOP;
END
$zhuqi$;
"""

# After the dump's SQL, still in the transaction: any table whose rows differ from the manifest
# raises, and the whole restore is rolled back.
_CHECK_COUNTS = """
DO $zhuqi$
DECLARE expected jsonb := $counts${counts}$counts$::jsonb; name text; found bigint;
BEGIN
  FOR name IN SELECT jsonb_object_keys(expected) LOOP
    EXECUTE format('SELECT count(*) FROM %I.%I', $schema${schema}$schema$, name) INTO found;
    IF found <> (expected ->> name)::bigint THEN
      RAISE EXCEPTION 'zhuqi: table % has % rows, the backup % ', name, found, expected ->> name;
    END IF;
  END LOOP;
END
$zhuqi$;
"""


def _restore_postgresql(
    path: Path, manifest: Manifest, connection: BaseDatabaseWrapper, *, keep_old: bool, say: Say
) -> list[Path]:
    server_major = _server_major(connection)
    pg_restore = find_client("pg_restore", max(server_major, _dump_major(manifest)))
    psql = find_client("psql", server_major)
    environment = postgresql_environment(connection)
    with tempfile.TemporaryDirectory(prefix=".zhuqi-restore-", dir=Path(settings.VAR_DIR)) as work:
        dump = Path(work) / POSTGRESQL_MEMBER
        say("解出导出的数据库 …")
        with zipfile.ZipFile(path) as archive:
            _extract(archive, manifest.data["database"], dump)
        with _media_staged(path, manifest, say) as media:
            say(f"恢复到 {_database_label(connection)}（一个事务：失败则数据库保持原样）…")
            connection.close()
            check = _CHECK_COUNTS.replace("{counts}", json.dumps(manifest.tables)).replace(
                "{schema}", str(manifest.data.get("schema", "public"))
            )
            script_errors = (Path(work) / "pg_restore.err").open("w+b")
            script = subprocess.Popen(  # noqa: S603 - pg_restore found by find_client
                [pg_restore.path, "--no-owner", "--no-acl", "--no-comments", "--file=-", str(dump)],
                stdout=subprocess.PIPE,
                stderr=script_errors,
                env=environment,
            )
            assert script.stdout is not None
            applied = subprocess.run(  # noqa: S603 - psql found by find_client
                [
                    psql.path,
                    "--no-psqlrc",
                    "--quiet",
                    "--no-password",
                    "--single-transaction",
                    "--set=ON_ERROR_STOP=1",
                    f"--command={_CLEAR_SCHEMA}",
                    "--file=-",
                    f"--command={check}",
                ],
                stdin=script.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=environment,
                text=True,
                check=False,
            )
            script.stdout.close()
            script.wait()
            script_errors.seek(0)
            errors = script_errors.read().decode(errors="replace")
            script_errors.close()
            # psql's error first: when it stops, pg_restore dies on the closed pipe.
            if applied.returncode != 0:
                if "lock timeout" in applied.stderr:
                    # The schema is cleared under a lock timeout: a server still running holds
                    # its tables, and the restore would otherwise wait behind it, as would the server.
                    raise BackupRefused(
                        "数据库正被使用（服务或后台进程还在运行？）：请先停止它们再恢复，数据库未改动"
                    )
                raise BackupRefused(f"恢复失败，数据库未改动：{_first_error(applied.stderr)}")
            if script.returncode != 0:
                raise BackupRefused(f"pg_restore 读不出导出的数据库，数据库未改动：{_first_error(errors)}")
            aside = _swap_media(media, keep_old=keep_old, stamp=_stamp())
    return [aside] if aside else []
