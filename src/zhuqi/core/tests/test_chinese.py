from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from zhuqi.core.chinese import _variants, normalise_query, pinyin_keys, to_simplified


def test_initials_and_full_pinyin_are_both_keys() -> None:
    keys = pinyin_keys("联晟新材料")
    assert "lsxcl" in keys
    assert any(key.startswith("lianshengxin") for key in keys)


def test_traditional_text_is_simplified() -> None:
    assert to_simplified("聯晟新材料") == "联晟新材料"


def test_queries_are_normalised_like_the_index() -> None:
    assert normalise_query(" ＬＳＸＣＬ ") == "lsxcl"
    assert normalise_query("聯晟") == "联晟"


def _pinyin_keys_before(text: str) -> list[str]:
    """pinyin_keys as it was before its cache: one pypinyin conversion of the whole text."""
    if not text:
        return []
    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")
    initials = _variants([[reading[:1] for reading in options] for options in readings])
    full = _variants(readings)
    return [key.lower() for key in dict.fromkeys(initials + full) if key]


# Common and rare Chinese characters, the characters of pypinyin's phrases (so words are cut as
# words), and what lists mix in: Latin letters, digits, brackets, spaces, full-width forms.
_NAME_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
        st.sampled_from(list("银行长沙重庆音乐中国人民有限公司化工科尔沁区联晟行长会计单于")),
        st.sampled_from(list("ABCabc019（）() -·\n〇Ｌ")),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    ),
    max_size=24,
)


@settings(max_examples=400, deadline=None)
@given(_NAME_TEXT)
def test_pinyin_keys_are_those_of_one_pypinyin_conversion(text: str) -> None:
    assert pinyin_keys(text) == _pinyin_keys_before(text)


def test_words_keep_their_phrase_reading() -> None:
    # 银行 is yinhang as a word, though 行 alone is also xing; 重庆 chongqing, not zhongqing.
    assert "yinhang" in pinyin_keys("银行")
    assert "yinxing" not in pinyin_keys("银行")
    assert pinyin_keys("重庆长安") == _pinyin_keys_before("重庆长安")
    assert "chongqingchangan" in pinyin_keys("重庆长安")
