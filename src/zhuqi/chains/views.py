"""The chain pages people read: all chains side by side (比进度), a chain's page for its chief with
the panorama (its data as JSON for ECharts), the member tables and the lists, and their exports.
Thin: reads through selectors and chains.comparison; the editing pages are chains.edit_views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.chains import comparison, exporting, panorama, selectors, services
from zhuqi.chains.figures import registered_columns
from zhuqi.chains.models import Chain, ItemKind, Role
from zhuqi.core import panels
from zhuqi.core.auth import request_user
from zhuqi.core.display import EMPTY, format_number
from zhuqi.core.downloads import office_file
from zhuqi.core.navigation import page_for
from zhuqi.directory.models import User
from zhuqi.enterprises.selectors import can_see_contacts

# The member tables on a chain's page show this many rows; the rest through "show all" or Excel.
TABLE_ROWS = 50
GROUPS = {"leading": (Role.OWNER, Role.LEADING), "supporting": (Role.SUPPORTING,)}
LIST_TITLES: dict[str, str] = {
    ItemKind.STRENGTH: gettext_noop("锻长板清单"),
    ItemKind.WEAKNESS: gettext_noop("补短板清单"),
    ItemKind.TECHNOLOGY: gettext_noop("关键产品技术攻关清单"),
}
# The editing pages (chains.edit_views, namespace "chain_edit"): linked only where the name
# exists when the page is drawn.
CHAIN_EDIT_PAGES = (
    ("edit", gettext_noop("修改基本信息")),
    ("segments", gettext_noop("环节")),
    ("members", gettext_noop("链上企业")),
    ("links", gettext_noop("关联客户")),
    ("items", gettext_noop("清单")),
    ("goals", gettext_noop("年度目标")),
)
LIST_EDIT_PAGES = (("new", gettext_noop("新建产业链")), ("load", gettext_noop("从模板导入")))


def _edit_links(pages: tuple[tuple[str, str], ...], *args: Any) -> list[tuple[str, str]]:
    links = []
    for name, label in pages:
        try:
            links.append((reverse(f"chain_edit:{name}", args=args), label))
        except NoReverseMatch:
            continue
    return links


def _columns() -> list[dict[str, Any]]:
    return [
        {
            "key": column.key,
            "label": column.label,
            "unit": column.unit,
            "definition": column.definition,
            "kind": column.kind,
        }
        for column in registered_columns()
    ]


def _headers(sort: str, columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparison's sortable headings: a first click sorts figures largest first and names
    A to Z, a second click turns the order round."""
    headers = []
    built = [
        (key, label, comparison.DEFINITIONS.get(key, ""), "") for key, label in comparison.BUILT_IN.items()
    ]
    registered = [(c["key"], c["label"], c["definition"], c["unit"]) for c in columns]
    for key, label, definition, unit in [*built, *registered]:
        first = key if key == "name" else f"-{key}"
        current = sort.removeprefix("-") == key
        headers.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "definition": definition,
                "registered": any(key == c["key"] for c in columns),
                "next": (key if sort.startswith("-") else f"-{key}") if current else first,
                "arrow": ("↓" if sort.startswith("-") else "↑") if current else "",
            }
        )
    return headers


def _display(value: Any, kind: str) -> str:
    if value is None or value == "":
        return EMPTY
    if kind == "rate":
        return f"{format_number(Decimal(str(value)) * 100, 1)}%"
    if kind == "text":
        return str(value)
    return format_number(value if isinstance(value, int) else Decimal(str(value)))


