"""Reading published reports (issue 21): precision, recall and F1 per field of
`zhuqi.ingest.cleaning.clean` + `zhuqi.ingest.extraction.extract` on the labelled set in
bench/data/reports/ (real public reports, labelled by hand; the rules are at the top of
labels.yaml), and the throughput of the two stages.

    .venv/bin/python bench/ingest_quality.py                   # figures: tuning, held-out, all
    .venv/bin/python bench/ingest_quality.py --show-misses     # and every report where a field is wrong
    .venv/bin/python bench/ingest_quality.py --part held-out --show-misses --field enterprises
    .venv/bin/python bench/ingest_quality.py --repeat 20       # throughput over 20 passes
    .venv/bin/python bench/ingest_quality.py --skip-missing    # score the texts this machine has
    .venv/bin/python bench/ingest_quality.py --agreement other.yaml  # two labellers' agreement

Scoring: per report, each field is a set of normalised values (names in Simplified, NFKC, no
spaces, lower case; places without their level suffix 市/县/区/镇…; projects without a final
项目); a labelled entity with aliases is one value that any of its forms matches, and several
predictions matching the same labelled entity count once. Counts are summed over the reports
(micro-average). Dates are exact: a labelled null date (the year unknown) expects no date, so a
guessed year is a false positive; `dates_md` scores month and day alone (the year ignored).

The split is fixed: a report is held out when the first byte of sha1(its id) is below 86 (about a
third). The figures on the held-out part are those of reports nobody tuned on — as long as
whoever tunes the extractor looks only at `--part tuning` misses.

Nothing here needs Django or a database. No network.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "reports"
LABELS = DATA / "labels.yaml"
SOURCE_PREFIX = "# source: "
HELD_OUT_BELOW = 86  # of 256: about a third of the reports

FIELDS = (
    "kind",
    "dates",
    "dates_md",
    "published",
    "lead_officials",
    "lead_posts",
    "other_officials",
    "enterprises",
    "enterprise_short",
    "projects",
    "places",
)
# The aim: F1 >= 0.9 on these.
AIMED = ("dates", "lead_officials", "enterprises", "places")

PLACE_SUFFIXES = (
    "特别行政区",
    "经济技术开发区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "街道",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
    "村",
    " city",
    " county",
    " district",
    " province",
)
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」《》")


# ---------------------------------------------------------------------------------------------
# The labelled set
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    id: str
    path: Path
    source: str
    raw: str  # what arrives: the file without its "# source:" line
    labels: dict[str, Any]

    @property
    def held_out(self) -> bool:
        return hashlib.sha1(self.id.encode()).digest()[0] < HELD_OUT_BELOW


def load(data: Path = DATA, *, skip_missing: bool = False) -> list[Report]:
    labels_path = data / "labels.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    files = {p.stem: p for p in sorted(data.iterdir()) if p.suffix in (".txt", ".html", ".htm")}
    missing = sorted(set(files) - set(labels))
    orphans = sorted(set(labels) - set(files))
    if skip_missing and (orphans or missing):
        # A machine that could not get every page back: the figures are of the reports it has.
        if orphans:
            print(f"skipped, text missing ({len(orphans)}): {' '.join(orphans)}", file=sys.stderr)
        if missing:
            print(f"skipped, not labelled ({len(missing)}): {' '.join(missing)}", file=sys.stderr)
        files = {key: path for key, path in files.items() if key in labels}
        orphans, missing = [], []
    if missing or orphans:
        raise SystemExit(
            f"{labels_path}: reports without labels {missing or '-'}; "
            f"labels without a report {orphans or '-'}"
        )
    reports = []
    for key, path in files.items():
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        if not first.startswith(SOURCE_PREFIX):
            raise SystemExit(f"{path}: the first line must be '{SOURCE_PREFIX}<address>'")
        reports.append(Report(key, path, first[len(SOURCE_PREFIX) :].strip(), rest, labels[key]))
    return reports


# ---------------------------------------------------------------------------------------------
# Normalising and matching
# ---------------------------------------------------------------------------------------------


def norm(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).translate(_QUOTES).strip().lower()
    return _SPACES.sub(" ", value) if value.isascii() else _SPACES.sub("", value)


def norm_place(value: str) -> str:
    value = norm(value)
    for suffix in PLACE_SUFFIXES:
        if value.endswith(suffix) and len(value) - len(suffix) >= 2:
            value = value[: -len(suffix)]
            break
    # 大理白族自治州 = 大理, 金秀瑶族自治县 = 金秀: the people's name is part of the level.
    m = re.fullmatch(r"(.{2,}?)(?:[\u4e00-\u9fff]{1,2}族)+", value)
    return m[1] if m else value


def norm_project(value: str) -> str:
    value = norm(value)
    if value.endswith("项目") and len(value) > 4:
        value = value[:-2]
    return value


def entities(items: Iterable[Any], normalise: Callable[[str], str]) -> list[frozenset[str]]:
    """Labelled values → one set of accepted forms per entity (a plain string, or {name, aliases})."""
    out = []
    for item in items or ():
        forms = [item["name"], *(item.get("aliases") or ())] if isinstance(item, dict) else [item]
        out.append(frozenset(normalise(str(f)) for f in forms))
    return out


@dataclass(slots=True)
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Miss:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def match(
    gold: list[frozenset[str]], predicted: Iterable[str], optional: Callable[[str], bool] | None = None
) -> tuple[Count, Miss]:
    """`optional(value)`: a prediction that neither counts nor costs (see OWNER below)."""
    predicted = list(dict.fromkeys(predicted))
    hit = [False] * len(gold)
    miss = Miss()
    fp = 0
    for value in predicted:
        found = [i for i, forms in enumerate(gold) if value in forms]
        if found:
            for i in found:
                hit[i] = True
        elif optional is None or not optional(value):
            fp += 1
            miss.extra.append(value)
    tp = sum(hit)
    miss.missing = [
        sorted(forms)[0] if len(forms) == 1 else "/".join(sorted(forms))
        for forms, h in zip(gold, hit, strict=True)
        if not h
    ]
    return Count(tp, fp, len(gold) - tp), miss


# ---------------------------------------------------------------------------------------------
# Expected and predicted values per field
# ---------------------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


# A project named with its owner ("淄博齐翔腾达化工股份有限公司20万吨/年异壬醇项目") is labelled
# whole, and its owner is not listed as an enterprise (labels.yaml). zhuqi records the owner as the
# enterprise and the project under its own name, the shape a visit's records need. Both readings
# are right: the project matches in either form, and the owner, if predicted, neither counts nor
# costs.
OWNER = re.compile(
    r"^(?P<owner>.{2,40}?(?:股份有限公司|有限责任公司|有限公司|集团公司|公司|集团))(?P<rest>.{2,})$"
)


def _owner_of(owned: list[str], value: str) -> bool:
    """Whether a predicted enterprise is the owner written in a labelled project's name."""
    name = value.split(" · ")[0]
    return any(name in project for project in owned)


