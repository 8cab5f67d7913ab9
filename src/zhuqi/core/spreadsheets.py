"""Every spreadsheet zhuqi writes, .xlsx or .csv, is written through this module, so that no text a
person typed (an enterprise named `=HYPERLINK("http://…?"&A1,"点击")`) becomes a live formula in the
office that opens the file. What OWASP's CSV-injection guidance asks:

- In an .xlsx every text is written as a text cell (openpyxl would otherwise store a string starting
  with "=" as a formula, and "#N/A" as an error). A text that would read as a formula if retyped gets
  Excel's own "quote prefix" mark, the one Excel sets when someone types '=…: the cell shows the text
  exactly and stays text when edited. Nothing is added to the text, so it reads back unchanged.
- In a .csv there are no cell types: a text that a spreadsheet would take for a formula is written
  with a leading apostrophe ('=…), which Excel and WPS read as "this is text". Every field is quoted,
  so a separator inside a text cannot start a new cell in a spreadsheet set to split on ";".
- `restore` takes the apostrophe off again; the importers read every cell through it, so an export
  imported back gives the same names.

Numbers, dates and booleans are not text and are written as they are: -5 stays a number.

A test walks the source and fails if any other module makes a workbook or a CSV writer, so a new
export cannot forget this."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# The characters that start a formula (or, for "@", a function call in older Excel and in
# Google Sheets). The full-width forms are included because East Asian Excel converts them when a
# cell is typed with a Chinese or Japanese input method; quoting them costs nothing.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")
# A tab or line break before the formula character: Excel drops some of them when it reads a
# CSV, and the formula behind them runs.
CONTROL_STARTS = frozenset("\t\r\n\0")
# A plain number with its sign ("-5", "+86", "-1.5e3") is a number to any spreadsheet, never a
# formula, and a sign is what a negative figure in a text column looks like: left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
QUOTE = "'"


def formula_like(text: str) -> bool:
    """Would a spreadsheet take `text`, as it stands, for a formula?"""
    if text[:1] in CONTROL_STARTS:
        return True
    # Leading spaces (also the full-width one, U+3000) do not stop every spreadsheet.
    stripped = text.lstrip()
    if stripped[:1] not in FORMULA_STARTS:
        return False
    return _PLAIN_NUMBER.fullmatch(stripped) is None


def _needs_quote(text: str) -> bool:
    # A text that already starts with apostrophes before a formula gets one more, so that
    # `restore` (which takes exactly one off) gives it back as it was.
    return formula_like(text.lstrip(QUOTE))


def neutralise(text: str) -> str:
    """The text as a CSV cell: with a leading apostrophe if a spreadsheet would run it."""
    return QUOTE + text if _needs_quote(text) else text


def restore(text: str) -> str:
    """The text `neutralise` was given: the apostrophe it added taken off, anything else kept."""
    if text.startswith(QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text


@dataclass(frozen=True)
class Styled:
    """A value with the look of its cell: for headers, titles and formatted figures."""

    value: Any
    bold: bool = False
    size: float | None = None
    number_format: str | None = None
    wrap: bool = False


def _cell(sheet: WriteOnlyWorksheet, item: Any) -> Any:
    styled = item if isinstance(item, Styled) else None
    value = styled.value if styled else item
    if styled is None and not (isinstance(value, str) and (_needs_quote(value) or value in ERROR_CODES)):
        # Numbers, dates, booleans, None, and text openpyxl writes as text anyway: as they are
        # (a cell object for each of a long export's texts would treble its time).
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Assigning the value let openpyxl guess "f" (formula) or "e" (error) from the text.
        cell.data_type = "s"
        if _needs_quote(value):
            if value.startswith(QUOTE):
                # What `restore` would shorten is made one apostrophe longer, as in a CSV.
                cell.value = QUOTE + value
                cell.data_type = "s"
            cell.quotePrefix = True
    if styled:
        if styled.bold or styled.size:
            cell.font = Font(bold=styled.bold, size=styled.size)
        if styled.number_format and value is not None:
            cell.number_format = styled.number_format
        if styled.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


class Sheet:
    """One sheet, written row by row (streamed: memory stays flat however long it is)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet

    def append(self, values: Iterable[Any]) -> None:
        self._sheet.append([_cell(self._sheet, value) for value in values])


class Spreadsheet:
    """A write-only .xlsx whose text cells are all text: see the module's note."""

    def __init__(self) -> None:
        self._workbook = openpyxl.Workbook(write_only=True)

    def sheet(self, title: str, *, widths: Sequence[float] = (), freeze: str | None = None) -> Sheet:
        """A new sheet; its column widths and frozen panes must be known before the first row."""
        sheet = self._workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            sheet.freeze_panes = freeze
        return Sheet(sheet)

    def save(self, target: Path) -> None:
        self._workbook.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def write_workbook(
    sheet_name: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    *,
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """An .xlsx of one sheet: a bold header of `columns` (title, width), the first two columns
    frozen, then `rows`. `number_formats`: Excel's format for the columns (by index from 0) that
    need one, such as dates with their time."""
    workbook = Spreadsheet()
    sheet = workbook.sheet(sheet_name, widths=[width for _, width in columns], freeze="C2")
    sheet.append(Styled(title, bold=True) for title, _ in columns)
    formats = dict(number_formats or {})
    for row in rows:
        if formats:
            row = [
                Styled(value, number_format=formats[index]) if index in formats else value
                for index, value in enumerate(row)
            ]
        sheet.append(row)
    return workbook.to_bytes()


def write_csv(handle: IO[str], rows: Iterable[Iterable[Any]]) -> None:
    """Rows to an open text file as CSV, each text neutralised and every field quoted."""
    writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])
