from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.directory import services


class Command(ZhuqiCommand):
    help = "Load reference data shipped with zhuqi: regions (GB/T 2260) or industries (GB/T 4754-2017)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["regions", "industries"])

    def handle(self, *args: Any, **options: Any) -> None:
        loader = services.load_regions if options["what"] == "regions" else services.load_industries
        report = loader()
        self.stdout.write(
            f"{options['what']}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged"
        )
