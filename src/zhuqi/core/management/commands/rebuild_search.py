from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhuqi.core import search
from zhuqi.core.management.base import ZhuqiCommand


def _label(model: type[Any]) -> str:
    return model._meta.label_lower


class Command(ZhuqiCommand):
    help = (
        "Recompute the word-search columns (core/search.py) and put their index back, in batches: "
        "every searched model, or those named (cases.case, enterprises.enterprise, …). Rows whose "
        "words are unchanged are not written, so a second run is quick."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("models", nargs="*", help="app_label.model (default: all searched models)")
        parser.add_argument("--batch-size", type=int, default=search.REBUILD_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        searched = {_label(model): model for model in search.searched_models()}
        names = options["models"] or sorted(searched)
        unknown = [name for name in names if name.lower() not in searched]
        if unknown:
            raise CommandError(f"不认识的模型：{'、'.join(unknown)}（可选：{'、'.join(sorted(searched))}）")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 应为正整数")
        for name in names:
            model = searched[name.lower()]
            total = model._default_manager.count()
            started = time.monotonic()
            last_report = started

            def progress(
                seen: int, written: int, *, name: str = name, total: int = total, started: float = started
            ) -> None:
                nonlocal last_report
                now = time.monotonic()
                if now - last_report >= 5 or seen >= total:
                    last_report = now
                    self.stdout.write(
                        f"{name}: {seen}/{total} rows read, {written} written, {now - started:.0f} s"
                    )

            written = search.rebuild(model, batch_size=options["batch_size"], progress=progress)
            self.stdout.write(
                f"{name}: done, {written} of {total} rows written in {time.monotonic() - started:.1f} s"
            )
