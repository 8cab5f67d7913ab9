"""Spreadsheets refused before they are read when they would unpack too big or hold too many
rows: a small upload must not hold a worker for minutes or take a gigabyte of memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

from zhuqi.core.tabular import ImportFileError, read_table
from zhuqi.enterprises.tests.test_import import rows, write_csv, write_xlsx

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def write_bomb(path: Path, *, unpacked: int) -> Path:
    """A real workbook openpyxl would open and read row by row: one sheet of identical rows
    that unpacks to `unpacked` bytes from a zip of a few hundred kilobytes. No <dimension>."""
    row = (
        b'<row><c t="inlineStr"><is><t>91150581MA0000000X</t></is></c>'
        b'<c t="inlineStr"><is><t>Bomb Co</t></is></c><c t="inlineStr"><is><t>150581</t></is></c></row>'
    )
    chunk = row * (2**20 // len(row))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>uscc</t></is></c>'
                b'<c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>region</t></is></c></row>'
            )
            written = 0
            while written < unpacked:
                sheet.write(chunk)
                written += len(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def refusal(path: Path) -> str:
    with path.open("rb") as stream, pytest.raises(ImportFileError) as refused:
        _headers, body = read_table(stream, path.name)
        for _ in body:
            pass
    return str(refused.value)


def test_a_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    """200 MB of sheet in a zip of well under 1 MB: refused from the zip's directory alone."""
    path = write_bomb(tmp_path / "bomb.xlsx", unpacked=200 * 2**20)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    started = time.perf_counter()
    message = refusal(path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "解压后是压缩时的" in message and "上限 200 倍" in message
    assert seconds < 1 and peak < 5 * 2**20


def test_an_xlsx_unpacking_past_the_limit_is_refused_naming_it(tmp_path: Path, settings: Any) -> None:
    settings.ZHUQI_MAX_IMPORT_UNPACKED_BYTES = 2**20
    path = write_xlsx(tmp_path / "list.xlsx", rows(3000))  # an ordinary list, packed 5 to 1
    assert "超过上限 1 MB" in refusal(path)


def test_the_rows_the_sheet_declares_are_refused_before_it_is_read(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    settings.ZHUQI_MAX_IMPORT_ROWS = 3
    path = write_xlsx(tmp_path / "list.xlsx", rows(5))  # openpyxl writes <dimension ref="A1:J6">

    def not_reached(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", not_reached)
    assert refusal(path) == "文件的行数超过上限（最多 3 行，本文件有 5 行）：请分成几个文件导入"


def test_rows_are_counted_while_reading_when_the_sheet_does_not_say(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhuqi.core import tabular

    monkeypatch.setattr(tabular, "MAX_PACKING_RATIO", 10_000)  # past the packing check, to the reading
    settings.ZHUQI_MAX_IMPORT_ROWS = 1000
    path = write_bomb(tmp_path / "bomb.xlsx", unpacked=2**20)  # ~5,000 rows, no <dimension>
    assert "最多 1,000 行" in refusal(path)


def test_a_zip_of_thousands_of_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(1001):
            archive.writestr(f"xl/part{index}.xml", "<a/>")
    assert "1,001 个部件（上限 1,000 个）" in refusal(path)


def test_a_file_that_is_not_a_zip_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a zip")
    assert "不是有效的 .xlsx 文件" in refusal(path)


def test_a_csv_past_the_byte_or_row_limit_is_refused(tmp_path: Path, settings: Any) -> None:
    path = write_csv(tmp_path / "list.csv", rows(50))
    settings.ZHUQI_MAX_IMPORT_ROWS = 10
    assert "最多 10 行" in refusal(path)
    settings.ZHUQI_MAX_IMPORT_BYTES = 1000
    assert "CSV 文件超过上限" in refusal(path)
    with pytest.raises(ImportFileError):
        read_table(io.BytesIO(b"a,b\n" * 1000), "x.csv")
