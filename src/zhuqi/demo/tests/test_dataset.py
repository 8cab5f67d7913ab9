from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.demo import dataset
from zhuqi.directory.models import Official
from zhuqi.enterprises.models import Enterprise


@pytest.fixture
def demo(db) -> None:
    dataset.load()


def test_the_reports_people_and_enterprises_are_there(demo) -> None:
    assert Official.objects.get(name="孟宪东").title == "内蒙古自治区党委常委、通辽市委书记"
    for name in ("联晟新材料有限公司", "辽宁北祥重工机械制造有限公司", "大同瑞铖钢结构有限公司"):
        assert Enterprise.objects.filter(name=name).exists(), name
    assert Enterprise.objects.count() > 300


def test_every_demo_account_logs_in_and_sees_its_scope(demo) -> None:
    seen = {}
    for username in dataset.DEMO_USERNAMES:
        client = Client()
        assert client.login(username=username, password="demo"), username
        seen[username] = client.get("/api/v1/enterprises").json()["count"]
    assert seen["demo-admin"] == Enterprise.objects.count()
    assert 0 < seen["demo-coordinator"] < seen["demo-leader"] < seen["demo-admin"]
    assert seen["demo-enterprise"] == 1
    assert 0 < seen["demo-liaison"] <= 10


def test_loading_twice_is_refused(demo) -> None:
    with pytest.raises(RuntimeError):
        dataset.load()
