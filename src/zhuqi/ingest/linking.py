"""Linking: each official, enterprise, project and place a report names, matched to the registry
(issue 21, stage 4).

`link(extraction, region_hint=…)` returns `Links`: for every mention one `Link`, which is

- `matched`: one record, with how it was found ("exact", "short_name", "pinyin", "fuzzy") and a
  score (0–100);
- `ambiguous`: the candidates, best first; a person chooses (or makes a new record);
- `new`: nothing in the registry fits; `proposal` holds the fields read from the text (an
  official's name, posts and region, an enterprise's name).

The steps, the first that finds something deciding:

1. exact: the name as written (normalised: half-width, no spaces) is a registry name;
2. short name: an enterprise's registered short name, or its name without the region in front
   and the legal form behind ("内蒙古联晟新材料有限公司" ~ "联晟新材料"), or its 字号 alone
   ("联晟") when the report writes only that; a project's name without its region and "项目";
3. pinyin: the 字号 read in pinyin, for English reports ("Beixiang Heavy Industry …" → 北祥)
   and for homophone typos ("联胜新材料" for 联晟新材料); an English official's name likewise;
4. fuzzy: rapidfuzz's WRatio over the names that share the rarer two-character pieces of the
   written name (typos, a dropped or added character, a longer registered name).

Several records found by one step are narrowed by place: those in the region hint's subtree or
under the places the report names (the most specific wins). Still more than one → ambiguous.
An official is looked for by name among the officials of the report's regions (and the regions
above and below them); two of one name are told apart by a post written beside the name that
the registry has too.

`Registry` is the in-memory index (built from the database by `registry()` the first time,
and again when a record was added since or on `registry(refresh=True)`). Its keys are 64-bit
hashes in sorted numpy arrays, not Python dictionaries of strings: 200,000 enterprises index in
a few seconds and a few tens of MiB (bench figures in the tests' docstrings), and a lookup is one
binary search.
"""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from zhuqi.core.chinese import pinyin_keys
from zhuqi.core.scoping import region_prefix
from zhuqi.ingest import extraction as ex

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
NEW = "new"

EXACT = "exact"
SHORT_NAME = "short_name"
PINYIN = "pinyin"
FUZZY = "fuzzy"

OFFICIAL = "official"
ENTERPRISE = "enterprise"
PROJECT = "project"
PLACE = "place"

# Fuzzy thresholds (rapidfuzz WRatio, 0–100, over names without region and legal form). From
# the tests (test_linking.py, "fuzzy_*"): one wrong or dropped character of a 5+ character name
# scores 89–92, a longer registered name containing the written one 90; two different
# enterprises of one trade sharing a character pair ("华鑫铝业" / "华鑫电气", "恒泰新材料" /
# "恒泰建材") score 50–73. Between ASK and MATCH a person decides.
FUZZY_MATCH = 85.0
FUZZY_ASK = 75.0
# Two fuzzy candidates closer than this are not told apart by the score.
FUZZY_MARGIN = 4.0
# At most this many names are scored for one written name.
FUZZY_CANDIDATES = 48
# A two-character piece shared by more than this share of the names ("有限", "科技") is not used
# to find candidates (it would bring thousands); the rarer pieces of the name are.
COMMON_GRAM_SHARE = 0.01
COMMON_GRAM_FLOOR = 200

# Scores of the exact steps, so every match carries a score.
SCORES = {EXACT: 100.0, SHORT_NAME: 95.0, PINYIN: 90.0}


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int | str  # a Region's code for places, else the record's primary key
    name: str
    region: str  # region code ("" when unknown)
    how: str
    score: float


@dataclass(frozen=True, slots=True)
class Proposal:
    """A new record as the text gives it."""

    name: str
    posts: tuple[str, ...] = ()
    short_name: str = ""
    region: str = ""  # a region code the text or the hint suggests ("" when none)


@dataclass(slots=True)
class Link:
    kind: str  # official / enterprise / project / place
    mention: str  # the name as extracted
    status: str  # matched / ambiguous / new
    candidates: list[Candidate] = field(default_factory=list)  # matched: the one; ambiguous: best first
    proposal: Proposal | None = None  # new (and ambiguous: offered beside the candidates)
    lead: bool = False  # officials: a lead official of the event

    @property
    def match(self) -> Candidate | None:
        return self.candidates[0] if self.status == MATCHED else None

    @property
    def id(self) -> int | str | None:
        return self.candidates[0].id if self.status == MATCHED else None

    @property
    def how(self) -> str:
        return self.candidates[0].how if self.status == MATCHED else ""

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.status == MATCHED else 0.0


