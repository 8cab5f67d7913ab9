"""The pages where an enterprise (on its phone) or its liaison officer reports for a campaign:
我的报送 (each campaign and enterprise the user reports for, this period's deadline and whether
reported), the report form of one enterprise for one period, the page saying a report was received,
and one enterprise's history in a campaign. Thin: reads through the selectors, the one write
through services.report_submit, whose refusals are put back beside the question they name."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError, StaleWrite, ValidationFailed
from zhuqi.core.navigation import page_for
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.taskforces import reportforms, selectors, services
from zhuqi.taskforces.models import (
    Campaign,
    CampaignEnterprise,
    CampaignReport,
    CampaignStatus,
)
from zhuqi.taskforces.report_forms import CampaignReportForm

# How many earlier periods not yet reported the form offers (two months of a daily campaign).
PERIODS_OFFERED = 62
# The rows of 我的报送 (a liaison officer's enterprises in every campaign) and of the workbench's panel.
MAX_ROWS = 300
PANEL_CAMPAIGNS = 5
HISTORY_PAGE = 31

# A period's state for one enterprise.
REPORTED, DUE, LATE, UPCOMING = "reported", "due", "late", "upcoming"
STATE_LABELS = {
    REPORTED: gettext_noop("已报送"),
    DUE: gettext_noop("待报送"),
    LATE: gettext_noop("逾期"),
    UPCOMING: gettext_noop("未开始"),
}
STATE_BADGES = {REPORTED: "green", DUE: "amber", LATE: "red", UPCOMING: ""}


def _first_period(campaign: Campaign) -> Period:
    return Period.containing(campaign.period_kind, campaign.starts_on)


def _state(report: CampaignReport | None, deadline: datetime.datetime | None, now: datetime.datetime) -> str:
    if report is not None:
        return REPORTED
    if deadline is None:
        return UPCOMING
    return LATE if now > deadline else DUE


# ---------------------------------------------------------------------------------------------
# 我的报送 and the workbench's panel


@dataclass
class ReportingRow:
    enrolment: CampaignEnterprise
    report: CampaignReport | None
    state: str
    # Earlier periods this enterprise has not reported (补报).
    missed: int = 0

    @property
    def state_label(self) -> str:
        return _(STATE_LABELS[self.state])

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]


@dataclass
class ReportingGroup:
    campaign: Campaign
    period: Period | None
    deadline: datetime.datetime | None
    rows: list[ReportingRow] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(1 for row in self.rows if row.state == REPORTED)


def reporting_rows(
    user: User, *, now: datetime.datetime | None = None, limit: int = MAX_ROWS
) -> list[ReportingGroup]:
    """The campaigns the user reports for, each with this period, its deadline and, per
    enterprise (an enterprise account: its own; a liaison officer: each one assigned), whether it
    was reported. Three queries whatever the number of rows. Other roles report from the
    campaign's own pages: none here."""
    if user.role not in (Role.ENTERPRISE, Role.LIAISON):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    running = selectors.campaign_queryset(user=user).filter(status=CampaignStatus.ACTIVE)
    enrolments = list(
        CampaignEnterprise.objects.filter(selectors.row_scope_q(user), campaign__in=running.values("pk"))
        .select_related("campaign", "campaign__task_force", "enterprise")
        .order_by("-campaign__starts_on", "campaign_id", "enterprise__name")[:limit]
    )
    groups: dict[int, ReportingGroup] = {}
    for enrolment in enrolments:
        campaign = enrolment.campaign
        if campaign.pk not in groups:
            period = selectors.current_period(campaign, today)
            deadline = services.period_deadline(campaign, period) if period is not None else None
            groups[campaign.pk] = ReportingGroup(campaign=campaign, period=period, deadline=deadline)
    if not groups:
        return []
    enterprise_ids = {e.enterprise_id for e in enrolments}
    this_period = Q(pk__in=[])
    for group in groups.values():
        if group.period is not None:
            this_period |= Q(campaign_id=group.campaign.pk, period_start=group.period.start)
    reports = {
        (r.campaign_id, r.enterprise_id): r
        for r in CampaignReport.objects.filter(this_period, enterprise_id__in=enterprise_ids).select_related(
            "case"
        )
    }
    made = {
        (row["campaign_id"], row["enterprise_id"]): row["n"]
        for row in CampaignReport.objects.filter(campaign_id__in=groups, enterprise_id__in=enterprise_ids)
        .order_by()
        .values("campaign_id", "enterprise_id")
        .annotate(n=Count("pk"))
    }
    before = {
        pk: (len(selectors.periods_so_far(g.campaign, g.period.end)) - 1 if g.period is not None else 0)
        for pk, g in groups.items()
    }
    for enrolment in enrolments:
        group = groups[enrolment.campaign_id]
        key = (enrolment.campaign_id, enrolment.enterprise_id)
        report = reports.get(key)
        earlier = made.get(key, 0) - (1 if report is not None else 0)
        group.rows.append(
            ReportingRow(
                enrolment=enrolment,
                report=report,
                state=_state(report, group.deadline, now),
                missed=max(before[enrolment.campaign_id] - earlier, 0),
            )
        )
    return list(groups.values())


