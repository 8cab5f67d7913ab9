"""A symposium's policy check (政策落实) links the catalogue's policies beside the texts.

The story: Huolinguole's coordinator holds a symposium with 联晟新材料 (assigned to the liaison
officer 高原, the enterprise user's own) and 锦联铝材. 联晟新材料 has received the tax relief and
did not know of the rent relief; 锦联铝材 applied for the rent relief and did not get it. Only
published policies the recorder can see are linked; the links are withheld with the texts from a
reader who may not hear that enterprise; the page links them and the Word record lists them."""

from __future__ import annotations

import datetime
import io
from typing import Any

import docx
import pytest
from django.test import Client

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.directory.models import Official, User
from zhuqi.policies.models import Policy
from zhuqi.policies.services import PolicyData, policy_create, policy_update
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import services
from zhuqi.visits.models import Visit, VisitPolicy
from zhuqi.visits.services import Attendance, PolicyAnswer, VisitData

pytestmark = pytest.mark.django_db

TAX = "关于支持中小微工业企业纾困发展的若干措施"
RENT = "关于减免小微企业和个体工商户房屋租金的通知"
DRAFT = "关于促进铝产业链延链补链的若干政策（征求意见稿）"


def _policy(
    actor: User,
    cast: Cast,
    title: str,
    *,
    status: str = "published",
    region: str = "150581",
    number: str = "",
) -> Policy:
    return policy_create(
        actor=actor,
        data=PolicyData(
            title=title,
            issuer="霍林郭勒市人民政府办公室",
            document_number=number,
            region_code=region,
            category="tax_relief",
            benefit="对符合条件的企业给予支持。",
            department_id=cast.handler.department_id,
            published_on=datetime.date(2026, 1, 5),
            status=status,
        ),
    )


@pytest.fixture
def policies(cast: Cast) -> dict[str, Policy]:
    return {
        "tax": _policy(cast.coordinator, cast, TAX, number="霍政办发〔2026〕3号"),
        "rent": _policy(cast.coordinator, cast, RENT),
        "draft": _policy(cast.coordinator, cast, DRAFT, status="draft"),
        # Datong's: a policy the Huolinguole coordinator cannot see.
        "datong": _policy(cast.outsider, cast, "大同市稳岗就业若干措施", region="140200"),
    }


@pytest.fixture
def mayor(cast: Cast) -> Official:
    official = OfficialFactory(name="王磊", region_id="150581")
    PostFactory(official=official, department=DepartmentFactory(name="霍林郭勒市人民政府"), title="市长")
    return official


def _body(cast: Cast, mayor: Official, policies: dict[str, Policy], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "symposium",
        "title": "霍林郭勒市铝产业企业座谈会",
        "start_date": "2026-03-02",
        "lead_officials": [mayor.pk],
        "places": ["150581"],
        "enterprises": [
            {
                "enterprise": cast.home.pk,
                "policies_received": "增值税留抵退税",
                "policies": [
                    {"policy": policies["tax"].pk, "answer": "received"},
                    {"policy": policies["rent"].pk, "answer": "unknown"},
                ],
            },
            {
                "enterprise": cast.neighbour.pk,
                "opinions": "铝锭运输受限",
                "policies": [{"policy": policies["rent"].pk, "answer": "unobtainable"}],
            },
        ],
    }
    body.update(changes)
    return body


def _links(visit_id: int) -> set[tuple[int, int, str]]:
    return set(
        VisitPolicy.objects.filter(attendance__visit_id=visit_id).values_list(
            "attendance__enterprise_id", "policy_id", "answer"
        )
    )


