"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015) and PIPL masking
of contact data (phone numbers, personal names) for lists and exports.

Pure Python: no Django imports, so services, importers and tests can all use it.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

__all__ = [
    "MONTHS_MAX",
    "USCC_ALPHABET",
    "USCC_LENGTH",
    "YEAR_MAX",
    "YEAR_MIN",
    "USCCError",
    "is_id",
    "is_region_code",
    "is_year",
    "make_uscc",
    "mask_contacts",
    "mask_name",
    "mask_phone",
    "parse_id",
    "uscc_check_digit",
    "validate_uscc",
]

# GB 32100-2015 §4: digits and upper-case letters except I, O, Z, S, V (31 characters; a
# character's index is its value in the check-digit sum).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_DIGITS = "0123456789"
# Record keys are 64-bit: 18 digits always fit, 19 may not (an overflow on SQLite, an error on
# PostgreSQL), and no key of ours comes near 10^18.
ID_MAX_DIGITS = 18
REGION_CODE_LENGTH = 6
# The years a filter or a plan may name: wide around the system's records, narrow enough that a
# date in them exists (Python's dates end at 9999, a year of 10000 was a server error).
YEAR_MIN = 2000
YEAR_MAX = 2100
# How far back a "for N months" filter may look: ten years, longer than any register has been kept.
MONTHS_MAX = 120
# Positions 3–8 are the registering authority's administrative division code (GB/T 2260): digits
# only. Every other position uses the full alphabet: positions 1–2 (登记管理部门代码, 机构类别代码)
# may be letters (e.g. N for 农业农村 registrations, Y for 其他), which python-stdnum's
# `validate()` wrongly rejects — it requires digits in positions 1–8; so we check characters here
# and only take the check-digit computation from stdnum. Positions 9–17 (主体标识码, compiled per
# GB 11714) are not checked against GB 11714's own check digit: GB 32100 only refers to that
# standard, and real codes with anomalous bodies exist; the position-18 check digit is the
# code's integrity check.
_DIVISION_POSITIONS = range(3, 9)

# Full-width ASCII digits and letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) → half-width. Narrower
# than NFKC on purpose: NFKC would also turn ①, ² or Ⅰ into valid-looking characters.
_HALFWIDTH = str.maketrans(
    {chr(c + 0xFEE0): chr(c) for c in (*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B))}
)


def _ascii_digits(value: str) -> bool:
    # Not str.isdigit(): that accepts "²" or "١", which int() then refuses or misreads.
    return bool(value) and all(ch in _DIGITS for ch in value)


def is_id(value: object) -> bool:
    """Whether `value` (from a form or a query string) is a record id: 1–18 ASCII digits, so
    int() reads it and it fits a 64-bit key."""
    return isinstance(value, str) and len(value) <= ID_MAX_DIGITS and _ascii_digits(value)


