"""The agreement picker kind (core/pickers.py): the agreements the user may see, by part of the
title or the other side's name; with nothing typed, the newest. What a target is signed with."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhuqi.core.chinese import normalise_query
from zhuqi.core.pickers import Choice, PickerKind, register
from zhuqi.investment.models import Agreement
from zhuqi.investment.selectors import agreement_queryset

NAME = "agreements"


def _detail(agreement: Agreement) -> str:
    parts = [agreement.counterparty_name, agreement.signed_on.isoformat()]
    if agreement.chain_id:
        parts.append(agreement.chain.name)  # type: ignore[union-attr]  # chain_id is set
    return " · ".join(parts)


def _search(user: Any, query: str, limit: int) -> list[Choice]:
    found = agreement_queryset(user=user)
    text = normalise_query(query)
    for word in text.split():
        found = found.filter(Q(title__contains=word) | Q(counterparty_name__contains=word))
    return [
        Choice(str(agreement.pk), agreement.title, _detail(agreement))
        for agreement in found.order_by("-signed_on", "-id")[:limit]
    ]


def _labels(user: Any, values: list[str]) -> dict[str, str]:
    return {
        str(pk): title
        for pk, title in agreement_queryset(user=user)
        .filter(pk__in=[int(value) for value in values])
        .values_list("pk", "title")
    }


def register_kinds() -> None:
    register(
        PickerKind(
            name=NAME,
            testid="agreement",
            placeholder=_("协议名称或签约对方"),
            search=_search,
            labels=_labels,
        )
    )
