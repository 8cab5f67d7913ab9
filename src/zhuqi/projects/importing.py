"""Importing a key-project list as a development and reform commission keeps it (.xlsx or .csv).

Every row is validated before anything is written; any bad row and nothing is written, unless
the caller asks to skip bad rows. The writing goes through an import job (zhuqi.imports): checked
rows staged, then applied in short batches, new projects in bulk (a project that exists is
updated through the services, row by row). Re-importing updates by 项目代码, or by name within the same
region for projects that have no code yet. Money columns must say their unit in the header
(万元 or 亿元): a bare "总投资" is refused, because the same figure means 10,000 times more in one
than in the other.

The industrial chain (所属产业链 / 产业链) is resolved by name to the chain of the project's region or
a region above it (projects/chain_names.py: 光伏装备 = 光伏装备产业链 = 光伏装备链). A name that names
several chains there is a row error naming the candidates. A name that names none is not an
error and is never dropped: the project keeps it as written (所属产业链（原文）), the library's
“产业链未匹配” filter and `zhuqi unmatched_project_chains` list it, and a person links it once the
chain exists (the importer has no warnings to put it in).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

from zhuqi.core import audit, search
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.scoping import jurisdiction_code
from zhuqi.core.tabular import (
    FirstRows,
    ImportFileError,
    ImportReport,
    RowError,
    normalise_header,
    read_table,
)
from zhuqi.directory.models import Department, Official, User
from zhuqi.directory.reference import ReferenceError, ReferenceResolver
from zhuqi.directory.selectors import department_queryset
from zhuqi.enterprises.models import Enterprise
from zhuqi.imports import jobs
from zhuqi.projects import selectors, services
from zhuqi.projects.models import Project, ProjectYear
from zhuqi.projects.services import ProjectData

# Header (normalised: half-width, no spaces) → field. The variants seen in the lists offices keep.
HEADERS: dict[str, str] = {
    "项目代码": "code",
    "项目统一代码": "code",
    "项目编码": "code",
    "项目名称": "name",
    "项目单位": "owner_name",
    "建设单位": "owner_name",
    "业主单位": "owner_name",
    "项目业主": "owner_name",
    "统一社会信用代码": "owner_uscc",
    "项目单位统一社会信用代码": "owner_uscc",
    "建设地点": "region",
    "所在地区": "region",
    "所属地区": "region",
    "行政区划": "region",
    "行政区划代码": "region",
    "旗县区": "region",
    "所属产业链": "chain",
    "产业链": "chain",
    "项目类别": "category",
    "项目类型": "category",
    "类别": "category",
    "项目级别": "level",
    "级别": "level",
    "入库年度": "listed_year",
    "年度": "listed_year",
    "建设内容及规模": "content",
    "建设内容": "content",
    "建设规模及内容": "content",
    "总投资": "total_investment",
    "年度计划投资": "annual_plan",
    "本年计划投资": "annual_plan",
    "计划投资": "annual_plan",
    "计划转入前期日期": "planned_preparing_on",
    "计划开工日期": "planned_started_on",
    "计划开工时间": "planned_started_on",
    "计划竣工日期": "planned_completed_on",
    "计划竣工时间": "planned_completed_on",
    "计划投产日期": "planned_producing_on",
    "计划投产时间": "planned_producing_on",
    "责任部门": "responsible_department",
    "责任单位": "responsible_department",
    "包联领导": "responsible_leader",
    "包联市领导": "responsible_leader",
}
MONEY_FIELDS = ("total_investment", "annual_plan")
LABELS = {
    "code": "项目代码",
    "name": "项目名称",
    "region": "建设地点",
    "total_investment": "总投资",
}
REQUIRED_COLUMNS = ("name", "region", "total_investment")
UNIT = re.compile(r"^(?P<name>.+?)\((?P<unit>万元|亿元|元)\)$")


def map_columns(headers: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """(column index → field, money field → unit) or ImportFileError naming the header."""
    mapping: dict[int, str] = {}
    units: dict[str, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        text = normalise_header(header)
        unit = ""
        matched = UNIT.match(text)
        if matched:
            text, unit = matched["name"], matched["unit"]
        field_name = HEADERS.get(text)
        if field_name is None:
            continue
        if field_name in MONEY_FIELDS:
            if not unit:
                raise ImportFileError(
                    f"列“{header}”没有注明金额单位：请把表头改为“{text}(万元)”或“{text}(亿元)”"
                )
            if unit == "元":
                raise ImportFileError(f"列“{header}”以元为单位：请换算为万元或亿元")
            units[field_name] = unit
        if field_name in seen:
            raise ImportFileError(f"列“{header}”与列“{seen[field_name]}”重复")
        seen[field_name] = header
        mapping[index] = field_name
    missing = [LABELS[f] for f in REQUIRED_COLUMNS if f not in seen]
    if missing:
        raise ImportFileError(
            "缺少必需的列：" + "、".join(missing) + f"（第1行表头为：{'、'.join(h for h in headers if h)}）"
        )
    return mapping, units


MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_plan_date(value: Any) -> datetime.date | None:
    """A planned date as lists write it: a date cell, 2026-03-15, 2026年3月15日, or a month
    (2026年3月, 2026.3) read as the month's last day, since a plan "in March" is late only after
    March."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    matched = DAY.match(text)
    if matched:
        return datetime.date(int(matched[1]), int(matched[2]), int(matched[3]))
    matched = MONTH.match(text)
    if matched:
        year, month = int(matched[1]), int(matched[2])
        first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
        return first_of_next - datetime.timedelta(days=1)
    raise ValueError(text)


