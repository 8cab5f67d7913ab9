"""Policy pages: the catalogue, a policy with its rule, matches and deliveries, the form with the
rule editor, the deliveries, and an enterprise's own policies. Thin: reads through selectors,
changes through the services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases.selectors import policy_questions
from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.forms import error_text
from zhuqi.core.navigation import page_for
from zhuqi.core.roles import Role
from zhuqi.core.tabular import ImportFileError
from zhuqi.directory.models import User
from zhuqi.enterprises.selectors import enterprise_get
from zhuqi.policies import figures, importing, matching, rules, selectors, services
from zhuqi.policies.drafting import Draft, draft_rule
from zhuqi.policies.filtersets import DeliveryFilterSet, MatchFilterSet, PolicyFilterSet
from zhuqi.policies.forms import (
    RANGE_OPERATORS,
    RULE_ROWS,
    VALUE_OPERATOR,
    ComplaintForm,
    DeliveryStepForm,
    NotifyForm,
    PolicyForm,
    RuleRow,
    rows_from_rule,
    rule_chain_names,
    rule_field_choices,
)
from zhuqi.policies.models import (
    Channel,
    Complaint,
    DeliveryStatus,
    GrantMode,
    MatchStatus,
    Policy,
    PolicyCategory,
    PolicyStatus,
)
from zhuqi.policies.services import PolicyData

PER_PAGE = 50


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


@login_required
@page_for("policy-list")
def policy_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    params = request.GET.copy()
    params.pop("page", None)
    filterset = page_filterset(
        request,
        PolicyFilterSet(
            params, queryset=selectors.policy_queryset(user=user).order_by("-published_on", "-id")
        ),
    )
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "policy": policy,
            "in_force": policy.status == PolicyStatus.PUBLISHED
            and (policy.valid_from is None or policy.valid_from <= today)
            and (policy.valid_until is None or policy.valid_until >= today),
        }
        for policy in page.object_list
    ]
    return render(
        request,
        "policies/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": request.GET,
            "querystring_base": _querystring(request),
            "categories": PolicyCategory.choices,
            "statuses": PolicyStatus.choices,
            "modes": GrantMode.choices,
            "can_keep": services.may_keep(user),
            "is_enterprise": user.role == Role.ENTERPRISE,
            # What no department can solve case by case: the keepers take it up as policy work.
            "policy_questions": list(policy_questions(user=user)[:10]) if services.may_keep(user) else [],
        },
    )


@login_required
@page_for("policy-list")
def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    return _detail_page(request, policy_id)


def _detail_page(
    request: HttpRequest, policy_id: int, *, complaint: dict[str, str] | None = None
) -> HttpResponse:
    """A policy: for an enterprise, its own conditions and how it stands; for government staff,
    the enterprises it matches and their deliveries."""
    user = request_user(request)
    policy = selectors.policy_get(user=user, policy_id=policy_id)
    is_enterprise = user.role == Role.ENTERPRISE
    context: dict[str, Any] = {
        "policy": policy,
        "rule_lines": rules.describe(policy.rule),
        "is_enterprise": is_enterprise,
        "can_keep": services.may_keep(user),
        "complaints": Complaint.choices,
        "complaint": complaint or {},
        "may_complain": is_enterprise,
    }
    if is_enterprise:
        if user.enterprise_id:
            enterprise = enterprise_get(user=user, enterprise_id=user.enterprise_id)
            context["own"] = selectors.enterprise_policy(enterprise=enterprise, policy=policy)
    else:
        context.update(_matches_and_deliveries(request, user, policy))
    return render(request, "policies/detail.html", context)


# The deliveries a policy's page lists; the rest are on the deliveries page, filtered to it.
DELIVERIES_SHOWN = 200


def _matches_and_deliveries(request: HttpRequest, user: User, policy: Policy) -> dict[str, Any]:
    match_filters = page_filterset(
        request, MatchFilterSet(request.GET, queryset=selectors.match_queryset(user=user, policy=policy))
    )
    matches = Paginator(match_filters.qs.order_by("status", "enterprise__name", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    deliveries = selectors.delivery_queryset(user=user).filter(policy=policy)
    told = dict(
        deliveries.filter(enterprise_id__in=[m.enterprise_id for m in matches.object_list]).values_list(
            "enterprise_id", "status"
        )
    )
    # The funnel: told (every delivery), applied (an application date), granted, refused.
    totals = deliveries.order_by().aggregate(
        notified=Count("pk"),
        applied=Count("pk", filter=Q(applied_on__isnull=False)),
        granted=Count("pk", filter=Q(status=DeliveryStatus.GRANTED)),
        refused=Count("pk", filter=Q(status=DeliveryStatus.REFUSED)),
    )
    return {
        "counts": selectors.match_counts(user=user, policy=policy),
        "matches": matches,
        "match_rows": [
            {
                "match": m,
                "delivery": _(DeliveryStatus(told[m.enterprise_id]).label) if m.enterprise_id in told else "",
            }
            for m in matches.object_list
        ],
        "match_status": request.GET.get("status", ""),
        "match_statuses": MatchStatus.choices,
        "deliveries": deliveries.order_by("status", "enterprise__name")[:DELIVERIES_SHOWN],
        "deliveries_more": max(totals["notified"] - DELIVERIES_SHOWN, 0),
        "delivery_totals": [
            (DeliveryStatus(status).label, totals[status])
            for status in ("notified", "applied", "granted", "refused")
        ],
        "may_deliver": services.may_deliver(user, policy) and policy.status == PolicyStatus.PUBLISHED,
        "channels": Channel.choices,
        "today": timezone.localdate(),
        "querystring_base": _querystring(request),
    }


def _rule_context(user: User, form: PolicyForm | None, rule: dict[str, Any]) -> dict[str, Any]:
    """The editor's rows: as posted after a refusal, else from the stored rule."""
    if form is not None and form.is_bound:
        data = form.data
        rows = [
            RuleRow(
                data.get(f"cond-{i}-field", ""), data.get(f"cond-{i}-op", ""), data.get(f"cond-{i}-value", "")
            )
            for i in range(RULE_ROWS)
        ]
        match = data.get("rule_match", "all")
        rule_json = data.get("rule_json", "")
    else:
        shown = rows_from_rule(rule)
        match, rows = shown if shown is not None else (rule.get("match", "all"), [])
        rule_json = json.dumps(rule, ensure_ascii=False, indent=1) if shown is None else ""
    rows = rows + [RuleRow("", "", "") for _ in range(RULE_ROWS - len(rows))]
    return {
        "rule_rows": [(index, row) for index, row in enumerate(rows)],
        "rule_match": match,
        "rule_json": rule_json,
        "rule_fields": rule_field_choices(),
        "range_operators": list(RANGE_OPERATORS.items()),
        "value_operator": VALUE_OPERATOR,
        "rule_chains": rule_chain_names(user),
    }


