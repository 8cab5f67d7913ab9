"""The task forces API's lists: rows read as columns and sent as built (TrustedPage) equal what
the whole-object serializer sent through the response schema, for every role on a varied set;
the page in the list's order; a fixed number of queries whatever the page's size."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhuqi.core.periods import Period
from zhuqi.directory.models import Region
from zhuqi.taskforces import schemas, selectors, services
from zhuqi.taskforces.models import Campaign, CampaignEnterprise, CampaignReport
from zhuqi.taskforces.services import CampaignData, EnrolRule, ReportData, TaskForceData
from zhuqi.taskforces.tests import scene
from zhuqi.testing.api import as_sent, is_ids_query, token_client, validated_items
from zhuqi.testing.factories import Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "coordinator", "leader", "handler", "liaison", "enterprise"]


def a_varied_set(cast: Cast) -> Campaign:
    """Huolinguole's daily campaign over its two enterprises and a third (no department), with
    reports on time, late, corrected, with a difficulty; a weekly campaign of a Tongliao task
    force without a lead department, ended; a Datong task force nobody here sees."""
    daily = scene.campaign(cast)
    third = EnterpriseFactory(name="霍林郭勒第三企业有限公司", region=cast.home.region, above_scale=True)
    services.campaign_enrol_by_rule(
        actor=cast.coordinator, campaign_id=daily.pk, rule=EnrolRule(above_scale=True)
    )
    scene.report(cast, daily, status="部分复工", staff_present=50, capacity="75.5", output="120.25")
    scene.report(cast, daily, day=scene.today() - datetime.timedelta(days=4))  # late
    scene.report(
        cast,
        daily,
        actor=cast.handler,
        enterprise=cast.neighbour,
        status="未复工",
        difficulty="返岗用工不足，物流不畅",
    )
    scene.report(cast, daily, actor=cast.coordinator, enterprise=third, status="全面复工")
    services.report_submit(
        actor=cast.coordinator,
        campaign_id=daily.pk,
        data=ReportData(
            enterprise_id=third.pk,
            period=str(scene.today()),
            values={"status": "部分复工", "output": "88"},
            correction=True,
            expected_version=1,
        ),
    )
    tongliao = services.task_force_create(
        actor=cast.admin,
        data=TaskForceData(
            name="通辽市稳产保供工作专班",
            region_code="150500",
            starts_on=scene.today() - datetime.timedelta(days=60),
        ),
    )
    weekly = services.campaign_create(
        actor=cast.admin,
        data=CampaignData(
            task_force_id=tongliao.pk,
            name="稳产保供专项检查",
            kind="stable_supply",
            cadence="weekly",
            starts_on=scene.today() - datetime.timedelta(days=50),
            ends_on=scene.today() - datetime.timedelta(days=10),
        ),
    )
    services.campaign_enrol(
        actor=cast.admin, campaign_id=weekly.pk, enterprise_ids=[cast.home.pk, cast.tongliao.pk]
    )
    week = scene.today() - datetime.timedelta(days=20)
    for enterprise in (cast.home, cast.tongliao):
        services.report_submit(
            actor=cast.admin,
            campaign_id=weekly.pk,
            data=ReportData(
                enterprise_id=enterprise.pk,
                period=Period.containing("week", week).key,
                values={"status": "正常生产", "stock_days": 12},
            ),
        )
    services.task_force_create(
        actor=cast.outsider,
        data=TaskForceData(name="大同专班", region_code="140200", starts_on=scene.today()),
    )
    return daily


def _enrolment_json(enrolment: CampaignEnterprise) -> dict[str, Any]:
    last = (
        CampaignReport.objects.filter(
            campaign_id=enrolment.campaign_id, enterprise_id=enrolment.enterprise_id
        )
        .order_by("-period_start")
        .first()
    )
    return {
        "enterprise": enrolment.enterprise_id,
        "enterprise_name": enrolment.enterprise.name,
        "region": enrolment.region_id,
        "region_name": enrolment.region.name,
        "department": enrolment.department_id,
        "department_name": enrolment.department.name if enrolment.department else "",
        "via": enrolment.via,
        "via_label": enrolment.get_via_display(),
        "enrolled_at": enrolment.enrolled_at,
        "last_report": None
        if last is None
        else {
            "period": last.period_key,
            "period_label": schemas.period_label(last.period_key),
            "status_value": last.status_value,
            "late": last.late,
            "submitted_at": last.submitted_at,
        },
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_send_what_the_validated_serializer_sent(cast: Cast, role: str) -> None:
    a_varied_set(cast)
    user = cast.by_role(role)
    client = token_client(role)

    def listed(url: str) -> list[Any]:
        body = client.get(url, {"page_size": 500}).json()
        assert body["count"] == len(body["items"]) and not body["count_capped"]
        return list(body["items"])

    forces = selectors.task_force_queryset(user=user)
    assert listed("/api/v1/task-forces") == validated_items(
        schemas.TaskForceOut, schemas.task_force_json, forces
    )
    campaigns = list(selectors.campaign_queryset(user=user))
    assert listed("/api/v1/campaigns") == validated_items(
        schemas.CampaignOut, schemas.campaign_json, campaigns
    )
    seen_reports = 0
    for campaign in campaigns:
        enrolments = selectors.enrolment_queryset(user=user, campaign=campaign).order_by(
            "region_id", "department_id", "id"
        )
        assert listed(f"/api/v1/campaigns/{campaign.pk}/enterprises") == validated_items(
            schemas.EnrolmentOut, _enrolment_json, enrolments
        )
        reports = selectors.report_queryset(user=user, campaign=campaign).order_by(
            "-period_start", "-region_id", "-id"
        )
        assert listed(f"/api/v1/campaigns/{campaign.pk}/reports") == validated_items(
            schemas.CampaignReportOut, schemas.report_json, reports
        )
        seen_reports += len(reports)
        for enterprise_id in {r.enterprise_id for r in reports}:
            history = selectors.enterprise_history(user=user, campaign=campaign, enterprise_id=enterprise_id)
            assert listed(
                f"/api/v1/campaigns/{campaign.pk}/enterprises/{enterprise_id}/history"
            ) == validated_items(schemas.CampaignReportOut, schemas.report_json, history)
    # (task forces, campaigns, reports): the coordinator sees Tongliao's task force at work on
    # its enterprise, and only that enterprise's reports of it.
    assert (len(forces), len(campaigns), seen_reports) == {
        "admin": (3, 2, 6),
        "coordinator": (2, 2, 5),
        "leader": (2, 2, 6),
        "handler": (1, 1, 4),
        "liaison": (2, 2, 3),
        "enterprise": (2, 2, 3),
    }[role]


def test_a_row_is_sent_as_the_objects_json(cast: Cast) -> None:
    # Every column the row mappers read, against the objects' JSON through the schema.
    daily = a_varied_set(cast)
    reports = selectors.report_queryset(user=cast.admin, campaign=daily)
    rows = {row["id"]: row for row in reports.values(*schemas.REPORT_ROW_COLUMNS)}
    for report in reports:
        sent = as_sent(schemas.CampaignReportOut, schemas.report_json(report))
        assert as_sent(schemas.CampaignReportOut, schemas.report_row_json(rows[report.pk])) == sent
    assert {row["late"] for row in rows.values()} == {True, False}
    assert any(row["case_id"] for row in rows.values()) and any(row["corrections"] for row in rows.values())
    campaigns = selectors.campaign_queryset(user=cast.admin)
    by_id = {row["id"]: row for row in campaigns.values(*schemas.CAMPAIGN_ROW_COLUMNS)}
    for campaign in campaigns:
        assert as_sent(schemas.CampaignOut, schemas.campaign_row_json(by_id[campaign.pk])) == as_sent(
            schemas.CampaignOut, schemas.campaign_json(campaign)
        )


def test_the_enterprises_page_reads_ids_then_rows_and_queries_do_not_grow(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    daily = a_varied_set(cast)
    for n in range(4):
        extra = EnterpriseFactory(name=f"霍林郭勒企业{n}有限公司", region=Region.objects.get(pk="150581"))
        services.campaign_enrol(actor=cast.coordinator, campaign_id=daily.pk, enterprise_ids=[extra.pk])
    client = Client()
    client.force_login(cast.coordinator)
    url = f"/api/v1/campaigns/{daily.pk}/enterprises"
    # Session, user, the campaign, the page's ids (from the enrolments alone), their rows with
    # their last reports, the count (the page is full).
    with CaptureQueriesContext(connection) as captured:
        full = client.get(url, {"page_size": 2}).json()
    assert len(captured) == 6, [q["sql"] for q in captured.captured_queries]
    ids = [
        q["sql"] for q in captured.captured_queries if is_ids_query(q["sql"], "taskforces_campaignenterprise")
    ]
    assert len(ids) == 1 and "JOIN" not in ids[0] and "LIMIT" in ids[0]
    assert len(full["items"]) == 2 and full["count"] == 7
    with django_assert_num_queries(5):
        whole = client.get(url, {"page_size": 500}).json()
    assert whole["count"] == len(whole["items"]) == 7
    pages = [client.get(url, {"page_size": 3, "page": page}).json()["items"] for page in (1, 2, 3)]
    assert [item for page in pages for item in page] == whole["items"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/task-forces", 4),
        ("/api/v1/campaigns", 4),
        ("/api/v1/campaigns/{id}/reports", 5),
        ("/api/v1/campaigns/{id}/enterprises/{enterprise}/history", 6),
    ],
)
def test_queries_do_not_grow_with_the_page(
    cast: Cast, django_assert_num_queries: Any, url: str, queries: int
) -> None:
    daily = a_varied_set(cast)
    client = Client()
    client.force_login(cast.admin)
    url = url.format(id=daily.pk, enterprise=cast.home.pk)
    # Session, user, [the campaign, [whether the enterprise is in it]], the page, the count
    # (the page is full: one row a page).
    with django_assert_num_queries(queries):
        first = client.get(url, {"page_size": 1}).json()
    assert first["count"] >= 2, first
    # A whole list that is not full says its count itself.
    with django_assert_num_queries(queries - 1):
        whole = client.get(url, {"page_size": 500}).json()
    assert whole["items"][0] == first["items"][0] and whole["count"] == first["count"]
