"""`zhuqi ingest PATH… [--as USERNAME] [--region CODE]`: published reports (text or HTML files,
and folders of them, recursing) read into draft visits, each waiting for a person to confirm it.
A progress bar on stderr, then a summary: drafts made, duplicates merged, and each file that
failed with its reason. One bad file never stops the rest."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from zhuqi.core.errors import PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.directory.management.importing import acting_user
from zhuqi.directory.models import User
from zhuqi.ingest import services
from zhuqi.ingest.cleaning import HTML_SUFFIXES, MAX_BYTES
from zhuqi.ingest.models import ReportStatus

try:  # a dependency of zhuqi; the counter line below stands in if an install lacks it
    from tqdm import tqdm
except ImportError:  # pragma: no cover - tqdm is installed with zhuqi
    tqdm = None

# What a folder's files are read for (a file named on the command line is always tried).
SUFFIXES = frozenset({".txt", ".text", *HTML_SUFFIXES})


@dataclass
class Summary:
    drafts: list[tuple[str, int]] = field(default_factory=list)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (file, report, first report)
    failures: list[tuple[str, str]] = field(default_factory=list)


def files_of(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files to read, in the order given (a folder's sorted, recursing), and the paths that
    are not there."""
    found: list[Path] = []
    missing: list[tuple[str, str]] = []

    def walk(folder: Path) -> Iterator[Path]:
        for path in sorted(folder.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            if path.is_file() and not hidden and path.suffix.lower() in SUFFIXES:
                yield path

    for path in paths:
        if path.is_dir():
            found.extend(walk(path))
        elif path.is_file():
            found.append(path)
        else:
            missing.append((str(path), "文件或文件夹不存在"))
    return list(dict.fromkeys(found)), missing


class _Counter:
    """A progress line on stderr when tqdm is not there."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def update(self, step: int = 1) -> None:
        self.done += step
        self.stream.write(f"\r已处理 {self.done:,}/{self.total:,} 个文件")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


class Command(ZhuqiCommand):
    help = (
        "Read published reports (text or HTML files, and folders of them) into draft visits, "
        "each waiting for a person to confirm it. Prints drafts made, duplicates merged and the "
        "files that failed, with their reasons."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
        parser.add_argument(
            "--as", dest="username", help="ingest as this account (its scope applies); default: system"
        )
        parser.add_argument(
            "--region", default="", help="the region the reports are about when they name none (e.g. 150581)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["username"])
        files, missing = files_of([Path(p) for p in options["paths"]])
        summary = Summary(failures=list(missing))
        if not files and not missing:
            raise CommandError("没有找到报道文件（.txt、.html 等）")
        progress: Any = None
        if not options["no_progress"] and files:
            # The raw stream under the command's stderr: a bar rewrites its line with "\r".
            stream: TextIO = getattr(self.stderr, "_out", sys.stderr)
            progress = (
                tqdm(total=len(files), unit="篇", file=stream, dynamic_ncols=True)
                if tqdm is not None
                else _Counter(len(files), stream)
            )
        try:
            for path in files:
                self._one(actor, path, options["region"], summary)
                if progress is not None:
                    progress.update(1)
        finally:
            if progress is not None:
                progress.close()
        self._report(summary)
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} 个文件未能导入（原因见上）")

    def _one(self, actor: User, path: Path, region: str, summary: Summary) -> None:
        name = str(path)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)  # one byte past the limit: refused with the size
            report = services.report_ingest(
                actor=actor,
                raw=raw,
                filename=path.name,
                region_code=region,
                input_field="file",
                source="command",
            )
        except PermissionDenied as refusal:
            # The account may not ingest: no file will go through.
            raise CommandError(refusal.message) from None
        except ValidationFailed as failure:
            summary.failures.append((name, "；".join(error.message for error in failure.errors)))
            return
        except ServiceError as error:
            summary.failures.append((name, error.message))
            return
        except OSError as error:
            summary.failures.append((name, error.strerror or str(error)))
            return
        if report.status == ReportStatus.DUPLICATE and report.duplicate_of_id is not None:
            summary.duplicates.append((name, report.pk, report.duplicate_of_id))
        else:
            summary.drafts.append((name, report.pk))

    def _report(self, summary: Summary) -> None:
        out = self.stdout
        out.write(
            f"新建草稿 {len(summary.drafts):,} 篇，合并重复报道 {len(summary.duplicates):,} 篇，"
            f"失败 {len(summary.failures):,} 个"
        )
        for name, pk in summary.drafts:
            out.write(f"  草稿 #{pk}：{name}")
        for name, pk, first in summary.duplicates:
            out.write(f"  重复 #{pk}：{name}（已并入 #{first} 的草稿）")
        for name, reason in summary.failures:
            out.write(f"  失败：{name}：{reason}")
