"""The dispatch API as a client uses it: the cockpit's figures and rankings; a meeting recorded
with its attendees, changed with the version read, its agenda drawn again and added to, a
decision taken (an instruction case), the next meeting opening with it; economic figures; a
briefing asked for, generated, and its Word tables holding the same numbers as the figures the
API gives; and the refusals: 422 naming the field, 404 out of scope, 403 for a role that may not."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from docx import Document

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory, Kind, Source
from zhuqi.cases.services import NewCase
from zhuqi.dispatch import briefings, schemas
from zhuqi.dispatch.models import Briefing, EconomicFigure, Meeting, MeetingDecision
from zhuqi.dispatch.tests import scene
from zhuqi.testing.api import send, token_client, validated_items
from zhuqi.testing.factories import Cast, OfficialFactory

pytestmark = pytest.mark.django_db


def _locs(response: Any) -> set[tuple[Any, ...]]:
    return {tuple(d["loc"]) for d in response.json()["detail"]}


def _meeting_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    chair = OfficialFactory(name="王莉霞")
    reporter = OfficialFactory(name="孟宪东")
    return {
        "title": "全市重点产业链发展工作调度会",
        "held_on": str(scene.today()),
        "place": "市政府第一会议室",
        "region": "150581",
        "chair": chair.pk,
        "chair_posts": "市委副书记、市长",
        "departments": [cast.handler.department_id],
        "attendees": [{"official": reporter.pk, "posts": "市工信局局长", "role": "reporting"}],
        "summary": "聚焦重点产业链，找差距、比进度",
        **overrides,
    }


def _decision(client: Client, cast: Cast, meeting: dict[str, Any], **overrides: Any) -> Any:
    body = {
        "version": meeting["version"],
        "title": "协调解决联晟新材料用工问题",
        "description": "市工信局牵头，一周内拿出方案",
        "lead_department": cast.handler.department_id,
        "deadline": str(datetime.date.fromisoformat(meeting["held_on"]) + datetime.timedelta(days=10)),
        **overrides,
    }
    return send(client, "post", f"/api/v1/meetings/{meeting['id']}/decisions", body)


def _a_demand_signed_for(cast: Cast) -> Case:
    """An enterprise's demand given to the handler's department and signed for at once: this
    month's one case, responded to on time."""
    case = case_services.case_create(
        actor=cast.admin,
        data=NewCase(
            kind=Kind.DEMAND,
            title="用地指标",
            description="项目用地指标不足",
            category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
            enterprise_id=cast.home.pk,
            source="hotline",
        ),
    )
    case = case_services.case_assign(
        actor=cast.admin,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    return case_services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)


# ---------------------------------------------------------------------------------------------
# Meetings


