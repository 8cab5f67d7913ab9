"""The dispatch meeting pages (调度会), the briefings (调度简报) and the economic figures (经济指标).
Thin: reads through the selectors, every change through the services, refusals put back on the
form that was posted (docs/dispatch.md, docs/visibility.md "Dispatch meetings").

The pages are government staff's: whoever may read the figures (READ_FIGURES) opens them and sees
what the selectors give them; the office (KEEP_MEETINGS) records meetings, their agendas and
decisions and enters the economic figures."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases.models import OPEN_STATUSES
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import OFFICE_TYPES, office_file
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.periods import RELATIVE, Period
from zhuqi.core.spreadsheets import Spreadsheet, Styled
from zhuqi.core.tabular import ImportFileError, normalise_header, read_table
from zhuqi.directory.models import User
from zhuqi.dispatch import cockpit, forms, selectors, services
from zhuqi.dispatch.models import (
    AgendaSection,
    AttendeeRole,
    Briefing,
    BriefingStatus,
    EconomicFigure,
    Indicator,
    Meeting,
    MeetingDecision,
    ScopeKind,
    indicator_unit,
)

PAGE_SIZE = 50
# The most rows an economic figures sheet may hold (a year of every indicator for every county
# of a province and its peers is a few thousand).
MAX_IMPORT_ROWS = 5000
# Refusals listed under an import (the rest counted).
ERRORS_SHOWN = 200


def _require_reader(user: User) -> None:
    if not cockpit.may_see_cockpit(user):
        raise PermissionDenied(_("调度会、简报和经济指标只对政府工作人员开放"))


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


def _day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


# ---------------------------------------------------------------------------------------------
# Meetings: the list


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_reader(user)
    queryset = selectors.meeting_queryset(user=user).order_by("-held_on", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    meetings = list(page.object_list)
    ids = [meeting.pk for meeting in meetings]
    decisions = dict(
        MeetingDecision.objects.filter(meeting_id__in=ids)
        .order_by()
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    rows = [
        {"meeting": meeting, "scope": _scope_text(meeting), "decisions": decisions.get(meeting.pk, 0)}
        for meeting in meetings
    ]
    return render(
        request,
        "dispatch/meeting_list.html",
        {
            "page": page,
            "rows": rows,
            "querystring_base": _querystring(request),
            "can_keep": services.may_keep(user),
            "tab": "meetings",
        },
    )


def _scope_text(meeting: Meeting) -> str:
    """地区 · 霍林郭勒市, 产业链 · 铝产业链 …: the meeting's scope as the list and page say it."""
    kind = _(meeting.get_scope_kind_display())
    if meeting.scope_kind == ScopeKind.CHAIN and meeting.chain is not None:
        return f"{kind} · {meeting.chain.name}"
    if meeting.scope_kind == ScopeKind.DEPARTMENT and meeting.department is not None:
        return f"{kind} · {meeting.department.name}"
    return f"{kind} · {meeting.region.name}"


# ---------------------------------------------------------------------------------------------
# Meetings: the form


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form(request, None)


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = request_user(request)
    return _meeting_form(request, selectors.meeting_get(user=user, meeting_id=meeting_id))


