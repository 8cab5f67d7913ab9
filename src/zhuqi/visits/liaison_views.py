"""Liaison work on the web: a liaison officer's workbench (我的企业), the one-minute log on a phone,
the month-end report generated from the log, and the coverage page (包联覆盖).

The log writes through visits.services.visit_create, like the visit form and the API: one write
path. What the platform knows (who is logging, the enterprise's region, today) is never asked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.cases import selectors as case_selectors
from zhuqi.core.auth import request_user
from zhuqi.core.downloads import office_file
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.navigation import page_for
from zhuqi.core.pagination import LazyPage
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.spreadsheets import Spreadsheet
from zhuqi.core.textlimits import limit, shortened
from zhuqi.core.uploads import check_uploads
from zhuqi.core.validators import parse_id
from zhuqi.directory.models import Official, User
from zhuqi.visits import coverage, liaison, services
from zhuqi.visits.documents import liaison_report
from zhuqi.visits.forms import LiaisonLogForm
from zhuqi.visits.models import Visit, VisitKind
from zhuqi.visits.services import Attendance, SaidThere, VisitData

LOG_KINDS = [(VisitKind.LIAISON.value, "走访"), (VisitKind.CALL.value, "电话联系")]


def _own_official(user: User) -> Official | None:
    return Official.objects.filter(pk=user.official_id).first() if user.official_id else None


@login_required
@page_for("liaison-workbench")
def liaison_workbench(request: HttpRequest) -> HttpResponse:
    """我的企业: overdue first, then those behind this month's duty."""
    user = request_user(request)
    today = timezone.localdate()
    official = _own_official(user)
    bench = liaison.liaison_workbench(user, official, today)
    return render(
        request,
        "visits/liaison_workbench.html",
        {
            "bench": bench,
            "official": official,
            "may_log": official is not None and services.may_record(user, VisitKind.LIAISON),
            "this_month": bench.month.key,
            "last_month": bench.month.previous().key,
            "definitions": coverage.DEFINITIONS,
        },
    )


# ---------------------------------------------------------------------------------------------
# The quick log


@dataclass
class DemandRow:
    title: str = ""
    category: str = ""
    description: str = ""


@dataclass
class PostedLog:
    enterprise: str = ""
    kind: str = VisitKind.LIAISON.value
    start_date: str = ""
    no_problems: bool = False
    summary: str = ""
    demands: list[DemandRow] = field(default_factory=list)


def _read_log(form: LiaisonLogForm) -> PostedLog:
    data = form.cleaned_data
    titles, categories = data["demand_title"], data["demand_category"]
    descriptions = data["demand_description"]
    rows = [
        DemandRow(
            title=title.strip(),
            category=categories[i] if i < len(categories) else "",
            description=(descriptions[i] if i < len(descriptions) else "").strip(),
        )
        for i, title in enumerate(titles)
    ]
    return PostedLog(
        enterprise=data.get("enterprise", ""),
        kind=data.get("kind", ""),
        start_date=data.get("start_date", ""),
        no_problems=data["no_problems"],
        summary=data.get("summary", ""),
        # A row left empty is no demand (the page always offers one).
        demands=[row for row in rows if row.title or row.category or row.description],
    )


def _log_context(
    user: User, assignments: list[Any], posted: PostedLog, errors: list[FieldError]
) -> dict[str, Any]:
    form = LiaisonLogForm()
    return {
        "assignments": assignments,
        "posted": posted,
        # One empty row is always there to type into; more are added in the page.
        "demand_rows": [*posted.demands, DemandRow()],
        "errors": [(form.label_of(e.field), e.message) for e in errors],
        "kinds": LOG_KINDS,
        "categories": case_selectors.category_tree(active_only=True),
        "today": timezone.localdate(),
    }


