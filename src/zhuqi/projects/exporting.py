"""Excel export of the project library in the columns a development and reform commission's
dispatch table keeps (and the importer reads back), flags included."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from zhuqi.core.downloads import office_file
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.projects import selectors
from zhuqi.projects.models import Project

# (header, width). The first block is what the importer reads; the rest is computed.
COLUMNS = [
    ("项目代码", 24),
    ("项目名称", 36),
    ("项目单位", 30),
    ("统一社会信用代码", 22),
    ("建设地点", 10),
    ("所属产业链", 14),
    ("项目类别", 10),
    ("项目级别", 14),
    ("入库年度", 8),
    ("建设内容及规模", 40),
    ("总投资(万元)", 14),
    ("年度计划投资(万元)", 16),
    ("计划开工日期", 12),
    ("计划竣工日期", 12),
    ("计划投产日期", 12),
    ("责任部门", 22),
    ("包联领导", 10),
    ("阶段", 8),
    ("实际开工日期", 12),
    ("本年完成投资(万元)", 16),
    ("累计完成投资(万元)", 16),
    ("最近报告期止", 12),
    ("预警", 30),
]
MAX_ROWS = 100_000


def project_rows(projects: Iterable[Project]) -> Iterable[list[object]]:
    for project in projects:
        yield [
            project.code,
            project.name,
            project.owner_display,
            project.owner.uscc if project.owner_id and project.owner else "",
            project.region_id,
            project.chain_display,
            project.get_category_display(),
            project.get_level_display(),
            project.listed_year,
            project.content,
            float(project.total_investment),
            float(getattr(project, "year_planned", 0) or 0),
            project.planned_started_on,
            project.planned_completed_on,
            project.planned_producing_on,
            project.responsible_department.name if project.responsible_department else "",
            project.responsible_leader.name if project.responsible_leader else "",
            project.get_stage_display(),
            project.started_on,
            float(getattr(project, "year_completed", 0) or 0),
            float(project.investment_to_date),
            project.last_period_end,
            "、".join(label for _, label in selectors.flags_of(project)),
        ]


def export_workbook(projects: Iterable[Project]) -> bytes:
    return write_workbook("重点项目", COLUMNS, project_rows(projects))


def export_projects(queryset: QuerySet[Project]) -> HttpResponse:
    projects = queryset[:MAX_ROWS].iterator(chunk_size=2000)
    return office_file(export_workbook(projects), f"重点项目-{timezone.localdate().isoformat()}.xlsx")