def _meeting_form(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    """Record a meeting, or change it: title, date, place, region, scope, chair with the posts
    held that day, attendees as rows, departments, 会议要求."""
    user = request_user(request)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以登记和修改调度会"))
    errors: list[FieldError] = []
    if request.method == "POST":
        form = forms.MeetingForm(request.POST)
        form.is_valid()  # as posted; the service judges every value
        try:
            data = form.to_data()
            if meeting is None:
                saved = services.meeting_create(actor=user, data=data, source="web")
                messages.success(request, _("调度会已登记，议程已按当前数据生成"))
            else:
                saved = services.meeting_update(
                    actor=user,
                    meeting_id=meeting.pk,
                    expected_version=form.cleaned_data.get("version"),
                    data=data,
                    source="web",
                )
                messages.success(request, _("调度会已保存"))
            return redirect("dispatch:meeting-detail", meeting_id=saved.pk)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ValidationFailed as error:
            errors = error.errors
            form.add_service_errors([e for e in errors if not e.field.startswith("attendees")])
        except ServiceError as error:
            form.add_error(None, error.message)
    elif meeting is not None:
        form = forms.MeetingForm(initial=forms.meeting_initial(meeting))
    else:
        form = forms.MeetingForm(
            initial={
                "region": user.region_id or "",
                "held_on": timezone.localdate(),
                "scope_kind": ScopeKind.REGION,
            }
        )
    existing = list(meeting.attendees.order_by("position", "id")) if meeting is not None else []
    rows = form.attendee_rows(errors, existing=existing)
    return render(
        request,
        "dispatch/meeting_form.html",
        {
            "form": form,
            "meeting": meeting,
            "rows": rows,
            "next_index": max((row.index for row in rows), default=-1) + 1,
            "roles": AttendeeRole.choices,
            "scope_kinds": ScopeKind.choices,
            "chains": chain_queryset(user=user).order_by("name"),
            "attendee_errors": [e.message for e in errors if e.field == "attendees"],
            "tab": "meetings",
        },
    )


@login_required
def meeting_attendee_row(request: HttpRequest) -> HttpResponse:
    """One more empty attendee row (the form's 再加一行)."""
    try:
        index = min(max(int(request.GET.get("index", "0")), 0), forms.MAX_ROWS - 1)
    except ValueError:
        index = 0
    return render(
        request,
        "dispatch/meeting_form.html#attendee-row",
        {
            "row": forms.Row(index, {"role": AttendeeRole.ATTENDING}),
            "roles": AttendeeRole.choices,
            "next_index": index + 1,
            "with_adder": True,
        },
    )


# ---------------------------------------------------------------------------------------------
# Meetings: the page


def _decision_rows(decisions: Any, now: datetime.datetime) -> list[dict[str, Any]]:
    rows = []
    for decision in decisions:
        case = decision.case
        is_open = case.status in OPEN_STATUSES
        rows.append(
            {
                "case": case,
                "deadline": _day(case.deadline),
                "late": bool(is_open and case.deadline and case.deadline < now),
                "open": is_open,
            }
        )
    return rows


def _briefing_periods(meeting: Meeting) -> list[tuple[str, str]]:
    """The periods a meeting's briefing is offered for: its week (the default), month, quarter
    and year."""
    return [
        (period.key, period.label)
        for period in (
            Period.containing(kind, meeting.held_on) for kind in ("week", "month", "quarter", "year")
        )
    ]


def _meeting_page(
    request: HttpRequest,
    meeting_id: int,
    *,
    decision_form: forms.DecisionForm | None = None,
    agenda_form: forms.AgendaItemForm | None = None,
    briefing_form: forms.MeetingBriefingForm | None = None,
) -> HttpResponse:
    """The meeting's page; after a refused form, with what the person typed still in it and the
    refusal beside the field. Every form carries the version the page shows."""
    user = request_user(request)
    _require_reader(user)
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    now = timezone.now()
    attendees = list(meeting.attendees.select_related("official").order_by("position", "id"))
    previous = selectors.previous_meeting(meeting, user=user)
    sections: dict[str, list[Any]] = defaultdict(list)
    for item in meeting.agenda.order_by("position", "id"):
        sections[item.section].append(item)
    agenda = [
        {"key": key, "label": label, "items": sections[key]}
        for key, label in AgendaSection.choices
        if sections.get(key)
    ]
    can_keep = services.may_keep(user)
    version = {"version": meeting.version}
    return render(
        request,
        "dispatch/meeting_detail.html",
        {
            "meeting": meeting,
            "scope": _scope_text(meeting),
            "reporting": [a for a in attendees if a.role == AttendeeRole.REPORTING],
            "attending": [a for a in attendees if a.role != AttendeeRole.REPORTING],
            "departments": sorted(meeting.departments.all(), key=lambda d: d.name),
            "projects": list(meeting.projects.order_by("name"))
            if meeting.scope_kind == ScopeKind.PROJECTS
            else [],
            "previous": previous,
            "previous_decisions": _decision_rows(selectors.decisions_of(previous), now) if previous else [],
            "agenda": agenda,
            "decisions": _decision_rows(selectors.decisions_of(meeting), now),
            "briefings": list(
                selectors.briefing_queryset(user=user)
                .filter(meeting=meeting)
                .defer("figures")
                .order_by("-requested_at", "-id")[:10]
            ),
            "can_keep": can_keep,
            # Once the meeting's day is past, its agenda is the record of that day (services).
            "can_rebuild": can_keep and meeting.held_on >= timezone.localdate(),
            "may_brief": cockpit.may_see_cockpit(user),
            "decision_form": decision_form or forms.DecisionForm(initial=version),
            "agenda_form": agenda_form or forms.AgendaItemForm(initial=version),
            "briefing_form": briefing_form
            or forms.MeetingBriefingForm(initial={"period": _briefing_periods(meeting)[0][0]}),
            "briefing_periods": _briefing_periods(meeting),
            "decision_open": decision_form is not None,
            "agenda_open": agenda_form is not None,
            "tab": "meetings",
        },
    )


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, meeting_id)