@login_required
def liaison_log(request: HttpRequest) -> HttpResponse:
    """Pick the enterprise, visit or call, 无问题 or the demands, an optional photo: saved."""
    user = request_user(request)
    today = timezone.localdate()
    official = _own_official(user)
    if official is None or not services.may_record(user, VisitKind.LIAISON):
        messages.error(request, _("您的账号没有关联包联干部，不能记录走访"))
        return redirect("liaison-workbench")
    assignments = list(liaison.current_assignments(user=user, official=official, on=today))
    if request.method != "POST":
        wanted = request.GET.get("enterprise", "")
        posted = PostedLog(start_date=today.isoformat(), enterprise=wanted)
        if len(assignments) == 1:
            posted.enterprise = str(assignments[0].enterprise_id)
        return render(request, "visits/liaison_log.html", _log_context(user, assignments, posted, []))

    form = LiaisonLogForm(request.POST, request.FILES)
    form.is_valid()  # every field takes what is posted: the checks below and the service judge it
    posted = _read_log(form)
    errors: list[FieldError] = []
    enterprises = {a.enterprise_id: a.enterprise for a in assignments}
    enterprise = enterprises.get(parse_id(posted.enterprise) or 0)
    if enterprise is None:
        errors.append(FieldError("enterprise", "请选择您包联的企业"))
    if posted.kind not in dict(LOG_KINDS):
        errors.append(FieldError("kind", "请选择走访或电话联系"))
    try:
        day = datetime.date.fromisoformat(posted.start_date) if posted.start_date else today
    except ValueError:
        errors.append(FieldError("start_date", f"“{posted.start_date}”不是日期（YYYY-MM-DD）"))
        day = today
    if day > today:
        errors.append(FieldError("start_date", "不能记录尚未发生的走访"))
    for index, row in enumerate(posted.demands, start=1):
        if not row.title:
            errors.append(FieldError(f"cases.{index}.title", "请填写诉求内容"))
        if parse_id(row.category) is None:
            errors.append(FieldError(f"cases.{index}.category", "请选择诉求类别"))
    photos = request.FILES.getlist("photo")
    errors += check_uploads(photos)
    if not errors:
        assert enterprise is not None
        verb = "走访" if posted.kind == VisitKind.LIAISON else "电话联系"
        try:
            result = services.visit_create(
                actor=user,
                data=VisitData(
                    kind=posted.kind,
                    # Generated, so made to fit (an enterprise's name may be 200 characters).
                    title=shortened(f"{verb}{enterprise.display_name}", limit(Visit, "title")),
                    start_date=day,
                    lead_official_ids=[official.pk],
                    attendance=[Attendance(enterprise_id=enterprise.pk)],
                    summary=posted.summary,
                    no_problems=posted.no_problems,
                ),
                said=[
                    SaidThere(
                        kind="demand",
                        title=row.title,
                        description=row.description,
                        category_id=parse_id(row.category),
                        enterprise_id=enterprise.pk,
                    )
                    for row in posted.demands
                ],
                attachments=photos,
                source="web",
                confirm_duplicate=form.cleaned_data.get("confirm_duplicate") == "1",
            )
        except services.LikelyDuplicate as duplicate:
            context = _log_context(user, assignments, posted, [])
            context["duplicates"] = duplicate.visits
            context["photo_dropped"] = bool(photos)
            return render(request, "visits/liaison_log.html", context, status=409)
        except ValidationFailed as failure:
            errors = failure.errors
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as refusal:
            errors = [FieldError("", refusal.message)]
        else:
            message = _("已记录：%(title)s") % {"title": result.visit.title}
            if result.cases:
                message += _("；%(n)s 条诉求已提交办理") % {"n": len(result.cases)}
            messages.success(request, message)
            return redirect("liaison-workbench")
    return render(
        request, "visits/liaison_log.html", _log_context(user, assignments, posted, errors), status=400
    )


# ---------------------------------------------------------------------------------------------
# The month-end report


@login_required
def liaison_report_document(request: HttpRequest, month: str) -> HttpResponse:
    """The month's report of the logged-in officer, generated from the log (never typed)."""
    user = request_user(request)
    official = _own_official(user)
    if official is None:
        raise PermissionDenied()
    try:
        chosen = Period.parse(month, kind=PeriodKind.MONTH, field_name="month")
    except ValidationFailed:
        raise Http404 from None
    log = liaison.month_log(official, chosen, user=user)
    return office_file(liaison_report(log), f"{official.name}-{chosen.key}-包联走访报告.docx")


