"""/api/v1/chains: chains with their segments, members, links, gaps, lists, goals and figures.
Handlers call one selector or one service; refusals come from the services (core.errors)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from zhuqi.chains import figures as chain_figures
from zhuqi.chains import schemas, selectors, services
from zhuqi.chains.filtersets import ChainFilterSet, LinkFilterSet, MemberFilterSet
from zhuqi.chains.models import ChainGoal
from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.core.queries import Year

router = Router(tags=["chains"])


class ChainFilters(FilterQuery):
    filterset = ChainFilterSet


class MemberFilters(FilterQuery):
    filterset = MemberFilterSet


class LinkFilters(FilterQuery):
    filterset = LinkFilterSet


def _chain_data(payload: schemas.ChainIn) -> services.ChainData:
    return services.ChainData(
        name=payload.name,
        region_code=payload.region,
        chief_id=payload.chief,
        chief_title=payload.chief_title,
        deputy_ids=list(payload.deputies),
        lead_department_id=payload.lead_department,
        description=payload.description,
        weak_output=payload.weak_output,
        position=payload.position,
    )


def _detail(request: HttpRequest, chain_id: int) -> dict[str, Any]:
    chain = selectors.chain_get(user=request_user(request), chain_id=chain_id)
    return {
        **schemas.chain_json(chain),
        "segments": [schemas.segment_json(strength) for strength in selectors.segment_strengths(chain)],
    }


@router.get("", response=list[schemas.ChainOut], summary="The chains in your scope")
@paginated
def list_chains(request: HttpRequest, filters: Query[ChainFilters]) -> Any:
    chains = filters.apply(selectors.chain_queryset(user=request_user(request))).order_by(
        "position", "name", "id"
    )
    return TrustedPage(chains, schemas.chain_json)


@router.post("", response={201: schemas.ChainDetailOut}, summary="Create a chain")
def create_chain(request: HttpRequest, payload: schemas.ChainIn) -> Status:
    chain = services.chain_create(actor=request_user(request), data=_chain_data(payload), source="api")
    return Status(201, _detail(request, chain.pk))


@router.get("/{int:chain_id}", response=schemas.ChainDetailOut, summary="One chain with its segment tree")
def get_chain(request: HttpRequest, chain_id: int) -> dict[str, Any]:
    return _detail(request, chain_id)


@router.put("/{int:chain_id}", response=schemas.ChainDetailOut, summary="Change a chain")
def update_chain(request: HttpRequest, chain_id: int, payload: schemas.ChainUpdateIn) -> dict[str, Any]:
    services.chain_update(
        actor=request_user(request),
        chain_id=chain_id,
        expected_version=payload.version,
        data=_chain_data(payload),
        source="api",
    )
    return _detail(request, chain_id)


# ---------------------------------------------------------------------------------------------
# Segments


def _segment_data(payload: schemas.ChainSegmentIn) -> services.SegmentData:
    return services.SegmentData(
        name=payload.name,
        parent_id=payload.parent,
        kind=payload.kind,
        position=payload.position,
        description=payload.description,
        weak_output=payload.weak_output,
    )


@router.post("/{int:chain_id}/segments", response={201: schemas.ChainDetailOut}, summary="Add a segment")
def create_segment(request: HttpRequest, chain_id: int, payload: schemas.ChainSegmentIn) -> Status:
    services.segment_create(
        actor=request_user(request), chain_id=chain_id, data=_segment_data(payload), source="api"
    )
    return Status(201, _detail(request, chain_id))


@router.put(
    "/segments/{int:segment_id}",
    response=schemas.ChainDetailOut,
    summary="Change a segment (moving it under another upstream segment; a cycle is refused)",
)
def update_segment(
    request: HttpRequest, segment_id: int, payload: schemas.ChainSegmentUpdateIn
) -> dict[str, Any]:
    segment = services.segment_update(
        actor=request_user(request),
        segment_id=segment_id,
        expected_version=payload.version,
        data=_segment_data(payload),
        source="api",
    )
    return _detail(request, segment.chain_id)


@router.delete(
    "/segments/{int:segment_id}",
    response={204: None},
    summary="Remove a segment with no members or downstream",
)
def delete_segment(request: HttpRequest, segment_id: int, payload: schemas.ChainVersionIn) -> Status:
    services.segment_delete(
        actor=request_user(request), segment_id=segment_id, expected_version=payload.version, source="api"
    )
    return Status(204, None)


@router.get(
    "/{int:chain_id}/gaps", response=list[schemas.ChainSegmentOut], summary="Segments with no member, or weak"
)
def chain_gaps(request: HttpRequest, chain_id: int) -> list[dict[str, Any]]:
    chain = selectors.chain_get(user=request_user(request), chain_id=chain_id)
    return [schemas.segment_json(strength) for strength in selectors.gaps(chain)]


# ---------------------------------------------------------------------------------------------
# Members


def _member_data(payload: schemas.ChainMemberIn) -> services.MemberData:
    return services.MemberData(
        segment_id=payload.segment,
        enterprise_id=payload.enterprise,
        role=payload.role,
        output_value=payload.output_value,
        output_year=payload.output_year,
        products=payload.products,
        note=payload.note,
    )


def _member(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = selectors.member_queryset(user=request_user(request)).filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return schemas.member_json(member)


@router.get(
    "/{int:chain_id}/members", response=list[schemas.ChainMemberOut], summary="A chain's members you may see"
)
@paginated
def list_members(request: HttpRequest, chain_id: int, filters: Query[MemberFilters]) -> Any:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    members: QuerySet[Any] = filters.apply(selectors.member_queryset(user=user, chain=chain))
    return TrustedPage(
        members.order_by("segment__position", "segment_id", "-output_value", "id"), schemas.member_json
    )


@router.post(
    "/{int:chain_id}/members",
    response={201: schemas.ChainMemberOut},
    summary="Place an enterprise in a segment",
)
def add_member(request: HttpRequest, chain_id: int, payload: schemas.ChainMemberIn) -> Status:
    member = services.member_add(
        actor=request_user(request), chain_id=chain_id, data=_member_data(payload), source="api"
    )
    return Status(201, _member(request, member.pk))


@router.put(
    "/members/{int:member_id}",
    response=schemas.ChainMemberOut,
    summary="Change a member (role, segment, output)",
)
def update_member(
    request: HttpRequest, member_id: int, payload: schemas.ChainMemberUpdateIn
) -> dict[str, Any]:
    services.member_update(
        actor=request_user(request),
        member_id=member_id,
        expected_version=payload.version,
        data=_member_data(payload),
        source="api",
    )
    return _member(request, member_id)


@router.delete(
    "/members/{int:member_id}", response={204: None}, summary="Take an enterprise out of a segment"
)
def remove_member(request: HttpRequest, member_id: int, payload: schemas.ChainVersionIn) -> Status:
    services.member_remove(
        actor=request_user(request), member_id=member_id, expected_version=payload.version, source="api"
    )
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Links


def _link_data(payload: schemas.ChainLinkIn) -> services.LinkData:
    values = payload.dict()
    values.pop("version", None)
    values["supplier_id"] = values.pop("supplier")
    values["customer_id"] = values.pop("customer")
    return services.LinkData(**values)


def _link(request: HttpRequest, link_id: int) -> dict[str, Any]:
    link = selectors.link_queryset(user=request_user(request)).filter(pk=link_id).first()
    if link is None:
        raise NotFound()
    return schemas.link_json(link)


@router.get(
    "/{int:chain_id}/links",
    response=list[schemas.ChainLinkOut],
    summary="Customers and suppliers (关联客户库)",
)
@paginated
def list_links(request: HttpRequest, chain_id: int, filters: Query[LinkFilters]) -> Any:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    return TrustedPage(
        filters.apply(selectors.link_queryset(user=user, chain=chain)).order_by("id"), schemas.link_json
    )


@router.post(
    "/{int:chain_id}/links", response={201: schemas.ChainLinkOut}, summary="Record who supplies whom"
)
def add_link(request: HttpRequest, chain_id: int, payload: schemas.ChainLinkIn) -> Status:
    link = services.link_add(
        actor=request_user(request), chain_id=chain_id, data=_link_data(payload), source="api"
    )
    return Status(201, _link(request, link.pk))


@router.put("/links/{int:link_id}", response=schemas.ChainLinkOut, summary="Change a link")
def update_link(request: HttpRequest, link_id: int, payload: schemas.ChainLinkUpdateIn) -> dict[str, Any]:
    services.link_update(
        actor=request_user(request),
        link_id=link_id,
        expected_version=payload.version,
        data=_link_data(payload),
        source="api",
    )
    return _link(request, link_id)


@router.delete("/links/{int:link_id}", response={204: None}, summary="Remove a link")
def remove_link(request: HttpRequest, link_id: int, payload: schemas.ChainVersionIn) -> Status:
    services.link_remove(
        actor=request_user(request), link_id=link_id, expected_version=payload.version, source="api"
    )
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# The chief's lists and goals


def _item_data(payload: schemas.ChainItemIn) -> services.ItemData:
    return services.ItemData(
        kind=payload.kind,
        title=payload.title,
        segment_id=payload.segment,
        description=payload.description,
        department_id=payload.department,
        status=payload.status,
        progress=payload.progress,
        position=payload.position,
    )


def _item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = selectors.item_queryset(user=request_user(request)).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return schemas.item_json(item)


@router.get(
    "/{int:chain_id}/items",
    response=list[schemas.ChainItemOut],
    summary="Strengths to build, weak links to break through, key technologies (锻长板/补短板/攻关)",
)
def list_items(request: HttpRequest, chain_id: int) -> list[dict[str, Any]]:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    return [schemas.item_json(item) for item in selectors.item_queryset(user=user, chain=chain)]


@router.post("/{int:chain_id}/items", response={201: schemas.ChainItemOut}, summary="Add a line to a list")
def create_item(request: HttpRequest, chain_id: int, payload: schemas.ChainItemIn) -> Status:
    item = services.item_create(
        actor=request_user(request), chain_id=chain_id, data=_item_data(payload), source="api"
    )
    return Status(201, _item(request, item.pk))


@router.put("/items/{int:item_id}", response=schemas.ChainItemOut, summary="Change a line")
def update_item(request: HttpRequest, item_id: int, payload: schemas.ChainItemUpdateIn) -> dict[str, Any]:
    services.item_update(
        actor=request_user(request),
        item_id=item_id,
        expected_version=payload.version,
        data=_item_data(payload),
        source="api",
    )
    return _item(request, item_id)


@router.delete("/items/{int:item_id}", response={204: None}, summary="Remove a line")
def delete_item(request: HttpRequest, item_id: int, payload: schemas.ChainVersionIn) -> Status:
    services.item_delete(
        actor=request_user(request), item_id=item_id, expected_version=payload.version, source="api"
    )
    return Status(204, None)


def _goal_json(goal: ChainGoal) -> dict[str, Any]:
    return {
        "year": goal.year,
        "investment_signed": goal.investment_signed,
        "projects_landed": goal.projects_landed,
        "funds_in_place": goal.funds_in_place,
        "new_above_scale": goal.new_above_scale,
        "version": goal.version,
    }


@router.get("/{int:chain_id}/goals", response=list[schemas.ChainGoalOut], summary="Yearly targets")
def list_goals(request: HttpRequest, chain_id: int) -> list[dict[str, Any]]:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    return [_goal_json(goal) for goal in selectors.goal_queryset(user=user, chain=chain)]


@router.put("/{int:chain_id}/goals/{int:year}", response=schemas.ChainGoalOut, summary="Set a year's targets")
def set_goal(request: HttpRequest, chain_id: int, year: Year, payload: schemas.ChainGoalIn) -> dict[str, Any]:
    values = payload.dict()
    version = values.pop("version")
    goal = services.goal_set(
        actor=request_user(request),
        chain_id=chain_id,
        year=year,
        values=values,
        expected_version=version,
        source="api",
    )
    return _goal_json(goal)


@router.get("/{int:chain_id}/figures", response=schemas.ChainFiguresOut, summary="The chain's figures today")
def figures(request: HttpRequest, chain_id: int) -> dict[str, Any]:
    user = request_user(request)
    chain = selectors.chain_get(user=user, chain_id=chain_id)
    members = selectors.member_figures([chain.pk])[chain.pk]
    columns = {
        key: values.get(chain.pk) for key, values in chain_figures.column_values(user, [chain.pk]).items()
    }
    return schemas.figures_json(members, columns, timezone.localdate())
