"""The project picker kind (core/pickers.py): the projects the user may see, by part of the
name or the start of the project code."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhuqi.core.chinese import normalise_query
from zhuqi.core.pickers import Choice, PickerKind, register
from zhuqi.projects.selectors import project_queryset


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
    return {
        str(pk): name
        for pk, name in project_queryset(user=user)
        .filter(pk__in=[int(value) for value in values])
        .values_list("pk", "name")
    }


def register_kinds() -> None:
    register(
        PickerKind(
            name="projects",
            testid="project",
            placeholder=_("项目名称或代码"),
            search=_search,
            labels=_labels,
        )
    )
