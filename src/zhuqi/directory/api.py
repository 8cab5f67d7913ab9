from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from zhuqi.directory import selectors

router = Router(tags=["reference data"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    has_children: bool


@router.get("/regions", response=list[RegionOut], summary="Regions under a parent (top level without one)")
def list_regions(request: HttpRequest, parent: str | None = None) -> list[dict[str, Any]]:
    return selectors.region_children(parent)


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def get_region(request: HttpRequest, code: str) -> dict[str, Any]:
    region = get_object_or_404(selectors.region_queryset(), code=code)
    return selectors.region_json(region)
