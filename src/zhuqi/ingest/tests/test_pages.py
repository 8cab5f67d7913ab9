"""The report pages through the test client: the inbox (upload, filter, pages), the review (the
text with its removals struck through, the fields with their registry matches), confirm into a
visit with its cases, discard, and the refusals (403 with the reason on writes, 404 out of scope)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases.models import Case, Kind
from zhuqi.core.validators import make_uscc
from zhuqi.directory.models import Department, Official, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.ingest import services
from zhuqi.ingest.models import Report, ReportStatus
from zhuqi.ingest.tests.scene import PUBLISHED, Scene, ambiguous_lead, rewrapped_000, sample, scene
from zhuqi.testing.api import is_ids_query
from zhuqi.visits.models import Visit, VisitSource

__all__ = ["scene"]

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ingest_000(scene: Scene) -> Report:
    return services.report_ingest(
        actor=scene.cast.coordinator, raw=sample("000"), filename="000.txt", published_on=PUBLISHED
    )


def copies(report: Report, n: int) -> None:
    """More rows for the inbox's pages (the list reads only its columns)."""
    for i in range(n):
        Report.objects.create(
            source=f"copy-{i}.txt",
            raw="",
            original_text="",
            cleaned_text="",
            title=f"{report.title} {i}",
            region=report.region,
            extraction=report.extraction,
            status=ReportStatus.DISCARDED,
        )


def confirm_data(report: Report, **extra: Any) -> dict[str, Any]:
    """What the review page's confirm form posts as drawn: each choice at its default."""
    data: dict[str, Any] = {"version": report.version, "kind": "inspection", "title": report.title}
    data["start_date"] = report.extraction["start"]
    data["end_date"] = report.extraction["end"]
    for i, link in enumerate(report.links["officials"]):
        data[f"official-{i}"] = link["candidates"][0]["id"] if link["status"] == "matched" else "none"
    for i, link in enumerate(report.links["enterprises"]):
        data[f"enterprise-{i}"] = link["candidates"][0]["id"] if link["status"] == "matched" else "none"
    for i, text in enumerate(report.extraction["instructions"]):
        data[f"instruction-{i}"] = text
        data[f"instruction-{i}-keep"] = "1"
    data.update(extra)
    return data


