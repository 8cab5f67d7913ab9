"""Report pages: the inbox with the upload, and a report's review (the text as published with what
cleaning cut struck through, beside what was extracted and how each name matched the registry),
confirmed into a visit or discarded. Thin: reads through selectors, every change through the
services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import (
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleWrite,
    ValidationFailed,
    require,
)
from zhuqi.core.filtersets import page_filter_each
from zhuqi.core.listing import ListPaginator, exact_count_asked, link_for
from zhuqi.core.navigation import page_for
from zhuqi.core.pagination import IdsThenRows
from zhuqi.directory.models import Region, User
from zhuqi.ingest import linking, selectors, services
from zhuqi.ingest.cleaning import MAX_BYTES
from zhuqi.ingest.exporting import MAX_ROWS, export_reports
from zhuqi.ingest.filtersets import ReportFilterSet
from zhuqi.ingest.forms import LEAVE_OUT, DiscardForm, UploadForm, confirm_edits
from zhuqi.ingest.models import Report, ReportKind, ReportStatus
from zhuqi.visits.models import VisitKind
from zhuqi.visits.services import LikelyDuplicate

PAGE_SIZE = 50
LIST_PAGE = "ingest:report-list"

HOW = {
    linking.EXACT: gettext_noop("名称完全一致"),
    linking.SHORT_NAME: gettext_noop("按简称"),
    linking.PINYIN: gettext_noop("按拼音"),
    linking.FUZZY: gettext_noop("名称相近"),
}
YEAR_INFERRED = {
    "published": gettext_noop("年份取自发布日期"),
    "context": gettext_noop("年份取自上文"),  # reports read before the year was left to the person
    "": gettext_noop("年份不明"),
}
REMOVAL_KINDS = {
    "chrome": gettext_noop("网站页眉页脚"),
    "unrelated_list": gettext_noop("无关文章列表"),
    "pinyin": gettext_noop("拼音注音"),
    "spam": gettext_noop("插入的广告"),
    "markup": gettext_noop("网页菜单"),
}
FIELD_LABELS = {
    "kind": gettext_noop("活动类型"),
    "title": gettext_noop("标题"),
    "start_date": gettext_noop("开始日期"),
    "end_date": gettext_noop("结束日期"),
    "status": gettext_noop("状态"),
    "officials": gettext_noop("干部"),
    "enterprises": gettext_noop("企业"),
    "places": gettext_noop("地点"),
    "place_codes": gettext_noop("地点"),
    "projects": gettext_noop("项目"),
    "project_ids": gettext_noop("项目"),
    "cases": gettext_noop("事项"),
    "reason": gettext_noop("舍弃原因"),
    "version": gettext_noop("版本"),
    "instructions": gettext_noop("交办要求"),
    "difficulties": gettext_noop("企业反映的困难"),
}


def day_text(day: datetime.date | None) -> str:
    """A date as a Chinese reader writes it (2022年6月22日); ISO in other languages."""
    if day is None:
        return "—"
    if (get_language() or "zh").startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def _iso(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# The inbox


# The upload's summary, kept in the session from the POST to the inbox it redirects to.
SUMMARY_KEY = "ingest-upload-summary"


def _inbox(
    request: HttpRequest, user: User, *, form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    params = request.GET.copy()
    params.pop("page", None)
    # One FilterSet for the count and the page (the API's list reads the same one); a filter it
    # cannot read is said in a message naming it, and the rest still filter.
    (queryset,) = page_filter_each(request, ReportFilterSet, params, selectors.inbox_queryset(user=user))
    page = ListPaginator(
        IdsThenRows(queryset, selectors.inbox_rows()),
        PAGE_SIZE,
        counted=queryset,
        exact=exact_count_asked(request),
    ).get_page(request.GET.get("page"))
    link = link_for("ingest:report-detail")
    rows = [
        {
            "id": report.pk,
            "link": link(report.pk),
            "title": report.title or report.source_label,
            "source": report.source_label,
            "source_address": report.source_address,
            "published": day_text(report.published_on),
            "kind": _(ReportKind(report.kind).label),
            "lead": "、".join(
                name for i in range(selectors.ROW_LEADS) if (name := getattr(report, f"lead_{i}", None))
            )
            or "—",
            "status": report.status,
            "status_label": _(ReportStatus(report.status).label),
            "merged": report.merged,
            "region": report.region.name,
            "region_code": report.region_id,
        }
        for report in page.object_list
    ]
    status_value = params.get("status", "")
    others = params.copy()
    others.pop("status", None)
    tab_base = others.urlencode()
    context = {
        "page": page,
        "rows": rows,
        "status": status_value if status_value in ReportStatus.values else "",
        "statuses": [(value, _(label)) for value, label in ReportStatus.choices],
        "kinds": [(value, _(label)) for value, label in ReportKind.choices],
        "filters": params,
        "tab_base": tab_base + "&" if tab_base else "",
        "all_link": f"?{tab_base}" if tab_base else "",
        "querystring_base": params.urlencode() + "&" if params else "",
        "export_query": params.urlencode(),
        "may_ingest": services.may_ingest(user),
        "form": form or UploadForm(),
        "summary": request.session.pop(SUMMARY_KEY, None) if form is None else None,
    }
    return render(request, "ingest/list.html", context, status=status)


@login_required
@page_for(LIST_PAGE)
def report_list(request: HttpRequest) -> HttpResponse:
    return _inbox(request, request_user(request))


@login_required
@page_for(LIST_PAGE)
def report_export(request: HttpRequest) -> HttpResponse:
    """The inbox as filtered, in Excel: the reader's reports through the page's FilterSet. A
    filter it cannot read sends the person back to the inbox with the same query, where the page
    names it (a sheet filtered by the rest would not be the list asked for)."""
    params = request.GET.copy()
    params.pop("page", None)
    filterset = ReportFilterSet(params, queryset=selectors.inbox_queryset(user=request_user(request)))
    inbox = f"{reverse(LIST_PAGE)}?{params.urlencode()}" if params else reverse(LIST_PAGE)
    if not filterset.is_valid():
        return redirect(inbox)
    reports = filterset.qs
    if reports.count() > MAX_ROWS:
        messages.error(request, _("导出超过 %(max)s 行，请先筛选") % {"max": MAX_ROWS})
        return redirect(inbox)
    body = export_reports(selectors.inbox_rows(reports).iterator(chunk_size=2000))
    return office_file(body, f"报道-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


def _entry(name: str, report: Report) -> dict[str, Any]:
    """A report of the upload's summary, as the session keeps it (JSON)."""
    return {
        "name": name,
        "id": report.pk,
        "title": report.title or report.source_label,
        "duplicate_of": report.duplicate_of_id,
    }


