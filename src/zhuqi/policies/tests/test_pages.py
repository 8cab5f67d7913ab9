"""The policy pages as people use them: a keeper writes a rule in the editor's rows, sees the
matched enterprises, tells them all, records a grant; an enterprise reads why a policy applies
to it and reports one it could not get."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zhuqi.cases.models import Case, JointHandling
from zhuqi.directory.models import User
from zhuqi.policies import matching
from zhuqi.policies.models import Delivery, DeliveryStatus, Policy
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> str:
    return " ".join(re.findall(r'class="message[^"]*"[^>]*>(.*?)<', response.content.decode(), re.S))


def _form(cast: Cast, **overrides: str) -> dict[str, str]:
    form = {
        "title": "中小微工业企业稳产补助",
        "issuer": "霍林郭勒市人民政府办公室",
        "document_number": "霍政办发（2022）8号",
        "published_on": str(timezone.localdate() - datetime.timedelta(days=5)),
        "region": "150581",
        "category": "industry",
        "grant_mode": "application",
        "status": "published",
        "benefit": "按上年度营业收入给予补助。",
        "amount_cap": "20",
        "department": str(cast.handler.department_id),
        "rule_match": "all",
        "cond-0-field": "industry",
        "cond-0-op": "in",
        "cond-0-value": "C 制造业",
        "cond-1-field": "employees",
        "cond-1-op": "below",
        "cond-1-value": "300",
        "cond-2-field": "size_class",
        "cond-2-op": "in",
        "cond-2-value": "中型、小型、微型",
    }
    form.update(overrides)
    return form


def test_keeper_writes_a_rule_notifies_and_records_a_grant(cast: Cast) -> None:
    keeper = client_for(cast.coordinator)
    saved = keeper.post("/policies/new", _form(cast))
    assert saved.status_code == 302, messages_of(saved)
    policy = Policy.objects.get(title="中小微工业企业稳产补助")
    assert policy.document_number == "霍政办发〔2022〕8号"
    assert policy.rule["conditions"][0] == {"field": "industry", "values": ["C"]}
    assert policy.rule["conditions"][2]["values"] == ["medium", "small", "micro"]
    keeper.post(f"/policies/{policy.pk}/rematch")
    page = keeper.get(f"/policies/{policy.pk}/").content.decode()
    assert "联晟新材料有限公司" in page and "锦联铝材有限公司" in page
    assert "所属行业：C 制造业" in page

    told = keeper.post(f"/policies/{policy.pk}/notify", {"scope": "eligible", "channel": "visit"})
    assert told.status_code == 302
    delivery = Delivery.objects.get(policy=policy, enterprise=cast.home)
    assert delivery.channel == "visit"
    keeper.post(f"/policies/deliveries/{delivery.pk}/step", {"version": "1", "step": "apply"})
    over = keeper.post(
        f"/policies/deliveries/{delivery.pk}/step",
        {"version": "2", "step": "grant", "amount": "25"},
        follow=True,
    )
    assert "超过本政策单户上限" in over.content.decode()
    keeper.post(
        f"/policies/deliveries/{delivery.pk}/step", {"version": "2", "step": "grant", "amount": "18.5"}
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GRANTED and str(delivery.granted_amount) == "18.50"


def test_a_bad_rule_row_is_named_and_nothing_is_saved(cast: Cast) -> None:
    keeper = client_for(cast.coordinator)
    refused = keeper.post("/policies/new", _form(cast, **{"cond-1-value": "很多", "cond-0-value": "9999"}))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "适用条件第 1 行" in text and "不存在的所属行业：9999" in text
    assert "适用条件第 2 行" in text and "应为数字" in text
    # What was typed is still there.
    assert 'value="很多"' in text
    assert not Policy.objects.exists()


def test_enterprise_sees_why_and_reports_a_policy_it_cannot_get(cast: Cast) -> None:
    client_for(cast.coordinator).post("/policies/new", _form(cast))
    policy = Policy.objects.get()
    matching.rematch_policy(policy)
    own = client_for(cast.enterprise_user)
    mine = own.get("/policies/mine").content.decode()
    assert policy.title in mine and "符合条件" in mine and "满足" in mine
    # Other enterprises are not listed on its view of the policy.
    detail = own.get(f"/policies/{policy.pk}/").content.decode()
    assert "锦联铝材有限公司" not in detail
    filed = own.post(
        f"/policies/{policy.pk}/complain", {"complaint": "not_received", "description": "至今未收到补助"}
    )
    assert filed.status_code == 302
    case = Case.objects.get(enterprise=cast.home)
    assert filed["Location"].endswith(f"/cases/{case.pk}/")
    assert case.category.name == "政策兑现"


def test_pages_refuse_who_may_not(cast: Cast) -> None:
    assert client_for(cast.leader).get("/policies/new").status_code == 403
    assert client_for(cast.enterprise_user).get("/policies/deliveries").status_code in (403, 404)
    assert client_for(cast.coordinator).get("/policies/mine").status_code in (403, 404)
    assert client_for(cast.liaison).get("/policies/").status_code == 200


def test_a_policy_text_is_read_into_rows_to_confirm(cast: Cast) -> None:
    keeper = client_for(cast.coordinator)
    text = "支持对象为年营业收入2000万元以上、从业人员300人以下的制造业企业。"
    page = keeper.post("/policies/new", {**_form(cast), "full_text": text, "action": "draft"})
    body = page.content.decode()
    assert page.status_code == 200 and not Policy.objects.exists()
    assert "已从政策原文起草以下条件" in body
    # The rows now hold the drafted conditions, for a person to check before saving.
    assert re.search(r'name="cond-\d-field"[^>]*>.*?<option value="revenue" selected', body, re.S)
    assert 'value="2000"' in body and 'value="300"' in body


def test_the_editor_shows_a_stored_rule_as_rows_that_save_back_unchanged(cast: Cast) -> None:
    keeper = client_for(cast.coordinator)
    keeper.post(
        "/policies/new",
        _form(cast, **{"cond-3-field": "region", "cond-3-op": "in", "cond-3-value": "150581"}),
    )
    policy = Policy.objects.get()
    page = keeper.get(f"/policies/{policy.pk}/edit").content.decode()
    assert (
        'value="C 制造业"' in page
        and 'value="中型、小型、微型"' in page
        and 'value="150581 霍林郭勒市"' in page
    )
    # Posting the page back as shown changes nothing (no new version).
    form = dict(re.findall(r'name="(cond-\d-(?:value))" value="([^"]*)"', page))
    fields = dict(
        re.findall(
            r'<select name="(cond-\d-(?:field|op))"[^>]*>.*?<option value="([^"]*)" selected', page, re.S
        )
    )
    posted = {**_form(cast), **{k: "" for k in _form(cast) if k.startswith("cond-")}, **form, **fields}
    posted["version"] = str(policy.version)
    saved = keeper.post(f"/policies/{policy.pk}/edit", posted)
    assert saved.status_code == 302
    assert Policy.objects.get().version == policy.version


def test_the_catalogue_lists_the_policy_questions_for_its_keepers(cast: Cast) -> None:
    JointHandling.objects.create(
        title="留抵退税到账慢（共性诉求）",
        region_id="150581",
        policy_question=True,
        policy_note="需上级调整退税审核流程",
        lead_department=cast.handler.department,
    )
    page = client_for(cast.coordinator).get("/policies/").content.decode()
    assert "留抵退税到账慢" in page and "需上级调整退税审核流程" in page
    assert "留抵退税到账慢" not in client_for(cast.liaison).get("/policies/").content.decode()


def test_the_published_document_is_attached_and_downloaded_in_scope(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    keeper = client_for(cast.coordinator)
    refused = keeper.post(
        "/policies/new",
        {**_form(cast), "attachment": SimpleUploadedFile("政策.exe", b"MZ", "application/octet-stream")},
    )
    assert refused.status_code == 200 and "文件类型不允许" in refused.content.decode()
    saved = keeper.post(
        "/policies/new",
        {**_form(cast), "attachment": SimpleUploadedFile("霍政办发8号.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert saved.status_code == 302
    policy = Policy.objects.get()
    page = keeper.get(f"/policies/{policy.pk}/").content.decode()
    assert f"/policies/{policy.pk}/attachment" in page
    download = client_for(cast.enterprise_user).get(f"/policies/{policy.pk}/attachment")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert client_for(cast.outsider).get(f"/policies/{policy.pk}/attachment").status_code == 404