def test_a_meeting_recorded_changed_and_its_decisions_carried_to_the_next(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    last_week = scene.today() - datetime.timedelta(days=7)
    created = send(coordinator, "post", "/api/v1/meetings", _meeting_body(cast, held_on=str(last_week)))
    assert created.status_code == 201, created.content
    first = created.json()
    assert (first["region_name"], first["scope_kind"], first["scope_kind_label"], first["chair_name"]) == (
        "霍林郭勒市",
        "region",
        "地区",
        "王莉霞",
    )
    assert [(a["official_name"], a["posts"], a["role"], a["role_label"]) for a in first["attendees"]] == [
        ("孟宪东", "市工信局局长", "reporting", "汇报")
    ]
    assert [d["name"] for d in first["departments"]] == ["霍林郭勒市工业和信息化局"]
    assert first["previous_meeting"] is None and first["decisions"] == [] and first["version"] == 1

    # A decision: an instruction case given to the department, its id sent back.
    decided = _decision(coordinator, cast, first)
    assert decided.status_code == 201, decided.content
    decision = decided.json()
    case = Case.objects.get(pk=decision["case"])
    assert (case.kind, case.source, case.lead_department_id) == (
        Kind.INSTRUCTION,
        Source.MEETING,
        cast.handler.department_id,
    )
    assert (decision["title"], decision["status"], decision["meeting_version"]) == (
        "协调解决联晟新材料用工问题",
        case.status,
        2,
    )
    assert decision["deadline"] == str(last_week + datetime.timedelta(days=10))
    assert MeetingDecision.objects.get().case_id == case.pk

    # Changed with the version read; a stale version refused with what to read again.
    changed = send(
        coordinator,
        "put",
        f"/api/v1/meetings/{first['id']}",
        _meeting_body(
            cast, held_on=str(last_week), title="重点产业链调度会（第1次）", attendees=[], version=2
        ),
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["version"], changed.json()["attendees"]) == (
        "重点产业链调度会（第1次）",
        3,
        [],
    )
    stale = send(
        coordinator,
        "put",
        f"/api/v1/meetings/{first['id']}",
        _meeting_body(cast, held_on=str(last_week), version=2),
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 3

    # The agenda drawn again, and an item added by hand that stays through the next drawing.
    added = send(
        coordinator,
        "post",
        f"/api/v1/meetings/{first['id']}/agenda/items",
        {"version": 3, "title": "研究部署冬季安全生产工作", "detail": "应急局汇报"},
    )
    assert added.status_code == 201, added.content
    assert (added.json()["section"], added.json()["section_label"], added.json()["meeting_version"]) == (
        "other",
        "其他议题",
        4,
    )
    # A meeting already held keeps the agenda of its day: drawing it again is refused, saying why.
    rebuilt = send(coordinator, "post", f"/api/v1/meetings/{first['id']}/agenda", {"version": 4})
    assert rebuilt.status_code == 403, rebuilt.content
    assert "议程保留会议当时的情况" in rebuilt.json()["detail"]

    # This week's meeting of the same scope opens with last week's decisions and where they stand.
    case_services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    second = send(coordinator, "post", "/api/v1/meetings", _meeting_body(cast)).json()
    shown = coordinator.get(f"/api/v1/meetings/{second['id']}").json()
    assert shown["previous_meeting"] == {
        "id": first["id"],
        "title": "重点产业链调度会（第1次）",
        "held_on": str(last_week),
    }
    assert [(d["case"], d["status"], d["status_label"]) for d in shown["last_decisions"]] == [
        (case.pk, "in_progress", "办理中")
    ]
    assert any(i["section"] == "last_decisions" for i in shown["agenda"])

    # The list, filtered and paged.
    listed = coordinator.get("/api/v1/meetings").json()
    assert [m["id"] for m in listed["items"]] == [second["id"], first["id"]] and listed["count"] == 2
    assert [
        m["id"] for m in coordinator.get("/api/v1/meetings", {"held_to": str(last_week)}).json()["items"]
    ] == [first["id"]]
    assert coordinator.get("/api/v1/meetings", {"held_from": str(scene.today())}).json()["count"] == 1
    assert coordinator.get("/api/v1/meetings", {"q": "第1次", "region": "150500"}).json()["count"] == 1
    assert coordinator.get("/api/v1/meetings", {"scope_kind": "chain"}).json()["count"] == 0
    assert coordinator.get("/api/v1/meetings", {"page_size": 1}).json()["items"][0]["id"] == second["id"]


def test_the_meetings_list_is_sent_as_the_schema_would_send_it(cast: Cast) -> None:
    made = scene.meeting(cast)
    scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=7), place="")
    for username in ("coordinator", "leader", "handler"):
        sent = token_client(username).get("/api/v1/meetings").json()["items"]
        expected = validated_items(
            schemas.MeetingOut,
            schemas.meeting_json,
            Meeting.objects.select_related("region", "chair", "chain", "department").order_by(
                "-held_on", "-id"
            ),
        )
        assert sent == expected, username
    assert sent[0]["id"] == made.pk


