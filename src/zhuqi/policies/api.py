from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import TrustedPage, paginated
from zhuqi.core.queries import RegionCodeOrBlank, Version, Year, choices_schema
from zhuqi.core.tabular import ImportFileError
from zhuqi.enterprises.selectors import enterprise_get
from zhuqi.policies import figures, importing, matching, schemas, selectors, services
from zhuqi.policies.filtersets import DeliveryFilterSet, MatchFilterSet, PolicyFilterSet
from zhuqi.policies.services import PolicyData

router = Router(tags=["policies"])
deliveries_router = Router(tags=["policies"])
enterprise_router = Router(tags=["policies"])


class PolicyFilters(FilterQuery):
    filterset = PolicyFilterSet


class MatchFilters(FilterQuery):
    filterset = MatchFilterSet


class DeliveryFilters(FilterQuery):
    filterset = DeliveryFilterSet


def _data(payload: schemas.PolicyIn) -> PolicyData:
    return PolicyData(
        title=payload.title,
        issuer=payload.issuer,
        document_number=payload.document_number,
        published_on=payload.published_on,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        region_code=payload.region,
        category=payload.category,
        benefit=payload.benefit,
        amount=payload.amount,
        rate=payload.rate,
        amount_cap=payload.amount_cap,
        grant_mode=payload.grant_mode,
        how_to_apply=payload.how_to_apply,
        department_id=payload.department,
        full_text=payload.full_text,
        rule=payload.rule,
        status=payload.status,
    )


def _detail(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    user = request_user(request)
    policy = selectors.policy_get(user=user, policy_id=policy_id)
    return schemas.policy_detail_json(policy, selectors.match_counts(user=user, policy=policy))


@router.get("", response=list[schemas.PolicyOut], summary="The policy catalogue in your scope")
@paginated
def list_policies(request: HttpRequest, filters: Query[PolicyFilters]) -> Any:
    counted = filters.apply(selectors.policy_queryset(user=request_user(request)))
    return TrustedPage(counted.values(*schemas.POLICY_ROW_COLUMNS), schemas.policy_row_json)


class FigureQuery(Schema):
    year: Year | None = None
    group_by: Annotated[str, choices_schema(list(figures.GROUP_BY))] = "policy"
    region: RegionCodeOrBlank = ""
    level: Annotated[str, choices_schema(["province", "prefecture", "county"], blank=True)] = ""


@router.get(
    "/figures",
    summary="Reach of the policies: eligible, told, applied, granted, amount, days to first grant",
)
def policy_figures(request: HttpRequest, query: Query[FigureQuery]) -> dict[str, Any]:
    return figures.figures_json(figures.policy_figures(user=request_user(request), **query.dict()))


@router.post("", response={201: schemas.PolicyDetailOut}, summary="Register a policy with its rule")
def create_policy(request: HttpRequest, payload: schemas.PolicyIn) -> Status:
    policy = services.policy_create(actor=request_user(request), data=_data(payload), source="api")
    return Status(201, _detail(request, policy.pk))


@router.get(
    "/{int:policy_id}", response=schemas.PolicyDetailOut, summary="One policy, its rule and match counts"
)
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    return _detail(request, policy_id)


@router.put("/{int:policy_id}", response=schemas.PolicyDetailOut, summary="Change a policy or its rule")
def update_policy(request: HttpRequest, policy_id: int, payload: schemas.PolicyUpdateIn) -> dict[str, Any]:
    services.policy_update(
        actor=request_user(request),
        policy_id=policy_id,
        expected_version=payload.version,
        data=_data(payload),
        source="api",
    )
    return _detail(request, policy_id)


@router.post(
    "/{int:policy_id}/attachment",
    response=schemas.PolicyDetailOut,
    summary="Attach the policy's published document (PDF, OFD, Word, scan)",
)
def attach(
    request: HttpRequest, policy_id: int, version: Form[Version], file: File[UploadedFile]
) -> dict[str, Any]:
    services.policy_attach(
        actor=request_user(request),
        policy_id=policy_id,
        expected_version=version,
        attachment=file,
        source="api",
    )
    return _detail(request, policy_id)


@router.post(
    "/{int:policy_id}/rematch",
    response=schemas.PolicyDetailOut,
    summary="Match the policy against the registry now (otherwise done in the background)",
)
def rematch(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    user = request_user(request)
    policy = selectors.policy_get(user=user, policy_id=policy_id)
    if not services.may_keep(user):
        raise PermissionDenied("只有营商办（专班）和系统管理员可以重新匹配政策")
    matching.rematch_policy(policy)
    return _detail(request, policy_id)


@router.get(
    "/{int:policy_id}/matches",
    response=list[schemas.MatchOut],
    summary="The enterprises the policy matches (eligible, possibly eligible), in your scope",
)
@paginated
def list_matches(request: HttpRequest, policy_id: int, filters: Query[MatchFilters]) -> Any:
    user = request_user(request)
    policy = selectors.policy_get(user=user, policy_id=policy_id)
    rows = filters.apply(selectors.match_queryset(user=user, policy=policy)).order_by(
        "status", "enterprise__name", "pk"
    )
    return TrustedPage(rows, schemas.match_json)


@router.post(
    "/{int:policy_id}/complaints",
    response={201: schemas.ComplaintOut},
    summary="An enterprise did not receive the policy, or cannot get it: a demand case (政策兑现)",
)
def complain(request: HttpRequest, policy_id: int, payload: schemas.ComplaintIn) -> Status:
    case = services.policy_complain(
        actor=request_user(request),
        policy_id=policy_id,
        complaint=payload.complaint,
        description=payload.description,
        enterprise_id=payload.enterprise,
        source="api",
    )
    return Status(201, {"case": case.pk, "title": case.title})


@enterprise_router.get(
    "/{int:enterprise_id}/policies",
    response=list[schemas.EnterprisePolicyOut],
    summary="The policies in force an enterprise matches, each condition with its value and verdict",
)
def enterprise_policies(request: HttpRequest, enterprise_id: int) -> list[dict[str, Any]]:
    user = request_user(request)
    enterprise = enterprise_get(user=user, enterprise_id=enterprise_id)
    return [
        schemas.enterprise_policy_json(item)
        for item in selectors.enterprise_policies(user=user, enterprise=enterprise)
    ]


@deliveries_router.get("", response=list[schemas.DeliveryOut], summary="Deliveries in your scope")
@paginated
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilters]) -> Any:
    rows = filters.apply(selectors.delivery_queryset(user=request_user(request))).order_by(
        "-created_at", "-pk"
    )
    return TrustedPage(rows, schemas.delivery_json)


