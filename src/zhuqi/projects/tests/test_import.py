"""Importing a key-project list with the real openpyxl, as an office's file would come."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from zhuqi.core.tabular import ImportFileError
from zhuqi.projects.exporting import export_workbook
from zhuqi.projects.importing import import_projects, parse_plan_date
from zhuqi.projects.models import Project, ProjectYear
from zhuqi.projects.selectors import project_library
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db

HEADER = [
    "项目代码",
    "项目名称",
    "建设单位",
    "统一社会信用代码",
    "建设地点",
    "项目级别",
    "总投资（亿元）",
    "年度计划投资（万元）",
    "计划开工时间",
    "责任单位",
]


def workbook(rows: list[list[Any]], header: list[str] = HEADER) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _rows(cast: Cast) -> list[list[Any]]:
    department = cast.handler.department.name
    return [
        [
            "2301-150581-04-01-000001",
            "联晟新材料高端铝箔项目",
            "",
            cast.home.uscc,
            "霍林郭勒市",
            "自治区（省）重点",
            30,
            80000,
            "2026年3月",
            department,
        ],
        [
            "",
            "增量配电网项目",
            "霍林郭勒市城市投资有限公司",
            "",
            "150581",
            "盟市重点",
            "5.5",
            "20000",
            datetime.datetime(2026, 5, 10),  # noqa: DTZ001 - an Excel date cell has no time zone
            "",
        ],
    ]


def test_a_list_is_imported_with_units_converted(cast: Cast) -> None:
    report = import_projects(actor=cast.coordinator, stream=workbook(_rows(cast)), filename="项目.xlsx")
    assert report.written and report.created == 2 and not report.errors
    foil = Project.objects.get(code="2301-150581-04-01-000001")
    assert foil.total_investment == Decimal("300000.00")  # 30 亿元
    assert foil.owner_id == cast.home.pk and foil.owner_name == cast.home.name
    assert foil.planned_started_on == datetime.date(2026, 3, 31)  # "2026年3月": late only after March
    assert foil.responsible_department_id == cast.handler.department_id
    assert ProjectYear.objects.get(project=foil).planned_investment == Decimal("80000.00")
    grid = Project.objects.get(name="增量配电网项目")
    assert grid.total_investment == Decimal("55000.00") and grid.owner_id is None


def test_one_bad_row_writes_nothing_and_names_row_and_column(cast: Cast) -> None:
    rows = _rows(cast)
    rows[1][4] = "火星市"
    rows[1][7] = "2亿元"  # in the 万元 column
    rows[1][8] = "明年春天"
    rows[1][9] = "不存在的局"
    rows.append(["", "", "", "", "150581", "", 1, "", "", ""])
    report = import_projects(actor=cast.coordinator, stream=workbook(rows), filename="项目.xlsx")
    assert not report.written and not Project.objects.exists()
    found = {(e.row, e.column) for e in report.errors}
    assert {
        (3, "建设地点"),
        (3, "年度计划投资（万元）"),
        (3, "计划开工时间"),
        (3, "责任单位"),
        (4, "项目名称"),
    } <= found
    assert any("本栏单位为万元" in e.message for e in report.errors)


def test_skip_invalid_writes_the_good_rows(cast: Cast) -> None:
    rows = _rows(cast)
    rows[1][4] = "140200"  # Datong: outside the coordinator's jurisdiction
    report = import_projects(
        actor=cast.coordinator, stream=workbook(rows), filename="x.xlsx", skip_invalid=True
    )
    assert report.written and report.created == 1 and report.bad_row_numbers == [3]
    assert "不在您的管辖范围内" in report.errors[0].message


def test_money_header_without_a_unit_refuses_the_file(cast: Cast) -> None:
    header = [h.replace("（亿元）", "") for h in HEADER]
    with pytest.raises(ImportFileError, match="没有注明金额单位"):
        import_projects(actor=cast.coordinator, stream=workbook(_rows(cast), header), filename="x.xlsx")


def test_reimport_updates_by_code_and_export_round_trips(cast: Cast) -> None:
    import_projects(actor=cast.coordinator, stream=workbook(_rows(cast)), filename="x.xlsx")
    rows = _rows(cast)
    rows[0][1] = "联晟新材料高端铝箔项目（二期）"
    report = import_projects(actor=cast.coordinator, stream=workbook(rows), filename="x.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Project.objects.get(code="2301-150581-04-01-000001").name.endswith("（二期）")

    exported = io.BytesIO(export_workbook(project_library(user=cast.coordinator)))
    again = import_projects(actor=cast.coordinator, stream=exported, filename="export.xlsx")
    assert not again.errors and again.unchanged == 2 and again.created == 0 and again.updated == 0


def test_command_refuses_a_bad_file(cast: Cast, tmp_path: Path) -> None:
    rows = _rows(cast)
    rows[0][6] = "很多"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(rows).getvalue())
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_projects", str(path), "--as", cast.coordinator.username, verbosity=0)
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-15", datetime.date(2026, 3, 15)),
        ("2026年12月", datetime.date(2026, 12, 31)),
        ("2026.2", datetime.date(2026, 2, 28)),
    ],
)
def test_plan_dates_as_lists_write_them(text: str, expected: datetime.date) -> None:
    assert parse_plan_date(text) == expected


def test_a_dry_run_counts_what_the_import_would_do_and_writes_nothing(cast: Cast) -> None:
    from zhuqi.core.models import AuditEntry

    report = import_projects(
        actor=cast.coordinator, stream=workbook(_rows(cast)), filename="x.xlsx", dry_run=True
    )
    assert (report.created, report.updated, report.written) == (2, 0, False)
    assert not Project.objects.exists() and not AuditEntry.objects.filter(source="import").exists()
    import_projects(actor=cast.coordinator, stream=workbook(_rows(cast)), filename="x.xlsx")
    rows = _rows(cast)
    rows[0][1] = "联晟新材料高端铝箔项目（二期）"
    report = import_projects(actor=cast.coordinator, stream=workbook(rows), filename="x.xlsx", dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert not Project.objects.filter(name__endswith="（二期）").exists()


def test_a_project_listed_twice_names_the_row_it_repeats(cast: Cast) -> None:
    rows = _rows(cast)
    rows.append(list(rows[0]))  # row 4: the same code as row 2
    rows.append(list(rows[1]))  # row 5: no code, the same region and name as row 3
    report = import_projects(actor=cast.coordinator, stream=workbook(rows), filename="项目.xlsx")
    assert not report.written and not Project.objects.exists()
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (4, "项目代码", "与第2行是同一个项目"),
        (5, "项目名称", "与第3行是同一个项目"),
    ]


def _many(count: int) -> list[list[Any]]:
    return [
        [f"2301-150581-04-01-{i:06d}", f"批量项目{i}", "", "", "150581", "", 1, 500 + i, "2026年3月", ""]
        for i in range(count)
    ]


def checked_rows(cast: Cast, count: int) -> list[tuple[int, dict[str, Any]]]:
    """`count` new projects' rows as the import job stages them (checked, encoded, read back)."""
    from zhuqi.imports import jobs
    from zhuqi.projects import importing

    staged: list[tuple[int, dict[str, Any]]] = []
    importing.ProjectImporter().check(
        actor=cast.coordinator,
        stream=workbook(_many(count)),
        filename="x.xlsx",
        stage=lambda rows, plan: staged.extend(rows),
        progress=lambda report: None,
    )
    return list(jobs.encode_and_decode(staged))


