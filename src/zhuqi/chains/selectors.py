"""Every read of chains, their segments, members, links, lists and goals, scoped to the reader
(docs/visibility.md, "Chains"), and the facts computed from them: the segment tree, the gaps and
the figures a chain chief reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext

from zhuqi.chains.models import Chain, ChainGoal, ChainItem, Link, Member, Role, Segment, SegmentKind
from zhuqi.core.display import format_number
from zhuqi.core.errors import NotFound
from zhuqi.core.models import AuditEntry
from zhuqi.core.scoping import region_and_ancestor_codes, region_subtree_q, scope_q
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import assigned_q, enterprise_scope_q


def chain_scope_q(user: User) -> Q:
    """Government staff: the chains of their jurisdiction, below it and above it (a county works
    on the city's chains). An enterprise: the chains it is a member of. A liaison officer: the
    chains of the enterprises assigned to them."""
    return scope_q(
        user,
        enterprise=lambda enterprise_id: Q(members__enterprise_id=enterprise_id),
        liaison=lambda u: Q(pk__in=Member.objects.filter(assigned_q(u, "enterprise")).values("chain_id")),
        region=lambda code: (
            region_subtree_q("region_id", code) | Q(region_id__in=region_and_ancestor_codes(code))
        ),
    )


def chain_queryset(*, user: User) -> QuerySet[Chain]:
    # distinct: an enterprise's scope joins its memberships, one row per segment it is in.
    return Chain.objects.filter(pk__in=Chain.objects.filter(chain_scope_q(user)).values("pk")).select_related(
        "region", "chief", "lead_department"
    )


def chain_get(*, user: User, chain_id: int | str) -> Chain:
    try:
        return chain_queryset(user=user).get(pk=int(chain_id))
    except (Chain.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _outside_or_in_scope_q(user: User, field: str) -> Q:
    """A link's end `field` is outside the registry or an enterprise the reader sees. An empty Q
    (an unscoped reader) would vanish from the OR and leave only the outside ends."""
    scope = enterprise_scope_q(user, through=field)
    if not scope:
        return Q()
    if connection.vendor == "postgresql":
        # Two ends joined to 200k enterprises make PostgreSQL hash the whole registry; the ends'
        # ids in scope come from the covering region index instead (enterprises migration 0007;
        # bench/README.md, issue 20). SQLite probes such a list once per enterprise of the
        # city, so there the rule is read through the join. The same rule either way.
        scope = Q(**{f"{field}__in": Enterprise.objects.filter(enterprise_scope_q(user)).values("pk")})
    return Q(**{f"{field}__isnull": True}) | scope


def member_queryset(*, user: User, chain: Chain | None = None) -> QuerySet[Member]:
    """Members of the chains the reader sees whose enterprise the reader may see: a county sees
    its own enterprises in the city's chain, the city all of them."""
    members = Member.objects.filter(
        enterprise_scope_q(user, through="enterprise"), chain__in=chain_queryset(user=user).values("pk")
    )
    if chain is not None:
        members = members.filter(chain=chain)
    return members.select_related("enterprise", "enterprise__region", "segment")


def link_queryset(*, user: User, chain: Chain | None = None) -> QuerySet[Link]:
    """Links of the chains the reader sees, where each registry end is an enterprise the reader
    may see (an outside end is a name anyone working on the chain may read)."""
    links = Link.objects.filter(chain__in=chain_queryset(user=user).values("pk")).filter(
        _outside_or_in_scope_q(user, "supplier"), _outside_or_in_scope_q(user, "customer")
    )
    if chain is not None:
        links = links.filter(chain=chain)
    return links


def item_queryset(*, user: User, chain: Chain | None = None) -> QuerySet[ChainItem]:
    items = ChainItem.objects.filter(chain__in=chain_queryset(user=user).values("pk"))
    if chain is not None:
        items = items.filter(chain=chain)
    return items.select_related("segment", "department")


def goal_queryset(*, user: User, chain: Chain | None = None) -> QuerySet[ChainGoal]:
    goals = ChainGoal.objects.filter(chain__in=chain_queryset(user=user).values("pk"))
    if chain is not None:
        goals = goals.filter(chain=chain)
    return goals


def enterprise_memberships(*, user: User, enterprise_id: int) -> QuerySet[Member]:
    """The chains an enterprise is in, with its role and segment (the enterprise page's panel)."""
    return (
        Member.objects.filter(enterprise_id=enterprise_id, chain__in=chain_queryset(user=user).values("pk"))
        .select_related("chain", "segment")
        .order_by("chain__position", "chain__name", "segment__position")
    )


# ---------------------------------------------------------------------------------------------
# The tree and its columns


@dataclass
class SegmentNode:
    segment: Segment
    depth: int  # the panorama's column: the main line's steps from the first upstream segment
    children: list[SegmentNode] = field(default_factory=list)

    @property
    def supporting(self) -> bool:
        return self.segment.kind == SegmentKind.SUPPORTING


def segment_tree(segments: Iterable[Segment]) -> list[SegmentNode]:
    """The segments as a tree of nodes in their order, each with its column. A supporting segment
    stands in the column of the segment it supplies; a main segment one column downstream of its
    parent."""
    by_parent: dict[int | None, list[Segment]] = defaultdict(list)
    for segment in sorted(segments, key=lambda s: (s.position, s.pk)):
        by_parent[segment.parent_id].append(segment)

    def build(parent_id: int | None, depth: int) -> list[SegmentNode]:
        nodes = []
        for segment in by_parent.get(parent_id, ()):
            column = depth if segment.kind == SegmentKind.MAIN or parent_id is None else depth - 1
            node = SegmentNode(segment, column)
            node.children = build(segment.pk, column + 1)
            nodes.append(node)
        return nodes

    return build(None, 0)


def flatten(nodes: Iterable[SegmentNode]) -> list[SegmentNode]:
    out: list[SegmentNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


# ---------------------------------------------------------------------------------------------
# Gaps and figures: over the whole chain, whoever reads (a count and a sum name no enterprise)


@dataclass
class SegmentStrength:
    segment: Segment
    depth: int
    members: int
    output_value: Decimal
    weak_line: Decimal | None

    @property
    def empty(self) -> bool:
        return self.members == 0

    @property
    def weak(self) -> bool:
        return not self.empty and self.weak_line is not None and self.output_value < self.weak_line

    @property
    def is_gap(self) -> bool:
        return self.empty or self.weak

    @property
    def reason(self) -> str:
        """Why the segment is a gap, in the reader's language ("" when it is not one)."""
        if self.empty:
            return gettext("本地无企业")
        if self.weak:
            return gettext("产值 %(output)s 万元，低于 %(line)s 万元") % {
                "output": format_number(self.output_value),
                "line": format_number(self.weak_line or 0),
            }
        return ""


def strengths_by_chain(chains: Iterable[Chain]) -> dict[int, list[SegmentStrength]]:
    """Every segment of each chain in tree order with its members and output: two queries for
    any number of chains (the segments, the sums)."""
    by_id = {chain.pk: chain for chain in chains}
    segments: dict[int, list[Segment]] = defaultdict(list)
    for segment in Segment.objects.filter(chain_id__in=list(by_id)):
        segments[segment.chain_id].append(segment)
    sums = {
        row["segment_id"]: row
        for row in Member.objects.filter(chain_id__in=list(by_id))
        .order_by()
        .values("segment_id")
        .annotate(members=Count("id"), output=Sum("output_value"))
    }
    result: dict[int, list[SegmentStrength]] = {}
    for chain_id, chain in by_id.items():
        strengths = result[chain_id] = []
        for node in flatten(segment_tree(segments[chain_id])):
            segment = node.segment
            row = sums.get(segment.pk, {})
            line = segment.weak_output if segment.weak_output is not None else chain.weak_output
            strengths.append(
                SegmentStrength(
                    segment=segment,
                    depth=node.depth,
                    members=row.get("members", 0),
                    output_value=row.get("output") or Decimal(0),
                    weak_line=line,
                )
            )
    return result


def segment_strengths(chain: Chain) -> list[SegmentStrength]:
    return strengths_by_chain([chain])[chain.pk]


def gaps(chain: Chain) -> list[SegmentStrength]:
    """缺什么补什么: segments with no local member, and those whose members' output is under the
    line (the segment's own, else the chain's)."""
    return [strength for strength in segment_strengths(chain) if strength.is_gap]


@dataclass
class MemberFigures:
    members: int = 0
    enterprises: int = 0
    above_scale: int = 0
    output_value: Decimal = Decimal(0)
    employees: int = 0
    by_role: dict[str, int] = field(default_factory=lambda: {role: 0 for role in Role.values})
    segments: int = 0
    gaps: int = 0


def member_figures(chain_ids: Iterable[int]) -> dict[int, MemberFigures]:
    """The member figures of each chain in `chain_ids`, in six queries whatever their number:
    an enterprise in two segments of a chain counts once as an enterprise, its output in each."""
    ids = list(chain_ids)
    figures = {chain_id: MemberFigures() for chain_id in ids}
    for chain_id, strengths in strengths_by_chain(Chain.objects.filter(pk__in=ids)).items():
        figures[chain_id].segments = len(strengths)
        figures[chain_id].gaps = sum(1 for strength in strengths if strength.is_gap)
    for row in (
        Member.objects.filter(chain_id__in=ids)
        .order_by()
        .values("chain_id", "role")
        .annotate(n=Count("id"), output=Sum("output_value"))
    ):
        figure = figures[row["chain_id"]]
        figure.members += row["n"]
        figure.by_role[row["role"]] += row["n"]
        figure.output_value += row["output"] or Decimal(0)
    for row in (
        Enterprise.objects.filter(chain_memberships__chain_id__in=ids)
        .order_by()
        .values("chain_memberships__chain_id")
        .annotate(
            n=Count("id", distinct=True),
            above=Count("id", distinct=True, filter=Q(above_scale=True)),
        )
    ):
        figure = figures[row["chain_memberships__chain_id"]]
        figure.enterprises = row["n"]
        figure.above_scale = row["above"]
    # Employees once per enterprise, however many segments it is in.
    employees = (
        Member.objects.filter(chain_id__in=ids)
        .order_by()
        .values_list("chain_id", "enterprise_id", "enterprise__employees")
        .distinct()
    )
    for chain_id, _enterprise, count in employees:
        figures[chain_id].employees += count or 0
    return figures


# ---------------------------------------------------------------------------------------------
# What changed since a day (the chief's workbench: "what changed since last week")


@dataclass
class ChainChanges:
    joined: list[Member] = field(default_factory=list)  # those the reader may see, newest first
    joined_count: int = 0
    left: int = 0
    links_added: int = 0
    items_changed: int = 0


def led_chains(*, user: User) -> QuerySet[Chain]:
    """The chains the user's official is chief or deputy chief of."""
    if not user.official_id:
        return Chain.objects.none()
    return chain_queryset(user=user).filter(
        Q(chief_id=user.official_id)
        | Q(pk__in=Chain.deputies.through.objects.filter(official_id=user.official_id).values("chain_id"))
    )


def chain_changes(
    *, user: User, chains: Iterable[Chain], since: datetime.datetime, shown: int = 5
) -> dict[int, ChainChanges]:
    """Members joined and left, links added and list lines changed since `since`, per chain. A
    member taken out leaves only its audit entry, which names its chain in the snapshot."""
    ids = [chain.pk for chain in chains]
    changes = {chain_id: ChainChanges() for chain_id in ids}
    for row in (
        Member.objects.filter(chain_id__in=ids, created_at__gte=since)
        .order_by()
        .values("chain_id")
        .annotate(n=Count("id"))
    ):
        changes[row["chain_id"]].joined_count = row["n"]
    for chain_id in ids:
        if changes[chain_id].joined_count:
            changes[chain_id].joined = list(
                member_queryset(user=user)
                .filter(chain_id=chain_id, created_at__gte=since)
                .order_by("-created_at", "-id")[:shown]
            )
    for row in (
        Link.objects.filter(chain_id__in=ids, created_at__gte=since)
        .order_by()
        .values("chain_id")
        .annotate(n=Count("id"))
    ):
        changes[row["chain_id"]].links_added = row["n"]
    for row in (
        ChainItem.objects.filter(chain_id__in=ids, updated_at__gte=since)
        .order_by()
        .values("chain_id")
        .annotate(n=Count("id"))
    ):
        changes[row["chain_id"]].items_changed = row["n"]
    # A removal's entry names its chain as the snapshot's first value ({"chain": [id, null], …}).
    removed = AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE,
        at__gte=since,
        content_type=ContentType.objects.get_for_model(Member),
        changes__chain__0__in=ids,
    ).values_list("changes__chain__0", flat=True)
    for chain_id in removed:
        if chain_id in changes:
            changes[chain_id].left += 1
    return changes
