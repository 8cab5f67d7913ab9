"""Pages and the API refuse alike (docs/visibility.md): out of scope is 404, the role's refusal
is 403 with the same reason."""

from __future__ import annotations

from zhuqi.testing.refusals import refusals_agree


def test_a_role_that_may_change_nothing_is_refused_the_edit_alike(cast) -> None:
    reason = refusals_agree(
        cast.leader,
        page=("get", f"/enterprises/{cast.home.pk}/edit"),
        api=("patch", f"/api/v1/enterprises/{cast.home.pk}", {"address": "x", "version": 1}),
        status=403,
    )
    assert reason == "您无权修改该企业的信息"


def test_an_enterprise_out_of_scope_is_404_alike(cast) -> None:
    refusals_agree(
        cast.outsider,
        page=("get", f"/enterprises/{cast.home.pk}/edit"),
        api=("patch", f"/api/v1/enterprises/{cast.home.pk}", {"address": "x", "version": 1}),
        status=404,
    )
