"""Enterprise size class (大型/中型/小型/微型) under 《统计上大中小微型企业划分办法（2017）》.

Why the 2017 NBS text: it is the statistical standard in force (国统字〔2017〕213号). It carries over
the thresholds of 《中小企业划型标准规定》(工信部联企业〔2011〕300号) unchanged and only re-maps the
sectors onto GB/T 4754-2017 industry codes, which is what enterprise records here carry.

Rules of the text, applied by `classify`:

* 大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可。
  So a firm's class is the lowest class any one of its sector's indicators reaches.
* Figures: employees (从业人员, persons), revenue (营业收入) and total assets (资产总额), both in 万元.

Sector notes of the text (the combined sectors marked * in its table):

* 工业 = 采矿业 (B) + 制造业 (C) + 电力、热力、燃气及水生产和供应业 (D).
* 交通运输业 = 道路、水上、航空、管道运输业, 多式联运和运输代理业 and 装卸搬运 (54–58, 591);
  铁路运输业 (53) is excluded and so falls under 其他未列明行业.
* 仓储业 = 通用、低温、危险品、农产品、中药材及其他仓储 (592–599; GB/T 4754-2017 puts 装卸搬运
  and 仓储 together in 59, so the bare division "59" is ambiguous).
* 信息传输业 = 电信、广播电视和卫星传输服务 (63) + 互联网和相关服务 (64).
* 其他未列明行业 = 科学研究和技术服务业 (M), 水利、环境和公共设施管理业 (N), 居民服务、修理和其他
  服务业 (O), 社会工作 (85), 文化、体育和娱乐业 (R), 房地产中介服务 (703), 其他房地产业 (709) etc.,
  excluding 自有房地产经营活动 (7040, named 房地产租赁经营 in GB/T 4754-2017).

Outside the 办法's scope (size_class is None): 金融业 (J, classified under 《金融业企业划型标准规定》
银发〔2015〕309号), 教育 (P), 卫生 (84), 公共管理、社会保障和社会组织 (S), 国际组织 (T) and 7040.

A code too coarse to pick one rule (a section letter such as "F", or "59", "70") resolves to the
sector "ambiguous"; `classify` then reports "industry_code" in `missing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "RULE",
    "SECTOR_NAMES",
    "SECTOR_RULES",
    "SizeClass",
    "SizeResult",
    "classify",
    "sector_for_industry",
]

RULE = "国统字〔2017〕213号"


class SizeClass(StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


# From the largest class down; an indicator's class is the first whose lower bound it reaches.
_ORDER = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL)
_RANK = (*_ORDER, SizeClass.MICRO)

EMPLOYEES = "employees"
REVENUE = "revenue"
TOTAL_ASSETS = "total_assets"


@dataclass(frozen=True)
class Indicator:
    figure: str  # EMPLOYEES, REVENUE or TOTAL_ASSETS
    large: int  # lower bounds (≥); below `small` is micro
    medium: int
    small: int


@dataclass(frozen=True)
class SectorRule:
    sector: str
    name: str
    indicators: tuple[Indicator, ...]


def _rule(sector: str, name: str, *indicators: tuple[str, int, int, int]) -> SectorRule:
    return SectorRule(sector, name, tuple(Indicator(*spec) for spec in indicators))


# 附表 统计上大中小微型企业划分标准 (thresholds: 大型, 中型, 小型 lower bounds; 万元 for money).
SECTOR_RULES: tuple[SectorRule, ...] = (
    _rule("agriculture", "农、林、牧、渔业", (REVENUE, 20000, 500, 50)),
    _rule("industry", "工业", (EMPLOYEES, 1000, 300, 20), (REVENUE, 40000, 2000, 300)),
    _rule("construction", "建筑业", (REVENUE, 80000, 6000, 300), (TOTAL_ASSETS, 80000, 5000, 300)),
    _rule("wholesale", "批发业", (EMPLOYEES, 200, 20, 5), (REVENUE, 40000, 5000, 1000)),
    _rule("retail", "零售业", (EMPLOYEES, 300, 50, 10), (REVENUE, 20000, 500, 100)),
    _rule("transport", "交通运输业", (EMPLOYEES, 1000, 300, 20), (REVENUE, 30000, 3000, 200)),
    _rule("warehousing", "仓储业", (EMPLOYEES, 200, 100, 20), (REVENUE, 30000, 1000, 100)),
    _rule("postal", "邮政业", (EMPLOYEES, 1000, 300, 20), (REVENUE, 30000, 2000, 100)),
    _rule("accommodation", "住宿业", (EMPLOYEES, 300, 100, 10), (REVENUE, 10000, 2000, 100)),
    _rule("catering", "餐饮业", (EMPLOYEES, 300, 100, 10), (REVENUE, 10000, 2000, 100)),
    _rule("information_transmission", "信息传输业", (EMPLOYEES, 2000, 100, 10), (REVENUE, 100000, 1000, 100)),
    _rule("software", "软件和信息技术服务业", (EMPLOYEES, 300, 100, 10), (REVENUE, 10000, 1000, 50)),
    _rule(
        "real_estate_development",
        "房地产开发经营",
        (REVENUE, 200000, 1000, 100),
        (TOTAL_ASSETS, 10000, 5000, 2000),
    ),
    _rule("property_management", "物业管理", (EMPLOYEES, 1000, 300, 100), (REVENUE, 5000, 1000, 500)),
    _rule(
        "leasing_business", "租赁和商务服务业", (EMPLOYEES, 300, 100, 10), (TOTAL_ASSETS, 120000, 8000, 100)
    ),
    _rule("other", "其他未列明行业", (EMPLOYEES, 300, 100, 10)),
)
_RULES_BY_SECTOR = {rule.sector: rule for rule in SECTOR_RULES}

FINANCE = "finance"
NOT_COVERED = "not_covered"
AMBIGUOUS = "ambiguous"
UNKNOWN = "unknown"

SECTOR_NAMES: dict[str, str] = {
    **{rule.sector: rule.name for rule in SECTOR_RULES},
    FINANCE: "金融业（按《金融业企业划型标准规定》划分）",
    NOT_COVERED: "不属于本办法划分范围的行业",
    AMBIGUOUS: "行业代码不够具体，无法确定划分行业",
    UNKNOWN: "行业未知",
}

# GB/T 4754-2017 divisions (大类, 01–97) → sector, as inclusive ranges; None where the division's
# groups (中类) belong to different sectors, which _GROUP_SECTORS then lists.
_DIVISION_SECTORS: tuple[tuple[int, int, str | None], ...] = (
    (1, 5, "agriculture"),  # A, including 05 农、林、牧、渔专业及辅助性活动: the text says 农、林、牧、渔业
    (6, 46, "industry"),  # B, C, D
    (47, 50, "construction"),  # E
    (51, 51, "wholesale"),
    (52, 52, "retail"),
    (53, 53, "other"),  # 铁路运输业: excluded from 交通运输业
    (54, 58, "transport"),
    (59, 59, None),  # 装卸搬运和仓储业
    (60, 60, "postal"),
    (61, 61, "accommodation"),
    (62, 62, "catering"),
    (63, 64, "information_transmission"),
    (65, 65, "software"),
    (66, 69, FINANCE),  # J
    (70, 70, None),  # K 房地产业
    (71, 72, "leasing_business"),  # L
    (73, 82, "other"),  # M, N, O
    (83, 84, NOT_COVERED),  # P 教育, 84 卫生
    (85, 90, "other"),  # 85 社会工作, R
    (91, 97, NOT_COVERED),  # S, T
)
_GROUP_SECTORS: dict[str, str] = {
    "591": "transport",  # 装卸搬运
    **{f"59{d}": "warehousing" for d in "234569"},  # 592–596, 599 仓储
    "701": "real_estate_development",
    "702": "property_management",
    "703": "other",  # 房地产中介服务
    "704": NOT_COVERED,  # 房地产租赁经营 (自有房地产经营活动)
    "709": "other",  # 其他房地产业
}
_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 96), "T": (97, 97),
}  # fmt: skip
_CODE = re.compile(r"(?P<section>[A-T])?(?P<digits>\d{2,4})?")


def _division_sectors(division: int) -> set[str]:
    for low, high, sector in _DIVISION_SECTORS:
        if low <= division <= high:
            if sector is not None:
                return {sector}
            return {s for group, s in _GROUP_SECTORS.items() if int(group[:2]) == division}
    raise ValueError(f"no GB/T 4754-2017 division {division:02d}")


def _result(sectors: set[str]) -> tuple[str, str]:
    if len(sectors) == 1:
        sector = sectors.pop()
        return sector, SECTOR_NAMES[sector]
    names = "、".join(SECTOR_NAMES[s] for s in SECTOR_NAMES if s in sectors)  # in table order
    return AMBIGUOUS, f"{SECTOR_NAMES[AMBIGUOUS]}（可能为：{names}）"


def sector_for_industry(industry_code: str) -> tuple[str, str]:
    """(sector key, Chinese name) for a GB/T 4754-2017 code of any level.

    Accepts a section letter ("C"), a division ("32"), group ("325") or class ("3252"), optionally
    prefixed by its section letter ("C3252"). Raises ValueError for a malformed code or a
    division outside 01–97. Groups and classes are not checked against the full code list.
    """
    code = industry_code.strip().upper()
    match = _CODE.fullmatch(code)
    if not code or match is None:
        raise ValueError(f"not a GB/T 4754-2017 industry code: {industry_code!r}")
    section, digits = match.group("section"), match.group("digits")
    if digits is None:
        low, high = _SECTIONS[section]
        in_section: set[str] = set()
        for division in range(low, high + 1):
            in_section |= _division_sectors(division)
        return _result(in_section)
    division = int(digits[:2])
    sectors = _division_sectors(division)
    if section is not None and not _SECTIONS[section][0] <= division <= _SECTIONS[section][1]:
        raise ValueError(
            f"industry code {industry_code!r}: division {digits[:2]} is not in section {section}"
        )
    if len(digits) >= 3 and digits[:3] in _GROUP_SECTORS:
        return _result({_GROUP_SECTORS[digits[:3]]})
    if len(digits) >= 3 and len(sectors) > 1:
        raise ValueError(f"no GB/T 4754-2017 group {digits[:3]}")
    return _result(sectors)


@dataclass(frozen=True)
class SizeResult:
    size_class: SizeClass | None
    sector: str
    sector_name: str
    basis: dict[str, int | Decimal] = field(default_factory=dict)  # the figures the sector's rule used
    missing: tuple[str, ...] = ()  # figures (or "industry_code") needed but absent
    rule: str = RULE


def _indicator_class(indicator: Indicator, value: int | Decimal) -> SizeClass:
    bounds = (indicator.large, indicator.medium, indicator.small)
    return next((cls for cls, bound in zip(_ORDER, bounds, strict=True) if value >= bound), SizeClass.MICRO)


def classify(
    *,
    industry_code: str | None,
    employees: int | None,
    revenue: Decimal | None,
    total_assets: Decimal | None,
) -> SizeResult:
    """Size class of an enterprise; revenue and total_assets in 万元.

    size_class is None when a figure the sector's rule needs is absent (`missing` names them),
    when the industry code is absent or too coarse (`missing` is ("industry_code",)), or when the
    industry is outside the 办法 (金融业 and the others listed in the module docstring).
    Raises ValueError for a malformed industry code or a negative figure.
    """
    figures: dict[str, int | Decimal | None] = {
        EMPLOYEES: employees, REVENUE: revenue, TOTAL_ASSETS: total_assets,
    }  # fmt: skip
    for name, value in figures.items():
        if value is not None and value < 0:
            raise ValueError(f"{name} must not be negative: {value}")
    if industry_code is None or not industry_code.strip():
        return SizeResult(None, UNKNOWN, SECTOR_NAMES[UNKNOWN], missing=("industry_code",))
    sector, sector_name = sector_for_industry(industry_code)
    if sector == AMBIGUOUS:
        return SizeResult(None, sector, sector_name, missing=("industry_code",))
    rule = _RULES_BY_SECTOR.get(sector)
    if rule is None:  # finance, not covered
        return SizeResult(None, sector, sector_name)
    basis: dict[str, int | Decimal] = {}
    missing: list[str] = []
    for indicator in rule.indicators:
        value = figures[indicator.figure]
        if value is None:
            missing.append(indicator.figure)
        else:
            basis[indicator.figure] = value
    if missing:
        return SizeResult(None, sector, sector_name, basis, tuple(missing))
    classes = [_indicator_class(i, basis[i.figure]) for i in rule.indicators]
    # 须同时满足所列指标的下限，否则下划一档: the lowest class any indicator reaches.
    size_class = max(classes, key=_RANK.index)
    return SizeResult(size_class, sector, sector_name, basis)
