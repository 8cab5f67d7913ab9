"""Which enterprises a policy matches, kept in PolicyMatch: for a policy, set-wise in one SQL
statement over the registry (a province's enterprises in one pass, never one at a time in
Python); for one enterprise that changed, in Python against the policies that apply where it is.
Both read the same rule (rules.py), and a property test holds them equal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Case, CharField, Max, Q, Value, When
from django.utils import timezone

from zhuqi.chains.models import Member
from zhuqi.core.scoping import region_and_ancestor_codes, region_subtree_q
from zhuqi.enterprises.models import Enterprise, Qualification
from zhuqi.policies.models import MatchStatus, MatchSweep, Policy, PolicyMatch, PolicyStatus
from zhuqi.policies.rules import Facts, Verdict, evaluate, rule_q

# Drafts are matched too, so the keeper sees whom a rule reaches before publishing it.
MATCHED_STATUSES = (PolicyStatus.DRAFT, PolicyStatus.PUBLISHED)


def in_force_q(today: datetime.date, prefix: str = "") -> Q:
    """Published and within its validity dates."""
    return (
        Q(**{f"{prefix}status": PolicyStatus.PUBLISHED})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))
    )


# SQLite keeps no statistics on ranges: for a broad rule it read the registry through the size
# class's index rather than the policy's region (bench/README.md, issue 19: 283 s against 76 s
# for 500 policies × 200k enterprises). Named on SQLite only; PostgreSQL plans it well.
REGION_INDEX = "enterprise_region_name_idx"


def _by_region(sql: str) -> str:
    if connection.vendor != "sqlite":
        return sql
    enterprises = connection.ops.quote_name(Enterprise._meta.db_table)
    return sql.replace(f"FROM {enterprises} WHERE", f"FROM {enterprises} INDEXED BY {REGION_INDEX} WHERE", 1)


@transaction.atomic
def rematch_policy(policy: Policy, *, today: datetime.date | None = None) -> int:
    """Bring the policy's matches to what its rule finds now, writing only what changed (a rule
    re-run over a province's registry mostly finds what it found before); the number of matches."""
    day = today or timezone.localdate()
    matches = PolicyMatch.objects.filter(policy=policy)
    if policy.status not in MATCHED_STATUSES:
        matches.delete()
    else:
        passes, possible = rule_q(policy.rule, day)
        found = (
            Enterprise.objects.filter(region_subtree_q("region_id", policy.region_id))
            .filter(possible)
            .order_by()
        )
        rows = found.annotate(
            match_policy=Value(policy.pk),
            match_status=Case(
                When(passes, then=Value(MatchStatus.ELIGIBLE.value)),
                default=Value(MatchStatus.POSSIBLE.value),
                output_field=CharField(),
            ),
        ).values_list("match_policy", "pk", "match_status")
        select, params = rows.query.sql_with_params()
        ids, id_params = found.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(PolicyMatch._meta.db_table)
        with connection.cursor() as cursor:
            # Two statements: the database reads the registry and writes the changes itself. The
            # SELECTs are Django's own, with their parameters bound; nothing here is user text.
            cursor.execute(
                f"DELETE FROM {table} WHERE policy_id = %s AND enterprise_id NOT IN ({_by_region(ids)})",  # noqa: S608
                [policy.pk, *id_params],
            )
            cursor.execute(
                f"INSERT INTO {table} (policy_id, enterprise_id, status) {_by_region(select)} "
                "ON CONFLICT (policy_id, enterprise_id) DO UPDATE SET status = excluded.status "
                f"WHERE {table}.status <> excluded.status",
                params,
            )
    Policy.objects.filter(pk=policy.pk).update(matched_at=timezone.now())
    return matches.count()


def rematch_policies(policies: Iterable[Policy], *, today: datetime.date | None = None) -> int:
    return sum(rematch_policy(policy, today=today) for policy in policies)


