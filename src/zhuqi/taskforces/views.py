"""The office's pages of task forces (工作专班) and their campaigns (专项行动): the list, a task
force's page (leaders, members, campaigns, the enterprises it serves with their last report and
open cases, the visits its members made to them), the forms that set them up, a campaign's
enterprises, its board and one enterprise's history. Thin: reads through the selectors and
figures, every change through the services (docs/visibility.md, "Task forces and campaigns").

The pages are the office's and oversight's (the menu's 工作专班: whoever holds KEEP_TASK_FORCES or
READ_FIGURES); enterprises and liaison officers report through their own pages."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhuqi.cases.models import OPEN_STATUS_LIST, Urgency
from zhuqi.cases.selectors import case_queryset
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.navigation import page_for
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.scoping import region_subtree_q
from zhuqi.directory.models import Region, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.taskforces import enrolling, figures, forms, importing, reportforms, selectors, services
from zhuqi.taskforces.filtersets import EnrolmentFilterSet, ReportFilterSet, TaskForceFilterSet
from zhuqi.taskforces.models import (
    Cadence,
    Campaign,
    CampaignEnterprise,
    CampaignKind,
    CampaignReport,
    CampaignStatus,
    MemberRole,
    TaskForce,
    TaskForceMember,
    TaskForceStatus,
)
from zhuqi.visits.models import VisitEnterprise, VisitOfficial
from zhuqi.visits.selectors import visit_queryset

LIST_PAGE = "taskforces:task-force-list"
PAGE_SIZE = 50
VISITS_SHOWN = 20
# Open cases named on a task force's enterprise row (the rest counted).
CASES_NAMED = 3
LEADING_ROLES = (MemberRole.LEADER, MemberRole.DEPUTY)


def _querystring(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode() + "&" if query else ""


def _require_keeper(user: User, message: str) -> None:
    if not services.may_keep(user):
        raise PermissionDenied(message)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


# ---------------------------------------------------------------------------------------------
# Task forces


@login_required
@page_for(LIST_PAGE)
def task_force_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    params = request.GET.copy()
    params.pop("page", None)
    queryset = selectors.task_force_queryset(user=user).order_by("-starts_on", "-id")
    filterset = page_filterset(request, TaskForceFilterSet(params, queryset=queryset))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    task_forces = list(page.object_list)
    ids = [task_force.pk for task_force in task_forces]
    leaders: dict[int, list[TaskForceMember]] = defaultdict(list)
    for member in (
        TaskForceMember.objects.filter(task_force_id__in=ids, role=MemberRole.LEADER)
        .select_related("official", "department")
        .order_by("order", "id")
    ):
        leaders[member.task_force_id].append(member)
    campaigns = {
        row["task_force_id"]: row
        for row in Campaign.objects.filter(task_force_id__in=ids)
        .order_by()
        .values("task_force_id")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(status=CampaignStatus.ACTIVE)))
    }
    rows = [
        {
            "task_force": task_force,
            "leaders": leaders.get(task_force.pk, []),
            "campaigns": campaigns.get(task_force.pk, {}).get("n", 0),
            "active_campaigns": campaigns.get(task_force.pk, {}).get("active", 0),
        }
        for task_force in task_forces
    ]
    context = {
        "page": page,
        "rows": rows,
        "filters": params,
        "querystring_base": _querystring(request),
        "statuses": TaskForceStatus.choices,
        "can_keep": services.may_keep(user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "taskforces/list.html#results", context)
    return render(request, "taskforces/list.html", context)


def _member_groups(members: list[TaskForceMember]) -> dict[str, list[TaskForceMember]]:
    return {
        "leaders": [m for m in members if m.role in LEADING_ROLES],
        "officials": [m for m in members if m.role not in LEADING_ROLES and m.official_id],
        "departments": [m for m in members if m.role not in LEADING_ROLES and not m.official_id],
    }


@login_required
@page_for(LIST_PAGE)
def task_force_detail(request: HttpRequest, task_force_id: int) -> HttpResponse:
    user = request_user(request)
    task_force = selectors.task_force_get(user=user, task_force_id=task_force_id)
    campaigns = list(
        selectors.campaign_queryset(user=user).filter(task_force=task_force).order_by("-starts_on", "-id")
    )
    campaign_ids = [campaign.pk for campaign in campaigns]
    served = (
        CampaignEnterprise.objects.filter(campaign_id__in=campaign_ids)
        .filter(selectors.row_scope_q(user))
        .order_by()
    )
    enterprises_page = _served_enterprises(request, user, campaign_ids, served)
    context: dict[str, Any] = {"task_force": task_force, "enterprises": enterprises_page}
    if request.htmx and request.GET.get("page"):  # type: ignore[attr-defined]
        return render(request, "taskforces/detail.html#enterprises", context)
    counts = {row["campaign_id"]: row["n"] for row in served.values("campaign_id").annotate(n=Count("pk"))}
    for campaign in campaigns:
        campaign.enrolled = counts.get(campaign.pk, 0)  # type: ignore[attr-defined]
    members = list(task_force.members.select_related("official", "department").order_by("order", "id"))
    context.update(
        members=_member_groups(members),
        campaigns=campaigns,
        visits=_member_visits(user, task_force, members, served),
        can_keep=services.may_keep(user),
    )
    return render(request, "taskforces/detail.html", context)


def _served_enterprises(
    request: HttpRequest, user: User, campaign_ids: list[int], served: Any
) -> dict[str, Any]:
    """A page of the enterprises the task force's campaigns hold (those the reader sees), each
    with its last report in any of them and its open cases from their reports."""
    reports = CampaignReport.objects.filter(campaign_id__in=campaign_ids).filter(selectors.row_scope_q(user))
    enterprises = (
        Enterprise.objects.filter(pk__in=served.values("enterprise_id"))
        .select_related("region")
        .only("pk", "name", "region__name")
        .order_by("region_id", "name", "pk")
    )
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    # Each one's last report, asked for the page's enterprises only (the (enterprise, campaign,
    # period) index's walk per enterprise), never for the whole list or its count.
    last = reports.filter(enterprise_id=OuterRef("pk")).order_by("-period_start", "-submitted_at")
    last_ids = dict(
        Enterprise.objects.filter(pk__in=[e.pk for e in listed])
        .annotate(last_report=Subquery(last.values("pk")[:1]))
        .values_list("pk", "last_report")
    )
    last_reports = CampaignReport.objects.select_related("campaign").in_bulk(
        [pk for pk in last_ids.values() if pk]
    )
    open_cases: dict[int, list[dict[str, Any]]] = defaultdict(list)
    case_rows = (
        reports.filter(
            enterprise_id__in=[e.pk for e in listed], case__isnull=False, case__status__in=OPEN_STATUS_LIST
        )
        .order_by("enterprise_id", "-case__submitted_at")
        .values("enterprise_id", "case_id", "case__title", "case__urgency")
        .distinct()
    )
    seen_cases = list(case_rows)
    visible = set(
        case_queryset(user=user)
        .filter(pk__in=[row["case_id"] for row in seen_cases])
        .values_list("pk", flat=True)
    )
    for row in seen_cases:
        open_cases[row["enterprise_id"]].append(
            {
                "id": row["case_id"],
                "title": row["case__title"],
                "same_day": row["case__urgency"] == Urgency.SAME_DAY,
                "visible": row["case_id"] in visible,
            }
        )
    rows = []
    for enterprise in listed:
        report = last_reports.get(last_ids.get(enterprise.pk) or 0)
        cases = open_cases.get(enterprise.pk, [])
        rows.append(
            {
                "enterprise": enterprise,
                "report": report,
                "period_label": _period_of(report).label if report else "",
                "cases": cases[:CASES_NAMED],
                "more_cases": max(len(cases) - CASES_NAMED, 0),
                "open_count": len(cases),
            }
        )
    return {"page": page, "rows": rows}


def _period_of(report: CampaignReport) -> Period:
    return Period.containing(report.campaign.period_kind, report.period_start)


def _member_visits(
    user: User, task_force: TaskForce, members: list[TaskForceMember], served: Any
) -> dict[str, Any]:
    """The visits the task force's member officials made to the enterprises it serves, newest
    first, each with the members who went and the served enterprises it saw."""
    officials = [m.official_id for m in members if m.official_id]
    if not officials:
        return {"rows": [], "count": 0}
    enterprise_ids = served.values("enterprise_id")
    found = (
        visit_queryset(user=user)
        # Since the task force was set up: its members' earlier visits were not its work.
        .filter(end_date__gte=task_force.starts_on)
        .filter(pk__in=VisitOfficial.objects.filter(official_id__in=officials).values("visit_id"))
        .filter(pk__in=VisitEnterprise.objects.filter(enterprise_id__in=enterprise_ids).values("visit_id"))
    )
    count = found.count()
    visits = list(
        found.order_by("-start_date", "-id").prefetch_related(
            Prefetch(
                "participants",
                queryset=VisitOfficial.objects.filter(official_id__in=officials).select_related("official"),
                to_attr="members_there",
            ),
            Prefetch(
                "attendance",
                queryset=VisitEnterprise.objects.filter(enterprise_id__in=enterprise_ids).select_related(
                    "enterprise"
                ),
                to_attr="served_there",
            ),
        )[:VISITS_SHOWN]
    )
    return {"rows": visits, "count": count}


def _task_force_form_context(
    user: User, form: forms.TaskForceForm, task_force: TaskForce | None, errors: list[FieldError]
) -> dict[str, Any]:
    existing = list(task_force.members.order_by("order", "id")) if task_force is not None else []
    rows = form.member_rows(errors, existing=existing)
    return {
        "form": form,
        "task_force": task_force,
        "rows": rows,
        "next_index": max((row.index for row in rows), default=-1) + 1,
        "roles": MemberRole.choices,
        "statuses": TaskForceStatus.choices,
        "members_errors": [e.message for e in errors if e.field == "members"],
    }


@login_required
@page_for(LIST_PAGE)
def task_force_edit(request: HttpRequest, task_force_id: int | None = None) -> HttpResponse:
    """Set up a task force, or change it: its name, region, dates and members as rows."""
    user = request_user(request)
    task_force = selectors.task_force_get(user=user, task_force_id=task_force_id) if task_force_id else None
    _require_keeper(user, _("只有营商办（专班）和系统管理员可以设立和修改工作专班"))
    errors: list[FieldError] = []
    if request.method == "POST":
        form = forms.TaskForceForm(request.POST)
        form.is_valid()  # as posted; the service judges every value
        try:
            data = form.to_data()
            if task_force is None:
                saved = services.task_force_create(actor=user, data=data, source="web")
                messages.success(request, _("工作专班已设立"))
            else:
                saved = services.task_force_update(
                    actor=user,
                    task_force_id=task_force.pk,
                    expected_version=form.cleaned_data.get("version"),
                    data=data,
                    source="web",
                )
                messages.success(request, _("工作专班已保存"))
            return redirect("taskforces:task-force-detail", task_force_id=saved.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ValidationFailed as error:
            errors = error.errors
            form.add_service_errors([e for e in errors if not e.field.startswith("members")])
        except ServiceError as error:
            form.add_error(None, error.message)
    elif task_force is not None:
        form = forms.TaskForceForm(initial=forms.task_force_initial(task_force))
    else:
        form = forms.TaskForceForm(
            initial={"region": user.region_id or "", "starts_on": timezone.localdate()}
        )
    return render(request, "taskforces/form.html", _task_force_form_context(user, form, task_force, errors))


@login_required
@page_for(LIST_PAGE)
def member_row(request: HttpRequest) -> HttpResponse:
    """One more empty member row (the form's 再加一行)."""
    index = _row_index(request)
    return render(
        request,
        "taskforces/form.html#member-row",
        {
            "row": forms.Row(index, {"role": MemberRole.MEMBER}),
            "roles": MemberRole.choices,
            "next_index": index + 1,
            "with_adder": True,
        },
    )


def _row_index(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("index", "0")), 0), forms.MAX_ROWS - 1)
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# Campaigns: the form


