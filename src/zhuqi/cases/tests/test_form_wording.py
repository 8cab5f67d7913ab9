"""What the case pages say and show, as a county office reads them: labels, the fields a role
must fill, the choices offered, the sentence after a step."""

from __future__ import annotations

import re

from django.test import Client

from zhuqi.cases import services
from zhuqi.cases.models import STEP_LABELS, Case, Kind, Status
from zhuqi.cases.services import NewCase
from zhuqi.cases.views import STEP_DONE


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def labels(page: str) -> list[str]:
    return re.findall(r"<label[^>]*>([^<]*)</label>", page)


def test_form_labels_end_without_an_ascii_colon(cast) -> None:
    for user, url in (
        (cast.coordinator, "/cases/new"),
        (cast.enterprise_user, "/cases/new"),
        (cast.coordinator, "/enterprises/new"),
        (cast.coordinator, "/enterprises/import/"),
    ):
        shown = labels(client_for(user).get(url).content.decode())
        assert shown, url
        assert not [label for label in shown if label.rstrip().endswith(":")], (url, shown)


def test_the_coordinator_sees_the_required_source_before_sending(cast, finance) -> None:
    client = client_for(cast.coordinator)
    page = client.get("/cases/new").content.decode()
    before_more = page.split("<details", 1)[0]
    source = re.search(r'<select name="source"[^>]*>', before_more)
    assert source is not None, "来源 must not wait in the collapsed section"
    assert "required" in source.group(0)
    refused = client.post(
        "/cases/new",
        {"kind": "instruction", "title": "协调用电指标", "category": finance.pk, "region": "150581"},
    ).content.decode()
    assert not Case.objects.exists()
    source_field = refused.split('data-testid="source-field"', 1)[1].split("</div>", 1)[0]
    assert "errorlist" in source_field
    # A liaison officer's case has a source by default (驻企联络员): nothing to choose.
    liaison_page = client_for(cast.liaison).get("/cases/new").content.decode()
    source = re.search(r'<select name="source"[^>]*>', liaison_page)
    assert source is not None and "required" not in source.group(0)


def test_the_assign_step_offers_each_complexity_once(cast, finance, routed) -> None:
    case = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND, title="用地报批慢", description="报批三个月未批复。", category_id=finance.pk
        ),
    )
    client = client_for(cast.coordinator)
    client.post(f"/cases/{case.pk}/accept", {"version": case.version})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    select = page.split('data-testid="complexity-select"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert sorted(options) == sorted(["简单", "复杂"])
    assert re.search(r'<option value="simple" selected>简单</option>', select)
    # The correction form of a filed case speaks the same way.
    edit = labels(client.get(f"/cases/{case.pk}/edit").content.decode())
    assert edit and not [label for label in edit if label.rstrip().endswith(":")], edit


def test_every_step_taken_is_said_in_a_natural_sentence(cast, finance, routed) -> None:
    assert set(STEP_DONE) == set(STEP_LABELS)
    case = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND, title="电费补贴未兑现", description="去年的补贴。", category_id=finance.pk
        ),
    )
    coordinator = client_for(cast.coordinator)
    handler = client_for(cast.handler)
    enterprise = client_for(cast.enterprise_user)
    for client, step, data in (
        (coordinator, "accept", {}),
        (coordinator, "assign", {}),
        (handler, "start", {}),
        (handler, "answer", {"answer": "已拨付。", "outcome": "resolved"}),
        (enterprise, "confirm", {"rating": "5"}),
    ):
        case.refresh_from_db()
        page = client.post(f"/cases/{case.pk}/{step}", {"version": case.version, **data}, follow=True)
        body = page.content.decode()
        assert str(STEP_DONE[step]) in body, step
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert "已企业评价" not in body and "评价已提交" in body
