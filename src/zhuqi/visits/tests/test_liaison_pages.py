"""The liaison pages: the workbench, the quick log (and its refusals, keeping what was typed), the
month-end report read back with python-docx, the coverage page and its Excel read back."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import docx
import openpyxl
from django.test import Client
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory, Source
from zhuqi.testing.factories import Cast
from zhuqi.visits.models import Visit
from zhuqi.visits.tests.scene import Scene


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _log(client: Client, **fields: object) -> Any:
    body = {"kind": "liaison", "start_date": timezone.localdate().isoformat(), **fields}
    return client.post("/visits/liaison/log/", body)


def test_the_workbench_and_the_nav(cast: Cast) -> None:
    client = _client(cast.liaison)
    page = client.get("/visits/liaison/").content.decode()
    assert 'data-testid="liaison-firm"' in page and "联晟新材料有限公司" in page
    assert "本月走访 0/1" in page and "上次走访 从未" in page
    assert 'data-testid="nav-liaison"' in page and 'data-testid="nav-coverage"' not in page
    home = client.get("/").content.decode()
    assert 'data-testid="workbench-liaison"' in home
    # The enterprise's own page sends a liaison officer to the quick log, the others to the full form.
    enterprise_page = client.get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert f'href="/visits/liaison/log/?enterprise={cast.home.pk}"' in enterprise_page
    coordinator_page = _client(cast.coordinator).get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert f'href="/visits/new/?enterprise={cast.home.pk}"' in coordinator_page
    log_page = client.get(f"/visits/liaison/log/?enterprise={cast.home.pk}").content.decode()
    assert f'<option value="{cast.home.pk}" selected>' in log_page
    assert "锦联铝材" not in log_page  # only the officer's own enterprises are offered


def test_a_visit_with_a_demand_is_logged_in_one_post(cast: Cast) -> None:
    client = _client(cast.liaison)
    finance = CaseCategory.objects.get(name="融资", parent=None)
    response = _log(
        client,
        enterprise=cast.home.pk,
        demand_title=["流动资金贷款续贷难", ""],
        demand_category=[finance.pk, ""],
        demand_description=["", ""],
        summary="企业生产正常",
    )
    assert response.status_code == 302 and response["Location"] == "/visits/liaison/"
    visit = Visit.objects.get()
    assert visit.kind == "liaison" and visit.title == "走访联晟新材料" and visit.region_id == "150581"
    assert visit.participants.get().official_id == cast.liaison.official_id
    case = Case.objects.get()
    assert case.enterprise_id == cast.home.pk and case.visit_id == visit.pk and case.source == Source.LIAISON
    page = client.get("/visits/liaison/").content.decode()
    assert "已记录：走访联晟新材料；1 条诉求已提交办理" in page
    assert "本月走访 1/1" in page and "办理中事项 1" in page


def test_no_problems_logs_a_visit_with_no_case(cast: Cast) -> None:
    client = _client(cast.liaison)
    response = _log(client, enterprise=cast.home.pk, kind="call", no_problems="on")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.kind == "call" and visit.no_problems and not Case.objects.exists()


def test_refusals_keep_what_was_typed_and_write_nothing(cast: Cast) -> None:
    client = _client(cast.liaison)
    finance = CaseCategory.objects.get(name="融资", parent=None)
    both = _log(
        client,
        enterprise=cast.home.pk,
        no_problems="on",
        demand_title=["原料运输受阻"],
        demand_category=[finance.pk],
        summary="谈了运输",
    )
    assert both.status_code == 400
    text = both.content.decode()
    assert "无问题：勾选了“无问题”又填写了诉求" in text
    assert 'value="原料运输受阻"' in text and "谈了运输" in text
    assert f'<option value="{finance.pk}" selected>' in text
    no_category = _log(client, enterprise=cast.home.pk, demand_title=["用工难"], demand_category=[""])
    assert no_category.status_code == 400
    assert "第1条诉求·类别：请选择诉求类别" in no_category.content.decode()
    not_mine = _log(client, enterprise=cast.neighbour.pk, no_problems="on")
    assert "企业：请选择您包联的企业" in not_mine.content.decode()
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_the_month_end_report_is_written_from_the_log(cast: Cast) -> None:
    client = _client(cast.liaison)
    finance = CaseCategory.objects.get(name="融资", parent=None)
    _log(client, enterprise=cast.home.pk, demand_title=["出口物流成本高"], demand_category=[finance.pk])
    _log(client, enterprise=cast.home.pk, kind="call", no_problems="on")
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(f"/visits/liaison/report/{month}.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    # The Chinese name survives the download (RFC 6266's filename*).
    name = quote(f"高原-{month}-包联走访报告.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "高原" in text and "本月走访 1 次、电话联系 1 次" in text and "收集诉求 1 件" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "联晟新材料有限公司" in cells and "1/1" in cells and "出口物流成本高" in cells
    assert any("待受理" in cell for cell in cells)
    assert client.get("/visits/liaison/report/2026-13.docx").status_code == 404


def test_the_coverage_page_and_its_excel(scene: Scene) -> None:
    client = _client(scene.cast.leader)
    page = client.get("/visits/coverage/?month=2026-06&by=region").content.decode()
    assert 'data-testid="coverage-row"' in page and "霍林郭勒市" in page and "科尔沁区" in page
    assert "大同" not in page and "完成率" in page and 'data-testid="coverage-definitions"' in page
    assert 'data-testid="nav-coverage"' in page
    response = client.get("/visits/coverage/?month=2026-06&by=region&export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["包联覆盖"].iter_rows(values_only=True))
    assert rows[1][0] == "地区"
    table = {row[0]: row for row in rows[2:5]}
    assert table["霍林郭勒市"][1:4] == (2, 1, 50)
    assert table["合计"][1] == 3
    quiet = list(workbook["90天未走访企业"].iter_rows(values_only=True))
    assert len(quiet) >= 2 and quiet[0][0] == "企业名称"
    refused = _client(scene.cast.liaison).get("/visits/coverage/")
    assert (
        refused.status_code == 403
        and "包联覆盖情况只对领导、营商办、管理员和审计员开放" in refused.content.decode()
    )
    assert "不是月份" in _client(scene.cast.coordinator).get("/visits/coverage/?month=bad").content.decode()


def test_the_liaison_pages_speak_english(cast: Cast) -> None:
    client = _client(cast.liaison)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/visits/liaison/").content.decode()
    assert "My enterprises" in page and "Last visit" in page and "上次走访" not in page
    log_page = client.get("/visits/liaison/log/").content.decode()
    assert "No problems" in log_page and "无问题" not in log_page
