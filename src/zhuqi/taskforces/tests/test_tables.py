"""A campaign's period table out (every enterprise one sees, the form's fields as columns) and
in (the same table filled in): through the module, the API and the pages, with the cast."""

from __future__ import annotations

import datetime
import io
import tracemalloc
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from zhuqi.cases.models import Case, Kind, Source, Urgency
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.core.tabular import ImportFileError
from zhuqi.core.validators import make_uscc
from zhuqi.enterprises.models import Enterprise
from zhuqi.taskforces import exporting, figures, importing, services
from zhuqi.taskforces.models import Campaign, CampaignReport, CampaignTally, Channel
from zhuqi.taskforces.tests import scene
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import PASSWORD, Cast

pytestmark = pytest.mark.django_db

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所在地区",
    "包保部门",
    "复工状态",
    "在岗人数（人）",
    "应到人数（人）",
    "产能利用率（%）",
    "当期产值（万元）",
    "困难和诉求",
    "报送时间",
    "逾期",
    "报送方式",
]


def _today() -> str:
    return scene.today().isoformat()


def _xlsx(headers: list[str], rows: list[list[Any]]) -> io.BytesIO:
    return io.BytesIO(write_workbook("报送表", [(h, 12) for h in headers], rows))


def _sheet(body: bytes) -> list[list[Any]]:
    """The first sheet's rows, each as long as the header (Excel writes no empty cells)."""
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    try:
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def _import(cast: Cast, made: Campaign, stream: io.BytesIO, **kwargs: Any) -> importing.TableImport:
    kwargs.setdefault("actor", cast.coordinator)
    kwargs.setdefault("period", _today())
    return importing.import_table(campaign_id=made.pk, stream=stream, filename="表.xlsx", **kwargs)


def _row(enterprise: Enterprise, status: Any = "全面复工", **values: Any) -> list[Any]:
    return [
        enterprise.name,
        enterprise.uscc,
        "",
        "",
        status,
        values.get("staff_present"),
        values.get("staff_expected"),
        values.get("capacity"),
        values.get("output"),
        values.get("difficulty"),
    ]


