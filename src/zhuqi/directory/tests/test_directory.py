from __future__ import annotations

import datetime

import pytest
from django.test import Client

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.scoping import region_subtree_q
from zhuqi.directory import services
from zhuqi.directory.models import Industry, Official, Region
from zhuqi.testing.factories import DepartmentFactory


def test_the_shipped_regions_cover_the_country(db) -> None:
    assert Region.objects.filter(level="province").count() == 31
    assert Region.objects.get(pk="150581").parent.parent.name == "内蒙古自治区"
    assert Region.objects.filter(region_subtree_q("code", "150500")).count() == 9  # 通辽 + 8 counties


def test_the_shipped_industries_have_all_four_levels(db) -> None:
    assert Industry.objects.get(pk="3252").name == "铝压延加工"
    assert Industry.objects.get(pk="3252").section == "C"
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="class").count() >= 1380


def test_loading_again_changes_nothing(db) -> None:
    report = services.load_regions()
    assert report.created == report.updated == 0


def test_one_official_holds_two_posts(db) -> None:
    official = services.official_create(actor=None, region=Region.objects.get(pk="150500"), name="孟宪东")
    party = DepartmentFactory(region=Region.objects.get(pk="150000"), name="自治区党委")
    city = DepartmentFactory(region=Region.objects.get(pk="150500"), name="通辽市委")
    services.post_create(actor=None, official=official, department=party, title="常委", order=0)
    services.post_create(actor=None, official=official, department=city, title="书记", order=1)
    services.post_create(
        actor=None,
        official=official,
        department=city,
        title="副书记",
        order=2,
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2016, 1, 1),
    )
    assert Official.objects.get(pk=official.pk).title == "自治区党委常委、通辽市委书记"


def test_a_post_cannot_end_before_it_starts(db) -> None:
    official = services.official_create(actor=None, region=Region.objects.get(pk="150500"), name="某人")
    with pytest.raises(ValidationFailed):
        services.post_create(
            actor=None,
            official=official,
            department=DepartmentFactory(),
            title="局长",
            start_date=datetime.date(2020, 1, 2),
            end_date=datetime.date(2020, 1, 1),
        )


def test_a_region_scoped_account_needs_its_region(db) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(actor=None, username="x", password="pw-long-enough", role="leader")
    assert caught.value.errors[0].field == "region"


def test_region_api_lists_children(cast) -> None:
    client = Client()
    client.force_login(cast.leader)
    children = client.get("/api/v1/regions", {"parent": "150500"}).json()
    assert "150581" in [r["code"] for r in children]


def _post(client: Client, url: str, body: dict) -> object:
    import json

    return client.post(url, json.dumps(body), content_type="application/json")


def test_coordinator_keeps_the_directory_of_their_jurisdiction(cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    department = _post(
        client, "/api/v1/departments", {"region": "150581", "name": "霍林郭勒市发展和改革委员会"}
    )
    assert department.status_code == 201, department.content
    official = _post(client, "/api/v1/officials", {"region": "150581", "name": "王强"})
    assert official.status_code == 201
    post = _post(
        client,
        f"/api/v1/officials/{official.json()['id']}/posts",
        {"department": department.json()["id"], "title": "主任"},
    )
    assert post.status_code == 201 and post.json()["title"] == "霍林郭勒市发展和改革委员会主任"
    outside = _post(client, "/api/v1/officials", {"region": "140200", "name": "外地干部"})
    assert outside.status_code == 422 and outside.json()["detail"][0]["loc"] == ["body", "region"]
    leader = Client()
    leader.force_login(cast.leader)
    assert _post(leader, "/api/v1/officials", {"region": "150581", "name": "某人"}).status_code == 403
    from zhuqi.core.models import AuditEntry

    assert AuditEntry.objects.filter(content_type__model="post", actor=cast.coordinator).count() == 1


def test_createuser_names_the_missing_scope_in_chinese(db) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(actor=None, username="lead2", password="pw-long-enough", role="leader")
    assert caught.value.errors[0].message == "角色“领导”必须指定管辖区域"


def test_the_departments_are_sent_as_the_validated_serializer_sent(cast, django_assert_num_queries) -> None:
    from zhuqi.directory import api, selectors
    from zhuqi.testing.api import token_client, validated_items

    DepartmentFactory(name="霍林郭勒市工信局", short_name="工信局")
    client = token_client("coordinator")
    client.get("/api/v1/departments")  # the token's use noted: not again within the minute
    with django_assert_num_queries(2):  # the token, the page (not full: no count)
        body = client.get("/api/v1/departments", {"page_size": 500}).json()
    queryset = selectors.department_queryset(user=cast.coordinator).order_by("region_id", "name")
    expected = validated_items(api.DepartmentOut, api._department_json, queryset)
    assert len(expected) >= 2 and body == {"items": expected, "count": len(expected), "count_capped": False}
