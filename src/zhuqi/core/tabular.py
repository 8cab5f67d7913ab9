"""Reading the tables governments keep (.xlsx or .csv with Chinese headers) and writing back the
rows that could not be imported, with their reasons: what every importer shares."""

from __future__ import annotations

import csv
import io
import itertools
import re
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from zhuqi.core.chinese import to_halfwidth, to_simplified
from zhuqi.core.encodings import UnknownEncoding, csv_dialect, decode_csv
from zhuqi.core.spreadsheets import Spreadsheet, restore, write_csv
from zhuqi.core.xlsx_rows import DamagedSheet, XlsxRows


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


class FirstRows:
    """Which row each key (a code, a name) of a file was first seen in, for the duplicate check
    over the whole file, kept on disk: a private temporary SQLite database (Python's own, not the
    application's), so a file of a million rows does not hold a million codes in memory.

    `check` takes a batch of (key, row number) in file order and returns, for each row whose key
    came earlier (in an earlier batch or earlier in this one), that first row's number."""

    def __init__(self) -> None:
        # "" is a temporary database on disk, removed when closed; its cache stays small.
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID")

    def check(self, batch: list[tuple[str, int]]) -> dict[int, int]:
        keys = list(dict.fromkeys(key for key, _ in batch))
        earlier: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            earlier.update(
                self._db.execute(
                    # Only placeholders are formatted in; the keys go as parameters.
                    f"SELECT key, row FROM seen WHERE key IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk,
                ).fetchall()
            )
        duplicates: dict[int, int] = {}
        new: dict[str, int] = {}
        for key, row in batch:
            first = earlier.get(key) or new.get(key)
            if first is None:
                new[key] = row
            else:
                duplicates[row] = first
        self._db.executemany("INSERT INTO seen (key, row) VALUES (?, ?)", new.items())
        return duplicates

    def close(self) -> None:
        self._db.close()


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
        check_xlsx_limits(stream)
        try:
            workbook = XlsxRows(stream)
            rows = workbook.rows()
            header = next(rows, None)
        except Exception as exc:  # a damaged file fails in many ways (zip, XML, relations)
            raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
        if header is None:
            workbook.close()
            raise ImportFileError("文件是空的：第1行应为表头")

        def xlsx_rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                yield from _numbered(within_row_limit(rows))
            except DamagedSheet as error:
                raise ImportFileError(f"无法读取 Excel 文件：{error}") from error
            finally:
                workbook.close()

        return [str(_cell(h) or "") for h in header], xlsx_rows()
    if suffix == ".csv":
        try:
            text = decode_csv(read_csv_bytes(stream))
        except UnknownEncoding as error:
            raise ImportFileError(str(error)) from None
        reader = csv.reader(io.StringIO(text), dialect=csv_dialect(text))
        csv_header = next(reader, None)
        if csv_header is None:
            raise ImportFileError("文件是空的：第1行应为表头")

        return [_cell(h) for h in csv_header], _numbered(within_row_limit(reader))
    raise ImportFileError(f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件")


# --- limits checked before a file is read --------------------------------------------------------
# An .xlsx is a zip: a few megabytes can unpack to gigabytes of sheet XML, which openpyxl would
# read for minutes while memory grows. Everything below looks only at the zip's directory and
# the first bytes of the sheet, so a bomb is refused in milliseconds whatever it unpacks to.

# Parts of a workbook: a sheet, its styles, shared strings, a few more. Thousands is not Excel.
MAX_ZIP_MEMBERS = 1000
# Sheet XML packs ~5-20 to 1; a part packed far tighter than any table is made to unpack big.
MAX_PACKING_RATIO = 200
PACKING_CHECKED_ABOVE = 1024 * 1024
# The <dimension> element, if the writer put one in, is near the start of the sheet.
SHEET_HEAD_BYTES = 64 * 1024
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]{1,3}(\d+)(?::[A-Z]{1,3}(\d+))?\"")


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _too_many_rows(rows: int | None = None) -> ImportFileError:
    limit = settings.ZHUQI_MAX_IMPORT_ROWS
    counted = f"，本文件有 {rows:,} 行" if rows else ""
    return ImportFileError(f"文件的行数超过上限（最多 {limit:,} 行{counted}）：请分成几个文件导入")


def check_xlsx_limits(stream: IO[bytes]) -> None:
    """Refuse an .xlsx that would unpack too big or holds too many rows, reading only the zip's
    directory and the head of the first sheet. Leaves the stream at its start."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(
            "无法读取 Excel 文件：不是有效的 .xlsx 文件（请在 Excel 中另存为 .xlsx）"
        ) from exc
    try:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ImportFileError(
                f"Excel 文件包含 {len(members):,} 个部件（上限 {MAX_ZIP_MEMBERS:,} 个），不像正常的表格文件"
            )
        unpacked = sum(member.file_size for member in members)
        limit = settings.ZHUQI_MAX_IMPORT_UNPACKED_BYTES
        if unpacked > limit:
            raise ImportFileError(
                f"Excel 文件解压后有 {_megabytes(unpacked)}，超过上限 {_megabytes(limit)}：请分成几个文件导入"
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > PACKING_CHECKED_ABOVE and ratio > MAX_PACKING_RATIO:
                raise ImportFileError(
                    f"Excel 文件中的 {member.filename} 解压后是压缩时的 {ratio:,.0f} 倍"
                    f"（上限 {MAX_PACKING_RATIO} 倍），不像正常的表格文件"
                )
        sheets = sorted(
            (m.filename for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m.filename)),
            key=lambda name: int(re.sub(r"\D", "", name)),
        )
        for name in sheets[:1]:
            with archive.open(name) as sheet:
                head = sheet.read(SHEET_HEAD_BYTES)
            found = DIMENSION.search(head)
            if found:
                last_row = int(found[2] or found[1])
                if last_row - 1 > settings.ZHUQI_MAX_IMPORT_ROWS:
                    raise _too_many_rows(last_row - 1)
    finally:
        archive.close()
        stream.seek(0)


def read_csv_bytes(stream: IO[bytes]) -> bytes:
    """The whole CSV, refused if larger than the upload limit (a command reads from disk, where
    the web's upload limit does not apply)."""
    limit = settings.ZHUQI_MAX_IMPORT_BYTES
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise ImportFileError(f"CSV 文件超过上限 {_megabytes(limit)}：请分成几个文件导入")
    return raw


def within_row_limit(rows: Iterable[Any]) -> Iterator[Any]:
    """The rows after the header, stopped with a clear refusal past the row limit (a sheet
    without a <dimension>, or one that lied in it, is caught here)."""
    limit = settings.ZHUQI_MAX_IMPORT_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise _too_many_rows()
        yield row


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
