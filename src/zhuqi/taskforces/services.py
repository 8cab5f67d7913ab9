"""Every change to task forces, campaigns, their enterprises and reports, and the operating
indicators. Each runs in a transaction, writes the audit trail and refuses naming the field."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import CaseCategory, Kind, Source, Urgency
from zhuqi.chains.models import Member as ChainMember
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_subtree_q
from zhuqi.core.textlimits import length_errors
from zhuqi.core.values import collect, parse_choice
from zhuqi.core.workdays import SHANGHAI
from zhuqi.directory.models import Department, Official, User
from zhuqi.directory.selectors import region_in_reach
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.taskforces import reportforms, selectors
from zhuqi.taskforces.models import (
    Cadence,
    Campaign,
    CampaignEnterprise,
    CampaignKind,
    CampaignReport,
    CampaignStatus,
    CampaignTally,
    Channel,
    EnrolledVia,
    MemberRole,
    TaskForce,
    TaskForceMember,
    TaskForceStatus,
)


def may_keep(actor: User) -> bool:
    """Whether the actor sets up task forces and campaigns (the office of the jurisdiction)."""
    return has_permission(actor, Permission.KEEP_TASK_FORCES)


def reporting_channel(actor: User, enrolment: CampaignEnterprise) -> Channel | None:
    """How the actor may report for an enterprise of a campaign, or None if they may not: the
    enterprise itself, its liaison officer now, the department serving it in the campaign, or the
    office whose jurisdiction holds it."""
    if actor.role == Role.ENTERPRISE:
        return Channel.ENTERPRISE if actor.enterprise_id == enrolment.enterprise_id else None
    if actor.role == Role.LIAISON:
        assigned = Assignment.objects.filter(
            Assignment.current_q(), official_id=actor.official_id or 0, enterprise_id=enrolment.enterprise_id
        ).exists()
        return Channel.LIAISON if assigned else None
    if actor.role == Role.HANDLER:
        serving = bool(actor.department_id) and actor.department_id == enrolment.department_id
        return Channel.OFFICE if serving else None
    if may_keep(actor) and code_within(jurisdiction_code(actor), enrolment.region_id):
        return Channel.OFFICE
    return None


# ---------------------------------------------------------------------------------------------
# Task forces


@dataclass
class MemberData:
    role: str = MemberRole.MEMBER
    official_id: int | None = None
    title: str = ""
    department_id: int | None = None


@dataclass
class TaskForceData:
    name: str
    region_code: str
    starts_on: datetime.date | None
    purpose: str = ""
    lead_department_id: int | None = None
    ends_on: datetime.date | None = None
    status: str = TaskForceStatus.ACTIVE
    members: list[MemberData] = field(default_factory=list)


def _clean_task_force(actor: User, data: TaskForceData) -> tuple[dict[str, Any], list[TaskForceMember]]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {"name": (data.name or "").strip(), "purpose": (data.purpose or "").strip()}
    if not values["name"]:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(TaskForce, {"name": values["name"]})
    values["region"] = region_in_reach(actor, data.region_code, errors)
    values["status"] = collect(
        errors, parse_choice, data.status or TaskForceStatus.ACTIVE, TaskForceStatus, "status"
    )
    values["starts_on"], values["ends_on"] = data.starts_on, data.ends_on
    if data.starts_on is None:
        errors.append(FieldError("starts_on", "必填"))
    elif data.ends_on is not None and data.ends_on < data.starts_on:
        errors.append(FieldError("ends_on", "结束日期不能早于成立日期"))
    values["lead_department"] = _department(actor, data.lead_department_id, "lead_department", errors)
    members: list[TaskForceMember] = []
    officials = Official.objects.in_bulk([m.official_id for m in data.members if m.official_id])
    seen_officials: set[int] = set()
    seen_departments: set[int] = set()
    for index, member in enumerate(data.members):
        where = f"members[{index}]"
        role = collect(errors, parse_choice, member.role or MemberRole.MEMBER, MemberRole, f"{where}.role")
        official = officials.get(member.official_id) if member.official_id else None
        if member.official_id and official is None:
            errors.append(FieldError(f"{where}.official", "干部不存在"))
        department = _department(actor, member.department_id, f"{where}.department", errors)
        if official is None and department is None and not member.official_id and not member.department_id:
            errors.append(FieldError(where, "请选择干部或成员单位"))
        if official is not None:
            if official.pk in seen_officials:
                errors.append(FieldError(f"{where}.official", f"{official.name}已在专班中"))
            seen_officials.add(official.pk)
        elif department is not None:
            if department.pk in seen_departments:
                errors.append(FieldError(f"{where}.department", f"{department.name}已是成员单位"))
            seen_departments.add(department.pk)
        title = (member.title or "").strip()
        if len(title) > 100:
            errors.append(FieldError(f"{where}.title", "至多 100 个字"))
        members.append(
            TaskForceMember(
                role=role or MemberRole.MEMBER,
                official=official,
                department=department,
                title=title,
                order=index,
            )
        )
    if not any(m.role == MemberRole.LEADER for m in members) and data.members:
        errors.append(FieldError("members", "请指定专班组长"))
    if errors:
        raise ValidationFailed(errors)
    return values, members


def _department(actor: User, pk: int | None, name: str, errors: list[FieldError]) -> Department | None:
    if not pk:
        return None
    department = Department.objects.filter(pk=pk).first()
    if department is None or not code_within(jurisdiction_code(actor), department.region_id):
        errors.append(FieldError(name, "部门不存在或不在您的管辖范围内"))
        return None
    return department


def _members_text(task_force: TaskForce) -> list[str]:
    texts = []
    for member in task_force.members.select_related("official", "department"):
        who = member.official.name if member.official else ""
        where = member.department.name if member.department else ""
        texts.append(f"{member.get_role_display()} {who}{member.title}{where}")
    return texts


@transaction.atomic
def task_force_create(*, actor: User, data: TaskForceData, source: str = "") -> TaskForce:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以设立工作专班")
    values, members = _clean_task_force(actor, data)
    task_force = TaskForce.objects.create(**values, created_by=actor if actor.pk else None)
    for member in members:
        member.task_force = task_force
    TaskForceMember.objects.bulk_create(members)
    audit.record(actor=actor, instance=task_force, action=AuditEntry.Action.CREATE, source=source)
    if members:
        audit.record(
            actor=actor,
            instance=task_force,
            action=AuditEntry.Action.UPDATE,
            changes={"members": [[], _members_text(task_force)]},
            source=source,
        )
    return task_force


@transaction.atomic
def task_force_update(
    *, actor: User, task_force_id: int, expected_version: int | None, data: TaskForceData, source: str = ""
) -> TaskForce:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改工作专班")
    task_force = lock(selectors.task_force_queryset(user=actor), task_force_id)
    require(
        code_within(jurisdiction_code(actor), task_force.region_id),
        f"{task_force.name}由{task_force.region.name}的营商办（专班）调整",
    )
    check_version(task_force, expected_version)
    values, members = _clean_task_force(actor, data)
    before = audit.snapshot(task_force)
    members_before = _members_text(task_force)
    for name, value in values.items():
        setattr(task_force, name, value)
    changes = audit.diff(before, audit.snapshot(task_force))
    task_force.members.all().delete()
    for member in members:
        member.task_force = task_force
    TaskForceMember.objects.bulk_create(members)
    members_after = _members_text(task_force)
    if members_after != members_before:
        changes["members"] = [members_before, members_after]
    if not changes:
        return task_force
    task_force.version += 1
    task_force.save()
    audit.record(
        actor=actor, instance=task_force, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return task_force


# ---------------------------------------------------------------------------------------------
# Campaigns


@dataclass
class CampaignData:
    task_force_id: int | None
    name: str
    kind: str
    starts_on: datetime.date | None
    cadence: str = Cadence.DAILY
    ends_on: datetime.date | None = None
    due_days: int = 0
    due_time: datetime.time | None = None
    same_day: bool = False
    # None: the starting form of the campaign's kind (reportforms.STARTING_FORMS).
    report_form: list[dict[str, Any]] | None = None
    status: str = CampaignStatus.ACTIVE


def _clean_campaign(actor: User, data: CampaignData, *, campaign: Campaign | None = None) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {"name": (data.name or "").strip()}
    if not values["name"]:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(Campaign, {"name": values["name"]})
    task_force = (
        selectors.task_force_queryset(user=actor).filter(pk=data.task_force_id).first()
        if data.task_force_id
        else None
    )
    if task_force is None:
        errors.append(
            FieldError("task_force", "工作专班不存在或不在您的权限范围内" if data.task_force_id else "必填")
        )
    elif not code_within(jurisdiction_code(actor), task_force.region_id):
        errors.append(FieldError("task_force", f"{task_force.name}不在您的管辖范围内"))
    elif campaign is None and task_force.status != TaskForceStatus.ACTIVE:
        errors.append(FieldError("task_force", f"{task_force.name}已撤销"))
    values["task_force"] = task_force
    values["kind"] = collect(errors, parse_choice, data.kind, CampaignKind, "kind")
    values["cadence"] = collect(errors, parse_choice, data.cadence or Cadence.DAILY, Cadence, "cadence")
    values["status"] = collect(
        errors, parse_choice, data.status or CampaignStatus.ACTIVE, CampaignStatus, "status"
    )
    values["starts_on"], values["ends_on"] = data.starts_on, data.ends_on
    if data.starts_on is None:
        errors.append(FieldError("starts_on", "必填"))
    elif data.ends_on is not None and data.ends_on < data.starts_on:
        errors.append(FieldError("ends_on", "结束日期不能早于开始日期"))
    if not 0 <= int(data.due_days or 0) <= 31:
        errors.append(FieldError("due_days", "应在 0–31 天之间"))
    values["due_days"] = int(data.due_days or 0)
    values["due_time"] = data.due_time or datetime.time(18, 0)
    values["same_day"] = bool(data.same_day)
    form = data.report_form
    if form is None:
        form = (
            campaign.report_form
            if campaign is not None
            else reportforms.STARTING_FORMS.get(values["kind"] or "other", [])
        )
    try:
        values["report_form"] = [f.as_data() for f in reportforms.parse_form(form)]
    except ValidationFailed as failure:
        errors += failure.errors
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def campaign_create(*, actor: User, data: CampaignData, source: str = "") -> Campaign:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以发起专项行动")
    values = _clean_campaign(actor, data)
    campaign = Campaign.objects.create(**values, created_by=actor if actor.pk else None)
    audit.record(actor=actor, instance=campaign, action=AuditEntry.Action.CREATE, source=source)
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: User, campaign_id: int, expected_version: int | None, data: CampaignData, source: str = ""
) -> Campaign:
    """Change a campaign. Its task force and cadence stay once reports came in (the periods
    already reported would no longer be periods); its form may change: reports already made
    keep their values."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改专项行动")
    campaign = lock(selectors.campaign_queryset(user=actor), campaign_id)
    check_version(campaign, expected_version)
    values = _clean_campaign(actor, data, campaign=campaign)
    if CampaignReport.objects.filter(campaign=campaign).exists():
        errors = []
        if values["cadence"] != campaign.cadence:
            errors.append(FieldError("cadence", "已有报送，不能改变报送周期；可结束本行动后另行发起"))
        if values["task_force"].pk != campaign.task_force_id:
            errors.append(FieldError("task_force", "已有报送，不能改变所属专班"))
        first = (
            CampaignReport.objects.filter(campaign=campaign)
            .order_by("period_start")
            .values_list("period_start", flat=True)
            .first()
        )
        if first is not None and values["starts_on"] > first:
            errors.append(FieldError("starts_on", f"已有 {first:%Y-%m-%d} 起的报送，开始日期不能晚于它"))
        if errors:
            raise ValidationFailed(errors)
    before = audit.snapshot(campaign)
    for name, value in values.items():
        setattr(campaign, name, value)
    changes = audit.diff(before, audit.snapshot(campaign))
    if not changes:
        return campaign
    campaign.version += 1
    campaign.save()
    audit.record(
        actor=actor, instance=campaign, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    if "report_form" in changes:
        # Which statuses count as done may have changed: the tallies are counted again.
        starts = (
            CampaignReport.objects.filter(campaign=campaign).order_by().values_list("period_start", flat=True)
        )
        for start in sorted(set(starts)):
            retally(campaign.pk, start)
    return campaign


# ---------------------------------------------------------------------------------------------
# The enterprises of a campaign


@dataclass
class EnrolRule:
    """Enterprises of the registry chosen by what they are: in a region (and below), of an
    industry (a GB/T 4754 code and below), above-scale only, members of an industrial chain."""

    region_code: str = ""
    industry_code: str = ""
    above_scale: bool | None = None
    chain_id: int | None = None


def _enrol(
    actor: User,
    campaign: Campaign,
    enterprises: Sequence[Enterprise],
    department: Department | None,
    via: str,
    source: str,
) -> list[CampaignEnterprise]:
    already = set(
        CampaignEnterprise.objects.filter(
            campaign=campaign, enterprise_id__in=[e.pk for e in enterprises]
        ).values_list("enterprise_id", flat=True)
    )
    new = [
        CampaignEnterprise(
            campaign=campaign, enterprise=e, region_id=e.region_id, department=department, via=via
        )
        for e in enterprises
        if e.pk not in already
    ]
    CampaignEnterprise.objects.bulk_create(new, batch_size=500)
    if new:
        audit.record(
            actor=actor,
            instance=campaign,
            action=AuditEntry.Action.UPDATE,
            changes={
                "enterprises": [
                    len(already) and "",
                    f"+{len(new)}："
                    + "、".join(e.enterprise.name for e in new[:20])
                    + ("…" if len(new) > 20 else ""),
                ]
            },
            source=source,
        )
    return new


def _campaign_to_change(actor: User, campaign_id: int) -> Campaign:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以调整专项行动的企业")
    campaign = lock(selectors.campaign_queryset(user=actor), campaign_id)
    # A county sees a city's campaign at work on its enterprises; only the city's office changes it.
    require(
        code_within(jurisdiction_code(actor), campaign.task_force.region_id),
        f"{campaign.task_force.name}由{campaign.task_force.region.name}的营商办（专班）调整",
    )
    require(campaign.status == CampaignStatus.ACTIVE, "专项行动已结束")
    return campaign


@transaction.atomic
def campaign_enrol(
    *,
    actor: User,
    campaign_id: int,
    enterprise_ids: Iterable[int],
    department_id: int | None = None,
    via: str = EnrolledVia.PICKED,
    source: str = "",
) -> list[CampaignEnterprise]:
    """Put enterprises in a campaign (those already in stay as they are). Each must be one the
    actor sees, in the task force's region."""
    campaign = _campaign_to_change(actor, campaign_id)
    wanted = list(dict.fromkeys(int(pk) for pk in enterprise_ids))
    errors: list[FieldError] = []
    if not wanted:
        errors.append(FieldError("enterprises", "请选择企业"))
    found = {e.pk: e for e in enterprise_queryset(user=actor).filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        errors.append(
            FieldError("enterprises", f"企业 {', '.join(map(str, missing[:10]))} 不存在或不在您的权限范围内")
        )
    outside = [e.name for e in found.values() if not code_within(campaign.task_force.region_id, e.region_id)]
    if outside:
        errors.append(
            FieldError(
                "enterprises",
                f"{'、'.join(outside[:5])}不在{campaign.task_force.region.name}，不属本专班服务范围",
            )
        )
    department = _department(actor, department_id, "department", errors)
    if errors:
        raise ValidationFailed(errors)
    return _enrol(actor, campaign, [found[pk] for pk in wanted], department, via, source)


@transaction.atomic
def campaign_enrol_by_rule(
    *, actor: User, campaign_id: int, rule: EnrolRule, department_id: int | None = None, source: str = ""
) -> list[CampaignEnterprise]:
    """Put in every enterprise of the registry the rule picks, within the task force's region."""
    campaign = _campaign_to_change(actor, campaign_id)
    errors: list[FieldError] = []
    queryset = enterprise_queryset(user=actor).filter(
        region_subtree_q("region_id", campaign.task_force.region_id)
    )
    if rule.region_code:
        region = region_in_reach(actor, rule.region_code, errors, field="region")
        if region is not None:
            if not code_within(campaign.task_force.region_id, region.code):
                errors.append(FieldError("region", f"{region.name}不在{campaign.task_force.region.name}"))
            queryset = queryset.filter(region_subtree_q("region_id", region.code))
    industry = (rule.industry_code or "").strip().upper()
    if len(industry) == 1 and industry.isalpha():
        queryset = queryset.filter(industry__section=industry)
    elif industry:
        # On the key itself, without a join (as the enterprises' filter does).
        queryset = queryset.filter(industry__pk__startswith=industry)
    if rule.above_scale is not None:
        queryset = queryset.filter(above_scale=rule.above_scale)
    if rule.chain_id:
        chain = chain_queryset(user=actor).filter(pk=rule.chain_id).first()
        if chain is None:
            errors.append(FieldError("chain", "产业链不存在或不在您的权限范围内"))
        else:
            queryset = queryset.filter(pk__in=ChainMember.objects.filter(chain=chain).values("enterprise_id"))
    department = _department(actor, department_id, "department", errors)
    if not (rule.region_code or rule.industry_code or rule.above_scale is not None or rule.chain_id):
        errors.append(FieldError("rule", "请至少给出一个条件（地区、行业、规上企业或产业链）"))
    if errors:
        raise ValidationFailed(errors)
    enterprises = list(queryset.select_related(None).only("pk", "name", "region_id")[:50_001])
    if len(enterprises) > 50_000:
        raise ValidationFailed([FieldError("rule", "条件选中的企业超过 50,000 家，请缩小范围")])
    return _enrol(actor, campaign, enterprises, department, EnrolledVia.RULE, source)


@transaction.atomic
def campaign_withdraw(*, actor: User, campaign_id: int, enterprise_id: int, source: str = "") -> None:
    """Take an enterprise out of a campaign. Its reports stay (the periods it reported)."""
    campaign = _campaign_to_change(actor, campaign_id)
    enrolment = (
        selectors.enrolment_queryset(user=actor, campaign=campaign)
        .filter(enterprise_id=enterprise_id)
        .first()
    )
    if enrolment is None:
        raise NotFound()
    enrolment.delete()
    # Its reports stay, out of the figures: the tallies of the periods it reported are counted again.
    reported = CampaignReport.objects.filter(campaign=campaign, enterprise_id=enterprise_id).values_list(
        "period_start", "region_id", "department_id"
    )
    for start, region_id, department_id in reported:
        retally(campaign.pk, start, {(region_id, department_id)})
    audit.record(
        actor=actor,
        instance=campaign,
        action=AuditEntry.Action.UPDATE,
        changes={"enterprises": [enrolment.enterprise.name, ""]},
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# Reports


def period_deadline(campaign: Campaign, period: Period) -> datetime.datetime:
    """When a period's report is due: the period's last day plus the campaign's days, at its time."""
    day = period.end + datetime.timedelta(days=campaign.due_days)
    return datetime.datetime.combine(day, campaign.due_time, tzinfo=SHANGHAI)


def campaign_period(campaign: Campaign, key: str, *, field_name: str = "period") -> Period:
    """The campaign's period a key names: of its cadence, within its dates and not in the future."""
    period = Period.parse(key, kind=campaign.period_kind, field_name=field_name)
    today = timezone.localdate()
    if period.start > today:
        raise ValidationFailed([FieldError(field_name, f"{period.label}还未开始，不能报送")])
    if period.end < campaign.starts_on or (campaign.ends_on is not None and period.start > campaign.ends_on):
        raise ValidationFailed([FieldError(field_name, f"{period.label}不在本行动的起止日期内")])
    return period


@dataclass
class ReportData:
    enterprise_id: int
    period: str
    values: dict[str, Any]
    # A second report for a period is a correction and says so: it replaces the first.
    correction: bool = False
    expected_version: int | None = None
    # The category of the case a difficulty becomes (default: the one its text names, else 其他).
    difficulty_category_id: int | None = None


def fill_measures(
    report: CampaignReport, fields: list[reportforms.FormField], values: dict[str, Any]
) -> None:
    """A report's values as typed, and the measured ones in the columns the figures read (the
    one place both a report and an import set them)."""
    measures = reportforms.measures_of(fields, values)
    report.values = values
    report.status_value = str(measures.get("status") or "")
    report.staff_present = measures.get("staff_present")
    report.staff_expected = measures.get("staff_expected")
    report.capacity = Decimal(measures["capacity"]) if "capacity" in measures else None
    report.output = Decimal(measures["output"]) if "output" in measures else None  # type: ignore[assignment]
    report.difficulty = str(measures.get("difficulty") or "")


def active_categories() -> list[CaseCategory]:
    return list(CaseCategory.objects.filter(is_active=True).order_by("order", "id"))


def difficulty_category(
    text: str, chosen: int | None, errors: list[FieldError], categories: list[CaseCategory] | None = None
) -> CaseCategory | None:
    """The category of the case a difficulty becomes: the one chosen, else the first whose name
    the text holds (物流, 用工 …), else 其他. A chosen one that does not exist goes into `errors`.
    `categories`: the active ones, read once by a caller filing many (an import)."""
    categories = active_categories() if categories is None else categories
    if chosen:
        found = next((c for c in categories if c.pk == chosen), None)
        if found is None:
            errors.append(FieldError("difficulty_category", "类别不存在"))
        return found
    for category in categories:
        if category.name != "其他" and (category.name in text or category.name.rstrip("料") in text):
            return category
    return next((c for c in categories if c.name == "其他"), categories[-1] if categories else None)


def file_difficulty(
    actor: User, campaign: Campaign, report: CampaignReport, category: CaseCategory, source: str
) -> Any:
    """File a report's difficulty as the enterprise's demand case (same-day when the campaign
    says 日清日结); the one way a campaign's cases are filed (the import files them here too)."""
    text = report.difficulty
    data = case_services.NewCase(
        kind=Kind.DEMAND,
        title=text if len(text) <= 60 else text[:59] + "…",
        description=text,
        enterprise_id=report.enterprise_id,
        category_id=category.pk,
        urgency=Urgency.SAME_DAY if campaign.same_day else Urgency.NORMAL,
        source=Source.TASK_FORCE,
        source_note=f"{campaign.task_force.name}·{campaign.name} {report.period_key}",
        campaign_id=campaign.pk,
    )
    return case_services.case_create(
        actor=actor, data=data, source=source, origin=case_services.Origin.CAMPAIGN_REPORT
    )


@transaction.atomic
def report_submit(
    *, actor: User, campaign_id: int, data: ReportData, channel: str | None = None, source: str = ""
) -> CampaignReport:
    """An enterprise's report for one period. A second report for the same period is refused
    unless it says it is a correction, which replaces the first (the audit trail keeps both). A
    difficulty given becomes the enterprise's demand case, same-day when the campaign says so."""
    campaign = selectors.campaign_get(user=actor, campaign_id=campaign_id)
    require(campaign.status == CampaignStatus.ACTIVE, "专项行动已结束，不再接受报送")
    enrolment = (
        CampaignEnterprise.objects.filter(campaign=campaign, enterprise_id=data.enterprise_id)
        .select_related("enterprise")
        .first()
    )
    if enrolment is None or not enterprise_queryset(user=actor).filter(pk=data.enterprise_id).exists():
        raise ValidationFailed([FieldError("enterprise", "该企业不在本专项行动中")])
    how = reporting_channel(actor, enrolment)
    require(how is not None, "只有企业本身、其联络员、包保部门和专班可以报送")
    period = campaign_period(campaign, data.period)
    fields = reportforms.form_of(campaign.report_form)
    values = reportforms.clean_values(fields, data.values or {}, enrolment.enterprise)
    measures = reportforms.measures_of(fields, values)
    errors: list[FieldError] = []
    difficulty = str(measures.get("difficulty") or "")
    category = difficulty_category(difficulty, data.difficulty_category_id, errors) if difficulty else None
    if errors:
        raise ValidationFailed(errors)

    now = timezone.now()
    existing = (
        CampaignReport.objects.select_for_update()
        .filter(campaign=campaign, enterprise_id=data.enterprise_id, period_start=period.start)
        .first()
    )
    if existing is not None and not data.correction:
        raise ValidationFailed(
            [FieldError("period", f"{enrolment.enterprise.name}{period.label}已报送；如需修改，请提交更正")]
        )
    if existing is None and data.correction:
        raise ValidationFailed([FieldError("period", f"{period.label}还没有报送，无可更正")])
    if existing is not None:
        check_version(existing, data.expected_version)
    report = existing or CampaignReport(
        campaign=campaign, enterprise=enrolment.enterprise, period_start=period.start, period_key=period.key
    )
    before = audit.snapshot(report) if existing is not None else None
    # A correction after the enterprise's serving department changed moves the report between
    # tallies: both are counted again.
    touched = {(report.region_id, report.department_id)} if existing is not None else set()
    report.region_id = enrolment.region_id
    report.department_id = enrolment.department_id
    fill_measures(report, fields, values)
    report.channel = channel or str(how)
    report.submitted_at = now
    report.submitted_by = actor if actor.pk else None
    if existing is None:
        report.late = now > period_deadline(campaign, period)
        report.save()
        audit.record(actor=actor, instance=report, action=AuditEntry.Action.CREATE, source=source)
    else:
        report.corrections += 1
        report.version += 1
        report.save()
        audit.record(
            actor=actor, instance=report, action=AuditEntry.Action.UPDATE, before=before, source=source
        )
    if (
        difficulty
        and category is not None
        and (existing is None or existing.case_id is None or difficulty != (before or {}).get("difficulty"))
    ):
        case = file_difficulty(actor, campaign, report, category, source)
        report.case = case
        report.save(update_fields=["case"])
    retally(campaign.pk, period.start, touched | {(report.region_id, report.department_id)})
    return report


# capacity × output, for the output-weighted mean of the capacity rates.
_CAPACITY_TIMES_OUTPUT = ExpressionWrapper(
    F("capacity") * F("output"), output_field=DecimalField(max_digits=22, decimal_places=4)
)


def retally(
    campaign_id: int, period_start: datetime.date, keys: set[tuple[str, int | None]] | None = None
) -> None:
    """Recompute the board's tallies of one period of a campaign from its reports: for the
    (region, department) keys given, else for the whole period. One grouped query over the
    period's reports (the period index), then the tally rows replaced."""
    # One recount of a campaign at a time: two reports of one key committing together would each
    # count without the other (and the second insert would break the key's uniqueness).
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign_id)
    # The reports of the enterprises in the campaign: one taken out leaves the figures.
    reports = CampaignReport.objects.filter(
        campaign_id=campaign_id,
        period_start=period_start,
        enterprise_id__in=CampaignEnterprise.objects.filter(campaign_id=campaign_id).values("enterprise_id"),
    )
    tallies = CampaignTally.objects.filter(campaign_id=campaign_id, period_start=period_start)
    if keys is not None:
        key_q = Q(pk__in=[])
        for region_id, department_id in keys:
            key_q |= Q(region_id=region_id, department_id=department_id)
        reports, tallies = reports.filter(key_q), tallies.filter(key_q)
    tallies.delete()
    rows: dict[tuple[str, int | None], CampaignTally] = {}
    status = reportforms.status_field(reportforms.form_of(campaign.report_form))
    done = set(status.done) if status is not None else set()
    grouped = (
        reports.order_by()
        .values("region_id", "department_id", "status_value")
        .annotate(
            n=Count("pk"),
            late_n=Count("pk", filter=Q(late=True)),
            present=Sum("staff_present"),
            expected=Sum("staff_expected", filter=Q(staff_present__isnull=False)),
            output_sum=Sum("output"),
            cap_sum=Sum("capacity"),
            cap_n=Count("capacity"),
            difficult=Count("pk", filter=~Q(difficulty="")),
        )
    )
    weighted = {
        (r["region_id"], r["department_id"]): r
        for r in reports.filter(capacity__isnull=False, output__gt=0)
        .order_by()
        .values("region_id", "department_id")
        .annotate(w=Sum("output"), cw=Sum(_CAPACITY_TIMES_OUTPUT))
    }
    for row in grouped:
        key = (row["region_id"], row["department_id"])
        tally = rows.get(key)
        if tally is None:
            tally = rows[key] = CampaignTally(
                campaign_id=campaign_id,
                period_start=period_start,
                region_id=key[0],
                department_id=key[1],
                statuses={},
            )
            w = weighted.get(key)
            if w is not None:
                tally.capacity_weight, tally.capacity_weighted = w["w"] or 0, w["cw"] or 0
        tally.reports += row["n"]
        tally.late += row["late_n"]
        if row["status_value"]:
            tally.statuses[row["status_value"]] = tally.statuses.get(row["status_value"], 0) + row["n"]
            if row["status_value"] in done:
                tally.done += row["n"]
        tally.staff_present += row["present"] or 0
        tally.staff_expected += row["expected"] or 0
        tally.output += row["output_sum"] or 0
        tally.capacity_sum += row["cap_sum"] or 0
        tally.capacity_count += row["cap_n"]
        tally.difficulties += row["difficult"]
    CampaignTally.objects.bulk_create(rows.values(), batch_size=500)