@login_required
@page_for(LIST_PAGE)
@require_POST
def report_upload(request: HttpRequest) -> HttpResponse:
    """Each file (and the pasted text) read into a draft on its own: a refused one is named with
    its reason and the rest still go through. Answered with a redirect to the inbox, which shows
    the summary once (kept in the session meanwhile); a form with neither a file nor text is
    shown again with its error."""
    user = request_user(request)
    require(services.may_ingest(user), _("只有营商办（专班）和系统管理员可以导入报道"))
    form = UploadForm(request.POST, request.FILES)
    form.is_valid()
    values = form.cleaned_data
    files = values.get("uploads") or []
    text = (values.get("text") or "").strip()
    if not files and not text:
        form.add_error("uploads", _("请选择报道文件，或粘贴报道全文"))
    if form.errors:
        return _inbox(request, user, form=form, status=400)
    inputs: list[tuple[str, Any, str]] = [
        (upload.name or "", upload.read(MAX_BYTES + 1), "file") for upload in files
    ]
    if text:
        inputs.append(("", text, "text"))
    drafts: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    refusals: list[dict[str, str]] = []
    for name, raw, field in inputs:
        shown = name or _("粘贴的文字")
        try:
            report = services.report_ingest(
                actor=user,
                raw=raw,
                filename=name,
                published_on=values.get("published_on"),
                source_address=values.get("source_address") or "",
                input_field=field,
                source="web",
            )
        except (NotFound, PermissionDenied):
            raise
        except ValidationFailed as refused:
            refusals.append({"name": shown, "reason": "；".join(e.message for e in refused.errors)})
            continue
        except ServiceError as refused:
            refusals.append({"name": shown, "reason": refused.message})
            continue
        (duplicates if report.status == ReportStatus.DUPLICATE else drafts).append(_entry(shown, report))
    request.session[SUMMARY_KEY] = {"drafts": drafts, "duplicates": duplicates, "refusals": refusals}
    return redirect(LIST_PAGE)


# ---------------------------------------------------------------------------------------------
# The review


