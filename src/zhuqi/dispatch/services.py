"""Every change to meetings, their agendas and decisions, the economic figures and the
briefings. Each runs in a transaction, writes the audit trail and refuses naming the field."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Kind, Source, Urgency
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period, PeriodKind, day_label
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.values import collect, parse_choice
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.directory.selectors import region_in_reach
from zhuqi.dispatch import agenda as agenda_builder
from zhuqi.dispatch import selectors
from zhuqi.dispatch.models import (
    AgendaItem,
    AgendaSection,
    AttendeeRole,
    Briefing,
    BriefingStatus,
    EconomicFigure,
    Indicator,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    ScopeKind,
)
from zhuqi.projects.selectors import project_queryset
from zhuqi.taskforces.services import difficulty_category


def may_keep(actor: User) -> bool:
    """Whether the actor keeps meetings, economic figures and briefings (the office)."""
    return has_permission(actor, Permission.KEEP_MEETINGS)


# ---------------------------------------------------------------------------------------------
# Meetings


@dataclass
class AttendeeData:
    official_id: int | None
    posts: str = ""
    role: str = AttendeeRole.ATTENDING


@dataclass
class MeetingData:
    title: str
    held_on: datetime.date | None
    region_code: str
    chair_id: int | None
    chair_posts: str = ""
    place: str = ""
    scope_kind: str = ScopeKind.REGION
    department_id: int | None = None
    chain_id: int | None = None
    project_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    attendees: list[AttendeeData] = field(default_factory=list)
    summary: str = ""


def _department(actor: User, pk: int | None, name: str, errors: list[FieldError]) -> Department | None:
    if not pk:
        return None
    department = Department.objects.filter(pk=pk).first()
    if department is None or not code_within(jurisdiction_code(actor), department.region_id):
        errors.append(FieldError(name, "部门不存在或不在您的管辖范围内"))
        return None
    return department


def _clean_meeting(
    actor: User, data: MeetingData
) -> tuple[dict[str, Any], list[Any], list[Department], list[Any]]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "title": (data.title or "").strip(),
        "place": (data.place or "").strip(),
        "chair_posts": (data.chair_posts or "").strip(),
        "summary": (data.summary or "").strip(),
    }
    if not values["title"]:
        errors.append(FieldError("title", "必填"))
    errors += length_errors(Meeting, {k: values[k] for k in ("title", "place", "chair_posts")})
    if data.held_on is None:
        errors.append(FieldError("held_on", "必填"))
    values["held_on"] = data.held_on
    values["region"] = region_in_reach(actor, data.region_code, errors)
    values["scope_kind"] = collect(
        errors, parse_choice, data.scope_kind or ScopeKind.REGION, ScopeKind, "scope_kind"
    )
    chair = Official.objects.filter(pk=data.chair_id).first() if data.chair_id else None
    if chair is None:
        errors.append(FieldError("chair", "必填" if not data.chair_id else "干部不存在"))
    values["chair"] = chair
    values["department"] = None
    values["chain"] = None
    if values["scope_kind"] == ScopeKind.DEPARTMENT:
        values["department"] = _department(actor, data.department_id, "department", errors)
        if values["department"] is None and not data.department_id:
            errors.append(FieldError("department", "部门调度会请选择部门"))
    if values["scope_kind"] == ScopeKind.CHAIN:
        chain = chain_queryset(user=actor).filter(pk=data.chain_id).first() if data.chain_id else None
        if chain is None:
            errors.append(
                FieldError(
                    "chain",
                    "产业链调度会请选择产业链" if not data.chain_id else "产业链不存在或不在您的权限范围内",
                )
            )
        values["chain"] = chain
    projects: list[Any] = []
    if data.project_ids:
        found = project_queryset(user=actor).in_bulk(list(dict.fromkeys(data.project_ids)))
        for index, pk in enumerate(data.project_ids):
            if pk not in found:
                errors.append(FieldError(f"projects[{index}]", "项目不存在或不在您的权限范围内"))
        projects = list(found.values())
    if values["scope_kind"] == ScopeKind.PROJECTS and not data.project_ids:
        errors.append(FieldError("projects", "项目调度会请选择要调度的项目"))
    departments = [
        d
        for index, pk in enumerate(dict.fromkeys(data.department_ids))
        if (d := _department(actor, pk, f"departments[{index}]", errors)) is not None
    ]
    attendees: list[MeetingAttendee] = []
    officials = Official.objects.in_bulk([a.official_id for a in data.attendees if a.official_id])
    seen: set[int] = set()
    for index, attendee in enumerate(data.attendees):
        where = f"attendees[{index}]"
        official = officials.get(attendee.official_id) if attendee.official_id else None
        if official is None:
            errors.append(
                FieldError(f"{where}.official", "必填" if not attendee.official_id else "干部不存在")
            )
            continue
        if official.pk in seen:
            errors.append(FieldError(f"{where}.official", f"{official.name}已在参会人员中"))
        seen.add(official.pk)
        role = collect(
            errors, parse_choice, attendee.role or AttendeeRole.ATTENDING, AttendeeRole, f"{where}.role"
        )
        posts = (attendee.posts or "").strip()
        errors += length_errors(MeetingAttendee, {"posts": posts}, prefix=f"{where}.")
        attendees.append(
            MeetingAttendee(
                official=official, posts=posts, role=role or AttendeeRole.ATTENDING, position=index
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return values, projects, departments, attendees


def _members(meeting: Meeting) -> dict[str, list[Any]]:
    """The meeting's people and records as the audit trail keeps them: the attendees as written
    (posts change), the departments and projects by id, as the audit page reads a many-to-many
    field's change (it names them)."""
    return {
        "attendees": [
            f"{a.official.name}{a.posts}（{a.get_role_display()}）"
            for a in meeting.attendees.select_related("official")
        ],
        "departments": sorted(meeting.departments.values_list("pk", flat=True)),
        "projects": sorted(meeting.projects.values_list("pk", flat=True)),
    }