@dataclass(slots=True)
class Links:
    officials: list[Link]  # the lead officials first, then the others, in the extraction's order
    enterprises: list[Link]
    projects: list[Link]
    places: list[Link]
    regions: list[str]  # the region codes the matching preferred (hint, then matched places)

    def all(self) -> list[Link]:
        return [*self.places, *self.officials, *self.enterprises, *self.projects]


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"\(([^()]{1,12})\)")
_ENTERPRISE_SUFFIXES = tuple(
    sorted({*ex.ENTERPRISE_SUFFIXES, "有限责任公司", "(集团)"}, key=len, reverse=True)
)
# Words of trade a registered name puts after its 字号 (行业表述), stripped from the end to find the
# 字号: extraction's list and the longer phrases registries use.
_MORE_TRADE_WORDS = (
    "钢结构", "专用汽车", "汽车零部件", "金属制品", "金属材料", "装备制造", "机械设备", "电器设备",
    "电子科技", "建筑工程", "建设", "商贸", "贸易", "运输", "粮油", "饲料", "农产品", "煤炭", "特钢",
    "精细化工", "新型建材", "起重机", "电力机车", "铝版基", "铝箔", "投资", "工程", "技术", "设备",
    "开发", "发展", "环境", "节能", "资源", "产业", "工贸", "国际", "有色", "铝电", "煤电", "新型",
    "精密", "环境工程", "水务", "燃气", "供热", "热力", "农业", "畜牧", "羊绒", "绒毛", "服饰",
    "家具", "印务", "包装", "置业", "房地产", "地产", "酒店", "旅游", "文化", "健康", "检测", "咨询",
    "机车", "车辆", "专用车", "起重", "钢构", "建工", "路桥",
)  # fmt: skip
_TRADE_WORDS = tuple(
    sorted({*(w for w in ex.INDUSTRY_WORDS if len(w) >= 2), *_MORE_TRADE_WORDS}, key=len, reverse=True)
)
_TRADE_SET = frozenset(_TRADE_WORDS)
_SUFFIX_SET = frozenset(_ENTERPRISE_SUFFIXES)
_SUFFIX_SIZES = tuple(sorted({len(w) for w in _ENTERPRISE_SUFFIXES}, reverse=True))
_TRADE_SIZES = tuple(sorted({len(w) for w in _TRADE_WORDS}, reverse=True))
_PREFIX_WORDS = ("中国", "中华")
_PINYIN_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)"
)
_LATIN_TOKEN = re.compile(r"[A-Za-z]+")


def normalise(name: str) -> str:
    """What names are compared as: NFKC (half-width letters, digits and brackets), no spaces,
    Chinese brackets as ASCII ones, Latin letters lower-case."""
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub("", text).replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    return text.lower() if text.isascii() else text


@lru_cache(maxsize=1)
def _region_words() -> frozenset[str]:
    """Region names and their short forms as written in front of an enterprise's name."""
    return frozenset(ex.gazetteer().names)


def _split_region(text: str) -> tuple[str, str]:
    """ "内蒙古通辽市联晟…" → ("通辽市", "联晟…"): the region names (full or short) off the front,
    repeatedly, and a bracketed region inside ("太重集团(大同)起重机" → "太重集团起重机"); the last
    (most specific) region written is returned with the rest. A region is not cut when only
    trade words would remain ("雅安能源" keeps 雅安: the 字号 that reads like a city)."""
    words = _region_words()
    region = ""
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIX_WORDS:
            if text.startswith(prefix) and _keeps_brand(text[len(prefix) :]):
                text, changed = text[len(prefix) :], True
        for size in range(min(len(text) - 2, 9), 1, -1):
            if text[:size] in words and _keeps_brand(text[size:]):
                region, text, changed = text[:size], text[size:], True
                break
    if "(" in text:
        text = _BRACKETED.sub(lambda m: "" if m.group(1) in words else m.group(0), text)
    return region, text


def _keeps_brand(rest: str) -> bool:
    return len(rest) >= 2 and brand(rest) not in _TRADE_SET and rest not in _SUFFIX_SET


def _strip_suffix(text: str) -> str:
    for _ in range(2):  # "…(集团)有限公司", "…集团有限公司"
        for size in _SUFFIX_SIZES:
            if len(text) - size >= 2 and text[-size:] in _SUFFIX_SET:
                text = text[:-size]
                break
        else:
            break
    return text


@lru_cache(maxsize=1 << 14)
def _parts(name: str) -> tuple[str, str]:
    """(the region written in front, the core): 内蒙古联晟新材料有限公司 → ("内蒙古", "联晟新材料")."""
    return _split_region(_strip_suffix(normalise(name)))


def enterprise_core(name: str) -> str:
    """The name without its region and legal form: 内蒙古联晟新材料有限公司 → 联晟新材料."""
    return _parts(name)[1]


