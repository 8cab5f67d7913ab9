from __future__ import annotations

from typing import Any

from zhuqi.core.tabular import ImportReport
from zhuqi.directory.management.importing import TableImportCommand
from zhuqi.enterprises.importing import import_enterprises


class Command(TableImportCommand):
    help = (
        "Import an enterprise list (.xlsx or .csv with Chinese headers). Every row is checked first; "
        "one bad row and nothing is written, unless --skip-invalid."
    )

    def run_import(self, **kwargs: Any) -> ImportReport:
        return import_enterprises(**kwargs)
