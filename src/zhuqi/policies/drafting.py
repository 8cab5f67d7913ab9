"""Drafts a policy's eligibility rule from its text, for a person to confirm: the catalogue is not
typed twice. A small rule-based reader, deterministic and without a model: it knows how Chinese
policy texts usually write a threshold (年营业收入2000万元以上, 从业人员300人以下, 成立不满3年),
a size (小微企业), a scale (规模以上), an industry (属于制造业, 批发、零售行业的企业) and a
recognition (高新技术企业), and says which words produced each condition so the page can show them.

It drafts; it does not decide. What it cannot read (tiers of a reward by industry, exclusions,
dates) is left out rather than guessed, and conditions on one field that contradict each other
are kept side by side for the person to choose.

Bounds follow the national statistical convention (统计上大中小微型企业划分办法, 附注):
"以上包括本数，以下不包括本数" — 2000万元以上 is ≥ 2000, 300人以下 is < 300."""

from __future__ import annotations

import bisect
import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["Draft", "Found", "draft_rule"]


@dataclass(frozen=True)
class Found:
    """Words of the text (text[start:end] == phrase) and the drafted condition they support."""

    phrase: str
    start: int
    end: int
    condition: dict[str, Any]


@dataclass(frozen=True)
class Draft:
    rule: dict[str, Any]
    found: list[Found]


# ---------------------------------------------------------------------------------------------
# Normalising. Character for character, so that an offset in the normalised text is an offset in
# the text the person pasted: every highlight lands on the words they see.

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space
_FULL_WIDTH.update({ord("－"): ord("-"), ord("～"): ord("~"), ord("﹪"): ord("%")})


def _normalise(text: str) -> str:
    return text.translate(_FULL_WIDTH)


# ---------------------------------------------------------------------------------------------
# Numbers

_CN_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千]+)"


def _number(raw: str) -> float | None:
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    total, digit = 0, 0
    for char in raw:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]  # 十五: the ten stands alone
            digit = 0
        else:
            return None
    return float(total + digit)


