from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhuqi.core.auth import request_user
from zhuqi.core.navigation import page_for
from zhuqi.core.scoping import jurisdiction_code
from zhuqi.directory import selectors
from zhuqi.directory.models import Region
from zhuqi.enterprises.selectors import enterprise_counts_by_region


@login_required
@page_for("region-tree")
def region_tree(request: HttpRequest) -> HttpResponse:
    """The GB/T 2260 tree, opened at the user's jurisdiction; children load on demand (htmx)."""
    root = jurisdiction_code(request_user(request))
    ancestors = selectors.region_ancestors(root) if root else []
    parent = root or None
    nodes = selectors.region_nodes(
        parent=parent, counts=enterprise_counts_by_region(user=request_user(request), parent=parent)
    )
    return render(
        request, "directory/region_tree.html", {"ancestors": ancestors, "nodes": nodes, "root": root}
    )


@login_required
@page_for("region-tree")
def region_children(request: HttpRequest, code: str) -> HttpResponse:
    if not Region.objects.filter(code=code).exists():
        raise Http404
    counts = enterprise_counts_by_region(user=request_user(request), parent=code)
    nodes = selectors.region_nodes(parent=code, counts=counts)
    return render(request, "directory/region_nodes.html", {"nodes": nodes})