def _project_forms(value: str) -> list[str]:
    m = OWNER.match(value)
    return [value, m["rest"]] if m else [value]


def gold_values(labels: dict[str, Any]) -> dict[str, list[frozenset[str]]]:
    def single(values: Iterable[str | None]) -> list[frozenset[str]]:
        return [frozenset([v]) for v in values if v]

    start, end = _iso(labels.get("start")), _iso(labels.get("end"))
    start_md = labels.get("start_md") or (start[5:] if start else None)
    end_md = labels.get("end_md") or (end[5:] if end else None)
    leads = labels.get("lead_officials") or []
    enterprises = labels.get("enterprises") or []
    return {
        "kind": single([labels.get("kind")]),
        "dates": single([f"start {start}" if start else None, f"end {end}" if end else None]),
        "dates_md": single([f"start {start_md}" if start_md else None, f"end {end_md}" if end_md else None]),
        "published": single([_iso(labels.get("published"))]),
        "lead_officials": entities(leads, norm),
        "lead_posts": single(
            f"{norm(p['name'])} · {norm(post)}" for p in leads for post in p.get("posts") or ()
        ),
        "other_officials": entities(labels.get("other_officials") or [], norm),
        "enterprises": entities(enterprises, norm),
        "enterprise_short": [
            frozenset(f"{form} · {'short' if e.get('short') else 'full'}" for form in forms)
            for e, forms in zip(enterprises, entities(enterprises, norm), strict=True)
        ],
        "projects": [
            frozenset(form for name in forms for form in _project_forms(name))
            for forms in entities(labels.get("projects") or [], norm_project)
        ],
        "places": entities(labels.get("places") or [], norm_place),
    }