def _write_members(
    meeting: Meeting, projects: list[Any], departments: list[Department], attendees: list[Any]
) -> None:
    meeting.projects.set(projects)
    meeting.departments.set(departments)
    meeting.attendees.all().delete()
    for attendee in attendees:
        attendee.meeting = meeting
    MeetingAttendee.objects.bulk_create(attendees)


@transaction.atomic
def meeting_create(*, actor: User, data: MeetingData, build_agenda: bool = True, source: str = "") -> Meeting:
    """A meeting, with its agenda drawn from the records of its scope as they stand now."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以登记调度会")
    values, projects, departments, attendees = _clean_meeting(actor, data)
    meeting = Meeting.objects.create(**values, created_by=actor if actor.pk else None)
    _write_members(meeting, projects, departments, attendees)
    audit.record(actor=actor, instance=meeting, action=AuditEntry.Action.CREATE, source=source)
    members = _members(meeting)
    if any(members.values()):
        audit.record(
            actor=actor,
            instance=meeting,
            action=AuditEntry.Action.UPDATE,
            changes={name: [[], texts] for name, texts in members.items() if texts},
            source=source,
        )
    if build_agenda:
        _rebuild_agenda(actor, meeting, source)
    return meeting


def _lock_kept(actor: User, meeting_id: int) -> Meeting:
    meeting = lock(selectors.meeting_queryset(user=actor), meeting_id)
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以修改调度会")
    require(
        code_within(jurisdiction_code(actor), meeting.region_id),
        f"{meeting.title}由{meeting.region.name}的营商办（专班）登记",
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: User, meeting_id: int, expected_version: int | None, data: MeetingData, source: str = ""
) -> Meeting:
    meeting = _lock_kept(actor, meeting_id)
    check_version(meeting, expected_version)
    values, projects, departments, attendees = _clean_meeting(actor, data)
    before, members_before = audit.snapshot(meeting), _members(meeting)
    for name, value in values.items():
        setattr(meeting, name, value)
    changes = audit.diff(before, audit.snapshot(meeting))
    _write_members(meeting, projects, departments, attendees)
    members_after = _members(meeting)
    changes.update({k: [members_before[k], v] for k, v in members_after.items() if v != members_before[k]})
    if not changes:
        return meeting
    meeting.version += 1
    meeting.save(update_fields=[*values, "version", "updated_at"])
    audit.record(
        actor=actor, instance=meeting, action=AuditEntry.Action.UPDATE, changes=changes, source=source
    )
    return meeting


def _rebuild_agenda(actor: User, meeting: Meeting, source: str) -> list[AgendaItem]:
    """Replace the items drawn from the records; the items a person added (其他议题) stay."""
    drawn = agenda_builder.draw(meeting, user=actor)
    kept = list(meeting.agenda.filter(section=AgendaSection.OTHER))
    meeting.agenda.exclude(section=AgendaSection.OTHER).delete()
    for position, item in enumerate(drawn):
        item.meeting, item.position = meeting, position
    AgendaItem.objects.bulk_create(drawn)
    for offset, item in enumerate(kept):
        item.position = len(drawn) + offset
    AgendaItem.objects.bulk_update(kept, ["position"])
    audit.record(
        actor=actor,
        instance=meeting,
        action=AuditEntry.Action.UPDATE,
        changes={"agenda": ["", f"按{timezone.localdate():%Y-%m-%d}的数据生成议程 {len(drawn)} 项"]},
        source=source,
    )
    return drawn


@transaction.atomic
def agenda_rebuild(
    *, actor: User, meeting_id: int, expected_version: int | None, source: str = ""
) -> Meeting:
    """Draw the agenda again from the records as they stand now: before the meeting, to take in
    the week's changes. Once the meeting's day is past its agenda is the record of what was
    before it that day, and stays."""
    meeting = _lock_kept(actor, meeting_id)
    check_version(meeting, expected_version)
    require(
        meeting.held_on >= timezone.localdate(),
        f"会议已于{day_label(meeting.held_on)}召开，议程保留会议当时的情况，不再按当前数据重新生成",
    )
    _rebuild_agenda(actor, meeting, source)
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at"])
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    meeting_id: int,
    expected_version: int | None,
    title: str,
    detail: str = "",
    source: str = "",
) -> AgendaItem:
    """An item the records do not hold (其他议题)."""
    meeting = _lock_kept(actor, meeting_id)
    check_version(meeting, expected_version)
    values = {"title": (title or "").strip(), "detail": (detail or "").strip()}
    errors = [] if values["title"] else [FieldError("title", "必填")]
    errors += length_errors(AgendaItem, values)
    if errors:
        raise ValidationFailed(errors)
    position = meeting.agenda.count()
    item = AgendaItem.objects.create(
        meeting=meeting, section=AgendaSection.OTHER, position=position, **values
    )
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=meeting,
        action=AuditEntry.Action.UPDATE,
        changes={"agenda": ["", f"增加议题：{item.title}"]},
        source=source,
    )
    return item


# ---------------------------------------------------------------------------------------------
# Decisions


@dataclass
class DecisionData:
    title: str
    lead_department_id: int | None
    deadline: datetime.date | None
    description: str = ""
    co_department_ids: list[int] = field(default_factory=list)
    category_id: int | None = None
    enterprise_id: int | None = None
    project_id: int | None = None
    urgency: str = Urgency.NORMAL


@transaction.atomic
def decision_add(
    *, actor: User, meeting_id: int, expected_version: int | None, data: DecisionData, source: str = ""
) -> MeetingDecision:
    """A decision taken in the meeting: an instruction case issued by the chair, assigned at once
    to its lead department with its deadline, linked to the meeting."""
    meeting = _lock_kept(actor, meeting_id)
    check_version(meeting, expected_version)
    errors: list[FieldError] = []
    if data.lead_department_id is None:
        errors.append(FieldError("lead_department", "请指定牵头落实的部门"))
    if data.deadline is None:
        errors.append(FieldError("deadline", "请给出完成时限"))
    elif data.deadline < meeting.held_on:
        errors.append(FieldError("deadline", "完成时限不能早于会议日期"))
    title = (data.title or "").strip()
    if not title:
        errors.append(FieldError("title", "必填"))
    # The category the decision's words name (用工, 融资 …), else 其他, unless one is chosen.
    category = difficulty_category(f"{title}{data.description or ''}", data.category_id, errors)
    if errors:
        raise ValidationFailed(errors)
    assert category is not None
    case = case_services.case_create(
        actor=actor,
        data=case_services.NewCase(
            kind=Kind.INSTRUCTION,
            title=title,
            description=(data.description or "").strip() or title,
            enterprise_id=data.enterprise_id,
            project_id=data.project_id,
            category_id=category.pk,
            urgency=data.urgency or Urgency.NORMAL,
            source=Source.MEETING,
            source_note=f"{meeting.title}（{meeting.held_on:%Y-%m-%d}）",
            lead_department_id=data.lead_department_id,
            co_department_ids=list(data.co_department_ids),
            deadline=data.deadline,
            meeting_id=meeting.pk,
        ),
        source=source,
        origin=case_services.Origin.MEETING,
    )
    decision = MeetingDecision.objects.create(meeting=meeting, case=case, position=meeting.decisions.count())
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=meeting,
        action=AuditEntry.Action.UPDATE,
        changes={
            "decisions": [
                "",
                f"决定事项：{case.title}（{case.lead_department.name if case.lead_department else ''}）",
            ]
        },
        source=source,
    )
    return decision


# ---------------------------------------------------------------------------------------------
# Economic figures


@dataclass
class EconomicFigureData:
    region_code: str
    indicator: str
    period: str
    value: Decimal | str | None = None
    target: Decimal | str | None = None
    compared_for_code: str = ""
    note: str = ""


def _decimal(value: Any, name: str, errors: list[FieldError]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").rstrip("%"))
    except ArithmeticError:
        errors.append(FieldError(name, f"“{value}”不是数值"))
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        errors.append(FieldError(name, f"“{value}”不是合理的数值"))
        return None
    return number.quantize(Decimal("0.01"))


def clean_economic_figure(actor: User, data: EconomicFigureData, *, prefix: str = "") -> dict[str, Any]:
    """The figure's columns, or ValidationFailed naming each bad field (with `prefix`, a row's)."""
    errors: list[FieldError] = []
    indicator = collect(errors, parse_choice, (data.indicator or "").strip(), Indicator, f"{prefix}indicator")
    period = economic_period(data.period, f"{prefix}period", errors)
    compared_for = None
    code = (data.region_code or "").strip()
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        errors.append(FieldError(f"{prefix}region", f"行政区划代码“{code}”不存在" if code else "必填"))
    if (data.compared_for_code or "").strip():
        before = len(errors)
        compared_for = region_in_reach(actor, data.compared_for_code, errors, field=f"{prefix}compared_for")
        if region is not None and compared_for is not None and len(errors) == before:
            errors += _peer_errors(region, compared_for, f"{prefix}region")
    elif region is not None and not code_within(jurisdiction_code(actor), region.code):
        errors.append(
            FieldError(
                f"{prefix}region", f"{region.name}不在您的管辖范围内；对标地区的数据请注明对标的本地区"
            )
        )
    value = _decimal(data.value, f"{prefix}value", errors)
    target = _decimal(data.target, f"{prefix}target", errors)
    if (
        value is None
        and target is None
        and not any(e.field in (f"{prefix}value", f"{prefix}target") for e in errors)
    ):
        errors.append(FieldError(f"{prefix}value", "请填写实际值或目标值"))
    note = (data.note or "").strip()
    errors += length_errors(EconomicFigure, {"note": note}, prefix=prefix)
    if errors:
        raise ValidationFailed(errors)
    assert period is not None
    return {
        "region": region,
        "indicator": indicator,
        "period": period.key,
        "value": value,
        "target": target,
        "compared_for": compared_for,
        "note": note,
    }


ECONOMIC_PERIOD_HINT = (
    "经济指标按月、季度或年度填报，如 2026-10、2026-Q3、2026（或 2026年10月、2026年第3季度、2026年）"
)
_CHINESE_QUARTERS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def economic_period(text: str | None, field_name: str, errors: list[FieldError]) -> Period | None:
    """A month, quarter or year, by key (2026-10, 2026-Q3, 2026) or as a statistics bulletin
    writes it (2026年10月, 2026年第三季度, 2026年); anything else is refused naming the field."""
    written = (text or "").strip().replace(" ", "")
    if match := re.fullmatch(r"(\d{4})年(\d{1,2})月(份)?", written):
        written = f"{match[1]}-{int(match[2]):02d}"
    elif match := re.fullmatch(r"(\d{4})年第?([1-4一二三四])季度", written):
        written = f"{match[1]}-Q{_CHINESE_QUARTERS.get(match[2], match[2])}"
    elif match := re.fullmatch(r"(\d{4})年(度)?", written):
        written = match[1]
    try:
        period = Period.parse(written, field_name=field_name)
    except ValidationFailed:
        errors.append(FieldError(field_name, f"“{text or ''}”不是统计期；{ECONOMIC_PERIOD_HINT}"))
        return None
    if period.kind not in ("month", "quarter", "year"):
        errors.append(FieldError(field_name, ECONOMIC_PERIOD_HINT))
        return None
    return period


def _level(code: str) -> int:
    """0 a province, 1 a prefecture, 2 a county (GB/T 2260)."""
    return 0 if code.endswith("0000") else (1 if code.endswith("00") else 2)


def _peer_errors(peer: Region, home: Region, field_name: str) -> list[FieldError]:
    """A peer is a region of the home region's level outside it (a province for a province, a
    city for a city): a city of the province is a part of it, not a peer."""
    if peer.code == home.code or code_within(home.code, peer.code) or code_within(peer.code, home.code):
        return [FieldError(field_name, f"{peer.name}与{home.name}是上下级，不能作为对标地区")]
    if _level(peer.code) != _level(home.code):
        return [FieldError(field_name, f"{peer.name}与{home.name}不是同一级地区，不能对标")]
    return []


@transaction.atomic
def economic_figure_set(
    *, actor: User, data: EconomicFigureData, expected_version: int | None = None, source: str = ""
) -> EconomicFigure:
    """Enter or correct a region's figure for a period (one row per region, indicator and
    period; a peer's per region compared for)."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以填报经济指标")
    values = clean_economic_figure(actor, data)
    return _write_economic_figure(actor, values, expected_version, source)


