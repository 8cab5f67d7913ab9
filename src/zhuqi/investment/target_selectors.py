"""Every read of investment targets (招商目标). A target is seen where its chain is
(chains.selectors.chain_queryset), by government staff only: an enterprise account sees the
chains it is a member of, never whom the region is courting into them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from zhuqi.chains.models import Chain
from zhuqi.chains.selectors import SegmentStrength, chain_queryset, gaps, segment_strengths
from zhuqi.core.errors import NotFound
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.investment.models import (
    OPEN_STATUSES,
    WON_STATUSES,
    Agreement,
    FundsInPlace,
    Target,
    TargetStatus,
)
from zhuqi.investment.selectors import agreement_queryset
from zhuqi.projects.selectors import project_queryset


def target_queryset(*, user: User) -> QuerySet[Target]:
    if user.role == Role.ENTERPRISE:
        return Target.objects.none()
    # A target is seen wherever its chain is, its agreement and project only where they are: the
    # rows say whether the reader may see each (a county reading the city's chain sees that a
    # target signed, not the title of an agreement of elsewhere).
    return (
        Target.objects.filter(chain__in=chain_queryset(user=user).values("pk"))
        .select_related("chain", "segment", "department", "official", "agreement", "project")
        .annotate(
            agreement_seen=Exists(agreement_queryset(user=user).filter(pk=OuterRef("agreement_id"))),
            project_seen=Exists(project_queryset(user=user).filter(pk=OuterRef("project_id"))),
        )
    )


def target_get(*, user: User, target_id: int | str) -> Target:
    try:
        return target_queryset(user=user).get(pk=int(target_id))
    except (Target.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def status_counts(*, user: User, chain: Chain) -> dict[str, int]:
    """How many of the chain's targets stand at each status (every status named, zeros too)."""
    counts = {status: 0 for status in TargetStatus.values}
    for row in (
        target_queryset(user=user).filter(chain=chain).order_by().values("status").annotate(n=Count("id"))
    ):
        counts[row["status"]] = row["n"]
    return counts


# ---------------------------------------------------------------------------------------------
# The investment map (招商地图): each gap segment with its targets, then the other segments'


@dataclass
class MapRow:
    strength: SegmentStrength
    gap: bool
    targets: list[Target] = field(default_factory=list)

    @property
    def segment(self) -> Any:
        return self.strength.segment


def investment_map(*, user: User, chain: Chain) -> tuple[list[MapRow], list[MapRow]]:
    """(gap rows, other rows): every gap segment of the chain in tree order, with its targets
    (none yet is a row too: the gap still waits for one), and the non-gap segments that have
    targets. Three queries: segments, member sums, targets."""
    strengths = segment_strengths(chain)
    by_segment: dict[int, list[Target]] = defaultdict(list)
    for target in target_queryset(user=user).filter(chain=chain).order_by("segment_id", "status", "id"):
        by_segment[target.segment_id].append(target)
    order = {status: index for index, status in enumerate(TargetStatus.values)}
    gap_rows, other_rows = [], []
    for strength in strengths:
        targets = sorted(by_segment.get(strength.segment.pk, []), key=lambda t: (order[t.status], t.pk))
        if strength.is_gap:
            gap_rows.append(MapRow(strength, True, targets))
        elif targets:
            other_rows.append(MapRow(strength, False, targets))
    return gap_rows, other_rows


def gap_segment_ids(chain: Chain) -> set[int]:
    return {strength.segment.pk for strength in gaps(chain)}


# ---------------------------------------------------------------------------------------------
# The chain pages' columns (chains.figures): each for all the chains asked, in one query


def _year_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    year = (today or timezone.localdate()).year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def investment_signed_this_year(
    user: User, chain_ids: Sequence[int], today: datetime.date | None = None
) -> dict[int, Decimal]:
    """The amounts of the agreements of each chain signed this year (万元)."""
    start, end = _year_bounds(today)
    values = {chain_id: Decimal(0) for chain_id in chain_ids}
    for row in (
        Agreement.objects.filter(chain_id__in=list(chain_ids), signed_on__range=(start, end))
        .order_by()
        .values("chain_id")
        .annotate(total=Sum("amount"))
    ):
        values[row["chain_id"]] = row["total"] or Decimal(0)
    return values


def funds_in_place_this_year(
    user: User, chain_ids: Sequence[int], today: datetime.date | None = None
) -> dict[int, Decimal]:
    """Funds in place dated this year on the agreements of each chain (万元)."""
    start, end = _year_bounds(today)
    values = {chain_id: Decimal(0) for chain_id in chain_ids}
    for row in (
        FundsInPlace.objects.filter(agreement__chain_id__in=list(chain_ids), on__range=(start, end))
        .order_by()
        .values("agreement__chain_id")
        .annotate(total=Sum("amount"))
    ):
        values[row["agreement__chain_id"]] = row["total"] or Decimal(0)
    return values


def target_counts(chain_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{chain id: {"open": n, "won": n}}: targets still being courted, and those signed or landed."""
    counts = {chain_id: {"open": 0, "won": 0} for chain_id in chain_ids}
    for row in (
        Target.objects.filter(chain_id__in=list(chain_ids))
        .order_by()
        .values("chain_id")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            won=Count("id", filter=Q(status__in=WON_STATUSES)),
        )
    ):
        counts[row["chain_id"]] = {"open": row["open"], "won": row["won"]}
    return counts
