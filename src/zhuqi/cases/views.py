"""Case pages. Thin: reads through selectors, every step through the services, the list through
the filter set the API uses, so the page and the API always agree."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import safestring, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from zhuqi.cases import figures, selectors, services, splits
from zhuqi.cases.common_problems import can_see_common_problems, common_problems
from zhuqi.cases.exporting import LEDGER_MAX_ROWS, export_case_ledger, export_figures
from zhuqi.cases.filtersets import CaseFilterSet
from zhuqi.cases.forms import (
    BulkAssignForm,
    CaseEditForm,
    CaseForm,
    StepForm,
    category_choices,
    listed_categories,
)
from zhuqi.cases.models import (
    Case,
    CaseCategory,
    Complexity,
    Escalation,
    Extension,
    Kind,
    Outcome,
    RejectionReason,
    Status,
    Step,
    Timeliness,
    UnresolvableReason,
    Urgency,
    status_label,
    step_label,
)
from zhuqi.cases.services import STEP_LABELS, NewCase, StepInput
from zhuqi.cases.workflow import SIDE_STEPS, held_back, is_coordinator
from zhuqi.core import listing
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleWrite,
    ValidationFailed,
)
from zhuqi.core.filtersets import page_filter_each, page_filterset
from zhuqi.core.listing import ListPaginator, exact_count_asked
from zhuqi.core.pagination import IdsThenRows
from zhuqi.core.process_cache import ProcessCache
from zhuqi.core.roles import Role
from zhuqi.directory.grouping import LEVELS
from zhuqi.directory.models import User
from zhuqi.enterprises import selectors as enterprise_selectors
from zhuqi.enterprises.filtersets import EnterpriseFilterSet

PAGE_SIZE = 50
_DUE_FORMAT = "%Y-%m-%d %H:%M"
# Statuses from which the coordinator's queue can assign in one click by the routing catalogue.
ASSIGNABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED})


def _params(request: HttpRequest) -> Any:
    params = request.GET.copy()
    # `count=exact` stays in the list's links (every page then counts exactly); filters ignore it.
    for key in ("page", "tab"):
        params.pop(key, None)
    return params


def _filterset(request: HttpRequest, user: User, tab: str, params: Any) -> CaseFilterSet:
    """The list's filters over 待办 or 全部; a filter that cannot be read is said so to the
    person, not silently dropped."""
    queryset = selectors.waiting_on(user=user) if tab == "waiting" else selectors.case_queryset(user=user)
    return page_filterset(request, CaseFilterSet(params, queryset=queryset))


@functools.lru_cache(maxsize=256)
def _label(choices: type[TextChoices], value: str, language: str | None) -> str:
    """A choice's label in `language` (the current one: the argument keys the cache); a value
    that is no choice as it is stored, as get_<field>_display gives it."""
    try:
        return _(choices(value).label)
    except ValueError:
        return value


@functools.lru_cache(maxsize=256)
def _status_label(kind: str, status: str, language: str | None) -> str:
    return status_label(kind, status)


def _timeliness_cell(
    row: dict[str, Any], *, show_escalation: bool, language: str | None
) -> tuple[str, str, str]:
    """(badge class, text, escalation) as cases/timeliness.html shows them."""
    if row["status"] in (Status.CLOSED, Status.REJECTED):
        return "", "", ""
    if row["timeliness"] == Timeliness.RED:
        days = row["working_days_late"]
        text = _("逾期")
        if days:
            text = ngettext("逾期 %(days)s 个工作日", "逾期 %(days)s 个工作日", days) % {"days": days}
        level = row["escalation_level"]
        return "red", text, _label(Escalation, level, language) if level and show_escalation else ""
    if row["timeliness"] == Timeliness.AMBER:
        return "amber", _("临期"), ""
    return "green", _("正常"), ""


def _case_rows(cases: Iterable[dict[str, Any]], user: User) -> list[dict[str, Any]]:
    """The page's rows as the table shows them, worked out once here from the values the page
    reads (selectors.case_page_rows): the template no longer looks anything up per cell."""
    language = get_language()
    # As on the case page: the enterprise sees that its case is late, not how offices escalate it.
    show_escalation = user.role != Role.ENTERPRISE
    href = listing.link_for("case-detail")
    rows = []
    for case in cases:
        badge, timeliness, escalation = _timeliness_cell(
            case, show_escalation=show_escalation, language=language
        )
        due_at = case["due_at"]
        due = timezone.localtime(due_at) if due_at else None
        kind, urgency = case["kind"], case["urgency"]
        rows.append(
            {
                "pk": case["id"],
                "version": case["version"],
                "href": href(case["id"]),
                "title": case["title"],
                "kind": kind,
                "kind_label": _label(Kind, kind, language),
                "category": case["category__name"],
                "urgency": _label(Urgency, urgency, language) if urgency != Urgency.NORMAL else "",
                "flagged": case["flagged_for_notice"],
                "enterprise": case["enterprise__name"] or "—",
                "status": case["status"],
                "status_label": _status_label(kind, case["status"], language),
                "extension_requested": case["extension"] == Extension.REQUESTED,
                "lead": case["lead_department__name"] or "—",
                "due": due.strftime(_DUE_FORMAT) if due else "",
                "provisional": bool(due_at and case["deadline_provisional"] and due_at == case["deadline"]),
                "timeliness": case["timeliness"],
                "badge": badge,
                "timeliness_text": timeliness,
                "escalation": escalation,
            }
        )
    return rows


def _case_rows_html(rows: list[dict[str, Any]], *, can_bulk_assign: bool) -> str:
    """The table's rows as HTML, every value of a row escaped: the markup of cases/tests/data/case_rows.html
    (the reference, a template; test_list_page holds the two equal, byte for byte), written out
    here because Django's template engine spent ~9 ms on the ~1,300 values of 50 rows, more than
    the page's queries took."""
    # The column labels each row repeats for narrow screens, translated once; the catalogue's
    # translations are written as they are, as a template's {% translate %} writes them. Each
    # _() outside an f-string: makemessages does not find one inside it (the string then left
    # the English catalogue and the badge's title showed in Chinese).
    number, case_label, enterprise = _("编号"), _("事项"), _("企业")
    status, lead, due, timeliness = _("状态"), _("牵头部门"), _("时限"), _("时效")
    flagged_text, extension_text = _("列入通报"), _("申请延期")
    provisional_title, provisional_text = _("该年度节假日安排尚未录入，时限暂按周末计算"), _("暂定")
    flagged = f'<span class="badge red">{flagged_text}</span>'
    extension = f' <span class="badge">{extension_text}</span>'
    provisional = f' <span class="badge" title="{provisional_title}">{provisional_text}</span>'
    parts = []
    for r in rows:
        pk = r["pk"]
        if not can_bulk_assign:
            pick = ""
        elif r["status"] in ASSIGNABLE:
            pick = (
                f'<td><input type="checkbox" name="case" value="{pk}:{r["version"]}" aria-label="#{pk}"></td>'
            )
        else:
            pick = "<td></td>"
        urgency = f'<span class="badge urgent">{escape(r["urgency"])}</span>' if r["urgency"] else ""
        if r["due"]:
            due_cell = (
                f'<span class="date">{escape(r["due"])}</span>{provisional if r["provisional"] else ""}'
            )
        else:
            due_cell = "—"
        if r["badge"]:
            escalated = (
                f' · <span data-testid="escalation">{escape(r["escalation"])}</span>'
                if r["escalation"]
                else ""
            )
            timeliness_cell = (
                f'<span class="badge {escape(r["badge"])}" data-testid="timeliness">'
                f"{escape(r['timeliness_text'])}{escalated}</span>"
            )
        else:
            timeliness_cell = '<span class="muted">—</span>'
        parts.append(
            f'\n      <tr class="timeliness-{escape(r["timeliness"])}" data-testid="case-row"'
            f' data-case="{pk}">'
            f"\n        {pick}"
            f'\n        <td data-label="{number}">#{pk}</td>'
            f'\n        <td data-label="{case_label}">'
            f'<a href="{escape(r["href"])}">{escape(r["title"])}</a><br>'
            f'\n          <span class="badge kind-{escape(r["kind"])}">{escape(r["kind_label"])}</span>'
            f' <span class="muted">{escape(r["category"])}</span>'
            f"\n          {urgency}"
            f"\n          {flagged if r['flagged'] else ''}</td>"
            f'\n        <td data-label="{enterprise}">{escape(r["enterprise"])}</td>'
            f'\n        <td data-label="{status}">{escape(r["status_label"])}'
            f"{extension if r['extension_requested'] else ''}</td>"
            f'\n        <td data-label="{lead}">{escape(r["lead"])}</td>'
            f'\n        <td data-label="{due}">{due_cell}</td>'
            f'\n        <td data-label="{timeliness}">{timeliness_cell}</td></tr>'
            "\n    "
        )
    return safestring.mark_safe("".join(parts))  # noqa: S308 (values escaped above)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """待办 (what waits on the user, by the clock) or 全部 (everything in scope, filtered)."""
    user = request_user(request)
    tab = request.GET.get("tab") or "waiting"
    params = _params(request)
    if tab == "waiting":
        (counted,) = page_filter_each(request, CaseFilterSet, params, selectors.waiting_on(user=user))
        paged = counted
    else:
        # Counted and paged as the API does (CaseReach read once for both). One FilterSet for both
        # (as FilterQuery.apply_each): a word search's count is then taken once, for the rank
        # choice and the list's count alike.
        counted, paged = page_filter_each(
            request, CaseFilterSet, params, *selectors.case_list_querysets(user=user)
        )
    # The page's ids from the case table alone, then what the page shows for those 50. 待办 is
    # sorted by the clock (every row of the queue read to sort it): counted from the same read.
    rows = IdsThenRows(paged, selectors.case_page_rows())
    paginator = ListPaginator(
        rows, PAGE_SIZE, counted=None if tab == "waiting" else counted, exact=exact_count_asked(request)
    )
    page = paginator.get_page(request.GET.get("page"))
    can_bulk_assign = user.role in (Role.COORDINATOR, Role.ADMIN) or user.is_superuser
    context: dict[str, Any] = {
        "page": page,
        "rows_html": _case_rows_html(_case_rows(page.object_list, user), can_bulk_assign=can_bulk_assign),
        "tab": tab,
        "filters": params,
        "querystring_base": f"tab={tab}&" + (params.urlencode() + "&" if params else ""),
        "can_bulk_assign": can_bulk_assign,
        "can_file": bool(services.creatable_kinds(user)),
        "can_see_common_problems": can_see_common_problems(user),
        # The joint handlings waiting on the user: one entry for all their member demands.
        "joint_waiting": selectors.joint_waiting_first(user=user, size=PAGE_SIZE) if tab == "waiting" else [],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/list.html#results", context)
    context["filters_html"] = _filters_html(
        request, tab, params, can_pick_departments=user.role != Role.ENTERPRISE
    )
    return render(request, "cases/list.html", context)


# The filter form as a list opened without filters shows it, per language, tab and whether it
# offers departments: the same for everyone, so rendered once per process (dropped with the
# categories it lists).
_bare_filters: ProcessCache[dict[tuple[str | None, str, bool], str]] = ProcessCache(
    dict, models=[CaseCategory]
)


def _filters_html(request: HttpRequest, tab: str, params: Any, *, can_pick_departments: bool) -> str:
    """The list's filter form (cases/list.html#filters) holding the filters asked for."""
    # Kept only for the two tabs: the tab is the visitor's text (the form echoes it), and a key
    # per text typed would let anyone fill the process's memory.
    bare = tab in ("waiting", "all") and not any(name in CaseFilterSet.base_filters for name in params)
    key = (get_language(), tab, can_pick_departments)
    kept = _bare_filters.get()
    if bare and key in kept:
        return kept[key]
    html = render_to_string(
        "cases/list.html#filters",
        {
            "tab": tab,
            "filters": params,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "timeliness_choices": Timeliness.choices,
            "categories": listed_categories.get(),
            "can_pick_departments": can_pick_departments,
        },
        request,
    )
    if bare:
        kept[key] = html
    return html


@login_required
def case_ledger_export(request: HttpRequest) -> HttpResponse:
    """事项台账: the list as filtered on the page (either tab), in Excel."""
    user = request_user(request)
    tab = request.GET.get("tab") or "all"
    filterset = _filterset(request, user, tab, _params(request))
    if not filterset.is_valid():
        return redirect(f"{reverse('case-list')}?{request.GET.urlencode()}")
    cases = filterset.qs
    if tab != "waiting":
        cases = cases.order_by("-submitted_at", "-id")
    if cases.count() > LEDGER_MAX_ROWS:
        messages.error(request, _("导出超过 %(max)s 行，请先筛选") % {"max": LEDGER_MAX_ROWS})
        return redirect(f"{reverse('case-list')}?{request.GET.urlencode()}")
    body = export_case_ledger(
        cases.prefetch_related("co_departments").iterator(chunk_size=2000),
        # As on the pages: the enterprise sees that its case is late, not how offices escalate it.
        show_escalation=user.role != Role.ENTERPRISE,
    )
    return office_file(body, f"事项台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@login_required
@require_POST
def case_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the ticked cases by the routing catalogue, all or nothing."""
    form = BulkAssignForm(request.POST)
    form.is_valid()  # the ticked cases as posted; the service judges them
    try:
        assigned = services.bulk_assign(
            actor=request_user(request), cases=form.cleaned_data["case"], source="web"
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _("批量交办未执行：%(reason)s") % {"reason": form.error_text(error)})
    else:
        messages.success(request, _("已按派单目录交办 %(count)s 件") % {"count": len(assigned)})
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("case-list")
    return redirect(target)


def _form_context(user: User) -> dict[str, Any]:
    return {
        "kinds": services.creatable_kinds(user),
        "categories": category_choices(),
        # Who may hand a case straight to a department and name the leader who gave it.
        "may_route": user.role in (Role.COORDINATOR, Role.ADMIN, Role.LEADER) or user.is_superuser,
    }


def _enterprise_choices(user: User) -> list[Any]:
    """For a liaison officer, the enterprises assigned to them; others search."""
    if user.role == Role.LIAISON:
        return [a.enterprise for a in enterprise_selectors.my_assignments(user=user)]
    return []


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kinds = services.creatable_kinds(user)
    if not kinds:
        raise PermissionDenied()
    initial: dict[str, Any] = {"kind": request.GET.get("kind") or next(iter(sorted(kinds)))}
    form = CaseForm(request.POST or None, request.FILES or None, initial=initial, **_form_context(user))
    enterprise = None
    # The enterprise as posted, else as the link that opened the form names it.
    wanted = (form["enterprise"].value() if form.is_bound else None) or request.GET.get("enterprise")
    if user.role == Role.ENTERPRISE:
        enterprise = enterprise_selectors.enterprise_queryset(user=user).first()
    elif wanted:
        enterprise = enterprise_selectors.enterprise_queryset(user=user).filter(pk=_int(wanted) or 0).first()
    if enterprise is not None:
        initial["enterprise"] = enterprise.pk
    # A role with no default source (a coordinator, a leader) must say where the case came from.
    form.fields["source"].required = not services.default_source(user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=user,
                data=NewCase(
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    enterprise_id=data.get("enterprise"),
                    category_id=data["category"],
                    urgency=data["urgency"],
                    complexity=data["complexity"],
                    source=data["source"],
                    source_note=data["source_note"],
                    issued_by_id=data.get("issued_by"),
                    region_code=data["region"],
                    rule_breached=data["rule_breached"],
                    evidence=data["evidence"],
                    lead_department_id=data.get("lead_department"),
                    co_department_ids=data.get("co_departments") or [],
                    deadline=data.get("deadline"),
                ),
                attachments=data["attachments"],
                source="web",
            )
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已提交：#%(id)s %(title)s") % {"id": case.pk, "title": case.title})
            return redirect("case-detail", case.pk)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "enterprise_choices": _enterprise_choices(user),
            "fixed_enterprise": user.role == Role.ENTERPRISE,
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def enterprise_options(request: HttpRequest) -> HttpResponse:
    """The enterprise picker on the case form: the first matches of the registry's own search
    (name, short name, code, pinyin initials), in the user's scope."""
    user = request_user(request)
    query = request.GET.get("enterprise_q", "").strip()
    found = []
    if query:
        scoped = enterprise_selectors.enterprise_queryset(user=user)
        found = list(EnterpriseFilterSet({"q": query}, queryset=scoped).qs[:20])
    return render(request, "cases/enterprise_options.html", {"found": found, "query": query})


def _step_context(user: User, case: Case) -> dict[str, Any]:
    steps = services.steps_for(user, case)
    forward = [step for step in steps if step not in SIDE_STEPS]
    context: dict[str, Any] = {
        # Named as on the case's kind (a hazard's 报告整改完成, 复查).
        "steps": [(step, _(step_label(step, case.kind))) for step in steps],
        # The enterprise (or its liaison officer) told what to do and by when, above its form.
        "tell_to_rectify": case.kind == Kind.HAZARD
        and Step.REPORT_COMPLETION in steps
        and user.role in (Role.ENTERPRISE, Role.LIAISON),
        # A step the user would take but may not on this case (their own rectification report).
        "held_back": held_back(user, case),
        # The form opened for the user: the step that moves the case on, not a refusal or a return.
        "primary_step": (forward or steps or [""])[0],
    }
    if "assign" in steps:
        rule = services.route(case)
        context["suggested_rule"] = rule
        context["departments"] = selectors.departments_for(user=user, case=case)
        context["complexities"] = Complexity.choices
    if "reject" in steps:
        context["rejection_reasons"] = RejectionReason.choices
    if "answer" in steps:
        context["outcomes"] = Outcome.choices
        context["unresolvable_reasons"] = UnresolvableReason.choices
        context["reply_templates"] = selectors.reply_templates(case)
    return context


@login_required
def case_detail(
    request: HttpRequest,
    case_id: int,
    form: StepForm | None = None,
    *,
    posted_step: str = "",
    status: int | None = None,
) -> HttpResponse:
    """The case. After a refused step (`posted_step`), the page shows that step open with what
    the person typed, at the case's current version, so nothing typed is lost."""
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    context = {
        "case": case,
        "co_departments": case.co_departments.all(),
        "timeline": selectors.timeline(user=user, case=case),
        "is_enterprise": user.role == Role.ENTERPRISE,
        "same_day": Urgency.SAME_DAY,
        "form": form,
        "may_edit": services.may_edit(user, case),
        "posted_step": posted_step,
        "posted": request.POST if posted_step else {},
        "joint_others": selectors.joint_other_enterprises(case) if case.joint_handling_id else 0,
        # Linked only for whoever may open it (a liaison officer sees the case, not the group).
        "joint_visible": case.joint_handling_id is not None
        and selectors.joint_queryset(user=user).filter(pk=case.joint_handling_id).exists(),
        **_step_context(user, case),
    }
    if status is None:
        status = 400 if form is not None else 200
    return render(request, "cases/detail.html", context, status=status)


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """Correct the title, category, enterprise or description of an open case."""
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    if not services.may_edit(user, case):
        raise PermissionDenied(
            "事项已办结或不予受理，不能修改；如需更正请先重新办理"
            if not case.is_open
            else "只有营商办（专班），或提交人在受理前，可以修改事项信息"
        )
    categories = category_choices()
    if request.method == "POST":
        form = CaseEditForm(request.POST, categories=categories)
        if form.is_valid():
            data = form.cleaned_data
            correction = services.CaseCorrection(
                title=data["title"],
                description=data["description"],
                category_id=data["category"],
                enterprise_id=data["enterprise"],
                reason=data["reason"],
            )
            try:
                services.case_edit(
                    actor=user,
                    case_id=case.pk,
                    expected_version=data["version"],
                    correction=correction,
                    source="web",
                )
            except StaleWrite:
                form.add_error(None, _("该事项刚被他人修改或处理过，请查看最新内容后再修改"))
            except ValidationFailed as error:
                form.add_service_errors(error.errors)
            except (NotFound, PermissionDenied):
                raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
            except ServiceError as error:
                form.add_error(None, form.error_text(error))
            else:
                messages.success(request, _("事项信息已修改"))
                return redirect("case-detail", case.pk)
    else:
        form = CaseEditForm(
            initial={
                "version": case.version,
                "title": case.title,
                "category": case.category_id,
                "enterprise": case.enterprise_id,
                "description": case.description,
            },
            categories=categories,
        )
    return render(
        request,
        "cases/edit.html",
        {"case": case, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def reply_template(request: HttpRequest, case_id: int) -> HttpResponse:
    """Fills the answer box with a reply template (htmx)."""
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    if not services.may_take(user, case, "answer"):
        raise PermissionDenied("只有牵头部门可以答复该事项")
    chosen = selectors.reply_templates(case).filter(pk=_int(request.GET.get("template")) or 0).first()
    return render(request, "cases/detail.html#answer-box", {"answer_text": chosen.text if chosen else ""})


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    """One handler for every step: the form's fields go to the step's service."""
    user = request_user(request)
    if step not in services.STEPS:
        raise Http404
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[name].label if name in form.fields else ''}：{' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(
            request, _("%(step)s未执行：%(problems)s") % {"step": STEP_LABELS[step], "problems": problems}
        )
        return case_detail(request, case_id, form=form, posted_step=step)
    data = form.cleaned_data
    common = {
        "actor": user,
        "case_id": case_id,
        "expected_version": data["version"],
        "step": StepInput(comment=data["comment"], attachments=data["attachments"]),
        "source": "web",
    }
    try:
        _take(step, common, data)
    except StaleWrite:
        messages.error(
            request, _("该事项刚被他人处理过，页面已显示最新状态；您填写的内容保留在下面，请确认后再提交")
        )
        return case_detail(request, case_id, posted_step=step, status=409)
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        messages.error(
            request,
            _("%(step)s未执行：%(problems)s")
            % {"step": STEP_LABELS[step], "problems": form.error_text(error)},
        )
        return case_detail(request, case_id, form=form, posted_step=step)
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("case-detail", case_id)
    messages.success(request, STEP_DONE[step])
    return redirect("case-detail", case_id)


# What the page says once a step is taken: a sentence per step, not "已" + the step's name
# ("已企业评价" is not Chinese).
STEP_DONE = {
    "submit": _lazy("已提交"),
    "accept": _lazy("已受理"),
    "reject": _lazy("已决定不予受理"),
    "merge": _lazy("已并入重复诉求"),
    "assign": _lazy("已交办"),
    "start": _lazy("已签收"),
    "return": _lazy("已退回"),
    "request-extension": _lazy("延期申请已提交"),
    "decide-extension": _lazy("延期申请已审批"),
    "answer": _lazy("已答复"),
    "confirm": _lazy("评价已提交，谢谢"),
    "report-completion": _lazy("已报告完成情况"),
    "verify": _lazy("验收（复查）结论已记录"),
    "reopen": _lazy("已重新办理"),
    "note": _lazy("说明已补充"),
    "edit": _lazy("事项信息已修改"),
    "escalate": _lazy("已督办"),
    "close-not-rated": _lazy("已按逾期未评价办结"),
    "recompute-deadline": _lazy("时限已重算"),
    "join-joint": _lazy("已加入联合办理"),
    "leave-joint": _lazy("已退出联合办理"),
}


def _refused(request: HttpRequest, step: str, problems: str) -> None:
    messages.error(
        request, _("%(step)s未执行：%(problems)s") % {"step": STEP_LABELS[step], "problems": problems}
    )


# What the page's form may leave unset that the step needs (the API's schema requires them).
REQUIRED_CHOICES = {
    "decide-extension": ("approve", "请选择同意或不同意"),
    "verify": ("passed", "请选择通过或不通过"),
}


def _take(step: str, common: dict[str, Any], data: dict[str, Any]) -> None:
    if step in REQUIRED_CHOICES:
        name, message = REQUIRED_CHOICES[step]
        if data[name] is None or data[name] == "":
            raise ValidationFailed([FieldError(name, message)])
    services.take(step, fields=data, **common)


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    form = StepForm(request.POST, request.FILES)
    form.is_valid()  # only comment and attachments are read; the version is not needed
    try:
        services.case_note(
            actor=request_user(request),
            case_id=case_id,
            step=StepInput(
                comment=form.cleaned_data.get("comment", ""),
                attachments=form.cleaned_data.get("attachments", []),
            ),
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
    else:
        messages.success(request, _("已补充说明"))
    return redirect("case-detail", case_id)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request_user(request), attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )


# ---------------------------------------------------------------------------------------------
# Common problems (共性问题)


def _int_param(request: HttpRequest, name: str, errors: list[FieldError]) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        errors.append(FieldError(name, "应为整数"))
        return None


@login_required
def common_problem_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can_see_common_problems(user):
        raise PermissionDenied(splits.COMMON_PROBLEMS_REFUSED)
    errors: list[FieldError] = []
    min_enterprises = _int_param(request, "min_enterprises", errors)
    category = _int_param(request, "category", errors)
    context: dict[str, Any] = {
        "filters": request.GET,
        "can_open_joint": is_coordinator(user),
        "min_enterprises": request.GET.get("min_enterprises")
        or settings.ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES,
        "result": None,
        "can_split": splits.can_split(user),
    }
    if not errors:
        try:
            context["result"] = common_problems(user=user, min_enterprises=min_enterprises, category=category)
        except ValidationFailed as failure:
            errors = failure.errors
    context["errors"] = errors
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/common_problems.html#results", context)
    context["categories"] = selectors.categories().filter(parent=None)
    context["splits"] = Paginator(splits.split_list(user=user), PAGE_SIZE).get_page(
        request.GET.get("splits_page")
    )
    return render(request, "cases/common_problems.html", context)


# ---------------------------------------------------------------------------------------------
# Figures (调度会“三率”)


def _figure_date(value: str, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationFailed([FieldError(name, "应为日期（YYYY-MM-DD）")]) from None


@login_required
def case_figures(request: HttpRequest) -> HttpResponse:
    """The ranked table; for htmx only the results; with ?export=xlsx the same table in Excel."""
    user = request_user(request)
    if not figures.can_see_figures(user):
        raise PermissionDenied(figures.FIGURES_REFUSED)
    params = request.GET
    result: figures.Figures | None = None
    errors: list[FieldError] = []
    try:
        period = figures.resolve_period(
            preset=params.get("period", ""),
            start=_figure_date(params.get("from", ""), "from"),
            end=_figure_date(params.get("to", ""), "to"),
        )
        result = figures.figures_for(
            user=user,
            period=period,
            group_by=params.get("group_by") or "department",
            kind=params.get("kind") or Kind.DEMAND,
            region=params.get("region", "").strip(),
            level=params.get("level", ""),
            sort=params.get("sort", ""),
        )
    except ValidationFailed as failure:
        errors = failure.errors
    if result is not None and params.get("export") == "xlsx":
        filename = f"case-figures-{result.period.start:%Y%m%d}-{result.period.end:%Y%m%d}.xlsx"
        return office_file(export_figures(result), filename)
    unsorted = params.copy()
    for name in ("sort", "export"):
        unsorted.pop(name, None)
    context: dict[str, Any] = {
        "figures": result,
        "errors": errors,
        "filters": params,
        "querystring": unsorted.urlencode(),
        "generated_at": timezone.localtime(),
        "sorts": figures.SORTS,
        "definitions": figures.DEFINITIONS,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/figures.html#results", context)
    context.update(presets=figures.PRESETS, group_by=figures.GROUP_BY, kinds=Kind.choices, levels=LEVELS)
    return render(request, "cases/figures.html", context)
