"""Pages and the API refuse alike (docs/visibility.md): a robot out of scope is 404, a role that
manages no robots 403 with the same reason."""

from __future__ import annotations

from zhuqi.notifications.models import Webhook
from zhuqi.testing.refusals import refusals_agree


def test_only_admins_and_coordinators_manage_robots_on_the_page_or_through_the_api(cast) -> None:
    webhook = Webhook.objects.create(
        name="工信局群", flavour="wecom", url="https://a.example/?key=1", department=cast.handler.department
    )
    for user in (cast.handler, cast.leader, cast.auditor, cast.liaison, cast.enterprise_user):
        reason = refusals_agree(
            user, page=("get", "/notices/webhooks/"), api=("get", "/api/v1/robots"), status=403
        )
        assert reason == "只有系统管理员和营商办（专班）可以配置群机器人"
        refusals_agree(
            user,
            page=("post", f"/notices/webhooks/{webhook.pk}/test"),
            api=("post", f"/api/v1/robots/{webhook.pk}/test"),
            status=403,
        )


def test_a_robot_outside_the_jurisdiction_is_404_alike(cast) -> None:
    webhook = Webhook.objects.create(
        name="霍林郭勒市营商办群", flavour="wecom", url="https://a.example/?key=1", region_id="150581"
    )
    refusals_agree(
        cast.outsider,
        page=("get", f"/notices/webhooks/{webhook.pk}/"),
        api=("get", f"/api/v1/robots/{webhook.pk}"),
        status=404,
    )
    refusals_agree(
        cast.outsider,
        page=("post", f"/notices/webhooks/{webhook.pk}/active", {"is_active": "off", "version": 1}),
        api=("post", f"/api/v1/robots/{webhook.pk}/disable", {"version": 1}),
        status=404,
    )
