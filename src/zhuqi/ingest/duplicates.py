"""Near-duplicates: the same event reported by several sites (issue 21, stage 5).

A government site, a news portal and a forum that reposts both carry one report of a visit with
their own chrome (gone after cleaning), a sentence moved, a paragraph cut, a title rewritten.
Two reports are one event when

1. their texts are alike: datasketch MinHash over character shingles of the cleaned text with
   spaces and punctuation removed (so a moved comma or a re-wrapped line changes nothing), found
   by MinHash LSH without comparing every pair; and
2. the facts extracted agree: the same start date and at least one lead official in common
   (names compared in pinyin, so "Song Cheng" is 宋诚). A leader's next visit, written from the
   same template with half the sentences the same, has another date and is not a duplicate.

How alike is alike enough depends on what the facts say (`_DECISIONS`): with both facts agreeing
a rewritten report (Jaccard ≥ 0.3) is the same event; with one fact unknown (a report without
its date) the texts must be closer (0.5); with neither known, a near-verbatim copy (0.85) only.
A fact that disagrees rules a pair out, however alike the texts: a leader's reports are written
from one template, and the next visit's reads nearly the same.

`Index.add(key, cleaned, extraction)` takes reports one by one and returns the key of the group
the report joins (its first report's key), or None. `merge` says which report's fields win.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from zhuqi.core.chinese import pinyin_keys
from zhuqi.ingest.extraction import EnterpriseMention, Extraction, PartialDate

NUM_PERM = 128
SHINGLE = 3  # characters: a Chinese word is two or three; three keep word order
LSH_THRESHOLD = 0.3  # the lowest Jaccard any decision accepts (LSH finds candidates above it)
# (date agrees, lead official agrees) → the Jaccard needed; None: the fact is unknown on a side.
_DECISIONS: dict[tuple[bool | None, bool | None], float] = {
    (True, True): 0.3,
    (True, None): 0.5,
    (None, True): 0.5,
    (None, None): 0.85,  # nothing known: a near-verbatim copy only
}
SAME_INSTRUCTION = 85.0  # rapidfuzz ratio above which two instructions are one

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def fingerprint_text(cleaned_text: str) -> str:
    """The text shingles are taken from: NFKC, lower-case, without spaces and punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", cleaned_text)).lower()


def _shingles(text: str) -> list[bytes]:
    if len(text) <= SHINGLE:
        return [text.encode()] if text else []
    return list({text[i : i + SHINGLE].encode() for i in range(len(text) - SHINGLE + 1)})


def minhash(cleaned_text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM)
    shingles = _shingles(fingerprint_text(cleaned_text))
    if shingles:
        m.update_batch(shingles)
    return m


def _person_keys(name: str) -> set[str]:
    """A name as pinyin (宋诚 → songcheng, "Song Cheng" → songcheng): one key space for both scripts."""
    if name.isascii():
        return {"".join(name.lower().split()).replace("-", "")}
    hans = len(name)
    return {key for key in pinyin_keys(name) if len(key) > hans} | {name}


@dataclass(frozen=True, slots=True)
class Facts:
    start: date | None
    day: PartialDate | None  # when the year is unknown, the month and day still compare
    leads: frozenset[str]

    @classmethod
    def of(cls, extraction: Extraction) -> Facts:
        keys: set[str] = set()
        for person in extraction.lead_officials:
            keys |= _person_keys(person.name)
        return cls(extraction.start, extraction.start_day, frozenset(keys))

    def date_agrees(self, other: Facts) -> bool | None:
        if self.start and other.start:
            return self.start == other.start
        if self.day and other.day:
            if self.day.year and other.day.year and self.day.year != other.day.year:
                return False
            return (self.day.month, self.day.day) == (other.day.month, other.day.day)
        return None

    def leads_agree(self, other: Facts) -> bool | None:
        if not self.leads or not other.leads:
            return None
        return bool(self.leads & other.leads)


@dataclass(frozen=True, slots=True)
class Verdict:
    key: str
    similarity: float  # MinHash estimate of the Jaccard of the two texts' shingles
    dates: bool | None
    leads: bool | None
    duplicate: bool


def judge(similarity: float, dates: bool | None, leads: bool | None) -> bool:
    """A fact that disagrees rules a pair out however alike the texts (a leader's reports are
    written from one template: the next visit's reads nearly the same); else the texts must be
    as alike as the facts known require."""
    if dates is False or leads is False:
        return False
    return similarity >= _DECISIONS[(dates, leads)]


@dataclass(slots=True)
class _Entry:
    minhash: MinHash
    facts: Facts


