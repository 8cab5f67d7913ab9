"""The reports API: text or a file in, the draft out; the inbox; confirm into a visit with its
cases; discard; bad input refused naming the reason; out of scope answered as missing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zhuqi.cases.models import Case
from zhuqi.core.validators import make_uscc
from zhuqi.directory.models import Department, Official
from zhuqi.enterprises.models import Enterprise
from zhuqi.ingest.models import Report, ReportStatus
from zhuqi.ingest.tests.scene import PUBLISHED, Scene, rewrapped_000, sample, scene
from zhuqi.testing.api import send, token_client
from zhuqi.visits.models import Visit, VisitSource

__all__ = ["scene"]


def post_000(client: Client) -> Any:
    body = {"text": sample("000").decode("utf-8"), "filename": "000.txt", "published_on": str(PUBLISHED)}
    return send(client, "post", "/api/v1/reports", body)


def test_a_report_posted_reviewed_and_confirmed(scene: Scene) -> None:
    coordinator = token_client("coordinator")
    created = post_000(coordinator)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert (draft["status"], draft["status_label"], draft["kind"]) == ("draft", "待确认", "inspection")
    assert draft["filename"] == "000.txt" and draft["region"] == "150581"
    assert "(diào)" not in draft["cleaned_text"] and "(diào)" in draft["original_text"]
    assert {r["kind"] for r in draft["removals"]} >= {"pinyin", "chrome"}
    assert draft["extraction"]["lead_officials"][0]["name"] == "孟宪东"
    lead = draft["links"]["officials"][0]
    assert (lead["status"], lead["candidates"][0]["id"]) == ("matched", scene.secretary.pk)
    names = {e["mention"] for e in draft["links"]["enterprises"]}
    assert {"联晟新材料有限公司", "腾远环保", "金辉粉体"} <= names

    # The same event from another site: merged into the draft, not a second one.
    again = send(coordinator, "post", "/api/v1/reports", {"text": rewrapped_000(), "filename": "gov.txt"})
    assert again.json()["status"] == "duplicate" and again.json()["duplicate_of"] == draft["id"]
    inbox = coordinator.get("/api/v1/reports?status=draft").json()
    assert [item["id"] for item in inbox["items"]] == [draft["id"]] and inbox["count"] == 1
    assert coordinator.get("/api/v1/reports").json()["count"] == 2
    detail = coordinator.get(f"/api/v1/reports/{draft['id']}").json()
    assert detail["duplicates"] == [again.json()["id"]] and detail["version"] == 2

    # A stale version is refused; the current one confirms.
    stale = send(coordinator, "post", f"/api/v1/reports/{draft['id']}/confirm", {"version": 1})
    assert stale.status_code == 409
    confirmed = send(
        coordinator,
        "post",
        f"/api/v1/reports/{draft['id']}/confirm",
        {"version": 2, "enterprises": [{"mention": "腾远环保", "record": None}]},
    )
    assert confirmed.status_code == 200, confirmed.content
    answer = confirmed.json()
    visit = Visit.objects.get(pk=answer["visit"])
    assert visit.source == VisitSource.REPORT and answer["report"]["status"] == "confirmed"
    assert scene.tengyuan not in set(visit.attendance.values_list("enterprise_id", flat=True))
    cases = Case.objects.filter(visit=visit)
    assert cases.count() == len(answer["cases"]) >= 3
    assert {c["kind"] for c in answer["cases"]} == {"instruction"}
    assert token_client("leader").get(f"/api/v1/visits/{visit.pk}").status_code == 200


def test_an_unresolved_official_is_refused_by_name_then_discarded(scene: Scene) -> None:
    coordinator = token_client("coordinator")
    created = post_000(coordinator).json()
    refused = send(
        coordinator,
        "post",
        f"/api/v1/reports/{created['id']}/confirm",
        {"version": 1, "officials": [{"mention": "孟宪东", "record": None}]},
    )
    # Left out, the lead official is gone: the visit's own rule asks for one.
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "lead_officials"]
    assert not Visit.objects.exists()
    empty = send(
        coordinator, "post", f"/api/v1/reports/{created['id']}/discard", {"version": 1, "reason": ""}
    )
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "reason"]
    discarded = send(
        coordinator, "post", f"/api/v1/reports/{created['id']}/discard", {"version": 1, "reason": "重复登记"}
    )
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"
    assert Report.objects.get().status == ReportStatus.DISCARDED


def test_a_file_upload_and_bad_input_refused_with_the_reason(scene: Scene) -> None:
    coordinator = token_client("coordinator")
    upload = SimpleUploadedFile("000.txt", sample("000"), content_type="text/plain")
    created = coordinator.post(
        "/api/v1/reports/file", {"file": upload, "published_on": str(PUBLISHED), "region": "150581"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["extraction"]["start"] == "2022-06-20"
    for name, content, reason in [
        ("empty.txt", b"", "空"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "不是文本"),
        ("russian.txt", "Это отчёт о визите на завод, и он не на китайском. ".encode() * 20, "中文"),
        ("big.txt", b"a" * (2 * 1024 * 1024 + 10), "太大"),
    ]:
        refused = coordinator.post("/api/v1/reports/file", {"file": SimpleUploadedFile(name, content)})
        assert refused.status_code == 422, (name, refused.content)
        (detail,) = refused.json()["detail"]
        assert detail["loc"] == ["body", "file"] and reason in detail["msg"], (name, detail)
    blank = send(coordinator, "post", "/api/v1/reports", {"text": "   "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "text"]
    assert Report.objects.count() == 1


def test_out_of_scope_is_missing_and_the_roles_that_may_not(scene: Scene) -> None:
    created = post_000(token_client("coordinator")).json()
    url = f"/api/v1/reports/{created['id']}"
    for username in ("outsider", "liaison", "enterprise"):
        client = token_client(username)
        assert client.get(url).status_code == 404, username
        assert send(client, "post", f"{url}/confirm", {"version": 1}).status_code == 404, username
        assert client.get("/api/v1/reports").json()["count"] == 0, username
    # Government staff of the region and above read it; the office confirms.
    for username in ("leader", "handler"):
        client = token_client(username)
        assert client.get(url).status_code == 200, username
        assert send(client, "post", f"{url}/confirm", {"version": 1}).status_code == 403, username
        assert post_000(client).status_code == 403, username
    assert Report.objects.count() == 1
    assert token_client("outsider").get("/api/v1/reports?status=bogus").status_code == 422


def test_the_inbox_filters_as_the_page_does(scene: Scene) -> None:
    admin = token_client("admin")
    first = post_000(admin).json()
    other = send(admin, "post", "/api/v1/reports", {"text": sample("003").decode("utf-8")}).json()
    Report.objects.filter(pk=other["id"]).update(region_id="140200", kind="symposium")

    def ids(query: str) -> list[int]:
        answer = admin.get(f"/api/v1/reports?{query}")
        assert answer.status_code == 200, answer.content
        return [item["id"] for item in answer.json()["items"]]

    today = timezone.localdate()
    assert ids("kind=inspection") == [first["id"]]
    assert ids("region=150500") == [first["id"]] and ids("region=140000") == [other["id"]]
    assert ids(f"created_from={today}&created_to={today}") == [other["id"], first["id"]]
    assert ids(f"created_from={today + datetime.timedelta(days=1)}") == []
    for query, name in [
        ("kind=party", "kind"),
        ("region=15", "region"),
        ("created_from=2022-13-01", "created_from"),
        (f"created_from={today}&created_to={today - datetime.timedelta(days=1)}", "created_to"),
    ]:
        refused = admin.get(f"/api/v1/reports?{query}")
        assert refused.status_code == 422, (query, refused.content)
        assert refused.json()["detail"][0]["loc"] == ["query", name], (query, refused.json())


def test_confirm_records_the_new_official_and_enterprise_named(scene: Scene) -> None:
    coordinator = token_client("coordinator")
    created = post_000(coordinator).json()
    url = f"/api/v1/reports/{created['id']}/confirm"
    city = Department.objects.get(name="通辽市委")
    body: dict[str, Any] = {
        "version": 1,
        "new_officials": [{"mention": "莫日根巴图", "department": city.pk, "title": "常委"}],
        "new_enterprises": [{"mention": "兖矿集团", "uscc": "911505810000000000"}],
    }
    refused = send(coordinator, "post", url, body)
    assert refused.status_code == 422, refused.content
    (detail,) = refused.json()["detail"]
    assert detail["loc"] == ["body", "enterprises", "兖矿集团"] and "兖矿集团" in detail["msg"]
    assert not Official.objects.filter(name="莫日根巴图").exists()
    code = make_uscc("150581", 2718)
    body["new_enterprises"] = [{"mention": "兖矿集团", "uscc": code}]
    confirmed = send(coordinator, "post", url, body)
    assert confirmed.status_code == 200, confirmed.content
    visit = Visit.objects.get(pk=confirmed.json()["visit"])
    official = Official.objects.get(name="莫日根巴图")
    assert official.pk in set(visit.participants.values_list("official_id", flat=True))
    enterprise = Enterprise.objects.get(uscc=code)
    assert (enterprise.name, enterprise.region_id) == ("兖矿集团", "150581")
    assert enterprise.pk in set(visit.attendance.values_list("enterprise_id", flat=True))
    schema = coordinator.get("/api/v1/openapi.json").json()["components"]["schemas"]["ReportConfirmIn"]
    assert "officials.<mention>" in schema["properties"]["new_officials"]["description"]