def test_the_meeting_refusals(cast: Cast) -> None:
    coordinator, handler, outsider = (token_client(u) for u in ("coordinator", "handler", "outsider"))
    meeting = send(coordinator, "post", "/api/v1/meetings", _meeting_body(cast)).json()
    url = f"/api/v1/meetings/{meeting['id']}"

    # 422 naming the field: one the schema refuses, ones only the service can judge.
    missing = send(coordinator, "post", "/api/v1/meetings", _meeting_body(cast, title=None))
    assert missing.status_code == 422 and ("body", "title") in _locs(missing)
    judged = send(
        coordinator, "post", "/api/v1/meetings", _meeting_body(cast, region="140200", scope_kind="chain")
    )
    assert judged.status_code == 422 and {("body", "region"), ("body", "chain")} <= _locs(judged)
    early = _decision(coordinator, cast, meeting, deadline=str(scene.today() - datetime.timedelta(days=1)))
    assert early.status_code == 422 and _locs(early) == {("body", "deadline")}
    bad_filter = coordinator.get("/api/v1/meetings", {"scope_kind": "everything"})
    assert bad_filter.status_code == 422 and _locs(bad_filter) == {("query", "scope_kind")}

    # Out of scope: 404, the same as missing, for reads and writes alike.
    assert outsider.get(url).status_code == 404
    assert outsider.get("/api/v1/meetings").json()["count"] == 0
    assert send(outsider, "put", url, _meeting_body(cast, version=1)).status_code == 404
    assert _decision(outsider, cast, meeting).status_code == 404
    assert send(outsider, "post", f"{url}/agenda", {"version": 1}).status_code == 404
    assert send(outsider, "post", "/api/v1/briefings", {"meeting": meeting["id"]}).status_code == 404
    assert token_client("liaison").get(url).status_code == 404

    # A handler sees the meeting their department attended but keeps none: 403 with the reason.
    assert handler.get(url).status_code == 200
    for response in (
        send(handler, "post", "/api/v1/meetings", _meeting_body(cast)),
        send(handler, "put", url, _meeting_body(cast, version=1)),
        send(handler, "post", f"{url}/agenda", {"version": 1}),
        send(handler, "post", f"{url}/agenda/items", {"version": 1, "title": "另议"}),
        _decision(handler, cast, meeting),
    ):
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied" and response.json()["detail"]
    assert Meeting.objects.get().version == 1 and not MeetingDecision.objects.exists()


# ---------------------------------------------------------------------------------------------
# The cockpit


def test_the_figures_and_rankings_of_a_scope_and_period(cast: Cast) -> None:
    scene.decision(cast, scene.meeting(cast))  # an instruction: not among the demands' figures
    _a_demand_signed_for(cast)
    coordinator = token_client("coordinator")

    figures = coordinator.get("/api/v1/dispatch/figures", {"scope": "region:150581", "period": "month"})
    assert figures.status_code == 200, figures.content
    data = figures.json()
    today = scene.today()
    assert data["scope"] == {
        "kind": "region",
        "key": "region:150581",
        "label": "霍林郭勒市",
        "region": {"code": "150581", "name": "霍林郭勒市"},
    }
    assert (data["period"]["key"], data["period"]["kind"]) == (f"{today:%Y-%m}", "month")
    assert data["period"]["from"] == str(today.replace(day=1))
    total = data["cases"]["total"]
    assert (total["cases"], total["open"], total["response_rate"]) == (1, 1, 1.0)
    assert isinstance(data["projects"]["total"]["planned_investment"], (int, float))
    assert len(data["cases"]["trend"]) == 6 and data["cases"]["trend"][-1]["period"] == data["period"]["key"]
    assert "response_rate" in data["cases"]["definitions"]
    ranking = next(r for r in data["rankings"] if r["key"] == "department-response_rate")
    assert [(r["name"], r["value"], r["rank"]) for r in ranking["rows"]] == [
        ("霍林郭勒市工业和信息化局", 1.0, 1)
    ]
    assert ranking["definition"]

    # Just the rankings: the same tables.
    rankings = coordinator.get("/api/v1/dispatch/rankings", {"scope": "region:150581", "period": "month"})
    assert rankings.status_code == 200, rankings.content
    assert rankings.json()["rankings"] == data["rankings"]
    assert rankings.json()["period"]["key"] == data["period"]["key"]

    # A department's figures for its handler; a custom range of days.
    handler = token_client("handler")
    own = handler.get(
        "/api/v1/dispatch/figures",
        {"scope": f"department:{cast.handler.department_id}", "period": f"{today:%Y}-01-01~{today}"},
    )
    assert own.status_code == 200, own.content
    assert own.json()["scope"]["kind"] == "department" and own.json()["rankings"] is None