@login_required
@require_POST
def meeting_agenda_rebuild(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """重新生成议程: the agenda drawn again from the records as they stand now."""
    form = forms.VersionForm(request.POST)
    form.is_valid()
    try:
        meeting = services.agenda_rebuild(
            actor=request_user(request),
            meeting_id=meeting_id,
            expected_version=form.cleaned_data.get("version"),
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, form.error_text(error))
        return redirect("dispatch:meeting-detail", meeting_id=meeting_id)
    messages.success(request, _("议程已按当前数据重新生成（共 %(n)s 项）") % {"n": meeting.agenda.count()})
    return redirect(f"{_meeting_url(meeting_id)}#agenda")


def _meeting_url(meeting_id: int) -> str:
    return reverse("dispatch:meeting-detail", args=[meeting_id])


@login_required
@require_POST
def meeting_agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """增加议题: an item the records do not hold (其他议题)."""
    form = forms.AgendaItemForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.agenda_item_add(
            actor=request_user(request),
            meeting_id=meeting_id,
            expected_version=data.get("version"),
            title=data.get("title") or "",
            detail=data.get("detail") or "",
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        return _refused(request, meeting_id, "agenda_form", form)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _refused(request, meeting_id, "agenda_form", form)
    messages.success(request, _("议题已增加"))
    return redirect(f"{_meeting_url(meeting_id)}#agenda")


def _refused(request: HttpRequest, meeting_id: int, name: str, form: Any) -> HttpResponse:
    """The meeting's page again with the refused form as posted. Its version is the one the
    page now shows (the templates write `meeting.version`), so a second submission is made
    knowing the other change."""
    return _meeting_page(request, meeting_id, **{name: form})


@login_required
@require_POST
def meeting_decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A decision of the meeting: an instruction case given at once to its lead department with
    the deadline the meeting set."""
    form = forms.DecisionForm(request.POST)
    form.is_valid()
    try:
        decision = services.decision_add(
            actor=request_user(request),
            meeting_id=meeting_id,
            expected_version=form.cleaned_data.get("version"),
            data=form.to_data(),
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        return _refused(request, meeting_id, "decision_form", form)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _refused(request, meeting_id, "decision_form", form)
    messages.success(
        request,
        _("决定事项已交办：%(title)s（事项编号 %(id)s）")
        % {"title": decision.case.title, "id": decision.case_id},
    )
    return redirect(f"{_meeting_url(meeting_id)}#decisions")


@login_required
@require_POST
def meeting_briefing(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """生成简报: a briefing of the meeting for the period chosen (its week by default)."""
    user = request_user(request)
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    form = forms.MeetingBriefingForm(request.POST)
    form.is_valid()
    period = (form.cleaned_data.get("period") or "").strip() or _briefing_periods(meeting)[0][0]
    try:
        briefing = services.briefing_request(actor=user, period=period, meeting_id=meeting.pk, source="web")
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        return _meeting_page(request, meeting_id, briefing_form=form)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _meeting_page(request, meeting_id, briefing_form=form)
    messages.success(request, _("简报已开始生成，完成后可在此页下载"))
    return redirect("dispatch:briefing-detail", briefing_id=briefing.pk)


# ---------------------------------------------------------------------------------------------
# Briefings


def _briefing_title(briefing: Briefing) -> str:
    title = (briefing.figures or {}).get("title")
    if title:
        return str(title)
    if briefing.meeting is not None:
        return _("%(title)s简报") % {"title": briefing.meeting.title}
    return _("%(scope)s调度简报（%(period)s）") % {
        "scope": _scope_label(briefing),
        "period": _period_label(briefing.period),
    }


def _scope_label(briefing: Briefing) -> str:
    return cockpit.Scope(
        briefing.scope_kind, briefing.region, department=briefing.department, chain=briefing.chain
    ).label


def _period_label(key: str) -> str:
    try:
        return cockpit.resolve_period(key).label
    except ValidationFailed:
        return key


def _briefing_row(briefing: Briefing) -> dict[str, Any]:
    return {
        "briefing": briefing,
        "title": _briefing_title(briefing),
        "scope": _scope_label(briefing),
        "period": _period_label(briefing.period),
        "running": briefing.status in (BriefingStatus.QUEUED, BriefingStatus.RUNNING),
    }


def _briefing_form_context(user: User) -> dict[str, Any]:
    return {
        "scope_kinds": [(k, label) for k, label in ScopeKind.choices if k != ScopeKind.PROJECTS],
        "chains": chain_queryset(user=user).order_by("name"),
        "relative_periods": [(name, relative.label) for name, relative in RELATIVE.items()],
    }


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The briefings the reader sees, newest first, and the form asking for one for a scope and
    period without a meeting."""
    user = request_user(request)
    _require_reader(user)
    if request.method == "POST":
        form = forms.BriefingForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            briefing = services.briefing_request(
                actor=user,
                period=form.chosen_period(),
                region_code=(data.get("region") or "").strip(),
                scope_kind=data.get("scope_kind") or ScopeKind.REGION,
                department_id=data.get("department"),
                chain_id=data.get("chain"),
                source="web",
            )
        except (NotFound, PermissionDenied):
            raise
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("简报已开始生成，完成后可在此页下载"))
            return redirect("dispatch:briefing-detail", briefing_id=briefing.pk)
    else:
        form = forms.BriefingForm(
            initial={"scope_kind": ScopeKind.REGION, "region": user.region_id or "", "period": "last_week"}
        )
    queryset = (
        selectors.briefing_queryset(user=user).select_related("requested_by").order_by("-requested_at", "-id")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dispatch/briefing_list.html",
        {
            "page": page,
            "rows": [_briefing_row(b) for b in page.object_list],
            "querystring_base": _querystring(request),
            "form": form,
            "tab": "briefings",
            **_briefing_form_context(user),
        },
    )


def _briefing_context(briefing: Briefing) -> dict[str, Any]:
    return _briefing_row(briefing)


@login_required
def briefing_detail(request: HttpRequest, briefing_id: int) -> HttpResponse:
    user = request_user(request)
    _require_reader(user)
    briefing = selectors.briefing_get(user=user, briefing_id=briefing_id)
    context = _briefing_context(briefing) | {"tab": "briefings"}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "dispatch/briefing_detail.html#status", context)
    return render(request, "dispatch/briefing_detail.html", context)


