from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhuqi.core.validators import (
    USCC_ALPHABET,
    DocumentNumberError,
    USCCError,
    make_uscc,
    mask_name,
    mask_phone,
    normalise_document_number,
    uscc_check_digit,
    validate_uscc,
)

divisions = st.from_regex(r"\A[1-6][0-9]{5}\Z")
serials = st.integers(min_value=0, max_value=31**7 - 1)


@given(divisions, serials)
def test_generated_codes_are_valid(division: str, serial: int) -> None:
    code = make_uscc(division, serial)
    assert validate_uscc(code) == code
    assert code[2:8] == division


@given(divisions, serials, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_changed_character_is_refused(division: str, serial: int, position: int, ch: str) -> None:
    code = make_uscc(division, serial)
    if code[position] == ch or (2 <= position < 8 and not ch.isdigit()):
        return
    changed = code[:position] + ch + code[position + 1 :]
    with pytest.raises(USCCError) as caught:
        validate_uscc(changed)
    assert caught.value.code == "check_digit"
    assert f"校验位应为“{uscc_check_digit(changed[:17])}”" in str(caught.value)


def test_known_real_format_code_is_accepted() -> None:
    # The example code of GB 32100-2015's annex.
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "不能为空"),
        ("91350100M000100Y4", "length", "应为18位，实际为17位"),
        ("91350100M000100YI3", "character", "第17位字符“I”不合法"),
        ("9135A100M000100Y43", "character", "第5位字符“A”不合法"),
        ("91350100M000100Y44", "check_digit", "校验位应为“3”，实际为“4”"),
    ],
)
def test_refusals_say_what_is_wrong(value: str, code: str, fragment: str) -> None:
    with pytest.raises(USCCError) as caught:
        validate_uscc(value)
    assert caught.value.code == code
    assert fragment in str(caught.value)


def test_full_width_and_lower_case_are_normalised() -> None:
    assert validate_uscc(" ９１350100m000100y43 ") == "91350100M000100Y43"


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_mobile_numbers_keep_only_prefix_and_last_four(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked.startswith(phone[:3]) and masked.endswith(phone[-4:])
    assert phone[3:7] not in masked[3:7]
    assert len(masked) == len(phone)


def test_names_are_masked_but_recognisable() -> None:
    assert mask_name("张建国") != "张建国"
    assert mask_name("张建国").startswith("张")
    assert mask_name("") == ""


# --- Document numbers (发文字号) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("内政办发〔2022〕12号", "内政办发〔2022〕12号"),
        ("国办发〔2022〕11号", "国办发〔2022〕11号"),
        ("财税〔2022〕14号", "财税〔2022〕14号"),
        ("蒙财税〔2022〕1号", "蒙财税〔2022〕1号"),
        ("发改财金规〔2022〕271号", "发改财金规〔2022〕271号"),
        (" 国办发【２０２２】 11 号 ", "国办发〔2022〕11号"),
        ("财税(2022)14号", "财税〔2022〕14号"),
        ("财税（2022）14号", "财税〔2022〕14号"),
        ("财税[2022]14号", "财税〔2022〕14号"),
        ("财税［2022］14号", "财税〔2022〕14号"),
        ("财税﹝2022﹞14号", "财税〔2022〕14号"),
        ("国家税务总局公告2022年第2号", "国家税务总局公告2022年第2号"),
        ("财政部 税务总局公告2022年第14号", "财政部税务总局公告2022年第14号"),
        (
            "人力资源社会保障部\u3000财政部 国家税务总局公告2022年第1号",
            "人力资源社会保障部财政部国家税务总局公告2022年第1号",
        ),
        ("公安部通告２０２３年第３号", "公安部通告2023年第3号"),
        ("", ""),
        (" \u3000\t", ""),
    ],
)
def test_document_numbers_are_normalised(value: str, expected: str) -> None:
    assert normalise_document_number(value) == expected


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("财税〔1999〕14号", "year", "年份应在2000至2100之间，实际为1999年"),
        ("财税〔2101〕14号", "year", "年份应在2000至2100之间，实际为2101年"),
        ("国家税务总局公告1999年第2号", "year", "年份应在2000至2100之间"),
        ("财税〔22〕14号", "year", "年份应标全称"),
        ("财税〔〕14号", "year", "缺少年份"),
        ("财税〔2022〕012号", "serial", "不编虚位"),
        ("国家税务总局公告2022年第02号", "serial", "不编虚位"),
        ("财税〔2022〕0号", "serial", "不能为0"),
        ("国家税务总局公告2022年第0号", "serial", "不能为0"),
        ("财税〔2022〕14", "serial", "后缺少“号”字"),
        ("国家税务总局公告2022年第2", "serial", "后缺少“号”字"),
        ("财税〔2022〕", "serial", "缺少发文顺序号"),
        ("财税〔2022〕第14号", "serial", "不加“第”字"),
        ("国家税务总局公告2022年2号", "serial", "应有“第”字"),
        ("国家税务总局公告2022第2号", "year", "应有“年”字"),
        ("财税2022年14号", "brackets", "六角括号"),
        ("财税202214号", "brackets", "六角括号"),
        ("财税〔2022〔14号", "brackets", "一对六角括号"),
        ("CS〔2022〕14号", "issuer", "“C”不是汉字"),
        ("财税1〔2022〕14号", "issuer", "“1”不是汉字"),
        ("〔2022〕14号", "issuer", "缺少发文机关代字"),
        ("财" * 21 + "〔2022〕14号", "issuer", "最多20个汉字"),
        ("第14号", "format", "发文字号应为"),
        ("财政部公告第2号", "format", "发文字号应为"),
        ("No. 14", "format", "发文字号应为"),
    ],
)
def test_document_number_refusals_say_what_is_wrong(value: str, code: str, fragment: str) -> None:
    with pytest.raises(DocumentNumberError) as caught:
        normalise_document_number(value)
    assert caught.value.code == code
    assert fragment in str(caught.value)
    assert caught.value.message == str(caught.value)
    assert caught.value.message_en