def parse_id(value: object) -> int | None:
    """The record id `value` names, or None when it is not one (see is_id); surrounding blanks
    are ignored."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return int(value) if is_id(value) else None


def is_year(value: object) -> bool:
    """Whether `value` is an int between YEAR_MIN and YEAR_MAX."""
    return isinstance(value, int) and YEAR_MIN <= value <= YEAR_MAX


def is_region_code(value: object) -> bool:
    """Whether `value` is a GB/T 2260 region code: exactly six ASCII digits."""
    return isinstance(value, str) and len(value) == REGION_CODE_LENGTH and _ascii_digits(value)


class USCCError(ValueError):
    """An invalid unified social credit code. `str()` is the Chinese message for the user.

    `code` is one of "required", "length", "character", "check_digit"; `position` (1-based) is
    set for "character" (the offending position) and "check_digit" (18).
    """

    def __init__(self, message: str, *, message_en: str, code: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code
        self.position = position


def uscc_check_digit(first17: str) -> str:
    """The check digit (position 18) for the first 17 characters of a code (GB/T 17710, mod 31)."""
    if len(first17) != USCC_LENGTH - 1 or any(ch not in USCC_ALPHABET for ch in first17):
        raise ValueError(f"expected 17 characters from {USCC_ALPHABET!r}, got {first17!r}")
    return _stdnum_uscc.calc_check_digit(first17)


def validate_uscc(value: str) -> str:
    """Normalise and validate a unified social credit code; return the 18-character code.

    Surrounding whitespace is stripped, full-width letters and digits become half-width and
    letters are upper-cased. Raises `USCCError` describing the first problem found.
    """
    code = value.translate(_HALFWIDTH).strip().upper()
    if not code:
        raise USCCError(
            "统一社会信用代码不能为空",
            message_en="The unified social credit code is required.",
            code="required",
        )
    if len(code) != USCC_LENGTH:
        raise USCCError(
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            message_en=f"The unified social credit code must have 18 characters, not {len(code)}.",
            code="length",
        )
    for position, ch in enumerate(code, start=1):
        if position in _DIVISION_POSITIONS:
            if ch not in _DIGITS:
                raise USCCError(
                    f"第{position}位字符“{ch}”不合法（第3至8位是登记管理机关行政区划码，只能是数字）",
                    message_en=f"Character '{ch}' at position {position} is not allowed: positions 3-8 "
                    "are the registering authority's division code and must be digits.",
                    code="character",
                    position=position,
                )
        elif ch not in USCC_ALPHABET:
            raise USCCError(
                f"第{position}位字符“{ch}”不合法（只能是数字或除I、O、Z、S、V以外的大写英文字母）",
                message_en=f"Character '{ch}' at position {position} is not allowed: only digits and "
                "upper-case letters other than I, O, Z, S, V may be used.",
                code="character",
                position=position,
            )
    expected = uscc_check_digit(code[:-1])
    if code[-1] != expected:
        raise USCCError(
            f"校验位应为“{expected}”，实际为“{code[-1]}”",
            message_en=f"The check digit should be '{expected}', not '{code[-1]}'.",
            code="check_digit",
            position=USCC_LENGTH,
        )
    return code


def make_uscc(division: str, serial: int, *, prefix: str = "91") -> str:
    """A well-formed code for generated data (demo, tests, benchmarks): enterprise prefix "91",
    the division code, a body "MA" + serial in base 31, and the right check digit. Codes made
    this way are valid by construction, not registered enterprises."""
    if len(division) != 6 or not division.isdigit():
        raise ValueError(f"division must be 6 digits, got {division!r}")
    body = []
    for _ in range(7):
        serial, remainder = divmod(serial, len(USCC_ALPHABET))
        body.append(USCC_ALPHABET[remainder])
    if serial:
        raise ValueError("serial too large for a 7-character body")
    first17 = f"{prefix}{division}MA{''.join(reversed(body))}"
    return first17 + uscc_check_digit(first17)


def mask_contacts(contacts: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """An enterprise's contact list with names and phone numbers masked, titles kept."""
    return [
        {**contact, "name": mask_name(contact.get("name", "")), "phone": mask_phone(contact.get("phone", ""))}
        for contact in contacts or []
        if isinstance(contact, dict)
    ]


# --- PIPL masking -------------------------------------------------------------------------------

MASK = "*"


def _digit_value(ch: str) -> int | None:
    return int(ch) if ch in _DIGITS else None


def mask_phone(value: str) -> str:
    """Mask a phone number for display: an 11-digit mainland mobile keeps its first 3 and last 4
    digits (138****1234, also behind a +86/0086 prefix); any other number keeps its last 4 digits
    only, and one of 4 digits or fewer is masked entirely. Separators and other characters stay
    where they are, so masking an already-masked value returns it unchanged.
    """
    # Every digit-like character (including full-width and other scripts' digits) is a slot that
    # may be masked; an existing "*" is a slot already masked.
    slots = [i for i, ch in enumerate(value) if ch == MASK or ch.isdigit()]
    halfwidth = value.translate(_HALFWIDTH)  # one character for one, so indices still match
    digits = [_digit_value(halfwidth[i]) for i in slots]
    offset = 0
    if len(slots) == 13 and digits[:2] == [8, 6]:
        offset = 2
    elif len(slots) == 15 and digits[:4] == [0, 0, 8, 6]:
        offset = 4
    local = digits[offset:]
    is_mobile = len(local) == 11 and local[0] == 1 and local[1] is not None and local[1] >= 3
    if is_mobile:
        keep = {*range(offset), *range(offset, offset + 3), *range(len(slots) - 4, len(slots))}
    elif len(slots) > 4:
        keep = set(range(len(slots) - 4, len(slots)))
    else:
        keep = set()
    chars = list(value)
    for n, i in enumerate(slots):
        if n not in keep:
            chars[i] = MASK
    return "".join(chars)


