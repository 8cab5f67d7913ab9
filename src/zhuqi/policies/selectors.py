"""Every read of policies, their matches and deliveries, scoped to the reader (docs/visibility.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhuqi.core.errors import NotFound
from zhuqi.core.scoping import NOTHING, region_and_ancestor_codes, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import assigned_q, enterprise_scope_q
from zhuqi.policies.matching import facts_of, in_force_q
from zhuqi.policies.models import Delivery, MatchStatus, Policy, PolicyMatch, PolicyStatus
from zhuqi.policies.rules import Outcome, evaluate


def _applying_where_enterprise_is(enterprise_id: int) -> Q:
    region = Enterprise.objects.filter(pk=enterprise_id).values_list("region_id", flat=True).first()
    if region is None:
        return NOTHING
    return Q(status=PolicyStatus.PUBLISHED, region_id__in=region_and_ancestor_codes(region))


def policy_scope_q(user: User) -> Q:
    """docs/visibility.md. Government staff: the policies of their jurisdiction, below it and
    above it (a province's policy applies in the city); handlers besides: what their department
    delivers. Enterprises: published policies that apply where they are. Liaison officers:
    published policies, to tell their enterprises of them."""
    return scope_q(
        user,
        enterprise=_applying_where_enterprise_is,
        liaison=lambda u: Q(status=PolicyStatus.PUBLISHED),
        region=lambda code: (
            region_subtree_q("region_id", code) | Q(region_id__in=region_and_ancestor_codes(code))
        ),
        department=lambda u: Q(department_id=u.department_id),
    )


def policy_queryset(*, user: User) -> QuerySet[Policy]:
    return Policy.objects.filter(policy_scope_q(user)).select_related("region", "department")


def policy_get(*, user: User, policy_id: int | str) -> Policy:
    try:
        return policy_queryset(user=user).get(pk=int(policy_id))
    except (Policy.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def match_queryset(*, user: User, policy: Policy) -> QuerySet[PolicyMatch]:
    """A policy's matched enterprises the reader may see (a county sees its own of a province's)."""
    return (
        PolicyMatch.objects.filter(policy=policy)
        .filter(enterprise__in=Enterprise.objects.filter(enterprise_scope_q(user)).values("pk"))
        .select_related("enterprise", "enterprise__region")
    )


def match_counts(*, user: User, policy: Policy) -> dict[str, int]:
    rows = match_queryset(user=user, policy=policy).order_by().values_list("status")
    counts = {status: 0 for status in MatchStatus.values}
    for (status,) in rows:
        counts[status] += 1
    return counts


@dataclass
class EnterprisePolicy:
    """A policy as it stands for one enterprise: matched or not, why, and its delivery."""

    policy: Policy
    status: str
    outcome: Outcome
    delivery: Delivery | None


def enterprise_policies(
    *, user: User, enterprise: Enterprise, today: datetime.date | None = None
) -> list[EnterprisePolicy]:
    """The published policies in force that match (or may match) an enterprise, each with every
    condition and the enterprise's value, and those it was delivered anyway."""
    day = today or timezone.localdate()
    facts = facts_of(enterprise, day)
    matched = dict(PolicyMatch.objects.filter(enterprise=enterprise).values_list("policy_id", "status"))
    deliveries = {
        d.policy_id: d
        for d in Delivery.objects.filter(enterprise=enterprise).select_related("policy", "enterprise")
    }
    policies = (
        policy_queryset(user=user)
        .filter(in_force_q(day), region_id__in=region_and_ancestor_codes(enterprise.region_id))
        .filter(Q(pk__in=list(matched)) | Q(pk__in=list(deliveries)))
        .order_by("-published_on", "-id")
    )
    found = []
    for policy in policies:
        outcome = evaluate(policy.rule, facts, day)
        found.append(
            EnterprisePolicy(
                policy=policy,
                status=matched.get(policy.pk, ""),
                outcome=outcome,
                delivery=deliveries.get(policy.pk),
            )
        )
    return found


def enterprise_policy(
    *, enterprise: Enterprise, policy: Policy, today: datetime.date | None = None
) -> EnterprisePolicy:
    """One policy as it stands for one enterprise, matched or not (the policy's page for the
    enterprise's own account: why it does or does not apply)."""
    day = today or timezone.localdate()
    status = (
        PolicyMatch.objects.filter(enterprise=enterprise, policy=policy)
        .values_list("status", flat=True)
        .first()
    )
    return EnterprisePolicy(
        policy=policy,
        status=status or "",
        outcome=evaluate(policy.rule, facts_of(enterprise, day), day),
        delivery=Delivery.objects.filter(enterprise=enterprise, policy=policy).first(),
    )


def delivery_scope_q(user: User) -> Q:
    """docs/visibility.md. Enterprises: their own; liaison officers: their assigned enterprises';
    handlers: what their department delivers, besides their region's; others: their jurisdiction."""
    return scope_q(
        user,
        enterprise="enterprise_id",
        liaison=lambda u: assigned_q(u, "enterprise_id"),
        region="region_id",
        department=lambda u: Q(policy__department_id=u.department_id),
    )


def delivery_queryset(*, user: User) -> QuerySet[Delivery]:
    return Delivery.objects.filter(delivery_scope_q(user)).select_related("policy", "enterprise", "region")


def delivery_get(*, user: User, delivery_id: int | str) -> Delivery:
    try:
        return delivery_queryset(user=user).get(pk=int(delivery_id))
    except (Delivery.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
