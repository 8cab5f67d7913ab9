"""Key enterprises' monthly operating indicators (重点企业运行监测): who records them, what is
refused, the falls (环比 and 同比, beyond the threshold), the notices a new fall sends, the
month's import, and the API and pages that show them."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Kind
from zhuqi.core.errors import PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.core.spreadsheets import write_workbook
from zhuqi.notifications.models import Notice
from zhuqi.taskforces import indicators
from zhuqi.taskforces.indicators import Against, IndicatorData, IndicatorValues
from zhuqi.taskforces.models import IndicatorSource, OperatingIndicator, TaskForceMember
from zhuqi.taskforces.tests import scene
from zhuqi.testing.api import as_sent, send, token_client
from zhuqi.testing.factories import PASSWORD, Cast, EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db

# The month the tests report: last month; the one before it; the same month last year.
MONTH = indicators.default_month()
PREVIOUS = MONTH.previous()
LAST_YEAR = indicators.month_of(MONTH.start.replace(year=MONTH.start.year - 1))


def _errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def record(
    cast: Cast, month: Period, enterprise: Any = None, actor: Any = None, **values: Any
) -> OperatingIndicator:
    return indicators.indicator_record(
        actor=actor or cast.coordinator,
        data=IndicatorData(enterprise_id=(enterprise or cast.home).pk, month=month.key, **values),
    )


def figures(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "output_value": "1,000",
        "revenue": "800",
        "electricity": "50",
        "employees": 300,
        "taxes": "40",
    }
    values.update(overrides)
    return values


def _falls_of(indicator: OperatingIndicator, user: Any) -> set[tuple[str, str]]:
    found = indicators.falls(user=user, month=MONTH)
    return {(d.field, str(d.against)) for f in found if f.indicator_id == indicator.pk for d in f.drops}


# ---------------------------------------------------------------------------------------------
# Writing one enterprise-month


def test_a_month_is_recorded_once_and_audited(cast: Cast) -> None:
    made = record(cast, MONTH, **figures())
    assert (made.output_value, made.employees, made.region_id, made.source) == (
        Decimal("1000.00"),
        300,
        cast.home.region_id,
        IndicatorSource.ENTERED,
    )
    assert AuditEntry.objects.filter(object_id=str(made.pk), action=AuditEntry.Action.CREATE).exists()
    with pytest.raises(ValidationFailed) as failure:
        record(cast, MONTH, **figures())
    assert "已填报" in _errors(failure)["month"]


@pytest.mark.parametrize(
    ("role", "enterprise", "outcome"),
    [
        (Role.ENTERPRISE, "home", "ok"),
        (Role.ENTERPRISE, "neighbour", "unseen"),
        (Role.LIAISON, "home", "ok"),
        (Role.LIAISON, "neighbour", "unseen"),
        (Role.COORDINATOR, "neighbour", "ok"),
        (Role.COORDINATOR, "tongliao", "unseen"),
        (Role.HANDLER, "home", "refused"),
        (Role.LEADER, "home", "refused"),
        (Role.ADMIN, "datong", "ok"),
    ],
)
def test_who_records(cast: Cast, role: str, enterprise: str, outcome: str) -> None:
    actor = cast.by_role(role)
    target = getattr(cast, enterprise)
    if outcome == "ok":
        assert record(cast, MONTH, target, actor, **figures()).entered_by == actor
    elif outcome == "refused":
        with pytest.raises(PermissionDenied):
            record(cast, MONTH, target, actor, **figures())
    else:
        with pytest.raises(ValidationFailed) as failure:
            record(cast, MONTH, target, actor, **figures())
        assert "权限范围" in _errors(failure)["enterprise"]
    assert OperatingIndicator.objects.exists() == (outcome == "ok")


def test_the_outsider_neither_writes_nor_sees(cast: Cast) -> None:
    made = record(cast, MONTH, **figures())
    with pytest.raises(ValidationFailed):
        record(cast, PREVIOUS, actor=cast.outsider, **figures())
    assert not indicators.falls(user=cast.outsider, month=MONTH)
    assert not indicators.month_overview(user=cast.outsider, month=MONTH).reported
    assert indicators.month_overview(user=cast.coordinator, month=MONTH).reported == 1
    assert made.pk


def test_bad_values_are_refused_naming_each_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        record(cast, MONTH, output_value="-5", revenue="一百", employees="12.5", taxes="3亿元")
    assert set(_errors(failure)) == {"output_value", "revenue", "employees", "taxes"}
    with pytest.raises(ValidationFailed) as failure:
        record(cast, MONTH)
    assert "至少填写一项" in _errors(failure)["output_value"]
    future = MONTH.next().next()
    with pytest.raises(ValidationFailed) as failure:
        record(cast, future, **figures())
    assert "还未到" in _errors(failure)["month"]
    with pytest.raises(ValidationFailed) as failure:
        indicators.indicator_record(
            actor=cast.coordinator,
            data=IndicatorData(enterprise_id=cast.home.pk, month="2026-13", **figures()),
        )
    assert "month" in _errors(failure)


def test_months_as_people_write_them() -> None:
    assert indicators.month_of("2026年11月").key == "2026-11"
    assert indicators.month_of("2026/3").key == "2026-03"
    assert indicators.month_of(202611).key == "2026-11"
    assert indicators.month_of(" 2026-11 ").label == "2026年11月"


def test_a_correction_is_version_checked_and_audited(cast: Cast) -> None:
    made = record(cast, MONTH, **figures())
    with pytest.raises(StaleWrite):
        indicators.indicator_update(
            actor=cast.coordinator,
            indicator_id=made.pk,
            expected_version=made.version + 1,
            values=IndicatorValues(**figures(output_value="900")),
        )
    changed = indicators.indicator_update(
        actor=cast.enterprise_user,
        indicator_id=made.pk,
        expected_version=made.version,
        values=IndicatorValues(**figures(output_value="900", taxes=None)),
    )
    assert (changed.output_value, changed.taxes, changed.version) == (Decimal("900.00"), None, 2)
    entry = AuditEntry.objects.get(object_id=str(made.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["output_value"] == ["1000.00", "900.00"]
    with pytest.raises(PermissionDenied):
        indicators.indicator_update(
            actor=cast.leader,
            indicator_id=made.pk,
            expected_version=changed.version,
            values=IndicatorValues(**figures()),
        )


# ---------------------------------------------------------------------------------------------
# Falls


def test_a_fall_beyond_the_threshold_against_either_month_is_flagged(cast: Cast, settings: Any) -> None:
    record(cast, LAST_YEAR, **figures(output_value="2,000", taxes="100"))
    record(cast, PREVIOUS, **figures(output_value="1,000", revenue="800", electricity="50"))
    now = record(
        cast,
        MONTH,
        **figures(output_value="890", revenue="720", electricity="46", employees=300, taxes="95"),
    )
    # 产值 −11 % against last month and −55.5 % against last year; 收入 exactly −10 %: no fall;
    # 用电 −8 %: none; 税收 −5 % against last year: none.
    assert _falls_of(now, cast.coordinator) == {
        ("output_value", Against.PREVIOUS_MONTH),
        ("output_value", Against.LAST_YEAR),
    }
    (fall,) = indicators.falls(user=cast.coordinator, month=MONTH)
    assert (fall.enterprise_name, fall.worst) == (cast.home.name, Decimal("55.5"))
    assert fall.drops[0].text == "工业产值环比下降 11%"
    assert fall.drops[1].detail == "2,000 → 890 万元（同比下降 55.5%）"
    settings.ZHUQI_INDICATOR_FALL_PERCENT = 4
    assert _falls_of(now, cast.coordinator) >= {
        ("revenue", Against.PREVIOUS_MONTH),
        ("electricity", Against.PREVIOUS_MONTH),
        ("taxes", Against.LAST_YEAR),
    }


def test_no_fall_without_a_month_to_compare_or_from_nothing(cast: Cast) -> None:
    record(cast, PREVIOUS, **figures(output_value="0", revenue=None))
    now = record(cast, MONTH, **figures(output_value="0", revenue="10"))
    assert _falls_of(now, cast.coordinator) == set()


def test_falls_are_read_in_one_query_and_filter_by_enterprises_and_region(cast: Cast) -> None:
    for enterprise in (cast.home, cast.neighbour):
        record(cast, PREVIOUS, enterprise, **figures())
        record(cast, MONTH, enterprise, **figures(output_value="500"))
    with CaptureQueriesContext(connection) as queries:
        found = indicators.falls(user=cast.coordinator, month=MONTH)
    assert len(queries) == 1
    assert {f.enterprise_id for f in found} == {cast.home.pk, cast.neighbour.pk}
    only = indicators.falls(user=cast.coordinator, month=MONTH, enterprise_ids=[cast.neighbour.pk])
    assert [f.enterprise_id for f in only] == [cast.neighbour.pk]
    assert not indicators.falls(user=cast.admin, month=MONTH, region_code="140200")
    assert indicators.falls(user=cast.liaison, month=MONTH)[0].enterprise_id == cast.home.pk
    assert len(indicators.falls(user=cast.liaison, month=MONTH)) == 1


def test_the_months_totals_compare_like_for_like(cast: Cast) -> None:
    record(cast, PREVIOUS, **figures(output_value="1,000"))
    record(cast, MONTH, **figures(output_value="1,100"))
    # Reported this month only: counted in the month's total, not in the comparison.
    record(cast, MONTH, cast.neighbour, **figures(output_value="300"))
    overview = indicators.month_overview(user=cast.coordinator, month=MONTH)
    output = next(t for t in overview.totals if t.field == "output_value")
    assert (overview.reported, output.now, output.previous, output.last_year) == (
        2,
        Decimal("1400.00"),
        Decimal("1000.00"),
        None,
    )
    assert output.month_on_month == Decimal("40.0")


def test_an_enterprises_thirteen_months(cast: Cast) -> None:
    record(cast, LAST_YEAR, **figures(output_value="2,000"))
    record(cast, PREVIOUS, **figures())
    record(cast, MONTH, **figures(output_value="700"))
    with CaptureQueriesContext(connection) as queries:
        history = indicators.enterprise_history(user=cast.coordinator, enterprise_id=cast.home.pk)
    assert len(queries) == 2  # its latest month, then the months
    assert len(history) == 13
    assert (history[0].month, history[1].month, history[12].month) == (MONTH, PREVIOUS, LAST_YEAR)
    assert {d.against for d in history[0].dropped["output_value"]} == {
        Against.PREVIOUS_MONTH,
        Against.LAST_YEAR,
    }
    assert history[2].row is None and not history[12].drops


# ---------------------------------------------------------------------------------------------
# Telling of a new fall


def _watched(cast: Cast) -> Any:
    """The cast's home enterprise in an active campaign whose task force has a member with an
    account; returns that member's user."""
    made = scene.campaign(cast)
    member = TaskForceMember.objects.get(task_force=made.task_force, official__isnull=False)
    return make_user("lu", Role.LEADER, official=member.official, region=cast.home.region)


