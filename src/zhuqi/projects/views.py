"""Project pages. Thin: reads through selectors, every change through the services, the library
through the filter set the API uses, so the page and the API always agree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases.models import CaseCategory
from zhuqi.cases.selectors import case_queryset
from zhuqi.cases.selectors import categories as case_categories
from zhuqi.chains.models import Chain
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.listing import ListPaginator, exact_count_asked
from zhuqi.core.pagination import IdsThenRows
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import User
from zhuqi.projects import forms, periods, selectors, services
from zhuqi.projects.exporting import export_projects
from zhuqi.projects.filtersets import ProjectFilterSet
from zhuqi.projects.models import (
    STAGE_DATE_FIELDS,
    STAGE_ORDER,
    Level,
    MilestoneKind,
    Project,
    ProjectCategory,
    Stage,
)

PAGE_SIZE = 50
# How many periods back the report form offers (26 weeks, or as many half-months or months).
REPORT_PERIODS_OFFERED = 26


def _filter_params(request: HttpRequest) -> Any:
    params = request.GET.copy()
    # `count=exact` stays in the links (the exact count on every page); the filters ignore it.
    for key in ("page", "export"):
        params.pop(key, None)
    return params


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """重点项目库: filters, flags, investment against plan."""
    user = request_user(request)
    at = selectors.clock()
    params = _filter_params(request)
    filterset = ProjectFilterSet(params, queryset=selectors.project_library(user=user, at=at), at=at)
    queryset = page_filterset(request, filterset).qs
    if request.GET.get("export") == "xlsx":
        return export_projects(queryset)
    # The page's ids from the project table (filters and order), then the page's 50 with their flags.
    rows = IdsThenRows(queryset, selectors.project_page_rows(at=at))
    page = ListPaginator(rows, PAGE_SIZE, counted=queryset, exact=exact_count_asked(request)).get_page(
        request.GET.get("page")
    )
    for project in page.object_list:
        project.flag_list = selectors.flags_of(project)
    context: dict[str, Any] = {
        "page": page,
        "filters": params,
        "querystring_base": params.urlencode() + "&" if params else "",
        "export_query": (params.urlencode() + "&" if params else "") + "export=xlsx",
        "can_manage": services.may_manage(user),
    }
    if params.get("chain_unmatched") in ("true", "1", "on") and services.may_manage(user):
        # The names to link, each with the chains it could be linked to.
        context["unmatched"] = selectors.unmatched_chain_names(user=user)
        context["link_chains"] = _chain_choices(user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "projects/list.html#results", context)
    context.update(
        stages=Stage.choices,
        flags=list(selectors.FLAGS.items()),
        levels=Level.choices,
        categories=ProjectCategory.choices,
        year_now=at.year,
        chains=_chain_choices(user),
        can_pick_departments=has_permission(user, Permission.READ_DIRECTORY),
    )
    return render(request, "projects/list.html", context)


@login_required
@require_POST
def project_link_chain(request: HttpRequest) -> HttpResponse:
    """产业链未匹配: link every project whose chain is written so to the chain picked."""
    user = request_user(request)
    written = request.POST.get("chain_name", "")
    try:
        count = services.projects_link_chain(
            actor=user, chain_id=request.POST.get("chain", ""), chain_name=written, source="web"
        )
        messages.success(
            request, _("已将 %(n)s 个写作“%(name)s”的项目关联到所选产业链") % {"n": count, "name": written}
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(reverse("project-list") + "?chain_unmatched=true")


def _stage_road(project: Project) -> list[dict[str, Any]]:
    """The five stages with planned and actual dates, for the page's road."""
    position = STAGE_ORDER.index(Stage(project.stage)) if project.stage in STAGE_ORDER else -1
    if project.stage == Stage.SUSPENDED and project.stage_before_suspension in STAGE_ORDER:
        position = STAGE_ORDER.index(Stage(project.stage_before_suspension))
    road = []
    for index, stage in enumerate(STAGE_ORDER):
        planned = project.stage_date(stage, planned=True) if stage in STAGE_DATE_FIELDS else None
        actual = project.stage_date(stage) if stage in STAGE_DATE_FIELDS else None
        road.append(
            {
                "stage": stage,
                "label": stage.label,
                "planned": planned,
                "actual": actual,
                "reached": index <= position,
                "current": index == position,
                "late": planned is not None
                and actual is None
                and planned < timezone.localdate()
                and index > position,
                "late_by": (actual - planned).days if planned and actual and actual > planned else 0,
            }
        )
    return road


