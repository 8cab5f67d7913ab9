from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhuqi.core.auth import request_user
from zhuqi.enterprises import selectors, services
from zhuqi.enterprises.filtersets import EnterpriseFilterSet
from zhuqi.enterprises.models import SizeClass
from zhuqi.enterprises.schemas import EnterpriseIn, EnterpriseOut, EnterprisePatch, enterprise_json

router = Router(tags=["enterprises"])


class EnterpriseFilters(Schema):
    q: str | None = None
    region: str | None = None
    industry: str | None = None
    size_class: SizeClass | None = None
    above_scale: bool | None = None
    official: int | None = None


def _payload(schema: Schema, *, exclude_unset: bool) -> dict[str, Any]:
    data = schema.dict(exclude_unset=exclude_unset)
    data.pop("version", None)
    return data


@router.get("", response=list[EnterpriseOut], summary="List enterprises in your scope")
@paginate(PageNumberPagination)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> Any:
    params = {k: v for k, v in filters.dict().items() if v is not None}
    queryset = EnterpriseFilterSet(
        params, queryset=selectors.enterprise_queryset(user=request_user(request))
    ).qs
    show = selectors.can_see_contacts(request_user(request))
    # The paginator slices the queryset first; mapping lazily keeps it one query per page.
    return _LazyMap(queryset, lambda e: enterprise_json(e, show_contacts=show))


class _LazyMap:
    """A sliceable view of a queryset that serialises only the page the paginator takes."""

    def __init__(self, queryset: Any, mapper: Any) -> None:
        self.queryset = queryset
        self.mapper = mapper

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.mapper(item) for item in self.queryset[index]]
        return self.mapper(self.queryset[index])


@router.post("", response={201: EnterpriseOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    enterprise = services.enterprise_create(
        actor=request_user(request), data=_payload(payload, exclude_unset=False), source="api"
    )
    show = selectors.can_see_contacts(request_user(request))
    return Status(201, enterprise_json(enterprise, show_contacts=show))


@router.get("/{int:enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    enterprise = selectors.enterprise_get(user=request_user(request), enterprise_id=enterprise_id)
    return enterprise_json(enterprise, show_contacts=selectors.can_see_contacts(request_user(request)))


@router.patch(
    "/{int:enterprise_id}", response=EnterpriseOut, summary="Change an enterprise (send the version you read)"
)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch) -> dict[str, Any]:
    enterprise = services.enterprise_update(
        actor=request_user(request),
        enterprise_id=enterprise_id,
        data=_payload(payload, exclude_unset=True),
        expected_version=payload.version,
        source="api",
    )
    return enterprise_json(enterprise, show_contacts=selectors.can_see_contacts(request_user(request)))


@router.delete("/{int:enterprise_id}", response={204: None}, summary="Delete an enterprise")
def delete_enterprise(request: HttpRequest, enterprise_id: int, version: int | None = None) -> Status:
    services.enterprise_delete(
        actor=request_user(request), enterprise_id=enterprise_id, expected_version=version
    )
    return Status(204, None)
