"""Visit pages: the list, a leader's timeline and calendar, the visit form, a visit with its
cases' live status, and its Word record."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.cases import selectors as case_selectors
from zhuqi.cases.models import OPEN_STATUS_LIST, Kind
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.validators import is_id, parse_id
from zhuqi.directory import selectors as directory_selectors
from zhuqi.directory.models import Official, User
from zhuqi.enterprises.filtersets import EnterpriseFilterSet
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.policies.models import Policy
from zhuqi.policies.selectors import policy_queryset
from zhuqi.projects.selectors import project_queryset
from zhuqi.visits import selectors, services
from zhuqi.visits.documents import visit_record
from zhuqi.visits.exporting import MAX_ROWS as MAX_EXPORT_ROWS
from zhuqi.visits.exporting import export_visits
from zhuqi.visits.filtersets import VisitFilterSet
from zhuqi.visits.forms import CaseRow, PostedVisit, VisitForm, place_errors, read_visit, visit_initial
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitPolicy
from zhuqi.visits.services import PolicyAnswer


@dataclass
class ListFilters:
    """The visit list's filters as the page reads them, shared by the list and its export."""

    kind: str
    official: Official | None
    texts: dict[str, str]
    query: str  # the filters as a query string, without the page
    params: dict[str, str]

    @property
    def querystring_base(self) -> str:
        return f"{self.query}&" if self.query else ""


def _list_filters(request: HttpRequest) -> ListFilters:
    kind = request.GET.get("kind", "")
    official_id = request.GET.get("official", "")
    official = Official.objects.filter(pk=parse_id(official_id) or 0).first() if is_id(official_id) else None
    texts = {name: request.GET.get(name, "").strip() for name in ("start", "end", "q")}
    params = {k: v for k, v in (("kind", kind), ("official", official_id), *texts.items()) if v}
    return ListFilters(kind=kind, official=official, texts=texts, query=urlencode(params), params=params)


def _filtered_visits(request: HttpRequest, user: User, filters: ListFilters) -> QuerySet[Visit]:
    """The visits in the user's scope through the filter set the API uses too; a filter that
    cannot be read is said in a message (and, for a bad range, the list is empty rather than wrong)."""
    filterset = VisitFilterSet(filters.params, queryset=selectors.visit_queryset(user=user))
    return page_filterset(request, filterset).qs


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """The visits in scope, newest first; with ?official= a leader's own timeline: every visit
    they led or joined, and how many of the cases from it are closed."""
    user = request_user(request)
    filters = _list_filters(request)
    visits = _filtered_visits(request, user, filters).prefetch_related("participants__official")
    page = Paginator(visits.order_by("-start_date", "-id"), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_case_counts(page.object_list, user=user)
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "kinds": VisitKind.choices,
            "kind": filters.kind,
            "official": filters.official,
            "querystring_base": filters.querystring_base,
            "export_query": filters.query,
            "may_record": _may_open_form(user),
            "filters": filters.texts,
        },
    )


@login_required
def visit_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, in Excel: only the visits the user can see, like the page."""
    user = request_user(request)
    filters = _list_filters(request)
    visits = _filtered_visits(request, user, filters).order_by("-start_date", "-id")
    if visits.count() > MAX_EXPORT_ROWS:
        messages.error(request, _("导出超过 %(max)s 行，请先筛选") % {"max": MAX_EXPORT_ROWS})
        return redirect(f"{reverse('visit-list')}?{filters.query}")
    return office_file(export_visits(visits, user=user), f"visits-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@login_required
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors.visit_detail(user=user, visit_id=visit_id)
    return render(
        request,
        "visits/detail.html",
        {
            "visit": visit,
            "may_edit": services.may_edit(user, visit),
            # A linked policy the reader may not open is named without a link.
            "policies_open": selectors.policies_open_to(user, visit),
        },
    )


@login_required
def visit_document(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_detail(user=request_user(request), visit_id=visit_id)
    return office_file(visit_record(visit), f"{visit.start_date}-{visit.title[:40]}.docx")


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request_user(request), attachment_id=attachment_id)
    # Photos are shown on the visit's page; everything else is downloaded.
    inline = attachment.is_image and request.GET.get("inline") == "1"
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )


# ---------------------------------------------------------------------------------------------
# A leader's calendar


@login_required
def leader_calendar(request: HttpRequest) -> HttpResponse:
    """An official's visits on a month's grid; a leader opens their own without naming themselves."""
    user = request_user(request)
    official_id = request.GET.get("official", "")
    if not is_id(official_id) and user.official_id:
        official_id = str(user.official_id)
    official = Official.objects.filter(pk=parse_id(official_id) or 0).first() if is_id(official_id) else None
    today = timezone.localdate()
    try:
        month = Period.parse(request.GET.get("month", ""), kind=PeriodKind.MONTH, field_name="month")
    except ValidationFailed:
        month = Period.containing(PeriodKind.MONTH, today)
    first = month.start
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    visits = (
        selectors.official_visits(user=user, official_id=official.pk, start=weeks[0][0], end=weeks[-1][-1])
        if official
        else []
    )
    days = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "visits": [v for v in visits if v.start_date <= day <= v.end_date],
            }
            for day in week
        ]
        for week in weeks
    ]
    return render(
        request,
        "visits/calendar.html",
        {
            "official": official,
            "first": first,
            "weeks": days,
            "visit_count": len({v.pk for v in visits if v.end_date >= first and v.start_date <= month.end}),
            "previous": month.previous().key,
            "following": month.next().key,
            "weekdays": ["一", "二", "三", "四", "五", "六", "日"],
        },
    )


# ---------------------------------------------------------------------------------------------
# The visit form


def _may_open_form(user: User) -> bool:
    return any(services.may_record(user, kind) for kind in VisitKind.values)


def _linked(answers: list[PolicyAnswer], policies: dict[int, Policy]) -> dict[str, list[Any]]:
    """An enterprise's policy links as its answers' pickers hold them: the policy read through
    the user's scope, else its bare id (the picker shows "#id")."""
    return {
        answer: [policies.get(item.policy_id, item.policy_id) for item in answers if item.answer == answer]
        for answer in VisitPolicy.Answer.values
    }