# Separators inside a name that are kept as they are: spaces and the interpuncts used in
# transliterated and minority names (迪丽热巴·迪力木拉提).
_NAME_SEPARATORS = frozenset(" \t\u3000·•・‧.-'’")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x9FFF  # CJK unified ideographs and extension A
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x3134F  # extensions B–G
        or 0x3040 <= cp <= 0x30FF  # kana
        or 0xAC00 <= cp <= 0xD7AF  # hangul
    )


def mask_name(value: str) -> str:
    """Mask a personal name for display.

    Chinese (CJK) names keep the first character and, from three characters on, the last one:
    张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜; a single character is masked entirely.
    Other names keep the first letter of each word: John Smith → J*** S****.
    Separators (spaces, ·, -, ') stay; masking an already-masked name returns it unchanged.
    """
    chars = list(value)
    if any(_is_cjk(ch) for ch in value):
        slots = [i for i, ch in enumerate(value) if ch not in _NAME_SEPARATORS and not ch.isspace()]
        keep = {slots[0], slots[-1]} if len(slots) >= 3 else set(slots[:1]) if len(slots) == 2 else set()
        for i in slots:
            if i not in keep:
                chars[i] = MASK
        return "".join(chars)
    first_of_word = True
    for i, ch in enumerate(chars):
        if ch.isspace():
            first_of_word = True
        elif ch.isalnum() or ch == MASK:
            if not first_of_word:
                chars[i] = MASK
            first_of_word = False
    return "".join(chars)


# --- Document numbers (发文字号) ------------------------------------------------------------------

__all__ += [
    "ANNOUNCEMENT_ISSUER_MAX",
    "DOCUMENT_ISSUER_MAX",
    "DocumentNumberError",
    "normalise_document_number",
]

# GB/T 9704-2012 §7.3.3: 发文机关代字 + year in 六角括号 + serial + 号, e.g. 国办发〔2022〕11号. The
# 代字 is an abbreviation; an announcement (公告/通告 numbered within a year) names its issuers in
# full, several of them for a joint one, so its name may be longer.
DOCUMENT_ISSUER_MAX = 20
ANNOUNCEMENT_ISSUER_MAX = 40
_ANNOUNCEMENT_KINDS = ("公告", "通告")
# People type the year brackets with whatever their input method offers; all become 〔〕
# (U+3014/3015). Full-width digits become ASCII; other scripts' digits are left alone and refused.
_DOCUMENT_NUMBER_CHARS = str.maketrans(
    {
        **{chr(c + 0xFEE0): chr(c) for c in range(0x30, 0x3A)},
        **dict.fromkeys("[【(（［﹝〔", "〔"),
        **dict.fromkeys("]】)）］﹞〕", "〕"),
    }
)
# Characters that are not str.isspace() but are as invisible as a space (pasted from web pages).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_DOCUMENT_NUMBER_EXAMPLES = "如国办发〔2022〕11号、国家税务总局公告2022年第2号"


class DocumentNumberError(ValueError):
    """An invalid document number (发文字号). `str()` is the Chinese message for the user.

    `code` is one of "format", "brackets", "issuer", "year", "serial".
    """

    def __init__(self, message: str, *, message_en: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x4DBF  # extension A
        or 0x4E00 <= cp <= 0x9FFF  # unified ideographs
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x3134F  # extensions B–G
    )