def _told(user: Any) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, key__startswith="indicator-fall:"))


def test_a_new_fall_is_told_once_to_the_liaison_the_coordinators_and_the_task_force(cast: Cast) -> None:
    member = _watched(cast)
    record(cast, PREVIOUS, actor=cast.enterprise_user, **figures())
    assert not Notice.objects.filter(key__startswith="indicator-fall:").exists()
    now = record(cast, MONTH, actor=cast.enterprise_user, **figures(output_value="800"))
    for user in (cast.liaison, cast.coordinator, member):
        (notice,) = _told(user)
        assert notice.title == f"{cast.home.name}{MONTH.label}运行指标下滑"
        assert "工业产值环比下降 20%" in notice.body
        assert notice.link == f"/task-forces/indicators/enterprise/{cast.home.pk}/?month={MONTH.key}"
    # Neither the writer, nor anyone outside: nor the neighbour's people.
    assert not _told(cast.enterprise_user) and not _told(cast.outsider) and not _told(cast.handler)
    # Written again, the same fall is not told again; a further fall is.
    indicators.indicator_update(
        actor=cast.coordinator,
        indicator_id=now.pk,
        expected_version=now.version,
        values=IndicatorValues(**figures(output_value="790")),
    )
    assert len(_told(cast.liaison)) == 1
    indicators.indicator_update(
        actor=cast.coordinator,
        indicator_id=now.pk,
        expected_version=now.version + 1,
        values=IndicatorValues(**figures(output_value="790", revenue="100")),
    )
    assert len(_told(cast.liaison)) == 2


