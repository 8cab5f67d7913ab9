"""Enterprise names that read like a registry's: 行政区划 + 字号 + 行业表述 + 组织形式
(企业名称登记管理规定), e.g. 霍林郭勒市恒泰铝业有限公司, 通辽市瑞丰建材有限责任公司,
内蒙古华鑫电气股份有限公司. Shared by the demo and the benchmark generators."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence

from zhuqi.directory.models import Region

# 字号: two characters each (the reports' own words are kept apart, see dataset.REPORT_WORDS).
TRADE_NAMES = [
    "华鑫",
    "恒泰",
    "东升",
    "宏达",
    "金源",
    "瑞丰",
    "兴隆",
    "天成",
    "通达",
    "新创",
    "远航",
    "嘉禾",
    "鼎盛",
    "盛世",
    "安泰",
    "润发",
    "博远",
    "中科",
    "蒙原",
    "草原",
    "塞北",
    "广聚",
    "永昌",
    "长青",
]

# 行业表述 per GB/T 4754-2017 division: what a registry name says about the trade, so a
# generated enterprise's name matches the industry it is filed under.
INDUSTRY_WORDS: dict[str, list[str]] = {
    "06": ["煤业", "矿业", "煤炭"],
    "13": ["粮油", "饲料", "农产品"],
    "14": ["食品", "乳业"],
    "26": ["化工", "精细化工"],
    "30": ["建材", "水泥", "新型建材"],
    "31": ["钢铁", "特钢"],
    "32": ["铝业", "金属材料", "新材料"],
    "33": ["金属制品", "钢结构"],
    "34": ["机械", "装备制造"],
    "35": ["机械设备", "重工"],
    "36": ["汽车零部件", "专用汽车"],
    "38": ["电气", "电器设备"],
    "39": ["电子", "电子科技"],
    "44": ["电力", "热电", "新能源"],
    "47": ["建筑工程", "建设"],
    "51": ["商贸", "贸易"],
    "54": ["物流", "运输"],
}

FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司"]

_ETHNIC = ("壮族", "回族", "维吾尔")


def province_short_name(name: str) -> str:
    """内蒙古自治区 → 内蒙古, 广西壮族自治区 → 广西, 山西省 → 山西, 北京市 → 北京."""
    short = name.removesuffix("自治区").removesuffix("省").removesuffix("市")
    for word in _ETHNIC:
        short = short.removesuffix(word)
    return short


def place_words(code: str, name: str, names_by_code: dict[str, str]) -> list[str]:
    """The 行政区划 an enterprise in the county `code` may carry: the county-level city, county or
    banner itself (霍林郭勒市, 开鲁县, 扎鲁特旗); a district's enterprises carry their city
    (科尔沁区 → 通辽市); any may carry the province's short name (内蒙古). `names_by_code` holds
    the prefecture and province names by code."""
    province = province_short_name(names_by_code.get(code[:2] + "0000", ""))
    local = name
    if name.endswith("区"):
        city = names_by_code.get(code[:4] + "00", "")
        # A municipality's districts sit under a "市辖区" placeholder: the city is the province.
        local = city if city.endswith(("市", "盟", "州")) else names_by_code.get(code[:2] + "0000", name)
    # The local name three times as often: most enterprises are registered where they are.
    return [word for word in (local, local, local, province) if word]


def enterprise_name(
    rng: random.Random,
    *,
    places: list[str],
    division: str,
    taken: set[str],
    trade_names: Sequence[str] = TRADE_NAMES,
    refuse: Callable[[str], bool] | None = None,
) -> str:
    """A name not in `taken` (which it joins) nor refused. Two 字号 are joined only when one is
    used up."""
    trade = INDUSTRY_WORDS[division]
    for attempt in range(200):
        words = "".join(rng.sample(trade_names, 2 if attempt >= 20 else 1))
        name = f"{rng.choice(places)}{words}{rng.choice(trade)}{rng.choice(FORMS)}"
        if name not in taken and not (refuse and refuse(name)):
            taken.add(name)
            return name
    raise RuntimeError(f"no free enterprise name left in {places}")


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of the prefectures and provinces above `codes`, for place_words."""
    wanted = {code[:4] + "00" for code in codes} | {code[:2] + "0000" for code in codes}
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