def _chart(reports: list[Any], project: Project) -> dict[str, Any]:
    """ECharts options: investment per period (bars) and to date (line) against the total."""
    ordered = sorted(reports, key=lambda r: r.period_start)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("本期完成投资"), _("累计完成投资"), _("总投资")]},
        "grid": {"left": 60, "right": 20, "bottom": 40},
        "xAxis": {"type": "category", "data": [r.period_end.isoformat() for r in ordered]},
        "yAxis": {"type": "value", "name": _("万元")},
        "series": [
            {
                "name": _("本期完成投资"),
                "type": "bar",
                "data": [float(r.investment_this_period) for r in ordered],
            },
            {
                "name": _("累计完成投资"),
                "type": "line",
                "data": [float(r.investment_to_date) for r in ordered],
            },
            {
                "name": _("总投资"),
                "type": "line",
                "lineStyle": {"type": "dashed"},
                "symbol": "none",
                "data": [float(project.total_investment)] * len(ordered),
            },
        ],
    }


def _detail_context(user: User, project_id: int) -> dict[str, Any]:
    at = selectors.clock()
    project = selectors.project_detail(user=user, project_id=project_id, at=at)
    reports = selectors.with_lateness(selectors.reports_of(user=user, project_id=project.pk)[:26])
    cases = list(case_queryset(user=user).filter(project=project).order_by("-submitted_at")[:50])
    years = list(project.years.all())
    this_year = next((y for y in years if y.year == at.year), None)
    return {
        "project": project,
        "flags": selectors.flags_of(project),
        "road": _stage_road(project),
        "milestones": list(project.milestones.all()),
        "stage_changes": list(project.stage_changes.all()),
        "years": years,
        "this_year": this_year,
        "year_share": int(at.year_share * 100),
        "reports": reports[:10],
        "more_reports": len(reports) > 10,
        "chart": _chart(reports, project) if reports else None,
        "cases": cases,
        "today": at.today,
        "stages": Stage.choices,
        "milestone_kinds": MilestoneKind.choices,
        "new_milestone_rows": range(1, forms.NEW_MILESTONE_ROWS + 1),
        "can_report": services.may_report(user, project),
        "can_change_stage": services.may_change_stage(user, project),
        "can_manage": services.may_manage(user),
    }


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    return render(request, "projects/detail.html", _detail_context(request_user(request), project_id))