def test_an_earlier_month_written_late_can_make_a_fall(cast: Cast) -> None:
    record(cast, MONTH, **figures(output_value="500"))
    assert not _told(cast.liaison)
    record(cast, PREVIOUS, **figures(output_value="1,000"))
    (notice,) = _told(cast.liaison)
    assert MONTH.label in notice.title


# ---------------------------------------------------------------------------------------------
# Import


HEADER = [
    "统一社会信用代码",
    "企业名称",
    "工业产值（万元）",
    "营业收入（万元）",
    "从业人员（人）",
    "税收（万元）",
]


def _sheet(rows: list[list[Any]], header: list[str] | None = None) -> io.BytesIO:
    columns = [(title, 20) for title in header or HEADER]
    return io.BytesIO(write_workbook("运行指标", columns, rows))


def _import(cast: Cast, rows: list[list[Any]], **options: Any) -> indicators.IndicatorImportReport:
    options.setdefault("month", MONTH.key)
    header = options.pop("header", None)
    return indicators.import_indicators(
        actor=options.pop("actor", cast.coordinator),
        stream=_sheet(rows, header),
        filename="运行指标.xlsx",
        **options,
    )


def test_an_import_with_one_bad_row_writes_nothing_or_skips_it(cast: Cast) -> None:
    rows: list[list[Any]] = [[cast.home.uscc, "", "1,200.5", 900, 300, 40]]
    rows += [["", cast.neighbour.name, 800, None, 120, None]]
    rows += [[cast.datong.uscc, "", 100, 100, 10, 1]]  # outside the jurisdiction
    rows += [[cast.home.uscc, "", 10, 10, 10, 1]]  # the same enterprise again
    rows += [["", cast.neighbour.name, -1, "abc", 1.5, None]]  # bad values (and again)
    report = _import(cast, rows)
    assert not report.written and not OperatingIndicator.objects.exists()
    assert {(e.row, e.column) for e in report.errors} >= {
        (4, "统一社会信用代码"),
        (5, "统一社会信用代码"),
        (6, "工业产值（万元）"),
        (6, "营业收入（万元）"),
        (6, "从业人员（人）"),
    }
    assert "第2行" in next(e.message for e in report.errors if e.row == 5)
    report = _import(cast, rows, skip_invalid=True)
    assert (report.written, report.created, report.bad_row_numbers) == (True, 2, [4, 5, 6])
    home = OperatingIndicator.objects.get(enterprise=cast.home)
    assert (home.output_value, home.source, home.month) == (
        Decimal("1200.50"),
        IndicatorSource.IMPORTED,
        MONTH.start,
    )
    assert AuditEntry.objects.filter(source="import", action=AuditEntry.Action.CREATE).count() == 2