def test_the_inbox_lists_reports_newest_first_with_their_facts(scene: Scene) -> None:
    first = ingest_000(scene)
    again = services.report_ingest(actor=scene.cast.coordinator, raw=rewrapped_000(), filename="gov.txt")
    page = client_for(scene.cast.coordinator).get("/reports/").content.decode()
    rows = re.findall(r'data-report="(\d+)"', page)
    assert rows == [str(again.pk), str(first.pk)]  # newest first
    row = page.split(f'data-report="{first.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "孟宪东" in row and "调研/督导" in row and "2022年6月22日" in row and "待确认" in row
    assert re.search(r">1</td>", row)  # one repost merged into it
    drafts = client_for(scene.cast.coordinator).get("/reports/?status=draft").content.decode()
    assert re.findall(r'data-report="(\d+)"', drafts) == [str(first.pk)]
    # Everyone in government staff in scope reads it; the leader has no upload form.
    leader = client_for(scene.cast.leader).get("/reports/").content.decode()
    assert f'data-report="{first.pk}"' in leader and 'data-testid="upload-form"' not in leader


def test_the_inbox_pages_with_a_fixed_number_of_queries(scene: Scene) -> None:
    """Ids from the report table alone, then the page's 50 rows; a page that is not full is not
    counted, a full one is counted once, whatever the number of rows."""
    report = ingest_000(scene)
    copies(report, 3)
    client = client_for(scene.cast.coordinator)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as short:
        client.get("/reports/")
    copies(report, 60)
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/")
    copies(report, 60)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/reports/").content.decode()
    assert len(many) == len(few) == len(short) + 1  # the count, only for a full page
    assert page.count('data-testid="report-row"') == 50 and "共 124 条" in page
    ids = [q["sql"] for q in many.captured_queries if is_ids_query(q["sql"], "ingest_report")]
    assert len(ids) == 1 and "LIMIT" in ids[0] and "JOIN" not in ids[0], ids
    third = client.get("/reports/?page=3").content.decode()
    assert third.count('data-testid="report-row"') == 24


def test_upload_a_good_and_a_bad_file_and_pasted_text(scene: Scene) -> None:
    client = client_for(scene.cast.coordinator)
    posted = client.post(
        "/reports/upload/",
        {
            "uploads": [
                SimpleUploadedFile("000.txt", sample("000"), content_type="text/plain"),
                SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20),
            ],
            "published_on": PUBLISHED.isoformat(),
            "text": rewrapped_000(),
        },
    )
    # POST, redirect, GET: the summary waits in the session for the inbox, shown once.
    assert posted.status_code == 302 and posted["Location"] == "/reports/"
    page = client.get(posted["Location"]).content.decode()
    summary = page.split('data-testid="upload-summary"', 1)[1].split("</section>", 1)[0]
    assert "新建待确认 1 篇，合并重复 1 篇，未能读取 1 篇" in summary
    refusal = re.search(r'data-testid="upload-refusal">(.*?)</li>', summary)
    assert refusal is not None and refusal.group(1).startswith("photo.txt：") and len(refusal.group(1)) > 12
    assert Report.objects.filter(status=ReportStatus.DRAFT).count() == 1
    assert Report.objects.filter(status=ReportStatus.DUPLICATE).count() == 1
    first = Report.objects.get(status=ReportStatus.DRAFT)
    assert f'href="/reports/{first.pk}/"' in re.findall(r'data-testid="upload-draft">(.*?)</li>', summary)[0]
    duplicate = re.findall(r'data-testid="upload-duplicate">(.*?)</li>', summary)[0]
    assert duplicate.startswith("粘贴的文字：") and f"#{first.pk}" in duplicate
    # The inbox names where a report came from: its file, or pasted text (never a code).
    inbox = client.get("/reports/").content.decode()
    sources = re.findall(r'data-label="来源">(?:<span[^>]*>)?([^<]*)', inbox)
    assert "粘贴的文字" in sources and "api" not in sources and "web" not in sources
    assert 'data-testid="upload-summary"' not in client.get("/reports/").content.decode()
    # A form with neither a file nor text is shown again with its error, nothing read.
    empty = client.post("/reports/upload/", {"published_on": "2022-06-22"})
    assert empty.status_code == 400
    assert "请选择报道文件，或粘贴报道全文" in empty.content.decode()
    assert 'value="2022-06-22"' in empty.content.decode()
    assert Report.objects.count() == 2


def test_the_review_strikes_the_removals_through_and_shows_the_matches(scene: Scene) -> None:
    report = ingest_000(scene)
    page = client_for(scene.cast.coordinator).get(f"/reports/{report.pk}/").content.decode()
    original = page.split('data-testid="original-text">', 1)[1].split("</div>", 1)[0]
    struck = re.findall(r'<del class="removed removed-(\w+)"[^>]*>(.*?)</del>', original)
    assert ("pinyin", "(diào)") in struck
    # The text around a removal stays in place: 調(diào)研 → 調<del>(diào)</del>研.
    assert re.search(r"調<del[^>]*>\(diào\)</del>研", original)
    cleaned = page.split('data-testid="cleaned-text">', 1)[1].split("</div>", 1)[0]
    assert "调研" in cleaned and "(diào)" not in cleaned
    officials = page.split('data-testid="officials"', 1)[1].split("</ul>", 1)[0]
    assert "孟宪东" in officials and "自治区党委常委、通辽市委书记" in officials
    assert 'data-testid="match-matched"' in officials and "?official=" in officials
    enterprises = page.split('data-testid="enterprises"', 1)[1].split("</ul>", 1)[0]
    assert f"/enterprises/{scene.tengyuan}/" in enterprises and "按简称" in enterprises
    new = enterprises.split('data-mention="兖矿集团"', 1)[1].split("</li>", 1)[0]
    assert "将作为新记录提出" in new
    assert 'data-testid="year-inferred"' in page and "年份取自发布日期" in page
    assert 'data-testid="confirm-form"' in page and 'data-testid="discard-form"' in page
    # A reader outside the office reads it without the forms.
    leader = client_for(scene.cast.leader).get(f"/reports/{report.pk}/").content.decode()
    assert "孟宪东" in leader and 'data-testid="confirm-form"' not in leader