def predicted_values(cleaned: Any, extraction: Any) -> dict[str, list[str]]:
    def md(day: Any) -> str | None:
        return f"{day.month:02d}-{day.day:02d}" if day is not None else None

    start, end = extraction.start, extraction.end
    start_md, end_md = md(getattr(extraction, "start_day", None)), md(getattr(extraction, "end_day", None))
    if start_md is None and start is not None:
        start_md = start.isoformat()[5:]
    if end_md is None and end is not None:
        end_md = end.isoformat()[5:]
    return {
        "kind": [extraction.kind] if extraction.kind else [],
        "dates": [f"{which} {day.isoformat()}" for which, day in (("start", start), ("end", end)) if day],
        "dates_md": [f"{which} {day}" for which, day in (("start", start_md), ("end", end_md)) if day],
        "published": [cleaned.published_on.isoformat()] if cleaned.published_on else [],
        "lead_officials": [norm(p.name) for p in extraction.lead_officials],
        "lead_posts": [
            f"{norm(p.name)} · {norm(post)}" for p in extraction.lead_officials for post in p.posts
        ],
        "other_officials": [norm(p.name) for p in extraction.other_officials],
        "enterprises": [norm(e.name) for e in extraction.enterprises],
        "enterprise_short": [
            f"{norm(e.name)} · {'short' if e.short else 'full'}" for e in extraction.enterprises
        ],
        "projects": [norm_project(p) for p in extraction.projects],
        "places": [norm_place(p) for p in extraction.places],
    }


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def pipeline() -> tuple[Callable[..., Any], Callable[[Any], Any]]:
    try:
        from zhuqi.ingest.cleaning import clean
    except Exception as error:  # any failure to import is reported as such
        raise SystemExit(
            f"zhuqi.ingest.cleaning.clean is not available: {type(error).__name__}: {error}"
        ) from error
    try:
        from zhuqi.ingest.extraction import extract
    except Exception as error:
        raise SystemExit(
            f"zhuqi.ingest.extraction.extract is not available: {type(error).__name__}: {error}"
        ) from error
    return clean, extract


@dataclass(slots=True)
class Outcome:
    report: Report
    values: dict[str, list[str]] | None
    error: str = ""


def run(reports: list[Report], clean: Callable[..., Any], extract: Callable[[Any], Any]) -> list[Outcome]:
    outcomes = []
    for report in reports:
        try:
            cleaned = clean(report.raw, filename=report.path.name)
            extraction = extract(cleaned)
            outcomes.append(Outcome(report, predicted_values(cleaned, extraction)))
        except Exception as error:  # a failing report is scored as empty and listed
            outcomes.append(Outcome(report, None, f"{type(error).__name__}: {error}"))
    return outcomes


def score(
    outcomes: list[Outcome], fields: Iterable[str]
) -> tuple[dict[str, Count], dict[str, list[tuple[str, Miss]]]]:
    totals = {f: Count() for f in fields}
    misses: dict[str, list[tuple[str, Miss]]] = {f: [] for f in fields}
    for outcome in outcomes:
        gold = gold_values(outcome.report.labels)
        predicted = outcome.values or {}
        owned = [
            name
            for p in outcome.report.labels.get("projects") or []
            if OWNER.match(name := norm(p["name"] if isinstance(p, dict) else p))
        ]
        for f in totals:
            optional = None
            if f in ("enterprises", "enterprise_short"):
                # "name · short": the name is what may stand in a project's name.
                optional = functools.partial(_owner_of, owned)
            count, miss = match(gold[f], predicted.get(f, []), optional)
            totals[f].add(count)
            if miss.missing or miss.extra:
                misses[f].append((outcome.report.id, miss))
    return totals, misses


def throughput(
    reports: list[Report], clean: Callable[..., Any], extract: Callable[[Any], Any], repeat: int
) -> tuple[float, float, float]:
    """Median over `repeat` passes of the whole set: reports/s for clean, extract, both (one core)."""
    cleaning, extracting = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cleaned = []
        for report in reports:
            try:
                cleaned.append(clean(report.raw, filename=report.path.name))
            except Exception:  # listed by the scoring pass
                continue
        t1 = time.perf_counter()
        for item in cleaned:
            try:
                extract(item)
            except Exception:
                continue
        t2 = time.perf_counter()
        cleaning.append(t1 - t0)
        extracting.append(t2 - t1)
    n = len(reports)
    c, e = statistics.median(cleaning), statistics.median(extracting)
    return n / c if c else 0.0, n / e if e else 0.0, n / (c + e) if c + e else 0.0


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def table(title: str, outcomes: list[Outcome], fields: tuple[str, ...]) -> dict[str, list[tuple[str, Miss]]]:
    totals, misses = score(outcomes, fields)
    print(f"\n{title}: {len(outcomes)} reports")
    print(f"{'field':<17} {'P':>6} {'R':>6} {'F1':>6}   {'tp':>4} {'fp':>4} {'fn':>4}")
    for f in fields:
        c = totals[f]
        aim = "  (aim ≥ 0.9)" if f in AIMED else ""
        print(
            f"{f:<17} {_pct(c.precision)} {_pct(c.recall)} {_pct(c.f1)}   {c.tp:>4} {c.fp:>4} {c.fn:>4}{aim}"
        )
    return misses