@deliveries_router.post(
    "",
    response={201: schemas.NotifiedOut},
    summary="Tell enterprises of a policy: the ones named, or every eligible one not yet told",
)
def notify(request: HttpRequest, payload: schemas.NotifyIn) -> Status:
    created = services.deliveries_notify(
        actor=request_user(request),
        policy_id=payload.policy,
        enterprise_ids=payload.enterprises,
        channel=payload.channel,
        notified_on=payload.notified_on,
        off_match_reason=payload.off_match_reason,
        source="api",
    )
    user = request_user(request)
    shown = selectors.delivery_queryset(user=user).filter(pk__in=[d.pk for d in created[:100]])
    return Status(201, {"created": len(created), "items": [schemas.delivery_json(d) for d in shown]})


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    written: bool


@deliveries_router.post(
    "/import",
    response=ImportOut,
    summary="The delivering department's list (.xlsx/.csv): checked whole, then written all or nothing",
)
def import_list(
    request: HttpRequest, file: File[UploadedFile], skip_invalid: bool = False, dry_run: bool = False
) -> dict[str, Any]:
    try:
        report = importing.import_deliveries(
            actor=request_user(request),
            stream=file,
            filename=file.name or "",
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
    except ImportFileError as error:
        raise ValidationFailed([FieldError("file", str(error))], location="body") from None
    if report.errors and not skip_invalid:
        # Each refused cell as ["file", row, column]: the row as Excel numbers it.
        raise ValidationFailed(
            [FieldError(f"file.{e.row}.{e.column}", e.message) for e in report.errors[:500]], location="body"
        )
    return {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "written": report.written,
    }


def _delivery_detail(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    return schemas.delivery_json(selectors.delivery_get(user=request_user(request), delivery_id=delivery_id))


@deliveries_router.get("/{int:delivery_id}", response=schemas.DeliveryOut, summary="One delivery")
def get_delivery(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    return _delivery_detail(request, delivery_id)


@deliveries_router.post(
    "/{int:delivery_id}/apply", response=schemas.DeliveryOut, summary="The enterprise applied"
)
def apply(request: HttpRequest, delivery_id: int, payload: schemas.ApplyIn) -> dict[str, Any]:
    services.delivery_apply(
        actor=request_user(request),
        delivery_id=delivery_id,
        expected_version=payload.version,
        applied_on=payload.applied_on,
        source="api",
    )
    return _delivery_detail(request, delivery_id)


@deliveries_router.post(
    "/{int:delivery_id}/grant",
    response=schemas.DeliveryOut,
    summary="Granted (amount within the policy's cap)",
)
def grant(request: HttpRequest, delivery_id: int, payload: schemas.GrantIn) -> dict[str, Any]:
    services.delivery_grant(
        actor=request_user(request),
        delivery_id=delivery_id,
        expected_version=payload.version,
        amount=payload.amount,
        granted_on=payload.granted_on,
        note=payload.note,
        source="api",
    )
    return _delivery_detail(request, delivery_id)


@deliveries_router.post(
    "/{int:delivery_id}/refuse", response=schemas.DeliveryOut, summary="Not granted, with the reason"
)
def refuse(request: HttpRequest, delivery_id: int, payload: schemas.RefuseIn) -> dict[str, Any]:
    services.delivery_refuse(
        actor=request_user(request),
        delivery_id=delivery_id,
        expected_version=payload.version,
        refusal_reason=payload.refusal_reason,
        refused_on=payload.refused_on,
        source="api",
    )
    return _delivery_detail(request, delivery_id)
