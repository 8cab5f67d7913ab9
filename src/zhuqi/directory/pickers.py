"""The picker kinds of the directory (core/pickers.py): officials, departments and regions, each
searched by name or pinyin in the user's scope."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from zhuqi.core.chinese import normalise_query, pinyin_keys
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.pickers import Choice, PickerKind, names_by_id, register
from zhuqi.core.scoping import jurisdiction_code, region_prefix
from zhuqi.core.validators import is_region_code
from zhuqi.directory import selectors
from zhuqi.directory.models import Region

# ---------------------------------------------------------------------------------------------
# Regions: GB/T 2260 has about 3,200 divisions in all, so the whole tree with its pinyin keys is
# held in memory and searched there; it is rebuilt when the table changes (its row count or
# highest code moves), which a reference-data load does.


@dataclass(frozen=True)
class RegionEntry:
    code: str
    name: str
    parent: str | None
    path: str  # the regions above it, top first: "内蒙古自治区 · 通辽市"
    keys: tuple[str, ...]


_index_lock = threading.Lock()
_index: tuple[tuple[int, str | None], list[RegionEntry]] | None = None


def region_index() -> list[RegionEntry]:
    global _index
    summary = Region.objects.aggregate(count=Count("code"), last=Max("code"))
    signature = (summary["count"], summary["last"])
    with _index_lock:
        if _index is None or _index[0] != signature:
            rows = {
                code: (name, parent)
                for code, name, parent in Region.objects.values_list("code", "name", "parent_id")
            }

            def path(code: str | None) -> list[str]:
                names: list[str] = []
                while code and code in rows and len(names) < 3:
                    names.append(rows[code][0])
                    code = rows[code][1]
                return list(reversed(names))

            entries = [
                RegionEntry(code, name, parent, " · ".join(path(parent)), tuple(pinyin_keys(name)))
                for code, (name, parent) in sorted(rows.items())
            ]
            _index = (signature, entries)
        return _index[1]


def _region_matches(entry: RegionEntry, text: str) -> bool:
    if text.isdigit():
        return entry.code.startswith(text)
    if text.isascii():
        return any(key.startswith(text) for key in entry.keys)
    return text in entry.name


def _regions_in_scope(user: Any) -> list[RegionEntry]:
    if not has_permission(user, Permission.READ_DIRECTORY):
        return []
    code = jurisdiction_code(user)
    entries = region_index()
    if code is None:
        return entries
    if not code:
        return []
    prefix = region_prefix(code)
    return [entry for entry in entries if entry.code.startswith(prefix)]


def region_codes_matching(user: Any, text: str) -> list[str]:
    return [entry.code for entry in _regions_in_scope(user) if _region_matches(entry, text)]


def _search_regions(user: Any, query: str, limit: int) -> list[Choice]:
    text = normalise_query(query).replace(" ", "")
    entries = _regions_in_scope(user)
    if text:
        found = [entry for entry in entries if _region_matches(entry, text)]
        # A name that starts with what was typed first: "通辽" means 通辽市 before 通辽市本级's neighbours.
        found.sort(key=lambda entry: (not entry.name.startswith(text), entry.code))
    else:
        # Nothing typed yet: the top of the user's tree (their region and the level under it).
        code = jurisdiction_code(user)
        found = [entry for entry in entries if entry.code == code or entry.parent == code]
    return [Choice(entry.code, entry.name, entry.path or entry.code) for entry in found[:limit]]


def _region_labels(user: Any, values: list[str]) -> dict[str, str]:
    codes = set(values)
    return {entry.code: entry.name for entry in _regions_in_scope(user) if entry.code in codes}


# ---------------------------------------------------------------------------------------------
# Departments: a province has thousands, but far fewer distinct names (every county has its
# 发改委), so pinyin is matched against the distinct names once and the rows then found by name
# through the (region, name) index.


@lru_cache(maxsize=20000)
def _name_keys(name: str) -> tuple[str, ...]:
    return tuple(pinyin_keys(name))


def _pinyin_matches(token: str, name: str) -> bool:
    """A department's name carries its region ("霍林郭勒市财政局"), so "czj" is matched inside
    the initials, not only at their start; a single letter only at the start."""
    keys = _name_keys(name)
    if len(token) == 1:
        return any(key.startswith(token) for key in keys)
    return any(token in key for key in keys)


def _search_departments(user: Any, query: str, limit: int) -> list[Choice]:
    scoped = selectors.department_queryset(user=user)
    for token in normalise_query(query).split():
        if token.isascii() and token.isalnum():
            names = {
                name
                for name in scoped.values_list("name", flat=True).distinct()
                if _pinyin_matches(token, name)
            }
            short_names = {
                name
                for name in scoped.exclude(short_name="").values_list("short_name", flat=True).distinct()
                if _pinyin_matches(token, name)
            }
            matches = Q(name__in=names) | Q(short_name__in=short_names)
        else:
            matches = Q(name__contains=token) | Q(short_name__contains=token)
        # "霍林郭勒 发改" or "hlgl fgw": a word may name the department's region.
        scoped = scoped.filter(matches | Q(region_id__in=region_codes_matching(user, token)))
    return [
        Choice(str(department.pk), department.name, department.region.name)
        for department in scoped.select_related("region").order_by("-region_id", "name")[:limit]
    ]


def _department_labels(user: Any, values: list[str]) -> dict[str, str]:
    return names_by_id(selectors.department_queryset(user=user), values)


# ---------------------------------------------------------------------------------------------
# Officials: their own search column (name and pinyin keys), in the officials the user may name.


def _search_officials(user: Any, query: str, limit: int) -> list[Choice]:
    return [
        Choice(
            str(official.pk),
            official.name,
            "、".join(post.label for post in official.posts_now) or official.region.name,  # type: ignore[attr-defined]
        )
        for official in selectors.official_search(user=user, query=query, limit=limit)
    ]


def _official_labels(user: Any, values: list[str]) -> dict[str, str]:
    return names_by_id(selectors.assignable_officials(user=user), values)


def register_kinds() -> None:
    register(
        PickerKind(
            name="regions",
            testid="region",
            placeholder=_("地区名称、拼音首字母或代码"),
            search=_search_regions,
            labels=_region_labels,
            valid=is_region_code,
        )
    )
    register(
        PickerKind(
            name="departments",
            testid="department",
            placeholder=_("部门名称或拼音首字母"),
            search=_search_departments,
            labels=_department_labels,
        )
    )
    register(
        PickerKind(
            name="officials",
            testid="official",
            placeholder=_("姓名或拼音首字母"),
            search=_search_officials,
            labels=_official_labels,
        )
    )
