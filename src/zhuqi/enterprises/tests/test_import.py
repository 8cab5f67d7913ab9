from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhuqi.core.models import AuditEntry
from zhuqi.core.validators import make_uscc
from zhuqi.enterprises import importing
from zhuqi.enterprises.importing import ImportFileError, import_enterprises
from zhuqi.enterprises.models import Enterprise
from zhuqi.imports.models import ImportJob, StagedBatch

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属行业",
    "从业人员",
    "营业收入(万元)",
    "资产总额(万元)",
    "所在地区",
    "地址",
    "联系人",
    "联系电话",
]


def rows(count: int, *, start: int = 500) -> list[list[object]]:
    return [
        [
            make_uscc("150581", start + i),
            f"导入企业{i}有限公司",
            "3252",
            50 + i,
            3000,
            4000,
            "霍林郭勒市",
            f"工业园区{i}号",
            "王芳",
            "13800138000",
        ]
        for i in range(count)
    ]


def write_xlsx(path: Path, body: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in body:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, body: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(body)
    return path


def bad_rows(body: list[list[object]]) -> list[list[object]]:
    """Row 3 (the second data row) gets a wrong check digit; row 5 an unknown region."""
    body[1][0] = str(body[1][0])[:-1] + ("0" if str(body[1][0])[-1] != "0" else "1")
    body[3][6] = "火星市"
    return body


def test_xlsx_import_creates_and_audits(cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", rows(5))
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert (report.rows, report.created, report.errors) == (5, 5, [])
    enterprise = Enterprise.objects.get(name="导入企业0有限公司")
    assert enterprise.region_id == "150581" and enterprise.size_class == "small"
    assert (
        enterprise.contacts == [{"name": "王芳", "phone": "13800138000"}]
        or enterprise.contacts[0]["phone"] == "13800138000"
    )
    assert AuditEntry.objects.filter(source="import", action="create").count() == 5


def test_an_imported_enterprise_is_audited_as_a_created_one_and_shows_in_its_history(
    cast, tmp_path: Path
) -> None:
    """The import inserts rows without model instances: the entry must still say what
    audit.snapshot of the stored enterprise says, and read on the history and audit pages."""
    from django.test import Client

    from zhuqi.core import audit

    body = rows(3)
    body[1][2] = ""  # no industry: left out of the entry, as a creation leaves out what is unset
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    for enterprise in Enterprise.objects.filter(name__startswith="导入企业"):
        entry = audit.history(enterprise).get()
        assert (entry.action, entry.source, entry.actor, entry.object_repr) == (
            "create",
            "import",
            cast.coordinator,
            enterprise.name,
        )
        assert entry.changes == audit.diff({}, audit.snapshot(enterprise))
        assert entry.changes["revenue"] == [None, "3000.00"] and entry.changes["region"] == [None, "150581"]
    client = Client()
    client.force_login(cast.coordinator)
    enterprise = Enterprise.objects.get(name="导入企业1有限公司")
    history = client.get(f"/enterprises/{enterprise.pk}/history").content.decode()
    assert "<b>营业收入(万元)</b>：<ins>3,000</ins>" in history and "<ins>霍林郭勒市</ins>" in history
    client.force_login(cast.auditor)
    log = client.get("/audit/").content.decode()
    assert "企业：导入企业1有限公司" in log and "<b>规模依据</b>" in log


def test_one_bad_row_writes_nothing_and_names_row_column_reason(cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", bad_rows(rows(6)))
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert not report.written
    assert report.bad_row_numbers == [3, 5]
    by_row = {e.row: e for e in report.errors}
    assert by_row[3].column == "统一社会信用代码" and "校验位应为" in by_row[3].message
    assert by_row[5].column == "所在地区" and "火星市" in by_row[5].message
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_reimport_updates_by_code_without_duplicates(cast, tmp_path: Path) -> None:
    body = rows(4)
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    body[0][3] = 900  # employees
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 4
    assert Enterprise.objects.get(uscc=body[0][0]).employees == 900


def test_gbk_csv_as_excel_saves_it(cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", rows(3), encoding="gb18030")
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert report.created == 3
    assert Enterprise.objects.filter(name="导入企业2有限公司").exists()


def test_rows_outside_the_jurisdiction_are_errors(cast, tmp_path: Path) -> None:
    body = rows(2)
    body[1][6] = "140200"
    path = write_csv(tmp_path / "list.csv", body)
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert report.bad_row_numbers == [3]
    assert not report.written


def test_a_file_without_the_required_columns_is_refused(cast, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("名称,备注\n某企业,无\n", encoding="utf-8")
    with path.open("rb") as stream, pytest.raises(ImportFileError) as caught:
        import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert "统一社会信用代码" in str(caught.value)


def test_command_exits_non_zero_listing_bad_rows(
    cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", bad_rows(rows(6)))
    with pytest.raises(CommandError) as caught:
        call_command("import_enterprises", str(path), "--as", "coordinator")
    err = capsys.readouterr().err
    assert "第3行 [统一社会信用代码]" in err and "第5行 [所在地区]" in err
    assert "未写入任何数据" in str(caught.value)
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_command_skip_invalid_writes_good_rows_and_an_error_file(cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", bad_rows(rows(6)))
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--skip-invalid", stdout=out, stderr=io.StringIO())
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 4
    error_file = tmp_path / "list.errors.xlsx"
    assert str(error_file) in out.getvalue()
    sheet = openpyxl.load_workbook(error_file).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("原行号", "错误原因", "统一社会信用代码")
    assert [row[0] for row in table[1:]] == [3, 5]
    assert "火星市" in table[2][1]


def test_a_code_another_jurisdiction_registered_is_an_error_with_its_cells_kept(cast, tmp_path: Path) -> None:
    body = rows(2)
    body[1][0] = cast.tongliao.uscc  # registered in Horqin, outside the coordinator's county
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        report = import_enterprises(
            actor=cast.coordinator, stream=stream, filename=path.name, skip_invalid=True
        )
    assert report.bad_row_numbers == [3]
    assert "已由其他地区登记" in report.errors[0].message
    assert report.bad_rows[3][:2] == [cast.tongliao.uscc, "导入企业1有限公司"]
    assert report.created == 1
    cast.tongliao.refresh_from_db()
    assert cast.tongliao.name == "科尔沁测试有限公司"


def test_a_dry_run_counts_what_the_import_would_do_and_writes_nothing(cast, tmp_path: Path) -> None:
    body = rows(4)
    path = write_xlsx(tmp_path / "list.xlsx", body)

    def run(*, dry_run: bool):
        with path.open("rb") as stream:
            return import_enterprises(
                actor=cast.coordinator, stream=stream, filename=path.name, dry_run=dry_run
            )

    report = run(dry_run=True)
    assert (report.created, report.updated, report.unchanged, report.written) == (4, 0, 0, False)
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()
    assert not AuditEntry.objects.filter(source="import").exists()
    run(dry_run=False)
    body[0][3] = 900
    write_xlsx(path, body)
    report = run(dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    # Counting did not change the stored record.
    assert Enterprise.objects.get(uscc=body[0][0]).employees == 50


def _write_rows(path: Path, count: int) -> Path:
    """A list of `count` good rows, written row by row (a big one is written quickly)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows(count):
        sheet.append(row)
    workbook.save(path)
    return path


def test_a_bad_row_late_in_a_big_file_writes_nothing_and_is_named(
    cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read and checked in batches of 500: the bad row comes after five batches were checked.
    monkeypatch.setattr(importing, "BATCH", 500)
    body = rows(3000)
    body[2950][2] = "9999"  # no such industry; row 2952 as Excel numbers it
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert (report.rows, report.written, report.bad_row_numbers) == (3000, False, [2952])
    assert report.errors[0].column == "所属行业" and "9999" in report.errors[0].message
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()
    assert not AuditEntry.objects.filter(source="import").exists()
    assert not StagedBatch.objects.exists() and not ImportJob.objects.exists()


def test_a_code_repeated_in_a_later_batch_names_the_row_it_repeats(
    cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 3)
    body = rows(8)
    body[6][0] = body[0][0]  # row 8 repeats row 2, two batches later
    body[2][0] = body[1][0]  # row 4 repeats row 3, in the same batch
    path = write_xlsx(tmp_path / "list.xlsx", body)
    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (4, "统一社会信用代码", "与第3行的统一社会信用代码重复"),
        (8, "统一社会信用代码", "与第2行的统一社会信用代码重复"),
    ]
    assert not report.written


def _check_peak(cast, path: Path) -> int:
    """The most memory the check of a file took (a dry run: read, check, count; no write)."""
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            report = import_enterprises(
                actor=cast.coordinator, stream=stream, filename=path.name, dry_run=True
            )
        assert report.errors == []
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_check_holds_one_batch_whatever_the_length_of_the_file(
    cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 250)
    small, large = _write_rows(tmp_path / "small.xlsx", 1000), _write_rows(tmp_path / "large.xlsx", 8000)
    _check_peak(cast, small)  # caches (regions, industries) filled before measuring
    grown = _check_peak(cast, large) - _check_peak(cast, small)
    # Eight times the rows: holding each row, or only each code with its row number (the check
    # before did: 1.1 MB more for 3,000 more rows), would add 7,000 of them; what is left is
    # noise of a few hundred kilobytes (garbage not yet collected when the peak is taken).
    assert grown < 600_000, grown
