"""What the `zhuqi import …` commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from zhuqi.core.errors import ServiceError
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.core.tabular import ImportFileError, ImportReport, write_error_file
from zhuqi.directory.models import User, system_user


def acting_user(username: str | None) -> User:
    """The account a command acts as (`--as USERNAME`: its scope applies), else the system."""
    if not username:
        return system_user()
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"--as: 账号 {username} 不存在或已停用") from None


class TableImportCommand(ZhuqiCommand):
    """A command importing one kind of list: every row checked first; one bad row and nothing is
    written, unless --skip-invalid. Subclasses name the importer."""

    unit = "行"
    # Django's system checks import every view and build the API's schemas (17 MiB of a process
    # that must stay under 200 MiB whatever the file's size); the server and `migrate` run them.
    requires_system_checks: list[str] = []

    def run_import(self, **kwargs: Any) -> ImportReport:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and write the bad ones to FILE.errors.xlsx/.csv next to the input",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--as", dest="username", help="import as this account (its scope applies); default: system"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{'这是一个文件夹，不是文件' if path.is_dir() else '文件不存在'}：{path}")
        actor = acting_user(options["username"])
        show_bar = options["verbosity"] > 0
        with (
            path.open("rb") as stream,
            # Shown after a second: a file refused at once leaves its one line of reason alone.
            tqdm(
                desc="检查", unit="行", disable=not show_bar, file=self.stderr._out, mininterval=0.5, delay=1
            ) as bar,
        ):
            try:
                report = self.run_import(
                    actor=actor,
                    stream=stream,
                    filename=path.name,
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                    progress=bar.update,
                )
            except (ImportFileError, ServiceError) as failure:
                raise CommandError(str(failure)) from None
        for row_error in report.errors:
            self.stderr.write(f"第{row_error.row}行 [{row_error.column}] {row_error.message}")
        summary = (
            f"{report.rows} 行：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}，"
            f"错误 {len(report.bad_row_numbers)} 行"
        )
        if report.errors and options["skip_invalid"] and not options["dry_run"]:
            target = write_error_file(report, path)
            self.stdout.write(summary)
            self.stdout.write(f"错误行已写入 {target}")
            return
        if report.errors:
            raise CommandError(
                f"{summary}。有错误，未写入任何数据（改正后重试，或加 --skip-invalid 只导入正确的行）"
            )
        self.stdout.write(summary + ("（仅检查，未写入）" if options["dry_run"] else ""))
