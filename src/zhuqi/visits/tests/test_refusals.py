"""Pages and the API refuse alike (docs/visibility.md): the role's refusal is 403 with the same
reason."""

from __future__ import annotations

from zhuqi.testing.refusals import refusals_agree


def test_the_coverage_figures_are_refused_alike(cast) -> None:
    reason = refusals_agree(
        cast.liaison,
        page=("get", "/visits/coverage/"),
        api=("get", "/api/v1/assignments/coverage"),
        status=403,
    )
    assert reason == "包联覆盖情况只对领导、营商办、管理员和审计员开放"
