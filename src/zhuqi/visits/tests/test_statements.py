"""What each enterprise said at a symposium is heard by that enterprise and its liaison officer,
not by the other enterprises at the table (docs/visibility.md); and the visit form never names an
official the person may not see.

The story: Huolinguole's coordinator holds a symposium with two local enterprises, 联晟新材料
(assigned to the liaison officer 高原, the enterprise user's own) and 锦联铝材 (nobody's here).
Each states its difficulty. 联晟新材料 and 高原 read 联晟新材料's statement and not 锦联铝材's; the
coordinator reads both."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.test import Client

from zhuqi.directory.models import User
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits.models import Visit, VisitEnterprise
from zhuqi.visits.services import Attendance, VisitData, visit_create

pytestmark = pytest.mark.django_db

HOME_SAID = "出口物流成本高"
NEIGHBOUR_SAID = "铝锭运输受限希望协调铁路运力"
NEIGHBOUR_POLICY = "技术改造补贴"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def symposium(cast: Cast) -> Visit:
    mayor = OfficialFactory(name="王磊", region_id="150581")
    PostFactory(official=mayor, department=DepartmentFactory(name="霍林郭勒市人民政府"), title="市长")
    return visit_create(
        actor=cast.coordinator,
        data=VisitData(
            kind="symposium",
            title="霍林郭勒市铝产业企业座谈会",
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 2),
            lead_official_ids=[mayor.pk],
            place_codes=["150581"],
            attendance=[
                Attendance(enterprise_id=cast.home.pk, opinions=HOME_SAID),
                Attendance(
                    enterprise_id=cast.neighbour.pk,
                    opinions=NEIGHBOUR_SAID,
                    policies_unobtainable=NEIGHBOUR_POLICY,
                ),
            ],
        ),
    ).visit


def test_each_enterprise_is_heard_only_by_itself_and_its_liaison(cast: Cast, symposium: Visit) -> None:
    for user in (cast.enterprise_user, cast.liaison):
        client = client_for(user)
        page = client.get(f"/visits/{symposium.pk}/").content.decode()
        assert HOME_SAID in page and "锦联铝材有限公司" in page
        assert NEIGHBOUR_SAID not in page and NEIGHBOUR_POLICY not in page
        assert 'data-testid="statements-hidden"' in page
        record = docx.Document(io.BytesIO(client.get(f"/visits/{symposium.pk}/record.docx").content))
        text = "\n".join(paragraph.text for paragraph in record.paragraphs)
        assert HOME_SAID in text and NEIGHBOUR_SAID not in text and NEIGHBOUR_POLICY not in text
    page = client_for(cast.coordinator).get(f"/visits/{symposium.pk}/").content.decode()
    assert HOME_SAID in page and NEIGHBOUR_SAID in page and NEIGHBOUR_POLICY in page
    # Withheld from a reader is not erased from the record.
    assert VisitEnterprise.objects.get(enterprise=cast.neighbour).opinions == NEIGHBOUR_SAID


def test_the_api_withholds_the_other_enterprises_statements(cast: Cast, symposium: Visit) -> None:
    def heard(username: str) -> dict[int, dict[str, object]]:
        body = token_client(username).get(f"/api/v1/visits/{symposium.pk}").json()
        return {row["id"]: row for row in body["enterprises"]}

    for username in ("enterprise", "liaison"):
        rows = heard(username)
        assert rows[cast.home.pk]["opinions"] == HOME_SAID
        assert rows[cast.neighbour.pk]["opinions"] is None
        assert rows[cast.neighbour.pk]["policies_unobtainable"] is None
    rows = heard("coordinator")
    assert rows[cast.neighbour.pk]["opinions"] == NEIGHBOUR_SAID
    assert rows[cast.neighbour.pk]["policies_unobtainable"] == NEIGHBOUR_POLICY


def test_a_refused_visit_form_does_not_name_an_official_out_of_scope(cast: Cast) -> None:
    datong = OfficialFactory(name="大同市测试干部甲", region_id="140200")
    response = client_for(cast.liaison).post(
        "/visits/new/",
        {
            "kind": "liaison",
            "title": "走访联晟新材料",
            "start_date": "2026-06-20",
            "end_date": "2026-06-19",
            "lead_officials": [str(datong.pk)],
            "enterprises": [str(cast.home.pk)],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "大同市测试干部甲" not in body
    assert f'name="lead_officials" value="{datong.pk}"' in body
