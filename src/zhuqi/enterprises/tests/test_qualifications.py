"""资质认定: an enterprise's qualifications kept as a whole list, through the service, the API and
the enterprise's page; refused alike (a bad row named by its index, a stale version, the
enterprise's own account, an enterprise out of scope); audited on the enterprise."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.utils import timezone

from zhuqi.core import audit
from zhuqi.core.errors import PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.enterprises import services
from zhuqi.enterprises.models import Enterprise, Qualification
from zhuqi.enterprises.services import QualificationData
from zhuqi.testing.api import send, token_client
from zhuqi.testing.refusals import refusals_agree

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
URL = "/api/v1/enterprises/{}/qualifications"


def held(enterprise: Enterprise) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    return sorted(
        Qualification.objects.filter(enterprise=enterprise).values_list(
            "kind", "recognised_on", "valid_until"
        )
    )


def put(username: str, enterprise: Enterprise, version: int, items: list[dict[str, Any]]) -> Any:
    return send(
        token_client(username), "put", URL.format(enterprise.pk), {"version": version, "items": items}
    )


def test_the_api_sets_then_replaces_the_list(cast) -> None:
    before = Enterprise.objects.get(pk=cast.home.pk)
    response = put(
        "coordinator",
        cast.home,
        1,
        [
            {"kind": "little_giant", "recognised_on": "2023-07-01", "valid_until": "2026-06-30"},
            {"kind": "high_tech", "recognised_on": "2020-12-01", "valid_until": "2023-11-30"},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    # In QualificationKind's order; an end passed is no longer in force.
    assert body["qualifications"] == [
        {
            "kind": "high_tech",
            "kind_label": "高新技术企业",
            "recognised_on": "2020-12-01",
            "valid_until": "2023-11-30",
            "in_force": datetime.date(2023, 11, 30) >= TODAY,
        },
        {
            "kind": "little_giant",
            "kind_label": "专精特新“小巨人”企业",
            "recognised_on": "2023-07-01",
            "valid_until": "2026-06-30",
            "in_force": datetime.date(2026, 6, 30) >= TODAY,
        },
    ]
    after = Enterprise.objects.get(pk=cast.home.pk)
    assert after.updated_at > before.updated_at  # the policies re-match enterprises changed since
    # Replaced: what is not listed goes, what is listed with new days changes, a new one comes.
    response = put(
        "coordinator",
        cast.home,
        2,
        [
            {"kind": "little_giant", "recognised_on": "2023-07-01", "valid_until": "2029-06-30"},
            {"kind": "gazelle"},
        ],
    )
    assert response.status_code == 200, response.content
    assert held(cast.home) == [
        ("gazelle", None, None),
        ("little_giant", datetime.date(2023, 7, 1), datetime.date(2029, 6, 30)),
    ]
    got = token_client("leader").get(f"/api/v1/enterprises/{cast.home.pk}").json()
    assert [(q["kind"], q["in_force"]) for q in got["qualifications"]] == [
        ("little_giant", True),
        ("gazelle", True),
    ]
    # An empty list removes them all.
    assert put("coordinator", cast.home, 3, []).json()["qualifications"] == []
    assert held(cast.home) == []


def test_each_change_is_audited_on_the_enterprise_and_reads_in_its_history(cast) -> None:
    put("coordinator", cast.home, 1, [{"kind": "high_tech", "recognised_on": "2022-12-01"}])
    put("coordinator", cast.home, 2, [{"kind": "tech_sme", "valid_until": "2099-12-31"}])
    first, second = audit.history(cast.home).filter(action=AuditEntry.Action.UPDATE).order_by("id")
    assert first.changes == {
        "qualifications": [[], [{"kind": "high_tech", "recognised_on": "2022-12-01", "valid_until": None}]]
    }
    assert second.changes["qualifications"][1] == [
        {"kind": "tech_sme", "recognised_on": None, "valid_until": "2099-12-31"}
    ]
    assert (second.actor, second.source, second.object_id) == (cast.coordinator, "api", str(cast.home.pk))
    client = Client()
    client.force_login(cast.coordinator)
    # Days are kept on one line with word joiners (core.display); read without them.
    history = client.get(f"/enterprises/{cast.home.pk}/history").content.decode().replace("\u2060", "")
    assert "高新技术企业（认定日期 2022-12-01）" in history
    assert "科技型中小企业（有效期至 2099-12-31）" in history
    assert "high_tech" not in history


def test_the_same_list_again_changes_nothing(cast) -> None:
    items = [{"kind": "gazelle", "recognised_on": "2024-01-01"}]
    assert put("coordinator", cast.home, 1, items).json()["version"] == 2
    assert put("coordinator", cast.home, 2, items).json()["version"] == 2
    assert audit.history(cast.home).filter(action=AuditEntry.Action.UPDATE).count() == 1


def test_a_bad_row_is_named_by_its_index_and_nothing_is_written(cast) -> None:
    services.qualifications_set(
        actor=cast.coordinator,
        enterprise_id=cast.home.pk,
        expected_version=1,
        items=[QualificationData("gazelle")],
    )
    response = put(
        "coordinator",
        cast.home,
        2,
        [
            {"kind": "high_tech", "recognised_on": "2022-01-01", "valid_until": "2021-12-31"},
            {"kind": "high_tech"},
            {"kind": "national_champion"},
            {"kind": "tech_sme", "recognised_on": (TODAY + DAY).isoformat()},
        ],
    )
    assert response.status_code == 422, response.content
    detail = {tuple(d["loc"]): d["msg"] for d in response.json()["detail"]}
    assert list(detail) == [
        ("body", "qualifications[0]", "valid_until"),
        ("body", "qualifications[1]", "kind"),
        ("body", "qualifications[2]", "kind"),
        ("body", "qualifications[3]", "recognised_on"),
    ]
    assert detail["body", "qualifications[0]", "valid_until"] == "有效期至不能早于认定日期"
    assert detail["body", "qualifications[1]", "kind"] == "高新技术企业重复：每种资质只登记一次"
    assert "“national_champion”不是可选的值" in detail["body", "qualifications[2]", "kind"]
    assert "晚于今天" in detail["body", "qualifications[3]", "recognised_on"]
    assert held(cast.home) == [("gazelle", None, None)]
    assert Enterprise.objects.get(pk=cast.home.pk).version == 2


def test_a_kind_may_be_given_by_its_chinese_label(cast) -> None:
    enterprise = services.qualifications_set(
        actor=cast.coordinator,
        enterprise_id=cast.home.pk,
        expected_version=1,
        items=[QualificationData("专精特新“小巨人”企业", datetime.date(2023, 7, 1))],
        source="command",
    )
    assert enterprise.version == 2 and held(cast.home) == [("little_giant", datetime.date(2023, 7, 1), None)]


def test_a_stale_version_is_a_409_and_writes_nothing(cast) -> None:
    assert put("coordinator", cast.home, 1, [{"kind": "gazelle"}]).status_code == 200
    response = put("coordinator", cast.home, 1, [{"kind": "high_tech"}])
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert held(cast.home) == [("gazelle", None, None)]
    missing = send(token_client("coordinator"), "put", URL.format(cast.home.pk), {"items": []})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "version"]


@pytest.mark.parametrize("username", ["enterprise", "leader", "liaison", "handler"])
def test_who_may_not_edit_the_enterprise_is_refused_403(cast, username: str) -> None:
    response = put(username, cast.home, 1, [{"kind": "gazelle"}])
    assert response.status_code == 403
    assert response.json()["detail"] == services.EDIT_REFUSED
    assert held(cast.home) == [] and Enterprise.objects.get(pk=cast.home.pk).version == 1


def test_out_of_scope_is_404_like_a_missing_enterprise(cast) -> None:
    response = put("outsider", cast.home, 1, [{"kind": "gazelle"}])
    missing = send(token_client("outsider"), "put", URL.format(999999999), {"version": 1, "items": []})
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == missing.json()["detail"]
    assert held(cast.home) == []


def test_page_and_api_refuse_alike(cast) -> None:
    api = ("put", URL.format(cast.home.pk), {"version": 1, "items": [{"kind": "gazelle"}]})
    page = ("post", f"/enterprises/{cast.home.pk}/qualifications", {"version": "1", "kind_0": "gazelle"})
    assert refusals_agree(cast.enterprise_user, page=page, api=api, status=403) == services.EDIT_REFUSED
    refusals_agree(cast.outsider, page=page, api=api, status=404)


def test_the_openapi_lists_the_kinds(cast) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    operation = document["paths"]["/api/v1/enterprises/{enterprise_id}/qualifications"]["put"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/QualificationsIn"
    )
    kinds = schemas["QualificationIn"]["properties"]["kind"]["enum"]
    assert "little_giant" in kinds and len(kinds) == 8
    assert schemas["QualificationKind"]["enum"] == kinds


def test_rows_are_written_one_by_one_and_the_enterprise_is_saved(cast) -> None:
    """The policies app re-matches an enterprise on its own post_save and on its qualifications'
    post_save and post_delete: every change must send them."""
    sent: list[tuple[str, Any]] = []

    def saved(sender: Any, instance: Any, **kwargs: Any) -> None:
        sent.append(("saved", getattr(instance, "kind", "enterprise")))

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        sent.append(("deleted", instance.kind))

    post_save.connect(saved, sender=Qualification, dispatch_uid="test.q.saved")
    post_save.connect(saved, sender=Enterprise, dispatch_uid="test.e.saved")
    post_delete.connect(deleted, sender=Qualification, dispatch_uid="test.q.deleted")
    try:
        services.qualifications_set(
            actor=cast.admin,
            enterprise_id=cast.home.pk,
            expected_version=1,
            items=[QualificationData("gazelle"), QualificationData("high_tech")],
        )
        services.qualifications_set(
            actor=cast.admin,
            enterprise_id=cast.home.pk,
            expected_version=2,
            items=[QualificationData("gazelle", valid_until=TODAY)],
        )
    finally:
        post_save.disconnect(sender=Qualification, dispatch_uid="test.q.saved")
        post_save.disconnect(sender=Enterprise, dispatch_uid="test.e.saved")
        post_delete.disconnect(sender=Qualification, dispatch_uid="test.q.deleted")
    assert sorted(sent[:3]) == [("saved", "enterprise"), ("saved", "gazelle"), ("saved", "high_tech")]
    assert sorted(sent[3:]) == [("deleted", "high_tech"), ("saved", "enterprise"), ("saved", "gazelle")]


def test_the_service_refuses_as_the_api_does(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.qualifications_set(
            actor=cast.enterprise_user, enterprise_id=cast.home.pk, expected_version=1, items=[]
        )
    with pytest.raises(StaleWrite):
        services.qualifications_set(
            actor=cast.coordinator, enterprise_id=cast.home.pk, expected_version=7, items=[]
        )
    with pytest.raises(ValidationFailed) as refused:
        services.qualifications_set(
            actor=cast.coordinator,
            enterprise_id=cast.home.pk,
            expected_version=1,
            items=[QualificationData("")],
        )
    assert [(e.field, e.message) for e in refused.value.errors] == [("qualifications[0].kind", "必填")]


# --- the page ------------------------------------------------------------------------------------


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_them_in_chinese_with_an_expired_one_marked(cast) -> None:
    Qualification.objects.create(
        enterprise=cast.home, kind="little_giant", recognised_on=datetime.date(2023, 7, 1), valid_until=None
    )
    Qualification.objects.create(
        enterprise=cast.home,
        kind="high_tech",
        recognised_on=datetime.date(2019, 12, 2),
        valid_until=TODAY - DAY,
    )
    response = login(cast.leader).get(f"/enterprises/{cast.home.pk}/")
    html = response.content.decode()
    assert "资质认定" in html and "专精特新“小巨人”企业" in html and "高新技术企业" in html
    assert '<span class="date">2023-07-01</span>' in html and '<span class="date">2019-12-02</span>' in html
    assert html.count('data-testid="qualification-expired"') == 1
    assert "已过期" in html
    # A leader reads them; only who may edit the enterprise gets the form.
    assert 'data-testid="qualifications-form"' not in html
    assert response.context["qualifications_form"] is None
    coordinator = login(cast.coordinator).get(f"/enterprises/{cast.home.pk}/")
    assert 'data-testid="qualifications-form"' in coordinator.content.decode()
    # A row per qualification and three empty ones to add.
    assert coordinator.content.decode().count('data-testid="qualification-row"') == 2 + 3


def test_the_page_shows_none_yet(cast) -> None:
    html = login(cast.enterprise_user).get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert "未登记资质认定" in html and 'data-testid="qualifications-form"' not in html


def test_the_form_adds_changes_and_removes_rows(cast) -> None:
    client = login(cast.coordinator)
    response = client.post(
        f"/enterprises/{cast.home.pk}/qualifications",
        {
            "version": "1",
            "kind_0": "little_giant",
            "recognised_on_0": "2023-07-01",
            "valid_until_0": "2026-06-30",
            "kind_2": "gazelle",  # any empty row will do
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{cast.home.pk}/"
    assert held(cast.home) == [
        ("gazelle", None, None),
        ("little_giant", datetime.date(2023, 7, 1), datetime.date(2026, 6, 30)),
    ]
    page = client.get(f"/enterprises/{cast.home.pk}/")
    form = page.context["qualifications_form"]
    assert form.initial["version"] == 2
    assert [form.initial.get(f"kind_{i}") for i in range(5)] == ["little_giant", "gazelle", None, None, None]
    assert 'name="recognised_on_0" value="2023-07-01"' in page.content.decode()
    # Row 0 is removed by choosing no kind; row 1 gets an end.
    response = client.post(
        f"/enterprises/{cast.home.pk}/qualifications",
        {
            "version": "2",
            "kind_0": "",
            "kind_1": "gazelle",
            "valid_until_1": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert held(cast.home) == [("gazelle", None, datetime.date(2027, 1, 1))]
    entry = audit.history(cast.home).filter(action=AuditEntry.Action.UPDATE).order_by("-id").first()
    assert entry is not None and entry.source == "web"


def test_a_refused_row_is_shown_again_with_the_reason_beside_it(cast) -> None:
    client = login(cast.coordinator)
    response = client.post(
        f"/enterprises/{cast.home.pk}/qualifications",
        {
            "version": "1",
            "kind_1": "high_tech",
            "recognised_on_1": "2022-01-01",
            "valid_until_1": "2021-01-01",
            "kind_3": "high_tech",
        },
    )
    assert response.status_code == 200
    form = response.context["qualifications_form"]
    assert form.errors["valid_until_1"] == ["有效期至不能早于认定日期"]
    assert form.errors["kind_3"] == ["高新技术企业重复：每种资质只登记一次"]
    html = response.content.decode()
    assert 'data-field="valid_until_1"' in html
    # The rows as posted, not as stored.
    assert 'name="valid_until_1" value="2021-01-01"' in html
    assert held(cast.home) == []


def test_a_stale_form_is_refused_with_a_message(cast) -> None:
    services.qualifications_set(
        actor=cast.admin, enterprise_id=cast.home.pk, expected_version=1, items=[QualificationData("gazelle")]
    )
    response = login(cast.coordinator).post(
        f"/enterprises/{cast.home.pk}/qualifications", {"version": "1", "kind_0": "high_tech"}
    )
    assert response.status_code == 200
    assert "其他人刚修改了这家企业" in response.content.decode()
    assert held(cast.home) == [("gazelle", None, None)]


def test_the_page_is_in_english_for_an_english_reader(cast) -> None:
    Qualification.objects.create(enterprise=cast.home, kind="gazelle")
    client = login(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get(f"/enterprises/{cast.home.pk}/").status_code == 200
