"""Which encoding an uploaded CSV (or text list) is in. Excel on Chinese Windows saves CSV in
GBK/GB18030, on Taiwanese and Hong Kong Windows in Big5, on Japanese Windows in Shift-JIS; "CSV UTF-8"
adds a BOM; "Unicode text" is UTF-16 with tabs between the cells. GB18030 decodes almost any bytes
without an error, so trying it and seeing whether it fails (as this module once did) reads a Big5 file
as nonsense; charset-normalizer compares how each candidate's text reads instead."""

from __future__ import annotations

import codecs
import csv
import re

import charset_normalizer

ACCEPTED = "UTF-8、GBK/GB18030、Big5、Shift-JIS 或 UTF-16"
RESAVE = f"请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再上传（可接受的编码：{ACCEPTED}）"

# The byte-order marks say the encoding outright (longest first: UTF-32's starts like UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The legacy encodings, in the order preferred when charset-normalizer finds two equally likely (a
# file of a few characters can be both): most lists in mainland government offices are GB18030.
# cp950 is Windows' Big5; big5hkscs has Hong Kong's extra characters; cp932 is Windows' Shift-JIS.
CANDIDATES = ("gb18030", "cp950", "big5hkscs", "cp932")
_NAMES = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
    "gb18030": "GB18030",
    "cp950": "Big5",
    "big5hkscs": "Big5",
    "cp932": "Shift-JIS",
}
# How much of the file charset-normalizer looks at: enough rows to tell, little enough to be quick.
_SAMPLE = 256 * 1024
_NON_ASCII = re.compile(rb"[\x80-\xff]")


class UnknownEncoding(ValueError):
    """The bytes are in none of the encodings accepted, or cannot be told apart."""


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnknownEncoding(
            f"文件的编码像是 {_NAMES.get(encoding, encoding)}，但第 {error.start + 1} 个字节处不是：{RESAVE}"
        ) from None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without its mark: the only accepted encoding with zero bytes in text (every ASCII
    character, the commas and digits of a CSV, has one), on the odd bytes if little-endian."""
    if b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    return "utf-16-le" if odd > even else "utf-16-be"


def _sample(raw: bytes) -> bytes:
    """The lines charset-normalizer is shown: from the first line with a non-ASCII byte (a long
    list of codes and numbers says nothing), cut at line ends so no character is cut in half (a
    line feed is never part of a GBK, Big5 or Shift-JIS character)."""
    first = _NON_ASCII.search(raw)
    start = raw.rfind(b"\n", 0, first.start()) + 1 if first else 0
    sample = raw[start : start + _SAMPLE]
    if start + _SAMPLE < len(raw):
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    return sample


def detect(raw: bytes) -> str:
    """The Python codec name of `raw`'s encoding, or UnknownEncoding saying which are accepted."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(raw[:4096])
    if utf16:
        return utf16
    sample = _sample(raw)
    results = list(charset_normalizer.from_bytes(sample, cp_isolation=list(CANDIDATES)))
    if not results:
        raise UnknownEncoding(
            f"无法识别文件的编码：请在 Excel 中“另存为”CSV UTF-8（逗号分隔）后再上传（可接受 {ACCEPTED}）"
        )
    best = results[0]
    tied = [r.encoding for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    return min(tied, key=lambda name: CANDIDATES.index(name) if name in CANDIDATES else len(CANDIDATES))


def decode_csv(raw: bytes) -> str:
    """The text of an uploaded CSV or text list, whichever accepted encoding it was saved in."""
    encoding = detect(raw)
    text = _decode(raw, encoding)
    return text.removeprefix("\ufeff")


def csv_dialect(text: str) -> type[csv.Dialect]:
    """Commas, or tabs for Excel's "Unicode text" (a header with tabs and no comma)."""
    header = text.split("\n", 1)[0]
    return csv.excel_tab if "\t" in header and "," not in header else csv.excel
