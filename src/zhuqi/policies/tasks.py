"""Background re-matching: load by id, call the matcher."""

from __future__ import annotations

from django_tasks import task

from zhuqi.policies import matching
from zhuqi.policies.models import Policy


@task()
def rematch_policy(policy_id: int) -> int:
    policy = Policy.objects.filter(pk=policy_id).first()
    return matching.rematch_policy(policy) if policy is not None else 0


@task()
def rematch_enterprise(enterprise_id: int) -> int:
    return matching.rematch_enterprise(enterprise_id)


@task()
def rematch_changed_enterprises() -> int:
    """Periodic: enterprises written in bulk (an import) send no signal; re-match what changed."""
    return matching.sweep_changed_enterprises()
