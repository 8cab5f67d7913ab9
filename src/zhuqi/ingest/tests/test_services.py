"""Reports through the services: sample 000 read into a draft, a repost merged into it, the
draft confirmed into a visit with its cases (through the visits' own service) or discarded; bad
input refused with its reason; nothing seen or done out of scope."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest

from zhuqi.cases.models import Case, Kind
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import GRANTS, Permission
from zhuqi.core.roles import Role
from zhuqi.core.validators import make_uscc
from zhuqi.directory.models import Department, Official
from zhuqi.enterprises.models import Enterprise
from zhuqi.ingest import linking, selectors, services
from zhuqi.ingest.models import Report, ReportStatus
from zhuqi.ingest.services import ConfirmEdits
from zhuqi.ingest.tests.scene import PUBLISHED, Scene, ambiguous_lead, rewrapped_000, sample, scene
from zhuqi.visits.models import Visit, VisitKind, VisitSource

__all__ = ["scene"]

pytestmark = pytest.mark.django_db


def ingest_000(scene: Scene, **kwargs: Any) -> Report:
    return services.report_ingest(
        actor=scene.cast.coordinator,
        raw=sample("000"),
        filename="000.txt",
        published_on=PUBLISHED,
        **kwargs,
    )


def audits(report: Report) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="report")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_sample_000_becomes_a_draft_with_its_official_and_enterprises(scene: Scene) -> None:
    report = ingest_000(scene)
    assert report.status == ReportStatus.DRAFT and report.duplicate_of is None
    assert report.title == "孟宪东到霍林郭勒市调研重点项目建设和中小微企业发展情况"
    assert "调研" in report.cleaned_text and "(diào)" not in report.cleaned_text
    assert any(r["kind"] == "pinyin" for r in report.removals)
    assert report.region_id == "150581"  # the first place matched: 霍林郭勒市
    assert report.extraction["start"] == "2022-06-20" and report.extraction["end"] == "2022-06-21"
    lead = report.links["officials"][0]
    assert (lead["mention"], lead["lead"], lead["status"]) == ("孟宪东", True, linking.MATCHED)
    assert lead["candidates"][0]["id"] == scene.secretary.pk
    assert report.extraction["lead_officials"][0]["posts"] == ["自治区党委常委", "通辽市委书记"]
    matched = {
        e["mention"]: e["candidates"][0]["id"]
        for e in report.links["enterprises"]
        if e["status"] == "matched"
    }
    assert matched["联晟新材料有限公司"] == scene.cast.home.pk
    assert matched["腾远环保"] == scene.tengyuan and matched["金辉粉体"] == scene.jinhui
    new = {e["mention"] for e in report.links["enterprises"] if e["status"] == "new"}
    assert "兖矿集团" in new
    assert set(report.timings) == {"clean", "extract", "link"}
    assert audits(report) == [AuditEntry.Action.CREATE]
    assert selectors.inbox_queryset(user=scene.cast.leader, status=ReportStatus.DRAFT).get() == report


def test_a_repost_of_the_same_event_is_merged_into_the_first_draft(scene: Scene) -> None:
    first = ingest_000(scene)
    again = services.report_ingest(actor=scene.cast.coordinator, raw=rewrapped_000(), filename="gov.txt")
    assert again.status == ReportStatus.DUPLICATE and again.duplicate_of_id == first.pk
    first.refresh_from_db()
    assert first.status == ReportStatus.DRAFT and first.version == 2
    assert first.extraction["merged_from"] == [again.pk]
    assert Report.objects.filter(status=ReportStatus.DRAFT).count() == 1
    assert audits(first) == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    # Another leader's report is not a duplicate of it.
    other = services.report_ingest(actor=scene.cast.coordinator, raw=sample("001"), filename="001.txt")
    assert other.status == ReportStatus.DRAFT and other.duplicate_of is None


def test_confirm_records_the_visit_with_its_instruction_cases(scene: Scene) -> None:
    report = ingest_000(scene)
    instructions = report.extraction["instructions"]
    assert len(instructions) >= 3
    confirmed = services.report_confirm(
        actor=scene.cast.coordinator, report_id=report.pk, expected_version=report.version
    )
    visit = confirmed.visit
    assert (visit.kind, visit.start_date, visit.end_date) == (
        VisitKind.INSPECTION,
        datetime.date(2022, 6, 20),
        datetime.date(2022, 6, 21),
    )
    assert visit.source == VisitSource.REPORT and Visit.objects.get().source == VisitSource.REPORT
    assert visit.region_id == "150581"
    assert [p.official_id for p in visit.participants.all()] == [scene.secretary.pk]
    assert set(visit.attendance.values_list("enterprise_id", flat=True)) == {
        scene.cast.home.pk,
        scene.tengyuan,
        scene.jinhui,
    }
    cases = Case.objects.filter(visit=visit).order_by("id")
    assert [c.description for c in cases if c.kind == Kind.INSTRUCTION] == instructions
    assert all(c.issued_by_id == scene.secretary.pk for c in cases if c.kind == Kind.INSTRUCTION)
    assert {c.pk for c in confirmed.cases} == {c.pk for c in cases}
    report.refresh_from_db()
    assert (report.status, report.visit_id, report.version) == (ReportStatus.CONFIRMED, visit.pk, 2)
    assert audits(report) == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    assert AuditEntry.objects.filter(content_type__model="visit", object_id=str(visit.pk)).exists()
    # Confirmed once: a second confirm (or a discard) is refused.
    with pytest.raises(ValidationFailed) as again:
        services.report_confirm(actor=scene.cast.coordinator, report_id=report.pk, expected_version=2)
    assert again.value.errors[0].field == "status"


def test_confirm_keeps_the_instructions_chosen_and_files_difficulties_of_known_enterprises(
    scene: Scene,
) -> None:
    report = ingest_000(scene)
    edits = ConfirmEdits(
        kind=VisitKind.SYMPOSIUM,
        title="中小微企业座谈会",
        instructions=["加快项目建设进度，力争早日投产"],
        difficulties=[services.DifficultyChoice("铝箔出口物流成本高", scene.cast.home.pk)],
        enterprises={"腾远环保": None},
    )
    confirmed = services.report_confirm(
        actor=scene.cast.coordinator, report_id=report.pk, expected_version=report.version, edits=edits
    )
    assert (confirmed.visit.kind, confirmed.visit.title) == (VisitKind.SYMPOSIUM, "中小微企业座谈会")
    assert scene.tengyuan not in set(confirmed.visit.attendance.values_list("enterprise_id", flat=True))
    assert [(c.kind, c.title, c.enterprise_id) for c in confirmed.cases] == [
        (Kind.INSTRUCTION, "加快项目建设进度，力争早日投产", None),
        (Kind.DEMAND, "铝箔出口物流成本高", scene.cast.home.pk),
    ]


def test_an_unresolved_lead_official_is_refused_by_name(scene: Scene) -> None:
    ambiguous_lead(scene)
    report = ingest_000(scene)
    assert report.links["officials"][0]["status"] == linking.AMBIGUOUS
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(actor=scene.cast.coordinator, report_id=report.pk, expected_version=1)
    assert [(e.field, "孟宪东" in e.message) for e in refused.value.errors] == [("officials.孟宪东", True)]
    assert not Visit.objects.exists() and not Case.objects.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 1
    # Resolved by the person: confirmed.
    confirmed = services.report_confirm(
        actor=scene.cast.coordinator,
        report_id=report.pk,
        expected_version=1,
        edits=ConfirmEdits(officials={"孟宪东": scene.secretary.pk}),
    )
    assert [p.official_id for p in confirmed.visit.participants.all()] == [scene.secretary.pk]


def test_a_report_without_a_year_asks_for_the_dates(scene: Scene) -> None:
    report = services.report_ingest(actor=scene.cast.coordinator, raw=sample("000"), filename="000.txt")
    assert report.extraction["start"] is None
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(actor=scene.cast.coordinator, report_id=report.pk, expected_version=1)
    assert refused.value.errors[0].field == "start_date" and "6月20日" in refused.value.errors[0].message
    confirmed = services.report_confirm(
        actor=scene.cast.coordinator,
        report_id=report.pk,
        expected_version=1,
        edits=ConfirmEdits(start_date=datetime.date(2022, 6, 20), end_date=datetime.date(2022, 6, 21)),
    )
    assert confirmed.visit.start_date == datetime.date(2022, 6, 20)


def test_discard_with_a_reason_and_the_version_checked(scene: Scene) -> None:
    report = ingest_000(scene)
    with pytest.raises(ValidationFailed) as empty:
        services.report_discard(
            actor=scene.cast.coordinator, report_id=report.pk, expected_version=1, reason=" "
        )
    assert empty.value.errors[0].field == "reason"
    with pytest.raises(StaleWrite):
        services.report_discard(
            actor=scene.cast.coordinator, report_id=report.pk, expected_version=7, reason="x"
        )
    discarded = services.report_discard(
        actor=scene.cast.coordinator, report_id=report.pk, expected_version=1, reason="不是本地的活动"
    )
    assert (discarded.status, discarded.discard_reason, discarded.version) == (
        ReportStatus.DISCARDED,
        "不是本地的活动",
        2,
    )
    assert audits(report) == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    with pytest.raises(ValidationFailed):
        services.report_confirm(actor=scene.cast.coordinator, report_id=report.pk, expected_version=2)
    # A discarded draft takes no reposts: the same event read again is a draft of its own.
    again = ingest_000(scene)
    assert again.status == ReportStatus.DRAFT and again.duplicate_of is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "空"),
        (b"   \n  ", "空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是文本"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08" * 200, "二进制"),
        ("Привет, это отчёт о визите губернатора на завод. " * 20, "中文"),
        ("调研" * (2 * 1024 * 1024), "太大"),
    ],
)
def test_bad_input_is_refused_with_its_reason(scene: Scene, raw: str | bytes, reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.report_ingest(actor=scene.cast.coordinator, raw=raw, filename="bad.txt")
    (error,) = refused.value.errors
    assert error.field == "text" and reason in error.message, error.message
    assert not Report.objects.exists()


def test_scope_and_role(scene: Scene) -> None:
    report = ingest_000(scene)
    cast = scene.cast
    for user in (cast.leader, cast.coordinator, cast.admin, cast.auditor):
        assert selectors.report_get(user=user, report_id=report.pk) == report
    for user in (cast.outsider, cast.liaison, cast.enterprise_user):
        with pytest.raises(NotFound):
            selectors.report_get(user=user, report_id=report.pk)
    with pytest.raises(NotFound):
        services.report_confirm(actor=cast.outsider, report_id=report.pk, expected_version=1)
    # The leader sees it, but the office confirms.
    with pytest.raises(PermissionDenied):
        services.report_confirm(actor=cast.leader, report_id=report.pk, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.report_ingest(actor=cast.leader, raw=sample("000"), filename="000.txt")
    # An outsider's upload of the same event is theirs: not merged into a draft they cannot see.
    theirs = services.report_ingest(
        actor=cast.outsider, raw=sample("000"), filename="000.txt", published_on=PUBLISHED
    )
    assert theirs.status == ReportStatus.DRAFT and theirs.region_id == "140200"
    assert Official.objects.filter(name="孟宪东").count() == 1  # nothing made by ingesting


# ---------------------------------------------------------------------------------------------
# New records proposed by a report, recorded on confirm when the person says so


def ingest_001(scene: Scene) -> Report:
    """Sample 001: its lead official (郝茂荣) and most enterprises are not in the registry."""
    return services.report_ingest(
        actor=scene.cast.coordinator, raw=sample("001"), filename="001.txt", published_on=PUBLISHED
    )


def posts(scene: Scene, *mentions: str) -> dict[str, services.NewPost]:
    city = Department.objects.get(name="通辽市委")
    return {mention: services.NewPost(city.pk, "代市长") for mention in mentions}


def test_a_new_lead_official_left_undecided_is_refused_then_recorded_when_ticked(scene: Scene) -> None:
    report = ingest_001(scene)
    lead = report.links["officials"][0]
    assert (lead["mention"], lead["lead"], lead["status"]) == ("郝茂荣", True, linking.NEW)
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(actor=scene.cast.coordinator, report_id=report.pk, expected_version=1)
    (error,) = refused.value.errors
    assert error.field == "officials.郝茂荣" and "登记为新干部" in error.message, error.message
    assert not Official.objects.filter(name="郝茂荣").exists()
    # Ticked without a post: the visit records each official's post on its day, so it is asked.
    with pytest.raises(ValidationFailed) as no_post:
        services.report_confirm(
            actor=scene.cast.coordinator,
            report_id=report.pk,
            expected_version=1,
            edits=ConfirmEdits(new_officials=["郝茂荣", "韩国武"], new_official_posts=posts(scene, "郝茂荣")),
        )
    (error,) = no_post.value.errors
    assert error.field == "officials.韩国武" and "任职部门" in error.message, error.message
    assert not Official.objects.filter(name="郝茂荣").exists()

    confirmed = services.report_confirm(
        actor=scene.cast.coordinator,
        report_id=report.pk,
        expected_version=1,
        edits=ConfirmEdits(
            new_officials=["郝茂荣", "韩国武"], new_official_posts=posts(scene, "郝茂荣", "韩国武")
        ),
    )
    made = {o.name: o for o in Official.objects.filter(name__in=["郝茂荣", "韩国武"])}
    assert set(made) == {"郝茂荣", "韩国武"}
    assert {o.region_id for o in made.values()} == {report.region_id}
    # One post each, as the person gave it (the others written beside the name are not guessed).
    assert [p.label for p in made["郝茂荣"].posts.all()] == ["通辽市委代市长"]
    visit = confirmed.visit
    assert list(visit.participants.filter(role="lead").values_list("official_id", flat=True)) == [
        made["郝茂荣"].pk
    ]
    assert made["韩国武"].pk in set(
        visit.participants.exclude(role="lead").values_list("official_id", flat=True)
    )
    # The other new officials, not ticked, are left out as before.
    assert not Official.objects.filter(name="张国平").exists()
    assert all(c.issued_by_id == made["郝茂荣"].pk for c in confirmed.cases if c.kind == Kind.INSTRUCTION)
    creations = AuditEntry.objects.filter(
        content_type__model="official",
        action=AuditEntry.Action.CREATE,
        object_id__in=[str(o.pk) for o in made.values()],
    )
    assert creations.count() == 2


def test_a_new_official_the_actor_may_not_record_is_refused_by_name_and_nothing_is_written(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = ingest_000(scene)
    # The office may ingest reports but (here) not keep the directory.
    monkeypatch.setitem(
        cast(dict[Permission, Any], GRANTS), Permission.KEEP_DIRECTORY, frozenset({Role.ADMIN})
    )
    code = make_uscc("150581", 777)
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(
            actor=scene.cast.coordinator,
            report_id=report.pk,
            expected_version=1,
            edits=ConfirmEdits(
                new_officials=["莫日根巴图"],
                new_official_posts=posts(scene, "莫日根巴图"),
                new_enterprises={"兖矿集团": code},
            ),
        )
    (error,) = refused.value.errors
    assert error.field == "officials.莫日根巴图" and "无权维护干部名录" in error.message
    # One transaction: the enterprise made before the refusal is gone, no visit, the draft as it was.
    assert not Enterprise.objects.filter(uscc=code).exists()
    assert not Official.objects.filter(name="莫日根巴图").exists() and not Visit.objects.exists()
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.DRAFT, 1)
    # The administrator may.
    confirmed = services.report_confirm(
        actor=scene.cast.admin,
        report_id=report.pk,
        expected_version=1,
        edits=ConfirmEdits(new_officials=["莫日根巴图"], new_official_posts=posts(scene, "莫日根巴图")),
    )
    official = Official.objects.get(name="莫日根巴图")
    assert official.pk in set(confirmed.visit.participants.values_list("official_id", flat=True))


def test_new_officials_that_are_not_new_or_not_in_the_report_are_refused_by_name(scene: Scene) -> None:
    report = ingest_000(scene)
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(
            actor=scene.cast.coordinator,
            report_id=report.pk,
            expected_version=1,
            edits=ConfirmEdits(
                new_officials=["孟宪东", "李四", "莫日根巴图"],
                officials={"莫日根巴图": None},
            ),
        )
    found = {e.field: e.message for e in refused.value.errors}
    assert set(found) == {"officials.孟宪东", "officials.李四", "officials.莫日根巴图"}
    assert "有相符的记录" in found["officials.孟宪东"] and "没有提取到" in found["officials.李四"]
    assert "只选一项" in found["officials.莫日根巴图"]
    assert Official.objects.filter(name="孟宪东").count() == 1 and not Visit.objects.exists()


def test_a_new_enterprise_with_its_code_is_recorded_and_attends(scene: Scene) -> None:
    report = ingest_000(scene)
    code = make_uscc("150581", 4242)
    confirmed = services.report_confirm(
        actor=scene.cast.coordinator,
        report_id=report.pk,
        expected_version=1,
        edits=ConfirmEdits(new_enterprises={"兖矿集团": code, "创新集团": "  "}),
    )
    made = Enterprise.objects.get(uscc=code)
    assert (made.name, made.region_id) == ("兖矿集团", report.region_id)
    attending = set(confirmed.visit.attendance.values_list("enterprise_id", flat=True))
    assert attending == {scene.cast.home.pk, scene.tengyuan, scene.jinhui, made.pk}
    assert not Enterprise.objects.filter(name="创新集团").exists()  # an empty code: left out
    assert AuditEntry.objects.filter(
        content_type__model="enterprise", object_id=str(made.pk), action=AuditEntry.Action.CREATE
    ).exists()


@pytest.mark.parametrize(
    ("code", "words"),
    [("91150581MA0N0000X", "18"), ("911505810000000000", "校验"), ("registered", "已登记")],
)
def test_a_bad_code_for_a_new_enterprise_is_refused_naming_the_mention(
    scene: Scene, code: str, words: str
) -> None:
    report = ingest_000(scene)
    if code == "registered":
        code = scene.cast.neighbour.uscc
    with pytest.raises(ValidationFailed) as refused:
        services.report_confirm(
            actor=scene.cast.coordinator,
            report_id=report.pk,
            expected_version=1,
            edits=ConfirmEdits(new_enterprises={"兖矿集团": code}),
        )
    (error,) = refused.value.errors
    assert error.field == "enterprises.兖矿集团", error
    assert "兖矿集团" in error.message and "统一社会信用代码" in error.message and words in error.message, (
        error.message
    )
    assert not Visit.objects.exists() and not Enterprise.objects.filter(name="兖矿集团").exists()