def _policy_data(form: PolicyForm) -> PolicyData:
    posted = form.cleaned_data
    return PolicyData(
        title=posted["title"],
        issuer=posted["issuer"],
        document_number=posted["document_number"],
        published_on=posted["published_on"],
        valid_from=posted["valid_from"],
        valid_until=posted["valid_until"],
        region_code=posted["region"],
        category=posted["category"],
        benefit=posted["benefit"],
        amount=posted["amount"],
        rate=posted["rate"],
        amount_cap=posted["amount_cap"],
        grant_mode=posted["grant_mode"],
        how_to_apply=posted["how_to_apply"],
        department_id=posted["department"],
        full_text=posted["full_text"],
        rule=form.rule(),
        status=posted["status"],
    )


@login_required
@page_for("policy-list")
def policy_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@page_for("policy-list")
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    return _form_page(request, policy_id)


def _form_page(request: HttpRequest, policy_id: int | None) -> HttpResponse:
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以登记惠企政策"))
    policy = selectors.policy_get(user=user, policy_id=policy_id) if policy_id else None
    form = PolicyForm(request.POST if request.method == "POST" else None)
    errors: set[str] = set()
    drafted: Draft | None = None
    if form.is_bound and request.POST.get("action") == "draft":
        # Read the pasted text into condition rows for the person to check; nothing is saved.
        form.is_valid()
        drafted = draft_rule(form.cleaned_data.get("full_text") or "")
        if not drafted.found:
            messages.error(request, _("没有从政策原文中读出适用条件，请逐条填写"))
    elif form.is_bound:
        form.is_valid()  # as posted; the service judges every value
        try:
            data = _policy_data(form)
            attachment = request.FILES.get("attachment")
            if policy is None:
                saved = services.policy_create(actor=user, data=data, attachment=attachment, source="web")
            else:
                saved = services.policy_update(
                    actor=user,
                    policy_id=policy.pk,
                    expected_version=form.cleaned_data.get("version"),
                    data=data,
                    attachment=attachment,
                    source="web",
                )
            messages.success(request, _("政策已保存，正在后台匹配企业"))
            return redirect("policy-detail", policy_id=saved.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, form.error_text(error))
            if isinstance(error, ValidationFailed):
                errors = {form.error_field(e.field) for e in error.errors}
    if form.is_bound:
        values: Any = form.data
    elif policy is not None:
        values = {
            **{
                name: getattr(policy, name)
                for name in (
                    "title",
                    "issuer",
                    "document_number",
                    "benefit",
                    "how_to_apply",
                    "full_text",
                    "category",
                    "grant_mode",
                    "status",
                    "amount",
                    "rate",
                    "amount_cap",
                )
            },
            "published_on": policy.published_on.isoformat(),
            "valid_from": policy.valid_from.isoformat() if policy.valid_from else "",
            "valid_until": policy.valid_until.isoformat() if policy.valid_until else "",
            "region": policy.region_id,
            "department": policy.department_id,
            "version": policy.version,
        }
    else:
        values = {
            "region": user.region_id or "",
            "status": PolicyStatus.DRAFT,
            "grant_mode": GrantMode.APPLICATION,
        }
    return render(
        request,
        "policies/form.html",
        {
            "policy": policy,
            "values": values,
            "errors": errors,
            "categories": PolicyCategory.choices,
            "modes": GrantMode.choices,
            "statuses": PolicyStatus.choices,
            "attachment_name": Path(policy.attachment.name).name if policy and policy.attachment else "",
            **_rule_context(
                request_user(request),
                form if form.is_bound and drafted is None else None,
                drafted.rule if drafted is not None else (policy.rule if policy else {}),
            ),
            "drafted": drafted,
        },
    )


