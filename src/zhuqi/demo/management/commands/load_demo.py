from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.demo import dataset


class Command(ZhuqiCommand):
    help = (
        "Load the demo dataset (regions, officials and enterprises from the sample reports, demo accounts)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = dataset.load()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("demo dataset loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
