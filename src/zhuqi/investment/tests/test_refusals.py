"""Pages and the API refuse alike (docs/visibility.md): the role's refusal is 403 with the same
reason."""

from __future__ import annotations

from zhuqi.testing.refusals import refusals_agree


def test_only_the_keepers_of_the_register_record_an_agreement(cast) -> None:
    reason = refusals_agree(
        cast.handler,
        page=("get", "/agreements/new"),
        api=(
            "post",
            "/api/v1/agreements",
            {"title": "战略合作协议", "kind": "strategic", "region": "150581"},
        ),
        status=403,
    )
    assert reason == "只有营商办（专班）和系统管理员可以登记合作协议"
