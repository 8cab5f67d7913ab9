"""The layers hold (pyproject.toml [tool.importlinter], docs/architecture.md): an app that imports
one above it, or a new app left out of the list, fails the test run as well as `make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import zhuqi

PYPROJECT = Path(zhuqi.__file__).resolve().parents[2] / "pyproject.toml"


@pytest.mark.skipif(not PYPROJECT.is_file(), reason="needs the source checkout's pyproject.toml")
def test_no_app_imports_an_app_above_it() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), str(PYPROJECT), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=PYPROJECT.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