def test_reimporting_a_month_updates_what_it_gives_and_tells_of_falls(cast: Cast) -> None:
    record(cast, PREVIOUS, **figures())
    _import(cast, [[cast.home.uscc, "", 1000, 800, 300, 40]])
    assert not _told(cast.liaison)
    report = _import(cast, [[cast.home.uscc, "", 600, None, 300, 40]])
    assert (report.updated, report.unchanged, report.falls) == (1, 0, 1)
    home = OperatingIndicator.objects.get(enterprise=cast.home, month=MONTH.start)
    # A blank cell leaves the stored value.
    assert (home.output_value, home.revenue, home.version) == (Decimal("600.00"), Decimal("800.00"), 2)
    assert len(_told(cast.liaison)) == 1
    again = _import(cast, [[cast.home.uscc, "", 600, None, 300, 40]])
    assert (again.updated, again.unchanged, again.falls) == (0, 1, 0)


def test_an_import_reads_the_month_from_its_column(cast: Cast) -> None:
    header = ["企业名称", "月份", "工业产值"]
    report = _import(
        cast,
        [
            [cast.home.name, f"{PREVIOUS.start.year}年{PREVIOUS.start.month}月", 100],
            [cast.home.name, MONTH.key, 50],
        ],
        header=header,
        month=None,
    )
    assert (report.written, report.created) == (True, 2), report.errors
    with pytest.raises(indicators.ImportFileError):
        _import(cast, [[cast.home.name, 1]], header=["企业名称", "工业产值"], month=None)
    with pytest.raises(indicators.ImportFileError):
        _import(cast, [[cast.home.name, 1]], header=["企业名称", "备注"])


