"""The leader's cockpit (领导驾驶舱): every area's figures for one scope and period, the rankings
(红黑榜) of departments and sub-regions with their change since the previous period, and the
economic indicators against target and peers. Composed from each app's own figures functions
(cases.figures, projects.figures, investment.figures, visits.coverage, policies.figures,
taskforces.figures and indicators, chains.comparison), so a figure here is the same number as on
that app's page, under the same definition; nothing is counted twice in two ways.

`cockpit_figures` returns plain data (JSON-ready: dates, Decimals and numbers), the one shape the
page, the API, the briefing's Word document and its workbook all read (docs/dispatch.md)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.cases import deadlines
from zhuqi.cases import figures as case_figures
from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Escalation
from zhuqi.cases.selectors import case_queryset
from zhuqi.chains import comparison
from zhuqi.chains.models import Chain, ChainGoal, Member
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed, require
from zhuqi.core.periods import RELATIVE, Period, PeriodKind, day_label
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_subtree_q
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import Department, Region, User
from zhuqi.dispatch import snapshots
from zhuqi.dispatch.models import Indicator, Meeting, ScopeKind, indicator_unit
from zhuqi.dispatch.selectors import economic_queryset
from zhuqi.investment import figures as agreement_figures
from zhuqi.policies import figures as policy_figures
from zhuqi.projects import figures as project_figures
from zhuqi.projects.models import Stage
from zhuqi.projects.selectors import project_queryset
from zhuqi.taskforces import figures as campaign_figures
from zhuqi.taskforces import indicators as operating
from zhuqi.taskforces.models import CampaignStatus
from zhuqi.taskforces.selectors import campaign_queryset
from zhuqi.visits import coverage
from zhuqi.visits.models import VisitOfficial
from zhuqi.visits.selectors import visit_queryset

TREND_PERIODS = 6
LIST_LENGTH = 10
COCKPIT_REFUSED = "您的角色不能查看领导驾驶舱"

# The periods the page offers by name, besides any key (2026-W45, 2026-11, 2026-Q3, 2026) and
# a custom range (2026-01-01~2026-03-31).
PERIOD_CHOICES = ("week", "last_week", "month", "last_month", "quarter", "last_quarter", "year", "last_year")


def may_see_cockpit(user: User) -> bool:
    return has_permission(user, Permission.READ_FIGURES)


# ---------------------------------------------------------------------------------------------
# Scope and period


@dataclass(frozen=True)
class Scope:
    kind: str
    region: Region
    department: Department | None = None
    chain: Chain | None = None

    @property
    def key(self) -> str:
        if self.kind == ScopeKind.DEPARTMENT and self.department is not None:
            return f"department:{self.department.pk}"
        if self.kind == ScopeKind.CHAIN and self.chain is not None:
            return f"chain:{self.chain.pk}"
        return f"region:{self.region.code}"

    @property
    def label(self) -> str:
        if self.department is not None:
            return self.department.name
        if self.chain is not None:
            return f"{self.chain.name}产业链" if not self.chain.name.endswith("链") else self.chain.name
        return self.region.name

    @property
    def region_code(self) -> str:
        return self.region.code


def home_region(user: User) -> Region:
    code = jurisdiction_code(user)
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        # An admin (every region): the province with the most departments (the one the
        # platform is run for), else the first.
        busiest = (
            Department.objects.annotate(province=Substr("region_id", 1, 2))
            .values("province")
            .annotate(n=Count("pk"))
            .order_by("-n", "province")
            .first()
        )
        found = Region.objects.filter(pk=f"{busiest['province']}0000").first() if busiest else None
        region = found or Region.objects.filter(parent__isnull=True).order_by("code").first()
    if region is None:
        raise ValidationFailed([FieldError("scope", "尚未导入行政区划")])
    return region


def resolve_scope(
    user: User,
    *,
    kind: str = ScopeKind.REGION,
    region: str = "",
    department: int | str | None = None,
    chain: int | str | None = None,
) -> Scope:
    """The scope asked for, within the user's jurisdiction; refused naming the field."""
    if not may_see_cockpit(user):
        raise PermissionDenied(COCKPIT_REFUSED)
    jurisdiction = jurisdiction_code(user)
    handler = user.role == Role.HANDLER and not user.is_superuser
    if handler and kind == ScopeKind.REGION and not region and user.department_id:
        # A department's staff see their own department's cockpit (docs/visibility.md).
        department = user.department_id
        kind = ScopeKind.DEPARTMENT
    if handler and kind != ScopeKind.DEPARTMENT:
        raise ValidationFailed([FieldError("scope", "部门人员只能查看本部门的驾驶舱")])
    if kind == ScopeKind.DEPARTMENT:
        found = Department.objects.select_related("region").filter(pk=_id(department, "部门")).first()
        if found is None or not code_within(jurisdiction, found.region_id):
            raise ValidationFailed([FieldError("scope", "部门不存在或不在您的管辖范围内")])
        if handler and user.department_id != found.pk:
            raise ValidationFailed([FieldError("scope", "部门人员只能查看本部门的驾驶舱")])
        return Scope(ScopeKind.DEPARTMENT, found.region, department=found)
    if kind == ScopeKind.CHAIN:
        found_chain = (
            chain_queryset(user=user).select_related("region").filter(pk=_id(chain, "产业链")).first()
        )
        if found_chain is None:
            raise ValidationFailed([FieldError("scope", "产业链不存在或不在您的权限范围内")])
        return Scope(ScopeKind.CHAIN, found_chain.region, chain=found_chain)
    if kind != ScopeKind.REGION:
        raise ValidationFailed(
            [FieldError("scope", "范围应为 region:地区代码、department:部门编号 或 chain:产业链编号")]
        )
    if not region:
        return Scope(ScopeKind.REGION, home_region(user))
    found_region = Region.objects.filter(pk=region).first() if region.isdigit() and len(region) == 6 else None
    if found_region is None:
        raise ValidationFailed([FieldError("scope", f"没有代码为 {region} 的行政区划")])
    if not code_within(jurisdiction, found_region.code):
        raise ValidationFailed([FieldError("scope", f"{found_region.name}不在您的管辖范围内")])
    return Scope(ScopeKind.REGION, found_region)