def _segments(report: Report) -> list[dict[str, Any]]:
    """The text as published in pieces: kept text, and each removal struck through in place (a
    page's menus dropped with nothing to show become a note)."""
    text = report.original_text
    pieces: list[dict[str, Any]] = []
    at = 0
    removals = sorted(report.removals or [], key=lambda r: (int(r.get("start", 0)), int(r.get("end", 0))))
    for removal in removals:
        start, end = int(removal.get("start", 0)), int(removal.get("end", 0))
        start, end = max(start, at), min(max(end, start), len(text))
        if start > at:
            pieces.append({"text": text[at:start]})
        kind = removal.get("kind", "")
        label = _(REMOVAL_KINDS.get(kind, "去除的内容"))
        cut = text[start:end] if end > start else ""
        if not cut and kind == "markup":
            pieces.append({"note": _("此处去除了网页的菜单和导航"), "reason": removal.get("reason", "")})
        elif cut:
            pieces.append({"removed": cut, "kind": kind, "label": label, "reason": removal.get("reason", "")})
        at = max(at, end)
    if at < len(text):
        pieces.append({"text": text[at:]})
    return pieces


def _region_names(links: dict[str, Any]) -> dict[str, str]:
    codes = {
        str(candidate.get("region") or "")
        for group in links.values()
        if isinstance(group, list)
        for link in group
        if isinstance(link, dict)
        for candidate in link.get("candidates", [])
    }
    codes |= {
        str(candidate.get("id"))
        for link in links.get("places", [])
        for candidate in link.get("candidates", [])
    }
    codes.discard("")
    return dict(Region.objects.filter(pk__in=codes).values_list("code", "name")) if codes else {}


def _posts(report: Report) -> dict[str, list[str]]:
    found = report.extraction
    return {
        person["name"]: list(person.get("posts") or [])
        for key in ("other_officials", "lead_officials")
        for person in found.get(key, [])
    }


def _record_url(kind: str, pk: Any) -> str:
    if kind == "enterprises":
        return reverse("enterprise-detail", args=[pk])
    if kind == "projects":
        return reverse("project-detail", args=[pk])
    if kind == "officials":
        return reverse("visit-list") + f"?official={pk}"
    return ""


def _mention(
    kind: str, index: int, link: dict[str, Any], regions: dict[str, str], posted: Any
) -> dict[str, Any]:
    status = link.get("status", linking.NEW)
    candidates = [
        {
            "id": candidate["id"],
            "name": candidate.get("name", ""),
            "region": regions.get(str(candidate.get("region") or ""), ""),
            "how": _(HOW.get(candidate.get("how", ""), "")),
            "score": round(float(candidate.get("score") or 0)),
            "url": _record_url(kind, candidate["id"]),
        }
        for candidate in link.get("candidates", [])
    ]
    name = f"{kind[:-1]}-{index}"
    default = str(candidates[0]["id"]) if status == linking.MATCHED and candidates else ""
    if status == linking.NEW:
        default = LEAVE_OUT
    chosen = posted.get(name, default) if posted is not None else default
    proposal = link.get("proposal") or {}

    def kept(suffix: str) -> str:
        return str(posted.get(f"{name}-{suffix}", "") or "") if posted is not None else ""

    return {
        "field": name,
        "mention": link.get("mention", ""),
        "status": status,
        "lead": bool(link.get("lead")),
        "candidates": candidates,
        "match": candidates[0] if status == linking.MATCHED and candidates else None,
        "proposal": proposal,
        "chosen": str(chosen),
        # A "new" one: recorded on confirm when the person says so (an official ticked with a
        # post, an enterprise given its code); what they posted is kept on the page.
        "new": bool(kept("new")),
        "department": kept("department"),
        "title": kept("title"),
        "uscc": kept("uscc"),
    }


