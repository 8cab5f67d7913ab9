"""Resolving what people type for a region or an industry into the reference rows.

Government lists write a region as its code ("150581"), its name ("霍林郭勒市") or a path
("内蒙古自治区通辽市霍林郭勒市"), and an industry as a code ("3252", "C3252"), a name
("铝压延加工") or both ("3252 铝压延加工"). One resolver per import or request caches the
tables, so a 100k-row file costs two queries, not 200k.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhuqi.core.chinese import to_halfwidth, to_simplified
from zhuqi.core.scoping import region_prefix
from zhuqi.directory.models import Industry, Region

_INDUSTRY_CODE = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2,4})?\s*(.*)$")


class ReferenceError(ValueError):
    pass


@dataclass
class ReferenceResolver:
    _regions: dict[str, Region] = field(default_factory=dict)
    _region_paths: dict[str, str] = field(default_factory=dict)
    _industries: dict[str, Industry] = field(default_factory=dict)
    _industry_names: dict[str, list[Industry]] = field(default_factory=dict)
    _memo: dict[tuple[str, str], Region | Industry] = field(default_factory=dict)

    def _load_regions(self) -> None:
        if self._regions:
            return
        self._regions = {r.code: r for r in Region.objects.all()}
        for region in self._regions.values():
            names = []
            node: Region | None = region
            while node is not None:
                # 市辖区 and 省直辖县级行政区划 are placeholders nobody writes in an address.
                if not node.name.endswith(("市辖区", "直辖县级行政区划")) and node.name != "县":
                    names.append(node.name)
                node = self._regions.get(node.parent_id) if node.parent_id else None
            self._region_paths[region.code] = "".join(reversed(names))

    def _load_industries(self) -> None:
        if self._industries:
            return
        for industry in Industry.objects.all():
            self._industries[industry.code] = industry
            self._industry_names.setdefault(industry.name, []).append(industry)

    def region(self, value: str, *, within: str | None = None) -> Region:
        """`within`: a jurisdiction code that breaks ties between divisions of the same name."""
        text = to_simplified(to_halfwidth(str(value))).strip().replace(" ", "")
        if not text:
            raise ReferenceError("不能为空")
        key = (text, within or "")
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._load_regions()
        if text.isdigit():
            if len(text) != 6:
                raise ReferenceError(f"行政区划代码应为6位数字，“{text}”不是")
            found = self._regions.get(text)
            if found is None:
                raise ReferenceError(f"没有代码为 {text} 的行政区划（GB/T 2260）")
            self._memo[key] = found
            return found
        candidates = [
            self._regions[code]
            for code, path in self._region_paths.items()
            if path == text or (path.endswith(text) and text.endswith(self._regions[code].name))
        ]
        if len(candidates) > 1 and within:
            prefix = region_prefix(within)
            inside = [r for r in candidates if r.code.startswith(prefix)]
            candidates = inside or candidates
        if len(candidates) > 1:
            # A county and the prefecture of the same name ("通辽市" the city, not a county) —
            # the shorter path is the one meant.
            shortest = min(len(self._region_paths[r.code]) for r in candidates)
            candidates = [r for r in candidates if len(self._region_paths[r.code]) == shortest]
        if not candidates:
            raise ReferenceError(f"找不到名为“{text}”的行政区划，请填写6位行政区划代码")
        if len(candidates) > 1:
            options = "、".join(f"{r.code} {self._region_paths[r.code]}" for r in candidates[:5])
            raise ReferenceError(f"“{text}”对应多个行政区划（{options}），请填写6位代码或上级名称")
        self._memo[key] = candidates[0]
        return candidates[0]

    def region_path(self, code: str) -> str:
        self._load_regions()
        return self._region_paths.get(code, code)

    def industry(self, value: str) -> Industry:
        text = to_simplified(to_halfwidth(str(value))).strip()
        if not text:
            raise ReferenceError("不能为空")
        key = ("industry", text)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._load_industries()
        match = _INDUSTRY_CODE.match(text)
        letter, digits, rest = (
            (match.group(1), match.group(2), match.group(3).strip()) if match else (None, None, text)
        )
        found: Industry | None = None
        if digits:
            found = self._industries.get(digits)
            if found is None:
                raise ReferenceError(f"没有代码为 {digits} 的国民经济行业（GB/T 4754-2017）")
            if letter and found.section != letter.upper():
                raise ReferenceError(f"行业代码 {digits} 属于门类 {found.section}，不属于 {letter.upper()}")
        elif letter and not rest:
            found = self._industries.get(letter.upper())
        else:
            named = self._industry_names.get(text, [])
            if len(named) > 1:
                # The same name at two levels (a division with one group): the finest one is meant.
                named = [max(named, key=lambda industry: len(industry.code))]
            found = named[0] if named else None
            if found is None:
                raise ReferenceError(f"找不到名为“{text}”的国民经济行业，请填写行业代码，如 3252")
        if found is None:
            raise ReferenceError(f"无法识别行业“{text}”")
        self._memo[key] = found
        return found