def _check_issuer(issuer: str, *, limit: int, name: str, name_en: str) -> None:
    if not issuer:
        raise DocumentNumberError(f"缺少{name}", message_en=f"The {name_en} is missing.", code="issuer")
    for ch in issuer:
        if not _is_han(ch):
            raise DocumentNumberError(
                f"{name}只能由汉字组成，“{ch}”不是汉字",
                message_en=f"The {name_en} may only contain Chinese characters, not '{ch}'.",
                code="issuer",
            )
    if len(issuer) > limit:
        raise DocumentNumberError(
            f"{name}最多{limit}个汉字，实际为{len(issuer)}个",
            message_en=f"The {name_en} may have at most {limit} characters, not {len(issuer)}.",
            code="issuer",
        )


def _check_year(year: str) -> None:
    if not year:
        raise DocumentNumberError("缺少年份", message_en="The year is missing.", code="year")
    if not _ascii_digits(year):
        raise DocumentNumberError(
            f"年份只能用阿拉伯数字标注，实际为“{year}”",
            message_en=f"The year must be written in Arabic numerals, not '{year}'.",
            code="year",
        )
    # Length first: int() of thousands of digits is itself a ValueError.
    if len(year) != 4:
        raise DocumentNumberError(
            f"年份应标全称（四位数字），实际为“{year}”",
            message_en=f"The year must be written in full with four digits, not '{year}'.",
            code="year",
        )
    if not is_year(int(year)):
        raise DocumentNumberError(
            f"年份应在{YEAR_MIN}至{YEAR_MAX}之间，实际为{year}年",
            message_en=f"The year must be between {YEAR_MIN} and {YEAR_MAX}, not {year}.",
            code="year",
        )


def _check_serial(tail: str) -> str:
    """The serial of `tail` ("12号"), checked; refuses a missing 号, 0 and leading zeros."""
    if not tail.endswith("号"):
        if _ascii_digits(tail):
            raise DocumentNumberError(
                f"发文顺序号“{tail}”后缺少“号”字",
                message_en=f"The serial number '{tail}' must be followed by '号'.",
                code="serial",
            )
        raise DocumentNumberError(
            f"发文顺序号应为阿拉伯数字加“号”字（如12号），实际为“{tail}”",
            message_en="The serial number must be Arabic numerals followed by '号' (e.g. 12号), "
            f"not '{tail}'.",
            code="serial",
        )
    serial = tail[:-1]
    if not _ascii_digits(serial):
        raise DocumentNumberError(
            f"发文顺序号只能用阿拉伯数字标注，实际为“{serial}”",
            message_en=f"The serial number must be written in Arabic numerals, not '{serial}'.",
            code="serial",
        )
    if not serial.strip("0"):
        raise DocumentNumberError(
            "发文顺序号不能为0", message_en="The serial number cannot be 0.", code="serial"
        )
    if serial.startswith("0"):
        raise DocumentNumberError(
            f"发文顺序号不编虚位（1不编为01），实际为“{serial}”",
            message_en=f"The serial number must not have leading zeros (1, not 01): '{serial}'.",
            code="serial",
        )
    return serial


def _format_error() -> DocumentNumberError:
    return DocumentNumberError(
        f"发文字号应为“机关代字〔年份〕序号号”或“机关名称公告年份年第序号号”的形式（{_DOCUMENT_NUMBER_EXAMPLES}）",
        message_en="A document number must look like 国办发〔2022〕11号 (issuer code, year in 〔〕, serial "
        "and 号) or 国家税务总局公告2022年第2号 (issuer, 公告, year and 年, 第, serial and 号).",
        code="format",
    )