class _Lookups:
    """Names in the file resolved once per file: departments and officials of the jurisdiction."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.regions = ReferenceResolver()
        self._departments: dict[str, list[Department]] | None = None
        self._officials: dict[str, list[Official]] | None = None

    def department(self, name: str) -> Department:
        if self._departments is None:
            self._departments = {}
            for department in department_queryset(user=self.actor):
                self._departments.setdefault(department.name, []).append(department)
        found = self._departments.get(name, [])
        if len(found) != 1:
            raise ValueError(f"找不到名为“{name}”的部门" if not found else f"“{name}”对应多个部门，请写全称")
        return found[0]

    def official(self, name: str) -> Official:
        if self._officials is None:
            self._officials = {}
            for official in Official.objects.all():
                self._officials.setdefault(official.name, []).append(official)
        found = self._officials.get(name, [])
        if len(found) != 1:
            raise ValueError(
                f"找不到名为“{name}”的干部" if not found else f"有多位名为“{name}”的干部，请在页面上选择"
            )
        return found[0]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row(
    cells: list[Any], mapping: dict[int, str], units: dict[str, str], lookups: _Lookups
) -> tuple[ProjectData, list[FieldError]]:
    values = {
        field_name: (cells[index] if index < len(cells) else None) for index, field_name in mapping.items()
    }
    problems: list[FieldError] = []
    data = ProjectData(name=_text(values.get("name")), region_code="", total_investment=None)
    region_text = _text(values.get("region"))
    if region_text:
        try:
            data.region_code = lookups.regions.region(
                region_text, within=jurisdiction_code(lookups.actor) or None
            ).code
        except ReferenceError as error:
            problems.append(FieldError("region", str(error)))
    for money in MONEY_FIELDS:
        raw = values.get(money)
        if raw in (None, ""):
            continue
        try:
            amount = services.parse_amount(raw, money, unit=units[money])
        except ValidationFailed as failure:
            problems.extend(failure.errors)
            continue
        setattr(data, money, amount)
    data.code = _text(values.get("code"))
    data.owner_name = _text(values.get("owner_name"))
    uscc = _text(values.get("owner_uscc")).upper()
    if uscc:
        owner = Enterprise.objects.filter(uscc=uscc).only("pk").first()
        if owner is None:
            problems.append(FieldError("owner_uscc", f"企业名录中没有统一社会信用代码为 {uscc} 的企业"))
        else:
            data.owner_id = owner.pk
    data.chain = _text(values.get("chain"))
    data.category = _text(values.get("category")) or data.category
    data.level = _text(values.get("level")) or data.level
    data.content = _text(values.get("content"))
    year = _text(values.get("listed_year"))
    if year:
        if year.isascii() and year.isdigit() and len(year) == 4:
            data.listed_year = int(year)
        else:
            problems.append(FieldError("listed_year", f"“{year}”不是年份"))
    for name in (
        "planned_preparing_on",
        "planned_started_on",
        "planned_completed_on",
        "planned_producing_on",
    ):
        try:
            setattr(data, name, parse_plan_date(values.get(name)))
        except (ValueError, TypeError):
            problems.append(FieldError(name, f"“{values.get(name)}”不是日期（如 2026-03-15 或 2026年3月）"))
    for name, lookup in (
        ("responsible_department", lookups.department),
        ("responsible_leader", lookups.official),
    ):
        text = _text(values.get(name))
        if text:
            try:
                setattr(data, f"{name}_id", lookup(text).pk)
            except ValueError as error:
                problems.append(FieldError(name, str(error)))
    return data, problems


def _existing(actor: User, data: ProjectData) -> Project | None:
    """The project a row updates: by code, else by name in the same region."""
    scoped = selectors.project_queryset(user=actor)
    if data.code:
        return scoped.filter(code=data.code).first()
    return scoped.filter(name=data.name, region_id=data.region_code, code="").first()


def import_projects(
    *,
    actor: User,
    stream: IO[bytes],
    filename: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then write all (or, with skip_invalid, the good ones) in short batches
    through an import job (zhuqi.imports.jobs): all or nothing, without holding the database."""
    return jobs.import_now(
        kind="projects",
        actor=actor,
        stream=stream,
        filename=filename,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        progress=progress,
    )