def test_new_projects_are_written_in_bulk_each_audited_as_created(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    """A batch of new projects is one INSERT, their plans one more and their audit entries one
    more: the write's queries do not grow with the rows, and each project's history still shows
    its creation as the service's would."""
    from zhuqi.core import audit
    from zhuqi.projects import importing, services

    rows = checked_rows(cast, 40)
    importer = importing.ProjectImporter()
    prepared = importer.prepare(actor=cast.coordinator, rows=rows)
    with django_assert_max_num_queries(10):
        counts = importer.apply(actor=cast.coordinator, rows=rows, prepared=prepared)
    assert counts == (40, 0, 0)
    project = Project.objects.get(code="2301-150581-04-01-000007")
    assert ProjectYear.objects.get(project=project).planned_investment == Decimal("507.00")
    entry = audit.history(project).get()
    assert (entry.action, entry.source, entry.object_repr) == ("create", "import", "批量项目7")
    # The entry the service writes for the same project, entered by hand.
    by_hand = services.project_create(
        actor=cast.coordinator, data=importing._decode({**rows[7][1], "code": "by-hand", "name": "手工"})
    )
    expected = {
        **audit.history(by_hand).get().changes,
        "code": entry.changes["code"],
        "name": entry.changes["name"],
    }
    assert entry.changes == expected


def test_a_project_registered_after_the_batch_was_prepared_is_updated_not_duplicated(cast: Cast) -> None:
    from zhuqi.projects import importing, services

    rows = checked_rows(cast, 3)
    importer = importing.ProjectImporter()
    prepared = importer.prepare(actor=cast.coordinator, rows=rows)
    # Someone registers the second project between the preparing and the write.
    services.project_create(
        actor=cast.coordinator,
        data=services.ProjectData(
            name="别人先登记的项目",
            region_code="150581",
            total_investment="1",
            code="2301-150581-04-01-000001",
        ),
    )
    assert importer.apply(actor=cast.coordinator, rows=rows, prepared=prepared) == (2, 1, 0)
    assert Project.objects.get(code="2301-150581-04-01-000001").name == "批量项目1"
    assert Project.objects.filter(name__startswith="批量项目").count() == 3
