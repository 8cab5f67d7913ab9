"""The task forces API as a client uses it: a task force set up with its leaders, a campaign over
two enterprises, reports (refused naming the value, corrected with the version read), the board,
one enterprise's history; who sees what, and the refusals naming their field or parameter."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import models
from django.test import Client
from ninja import Schema

from zhuqi.api import api
from zhuqi.cases.models import Case, Urgency
from zhuqi.policies.models import Channel as PolicyChannel
from zhuqi.taskforces.models import Campaign, CampaignEnterprise, CampaignReport, Channel, TaskForce
from zhuqi.taskforces.tests import scene
from zhuqi.testing.api import send, token_client
from zhuqi.testing.factories import Cast, EnterpriseFactory, OfficialFactory

pytestmark = pytest.mark.django_db


def _locs(response: Any) -> set[tuple[Any, ...]]:
    return {tuple(d["loc"]) for d in response.json()["detail"]}


def _task_force(client: Client, cast: Cast, **overrides: Any) -> Any:
    leader = OfficialFactory(name="卢东亮")
    deputy = OfficialFactory(name="王明厚")
    body = {
        "name": "企业复工复产工作专班",
        "purpose": "深入一线服务企业，问题日清日结",
        "region": "150581",
        "lead_department": cast.handler.department_id,
        "starts_on": str(scene.today() - datetime.timedelta(days=30)),
        "members": [
            {"role": "leader", "official": leader.pk, "title": "市委副书记、市长"},
            {"role": "deputy", "official": deputy.pk, "title": "副市长"},
            {"role": "member", "department": cast.handler.department_id},
        ],
        **overrides,
    }
    return send(client, "post", "/api/v1/task-forces", body)


def _campaign(client: Client, task_force_id: int, **overrides: Any) -> Any:
    body = {
        "task_force": task_force_id,
        "name": "复工复产专项行动",
        "kind": "resumption",
        "starts_on": str(scene.today() - datetime.timedelta(days=3)),
        "due_days": 1,
        "same_day": True,
        **overrides,
    }
    return send(client, "post", "/api/v1/campaigns", body)


def _report(client: Client, campaign_id: int, enterprise_id: int, values: dict[str, Any], **more: Any) -> Any:
    body = {"enterprise": enterprise_id, "period": str(scene.today()), "values": values, **more}
    return send(client, "post", f"/api/v1/campaigns/{campaign_id}/reports", body)


def test_a_task_force_with_its_leaders_and_a_version_checked_change(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    created = _task_force(coordinator, cast)
    assert created.status_code == 201, created.content
    force = created.json()
    assert [
        (m["role"], m["role_label"], m["official_name"], m["title"], m["department_name"])
        for m in force["members"]
    ] == [
        ("leader", "组长", "卢东亮", "市委副书记、市长", ""),
        ("deputy", "副组长", "王明厚", "副市长", ""),
        ("member", "成员", "", "", "霍林郭勒市工业和信息化局"),
    ]
    assert (force["region_name"], force["status"], force["status_label"], force["version"]) == (
        "霍林郭勒市",
        "active",
        "运行中",
        1,
    )
    assert force["lead_department_name"] == "霍林郭勒市工业和信息化局" and force["campaigns"] == []

    changed = send(
        coordinator,
        "put",
        f"/api/v1/task-forces/{force['id']}",
        {
            "name": "复工复产专班",
            "region": "150581",
            "starts_on": force["starts_on"],
            "members": [force["members"][0] | {"official": force["members"][0]["official"]}],
            "version": 1,
        },
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["version"], len(changed.json()["members"])) == (
        "复工复产专班",
        2,
        1,
    )
    stale = send(
        coordinator,
        "put",
        f"/api/v1/task-forces/{force['id']}",
        {"name": "又改", "region": "150581", "starts_on": force["starts_on"], "version": 1},
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert TaskForce.objects.get().name == "复工复产专班"

    listed = coordinator.get(
        "/api/v1/task-forces", {"q": "复工", "region": "150500", "status": "active"}
    ).json()
    assert [item["id"] for item in listed["items"]] == [force["id"]]
    assert coordinator.get("/api/v1/task-forces", {"status": "dissolved"}).json()["count"] == 0


def test_a_task_force_refused_naming_its_fields(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    bad = _task_force(
        coordinator,
        cast,
        region="140200",
        members=[{"role": "member", "department": cast.handler.department_id}, {"role": "boss"}],
    )
    assert bad.status_code == 422
    # Members without a 组长 are refused as a whole, and each member as itself.
    assert _locs(bad) == {
        ("body", "region"),
        ("body", "members"),
        ("body", "members[1]", "role"),
        ("body", "members[1]"),
    }
    assert _task_force(token_client("handler"), cast).status_code == 403
    assert not TaskForce.objects.exists()


def test_a_campaign_its_enterprises_reports_board_and_history(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    force = _task_force(coordinator, cast).json()
    created = _campaign(coordinator, force["id"])
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert (campaign["kind_label"], campaign["cadence"], campaign["done_rate_name"]) == (
        "复工复产",
        "daily",
        "复工率",
    )
    assert [f["key"] for f in campaign["report_form"]][:3] == ["status", "staff_present", "staff_expected"]
    # Four days so far, newest first, each due the next day at 18:00 Beijing time.
    periods = campaign["periods"]
    assert [p["key"] for p in periods] == [str(scene.today() - datetime.timedelta(days=n)) for n in range(4)]
    assert periods[0]["deadline"].startswith(str(scene.today() + datetime.timedelta(days=1)))
    assert periods[0]["label"] == f"{scene.today().year}年{scene.today().month}月{scene.today().day}日"
    assert campaign["enrolled"] == 0

    enrolled = send(
        coordinator,
        "post",
        f"/api/v1/campaigns/{campaign['id']}/enterprises",
        {"enterprises": [cast.home.pk, cast.neighbour.pk], "department": cast.handler.department_id},
    )
    assert enrolled.status_code == 201, enrolled.content
    assert enrolled.json() == {"added": 2, "enrolled": 2}
    again = send(
        coordinator,
        "post",
        f"/api/v1/campaigns/{campaign['id']}/enterprises",
        {"enterprises": [cast.home.pk]},
    )
    assert again.json() == {"added": 0, "enrolled": 2}

    # The enterprise reports itself; a value outside the form's bounds is refused by name.
    enterprise = token_client("enterprise")
    refused = _report(enterprise, campaign["id"], cast.home.pk, {"status": "全面复工", "capacity": 180})
    assert refused.status_code == 422
    assert _locs(refused) == {("body", "values", "capacity")}
    reported = _report(
        enterprise,
        campaign["id"],
        cast.home.pk,
        {
            "status": "部分复工",
            "staff_present": 80,
            "capacity": "60",
            "output": "300",
            "difficulty": "原料运输受阻",
        },
    )
    assert reported.status_code == 201, reported.content
    report = reported.json()
    assert (report["status_value"], report["staff_present"], report["capacity"], report["channel"]) == (
        "部分复工",
        80,
        "60.00",
        "enterprise",
    )
    assert (report["channel_label"], report["late"], report["period"]) == (
        "企业自报",
        False,
        str(scene.today()),
    )
    case = Case.objects.get(pk=report["case"])
    assert case.urgency == Urgency.SAME_DAY
    twice = _report(enterprise, campaign["id"], cast.home.pk, {"status": "全面复工"})
    assert twice.status_code == 422 and _locs(twice) == {("body", "period")}
    stale = _report(
        enterprise, campaign["id"], cast.home.pk, {"status": "全面复工"}, correction=True, version=5
    )
    assert stale.status_code == 409
    corrected = _report(
        enterprise,
        campaign["id"],
        cast.home.pk,
        {"status": "全面复工", "difficulty": "原料运输受阻"},
        correction=True,
        version=1,
    )
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["id"], corrected.json()["corrections"], corrected.json()["version"]) == (
        report["id"],
        1,
        2,
    )
    assert corrected.json()["case"] == report["case"]  # the same difficulty: no second case
    # The office reports for the neighbour, a day late.
    late_day = str(scene.today() - datetime.timedelta(days=2))
    late = _report(coordinator, campaign["id"], cast.neighbour.pk, {"status": "未复工"}, period=late_day)
    assert late.status_code == 201 and late.json()["late"] and late.json()["channel"] == "office"

    enterprises = coordinator.get(f"/api/v1/campaigns/{campaign['id']}/enterprises").json()
    assert enterprises["count"] == 2
    last = {item["enterprise_name"]: item["last_report"] for item in enterprises["items"]}
    assert (last["联晟新材料有限公司"]["period"], last["联晟新材料有限公司"]["status_value"]) == (
        str(scene.today()),
        "全面复工",
    )
    assert (last["锦联铝材有限公司"]["period"], last["锦联铝材有限公司"]["late"]) == (late_day, True)
    unreported = coordinator.get(
        f"/api/v1/campaigns/{campaign['id']}/enterprises", {"unreported": str(scene.today())}
    ).json()
    assert [item["enterprise"] for item in unreported["items"]] == [cast.neighbour.pk]

    reports_url = f"/api/v1/campaigns/{campaign['id']}/reports"
    everything = coordinator.get(reports_url).json()
    assert [item["period"] for item in everything["items"]] == [str(scene.today()), late_day]
    assert (
        coordinator.get(reports_url, {"late": "true"}).json()["items"][0]["enterprise"] == cast.neighbour.pk
    )
    assert coordinator.get(reports_url, {"status_value": "全面复工"}).json()["count"] == 1
    assert coordinator.get(reports_url, {"period": late_day}).json()["count"] == 1
    assert (
        coordinator.get(reports_url, {"enterprise": cast.home.pk, "difficulty": "true"}).json()["count"] == 1
    )
    assert coordinator.get(reports_url, {"corrected": "true"}).json()["count"] == 1

    detail = coordinator.get(f"/api/v1/campaigns/{campaign['id']}").json()
    # Enrolled by each period's last day, as the board's trend counts them: both joined today.
    assert [(p["reported"], p["enrolled"]) for p in detail["periods"]] == [(1, 2), (0, 0), (1, 0), (0, 0)]

    board = coordinator.get(f"/api/v1/campaigns/{campaign['id']}/figures").json()
    assert board["period"] == str(scene.today()) and board["done_rate_name"] == "复工率"
    total = board["total"]
    assert (total["enrolled"], total["reported"], total["missing"], total["done"], total["done_rate"]) == (
        2,
        1,
        1,
        1,
        "50.0",
    )
    assert total["statuses"] == {"未复工": 0, "部分复工": 0, "全面复工": 1}
    assert (total["open_cases"], total["same_day_open"]) == (1, 1)
    assert [row["label"] for row in board["rows"]] == ["本级"]
    assert len(board["trend"]) == 4 and board["trend"][1]["late"] == 1
    assert set(board["definitions"]) >= {"done_rate", "staffing_rate", "capacity_rate", "late", "missing"}
    by_department = coordinator.get(
        f"/api/v1/campaigns/{campaign['id']}/figures", {"period": late_day, "by": "department"}
    ).json()
    assert [(row["label"], row["reported"], row["late"]) for row in by_department["rows"]] == [
        ("霍林郭勒市工业和信息化局", 1, 1)
    ]

    history = coordinator.get(f"/api/v1/campaigns/{campaign['id']}/enterprises/{cast.home.pk}/history").json()
    assert [(item["period"], item["status_value"]) for item in history["items"]] == [
        (str(scene.today()), "全面复工")
    ]

    # Taken out, an enterprise keeps its history.
    out = coordinator.delete(f"/api/v1/campaigns/{campaign['id']}/enterprises/{cast.home.pk}")
    assert out.status_code == 204
    assert not CampaignEnterprise.objects.filter(enterprise=cast.home).exists()
    assert (
        coordinator.get(f"/api/v1/campaigns/{campaign['id']}/enterprises/{cast.home.pk}/history").json()[
            "count"
        ]
        == 1
    )
    assert (
        coordinator.delete(f"/api/v1/campaigns/{campaign['id']}/enterprises/{cast.home.pk}").status_code
        == 404
    )
    other = EnterpriseFactory(region=cast.home.region)
    assert (
        coordinator.get(f"/api/v1/campaigns/{campaign['id']}/enterprises/{other.pk}/history").status_code
        == 404
    )

    # The task force's page lists its campaign.
    force_detail = coordinator.get(f"/api/v1/task-forces/{force['id']}").json()
    assert [c["name"] for c in force_detail["campaigns"]] == ["复工复产专项行动"]


def test_a_campaign_changed_with_the_version_read(cast: Cast) -> None:
    made = scene.campaign(cast)
    coordinator = token_client("coordinator")
    body = {
        "task_force": made.task_force_id,
        "name": "复工复产“百日攻坚”行动",
        "kind": "resumption",
        "starts_on": str(made.starts_on),
        "due_time": "20:00",
        "version": 1,
    }
    changed = send(coordinator, "put", f"/api/v1/campaigns/{made.pk}", body)
    assert changed.status_code == 200, changed.content
    campaign = changed.json()
    assert (campaign["name"], campaign["due_time"], campaign["version"]) == (
        "复工复产“百日攻坚”行动",
        "20:00",
        2,
    )
    # The form left out stays as it was.
    assert campaign["report_form"] == Campaign.objects.get().report_form
    assert send(coordinator, "put", f"/api/v1/campaigns/{made.pk}", body).status_code == 409
    offset = send(
        coordinator, "put", f"/api/v1/campaigns/{made.pk}", body | {"due_time": "20:00+08:00", "version": 2}
    )
    assert offset.status_code == 422 and _locs(offset) == {("body", "due_time")}
    bad_form = send(
        coordinator,
        "put",
        f"/api/v1/campaigns/{made.pk}",
        body
        | {
            "version": 2,
            "report_form": [{"key": "n", "label": "人数", "kind": "integer", "min": 5, "max": 1}],
        },
    )
    assert bad_form.status_code == 422 and _locs(bad_form) == {("body", "report_form[0]", "max")}


def test_enrol_by_rule(cast: Cast) -> None:
    made = scene.campaign(cast, enrol=False)
    big = EnterpriseFactory(name="霍林郭勒规上企业有限公司", region=cast.home.region, above_scale=True)
    coordinator = token_client("coordinator")
    url = f"/api/v1/campaigns/{made.pk}/enterprises"
    both = send(coordinator, "post", url, {"enterprises": [cast.home.pk], "rule": {"above_scale": True}})
    assert both.status_code == 422 and _locs(both) == {("body", "rule")}
    outside = send(coordinator, "post", url, {"rule": {"region": "140200"}})
    assert outside.status_code == 422 and ("body", "rule", "region") in _locs(outside)
    empty = send(coordinator, "post", url, {"rule": {}})
    assert empty.status_code == 422 and _locs(empty) == {("body", "rule")}
    added = send(coordinator, "post", url, {"rule": {"region": "150581", "above_scale": True}})
    assert added.status_code == 201, added.content
    assert added.json() == {"added": 1, "enrolled": 1}
    assert list(CampaignEnterprise.objects.values_list("enterprise_id", "via")) == [(big.pk, "rule")]
    picked = send(coordinator, "post", url, {"enterprises": [cast.datong.pk]})
    assert picked.status_code == 422 and _locs(picked) == {("body", "enterprises")}


def test_who_sees_what(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made)
    scene.report(cast, made, actor=cast.coordinator, enterprise=cast.neighbour, status="未复工")
    # The outsider (Datong) meets every record of Huolinguole's campaign as missing.
    outsider = token_client("outsider")
    for url in (
        f"/api/v1/campaigns/{made.pk}",
        f"/api/v1/campaigns/{made.pk}/enterprises",
        f"/api/v1/campaigns/{made.pk}/reports",
        f"/api/v1/campaigns/{made.pk}/figures",
        f"/api/v1/campaigns/{made.pk}/enterprises/{cast.home.pk}/history",
        f"/api/v1/task-forces/{made.task_force_id}",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.get("/api/v1/campaigns").json()["count"] == 0
    assert outsider.get("/api/v1/task-forces").json()["count"] == 0
    assert outsider.delete(f"/api/v1/campaigns/{made.pk}/enterprises/{cast.home.pk}").status_code == 404
    assert _report(outsider, made.pk, cast.home.pk, {"status": "全面复工"}).status_code == 404
    changed = send(
        outsider,
        "put",
        f"/api/v1/campaigns/{made.pk}",
        {
            "task_force": made.task_force_id,
            "name": "x",
            "kind": "other",
            "starts_on": "2026-01-01",
            "version": 1,
        },
    )
    assert changed.status_code == 404

    # The enterprise sees its campaign and its own report only; the leader of Tongliao all.
    enterprise = token_client("enterprise")
    assert [c["id"] for c in enterprise.get("/api/v1/campaigns").json()["items"]] == [made.pk]
    own = enterprise.get(f"/api/v1/campaigns/{made.pk}/reports").json()
    assert [item["enterprise"] for item in own["items"]] == [cast.home.pk]
    assert enterprise.get(f"/api/v1/campaigns/{made.pk}").json()["periods"][0]["reported"] == 1
    assert (
        enterprise.get(f"/api/v1/campaigns/{made.pk}/enterprises/{cast.neighbour.pk}/history").status_code
        == 404
    )
    assert token_client("leader").get(f"/api/v1/campaigns/{made.pk}/reports").json()["count"] == 2
    # Only the office changes who is in a campaign.
    assert (
        token_client("handler").delete(f"/api/v1/campaigns/{made.pk}/enterprises/{cast.home.pk}").status_code
        == 403
    )
    assert CampaignReport.objects.count() == 2


def test_filters_and_periods_refused_by_name(cast: Cast) -> None:
    made = scene.campaign(cast)
    coordinator = token_client("coordinator")
    for url, params, loc in (
        (f"/api/v1/campaigns/{made.pk}/reports", {"period": "2026-W45"}, ("query", "period")),
        (f"/api/v1/campaigns/{made.pk}/reports", {"channel": "fax"}, ("query", "channel")),
        (f"/api/v1/campaigns/{made.pk}/enterprises", {"unreported": "yesterday"}, ("query", "unreported")),
        (f"/api/v1/campaigns/{made.pk}/enterprises", {"via": "magic"}, ("query", "via")),
        ("/api/v1/campaigns", {"kind": "bogus"}, ("query", "kind")),
        ("/api/v1/campaigns", {"region": "15"}, ("query", "region")),
        ("/api/v1/task-forces", {"status": "sleeping"}, ("query", "status")),
        (f"/api/v1/campaigns/{made.pk}/figures", {"by": "mood"}, ("query", "by")),
        (
            f"/api/v1/campaigns/{made.pk}/figures",
            {"period": str(scene.today() + datetime.timedelta(days=1))},
            ("query", "period"),
        ),
    ):
        response = coordinator.get(url, params)
        assert response.status_code == 422, (url, params, response.content)
        assert _locs(response) == {loc}, (url, params)


def test_a_report_for_an_enterprise_not_in_the_campaign_or_a_future_period(cast: Cast) -> None:
    made = scene.campaign(cast)
    coordinator = token_client("coordinator")
    outside = _report(coordinator, made.pk, cast.tongliao.pk, {"status": "全面复工"})
    assert outside.status_code == 422 and _locs(outside) == {("body", "enterprise")}
    future = _report(
        coordinator,
        made.pk,
        cast.home.pk,
        {"status": "全面复工"},
        period=str(scene.today() + datetime.timedelta(days=1)),
    )
    assert future.status_code == 422 and _locs(future) == {("body", "period")}
    typo = _report(coordinator, made.pk, cast.home.pk, {"status": "全面复工", "colour": "红"})
    assert typo.status_code == 422 and _locs(typo) == {("body", "values", "colour")}
    assert not CampaignReport.objects.exists()


def test_the_campaigns_choices_keep_their_own_values_in_the_openapi_document() -> None:
    # The document names a component after its class: two classes of one name overwrite each
    # other. The reports' channel is written out where used (the component named Channel is
    # policies'), and no schema or choice of this app shares its name with another app's.
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    assert components["Channel"]["enum"] == list(PolicyChannel.values)
    assert components["CampaignReportOut"]["properties"]["channel"]["enum"] == list(Channel.values)
    assert "channel" not in components["ReportOut"]["properties"]  # the projects' progress report
    [channel] = [
        p
        for p in document["paths"]["/api/v1/campaigns/{campaign_id}/reports"]["get"]["parameters"]
        if p["name"] == "channel"
    ]
    assert set(channel["schema"]["anyOf"][0]["enum"]) == set(Channel.values)

    def subclasses(base: type) -> list[type]:
        found = []
        for sub in base.__subclasses__():
            found += [sub, *subclasses(sub)]
        return found

    for base, ours in ((Schema, "zhuqi.taskforces.schemas"), (models.TextChoices, "zhuqi.taskforces.models")):
        classes = [c for c in subclasses(base) if c.__module__.startswith("zhuqi.")]
        for mine in (c for c in classes if c.__module__ == ours and c is not Channel):
            others = [c for c in classes if c.__name__ == mine.__name__ and c is not mine]
            assert not others, (mine, others)