# ---------------------------------------------------------------------------------------------
# Coverage


COVERAGE_COLUMNS = [
    ("单位", 28),
    ("包联关系", 10),
    ("完成职责", 10),
    ("完成率(%)", 10),
    ("包联企业", 10),
    ("90天未走访企业", 14),
    ("包联干部", 10),
    ("走访次数", 10),
    ("人均走访", 10),
]


def _coverage_values(row: coverage.CoverageRow) -> list[Any]:
    return [
        row.name,
        row.assignments,
        row.on_target,
        row.on_target_share,
        row.enterprises,
        row.quiet_enterprises,
        row.officials,
        row.visits,
        row.visits_per_official,
    ]


def _coverage_workbook(result: coverage.Coverage, quiet: Any) -> bytes:
    workbook = Spreadsheet()
    sheet = workbook.sheet("包联覆盖")
    title = f"包联覆盖情况 {result.month.label}（统计至 {result.reference_date}，按{BY_LABELS[result.by]}）"
    sheet.append([title])
    header = [("地区" if result.by == "region" else "部门")] + [c for c, _ in COVERAGE_COLUMNS[1:]]
    sheet.append(header)
    for row in result.rows:
        sheet.append(_coverage_values(row))
    sheet.append(_coverage_values(result.total))
    sheet.append([])
    for key, text in coverage.DEFINITIONS.items():
        sheet.append([DEFINITION_LABELS.get(key, key), text])
    quiet_sheet = workbook.sheet("90天未走访企业")
    quiet_sheet.append(["企业名称", "统一社会信用代码", "所在地区", "最近一次走访"])
    for enterprise in quiet.iterator(chunk_size=2000):
        quiet_sheet.append(
            [enterprise.name, enterprise.uscc, enterprise.region.name, enterprise.last_visit or "从未走访"]
        )
    return workbook.to_bytes()


class _Counted(LazyPage):
    def __init__(self, queryset: Any, count: int) -> None:
        super().__init__(queryset)
        self._count = count

    def count(self) -> int:
        return self._count


BY_LABELS = {"department": "部门", "region": "地区"}
DEFINITION_LABELS = {
    "assignments": "包联关系",
    "on_target": "完成率",
    "quiet_enterprises": "90天未走访企业",
    "visits_per_official": "人均走访",
    "overdue": "逾期未走访",
    "last_visit": "最近走访",
}


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not coverage.may_see_coverage(user):
        raise PermissionDenied(coverage.COVERAGE_REFUSED)
    today = timezone.localdate()
    errors: list[FieldError] = []
    month_text = request.GET.get("month", "").strip()
    try:
        month = (
            Period.parse(month_text, kind=PeriodKind.MONTH, field_name="month")
            if month_text
            else Period.containing(PeriodKind.MONTH, today)
        )
    except ValidationFailed as failure:
        errors += failure.errors
        month = Period.containing(PeriodKind.MONTH, today)
    by = request.GET.get("by", "department")
    if by not in coverage.BY_CHOICES:
        by = "department"
    result = coverage.coverage_figures(user, month, by, today=today)
    quiet = coverage.quiet_enterprises(user, result.reference_date, in_force_from=month.start)
    if request.GET.get("export") == "xlsx":
        return office_file(_coverage_workbook(result, quiet), f"coverage-{month.key}-{by}.xlsx")
    for error in errors:
        messages.error(request, f"{error.message}")
    # The list is the figure's quiet enterprises, so the figure is its count (no second count).
    rows: Any = _Counted(quiet, result.total.quiet_enterprises)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/coverage.html",
        {
            "result": result,
            "month": month,
            "by": by,
            "by_labels": BY_LABELS,
            "page": page,
            "querystring_base": f"month={month.key}&by={by}&",
            "definitions": [(DEFINITION_LABELS[k], v) for k, v in coverage.DEFINITIONS.items()],
        },
    )
