"""The streaming .xlsx reader gives what openpyxl's read-only, data-only mode gives."""

from __future__ import annotations

import datetime
import io
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from zhuqi.core.tabular import ImportFileError, read_table
from zhuqi.core.xlsx_rows import XlsxRows


def _openpyxl_rows(data: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def _streamed_rows(data: bytes) -> list[list[Any]]:
    reader = XlsxRows(io.BytesIO(data))
    try:
        return list(reader.rows())
    finally:
        reader.close()


def _trimmed(row: list[Any]) -> list[Any]:
    # An empty row: openpyxl gives a row of None as wide as the sheet, the reader an empty list
    # (the importers skip both).
    return list(row) if any(value is not None for value in row) else []


def _saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_every_kind_of_cell_reads_as_openpyxl_reads_it() -> None:
    workbook = openpyxl.Workbook()
    chart_first = workbook.active
    chart_first.title = "名录"
    sheet = chart_first
    sheet.append(["统一社会信用代码", "企业名称", "成立日期", "人数", "规上", "金额", "公式"])
    sheet.append(["91150502MA0N7XJ21U", "联晟化工", datetime.datetime(2020, 5, 1), 12, True, 3.5, "=1+1"])  # noqa: DTZ001
    sheet.append(["重复的文本", "重复的文本", datetime.date(2021, 1, 2), -7, False, 1e20, None])
    sheet["B6"] = "跳过两行之后"  # rows 4 and 5 left out of the sheet
    sheet["E6"] = "x005F_转义"
    sheet["G6"] = CellRichText("富", TextBlock(InlineFont(b=True), "文本"))
    sheet["C7"] = datetime.time(8, 30)
    sheet["D7"] = "<&>\"' 符号"
    sheet["A8"] = "#N/A"
    sheet.cell(row=8, column=2, value="#N/A").data_type = "e"
    workbook.create_sheet("第二页").append(["不读"])
    data = _saved(workbook)
    expected = _openpyxl_rows(data)
    got = _streamed_rows(data)
    assert [_trimmed(row) for row in expected] == [_trimmed(row) for row in got]
    assert got[3] == [] and got[4] == []  # the rows the sheet leaves out, as openpyxl gives them
    assert got[1][2] == datetime.datetime(2020, 5, 1)  # noqa: DTZ001 - an Excel date has no time zone


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
                st.integers(min_value=-(2**40), max_value=2**40),
                st.floats(allow_nan=False, allow_infinity=False, width=32),
                st.booleans(),
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_table_reads_as_openpyxl_reads_it(table: list[list[Any]]) -> None:
    workbook = openpyxl.Workbook()
    for row in table:
        workbook.active.append([value.strip() or None if isinstance(value, str) else value for value in row])
    data = _saved(workbook)
    assert [_trimmed(row) for row in _openpyxl_rows(data)] == [_trimmed(row) for row in _streamed_rows(data)]


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="名录" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        "</Relationships>"
    ),
}
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _shared_strings_workbook(rows: int) -> bytes:
    """An .xlsx as Excel writes it: every text in the shared-string table (openpyxl writes texts
    inline), one of them rich text with a phonetic guide, one with openpyxl's x005F_ escape."""
    strings = [
        '<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb="0" eb="1"><t>fu</t></rPh></si>',
        "<si><t>x005F_转义 &amp; &lt;</t></si>",
    ]
    cells = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>']
    for number in range(rows):
        strings += [f"<si><t>91150502MA{number:08d}</t></si>", f"<si><t>第{number}号企业有限公司</t></si>"]
        line = number + 2
        cells.append(
            f'<row r="{line}"><c r="A{line}" t="s"><v>{2 * number + 2}</v></c>'
            f'<c r="B{line}" t="s"><v>{2 * number + 3}</v></c><c r="C{line}"><v>{number}</v></c></row>'
        )
    parts = {
        **_PARTS,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_MAIN}>{"".join(strings)}</sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_MAIN}><sheetData>{"".join(cells)}'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_shared_strings_read_as_openpyxl_reads_them() -> None:
    data = _shared_strings_workbook(3)
    got = _streamed_rows(data)
    assert [_trimmed(row) for row in _openpyxl_rows(data)] == got
    assert got[0] == ["富文本", None, "转义 & <"]
    assert got[3] == ["91150502MA00000002", "第2号企业有限公司", 2]


def _peak_while_reading(data: bytes) -> int:
    tracemalloc.start()
    try:
        reader = XlsxRows(io.BytesIO(data))
        count = sum(1 for _ in reader.rows())
        reader.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert count


def test_memory_does_not_grow_with_the_shared_string_table() -> None:
    small, large = _shared_strings_workbook(5_000), _shared_strings_workbook(20_000)
    # 30,000 more distinct texts: held in memory, they would add some 3 MB; on disk, 4 bytes each.
    grown = _peak_while_reading(large) - _peak_while_reading(small)
    assert grown < 500_000, grown


def test_a_sheet_cut_off_part_way_is_refused_as_a_damaged_file(tmp_path: Path) -> None:
    whole = _shared_strings_workbook(50)
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]  # ends inside a row
    path = tmp_path / "名录.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with path.open("rb") as stream:
        _headers, rows = read_table(stream, path.name)
        with pytest.raises(ImportFileError, match="无法读取 Excel 文件"):
            list(rows)
