from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zhuqi.cases.models import Case
from zhuqi.testing.api import send, token_client


def test_a_demand_through_the_api(cast, finance, routed) -> None:
    enterprise = token_client("enterprise")
    response = send(
        enterprise,
        "post",
        "/api/v1/cases",
        {"kind": "demand", "title": "招工难", "description": "缺少熟练焊工20名", "category": finance.pk},
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["status"] == "submitted" and case["allowed_steps"] == ["accept", "reject", "assign"]

    coordinator = token_client("coordinator")
    listed = coordinator.get("/api/v1/cases?kind=demand&open=true&status=submitted").json()
    assert [item["id"] for item in listed["items"]] == [case["id"]]
    assigned = send(coordinator, "post", f"/api/v1/cases/{case['id']}/assign", {"version": case["version"]})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["lead_department"]["name"] == cast.handler.department.name

    # A second step on the version read before: 409 with the current state.
    stale = send(coordinator, "post", f"/api/v1/cases/{case['id']}/accept", {"version": case["version"]})
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "assigned"
    # An illegal step on the current version: 409 naming the allowed steps.
    illegal = send(coordinator, "post", f"/api/v1/cases/{case['id']}/confirm", {"version": 2, "rating": 5})
    assert illegal.status_code == 409 and "签收（start）" in illegal.json()["detail"]

    handler = token_client("handler")
    bad = send(
        handler, "post", f"/api/v1/cases/{case['id']}/answer", {"version": 2, "answer": "", "outcome": "done"}
    )
    assert bad.status_code == 422
    assert {tuple(d["loc"]) for d in bad.json()["detail"]} == {("body", "answer"), ("body", "outcome")}
    answered = send(
        handler,
        "post",
        f"/api/v1/cases/{case['id']}/answer",
        {"version": 2, "answer": "已联系人社局", "outcome": "resolved"},
    )
    assert answered.json()["status"] == "answered"
    rated = send(enterprise, "post", f"/api/v1/cases/{case['id']}/confirm", {"version": 3, "rating": 4})
    assert rated.json()["status"] == "closed"
    timeline = enterprise.get(f"/api/v1/cases/{case['id']}/timeline").json()
    assert [step["step"] for step in timeline] == ["submit", "assign", "answer", "confirm"]
    assert token_client("outsider").get(f"/api/v1/cases/{case['id']}").status_code == 404


def test_a_bad_attachment_is_refused_and_leaves_the_case_untouched(cast, finance) -> None:
    client = token_client("enterprise")
    case = send(
        client,
        "post",
        "/api/v1/cases",
        {"kind": "demand", "title": "t", "description": "d", "category": finance.pk},
    ).json()
    bad = client.post(
        f"/api/v1/cases/{case['id']}/notes",
        {
            "comment": "补充材料",
            "files": [SimpleUploadedFile("run.exe", b"MZ...", "application/octet-stream")],
        },
    )
    assert bad.status_code == 422 and "文件类型不允许" in bad.json()["detail"][0]["msg"]
    assert Case.objects.get(pk=case["id"]).steps.count() == 1
    good = client.post(
        f"/api/v1/cases/{case['id']}/notes",
        {
            "comment": "补充材料",
            "files": [SimpleUploadedFile("合同 扫描件.pdf", b"%PDF-1.4 ...", "application/pdf")],
        },
    )
    assert good.status_code == 201, good.content
    note = client.get(f"/api/v1/cases/{case['id']}/timeline").json()[-1]
    assert note["step"] == "note" and note["attachments"][0]["name"] == "合同_扫描件.pdf"


def test_a_prefecture_list_is_its_cases_newest_first_whatever_plan_the_page_takes(cast, finance) -> None:
    """The page of a prefecture-wide list is taken with a different plan than its count on SQLite
    (core.scoping.region_subtree_q walk_in_order); both must be the same cases."""
    import datetime

    from django.utils import timezone

    from zhuqi.cases.models import Kind

    now = timezone.now()
    made = []
    for index, enterprise in enumerate([cast.home, cast.tongliao, cast.datong, cast.neighbour]):
        made.append(
            Case.objects.create(
                kind=Kind.DEMAND,
                title=f"诉求{index}",
                enterprise=enterprise,
                region=enterprise.region,
                category=finance,
                source="portal",
                submitted_at=now - datetime.timedelta(days=index),
            )
        )
    leader = token_client("leader")  # 通辽 (150500): Huolinguole and Horqin, not Datong
    listed = leader.get("/api/v1/cases?page_size=2").json()
    assert listed["count"] == 3
    assert [item["title"] for item in listed["items"]] == ["诉求0", "诉求1"]
    second = leader.get("/api/v1/cases?page_size=2&page=2").json()
    assert [item["title"] for item in second["items"]] == ["诉求3"]
    from django.test import Client

    browser = Client()
    browser.force_login(cast.leader)
    page = browser.get("/cases/?tab=all").content.decode()
    assert "诉求0" in page and "诉求3" in page and "诉求2" not in page