# Rows per staged batch. The check still cleans each row with a few queries (its owner, its
# code, its department and leader); the write takes up to WRITE_BATCH rows, prepared (cleaned,
# as Project instances) before its transaction and inserted in bulk under it.
BATCH = 500
WRITE_BATCH = 2000
DATE_FIELDS = ("planned_preparing_on", "planned_started_on", "planned_completed_on", "planned_producing_on")


class ProjectImporter:
    """The project list's check and write, for an import job."""

    batch_size = WRITE_BATCH

    def check(
        self,
        *,
        actor: User,
        stream: IO[bytes],
        filename: str,
        stage: Callable[[list[tuple[int, dict[str, Any]]], tuple[int, int, int]], None],
        progress: Callable[[ImportReport], None],
    ) -> ImportReport:
        if not services.may_manage(actor):
            raise PermissionDenied("只有营商办（专班）和系统管理员可以导入重点项目")
        headers, rows = read_table(stream, filename)
        mapping, units = map_columns(headers)
        header_of = {field_name: headers[index] for index, field_name in mapping.items()}
        lookups = _Lookups(actor)
        report = ImportReport(headers=headers)
        # Each project's key (its code, or its region and name) with the row it came first in,
        # on disk: a long list's keys are not held in memory.
        seen = FirstRows()
        pending: list[tuple[int, dict[str, Any]]] = []
        plan = [0, 0, 0]

        def flush() -> None:
            if pending:
                stage(list(pending), (plan[0], plan[1], plan[2]))
            pending.clear()
            plan[:] = [0, 0, 0]

        def column(field_name: str) -> str:
            base = field_name.split(".")[0]
            base = {"owner": "owner_uscc", "project_list": "project_list"}.get(base, base)
            return header_of.get(base, LABELS.get(base, base))

        for number, cells in _closing(rows, seen):
            report.rows += 1
            data, problems = _row(cells, mapping, units, lookups)
            existing = _existing(actor, data) if data.name and data.region_code else None
            values: dict[str, Any] = {}
            try:
                values = services.clean_project_data(actor, data, project=existing)
            except ValidationFailed as failure:
                # Fields the row reading already complained about are not reported twice.
                said = {p.field for p in problems}
                problems.extend(e for e in failure.errors if e.field not in said)
            key = ("code", data.code) if data.code else ("name", f"{data.region_code}/{data.name}")
            first = seen.check([(f"{key[0]}:{key[1]}", number)]).get(number)
            if first is not None:
                problems.append(FieldError(key[0], f"与第{first}行是同一个项目"))
            if problems:
                report.errors.extend(RowError(number, column(p.field), p.message) for p in problems)
                report.bad_rows[number] = cells
            else:
                pending.append((number, _encode(data)))
                if existing is None:
                    plan[0] += 1
                elif _would_change(existing, values):
                    plan[1] += 1
                else:
                    plan[2] += 1
                if len(pending) >= BATCH:
                    flush()
            if report.rows % BATCH == 0:
                progress(report)
        flush()
        progress(report)
        return report

    def prepare(self, *, actor: User, rows: list[tuple[int, dict[str, Any]]]) -> list[_NewProject | None]:
        """Each staged row that would create a project as its Project (cleaned, with its search
        words) and its annual plan; None for a row that updates one (written by the service,
        under the lock)."""
        if not services.may_manage(actor):
            raise PermissionDenied("只有营商办（专班）和系统管理员可以维护重点项目库")
        prepared: list[_NewProject | None] = []
        for _number, values in rows:
            data = _decode(values)
            if _existing(actor, data) is not None:
                prepared.append(None)
                continue
            cleaned = services.clean_project_data(actor, data)
            plan, plan_year = cleaned.pop("_annual_plan"), cleaned.pop("_annual_plan_year")
            project = Project(**cleaned, created_by=actor if actor.pk else None)
            search.fill(project)
            prepared.append(_NewProject(project, plan, plan_year))
        return prepared

    def apply(
        self, *, actor: User, rows: list[tuple[int, dict[str, Any]]], prepared: list[_NewProject | None]
    ) -> tuple[int, int, int]:
        """New projects in bulk (one INSERT, their annual plans, their audit entries); a row
        that updates a project, or that finds one by now, through the services."""
        taken = _registered_since(actor, [item.project for item in prepared if item is not None])
        new = [item for item in prepared if item is not None and id(item.project) not in taken]
        by_row = {id(item) for item in new}
        Project.objects.bulk_create([item.project for item in new])
        ProjectYear.objects.bulk_create(
            [
                ProjectYear(project=item.project, year=item.plan_year, planned_investment=item.plan)
                for item in new
                if item.plan is not None
            ]
        )
        audit.record_each(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            changes=((item.project, audit.diff({}, audit.snapshot(item.project))) for item in new),
            source="import",
        )
        created, updated, unchanged = len(new), 0, 0
        for (_number, values), item in zip(rows, prepared, strict=True):
            if item is not None and id(item) in by_row:
                continue
            data = _decode(values)
            existing = _existing(actor, data)
            if existing is None:
                services.project_create(actor=actor, data=data, source="import")
                created += 1
                continue
            result = services.project_update(
                actor=actor,
                project_id=existing.pk,
                expected_version=existing.version,
                data=data,
                source="import",
            )
            if result.version == existing.version:
                unchanged += 1
            else:
                updated += 1
        return created, updated, unchanged