def _id(value: int | str | None, name: str) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise ValidationFailed([FieldError("scope", f"{name}的编号应为数字")]) from None


def parse_scope(user: User, text: str) -> Scope:
    """`region:150500`, `department:12`, `chain:3`, or "" (the user's jurisdiction)."""
    text = (text or "").strip()
    if not text:
        return resolve_scope(user)
    kind, _, value = text.partition(":")
    if kind == ScopeKind.REGION:
        return resolve_scope(user, kind=kind, region=value)
    if kind == ScopeKind.DEPARTMENT:
        return resolve_scope(user, kind=kind, department=value)
    if kind == ScopeKind.CHAIN:
        return resolve_scope(user, kind=kind, chain=value)
    raise ValidationFailed(
        [FieldError("scope", "范围应为 region:地区代码、department:部门编号 或 chain:产业链编号")]
    )


def scope_of_meeting(meeting: Meeting) -> Scope:
    return Scope(
        meeting.scope_kind if meeting.scope_kind != ScopeKind.PROJECTS else ScopeKind.REGION,
        meeting.region,
        department=meeting.department,
        chain=meeting.chain,
    )


def resolve_period(text: str, *, today: datetime.date | None = None) -> Period:
    """A period by name (month, last_week …), by key (2026-W45, 2026-11, 2026-Q3, 2026), or a
    custom range (2026-01-01~2026-03-31); "" is this month."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not text:
        return Period.relative_to("month", today)
    if text in RELATIVE:
        return Period.relative_to(text, today)
    if "~" in text:
        first, _, last = text.partition("~")
        try:
            start, end = datetime.date.fromisoformat(first.strip()), datetime.date.fromisoformat(last.strip())
        except ValueError:
            raise ValidationFailed(
                [FieldError("period", "自定义统计期应写成 2026-01-01~2026-03-31")]
            ) from None
        if end < start:
            raise ValidationFailed(
                [FieldError("period", f"统计期的结束日期（{end}）早于开始日期（{start}）")]
            )
        if (end - start).days > 366 * 5:
            raise ValidationFailed([FieldError("period", "自定义统计期最长五年")])
    # The years a key may name (2000–2100) are core.periods' rule, for a range as for any key.
    return Period.parse(text, field_name="period")


def period_label(period: Period) -> str:
    """The period's name as a briefing writes it: a custom range with its days written out
    (2026年1月1日至2026年6月30日), not as ISO dates."""
    if period.kind != PeriodKind.CUSTOM:
        return period.label
    return f"{day_label(period.start)}至{day_label(period.end)}"


def _ancestors(code: str) -> list[str]:
    """The codes of the region and the regions above it (150581 → 150000, 150500, 150581)."""
    return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code]))


# ---------------------------------------------------------------------------------------------
# The figures


def _rate(part: Any, whole: Any) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def _cases_section(user: User, scope: Scope, period: Period, now: datetime.datetime) -> dict[str, Any]:
    group_by = "department" if scope.kind == ScopeKind.DEPARTMENT else "region"
    figures = snapshots.case_rows(user, period=period, group_by=group_by, region=scope.region_code, now=now)
    total = figures.total
    if scope.kind == ScopeKind.DEPARTMENT and scope.department is not None:
        total = next(
            (row for row in figures.rows if row.key == scope.department.pk),
            case_figures.FigureRow(key=scope.department.pk, name=scope.department.name),
        )
    trend = []
    points = [period]
    for _ in range(TREND_PERIODS - 1):
        points.insert(0, points[0].previous())
    # The periods before this one in one scan of the cases (cases.figures.totals_for_periods).
    earlier = snapshots.trend_totals(
        user,
        periods=points[:-1],
        region=scope.region_code,
        lead_department_id=scope.department.pk if scope.department is not None else None,
        now=now,
    )
    for point, row in zip(points, [*earlier, total], strict=True):
        trend.append(
            {
                "period": point.key,
                # The period's own name (2026年), not how it was chosen (本年（…）): a trend's axis.
                "label": dataclasses.replace(point, relative="").label,
                "cases": row.cases,
                "response_rate": row.response_rate,
                "answer_rate": row.answer_rate,
                "resolution_rate": row.resolution_rate,
                "satisfaction_rate": row.satisfaction_rate,
            }
        )
    values = total.as_dict()
    return {
        "total": values,
        "trend": trend,
        "counted_at": figures.computed_at,
        "definitions": dict(case_figures.DEFINITIONS),
    }


def days_late(case: Any, calendar: WorkingCalendar, now: datetime.datetime) -> int:
    """Working days a case is past its deadline now: counted from its deadline, not only what
    the deadline sweep last recorded (it runs every few minutes, and not at all in a test)."""
    if case.due_at is None:
        return case.working_days_late
    return max(
        case.working_days_late, deadlines.working_days_late(calendar, case.due_at, timezone.localdate(now))
    )


# The passed deadlines read a batch at a time by _longest_late, before it sorts the scope's own;
# a scope with fewer late cases than WALK_FROM has its own sorted at once (a county's few
# thousand: tens of milliseconds), since they are rare among the passed deadlines of a province.
LATE_BATCHES = (100, 1_000, 10_000)
WALK_FROM = 20_000


def _longest_late(shown: QuerySet[Case], now: datetime.datetime, late: int) -> list[Case]:
    """The first LIST_LENGTH of `shown` (a scope's open cases, `late` of them late) whose deadline
    has passed, the earliest deadline first. For a scope with many late cases the passed
    deadlines are walked in order on case_open_due_idx in growing batches, each batch's keys then
    narrowed to the scope: a province finds its ten in the first hundred of 200,000. Asked in one
    query, SQLite (which has no statistics here) sorts every open case of the province instead."""
    found: list[Case] = []
    after = Q(due_at__lt=now)
    for size in LATE_BATCHES if late >= WALK_FROM else ():
        batch = list(Case.objects.filter(after).order_by("due_at", "pk").values_list("due_at", "pk")[:size])
        if not batch:
            return found
        keys = [pk for _, pk in batch]
        found += shown.filter(pk__in=keys).order_by("due_at", "pk")[: LIST_LENGTH - len(found)]
        if len(found) >= LIST_LENGTH or len(batch) < size:
            return found
        last_due, last_pk = batch[-1]
        # After the last one read, in (due_at, pk) order: an index range and the few ties.
        after &= Q(due_at__gte=last_due) & ~Q(due_at=last_due, pk__lte=last_pk)
    rest = shown.filter(after).order_by("due_at", "pk")
    return found + list(rest[: LIST_LENGTH - len(found)])


def _late_cases(user: User, scope: Scope, now: datetime.datetime) -> dict[str, Any]:
    calendar = WorkingCalendar()
    cases = case_queryset(user=user).filter(status__in=OPEN_STATUS_LIST)
    if scope.kind == ScopeKind.DEPARTMENT and scope.department is not None:
        cases = cases.filter(lead_department_id=scope.department.pk)
    elif scope.kind == ScopeKind.CHAIN and scope.chain is not None:
        # By a subquery, not a join: each case once, so the counts below need no DISTINCT (a sort
        # of every open case of a province, three times, when they had it).
        members = Member.objects.filter(chain_id=scope.chain.pk).values("enterprise_id")
        cases = cases.filter(enterprise_id__in=members)
    else:
        cases = cases.filter(region_subtree_q("region_id", scope.region_code))
    late_now = case_figures.late_now_q(now)
    if scope.kind == ScopeKind.CHAIN:
        # A chain's members' cases, counted now in one query (a chain holds a few hundred
        # enterprises: its open cases are few).
        counts = cases.aggregate(
            open=Count("pk"),
            late=Count("pk", filter=late_now),
            escalated=Count("pk", filter=~Q(escalation_level=Escalation.NONE)),
        )
    else:
        # A region's or a department's: the figures' count of the open cases now (their open
        # tallies), not a read of every open case of a province. A department's wherever they
        # are (one of its cases may be in another region), as listed below.
        department = scope.department.pk if scope.department is not None else None
        state = case_figures.open_now(
            user=user,
            region="" if department is not None else scope.region_code,
            lead_department_id=department,
            now=now,
        )
        counts = {"open": state.open, "late": state.late, "escalated": state.escalated}
    rows = []
    shown = (
        cases.select_related(None)
        .select_related("lead_department")
        .only("id", "title", "due_at", "working_days_late", "escalation_level", "lead_department__name")
    )
    # The longest late first: the deadlines passed (_longest_late), then, only when there are
    # fewer, the cases marked late whose deadline was moved later since (a holiday entered
    # afterwards): late by late_now_q too, and after every passed deadline in its order.
    listed = _longest_late(shown, now, counts["late"])
    if len(listed) < LIST_LENGTH:
        marked = shown.filter(late_now).exclude(due_at__lt=now)
        listed += marked.order_by(F("due_at").asc(nulls_last=True), "pk")[: LIST_LENGTH - len(listed)]
    for case in listed:
        rows.append(
            {
                "id": case.pk,
                "days_late": days_late(case, calendar, now),
                "title": case.title,
                "department": case.lead_department.name if case.lead_department else "",
                "due_at": timezone.localtime(case.due_at).date() if case.due_at else None,
                "escalation": case.get_escalation_level_display(),
                "link": f"/cases/{case.pk}/",
            }
        )
    return {**counts, "rows": rows}


def _projects_section(user: User, scope: Scope, period: Period, today: datetime.date) -> dict[str, Any]:
    by_date = min(period.end, today) if period.start <= today else period.end
    group_by = "department" if scope.kind == ScopeKind.DEPARTMENT else "region"
    figures = project_figures.project_figures(
        user=user,
        year=by_date.year,
        by_date=by_date,
        group_by=group_by,
        region=scope.region_code,
        today=today,
    )
    total = figures.total
    projects = project_queryset(user=user).filter(region_subtree_q("region_id", scope.region_code))
    if scope.department is not None:
        total = next(
            (r for r in figures.rows if r.key == scope.department.pk),
            project_figures.ProjectFigureRow(key=None, name=""),
        )
        projects = projects.filter(responsible_department_id=scope.department.pk)
    if scope.chain is not None:
        projects = projects.filter(chain_id=scope.chain.pk)
    by_stage = dict(projects.order_by().values_list("stage").annotate(n=Count("pk")))
    stages = [
        {"stage": value, "label": str(label), "projects": by_stage.get(value, 0)}
        for value, label in Stage.choices
    ]
    return {
        "year": figures.year,
        "by": figures.by_date,
        "total": total.as_dict(),
        "stages": stages,
        "definitions": dict(project_figures.DEFINITIONS),
    }


def _agreements_section(user: User, scope: Scope, period: Period, today: datetime.date) -> dict[str, Any]:
    year = period.end.year
    group_by = "department" if scope.kind == ScopeKind.DEPARTMENT else "region"
    figures = agreement_figures.agreement_figures(
        user=user, year=year, group_by=group_by, region=scope.region_code, today=today
    )
    total = figures.total
    if scope.department is not None:
        total = next(
            (r for r in figures.rows if r.key == scope.department.pk),
            agreement_figures.AgreementFigureRow(key=None, name=""),
        )
    values = total.as_dict()
    funnel = [
        {"stage": "agreements", "label": gettext_noop("签约"), "count": values["agreements"]},
        {"stage": "landed", "label": gettext_noop("落地"), "count": values["landed"]},
        {"stage": "started", "label": gettext_noop("开工"), "count": values["started"]},
        {"stage": "producing", "label": gettext_noop("投产"), "count": values["producing"]},
    ]
    return {
        "year": year,
        "total": values,
        "funnel": funnel,
        "definitions": dict(agreement_figures.DEFINITIONS),
    }


def _coverage_section(
    user: User, scope: Scope, period: Period, today: datetime.date, now: datetime.datetime
) -> dict[str, Any] | None:
    if not coverage.may_see_coverage(user):
        return None
    month = Period.containing(PeriodKind.MONTH, period.until(today))

    def count() -> dict[str, Any]:
        # The region's own figures (its assignments alone), not its jurisdiction's rows summed.
        total = coverage.coverage_figures(
            user, month, by="region", today=today, region=scope.region_code
        ).total
        return {
            "month": month.key,
            "month_label": month.label,
            "assignments": total.assignments,
            "on_target": total.on_target,
            "rate": _rate(total.on_target, total.assignments),
            "visits": total.visits,
            "quiet_enterprises": total.quiet_enterprises,
        }

    # Kept as the case figures are (a province's assignments and visits: a second or two).
    section: dict[str, Any] = snapshots.kept(
        user, name="coverage", region=scope.region_code, period=month, now=now, count=count
    )
    return section


def _leader_visits(user: User, scope: Scope, period: Period) -> list[dict[str, Any]]:
    visits = (
        visit_queryset(user=user)
        .filter(start_date__gte=period.start, start_date__lte=period.end)
        .filter(region_subtree_q("region_id", scope.region_code))
    )
    rows = (
        VisitOfficial.objects.filter(role=VisitOfficial.Role.LEAD, visit__in=visits.values("pk"))
        .values("official_id", "official__name")
        .annotate(
            visits=Count("visit_id", distinct=True),
            enterprises=Count("visit__attendance__enterprise_id", distinct=True),
        )
        .order_by("-visits", "official__name")[:15]
    )
    return [
        {
            "official": r["official__name"],
            "official_id": r["official_id"],
            "visits": r["visits"],
            "enterprises": r["enterprises"],
        }
        for r in rows
    ]


def _policies_section(user: User, scope: Scope, period: Period) -> dict[str, Any]:
    figures = policy_figures.policy_figures(user=user, year=None, group_by="region", region=scope.region_code)
    values = figures.total.as_dict()
    return {"total": values, "definitions": dict(policy_figures.DEFINITIONS)}


def campaigns_section(user: User, scope: Scope, period: Period, today: datetime.date) -> dict[str, Any]:
    campaigns = (
        campaign_queryset(user=user)
        .filter(starts_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .filter(Q(status=CampaignStatus.ACTIVE) | Q(ends_on__gte=period.start))
        .filter(
            region_subtree_q("task_force__region_id", scope.region_code)
            | Q(task_force__region_id__in=_ancestors(scope.region_code))
        )
        .order_by("-starts_on", "pk")[:LIST_LENGTH]
    )
    rows = []
    for campaign in campaigns:
        day = min(period.until(today), campaign.ends_on or period.end, today)
        campaign_period = Period.containing(campaign.period_kind, max(day, campaign.starts_on))
        if campaign_period.end >= today and campaign_period.previous().end >= campaign.starts_on:
            # The period still being reported is not yet due: the cockpit shows the last one due.
            campaign_period = campaign_period.previous()
        try:
            board = campaign_figures.board(
                user=user,
                campaign=campaign,
                period=campaign_period,
                region_code=scope.region_code
                if code_within(campaign.task_force.region_id, scope.region_code)
                else None,
                trend_periods=1,
            )
        except (PermissionDenied, ValidationFailed):
            continue
        total = board.total
        rows.append(
            {
                "id": campaign.pk,
                "name": campaign.name,
                "task_force": campaign.task_force.name,
                "period": campaign_period.key,
                "period_label": campaign_period.label,
                "enrolled": total.enrolled,
                "reported": total.reported,
                "missing": total.missing,
                "late": total.late,
                "report_rate": total.report_rate,
                "done_rate": total.done_rate,
                "done_rate_name": board.done_rate_name,
                "open_cases": total.open_cases,
                "link": f"/task-forces/campaigns/{campaign.pk}/",
            }
        )
    month = Period.containing(PeriodKind.MONTH, period.until(today)).previous()
    falls = operating.falls(user=user, month=month, region_code=scope.region_code)
    fall_rows = [
        {
            "enterprise_id": fall.enterprise_id,
            "enterprise": fall.enterprise_name,
            "region": fall.region_name,
            "worst": fall.worst,
            # 工业产值环比下降 12.5%, in the reader's language (taskforces.indicators.Drop.text).
            "drops": "；".join(d.text for d in fall.drops),
        }
        for fall in falls[:LIST_LENGTH]
    ]
    return {
        "campaigns": rows,
        "falls_month": month.key,
        "falls_month_label": month.label,
        "falls": len(falls),
        "fall_rows": fall_rows,
    }


def chains_section(user: User, scope: Scope, period: Period) -> list[dict[str, Any]]:
    chains = chain_queryset(user=user).select_related("chief")
    if scope.chain is not None:
        chains = chains.filter(pk=scope.chain.pk)
    else:
        chains = chains.filter(region_subtree_q("region_id", scope.region_code))
    listed = list(chains[:30])
    year = period.end.year
    goals = {g.chain_id: g for g in ChainGoal.objects.filter(chain__in=listed, year=year)}
    rows = []
    for row in comparison.chain_rows(user, listed):
        lines = comparison.goal_progress(row.chain, goals.get(row.chain.pk), row, year)
        percents = [line.percent for line in lines if line.percent is not None]
        rows.append(
            {
                "id": row.chain.pk,
                "name": row.chain.name,
                "chief": row.chain.chief.name if row.chain.chief else "",
                "enterprises": row.figures.enterprises,
                "open_cases": row.open_cases,
                "late_cases": row.late_cases,
                "goals": [
                    {
                        "key": line.key,
                        "label": str(line.label),
                        "goal": line.goal,
                        "done": line.done,
                        "percent": line.percent,
                    }
                    for line in lines
                ],
                "lowest_percent": min(percents) if percents else None,
                "link": f"/chains/{row.chain.pk}/",
            }
        )
    return rows


def _economy_section(user: User, scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Each indicator of the scope's region for the latest published period ending within the
    cockpit's period, against its target, and its rank among the peers entered for the region."""
    keys = _economic_keys(period)
    figures = list(
        economic_queryset(user=user)
        .filter(
            Q(region_id=scope.region_code, compared_for__isnull=True) | Q(compared_for_id=scope.region_code)
        )
        .filter(period__in=keys)
    )
    rows = []
    for indicator in Indicator:
        own = [f for f in figures if f.indicator == indicator and f.compared_for_id is None]
        if not own:
            continue
        own.sort(key=lambda f: keys.index(f.period))
        figure = own[0]
        peers = [
            f
            for f in figures
            if f.indicator == indicator
            and f.compared_for_id is not None
            and f.period == figure.period
            and f.value is not None
        ]
        ranked = sorted(
            [figure, *peers] if figure.value is not None else peers, key=lambda f: -(f.value or 0)
        )
        # Equal figures share a rank (1, 2, 2, 4), as on the economy page.
        rank = (
            1 + sum(1 for f in ranked if (f.value or 0) > figure.value) if figure.value is not None else None
        )
        rows.append(
            {
                "indicator": indicator.value,
                "label": str(indicator.label),
                "unit": indicator_unit(indicator),
                "period": figure.period,
                "period_label": Period.parse(figure.period).label,
                "value": figure.value,
                "target": figure.target,
                "gap": (figure.value - figure.target)
                if figure.value is not None and figure.target is not None
                else None,
                "rank": rank if peers else None,
                "peers": len(peers),
                "peer_rows": [{"region": f.region.name, "value": f.value, "own": f is figure} for f in ranked]
                if peers
                else [],
            }
        )
    return rows


# How far back the cockpit looks for an indicator's latest figure: statistics are published a
# month or a quarter after the period they measure, so this month has none yet.
ECONOMIC_LOOKBACK = datetime.timedelta(days=400)


def _economic_keys(period: Period) -> list[str]:
    """The keys of the published periods that ended by the end of `period`, latest first: the
    months, quarters and years whose last day lies in it or in the year or so before it (the
    latest figure published as of the period's end)."""
    keys: list[tuple[datetime.date, str]] = []
    earliest = min(period.start, period.end - ECONOMIC_LOOKBACK)
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        step = Period.containing(kind, period.end)
        while step.end >= earliest:
            if step.end <= period.end:
                keys.append((step.end, step.key))
            step = step.previous()
    keys.sort(key=lambda item: (item[0], len(item[1])), reverse=True)
    return [key for _, key in keys] or [Period.containing(PeriodKind.MONTH, period.end).key]


# ---------------------------------------------------------------------------------------------
# Rankings (红黑榜)


@dataclass(frozen=True)
class RankedMeasure:
    key: str
    label: str
    source: str  # cases | projects | agreements
    definition: str
    # Whether the previous period's rank means anything: an agreement's landing is its state now,
    # not as of a date, so last period's landing rate cannot be counted again.
    compared: bool = True


RANKED = (
    RankedMeasure(
        "response_rate", gettext_noop("响应率"), "cases", case_figures.DEFINITIONS.get("response_rate", "")
    ),
    RankedMeasure(
        "answer_rate", gettext_noop("按时答复率"), "cases", case_figures.DEFINITIONS.get("answer_rate", "")
    ),
    RankedMeasure(
        "resolution_rate",
        gettext_noop("解决率"),
        "cases",
        case_figures.DEFINITIONS.get("resolution_rate", ""),
    ),
    RankedMeasure(
        "satisfaction_rate",
        gettext_noop("满意率"),
        "cases",
        case_figures.DEFINITIONS.get("satisfaction_rate", ""),
    ),
    RankedMeasure(
        "start_rate", gettext_noop("项目开工率"), "projects", project_figures.DEFINITIONS["start_rate"]
    ),
    RankedMeasure(
        "investment_rate",
        gettext_noop("投资完成率"),
        "projects",
        project_figures.DEFINITIONS["investment_rate"],
    ),
    RankedMeasure(
        "landing_rate",
        gettext_noop("协议落地率"),
        "agreements",
        agreement_figures.DEFINITIONS["landing_rate"],
        compared=False,
    ),
)


def _rows_by_measure(
    user: User, scope: Scope, period: Period, by: str, today: datetime.date, now: datetime.datetime
) -> dict[str, dict[Any, tuple[str, float | None]]]:
    """For each ranked measure: group key → (name, value)."""
    found: dict[str, dict[Any, tuple[str, float | None]]] = {m.key: {} for m in RANKED}
    kept_rows: list[list[Any]] = snapshots.kept(
        user,
        name=f"ranked-projects-agreements|{by}",
        region=scope.region_code,
        period=period,
        now=now,
        count=lambda: _project_and_agreement_rows(user, scope, period, by, today),
    )
    for measure, key, name, value in kept_rows:
        found[measure][key] = (name, value)
    cases = snapshots.case_rows(
        user, period=period, group_by=by, region=scope.region_code, now=now, with_state=False
    )
    for row in cases.rows:
        if row.key is None:
            continue
        for measure in RANKED:
            if measure.source == "cases":
                found[measure.key][row.key] = (row.name, getattr(row, measure.key))
    return found


def _project_and_agreement_rows(
    user: User, scope: Scope, period: Period, by: str, today: datetime.date
) -> list[list[Any]]:
    """[measure, group key, name, value] of the project and agreement measures ranked."""
    found: list[list[Any]] = []
    by_date = min(period.end, today) if period.start <= today else period.end
    projects = project_figures.project_figures(
        user=user,
        year=by_date.year,
        by_date=by_date,
        group_by=by,
        region=scope.region_code,
        today=today,
        with_flags=False,
    )
    for project_row in projects.rows:
        if project_row.key is None:
            continue
        found.append(["start_rate", project_row.key, project_row.name, project_row.start_rate])
        found.append(["investment_rate", project_row.key, project_row.name, project_row.investment_rate])
    agreements = agreement_figures.agreement_figures(
        user=user, year=period.end.year, group_by=by, region=scope.region_code, today=today
    )
    for agreement_row in agreements.rows:
        if agreement_row.key is not None:
            found.append(["landing_rate", agreement_row.key, agreement_row.name, agreement_row.landing_rate])
    return found


def _ranks(values: dict[Any, tuple[str, float | None]]) -> dict[Any, int]:
    """Highest first; ties share a rank (1, 2, 2, 4); a row without a rate is not ranked."""
    rated = sorted(((v, k) for k, (_, v) in values.items() if v is not None), key=lambda item: -item[0])
    ranks: dict[Any, int] = {}
    for position, (value, key) in enumerate(rated, start=1):
        previous = rated[position - 2] if position > 1 else None
        ranks[key] = ranks[previous[1]] if previous is not None and previous[0] == value else position
    return ranks


def rankings(
    user: User, scope: Scope, period: Period, *, today: datetime.date, now: datetime.datetime
) -> list[dict[str, Any]]:
    """Departments and sub-regions ranked on each measure, with the rank each held in the
    previous period (its change: up is better)."""
    if scope.kind != ScopeKind.REGION:
        return []
    tables = []
    previous = period.previous()
    # Every sub-region has its row, ranked or not: a region with nothing to count is news too.
    children = dict(Region.objects.filter(parent_id=scope.region_code).values_list("code", "name"))
    for by, by_label in (("department", gettext_noop("部门")), ("region", gettext_noop("地区"))):
        current = _rows_by_measure(user, scope, period, by, today, now)
        before = _rows_by_measure(user, scope, previous, by, today, now)
        for measure in RANKED:
            values = current[measure.key]
            if by == "region":
                for code, name in children.items():
                    values.setdefault(code, (name, None))
            ranks = _ranks(values)
            ranks_before = _ranks(before[measure.key]) if measure.compared else {}
            rows = []
            for key, (name, value) in values.items():
                rank, earlier = ranks.get(key), ranks_before.get(key)
                rows.append(
                    {
                        "key": key,
                        "name": name,
                        "value": value,
                        "rank": rank,
                        "previous_rank": earlier,
                        "change": (earlier - rank) if rank is not None and earlier is not None else None,
                        "compared": measure.compared,
                    }
                )
            rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
            if not rows:
                continue
            tables.append(
                {
                    "key": f"{by}-{measure.key}",
                    "by": by,
                    "by_label": by_label,
                    "measure": measure.key,
                    "label": f"{by_label}{measure.label}排名",
                    "measure_label": measure.label,
                    "definition": measure.definition,
                    "previous_period": previous.key,
                    "previous_label": period_label(previous),
                    "rows": rows,
                }
            )
    return tables


# ---------------------------------------------------------------------------------------------
# The whole cockpit


def heading(scope: Scope, period: Period) -> dict[str, Any]:
    """What a cockpit, its rankings or a briefing is of: the scope and the period."""
    return {
        "scope": {
            "kind": scope.kind,
            "key": scope.key,
            "label": scope.label,
            "region": {"code": scope.region.code, "name": scope.region.name},
        },
        "period": {
            "key": period.key,
            "label": period_label(period),
            "from": period.start,
            "to": period.end,
            "kind": str(period.kind),
        },
    }


# The sections a department's or a chain's cockpit counts; a region's counts them all. The others
# are counted by region only (coverage, policies, campaigns, the economy) or by the region's
# records (leader visits), so for a department or a chain they would be the region's.
SECTIONS_OF_SCOPE = {
    ScopeKind.DEPARTMENT: frozenset({"cases", "late_cases", "projects", "agreements"}),
    ScopeKind.CHAIN: frozenset({"late_cases", "chains"}),
}


def cockpit_figures(
    *,
    user: User,
    scope: Scope,
    period: Period,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Every section for the scope and period; `progress(percent, step)` is told as each is done
    (the briefing's generator shows it)."""
    require(may_see_cockpit(user), COCKPIT_REFUSED)
    now = now or timezone.now()
    today = today or timezone.localdate()
    steps = [
        ("cases", gettext_noop("事项办理"), lambda: _cases_section(user, scope, period, now)),
        ("late_cases", gettext_noop("逾期和督办事项"), lambda: _late_cases(user, scope, now)),
        ("projects", gettext_noop("重点项目"), lambda: _projects_section(user, scope, period, today)),
        ("agreements", gettext_noop("签约协议"), lambda: _agreements_section(user, scope, period, today)),
        ("coverage", gettext_noop("联络员包联"), lambda: _coverage_section(user, scope, period, today, now)),
        ("leader_visits", gettext_noop("领导调研"), lambda: _leader_visits(user, scope, period)),
        ("policies", gettext_noop("惠企政策"), lambda: _policies_section(user, scope, period)),
        ("campaigns", gettext_noop("专项行动"), lambda: campaigns_section(user, scope, period, today)),
        ("chains", gettext_noop("产业链"), lambda: chains_section(user, scope, period)),
        ("economy", gettext_noop("经济指标"), lambda: _economy_section(user, scope, period)),
        ("rankings", gettext_noop("红黑榜"), lambda: rankings(user, scope, period, today=today, now=now)),
    ]
    shown = SECTIONS_OF_SCOPE.get(ScopeKind(scope.kind))
    figures: dict[str, Any] = {
        **heading(scope, period),
        "generated_at": now,
    }
    for index, (key, label, compute) in enumerate(steps):
        if progress is not None:
            progress(int(index * 80 / len(steps)), label)
        if shown is not None and key not in shown:
            # Not counted for this kind of scope: a region's figure is never shown as a
            # department's or a chain's.
            figures[key] = None
            continue
        try:
            figures[key] = compute()
        except PermissionDenied:
            figures[key] = None
    return figures
