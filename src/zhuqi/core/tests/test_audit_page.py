"""The audit page, as the auditor uses it: filtered by day, by record, by action, by field and
by account, a page at a time, the filters kept from page to page."""

from __future__ import annotations

import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from zhuqi.core.models import AuditEntry
from zhuqi.enterprises import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _on(day: datetime.datetime, change) -> None:
    with patch("django.utils.timezone.now", return_value=day):
        change()


@pytest.fixture
def history(cast):
    """The coordinator edits the home enterprise on 1 and 3 March (local time, the second just
    after midnight), the admin edits the neighbour's address on 3 March."""

    def edit(actor, enterprise, data):
        enterprise.refresh_from_db()
        return lambda: services.enterprise_update(
            actor=actor, enterprise_id=enterprise.pk, data=data, expected_version=enterprise.version
        )

    _on(
        datetime.datetime(2026, 3, 1, 10, tzinfo=SHANGHAI),
        edit(cast.coordinator, cast.home, {"address": "一号路"}),
    )
    _on(
        datetime.datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI),
        edit(cast.coordinator, cast.home, {"employees": 4321}),
    )
    _on(
        datetime.datetime(2026, 3, 3, 9, tzinfo=SHANGHAI),
        edit(cast.admin, cast.neighbour, {"address": "二号路"}),
    )
    return cast


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [row for row in body.split("<tr>")[1:] if "暂无记录" not in row]


def test_the_auditor_filters_by_day_record_action_field_and_account(history) -> None:
    cast = history
    auditor = client_for(cast.auditor)
    home = f"object_type=enterprises.enterprise&object_id={cast.home.pk}"

    page = auditor.get(f"/audit/?{home}&action=update").content.decode()
    assert len(_rows(page)) == 2 and "一号路" in page and "二号路" not in page

    # Days are local days: 00:30 on 3 March in Shanghai is 2 March in UTC, and counts as 3 March.
    page = auditor.get("/audit/?date_from=2026-03-03&date_to=2026-03-03").content.decode()
    rows = _rows(page)
    assert len(rows) == 2 and "二号路" in page and "一号路" not in page
    page = auditor.get("/audit/?date_from=2026-03-01&date_to=2026-03-02").content.decode()
    assert len(_rows(page)) == 1 and "一号路" in page

    # A field by its name or by the label people see.
    for field in ("employees", "从业人员"):
        page = auditor.get(f"/audit/?action=update&field={field}").content.decode()
        assert len(_rows(page)) == 1 and "4,321" in page, field
    page = auditor.get(
        "/audit/?object_type=enterprises.enterprise&field=address&action=update"
    ).content.decode()
    assert len(_rows(page)) == 2
    # With a kind of record chosen, the field is a pick-list of that kind's fields.
    assert '<select name="field">' in page and '<option value="address" selected>' in page

    page = auditor.get("/audit/?actor=admin&action=update&date_from=2026-03-01").content.decode()
    assert len(_rows(page)) == 1 and "二号路" in page


def test_the_pages_keep_the_filters(history) -> None:
    cast = history
    for n in range(55):
        cast.home.refresh_from_db()
        services.enterprise_update(
            actor=cast.coordinator,
            enterprise_id=cast.home.pk,
            data={"address": f"{n} 号"},
            expected_version=cast.home.version,
        )
    page = client_for(cast.auditor).get("/audit/?actor=coordinator&action=update").content.decode()
    assert len(_rows(page)) == 50
    assert 'href="?actor=coordinator&amp;action=update&amp;page=2"' in page
    second = client_for(cast.auditor).get("/audit/?actor=coordinator&action=update&page=2").content.decode()
    assert len(_rows(second)) == 57 - 50


def test_a_filter_that_cannot_be_read_is_named_and_shows_nothing(history) -> None:
    auditor = client_for(history.auditor)
    for query, named in (
        ("date_from=notadate", "起始日期"),
        ("action=bogus", "操作"),
        ("object_type=bogus.model", "对象类型"),
        ("object_id=12", "对象编号"),
    ):
        page = auditor.get(f"/audit/?{query}").content.decode()
        assert "筛选条件有误" in page and named in page, query
        assert _rows(page) == [], query


@pytest.mark.parametrize("role", ["leader", "coordinator", "handler", "liaison", "enterprise_user"])
def test_only_the_auditor_and_the_admin_read_the_trail(history, role) -> None:
    assert client_for(getattr(history, role)).get("/audit/?action=update").status_code == 403
    assert AuditEntry.objects.exists()
