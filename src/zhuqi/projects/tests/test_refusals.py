"""Pages and the API refuse alike (docs/visibility.md): out of scope is 404, the role's refusal
is 403 with the same reason."""

from __future__ import annotations

from zhuqi.testing.factories import make_project
from zhuqi.testing.refusals import refusals_agree


def test_only_the_keepers_of_the_library_add_a_project_on_the_page_or_through_the_api(cast) -> None:
    reason = refusals_agree(
        cast.handler,
        page=("get", "/projects/new"),
        api=(
            "post",
            "/api/v1/projects",
            {"name": "铝箔项目", "region": "150581", "total_investment": "1000"},
        ),
        status=403,
    )
    assert reason == "只有营商办（专班）和系统管理员可以维护重点项目库"


def test_a_project_out_of_scope_is_404_alike(cast) -> None:
    project = make_project()
    refusals_agree(
        cast.outsider,
        page=("get", f"/projects/{project.pk}/"),
        api=("get", f"/api/v1/projects/{project.pk}"),
        status=404,
    )