@login_required
def policy_attachment(request: HttpRequest, policy_id: int) -> FileResponse:
    policy = selectors.policy_get(user=request_user(request), policy_id=policy_id)
    if not policy.attachment:
        raise NotFound()
    return FileResponse(
        policy.attachment.open("rb"), as_attachment=True, filename=Path(policy.attachment.name).name
    )


@login_required
@page_for("policy-list")
@require_POST
def policy_rematch(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = request_user(request)
    policy = selectors.policy_get(user=user, policy_id=policy_id)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以重新匹配政策"))
    found = matching.rematch_policy(policy)
    messages.success(request, _("已重新匹配：%(count)s 家企业符合或可能符合") % {"count": f"{found:,}"})
    return redirect("policy-detail", policy_id=policy_id)


@login_required
@page_for("policy-list")
@require_POST
def policy_notify(request: HttpRequest, policy_id: int) -> HttpResponse:
    form = NotifyForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        created = services.deliveries_notify(
            actor=request_user(request),
            policy_id=policy_id,
            enterprise_ids=None if data.get("scope") == "eligible" else data["enterprise"],
            channel=data.get("channel") or Channel.PORTAL,
            notified_on=data.get("notified_on"),
            off_match_reason=data.get("off_match_reason") or "",
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        return redirect("policy-detail", policy_id=policy_id)
    messages.success(request, _("已告知 %(count)s 家企业") % {"count": f"{len(created):,}"})
    return redirect(reverse("policy-detail", args=[policy_id]) + "#deliveries")


@login_required
@page_for("policy-list")
@require_POST
def delivery_step(request: HttpRequest, delivery_id: int) -> HttpResponse:
    user = request_user(request)
    delivery = selectors.delivery_get(user=user, delivery_id=delivery_id)
    form = DeliveryStepForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    common: dict[str, Any] = {
        "actor": user,
        "delivery_id": delivery_id,
        "expected_version": data.get("version"),
        "source": "web",
    }
    try:
        if data.get("step") == "apply":
            services.delivery_apply(**common, applied_on=data.get("on"))
        elif data.get("step") == "grant":
            services.delivery_grant(
                **common, amount=data.get("amount"), granted_on=data.get("on"), note=data.get("note") or ""
            )
        elif data.get("step") == "refuse":
            services.delivery_refuse(
                **common, refusal_reason=data.get("refusal_reason") or "", refused_on=data.get("on")
            )
        else:
            raise ValidationFailed([])
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, f"{delivery.enterprise.name}：{form.error_text(error)}")
    else:
        messages.success(request, _("%(name)s：已登记") % {"name": delivery.enterprise.name})
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(reverse("policy-detail", args=[delivery.policy_id]) + "#deliveries")


@login_required
@page_for("policy-list")
@require_POST
def policy_complain(request: HttpRequest, policy_id: int) -> HttpResponse:
    form = ComplaintForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        case = services.policy_complain(
            actor=request_user(request),
            policy_id=policy_id,
            complaint=data.get("complaint") or "",
            description=data.get("description") or "",
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        return _detail_page(request, policy_id, complaint={k: str(v or "") for k, v in data.items()})
    messages.success(request, _("已提交诉求，营商办将受理并交办"))
    return redirect("case-detail", case_id=case.pk)


@login_required
@page_for("delivery-list")
def delivery_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    params = request.GET.copy()
    params.pop("page", None)
    filterset = page_filterset(
        request,
        DeliveryFilterSet(
            params, queryset=selectors.delivery_queryset(user=user).order_by("-created_at", "-id")
        ),
    )
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/deliveries.html",
        {
            "page": page,
            "filters": request.GET,
            "statuses": DeliveryStatus.choices,
            "channels": Channel.choices,
            "querystring_base": _querystring(request),
            "today": timezone.localdate(),
            # Each row's form is refused by the service if this reader does not deliver that policy.
            "may_deliver": services.may_keep(user) or user.role == Role.HANDLER,
        },
    )


@login_required
@page_for("delivery-list")
@require_POST
def delivery_import(request: HttpRequest) -> HttpResponse:
    """The delivering department's list, uploaded: written whole, or not at all with each refused
    cell named by row and column."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 文件"))
        return redirect("delivery-list")
    try:
        report = importing.import_deliveries(
            actor=request_user(request), stream=upload, filename=upload.name or ""
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("delivery-list")
    except (NotFound, PermissionDenied):
        raise
    if report.errors:
        shown = "；".join(f"第{e.row}行 {e.column}：{e.message}" for e in report.errors[:20])
        more = len(report.errors) - 20
        messages.error(
            request,
            _("未导入：%(errors)s") % {"errors": shown}
            + (_("；另有 %(count)s 处") % {"count": more} if more > 0 else ""),
        )
    else:
        messages.success(
            request,
            _("已导入 %(rows)s 行：新登记 %(created)s，推进 %(updated)s，无变化 %(unchanged)s")
            % {
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return redirect("delivery-list")


@login_required
@page_for("policy-figures")
def policy_figures_page(request: HttpRequest) -> HttpResponse:
    """政策直达统计: whether the policies reach their enterprises, per policy, department or
    region, with the definition of every figure beside it."""
    user = request_user(request)
    params = request.GET
    group_by = params.get("group_by") or "policy"
    result = None
    try:
        year = int(params["year"]) if params.get("year") else None
        result = figures.policy_figures(
            user=user, year=year, group_by=group_by, region=params.get("region", "")
        )
    except ValueError:
        messages.error(request, _("年度有误：如 2022"))
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, error_text(error, str))
    return render(
        request,
        "policies/figures.html",
        {
            "result": result,
            "definitions": figures.DEFINITIONS,
            "group_by_choices": figures.GROUP_BY.items(),
            "filters": params,
            "group_by": group_by,
        },
    )


@login_required
@page_for("my-policies")
def my_policies(request: HttpRequest) -> HttpResponse:
    """An enterprise's own policies: what it qualifies for, why, what to do, and how it stands."""
    user = request_user(request)
    if not user.enterprise_id:
        raise NotFound()
    enterprise = enterprise_get(user=user, enterprise_id=user.enterprise_id)
    items = selectors.enterprise_policies(user=user, enterprise=enterprise)
    return render(
        request,
        "policies/mine.html",
        {"enterprise": enterprise, "items": items, "complaints": Complaint.choices},
    )
