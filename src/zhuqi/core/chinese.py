"""Chinese text helpers: Traditional → Simplified, full-width → half-width, pinyin search keys,
words (jieba)."""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.converter import DefaultConverter
from pypinyin.seg import mmseg

# Polyphonic characters multiply the readings of a name; past this many variants the rest of
# the characters keep their most common reading only, so one name cannot bloat the index.
MAX_PINYIN_VARIANTS = 8


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text


def to_halfwidth(text: str) -> str:
    """Full-width ASCII letters, digits and punctuation (common in pasted Chinese documents) to ASCII."""
    return unicodedata.normalize("NFKC", text) if text else text


def _variants(readings: list[list[str]]) -> list[str]:
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


def pinyin_keys(text: str) -> list[str]:
    """Initials and full pinyin of `text`, one string per reading: 联晟 → lc, ls, …, liansheng, …

    Polyphonic characters (晟 is shèng or chéng) give several variants, so a user typing the
    reading they know finds the name.
    """
    if not text:
        return []
    readings = _readings(text)
    # The initials are the first letters of the full readings, which is what Style.FIRST_LETTER
    # would compute again.
    initials = _variants([[reading[:1] for reading in options] for options in readings])
    full = _variants(readings)
    return [key.lower() for key in dict.fromkeys(initials + full) if key]


# What pypinyin.pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore") returns, in a
# fraction of its time (the costly part of an import: 262 µs a name). pypinyin splits the text
# into runs of Chinese characters and the rest, cuts each Chinese run into the words of its
# phrase dictionary (a word's reading can differ from its characters' readings: 银行 is yinhang,
# never yinxing), and converts each word on its own. The same cut is made here, the run split
# by one regular expression instead of a character loop, and each word's conversion is cached:
# a list of 100,000 enterprises has a few thousand distinct words. core/tests/test_chinese.py
# compares the two over arbitrary text.
_HANS_CLASS = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
_RUNS = re.compile(f"{_HANS_CLASS}+|[^{_HANS_CLASS[1:]}+", re.DOTALL)
_CONVERTER = DefaultConverter()


def _segments(text: str) -> list[str]:
    """pypinyin.seg.simpleseg.seg(text): its words, and the runs of other characters."""
    segments: list[str] = []
    for run in _RUNS.findall(text):
        if PHRASES_DICT and RE_HANS.match(run):
            segments.extend(mmseg.seg.cut(run))
        else:
            segments.append(run)
    return segments


@lru_cache(maxsize=1 << 16)
def _segment_readings(segment: str) -> tuple[list[str], ...]:
    return tuple(_CONVERTER.convert(segment, Style.NORMAL, True, "ignore", True))


def _readings(text: str) -> list[list[str]]:
    return [options for segment in _segments(text) for options in _segment_readings(segment)]


def normalise_query(text: str) -> str:
    """What a search box's input is compared as: trimmed, half-width, simplified, lower-case."""
    return to_simplified(to_halfwidth(text.strip())).lower()


# Terms of government–enterprise work that jieba's general dictionary splits (留抵/退税, 用电/指标),
# one a line; shipped with the package so segmentation needs no download.
USER_WORDS = Path(__file__).resolve().parent / "data" / "jieba_words.txt"


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # jieba announces its dictionary load on stderr at DEBUG level; a server's log is not the place.
    jieba.setLogLevel(logging.WARNING)
    # A tokenizer of our own, so the added words do not change jieba's default one for other code.
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_WORDS))
    return tokenizer


def words_with_parts(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The words of `text` (normalised as a query is), each with the shorter dictionary words
    inside it that search mode adds (留抵退税 → 留抵, 退税): `words` tells the two apart, so a
    caller can weigh a word written out (退税) above the same word as part of a longer one."""
    if not text:
        return []
    tokenizer = _tokenizer()
    found = []
    for word in tokenizer.lcut(normalise_query(text)):
        parts: list[str] = []
        # What jieba's cut_for_search yields before the word itself: its 2- and 3-character
        # dictionary words.
        for size in (2, 3):
            if len(word) > size:
                parts += [
                    word[i : i + size]
                    for i in range(len(word) - size + 1)
                    if tokenizer.FREQ.get(word[i : i + size])
                ]
        found.append((word, tuple(parts)))
    return found


def words(text: str) -> list[str]:
    """The words of `text` (normalised as a query is), in jieba's search mode: a long word comes
    with its shorter dictionary words too (留抵退税 → 留抵, 退税, 留抵退税), so two texts that
    phrase one thing differently still share words."""
    return _tokenizer().lcut_for_search(normalise_query(text)) if text else []