class Index:
    """Reports added one by one; each is compared with the earlier ones LSH finds alike."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._entries: dict[str, _Entry] = {}
        self._group: dict[str, str] = {}  # key → its group's first key

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def compare(self, cleaned_text: str, extraction: Extraction) -> list[Verdict]:
        """The earlier reports alike enough to be looked at, each with the verdict, most similar
        first (the report is not added)."""
        m = minhash(cleaned_text)
        return self._compare(m, Facts.of(extraction))

    def _compare(self, m: MinHash, facts: Facts) -> list[Verdict]:
        verdicts = []
        for key in self._lsh.query(m):
            entry = self._entries[key]
            similarity = float(m.jaccard(entry.minhash))
            dates, leads = facts.date_agrees(entry.facts), facts.leads_agree(entry.facts)
            verdicts.append(Verdict(key, similarity, dates, leads, judge(similarity, dates, leads)))
        return sorted(verdicts, key=lambda v: -v.similarity)

    def add(self, key: str, cleaned: object, extraction: Extraction) -> str | None:
        """Add a report; the key of the group it joins (that group's first report), or None when
        it is the first report of its event. `cleaned` is `ingest.cleaning.Cleaned` (or its text)."""
        if key in self._entries:
            raise ValueError(f"key: {key} is already in the index")
        text = cleaned if isinstance(cleaned, str) else cleaned.text  # type: ignore[attr-defined]
        m = minhash(text)
        facts = Facts.of(extraction)
        joined = next((v.key for v in self._compare(m, facts) if v.duplicate), None)
        self._entries[key] = _Entry(m, facts)
        self._lsh.insert(key, m)
        if joined is None:
            self._group[key] = key
            return None
        root = self._group[joined]
        self._group[key] = root
        return root

    def group(self, key: str) -> str:
        return self._group[key]

    def remove(self, key: str) -> None:
        """Forget a report (a discarded draft). Others of its group keep their group key."""
        self._lsh.remove(key)
        del self._entries[key]
        self._group.pop(key, None)


# ---------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Merged:
    primary: int  # the index of the report whose text and fields win
    extraction: Extraction  # the primary's, with the others' enterprises and instructions added
    # Where each enterprise and instruction came from (an index into the reports): a mention from
    # another report has its span in that report's text (`instruction_mentions` stay the primary's).
    enterprise_sources: list[int] = field(default_factory=list)
    instruction_sources: list[int] = field(default_factory=list)


def completeness(text: str, extraction: Extraction) -> tuple[int, int]:
    """How complete a report is: the fields it fills, then its length."""
    filled = sum(
        bool(value)
        for value in (
            extraction.start,
            extraction.start_day,
            extraction.end_day,
            extraction.lead_officials,
            extraction.other_officials,
            extraction.enterprises,
            extraction.projects,
            extraction.places,
            extraction.instructions,
            extraction.difficulties,
        )
    )
    return filled, len(text)


def _same_enterprise(a: str, b: str) -> bool:
    a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    return a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))


def merge(reports: Sequence[tuple[str, Extraction]]) -> Merged:
    """The merged draft of one event's reports, given as (cleaned text, extraction): the most
    complete report wins (most fields filled, then the longest text) and keeps its fields; the
    others add the enterprises it does not name (联晟 is named by 联晟新材料有限公司) and the
    instructions it does not give (rapidfuzz ratio below SAME_INSTRUCTION), and fill its dates
    when it has none."""
    if not reports:
        raise ValueError("reports: nothing to merge")
    scores = [completeness(text, extraction) for text, extraction in reports]
    primary = max(range(len(reports)), key=lambda i: (scores[i], -i))
    base = reports[primary][1]
    enterprises = list(base.enterprises)
    enterprise_sources = [primary] * len(enterprises)
    instructions = list(base.instructions)
    instruction_sources = [primary] * len(instructions)
    start, end, start_day, end_day = base.start, base.end, base.start_day, base.end_day
    for index, (_, other) in enumerate(reports):
        if index == primary:
            continue
        for mention in other.enterprises:
            same = [i for i, kept in enumerate(enterprises) if _same_enterprise(kept.name, mention.name)]
            if not same:
                enterprises.append(mention)
                enterprise_sources.append(index)
            elif mention.short is False and all(enterprises[i].short for i in same):
                # The full legal name replaces a short one ("联晟" → 联晟新材料有限公司).
                enterprises[same[0]] = EnterpriseMention(
                    mention.name, False, mention.start, mention.end, mention.spans
                )
                enterprise_sources[same[0]] = index
        for instruction in other.instructions:
            if all(fuzz.ratio(instruction, kept) < SAME_INSTRUCTION for kept in instructions):
                instructions.append(instruction)
                instruction_sources.append(index)
        if (start is None and other.start is not None) or (start_day is None and other.start_day is not None):
            start, end, start_day, end_day = other.start, other.end, other.start_day, other.end_day
    merged = replace(
        base,
        enterprises=enterprises,
        instructions=instructions,
        start=start,
        end=end,
        start_day=start_day,
        end_day=end_day,
    )
    return Merged(primary, merged, enterprise_sources, instruction_sources)
