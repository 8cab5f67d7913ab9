from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django_tasks import task

from zhuqi.cases import tallies
from zhuqi.cases.sweep import sweep


@task()
def sweep_deadlines() -> dict[str, Any]:
    report = asdict(sweep())
    # The figures read the changes not folded yet as well; folding keeps them few.
    report["tally_changes_folded"] = tallies.fold()
    return report