def reporting_panel(user: User) -> dict[str, Any] | None:
    """The workbench's 专项行动报送 panel: a line per campaign (this period, its deadline, how many
    of the user's enterprises have reported, are due or late), or None when the user reports for
    no campaign."""
    groups = reporting_rows(user)
    if not groups:
        return None
    lines = []
    for group in groups[:PANEL_CAMPAIGNS]:
        states = [row.state for row in group.rows]
        single = group.rows[0] if len(group.rows) == 1 else None
        lines.append(
            {
                "group": group,
                "single": single,
                "due": states.count(DUE),
                "late": states.count(LATE),
            }
        )
    return {
        "lines": lines,
        "more": len(groups) > PANEL_CAMPAIGNS,
        "waiting": sum(1 for g in groups for r in g.rows if r.state in (DUE, LATE)),
    }


@login_required
@require_GET
@page_for("reporting-list")
def reporting_list(request: HttpRequest) -> HttpResponse:
    """我的报送."""
    user = request_user(request)
    groups = reporting_rows(user)
    return render(
        request,
        "taskforces/report_list.html",
        {"groups": groups, "reports_here": user.role in (Role.ENTERPRISE, Role.LIAISON)},
    )


# ---------------------------------------------------------------------------------------------
# One enterprise, one campaign


def _enrolment(user: User, campaign_id: int, enterprise_id: int) -> tuple[Campaign, CampaignEnterprise]:
    """The campaign and the enterprise in it, if the user sees both; else NotFound (the same for a
    campaign or an enterprise out of scope, or not in the campaign)."""
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    enrolment = (
        selectors.enrolment_queryset(user=user, campaign=campaign).filter(enterprise_id=enterprise_id).first()
    )
    if enrolment is None:
        raise NotFound()
    return campaign, enrolment


def _form_url(campaign: Campaign, enterprise_id: int, period: Period | None = None, **extra: str) -> str:
    url = reverse("reporting-form", args=[campaign.pk, enterprise_id])
    query = {"period": period.key} if period is not None else {}
    query.update(extra)
    return url + ("?" + urlencode(query) if query else "")


def _value_rows(fields: list[reportforms.FormField], report: CampaignReport) -> list[dict[str, Any]]:
    """A report's values in the form's order, each with its label and unit; the questions the
    registry answered say so."""
    rows = []
    for form_field in fields:
        if form_field.measure == "difficulty" or form_field.key not in report.values:
            continue
        value = report.values[form_field.key]
        rows.append(
            {
                "field": form_field,
                "value": value,
                "number": form_field.kind in ("integer", "decimal", "percent"),
                "registry": bool(form_field.registry)
                and reportforms.registry_value(form_field, report.enterprise) is not None,
            }
        )
    return rows