def _table_rows(rows: list[comparison.ChainRow], headers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = {column.key: column.kind for column in registered_columns()}
    return [
        {
            "row": row,
            "cells": [
                {
                    "key": header["key"],
                    "label": header["label"],
                    "unit": header["unit"],
                    "value": _display(row.value(header["key"]), kinds.get(header["key"], "count")),
                    "alert": header["key"] in ("gaps", "late_cases") and bool(row.value(header["key"])),
                }
                for header in headers
                if header["key"] != "name"
            ],
        }
        for row in rows
    ]


def _comparison(user: User, sort: str) -> tuple[list[comparison.ChainRow], str]:
    chains = list(selectors.chain_queryset(user=user).order_by("position", "name", "pk"))
    rows = comparison.chain_rows(user, chains)
    return comparison.sorted_rows(rows, sort)


@login_required
@page_for("chains:chain-list")
def chain_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows, sort = _comparison(user, request.GET.get("sort", ""))
    headers = _headers(sort, _columns())
    context = {
        "rows": _table_rows(rows, headers),
        "sort": sort,
        "headers": headers,
        "definitions": comparison.DEFINITIONS,
        "edit_links": _edit_links(LIST_EDIT_PAGES) if services.may_keep(user) else [],
    }
    if request.htmx and request.htmx.target == "chain-table":  # type: ignore[attr-defined]
        return render(request, "chains/comparison_table.html", context)
    return render(request, "chains/list.html", context)


@login_required
@page_for("chains:chain-list")
def chain_list_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows, _sort = _comparison(user, request.GET.get("sort", ""))
    body = exporting.export_comparison(rows, registered_columns())
    return office_file(body, f"产业链比进度-{timezone.localtime():%Y%m%d}.xlsx")


# "显示全部" stops here: a province's chain may hold thousands; the rest are in the Excel export.
FULL_TABLE_ROWS = 1000


def _member_table(user: User, chain: Chain, group: str, limit: int | None) -> dict[str, Any]:
    members = exporting.member_rows(user=user, chain=chain, roles=GROUPS[group])
    rows = list(members[: limit + 1]) if limit is not None else list(members)
    more = limit is not None and len(rows) > limit
    return {"group": group, "members": rows[:limit] if more else rows, "more": more}


@login_required
@page_for("chains:chain-list")
def chain_detail(request: HttpRequest, chain_id: int) -> HttpResponse:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    year = comparison.this_year()
    (row,) = comparison.chain_rows(user, [chain])
    goal = selectors.goal_queryset(user=user, chain=chain).filter(year=year).first()
    strengths = selectors.segment_strengths(chain)
    items: dict[str, list[Any]] = {kind: [] for kind in ItemKind.values}
    for item in selectors.item_queryset(user=user, chain=chain):
        items[item.kind].append(item)
    columns = _columns()
    for column in columns:
        column["display"] = _display(row.columns.get(column["key"]), column["kind"])
    context = {
        "chain": chain,
        "deputies": list(chain.deputies.all()),
        "row": row,
        "figures": row.figures,
        "roles": [(value, label, row.figures.by_role.get(value, 0)) for value, label in Role.choices],
        "columns": columns,
        "definitions": comparison.DEFINITIONS,
        "gaps": [
            {
                "strength": s,
                "reason": s.reason,
                "url": panorama.target_url(chain.pk, s.segment.pk),
            }
            for s in strengths
            if s.is_gap
        ],
        "leading": _member_table(user, chain, "leading", TABLE_ROWS),
        "supporting": _member_table(user, chain, "supporting", TABLE_ROWS),
        "lists": [(kind, LIST_TITLES[kind], items[kind]) for kind in ItemKind.values],
        "year": year,
        "goal": goal,
        "goal_lines": comparison.goal_progress(chain, goal, row, year),
        "edit_links": _edit_links(CHAIN_EDIT_PAGES, chain.pk) if services.may_keep(user, chain) else [],
        **panels.context("chain-detail", user, chain),
    }
    return render(request, "chains/detail.html", context)


@login_required
@page_for("chains:chain-list")
def chain_members(request: HttpRequest, chain_id: int, group: str) -> HttpResponse:
    """A member table in full (the page shows the first rows; htmx swaps this in)."""
    if group not in GROUPS:
        raise Http404
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    return render(
        request,
        "chains/member_table.html",
        {"chain": chain, "table": _member_table(user, chain, group, FULL_TABLE_ROWS), "full": True},
    )


@login_required
@page_for("chains:chain-list")
def chain_panorama(request: HttpRequest, chain_id: int) -> JsonResponse:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    with_links = request.GET.get("links") in ("1", "true", "on")
    return JsonResponse(panorama.panorama_data(user=user, chain=chain, with_links=with_links))


@login_required
@page_for("chains:chain-list")
def chain_export(request: HttpRequest, chain_id: int, table: str) -> HttpResponse:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    chosen = exporting.TABLES.get(table)
    if chosen is None:
        raise Http404
    body = exporting.export_table(user=user, chain=chain, table=chosen, show_contacts=can_see_contacts(user))
    return office_file(body, f"{chain.name}-{chosen.title}-{timezone.localtime():%Y%m%d}.xlsx")