def _form_context_parts() -> dict[str, Any]:
    return {
        "kinds": CampaignKind.choices,
        "cadences": Cadence.choices,
        "statuses": CampaignStatus.choices,
        "field_kinds": [(key, _(label)) for key, label in reportforms.KINDS.items()],
        "measures": [(key, _(label)) for key, label in forms.MEASURE_LABELS.items()],
        "registries": [(key, _(label)) for key, label in forms.REGISTRY_LABELS.items()],
    }


@login_required
@page_for(LIST_PAGE)
def campaign_create(request: HttpRequest, task_force_id: int) -> HttpResponse:
    user = request_user(request)
    task_force = selectors.task_force_get(user=user, task_force_id=task_force_id)
    return _campaign_form(request, user, task_force, None)


@login_required
@page_for(LIST_PAGE)
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    return _campaign_form(request, user, campaign.task_force, campaign)


def _campaign_form(
    request: HttpRequest, user: User, task_force: TaskForce, campaign: Campaign | None
) -> HttpResponse:
    """Start a campaign, or change it: kind, cadence, dates, the deadline, 日清日结, and the
    report form as rows (a new campaign starts from its kind's form)."""
    _require_keeper(user, _("只有营商办（专班）和系统管理员可以发起和修改专项行动"))
    errors: list[FieldError] = []
    if request.method == "POST":
        form = forms.CampaignForm(request.POST)
        form.is_valid()
        if not form.errors:
            try:
                data = form.to_data(task_force.pk)
                if campaign is None:
                    saved = services.campaign_create(actor=user, data=data, source="web")
                    messages.success(request, _("专项行动已发起，请添加参加的企业"))
                    return redirect("taskforces:campaign-enrol", campaign_id=saved.pk)
                services.campaign_update(
                    actor=user,
                    campaign_id=campaign.pk,
                    expected_version=form.cleaned_data.get("version"),
                    data=data,
                    source="web",
                )
                messages.success(request, _("专项行动已保存"))
                return redirect("taskforces:campaign-board", campaign_id=campaign.pk)
            except (NotFound, PermissionDenied):
                raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
            except ValidationFailed as error:
                errors = error.errors
                form.add_service_errors([e for e in errors if not e.field.startswith("report_form")])
            except ServiceError as error:
                form.add_error(None, error.message)
        else:
            form.report_form()  # the rows as they would be sent, for their numbers
    elif campaign is not None:
        form = forms.CampaignForm(initial=forms.campaign_initial(campaign))
    else:
        kind = CampaignKind.RESUMPTION
        form = forms.CampaignForm(
            initial={
                "kind": kind,
                "cadence": Cadence.DAILY,
                "starts_on": timezone.localdate(),
                "due_days": 0,
                "due_time": "18:00",
                "same_day": True,
            }
        )
    stored = (
        campaign.report_form if campaign is not None else reportforms.STARTING_FORMS[CampaignKind.RESUMPTION]
    )
    rows = form.form_rows(errors, stored=stored)
    return render(
        request,
        "taskforces/campaign_form.html",
        {
            "form": form,
            "task_force": task_force,
            "campaign": campaign,
            "rows": rows,
            "next_index": max((row.index for row in rows), default=-1) + 1,
            "form_errors": [e.message for e in errors if e.field == "report_form"],
            "has_reports": campaign is not None and CampaignReport.objects.filter(campaign=campaign).exists(),
            **_form_context_parts(),
        },
    )