issuer_codes = st.text(alphabet="国办发财税政部人社内蒙改规金委省市县区厅局农水教卫", min_size=1, max_size=8)
document_years = st.integers(min_value=2000, max_value=2100)
document_serials = st.integers(min_value=1, max_value=9999)
year_brackets = st.sampled_from(["〔〕", "[]", "【】", "()", "（）", "［］", "﹝﹞"])
blanks = st.sampled_from(["", "", "", " ", "\u3000", "\t"])


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


@given(issuer_codes, document_years, document_serials, year_brackets, st.data())
def test_document_number_spellings_share_one_canonical_form(
    issuer: str, year: int, serial: int, brackets: str, data: st.DataObject
) -> None:
    canonical = f"{issuer}〔{year}〕{serial}号"
    typed = f"{issuer}{brackets[0]}{year}{brackets[1]}{serial}号"
    typed = "".join(
        data.draw(blanks) + (_full_width(ch) if data.draw(st.booleans()) else ch) for ch in typed
    ) + data.draw(blanks)
    assert normalise_document_number(typed) == canonical
    assert normalise_document_number(canonical) == canonical


@given(issuer_codes, issuer_codes, st.sampled_from(["公告", "通告"]), document_years, document_serials)
def test_announcement_numbers_ignore_spaces_between_issuers(
    first: str, second: str, kind: str, year: int, serial: int
) -> None:
    canonical = f"{first}{second}{kind}{year}年第{serial}号"
    assert (
        normalise_document_number(f" {first} {second}{kind}{_full_width(str(year))}年第 {serial} 号")
        == canonical
    )
    assert normalise_document_number(canonical) == canonical


@given(issuer_codes, document_years, document_serials, st.integers(min_value=1, max_value=3), st.booleans())
def test_leading_zero_serials_are_always_refused(
    issuer: str, year: int, serial: int, zeros: int, announcement: bool
) -> None:
    padded = "0" * zeros + str(serial)
    value = f"{issuer}公告{year}年第{padded}号" if announcement else f"{issuer}〔{year}〕{padded}号"
    with pytest.raises(DocumentNumberError) as caught:
        normalise_document_number(value)
    assert caught.value.code == "serial"


@given(st.one_of(st.text(), st.text(alphabet="财税国办发公告通告年第号〔〕()【】0123456789０１２ \u3000A")))
def test_document_number_only_ever_raises_its_own_error(value: str) -> None:
    try:
        normalised = normalise_document_number(value)
    except DocumentNumberError as error:
        assert error.message and error.message_en
    else:
        assert normalise_document_number(normalised) == normalised
