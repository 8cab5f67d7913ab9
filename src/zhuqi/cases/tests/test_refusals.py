"""Pages and the API refuse alike (docs/visibility.md): out of scope is 404, the role's refusal
is 403 with the same reason."""

from __future__ import annotations

from zhuqi.cases import services
from zhuqi.cases.models import Case, Kind
from zhuqi.cases.services import NewCase
from zhuqi.testing.refusals import refusals_agree


def _demand(cast, finance) -> Case:
    return services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="招工难", description="缺少熟练焊工", category_id=finance.pk),
    )


def test_a_step_the_role_may_not_take_is_403_on_the_page_and_in_the_api(cast, finance) -> None:
    case = _demand(cast, finance)
    reason = refusals_agree(
        cast.enterprise_user,
        page=("post", f"/cases/{case.pk}/accept", {"version": case.version}),
        api=("post", f"/api/v1/cases/{case.pk}/accept", {"version": case.version}),
        status=403,
    )
    assert reason == "只有营商办（专班）可以受理诉求"
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_case_out_of_scope_is_404_on_the_page_and_in_the_api(cast, finance) -> None:
    case = _demand(cast, finance)
    refusals_agree(
        cast.outsider, page=("get", f"/cases/{case.pk}/"), api=("get", f"/api/v1/cases/{case.pk}"), status=404
    )


def test_the_figures_and_the_common_problems_refuse_alike(cast) -> None:
    refusals_agree(
        cast.enterprise_user,
        page=("get", "/cases/figures/"),
        api=("get", "/api/v1/cases/figures"),
        status=403,
    )
    refusals_agree(
        cast.handler,
        page=("get", "/cases/common-problems/"),
        api=("get", "/api/v1/cases/common-problems"),
        status=403,
    )