def test_confirm_on_the_page_records_the_visit_with_its_instruction_cases(scene: Scene) -> None:
    report = ingest_000(scene)
    client = client_for(scene.cast.coordinator)
    instructions = report.extraction["instructions"]
    data = confirm_data(report)
    data["instruction-0-keep"] = ""  # the person leaves the first one out
    response = client.post(f"/reports/{report.pk}/confirm/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    visit = Visit.objects.get(pk=report.visit_id)
    assert response["Location"] == f"/visits/{visit.pk}/"
    assert visit.source == VisitSource.REPORT
    assert list(visit.participants.filter(role="lead").values_list("official_id", flat=True)) == [
        scene.secretary.pk
    ]
    cases = Case.objects.filter(visit=visit, kind=Kind.INSTRUCTION).values_list("description", flat=True)
    assert sorted(cases) == sorted(instructions[1:])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="visit-case"') == len(instructions) - 1
    review = client.get(f"/reports/{report.pk}/").content.decode()
    assert f"/visits/{visit.pk}/" in review and 'data-testid="confirm-form"' not in review


def test_the_page_asks_about_an_ambiguous_lead_and_a_stale_version_is_refused(scene: Scene) -> None:
    namesake = ambiguous_lead(scene)
    report = ingest_000(scene)
    client = client_for(scene.cast.coordinator)
    review = client.get(f"/reports/{report.pk}/").content.decode()
    lead = review.split('data-testid="officials"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="match-ambiguous"' in lead
    choice = lead.split('data-testid="choice-official-0"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>' in choice
    assert f'value="{scene.secretary.pk}"' in choice and f'value="{namesake.pk}"' in choice
    data = confirm_data(report)
    data["official-0"] = ""  # as drawn: no decision yet
    data["start_date"] = "2022-06-99"
    page = client.post(f"/reports/{report.pk}/confirm/", data).content.decode()
    errors = page.split('data-testid="confirm-errors"', 1)[1].split("</div>", 1)[0]
    assert "干部“孟宪东”" in errors and "请选择对应的记录" in errors
    assert not Visit.objects.exists()
    # What the person had posted is kept on the page.
    assert 'name="instruction-0-keep" value="1" checked' in page
    stale = client.post(
        f"/reports/{report.pk}/confirm/",
        confirm_data(report, version=report.version + 1, **{"official-0": scene.secretary.pk}),
        follow=True,
    )
    assert "该记录已被他人修改" in stale.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not Visit.objects.exists()
    done = client.post(
        f"/reports/{report.pk}/confirm/", confirm_data(report, **{"official-0": scene.secretary.pk})
    )
    assert done.status_code == 302
    visit = Visit.objects.get()
    assert list(visit.participants.filter(role="lead").values_list("official_id", flat=True)) == [
        scene.secretary.pk
    ]


def test_discard_with_a_reason(scene: Scene) -> None:
    report = ingest_000(scene)
    client = client_for(scene.cast.coordinator)
    missing = client.post(f"/reports/{report.pk}/discard/", {"version": report.version, "reason": ""})
    assert "必填" in missing.content.decode()
    done = client.post(
        f"/reports/{report.pk}/discard/", {"version": report.version, "reason": "外地的报道"}, follow=True
    ).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DISCARDED and report.discard_reason == "外地的报道"
    assert "已舍弃" in done and "外地的报道" in done


def test_refusals_403_with_the_reason_on_writes_and_404_out_of_scope(scene: Scene) -> None:
    report = ingest_000(scene)
    leader = client_for(scene.cast.leader)
    refused = leader.post(f"/reports/{report.pk}/discard/", {"version": report.version, "reason": "x"})
    assert refused.status_code == 403 and "营商办" in refused.content.decode()
    refused = leader.post(f"/reports/{report.pk}/confirm/", confirm_data(report))
    assert refused.status_code == 403
    upload = leader.post("/reports/upload/", {"text": rewrapped_000()})
    assert upload.status_code == 403 and "营商办" in upload.content.decode()
    outsider = client_for(scene.cast.outsider)
    assert outsider.get(f"/reports/{report.pk}/").status_code == 404
    assert outsider.post(f"/reports/{report.pk}/confirm/", confirm_data(report)).status_code == 404
    assert f'data-report="{report.pk}"' not in outsider.get("/reports/").content.decode()
    assert client_for(scene.cast.liaison).get(f"/reports/{report.pk}/").status_code == 404
    assert client_for(scene.cast.liaison).get("/reports/").status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_inbox_filters_by_status_kind_region_and_day_through_the_filter_set(scene: Scene) -> None:
    first = ingest_000(scene)  # inspection, Huolinguole (150581)
    other = services.report_ingest(actor=scene.cast.admin, raw=sample("003"), filename="003.txt")
    Report.objects.filter(pk=other.pk).update(region_id="140200", kind="symposium")
    client = client_for(scene.cast.admin)

    def listed(query: str) -> list[str]:
        return re.findall(r'data-report="(\d+)"', client.get(f"/reports/?{query}").content.decode())

    today = timezone.localdate()
    assert listed("") == [str(other.pk), str(first.pk)]
    assert listed("kind=inspection") == [str(first.pk)]
    assert listed("region=150500") == [str(first.pk)]  # the region's subtree
    assert listed("region=140000&kind=symposium") == [str(other.pk)]
    assert listed(f"created_from={today}&created_to={today}&status=draft") == [str(other.pk), str(first.pk)]
    assert listed(f"created_to={today - datetime.timedelta(days=1)}") == []
    # A filter that cannot be read is said, naming it; the others still filter.
    page = client.get("/reports/?kind=bogus&region=150500").content.decode()
    assert "筛选条件有误：kind" in page and re.findall(r'data-report="(\d+)"', page) == [str(first.pk)]
    page = client.get("/reports/?region=15&status=nope").content.decode()
    assert "筛选条件有误：region" in page and "筛选条件有误：status" in page
    backwards = client.get(f"/reports/?created_from={today}&created_to={today - datetime.timedelta(days=2)}")
    assert "筛选条件有误：created_to" in backwards.content.decode()
    # The status tabs keep the other filters.
    tabs = client.get("/reports/?kind=inspection").content.decode().split('data-testid="status-tabs"')[1]
    assert "?kind=inspection&amp;status=draft" in tabs.split("</nav>")[0]


def test_the_filtered_inbox_reads_as_many_queries_as_the_bare_one(scene: Scene) -> None:
    report = ingest_000(scene)
    copies(report, 70)
    client = client_for(scene.cast.coordinator)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as bare:
        client.get("/reports/")
    with CaptureQueriesContext(connection) as filtered:
        page = client.get(
            f"/reports/?status=discarded&kind=other&region=150581&created_from={timezone.localdate()}"
        ).content.decode()
    assert page.count('data-testid="report-row"') == 50
    assert len(filtered) == len(bare)
    ids = [q["sql"] for q in filtered.captured_queries if is_ids_query(q["sql"], "ingest_report")]
    assert len(ids) == 1 and "LIMIT" in ids[0] and "JOIN" not in ids[0], ids


def test_new_officials_and_enterprises_are_recorded_from_the_review_page(scene: Scene) -> None:
    report = ingest_000(scene)
    client = client_for(scene.cast.coordinator)
    review = client.get(f"/reports/{report.pk}/").content.decode()
    officials = review.split('data-testid="officials"', 1)[1].split("</ul>", 1)[0]
    new = officials.split('data-mention="莫日根巴图"', 1)[1].split("</li>", 1)[0]
    assert "登记为新干部" in new and 'name="official-1-new"' in new
    assert "报道中的职务：市委常委、秘书长，登记后请在干部名录中补充职务" in new
    city = Department.objects.get(name="通辽市委")
    assert f'<option value="{city.pk}">通辽市委（通辽市）</option>' in new
    assert 'name="official-1-title" value="市委常委"' in new
    matched = officials.split('data-mention="孟宪东"', 1)[1].split("</li>", 1)[0]
    assert "登记为新干部" not in matched
    enterprises = review.split('data-testid="enterprises"', 1)[1].split("</ul>", 1)[0]
    yankuang = enterprises.split('data-mention="兖矿集团"', 1)[1].split("</li>", 1)[0]
    assert "统一社会信用代码" in yankuang
    index = [e["mention"] for e in report.links["enterprises"]].index("兖矿集团")

    # Ticked without a department, and a bad code: both named, nothing written, choices kept.
    data = confirm_data(report, **{"official-1-new": "1", f"enterprise-{index}-uscc": "91150581XYZ"})
    page = client.post(f"/reports/{report.pk}/confirm/", data)
    errors = page.content.decode().split('data-testid="confirm-errors"', 1)[1].split("</div>", 1)[0]
    assert "干部“莫日根巴图”" in errors and "任职部门" in errors
    assert "企业“兖矿集团”" in errors and "统一社会信用代码" in errors
    assert not Visit.objects.exists() and not Official.objects.filter(name="莫日根巴图").exists()
    assert 'name="official-1-new" value="1" checked' in page.content.decode()
    assert 'value="91150581XYZ"' in page.content.decode()

    code = make_uscc("150581", 31337)
    data.update(
        {"official-1-department": city.pk, "official-1-title": "常委", f"enterprise-{index}-uscc": code}
    )
    done = client.post(f"/reports/{report.pk}/confirm/", data)
    assert done.status_code == 302, done.content.decode()[:3000]
    visit = Visit.objects.get()
    official = Official.objects.get(name="莫日根巴图")
    assert [p.label for p in official.posts.all()] == ["通辽市委常委"]
    assert set(visit.participants.values_list("official_id", "role")) == {
        (scene.secretary.pk, "lead"),
        (official.pk, "accompanying"),
    }
    assert Enterprise.objects.get(uscc=code).pk in set(
        visit.attendance.values_list("enterprise_id", flat=True)
    )


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("official-0", "²", "干部“孟宪东”"),
        ("official-0", "99999999999999999999999", "干部“孟宪东”"),
        ("enterprise-0", "abc", "企业“联晟新材料有限公司”"),
        ("official-1-department", "x1", "干部“莫日根巴图”"),
        ("places", "15058", "地点"),
        ("projects", "1;DROP", "项目"),
        ("difficulty-0-enterprise", "-3", "企业反映的困难"),
        ("kind", "party", "活动类型"),
    ],
)
def test_garbage_in_the_confirm_form_is_a_field_error_not_a_500(
    scene: Scene, field: str, value: str, named: str
) -> None:
    report = services.report_ingest(
        actor=scene.cast.coordinator, raw=sample("000"), filename="000.txt", published_on=PUBLISHED
    )
    if field.startswith("difficulty"):
        extraction = {**report.extraction, "difficulties": ["用电成本高"]}
        Report.objects.filter(pk=report.pk).update(extraction=extraction)
        report.refresh_from_db()
    client = client_for(scene.cast.coordinator)
    page = client.post(f"/reports/{report.pk}/confirm/", confirm_data(report, **{field: value}))
    assert page.status_code == 200, page.status_code
    errors = page.content.decode().split('data-testid="confirm-errors"', 1)[1].split("</div>", 1)[0]
    assert named in errors, errors
    assert not Visit.objects.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