def test_a_dry_run_counts_without_writing_and_the_handler_may_not_import(cast: Cast) -> None:
    record(cast, MONTH, **figures())
    report = _import(
        cast, [[cast.home.uscc, "", 1, 1, 1, 1], [cast.neighbour.uscc, "", 1, 1, 1, 1]], dry_run=True
    )
    assert (report.written, report.created, report.updated) == (False, 1, 1)
    assert OperatingIndicator.objects.count() == 1
    with pytest.raises(PermissionDenied):
        _import(cast, [[cast.home.uscc, "", 1, 1, 1, 1]], actor=cast.handler)
    # The enterprise imports only its own.
    report = _import(
        cast,
        [[cast.home.uscc, "", 1, 1, 1, 1], [cast.neighbour.uscc, "", 1, 1, 1, 1]],
        actor=cast.enterprise_user,
    )
    assert report.bad_row_numbers == [3]


# ---------------------------------------------------------------------------------------------
# API


def _fallen_month(cast: Cast) -> OperatingIndicator:
    record(cast, PREVIOUS, **figures())
    record(cast, PREVIOUS, cast.neighbour, **figures())
    record(cast, MONTH, cast.neighbour, **figures(output_value="990"))
    return record(cast, MONTH, **figures(output_value="1,200.5", revenue="600"))


def test_the_api_lists_with_falls_and_filters_by_fallen(cast: Cast) -> None:
    from zhuqi.taskforces.indicator_api import IndicatorOut, indicator_json

    fallen = _fallen_month(cast)
    client = token_client("coordinator")
    body = client.get(f"/api/v1/indicators?month={MONTH.key}").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == fallen.pk)
    assert (item["fallen"], item["month"], item["output_value"]) == (True, MONTH.key, "1200.50")
    assert [(d["field"], d["against"], d["percent"]) for d in item["drops"]] == [
        ("revenue", "previous_month", "25.0")
    ]
    # Sent as built, exactly as the schema would send it.
    row = OperatingIndicator.objects.filter(pk=fallen.pk).values(*indicators.ROW_COLUMNS).get()
    drops = indicators.drops_for_rows(user=cast.coordinator, rows=[row])[fallen.pk]
    assert item == as_sent(IndicatorOut, indicator_json(row, drops))
    only = client.get(f"/api/v1/indicators?month={MONTH.key}&fallen=true").json()
    assert [i["id"] for i in only["items"]] == [fallen.pk]
    others = client.get(f"/api/v1/indicators?month={MONTH.key}&fallen=false").json()
    assert fallen.pk not in [i["id"] for i in others["items"]] and others["count"] == 1
    refused = client.get("/api/v1/indicators?fallen=true")
    assert refused.status_code == 422 and "fallen" in refused.content.decode()
    assert client.get("/api/v1/indicators?month=2026-13").status_code == 422
    assert token_client("outsider").get("/api/v1/indicators").json()["count"] == 0
    mine = token_client("enterprise").get("/api/v1/indicators").json()
    assert {i["enterprise"] for i in mine["items"]} == {cast.home.pk}


def test_the_api_lists_falls_of_a_month(cast: Cast) -> None:
    fallen = _fallen_month(cast)
    body = token_client("coordinator").get(f"/api/v1/indicators/falls?month={MONTH.key}").json()
    assert (body["month"], body["threshold"]) == (MONTH.key, "10")
    (item,) = body["items"]
    assert (item["indicator"], item["enterprise_name"], item["worst"]) == (fallen.pk, cast.home.name, "25.0")
    assert item["drops"][0]["text"] == "营业收入环比下降 25%"
    # Without a month: the latest month reported.
    assert token_client("liaison").get("/api/v1/indicators/falls").json()["month"] == MONTH.key
    assert token_client("outsider").get(f"/api/v1/indicators/falls?month={MONTH.key}").json()["items"] == []


