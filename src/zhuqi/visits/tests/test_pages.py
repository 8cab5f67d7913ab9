"""The visit pages and the Word record, read back with python-docx."""

from __future__ import annotations

import datetime
import io

import docx
from django.test import Client

from zhuqi.cases.models import CaseCategory
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import services
from zhuqi.visits.services import Attendance, SaidThere, VisitData


def test_visit_page_and_its_word_record(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    result = services.visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="inspection",
            title="孟宪东到霍林郭勒市调研",
            start_date=datetime.date(2026, 6, 20),
            end_date=datetime.date(2026, 6, 21),
            lead_official_ids=[secretary.pk],
            place_codes=["150581"],
            attendance=[
                Attendance(enterprise_id=cast.home.pk, opinions="物流成本高", policies_unknown="稳岗返还")
            ],
        ),
        said=[SaidThere(kind="instruction", title="加快项目建设进度", category_id=finance.pk)],
    )
    client = Client()
    client.force_login(cast.leader)
    listing = client.get("/visits/").content.decode()
    assert "孟宪东到霍林郭勒市调研" in listing
    timeline = client.get(f"/visits/?official={secretary.pk}").content.decode()
    assert "孟宪东到霍林郭勒市调研" in timeline and "通辽市委书记" in timeline
    assert 'data-testid="visit-progress">0 / 1<' in timeline
    assert (
        "孟宪东到霍林郭勒市调研"
        not in client.get(f"/visits/?official={cast.liaison.official_id}").content.decode()
    )
    page = client.get(f"/visits/{result.visit.pk}/").content.decode()
    assert "孟宪东</a>（通辽市委书记）" in page and "加快项目建设进度" in page and "稳岗返还" in page
    response = client.get(f"/visits/{result.visit.pk}/record.docx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "孟宪东到霍林郭勒市调研" in text and "不了解的政策：稳岗返还" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "孟宪东（通辽市委书记）" in cells and "加快项目建设进度" in cells and "待受理" in cells
    enterprise_page = client.get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert (
        'data-testid="enterprise-visits"' in enterprise_page and "孟宪东到霍林郭勒市调研" in enterprise_page
    )
    outsider = Client()
    outsider.force_login(cast.outsider)
    assert outsider.get(f"/visits/{result.visit.pk}/record.docx").status_code == 404
