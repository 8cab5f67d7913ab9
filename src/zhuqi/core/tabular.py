"""Reading the tables governments keep (.xlsx or .csv with Chinese headers) and writing back the
rows that could not be imported, with their reasons: what every importer shares."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl

from zhuqi.core.chinese import to_halfwidth, to_simplified
from zhuqi.core.encodings import UnknownEncoding, csv_dialect, decode_csv
from zhuqi.core.spreadsheets import Spreadsheet, restore, write_csv


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the row number a person sees in Excel (header is row 1)
    column: str  # the column header as in the file, or the field label
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    headers: list[str] = field(default_factory=list)
    bad_rows: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def bad_row_numbers(self) -> list[int]:
        return sorted({error.row for error in self.errors})


def normalise_header(text: Any) -> str:
    """The header as the importers' tables spell it: half-width, no spaces, Simplified (a list
    kept in Taiwan or Hong Kong heads its column 企業名稱)."""
    text = re.sub(r"\s+", "", to_halfwidth(str(text or ""))).replace("（", "(").replace("）", ")")
    return to_simplified(text)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # An exported text that looked like a formula went out as '=…: read back as it was.
        return restore(value.strip()).strip()
    return value


def _numbered(rows: Iterable[Iterable[Any]]) -> Iterator[tuple[int, list[Any]]]:
    """(row number as Excel shows it, cleaned cells) of the data rows; blank rows are skipped."""
    for number, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        if any(v not in (None, "") for v in cells):
            yield number, cells


def read_table(stream: IO[bytes], filename: str) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Headers and (row number, cells) of the first sheet of an .xlsx or of a .csv file."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError("文件是空的：第1行应为表头")

        def xlsx_rows() -> Iterator[tuple[int, list[Any]]]:
            yield from _numbered(rows)
            workbook.close()

        return [str(_cell(h) or "") for h in header], xlsx_rows()
    if suffix == ".csv":
        try:
            text = decode_csv(stream.read())
        except UnknownEncoding as error:
            raise ImportFileError(str(error)) from None
        reader = csv.reader(io.StringIO(text), dialect=csv_dialect(text))
        csv_header = next(reader, None)
        if csv_header is None:
            raise ImportFileError("文件是空的：第1行应为表头")

        return [_cell(h) for h in csv_header], _numbered(reader)
    raise ImportFileError(f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件")


def write_error_file(report: ImportReport, source: Path) -> Path:
    """The bad rows, as they were, with their row number and reasons, next to the input file."""
    by_row: dict[int, list[str]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(f"{error.column}：{error.message}")
    header = ["原行号", "错误原因", *report.headers]
    body: Iterable[list[Any]] = (
        [number, "；".join(by_row.get(number, [])), *report.bad_rows.get(number, [])]
        for number in sorted(by_row)
    )
    if source.suffix.lower() == ".csv":
        target = source.with_name(f"{source.stem}.errors.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(handle, itertools.chain([header], body))
        return target
    target = source.with_name(f"{source.stem}.errors.xlsx")
    workbook = Spreadsheet()
    sheet = workbook.sheet("错误行")
    sheet.append(header)
    for line in body:
        sheet.append(line)
    workbook.save(target)
    return target
