"""Every change to a project: the library entry, its stage, its node plan and its progress
reports. Each runs in a transaction and writes the audit trail; a refusal names the field."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, Kind, Source
from zhuqi.chains.models import Chain
from zhuqi.chains.naming import name_key
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core import audit, search
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, NotFound, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code, region_and_ancestor_codes, region_subtree_q
from zhuqi.core.textlimits import length_error, length_errors, limit
from zhuqi.core.values import collect, parse_amount, parse_choice
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.directory.selectors import region_in_reach
from zhuqi.enterprises.models import Assignment
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.projects import chain_names, periods, selectors
from zhuqi.projects.models import (
    STAGE_DATE_FIELDS,
    STAGE_ORDER,
    Level,
    Milestone,
    MilestoneKind,
    ProgressReport,
    Project,
    ProjectCategory,
    ProjectList,
    ProjectYear,
    ReportingPeriod,
    Stage,
    StageChange,
)


def may_manage(actor: User) -> bool:
    """Whether the actor keeps the library: adds, edits, imports projects and sets plans."""
    return has_permission(actor, Permission.MANAGE_PROJECTS)


def may_report(actor: User, project: Project) -> bool:
    """Who writes a project's progress: the library's keepers, the responsible department, the
    owner enterprise and the liaison officers assigned to it now."""
    if may_manage(actor):
        return True
    if actor.role == Role.HANDLER:
        return bool(actor.department_id) and actor.department_id == project.responsible_department_id
    if actor.role == Role.ENTERPRISE:
        return bool(actor.enterprise_id) and actor.enterprise_id == project.owner_id
    if actor.role == Role.LIAISON and actor.official_id and project.owner_id:
        return Assignment.objects.filter(
            Assignment.current_q(), official_id=actor.official_id, enterprise_id=project.owner_id
        ).exists()
    return False


def may_change_stage(actor: User, project: Project) -> bool:
    if may_manage(actor):
        return True
    return (
        actor.role == Role.HANDLER
        and bool(actor.department_id)
        and (actor.department_id == project.responsible_department_id)
    )


# ---------------------------------------------------------------------------------------------
# Amounts


# ---------------------------------------------------------------------------------------------
# The library entry


@dataclass
class ProjectData:
    name: str
    region_code: str
    total_investment: Any
    listed_year: int | None = None
    code: str = ""
    project_list_id: int | None = None
    owner_id: int | None = None
    owner_name: str = ""
    # The chain by name as written (an import, the API's text): resolved to the chain of the
    # project's region or a region above it; kept as written when it names none.
    chain: str = ""
    # The chain picked (a page's select, the API's chain_id): wins over the name.
    chain_id: int | None = None
    category: str = ProjectCategory.INDUSTRIAL
    level: str = Level.CITY
    content: str = ""
    responsible_leader_id: int | None = None
    responsible_department_id: int | None = None
    planned_preparing_on: datetime.date | None = None
    planned_started_on: datetime.date | None = None
    planned_completed_on: datetime.date | None = None
    planned_producing_on: datetime.date | None = None
    # The annual plan for listed_year (or the year given), in 万元.
    annual_plan: Any = None
    annual_plan_year: int | None = None


PLANNED_LABELS = {
    "planned_preparing_on": "计划转入前期日期",
    "planned_started_on": "计划开工日期",
    "planned_completed_on": "计划竣工日期",
    "planned_producing_on": "计划投产日期",
}
PLANNED_ORDER = list(PLANNED_LABELS)


def clean_project_data(actor: User, data: ProjectData, *, project: Project | None = None) -> dict[str, Any]:
    """The model values for `data`, or ValidationFailed naming every bad field."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    values["name"] = name
    code = (data.code or "").strip()
    chain_text = (data.chain or "").strip()
    values["content"] = (data.content or "").strip()
    values["owner_name"] = (data.owner_name or "").strip()
    too_long = length_errors(
        Project, {"code": code, **{n: values[n] for n in ("name", "content", "owner_name")}}
    )
    # The chain as written is named "chain" to the caller, as the field it typed.
    chain_too_long = length_error("chain", chain_text, limit(Project, "chain_name"))
    if chain_too_long is not None:
        too_long.append(chain_too_long)
    errors += too_long
    if (
        code
        and not any(e.field == "code" for e in too_long)
        and Project.objects.filter(code=code).exclude(pk=project.pk if project else 0).exists()
    ):
        errors.append(FieldError("code", f"项目代码 {code} 已被另一个项目使用"))
    values["code"] = code

    region = region_in_reach(actor, data.region_code, errors)
    values["region"] = region
    values["chain"], values["chain_name"] = _clean_chain(
        actor, data.chain_id, chain_text, region.code if region else "", errors, project=project
    )

    year = data.listed_year or timezone.localdate().year
    if not 2000 <= int(year) <= 2100:
        errors.append(FieldError("listed_year", f"入库年度“{year}”不合理"))
    values["listed_year"] = int(year)
    values["total_investment"] = collect(errors, parse_amount, data.total_investment, "total_investment")
    values["category"] = collect(
        errors, parse_choice, data.category, ProjectCategory, "category", default=ProjectCategory.INDUSTRIAL
    )
    values["level"] = collect(errors, parse_choice, data.level, Level, "level", default=Level.CITY)

    values["project_list"] = None
    if data.project_list_id:
        project_list = ProjectList.objects.filter(pk=data.project_list_id).first()
        if project_list is None or not code_within(jurisdiction_code(actor), project_list.region_id):
            errors.append(FieldError("project_list", "项目清单不存在或不在您的管辖范围内"))
        values["project_list"] = project_list

    values["owner"] = None
    if data.owner_id:
        owner = enterprise_queryset(user=actor).filter(pk=data.owner_id).first()
        if owner is None:
            errors.append(FieldError("owner", "企业不存在或不在您的权限范围内"))
        else:
            values["owner"], values["owner_name"] = owner, owner.name

    values["responsible_leader"] = None
    if data.responsible_leader_id:
        leader = Official.objects.filter(pk=data.responsible_leader_id).first()
        if leader is None:
            errors.append(FieldError("responsible_leader", "干部不存在"))
        values["responsible_leader"] = leader
    values["responsible_department"] = None
    if data.responsible_department_id:
        department = Department.objects.filter(pk=data.responsible_department_id).first()
        if department is None:
            errors.append(FieldError("responsible_department", "部门不存在"))
        elif not code_within(jurisdiction_code(actor), department.region_id) and not (
            region and department.region_id in {region.code, region.code[:4] + "00", region.code[:2] + "0000"}
        ):
            errors.append(FieldError("responsible_department", f"{department.name}不在您的管辖范围内"))
        values["responsible_department"] = department

    previous: tuple[str, datetime.date] | None = None
    for name_ in PLANNED_ORDER:
        planned = getattr(data, name_)
        values[name_] = planned
        if planned is None:
            continue
        if previous and planned < previous[1]:
            errors.append(FieldError(name_, f"不能早于{PLANNED_LABELS[previous[0]]}（{previous[1]}）"))
        previous = (name_, planned)

    plan = collect(errors, parse_amount, data.annual_plan, "annual_plan", required=False)
    values["_annual_plan"] = plan
    values["_annual_plan_year"] = data.annual_plan_year or values["listed_year"]
    if plan is not None and values["total_investment"] is not None and plan > values["total_investment"]:
        errors.append(
            FieldError("annual_plan", f"年度计划投资 {plan} 万元超过总投资 {values['total_investment']} 万元")
        )
    if errors:
        raise ValidationFailed(errors)
    return values