def _download(request: HttpRequest, briefing_id: int, which: str) -> FileResponse:
    user = request_user(request)
    _require_reader(user)
    briefing = selectors.briefing_get(user=user, briefing_id=briefing_id)
    stored = briefing.document if which == "document" else briefing.workbook
    if briefing.status != BriefingStatus.DONE or not stored:
        raise NotFound(_("简报尚未生成"))
    suffix = PurePath(stored.name).suffix or (".docx" if which == "document" else ".xlsx")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise NotFound(_("简报文件已不存在，请重新生成")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=PurePath(stored.name).name,
        content_type=OFFICE_TYPES.get(suffix, "application/octet-stream"),
    )


@login_required
def briefing_document(request: HttpRequest, briefing_id: int) -> FileResponse:
    return _download(request, briefing_id, "document")


@login_required
def briefing_workbook(request: HttpRequest, briefing_id: int) -> FileResponse:
    return _download(request, briefing_id, "workbook")


# ---------------------------------------------------------------------------------------------
# Economic figures


IMPORT_COLUMNS = {
    "地区代码": "region_code",
    "指标": "indicator",
    "统计期": "period",
    "实际值": "value",
    "目标值": "target",
    "对标地区代码": "compared_for_code",
    "说明": "note",
}
REQUIRED_COLUMNS = ("地区代码", "指标", "统计期")
# A row's field as the sheet's column calls it (the service names fields by the model's names).
FIELD_COLUMNS = {
    "region": "地区代码",
    "indicator": "指标",
    "period": "统计期",
    "value": "实际值",
    "target": "目标值",
    "compared_for": "对标地区代码",
    "note": "说明",
}


