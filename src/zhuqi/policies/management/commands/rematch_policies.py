"""Re-match every policy against the registry now (after a bulk load, or to check the figures)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zhuqi.policies import matching


class Command(BaseCommand):
    help = "Re-match every draft and published policy against the enterprise registry"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = matching.rematch_all()
        self.stdout.write(f"{written:,} matches written in {time.perf_counter() - started:.1f} s")
