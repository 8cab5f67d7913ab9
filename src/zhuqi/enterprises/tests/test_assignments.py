from __future__ import annotations

import json

from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.directory.models import Region
from zhuqi.testing.factories import OfficialFactory


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_assign_then_end_through_the_api(cast) -> None:
    official = OfficialFactory(name="韩国武", region=Region.objects.get(pk="150500"))
    client = api(cast.coordinator)
    response = post(
        client,
        f"/api/v1/enterprises/{cast.neighbour.pk}/assignments",
        {"official": official.pk, "kind": "leader", "start_date": "2026-01-01"},
    )
    assert response.status_code == 201, response.content
    assignment = response.json()
    assert assignment["current"] is True and assignment["official_name"] == "韩国武"
    assert (
        post(
            client,
            f"/api/v1/enterprises/{cast.neighbour.pk}/assignments",
            {"official": official.pk, "kind": "leader"},
        ).status_code
        == 422
    )  # already assigned
    ended = post(
        client, f"/api/v1/enterprises/assignments/{assignment['id']}/end", {"end_date": "2026-06-30"}
    )
    assert ended.status_code == 200 and ended.json()["current"] is False
    changes = AuditEntry.objects.filter(content_type__model="assignment", object_id=str(assignment["id"]))
    assert [e.action for e in changes.order_by("id")] == ["create", "update"]


def test_liaison_sees_its_new_enterprise_after_assignment(cast) -> None:
    liaison = api(cast.liaison)
    assert liaison.get(f"/api/v1/enterprises/{cast.neighbour.pk}").status_code == 404
    post(
        api(cast.coordinator),
        f"/api/v1/enterprises/{cast.neighbour.pk}/assignments",
        {"official": cast.liaison.official_id},
    )
    assert liaison.get(f"/api/v1/enterprises/{cast.neighbour.pk}").status_code == 200


def test_others_cannot_assign_or_end(cast) -> None:
    official = OfficialFactory()
    assert (
        post(
            api(cast.leader), f"/api/v1/enterprises/{cast.home.pk}/assignments", {"official": official.pk}
        ).status_code
        == 403
    )
    assert (
        post(
            api(cast.outsider), f"/api/v1/enterprises/{cast.home.pk}/assignments", {"official": official.pk}
        ).status_code
        == 404
    )
    current = cast.home.assignments.get()
    assert (
        post(api(cast.outsider), f"/api/v1/enterprises/assignments/{current.pk}/end", {}).status_code == 404
    )


def test_assign_and_end_on_the_page(cast) -> None:
    official = OfficialFactory(name="张国平")
    client = api(cast.coordinator)
    page = client.get(f"/enterprises/{cast.neighbour.pk}/").content.decode()
    # The official is picked by name or pinyin (the shared picker), not from a list cut at 500.
    assert 'data-testid="assign-official"' in page
    assert f'data-value="{official.pk}"' in client.get("/pick/officials/", {"q": "zgp"}).content.decode()
    response = client.post(
        f"/enterprises/{cast.neighbour.pk}/assignments", {"official": official.pk, "kind": "leader"}
    )
    assert response.status_code == 302
    page = client.get(f"/enterprises/{cast.neighbour.pk}/").content.decode()
    assert "包联领导" in page
    assignment = cast.neighbour.assignments.get()
    client.post(f"/enterprises/assignments/{assignment.pk}/end")
    assignment.refresh_from_db()
    assert assignment.end_date is not None


def test_officials_api_lists_current_posts_in_scope(cast) -> None:
    from zhuqi.testing.factories import DepartmentFactory, PostFactory

    person = OfficialFactory(name="孟宪东", region=Region.objects.get(pk="150500"))
    PostFactory(
        official=person, department=DepartmentFactory(region=person.region, name="通辽市委"), title="书记"
    )
    body = api(cast.leader).get("/api/v1/officials", {"q": "孟"}).json()
    assert body["items"][0]["title"] == "通辽市委书记"
    assert api(cast.outsider).get("/api/v1/officials", {"q": "孟"}).json()["count"] == 0
    assert api(cast.enterprise_user).get("/api/v1/officials").json()["count"] == 0


def test_an_official_of_another_region_cannot_be_assigned(cast) -> None:
    stranger = OfficialFactory(name="宋诚", region=Region.objects.get(pk="211200"))
    client = api(cast.coordinator)
    response = post(client, f"/api/v1/enterprises/{cast.neighbour.pk}/assignments", {"official": stranger.pk})
    missing = post(client, f"/api/v1/enterprises/{cast.neighbour.pk}/assignments", {"official": 999999})
    assert response.status_code == missing.status_code == 422
    assert response.json()["detail"] == missing.json()["detail"]


def test_an_ended_assignment_cannot_be_reopened(cast) -> None:
    current = cast.home.assignments.get()
    client = api(cast.coordinator)
    url = f"/api/v1/enterprises/assignments/{current.pk}/end"
    assert post(client, url, {"end_date": "2026-12-31"}).status_code == 200
    assert post(client, url, {"end_date": "2027-06-30"}).status_code == 422
    assert post(client, url, {}).status_code == 200  # bringing the end forward is fine