def _bracketed_document_number(text: str) -> str:
    if text.count("〔") != 1 or text.count("〕") != 1 or text.index("〔") > text.index("〕"):
        raise DocumentNumberError(
            "年份应用一对六角括号“〔〕”括入（如国办发〔2022〕11号）",
            message_en="The year must be enclosed in one pair of brackets 〔〕 (e.g. 国办发〔2022〕11号).",
            code="brackets",
        )
    issuer, _, rest = text.partition("〔")
    year, _, tail = rest.partition("〕")
    _check_issuer(issuer, limit=DOCUMENT_ISSUER_MAX, name="发文机关代字", name_en="issuing authority's code")
    _check_year(year)
    if not tail:
        raise DocumentNumberError("缺少发文顺序号", message_en="The serial number is missing.", code="serial")
    if tail.startswith("第"):
        raise DocumentNumberError(
            "发文顺序号不加“第”字（如国办发〔2022〕11号）",
            message_en="The serial number is written without '第' (e.g. 国办发〔2022〕11号).",
            code="serial",
        )
    return f"{issuer}〔{year}〕{_check_serial(tail)}号"


def _announcement_number(text: str) -> str | None:
    """The canonical form of an announcement number (国家税务总局公告2022年第2号), or None when
    `text` names no 公告/通告 followed by a year."""
    for start in range(len(text) - 2):
        kind = text[start : start + 2]
        if kind in _ANNOUNCEMENT_KINDS and text[start + 2] in _DIGITS:
            break
    else:
        return None
    issuer, rest = text[:start], text[start + 2 :]
    _check_issuer(issuer, limit=ANNOUNCEMENT_ISSUER_MAX, name="发布机关名称", name_en="issuer's name")
    digits = len(rest) - len(rest.lstrip(_DIGITS))
    year, rest = rest[:digits], rest[digits:]
    _check_year(year)
    if not rest.startswith("年"):
        raise DocumentNumberError(
            f"{kind}编号的年份后应有“年”字（如国家税务总局{kind}2022年第2号）",
            message_en=f"In a {kind} number the year must be followed by '年' "
            f"(e.g. 国家税务总局{kind}2022年第2号).",
            code="year",
        )
    if not rest.startswith("年第"):
        raise DocumentNumberError(
            f"{kind}编号的序号前应有“第”字（如国家税务总局{kind}2022年第2号）",
            message_en=f"In a {kind} number the serial must be preceded by '第' "
            f"(e.g. 国家税务总局{kind}2022年第2号).",
            code="serial",
        )
    return f"{issuer}{kind}{year}年第{_check_serial(rest[2:])}号"


def normalise_document_number(value: str) -> str:
    """Normalise and validate a document number (发文字号, GB/T 9704-2012 §7.3.3); return its
    canonical form, or "" for a blank value (the field is optional).

    Two forms are accepted: 机关代字〔YYYY〕N号 (国办发〔2022〕11号; the 代字 is 1–20 Chinese
    characters) and an announcement numbered within its year, 机关名称公告YYYY年第N号 or …通告…
    (财政部 税务总局公告2022年第14号; the name is 1–40 Chinese characters). All whitespace,
    inside too, is removed; year brackets typed as [] 【】 () （） ［］ ﹝﹞ become 〔〕 and
    full-width digits become ASCII. The year must be YEAR_MIN–YEAR_MAX and written in full; the
    serial must not be 0, have leading zeros (不编虚位) or, in the first form, a 第. Raises
    `DocumentNumberError` describing the first problem found.
    """
    text = "".join(ch for ch in value if not ch.isspace() and ch not in _INVISIBLE)
    text = text.translate(_DOCUMENT_NUMBER_CHARS)
    if not text:
        return ""
    if "〔" in text or "〕" in text:
        return _bracketed_document_number(text)
    announcement = _announcement_number(text)
    if announcement is not None:
        return announcement
    if (
        _is_han(text[0])
        and any(_ascii_digits(text[i : i + 4]) for i in range(len(text) - 3))  # a year, unbracketed
        and not any(k in text for k in _ANNOUNCEMENT_KINDS)
    ):
        raise DocumentNumberError(
            "年份应用六角括号“〔〕”括入（如国办发〔2022〕11号）",
            message_en="The year must be enclosed in the brackets 〔〕 (e.g. 国办发〔2022〕11号).",
            code="brackets",
        )
    raise _format_error()
