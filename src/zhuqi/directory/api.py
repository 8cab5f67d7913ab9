import datetime
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.pagination import LazyPage, PageNumberPagination, TrustedPage, paginated
from zhuqi.core.queries import IndustryCode, IsoDate, RecordId, RegionCode, choices_schema
from zhuqi.core.textlimits import schema_field
from zhuqi.directory import selectors, services
from zhuqi.directory.models import Department, Industry, Official, Post, Region

router = Router(tags=["reference data"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    has_children: bool


@router.get("/regions", response=list[RegionOut], summary="Regions under a parent (top level without one)")
def list_regions(request: HttpRequest, parent: RegionCode | None = None) -> list[dict[str, Any]]:
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
def list_industries(request: HttpRequest, parent: IndustryCode | None = None) -> list[dict[str, Any]]:
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


# Beside cases' Kind in the OpenAPI document, so written out where it is used.
DepartmentKind = Annotated[Department.Kind, choices_schema(Department.Kind)]


class DepartmentIn(Schema):
    region: str
    name: str = schema_field(Department, "name")
    short_name: str = schema_field(Department, "short_name", "")
    kind: Annotated[str, choices_schema(Department.Kind)] = "government"


class DepartmentOut(Schema):
    id: int
    region: str
    name: str
    short_name: str
    kind: DepartmentKind


def _department_json(department: Any) -> dict[str, Any]:
    return {
        "id": department.pk,
        "region": department.region_id,
        "name": department.name,
        "short_name": department.short_name,
        "kind": department.kind,
    }


def _region_or_422(code: str) -> Region:
    region = Region.objects.filter(pk=code.strip()).first()
    if region is None:
        raise ValidationFailed([FieldError("region", f"没有代码为 {code} 的行政区划（GB/T 2260）")])
    return region


@router.get("/departments", response=list[DepartmentOut], summary="Departments in your jurisdiction")
@paginated
def list_departments(request: HttpRequest, region: RegionCode | None = None) -> Any:
    queryset = selectors.department_queryset(user=request_user(request)).order_by("region_id", "name")
    if region:
        queryset = queryset.filter(region_id=region)
    return TrustedPage(queryset, _department_json)


@router.post("/departments", response={201: DepartmentOut}, summary="Add a department (admin, coordinator)")
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status:
    if payload.kind not in Department.Kind.values:
        raise ValidationFailed([FieldError("kind", f"应为 {'、'.join(Department.Kind.values)} 之一")])
    department = services.department_create(
        actor=request_user(request),
        region=_region_or_422(payload.region),
        name=payload.name.strip(),
        short_name=payload.short_name.strip(),
        kind=payload.kind,
    )
    return Status(201, _department_json(department))


class OfficialIn(Schema):
    region: str
    name: str = schema_field(Official, "name")
    phone: str = schema_field(Official, "phone", "")


class PostIn(Schema):
    department: RecordId
    title: str = schema_field(Post, "title")
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    order: int = Field(0, ge=0, le=32767, description="the order among the official's posts")


@router.post("/officials", response={201: OfficialOut}, summary="Add an official (admin, coordinator)")
def create_official(request: HttpRequest, payload: OfficialIn) -> Status:
    official = services.official_create(
        actor=request_user(request),
        region=_region_or_422(payload.region),
        name=payload.name.strip(),
        phone=payload.phone.strip(),
    )
    return Status(201, _official_json(official))


@router.post(
    "/officials/{int:official_id}/posts", response={201: OfficialOut}, summary="Give an official a post"
)
def create_post(request: HttpRequest, official_id: int, payload: PostIn) -> Status:
    user = request_user(request)
    official = selectors.official_queryset(user=user).filter(pk=official_id).first()
    if official is None:
        raise NotFound()
    department = selectors.department_queryset(user=user).filter(pk=payload.department).first()
    if department is None:
        raise ValidationFailed([FieldError("department", "部门不存在或不在您的权限范围内")])
    services.post_create(
        actor=user,
        official=official,
        department=department,
        title=payload.title.strip(),
        start_date=payload.start_date,
        end_date=payload.end_date,
        order=payload.order,
    )
    refreshed = selectors.official_queryset(user=user).prefetch_related(
        Prefetch("posts", queryset=Post.objects.filter(Post.current_q()).select_related("department"))
    )
    return Status(201, _official_json(refreshed.get(pk=official.pk)))