def _indicator_codes() -> dict[str, str]:
    """An indicator by its code, its Chinese label or its label in the reader's language."""
    codes: dict[str, str] = {}
    for code, label in Indicator.choices:
        codes[code] = code
        codes[normalise_header(label)] = code
        codes[normalise_header(_(label))] = code
    return codes


def _sheet_text(value: Any) -> str:
    """A cell as text: a period typed as 2026-10 that Excel turned into a date reads back as
    2026-10; a year typed as a number reads as 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _economy_rows(user: User, period_key: str) -> list[dict[str, Any]]:
    """The jurisdiction's own figures of a period, each with its target and the peers' figures
    entered for its region, and its rank among them (highest first)."""
    figures = list(selectors.economic_queryset(user=user).filter(period=period_key))
    peers: dict[tuple[str, str], list[EconomicFigure]] = defaultdict(list)
    for figure in figures:
        if figure.compared_for_id:
            peers[(figure.compared_for_id, figure.indicator)].append(figure)
    order = {code: index for index, (code, _label) in enumerate(Indicator.choices)}
    own = sorted(
        (f for f in figures if not f.compared_for_id), key=lambda f: (f.region_id, order.get(f.indicator, 99))
    )
    rows = []
    for figure in own:
        compared = sorted(
            peers.get((figure.region_id, figure.indicator), []),
            key=lambda f: (f.value is None, -(f.value or 0)),
        )
        rank = None
        if figure.value is not None and compared:
            values = [f.value for f in compared if f.value is not None]
            rank = (1 + sum(1 for v in values if v > figure.value), len(values) + 1)
        gap = figure.value - figure.target if figure.value is not None and figure.target is not None else None
        rows.append(
            {
                "figure": figure,
                "label": _(figure.get_indicator_display()),
                "unit": _(indicator_unit(figure.indicator)),
                "gap": gap,
                # A growth rate's gap is in percentage points (增速低于目标 0.2 个百分点).
                "gap_unit": _("个百分点")
                if indicator_unit(figure.indicator) == "%"
                else _(indicator_unit(figure.indicator)),
                "met": gap is not None and gap >= 0,
                "peers": compared,
                "rank": rank,
            }
        )
    return rows


def _economy_periods(user: User) -> list[tuple[str, str]]:
    keys = set(
        selectors.economic_queryset(user=user).order_by().values_list("period", flat=True).distinct()[:200]
    )
    periods = []
    for key in keys:
        try:
            periods.append(Period.parse(key))
        except ValidationFailed:
            continue
    # Newest first; of the same end, the shorter period first (2026-11 before 2026-Q4).
    periods.sort(key=lambda p: (p.end, -p.days), reverse=True)
    return [(p.key, p.label) for p in periods]


def _economy_page(
    request: HttpRequest,
    user: User,
    *,
    entry_form: forms.EconomicFigureForm | None = None,
    import_form: forms.EconomicImportForm | None = None,
    import_errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    periods = _economy_periods(user)
    chosen = request.GET.get("period") or (periods[0][0] if periods else "")
    default_period = Period.relative_to("last_month", timezone.localdate()).key
    return render(
        request,
        "dispatch/economy.html",
        {
            "periods": periods,
            "chosen": chosen,
            "chosen_label": _period_label(chosen) if chosen else "",
            "rows": _economy_rows(user, chosen) if chosen else [],
            "can_keep": services.may_keep(user),
            "entry_form": entry_form
            or forms.EconomicFigureForm(
                initial={"region": user.region_id or "", "period": chosen or default_period}
            ),
            "import_form": import_form or forms.EconomicImportForm(),
            "import_errors": (import_errors or [])[:ERRORS_SHOWN],
            "more_errors": max(len(import_errors or []) - ERRORS_SHOWN, 0),
            "indicators": Indicator.choices,
            "columns": list(IMPORT_COLUMNS),
            "tab": "economy",
        },
    )


@login_required
def economy(request: HttpRequest) -> HttpResponse:
    """经济指标: the jurisdiction's figures of a period against their targets and peers; the office
    enters one here."""
    user = request_user(request)
    _require_reader(user)
    if request.method != "POST":
        return _economy_page(request, user)
    form = forms.EconomicFigureForm(request.POST)
    form.is_valid()
    try:
        figure = services.economic_figure_set(actor=user, data=form.to_data(), source="web")
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        return _economy_page(request, user, entry_form=form)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _economy_page(request, user, entry_form=form)
    messages.success(
        request,
        _("已保存：%(region)s %(indicator)s（%(period)s）")
        % {
            "region": figure.region.name,
            "indicator": _(figure.get_indicator_display()),
            "period": _period_label(figure.period),
        },
    )
    return redirect(f"{reverse('dispatch:economy')}?period={figure.period}#figures")


@login_required
@require_POST
def economy_import(request: HttpRequest) -> HttpResponse:
    """An .xlsx of figures (地区代码, 指标, 统计期, 实际值, 目标值, 对标地区代码, 说明): all or nothing,
    each refused cell named by its row and column."""
    user = request_user(request)
    _require_reader(user)
    if not services.may_keep(user):
        raise PermissionDenied(_("只有营商办（专班）和系统管理员可以导入经济指标"))
    form = forms.EconomicImportForm(request.POST, request.FILES)
    form.is_valid()
    upload = form.cleaned_data.get("file")
    if upload is None:
        form.add_error("file", _("请选择要导入的 Excel 文件"))
        return _economy_page(request, user, import_form=form)
    try:
        rows, numbers = _read_figures(upload, upload.name or "")
    except ImportFileError as error:
        form.add_error("file", str(error))
        return _economy_page(request, user, import_form=form)
    try:
        saved = services.economic_figures_import(actor=user, rows=rows, source="import")
    except (NotFound, PermissionDenied):
        raise
    except ValidationFailed as error:
        form.add_error("file", _("表中有误，整表未导入。请改正下列各处后重新导入。"))
        return _economy_page(
            request, user, import_form=form, import_errors=_import_errors(error.errors, numbers)
        )
    messages.success(request, _("已导入 %(n)s 条经济指标") % {"n": f"{len(saved):,}"})
    return redirect(
        reverse("dispatch:economy") + (f"?period={saved[0].period}" if saved else "") + "#figures"
    )


def _read_figures(stream: Any, filename: str) -> tuple[list[services.EconomicFigureData], list[int]]:
    """The sheet's rows as the service takes them, and each one's row number in the sheet (the
    service numbers rows from 2 in order; blank rows skipped by the reader would shift them)."""
    header, body = read_table(stream, filename)
    columns = {normalise_header(name): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            _("表头缺少：%(columns)s。第1行应为：%(all)s")
            % {"columns": "、".join(missing), "all": "、".join(IMPORT_COLUMNS)}
        )
    codes = _indicator_codes()
    rows: list[services.EconomicFigureData] = []
    numbers: list[int] = []
    for number, cells in body:
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ImportFileError(_("一次最多导入 %(n)s 行，请分批导入") % {"n": f"{MAX_IMPORT_ROWS:,}"})
        values = {
            field: _sheet_text(cells[columns[column]]) if columns.get(column, len(cells)) < len(cells) else ""
            for column, field in IMPORT_COLUMNS.items()
        }
        indicator = values["indicator"]
        values["indicator"] = codes.get(normalise_header(indicator), codes.get(indicator, indicator))
        rows.append(services.EconomicFigureData(**values))
        numbers.append(number)
    return rows, numbers


def _import_errors(errors: list[FieldError], numbers: list[int]) -> list[dict[str, str]]:
    """Each refusal as row, column and message; the service's 第N行 (its own count from 2) read
    back as the sheet's row."""
    found = []
    for error in errors:
        head, _dot, name = error.field.partition(".")
        row = ""
        if head.startswith("第") and head.endswith("行"):
            try:
                position = int(head[1:-1]) - 2
                row = str(numbers[position]) if 0 <= position < len(numbers) else head[1:-1]
            except ValueError:
                row = head
        message = error.message
        if name == "" and "与第" in message:
            # 与第3行重复: the other row's number in the sheet too.
            try:
                other = int(message.split("第")[1].split("行")[0]) - 2
                message = message.replace(f"第{other + 2}行", _("第%(n)s行") % {"n": numbers[other]})
            except (ValueError, IndexError):
                pass
        found.append(
            {"row": row, "column": _(FIELD_COLUMNS.get(name, "")) if name else "", "message": message}
        )
    return found


