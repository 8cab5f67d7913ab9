"""The visit form on the web: pickers, a visit with what was said there, a refusal that keeps what
was typed, the correction of a record, photos, and a leader's calendar."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.directory.models import Official, User
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import selectors as visit_selectors
from zhuqi.visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(cast: Cast) -> Official:
    official = OfficialFactory(name="孟宪东", region_id="150500")
    PostFactory(official=official, department=DepartmentFactory(name="通辽市委"), title="书记")
    return official


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _inspection(cast: Cast, secretary: Official, **changes: object) -> dict[str, object]:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    post: dict[str, object] = {
        "kind": "inspection",
        "title": "孟宪东到霍林郭勒市调研",
        "start_date": "2026-06-20",
        "end_date": "2026-06-21",
        "lead_officials": [str(secretary.pk)],
        "places": ["150581"],
        "enterprises": [str(cast.home.pk)],
        f"opinions_{cast.home.pk}": "出口物流成本高",
        f"policies_unknown_{cast.home.pk}": "稳岗返还",
        "summary": "察看项目，召开座谈会",
        # Two rows filled and the empty row the form always offers.
        "case_kind": ["instruction", "demand", "demand"],
        "case_title": ["加快项目建设进度", "出口物流成本高", ""],
        "case_description": ["", "希望协调铁路运力", ""],
        "case_category": [str(finance.pk), str(finance.pk), ""],
        "case_enterprise": ["", str(cast.home.pk), ""],
        "case_lead_department": ["", "", ""],
        "case_deadline": ["", "", ""],
    }
    post.update(changes)
    return post


def test_the_pickers_find_officials_by_pinyin_and_enterprises_in_scope(
    cast: Cast, secretary: Official
) -> None:
    client = client_for(cast.coordinator)
    # Officials, projects, places and departments: the shared picker (core/pickers.py).
    found = client.get("/pick/officials/", {"q": "mxd"}).content.decode()
    assert f'data-value="{secretary.pk}"' in found and "通辽市委书记" in found
    assert "孟宪东" in client.get("/pick/officials/", {"q": "宪东"}).content.decode()
    assert "孟宪东" in client.get("/pick/officials/", {"q": "mengxiandong"}).content.decode()
    assert "data-value" not in client.get("/pick/officials/", {"q": "zzz"}).content.decode()
    form = client.get("/visits/new/").content.decode()
    for picker in ("lead", "accompanying", "places", "projects"):
        assert f'data-testid="{picker}"' in form
    enterprises = client.get("/visits/enterprise-options", {"q": "lsxcl"}).content.decode()
    assert f'data-id="{cast.home.pk}"' in enterprises and "霍林郭勒市 · 在办事项 0 件" in enterprises
    assert (
        cast.datong.name
        not in client.get("/visits/enterprise-options", {"q": cast.datong.name}).content.decode()
    )
    # A liaison officer picks among the enterprises assigned to them.
    liaison = client_for(cast.liaison)
    assert (
        cast.neighbour.name
        not in liaison.get("/visits/enterprise-options", {"q": cast.neighbour.name}).content.decode()
    )


def test_recording_an_inspection_files_its_instruction_and_demand(cast: Cast, secretary: Official) -> None:
    client = client_for(cast.coordinator)
    form = client.get("/visits/new/", {"official": secretary.pk, "enterprise": cast.home.pk}).content.decode()
    assert f'name="lead_officials" value="{secretary.pk}"' in form
    assert f'name="enterprises" value="{cast.home.pk}"' in form
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\npng", content_type="image/png")
    response = client.post("/visits/new/", {**_inspection(cast, secretary), "attachments": photo})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visits/{visit.pk}/"
    instruction, demand = Case.objects.filter(visit=visit).order_by("id")
    assert (instruction.kind, instruction.issued_by_id) == (Kind.INSTRUCTION, secretary.pk)
    assert (demand.kind, demand.enterprise_id, demand.description) == (
        Kind.DEMAND,
        cast.home.pk,
        "希望协调铁路运力",
    )
    assert visit.attendance.get().policies_unknown == "稳岗返还"
    page = client.get(f"/visits/{visit.pk}/").content.decode()
    assert (
        "加快项目建设进度" in page and "出口物流成本高" in page and 'data-testid="visit-attachments"' in page
    )
    attachment = visit.attachments.get()
    assert client.get(f"/visits/attachments/{attachment.pk}/?inline=1").getvalue() == b"\x89PNG\r\n\x1a\npng"
    assert client_for(cast.outsider).get(f"/visits/attachments/{attachment.pk}/").status_code == 404


def test_a_refused_visit_shows_the_field_and_keeps_what_was_typed(cast: Cast, secretary: Official) -> None:
    client = client_for(cast.coordinator)
    bad = _inspection(cast, secretary, end_date="2026-06-19", case_category=["", "", ""])
    response = client.post("/visits/new/", bad)
    body = response.content.decode()
    assert response.status_code == 400
    # The message is at its field, once; the top says what to fix without repeating it.
    field = body.split('data-testid="field-errors-end_date"', 1)[1].split("</ul>", 1)[0]
    assert "结束日期 2026-06-19 早于开始日期 2026-06-20" in field
    summary = body.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "结束日期" in summary and "早于" not in summary
    assert body.count("早于开始日期") == 1
    assert "加快项目建设进度" in body and f'name="lead_officials" value="{secretary.pk}"' in body
    assert Visit.objects.count() == 0 and Case.objects.count() == 0
    # The visit is fine, a case is not: the error is on its row, and nothing is written either.
    finance = str(CaseCategory.objects.get(name="融资", parent=None).pk)
    response = client.post("/visits/new/", _inspection(cast, secretary, case_category=["", finance, ""]))
    body = response.content.decode()
    rows = body.split('data-testid="case-row"')
    assert "类别：必填" in rows[1] and 'data-testid="case-row-errors"' not in rows[2]
    assert 'data-testid="case-category" aria-invalid="true"' in rows[1]
    assert "第1条交办事项或诉求·类别" in body.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
    assert Visit.objects.count() == 0 and Case.objects.count() == 0


def test_the_enterprise_chosen_on_an_instruction_row_is_kept(cast: Cast, secretary: Official) -> None:
    client = client_for(cast.coordinator)
    post = _inspection(
        cast,
        secretary,
        enterprises=[str(cast.home.pk), str(cast.neighbour.pk)],
        case_enterprise=[str(cast.neighbour.pk), str(cast.home.pk), ""],
    )
    assert client.post("/visits/new/", post).status_code == 302
    instruction = Case.objects.get(kind=Kind.INSTRUCTION)
    assert (instruction.enterprise_id, instruction.issued_by_id) == (cast.neighbour.pk, secretary.pk)
    assert Case.objects.get(kind=Kind.DEMAND).enterprise_id == cast.home.pk
    # The case's page names the enterprise the instruction concerns.
    assert cast.neighbour.name in client.get(f"/cases/{instruction.pk}/").content.decode()
    # An enterprise that was not on the visit is refused on the row, for an instruction as well.
    refused = client.post(
        "/visits/new/",
        _inspection(
            cast,
            secretary,
            start_date="2026-07-01",
            end_date="",
            case_enterprise=[str(cast.neighbour.pk), "", ""],
        ),
    )
    assert refused.status_code == 400
    assert (
        "企业：事项的企业应是本次调研走访的企业之一"
        in refused.content.decode().split('data-testid="case-row"')[1]
    )


def test_a_record_is_corrected_and_a_late_demand_added(cast: Cast, secretary: Official) -> None:
    client = client_for(cast.coordinator)
    client.post("/visits/new/", _inspection(cast, secretary))
    visit = Visit.objects.get()
    form = client.get(f"/visits/{visit.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form and "出口物流成本高" in form
    finance = CaseCategory.objects.get(name="融资", parent=None)
    corrected = _inspection(
        cast,
        secretary,
        title="孟宪东到联晟新材料调研",
        version="1",
        case_kind=["demand"],
        case_title=["用电指标紧张"],
        case_description=[""],
        case_category=[str(finance.pk)],
        case_enterprise=[str(cast.home.pk)],
        case_lead_department=[""],
        case_deadline=[""],
    )
    assert client.post(f"/visits/{visit.pk}/edit/", corrected).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "孟宪东到联晟新材料调研" and visit.version == 2
    assert Case.objects.filter(visit=visit).count() == 3
    stale = client.post(f"/visits/{visit.pk}/edit/", corrected)
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    # The leader reads the record but does not rewrite it.
    refused = client_for(cast.leader).get(f"/visits/{visit.pk}/edit/")
    assert (
        refused.status_code == 403
        and "只有登记人或本地区的营商办（管理员）可以修改这条记录" in refused.content.decode()
    )


def test_a_leaders_calendar_shows_the_visit_on_its_days(cast: Cast, secretary: Official) -> None:
    client_for(cast.coordinator).post("/visits/new/", _inspection(cast, secretary))
    leader = client_for(cast.leader)
    page = leader.get("/visits/calendar/", {"official": secretary.pk, "month": "2026-06"}).content.decode()
    assert page.count('data-testid="calendar-visit"') == 2  # the 20th and the 21st
    assert 'data-date="2026-06-20"' in page and "2026年6月" in page
    empty = leader.get("/visits/calendar/", {"official": secretary.pk, "month": "2026-07"}).content.decode()
    assert 'data-testid="calendar-visit"' not in empty
    assert datetime.date(2026, 6, 1).isoweekday() == 1  # the grid starts on Monday the 1st
    assert '<td class="" data-date="2026-06-01">' in page


def test_a_leaders_workbench_counts_their_visits_and_the_instructions_given_there(
    cast: Cast, secretary: Official
) -> None:
    client_for(cast.coordinator).post("/visits/new/", _inspection(cast, secretary))
    cast.leader.official = secretary
    cast.leader.save()
    summary = visit_selectors.my_visits_summary(user=cast.leader, today=datetime.date(2026, 6, 30))
    assert summary == {
        "month": 1,
        "year": 1,
        "last": datetime.date(2026, 6, 20),
        "instructions_open": 1,
        "instructions_done": 0,
    }
    next_month = visit_selectors.my_visits_summary(user=cast.leader, today=datetime.date(2026, 7, 1))
    assert next_month is not None and next_month["month"] == 0
    leader = client_for(cast.leader)
    assert 'data-testid="my-visits"' in leader.get("/").content.decode()
    mine = leader.get("/cases/", {"tab": "all", "issued_by": secretary.pk}).content.decode()
    assert "加快项目建设进度" in mine and "出口物流成本高" not in mine
    api = leader.get("/api/v1/cases", {"issued_by": secretary.pk}).json()
    assert [item["title"] for item in api["items"]] == ["加快项目建设进度"]


def test_the_form_and_calendar_speak_english_with_counted_phrases(cast: Cast, secretary: Official) -> None:
    client_for(cast.coordinator).post("/visits/new/", _inspection(cast, secretary))
    leader = client_for(cast.leader)
    leader.post("/i18n/setlang/", {"language": "en", "next": "/"})
    form = leader.get("/visits/new/").content.decode()
    assert "Led by" in form and "带队领导" not in form
    june = {"official": secretary.pk, "month": "2026-06"}
    calendar = leader.get("/visits/calendar/", june).content.decode()
    assert "1 visit this month" in calendar and "本月" not in calendar


def test_the_list_filters_by_dates_and_title(cast: Cast, secretary: Official) -> None:
    client = client_for(cast.coordinator)
    client.post("/visits/new/", _inspection(cast, secretary))
    client.post(
        "/visits/new/", _inspection(cast, secretary, title="座谈", start_date="2026-08-01", end_date="")
    )
    july = client.get("/visits/", {"start": "2026-06-21", "end": "2026-07-31"}).content.decode()
    assert july.count('data-testid="visit-row"') == 1 and "孟宪东到霍林郭勒市调研" in july  # ends on the 21st
    # Words of the title and the summary: both visits' summaries say 召开座谈会, one title 调研.
    assert client.get("/visits/", {"q": "座谈"}).content.decode().count('data-testid="visit-row"') == 2
    assert client.get("/visits/", {"q": "调研"}).content.decode().count('data-testid="visit-row"') == 1
    backwards = client.get("/visits/", {"start": "2026-08-01", "end": "2026-07-01"}).content.decode()
    assert "早于开始日期" in backwards and 'data-testid="visit-row"' not in backwards
    assert "不是日期" in client.get("/visits/", {"start": "2026-13-01"}).content.decode()


def _png() -> bytes:
    """A real one-pixel PNG, so Word (python-docx) can place it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_the_word_record_carries_the_photos_and_names_the_rest(cast: Cast, secretary: Official) -> None:
    import io

    import docx

    client = client_for(cast.coordinator)
    files = [
        SimpleUploadedFile("现场.png", _png(), content_type="image/png"),
        SimpleUploadedFile("坏图.jpg", b"not a jpeg", content_type="image/jpeg"),
        SimpleUploadedFile("座谈会纪要.docx", b"PK minutes", content_type="application/octet-stream"),
    ]
    client.post("/visits/new/", {**_inspection(cast, secretary), "attachments": files})
    visit = Visit.objects.get()
    document = docx.Document(io.BytesIO(client.get(f"/visits/{visit.pk}/record.docx").content))
    assert len(document.inline_shapes) == 1
    text = [p.text for p in document.paragraphs]
    assert "现场.png" in text and "附件：坏图.jpg" in text and "附件：座谈会纪要.docx" in text


def test_the_case_rows_offer_a_lead_department_only_to_who_may_route(cast: Cast) -> None:
    """A handler recording a visit files what was said for the coordinator to accept and route:
    the row offers them no lead department, which the service would refuse."""
    for user, offered in ((cast.coordinator, True), (cast.leader, True), (cast.handler, False)):
        form = client_for(user).get("/visits/new/").content.decode()
        assert ('data-testid="case-lead-department"' in form) is offered, user.role
