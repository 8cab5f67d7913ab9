"""The panorama (全景图) of one chain as data for an ECharts graph: the segments as columns from
upstream to downstream (a segment's column is its depth in selectors.segment_tree), supporting
segments in the column of the segment they supply but in a lower band, the member enterprises the
reader may see placed in a grid under their segment (sized by output value, coloured by role),
the gaps marked and left empty with the link to add an investment target, and on request the
customer and supplier links, outside ends in a column of their own on either side.

Every position is computed here, so the browser draws without running a force layout; the cost
is three queries (four with the links) whatever the number of members and links."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zhuqi.chains import selectors
from zhuqi.chains.models import Chain, Role, SegmentKind
from zhuqi.chains.selectors import SegmentStrength
from zhuqi.directory.models import User

# Layout units (ECharts scales them to the chart's box; symbol sizes stay in pixels).
CELL = 56  # between members in a segment's grid
HEADER = 64  # from a segment's node to its first row of members
BLOCK_GAP = 48  # between segments stacked in a column
BAND_GAP = 96  # between the main line and the supporting band
MIN_PER_ROW = 4
MAX_PER_ROW = 14
COLUMN_MARGIN = 120

MEMBER_SIZE = (10, 42)  # px: the smallest and largest member by output
SEGMENT_SIZE = [132, 34]

ROLE_COLOURS = {
    Role.OWNER: "#b91c1c",
    Role.LEADING: "#ea580c",
    Role.SUPPORTING: "#2563eb",
    Role.OTHER: "#6b7280",
}
SEGMENT_COLOUR = "#0f766e"
SUPPORTING_SEGMENT_COLOUR = "#5b8f8a"
GAP_COLOUR = "#dc2626"
OUTSIDE_COLOUR = "#a3a3a3"

# Category order: the legend's, and the index each node carries.
CATEGORIES = ["owner", "leading", "supporting", "other", "segment", "supporting_segment", "gap", "outside"]
_CATEGORY = {name: index for index, name in enumerate(CATEGORIES)}


def target_url(chain_id: int, segment_id: int) -> str:
    """Where a gap's "add an investment target" leads: the investment app's target form, named by
    its URL (a name is no import: the app above registers it)."""
    return f"{reverse('targets:create')}?chain={chain_id}&segment={segment_id}"


def _category_labels() -> list[dict[str, Any]]:
    labels = {
        "owner": (_("链主企业"), ROLE_COLOURS[Role.OWNER]),
        "leading": (_("龙头企业"), ROLE_COLOURS[Role.LEADING]),
        "supporting": (_("配套企业"), ROLE_COLOURS[Role.SUPPORTING]),
        "other": (_("其他企业"), ROLE_COLOURS[Role.OTHER]),
        "segment": (_("主链环节"), SEGMENT_COLOUR),
        "supporting_segment": (_("配套环节"), SUPPORTING_SEGMENT_COLOUR),
        "gap": (_("缺口环节"), GAP_COLOUR),
        "outside": (_("链外企业"), OUTSIDE_COLOUR),
    }
    return [
        {"key": name, "name": labels[name][0], "itemStyle": {"color": labels[name][1]}} for name in CATEGORIES
    ]


@dataclass
class _Block:
    strength: SegmentStrength
    members: list[dict[str, Any]]
    column: int
    lower: bool

    def height(self, per_row: int) -> int:
        rows = max(1, math.ceil(len(self.members) / per_row))
        return HEADER + rows * CELL


def _member_size(output: Decimal | None, largest: Decimal) -> float:
    low, high = MEMBER_SIZE
    if output is None or output <= 0 or largest <= 0:
        return low
    return round(low + (high - low) * math.sqrt(float(output / largest)), 1)


def panorama_data(*, user: User, chain: Chain, with_links: bool = False) -> dict[str, Any]:
    """The graph of `chain` as the reader may see it (chain already read through
    selectors.chain_get). Nodes carry x and y; ECharts draws them with layout "none"."""
    strengths = selectors.segment_strengths(chain)  # the segments and the gaps: two queries
    members: list[Any] = list(
        selectors.member_queryset(user=user, chain=chain)
        .order_by()
        .values(
            "pk",
            "segment_id",
            "role",
            "output_value",
            "products",
            "enterprise_id",
            "enterprise__name",
            "enterprise__short_name",
            "enterprise__above_scale",
        )
    )
    role_rank: dict[str, int] = {Role.OWNER: 0, Role.LEADING: 1, Role.SUPPORTING: 2, Role.OTHER: 3}
    members.sort(key=lambda m: (role_rank.get(m["role"], 9), -(m["output_value"] or 0), m["pk"]))
    by_segment: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for member in members:
        by_segment[member["segment_id"]].append(member)

    blocks = [
        _Block(
            strength=strength,
            members=by_segment.get(strength.segment.pk, []),
            column=strength.depth,
            lower=strength.segment.kind == SegmentKind.SUPPORTING,
        )
        for strength in strengths
    ]
    largest_segment = max((len(block.members) for block in blocks), default=0)
    # A grid about twice as wide as deep for the biggest segment, within bounds.
    per_row = max(MIN_PER_ROW, min(MAX_PER_ROW, math.ceil(math.sqrt(largest_segment * 2))))
    column_width = (per_row - 1) * CELL + COLUMN_MARGIN + 100
    columns = max((block.column for block in blocks), default=-1) + 1

    def column_x(column: int) -> float:
        return column * column_width

    # The main line's band, then the supporting band below the deepest column of it.
    heights: dict[tuple[int, bool], int] = defaultdict(int)
    tops: dict[int, int] = {}
    for index, block in enumerate(blocks):
        band = (block.column, block.lower)
        tops[index] = heights[band]
        heights[band] += block.height(per_row) + BLOCK_GAP
    main_height = max((h for (_column, lower), h in heights.items() if not lower), default=0)
    lower_top = main_height + BAND_GAP

    largest_output = max((m["output_value"] or Decimal(0) for m in members), default=Decimal(0))
    enterprise_url = reverse("enterprise-detail", args=[987654321])
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    node_of_enterprise: dict[int, str] = {}
    role_labels = {role.value: _(role.label) for role in Role}
    grid_width = (per_row - 1) * CELL

    for index, block in enumerate(blocks):
        segment = block.strength.segment
        top = tops[index] + (lower_top if block.lower else 0)
        centre = column_x(block.column)
        segment_id = f"s{segment.pk}"
        gap = block.strength.is_gap
        category = "gap" if gap else ("supporting_segment" if block.lower else "segment")
        node: dict[str, Any] = {
            "id": segment_id,
            "name": segment.name,
            "kind": "segment",
            "x": centre,
            "y": top,
            "symbol": "roundRect",
            "symbolSize": SEGMENT_SIZE,
            "category": _CATEGORY[category],
            "members": block.strength.members,
            "visible_members": len(block.members),
            "output": float(block.strength.output_value),
            "supporting": block.lower,
        }
        if gap:
            url = target_url(chain.pk, segment.pk)
            reason = block.strength.reason
            node.update(gap=True, reason=reason, url=url)
            gaps.append({"segment_id": segment.pk, "name": segment.name, "reason": reason, "url": url})
        nodes.append(node)
        if segment.parent_id is not None:
            if block.lower:
                edges.append({"source": segment_id, "target": f"s{segment.parent_id}", "kind": "supplies"})
            else:
                edges.append({"source": f"s{segment.parent_id}", "target": segment_id, "kind": "flow"})
        left = centre - grid_width / 2
        for position, member in enumerate(block.members):
            row, col = divmod(position, per_row)
            member_id = f"m{member['pk']}"
            node_of_enterprise.setdefault(member["enterprise_id"], member_id)
            nodes.append(
                {
                    "id": member_id,
                    "name": member["enterprise__short_name"] or member["enterprise__name"],
                    "kind": "member",
                    "full_name": member["enterprise__name"],
                    "x": left + col * CELL,
                    "y": top + HEADER + row * CELL,
                    "symbolSize": _member_size(member["output_value"], largest_output),
                    "category": _CATEGORY[member["role"]],
                    "role": member["role"],
                    "role_label": role_labels.get(member["role"], ""),
                    "segment": segment.name,
                    "output": float(member["output_value"]) if member["output_value"] is not None else None,
                    "above_scale": member["enterprise__above_scale"],
                    "products": member["products"],
                    "url": enterprise_url.replace("987654321", str(member["enterprise_id"])),
                }
            )

    link_count = outside_count = 0
    if with_links:
        link_count, outside_count = _add_links(
            user, chain, nodes, edges, node_of_enterprise, columns, column_width, per_row
        )

    return {
        "chain": {"id": chain.pk, "name": chain.name},
        "categories": _category_labels(),
        "nodes": nodes,
        "edges": edges,
        "gaps": gaps,
        "summary": {
            "segments": len(blocks),
            "members": len(members),
            "gaps": len(gaps),
            "links": link_count if with_links else None,
            "outside": outside_count if with_links else None,
        },
        "with_links": with_links,
        "cell": CELL,
        "columns": columns + (2 if with_links and outside_count else 0),
        "labels": {
            "output": _("产值（万元）"),
            "segment": _("环节"),
            "role": _("链上地位"),
            "above_scale": _("规上企业"),
            "members": _("链上企业"),
            "gap": _("缺口"),
            "add_target": _("点击登记招商目标"),
            "open_enterprise": _("点击打开企业页"),
            "product": _("产品"),
            "volume": _("年供应量"),
            "supplies": _("供应"),
            "outside_suppliers": _("链外供应方"),
            "outside_customers": _("链外客户"),
            "yes": _("是"),
            "no": _("否"),
        },
    }


def _add_links(
    user: User,
    chain: Chain,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    node_of_enterprise: dict[int, str],
    columns: int,
    column_width: float,
    per_row: int,
) -> tuple[int, int]:
    """The customer and supplier links as edges: between members where both ends are in the
    chain, else to an outside node (one per outside enterprise) in the column left of the chain
    (suppliers) or right of it (customers). One query."""
    links: list[Any] = list(
        selectors.link_queryset(user=user, chain=chain)
        .order_by()
        .values(
            "pk",
            "supplier_id",
            "supplier_name",
            "supplier_uscc",
            "customer_id",
            "customer_name",
            "customer_uscc",
            "product",
            "annual_volume",
            "volume_unit",
        )
    )
    outside: dict[tuple[str, str], str] = {}
    placed = {"supplier": 0, "customer": 0}
    grid_width = (per_row - 1) * CELL
    header_ids = {}

    def end(link: dict[str, Any], side: str) -> str:
        enterprise_id = link[f"{side}_id"]
        if enterprise_id is not None and enterprise_id in node_of_enterprise:
            return node_of_enterprise[enterprise_id]
        key = (
            ("e", str(enterprise_id))
            if enterprise_id
            else ("n", link[f"{side}_uscc"] or link[f"{side}_name"])
        )
        if key in outside:
            return outside[key]
        column = -1 if side == "supplier" else columns
        centre = column * column_width
        if side not in header_ids:
            header_ids[side] = f"h{side}"
            nodes.append(
                {
                    "id": header_ids[side],
                    "name": _("链外供应方") if side == "supplier" else _("链外客户"),
                    "kind": "header",
                    "x": centre,
                    "y": 0,
                    "symbol": "roundRect",
                    "symbolSize": SEGMENT_SIZE,
                    "category": _CATEGORY["outside"],
                }
            )
        row, col = divmod(placed[side], per_row)
        placed[side] += 1
        node_id = f"x{len(outside)}"
        outside[key] = node_id
        node: dict[str, Any] = {
            "id": node_id,
            "name": link[f"{side}_name"],
            "kind": "outside",
            "full_name": link[f"{side}_name"],
            "x": centre - grid_width / 2 + col * CELL,
            "y": HEADER + row * CELL,
            "symbolSize": MEMBER_SIZE[0],
            "category": _CATEGORY["outside"],
        }
        if enterprise_id:
            node["url"] = reverse("enterprise-detail", args=[enterprise_id])
        nodes.append(node)
        return node_id

    for link in links:
        source, target = end(link, "supplier"), end(link, "customer")
        if source == target:
            continue  # the same enterprise at both ends of two of its memberships
        edges.append(
            {
                "source": source,
                "target": target,
                "kind": "link",
                "product": link["product"],
                "volume": float(link["annual_volume"]) if link["annual_volume"] is not None else None,
                "unit": link["volume_unit"],
            }
        )
    return len(links), len(outside)
