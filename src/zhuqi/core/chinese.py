"""Chinese text helpers: Traditional → Simplified, full-width → half-width, pinyin search keys,
words (jieba)."""

from __future__ import annotations

import gc
import itertools
import json
import re
import sys
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, cast

import opencc
import pypinyin
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


def _variants(readings: Sequence[Sequence[str]]) -> list[str]:
    """Each way of reading the characters, from their distinct readings (most common first)."""
    chosen: list[Sequence[str]] = []
    count = 1
    for options in readings:
        if count * len(options) <= MAX_PINYIN_VARIANTS:
            chosen.append(options)
            count *= len(options)
        else:
            chosen.append(options[:1])
    if count == 1:  # most names: one reading a character
        return ["".join([options[0] for options in chosen])]
    return ["".join(parts) for parts in itertools.product(*chosen)]


def pinyin_keys(text: str) -> list[str]:
    """Initials and full pinyin of `text`, one string per reading: 联晟 → lc, ls, …, liansheng, …

    Polyphonic characters (晟 is shèng or chéng) give several variants, so a user typing the
    reading they know finds the name.
    """
    if not text:
        return []
    _phrases()
    readings = [character for segment in _segments(text) for character in _segment_readings(segment)]
    initials = _variants([initials for _, initials in readings])
    full = _variants([full for full, _ in readings])
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


_SEPARATORS = re.compile(r"[\s,:]*")
_PHRASES_LOADING = threading.Lock()


def _after_separators(text: str, position: int) -> int:
    separators = _SEPARATORS.match(text, position)
    return separators.end() if separators else position


@lru_cache(maxsize=1)
def _phrases() -> None:
    """pypinyin's phrase readings (its own phrases_dict.json), loaded the first time keys are
    computed (PYPINYIN_NO_PHRASES is set in zhuqi/__init__.py, so pypinyin's import skipped them).

    Decoded a phrase at a time, each phrase's readings sharing the lists of the 1,249 distinct
    ones: pypinyin's own load decodes the whole file into 130,000 separate lists and strings
    (35 MiB of the 57 its tables took in every process). pypinyin deep-copies a phrase's readings
    before it changes them, so shared lists are never changed in place.
    """
    with _PHRASES_LOADING:  # a server's threads: none computes keys from half the phrases
        if not PHRASES_DICT:  # else loaded by pypinyin itself (PYPINYIN_NO_PHRASES set otherwise)
            _load_phrases()
            if gc.get_freeze_count():
                # Loaded inside a bulk writer that froze the objects alive before it
                # (core.bulk.long_lived_objects_frozen): these 100,000 are as long-lived, and
                # every full collection of the import would walk them (a 100k import: 2,600 ->
                # 2,250 rows per CPU second).
                gc.freeze()


def _load_phrases() -> None:
    text = (Path(pypinyin.__file__).resolve().parent / "phrases_dict.json").read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    shared: dict[tuple[str, ...], list[str]] = {}
    phrases: dict[str, list[list[str]]] = {}
    position = text.index("{") + 1
    while text[position := _after_separators(text, position)] != "}":
        phrase, position = decoder.raw_decode(text, position)
        readings, position = decoder.raw_decode(text, _after_separators(text, position))
        phrases[phrase] = [
            shared.setdefault(tuple(options), [sys.intern(reading) for reading in options])
            for options in readings
        ]
    pypinyin.load_phrases_dict(phrases)  # and retrains its word cutter on them


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
def _segment_readings(segment: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Each character's distinct readings and their distinct initials (the first letters of the
    readings, which is what Style.FIRST_LETTER would compute again)."""
    characters = []
    for options in _CONVERTER.convert(segment, Style.NORMAL, True, "ignore", True):
        full = tuple(dict.fromkeys(options))
        characters.append((full, tuple(dict.fromkeys([reading[:1] for reading in full]))))
    return tuple(characters)


def normalise_query(text: str) -> str:
    """What a search box's input is compared as: trimmed, half-width, simplified, lower-case."""
    return to_simplified(to_halfwidth(text.strip())).lower()


# Terms of government–enterprise work that jieba's general dictionary splits (留抵/退税, 用电/指标),
# one a line; shipped with the package so segmentation needs no download.
USER_WORDS = Path(__file__).resolve().parent / "data" / "jieba_words.txt"


class Jieba(Protocol):
    """What zhuqi cuts words with (the module rjieba is one)."""

    def cut(self, text: str, hmm: bool = True) -> list[str]: ...  # jieba's cut (lcut)

    def has_word(self, word: str) -> bool: ...  # jieba's FREQ.get(word): prefixes are not words


@lru_cache(maxsize=1)
def jieba() -> Jieba:
    """jieba's dictionary with our words added, loaded on the first cut (not by every process that
    imports this module).

    The words are cut by jieba-rs (through rjieba): jieba 0.42's dictionary, algorithm and cuts
    (core/tests/test_chinese.py compares the two, so texts indexed by either are searched alike)
    at a fifteenth of its time (4 µs a company name against 60) and under half its memory (32 MiB
    against 78). It is rjieba's own default instance: a second one would hold the dictionary
    twice, and nothing else in zhuqi cuts with it.

    With `hmm`, a cut's guesses join unknown characters into words (better for reading a text's
    topics); without, a text and a query are always cut alike.
    """
    import rjieba

    for word in USER_WORDS.read_text(encoding="utf-8").split():
        rjieba.add_word(word, None, None)
    # The module's functions are its default instance's methods (its stub leaves has_word out of
    # __all__, so mypy does not see it on the module).
    return cast(Jieba, rjieba)


def words_with_parts(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The words of `text` (normalised as a query is), each with the shorter dictionary words
    inside it that search mode adds (留抵退税 → 留抵, 退税): `words` tells the two apart, so a
    caller can weigh a word written out (退税) above the same word as part of a longer one."""
    if not text:
        return []
    found = []
    has_word = jieba().has_word
    for word in jieba().cut(normalise_query(text), True):
        parts: list[str] = []
        # What jieba's cut_for_search yields before the word itself: its 2- and 3-character
        # dictionary words.
        for size in (2, 3):
            if len(word) > size:
                parts += [
                    word[i : i + size] for i in range(len(word) - size + 1) if has_word(word[i : i + size])
                ]
        found.append((word, tuple(parts)))
    return found


def words(text: str) -> list[str]:
    """The words of `text` (normalised as a query is), in jieba's search mode: a long word comes
    with its shorter dictionary words too (留抵退税 → 留抵, 退税, 留抵退税), so two texts that
    phrase one thing differently still share words."""
    return [token for word, parts in words_with_parts(text) for token in (*parts, word)]
