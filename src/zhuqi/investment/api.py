from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from zhuqi.core.auth import request_user
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.core.queries import MonthCount, RegionCodeOrBlank, Year
from zhuqi.investment import figures, schemas, selectors, services
from zhuqi.investment.filtersets import AgreementFilterSet
from zhuqi.investment.services import AgreementData

router = Router(tags=["agreements"])


class AgreementFilters(FilterQuery):
    filterset = AgreementFilterSet


def _data(payload: schemas.AgreementIn) -> AgreementData:
    return AgreementData(
        title=payload.title,
        kind=payload.kind,
        counterparty_name=payload.counterparty_name,
        counterparty_id=payload.counterparty,
        our_party_name=payload.our_party_name,
        our_party_id=payload.our_party,
        region_code=payload.region,
        signed_on=payload.signed_on,
        place=payload.place,
        amount=payload.amount,
        amount_unit=payload.amount_unit,
        amount_nature=payload.amount_nature,
        period=payload.period,
        fields=payload.fields,
        follow_up_department_id=payload.follow_up_department,
        leader_ids=payload.leaders_present,
        note=payload.note,
        chain_id=payload.chain,
    )


@router.get(
    "", response=list[schemas.AgreementOut], summary="The agreement register in your scope, with landing"
)
@paginated
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    queryset = filters.apply(selectors.agreement_list(user=request_user(request)))
    return TrustedPage(queryset, schemas.agreement_json)


class FigureQuery(Schema):
    year: Year | None = None
    group_by: str = "region"
    region: RegionCodeOrBlank = ""
    level: str = ""
    months: MonthCount = figures.DEFAULT_MONTHS


@router.get("/figures", summary="Landing, start, performance and funds-in-place rates (definitions included)")
def agreement_figures(request: HttpRequest, query: Query[FigureQuery]) -> dict[str, Any]:
    result = figures.agreement_figures(user=request_user(request), **query.dict())
    return figures.figures_json(result)


@router.post("", response={201: schemas.AgreementDetailOut}, summary="Register a signed agreement")
def create_agreement(request: HttpRequest, payload: schemas.AgreementIn) -> Status:
    agreement = services.agreement_create(actor=request_user(request), data=_data(payload), source="api")
    return Status(201, _detail(request, agreement.pk))


def _detail(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    return schemas.agreement_detail_json(
        selectors.agreement_get(user=request_user(request), agreement_id=agreement_id)
    )


@router.get("/{int:agreement_id}", response=schemas.AgreementDetailOut, summary="One agreement")
def get_agreement(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    return _detail(request, agreement_id)


@router.put("/{int:agreement_id}", response=schemas.AgreementDetailOut, summary="Change an agreement")
def update_agreement(
    request: HttpRequest, agreement_id: int, payload: schemas.AgreementUpdateIn
) -> dict[str, Any]:
    services.agreement_update(
        actor=request_user(request),
        agreement_id=agreement_id,
        expected_version=payload.version,
        data=_data(payload),
        source="api",
    )
    return _detail(request, agreement_id)


@router.put(
    "/{int:agreement_id}/projects",
    response=schemas.AgreementDetailOut,
    summary="The projects it landed as (落地)",
)
def link_projects(request: HttpRequest, agreement_id: int, payload: schemas.ProjectsIn) -> dict[str, Any]:
    services.agreement_link_projects(
        actor=request_user(request),
        agreement_id=agreement_id,
        expected_version=payload.version,
        project_ids=payload.projects,
        source="api",
    )
    return _detail(request, agreement_id)


@router.post(
    "/{int:agreement_id}/funds",
    response={201: schemas.AgreementDetailOut},
    summary="Record funds in place (到位资金)",
)
def record_funds(request: HttpRequest, agreement_id: int, payload: schemas.FundsIn) -> Status:
    services.funds_record(
        actor=request_user(request),
        agreement_id=agreement_id,
        expected_version=payload.version,
        on=payload.on,
        amount=payload.amount,
        unit=payload.unit,
        note=payload.note,
        source="api",
    )
    return Status(201, _detail(request, agreement_id))
