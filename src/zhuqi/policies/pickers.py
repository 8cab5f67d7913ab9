"""The policy picker kind (core/pickers.py): the catalogue's published policies the user may see,
by words of the title, issuer or text, or the document number; with nothing typed, the newest.
What a visit's policy check links (visits: only a published policy may be linked)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhuqi.core.pickers import Choice, PickerKind, register
from zhuqi.policies.filtersets import PolicyFilterSet
from zhuqi.policies.models import Policy, PolicyStatus
from zhuqi.policies.selectors import policy_queryset

NAME = "policies"


def _detail(policy: Policy, today: Any) -> str:
    parts = [policy.document_number or policy.issuer, policy.region.name]
    if policy.valid_until and policy.valid_until < today:
        parts.append(gettext("已过执行期"))
    return " · ".join(part for part in parts if part)


def _search(user: Any, query: str, limit: int) -> list[Choice]:
    published = policy_queryset(user=user).filter(status=PolicyStatus.PUBLISHED)
    found = (
        PolicyFilterSet({"q": query}, queryset=published).qs
        if query.strip()
        else published.order_by("-published_on", "-id")
    )
    today = timezone.localdate()
    return [Choice(str(policy.pk), policy.title, _detail(policy, today)) for policy in found[:limit]]


def _labels(user: Any, values: list[str]) -> dict[str, str]:
    # Any status: a policy linked while published keeps its name on the form once withdrawn.
    return {
        str(pk): title
        for pk, title in policy_queryset(user=user)
        .filter(pk__in=[int(value) for value in values])
        .values_list("pk", "title")
    }


def register_kinds() -> None:
    register(
        PickerKind(
            name=NAME,
            testid="policy",
            placeholder=_("政策名称、文号或关键词"),
            search=_search,
            labels=_labels,
        )
    )
