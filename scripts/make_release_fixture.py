"""Build the var directory of zhuqi's first landed release, with its demo data, as the fixture
core/tests/test_upgrades.py upgrades to today's schema.

    .venv/bin/python scripts/make_release_fixture.py [--commit C] [--output PATH]

The first landed release is the foundation (issue 2) as it was closed: commit 0c6e539 ("One
jurisdiction check …", 2026-11-23), the last commit before the cases work (issue 3) began and the
one issue 2's closing note describes (`make run` served it; its CI passed). Its tree is taken with
`git archive` into a temporary directory and run with that tree's `src` first on PYTHONPATH and
this checkout's virtualenv: `zhuqi run --setup-only` as `make run` did then (migrate, GB/T 2260
regions, GB/T 4754 industries, the demo dataset), on SQLite. The old code runs unchanged with
today's locked packages (Django 5.2 then and now).

The result is one .tar.xz holding the var directory as that release left it: `zhuqi.sqlite3`
(vacuumed, rollback journal), `media/` (empty: the foundation stored no uploads — attachments came
with the cases), and `release.json` (the commit, when and with what it was built)."""

from __future__ import annotations

import argparse
import datetime
import io
import json
import lzma
import os
import platform
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE_COMMIT = "0c6e53941875fe01de54ae6b71ec742d78594f2d"
OUTPUT = ROOT / "src" / "zhuqi" / "core" / "tests" / "fixtures" / "release-1.tar.xz"


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} …: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def build(commit: str, work: Path) -> tuple[Path, dict[str, object]]:
    tree = work / "tree"
    var = work / "var"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as files:
        files.extractall(tree, filter="data")
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL", "DJANGO_"))
    }
    environment.update(
        PYTHONPATH=str(tree / "src"),
        ZHUQI_VAR_DIR=str(var),
        ZHUQI_SECRET_KEY="release-fixture",
        DATABASE_URL="",
        DJANGO_SETTINGS_MODULE="zhuqi.settings",
    )
    # The old tree's package, not the checkout's (installed editable in the same virtualenv).
    found = run([sys.executable, "-c", "import zhuqi; print(zhuqi.__file__)"], env=environment, cwd=tree)
    if not found.stdout.strip().startswith(str(tree)):
        sys.exit(f"the release's code was not the one imported: {found.stdout.strip()}")
    setup = run(
        [sys.executable, "-c", "from zhuqi.cli import main; main(['run', '--setup-only'])"],
        env=environment,
        cwd=tree,
    )
    print(setup.stdout.strip())
    database = var / "zhuqi.sqlite3"
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("VACUUM")
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        migrations = connection.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    finally:
        connection.close()
    (var / "media").mkdir(exist_ok=True)
    committed = run(["git", "-C", str(ROOT), "show", "-s", "--format=%H %cI %s", commit]).stdout.strip()
    info: dict[str, object] = {
        "commit": committed,
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "built_with": "zhuqi run --setup-only (migrate, regions, industries, demo)",
        "migrations": [list(row) for row in migrations],
        "tables": counts,
    }
    return var, info


def pack(var: Path, info: dict[str, object], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with (
        lzma.open(output, "wb", preset=9 | lzma.PRESET_EXTREME) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for path in [var / "zhuqi.sqlite3", var / "media", *sorted((var / "media").rglob("*"))]:
            archive.add(path, arcname=path.relative_to(var).as_posix(), recursive=False)
        data = json.dumps(info, ensure_ascii=False, indent=1).encode()
        entry = tarfile.TarInfo("release.json")
        entry.size = len(data)
        archive.addfile(entry, io.BytesIO(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=RELEASE_COMMIT)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhuqi-release-") as work:
        var, info = build(options.commit, Path(work))
        pack(var, info, options.output)
    tables = info["tables"]
    assert isinstance(tables, dict)
    print(
        f"{options.output}: {options.output.stat().st_size / 1024:,.0f} KiB, "
        f"{len(tables)} tables, {sum(tables.values()):,} rows, commit {str(info['commit'])[:12]}"
    )


if __name__ == "__main__":
    main()
