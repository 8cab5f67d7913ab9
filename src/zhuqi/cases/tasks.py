from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django_tasks import task

from zhuqi.cases.sweep import sweep


@task()
def sweep_deadlines() -> dict[str, Any]:
    return asdict(sweep())
