"""Pages and the API refuse alike (docs/visibility.md): the role's refusal is 403 with the same
reason; every error code has one status."""

from __future__ import annotations

from zhuqi.core.errors import HTTP_STATUS, ErrorCode
from zhuqi.testing.refusals import refusals_agree


def test_every_error_code_has_a_status() -> None:
    assert set(HTTP_STATUS) == set(ErrorCode)


def test_only_an_admin_enters_a_calendar_year_on_the_page_or_through_the_api(cast) -> None:
    reason = refusals_agree(
        cast.coordinator,
        page=("post", "/calendar/2031/", {"days": "2031-10-02,休"}),
        api=("post", "/api/v1/calendar/2031", {"days": [{"date": "2031-10-02", "is_workday": False}]}),
        status=403,
    )
    assert reason == "只有系统管理员可以录入工作日历"