@dataclasses.dataclass
class _NewProject:
    project: Project
    plan: Decimal | None
    plan_year: int


def _registered_since(actor: User, projects: list[Project]) -> set[int]:
    """The projects prepared as new (by id()) that exist by now, by their code (anywhere: the code
    is unique) or by their name in their region without a code (as _existing finds them): those
    are written as updates, under the lock."""
    codes = {project.code for project in projects if project.code}
    named = {project.name for project in projects if not project.code}
    taken_codes = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
    taken_names = (
        set(
            selectors.project_queryset(user=actor)
            .filter(code="", name__in=named)
            .values_list("name", "region_id")
        )
        if named
        else set()
    )
    return {
        id(project)
        for project in projects
        if (project.code in taken_codes)
        or (not project.code and (project.name, project.region_id) in taken_names)
    }


def _closing(rows: Iterator[tuple[int, list[Any]]], seen: FirstRows) -> Iterator[tuple[int, list[Any]]]:
    """The rows, with the keys seen dropped once they are read or the check stops."""
    try:
        yield from rows
    finally:
        seen.close()


def _would_change(project: Project, values: dict[str, Any]) -> bool:
    """Whether project_update would record a change (the check counts as the write will)."""
    values = dict(values)
    plan, plan_year = values.pop("_annual_plan"), values.pop("_annual_plan_year")
    before = audit.snapshot(project)
    for name, value in values.items():
        setattr(project, name, value)
    if audit.diff(before, audit.snapshot(project)):
        return True
    if plan is None:
        return False
    plan_before = (
        ProjectYear.objects.filter(project=project, year=plan_year)
        .values_list("planned_investment", flat=True)
        .first()
    )
    return bool(plan != plan_before)


def _encode(data: ProjectData) -> dict[str, Any]:
    """A checked row as JSON for the staging table: dates as ISO text, amounts as exact text."""
    encoded: dict[str, Any] = {}
    for name, value in dataclasses.asdict(data).items():
        if isinstance(value, datetime.date | Decimal):
            value = str(value) if isinstance(value, Decimal) else value.isoformat()
        encoded[name] = value
    return encoded


def _decode(values: dict[str, Any]) -> ProjectData:
    row = dict(values)
    for name in DATE_FIELDS:
        if row.get(name):
            row[name] = datetime.date.fromisoformat(row[name])
    for name in MONEY_FIELDS:
        if row.get(name) is not None:
            row[name] = Decimal(row[name])
    return ProjectData(**row)