def _period_choices(
    campaign: Campaign, current: Period, now: datetime.datetime, reported: set[datetime.date]
) -> list[dict[str, Any]]:
    """The periods the form offers: this one, then the earlier ones not yet reported (newest
    first, up to PERIODS_OFFERED); each with its deadline and whether a report now is late."""
    choices = []
    for period in selectors.periods_so_far(campaign, current.end):
        if period != current and period.start in reported:
            continue
        deadline = services.period_deadline(campaign, period)
        choices.append(
            {
                "period": period,
                "deadline": deadline,
                "late": now > deadline,
                "reported": period.start in reported,
            }
        )
        if len(choices) > PERIODS_OFFERED:
            break
    return choices


@login_required
def report_form(request: HttpRequest, campaign_id: int, enterprise_id: int) -> HttpResponse:
    """填报: one enterprise's report for one period (this one unless another is asked), the
    previous period's values offered; a period already reported is shown, with 更正."""
    user = request_user(request)
    campaign, enrolment = _enrolment(user, campaign_id, enterprise_id)
    if services.reporting_channel(user, enrolment) is None:
        raise PermissionDenied(_("只有企业本身、其联络员、包保部门和专班可以报送"))
    enterprise = enrolment.enterprise
    now = timezone.now()
    current = selectors.current_period(campaign, timezone.localdate(now))
    context: dict[str, Any] = {"campaign": campaign, "enterprise": enterprise, "current": current}
    if current is None:
        return render(request, "taskforces/report_form.html", context)
    fields = reportforms.form_of(campaign.report_form)
    history = selectors.enterprise_history(user=user, campaign=campaign, enterprise_id=enterprise.pk)
    reported = set(history.values_list("period_start", flat=True))

    posted = request.POST if request.method == "POST" else None
    period = current
    asked = (posted or request.GET).get("period")
    if asked:
        try:
            period = services.campaign_period(campaign, asked)
        except ValidationFailed as failure:
            # A period asked in the address; a posted one is refused by the service, beside the form.
            if posted is None:
                messages.error(request, "；".join(e.message for e in failure.errors))
    report = history.filter(period_start=period.start).first() if period.start in reported else None
    if posted is not None:
        correcting = report is not None and posted.get("correction") == "1"
    else:
        correcting = report is not None and request.GET.get("correct") == "1"
    if report is not None and not correcting:
        # Already reported (or a second submit of the same period): the report, and 更正.
        if posted is not None:
            messages.error(request, _("%(period)s已报送；如需修改，请点“更正”") % {"period": period.label})
        report.enterprise = enterprise
        return _render_reported(request, context, campaign, enterprise.pk, fields, report, period)

    previous = None
    if report is not None:
        prefilled = report.values
    else:
        previous = history.filter(period_start__lt=period.start).first()
        # A difficulty is never carried over: each one given becomes a case of its own.
        prefilled = {
            k: v
            for k, v in (previous.values if previous else {}).items()
            if not any(f.key == k and f.measure == "difficulty" for f in fields)
        }
    form = CampaignReportForm(
        posted,
        form_fields=fields,
        enterprise=enterprise,
        prefilled=prefilled,
        initial={
            "period": period.key,
            "correction": "1" if correcting else "",
            "version": report.version if report else None,
        },
    )
    if posted is not None and form.is_valid() and campaign.status == CampaignStatus.ACTIVE:
        try:
            saved = services.report_submit(
                actor=user, campaign_id=campaign.pk, data=form.report_data(enterprise.pk), source="web"
            )
            return redirect(
                reverse("reporting-received", args=[campaign.pk, enterprise.pk])
                + "?"
                + urlencode({"period": saved.period_key})
            )
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except StaleWrite as error:
            messages.error(request, error.message)
            return redirect(_form_url(campaign, enterprise.pk, period))
        except ValidationFailed as failure:
            form.add_service_errors(failure.errors)
        except ServiceError as error:
            messages.error(request, error.message)
    deadline = services.period_deadline(campaign, period)
    rows = form.rows()
    context.update(
        form=form,
        rows=rows,
        field_errors=any(row.get("errors") for row in rows),
        period=period,
        deadline=deadline,
        late=report is None and now > deadline,
        report=report,
        correcting=correcting,
        previous_label=(
            Period.containing(campaign.period_kind, previous.period_start).label
            if previous and prefilled
            else ""
        ),
        choices=_period_choices(campaign, current, now, reported),
        open=campaign.status == CampaignStatus.ACTIVE,
    )
    return render(request, "taskforces/report_form.html", context)