def _draft_fields(report: Report, posted: Any = None) -> dict[str, Any]:
    """The review's model of the report: every extracted field with its registry matches, in the
    order the confirmation form posts them."""
    found, links = report.extraction or {}, report.links or {}
    regions = _region_names(links)
    posts = _posts(report)
    officials = [
        _mention("officials", i, link, regions, posted) for i, link in enumerate(links.get("officials", []))
    ]
    for official in officials:
        official["posts"] = posts.get(official["mention"], [])
        if posted is None and official["posts"]:
            official["title"] = official["posts"][0]  # the first post written, to be corrected
    enterprises = [
        _mention("enterprises", i, link, regions, posted)
        for i, link in enumerate(links.get("enterprises", []))
    ]
    chosen_places = posted.getlist("places") if posted is not None else None
    places = []
    for link in links.get("places", []):
        for candidate in link.get("candidates", []):
            code = str(candidate["id"])
            default = link.get("status") == linking.MATCHED
            places.append(
                {
                    "code": code,
                    "name": regions.get(code, candidate.get("name", "")),
                    "mention": link.get("mention", ""),
                    "checked": code in chosen_places if chosen_places is not None else default,
                }
            )
    if report.region_id and report.region_id not in {p["code"] for p in places}:
        places.insert(
            0,
            {
                "code": report.region_id,
                "name": report.region.name,
                "mention": _("报道所属地区"),
                "checked": report.region_id in chosen_places if chosen_places is not None else True,
            },
        )
    unmatched_places = [
        link.get("mention", "") for link in links.get("places", []) if link.get("status") == linking.NEW
    ]
    chosen_projects = posted.getlist("projects") if posted is not None else None
    projects = []
    new_projects = []
    for link in links.get("projects", []):
        if link.get("status") == linking.NEW or not link.get("candidates"):
            new_projects.append(link.get("mention", ""))
            continue
        for candidate in link["candidates"]:
            pk = str(candidate["id"])
            default = link.get("status") == linking.MATCHED
            projects.append(
                {
                    "id": pk,
                    "name": candidate.get("name", ""),
                    "mention": link.get("mention", ""),
                    "url": _record_url("projects", pk),
                    "checked": pk in chosen_projects if chosen_projects is not None else default,
                    "ambiguous": link.get("status") == linking.AMBIGUOUS,
                }
            )
    matched_enterprises = {e["mention"]: int(e["match"]["id"]) for e in enterprises if e["match"] is not None}
    auto = services._difficulty_enterprises(report, matched_enterprises)
    instructions = [
        {
            "field": f"instruction-{i}",
            "text": posted.get(f"instruction-{i}", text) if posted is not None else text,
            "keep": bool(posted.get(f"instruction-{i}-keep")) if posted is not None else True,
        }
        for i, text in enumerate(found.get("instructions", []))
    ]
    enterprise_options = _enterprise_options(enterprises)
    difficulties = []
    for i, text in enumerate(found.get("difficulties", [])):
        guessed = next((d.enterprise_id for d in auto if d.text == text), None)
        default = str(guessed) if guessed else ""
        difficulties.append(
            {
                "field": f"difficulty-{i}",
                "text": posted.get(f"difficulty-{i}", text) if posted is not None else text,
                "keep": bool(posted.get(f"difficulty-{i}-keep")) if posted is not None else True,
                "enterprise": posted.get(f"difficulty-{i}-enterprise", default)
                if posted is not None
                else default,
            }
        )
    kind = VISIT_KIND_OF.get(report.kind, "")
    start, end = _iso(found.get("start")), _iso(found.get("end"))
    start_day = found.get("start_day") or {}
    return {
        "kind": posted.get("kind", kind) if posted is not None else kind,
        "title": posted.get("title", report.title) if posted is not None else report.title,
        "start_date": posted.get("start_date", "")
        if posted is not None
        else (start.isoformat() if start else ""),
        "end_date": posted.get("end_date", "") if posted is not None else (end.isoformat() if end else ""),
        "start_text": day_text(start) if start else _written_day(start_day),
        "end_text": day_text(end) if end and end != start else "",
        "year_note": _(YEAR_INFERRED[found.get("year_source", "")])
        if found.get("year_source", "") in YEAR_INFERRED and (start or start_day)
        else "",
        "officials": officials,
        "enterprises": enterprises,
        "enterprise_options": enterprise_options,
        "places": places,
        "unmatched_places": unmatched_places,
        "projects": projects,
        "new_projects": new_projects,
        "instructions": instructions,
        "difficulties": difficulties,
    }


VISIT_KIND_OF = {str(key): str(value) for key, value in services.VISIT_KINDS.items()}


def _written_day(day: dict[str, Any]) -> str:
    if not day:
        return "—"
    return _("%(month)s月%(day)s日（未写年份）") % {"month": day.get("month"), "day": day.get("day")}


def _enterprise_options(enterprises: list[dict[str, Any]]) -> list[tuple[str, str]]:
    options: dict[str, str] = {}
    for enterprise in enterprises:
        for candidate in enterprise["candidates"]:
            if enterprise["status"] == linking.MATCHED or enterprise["chosen"] == str(candidate["id"]):
                options[str(candidate["id"])] = candidate["name"]
    return list(options.items())


