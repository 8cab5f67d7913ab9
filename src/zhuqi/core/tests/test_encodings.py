"""CSV lists in the encodings Excel saves them in, around the Chinese-speaking world: each read
as what was typed, through the enterprise importer. Big5 and Shift-JIS were read as GBK before and
refused with a garbled header ("缺少必需的列 … 第1行表头为：瑞一芯夞…")."""

from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhuqi.core.chinese import to_simplified
from zhuqi.core.encodings import decode_csv
from zhuqi.core.tabular import ImportFileError, read_table
from zhuqi.core.validators import make_uscc
from zhuqi.demo.names import TRADE_NAMES
from zhuqi.enterprises.importing import import_enterprises
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.factories import Cast

SIMPLIFIED = ("统一社会信用代码", "企业名称", "所在地区", "地址")
# As a list kept in Taiwan or Hong Kong heads its columns.
TRADITIONAL = ("統一社會信用代碼", "企業名稱", "所在地區", "地址")
# As a Japanese Windows (Shift-JIS has no 统 or 码) would write the same words.
JAPANESE = ("統一社会信用代碼", "企業名称", "所在地区", "住所")


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]], *, separator: str = ",") -> str:
    return "".join(separator.join(line) + "\r\n" for line in [header, *rows])


CASES = {
    "UTF-8 with BOM": (SIMPLIFIED, "联晟新材料有限公司", "utf-8-sig", ","),
    "UTF-8": (SIMPLIFIED, "联晟新材料有限公司", "utf-8", ","),
    "GB18030 (Excel on Chinese Windows)": (SIMPLIFIED, "锦联铝材有限公司", "gb18030", ","),
    "GBK": (SIMPLIFIED, "霍林郭勒市鑫晟镕铝业有限公司", "gbk", ","),
    "Big5 (Taiwan, Hong Kong)": (TRADITIONAL, "霍林郭勒市聯晟新材料有限公司", "big5", ","),
    "Shift-JIS": (JAPANESE, "霍林郭勒市新材料有限公司", "cp932", ","),
    "UTF-16 (Excel's Unicode text, tab-separated)": (SIMPLIFIED, "联晟新材料有限公司", "utf-16", "\t"),
    "UTF-16 without a byte-order mark": (SIMPLIFIED, "联晟新材料有限公司", "utf-16-le", ","),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_a_list_in_each_encoding_is_imported_as_typed(cast: Cast, case: str) -> None:
    header, name, encoding, separator = CASES[case]
    uscc = make_uscc("150581", 771)
    raw = _csv(header, [(uscc, name, "150581", "No.1")], separator=separator).encode(encoding)
    report = import_enterprises(actor=cast.coordinator, stream=io.BytesIO(raw), filename="名录.csv")
    assert report.errors == [] and report.created == 1, report.errors
    # The name as the office typed it (Traditional stays Traditional); only the headers are matched
    # in Simplified.
    assert Enterprise.objects.get(uscc=uscc).name == name


def test_each_encoding_decodes_to_the_text() -> None:
    for header, name, encoding, separator in CASES.values():
        text = _csv(header, [("1", name, "150581", "甲")], separator=separator)
        assert decode_csv(text.encode(encoding)) == text, encoding
    text = _csv(SIMPLIFIED, [("1", "乙", "150581", "丙")])
    assert decode_csv(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == text
    # A file of a few characters can be read as more than one encoding: GB18030 is taken.
    assert decode_csv("名称\n".encode("gb18030")) == "名称\n"


def test_an_encoding_not_accepted_is_named_with_those_that_are() -> None:
    raw = "Société,Größe\r\nCafé,Müller\r\n".encode("latin-1")
    with pytest.raises(ImportFileError) as refused:
        read_table(io.BytesIO(raw), "list.csv")
    message = str(refused.value)
    assert "编码" in message and "UTF-8" in message and "Big5" in message and "Shift-JIS" in message


# Names as lists have them: one to four trade words and a legal form, in Simplified, or in
# Traditional for Big5.
names = st.lists(st.sampled_from(TRADE_NAMES), min_size=1, max_size=4).map(
    lambda words: "".join(words) + "有限公司"
)


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=0, max_size=30), st.sampled_from(["gb18030", "big5", "utf-8-sig", "utf-16"]))
def test_any_list_round_trips_through_its_encoding(rows: list[str], encoding: str) -> None:
    header = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    body = [(str(index), name, "150581", "工业园区") for index, name in enumerate(rows)]
    text = _csv(header, body)
    if encoding == "big5":
        from opencc import OpenCC

        text = OpenCC("s2t").convert(text)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return  # a character Big5 has no code for: such a list cannot be saved in Big5 at all
    headers, read = read_table(io.BytesIO(raw), "list.csv")
    assert [to_simplified(h) for h in headers] == list(SIMPLIFIED)
    assert decode_csv(raw) == text
    assert [cells[1] for _, cells in read] == [line[1] for line in _csv_rows(text)]


def _csv_rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().split("\r\n")[1:]]
