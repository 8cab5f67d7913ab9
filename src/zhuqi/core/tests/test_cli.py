from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def run_zhuqi(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhuqi.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_production_start_without_a_secret_key_refuses_clearly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}
    env["ZHUQI_VAR_DIR"] = str(tmp_path)
    result = run_zhuqi("run", "--setup-only", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "ZHUQI_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "zhuqi.sqlite3").exists() or (tmp_path / "zhuqi.sqlite3").stat().st_size == 0


def test_import_command_through_the_console_script(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}
    env.update(ZHUQI_VAR_DIR=str(tmp_path), ZHUQI_SECRET_KEY="cli-test")
    assert run_zhuqi("run", "--setup-only", "--no-demo", env=env, cwd=tmp_path).returncode == 0
    from zhuqi.core.validators import make_uscc

    good, bad = make_uscc("150581", 1), make_uscc("150581", 2)[:-1] + "I"
    path = tmp_path / "名录.csv"
    path.write_text(
        f"统一社会信用代码,企业名称,所在地区\n{good},甲有限公司,150581\n{bad},乙有限公司,150581\n",
        encoding="gb18030",
    )
    refused = run_zhuqi("import", "enterprises", str(path), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "第3行 [统一社会信用代码] 第18位字符“I”不合法" in refused.stderr
    skipped = run_zhuqi("import", "enterprises", str(path), "--skip-invalid", env=env, cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert "新增 1" in skipped.stdout
    assert (tmp_path / "名录.errors.csv").read_text(encoding="utf-8-sig").count("\n") == 2


def without_zhuqi_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ZHUQI_", "DATABASE_URL"))}


def test_the_commands_find_the_secret_key_make_run_wrote_in_the_var_directory(tmp_path: Path) -> None:
    # What `make run` leaves behind: var/secret_key, and no ZHUQI_SECRET_KEY in the next shell.
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("written-by-make-run\n", encoding="utf-8")
    env = without_zhuqi_environment()

    help_text = run_zhuqi("run", "--help", env=env, cwd=tmp_path)
    assert help_text.returncode == 0, help_text.stderr
    assert "--port" in help_text.stdout

    assert run_zhuqi("run", "--setup-only", "--no-demo", env=env, cwd=tmp_path).returncode == 0
    from zhuqi.core.validators import make_uscc

    path = tmp_path / "名录.csv"
    row = f"{make_uscc('150581', 1)},甲有限公司,150581"
    path.write_text(f"统一社会信用代码,企业名称,所在地区\n{row}\n", encoding="utf-8")
    dry_run = run_zhuqi("import", "enterprises", str(path), "--dry-run", env=env, cwd=tmp_path)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "ZHUQI_SECRET_KEY" not in dry_run.stderr
    assert "1 行" in dry_run.stdout and "错误 0 行（仅检查，未写入）" in dry_run.stdout
    assert (tmp_path / "var" / "zhuqi.sqlite3").exists()

    # ZHUQI_VAR_DIR elsewhere: the key is looked for there, not in ./var.
    elsewhere = tmp_path / "elsewhere"
    refused = run_zhuqi("run", "--help", env={**env, "ZHUQI_VAR_DIR": str(elsewhere)}, cwd=tmp_path)
    assert refused.returncode != 0
    assert f"there is no {elsewhere / 'secret_key'}" in refused.stderr


def test_a_busy_port_is_said_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    env = {**without_zhuqi_environment(), "ZHUQI_VAR_DIR": str(tmp_path), "ZHUQI_SECRET_KEY": "cli-test"}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_zhuqi("run", "--port", str(port), "--no-demo", "--no-worker", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"zhuqi: port {port} is already in use on 127.0.0.1; choose another port: "
        f"zhuqi run --port {port + 1} (or PORT={port + 1} make run)"
    ]
    # Said before the setup's minutes: nothing was migrated.
    assert not (tmp_path / "zhuqi.sqlite3").exists() or (tmp_path / "zhuqi.sqlite3").stat().st_size == 0
