import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from zhuqi.core.auth import request_user
from zhuqi.core.pagination import LazyPage
from zhuqi.directory import selectors
from zhuqi.directory.models import Industry, Post

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


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    section: str


@router.get("/industries", response=list[IndustryOut], summary="GB/T 4754-2017 categories under a parent")
def list_industries(request: HttpRequest, parent: str | None = None) -> list[dict[str, Any]]:
    queryset = (
        Industry.objects.filter(parent_id=parent) if parent else Industry.objects.filter(parent__isnull=True)
    )
    return [
        {"code": i.code, "name": i.name, "level": i.level, "parent": i.parent_id, "section": i.section}
        for i in queryset.order_by("code")
    ]


class PostOut(Schema):
    department: str
    title: str
    label: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class OfficialOut(Schema):
    id: int
    name: str
    region: str
    title: str
    posts: list[PostOut]


@router.get(
    "/officials", response=list[OfficialOut], summary="Officials in your jurisdiction, with current posts"
)
@paginate(PageNumberPagination)
def list_officials(request: HttpRequest, q: str | None = None) -> Any:
    queryset = selectors.official_queryset(user=request_user(request)).prefetch_related(
        Prefetch("posts", queryset=Post.objects.filter(Post.current_q()).select_related("department"))
    )
    if q:
        queryset = queryset.filter(name__contains=q.strip())
    return LazyPage(queryset.order_by("name", "id"), _official_json)


def _official_json(official: Any) -> dict[str, Any]:
    posts = list(official.posts.all())
    return {
        "id": official.pk,
        "name": official.name,
        "region": official.region_id,
        "title": "、".join(p.label for p in posts),
        "posts": [
            {
                "department": p.department.name,
                "title": p.title,
                "label": p.label,
                "start_date": p.start_date,
                "end_date": p.end_date,
            }
            for p in posts
        ],
    }
