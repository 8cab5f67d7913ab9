from __future__ import annotations

import itertools
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypinyin
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin
from pypinyin.constants import PHRASES_DICT

from zhuqi.core.chinese import (
    MAX_PINYIN_VARIANTS,
    USER_WORDS,
    jieba,
    normalise_query,
    pinyin_keys,
    to_simplified,
    words,
)


def test_initials_and_full_pinyin_are_both_keys() -> None:
    keys = pinyin_keys("联晟新材料")
    assert "lsxcl" in keys
    assert any(key.startswith("lianshengxin") for key in keys)


def test_traditional_text_is_simplified() -> None:
    assert to_simplified("聯晟新材料") == "联晟新材料"


def test_queries_are_normalised_like_the_index() -> None:
    assert normalise_query(" ＬＳＸＣＬ ") == "lsxcl"
    assert normalise_query("聯晟") == "联晟"


def _variants_before(readings: list[list[str]]) -> list[str]:
    chosen: list[list[str]] = []
    count = 1
    for options in readings:
        unique = list(dict.fromkeys(options))
        if count * len(unique) <= MAX_PINYIN_VARIANTS:
            chosen.append(unique)
            count *= len(unique)
        else:
            chosen.append(unique[:1])
    return ["".join(parts) for parts in itertools.product(*chosen)]


def _pinyin_keys_before(text: str) -> list[str]:
    """pinyin_keys as it was before its caches: one pypinyin conversion of the whole text."""
    if not text:
        return []
    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")
    initials = _variants_before([[reading[:1] for reading in options] for options in readings])
    full = _variants_before(readings)
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


def test_the_phrase_readings_are_pypinyins_own() -> None:
    # Loaded by zhuqi a phrase at a time with shared lists (pypinyin's import was told to skip
    # them): the same readings for every phrase as pypinyin's own load of its file.
    pinyin_keys("银行")
    with (Path(pypinyin.__file__).parent / "phrases_dict.json").open(encoding="utf-8") as source:
        assert json.load(source) == PHRASES_DICT


def test_words_keep_their_phrase_reading() -> None:
    # 银行 is yinhang as a word, though 行 alone is also xing; 重庆 chongqing, not zhongqing.
    assert "yinhang" in pinyin_keys("银行")
    assert "yinxing" not in pinyin_keys("银行")
    assert pinyin_keys("重庆长安") == _pinyin_keys_before("重庆长安")
    assert "chongqingchangan" in pinyin_keys("重庆长安")


@lru_cache(maxsize=1)
def _jieba_itself() -> Any:
    """jieba 0.42 (the Python original) with our words, as zhuqi cut with it before rjieba."""
    import jieba as original

    original.setLogLevel(logging.WARNING)
    tokenizer = original.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_WORDS))
    return tokenizer


@lru_cache(maxsize=1)
def _dictionary_words() -> list[str]:
    return [line.split(" ", 1)[0] for line in _jieba_itself().get_dict_file().read().decode().splitlines()]


# Texts as zhuqi's are: dictionary words run together (so the cut has choices to make), our own
# words, and names and punctuation between them.
_TEXT = st.lists(
    st.one_of(
        st.builds(lambda k: _dictionary_words()[k % len(_dictionary_words())], st.integers(0, 10**6)),
        st.sampled_from(USER_WORDS.read_text(encoding="utf-8").split()),
        _NAME_TEXT,
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_words_are_cut_as_jieba_cuts_them(text: str) -> None:
    # Texts indexed before rjieba replaced jieba are searched with queries cut by rjieba: the two
    # must cut alike without guessing unknown words (the word index's cut), and agree on what is
    # a word.
    original = _jieba_itself()
    assert jieba().cut(text, False) == original.lcut(text, HMM=False)
    # Guessing (common problems' words, which nothing stores) they agree on Chinese text; around
    # punctuation and characters past jieba's range (U+9FD5) jieba-rs's guesses join more
    # ("A-B", "-㐀" one word), which only makes such a word rarer.
    # (Filtered after normalising: Simplified forms of some characters lie past U+9FD5.)
    chinese = "".join(character for character in normalise_query(text) if "\u4e00" <= character <= "\u9fd5")
    assert jieba().cut(chinese, True) == original.lcut(chinese, HMM=True)
    assert words(chinese) == original.lcut_for_search(normalise_query(chinese))
    for size in (2, 3):
        for k in range(len(text) - size + 1):
            assert jieba().has_word(text[k : k + size]) == bool(original.FREQ.get(text[k : k + size]))
