"""Investment target pages: registering a target from a gap of the panorama, a target with its
timeline and the form that moves it along, its correction, and the investment map (招商地图) of
a chain with its export. Thin: reads through the selectors, changes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.chains.models import Chain
from zhuqi.chains.selectors import chain_get, chain_queryset, segment_strengths
from zhuqi.core import audit
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.core.validators import parse_id
from zhuqi.directory.models import User
from zhuqi.investment import target_selectors as selectors
from zhuqi.investment import target_services as services
from zhuqi.investment.models import TARGET_ROAD, Target, TargetStatus
from zhuqi.investment.target_forms import AdvanceForm, TargetEditForm, TargetForm
from zhuqi.investment.target_services import TargetData


def chain_url(chain: Chain) -> str:
    """The chain's own page (the panorama), where the chains app has one."""
    for name in ("chains:chain-detail", "chain-detail"):
        try:
            return reverse(name, args=[chain.pk])
        except NoReverseMatch:
            continue
    return ""


def _chain_from(request: HttpRequest) -> Chain:
    chain_id = parse_id(request.GET.get("chain"))
    if chain_id is None:
        raise NotFound(_("请从产业链页面进入：缺少产业链"))
    return chain_get(user=request_user(request), chain_id=chain_id)


def _segment_choices(chain: Chain) -> list[dict[str, Any]]:
    """The chain's segments in tree order, the gaps marked, for the form's select."""
    return [
        {
            "pk": strength.segment.pk,
            "name": strength.segment.name,
            "depth": range(strength.depth),
            "gap": strength.is_gap,
            "reason": strength.reason,
        }
        for strength in segment_strengths(chain)
    ]


def _data(form: TargetForm, chain: Chain) -> TargetData:
    posted = form.cleaned_data
    return TargetData(
        chain_id=chain.pk,
        segment_id=posted["segment"],
        name=posted["name"],
        uscc=posted["uscc"],
        origin=posted["origin"],
        expected_investment=posted["expected_investment"],
        department_id=posted["department"],
        official_id=posted["official"],
        next_step=posted["next_step"],
        next_step_on=posted["next_step_on"],
        note=posted["note"],
    )


def _form_page(
    request: HttpRequest,
    chain: Chain,
    form: TargetForm,
    values: Any,
    errors: set[str],
    target: Target | None = None,
) -> HttpResponse:
    return render(
        request,
        "investment/targets/form.html",
        {
            "chain": chain,
            "chain_url": chain_url(chain),
            "target": target,
            "values": values,
            "errors": errors,
            "segments": _segment_choices(chain),
        },
    )


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    chain = _chain_from(request)
    if not services.may_keep(user, chain):
        raise PermissionDenied(_(services.KEEPERS))
    form = TargetForm(request.POST if request.method == "POST" else None)
    values: Any = (
        form.data
        if form.is_bound
        else {"segment": request.GET.get("segment", ""), "department": chain.lead_department_id or ""}
    )
    errors: set[str] = set()
    if form.is_bound:
        form.is_valid()  # as posted; the service judges every value
        try:
            target = services.target_create(actor=user, data=_data(form, chain), source="web")
            messages.success(request, _("招商目标已登记"))
            return redirect("targets:detail", target_id=target.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, form.error_text(error))
            if isinstance(error, ValidationFailed):
                errors = {e.field for e in error.errors}
    return _form_page(request, chain, form, values, errors)


@login_required
def target_edit(request: HttpRequest, target_id: int) -> HttpResponse:
    user = request_user(request)
    target = selectors.target_get(user=user, target_id=target_id)
    if not services.may_follow(user, target):
        raise PermissionDenied(_(services.FOLLOWERS))
    form = TargetEditForm(request.POST if request.method == "POST" else None)
    values: Any = form.data if form.is_bound else _values_of(target)
    errors: set[str] = set()
    if form.is_bound:
        form.is_valid()
        try:
            services.target_update(
                actor=user,
                target_id=target.pk,
                expected_version=form.cleaned_data.get("version"),
                data=_data(form, target.chain),
                source="web",
            )
            messages.success(request, _("招商目标已保存"))
            return redirect("targets:detail", target_id=target.pk)
        except (NotFound, PermissionDenied):
            raise
        except ServiceError as error:
            messages.error(request, form.error_text(error))
            if isinstance(error, ValidationFailed):
                errors = {e.field for e in error.errors}
    return _form_page(request, target.chain, form, values, errors, target)


def _values_of(target: Target) -> dict[str, Any]:
    return {
        "segment": target.segment_id,
        "name": target.name,
        "uscc": target.uscc,
        "origin": target.origin,
        "expected_investment": target.expected_investment if target.expected_investment is not None else "",
        "department": target.department_id,
        "official": target.official_id or "",
        "next_step": target.next_step,
        "next_step_on": target.next_step_on.isoformat() if target.next_step_on else "",
        "note": target.note,
        "version": target.version,
    }


