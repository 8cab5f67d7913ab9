"""The delivering department's list as an import: new deliveries created and old ones moved
forward through the services; a bad cell names its row and column and nothing is written."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.core.models import AuditEntry
from zhuqi.policies import matching, services
from zhuqi.policies.importing import import_deliveries
from zhuqi.policies.models import Delivery, DeliveryStatus, Policy
from zhuqi.policies.services import PolicyData
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import Cast

pytestmark = pytest.mark.django_db

HEADER = [
    "政策文号",
    "统一社会信用代码",
    "企业名称",
    "兑现状态",
    "申报日期",
    "兑现日期",
    "兑现金额(万元)",
    "未通过原因",
]


def _policy(cast: Cast) -> Policy:
    policy = services.policy_create(
        actor=cast.coordinator,
        data=PolicyData(
            title="工业企业稳产补助",
            issuer="霍林郭勒市人民政府",
            document_number="霍政发〔2022〕9号",
            region_code="150581",
            category="industry",
            benefit="补助",
            department_id=cast.handler.department_id,
            published_on=timezone.localdate() - datetime.timedelta(days=60),
            amount_cap="50",
            status="published",
        ),
    )
    matching.rematch_policy(policy)
    return policy


def _xlsx(rows: list[list[Any]], path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def test_the_list_creates_and_moves_deliveries_forward(cast: Cast, tmp_path: Path) -> None:
    policy = _policy(cast)
    services.deliveries_notify(
        actor=cast.coordinator, policy_id=policy.pk, enterprise_ids=[cast.neighbour.pk]
    )
    day = timezone.localdate() - datetime.timedelta(days=3)
    path = _xlsx(
        [
            # Written as people type it: brackets of any kind, a date cell, an amount as text.
            [
                "霍政发[2022]9号",
                cast.home.uscc,
                "",
                "已兑现",
                day - datetime.timedelta(days=5),
                day,
                "12.5",
                "",
            ],
            ["霍政发〔2022〕9号", "", cast.neighbour.name, "未通过", None, None, None, "材料不全"],
        ],
        tmp_path / "兑现台账.xlsx",
    )
    with path.open("rb") as stream:
        report = import_deliveries(actor=cast.handler, stream=stream, filename=path.name)
    assert report.errors == [] and (report.created, report.updated) == (1, 1)
    home = Delivery.objects.get(policy=policy, enterprise=cast.home)
    assert (
        home.status == DeliveryStatus.GRANTED
        and home.granted_amount == Decimal("12.50")
        and home.granted_on == day
    )
    assert home.applied_on == day - datetime.timedelta(days=5)
    neighbour = Delivery.objects.get(policy=policy, enterprise=cast.neighbour)
    assert neighbour.status == DeliveryStatus.REFUSED and neighbour.refusal_reason == "材料不全"
    assert AuditEntry.objects.filter(source="import").count() >= 4


def test_a_bad_cell_is_named_and_nothing_is_written(cast: Cast, tmp_path: Path) -> None:
    policy = _policy(cast)
    path = _xlsx(
        [
            ["霍政发〔2022〕9号", cast.home.uscc, "", "已兑现", None, None, "80", ""],  # above the cap
            ["霍政发〔2022〕99号", cast.neighbour.uscc, "", "已告知", None, None, None, ""],  # no such policy
            ["霍政发〔2022〕9号", cast.datong.uscc, "", "已告知", None, None, None, ""],  # out of scope
            ["霍政发〔2022〕9号", cast.neighbour.uscc, "", "发了", None, None, None, ""],  # no such state
        ],
        tmp_path / "bad.xlsx",
    )
    with path.open("rb") as stream:
        report = import_deliveries(actor=cast.coordinator, stream=stream, filename=path.name)
    found = {(e.row, e.column) for e in report.errors}
    assert {(2, "兑现金额(万元)"), (3, "政策文号"), (4, "统一社会信用代码"), (5, "兑现状态")} <= found
    assert not Delivery.objects.filter(policy=policy).exists()


def test_the_api_and_the_page_take_the_file(cast: Cast, tmp_path: Path) -> None:
    policy = _policy(cast)
    path = _xlsx(
        [["霍政发〔2022〕9号", cast.home.uscc, "", "已告知", None, None, None, ""]], tmp_path / "a.xlsx"
    )
    client = token_client("coordinator")
    with path.open("rb") as stream:
        answer = client.post("/api/v1/deliveries/import", {"file": stream})
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 1
    bad = _xlsx(
        [["霍政发〔2022〕9号", cast.neighbour.uscc, "", "已兑现", None, None, "99", ""]], tmp_path / "b.xlsx"
    )
    with bad.open("rb") as stream:
        refused = client.post("/api/v1/deliveries/import", {"file": stream})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "file", "2", "兑现金额(万元)"]
    page = Client()
    page.force_login(cast.coordinator)
    buffer = io.BytesIO(b"\xe6\x94\xbf\xe7\xad\x96,\xe4\xbc\x81\xe4\xb8\x9a\n")  # 政策,企业: headers only
    buffer.name = "empty.csv"
    shown = page.post("/policies/deliveries/import", {"file": buffer}, follow=True).content.decode()
    assert "已导入 0 行" in shown
    assert Delivery.objects.filter(policy=policy).count() == 1
