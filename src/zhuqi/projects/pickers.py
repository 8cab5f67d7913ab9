"""The project picker kind (core/pickers.py): the projects the user may see, by part of the
name or the start of the project code."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhuqi.core.chinese import normalise_query
from zhuqi.core.pickers import Choice, PickerKind, names_by_id, register
from zhuqi.core.validators import is_id
from zhuqi.projects.selectors import project_lists, project_queryset


def _search(user: Any, query: str, limit: int) -> list[Choice]:
    text = normalise_query(query)
    if not text:
        return []
    found = project_queryset(user=user).filter(Q(name__contains=text) | Q(code__istartswith=text))
    return [
        Choice(str(p.pk), p.name, f"{p.region.name} · {p.get_stage_display()}")
        for p in found.order_by("name", "pk")[:limit]
    ]


def _labels(user: Any, values: list[str]) -> dict[str, str]:
    return names_by_id(project_queryset(user=user), values)


def _search_lists(user: Any, query: str, limit: int) -> list[Choice]:
    """Lists (清单) of the jurisdiction and the regions above it, newest year first; a year typed
    ("2026") finds that year's."""
    text = normalise_query(query)
    found = project_lists(user=user)
    for token in text.split():
        if len(token) == 4 and is_id(token):
            found = found.filter(year=int(token))
        else:
            found = found.filter(name__contains=token)
    return [
        Choice(str(item.pk), item.name, f"{item.year} · {item.get_level_display()}")
        for item in found.order_by("-year", "name", "pk")[:limit]
    ]


def _list_labels(user: Any, values: list[str]) -> dict[str, str]:
    return names_by_id(project_lists(user=user), values)


def register_kinds() -> None:
    register(
        PickerKind(
            name="project-lists",
            testid="project-list",
            placeholder=_("清单名称或年度"),
            search=_search_lists,
            labels=_list_labels,
        )
    )
    register(
        PickerKind(
            name="projects",
            testid="project",
            placeholder=_("项目名称或代码"),
            search=_search,
            labels=_labels,
        )
    )