def _errors(result: importing.TableImport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


# --- out --------------------------------------------------------------------------------------


def test_the_table_has_a_row_per_enterprise_reported_or_not_with_the_forms_fields(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, status="部分复工", staff_present=80, capacity="75.5", output=300)
    period = Period.containing("day", scene.today())
    rows = _sheet(exporting.export_table(user=cast.coordinator, campaign=made, period=period))
    assert rows[0] == HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {cast.home.name, cast.neighbour.name}
    home = by_name[cast.home.name]
    assert home[1:4] == [cast.home.uscc, "霍林郭勒市", "霍林郭勒市工业和信息化局"]
    # Numbers are numbers; 应到人数 came from the registry; no difficulty, no cell.
    assert home[4:10] == ["部分复工", 80, cast.home.employees, 75.5, 300, None]
    assert isinstance(home[10], datetime.datetime) and home[11:] == ["否", "企业自报"]
    # The enterprise that has not reported: its row, with empty cells to fill in.
    assert by_name[cast.neighbour.name][4:] == [None] * 9


def test_each_reader_gets_the_rows_they_see(cast: Cast) -> None:
    made = scene.campaign(cast)
    period = Period.containing("day", scene.today())
    for user, names in (
        (cast.coordinator, {cast.home.name, cast.neighbour.name}),
        (cast.handler, {cast.home.name, cast.neighbour.name}),
        (cast.liaison, {cast.home.name}),
        (cast.enterprise_user, {cast.home.name}),
    ):
        rows = _sheet(exporting.export_table(user=user, campaign=made, period=period))
        assert {row[0] for row in rows[1:]} == names, user.username
    with pytest.raises(NotFound):
        exporting.campaign_table(user=cast.outsider, campaign_id=made.pk, period=None)


def test_a_text_that_looks_like_a_formula_goes_out_as_text_and_comes_back(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, status="部分复工", difficulty="=HYPERLINK(1)")
    body, _ = exporting.campaign_table(user=cast.coordinator, campaign_id=made.pk, period=_today())
    workbook = openpyxl.load_workbook(io.BytesIO(body))  # not read-only: the cells' types
    home = next(row for row in workbook.worksheets[0].iter_rows() if row[0].value == cast.home.name)
    assert (home[9].value, home[9].data_type, home[9].quotePrefix) == ("=HYPERLINK(1)", "s", True)
    result = _import(cast, made, io.BytesIO(body))
    assert (result.unchanged, result.corrected, result.blank) == (1, 0, 1)


# --- in ---------------------------------------------------------------------------------------


def test_the_exported_table_filled_in_imports_back(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made, status="部分复工", staff_present=80)
    body, filename = exporting.campaign_table(user=cast.coordinator, campaign_id=made.pk, period=None)
    assert filename == f"复工复产专项行动-{_today()}.xlsx"
    rows = _sheet(body)
    neighbour = next(row for row in rows if row[0] == cast.neighbour.name)
    neighbour[4:9] = ["全面复工", 58, 60, 90, "1,200.5"]
    result = _import(cast, made, _xlsx(rows[0], rows[1:]))
    assert (result.rows, result.written, result.corrected, result.unchanged, result.done) == (
        2,
        1,
        0,
        1,
        True,
    )
    report = CampaignReport.objects.get(enterprise=cast.neighbour)
    assert (report.status_value, report.staff_present, report.staff_expected, report.channel) == (
        "全面复工",
        58,
        60,
        Channel.IMPORT,
    )
    assert (str(report.capacity), str(report.output), report.late, report.submitted_by) == (
        "90.00",
        "1200.50",
        False,
        cast.coordinator,
    )
    entry = AuditEntry.objects.get(
        content_type__model="campaignreport", object_id=str(report.pk), action=AuditEntry.Action.CREATE
    )
    assert (entry.source, entry.changes["status_value"], entry.actor_id) == (
        "import",
        [None, "全面复工"],
        cast.coordinator.pk,
    )
    board = figures.board(
        user=cast.coordinator, campaign=made, period=Period.containing("day", scene.today())
    )
    assert (board.total.reported, board.total.done, board.total.missing) == (2, 1, 0)


def test_one_bad_row_writes_nothing_and_each_bad_cell_is_named(cast: Cast) -> None:
    made = scene.campaign(cast)
    tomorrow = (scene.today() + datetime.timedelta(days=1)).isoformat()
    stream = _xlsx(
        [*HEADERS[:10], "报送期"],
        [
            [*_row(cast.home, "全面复工", staff_present=90, difficulty="原料供应不足"), None],  # good
            [*_row(cast.neighbour, "开工", capacity=180), None],
            [*_row(cast.tongliao), None],
            [*_row(cast.neighbour, staff_present="8.5"), tomorrow],
            [*_row(cast.home), None],
            ["没有这家企业有限公司", "", "", "", "全面复工", None, None, None, None, None, None],
            [*_row(cast.neighbour, None, staff_present=3), None],
        ],
    )
    result = _import(cast, made, stream)
    assert not result.done and result.bad_rows == [3, 4, 5, 6, 7, 8]
    errors = _errors(result)
    assert (3, "复工状态", "“开工”不是可选项（未复工、部分复工、全面复工）") in errors
    assert (3, "产能利用率（%）", "180 超出范围（0–150 %）") in errors
    assert (
        4,
        "统一社会信用代码",
        f"统一社会信用代码为 {cast.tongliao.uscc} 的企业不在本专项行动中",
    ) in errors
    assert (5, "在岗人数（人）", "应为整数") in errors
    assert any(row == 5 and column == "报送期" and "还未开始" in message for row, column, message in errors)
    assert (6, "统一社会信用代码", "与第2行是同一企业、同一报送期") in errors
    assert (7, "企业名称", "“没有这家企业有限公司”不在本专项行动中（企业名称须与名录完全一致）") in errors
    assert (8, "复工状态", "必填") in errors
    assert not CampaignReport.objects.exists() and not CampaignTally.objects.exists()
    assert not Case.objects.filter(source=Source.TASK_FORCE).exists()
    assert not AuditEntry.objects.filter(content_type__model="campaignreport").exists()


def test_asked_the_good_rows_are_written_and_the_bad_ones_reported(cast: Cast) -> None:
    made = scene.campaign(cast)
    stream = _xlsx(HEADERS[:10], [_row(cast.home, staff_present=95), _row(cast.neighbour, "开工")])
    result = _import(cast, made, stream, skip_bad=True)
    assert (result.done, result.written, result.bad_rows) == (True, 1, [3])
    assert [r.enterprise_id for r in CampaignReport.objects.all()] == [cast.home.pk]


def test_a_row_for_a_period_already_reported_is_a_correction_with_its_audit_trail(cast: Cast) -> None:
    made = scene.campaign(cast)
    first = scene.report(cast, made, status="部分复工", staff_present=50)
    result = _import(cast, made, _xlsx(HEADERS[:10], [_row(cast.home, "全面复工", staff_present=99)]))
    assert (result.written, result.corrected) == (0, 1)
    report = CampaignReport.objects.get()
    assert (report.pk, report.status_value, report.staff_present) == (first.pk, "全面复工", 99)
    assert (report.corrections, report.version, report.channel) == (1, 2, Channel.IMPORT)
    assert report.late == first.late
    entry = AuditEntry.objects.get(
        content_type__model="campaignreport", object_id=str(first.pk), action=AuditEntry.Action.UPDATE
    )
    assert entry.changes["status_value"] == ["部分复工", "全面复工"]
    assert entry.changes["channel"] == [Channel.ENTERPRISE, Channel.IMPORT]
    board = figures.board(
        user=cast.coordinator, campaign=made, period=Period.containing("day", scene.today())
    )
    assert (board.total.reported, board.total.done) == (1, 1)


def test_a_difficulty_becomes_a_same_day_demand_case(cast: Cast) -> None:
    made = scene.campaign(cast)
    result = _import(
        cast,
        made,
        _xlsx(HEADERS[:10], [_row(cast.home, "部分复工", difficulty="物流车辆进不来，原料运不进厂")]),
    )
    assert result.cases == 1
    report = CampaignReport.objects.get()
    case = report.case
    assert case is not None
    assert (case.kind, case.urgency, case.source, case.enterprise_id, case.category.name) == (
        Kind.DEMAND,
        Urgency.SAME_DAY,
        Source.TASK_FORCE,
        cast.home.pk,
        "物流",
    )
    # The same difficulty imported again changes nothing and files nothing.
    again = _import(
        cast,
        made,
        _xlsx(HEADERS[:10], [_row(cast.home, "部分复工", difficulty="物流车辆进不来，原料运不进厂")]),
    )
    assert (again.unchanged, again.cases) == (1, 0)
    assert Case.objects.filter(source=Source.TASK_FORCE).count() == 1


def test_the_tallies_after_an_import_are_those_counted_afresh(cast: Cast) -> None:
    made = scene.campaign(cast)
    yesterday = scene.today() - datetime.timedelta(days=1)
    scene.report(
        cast, made, actor=cast.coordinator, enterprise=cast.neighbour, day=yesterday, status="未复工"
    )
    stream = _xlsx(
        [*HEADERS[:10], "报送期"],
        [
            [*_row(cast.home, "全面复工", staff_present=90, capacity=80, output=300), None],
            [*_row(cast.neighbour, "部分复工", staff_present=30, capacity=40, output=100), None],
            [*_row(cast.neighbour, "全面复工", staff_present=60, capacity=95, output=500), yesterday],
        ],
    )
    result = _import(cast, made, stream)
    assert (result.written, result.corrected) == (2, 1)

    def tallies() -> list[tuple[Any, ...]]:
        return sorted(
            CampaignTally.objects.filter(campaign=made).values_list(
                "period_start",
                "region_id",
                "department_id",
                "reports",
                "late",
                "done",
                "statuses",
                "staff_present",
                "staff_expected",
                "capacity_weighted",
                "capacity_weight",
                "output",
            )
        )

    kept = tallies()
    for start in (scene.today(), yesterday):
        services.retally(made.pk, start)
    assert kept == tallies() and len(kept) == 2
    board = figures.board(
        user=cast.coordinator, campaign=made, period=Period.containing("day", scene.today())
    )
    assert (board.total.done, board.total.capacity_rate) == (1, 70)


def test_the_period_from_a_column_and_the_enterprise_by_its_exact_name(cast: Cast) -> None:
    made = scene.campaign(cast)
    day = scene.today() - datetime.timedelta(days=2)
    stream = _xlsx(
        ["企业名称", "复工状态", "报送期"],
        [
            [cast.home.name, "全面复工", day],  # a date cell
            [cast.neighbour.name, "部分复工", f"{day.year}年{day.month}月{day.day}日"],
            [cast.home.name, "部分复工", (day - datetime.timedelta(days=40)).isoformat()],
        ],
    )
    result = _import(cast, made, stream, period="", skip_bad=True)
    assert result.written == 2 and [(e.row, e.column) for e in result.errors] == [(4, "报送期")]
    assert "不在本行动的起止日期内" in result.errors[0].message
    assert set(CampaignReport.objects.values_list("period_key", flat=True)) == {day.isoformat()}
    # Reported two days late with the deadline a day after: late.
    assert CampaignReport.objects.filter(late=True).count() == 2
    with pytest.raises(ImportFileError, match="报送期"):
        _import(cast, made, _xlsx(["企业名称", "复工状态"], [[cast.home.name, "全面复工"]]), period="")


def test_a_file_without_the_columns_it_needs_is_refused_whole(cast: Cast) -> None:
    made = scene.campaign(cast)
    for headers, words in (
        (["复工状态"], "统一社会信用代码或企业名称"),
        (["企业名称", "备注"], "没有本行动填报表单的任何一项"),
        (["企业名称", "在岗人数"], "缺少必填项的列：复工状态"),
        (["企业名称", "复工状态", "复工状态"], "重复"),
    ):
        with pytest.raises(ImportFileError, match=words):
            _import(cast, made, _xlsx(headers, [[cast.home.name] * len(headers)]))
    with pytest.raises(ValidationFailed) as failure:
        _import(cast, made, _xlsx(HEADERS[:10], [_row(cast.home)]), period="2026-W01")
    assert failure.value.errors[0].field == "period"


def test_who_may_import_for_whom(cast: Cast) -> None:
    made = scene.campaign(cast)
    rows = [_row(cast.home, staff_present=1), _row(cast.neighbour, staff_present=2)]
    # A liaison officer reports for the enterprise assigned to them, and sees only its row.
    result = _import(cast, made, _xlsx(HEADERS[:10], rows), actor=cast.liaison, skip_bad=True)
    assert (result.written, [(e.row, e.column) for e in result.errors]) == (1, [(3, "统一社会信用代码")])
    # The department serving both in the campaign; the leader and the enterprise do not import.
    result = _import(cast, made, _xlsx(HEADERS[:10], rows), actor=cast.handler)
    assert (result.written, result.unchanged) == (1, 1)
    for user in (cast.leader, cast.enterprise_user, cast.auditor):
        with pytest.raises(PermissionDenied):
            _import(cast, made, _xlsx(HEADERS[:10], rows), actor=user)
    with pytest.raises(NotFound):
        _import(cast, made, _xlsx(HEADERS[:10], rows), actor=cast.outsider)


# --- many rows --------------------------------------------------------------------------------


def _many(cast: Cast, made: Campaign, count: int) -> list[Enterprise]:
    """`count` more enterprises of Huolinguole in the campaign, written in bulk."""
    serial = 7_000_000 + Enterprise.objects.count() * 10
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"批量{serial + i}有限公司",
                uscc=make_uscc("150581", serial + i),
                region=cast.home.region,
                employees=100,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    made_now = list(Enterprise.objects.filter(name__startswith="批量").order_by("pk"))[-count:]
    services.campaign_enrol(
        actor=cast.coordinator,
        campaign_id=made.pk,
        enterprise_ids=[e.pk for e in made_now],
        department_id=cast.handler.department_id,
    )
    return made_now


def test_a_bad_row_late_in_a_big_file_writes_nothing_and_a_repeat_batches_later_is_named(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 50)
    made = scene.campaign(cast)
    enterprises = _many(cast, made, 400)
    rows = [_row(e, "全面复工", staff_present=90) for e in enterprises]
    rows.append(_row(enterprises[3], "部分复工"))  # row 402 repeats row 5, eight batches on
    result = _import(cast, made, _xlsx(HEADERS[:10], rows))
    assert _errors(result) == [(402, "统一社会信用代码", "与第5行是同一企业、同一报送期")]
    assert not CampaignReport.objects.exists()
    rows[-1] = _row(enterprises[3], "复工了")
    result = _import(cast, made, _xlsx(HEADERS[:10], rows), skip_bad=True)
    assert (result.written, result.bad_rows) == (400, [402])
    assert CampaignReport.objects.count() == 400
    assert AuditEntry.objects.filter(content_type__model="campaignreport").count() == 400
    board = figures.board(
        user=cast.coordinator, campaign=made, period=Period.containing("day", scene.today())
    )
    assert (board.total.reported, board.total.done, board.total.missing) == (400, 400, 2)


def _peak(cast: Cast, made: Campaign, rows: list[list[Any]]) -> int:
    stream = _xlsx(HEADERS[:10], rows)
    tracemalloc.start()
    try:
        result = _import(cast, made, stream)
        assert result.errors == [] and result.written == len(rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_import_holds_one_batch_whatever_the_length_of_the_file(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 100)
    small, large = scene.campaign(cast), scene.campaign(cast)
    _peak(cast, small, [_row(e) for e in _many(cast, small, 100)])  # caches filled first
    few = _peak(cast, small, [_row(e) for e in _many(cast, small, 300)])
    many = _peak(cast, large, [_row(e) for e in _many(cast, large, 2400)])
    # Eight times the rows: holding each row's values (some 2 KB each with their report and
    # audit entry) would add 4 MB; what is held is a batch, and the file's own bytes.
    assert many - few < 1_500_000, (few, many)


# --- the API and the pages --------------------------------------------------------------------


def test_the_api_gives_the_table_and_imports_it(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = token_client("coordinator")
    response = client.get(f"/api/v1/campaigns/{made.pk}/table.xlsx?period={_today()}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response.content)
    assert {row[0] for row in rows[1:]} == {cast.home.name, cast.neighbour.name}
    bad = next(number for number, row in enumerate(rows, start=1) if row[0] == cast.neighbour.name)
    for row in rows[1:]:
        row[4] = "开工" if row[0] == cast.neighbour.name else "全面复工"
    url = f"/api/v1/campaigns/{made.pk}/reports/import"
    refused = client.post(url, {"file": _named(rows), "period": _today()})
    assert refused.status_code == 422
    assert [(e["loc"], e["msg"]) for e in refused.json()["detail"]] == [
        (["body", "file", str(bad), "复工状态"], "“开工”不是可选项（未复工、部分复工、全面复工）")
    ]
    assert not CampaignReport.objects.exists()
    answer = client.post(url, {"file": _named(rows), "period": _today(), "skip_bad": "true"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["written"], body["corrected"], body["skipped_rows"]) == (1, 0, 1)
    assert body["skipped"] == [
        {"row": bad, "field": "复工状态", "message": "“开工”不是可选项（未复工、部分复工、全面复工）"}
    ]
    assert client.get(f"/api/v1/campaigns/{made.pk}/table.xlsx?period=2026-W01").status_code == 422
    outsider = token_client("outsider")
    assert outsider.get(f"/api/v1/campaigns/{made.pk}/table.xlsx").status_code == 404
    refused = outsider.post(url, {"file": _named(rows)})
    assert refused.status_code == 404, refused.content.decode()


def _named(rows: list[list[Any]]) -> io.BytesIO:
    stream = _xlsx(rows[0], rows[1:])
    stream.name = "报送表.xlsx"
    return stream


def test_the_pages_download_the_table_and_import_it(cast: Cast) -> None:
    made = scene.campaign(cast)
    client = Client()
    assert client.login(username="coordinator", password=PASSWORD)
    page = reverse("campaign-table-import", args=[made.pk])
    shown = client.get(page)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert reverse("campaign-table-download", args=[made.pk]) in text
    assert f'value="{_today()}"' in text and f"{scene.today().year}年" in text
    download = client.get(reverse("campaign-table-download", args=[made.pk]), {"period": _today()})
    assert download.status_code == 200
    rows = _sheet(download.content)
    rows[1][4] = rows[2][4] = "全面复工"
    posted = client.post(page, {"period": _today(), "file": _named(rows)}, follow=True)
    assert "新报送 2 家" in posted.content.decode()
    assert CampaignReport.objects.count() == 2
    rows[2][4] = "开工"
    posted = client.post(page, {"period": _today(), "file": _named(rows)}, follow=True)
    assert "未导入" in posted.content.decode() and "第3行 复工状态" in posted.content.decode()
    client.logout()
    assert client.login(username="leader", password=PASSWORD)
    assert client.get(page).status_code == 403
    client.logout()
    assert client.login(username="outsider", password=PASSWORD)
    assert client.get(page).status_code == 404
    assert client.get(reverse("campaign-table-download", args=[made.pk])).status_code == 404


def test_a_sheet_of_enterprises_joins_the_campaign_or_none_does(cast: Cast) -> None:
    from zhuqi.taskforces import enrolling
    from zhuqi.taskforces.models import EnrolledVia

    made = scene.campaign(cast, enrol=False)

    def sheet(*rows: tuple[str, ...]) -> io.BytesIO:
        headers = ("统一社会信用代码", "企业名称", "包保部门")
        return io.BytesIO(write_workbook("名单", [(h, 20) for h in headers], rows))

    # One row names an enterprise outside the task force's region: nothing joins.
    with pytest.raises(ValidationFailed) as failure:
        enrolling.enrol_from_table(
            actor=cast.admin,
            campaign_id=made.pk,
            stream=sheet((cast.home.uscc, "", ""), (cast.datong.uscc, "", "")),
            filename="名单.xlsx",
        )
    assert "第3行" in failure.value.errors[0].message and not made.enrolments.exists()
    added = enrolling.enrol_from_table(
        actor=cast.coordinator,
        campaign_id=made.pk,
        stream=sheet((cast.home.uscc, "", "霍林郭勒市工业和信息化局"), ("", cast.neighbour.name, "")),
        filename="名单.xlsx",
    )
    assert sorted(e.enterprise_id for e in added) == sorted([cast.home.pk, cast.neighbour.pk])
    home = made.enrolments.get(enterprise=cast.home)
    assert (home.via, home.department_id) == (EnrolledVia.IMPORTED, cast.handler.department_id)


def test_the_enrol_page_imports_a_sheet(cast: Cast) -> None:
    made = scene.campaign(cast, enrol=False)
    upload = io.BytesIO(f"统一社会信用代码,企业名称\n{cast.home.uscc},\n".encode())
    upload.name = "名单.csv"
    client = Client()
    client.force_login(cast.coordinator)
    response = client.post(f"/task-forces/campaigns/{made.pk}/enterprises/import/", {"file": upload})
    assert response.status_code == 302 and made.enrolments.filter(enterprise=cast.home).exists()


def test_a_serving_department_is_named_within_the_task_forces_region(cast: Cast) -> None:
    from zhuqi.taskforces import enrolling
    from zhuqi.testing.factories import DepartmentFactory

    made = scene.campaign(cast, enrol=False)
    # The same name in Datong: not this task force's; the sheet names Huolinguole's.
    DepartmentFactory(name="霍林郭勒市工业和信息化局", region_id="140200")
    added = enrolling.enrol_from_table(
        actor=cast.coordinator,
        campaign_id=made.pk,
        stream=io.BytesIO(f"统一社会信用代码,包保部门\n{cast.home.uscc},霍林郭勒市工业和信息化局\n".encode()),
        filename="名单.csv",
    )
    assert [e.department_id for e in added] == [cast.handler.department_id]
    with pytest.raises(ValidationFailed) as failure:
        enrolling.enrol_from_table(
            actor=cast.coordinator,
            campaign_id=made.pk,
            stream=io.BytesIO(f"统一社会信用代码,包保部门\n{cast.neighbour.uscc},大同市工信局\n".encode()),
            filename="名单.csv",
        )
    assert "第2行 包保部门" in failure.value.errors[0].message