def _render_reported(
    request: HttpRequest,
    context: dict[str, Any],
    campaign: Campaign,
    enterprise_id: int,
    fields: list[reportforms.FormField],
    report: CampaignReport,
    period: Period,
    *,
    received: bool = False,
) -> HttpResponse:
    context.update(
        report=report,
        period=period,
        deadline=services.period_deadline(campaign, period),
        values=_value_rows(fields, report),
        correct_url=_form_url(campaign, enterprise_id, period, correct="1"),
        received=received,
        open=campaign.status == CampaignStatus.ACTIVE,
    )
    return render(request, "taskforces/report_done.html", context)


@login_required
@require_GET
def report_received(request: HttpRequest, campaign_id: int, enterprise_id: int) -> HttpResponse:
    """已收到: the report just made, whether it was late, the case its difficulty became."""
    user = request_user(request)
    campaign, enrolment = _enrolment(user, campaign_id, enterprise_id)
    try:
        period = Period.parse(request.GET.get("period"), kind=campaign.period_kind)
    except ValidationFailed:
        return redirect(_form_url(campaign, enrolment.enterprise_id))
    report = (
        selectors.enterprise_history(user=user, campaign=campaign, enterprise_id=enrolment.enterprise_id)
        .filter(period_start=period.start)
        .first()
    )
    if report is None:
        return redirect(_form_url(campaign, enrolment.enterprise_id, period))
    report.enterprise = enrolment.enterprise
    context = {"campaign": campaign, "enterprise": enrolment.enterprise}
    fields = reportforms.form_of(campaign.report_form)
    return _render_reported(
        request, context, campaign, enrolment.enterprise_id, fields, report, period, received=True
    )


@login_required
@require_GET
def report_history(request: HttpRequest, campaign_id: int, enterprise_id: int) -> HttpResponse:
    """报送记录: one enterprise's periods in a campaign, newest first: status, the measures, late,
    corrections, the case its difficulty became; the periods it did not report say so."""
    user = request_user(request)
    campaign, enrolment = _enrolment(user, campaign_id, enterprise_id)
    now = timezone.now()
    current = selectors.current_period(campaign, timezone.localdate(now))
    fields = reportforms.form_of(campaign.report_form)
    columns = [f for f in fields if f.measure and f.measure != "difficulty"]
    page = Paginator(
        selectors.periods_so_far(campaign, current.end) if current else [], HISTORY_PAGE
    ).get_page(request.GET.get("page"))
    shown: list[Period] = list(page.object_list)
    reports = (
        {
            r.period_start: r
            for r in selectors.enterprise_history(
                user=user, campaign=campaign, enterprise_id=enrolment.enterprise_id
            ).filter(period_start__gte=shown[-1].start, period_start__lte=shown[0].start)
        }
        if shown
        else {}
    )
    may_report = (
        services.reporting_channel(user, enrolment) is not None and campaign.status == CampaignStatus.ACTIVE
    )
    rows = []
    for period in shown:
        report = reports.get(period.start)
        deadline = services.period_deadline(campaign, period)
        rows.append(
            {
                "period": period,
                "report": report,
                "state": _state(report, deadline, now),
                "state_label": _(STATE_LABELS[_state(report, deadline, now)]),
                "badge": STATE_BADGES[_state(report, deadline, now)],
                "values": [
                    {
                        "value": report.values.get(f.key) if report else None,
                        "number": f.kind in ("integer", "decimal", "percent"),
                        "field": f,
                    }
                    for f in columns
                ],
                "url": _form_url(campaign, enrolment.enterprise_id, period) if may_report else "",
            }
        )
    return render(
        request,
        "taskforces/report_history.html",
        {
            "campaign": campaign,
            "enterprise": enrolment.enterprise,
            "columns": columns,
            "rows": rows,
            "page": page,
            "may_report": may_report,
        },
    )
