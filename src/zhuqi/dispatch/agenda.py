"""A meeting's agenda drawn from the records of its scope: the last meeting's decisions and where
each stands, late and escalated cases, projects behind plan, chains behind their goals, agreements
not landed, campaigns behind on reporting, enterprises whose operating indicators fell. Each item
names its record and links to it; the items are kept with the meeting (models.AgendaItem)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhuqi.cases.figures import late_now_q
from zhuqi.cases.models import OPEN_STATUS_LIST, Case, Escalation
from zhuqi.cases.selectors import case_queryset
from zhuqi.chains.models import Member
from zhuqi.core.periods import day_label
from zhuqi.core.scoping import region_subtree_q
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory.models import User
from zhuqi.dispatch import cockpit
from zhuqi.dispatch.models import AgendaItem, AgendaSection, Meeting, ScopeKind
from zhuqi.dispatch.selectors import decisions_of, previous_meeting
from zhuqi.investment.selectors import agreement_list, without_project_q
from zhuqi.projects import selectors as project_selectors
from zhuqi.taskforces import indicators as operating

ITEMS_A_SECTION = 8
# Campaigns whose last due period's reporting rate (per cent, as the board gives it) is under
# this are on the agenda.
REPORTING_FLOOR_PERCENT = 90
NOT_LANDED_MONTHS = 6


def _case_scope(meeting: Meeting, cases: QuerySet[Case]) -> QuerySet[Case]:
    if meeting.scope_kind == ScopeKind.DEPARTMENT and meeting.department_id:
        return cases.filter(lead_department_id=meeting.department_id)
    if meeting.scope_kind == ScopeKind.CHAIN and meeting.chain_id:
        return cases.filter(
            enterprise_id__in=Member.objects.filter(chain_id=meeting.chain_id).values("enterprise_id")
        )
    if meeting.scope_kind == ScopeKind.PROJECTS:
        return cases.filter(project__in=meeting.projects.all())
    return cases.filter(region_subtree_q("region_id", meeting.region_id))


def _case_item(section: str, case: Case, detail: str) -> AgendaItem:
    return AgendaItem(
        section=section,
        title=case.title[:300],
        detail=detail[:500],
        record_type="cases.case",
        record_id=case.pk,
        link=f"/cases/{case.pk}/",
    )


def _department_and_due(case: Case) -> str:
    department = case.lead_department.name if case.lead_department else "尚未交办"
    due = timezone.localtime(case.due_at).date() if case.due_at else None
    return f"{department}；时限 {day_label(due)}" if due else department


def _last_decisions(meeting: Meeting, user: User) -> list[AgendaItem]:
    previous = previous_meeting(meeting, user=user)
    if previous is None:
        return []
    items = []
    for decision in decisions_of(previous):
        case = decision.case
        state = case.get_status_display()
        if case.is_open and case.due_at and case.due_at < timezone.now():
            state += "（已逾期）"
        items.append(
            _case_item(
                AgendaSection.LAST_DECISIONS,
                case,
                f"{previous.held_on.month}月{previous.held_on.day}日会议决定；{_department_and_due(case)}；{state}",
            )
        )
    return items


def _late_cases(meeting: Meeting, user: User, now: datetime.datetime) -> list[AgendaItem]:
    cases = _case_scope(meeting, case_queryset(user=user).filter(status__in=OPEN_STATUS_LIST))
    late = cases.filter(late_now_q(now)).select_related("lead_department").order_by("due_at", "pk")
    calendar = WorkingCalendar()
    return [
        _case_item(
            AgendaSection.LATE_CASES,
            case,
            f"{_department_and_due(case)}；逾期 {cockpit.days_late(case, calendar, now)} 个工作日",
        )
        for case in late[:ITEMS_A_SECTION]
    ]


def _escalated_cases(meeting: Meeting, user: User) -> list[AgendaItem]:
    cases = _case_scope(meeting, case_queryset(user=user).filter(status__in=OPEN_STATUS_LIST))
    escalated = (
        cases.filter(
            Q(escalation_level__in=[Escalation.SUPERVISION, Escalation.NOTICE]) | Q(flagged_for_notice=True)
        )
        .select_related("lead_department")
        .order_by("due_at", "pk")
    )
    return [
        _case_item(
            AgendaSection.ESCALATED_CASES,
            case,
            f"{_department_and_due(case)}；{case.get_escalation_level_display()}"
            + ("；列入通报" if case.flagged_for_notice else ""),
        )
        for case in escalated[:ITEMS_A_SECTION]
    ]


def _projects_behind(meeting: Meeting, user: User, today: datetime.date) -> list[AgendaItem]:
    at = project_selectors.clock(today)
    projects = project_selectors.project_library(user=user, at=at)
    if meeting.scope_kind == ScopeKind.PROJECTS:
        projects = projects.filter(pk__in=meeting.projects.values("pk"))
    elif meeting.scope_kind == ScopeKind.CHAIN and meeting.chain_id:
        projects = projects.filter(chain_id=meeting.chain_id)
    elif meeting.scope_kind == ScopeKind.DEPARTMENT and meeting.department_id:
        projects = projects.filter(responsible_department_id=meeting.department_id)
    else:
        projects = projects.filter(region_subtree_q("region_id", meeting.region_id))
    any_flag = Q()
    for name in project_selectors.FLAGS:
        any_flag |= project_selectors.flag_filter(name, at)
    items = []
    for project in projects.filter(any_flag).order_by("planned_started_on", "pk")[:ITEMS_A_SECTION]:
        flags = [label for _, label in project_selectors.flags_of(project)]
        department = (
            project.responsible_department.name if project.responsible_department else "未明确责任部门"
        )
        items.append(
            AgendaItem(
                section=AgendaSection.PROJECTS_BEHIND,
                title=project.name[:300],
                detail=f"{department}；{project.get_stage_display()}"
                + (f"；{'、'.join(flags)}" if flags else ""),
                record_type="projects.project",
                record_id=project.pk,
                link=f"/projects/{project.pk}/",
            )
        )
    return items


def _chains_behind(meeting: Meeting, user: User, today: datetime.date) -> list[AgendaItem]:
    if meeting.scope_kind in (ScopeKind.DEPARTMENT, ScopeKind.PROJECTS):
        return []
    scope = cockpit.scope_of_meeting(meeting)
    year_share = int((today - datetime.date(today.year, 1, 1)).days * 100 / 365)
    items = []
    period = cockpit.Period.containing(cockpit.PeriodKind.YEAR, today)
    for chain in cockpit.chains_section(user, scope, period):
        behind = [g for g in chain["goals"] if g["percent"] is not None and g["percent"] < year_share]
        if not behind:
            continue
        detail = "；".join(f"{g['label']}完成 {g['percent']}%" for g in behind)
        items.append(
            AgendaItem(
                section=AgendaSection.CHAINS_BEHIND,
                title=chain["name"],
                detail=f"链长 {chain['chief']}；{detail}（序时进度 {year_share}%）"[:500],
                record_type="chains.chain",
                record_id=chain["id"],
                link=chain["link"],
            )
        )
    return items[:ITEMS_A_SECTION]


def _agreements_not_landed(meeting: Meeting, user: User, today: datetime.date) -> list[AgendaItem]:
    if meeting.scope_kind in (ScopeKind.PROJECTS,):
        return []
    agreements = agreement_list(user=user).filter(without_project_q(NOT_LANDED_MONTHS, today))
    if meeting.scope_kind == ScopeKind.DEPARTMENT and meeting.department_id:
        agreements = agreements.filter(follow_up_department_id=meeting.department_id)
    elif meeting.scope_kind == ScopeKind.CHAIN and meeting.chain_id:
        agreements = agreements.filter(chain_id=meeting.chain_id)
    else:
        agreements = agreements.filter(region_subtree_q("region_id", meeting.region_id))
    return [
        AgendaItem(
            section=AgendaSection.AGREEMENTS_NOT_LANDED,
            title=agreement.title[:300],
            detail=(
                f"{day_label(agreement.signed_on)}签约，签约方 {agreement.counterparty_name}；尚无落地项目"
            )[:500],
            record_type="investment.agreement",
            record_id=agreement.pk,
            link=f"/investment/agreements/{agreement.pk}/",
        )
        for agreement in agreements.order_by("signed_on", "pk")[:ITEMS_A_SECTION]
    ]


def _campaigns_behind(meeting: Meeting, user: User, today: datetime.date) -> list[AgendaItem]:
    if meeting.scope_kind in (ScopeKind.DEPARTMENT, ScopeKind.PROJECTS, ScopeKind.CHAIN):
        return []
    scope = cockpit.scope_of_meeting(meeting)
    period = cockpit.Period.containing(cockpit.PeriodKind.WEEK, today)
    section = cockpit.campaigns_section(user, scope, period, today)
    items = []
    for row in section["campaigns"]:
        rate = row["report_rate"]
        if rate is None or rate >= REPORTING_FLOOR_PERCENT:
            continue
        items.append(
            AgendaItem(
                section=AgendaSection.CAMPAIGNS_BEHIND,
                title=f"{row['task_force']}·{row['name']}"[:300],
                detail=(
                    f"{row['period_label']}应报 {row['enrolled']} 户，"
                    f"未报 {row['missing']} 户，迟报 {row['late']} 户"
                ),
                record_type="taskforces.campaign",
                record_id=row["id"],
                link=row["link"],
            )
        )
    return items[:ITEMS_A_SECTION]


def _indicator_falls(meeting: Meeting, user: User, today: datetime.date) -> list[AgendaItem]:
    if meeting.scope_kind in (ScopeKind.DEPARTMENT, ScopeKind.PROJECTS):
        return []
    month = cockpit.Period.containing(cockpit.PeriodKind.MONTH, today).previous()
    falls = operating.falls(user=user, month=month, region_code=meeting.region_id)
    return [
        AgendaItem(
            section=AgendaSection.INDICATOR_FALLS,
            title=fall.enterprise_name[:300],
            detail=(
                f"{month.label}："
                + "；".join(f"{d.label}{d.against_label}下降{d.percent}%" for d in fall.drops)
            )[:500],
            record_type="enterprises.enterprise",
            record_id=fall.enterprise_id,
            link=f"/enterprises/{fall.enterprise_id}/",
        )
        for fall in falls[:ITEMS_A_SECTION]
    ]


def draw(meeting: Meeting, *, user: User, today: datetime.date | None = None) -> list[AgendaItem]:
    """The agenda's items as the records stand (not saved: services.meeting_create saves them)."""
    today = today or timezone.localdate()
    now = timezone.now()
    return [
        *_last_decisions(meeting, user),
        *_late_cases(meeting, user, now),
        *_escalated_cases(meeting, user),
        *_projects_behind(meeting, user, today),
        *_chains_behind(meeting, user, today),
        *_agreements_not_landed(meeting, user, today),
        *_campaigns_behind(meeting, user, today),
        *_indicator_falls(meeting, user, today),
    ]