def brand(core: str) -> str:
    """The 字号 of a core name: its trade words off the end (联晟新材料 → 联晟), at least two
    characters kept."""
    changed = True
    while changed:
        changed = False
        for size in _TRADE_SIZES:
            if len(core) - size >= 2 and core[-size:] in _TRADE_SET:
                core, changed = core[:-size], True
                break
    return core


def project_core(name: str) -> str:
    """A project's name without the region in front and "项目" behind."""
    text = normalise(name)
    text = text.removesuffix("项目") if len(text) > 4 else text
    return _split_region(text)[1]


@lru_cache(maxsize=1 << 16)
def _full_pinyin(text: str) -> tuple[str, ...]:
    """The full pinyin readings of `text` (polyphonic characters give several), no initials."""
    hans = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return tuple(key for key in pinyin_keys(text) if len(key) > hans)


def _is_pinyin_word(token: str) -> bool:
    token = token.lower()
    position = 0
    while position < len(token):
        m = _PINYIN_SYLLABLE.match(token, position)
        if not m:
            return False
        position = m.end()
    return True


@lru_cache(maxsize=1)
def _english_region_words() -> frozenset[str]:
    names, _ = ex.english_gazetteer()
    return frozenset(word.lower() for name in names for word in name.split())


def _english_brand_key(name: str) -> str:
    """The pinyin written in an English enterprise name, regions left out:
    "Liaoning Beixiang Heavy Industry Machinery Manufacturing Co." → "beixiang"."""
    regions = _english_region_words()
    run: list[str] = []
    for m in _LATIN_TOKEN.finditer(name):
        token = m.group(0)
        if token[0].isupper() and _is_pinyin_word(token) and token.lower() not in regions:
            run.append(token.lower())
        elif run:
            break
    return "".join(run)


def _grams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def _hash(key: str) -> int:
    """Keys are kept as Python's own 64-bit string hash (stable within a process, the index's
    lifetime). Two of a province's ~2 million keys share one with a probability near 10⁻⁷: at
    worst a wrong candidate offered, never a crash."""
    return hash(key)


# ---------------------------------------------------------------------------------------------
# The indexes
# ---------------------------------------------------------------------------------------------


class _KeyIndex:
    """Keys (strings) to rows, as two sorted arrays: 12 bytes a key, one binary search a lookup."""

    __slots__ = ("hashes", "rows")

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        keys = array("q")
        rows = array("i")
        for key, row in pairs:
            if key:
                keys.append(hash(key))
                rows.append(row)
        hashes = np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.rows = (np.frombuffer(rows, dtype=np.int32) if rows else np.zeros(0, dtype=np.int32))[order]

    def span(self, key: str) -> tuple[int, int]:
        h = _hash(key)
        return int(self.hashes.searchsorted(h, "left")), int(self.hashes.searchsorted(h, "right"))

    def spans(self, keys: Iterable[str]) -> list[tuple[int, int]]:
        """The spans of several keys, two binary searches in all."""
        hashes = np.fromiter((_hash(key) for key in keys), dtype=np.int64)
        lows = self.hashes.searchsorted(hashes, "left").tolist()
        highs = self.hashes.searchsorted(hashes, "right").tolist()
        return list(zip(lows, highs, strict=True))

    def get(self, key: str) -> list[int]:
        if not key:
            return []
        lo, hi = self.span(key)
        return list(dict.fromkeys(self.rows[lo:hi].tolist())) if hi > lo else []

    def count(self, key: str) -> int:
        lo, hi = self.span(key)
        return hi - lo

    @property
    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.rows.nbytes)


class _GramIndex:
    """Candidates for fuzzy matching: the rows sharing the most two-character pieces with a name,
    the pieces too common to tell names apart left out."""

    __slots__ = ("index", "limit")

    def __init__(self, texts: Sequence[str]) -> None:
        self.index = _KeyIndex((gram, row) for row, text in enumerate(texts) for gram in _grams(text))
        self.limit = max(COMMON_GRAM_FLOOR, int(len(texts) * COMMON_GRAM_SHARE))

    def candidates(self, text: str, limit: int = FUZZY_CANDIDATES) -> list[int]:
        spans = [(lo, hi) for lo, hi in self.index.spans(_grams(text)) if hi > lo]
        if not spans:
            return []
        usable = [(lo, hi) for lo, hi in spans if hi - lo <= self.limit]
        if not usable:  # only common pieces: the rarest one, cut
            rarest = min(spans, key=lambda s: s[1] - s[0])
            usable = [(rarest[0], rarest[0] + self.limit)]
        # Each shared piece counts by its rarity (1 / how many names have it): a name sharing the
        # rare 字号 outranks hundreds sharing only the trade word.
        rows = np.concatenate([self.index.rows[lo:hi] for lo, hi in usable])
        weights = np.concatenate([np.full(hi - lo, 1.0 / (hi - lo)) for lo, hi in usable])
        found, inverse = np.unique(rows, return_inverse=True)
        scores = np.bincount(inverse, weights=weights)
        if len(found) > limit:
            found = found[np.argpartition(-scores, limit - 1)[:limit]]
        return found.tolist()