def rematch_all(*, today: datetime.date | None = None) -> int:
    return rematch_policies(Policy.objects.filter(status__in=MATCHED_STATUSES).order_by("pk"), today=today)


# Past this many enterprises changed since the last sweep (an import), one pass per policy over
# the registry is cheaper than each enterprise against every policy.
FULL_REMATCH_AT = 2000


def sweep_changed_enterprises(*, today: datetime.date | None = None) -> int:
    """Re-match the enterprises written since the last sweep. A bulk import writes rows without
    the per-row signal, so this periodic sweep is what makes its enterprises' policies right; the
    watermark keeps it from doing the same work twice. Returns the enterprises (or, past
    FULL_REMATCH_AT, the matches) re-done."""
    with transaction.atomic():
        state, _ = MatchSweep.objects.select_for_update().get_or_create(pk=1)
        changed = Enterprise.objects.all()
        if state.enterprises_until is not None:
            changed = changed.filter(updated_at__gt=state.enterprises_until)
        newest = changed.aggregate(newest=Max("updated_at"))["newest"]
        if newest is None:
            return 0
        ids = list(
            changed.filter(updated_at__lte=newest)
            .order_by()
            .values_list("pk", flat=True)[: FULL_REMATCH_AT + 1]
        )
        state.enterprises_until = newest
        state.save(update_fields=["enterprises_until"])
    if not Policy.objects.filter(status__in=MATCHED_STATUSES).exists():
        return 0
    if len(ids) > FULL_REMATCH_AT:
        return rematch_all(today=today)
    for enterprise_id in ids:
        rematch_enterprise(enterprise_id, today=today)
    return len(ids)


def facts_of(enterprise: Enterprise, today: datetime.date) -> Facts:
    held = frozenset(
        Qualification.objects.filter(Qualification.valid_q(today), enterprise=enterprise).values_list(
            "kind", flat=True
        )
    )
    return Facts(
        region_code=enterprise.region_id,
        size_class=enterprise.size_class or None,
        industry_code=enterprise.industry_id,
        above_scale=enterprise.above_scale,
        employees=enterprise.employees,
        revenue=enterprise.revenue,
        founded_on=enterprise.founded_on,
        qualifications=held,
        chains=frozenset(Member.objects.filter(enterprise=enterprise).values_list("chain_id", "role")),
    )


def policies_applying_to(enterprise: Enterprise) -> Q:
    """Policies whose region is the enterprise's or one above it."""
    return Q(region_id__in=region_and_ancestor_codes(enterprise.region_id))


@transaction.atomic
def rematch_enterprise(enterprise_id: int, *, today: datetime.date | None = None) -> int:
    """Re-match one enterprise against every policy that applies where it is; the number of
    policies it now matches."""
    day = today or timezone.localdate()
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return 0
    facts = facts_of(enterprise, day)
    wanted: dict[int, str] = {}
    for policy_id, rule in (
        Policy.objects.filter(policies_applying_to(enterprise), status__in=MATCHED_STATUSES)
        .order_by()
        .values_list("pk", "rule")
    ):
        verdict = evaluate(rule, facts, day).verdict
        if verdict != Verdict.FAIL:
            wanted[policy_id] = MatchStatus.ELIGIBLE if verdict == Verdict.PASS else MatchStatus.POSSIBLE
    have = dict(PolicyMatch.objects.filter(enterprise_id=enterprise_id).values_list("policy_id", "status"))
    gone = [policy_id for policy_id in have if policy_id not in wanted]
    if gone:
        PolicyMatch.objects.filter(enterprise_id=enterprise_id, policy_id__in=gone).delete()
    changed = [
        PolicyMatch(policy_id=policy_id, enterprise_id=enterprise_id, status=status)
        for policy_id, status in wanted.items()
        if have.get(policy_id) != status
    ]
    if changed:
        PolicyMatch.objects.filter(
            enterprise_id=enterprise_id, policy_id__in=[m.policy_id for m in changed]
        ).delete()
        PolicyMatch.objects.bulk_create(changed)
    return len(wanted)
