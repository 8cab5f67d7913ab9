from __future__ import annotations

import os
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