def _write_economic_figure(
    actor: User,
    values: dict[str, Any],
    expected_version: int | None,
    source: str,
    *,
    blank_keeps: bool = False,
) -> EconomicFigure:
    existing = (
        EconomicFigure.objects.select_for_update()
        .filter(
            region=values["region"],
            indicator=values["indicator"],
            period=values["period"],
            compared_for=values["compared_for"],
        )
        .first()
    )
    if existing is None:
        figure = EconomicFigure.objects.create(**values)
        audit.record(actor=actor, instance=figure, action=AuditEntry.Action.CREATE, source=source)
        return figure
    if expected_version is not None:
        check_version(existing, expected_version)
    before = audit.snapshot(existing)
    for name in ("value", "target", "note"):
        # A sheet's blank cell (an import) leaves what was entered; a form's empty field clears it.
        if not (blank_keeps and values[name] in (None, "")):
            setattr(existing, name, values[name])
    changes = audit.diff(before, audit.snapshot(existing))
    if changes:
        existing.version += 1
        existing.save()
        audit.record(
            actor=actor, instance=existing, action=AuditEntry.Action.UPDATE, changes=changes, source=source
        )
    return existing


@transaction.atomic
def economic_figures_import(
    *, actor: User, rows: list[EconomicFigureData], source: str = ""
) -> list[EconomicFigure]:
    """Rows read from a sheet: all or nothing, every bad row named (行 N)."""
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以导入经济指标")
    errors: list[FieldError] = []
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, data in enumerate(rows, start=2):
        try:
            values = clean_economic_figure(actor, data, prefix=f"第{number}行.")
        except ValidationFailed as failure:
            errors += failure.errors
            continue
        key = (
            values["region"].pk,
            values["indicator"],
            values["period"],
            getattr(values["compared_for"], "pk", None),
        )
        if key in seen:
            errors.append(FieldError(f"第{number}行", f"与第{seen[key]}行重复"))
        seen[key] = number
        cleaned.append(values)
    if not rows:
        errors.append(FieldError("file", "表中没有数据行"))
    if errors:
        raise ValidationFailed(errors)
    return [_write_economic_figure(actor, values, None, source, blank_keeps=True) for values in cleaned]


