"""Splitting a case out of its common-problem group (共性问题), and undoing it.

The grouping is a guess from words; when it puts a case with others whose problem it does not
share (an 出口退税 demand among 留抵退税 ones), a coordinator splits it out. That records a
GroupingSplit: the case and the group's other cases at that moment, a cannot-link per pair,
which every later grouping honours (common_problems._group): the case never again lands in one
group with any of them, though it may group with other cases, and the rest of the group stays
together. Deleting the split (undo) lets the words decide again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from zhuqi.cases import selectors
from zhuqi.cases.models import GroupingSplit
from zhuqi.core import audit
from zhuqi.core.concurrency import lock
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.directory.models import User

# Defined here, not in common_problems (which reads the splits), so both can name it.
COMMON_PROBLEMS_REFUSED = "共性问题仅向营商办/专班、领导和管理员开放"
SPLIT_REFUSED = "只有营商办/专班和管理员可以调整共性问题的分组"
# A group is at most common_problems.MAX_CASES cases; a split names the others of one group.
MAX_OTHERS = 5000


def can_split(user: Any) -> bool:
    return has_permission(user, Permission.COORDINATE_CASES)


def split_pairs(case_ids: Collection[int]) -> list[tuple[int, int]]:
    """The (split case, other case) pairs recorded for the cases `case_ids`: the cases the
    grouping must keep apart. Only pairs whose split case is among `case_ids`; the caller keeps
    those whose other is among them too."""
    if not case_ids:
        return []
    through = GroupingSplit.others.through
    return list(
        through.objects.filter(groupingsplit__case_id__in=list(case_ids)).values_list(
            "groupingsplit__case_id", "case_id"
        )
    )


def split_queryset(*, user: User) -> QuerySet[GroupingSplit]:
    """The splits of the cases in the user's scope, newest first."""
    return GroupingSplit.objects.filter(
        case__in=selectors.case_queryset(user=user).values("pk")
    ).select_related("case", "case__enterprise", "created_by")


def split_list(*, user: User) -> QuerySet[GroupingSplit]:
    """The splits a reader of the common problems sees: those of the cases in their scope."""
    require(has_permission(user, Permission.READ_COMMON_PROBLEMS), COMMON_PROBLEMS_REFUSED)
    return split_queryset(user=user).prefetch_related("others")


def _state(split: GroupingSplit, others: Iterable[int]) -> dict[str, Any]:
    return {**audit.snapshot(split), "others": sorted(others)}


@transaction.atomic
def grouping_split(
    *, actor: User, case_id: int, other_ids: Iterable[int], label: str = "", source: str = ""
) -> GroupingSplit:
    """Record that case `case_id` is not the problem of `other_ids` (the others of its group):
    the grouping keeps it apart from each of them from now on. Every case must be in the actor's
    scope (NotFound otherwise, as if missing); coordinators and admins only."""
    scoped = selectors.case_queryset(user=actor)
    case = lock(scoped, case_id)
    require(can_split(actor), SPLIT_REFUSED)
    others = sorted({int(pk) for pk in other_ids} - {case.pk})
    if not others:
        raise ValidationFailed([FieldError("others", "请指明该事项要与哪些事项分开（同组的其他事项）")])
    if len(others) > MAX_OTHERS:
        raise ValidationFailed([FieldError("others", f"一次最多与 {MAX_OTHERS:,} 件事项分开")])
    if scoped.filter(pk__in=others).count() != len(others):
        raise NotFound()
    split = GroupingSplit.objects.create(case=case, label=label.strip()[:200], created_by=actor)
    split.others.set(others)
    audit.record(
        actor=actor,
        instance=split,
        action=AuditEntry.Action.CREATE,
        changes=audit.diff({}, _state(split, others)),
        source=source,
    )
    return split


@transaction.atomic
def grouping_split_undo(*, actor: User, split_id: int, source: str = "") -> None:
    """Undo a split: the grouping may put the case with those cases again if their words agree."""
    split = lock(split_queryset(user=actor), split_id)
    require(can_split(actor), SPLIT_REFUSED)
    others = list(split.others.values_list("pk", flat=True))
    audit.record(
        actor=actor,
        instance=split,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(_state(split, others), {}),
        source=source,
    )
    split.delete()
