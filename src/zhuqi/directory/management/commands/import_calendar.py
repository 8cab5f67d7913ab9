from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhuqi.core import services
from zhuqi.core.encodings import UnknownEncoding, decode_csv
from zhuqi.core.errors import ServiceError, ValidationFailed
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.directory.models import system_user


def read_text(path: Path) -> str:
    """A .txt/.csv list (UTF-8, GBK or another encoding Excel saves in) or the first sheet of an
    .xlsx, as lines of comma-separated cells."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged file
            raise CommandError(f"{path}: 无法读取 Excel 文件（{error}）：请确认它是 .xlsx 文件") from None
        sheet = workbook.worksheets[0]
        lines = []
        for row in sheet.iter_rows(values_only=True):
            cells = [
                "" if cell is None else str(cell).split(" ")[0] if i == 0 else str(cell)
                for i, cell in enumerate(row)
            ]
            lines.append(",".join(cells))
        workbook.close()
        return "\n".join(lines)
    if suffix not in (".txt", ".csv"):
        raise CommandError(f"{path}: 不支持“{suffix or path.name}”文件：请用 .txt、.csv 或 .xlsx")
    try:
        return decode_csv(path.read_bytes())
    except UnknownEncoding as error:
        raise CommandError(f"{path}: {error}") from None


class Command(ZhuqiCommand):
    help = (
        "Enter a year's statutory holidays and adjusted working days from the State Council's notice. "
        'One day per line: "2027-10-01,休,国庆节" or "2027-10-09,班,国庆节调休上班"; '
        "days not listed follow the weekend rule. Replaces what was entered for that year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="the notice the list comes from")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: {'这是一个文件夹，不是文件' if path.is_dir() else '文件不存在'}")
        entries, errors = services.parse_calendar_text(read_text(path), year=options["year"])
        try:
            if errors:
                raise ValidationFailed(errors)
            services.calendar_year_enter(
                actor=system_user(),
                year=options["year"],
                entries=entries,
                source_document=options["source"],
                source="command",
            )
        except ValidationFailed as failure:
            for error in failure.errors:
                self.stderr.write(f"{error.field}: {error.message}")
            raise CommandError(f"{path}: 有 {len(failure.errors)} 处错误，未写入任何数据") from None
        except ServiceError as failure:
            raise CommandError(failure.message) from None
        holidays = sum(1 for e in entries if not e.is_workday)
        self.stdout.write(
            f"{options['year']} 年：{holidays} 个节假日，{len(entries) - holidays} 个调休上班日"
        )
