from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhuqi.cases import tallies
from zhuqi.core.management.base import ZhuqiCommand


class Command(ZhuqiCommand):
    help = (
        "Count the figures' day tallies (cases/tallies.py) again from the cases, and say how many "
        "kept rows differed from the count: after rows were written around the services (a bulk "
        "load, a repair by hand), or as a check (--check: exit 1 when some differed; mended all the same)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="exit 1 when some kept rows differed")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = tallies.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"统计日汇总：{result['rows']:,} 行，用时 {seconds:.1f} 秒；"
            f"与重新计数不一致的 {result['differing']:,} 行"
        )
        if result["differing"] and options["check"]:
            raise CommandError(f"有 {result['differing']:,} 行日汇总与事项不一致，已按事项重新计数")