@login_required
def economy_template(request: HttpRequest) -> HttpResponse:
    """The sheet to fill in: its columns, an example per indicator for the jurisdiction's last
    month, and the indicators with their codes and units."""
    user = request_user(request)
    _require_reader(user)
    region = user.region_id or ""
    period = Period.relative_to("last_month", timezone.localdate()).key
    book = Spreadsheet()
    sheet = book.sheet("经济指标", widths=[12, 26, 12, 12, 12, 14, 30], freeze="A2")
    sheet.append(Styled(name, bold=True) for name in IMPORT_COLUMNS)
    for _code, label in Indicator.choices:
        sheet.append([region, label, period, None, None, "", ""])
    notes = book.sheet("填写说明", widths=[28, 22, 10])
    notes.append([Styled("指标", bold=True), Styled("指标代码", bold=True), Styled("单位", bold=True)])
    for code, label in Indicator.choices:
        notes.append([label, code, indicator_unit(code)])
    notes.append([])
    for line in (
        "统计期：月 2026-10，季度 2026-Q3，年度 2026（累计数按统计部门发布的口径）。",
        "指标写名称或代码均可；实际值、目标值至少填一项，增速填百分数的数值（如 5.2）。",
        "对标地区的数据：地区代码填对标地区，对标地区代码填本地区（与其比较的地区）。",
        "整表导入：任何一行有误都不会写入，错误按行列出。",
    ):
        notes.append([line])
    return office_file(book.to_bytes(), f"经济指标填报模板-{period}.xlsx")
