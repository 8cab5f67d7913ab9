"""The meeting, briefing and economic-figure pages as people use them: the office records a
meeting (the chair's posts as held that day), reads its page with the last meeting's decisions
and where each stands, redraws the agenda, adds an item and a decision (refusals beside the
field), asks for the meeting's briefing, watches it and downloads both files; the figures are
entered one by one or imported from a sheet, all or nothing with the bad rows named."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from docx import Document

from zhuqi.cases.models import Case, Kind
from zhuqi.core.periods import Period
from zhuqi.directory.models import Department, User
from zhuqi.dispatch import services, tasks
from zhuqi.dispatch.models import (
    AgendaItem,
    AgendaSection,
    Briefing,
    BriefingStatus,
    EconomicFigure,
    Meeting,
    MeetingDecision,
)
from zhuqi.dispatch.services import EconomicFigureData
from zhuqi.dispatch.tests import scene
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory

pytestmark = pytest.mark.django_db


def client_for(user: User, *, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(response: Any) -> str:
    return response.content.decode()


def _meeting_post(cast: Cast, chair: Any, reporter: Any, **overrides: str) -> dict[str, str]:
    data = {
        "title": "全市重点产业链发展工作调度会",
        "held_on": scene.today().isoformat(),
        "place": "市政府第一会议室",
        "region": "150581",
        "scope_kind": "region",
        "chair": str(chair.pk),
        "chair_posts": "",
        "attendee-0-official": str(reporter.pk),
        "attendee-0-posts": "市工信局局长",
        "attendee-0-role": "reporting",
        "attendee-1-official": "",
        "attendee-1-posts": "",
        "attendee-1-role": "attending",
        "departments": str(cast.handler.department_id),
        "summary": "找差距、比进度，每周都要有新进展",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Who opens the pages


def test_meetings_briefings_and_figures_are_government_staffs_pages(cast: Cast) -> None:
    made = scene.meeting(cast)
    for user in (cast.coordinator, cast.leader, cast.admin, cast.auditor, cast.handler):
        client = client_for(user)
        for address in ("/dispatch/meetings/", "/dispatch/briefings/", "/dispatch/economy/"):
            assert client.get(address).status_code == 200, (user.role, address)
        assert client.get(f"/dispatch/meetings/{made.pk}/").status_code == 200, user.role
    for user in (cast.liaison, cast.enterprise_user):
        client = client_for(user)
        for address in ("/dispatch/meetings/", "/dispatch/briefings/", "/dispatch/economy/"):
            assert client.get(address).status_code == 403, (user.role, address)
    # Another jurisdiction's office does not see the meeting at all.
    assert client_for(cast.outsider).get(f"/dispatch/meetings/{made.pk}/").status_code == 404
    # Only the office records meetings.
    assert client_for(cast.leader).get("/dispatch/meetings/new/").status_code == 403
    assert 'data-testid="meeting-create"' not in page(client_for(cast.leader).get("/dispatch/meetings/"))


def test_the_list_shows_the_newest_meeting_first(cast: Cast) -> None:
    older = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=14), title="第一次调度会")
    newer = scene.meeting(cast, title="第二次调度会")
    html = page(client_for(cast.coordinator).get("/dispatch/meetings/"))
    assert html.index(newer.title) < html.index(older.title)
    assert f"{newer.held_on.year}年{newer.held_on.month}月{newer.held_on.day}日" in html
    assert "地区 · 霍林郭勒市" in text_of(html)


# ---------------------------------------------------------------------------------------------
# Recording a meeting


def test_the_office_records_a_meeting_with_the_chairs_posts_as_held_that_day(cast: Cast) -> None:
    chair = OfficialFactory(name="王莉霞")
    city = DepartmentFactory(name="霍林郭勒市人民政府")
    PostFactory(official=chair, department=city, title="市长", order=1)
    PostFactory(official=chair, department=city, title="原副市长", end_date=datetime.date(2020, 1, 1))
    reporter = OfficialFactory(name="孟宪东")
    client = client_for(cast.coordinator)
    form = page(client.get("/dispatch/meetings/new/"))
    assert 'data-testid="meeting-form"' in form and 'name="attendee-0-official"' in form
    response = client.post("/dispatch/meetings/new/", _meeting_post(cast, chair, reporter))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/dispatch/meetings/{meeting.pk}/"
    assert meeting.chair_posts == "霍林郭勒市人民政府市长"
    attendee = meeting.attendees.get()
    assert (attendee.official_id, attendee.posts, attendee.role) == (reporter.pk, "市工信局局长", "reporting")
    assert list(meeting.departments.values_list("pk", flat=True)) == [cast.handler.department_id]

    html = page(client.get(response["Location"]))
    text = text_of(html)
    assert "王莉霞 霍林郭勒市人民政府市长" in text
    assert "孟宪东 市工信局局长" in text
    assert "霍林郭勒市工业和信息化局" in text
    assert "找差距、比进度" in text
    assert "这是同一范围的第一次调度会" in text


def test_a_refused_meeting_keeps_what_was_typed_and_names_the_field(cast: Cast) -> None:
    chair = OfficialFactory(name="王莉霞")
    reporter = OfficialFactory(name="孟宪东")
    client = client_for(cast.coordinator)
    posted = _meeting_post(
        cast, chair, reporter, title="", scope_kind="chain", **{"attendee-1-official": "999999"}
    )
    response = client.post("/dispatch/meetings/new/", posted)
    assert response.status_code == 200
    html = page(response)
    assert Meeting.objects.count() == 0
    assert "产业链调度会请选择产业链" in html
    assert "干部不存在" in html  # on the second attendee row
    assert "必填" in html
    assert "市政府第一会议室" in html  # what was typed stays


def test_the_office_changes_a_meeting(cast: Cast) -> None:
    made = scene.meeting(cast)
    client = client_for(cast.coordinator)
    form = page(client.get(f"/dispatch/meetings/{made.pk}/edit/"))
    assert made.title in form and "孟宪东" in form
    attendee = made.attendees.get()
    response = client.post(
        f"/dispatch/meetings/{made.pk}/edit/",
        _meeting_post(
            cast,
            made.chair,
            attendee.official,
            title="全市重点产业链发展工作调度会（第二次）",
            chair_posts="市委副书记、市长",
            version=str(made.version),
        ),
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.title.endswith("（第二次）") and made.version == 2
    # A second save from the old page is refused as stale, and says so.
    stale = client.post(
        f"/dispatch/meetings/{made.pk}/edit/",
        _meeting_post(cast, made.chair, attendee.official, title="又一次", version="1"),
    )
    assert stale.status_code == 200
    made.refresh_from_db()
    assert made.title.endswith("（第二次）")


# ---------------------------------------------------------------------------------------------
# The meeting's page: last meeting's decisions, agenda, decisions


def test_the_page_opens_with_the_last_meetings_decisions_and_where_each_stands(cast: Cast) -> None:
    earlier = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=7))
    decided = scene.decision(cast, earlier)
    later = scene.meeting(cast)
    html = page(client_for(cast.leader).get(f"/dispatch/meetings/{later.pk}/"))
    section = html[html.index('data-testid="last-decisions"') : html.index('data-testid="agenda"')]
    assert f'href="/cases/{decided.case_id}/"' in section
    assert "协调解决联晟新材料用工问题" in section
    assert decided.case.get_status_display() in section
    deadline = earlier.held_on + datetime.timedelta(days=10)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in section
    assert f'href="/dispatch/meetings/{earlier.pk}/"' in section
    # The agenda drawn for the later meeting opens with the same decision, linked to its case.
    agenda = html[html.index('data-testid="agenda"') : html.index('data-testid="decisions"')]
    assert AgendaSection.LAST_DECISIONS.label in agenda
    assert f'href="/cases/{decided.case_id}/"' in agenda


def test_the_office_adds_a_decision_and_a_refusal_stays_on_the_form(cast: Cast) -> None:
    made = scene.meeting(cast)
    client = client_for(cast.coordinator)
    co = Department.objects.create(name="霍林郭勒市人力资源和社会保障局", region_id="150581")
    deadline = made.held_on + datetime.timedelta(days=15)
    response = client.post(
        f"/dispatch/meetings/{made.pk}/decisions/add/",
        {
            "title": "协调解决联晟新材料用工问题",
            "description": "市工信局牵头，一周内拿出方案",
            "lead_department": str(cast.handler.department_id),
            "co_departments": [str(co.pk)],
            "deadline": deadline.isoformat(),
            "version": str(made.version),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#decisions")
    decision = MeetingDecision.objects.get(meeting=made)
    case = decision.case
    assert case.kind == Kind.INSTRUCTION and case.lead_department_id == cast.handler.department_id
    assert list(case.co_departments.values_list("pk", flat=True)) == [co.pk]
    html = page(client.get(f"/dispatch/meetings/{made.pk}/"))
    decisions = html[html.index('data-testid="decisions"') :]
    assert f'href="/cases/{case.pk}/"' in decisions
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in decisions

    made.refresh_from_db()
    refused = client.post(
        f"/dispatch/meetings/{made.pk}/decisions/add/",
        {
            "title": "再次协调",
            "lead_department": "",
            "deadline": (made.held_on - datetime.timedelta(days=1)).isoformat(),
            "version": str(made.version),
        },
    )
    assert refused.status_code == 200
    html = page(refused)
    form = html[html.index('data-testid="decision-form"') :]
    assert "请指定牵头落实的部门" in form
    assert "完成时限不能早于会议日期" in form
    assert 'value="再次协调"' in form
    assert MeetingDecision.objects.filter(meeting=made).count() == 1


def test_the_agenda_is_redrawn_from_the_data_and_an_item_added_by_hand_stays(cast: Cast) -> None:
    made = scene.meeting(cast)
    client = client_for(cast.coordinator)
    response = client.post(
        f"/dispatch/meetings/{made.pk}/agenda/add/",
        {
            "title": "研究部署四季度招商引资工作",
            "detail": "各部门汇报签约项目进展",
            "version": str(made.version),
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    earlier = scene.meeting(cast, held_on=made.held_on - datetime.timedelta(days=7), title="上周调度会")
    scene.decision(cast, earlier, title="推动锦联铝材技改项目开工")
    # The earlier meeting was recorded after this one's agenda: redrawing takes it in.
    assert not made.agenda.filter(section=AgendaSection.LAST_DECISIONS).exists()
    response = client.post(f"/dispatch/meetings/{made.pk}/agenda/rebuild/", {"version": str(made.version)})
    assert response.status_code == 302
    assert made.agenda.filter(section=AgendaSection.LAST_DECISIONS, title__contains="锦联铝材").exists()
    assert made.agenda.filter(section=AgendaSection.OTHER, title="研究部署四季度招商引资工作").exists()
    html = page(client.get(f"/dispatch/meetings/{made.pk}/"))
    agenda = html[html.index('data-testid="agenda"') : html.index('data-testid="decisions"')]
    assert agenda.index("推动锦联铝材技改项目开工") < agenda.index("研究部署四季度招商引资工作")
    # A redraw from a page that is no longer current is refused and says why.
    stale = client.post(
        f"/dispatch/meetings/{made.pk}/agenda/rebuild/", {"version": str(made.version)}, follow=True
    )
    assert "已被修改" in page(stale) or "版本" in page(stale)
    # Only the office redraws.
    made.refresh_from_db()
    assert (
        client_for(cast.leader)
        .post(f"/dispatch/meetings/{made.pk}/agenda/rebuild/", {"version": str(made.version)})
        .status_code
        == 403
    )
    # An empty item is refused on its form.
    refused = client.post(
        f"/dispatch/meetings/{made.pk}/agenda/add/", {"title": " ", "version": str(made.version)}
    )
    assert refused.status_code == 200 and "必填" in page(refused)
    assert AgendaItem.objects.filter(meeting=made, section=AgendaSection.OTHER).count() == 1


# ---------------------------------------------------------------------------------------------
# Briefings


def test_a_meetings_briefing_is_generated_watched_and_downloaded(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    made = scene.meeting(cast)
    scene.decision(cast, made)
    client = client_for(cast.coordinator)
    html = page(client.get(f"/dispatch/meetings/{made.pk}/"))
    week = Period.containing("week", made.held_on)
    assert f'<option value="{week.key}" selected>' in html
    response = client.post(f"/dispatch/meetings/{made.pk}/briefing/", {"period": week.key})
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert (briefing.meeting_id, briefing.period, briefing.status) == (
        made.pk,
        week.key,
        BriefingStatus.QUEUED,
    )
    assert response["Location"] == f"/dispatch/briefings/{briefing.pk}/"

    # While queued the status polls every 2 seconds; the partial alone answers htmx.
    waiting = page(client.get(response["Location"]))
    assert 'hx-trigger="every 2s"' in waiting and "排队中" in waiting
    partial = page(client.get(response["Location"], headers={"HX-Request": "true"}))
    assert partial.lstrip().startswith("<section") and 'hx-trigger="every 2s"' in partial

    tasks.generate_briefing.call(briefing.pk)
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DONE, briefing.error
    done = page(client.get(response["Location"], headers={"HX-Request": "true"}))
    assert "hx-trigger" not in done
    assert f"/dispatch/briefings/{briefing.pk}/document/" in done
    assert f"/dispatch/briefings/{briefing.pk}/workbook/" in done

    word = client.get(f"/dispatch/briefings/{briefing.pk}/document/")
    assert word.status_code == 200
    assert "attachment" in word["Content-Disposition"] and "filename*=utf-8''" in word["Content-Disposition"]
    assert word["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(b"".join(word.streaming_content)))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert made.title in words
    assert "协调解决联晟新材料用工问题" in words

    excel = client.get(f"/dispatch/briefings/{briefing.pk}/workbook/")
    assert excel.status_code == 200 and ".xlsx" in excel["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(excel.streaming_content)), read_only=True)
    assert len(book.sheetnames) >= 2
    cells = {
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    }
    assert "协调解决联晟新材料用工问题" in cells

    listed = page(client.get("/dispatch/briefings/"))
    assert f"/dispatch/briefings/{briefing.pk}/document/" in listed
    # Someone who cannot see the briefing cannot download it.
    assert client_for(cast.outsider).get(f"/dispatch/briefings/{briefing.pk}/document/").status_code == 404


def test_a_failed_briefing_says_why(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    briefing = services.briefing_request(actor=cast.coordinator, period="last_week")
    Briefing.objects.filter(pk=briefing.pk).update(status=BriefingStatus.FAILED, error="申请人的账号已不存在")
    html = page(client.get(f"/dispatch/briefings/{briefing.pk}/"))
    assert "生成失败" in html and "申请人的账号已不存在" in html and "hx-trigger" not in html
    assert client.get(f"/dispatch/briefings/{briefing.pk}/document/").status_code == 404


def test_a_briefing_is_asked_for_a_scope_and_period_without_a_meeting(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        "/dispatch/briefings/",
        {"scope_kind": "region", "region": "150581", "period": "last_month", "custom_period": ""},
    )
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert briefing.region_id == "150581" and briefing.meeting_id is None
    assert briefing.period == Period.relative_to("last_month", scene.today()).key
    html = page(client.get(response["Location"]))
    assert "霍林郭勒市调度简报" in html and 'hx-trigger="every 2s"' in html

    refused = client.post(
        "/dispatch/briefings/",
        {
            "scope_kind": "region",
            "region": "150581",
            "period": "month",
            "custom_period": "2026-03-31~2026-01-01",
        },
    )
    assert refused.status_code == 200
    assert "早于开始日期" in page(refused)
    outside = client.post(
        "/dispatch/briefings/", {"scope_kind": "region", "region": "140200", "period": "month"}
    )
    assert "不在您的管辖范围内" in page(outside)
    assert Briefing.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Economic figures


def test_a_figure_is_entered_and_shown_against_its_target_and_peers(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        "/dispatch/economy/",
        {"region": "150581", "indicator": "gdp_growth", "period": "2026-Q3", "value": "5.2", "target": "6"},
    )
    assert response.status_code == 302 and response["Location"] == "/dispatch/economy/?period=2026-Q3#figures"
    services.economic_figure_set(
        actor=cast.coordinator,
        data=EconomicFigureData(
            region_code="150502",
            indicator="gdp_growth",
            period="2026-Q3",
            value="6.1",
            compared_for_code="150581",
        ),
    )
    html = page(client.get(response["Location"]))
    rows = html[html.index('data-testid="economy-table"') :]
    text = text_of(rows)
    assert "霍林郭勒市" in text and "地区生产总值增速" in text
    assert "5.2" in text and "-0.8个百分点" in text
    assert "科尔沁区 6.1%" in text
    assert "第 2 / 2" in text

    refused = client.post(
        "/dispatch/economy/", {"region": "150581", "indicator": "gdp", "period": "2026-W10", "value": "很多"}
    )
    assert refused.status_code == 200
    form = page(refused)[page(refused).index('data-testid="economy-form"') :]
    assert "“很多”不是数值" in form and "经济指标按月、季度或年度填报" in form
    assert EconomicFigure.objects.count() == 2
    # The office enters figures; a leader reads them.
    assert 'data-testid="economy-form"' not in page(client_for(cast.leader).get("/dispatch/economy/"))
    assert client_for(cast.leader).post("/dispatch/economy/", {"region": "150581"}).status_code == 403


def _sheet(rows: list[list[Any]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["地区代码", "指标", "统计期", "实际值", "目标值", "对标地区代码", "说明"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "经济指标.xlsx"
    return buffer


def test_figures_are_imported_from_a_sheet_all_or_nothing(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    good = _sheet(
        [
            ["150581", "地区生产总值", "2026-Q3", 312.5, 330, None, "统计局快报"],
            ["150581", "gdp_growth", "2026-Q3", 5.2, 6, None, None],
            ["150502", "地区生产总值增速", "2026-Q3", 6.1, None, "150581", None],
        ]
    )
    response = client.post("/dispatch/economy/import/", {"file": good})
    assert response.status_code == 302
    assert EconomicFigure.objects.count() == 3
    gdp = EconomicFigure.objects.get(indicator="gdp")
    assert (gdp.value, gdp.target, gdp.note) == (Decimal("312.50"), Decimal("330.00"), "统计局快报")

    bad = _sheet(
        [
            ["150581", "地区生产总值", "2026-Q3", 320, 330, None, None],
            [None, None, None, None, None, None, None],
            ["150581", "工业产值", "2026-Q3", 1, None, None, None],
            ["150581", "gdp_growth", "2026-13", 5, None, None, None],
        ]
    )
    refused = client.post("/dispatch/economy/import/", {"file": bad})
    assert refused.status_code == 200
    html = page(refused)
    errors = text_of(html[html.index('data-testid="economy-import-errors"') :])
    assert "整表未导入" in html
    assert re.search(r"\b4 指标\b", errors), errors  # the sheet's row 4 (the blank row 3 counted)
    assert re.search(r"\b5 统计期\b", errors), errors
    gdp.refresh_from_db()
    assert gdp.value == Decimal("312.50")  # nothing written

    missing = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["地区", "数值"])
    book.save(missing)
    missing.seek(0)
    missing.name = "错表.xlsx"
    assert "表头缺少" in page(client.post("/dispatch/economy/import/", {"file": missing}))


def test_the_template_is_a_sheet_the_import_reads_back(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.get("/dispatch/economy/template/")
    assert response.status_code == 200 and ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert list(header) == ["地区代码", "指标", "统计期", "实际值", "目标值", "对标地区代码", "说明"]
    assert "填写说明" in book.sheetnames


# ---------------------------------------------------------------------------------------------
# English


def test_the_pages_open_in_english(cast: Cast, settings: Any, tmp_path: Any) -> None:
    made = scene.meeting(cast)
    scene.decision(cast, made)
    briefing = services.briefing_request(actor=cast.coordinator, period="last_week", meeting_id=made.pk)
    client = client_for(cast.coordinator, language="en")
    for address in (
        "/dispatch/meetings/",
        "/dispatch/meetings/new/",
        f"/dispatch/meetings/{made.pk}/",
        f"/dispatch/meetings/{made.pk}/edit/",
        "/dispatch/briefings/",
        f"/dispatch/briefings/{briefing.pk}/",
        "/dispatch/economy/",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert '<html lang="en"' in page(response), address
    assert Case.objects.filter(kind=Kind.INSTRUCTION).count() == 1
