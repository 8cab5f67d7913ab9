"""/api/v1/assignments: the list with the month's standing, the duty, the coverage figures."""

from __future__ import annotations

from typing import Any

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.core.models import AuditEntry
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, PostFactory
from zhuqi.visits.models import Visit
from zhuqi.visits.tests.scene import Scene


def test_the_list_with_the_months_standing(scene: Scene, django_assert_max_num_queries: Any) -> None:
    cast = scene.cast
    coordinator = token_client("coordinator")
    with django_assert_max_num_queries(12):
        listed = coordinator.get("/api/v1/assignments?month=2026-06").json()
    assert listed["count"] == 2  # Huolinguole's two; the Horqin and Datong ones are outside
    items = {item["enterprise"]: item for item in listed["items"]}
    home = items[cast.home.pk]
    assert (home["visits"], home["calls"], home["on_target"]) == (1, 1, True)
    assert home["last_visit_date"] == "2026-06-10" and home["visits_per_month"] == 1
    assert home["official_name"] == "王强" and home["month"] == "2026-06"
    assert items[cast.neighbour.pk]["on_target"] is False
    admin = token_client("admin")
    mine = admin.get(f"/api/v1/assignments?month=2026-06&official={scene.li.pk}").json()
    assert {i["enterprise"] for i in mine["items"]} == {cast.tongliao.pk, cast.datong.pk}
    one = admin.get(f"/api/v1/assignments?month=2026-06&enterprise={cast.datong.pk}").json()
    assert [(i["visits"], i["calls"], i["on_target"]) for i in one["items"]] == [(1, 1, True)]
    assert admin.get("/api/v1/assignments?month=2026-01").json()["count"] == 4
    bad = admin.get("/api/v1/assignments?month=June")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "month"]


def test_the_duty_is_set_and_bad_input_named(scene: Scene) -> None:
    assignment = scene.assignments["home"]
    coordinator = token_client("coordinator")
    url = f"/api/v1/assignments/{assignment.pk}/duty"
    done = send(coordinator, "put", url, {"visits_per_month": 2, "calls_per_month": 4})
    assert done.status_code == 200, done.content
    assert done.json() == {"id": assignment.pk, "visits_per_month": 2, "calls_per_month": 4}
    too_many = send(coordinator, "put", url, {"visits_per_month": 32, "calls_per_month": 1})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["body", "visits_per_month"]
    not_a_number = send(coordinator, "put", url, {"visits_per_month": 1, "calls_per_month": "often"})
    assert not_a_number.status_code == 422
    assert not_a_number.json()["detail"][0]["loc"] == ["body", "calls_per_month"]
    assignment.refresh_from_db()
    assert (assignment.visits_per_month, assignment.calls_per_month) == (2, 4)
    assert AuditEntry.objects.filter(action="update", object_id=str(assignment.pk)).count() == 1
    datong = scene.assignments["datong"]
    assert (
        send(
            coordinator,
            "put",
            f"/api/v1/assignments/{datong.pk}/duty",
            {"visits_per_month": 2, "calls_per_month": 2},
        ).status_code
        == 404
    )
    liaison = token_client("liaison")
    assert send(liaison, "put", url, {"visits_per_month": 0, "calls_per_month": 0}).status_code == 403
    # The month's standing reads the new duty: one visit is no longer enough.
    home = scene.cast.home.pk
    items = coordinator.get(f"/api/v1/assignments?month=2026-06&enterprise={home}").json()["items"]
    assert items[0]["on_target"] is False


def test_coverage_figures(scene: Scene) -> None:
    leader = token_client("leader")
    figures = leader.get("/api/v1/assignments/coverage?month=2026-06&by=region").json()
    assert figures["month"] == "2026-06" and figures["reference_date"] == "2026-06-30"
    rows = {row["name"]: row for row in figures["rows"]}
    assert set(rows) == {"霍林郭勒市", "科尔沁区"}
    assert rows["霍林郭勒市"]["on_target_share"] == 50.0 and rows["科尔沁区"]["quiet_enterprises"] == 1
    assert figures["total"]["assignments"] == 3 and "on_target" in figures["definitions"]
    by_department = token_client("admin").get("/api/v1/assignments/coverage?month=2026-06").json()
    assert by_department["by"] == "department" and by_department["total"]["visits_per_official"] == 1.5
    bad = leader.get("/api/v1/assignments/coverage?month=2026-06&by=chain")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "by"]
    assert token_client("liaison").get("/api/v1/assignments/coverage").status_code == 403


def test_the_visits_api_refuses_no_problems_with_demands(cast: Cast) -> None:
    PostFactory(official=cast.liaison.official, title="驻企联络员")
    category = CaseCategory.objects.get(name="融资", parent=None)
    body = {
        "kind": "liaison",
        "title": "走访联晟新材料",
        "start_date": "2026-06-10",
        "lead_officials": [cast.liaison.official_id],
        "enterprises": [{"enterprise": cast.home.pk}],
        "no_problems": True,
        "cases": [{"kind": "demand", "title": "贷款难", "category": category.pk, "enterprise": cast.home.pk}],
    }
    refused = send(token_client("liaison"), "post", "/api/v1/visits", body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "no_problems"]
    assert not Visit.objects.exists() and not Case.objects.exists()