def describe(reports: list[Report]) -> None:
    def tally(key: str) -> str:
        counts: dict[str, int] = {}
        for r in reports:
            value = str(r.labels.get(key) or "?")
            counts[value] = counts.get(value, 0) + 1
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    print(f"set: {len(reports)} reports in {DATA}")
    print(f"  kinds: {tally('kind')}")
    print(f"  scripts: {tally('script')}")
    print(f"  provinces: {tally('province')}")


def labelled_values(labels: dict[str, Any], gold: dict[str, list[frozenset[str]]]) -> dict[str, list[str]]:
    """A second person's labels as predictions: each entity by the first of its forms that the
    first person's labels know, else by its name."""
    second = gold_values(labels)
    out: dict[str, list[str]] = {}
    for f, entities_ in second.items():
        known = set().union(*gold[f]) if gold[f] else set()
        out[f] = [next((form for form in sorted(forms) if form in known), min(forms)) for forms in entities_]
    return out


def agreement(reports: list[Report], path: Path, fields: tuple[str, ...]) -> int:
    """How far two people labelling the same reports by the same rules agree: the second's
    labels scored against labels.yaml as if they were predictions (F1 is symmetric)."""
    other = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    common = [r for r in reports if r.id in other]
    outcomes = [Outcome(r, labelled_values(other[r.id], gold_values(r.labels))) for r in common]
    print(f"agreement of {path} with labels.yaml on {len(common)} reports")
    table("agreement", outcomes, fields)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("tuning", "held-out", "all"), default=None, help="only this part")
    parser.add_argument("--show-misses", action="store_true", help="list the reports where a field is wrong")
    parser.add_argument("--field", action="append", choices=FIELDS, help="only these fields (repeatable)")
    parser.add_argument(
        "--skip-missing", action="store_true", help="score the reports present; list labels without a text"
    )
    parser.add_argument("--repeat", type=int, default=5, help="passes for the throughput (median); 0: none")
    parser.add_argument(
        "--agreement",
        type=Path,
        help="a second person's labels (same format) of some reports: their agreement with labels.yaml",
    )
    args = parser.parse_args(argv)

    reports = load(skip_missing=args.skip_missing)
    if args.agreement:
        return agreement(reports, args.agreement, tuple(args.field) if args.field else FIELDS)
    clean, extract = pipeline()
    fields = tuple(args.field) if args.field else FIELDS
    describe(reports)

    outcomes = run(reports, clean, extract)
    failed = [o for o in outcomes if o.error]
    parts = {
        "tuning": [o for o in outcomes if not o.report.held_out],
        "held-out": [o for o in outcomes if o.report.held_out],
        "all": outcomes,
    }
    shown = [args.part] if args.part else ["tuning", "held-out", "all"]
    misses: dict[str, list[tuple[str, Miss]]] = {}
    for name in shown:
        misses = table(name, parts[name], fields)

    if failed:
        print(f"\n{len(failed)} report(s) failed (scored as empty):")
        for o in failed:
            print(f"  {o.report.id}: {o.error}")

    if args.show_misses:
        print(f"\nmisses ({shown[-1]}): - expected, not found; + found, not expected")
        for f in fields:
            if not misses[f]:
                continue
            print(f"\n[{f}]")
            for report_id, miss in misses[f]:
                print(f"  {report_id}")
                if miss.missing:
                    print(f"      - {' | '.join(miss.missing)}")
                if miss.extra:
                    print(f"      + {' | '.join(miss.extra)}")

    if args.repeat > 0:
        c, e, both = throughput(reports, clean, extract, args.repeat)
        print(
            f"\nthroughput (one process, median of {args.repeat} passes over {len(reports)} reports): "
            f"clean {c:,.0f}/s, extract {e:,.0f}/s, clean + extract {both:,.0f} reports/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