def test_the_api_records_and_corrects_one_month(cast: Cast) -> None:
    client = token_client("liaison")
    payload = {"enterprise": cast.home.pk, "month": MONTH.key, "output_value": "1,000", "employees": 120}
    created = send(client, "post", "/api/v1/indicators", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["output_value"], body["employees"], body["version"], body["source"]) == (
        "1000.00",
        120,
        1,
        "entered",
    )
    again = send(client, "post", "/api/v1/indicators", payload)
    assert again.status_code == 422 and "已填报" in again.json()["detail"][0]["msg"]
    url = f"/api/v1/indicators/{body['id']}"
    stale = send(client, "put", url, {"version": 5, "output_value": 900})
    assert stale.status_code == 409
    changed = send(client, "put", url, {"version": 1, "output_value": 900, "employees": 120})
    assert changed.status_code == 200 and changed.json()["output_value"] == "900.00"
    assert send(token_client("outsider"), "get", url).status_code == 404
    assert send(token_client("leader"), "put", url, {"version": 2, "output_value": 1}).status_code == 403
    bad = send(client, "post", "/api/v1/indicators", {**payload, "month": PREVIOUS.key, "taxes": "-1"})
    assert bad.status_code == 422 and {e["loc"][-1] for e in bad.json()["detail"]} == {"taxes"}


def test_the_api_imports_a_month(cast: Cast) -> None:
    client = token_client("coordinator")
    rows: list[list[Any]] = [[cast.home.uscc, "", 1000, 800, 300, 40], ["", "不存在的企业", 1, 1, 1, 1]]
    url = f"/api/v1/indicators/import?month={MONTH.key}"
    refused = client.post(url, {"file": _named(_sheet(rows))})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "file", "3", "企业名称"]
    assert not OperatingIndicator.objects.exists()
    done = client.post(url + "&skip_invalid=true", {"file": _named(_sheet(rows))})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["written"], body["created"], [s["row"] for s in body["skipped"]]) == (True, 1, [3])
    not_a_table = client.post(url, {"file": _named(io.BytesIO(b"not a workbook"))})
    assert not_a_table.status_code == 422


def _named(stream: io.BytesIO, name: str = "运行指标.xlsx") -> io.BytesIO:
    stream.name = name
    return stream


# ---------------------------------------------------------------------------------------------
# Pages


def _browser(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _open_case(cast: Cast, title: str = "原料运输受阻") -> Any:
    from zhuqi.cases.models import CaseCategory
    from zhuqi.cases.origins import NewCase

    return case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND,
            title=title,
            description=f"{title}，请协调",
            category_id=CaseCategory.objects.first().pk,
        ),
    )