def _region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _clean_chain(
    actor: User,
    chain_id: int | None,
    written: str,
    region_code: str,
    errors: list[FieldError],
    *,
    project: Project | None = None,
) -> tuple[Chain | None, str]:
    """(the chain, the name kept as written): a chain picked must be one of the project's region
    or a region above it; a name is resolved there (chain_names.resolve), kept as written when it
    names no chain, refused naming the candidates when it names several."""
    reach = region_and_ancestor_codes(region_code) if region_code else set()
    if chain_id:
        chain = chain_queryset(user=actor).filter(pk=chain_id).first()
        if chain is None:
            errors.append(FieldError("chain", "产业链不存在或不在您的权限范围内"))
        elif region_code and chain.region_id not in reach:
            errors.append(
                FieldError(
                    "chain", f"{chain.name}属于{chain.region.name}，不是项目建设地点或其上级地区的产业链"
                )
            )
        return chain, ""
    if not written or not region_code:
        return None, written
    current = project.chain if project is not None and project.chain_id else None
    if current is not None and current.region_id in reach and name_key(current.name) == name_key(written):
        return current, ""  # the chain it is linked to, written back by name (an API round trip)
    found = chain_names.resolve(
        written, region_code, chain_names.chain_refs(Chain.objects.filter(region_id__in=reach))
    )
    if found.ambiguous:
        candidates = chain_names.describe_candidates(
            found.candidates, _region_names({c.region_id for c in found.candidates})
        )
        errors.append(FieldError("chain", f"“{written}”对应多条产业链：{candidates}，请指明其一"))
        return None, written
    if found.chain is None:
        return None, written
    return Chain.objects.get(pk=found.chain.id), ""