def _plain(value: float) -> int | float:
    """JSON as a person would type it: 2000, not 2000.0; 元 amounts keep their fraction of 万元."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


# ---------------------------------------------------------------------------------------------
# Thresholds: a measure, a comparison, a number and a unit.
#
# The words allowed between the measure and the number are few on purpose: "营业收入增长20%以上"
# (growth), "职工人数30%(超过100人…" (a share) and "研发费用占销售收入的比例" must not read as a
# bound, and they are told apart only by what stands between the measure and the number.

_LOWER_INCLUSIVE = ("不少于", "不低于", "不小于", "达到", "突破", "≥", "达", "满")
_UPPER_INCLUSIVE = ("不超过", "不高于", "不大于", "不多于", "≤")
_LOWER_STRICT = ("超过", "高于", "大于", "多于", ">")
_UPPER_STRICT = ("不足", "未满", "不满", "未达到", "未达", "低于", "少于", "小于", "<")
_PREFIXES = sorted(
    (*_LOWER_INCLUSIVE, *_UPPER_INCLUSIVE, *_LOWER_STRICT, *_UPPER_STRICT), key=len, reverse=True
)
_PREFIX_BOUND = {
    **dict.fromkeys(_LOWER_INCLUSIVE, "min"),
    **dict.fromkeys(_UPPER_INCLUSIVE, "max"),
    **dict.fromkeys(_LOWER_STRICT, "above"),
    **dict.fromkeys(_UPPER_STRICT, "below"),
}
_INCLUSION = r"\((?:含|不含)[^()]{0,12}\)"
_FILLER = (
    r"(?:\([^()]{0,15}\))?"  # 营业收入(主营业务收入)
    r"(?:[在为均须需应要是已]|首次|当年|年均|累计|合计|总额|规模|总数|时间|年限|期限)*"
)
_SEPARATOR = re.compile(r"\s*(?P<sep>[、,和]|(?P<span>[~\-—–至到]))?\s*")


@dataclass(frozen=True)
class _Measure:
    field: str
    keys: str
    units: dict[str, float]  # unit word → factor to the rule's unit
    largest: float  # above this the number is not this measure (a calendar year, say)


_MEASURES = (
    _Measure(
        "revenue",
        r"销售\(营业\)收入|营业\(销售\)收入|主营业务收入|营业收入|销售收入|经营收入|营业额|销售额|营收",
        {"亿元": 10000, "万元": 1, "亿": 10000, "万": 1, "元": 0.0001},
        1e15,
    ),
    _Measure(
        "employees",
        r"从业人员|从业人数|职工总数|职工人数|员工总数|员工人数|在职职工|在职员工|在岗职工|用工人数|人员规模|就业人数|职工|员工",
        {"人": 1, "名": 1},
        1e9,
    ),
    _Measure(
        "years_founded",
        r"注册成立|登记注册|成立|注册|设立|开办|创办|开业|经营|运营",
        {"周年": 1, "个月": 1 / 12, "年": 1},
        100,
    ),
)
# A measure's name right after these words is a change or a part of it, not its level.
_NOT_LEVEL_BEFORE = re.compile(r"(?:新增|增量|增加|年均增长|人均|户均)$")


def _bound_pattern(measure: _Measure) -> re.Pattern[str]:
    units = "|".join(sorted(measure.units, key=len, reverse=True))
    prefixes = "|".join(re.escape(p) for p in _PREFIXES)
    return re.compile(
        rf"(?P<pre>{prefixes})?\s*(?P<num>{NUMBER})\s*(?P<unit>{units})(?![次民币])"
        rf"(?P<incl1>{_INCLUSION})?(?P<post>及以上|以上|及以下|以下|以内|之内|之间|内)?(?P<incl2>{_INCLUSION})?"
    )


_BOUND_PATTERNS = {m.field: _bound_pattern(m) for m in _MEASURES}
_KEY_PATTERNS = {m.field: re.compile(rf"(?:{m.keys}){_FILLER}") for m in _MEASURES}


def _read_bound(match: re.Match[str], measure: _Measure) -> tuple[str | None, int | float] | None:
    """(bound or None when the words give no comparison, value in the rule's unit)."""
    number = _number(match["num"])
    if number is None:
        return None
    value = number * measure.units[match["unit"]]
    if measure.field == "years_founded" and match["unit"] == "个月":
        if number % 12:
            return None  # whole years only: 6个月 cannot be said, a person will
        value = number // 12
    if value > measure.largest:
        return None
    if measure.field != "revenue" and value != int(value):
        return None
    inclusion = (match["incl1"] or "") + (match["incl2"] or "")
    excluded = "不含" in inclusion
    included = "含" in inclusion and not excluded
    post, pre = match["post"], match["pre"]
    bound: str | None = _PREFIX_BOUND[pre] if pre else None
    if post in ("以上", "及以上"):
        bound = "above" if bound == "above" else "min"  # 超过…以上 stays strict
    elif post == "以下":
        bound = "below"
    elif post in ("及以下", "以内", "之内", "内", "之间"):
        bound = "max"
    elif bound is None and included:
        bound = "min"  # "5000万元(含)—1亿元": the lower end of a range
    # The note in brackets has the last word: "小于5000万元(含)" is at most 5000.
    if included:
        bound = {"below": "max", "above": "min"}.get(bound or "", bound)
    elif excluded:
        bound = {"max": "below", "min": "above"}.get(bound or "", bound)
    return bound, _plain(value)


def _thresholds(text: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    for measure in _MEASURES:
        bound_re = _BOUND_PATTERNS[measure.field]
        for key in _KEY_PATTERNS[measure.field].finditer(text):
            if _NOT_LEVEL_BEFORE.search(text, max(0, key.start() - 4), key.start()):
                continue
            first = bound_re.match(text, key.end())
            if not first:
                continue
            read = _read_bound(first, measure)
            if read is None:
                continue
            bounds: dict[str, int | float] = {}
            end = first.end()
            lower, value = read
            # A range: "20人及以上、300人以下", "2000万元以上(含)4亿元以下", "5000万元(含)—1亿元之间".
            gap = _SEPARATOR.match(text, end)
            second = bound_re.match(text, gap.end()) if gap else None
            upper = _read_bound(second, measure) if second else None
            # Without a comparison of its own the second number ends a range only after 至, —, ~:
            # "突破100亿元、500亿元" lists tiers, it does not cap them.
            spans = bool(gap and gap["span"])
            if (
                second
                and upper
                and lower in (None, "min", "above")
                and (upper[0] in ("max", "below") or (upper[0] is None and spans))
            ):
                if lower is None:
                    lower = "min"
                bounds[lower] = value
                bounds[upper[0] or "max"] = upper[1]
                end = second.end()
            elif lower is not None:
                bounds[lower] = value
            else:
                continue  # a number without a comparison says nothing about who qualifies
            yield key.start(), end, {"field": measure.field, **bounds}


# ---------------------------------------------------------------------------------------------
# Names: size, scale, recognitions

_QUOTE_OPEN, _QUOTE_CLOSE = '[“"「‘]?', '[”"」’]?'

# Longest first: "专精特新“小巨人”企业" is a little giant, not also a 专精特新 enterprise.
_QUALIFICATIONS: tuple[tuple[str, str], ...] = (
    ("little_giant", rf"(?:专精特新)?{_QUOTE_OPEN}小巨人{_QUOTE_CLOSE}(?:企业)?"),
    ("single_champion", r"(?:制造业)?单项冠军(?:示范)?(?:企业|产品)?"),
    ("tech_sme", r"科技型中小企业"),
    ("innovative_sme", r"创新型中小企业"),
    ("specialised_sme", rf"{_QUOTE_OPEN}专精特新{_QUOTE_CLOSE}(?:中小)?企业"),
    ("high_tech", r"高新技术企业|高企(?=[,，、。；;和及或认])"),
    ("gazelle", r"瞪羚企业"),
    ("agricultural_leader", r"农业产业化(?:[国省市县]家?级)?(?:重点)?龙头企业|农业龙头企业"),
)
# 链主企业 (a chain's owner enterprise): a chain condition on the role, any chain.
_CHAIN_OWNER = re.compile(r"(?:产业)?链主(?:型)?企业")
# Becoming one is not being one: "列入高新技术企业培育库的企业" are candidates.
_NOT_HELD_AFTER = re.compile(r"培育(?:库|入库|企业|对象|名单)|后备")

_SIZES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"中小微型?企业", ("medium", "small", "micro")),
    (r"中小型?企业", ("medium", "small", "micro")),
    (r"大中型企业", ("large", "medium")),
    (r"小型[、和及]微型企业|小微型?企业", ("small", "micro")),
    (r"大型企业", ("large",)),
    (r"中型企业", ("medium",)),
    (r"小型企业", ("small",)),
    (r"微型企业", ("micro",)),
)
SIZE_ORDER = ("large", "medium", "small", "micro")
# The name of a standard, an office or a fund, not the enterprises: 中小企业划型标准, 中小企业局.
_SIZE_NOT_SUBJECT_AFTER = re.compile(r"划型|划分|标准|局|服务中心|公共服务|促进|协会|主管部门|发展专项")

