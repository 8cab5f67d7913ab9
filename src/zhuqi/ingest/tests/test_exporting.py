"""The report inbox in Excel: the inbox as filtered on the page (the same FilterSet), read back
with openpyxl; only the reports the reader may see; a filter it cannot read sends the person back
to the inbox, which names it; a fixed number of queries whatever the number of reports."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.ingest import services
from zhuqi.ingest.models import Report, ReportStatus
from zhuqi.ingest.tests.scene import PUBLISHED, Scene, rewrapped_000, sample, scene
from zhuqi.ingest.tests.test_pages import client_for, confirm_data, copies, ingest_000

__all__ = ["scene"]

pytestmark = pytest.mark.django_db

HEADER = (
    "标题", "来源", "来源网址", "发布日期", "活动类型", "带队领导",
    "地区", "状态", "合并转载数", "导入时间", "调研走访",
)  # fmt: skip


def shown(report: Report) -> str:
    """A report's title as the inbox shows it (its source when the extraction read none)."""
    return report.title or report.source_label


def _workbook(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["报道"]
    return workbook["报道"]


def _rows(response: Any) -> list[tuple[Any, ...]]:
    rows = list(_workbook(response).iter_rows(values_only=True))
    assert rows[0] == HEADER
    return rows[1:]


def test_the_inbox_in_excel_with_the_page_filters_and_its_columns(scene: Scene) -> None:
    first = ingest_000(scene)  # inspection, Huolinguole (150581), led by 孟宪东
    repost = services.report_ingest(actor=scene.cast.coordinator, raw=rewrapped_000(), filename="gov.txt")
    assert repost.status == ReportStatus.DUPLICATE and repost.duplicate_of_id == first.pk
    first.refresh_from_db()  # the repost merged into it moved its version
    client = client_for(scene.cast.coordinator)
    confirmed = client.post(f"/reports/{first.pk}/confirm/", confirm_data(first))
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    assert confirmed["Location"].startswith("/visits/")
    first.refresh_from_db()
    assert first.visit_id is not None
    other = services.report_ingest(actor=scene.cast.admin, raw=sample("003"), filename="003.txt")
    Report.objects.filter(pk=other.pk).update(region_id="140200", kind="symposium")
    admin = client_for(scene.cast.admin)

    sheet = _workbook(admin.get("/reports/export.xlsx"))
    header = next(sheet.iter_rows(max_row=1))
    assert all(cell.font.bold for cell in header)  # styled like the other exports
    assert sheet.column_dimensions["A"].width == 40 and sheet.freeze_panes == "C2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [shown(other), shown(repost), shown(first)]  # newest first
    row = dict(zip(HEADER, rows[2], strict=True))
    now = timezone.localtime().replace(tzinfo=None)
    assert row == row | {
        "标题": shown(first),
        "来源": "000.txt",
        "来源网址": None,
        "发布日期": datetime.datetime.combine(PUBLISHED, datetime.time()),  # a date cell
        "活动类型": "调研/督导",
        "带队领导": "孟宪东",
        "地区": "霍林郭勒市",
        "状态": "已确认",
        "合并转载数": 1,
        "调研走访": f"#{first.visit_id}",
    }
    # The import time in local time, a date cell with its time.
    assert isinstance(row["导入时间"], datetime.datetime)
    assert abs(row["导入时间"] - now) < datetime.timedelta(minutes=5)
    cells = next(sheet.iter_rows(min_row=4, max_row=4))
    assert cells[3].number_format == "yyyy-mm-dd" and cells[9].number_format == "yyyy-mm-dd hh:mm"
    repost_row = dict(zip(HEADER, rows[1], strict=True))
    assert repost_row["状态"] == "重复" and repost_row["合并转载数"] == 0 and repost_row["调研走访"] is None
    assert repost_row["来源"] == "gov.txt"
    assert dict(zip(HEADER, rows[0], strict=True))["地区"] == "大同市"

    # The page's filters, through the same FilterSet.
    def titles(query: str) -> list[str]:
        return [row[0] for row in _rows(admin.get(f"/reports/export.xlsx?{query}"))]

    today = timezone.localdate()
    assert titles("status=confirmed") == [shown(first)]
    assert titles("kind=symposium") == [shown(other)]
    assert titles("region=150500") == [shown(repost), shown(first)]  # the region's subtree
    assert titles(f"created_from={today}&created_to={today}&region=140000") == [shown(other)]
    assert titles(f"created_to={today - datetime.timedelta(days=1)}") == []
    assert titles("page=3&status=duplicate") == [shown(repost)]  # the page's number is no filter

    # The inbox links to the export with the filters it shows (the status tab among them).
    page = client.get("/reports/", {"status": "draft", "kind": "inspection"}).content.decode()
    assert 'href="/reports/export.xlsx?status=draft&amp;kind=inspection"' in page
    assert 'href="/reports/export.xlsx"' in client.get("/reports/").content.decode()


def test_only_the_reports_the_reader_may_see(scene: Scene) -> None:
    first = ingest_000(scene)
    services.report_ingest(actor=scene.cast.coordinator, raw=rewrapped_000(), filename="gov.txt")
    # The coordinator and the leader of Tongliao above them read Huolinguole's reports.
    assert len(_rows(client_for(scene.cast.coordinator).get("/reports/export.xlsx"))) == 2
    assert [row[0] for row in _rows(client_for(scene.cast.leader).get("/reports/export.xlsx"))][-1] == (
        first.title
    )
    # Datong's coordinator gets the header and none of them, even asking for their region.
    outsider = client_for(scene.cast.outsider)
    assert _rows(outsider.get("/reports/export.xlsx")) == []
    assert _rows(outsider.get("/reports/export.xlsx?region=150581")) == []
    # A liaison officer may not open the inbox, nor its export.
    assert client_for(scene.cast.liaison).get("/reports/export.xlsx").status_code == 403


def test_a_filter_it_cannot_read_sends_the_person_back_to_the_inbox_which_names_it(scene: Scene) -> None:
    ingest_000(scene)
    client = client_for(scene.cast.admin)
    response = client.get("/reports/export.xlsx?kind=bogus&region=150500")
    assert response.status_code == 302 and response["Location"] == "/reports/?kind=bogus&region=150500"
    page = client.get(response["Location"]).content.decode()
    assert page.count("筛选条件有误：kind") == 1  # said once, by the page
    today = timezone.localdate()
    backwards = client.get(
        "/reports/export.xlsx", {"created_from": today, "created_to": today - datetime.timedelta(days=2)}
    )
    assert backwards.status_code == 302
    assert "筛选条件有误：created_to" in client.get(backwards["Location"]).content.decode()
    garbled = client.get("/reports/export.xlsx?region=15&status=nope", follow=True).content.decode()
    assert "筛选条件有误：region" in garbled and "筛选条件有误：status" in garbled


def test_too_many_rows_are_refused_with_a_message(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    report = ingest_000(scene)
    copies(report, 3)
    monkeypatch.setattr("zhuqi.ingest.views.MAX_ROWS", 3)
    client = client_for(scene.cast.coordinator)
    response = client.get("/reports/export.xlsx?status=discarded")
    assert response.status_code == 200 and len(_rows(response)) == 3
    response = client.get("/reports/export.xlsx?region=150581")
    assert response.status_code == 302 and response["Location"] == "/reports/?region=150581"
    assert "导出超过 3 行，请先筛选" in client.get(response["Location"]).content.decode()


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_number_of_reports(scene: Scene) -> None:
    report = ingest_000(scene)
    services.report_ingest(actor=scene.cast.coordinator, raw=rewrapped_000(), filename="gov.txt")
    copies(report, 3)
    client = client_for(scene.cast.coordinator)
    client.get("/reports/export.xlsx")
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get("/reports/export.xlsx"))) == 5
    copies(report, 120)
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client.get("/reports/export.xlsx"))
    assert len(rows) == 125 and all(row[5] == "孟宪东" for row in rows)
    with CaptureQueriesContext(connection) as filtered:
        assert len(_rows(client.get("/reports/export.xlsx?status=discarded&region=150581"))) == 123
    assert len(many) == len(few) == len(filtered)
    reads = [q["sql"] for q in many.captured_queries if "ingest_report" in q["sql"]]
    assert len(reads) == 2, reads  # the count, then the rows