def _road(target: Target) -> list[dict[str, Any]]:
    reached = TARGET_ROAD.index(TargetStatus(target.status)) if target.status in TARGET_ROAD else -1
    return [
        {"label": status.label, "reached": index <= reached, "current": status == target.status}
        for index, status in enumerate(TARGET_ROAD)
    ]


def _detail_page(
    request: HttpRequest, target_id: int, *, posted: dict[str, Any] | None = None
) -> HttpResponse:
    user = request_user(request)
    target = selectors.target_get(user=user, target_id=target_id)
    entries = audit.with_visible_changes(audit.history(target)[:100], show_personal=True)
    return render(
        request,
        "investment/targets/detail.html",
        {
            "target": target,
            "chain_url": chain_url(target.chain),
            "road": _road(target),
            "steps": [
                (status, TargetStatus(status).label) for status in services.allowed_steps(target.status)
            ],
            "may_follow": services.may_follow(user, target),
            "entries": entries,
            "posted": posted or {},
            "signed": TargetStatus.SIGNED,
            "landed": TargetStatus.LANDED,
        },
    )


@login_required
def target_detail(request: HttpRequest, target_id: int) -> HttpResponse:
    return _detail_page(request, target_id)


@login_required
@require_POST
def target_advance(request: HttpRequest, target_id: int) -> HttpResponse:
    form = AdvanceForm(request.POST)
    form.is_valid()  # as posted; the service judges the step
    data = form.cleaned_data
    try:
        services.target_advance(
            actor=request_user(request),
            target_id=target_id,
            expected_version=data.get("version"),
            status=data["status"] or "",
            agreement_id=data["agreement"],
            project_id=data["project"],
            note=data["note"] or "",
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        posted = {name: form[name].value() or "" for name in ("status", "agreement", "project", "note")}
        return _detail_page(request, target_id, posted=posted)
    messages.success(request, _("招商状态已更新"))
    return redirect("targets:detail", target_id=target_id)


# ---------------------------------------------------------------------------------------------
# The investment map


def _map_context(user: User, chain: Chain) -> dict[str, Any]:
    gap_rows, other_rows = selectors.investment_map(user=user, chain=chain)
    return {
        "chain": chain,
        "gap_rows": gap_rows,
        "other_rows": other_rows,
        "counts": [
            (status, label, n)
            for (status, label), n in zip(
                TargetStatus.choices,
                selectors.status_counts(user=user, chain=chain).values(),
                strict=True,
            )
        ],
    }


@login_required
def target_map(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    chain = _chain_from(request)
    return render(
        request,
        "investment/targets/map.html",
        {
            **_map_context(user, chain),
            "chain_url": chain_url(chain),
            "may_keep": services.may_keep(user, chain),
        },
    )


@login_required
def target_index(request: HttpRequest) -> HttpResponse:
    """The chains the reader sees, each with its targets by status: the way into each map."""
    user = request_user(request)
    chains = list(chain_queryset(user=user))
    counts = selectors.target_counts([chain.pk for chain in chains])
    rows = [{"chain": chain, **counts[chain.pk]} for chain in chains]
    return render(request, "investment/targets/index.html", {"rows": rows})


MAP_COLUMNS = [
    ("环节", 18),
    ("缺口", 24),
    ("目标企业", 30),
    ("统一社会信用代码", 22),
    ("所在地", 16),
    ("招商状态", 10),
    ("预计投资(万元)", 16),
    ("责任部门", 22),
    ("责任人", 10),
    ("下一步工作", 30),
    ("下一步时间", 12),
    ("签约协议", 30),
    ("落地项目", 30),
]


@login_required
def target_map_export(request: HttpRequest) -> HttpResponse:
    """招商地图 in Excel: a row per target, and a row for each gap still without one."""
    user = request_user(request)
    chain = _chain_from(request)
    context = _map_context(user, chain)

    def rows() -> Any:
        for row in [*context["gap_rows"], *context["other_rows"]]:
            gap = row.strength.reason if row.gap else ""
            if not row.targets:
                yield [row.segment.name, gap, *[""] * (len(MAP_COLUMNS) - 2)]
            for target in row.targets:
                yield [
                    row.segment.name,
                    gap,
                    target.name,
                    target.uscc,
                    target.origin,
                    str(TargetStatus(target.status).label),
                    float(target.expected_investment) if target.expected_investment is not None else None,
                    target.department.name,
                    target.official.name if target.official else "",
                    target.next_step,
                    target.next_step_on,
                    target.agreement.title if target.agreement and target.agreement_seen else "",
                    target.project.name if target.project and target.project_seen else "",
                ]

    content = write_workbook(
        "招商地图", MAP_COLUMNS, rows(), number_formats={6: "#,##0.00", 10: "yyyy-mm-dd"}
    )
    return office_file(content, f"招商地图-{chain.name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
