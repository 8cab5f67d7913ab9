from __future__ import annotations

from typing import Any

from zhuqi.core.tabular import ImportReport
from zhuqi.directory.management.importing import TableImportCommand
from zhuqi.projects.importing import import_projects


class Command(TableImportCommand):
    help = (
        "Import a key-project list (.xlsx or .csv; money columns headed with their unit, 万元 or 亿元). "
        "Every row is checked first; one bad row and nothing is written, unless --skip-invalid. "
        "Re-importing updates by 项目代码 (or by name within a region)."
    )

    def run_import(self, **kwargs: Any) -> ImportReport:
        return import_projects(**kwargs)