def _set_annual_plan(project: Project, year: int, plan: Decimal | None) -> None:
    if plan is None:
        return
    row, _ = ProjectYear.objects.select_for_update().get_or_create(project=project, year=year)
    row.planned_investment = plan
    row.save(update_fields=["planned_investment"])


@transaction.atomic
def project_create(*, actor: User, data: ProjectData, source: str = "") -> Project:
    require(may_manage(actor), "只有营商办（专班）和系统管理员可以维护重点项目库")
    values = clean_project_data(actor, data)
    plan, plan_year = values.pop("_annual_plan"), values.pop("_annual_plan_year")
    project = Project(**values, created_by=actor if actor.pk else None)
    search.fill(project)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationFailed([FieldError("code", f"项目代码 {project.code} 已被另一个项目使用")]) from None
    _set_annual_plan(project, plan_year, plan)
    audit.record(actor=actor, instance=project, action=AuditEntry.Action.CREATE, source=source)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project_id: int, expected_version: int | None, data: ProjectData, source: str = ""
) -> Project:
    require(may_manage(actor), "只有营商办（专班）和系统管理员可以维护重点项目库")
    project = lock(selectors.project_queryset(user=actor), project_id)
    check_version(project, expected_version)
    before = audit.snapshot(project)
    values = clean_project_data(actor, data, project=project)
    plan, plan_year = values.pop("_annual_plan"), values.pop("_annual_plan_year")
    for name, value in values.items():
        setattr(project, name, value)
    plan_before = (
        ProjectYear.objects.filter(project=project, year=plan_year)
        .values_list("planned_investment", flat=True)
        .first()
    )
    plan_changed = plan is not None and plan != plan_before
    if not audit.diff(before, audit.snapshot(project)) and not plan_changed:
        return project  # nothing to record (a list imported again unchanged)
    project.version += 1
    search.fill(project)
    project.save()
    _set_annual_plan(project, plan_year, plan)
    changes = audit.diff(before, audit.snapshot(project))
    if plan_changed:
        changes[f"annual_plan_{plan_year}"] = [
            str(plan_before) if plan_before is not None else None,
            str(plan),
        ]
    audit.record(
        actor=actor, instance=project, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return project


@transaction.atomic
def annual_plan_set(
    *,
    actor: User,
    project_id: int,
    expected_version: int | None,
    year: int,
    planned_investment: Any,
    source: str = "",
) -> ProjectYear:
    require(may_manage(actor), "只有营商办（专班）和系统管理员可以下达年度投资计划")
    project = lock(selectors.project_queryset(user=actor), project_id)
    check_version(project, expected_version)
    plan = parse_amount(planned_investment, "planned_investment")
    assert plan is not None
    if plan > project.total_investment:
        raise ValidationFailed(
            [
                FieldError(
                    "planned_investment",
                    f"年度计划投资 {plan} 万元超过总投资 {project.total_investment} 万元",
                )
            ]
        )
    row, _ = ProjectYear.objects.select_for_update().get_or_create(project=project, year=int(year))
    before = {"planned_investment": str(row.planned_investment)}
    row.planned_investment = plan
    row.save(update_fields=["planned_investment"])
    project.version += 1
    project.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=project,
        action=AuditEntry.Action.UPDATE,
        changes={f"annual_plan_{year}": [before["planned_investment"], str(plan)]},
        source=source,
    )
    return row


