"""An id or a region code typed into a URL or a form by hand is read as one or refused, never a
500: "²" passes str.isdigit() but not int(), and a twenty-digit number overflows SQLite's keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhuqi.cases import services as case_services
from zhuqi.cases.models import CaseCategory, Kind
from zhuqi.cases.services import NewCase
from zhuqi.core.validators import is_id, is_region_code, parse_id
from zhuqi.notifications.models import Notice

SUPERSCRIPT_TWO = "\N{SUPERSCRIPT TWO}"
HUGE = "99999999999999999999999"

# (method, path, data): `{case}` is a case the coordinator may edit.
ODD_REQUESTS = [
    ("get", "/cases/", {"department": SUPERSCRIPT_TWO}),
    ("get", "/projects/", {"department": SUPERSCRIPT_TWO}),
    ("get", "/enterprises/", {"official": SUPERSCRIPT_TWO}),
    ("get", "/cases/", {"department": HUGE}),
    ("get", "/projects/", {"department": HUGE}),
    ("get", "/enterprises/", {"official": HUGE}),
    ("get", "/cases/", {"region": "15058" + SUPERSCRIPT_TWO}),
    ("get", "/projects/", {"region": "15058" + SUPERSCRIPT_TWO}),
    ("get", "/enterprises/", {"region": "15058" + SUPERSCRIPT_TWO}),
    ("get", "/agreements/", {"region": "15058" + SUPERSCRIPT_TWO}),
    ("post", "/cases/{case}/edit", {"enterprise": SUPERSCRIPT_TWO}),
    ("post", "/cases/{case}/edit", {"enterprise": HUGE}),
    ("post", "/notices/read", {"notice": SUPERSCRIPT_TWO}),
    ("post", "/notices/read", {"notice": HUGE}),
    ("post", "/cases/bulk-assign", {"case": SUPERSCRIPT_TWO + ":1"}),
    ("post", "/cases/bulk-assign", {"case": HUGE + ":1"}),
    ("post", "/visits/new/", {"lead_officials": SUPERSCRIPT_TWO}),
    ("post", "/visits/new/", {"lead_officials": HUGE}),
    ("get", "/visits/", {"official": SUPERSCRIPT_TWO}),
    ("get", "/visits/", {"official": HUGE}),
    ("get", "/visits/calendar/", {"official": SUPERSCRIPT_TWO}),
    ("get", "/visits/new/", {"official": SUPERSCRIPT_TWO, "enterprise": SUPERSCRIPT_TWO, "project": HUGE}),
]


@pytest.mark.parametrize(("method", "path", "data"), ODD_REQUESTS)
def test_an_odd_id_in_a_page_request_is_never_a_server_error(
    cast: Any, method: str, path: str, data: dict[str, str]
) -> None:
    case = case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND,
            title="流动资金贷款到期续贷困难",
            description="先还后贷，资金周转困难。",
            category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
        ),
    )
    client = Client(raise_request_exception=False)
    client.force_login(cast.coordinator)
    url = path.format(case=case.pk)
    if method == "post" and "{case}" in path:
        data = {"version": str(case.version), "title": case.title, "description": "先还后贷", **data}
    response = getattr(client, method)(url, data)
    assert response.status_code < 500, (url, data)


def test_an_id_is_ascii_digits_that_fit_a_key() -> None:
    assert is_id("1") and is_id("9" * 18)
    assert not is_id("") and not is_id(SUPERSCRIPT_TWO) and not is_id("9" * 19) and not is_id("-1")
    assert parse_id(" 42 ") == 42 and parse_id(SUPERSCRIPT_TWO) is None and parse_id(HUGE) is None
    assert is_region_code("150581")
    assert not is_region_code("15058" + SUPERSCRIPT_TWO) and not is_region_code("15058")


def test_a_bad_notice_id_marks_nothing_read_rather_than_the_whole_inbox(cast: Any) -> None:
    for title in ("第一条", "第二条"):
        Notice.objects.create(recipient=cast.coordinator, title=title)
    client = Client()
    client.force_login(cast.coordinator)
    response = client.post("/notices/read", {"notice": "abc"}, follow=True)
    assert response.status_code == 200
    assert Notice.objects.filter(recipient=cast.coordinator, read_at__isnull=True).count() == 2


@pytest.mark.parametrize("path", ["/cases/", "/projects/", "/enterprises/"])
def test_a_region_that_is_not_a_code_is_named_as_a_filter_error(cast: Any, path: str) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get(path, {"tab": "all", "region": "15058" + SUPERSCRIPT_TWO})
    assert response.status_code == 200 and "应为6位行政区划代码" in response.content.decode()