@login_required
@page_for(LIST_PAGE)
def campaign_form_rows(request: HttpRequest) -> HttpResponse:
    """The starting form of a kind of campaign as the editor's rows (a new campaign's kind
    changed)."""
    kind = request.GET.get("kind") or ""
    starting = reportforms.STARTING_FORMS.get(kind, reportforms.STARTING_FORMS[CampaignKind.OTHER])
    rows = [*forms.rows_of_form(starting), forms.blank_form_row(len(starting))]
    return render(
        request,
        "taskforces/campaign_form.html#form-rows",
        {"rows": rows, "next_index": len(rows), **_form_context_parts()},
    )


@login_required
@page_for(LIST_PAGE)
def campaign_form_row(request: HttpRequest) -> HttpResponse:
    """One more empty item of the report form (the editor's 再加一项)."""
    index = _row_index(request)
    return render(
        request,
        "taskforces/campaign_form.html#form-row",
        {
            "row": forms.blank_form_row(index),
            "next_index": index + 1,
            "with_adder": True,
            **_form_context_parts(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Campaigns: periods, the board


def _chosen_period(request: HttpRequest, campaign: Campaign, offered: list[Period]) -> Period | None:
    key = request.GET.get("period") or ""
    if key:
        try:
            return services.campaign_period(campaign, key)
        except ValidationFailed as failure:
            messages.error(request, "；".join(e.message for e in failure.errors))
    # The newest period already due: the current one, still being reported, would read as a
    # collapse to 0 %. It stays one click away in the period switch.
    now = timezone.now()
    due = next((each for each in offered if services.period_deadline(campaign, each) < now), None)
    return due or (offered[0] if offered else None)


def _short_label(period: Period) -> str:
    """A period as the chart's axis names it: 11月9日, 第45周, 2026年11月."""
    if period.kind == PeriodKind.DAY:
        return _("%(m)s月%(d)s日") % {"m": period.start.month, "d": period.start.day}
    if period.kind == PeriodKind.WEEK:
        return _("第%(w)s周") % {"w": period.start.isocalendar()[1]}
    return period.label


def _campaign_facts(campaign: Campaign) -> dict[str, Any]:
    fields = reportforms.form_of(campaign.report_form)
    return {
        "form_fields": [
            {
                "label": f.label,
                "kind": _(reportforms.KINDS[f.kind]),
                "unit": f.unit,
                "bounds": _bounds_text(f),
                "choices": "、".join(f.choices),
                "done": "、".join(f.done),
                "required": f.required,
                "measure": _(forms.MEASURE_LABELS[f.measure]) if f.measure else "",
                "registry": _(forms.REGISTRY_LABELS[f.registry]) if f.registry else "",
                "help": f.help,
            }
            for f in fields
        ],
        "deadline_rule": ngettext(
            "每期结束后 %(days)s 天 %(time)s 前", "每期结束后 %(days)s 天 %(time)s 前", campaign.due_days
        )
        % {"days": campaign.due_days, "time": campaign.due_time.strftime("%H:%M")}
        if campaign.due_days
        else _("每期最后一天 %(time)s 前") % {"time": campaign.due_time.strftime("%H:%M")},
    }


def _bounds_text(form_field: reportforms.FormField) -> str:
    """0–200,000 人: a number's bounds as the form table shows them."""
    if form_field.kind in ("choice", "text") or (form_field.minimum is None and form_field.maximum is None):
        return ""
    low = "" if form_field.minimum is None else f"{form_field.minimum.normalize():,f}"
    high = "" if form_field.maximum is None else f"{form_field.maximum.normalize():,f}"
    unit = "" if not form_field.unit else form_field.unit if form_field.unit == "%" else f" {form_field.unit}"
    return f"{low}–{high}{unit}"


def _table_links(user: User, campaign: Campaign, period: Period | None) -> list[tuple[str, str]]:
    """The period table's pages (table_urls.py): the chosen period's table to download, and the
    import page for those who may import it."""
    query = f"?period={period.key}" if period is not None else ""
    links = [(reverse("campaign-table-download", args=[campaign.pk]) + query, _("下载本期报送表"))]
    # An ended campaign takes no more reports: its table is read, not imported.
    if importing.may_import(user) and campaign.status == CampaignStatus.ACTIVE:
        links.append((reverse("campaign-table-import", args=[campaign.pk]), _("导入报送表")))
    return links


def _campaign_context(
    user: User, campaign: Campaign, tab: str, period: Period | None = None
) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "task_force": campaign.task_force,
        "tab": tab,
        "can_keep": services.may_keep(user),
        "table_links": _table_links(user, campaign, period),
        **_campaign_facts(campaign),
    }


def _board_row(row: figures.BoardRow, board: figures.Board, link: str = "") -> dict[str, Any]:
    data = row.as_data(board.status_choices)
    data["status_cells"] = [(choice, data["statuses"][choice]) for choice in board.status_choices]
    for name in ("done_rate", "report_rate", "staffing_rate", "capacity_rate"):
        data[f"{name}_text"] = _percent(data[name])
    data["link"] = link
    return data


def _region_path(base: Region, region: Region) -> list[Region]:
    """The regions from the board's base down to the one shown (its drill-down trail)."""
    path = [region]
    while path[-1].pk != base.pk and path[-1].parent_id:
        parent = Region.objects.filter(pk=path[-1].parent_id).first()
        if parent is None:
            break
        path.append(parent)
    return path[::-1]


def _trend_chart(board: figures.Board) -> dict[str, Any]:
    """ECharts options: the done rate and the report rate by period (the table beneath)."""
    done_name, report_name = board.done_rate_name, _("报送率")

    def values(name: str) -> list[float | None]:
        return [
            None if getattr(point.row, name) is None else float(getattr(point.row, name))
            for point in board.trend
        ]

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [done_name, report_name], "top": 4},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": [_short_label(point.period) for point in board.trend]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": done_name, "type": "line", "data": values("done_rate"), "connectNulls": True},
            {"name": report_name, "type": "line", "data": values("report_rate"), "connectNulls": True},
        ],
    }