@transaction.atomic
def projects_link_chain(*, actor: User, chain_id: int | str, chain_name: str, source: str = "") -> int:
    """Link every project in the actor's scope whose chain is written `chain_name` and names no
    chain (产业链未匹配), built in the chain's region or below it, to the chain: for a person
    once the chain exists. Each project's version moves on and its change is audited. The number
    of projects linked."""
    require(may_manage(actor), "只有营商办（专班）和系统管理员可以维护重点项目库")
    chain = chain_queryset(user=actor).filter(pk=chain_id).first() if str(chain_id).isdigit() else None
    if chain is None:
        raise NotFound()
    written = (chain_name or "").strip()
    if not written:
        raise ValidationFailed([FieldError("chain_name", "必填")])
    projects = list(
        selectors.project_queryset(user=actor)
        .filter(region_subtree_q("region_id", chain.region_id), chain__isnull=True, chain_name=written)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    changes: list[tuple[Project, dict[str, list[Any]]]] = []
    now = timezone.now()
    for project in projects:
        before = audit.snapshot(project)
        project.chain, project.chain_name = chain, ""
        project.version += 1
        project.updated_at = now
        changes.append((project, audit.diff(before, audit.snapshot(project))))
    Project.objects.bulk_update(projects, ["chain", "chain_name", "version", "updated_at"], batch_size=500)
    audit.record_each(actor=actor, action=AuditEntry.Action.UPDATE, changes=changes, source=source)
    return len(projects)


# ---------------------------------------------------------------------------------------------
# Stages


def _position(stage: str) -> int:
    return STAGE_ORDER.index(Stage(stage)) if stage in STAGE_ORDER else -1


@transaction.atomic
def project_change_stage(
    *,
    actor: User,
    project_id: int,
    expected_version: int | None,
    to_stage: str,
    on: datetime.date | None,
    reason: str = "",
    source: str = "",
) -> Project:
    """Move a project along its road (谋划 → 前期 → 开工 → 竣工 → 投产), off it (停缓建, 取消)
    or back onto it. Forward may skip stages; backwards, off the road and back on need a reason.
    `on` is the day it actually happened: not in the future, not before the stage it leaves."""
    project = lock(selectors.project_queryset(user=actor), project_id)
    require(
        may_change_stage(actor, project), "只有项目的责任部门、营商办（专班）和系统管理员可以变更项目阶段"
    )
    check_version(project, expected_version)
    target = parse_choice(to_stage, Stage, "to_stage")
    reason = (reason or "").strip()
    errors: list[FieldError] = length_errors(StageChange, {"reason": reason})
    current = project.stage
    if target == current:
        raise ValidationFailed([FieldError("to_stage", f"项目已处于“{Stage(current).label}”阶段")])
    if on is None:
        errors.append(FieldError("on", "必填：请填写实际发生日期"))
    elif on > timezone.localdate():
        errors.append(FieldError("on", "不能晚于今天：阶段变更登记的是已经发生的事"))
    backwards = target in STAGE_ORDER and current in STAGE_ORDER and _position(target) < _position(current)
    resuming = current in (Stage.SUSPENDED, Stage.CANCELLED)
    if (backwards or resuming or target in (Stage.SUSPENDED, Stage.CANCELLED)) and not reason:
        why = (
            f"从“{Stage(current).label}”退回“{Stage(target).label}”"
            if backwards
            else ("恢复项目" if resuming else f"转为“{Stage(target).label}”")
        )
        errors.append(FieldError("reason", f"{why}须说明原因"))
    if on is not None and target in STAGE_DATE_FIELDS and not backwards:
        # The new stage cannot have happened before the stage the project is leaving.
        reference = current if current in STAGE_DATE_FIELDS else project.stage_before_suspension
        earlier = project.stage_date(reference) if reference in STAGE_DATE_FIELDS else None
        if earlier and on < earlier:
            errors.append(FieldError("on", f"不能早于“{Stage(reference).label}”的日期 {earlier}"))
    if errors:
        raise ValidationFailed(errors)
    assert on is not None
    before = audit.snapshot(project)
    if target == Stage.SUSPENDED:
        project.stage_before_suspension = (
            current if current in STAGE_ORDER else project.stage_before_suspension
        )
    elif target in STAGE_ORDER:
        if backwards:
            # The later stages did not (yet) happen after all: their dates go with them.
            for later in STAGE_ORDER[_position(target) + 1 :]:
                if later in STAGE_DATE_FIELDS:
                    setattr(project, STAGE_DATE_FIELDS[later], None)
        if target in STAGE_DATE_FIELDS:
            setattr(project, STAGE_DATE_FIELDS[Stage(target)], on)
        project.stage_before_suspension = ""
    project.stage = target
    project.stage_reason = reason
    project.version += 1
    project.save()
    StageChange.objects.create(
        project=project,
        from_stage=current,
        to_stage=target,
        on=on,
        reason=reason,
        by=actor if actor.pk else None,
        at=timezone.now(),
    )
    audit.record(actor=actor, instance=project, action=AuditEntry.Action.UPDATE, before=before, source=source)
    return project


# ---------------------------------------------------------------------------------------------
# The node plan


@dataclass
class MilestoneData:
    name: str
    planned_on: datetime.date | None
    kind: str = MilestoneKind.OTHER
    id: int | None = None


@transaction.atomic
def milestones_save(
    *,
    actor: User,
    project_id: int,
    expected_version: int | None,
    milestones: Sequence[MilestoneData],
    source: str = "",
) -> list[Milestone]:
    """Replace the node plan, as read at the project's `expected_version` (the plan is part of
    the project's entry: a plan saved over one changed since would undo that change). Rows with
    an id are changed, rows without are added, and nodes not
    listed are removed, unless already done (a done node is history, not plan)."""
    project = lock(selectors.project_queryset(user=actor), project_id)
    require(
        may_change_stage(actor, project), "只有项目的责任部门、营商办（专班）和系统管理员可以修改节点计划"
    )
    check_version(project, expected_version)
    existing = {m.pk: m for m in project.milestones.select_for_update()}
    errors: list[FieldError] = []
    kept: list[Milestone] = []
    for index, item in enumerate(milestones, start=1):
        where = f"第{index}个节点"
        name = (item.name or "").strip()
        if not name:
            errors.append(FieldError(f"{where}.name", "必填"))
        errors += length_errors(Milestone, {"name": name}, prefix=f"{where}.")
        if item.planned_on is None:
            errors.append(FieldError(f"{where}.planned_on", "必填"))
        kind = collect(
            errors, parse_choice, item.kind, MilestoneKind, f"{where}.kind", default=MilestoneKind.OTHER
        )
        milestone = existing.get(item.id) if item.id else Milestone(project=project)
        if milestone is None:
            errors.append(FieldError(f"{where}.id", f"节点 {item.id} 不属于该项目"))
            continue
        milestone.name, milestone.kind, milestone.position = name, kind or MilestoneKind.OTHER, index
        if item.planned_on is not None:
            milestone.planned_on = item.planned_on
        kept.append(milestone)
    removed = [m for pk, m in existing.items() if pk not in {k.pk for k in kept}]
    for milestone in removed:
        if milestone.done_on:
            errors.append(
                FieldError("milestones", f"节点“{milestone.name}”已于 {milestone.done_on} 完成，不能删除")
            )
    if errors:
        raise ValidationFailed(errors)
    before = [(m.name, str(m.planned_on)) for m in existing.values()]
    for milestone in removed:
        milestone.delete()
    for milestone in kept:
        milestone.save()
    project.version += 1
    project.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=project,
        action=AuditEntry.Action.UPDATE,
        changes={"milestones": [before, [(m.name, str(m.planned_on)) for m in kept]]},
        source=source,
    )
    return kept