def _linked_on(row: VisitEnterprise) -> dict[str, list[Any]]:
    """The policy links recorded on an enterprise's row, for the edit page's pickers."""
    return {check.answer: [link.policy for link in check.links] for check in row.policy_check()}


def _chosen(user: User, posted: PostedVisit) -> dict[str, Any]:
    """What the form had picked, with names, to show it again (after a refusal)."""
    data = posted.data
    enterprises = enterprise_queryset(user=user).in_bulk([a.enterprise_id for a in data.attendance])
    projects = project_queryset(user=user).in_bulk(data.project_ids)
    wanted = {item.policy_id for a in data.attendance for item in a.policies}
    policies = policy_queryset(user=user).in_bulk(wanted) if wanted else {}
    return {
        # Bare ids: the shared picker names them through the user's scope and shows one the user
        # may not see as "#id", so a refused form neither reveals a name nor drops a choice.
        "lead_officials": list(data.lead_official_ids),
        "accompanying_officials": list(data.accompanying_official_ids),
        "attendance": [
            {"enterprise": enterprises[a.enterprise_id], "row": a, "linked": _linked(a.policies, policies)}
            for a in data.attendance
            if a.enterprise_id in enterprises
        ],
        "projects": [projects[pk] for pk in data.project_ids if pk in projects],
    }


def _form_context(
    user: User,
    *,
    visit: Visit | None,
    values: dict[str, Any],
    chosen: dict[str, Any],
    case_rows: list[CaseRow],
    errors: list[FieldError],
    duplicates: list[Visit] | None = None,
    form: VisitForm | None = None,
) -> dict[str, Any]:
    kinds = [(value, label) for value, label in VisitKind.choices if services.may_record(user, value)]
    placed = place_errors(form or VisitForm(), errors)
    for number, row in enumerate(case_rows, start=1):
        row.errors = placed.rows.get(number, [])
        row.invalid = placed.invalid.get(number, set())
    return {
        "visit": visit,
        "values": values,
        "chosen": chosen,
        # One empty row is always offered; more are added in the page.
        "case_rows": [*case_rows, CaseRow()],
        "errors": placed,
        "duplicates": duplicates or [],
        "kinds": kinds,
        "case_kinds": [
            (Kind.INSTRUCTION.value, Kind.INSTRUCTION.label),
            (Kind.DEMAND.value, Kind.DEMAND.label),
        ],
        "filed_cases": list(visit.cases.order_by("id")) if visit else [],
        # Who is offered a lead department on a visit's case rows: naming one routes the case, which
        # belongs to the coordinator (and to a leader for instructions, which the service checks).
        "may_route_cases": has_permission(user, Permission.ROUTE_CASES),
        "categories": case_selectors.category_tree(active_only=True),
    }