def test_the_api_records_and_corrects_the_policies_named(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    coordinator = token_client("coordinator")
    created = send(coordinator, "post", "/api/v1/visits", _body(cast, mayor, policies))
    assert created.status_code == 201, created.content
    visit = created.json()
    home, neighbour = visit["enterprises"]
    assert home["policies_received"] == "增值税留抵退税"  # the text stays beside the links
    assert home["policies"] == [
        {
            "policy": policies["tax"].pk,
            "title": TAX,
            "document_number": "霍政办发〔2026〕3号",
            "answer": "received",
            "answer_label": "已享受",
        },
        {
            "policy": policies["rent"].pk,
            "title": RENT,
            "document_number": "",
            "answer": "unknown",
            "answer_label": "不了解",
        },
    ]
    assert [p["answer"] for p in neighbour["policies"]] == ["unobtainable"]

    # The correction replaces each enterprise's list: an answer changed, one dropped.
    corrected = _body(cast, mayor, policies, version=1)
    corrected["enterprises"][0]["policies"] = [{"policy": policies["rent"].pk, "answer": "received"}]
    changed = send(coordinator, "put", f"/api/v1/visits/{visit['id']}", corrected)
    assert changed.status_code == 200, changed.content
    assert _links(visit["id"]) == {
        (cast.home.pk, policies["rent"].pk, "received"),
        (cast.neighbour.pk, policies["rent"].pk, "unobtainable"),
    }
    entry = AuditEntry.objects.get(object_id=str(visit["id"]), action=AuditEntry.Action.UPDATE)
    assert entry.changes["policies"] == [
        sorted(
            [
                f"{cast.home.pk}:{policies['tax'].pk}:received",
                f"{cast.home.pk}:{policies['rent'].pk}:unknown",
                f"{cast.neighbour.pk}:{policies['rent'].pk}:unobtainable",
            ]
        ),
        sorted(
            [
                f"{cast.home.pk}:{policies['rent'].pk}:received",
                f"{cast.neighbour.pk}:{policies['rent'].pk}:unobtainable",
            ]
        ),
    ]
    # An enterprise taken off the visit takes its links with it.
    corrected = _body(cast, mayor, policies, version=2)
    corrected["enterprises"] = corrected["enterprises"][:1]
    assert send(coordinator, "put", f"/api/v1/visits/{visit['id']}", corrected).status_code == 200
    assert {enterprise for enterprise, _, _ in _links(visit["id"])} == {cast.home.pk}


def test_a_draft_an_unseen_a_repeated_policy_and_a_bad_answer_are_refused_by_path(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    coordinator = token_client("coordinator")

    def refused(policy_answers: list[dict[str, Any]]) -> list[tuple[list[str], str]]:
        body = _body(cast, mayor, policies)
        body["enterprises"][1]["policies"] = policy_answers
        response = send(coordinator, "post", "/api/v1/visits", body)
        assert response.status_code == 422, response.content
        return [(d["loc"], d["msg"]) for d in response.json()["detail"]]

    rent = {"policy": policies["rent"].pk, "answer": "received"}
    draft = refused([rent, {"policy": policies["draft"].pk, "answer": "unknown"}])
    assert draft == [
        (
            ["body", "enterprises", "2", "policies", "2", "policy"],
            f"“{DRAFT}”状态为草稿，只能关联已发布的政策",
        )
    ]
    # Out of scope and missing say the same: the id alone reveals nothing.
    for pk in (policies["datong"].pk, 999999):
        assert refused([{"policy": pk, "answer": "received"}]) == [
            (["body", "enterprises", "2", "policies", "1", "policy"], f"政策 {pk} 不存在或不在您的权限范围内")
        ]
    assert refused([rent, dict(rent, answer="unknown")]) == [
        (["body", "enterprises", "2", "policies"], "同一项政策填写了两次")
    ]
    ((location, message),) = refused([dict(rent, answer="heard")])
    assert (
        location == ["body", "enterprises", "2", "policies", "1", "answer"]
        and "received（已享受）" in message
    )
    assert not Visit.objects.exists() and not VisitPolicy.objects.exists()


def test_a_policy_withdrawn_since_stays_on_a_corrected_record_but_is_not_linked_anew(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    tax = policies["tax"]
    data = VisitData(
        kind="symposium",
        title="霍林郭勒市铝产业企业座谈会",
        start_date=datetime.date(2026, 3, 2),
        lead_official_ids=[mayor.pk],
        place_codes=["150581"],
        attendance=[
            Attendance(enterprise_id=cast.home.pk, policies=[PolicyAnswer(tax.pk, "received")]),
            Attendance(enterprise_id=cast.neighbour.pk),
        ],
    )
    visit = services.visit_create(actor=cast.coordinator, data=data).visit
    withdrawn = PolicyData(
        title=tax.title,
        issuer=tax.issuer,
        document_number=tax.document_number,
        region_code=tax.region_id,
        category=tax.category,
        benefit=tax.benefit,
        department_id=tax.department_id,
        published_on=tax.published_on,
        status="withdrawn",
    )
    policy_update(actor=cast.coordinator, policy_id=tax.pk, expected_version=tax.version, data=withdrawn)
    data.title = "霍林郭勒市铝产业企业座谈会（更正）"
    services.visit_update(actor=cast.coordinator, visit_id=visit.pk, data=data, expected_version=1)
    assert _links(visit.pk) == {(cast.home.pk, tax.pk, "received")}
    data.attendance[1].policies = [PolicyAnswer(tax.pk, "received")]
    with pytest.raises(ValidationFailed) as refusal:
        services.visit_update(actor=cast.coordinator, visit_id=visit.pk, data=data, expected_version=2)
    assert [e.field for e in refusal.value.errors] == ["enterprises.2.policies.1.policy"]


def test_the_links_are_withheld_with_the_statements(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    created = send(token_client("coordinator"), "post", "/api/v1/visits", _body(cast, mayor, policies))
    visit_id = created.json()["id"]
    for username, user in (("enterprise", cast.enterprise_user), ("liaison", cast.liaison)):
        rows = {
            row["id"]: row
            for row in token_client(username).get(f"/api/v1/visits/{visit_id}").json()["enterprises"]
        }
        assert [p["title"] for p in rows[cast.home.pk]["policies"]] == [TAX, RENT]
        assert rows[cast.neighbour.pk]["policies"] is None and rows[cast.neighbour.pk]["opinions"] is None
        client = Client()
        client.force_login(user)
        page = client.get(f"/visits/{visit_id}/").content.decode()
        assert 'data-testid="policy-check-unobtainable"' not in page
        record = docx.Document(io.BytesIO(client.get(f"/visits/{visit_id}/record.docx").content))
        text = "\n".join(paragraph.text for paragraph in record.paragraphs)
        assert "未能享受的政策" not in text and TAX in text
    rows = {
        row["id"]: row
        for row in token_client("coordinator").get(f"/api/v1/visits/{visit_id}").json()["enterprises"]
    }
    assert [p["answer"] for p in rows[cast.neighbour.pk]["policies"]] == ["unobtainable"]


def test_the_page_links_the_policies_and_the_word_record_lists_them(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    created = send(token_client("coordinator"), "post", "/api/v1/visits", _body(cast, mayor, policies))
    visit_id = created.json()["id"]
    client = Client()
    client.force_login(cast.leader)
    page = client.get(f"/visits/{visit_id}/").content.decode()
    tax, rent = policies["tax"].pk, policies["rent"].pk
    received = page.split('data-testid="policy-check-received"', 1)[1].split("</span>", 1)[0]
    assert f'<a href="/policies/{tax}/" data-testid="visit-policy">{TAX}</a>；增值税留抵退税' in received
    assert page.count(f'href="/policies/{rent}/"') == 2
    # A policy the reader may not open (moved out of Tongliao's sight) is named without a link.
    Policy.objects.filter(pk=rent).update(region_id="140200")
    page = client.get(f"/visits/{visit_id}/").content.decode()
    assert f'href="/policies/{rent}/"' not in page and page.count(RENT) == 2

    record = docx.Document(io.BytesIO(client.get(f"/visits/{visit_id}/record.docx").content))
    lines = [paragraph.text for paragraph in record.paragraphs]
    at = lines.index("已享受的政策：增值税留抵退税")
    assert lines[at + 1] == f"{TAX}（霍政办发〔2026〕3号）"
    assert lines[at + 2 : at + 4] == ["不了解的政策：", RENT]
    assert lines.index("未能享受的政策：") < lines.index(RENT, at + 4)


def test_the_form_picks_policies_per_answer_and_keeps_them_on_a_refusal(
    cast: Cast, mayor: Official, policies: dict[str, Policy]
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    # The picker offers the published policies in scope, by a word of the title or the number.
    found = client.get("/pick/policies/", {"q": "纾困"}).content.decode()
    assert f'data-value="{policies["tax"].pk}"' in found and "霍政办发〔2026〕3号" in found
    assert "铝产业链" not in client.get("/pick/policies/", {"q": "铝产业链"}).content.decode()
    assert (
        f'data-value="{policies["datong"].pk}"'
        not in client.get("/pick/policies/", {"q": ""}).content.decode()
    )
    form = client.get("/visits/new/").content.decode()
    assert 'data-name="policy_links_received___ID__"' in form  # in the attendance row's template

    home = cast.home.pk
    post = {
        "kind": "symposium",
        "title": "霍林郭勒市铝产业企业座谈会",
        "start_date": "2026-03-02",
        "lead_officials": [str(mayor.pk)],
        "places": ["150581"],
        "enterprises": [str(home)],
        f"policies_received_{home}": "增值税留抵退税",
        f"policy_links_received_{home}": [str(policies["tax"].pk)],
        f"policy_links_unknown_{home}": [str(policies["draft"].pk)],
    }
    response = client.post("/visits/new/", post)
    body = response.content.decode()
    assert response.status_code == 400
    assert f"第1家企业·政策落实情况：“{DRAFT}”状态为草稿" in body
    # What was picked is shown again, each under its answer.
    assert (
        f'<input type="hidden" name="policy_links_received_{home}" value="{policies["tax"].pk}">{TAX}' in body
    )
    assert f'name="policy_links_unknown_{home}" value="{policies["draft"].pk}"' in body

    post[f"policy_links_unknown_{home}"] = [str(policies["rent"].pk)]
    response = client.post("/visits/new/", post)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert _links(visit.pk) == {
        (home, policies["tax"].pk, "received"),
        (home, policies["rent"].pk, "unknown"),
    }
    edit = client.get(f"/visits/{visit.pk}/edit/").content.decode()
    assert (
        f'<input type="hidden" name="policy_links_unknown_{home}" value="{policies["rent"].pk}">{RENT}'
        in edit
    )
    # Saved again without a change, the links stay; taken out of the picker, they go.
    post["version"] = "1"
    assert client.post(f"/visits/{visit.pk}/edit/", post).status_code == 302
    assert len(_links(visit.pk)) == 2
    post.update(version="2", **{f"policy_links_unknown_{home}": []})
    assert client.post(f"/visits/{visit.pk}/edit/", post).status_code == 302
    assert _links(visit.pk) == {(home, policies["tax"].pk, "received")}