@login_required
@require_POST
def project_stage(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    form = forms.StageForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(
                [FieldError(name, " ".join(str(e) for e in errors)) for name, errors in form.errors.items()]
            )
        project = services.project_change_stage(
            actor=user,
            project_id=project_id,
            expected_version=form.cleaned_data["version"],
            to_stage=form.cleaned_data["stage"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
            source="web",
        )
        messages.success(
            request, _("已登记：项目进入“%(stage)s”阶段") % {"stage": project.get_stage_display()}
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
    return redirect("project-detail", project_id=project_id)


@login_required
@require_POST
def project_milestones(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    project = selectors.project_get(user=user, project_id=project_id)
    form = forms.MilestonePlanForm(
        request.POST, existing_ids=list(project.milestones.values_list("pk", flat=True))
    )
    form.is_valid()  # the rows as posted; the service judges them (a version that is no number is none)
    try:
        services.milestones_save(
            actor=user,
            project_id=project.pk,
            expected_version=form.cleaned_data.get("version"),
            milestones=form.rows(),
            source="web",
        )
        messages.success(request, _("节点计划已保存"))
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
    return redirect("project-detail", project_id=project_id)


@login_required
def project_report(request: HttpRequest, project_id: int) -> HttpResponse:
    """填报进展: the period, what was done, the investment, the nodes done, the problems."""
    user = request_user(request)
    project = selectors.project_get(user=user, project_id=project_id)
    if not services.may_report(user, project):
        raise PermissionDenied(_("您不能填报该项目的进展"))
    today = timezone.localdate()
    reported = set(project.reports.values_list("period_start", flat=True))
    calendar = WorkingCalendar()
    # Half a year of weeks (or the months of it) back: a missed report is filed late, and says so.
    choices = [
        {"period": p, "late": periods.report_due(p.end, calendar) < today}
        for p in periods.missed_periods(
            project.reporting_period,
            today,
            since=timezone.localtime(project.created_at).date(),
            reported=reported,
            count=REPORT_PERIODS_OFFERED,
        )
    ]
    open_milestones = list(project.milestones.filter(done_on__isnull=True).order_by("position", "planned_on"))
    errors: list[FieldError] = []
    form = forms.ReportForm(
        request.POST if request.method == "POST" else None,
        milestone_ids=[m.pk for m in open_milestones],
        today=today,
    )
    if form.is_bound:
        try:
            if not form.is_valid():
                raise ValidationFailed(
                    [FieldError(name, " ".join(map(str, problems))) for name, problems in form.errors.items()]
                )
            result = services.report_submit(actor=user, project_id=project.pk, data=form.report, source="web")
            text = _("%(period)s 的进展已填报") % {
                "period": f"{result.report.period_start}–{result.report.period_end}"
            }
            if result.cases:
                text += _("；%(n)s 个问题已转为事项：%(ids)s") % {
                    "n": len(result.cases),
                    "ids": "、".join(f"#{case.pk}" for case in result.cases),
                }
            messages.success(request, text)
            return redirect("project-detail", project_id=project.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            errors = error.errors if isinstance(error, ValidationFailed) else [FieldError("", error.message)]
            messages.error(request, form.error_text(error))
    return render(
        request,
        "projects/report.html",
        {
            "project": project,
            "periods": choices,
            "milestones": open_milestones,
            "categories": [
                (c.pk, f"{c.parent.name} / {c.name}" if c.parent else c.name) for c in _case_categories()
            ],
            "problem_rows": range(1, forms.PROBLEM_ROWS + 1),
            "values": form.data,
            "error_fields": {e.field.split(".")[0] for e in errors},
            "today": today,
            "remaining": max(project.total_investment - project.investment_to_date, Decimal(0)),
        },
    )


def _case_categories() -> list[CaseCategory]:
    return list(case_categories().select_related("parent"))


def _chain_choices(user: User) -> list[Chain]:
    """The chains the user may pick: those the user sees, the region's beside the name (the
    service refuses a chain that is not of the project's region or a region above it)."""
    chains = chain_queryset(user=user).select_related(None).select_related("region")
    return list(chains.only("pk", "name", "region__name").order_by("region_id", "position", "name"))


def _project_form_context(user: User, form: forms.ProjectForm, project: Project | None) -> dict[str, Any]:
    return {
        "form": form,
        "project": project,
        "chains": _chain_choices(user),
        "categories": ProjectCategory.choices,
        "levels": Level.choices,
    }


@login_required
def project_edit(request: HttpRequest, project_id: int | None = None) -> HttpResponse:
    """Add a project to the library, or change its entry."""
    user = request_user(request)
    if not services.may_manage(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以维护重点项目库"))
    project = selectors.project_get(user=user, project_id=project_id) if project_id else None
    if request.method == "POST":
        form = forms.ProjectForm(request.POST)
        if form.is_valid():
            try:
                if project is None:
                    project = services.project_create(actor=user, data=form.to_data(), source="web")
                    messages.success(request, _("项目已入库"))
                else:
                    services.project_update(
                        actor=user,
                        project_id=project.pk,
                        expected_version=form.cleaned_data["version"],
                        data=form.to_data(),
                        source="web",
                    )
                    messages.success(request, _("项目信息已保存"))
                return redirect("project-detail", project_id=project.pk)
            except ValidationFailed as error:
                form.add_service_errors(error.errors)
            except (NotFound, PermissionDenied):
                raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
            except ServiceError as error:
                form.add_error(None, error.message)
    elif project is not None:
        year = project.years.filter(year=project.listed_year).first()
        form = forms.ProjectForm(
            initial={
                "name": project.name,
                "code": project.code,
                "region": project.region_id,
                "owner": project.owner_id,
                "owner_name": project.owner_name,
                "project_list": project.project_list_id,
                "chain": project.chain_id,
                "chain_name": project.chain_name,
                "category": project.category,
                "level": project.level,
                "listed_year": project.listed_year,
                "content": project.content,
                "total_investment": project.total_investment,
                "annual_plan": year.planned_investment if year else "",
                "responsible_leader": project.responsible_leader_id,
                "responsible_department": project.responsible_department_id,
                "planned_preparing_on": project.planned_preparing_on,
                "planned_started_on": project.planned_started_on,
                "planned_completed_on": project.planned_completed_on,
                "planned_producing_on": project.planned_producing_on,
                "version": project.version,
            }
        )
    else:
        form = forms.ProjectForm(
            initial={"listed_year": timezone.localdate().year, "region": user.region_id or ""}
        )
    return render(request, "projects/form.html", _project_form_context(user, form, project))
