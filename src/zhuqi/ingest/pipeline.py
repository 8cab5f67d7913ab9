"""One input read through the stages in order: clean → extract → link, each timed.

Pure of the database except for linking's registry (built once a process from the database by
`linking.registry()`, or given). A refusal of the input (`cleaning.CleaningRefused`) carries its
reason in Chinese; the caller decides what to do with it."""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from zhuqi.ingest import cleaning, duplicates, extraction, linking
from zhuqi.ingest.cleaning import Cleaned, CleaningRefused
from zhuqi.ingest.extraction import Extraction
from zhuqi.ingest.linking import Links

__all__ = ["CleaningRefused", "Result", "read"]


@dataclass(slots=True)
class Result:
    cleaned: Cleaned
    extraction: Extraction
    links: Links
    # Milliseconds each stage took: clean, extract, link.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The cleaned text without spaces and punctuation, hashed: the same article re-wrapped or
        re-punctuated has the same fingerprint."""
        return hashlib.sha256(duplicates.fingerprint_text(self.cleaned.text).encode()).hexdigest()


def read(
    raw: str | bytes,
    *,
    filename: str = "",
    published_on: date | None = None,
    region_hint: str | None = None,
    registry: linking.Registry | None = None,
) -> Result:
    """The report `raw` cleaned, extracted and linked; CleaningRefused (with `reason`) for input
    that is not a report (empty, binary, undecodable, enormous, neither Chinese nor English)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    cleaned = cleaning.clean(raw, filename=filename, published_on=published_on)
    after_clean = time.perf_counter()
    extracted = extraction.extract(cleaned)
    after_extract = time.perf_counter()
    linked = linking.link(extracted, region_hint=region_hint, registry=registry)
    done = time.perf_counter()
    timings["clean"] = round((after_clean - started) * 1000, 3)
    timings["extract"] = round((after_extract - after_clean) * 1000, 3)
    timings["link"] = round((done - after_extract) * 1000, 3)
    return Result(cleaned, extracted, linked, timings)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def removals_json(cleaned: Cleaned) -> list[dict[str, Any]]:
    return [
        {"kind": str(r.kind), "text": r.text, "reason": r.reason, "start": r.start, "end": r.end}
        for r in cleaned.removals
    ]


def extraction_json(found: Extraction) -> dict[str, Any]:
    """The extraction as stored (dates ISO, spans as [start, end] pairs)."""
    return _jsonable(asdict(found))


def links_json(links: Links) -> dict[str, Any]:
    return _jsonable(asdict(links))