def test_the_month_page_marks_falls_with_the_cases_beside_them(cast: Cast) -> None:
    fallen = _fallen_month(cast)
    case = _open_case(cast)
    page = _browser("coordinator").get(f"/task-forces/indicators/?month={MONTH.key}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{MONTH.start.year}年{MONTH.start.month}月重点企业运行监测" in html
    assert "1,200.5" in html and "2,190.5" in html  # amounts with separators; the month's total
    assert "环比 ↓25%" in html
    assert f'href="/cases/{case.pk}/"' in html and "原料运输受阻" in html
    assert html.count('data-testid="indicator-row"') == 2
    only = (
        _browser("coordinator")
        .get(f"/task-forces/indicators/?month={MONTH.key}&fallen=true")
        .content.decode()
    )
    assert (
        only.count('data-testid="indicator-row"') == 1
        and cast.neighbour.name not in only.split("indicator-table")[1]
    )
    assert fallen.pk
    # Without a month: the latest reported.
    assert (
        f"{MONTH.start.year}年{MONTH.start.month}月"
        in _browser("liaison").get("/task-forces/indicators/").content.decode()
    )
    assert f"{MONTH.start:%Y-%m-%d}" not in html and "1200.50" not in html


def test_the_month_pages_queries_do_not_grow_with_its_rows(cast: Cast) -> None:
    _fallen_month(cast)
    client = _browser("coordinator")
    client.get(f"/task-forces/indicators/?month={MONTH.key}")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/task-forces/indicators/?month={MONTH.key}")
    for number in range(8):
        enterprise = EnterpriseFactory(region=cast.home.region)
        record(cast, PREVIOUS, enterprise, **figures())
        record(cast, MONTH, enterprise, **figures(output_value=str(500 + number)))
        _open_case(cast, f"事项{number}") if number < 2 else None
    with CaptureQueriesContext(connection) as many:
        client.get(f"/task-forces/indicators/?month={MONTH.key}")
    assert len(many) == len(few)


def test_an_enterprises_page_shows_thirteen_months_and_its_cases(cast: Cast) -> None:
    _fallen_month(cast)
    _open_case(cast)
    page = _browser("liaison").get(f"/task-forces/indicators/enterprise/{cast.home.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="indicator-history-row"') == 13
    assert "营业收入环比下降 25%" in html and "原料运输受阻" in html
    assert f"{LAST_YEAR.start.year}年{LAST_YEAR.start.month}月" in html
    assert 'data-testid="indicator-enter"' in html
    assert _browser("outsider").get(f"/task-forces/indicators/enterprise/{cast.home.pk}/").status_code == 404
    leader = _browser("leader").get(f"/task-forces/indicators/enterprise/{cast.home.pk}/").content.decode()
    assert 'data-testid="indicator-enter"' not in leader


def test_the_entry_form_records_then_opens_the_month_as_its_correction(cast: Cast) -> None:
    client = _browser("coordinator")
    record(cast, PREVIOUS, **figures())
    form = client.get(
        f"/task-forces/indicators/new/?enterprise={cast.home.pk}&month={MONTH.key}"
    ).content.decode()
    # Last month's values offered beside the boxes.
    assert f"{PREVIOUS.start.year}年{PREVIOUS.start.month}月：1,000 万元" in form
    posted = {"enterprise": cast.home.pk, "month": MONTH.key, "output_value": "1,100", "employees": "300"}
    saved = client.post("/task-forces/indicators/new/", posted)
    assert saved.status_code == 302 and saved["Location"].endswith(
        f"/enterprise/{cast.home.pk}/?month={MONTH.key}"
    )
    made = OperatingIndicator.objects.get(enterprise=cast.home, month=MONTH.start)
    again = client.get(
        f"/task-forces/indicators/new/?enterprise={cast.home.pk}&month={MONTH.key}"
    ).content.decode()
    assert f'name="indicator" value="{made.pk}"' in again and 'value="1100"' in again
    stale = client.post(
        "/task-forces/indicators/new/",
        {**posted, "output_value": "5", "indicator": made.pk, "version": made.version + 3},
        follow=True,
    ).content.decode()
    # Refused, and the form shows what is stored now, at its version.
    assert (
        "已被他人修改" in stale
        and 'value="1100"' in stale
        and f'name="version" value="{made.version}"' in stale
    )
    made.refresh_from_db()
    assert made.output_value == Decimal("1100.00")
    bad = client.post(
        "/task-forces/indicators/new/", {**posted, "month": PREVIOUS.key, "taxes": "-3"}
    ).content.decode()
    assert "已填报" in bad and "不能为负数" in bad
    assert _browser("handler").get("/task-forces/indicators/new/").status_code == 403
    mine = _browser("enterprise").get("/task-forces/indicators/new/").content.decode()
    assert cast.home.name in mine and 'data-testid="indicator-enterprise"' in mine


def test_the_import_page_names_each_bad_cell_and_writes_nothing(cast: Cast) -> None:
    client = _browser("coordinator")
    assert client.get("/task-forces/indicators/import/").status_code == 200
    rows: list[list[Any]] = [
        [cast.home.uscc, "", 1000, 800, 300, 40],
        [cast.neighbour.uscc, "", "abc", 1, 1, 1],
    ]
    page = client.post(
        "/task-forces/indicators/import/", {"month": MONTH.key, "file": _named(_sheet(rows))}
    ).content.decode()
    assert "整表未导入" in page and "工业产值（万元）" in page and not OperatingIndicator.objects.exists()
    page = client.post(
        "/task-forces/indicators/import/",
        {"month": MONTH.key, "skip_invalid": "on", "file": _named(_sheet(rows))},
        follow=True,
    ).content.decode()
    assert OperatingIndicator.objects.count() == 1 and "新增 1" in page
    template = client.get(f"/task-forces/indicators/template.xlsx?month={MONTH.next().key}")
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert _browser("handler").post("/task-forces/indicators/import/", {}).status_code == 403


def test_a_handler_reads_its_regions_indicators(cast: Cast) -> None:
    _fallen_month(cast)
    assert indicators.falls(user=cast.handler, month=MONTH)
    assert _browser("handler").get("/task-forces/indicators/").status_code == 200
