"""事项台账: the case list as the office keeps it in Excel, read back with openpyxl."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.test import Client

from zhuqi.cases import services
from zhuqi.cases.exporting import LEDGER_COLUMNS
from zhuqi.cases.models import Case, Kind
from zhuqi.cases.services import NewCase


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return list(workbook["事项台账"].iter_rows(values_only=True))


def _demand(cast, finance, title: str, enterprise_user=None) -> Case:
    return services.case_create(
        actor=enterprise_user or cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title=title, description="详情", category_id=finance.pk),
    )


def test_the_coordinator_exports_the_filtered_ledger_with_departments_deadlines_and_outcomes(
    cast, finance, routed, other_department
) -> None:
    loan = _demand(cast, finance, "流动资金贷款续贷困难")
    _demand(cast, finance, "用地指标不足")
    loan = services.case_accept(actor=cast.coordinator, case_id=loan.pk, expected_version=loan.version)
    loan = services.case_assign(actor=cast.coordinator, case_id=loan.pk, expected_version=loan.version)

    rows = _sheet(client_for(cast.coordinator).get("/cases/ledger.xlsx", {"tab": "all", "q": "续贷"}))

    assert list(rows[0]) == [title for title, _ in LEDGER_COLUMNS]
    assert len(rows) == 2  # the filter holds: only the loan demand
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["编号"] == loan.pk and row["标题"] == "流动资金贷款续贷困难"
    assert row["类型"] == "诉求" and row["状态"] == "已交办" and row["类别"] == "融资"
    assert row["企业名称"] == cast.home.name and row["统一社会信用代码"] == cast.home.uscc
    assert row["牵头部门"] == cast.handler.department.name and row["配合部门"] == other_department.name
    # Dates are Excel dates in Beijing time, not text and not UTC.
    assert isinstance(row["办理时限"], datetime.datetime)
    loan.refresh_from_db()
    assert row["办理时限"] == loan.deadline.astimezone(
        datetime.timezone(datetime.timedelta(hours=8))
    ).replace(tzinfo=None)


def test_the_ledger_holds_only_what_the_user_may_see(cast, finance) -> None:
    _demand(cast, finance, "本企业的诉求")
    # The outsider (a Datong coordinator) sees none of Huolinguole's cases, in the page or the file.
    rows = _sheet(client_for(cast.outsider).get("/cases/ledger.xlsx", {"tab": "all"}))
    assert rows[1:] == []
    rows = _sheet(client_for(cast.enterprise_user).get("/cases/ledger.xlsx", {"tab": "all"}))
    assert [r[2] for r in rows[1:]] == ["本企业的诉求"]


def test_a_bad_filter_is_said_and_no_file_is_given(cast) -> None:
    response = client_for(cast.coordinator).get(
        "/cases/ledger.xlsx", {"tab": "all", "submitted_from": "notadate"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/cases/?")


def test_the_list_page_links_to_the_ledger_with_its_filters(cast, finance) -> None:
    page = client_for(cast.coordinator).get("/cases/", {"tab": "all", "kind": "demand"}).content.decode()
    assert "/cases/ledger.xlsx?tab=all&amp;kind=demand" in page


def test_the_ledger_reads_a_fixed_number_of_queries_however_many_cases(cast, finance) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _sheet(client.get("/cases/ledger.xlsx", {"tab": "all"}))
        return len(captured)

    _demand(cast, finance, "第一件")
    few = queries()
    for number in range(5):
        _demand(cast, finance, f"又一件 {number}")
    assert queries() == few
