"""The rows of an .xlsx's first sheet, streamed in memory that does not grow with the file.

openpyxl's read-only mode streams the sheet but first loads the whole shared-string table (every
distinct text of the file) into a Python list: for a list of a million enterprises that is some
four million strings, several hundred megabytes, before the first row. Here the table goes to a
temporary file, with only each string's offset kept in memory (4 bytes a string), and a cell's
text is read back when its row comes. The sheet itself is parsed with lxml as it is unzipped,
each row dropped once read.

What a cell gives is what openpyxl's read-only, data-only mode gives (the importers were written
against it, and core/tests/test_xlsx_rows.py compares the two): numbers as int or float, dates
(a number in a date format) as datetime, booleans, text, a formula's cached value. The parts of
a workbook that are small (the content types, the workbook, its relations, the styles) are read
by openpyxl's own parsers.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _VALUE, _DIMENSION = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}dimension"
_SI, _T, _R, _IS = f"{_NS}si", f"{_NS}t", f"{_NS}r", f"{_NS}is"
# Texts read back without a trip to the file: the same few (是, 否, a contact's name) repeat.
_RECENT_STRINGS = 4096


def _text(element: Any) -> str:
    """openpyxl's Text.content: the plain text, or the runs of rich text (phonetic guides left
    out)."""
    parts = []
    plain = element.find(_T)
    if plain is not None and plain.text is not None:
        parts.append(plain.text)
    for run in element.iterfind(_R):
        text = run.findtext(_T)
        if text is not None:
            parts.append(text)
    return "".join(parts)


def _parse(source: IO[bytes], tag: str | tuple[str, ...]) -> Iterator[Any]:
    """Each `tag` element of an XML part, freed (with what came before it) once used. No DTD, no
    entities resolved, no network: the file is whatever someone uploaded."""
    parser = etree.iterparse(
        source, events=("end",), tag=tag, resolve_entities=False, no_network=True, load_dtd=False
    )
    for _, element in parser:
        yield element
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]


class DamagedSheet(ValueError):
    """The sheet could not be read to its end."""


@lru_cache(maxsize=256)
def _column_of_letters(letters: str) -> int:
    return column_index_from_string(letters)


def _column(reference: str) -> int:
    """The column number of a cell reference such as "AB12" (from 1)."""
    return _column_of_letters(reference.rstrip("0123456789"))


class SharedStrings:
    """The shared-string table on disk: the strings' UTF-8 one after another in a temporary
    file, their offsets in an array."""

    def __init__(self, source: IO[bytes] | None) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - open until close(), after the last row
        self._offsets = array("I", [0])
        if source is not None:
            position = 0
            for element in _parse(source, _SI):
                # openpyxl takes its 'x005F_' escape out of shared strings (not inline ones).
                data = _text(element).replace("x005F_", "").encode()
                self._file.write(data)
                position += len(data)
                if position >= 2**32 and self._offsets.typecode == "I":
                    self._offsets = array("Q", self._offsets)
                self._offsets.append(position)
            self._file.flush()
        self._descriptor = self._file.fileno()
        self.get = lru_cache(maxsize=_RECENT_STRINGS)(self._read)

    def _read(self, index: int) -> str:
        start, end = self._offsets[index], self._offsets[index + 1]
        return os.pread(self._descriptor, end - start, start).decode()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def close(self) -> None:
        self._file.close()


class XlsxRows:
    """Open with the file; `rows()` yields each row's values (None for an empty cell) from row 1
    on, an empty list for a row the sheet leaves out, as openpyxl's read-only sheet does."""

    def __init__(self, stream: IO[bytes]) -> None:
        reader = ExcelReader(stream, read_only=True, data_only=True)
        self._archive: zipfile.ZipFile = reader.archive
        reader.read_manifest()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        workbook = reader.wb
        self._epoch = workbook.epoch
        # Which cell styles are dates, as openpyxl's stylesheet reader indexed them (attributes
        # it sets on the workbook; a workbook without styles has none).
        self._date_styles: set[int] = set(getattr(workbook, "_date_formats", ()))
        self._timedelta_styles: set[int] = set(getattr(workbook, "_timedelta_formats", ()))
        self._sheet_path = next(
            (
                rel.target
                for _, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )
        self._width = 0
        part = reader.package.find(SHARED_STRINGS)
        if part is not None:
            with self._archive.open(part.PartName[1:]) as source:
                self.strings = SharedStrings(source)
        else:
            self.strings = SharedStrings(None)

    def close(self) -> None:
        self.strings.close()
        self._archive.close()

    def rows(self) -> Iterator[list[Any]]:
        try:
            yield from self._rows()
        except (etree.LxmlError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
            # A sheet damaged part way through: said as the file's fault, not a crash.
            raise DamagedSheet(str(error)) from error

    def _rows(self) -> Iterator[list[Any]]:
        if self._sheet_path is None:
            return
        with self._archive.open(self._sheet_path) as source:
            expected = 1
            for element in _parse(source, (_DIMENSION, _ROW)):
                if element.tag == _DIMENSION:
                    # Rows are as wide as the sheet says it is, as openpyxl gives them.
                    reference = element.get("ref")
                    self._width = range_boundaries(reference)[2] or 0 if reference else 0
                    continue
                number = element.get("r")
                row_number = int(number) if number else expected
                while expected < row_number:
                    expected += 1
                    yield []
                if row_number < expected:
                    continue  # a row out of order: openpyxl's read-only sheet skips it too
                expected = row_number + 1
                yield self._values(element)

    def _values(self, row: Any) -> list[Any]:
        values: list[Any] = []
        column = last = 0
        for cell in row:
            if cell.tag != _CELL:
                continue
            reference = cell.get("r")
            column = _column(reference) if reference else column + 1
            last = max(last, column)
            kind = cell.get("t")
            if kind == "inlineStr" and len(cell) == 1 and len(cell[0]) == 1 and cell[0][0].tag == _T:
                # The common inline text, <is><t>…</t></is>, without the general walk.
                value: Any = cell[0][0].text or ""
            elif kind == "s":
                raw = cell.findtext(_VALUE)
                value = self.strings.get(int(raw)) if raw else None
            else:
                value = self._value(cell, kind or "n")
            if value is None:
                continue
            if len(values) < column:
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        width = max(last, self._width)
        if len(values) < width:
            values.extend([None] * (width - len(values)))
        return values

    def _value(self, cell: Any, kind: str) -> Any:
        if kind == "inlineStr":
            inline = cell.find(_IS)
            return _text(inline) if inline is not None else None
        raw = cell.findtext(_VALUE) or None
        if raw is None:
            return None
        if kind == "n":
            number: int | float = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            style = cell.get("s")
            if style and int(style) in self._date_styles:
                try:
                    return from_excel(number, self._epoch, timedelta=int(style) in self._timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings.get(int(raw))
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # "str" (a formula's text), "e" (an error such as #N/A)
