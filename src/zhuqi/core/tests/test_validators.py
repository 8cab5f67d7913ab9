from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhuqi.core.validators import (
    USCC_ALPHABET,
    USCCError,
    make_uscc,
    mask_name,
    mask_phone,
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