@login_required
@page_for(LIST_PAGE)
def campaign_board(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's board for one period: by region (a child region opens its own) or by
    department, the statuses, the rates with their definitions, late and missing reports, open
    and same-day cases; the trend by period beneath."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    offered = selectors.periods_so_far(campaign)
    period = _chosen_period(request, campaign, offered)
    context = _campaign_context(user, campaign, "board", period)
    by = figures.BY_DEPARTMENT if request.GET.get("by") == figures.BY_DEPARTMENT else figures.BY_REGION
    context.update(periods=offered, period=period, by=by)
    if period is None:
        return render(request, "taskforces/board.html", context)
    deadline = services.period_deadline(campaign, period)
    if deadline > timezone.now():
        context["still_open"] = formats.date_format(timezone.localtime(deadline), _("n月j日 H:i"))
    board = figures.board(
        user=user, campaign=campaign, period=period, region_code=request.GET.get("region") or None, by=by
    )
    base = figures.board_region(user, campaign, None)
    openable: set[str] = set()
    if by == figures.BY_REGION:
        keys = [row.key for row in board.rows if row.key]
        openable = set(keys)
    rows = []
    for row in board.rows:
        link = ""
        if row.key in openable:
            link = "?" + _link_query(period, by, row.key)
        rows.append(_board_row(row, board, link))
    context.update(
        board=board,
        rows=rows,
        total=_board_row(board.total, board),
        region_path=[
            {"region": region, "link": "?" + _link_query(period, by, region.pk)}
            for region in _region_path(base, board.region)
        ],
        by_region_link="?" + _link_query(period, figures.BY_REGION, board.region.pk),
        by_department_link="?" + _link_query(period, figures.BY_DEPARTMENT, board.region.pk),
        definitions=[
            {"key": key, "text": _(text), "name": _DEFINITION_NAMES[key](board)}
            for key, text in figures.DEFINITIONS.items()
        ],
        shows_staffing="staff_present" in board.measures,
        shows_capacity="capacity" in board.measures,
        trend=[
            {"label": point.period.label, **_board_row(point.row, board)} for point in reversed(board.trend)
        ],
        chart=_trend_chart(board) if board.trend else None,
    )
    return render(request, "taskforces/board.html", context)


_DEFINITION_NAMES = {
    "done_rate": lambda board: board.done_rate_name,
    "report_rate": lambda board: _("报送率"),
    "staffing_rate": lambda board: _("满员率"),
    "capacity_rate": lambda board: _("产能恢复率"),
    "late": lambda board: _("逾期报送"),
    "missing": lambda board: _("未报送"),
    "open_cases": lambda board: _("未办结诉求"),
}


def _link_query(period: Period, by: str, region: str) -> str:
    query = QueryDict(mutable=True)
    query["period"] = period.key
    if by != figures.BY_REGION:
        query["by"] = by
    query["region"] = region
    return query.urlencode()


# ---------------------------------------------------------------------------------------------
# Campaigns: the enterprises


REPORT_FILTERS = {
    "reported": "已报送",
    "missing": "未报送",
    "late": "逾期报送",
}


@login_required
@page_for(LIST_PAGE)
def campaign_enterprises(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's enterprises, each with its report for the chosen period (status, late)
    and a link to its history."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    offered = selectors.periods_so_far(campaign)
    period = _chosen_period(request, campaign, offered)
    context = _campaign_context(user, campaign, "enterprises", period)
    enrolments = selectors.enrolment_queryset(user=user, campaign=campaign).order_by(
        "region_id", "enterprise__name", "pk"
    )
    shown = request.GET.get("report") or ""
    status = request.GET.get("status") or ""
    status_field = reportforms.status_field(reportforms.form_of(campaign.report_form))
    if period is not None:
        # The list's filters are the API's (filtersets.py): 未报送 as its `unreported`; the
        # reported, late and status ones through the period's reports.
        wanted = QueryDict(mutable=True)
        if shown == "missing":
            wanted["unreported"] = period.key
        enrolments = EnrolmentFilterSet(wanted, queryset=enrolments, campaign=campaign).qs
        asked = QueryDict(mutable=True)
        if shown == "late":
            asked["late"] = "true"
        if status:
            asked["status_value"] = status
        if shown in ("reported", "late") or status:
            asked["period"] = period.key
            reported = ReportFilterSet(
                asked, queryset=CampaignReport.objects.filter(campaign=campaign), campaign=campaign
            ).qs
            enrolments = enrolments.filter(enterprise_id__in=reported.values("enterprise_id"))
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    reports: dict[int, CampaignReport] = {}
    if period is not None:
        reports = {
            report.enterprise_id: report
            for report in selectors.report_queryset(user=user, campaign=campaign).filter(
                period_start=period.start, enterprise_id__in=[e.enterprise_id for e in listed]
            )
        }
    deadline = services.period_deadline(campaign, period) if period is not None else None
    context.update(
        periods=offered,
        period=period,
        deadline=deadline,
        overdue=deadline is not None and timezone.now() > deadline,
        page=page,
        rows=[{"enrolment": e, "report": reports.get(e.enterprise_id)} for e in listed],
        filters=request.GET,
        report_filters=[(key, _(label)) for key, label in REPORT_FILTERS.items()],
        status_choices=status_field.choices if status_field else (),
        querystring_base=_querystring(request),
        may_withdraw=services.may_keep(user) and campaign.status == CampaignStatus.ACTIVE,
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "taskforces/enterprises.html#results", context)
    return render(request, "taskforces/enterprises.html", context)


@login_required
@page_for(LIST_PAGE)
@require_POST
def campaign_enrol_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add the enterprises of a sheet (enrolling.py): all of them, or none and the bad rows named."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    _require_keeper(user, _("只有营商办（专班）和系统管理员可以调整专项行动的企业"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 或 CSV 文件"))
        return redirect("taskforces:campaign-enrol", campaign_id=campaign.pk)
    try:
        added = enrolling.enrol_from_table(
            actor=user, campaign_id=campaign.pk, stream=upload, filename=upload.name or "", source="web"
        )
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as failure:
        shown = [error.message for error in failure.errors[:20]]
        more = len(failure.errors) - len(shown)
        if more > 0:
            shown.append(_("另有 %(n)s 处错误") % {"n": f"{more:,}"})
        messages.error(request, _("未导入任何企业：") + "；".join(shown))
        return redirect("taskforces:campaign-enrol", campaign_id=campaign.pk)
    messages.success(request, _("已从表格加入 %(n)s 家企业") % {"n": f"{len(added):,}"})
    return redirect("taskforces:campaign-enterprises", campaign_id=campaign.pk)


