"""The visit list in Excel: the filtered list with its columns, only what the user can see, read
back with openpyxl; the list page links to it with its filters."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from zhuqi.cases.models import Case, CaseCategory, Status
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import services
from zhuqi.visits.services import Attendance, SaidThere, VisitData

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["调研走访"]
    return list(workbook["调研走访"].iter_rows(values_only=True))


def test_the_filtered_list_in_excel_with_its_columns_and_only_what_the_user_sees(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东", region_id="150500")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    deputy = OfficialFactory(name="王明厚", region_id="150500")
    PostFactory(official=deputy, department=DepartmentFactory(name="通辽市政府"), title="副市长")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    inspection = services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="inspection",
            title="孟宪东到霍林郭勒市调研",
            start_date=datetime.date(2026, 6, 20),
            end_date=datetime.date(2026, 6, 21),
            lead_official_ids=[secretary.pk],
            accompanying_official_ids=[deputy.pk],
            place_codes=["150581"],
            attendance=[Attendance(enterprise_id=cast.home.pk), Attendance(enterprise_id=cast.neighbour.pk)],
        ),
        said=[SaidThere(kind="instruction", title=f"要求{n}", category_id=finance.pk) for n in range(3)],
    )
    Case.objects.filter(pk=inspection.cases[0].pk).update(status=Status.CLOSED)
    Case.objects.filter(pk=inspection.cases[1].pk).update(status=Status.REJECTED)
    services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="symposium",
            title="霍林郭勒市中小微企业座谈会",
            start_date=datetime.date(2026, 5, 8),
            lead_official_ids=[secretary.pk],
            place_codes=["150581"],
            attendance=[Attendance(enterprise_id=cast.home.pk)],
        ),
    )
    # In Datong: outside the Huolinguole coordinator's jurisdiction.
    services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="inspection",
            title="大同调研",
            start_date=datetime.date(2026, 6, 1),
            lead_official_ids=[secretary.pk],
            place_codes=["140200"],
            attendance=[Attendance(enterprise_id=cast.datong.pk)],
        ),
    )

    client = _client(cast.coordinator)
    rows = _sheet(client.get("/visits/export.xlsx"))
    assert rows[0] == (
        "开始日期", "结束日期", "类型", "标题", "带队领导（职务）", "陪同人员（职务）",
        "企业", "地点", "所属地区", "事项数", "在办", "已办结",
    )  # fmt: skip
    assert [row[3] for row in rows[1:]] == ["孟宪东到霍林郭勒市调研", "霍林郭勒市中小微企业座谈会"]
    first = rows[1]
    # Dates are dates in Excel (openpyxl reads them back as midnight).
    assert (first[0].date(), first[1].date(), first[2], first[3]) == (
        datetime.date(2026, 6, 20),
        datetime.date(2026, 6, 21),
        "调研/督导",
        "孟宪东到霍林郭勒市调研",
    )
    assert first[4:9] == (
        "孟宪东（通辽市委书记）",
        "王明厚（通辽市政府副市长）",
        "联晟新材料有限公司、锦联铝材有限公司",
        "霍林郭勒市",
        "霍林郭勒市",
    )
    # Three cases: one open, one closed, one not accepted (neither).
    assert first[9:] == (3, 1, 1)
    assert rows[2][9:] == (0, 0, 0)

    # The filters of the page: kind, dates, title words.
    def titles(address: str) -> list[str]:
        return [row[3] for row in _sheet(client.get(address))[1:]]

    assert titles("/visits/export.xlsx?kind=symposium") == ["霍林郭勒市中小微企业座谈会"]
    assert titles("/visits/export.xlsx?start=2026-06-01&q=调研") == ["孟宪东到霍林郭勒市调研"]
    # The leader of Tongliao sees Huolinguole's visits, and not Datong's either.
    assert len(_sheet(_client(cast.leader).get("/visits/export.xlsx"))) == 3
    assert len(_sheet(_client(cast.outsider).get("/visits/export.xlsx"))) == 2

    # The list page links to the export with the filters it shows.
    page = client.get("/visits/", {"kind": "inspection", "start": "2026-06-01", "q": "调研"}).content.decode()
    assert 'href="/visits/export.xlsx?kind=inspection&amp;start=2026-06-01&amp;q=%E8%B0%83%E7%A0%94"' in page