@dataclass(slots=True)
class _Regions:
    names: dict[str, tuple[str, ...]]  # full name → codes
    stems: dict[str, tuple[str, ...]]  # short form (通辽, 霍林郭勒) → codes
    info: dict[str, tuple[str, str]]  # code → (name, level)


@dataclass(slots=True)
class _Official:
    id: int
    name: str
    region: str
    posts: tuple[str, ...]  # the labels, department name + title ("通辽市委书记")


class Registry:
    """The names of the registry, indexed for linking. Build with `Registry.build` (rows) or
    `Registry.from_database()`; share one a process through `registry()`."""

    def __init__(self) -> None:
        self.regions = _Regions({}, {}, {})
        self.officials: list[_Official] = []
        self.official_names = _KeyIndex(())
        self.official_pinyin = _KeyIndex(())
        self.enterprise_ids = np.zeros(0, dtype=np.int64)
        self.enterprise_names: list[str] = []
        self.enterprise_regions: list[str] = []
        self.enterprise_names_index = _KeyIndex(())
        self.enterprise_keys = _KeyIndex(())
        self.enterprise_brands = _KeyIndex(())
        self.enterprise_pinyin = _KeyIndex(())
        self.enterprise_grams = _GramIndex(())
        self.project_ids = np.zeros(0, dtype=np.int64)
        self.project_names: list[str] = []
        self.project_regions: list[str] = []
        self.project_names_index = _KeyIndex(())
        self.project_keys = _KeyIndex(())
        self.project_grams = _GramIndex(())

    # --- building ------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        *,
        regions: Iterable[tuple[str, str, str]] = (),  # (code, name, level)
        enterprises: Iterable[tuple[int, str, str, str]] = (),  # (id, name, short_name, region code)
        officials: Iterable[tuple[int, str, str]] = (),  # (id, name, region code)
        posts: Iterable[tuple[int, str]] = (),  # (official id, label)
        projects: Iterable[tuple[int, str, str]] = (),  # (id, name, region code)
    ) -> Registry:
        self = cls()
        self._build_regions(regions)
        self._build_officials(officials, posts)
        self._build_enterprises(enterprises)
        self._build_projects(projects)
        return self

    @classmethod
    def from_database(cls) -> Registry:
        from zhuqi.directory.models import Official, Post, Region
        from zhuqi.enterprises.models import Enterprise
        from zhuqi.projects.models import Project

        return cls.build(
            regions=Region.objects.values_list("code", "name", "level").iterator(chunk_size=5000),
            enterprises=Enterprise.objects.values_list("id", "name", "short_name", "region_id")
            .order_by()
            .iterator(chunk_size=10000),
            officials=Official.objects.values_list("id", "name", "region_id").order_by().iterator(),
            posts=(
                (official, f"{department}{title}")
                for official, department, title in Post.objects.values_list(
                    "official_id", "department__name", "title"
                )
                .order_by()
                .iterator()
            ),
            projects=Project.objects.values_list("id", "name", "region_id").order_by().iterator(),
        )

    def _build_regions(self, rows: Iterable[tuple[str, str, str]]) -> None:
        names: dict[str, list[str]] = {}
        stems: dict[str, list[str]] = {}
        info: dict[str, tuple[str, str]] = {}
        for code, name, level in rows:
            code = sys.intern(code)
            info[code] = (name, level)
            if name in ("市辖区", "县") or "直辖" in name:
                continue
            names.setdefault(name, []).append(code)
            stem = ex._stem(name)
            if stem != name and len(stem) >= 2:
                stems.setdefault(stem, []).append(code)
        self.regions = _Regions(
            {k: tuple(v) for k, v in names.items()}, {k: tuple(v) for k, v in stems.items()}, info
        )

    def _build_officials(
        self, officials: Iterable[tuple[int, str, str]], posts: Iterable[tuple[int, str]]
    ) -> None:
        labels: dict[int, list[str]] = {}
        for official, label in posts:
            labels.setdefault(official, []).append(normalise(label))
        self.officials = [
            _Official(id, normalise(name), sys.intern(region or ""), tuple(labels.get(id, ())))
            for id, name, region in officials
        ]
        self.official_names = _KeyIndex((o.name, row) for row, o in enumerate(self.officials))
        self.official_pinyin = _KeyIndex(
            (key, row) for row, o in enumerate(self.officials) for key in _full_pinyin(o.name)
        )

    def _build_enterprises(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        ids: list[int] = []
        names: list[str] = []
        regions: list[str] = []
        name_keys: list[tuple[str, int]] = []
        keys: list[tuple[str, int]] = []
        brands: list[tuple[str, int]] = []
        cores: list[str] = []
        intern = sys.intern
        for row, (id, name, short_name, region) in enumerate(rows):
            ids.append(id)
            names.append(name)
            regions.append(intern(region or ""))
            full = normalise(name)
            core = enterprise_core(name)
            cores.append(core)
            name_keys.append((full, row))
            keys.append((core, row))
            mark = brand(core)
            if mark != core:
                brands.append((mark, row))
            if short_name:
                short = normalise(short_name)
                keys.append((short, row))
                short_core = enterprise_core(short_name)
                if short_core != short:
                    keys.append((short_core, row))
        self.enterprise_ids = np.fromiter(ids, dtype=np.int64, count=len(ids))
        self.enterprise_names = names
        self.enterprise_regions = regions
        self.enterprise_names_index = _KeyIndex(name_keys)
        self.enterprise_keys = _KeyIndex(keys)
        self.enterprise_brands = _KeyIndex(brands)
        self.enterprise_pinyin = _KeyIndex(
            (key, row) for row, core in enumerate(cores) for key in _full_pinyin(brand(core))
        )
        self.enterprise_grams = _GramIndex(cores)

    def _build_projects(self, rows: Iterable[tuple[int, str, str]]) -> None:
        ids: list[int] = []
        names: list[str] = []
        regions: list[str] = []
        cores: list[str] = []
        for id, name, region in rows:
            ids.append(id)
            names.append(name)
            regions.append(sys.intern(region or ""))
            cores.append(project_core(name))
        self.project_ids = np.fromiter(ids, dtype=np.int64, count=len(ids))
        self.project_names = names
        self.project_regions = regions
        self.project_names_index = _KeyIndex((normalise(name), row) for row, name in enumerate(names))
        self.project_keys = _KeyIndex((core, row) for row, core in enumerate(cores))
        self.project_grams = _GramIndex(cores)

    @property
    def nbytes(self) -> int:
        """The numpy arrays' bytes (the Python lists and objects come on top)."""
        arrays = [
            self.official_names,
            self.official_pinyin,
            self.enterprise_names_index,
            self.enterprise_keys,
            self.enterprise_brands,
            self.enterprise_pinyin,
            self.enterprise_grams.index,
            self.project_names_index,
            self.project_keys,
            self.project_grams.index,
        ]
        return sum(a.nbytes for a in arrays) + int(self.enterprise_ids.nbytes + self.project_ids.nbytes)

    def __len__(self) -> int:
        return len(self.enterprise_names)


_REGISTRY: Registry | None = None
_REGISTRY_MARK: tuple[int | None, ...] = ()
_BUILDING = threading.Lock()


def _database_mark() -> tuple[int | None, ...]:
    """The newest id of each table the index reads: a record added since (an enterprise or an
    official confirmed from a report, an import) changes it. Four index lookups."""
    from django.db.models import Max

    from zhuqi.directory.models import Official, Post
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.projects.models import Project

    return tuple(
        model.objects.order_by().aggregate(newest=Max("id"))["newest"]
        for model in (Enterprise, Official, Post, Project)
    )


def registry(*, refresh: bool = False) -> Registry:
    """The process's registry index, built from the database the first time and again when a
    record was added since (or when `refresh`: after an import, or when a person asks)."""
    global _REGISTRY, _REGISTRY_MARK
    with _BUILDING:
        mark = _database_mark()
        if _REGISTRY is None or refresh or mark != _REGISTRY_MARK:
            _REGISTRY = Registry.from_database()
            _REGISTRY_MARK = mark
        return _REGISTRY


_shared_registry = registry  # `link` names its argument `registry`


# ---------------------------------------------------------------------------------------------
# Places and region preference
# ---------------------------------------------------------------------------------------------


def _under(code: str, prefixes: Sequence[str]) -> int:
    """How specifically `code` lies under the preferred regions: the longest prefix it starts
    with (0: under none)."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


def _related(code: str, prefixes: Sequence[str]) -> bool:
    """`code` is under a preferred region or above it (a prefecture's official in a county's report)."""
    mine = region_prefix(code) if code else ""
    return bool(mine) and any(code.startswith(p) or p.startswith(mine) for p in prefixes)


def _narrow(rows: list[int], regions: Sequence[str], prefixes: Sequence[str]) -> list[int]:
    """The rows under the most specific preferred region, when that tells them apart; else all,
    those under a preferred region first."""
    if len(rows) <= 1 or not prefixes:
        return rows
    depth = {row: _under(regions[row], prefixes) for row in rows}
    best = max(depth.values())
    if best:
        top = [row for row in rows if depth[row] == best]
        if len(top) == 1:
            return top
    return sorted(rows, key=lambda row: -depth[row])


def _link_place(reg: Registry, name: str, hint_prefixes: Sequence[str]) -> tuple[Link, list[str]]:
    regions = reg.regions
    how = EXACT
    codes = list(regions.names.get(name, ()))
    if not codes:
        codes = list(regions.stems.get(ex._stem(name), ()) or regions.stems.get(name, ()))
        how = SHORT_NAME
    if not codes:
        return Link(PLACE, name, NEW, proposal=Proposal(name=name)), []
    if len(codes) > 1 and hint_prefixes:
        inside = [code for code in codes if _under(code, hint_prefixes)]
        if inside:
            codes = inside
    candidates = [
        Candidate(code, regions.info[code][0], code, how, SCORES[how])
        for code in sorted(codes, key=lambda c: (c.endswith("0000"), c.endswith("00")), reverse=True)
    ]
    if len(candidates) == 1:
        return Link(PLACE, name, MATCHED, candidates), codes
    return Link(PLACE, name, AMBIGUOUS, candidates), codes


def _resolve_places(reg: Registry, places: Sequence[str], hint: str | None) -> tuple[list[Link], list[str]]:
    hint_prefixes = [region_prefix(hint)] if hint else []
    found = [_link_place(reg, name, hint_prefixes) for name in places]
    decided = [link.candidates[0].region for link, _ in found if link.status == MATCHED]
    # An ambiguous name ("新城区") decided by another place of the report (呼和浩特市): the one
    # candidate under or above a decided place.
    anchors = [region_prefix(code) for code in decided]
    for link, _codes in found:
        if link.status != AMBIGUOUS or not anchors:
            continue
        near = [c for c in link.candidates if _related(str(c.id), anchors)]
        if len(near) == 1:
            link.status, link.candidates = MATCHED, near
    preferred = [*([hint] if hint else []), *(str(lk.id) for lk, _ in found if lk.status == MATCHED)]
    return [link for link, _ in found], list(dict.fromkeys(preferred))


# ---------------------------------------------------------------------------------------------
# Enterprises and projects
# ---------------------------------------------------------------------------------------------


def _candidates(
    rows: list[int], how: str, score: float | dict[int, float], names: list[str], regions: list[str],
    ids: np.ndarray,
) -> list[Candidate]:  # fmt: skip
    return [
        Candidate(
            int(ids[row]), names[row], regions[row], how, score if isinstance(score, float) else score[row]
        )
        for row in rows
    ]


def _decide(
    kind: str,
    mention: str,
    rows: list[int],
    how: str,
    regions: list[str],
    names: list[str],
    ids: np.ndarray,
    prefixes: Sequence[str],
    proposal: Proposal,
    *,
    outside_asks: bool = False,
) -> Link:
    """One row left after narrowing is the match; several, a question. With `outside_asks`, a
    single row outside the report's regions is a question too (a short name is unique in a
    province's registry less surely than a full legal name)."""
    rows = _narrow(rows, regions, prefixes)
    candidates = _candidates(rows, how, SCORES[how], names, regions, ids)
    if len(rows) == 1 and not (outside_asks and prefixes and not _related(regions[rows[0]], prefixes)):
        return Link(kind, mention, MATCHED, candidates)
    return Link(kind, mention, AMBIGUOUS, candidates, proposal)


def _fuzzy(
    kind: str,
    mention: str,
    core: str,
    rows: list[int],
    cores: Sequence[str],
    regions: list[str],
    names: list[str],
    ids: np.ndarray,
    prefixes: Sequence[str],
    proposal: Proposal,
) -> Link:
    choices = {row: cores[i] for i, row in enumerate(rows)}
    scored = process.extract(core, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_ASK, limit=8)
    if not scored:
        return Link(kind, mention, NEW, proposal=proposal)
    scores = {row: round(float(score), 1) for _, score, row in scored}
    best = max(scores.values())
    order = sorted(scores, key=lambda row: -scores[row])
    if best >= FUZZY_MATCH:
        close = [row for row in order if scores[row] > best - FUZZY_MARGIN]
        close = _narrow(close, regions, prefixes)
        if len(close) == 1:
            return Link(kind, mention, MATCHED, _candidates(close[:1], FUZZY, scores, names, regions, ids))
        order = close + [row for row in order if row not in close]
    return Link(kind, mention, AMBIGUOUS, _candidates(order, FUZZY, scores, names, regions, ids), proposal)


def _compatible(mention_core: str, core: str) -> bool:
    """A 字号 hit is the same enterprise when the report writes only the 字号, or one name
    continues the other (腾远环保 / 腾远环保科技)."""
    return core.startswith(mention_core) or mention_core.startswith(core)


def _inside(rows: list[int], regions: list[str], prefixes: Sequence[str]) -> list[int]:
    """The rows in the report's regions (all of them when the report has none)."""
    if not prefixes:
        return rows
    return [row for row in rows if _under(regions[row], prefixes)]


def _region_prefixes(reg: Registry, word: str) -> list[str]:
    """The code prefixes of a region written in a name (大同 → 1402; every one when ambiguous)."""
    regions = reg.regions
    codes = regions.names.get(word) or regions.stems.get(word) or regions.stems.get(ex._stem(word), ())
    if not codes and word in ex.PROVINCE_SHORT.values():
        codes = regions.names.get(next(k for k, v in ex.PROVINCE_SHORT.items() if v == word), ())
    return [region_prefix(code) for code in codes]


def _english_region_prefixes(reg: Registry, name: str) -> list[str]:
    """The regions an English name writes ("Liaoning Beixiang …" → 21)."""
    names, pattern = ex.english_gazetteer()
    return [p for m in pattern.finditer(name) for p in _region_prefixes(reg, names[m.group(0)])]


def _link_enterprise(reg: Registry, name: str, short: bool, prefixes: Sequence[str], home: str) -> Link:
    """Exact and short-name hits are matched anywhere (narrowed by the report's regions, asked
    when several remain or the one found lies outside them); the weaker steps (字号 only, pinyin,
    fuzzy) keep only candidates in the report's regions. A region written in the name (大同瑞铖…)
    must be the candidate's."""
    regions, names = reg.enterprise_regions, reg.enterprise_names
    proposal = Proposal(name=name, short_name=name if short else "", region=home)
    args = (regions, names, reg.enterprise_ids, prefixes, proposal)
    full = normalise(name)
    rows = reg.enterprise_names_index.get(full)
    if rows:
        return _decide(ENTERPRISE, name, rows, EXACT, *args)
    if name.isascii():
        key = _english_brand_key(name)
        rows = reg.enterprise_pinyin.get(key) if key else []
        written = _english_region_prefixes(reg, name)
        rows = _inside(rows, regions, written) if written else _inside(rows, regions, prefixes)
        if rows:
            return _decide(ENTERPRISE, name, rows, PINYIN, *args)
        return Link(ENTERPRISE, name, NEW, proposal=proposal)
    region_word, core = _parts(name)
    written = _region_prefixes(reg, region_word) if region_word else []

    def own(rows: list[int]) -> list[int]:
        return _inside(rows, regions, written) if written else rows

    rows = own(reg.enterprise_keys.get(full) or reg.enterprise_keys.get(core))
    if rows:
        return _decide(ENTERPRISE, name, rows, SHORT_NAME, *args, outside_asks=True)
    mark = brand(core)
    rows = _inside(own(reg.enterprise_brands.get(mark)), regions, prefixes)
    rows = [row for row in rows if _compatible(core, enterprise_core(names[row]))]
    if rows:
        return _decide(ENTERPRISE, name, rows, SHORT_NAME, *args)
    rest = core[len(mark) :]
    if rest:
        # The 字号 read in its most common reading, against every reading of the registry's
        # 字号 (联成 finds 联晟, read chéng or shèng); the trade words after it must agree. A bare
        # 字号 that only sounds like one says too little.
        rows = [
            row
            for key in _full_pinyin(mark)[:1]
            for row in _inside(own(reg.enterprise_pinyin.get(key)), regions, prefixes)
            if _compatible(rest, _trade_part(names[row]))
        ]
        if rows:
            return _decide(ENTERPRISE, name, rows, PINYIN, *args)
    if len(core) < 3:  # two characters ("能源") say too little for a fuzzy match
        return Link(ENTERPRISE, name, NEW, proposal=proposal)
    rows = _inside(own(reg.enterprise_grams.candidates(core)), regions, prefixes)
    # A different 字号 is a different enterprise however alike the rest ("瑞铖钢结构" / "博铖钢结构"):
    # a candidate must contain the written 字号, or its own 字号 be written.
    rows = [row for row in rows if mark in names[row] or brand(enterprise_core(names[row])) in core]
    if not rows:
        return Link(ENTERPRISE, name, NEW, proposal=proposal)
    cores = [enterprise_core(names[row]) for row in rows]
    return _fuzzy(ENTERPRISE, name, core, rows, cores, *args)


def _trade_part(name: str) -> str:
    core = enterprise_core(name)
    return core[len(brand(core)) :]


def _link_project(reg: Registry, name: str, prefixes: Sequence[str], home: str) -> Link:
    proposal = Proposal(name=name, region=home)
    args = (reg.project_regions, reg.project_names, reg.project_ids, prefixes, proposal)
    rows = reg.project_names_index.get(normalise(name))
    if rows:
        return _decide(PROJECT, name, rows, EXACT, *args)
    core = project_core(name)
    rows = reg.project_keys.get(core)
    if rows:
        return _decide(PROJECT, name, rows, SHORT_NAME, *args)
    rows = reg.project_grams.candidates(core)
    if not rows:
        return Link(PROJECT, name, NEW, proposal=proposal)
    cores = [project_core(reg.project_names[row]) for row in rows]
    return _fuzzy(PROJECT, name, core, rows, cores, *args)


def _region_code(reg: Registry, code: str) -> str:
    return code if code in reg.regions.info else ""


# ---------------------------------------------------------------------------------------------
# Officials
# ---------------------------------------------------------------------------------------------


def _post_matches(written: str, labels: Sequence[str]) -> bool:
    """A post written in the report is one the registry has: the same, or one ends the other
    ("市委书记" / "通辽市委书记"), or the same title of a department written alike."""
    post = normalise(written)
    if not post:
        return False
    for label in labels:
        if post == label or label.endswith(post) or post.endswith(label):
            return True
        title = ex._POST_END.search(post)
        if title and label.endswith(title.group(0)) and fuzz.partial_ratio(post, label) >= 85:
            return True
    return False


def _post_region(reg: Registry, posts: Sequence[str]) -> str:
    """The region a post names ("通辽市委书记" → 150500), when it names one unambiguously."""
    words = ex.gazetteer().names
    for post in posts:
        for size in range(min(len(post), 8), 1, -1):
            full = words.get(post[:size])
            if full:
                codes = reg.regions.names.get(full, ())
                if len(codes) == 1:
                    return codes[0]
                break
    return ""


def _link_official(
    reg: Registry, person: ex.PersonMention, lead: bool, prefixes: Sequence[str], home: str
) -> Link:
    name = person.name
    post_region = _post_region(reg, person.posts)
    proposal = Proposal(name=name, posts=tuple(person.posts), region=post_region or home)
    how = EXACT
    rows = reg.official_names.get(normalise(name))
    if not rows:
        keys = ["".join(name.lower().split())] if name.isascii() else list(_full_pinyin(name))
        rows = list(dict.fromkeys(row for key in keys for row in reg.official_pinyin.get(key)))
        how = PINYIN
    if not rows:
        return Link(OFFICIAL, name, NEW, proposal=proposal, lead=lead)
    officials = reg.officials
    scope = [*prefixes, *([region_prefix(post_region)] if post_region else [])]
    if scope:
        near = [row for row in rows if _related(officials[row].region, scope)]
        outside = not near
        rows = near or rows
    else:
        outside = False
    if len(rows) > 1 and person.posts:
        with_post = [row for row in rows if any(_post_matches(p, officials[row].posts) for p in person.posts)]
        if len(with_post) == 1:
            rows = with_post
    candidates = [
        Candidate(officials[row].id, officials[row].name, officials[row].region, how, SCORES[how])
        for row in rows
    ]
    if len(rows) == 1 and not outside:
        return Link(OFFICIAL, name, MATCHED, candidates, lead=lead)
    # Of this name only outside the report's regions, or several: a person decides.
    return Link(OFFICIAL, name, AMBIGUOUS, candidates, proposal, lead=lead)


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def link(
    extraction: ex.Extraction, *, region_hint: str | None = None, registry: Registry | None = None
) -> Links:
    """Each official, enterprise, project and place of `extraction` matched to the registry.

    `region_hint`: the region code the report is about (the site's, the uploader's), preferred
    among equal candidates. `registry`: the index to match against (the process's own, built
    from the database on first use, when not given)."""
    reg = registry if registry is not None else _shared_registry()
    places, preferred = _resolve_places(reg, extraction.places, region_hint)
    prefixes = [region_prefix(code) for code in preferred]
    # Where a new record is proposed: the hint, else the most specific place the report names.
    home = _region_code(reg, region_hint or max(preferred, key=lambda c: len(region_prefix(c)), default=""))
    officials = [
        _link_official(reg, person, lead, prefixes, home)
        for lead, people in ((True, extraction.lead_officials), (False, extraction.other_officials))
        for person in people
    ]
    enterprises = [
        _link_enterprise(reg, mention.name, mention.short, prefixes, home)
        for mention in extraction.enterprises
    ]
    projects = [_link_project(reg, name, prefixes, home) for name in extraction.projects]
    return Links(officials, enterprises, projects, places, preferred)