def _save(request: HttpRequest, user: User, visit: Visit | None) -> HttpResponse:
    form = VisitForm(request.POST, request.FILES)
    form.is_valid()  # every field takes what is posted: the service judges the values
    posted = read_visit(form)
    errors = list(posted.errors)
    duplicates: list[Visit] = []
    if not errors:
        try:
            if visit is None:
                result = services.visit_create(
                    actor=user,
                    data=posted.data,
                    said=posted.said,
                    attachments=posted.attachments,
                    source="web",
                    confirm_duplicate=form.cleaned_data.get("confirm_duplicate") == "1",
                )
                messages.success(request, _("已登记；提出的事项已进入办理流程"))
            else:
                result = services.visit_update(
                    actor=user,
                    visit_id=visit.pk,
                    data=posted.data,
                    expected_version=posted.version,
                    said=posted.said,
                    attachments=posted.attachments,
                    source="web",
                )
                messages.success(request, _("记录已保存"))
            return redirect("visit-detail", visit_id=result.visit.pk)
        except services.LikelyDuplicate as duplicate:
            duplicates = duplicate.visits
        except ValidationFailed as failure:
            errors = failure.errors
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as refusal:
            errors = [FieldError("", refusal.message)]
    values = {
        "kind": posted.data.kind,
        "title": posted.data.title,
        "start_date": form["start_date"].value() or "",
        "end_date": form["end_date"].value() or "",
        "summary": posted.data.summary,
        "no_problems": posted.data.no_problems,
        "version": posted.version,
        "places": posted.data.place_codes,
    }
    context = _form_context(
        user,
        visit=visit,
        values=values,
        chosen=_chosen(user, posted),
        case_rows=posted.case_rows,
        errors=errors,
        duplicates=duplicates,
        form=form,
    )
    # Files cannot be handed back to the browser: the page says to choose them again.
    context["attachments_dropped"] = len(posted.attachments)
    return render(request, "visits/form.html", context, status=409 if duplicates else 400)


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    """Record a visit. Opened from a leader's page, an enterprise or a project, it starts with
    what the platform already knows: the leader, the enterprise, the project, today."""
    user = request_user(request)
    if not _may_open_form(user):
        raise PermissionDenied(_("您的角色不能登记调研走访"))
    if request.method == "POST":
        return _save(request, user, None)
    kind = request.GET.get("kind", "")
    if not services.may_record(user, kind):
        kind = VisitKind.LIAISON if user.role == Role.LIAISON else VisitKind.INSPECTION
    lead = [official] if (official := _official_param(request, user)) else []
    enterprises = []
    enterprise_id = request.GET.get("enterprise", "")
    if is_id(enterprise_id):
        scoped = enterprise_queryset(user=user)
        if user.role == Role.LIAISON:
            scoped = scoped.filter(pk__in=Assignment.enterprises_of(user.official_id))
        enterprises = [
            {"enterprise": e, "row": None}
            for e in scoped.filter(pk=parse_id(enterprise_id) or 0).select_related("region")
        ]
    projects = []
    project_id = request.GET.get("project", "")
    if is_id(project_id):
        projects = list(project_queryset(user=user).filter(pk=parse_id(project_id) or 0))
    values = {"kind": kind, "start_date": timezone.localdate().isoformat(), "places": []}
    chosen = {
        "lead_officials": lead,
        "accompanying_officials": [],
        "attendance": enterprises,
        "projects": projects,
    }
    return render(
        request,
        "visits/form.html",
        _form_context(user, visit=None, values=values, chosen=chosen, case_rows=[], errors=[]),
    )


def _official_param(request: HttpRequest, user: User) -> Official | None:
    official_id = request.GET.get("official", "")
    if is_id(official_id):
        return (
            directory_selectors.assignable_officials(user=user).filter(pk=parse_id(official_id) or 0).first()
        )
    # A leader or a liaison officer records their own visits.
    if user.official_id and user.role in (Role.LEADER, Role.LIAISON):
        return Official.objects.filter(pk=user.official_id).first()
    return None


@login_required
def visit_edit(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors.visit_detail(user=user, visit_id=visit_id, for_editing=True)
    if not services.may_edit(user, visit):
        raise PermissionDenied(_("只有登记人或本地区的营商办（管理员）可以修改这条记录"))
    if request.method == "POST":
        return _save(request, user, visit)
    participants = list(visit.participants.all())
    chosen = {
        "lead_officials": [p.official for p in participants if p.role == "lead"],
        "accompanying_officials": [p.official for p in participants if p.role != "lead"],
        "attendance": [
            {"enterprise": a.enterprise, "row": a, "linked": _linked_on(a)} for a in visit.attendance.all()
        ],
        "projects": list(visit.projects.all()),
    }
    return render(
        request,
        "visits/form.html",
        _form_context(user, visit=visit, values=visit_initial(visit), chosen=chosen, case_rows=[], errors=[]),
    )


# The enterprise picker of the visit form: the shared picker (core/pickers.py) serves officials,
# projects, places and departments; an enterprise becomes an attendance row with its own fields.


@login_required
def enterprise_options(request: HttpRequest) -> HttpResponse:
    """The registry's own search (name, short name, code, pinyin initials) in the user's scope; a
    liaison officer picks among the enterprises assigned to them."""
    user = request_user(request)
    query = request.GET.get("q", "").strip()
    found: list[Enterprise] = []
    if query:
        scoped = enterprise_queryset(user=user)
        if user.role == Role.LIAISON:
            scoped = scoped.filter(pk__in=Assignment.enterprises_of(user.official_id))
        found = list(
            EnterpriseFilterSet({"q": query}, queryset=scoped)
            .qs.select_related("region")
            # What the visitor should know before going in: the enterprise's cases still open.
            .annotate(open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUS_LIST)))[:20]
        )
    return render(request, "visits/enterprise_options.html", {"found": found, "query": query})