# The departments offered for a new official's post: a county's and its city's and province's,
# and the actor's own jurisdiction's, by region then name.
DEPARTMENT_OPTIONS = 500


def _department_options(user: User, report: Report) -> list[tuple[str, str]]:
    departments = (
        services.post_departments(user, report)
        .select_related("region")
        .order_by("region_id", "name", "id")
        .only("id", "name", "region__name")[:DEPARTMENT_OPTIONS]
    )
    return [(str(d.pk), f"{d.name}（{d.region.name}）") for d in departments]


def _field_label(field: str) -> str:
    head, _dot, rest = field.partition(".")
    label = _(FIELD_LABELS.get(head, head or "提交"))
    if head in ("officials", "enterprises") and rest:
        return f"{label}“{rest}”"
    if rest:
        return f"{label}（{rest}）"
    return label


def _review(
    request: HttpRequest,
    report: Report,
    *,
    posted: Any = None,
    errors: list[str] | None = None,
    duplicates: list[Any] | None = None,
    discard: DiscardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    may_act = services.may_ingest(user) and report.status == ReportStatus.DRAFT
    merged = list(
        selectors.report_queryset(user=user)
        .filter(duplicate_of=report)
        .select_related(None)
        .order_by("id")
        .only("id", "title", "source")
    )
    draft = _draft_fields(report, posted)
    context: dict[str, Any] = {
        "report": report,
        "status_label": _(ReportStatus(report.status).label),
        "kind_label": _(ReportKind(report.kind).label),
        "published": day_text(report.published_on),
        "segments": _segments(report),
        "draft": draft,
        "visit_kinds": [(value, _(label)) for value, label in VisitKind.choices],
        "may_act": may_act,
        "may_ingest": services.may_ingest(user),
        "errors": errors or [],
        "likely_duplicates": duplicates or [],
        "discard_form": discard or DiscardForm(initial={"version": report.version}),
        "merged": merged,
        "leave_out": LEAVE_OUT,
        "removed_count": len(report.removals or []),
    }
    if may_act and any(o["status"] == linking.NEW for o in draft["officials"]):
        context["departments"] = _department_options(user, report)
    return render(request, "ingest/detail.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(user=request_user(request), report_id=report_id)
    return _review(request, report)


@login_required
@require_POST
def report_confirm(request: HttpRequest, report_id: int) -> HttpResponse:
    user = request_user(request)
    report = selectors.report_get(user=user, report_id=report_id)
    draft = _draft_fields(report)
    try:
        version, edits = confirm_edits(request.POST, draft)
        confirmed = services.report_confirm(
            actor=user, report_id=report.pk, expected_version=version, edits=edits, source="web"
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except StaleWrite as stale:
        messages.error(request, stale.message)
        return redirect("ingest:report-detail", report_id=report.pk)
    except LikelyDuplicate as duplicate:
        return _review(
            request, report, posted=request.POST, errors=[duplicate.message], duplicates=duplicate.visits
        )
    except ValidationFailed as failure:
        lines = [f"{_field_label(e.field)}：{e.message}" for e in failure.errors]
        return _review(request, report, posted=request.POST, errors=lines)
    except ServiceError as refusal:
        return _review(request, report, posted=request.POST, errors=[refusal.message])
    messages.success(
        request,
        _("已确认：调研走访已登记，%(n)s 件交办事项和企业诉求已进入办理流程") % {"n": len(confirmed.cases)},
    )
    return redirect("visit-detail", visit_id=confirmed.visit.pk)


@login_required
@require_POST
def report_discard(request: HttpRequest, report_id: int) -> HttpResponse:
    user = request_user(request)
    report = selectors.report_get(user=user, report_id=report_id)
    form = DiscardForm(request.POST)
    form.is_valid()
    try:
        services.report_discard(
            actor=user,
            report_id=report.pk,
            expected_version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason") or "",
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise
    except StaleWrite as stale:
        messages.error(request, stale.message)
        return redirect("ingest:report-detail", report_id=report.pk)
    except ValidationFailed as failure:
        form.add_service_errors(failure.errors)
        return _review(request, report, discard=form)
    except ServiceError as refusal:
        return _review(request, report, errors=[refusal.message])
    messages.success(request, _("已舍弃这篇报道"))
    return redirect("ingest:report-detail", report_id=report.pk)
