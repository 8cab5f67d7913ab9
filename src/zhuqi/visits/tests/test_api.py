"""The visits API: a visit created with its instructions and demands in one request."""

from __future__ import annotations

import datetime

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.projects import services as project_services
from zhuqi.projects.services import ProjectData
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits.models import Visit


def test_a_visit_with_its_cases_in_one_request(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    finance = CaseCategory.objects.get(name="融资", parent=None)
    coordinator = token_client("coordinator")
    body = {
        "kind": "symposium",
        "title": "霍林郭勒市中小微企业座谈会",
        "start_date": "2026-06-21",
        "lead_officials": [secretary.pk],
        "places": ["150581"],
        "enterprises": [{"enterprise": cast.home.pk, "opinions": "融资难", "policies_unknown": "留抵退税"}],
        "cases": [
            {
                "kind": "demand",
                "title": "流动资金贷款续贷难",
                "category": finance.pk,
                "enterprise": cast.home.pk,
            },
            {"kind": "instruction", "title": "梳理惠企政策清单，送政策上门", "category": finance.pk},
        ],
    }
    created = send(coordinator, "post", "/api/v1/visits", body)
    assert created.status_code == 201, created.content
    visit = created.json()
    assert [c["kind"] for c in visit["cases"]] == ["demand", "instruction"]
    assert visit["officials"][0]["posts"] == "通辽市委书记"
    assert visit["enterprises"][0]["policies_unknown"] == "留抵退税"
    listed = coordinator.get(f"/api/v1/visits?official={secretary.pk}&kind=symposium").json()
    assert [item["id"] for item in listed["items"]] == [visit["id"]]
    assert coordinator.get(f"/api/v1/visits?enterprise={cast.neighbour.pk}").json()["count"] == 0

    # A demand for an enterprise that was not there: refused by position, nothing written.
    bad = dict(
        body,
        cases=[{"kind": "demand", "title": "x", "category": finance.pk, "enterprise": cast.neighbour.pk}],
    )
    refused = send(coordinator, "post", "/api/v1/visits", bad)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "cases", "1", "enterprise"]
    ended_early = send(coordinator, "post", "/api/v1/visits", dict(body, end_date="2026-06-20", cases=[]))
    assert ended_early.json()["detail"][0]["loc"] == ["body", "end_date"]
    assert Visit.objects.count() == 1 and Case.objects.count() == 2
    assert token_client("outsider").get(f"/api/v1/visits/{visit['id']}").status_code == 404
    assert datetime.date.fromisoformat(visit["end_date"]) == datetime.date(2026, 6, 21)


def test_a_visit_is_corrected_through_the_api(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    coordinator = token_client("coordinator")
    body = {
        "kind": "inspection",
        "title": "调研",
        "start_date": "2026-06-21",
        "lead_officials": [secretary.pk],
        "enterprises": [{"enterprise": cast.home.pk}],
    }
    visit = send(coordinator, "post", "/api/v1/visits", body).json()
    assert visit["version"] == 1 and visit["region"] == "150581"  # from the enterprise visited
    changed = send(
        coordinator,
        "put",
        f"/api/v1/visits/{visit['id']}",
        dict(body, title="孟宪东到联晟新材料调研", summary="察看生产线", version=1),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "孟宪东到联晟新材料调研" and changed.json()["version"] == 2
    stale = send(coordinator, "put", f"/api/v1/visits/{visit['id']}", dict(body, version=1))
    assert stale.status_code == 409
    missing = send(coordinator, "put", f"/api/v1/visits/{visit['id']}", body)
    assert missing.status_code == 422
    leader = send(token_client("leader"), "put", f"/api/v1/visits/{visit['id']}", dict(body, version=2))
    assert leader.status_code == 403
    assert Visit.objects.get().title == "孟宪东到联晟新材料调研"


def test_the_list_filters_by_project_region_and_dates(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    project = project_services.project_create(
        actor=cast.coordinator,
        data=ProjectData(
            name="联晟新材料高端铝箔项目",
            region_code="150581",
            total_investment="120000",
            owner_id=cast.home.pk,
        ),
    )
    coordinator = token_client("coordinator")
    base = {"kind": "inspection", "lead_officials": [secretary.pk], "places": ["150581"]}
    at_project = send(
        coordinator,
        "post",
        "/api/v1/visits",
        dict(base, title="察看铝箔项目", start_date="2026-06-10", projects=[project.pk]),
    ).json()
    in_july = send(
        coordinator, "post", "/api/v1/visits", dict(base, title="七月调研", start_date="2026-07-02")
    ).json()

    def ids(query: str) -> list[int]:
        return [item["id"] for item in coordinator.get(f"/api/v1/visits?{query}").json()["items"]]

    assert ids(f"project={project.pk}") == [at_project["id"]]
    assert ids("region=150581") == [in_july["id"], at_project["id"]]
    assert ids("region=150502") == []
    assert ids("start=2026-07-01") == [in_july["id"]]
    assert ids("end=2026-06-30") == [at_project["id"]]
    assert coordinator.get("/api/v1/visits?start=2026-07-40").status_code == 422