_SCALE: tuple[tuple[str, bool], ...] = (
    # Not the 上规 of 以上规定, nor the 入规 of 纳入规划 or 进入规模以上.
    (
        r"规模以上|规上|上规模|限额以上|限上|达限|升规|纳规|"
        r"(?<!以)上规(?![定范则划章程])|入规(?![定范则划章程模])",
        True,
    ),
    (r"规模以下|规下|限额以下|限下", False),
)

# ---------------------------------------------------------------------------------------------
# Industries, from the directory's own GB/T 4754-2017 table

# Groupings the standard gives no single code: 工业 is 采矿业, 制造业 and 电力…供应业 (B–D); 服务业 is
# the tertiary industry of 三次产业划分规定 (国统设管函〔2018〕74号): sections F–T and three divisions
# kept under other sections (05 农林牧渔专业及辅助性活动, 11 开采专业及辅助性活动, 43 修理业).
TERTIARY = ("05", "11", "43", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T")
_GROUPINGS: dict[str, tuple[str, ...]] = {
    "工业": ("B", "C", "D"),
    "服务业": TERTIARY,
    "第三产业": TERTIARY,
}


@dataclass(frozen=True)
class _Industries:
    by_name: dict[str, tuple[str, ...]]  # a name or its variant → codes
    order: dict[str, int]  # code → its place in the standard
    parent: dict[str, str]
    name_re: re.Pattern[str]


@functools.cache
def _industries() -> _Industries:
    with resources.files("zhuqi.directory.data").joinpath("industries.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_name: dict[str, tuple[str, ...]] = {}
    order: dict[str, int] = {}
    parent: dict[str, str] = {}
    for index, row in enumerate(rows):
        order[row["code"]] = index
        if row["parent_code"]:
            parent[row["code"]] = row["parent_code"]
        if row["level"] not in ("section", "division"):
            continue
        name = row["name"]
        # Texts shorten the joined names: 批发零售业, 住宿餐饮业, 农林牧渔业.
        for variant in {name, re.sub(r"[、和及]", "", name), name.replace("和", "")}:
            # A section and its only division may share a name (教育): the section says it all.
            by_name.setdefault(variant, (row["code"],))
    # Texts drop the 业 too: "批发、零售、住宿、餐饮行业", "餐饮企业". Two characters at least, so
    # that 农 or 林 alone never reads as an industry; and not for the groupings: the 服务 of
    # "服务企业" is a verb.
    stems = {n[:-1]: c for n, c in by_name.items() if n.endswith("业") and len(n) >= 3}
    for stem, codes in stems.items():
        by_name.setdefault(stem, codes)
    by_name.update(_GROUPINGS)
    names = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    return _Industries(by_name, order, parent, re.compile(names))


_BEFORE_INDUSTRY = re.compile(r"(?:属于|从事|门类为|行业为|行业是|主营业务为|主业为)$")
_ENTERPRISE_MODIFIERS = (
    r"(?:中小微型?|中小型?|小微型?|大中型|大型|中型|小型|微型|规模以上|规上|限额以上|限上|重点|骨干|民营)?"
)
_AFTER_INDUSTRY = re.compile(
    rf"(?:[一二三四五六七八九十\d]*大)?(?:行业|业)?(?:的)?{_ENTERPRISE_MODIFIERS}"
    r"(?:法人企业|企业|纳税人|单位|个体工商户|经营主体|市场主体|法人|行业)"
)
_LIST_JOIN = re.compile(r"\s*(?:[、和及与]|或者?)\s*")


def _industry_lists(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """Runs of industry names joined by 、和及或, read as the enterprise's industry only where the
    words around say so ("属于…", "…业企业", "…行业的法人企业"): a name in passing (制造业单项冠军,
    工业投资项目) is not a condition."""
    table = _industries()
    position = 0
    while True:
        first = table.name_re.search(text, position)
        if not first:
            return
        start, end, names = first.start(), first.end(), [first.group()]
        while True:
            join = _LIST_JOIN.match(text, end)
            following = table.name_re.match(text, join.end()) if join else None
            if not following:
                break
            end = following.end()
            names.append(following.group())
        position = end
        if not _AFTER_INDUSTRY.match(text, end) and not _BEFORE_INDUSTRY.search(
            text, max(0, start - 5), start
        ):
            continue
        codes: list[str] = []
        for name in names:
            codes.extend(table.by_name[name])
        yield start, end, codes


def _canonical_industries(codes: list[str]) -> list[str]:
    table = _industries()
    unique = set(codes)

    def covered(code: str) -> bool:
        ancestor = table.parent.get(code)
        while ancestor:
            if ancestor in unique:
                return True
            ancestor = table.parent.get(ancestor)
        return False

    return sorted((c for c in unique if not covered(c)), key=lambda c: table.order.get(c, 10**6))


# ---------------------------------------------------------------------------------------------
# Where a phrase does not describe who qualifies

_CLAUSE_END = re.compile(r"[。;；!！?？\n,，]")
_CLAUSE_LABEL = re.compile(
    r"\s*(?:\([^()]{0,10}\)|[一二三四五六七八九十\d]+[、.]|第[一二三四五六七八九十\d]+条)?\s*"
)
# "鼓励中小微企业做大做强，对新达限的…企业奖励": the first clause says what the policy is for; the
# second says whom it pays.
_PURPOSE = re.compile(r"鼓励|促进|推动|引导|旨在|助力|为了|为(?:进一步|加快|促进|支持|推动|深入|贯彻|落实)")
_NEGATED_BEFORE = re.compile(r"(?:非|不属于|不含|除)$")
_NEGATED_AFTER = re.compile(r"除外|以外")
# "主营业务为房地产的企业、…等不纳入推荐奖励范围": the sentence names whom it leaves out.
_SENTENCE_END = re.compile(r"[。;；\n]")
_LEFT_OUT = re.compile(
    r"不纳入|不予(?:支持|奖励|补助|补贴|受理)|不享受本|不适用本|不在(?:支持|奖励|补助)?范围|除外"
)
_ALTERNATIVE = re.compile(r"或者?|以及")


def _in_purpose_clause(text: str, clause_start: int) -> bool:
    label = _CLAUSE_LABEL.match(text, clause_start)
    return bool(_PURPOSE.match(text, label.end() if label else clause_start))


def _negated(text: str, start: int, end: int) -> bool:
    if _NEGATED_BEFORE.search(text, max(0, start - 3), start):
        return True
    if _NEGATED_AFTER.search(text, end, min(len(text), end + 4)):
        return True
    # A sentence's exclusion follows its list of whom it leaves out closely; looking further would
    # make a long text slow to read for nothing.
    horizon = min(len(text), end + 100)
    sentence_end = _SENTENCE_END.search(text, end, horizon)
    return bool(_LEFT_OUT.search(text, end, sentence_end.start() if sentence_end else horizon))


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Hit:
    start: int
    end: int
    condition: dict[str, Any]

    @property
    def field(self) -> str:
        return str(self.condition["field"])


def _hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    # Each character is read once: the longer reading found first keeps its words.
    taken = bytearray(len(text))

    def overlaps(start: int, end: int) -> bool:
        return any(taken[start:end])

    def add(start: int, end: int, condition: dict[str, Any]) -> None:
        hits.append(_Hit(start, end, condition))
        taken[start:end] = b"\x01" * (end - start)

    for start, end, condition in _thresholds(text):
        add(start, end, condition)
    for kind, pattern in _QUALIFICATIONS:
        for match in re.finditer(pattern, text):
            if overlaps(match.start(), match.end()) or _NOT_HELD_AFTER.match(text, match.end()):
                continue
            add(match.start(), match.end(), {"field": "qualification", "values": [kind]})
    for pattern, sizes in _SIZES:
        for match in re.finditer(pattern, text):
            if overlaps(match.start(), match.end()):
                continue
            if _SIZE_NOT_SUBJECT_AFTER.match(text, match.end()):
                continue
            add(match.start(), match.end(), {"field": "size_class", "values": list(sizes)})
    for pattern, flag in _SCALE:
        for match in re.finditer(pattern, text):
            if not overlaps(match.start(), match.end()):
                add(match.start(), match.end(), {"field": "above_scale", "value": flag})
    for match in _CHAIN_OWNER.finditer(text):
        # Which chain the text means is for the person: drafted as the owner of any chain.
        if not overlaps(match.start(), match.end()) and not _NOT_HELD_AFTER.match(text, match.end()):
            add(match.start(), match.end(), {"field": "chain", "values": [], "roles": ["owner"]})
    for start, end, codes in _industry_lists(text):
        if not overlaps(start, end):
            add(start, end, {"field": "industry", "values": codes})
    clause_starts = [0, *(match.end() for match in _CLAUSE_END.finditer(text))]
    kept = [
        hit
        for hit in hits
        if not _in_purpose_clause(text, clause_starts[bisect.bisect_right(clause_starts, hit.start) - 1])
        and not _negated(text, hit.start, hit.end)
    ]
    return sorted(kept, key=lambda hit: hit.start)


def _alternatives(text: str, hits: list[_Hit]) -> list[list[_Hit]]:
    """Hits in order, joined into runs where the text offers a choice between different fields:
    "小微企业或制造业企业" is either, not both. Everything else is a run of one."""
    runs: list[list[_Hit]] = []
    for hit in hits:
        if runs:
            last = runs[-1][-1]
            between = text[last.end : hit.start]
            if (
                last.field != hit.field
                and len(between) <= 16
                and _ALTERNATIVE.search(between)
                and not _CLAUSE_END.search(between)
            ):
                runs[-1].append(hit)
                continue
        runs.append([hit])
    return runs


_VALUE_FIELDS = ("size_class", "industry", "qualification")
_QUALIFICATION_RANK = {
    kind: rank
    for rank, kind in enumerate(
        (
            "high_tech",
            "tech_sme",
            "innovative_sme",
            "specialised_sme",
            "little_giant",
            "single_champion",
            "gazelle",
            "agricultural_leader",
        )
    )
}


def _ordered_values(field: str, values: list[str]) -> list[str]:
    if field == "industry":
        return _canonical_industries(values)
    if field == "size_class":
        return [s for s in SIZE_ORDER if s in values]
    return sorted(set(values), key=lambda v: _QUALIFICATION_RANK.get(v, 99))


def _side(condition: dict[str, Any]) -> str | None:
    """ "lower" or "upper" for a condition with one bound; None for a range."""
    bounds = set(condition) - {"field"}
    if len(bounds) != 1:
        return None
    return "lower" if bounds & {"min", "above"} else "upper"


def _looseness(condition: dict[str, Any]) -> tuple[float, bool]:
    """Orders one-sided conditions of one side from the loosest: a lower bound by its number
    (and ≥ before >), an upper bound by its number negated (and ≤ before <)."""
    bound, value = next((b, v) for b, v in condition.items() if b != "field")
    strict = bound in ("above", "below")
    return (float(value), strict) if bound in ("min", "above") else (-float(value), strict)


def _tiers(conditions: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The conditions on one measure, grouped as drafted: each group's first is kept, the rest
    stand behind it. Several lower bounds are the tiers of one reward ("突破100亿元…500亿元…"):
    whoever passes the lowest qualifies at all; so too for upper bounds. Bounds pointing opposite
    ways, and ranges, are kept as written, even where they contradict: a person decides."""
    groups = [[c] for c in conditions if _side(c) is None]
    for side in ("lower", "upper"):
        same = sorted((c for c in conditions if _side(c) == side), key=_looseness)
        if same:
            groups.append(same)
    return groups


def _combine(hits: list[_Hit]) -> list[tuple[dict[str, Any], list[_Hit]]]:
    """The rule's top-level conditions, each with the hits that produced it, in text order.

    A value field read in several places is one condition with every value: a text that names 批发业
    in one sentence and 零售业 in the next covers both. A size condition holding every size (大型企业…,
    中小微企业…: the rates of one scheme) restricts nobody and is dropped."""
    out: list[tuple[dict[str, Any], list[_Hit]]] = []
    for field in _VALUE_FIELDS:
        group = [h for h in hits if h.field == field]
        if not group:
            continue
        values = _ordered_values(field, [v for h in group for v in h.condition["values"]])
        if field == "size_class" and set(values) == set(SIZE_ORDER):
            continue
        out.append(({"field": field, "values": values}, group))
    chain = [h for h in hits if h.field == "chain"]
    if chain:
        out.append(({"field": "chain", "values": [], "roles": ["owner"]}, chain))
    for value in (True, False):
        group = [h for h in hits if h.field == "above_scale" and h.condition["value"] is value]
        if group:
            out.append(({"field": "above_scale", "value": value}, group))
    for measure in _MEASURES:
        group = [h for h in hits if h.field == measure.field]
        distinct: list[dict[str, Any]] = []
        for hit in group:
            if hit.condition not in distinct:
                distinct.append(hit.condition)
        for kept, *behind in _tiers(distinct):
            # A higher tier's words still belong to the condition that stands for it on the page.
            out.append((kept, [h for h in group if h.condition == kept or h.condition in behind]))
    return sorted(out, key=lambda item: min(h.start for h in item[1]))


def draft_rule(text: str) -> Draft:
    """The eligibility rule the text states, as far as its words can be read, and where."""
    normal = _normalise(text)
    hits = _hits(normal)
    runs = _alternatives(normal, hits)
    plain = [run[0] for run in runs if len(run) == 1]
    entries: list[tuple[int, dict[str, Any], list[_Hit]]] = []
    for condition, sources in _combine(plain):
        entries.append((min(h.start for h in sources), condition, sources))
    for run in (r for r in runs if len(r) > 1):
        members: list[dict[str, Any]] = []
        for hit in run:
            member = dict(hit.condition)
            if member["field"] in _VALUE_FIELDS:
                member["values"] = _ordered_values(member["field"], member["values"])
            if member not in members:
                members.append(member)
        group = {"match": "any", "conditions": members}
        entries.append((run[0].start, group, run))
    entries.sort(key=lambda entry: entry[0])
    conditions: list[dict[str, Any]] = []
    found: list[Found] = []
    for _, condition, sources in entries:
        if condition in conditions:
            continue
        conditions.append(condition)
        for hit in sorted(sources, key=lambda h: h.start):
            found.append(Found(text[hit.start : hit.end], hit.start, hit.end, condition))
    found.sort(key=lambda f: (f.start, f.end))
    return Draft(rule={"match": "all", "conditions": conditions}, found=found)