@login_required
@page_for(LIST_PAGE)
def campaign_enrol(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add enterprises: picked one by one, or every one of the registry a rule picks."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    _require_keeper(user, _("只有营商办（专班）和系统管理员可以调整专项行动的企业"))
    picked = forms.EnrolForm(
        request.POST if request.method == "POST" and "rule" not in request.POST else None
    )
    by_rule = forms.EnrolRuleForm(
        request.POST if request.method == "POST" and "rule" in request.POST else None
    )
    if request.method == "POST":
        form: forms.EnrolForm | forms.EnrolRuleForm = by_rule if "rule" in request.POST else picked
        form.is_valid()
        try:
            if isinstance(form, forms.EnrolRuleForm):
                added = services.campaign_enrol_by_rule(
                    actor=user,
                    campaign_id=campaign.pk,
                    rule=form.rule(),
                    department_id=form.cleaned_data.get("department"),
                    source="web",
                )
                asked = None
            else:
                ids = form.enterprise_ids()
                added = services.campaign_enrol(
                    actor=user,
                    campaign_id=campaign.pk,
                    enterprise_ids=ids,
                    department_id=form.cleaned_data.get("department"),
                    source="web",
                )
                asked = len(set(ids))
            text = _("已加入 %(n)s 家企业") % {"n": f"{len(added):,}"}
            if asked is not None and asked > len(added):
                text += _("；另有 %(n)s 家已在本行动中") % {"n": f"{asked - len(added):,}"}
            elif asked is None and not added:
                text = _("条件选中的企业都已在本行动中")
            messages.success(request, text)
            return redirect("taskforces:campaign-enterprises", campaign_id=campaign.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        except ServiceError as error:
            form.add_error(None, error.message)
    context = _campaign_context(user, campaign, "enrol")
    context.update(
        picked=picked,
        by_rule=by_rule,
        above_scale_choices=[(value, _(label)) for value, label in forms.ABOVE_SCALE_CHOICES],
        # The chains of the task force's region and below, whose members a rule may take.
        chains=chain_queryset(user=user)
        .filter(region_subtree_q("region_id", campaign.task_force.region_id))
        .order_by("name")
        .select_related(None)
        .only("pk", "name")[:200],
        enrolled=CampaignEnterprise.objects.filter(campaign=campaign).count(),
    )
    return render(request, "taskforces/enrol.html", context)


@login_required
@page_for(LIST_PAGE)
@require_POST
def campaign_withdraw(request: HttpRequest, campaign_id: int, enterprise_id: int) -> HttpResponse:
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    try:
        services.campaign_withdraw(
            actor=user, campaign_id=campaign.pk, enterprise_id=enterprise_id, source="web"
        )
        messages.success(request, _("已将该企业移出本专项行动；它已有的报送保留"))
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("taskforces:campaign-enterprises", campaign_id=campaign.pk)


@login_required
@page_for(LIST_PAGE)
def enterprise_history(request: HttpRequest, campaign_id: int, enterprise_id: int) -> HttpResponse:
    """One enterprise's reports in a campaign, period by period newest first, the periods it
    did not report said so."""
    user = request_user(request)
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    enrolment = (
        selectors.enrolment_queryset(user=user, campaign=campaign).filter(enterprise_id=enterprise_id).first()
    )
    reports = {
        report.period_start: report
        for report in selectors.enterprise_history(user=user, campaign=campaign, enterprise_id=enterprise_id)
    }
    if enrolment is None and not reports:
        raise NotFound()
    enterprise = enrolment.enterprise if enrolment is not None else next(iter(reports.values())).enterprise
    fields = reportforms.form_of(campaign.report_form)
    offered = selectors.periods_so_far(campaign)
    page = Paginator(offered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for period in page.object_list:
        report = reports.get(period.start)
        rows.append(
            {
                "period": period,
                "report": report,
                "values": [(f.label, _value_text(f, report.values.get(f.key))) for f in fields]
                if report
                else [],
            }
        )
    context = _campaign_context(user, campaign, "enterprises")
    context.update(
        enterprise=enterprise,
        enrolment=enrolment,
        fields=fields,
        rows=rows,
        page=page,
        querystring_base=_querystring(request),
        reported=len(reports),
    )
    return render(request, "taskforces/history.html", context)


def _head(form_field: reportforms.FormField) -> str:
    """An item as a column names it: 在岗人数（人）; a percent says so beside each value."""
    if form_field.unit and form_field.unit != "%":
        return f"{form_field.label}（{form_field.unit}）"
    return form_field.label


def _value_text(form_field: reportforms.FormField, value: Any) -> str:
    """A reported value as the history shows it: numbers with separators (the unit is in the
    column's head, a percent beside its number)."""
    if value is None or value == "":
        return "—"
    if form_field.kind in ("integer", "decimal", "percent"):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        text = f"{number:,}" if form_field.kind == "integer" else f"{number.normalize():,f}"
        return f"{text}%" if form_field.kind == "percent" else text
    return str(value)