# ---------------------------------------------------------------------------------------------
# Briefings


@transaction.atomic
def briefing_request(
    *,
    actor: User,
    period: str,
    region_code: str = "",
    scope_kind: str = ScopeKind.REGION,
    department_id: int | None = None,
    chain_id: int | None = None,
    meeting_id: int | None = None,
    source: str = "",
) -> Briefing:
    """Ask for a briefing; it is generated in the background (tasks.generate_briefing) once this
    transaction commits."""
    from zhuqi.dispatch import cockpit, tasks

    require(cockpit.may_see_cockpit(actor), "您的角色不能生成调度简报")
    meeting = selectors.meeting_get(user=actor, meeting_id=meeting_id) if meeting_id is not None else None
    if meeting is not None:
        # The meeting's scope, held to the asker's as the cockpit holds it: a department's staff
        # cannot have a region's briefing by way of a meeting they attended.
        of_meeting = cockpit.scope_of_meeting(meeting)
        scope = cockpit.resolve_scope(
            actor,
            kind=of_meeting.kind,
            region=of_meeting.region.code,
            department=getattr(of_meeting.department, "pk", None),
            chain=getattr(of_meeting.chain, "pk", None),
        )
    else:
        scope = cockpit.resolve_scope(
            actor, kind=scope_kind, region=region_code, department=department_id, chain=chain_id
        )
    if not (period or "").strip() and meeting is not None:
        # A meeting's briefing is of its week unless another period is asked for (the page's default).
        period = Period.containing(PeriodKind.WEEK, meeting.held_on).key
    resolved = cockpit.resolve_period(period)
    briefing = Briefing.objects.create(
        meeting=meeting,
        region=scope.region,
        scope_kind=scope.kind,
        department=scope.department,
        chain=scope.chain,
        period=resolved.key,
        requested_by=actor if actor.pk else None,
    )
    audit.record(actor=actor, instance=briefing, action=AuditEntry.Action.CREATE, source=source)
    transaction.on_commit(lambda: tasks.enqueue_briefing(briefing.pk))
    return briefing


def briefing_progress(
    briefing_id: int, *, progress: int, step: str, status: str = BriefingStatus.RUNNING
) -> None:
    """The generator's progress, written outside any transaction so a reader sees it at once."""
    Briefing.objects.filter(pk=briefing_id).update(progress=progress, step=step[:100], status=status)