# ---------------------------------------------------------------------------------------------
# Progress reports


@dataclass
class ProblemData:
    """A problem raised in a report; it becomes a case linked to the project."""

    title: str
    description: str = ""
    category_id: int | None = None


@dataclass
class ReportData:
    period_start: datetime.date | None
    progress: str
    investment_this_period: Any
    next_step: str = ""
    problems_text: str = ""
    # (milestone id, date done) for the nodes this report ticks off.
    milestones_done: list[tuple[int, datetime.date | None]] = field(default_factory=list)
    problems: list[ProblemData] = field(default_factory=list)
    # The reporter confirms a to-date figure above the total investment (the total was raised,
    # say); without it such a report is refused as a likely typo.
    confirm_over_total: bool = False


@dataclass
class ReportResult:
    report: ProgressReport
    cases: list[Any]


@transaction.atomic
def report_submit(*, actor: User, project_id: int, data: ReportData, source: str = "") -> ReportResult:
    project = lock(selectors.project_queryset(user=actor), project_id)
    require(may_report(actor, project), "只有项目单位、责任部门、包联联络员和营商办（专班）可以填报项目进展")
    errors: list[FieldError] = []
    today = timezone.localdate()
    kind = project.reporting_period
    period: Period | None = None
    if data.period_start is None:
        errors.append(FieldError("period_start", "必填"))
    else:
        period = periods.period_containing(kind, data.period_start)
        if period.start > today:
            errors.append(FieldError("period_start", f"报告期 {period.dates} 尚未开始，不能预先填报"))
        elif ProgressReport.objects.filter(project=project, period_start=period.start).exists():
            errors.append(FieldError("period_start", f"报告期 {period.dates} 已填报，请勿重复填报"))
    progress = (data.progress or "").strip()
    if not progress:
        errors.append(FieldError("progress", "请写明本期进展"))
    errors += length_errors(
        ProgressReport,
        {
            "progress": progress,
            "next_step": (data.next_step or "").strip(),
            "problems": (data.problems_text or "").strip(),
        },
    )
    # problems_text is what the report form calls the report's own "problems" text.
    errors = [FieldError("problems_text", e.message) if e.field == "problems" else e for e in errors]
    amount = collect(errors, parse_amount, data.investment_this_period, "investment_this_period")
    milestones = {m.pk: m for m in project.milestones.select_for_update()}
    ticks: list[tuple[Milestone, datetime.date]] = []
    for milestone_id, done_on in data.milestones_done:
        milestone = milestones.get(milestone_id)
        if milestone is None:
            errors.append(FieldError("milestones_done", f"节点 {milestone_id} 不属于该项目"))
        elif milestone.done_on:
            errors.append(
                FieldError("milestones_done", f"节点“{milestone.name}”已于 {milestone.done_on} 完成")
            )
        elif done_on is None or done_on > today:
            errors.append(FieldError("milestones_done", f"节点“{milestone.name}”的完成日期应为今天或以前"))
        else:
            ticks.append((milestone, done_on))
    for index, problem in enumerate(data.problems, start=1):
        if not (problem.title or "").strip():
            errors.append(FieldError(f"problems.{index}.title", "请写明问题"))
        if not problem.category_id:
            errors.append(FieldError(f"problems.{index}.category", "必填"))
        errors += length_errors(
            Case,
            {"title": (problem.title or "").strip(), "description": (problem.description or "").strip()},
            prefix=f"problems.{index}.",
        )
    to_date: Decimal | None = None
    if amount is not None and period is not None:
        before_period = (
            ProgressReport.objects.filter(project=project, period_start__lt=period.start)
            .order_by("-period_start")
            .values_list("investment_to_date", flat=True)
            .first()
        )
        to_date = (before_period or Decimal(0)) + amount
        new_total = project.investment_to_date + amount
        if new_total > project.total_investment and not data.confirm_over_total:
            errors.append(
                FieldError(
                    "investment_this_period",
                    f"累计完成投资将达 {new_total} 万元，超过总投资 {project.total_investment} 万元；"
                    "如属实（例如总投资已调整），请勾选确认后再提交",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    assert period is not None and amount is not None and to_date is not None

    report = ProgressReport.objects.create(
        project=project,
        period_start=period.start,
        period_end=period.end,
        progress=progress,
        investment_this_period=amount,
        investment_to_date=to_date,
        next_step=(data.next_step or "").strip(),
        problems=(data.problems_text or "").strip() or "\n".join(p.title.strip() for p in data.problems),
        reported_by=actor if actor.pk else None,
        reported_at=timezone.now(),
    )
    # A report filed late for an earlier period moves the to-date figure of every later one.
    ProgressReport.objects.filter(project=project, period_start__gt=period.start).update(
        investment_to_date=F("investment_to_date") + amount
    )
    year_row, _ = ProjectYear.objects.select_for_update().get_or_create(project=project, year=period.end.year)
    ProjectYear.objects.filter(pk=year_row.pk).update(completed_investment=F("completed_investment") + amount)
    before = audit.snapshot(project)
    project.investment_to_date += amount
    if project.last_period_end is None or period.end > project.last_period_end:
        project.last_period_end = period.end
    project.save(update_fields=["investment_to_date", "last_period_end", "updated_at"])
    for milestone, done_on in ticks:
        milestone.done_on, milestone.report = done_on, report
        milestone.save(update_fields=["done_on", "report"])
    audit.record(actor=actor, instance=report, action=AuditEntry.Action.CREATE, source=source)
    audit.record(actor=actor, instance=project, action=AuditEntry.Action.UPDATE, before=before, source=source)
    cases = [_problem_case(actor, project, report, problem, source) for problem in data.problems]
    return ReportResult(report=report, cases=cases)


def _problem_case(
    actor: User, project: Project, report: ProgressReport, problem: ProblemData, source: str
) -> Any:
    """A problem from a report, as a case in the normal workflow: the owner's demand when the
    owner is a registered enterprise, otherwise an instruction for the coordinator to route."""
    data = case_services.NewCase(
        kind=Kind.DEMAND if project.owner_id else Kind.INSTRUCTION,
        title=problem.title.strip(),
        description=(problem.description or problem.title).strip(),
        enterprise_id=project.owner_id,
        category_id=problem.category_id,
        source=Source.PROJECT,
        # The case links to the project; the note says which report, and so always fits.
        source_note=f"报告期 {report.period_start}–{report.period_end}",
        project_id=project.pk,
    )
    return case_services.case_create(
        actor=actor, data=data, source=source, origin=case_services.Origin.PROJECT_REPORT
    )


# ---------------------------------------------------------------------------------------------
# Project lists


@transaction.atomic
def project_list_save(
    *,
    actor: User,
    name: str,
    region_code: str,
    level: str,
    year: int,
    reporting_period: str = ReportingPeriod.WEEKLY,
    list_id: int | None = None,
    source: str = "",
) -> ProjectList:
    require(may_manage(actor), "只有营商办（专班）和系统管理员可以维护重点项目清单")
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(ProjectList, {"name": name})
    region = region_in_reach(actor, region_code, errors)
    level = collect(errors, parse_choice, level, Level, "level") or ""
    period = collect(errors, parse_choice, reporting_period, ReportingPeriod, "reporting_period") or ""
    if errors:
        raise ValidationFailed(errors)
    instance = (
        ProjectList()
        if list_id is None
        else ProjectList.objects.select_for_update().filter(pk=list_id).first()
    )
    if instance is None or (instance.pk and not code_within(jurisdiction_code(actor), instance.region_id)):
        raise NotFound()
    before = audit.snapshot(instance) if instance.pk else None
    assert region is not None
    instance.name, instance.region, instance.level, instance.year = name, region, level, int(year)
    instance.reporting_period = period
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationFailed(
            [FieldError("name", f"{region.name if region else ''}已有名为“{name}”的清单")]
        ) from None
    audit.record(
        actor=actor,
        instance=instance,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        before=before,
        source=source,
    )
    return instance
