"""The enterprise picker kind (core/pickers.py): the registry's own search (name, short name,
credit code, pinyin) in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhuqi.core.pickers import Choice, PickerKind, names_by_id, register
from zhuqi.enterprises.filtersets import EnterpriseFilterSet
from zhuqi.enterprises.selectors import enterprise_queryset


def _search(user: Any, query: str, limit: int) -> list[Choice]:
    if not query.strip():
        return []
    found = EnterpriseFilterSet({"q": query}, queryset=enterprise_queryset(user=user)).qs
    return [Choice(str(e.pk), e.name, e.region.name) for e in found.order_by("name", "pk")[:limit]]


def _labels(user: Any, values: list[str]) -> dict[str, str]:
    return names_by_id(enterprise_queryset(user=user), values)


def register_kinds() -> None:
    register(
        PickerKind(
            name="enterprises",
            testid="enterprise",
            placeholder=_("名称、信用代码或拼音首字母"),
            search=_search,
            labels=_labels,
        )
    )