def test_the_figures_refusals(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    backwards = coordinator.get("/api/v1/dispatch/figures", {"period": "2026-03-31~2026-01-01"})
    assert backwards.status_code == 422 and _locs(backwards) == {("query", "period")}
    assert "早于" in backwards.json()["detail"][0]["msg"]
    unreadable = coordinator.get("/api/v1/dispatch/figures", {"period": "last_century"})
    assert unreadable.status_code == 422 and _locs(unreadable) == {("query", "period")}
    outside = token_client("outsider").get("/api/v1/dispatch/figures", {"scope": "region:150581"})
    assert outside.status_code == 422 and _locs(outside) == {("query", "scope")}
    assert "不在您的管辖范围内" in outside.json()["detail"][0]["msg"]
    other = coordinator.get("/api/v1/dispatch/rankings", {"scope": "region:150500"})
    assert other.status_code == 422 and _locs(other) == {("query", "scope")}
    assert coordinator.get("/api/v1/dispatch/figures", {"scope": "town:1"}).status_code == 422
    # The cockpit is not for enterprises and liaison officers.
    for username in ("enterprise", "liaison"):
        refused = token_client(username).get("/api/v1/dispatch/figures")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


# ---------------------------------------------------------------------------------------------
# Economic figures


def test_economic_figures_set_and_listed(cast: Cast) -> None:
    coordinator = token_client("coordinator")
    body = {"region": "150581", "indicator": "gdp_growth", "period": "2026-Q3", "value": "5.8", "target": 6}
    entered = send(coordinator, "put", "/api/v1/economic-figures", body)
    assert entered.status_code == 200, entered.content
    figure = entered.json()
    assert (
        figure["indicator_label"],
        figure["unit"],
        figure["value"],
        figure["target"],
        figure["version"],
    ) == (
        "地区生产总值增速",
        "%",
        5.8,
        6.0,
        1,
    )
    assert figure["period_label"] == "2026年第3季度"
    corrected = send(coordinator, "put", "/api/v1/economic-figures", {**body, "value": 6.1, "version": 1})
    assert (corrected.json()["id"], corrected.json()["value"], corrected.json()["version"]) == (
        figure["id"],
        6.1,
        2,
    )
    stale = send(coordinator, "put", "/api/v1/economic-figures", {**body, "value": 7, "version": 1})
    assert stale.status_code == 409
    peer = send(
        coordinator,
        "put",
        "/api/v1/economic-figures",
        {
            "region": "150502",
            "indicator": "gdp_growth",
            "period": "2026-Q3",
            "value": 5.2,
            "compared_for": "150581",
        },
    )
    assert peer.status_code == 200, peer.content
    send(coordinator, "put", "/api/v1/economic-figures", {**body, "indicator": "gdp", "value": "123.45"})

    listed = coordinator.get("/api/v1/economic-figures", {"region": "150581", "period": "2026-q3"}).json()
    assert [(f["indicator"], f["value"]) for f in listed["items"]] == [("gdp", 123.45), ("gdp_growth", 6.1)]
    peers = coordinator.get("/api/v1/economic-figures", {"compared_for": "150581"}).json()["items"]
    assert [(f["region_name"], f["compared_for"]) for f in peers] == [("科尔沁区", "150581")]
    assert coordinator.get("/api/v1/economic-figures", {"indicator": "retail"}).json()["count"] == 0
    assert token_client("outsider").get("/api/v1/economic-figures").json()["count"] == 0

    # Refusals: 422 naming the field, 403 for a role that does not keep them.
    bad = send(
        coordinator, "put", "/api/v1/economic-figures", {**body, "period": "2026-W45", "value": "很多"}
    )
    assert bad.status_code == 422 and _locs(bad) == {("body", "period"), ("body", "value")}
    wrong = coordinator.get("/api/v1/economic-figures", {"period": "2026-13"})
    assert wrong.status_code == 422 and _locs(wrong) == {("query", "period")}
    refused = send(token_client("handler"), "put", "/api/v1/economic-figures", body)
    assert refused.status_code == 403 and EconomicFigure.objects.count() == 3


# ---------------------------------------------------------------------------------------------
# Briefings


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _count(value: Any) -> str:
    return f"{value:,}"


def test_a_briefing_asked_for_generated_and_its_tables_equal_the_figures(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scene.decision(cast, scene.meeting(cast))
    _a_demand_signed_for(cast)
    coordinator = token_client("coordinator")

    asked = send(coordinator, "post", "/api/v1/briefings", {"scope": "region:150581", "period": "month"})
    assert asked.status_code == 202, asked.content
    requested = asked.json()
    assert requested["status"] == "queued" and requested["url"] == f"/api/v1/briefings/{requested['id']}"
    queued = coordinator.get(requested["url"]).json()
    assert (queued["status"], queued["document_url"], queued["workbook_url"]) == ("queued", None, None)
    assert coordinator.get(f"{requested['url']}/document").status_code == 404

    briefings.generate(requested["id"])
    done = coordinator.get(requested["url"]).json()
    assert (done["status"], done["status_label"], done["progress"], done["error"]) == (
        "done",
        "已生成",
        100,
        "",
    )
    assert (done["scope"], done["region_name"]) == ("region:150581", "霍林郭勒市")
    assert done["document_url"] == f"/api/v1/briefings/{requested['id']}/document"
    workbook = coordinator.get(done["workbook_url"])
    assert workbook.status_code == 200 and workbook["Content-Type"].endswith("spreadsheetml.sheet")
    downloaded = coordinator.get(done["document_url"])
    assert downloaded.status_code == 200 and "attachment" in downloaded["Content-Disposition"]

    figures = coordinator.get(
        "/api/v1/dispatch/figures", {"scope": "region:150581", "period": done["period"]}
    ).json()
    document = Document(io.BytesIO(downloaded.content))
    grids = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]

    total = figures["cases"]["total"]
    assert total["cases"] == 1 and total["response_rate"] == 1.0
    cases_table = next(grid for grid in grids if grid[0][0] == "收到事项")
    assert cases_table[1] == [
        _count(total["cases"]),
        _count(total["response_due"]),
        _count(total["responded_on_time"]),
        _percent(total["response_rate"]),
        _count(total["answer_due"]),
        _count(total["answered_on_time"]),
        _percent(total["answer_rate"]),
        _percent(total["resolution_rate"]),
        _percent(total["satisfaction_rate"]),
        _count(total["open"]),
        _count(total["late"]),
        _count(total["escalated"]),
    ]
    trend_table = next(grid for grid in grids if grid[0][0] == "统计期")
    assert trend_table[1:] == [
        [
            p["label"],
            _count(p["cases"]),
            _percent(p["response_rate"]),
            _percent(p["answer_rate"]),
            _percent(p["resolution_rate"]),
            _percent(p["satisfaction_rate"]),
        ]
        for p in figures["cases"]["trend"]
    ]
    ranking_tables = [grid for grid in grids if grid[0][0] == "名次"]
    assert len(ranking_tables) == len(figures["rankings"]) > 0
    for grid, ranking in zip(ranking_tables, figures["rankings"], strict=True):
        assert [row[:4] for row in grid[1:]] == [
            [
                "—" if r["rank"] is None else str(r["rank"]),
                r["name"],
                _percent(r["value"]),
                "—" if r["previous_rank"] is None else str(r["previous_rank"]),
            ]
            for r in ranking["rows"]
        ]
    projects = figures["projects"]["total"]
    assert Briefing.objects.get().figures["cockpit"]["projects"]["total"]["projects"] == projects["projects"]


def test_a_meetings_briefing_and_the_briefing_refusals(cast: Cast, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    meeting = scene.meeting(cast)
    coordinator = token_client("coordinator")
    asked = send(coordinator, "post", "/api/v1/briefings", {"meeting": meeting.pk})
    assert asked.status_code == 202, asked.content
    briefing = Briefing.objects.get(pk=asked.json()["id"])
    assert (briefing.meeting_id, briefing.region_id) == (meeting.pk, "150581")
    url = asked.json()["url"]

    both = send(coordinator, "post", "/api/v1/briefings", {"meeting": meeting.pk, "scope": "region:150581"})
    assert both.status_code == 422 and _locs(both) == {("body", "scope")}
    backwards = send(coordinator, "post", "/api/v1/briefings", {"period": "2026-03-31~2026-01-01"})
    assert backwards.status_code == 422 and _locs(backwards) == {("body", "period")}
    outside = send(token_client("outsider"), "post", "/api/v1/briefings", {"scope": "region:150581"})
    assert outside.status_code == 422 and _locs(outside) == {("body", "scope")}
    refused = send(token_client("liaison"), "post", "/api/v1/briefings", {"period": "month"})
    assert refused.status_code == 403
    outsider = token_client("outsider")
    assert outsider.get(url).status_code == 404
    briefings.generate(briefing.pk)
    assert coordinator.get(f"{url}/document").status_code == 200
    assert outsider.get(f"{url}/document").status_code == 404
    assert outsider.get(f"{url}/workbook").status_code == 404
    assert Briefing.objects.count() == 1
