"""Every `zhuqi` command given bad input (a missing file, a file of the wrong kind, a damaged file,
arguments that make no sense) says so in one Chinese line on stderr and exits non-zero, as a person
at the terminal sees it: through cli.main, the way the console script runs them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from zhuqi import cli

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # A command run from the command line closes the database connections when it ends; in a
    # test that would close the test's own transaction (on PostgreSQL) under the next command.
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        cli.main(list(argv))
        raise AssertionError(f"zhuqi {' '.join(argv)} did not fail")
    code = exit_.value.code
    captured = capsys.readouterr()
    # SystemExit("text") prints the text and exits 1, as the interpreter would.
    if isinstance(code, str):
        return 1, code
    return int(code or 0), captured.err


def assert_one_line(result: tuple[int, str], *says: str) -> None:
    code, err = result
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and re.search(r"[\u4e00-\u9fff]", lines[0]), err
    for text in says:
        assert text in lines[0], err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    not_really = tmp_path / "not_really.xlsx"
    not_really.write_text("这不是 Excel 文件", encoding="utf-8")
    damaged = tmp_path / "damaged.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    damaged.write_bytes(buffer.getvalue())
    binary = tmp_path / "binary.csv"
    binary.write_bytes("Café;Müller;Größe\n".encode("latin-1") * 20)
    old_excel = tmp_path / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    return {
        "not_really": not_really,
        "damaged": damaged,
        "binary": binary,
        "old_excel": old_excel,
        "empty": empty,
        "missing": tmp_path / "missing.csv",
        "folder": tmp_path,
    }


def test_the_calendar_import_with_bad_files_and_arguments(capsys, files) -> None:
    def calendar(*argv: str) -> tuple[int, str]:
        return run(capsys, "import", "calendar", *argv)

    # The case: 35 lines of traceback before.
    assert_one_line(calendar("2027", str(files["not_really"])), "无法读取 Excel 文件", "not_really.xlsx")
    assert_one_line(calendar("2027", str(files["damaged"])), "无法读取 Excel 文件")
    assert_one_line(calendar("2027", str(files["missing"])), "文件不存在")
    assert_one_line(calendar("2027", str(files["folder"])), "文件夹")
    assert_one_line(calendar("2027", str(files["old_excel"])), "不支持", ".xls")
    assert_one_line(calendar("2027", str(files["binary"])), "编码", "UTF-8")
    assert_one_line(calendar("二〇二七", str(files["not_really"])), "参数 year 应为整数", "--help")
    assert_one_line(calendar("2027"), "缺少参数：file", "zhuqi import calendar --help")
    assert_one_line(calendar("2027", "a.csv", "--bogus"), "不认识的参数：--bogus")


@pytest.mark.parametrize("what", ["enterprises", "projects"])
def test_the_list_imports_with_bad_files_and_arguments(capsys, files, what: str) -> None:
    def table(*argv: str) -> tuple[int, str]:
        return run(capsys, "import", what, *argv)

    assert_one_line(table(str(files["not_really"])), "无法读取 Excel 文件")
    assert_one_line(table(str(files["damaged"])), "无法读取 Excel 文件")
    assert_one_line(table(str(files["missing"])), "文件不存在")
    assert_one_line(table(str(files["folder"])), "文件夹")
    assert_one_line(table(str(files["old_excel"])), "不支持的文件类型", ".xls")
    assert_one_line(table(str(files["binary"])), "编码", "Big5")
    assert_one_line(table(str(files["empty"])), "文件是空的")
    assert_one_line(table(str(files["not_really"]), "--as", "nobody"), "nobody 不存在")
    assert_one_line(table(), "缺少参数：file", f"zhuqi import {what} --help")
    assert_one_line(table("a.csv", "--s"), "参数 --s 不明确", "--skip-invalid")
    assert_one_line(table("a.csv", "--bogus"), "不认识的参数：--bogus")


def test_the_other_commands_with_bad_arguments(capsys, monkeypatch) -> None:
    assert_one_line(run(capsys, "import"), "用法")
    assert_one_line(run(capsys, "import", "cats", "a.csv"), "用法")
    assert_one_line(run(capsys, "load"), "缺少参数：what")
    assert_one_line(run(capsys, "load", "cats"), "参数 what 不能是 'cats'", "regions")
    assert_one_line(run(capsys, "load", "demo", "extra"), "不认识的参数：extra", "zhuqi load demo --help")
    assert_one_line(run(capsys, "createuser"), "缺少参数", "--role")
    assert_one_line(run(capsys, "createuser", "u", "--role", "king"), "参数 --role 不能是 'king'")
    assert_one_line(run(capsys, "createuser", "u", "--role", "handler", "--department", "abc"), "应为整数")
    assert_one_line(
        run(capsys, "createuser", "u", "--role", "leader", "--password", "x", "--region", "999999"),
        "--region: 999999 不存在",
    )

    def no_terminal(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.delenv("ZHUQI_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("getpass.getpass", no_terminal)
    assert_one_line(run(capsys, "createuser", "u", "--role", "admin"), "已取消")
    assert_one_line(run(capsys, "worker", "--bogus"), "不认识的参数：--bogus")
    assert_one_line(run(capsys, "run", "--port", "eighty"), "参数 --port 应为整数")
    # Taken as some other port before (99999999 wraps round), and served there.
    assert_one_line(run(capsys, "run", "--port", "99999999", "--setup-only"), "1 到 65535")
    assert_one_line(run(capsys, "run", "--threads", "0", "--setup-only"), "至少要 1 个线程")
    assert_one_line(run(capsys, "run", "--host", "no-such-host.invalid", "--port", "8799"), "--host")


def test_a_database_not_set_up_yet_is_said_in_one_line(tmp_path: Path, files) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}
    env.update(ZHUQI_VAR_DIR=str(tmp_path), ZHUQI_SECRET_KEY="cli-test")
    path = tmp_path / "名录.csv"
    path.write_text("统一社会信用代码,企业名称,所在地区\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "zhuqi.cli", "import", "enterprises", str(path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line((result.returncode, result.stderr), "数据库还没有建好", "zhuqi run --setup-only")
