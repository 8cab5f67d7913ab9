"""Task forces, campaigns and their reports through the services: who may do what, what is
refused and why, the cases difficulties become, and the board's figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from zhuqi.cases.models import Kind, Source, Urgency
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.taskforces import figures, selectors, services
from zhuqi.taskforces.models import CampaignReport, Channel, MemberRole
from zhuqi.taskforces.services import EnrolRule, ReportData
from zhuqi.taskforces.tests import scene
from zhuqi.testing.factories import Cast, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def test_a_task_force_keeps_its_leaders_with_their_posts_and_is_audited(cast: Cast) -> None:
    force = scene.task_force(cast)
    leader = force.members.get(role=MemberRole.LEADER)
    assert (leader.official.name, leader.title) == ("卢东亮", "市委副书记、市长")
    assert AuditEntry.objects.filter(object_id=str(force.pk), action=AuditEntry.Action.CREATE).exists()


def test_only_the_office_sets_up_task_forces(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.task_force_create(
            actor=cast.handler,
            data=services.TaskForceData(name="专班", region_code="150581", starts_on=scene.today()),
        )


def test_a_task_force_outside_the_jurisdiction_or_without_a_leader_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.task_force_create(
            actor=cast.coordinator,
            data=services.TaskForceData(
                name="专班",
                region_code="140200",
                starts_on=scene.today(),
                ends_on=scene.today() - datetime.timedelta(days=1),
                members=[services.MemberData(role="member", department_id=cast.handler.department_id)],
            ),
        )
    assert set(_errors(failure)) == {"region", "ends_on", "members"}


def test_a_new_campaign_starts_from_its_kinds_form(cast: Cast) -> None:
    made = scene.campaign(cast)
    keys = [f["key"] for f in made.report_form]
    assert keys[:3] == ["status", "staff_present", "staff_expected"]
    assert "difficulty" in keys


def test_a_bad_form_is_refused_naming_the_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        scene.campaign(
            cast,
            enrol=False,
            report_form=[
                {
                    "key": "status",
                    "label": "状态",
                    "kind": "choice",
                    "choices": ["a", "b"],
                    "measure": "status",
                },
                {"key": "n", "label": "人数", "kind": "integer", "min": 10, "max": 5},
                {"key": "n", "label": "重复", "kind": "colour"},
            ],
        )
    assert set(_errors(failure)) == {
        "report_form[0].done",
        "report_form[1].max",
        "report_form[2].key",
        "report_form[2].kind",
    }


def test_enterprises_outside_the_task_forces_region_are_refused(cast: Cast) -> None:
    made = scene.campaign(cast, enrol=False)
    with pytest.raises(ValidationFailed) as failure:
        services.campaign_enrol(
            actor=cast.admin, campaign_id=made.pk, enterprise_ids=[cast.home.pk, cast.datong.pk]
        )
    assert "大同瑞铖钢结构有限公司" in _errors(failure)["enterprises"]
    assert not made.enrolments.exists()


def test_enrol_by_rule_picks_from_the_registry(cast: Cast) -> None:
    made = scene.campaign(cast, enrol=False)
    EnterpriseFactory(name="霍林郭勒规上企业有限公司", region=cast.home.region, above_scale=True)
    added = services.campaign_enrol_by_rule(
        actor=cast.coordinator, campaign_id=made.pk, rule=EnrolRule(above_scale=True)
    )
    assert [e.enterprise.name for e in added] == ["霍林郭勒规上企业有限公司"]


def test_an_enterprise_reports_and_its_difficulty_becomes_a_same_day_case(cast: Cast) -> None:
    made = scene.campaign(cast)
    report = scene.report(
        cast, made, status="部分复工", staff_present="80", difficulty="原料运输受阻，物流车辆进不来"
    )
    assert report.channel == Channel.ENTERPRISE
    # 应到人数 comes from the registry (the enterprise's 从业人员), never asked.
    assert (report.status_value, report.staff_present, report.staff_expected) == (
        "部分复工",
        80,
        cast.home.employees,
    )
    case = report.case
    assert case is not None
    assert (case.kind, case.urgency, case.source, case.enterprise_id) == (
        Kind.DEMAND,
        Urgency.SAME_DAY,
        Source.TASK_FORCE,
        cast.home.pk,
    )
    assert case.category.name == "物流"


def test_the_registry_answers_what_it_knows(cast: Cast) -> None:
    cast.home.employees = 120
    cast.home.save()
    made = scene.campaign(cast)
    report = scene.report(cast, made, status="全面复工", staff_present=110)
    assert report.staff_expected == 120


def test_refusals_name_the_field(cast: Cast) -> None:
    made = scene.campaign(cast)
    cases = [
        (cast.tongliao, scene.today(), {"status": "全面复工"}, "enterprise"),
        (cast.home, scene.today() + datetime.timedelta(days=1), {"status": "全面复工"}, "period"),
        (cast.home, scene.today() - datetime.timedelta(days=40), {"status": "全面复工"}, "period"),
        (cast.home, scene.today(), {"status": "开工"}, "values.status"),
        (cast.home, scene.today(), {"status": "全面复工", "capacity": "180"}, "values.capacity"),
        (cast.home, scene.today(), {"status": "全面复工", "staff_present": "8.5"}, "values.staff_present"),
        (cast.home, scene.today(), {"status": "全面复工", "colour": "红"}, "values.colour"),
        (cast.home, scene.today(), {}, "values.status"),
    ]
    for enterprise, day, values, field in cases:
        with pytest.raises(ValidationFailed) as failure:
            services.report_submit(
                actor=cast.coordinator,
                campaign_id=made.pk,
                data=ReportData(enterprise_id=enterprise.pk, period=day.isoformat(), values=values),
            )
        assert field in _errors(failure), (values, _errors(failure))
    assert not CampaignReport.objects.exists()


def test_a_second_report_is_refused_unless_a_correction_which_replaces_it(cast: Cast) -> None:
    made = scene.campaign(cast)
    first = scene.report(cast, made, status="部分复工")
    with pytest.raises(ValidationFailed) as failure:
        scene.report(cast, made, status="全面复工")
    assert "已报送" in _errors(failure)["period"]
    data = ReportData(
        enterprise_id=cast.home.pk,
        period=first.period_key,
        values={"status": "全面复工"},
        correction=True,
        expected_version=1,
    )
    with pytest.raises(StaleWrite):
        services.report_submit(
            actor=cast.enterprise_user,
            campaign_id=made.pk,
            data=ReportData(**{**data.__dict__, "expected_version": 7}),
        )
    corrected = services.report_submit(actor=cast.enterprise_user, campaign_id=made.pk, data=data)
    assert (corrected.pk, corrected.status_value, corrected.corrections) == (first.pk, "全面复工", 1)
    entry = AuditEntry.objects.filter(
        content_type__model="campaignreport", object_id=str(first.pk), action=AuditEntry.Action.UPDATE
    ).get()
    assert entry.changes["status_value"] == ["部分复工", "全面复工"]


def test_who_may_report_for_whom(cast: Cast) -> None:
    made = scene.campaign(cast)
    assert scene.report(cast, made, actor=cast.liaison).channel == Channel.LIAISON
    assert scene.report(cast, made, actor=cast.handler, enterprise=cast.neighbour).channel == Channel.OFFICE
    # The liaison officer is not assigned the neighbour; the enterprise user is not the neighbour.
    for actor in (cast.liaison, cast.enterprise_user, cast.outsider):
        with pytest.raises((NotFound, PermissionDenied, ValidationFailed)):
            scene.report(
                cast,
                made,
                actor=actor,
                enterprise=cast.neighbour,
                day=scene.today() - datetime.timedelta(days=1),
            )


def test_late_is_after_the_periods_deadline(cast: Cast) -> None:
    made = scene.campaign(cast)
    on_time = scene.report(cast, made)
    late = scene.report(cast, made, day=scene.today() - datetime.timedelta(days=3))
    assert (on_time.late, late.late) == (False, True)


def test_the_board_counts_statuses_rates_late_missing_and_cases(cast: Cast) -> None:
    made = scene.campaign(cast)
    other = EnterpriseFactory(name="霍林郭勒第三企业有限公司", region=cast.home.region)
    services.campaign_enrol(actor=cast.coordinator, campaign_id=made.pk, enterprise_ids=[other.pk])
    scene.two_reports(cast, made)
    period = Period.containing("day", scene.today())
    board = figures.board(user=cast.coordinator, campaign=made, period=period)
    total = board.total
    assert (total.enrolled, total.reported, total.missing, total.done) == (3, 2, 1, 1)
    assert total.done_rate == Decimal("33.3")
    assert total.staffing_rate == Decimal("75.0")  # 120 / 160
    assert total.capacity_rate == Decimal("70.0")  # (80×300 + 40×100) / 400
    assert (total.open_cases, total.same_day_open) == (1, 1)
    assert board.done_rate_name == "复工率"
    assert board.trend[-1].row.done == 1 and len(board.trend) == 11
    # A correction moves the board.
    services.report_submit(
        actor=cast.coordinator,
        campaign_id=made.pk,
        data=ReportData(
            enterprise_id=cast.neighbour.pk,
            period=period.key,
            values={"status": "全面复工"},
            correction=True,
            expected_version=1,
        ),
    )
    assert figures.board(user=cast.coordinator, campaign=made, period=period).total.done == 2


def test_the_board_by_department_and_for_a_handler(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.report(cast, made)
    board = figures.board(
        user=cast.handler, campaign=made, period=Period.containing("day", scene.today()), by="department"
    )
    assert [(row.label, row.enrolled, row.reported) for row in board.rows] == [
        ("霍林郭勒市工业和信息化局", 2, 1)
    ]


def test_a_correction_after_the_serving_department_changed_moves_the_report_between_tallies(
    cast: Cast,
) -> None:
    from zhuqi.taskforces.models import CampaignEnterprise, CampaignTally
    from zhuqi.testing.factories import DepartmentFactory

    made = scene.campaign(cast)
    first = scene.report(cast, made, status="部分复工")
    other = DepartmentFactory(name="霍林郭勒市发展和改革委员会")
    CampaignEnterprise.objects.filter(campaign=made, enterprise=cast.home).update(department=other)
    services.report_submit(
        actor=cast.enterprise_user,
        campaign_id=made.pk,
        data=ReportData(
            enterprise_id=cast.home.pk,
            period=first.period_key,
            values={"status": "全面复工"},
            correction=True,
            expected_version=1,
        ),
    )
    tallies = CampaignTally.objects.filter(campaign=made, period_start=first.period_start)
    assert [(t.department_id, t.reports, t.done) for t in tallies] == [(other.pk, 1, 1)]


def test_enrol_by_rule_takes_a_chains_members(cast: Cast) -> None:
    from zhuqi.chains import services as chain_services
    from zhuqi.testing.factories import make_chain

    made = scene.campaign(cast, enrol=False)
    chain = make_chain(cast)
    chain_services.member_add(
        actor=cast.coordinator,
        chain_id=chain.pk,
        data=chain_services.MemberData(segment_id=chain.segment_list[0].pk, enterprise_id=cast.neighbour.pk),
    )
    added = services.campaign_enrol_by_rule(
        actor=cast.coordinator, campaign_id=made.pk, rule=EnrolRule(chain_id=chain.pk)
    )
    assert [e.enterprise_id for e in added] == [cast.neighbour.pk]
    with pytest.raises(ValidationFailed) as failure:
        services.campaign_enrol_by_rule(
            actor=cast.coordinator, campaign_id=made.pk, rule=EnrolRule(chain_id=987654)
        )
    assert "chain" in _errors(failure)


def test_a_county_sees_a_city_campaign_at_work_on_it_but_does_not_change_it(cast: Cast) -> None:
    city = scene.campaign(cast, enrol=False)
    force = city.task_force
    force.region_id = "150500"
    force.save()
    services.campaign_enrol(
        actor=cast.admin, campaign_id=city.pk, enterprise_ids=[cast.home.pk, cast.tongliao.pk]
    )
    # Huolinguole's coordinator sees the city's campaign (its enterprise is in it) …
    assert selectors.campaign_queryset(user=cast.coordinator).filter(pk=city.pk).exists()
    # … but may neither take Horqin's enterprise out nor add, nor change the task force.
    with pytest.raises(PermissionDenied):
        services.campaign_withdraw(
            actor=cast.coordinator, campaign_id=city.pk, enterprise_id=cast.tongliao.pk
        )
    with pytest.raises(PermissionDenied):
        services.campaign_enrol(
            actor=cast.coordinator, campaign_id=city.pk, enterprise_ids=[cast.neighbour.pk]
        )
    with pytest.raises(PermissionDenied):
        services.task_force_update(
            actor=cast.coordinator,
            task_force_id=force.pk,
            expected_version=force.version,
            data=services.TaskForceData(name="改名", region_code="150581", starts_on=force.starts_on),
        )
    assert city.enrolments.count() == 2


def test_an_enterprise_taken_out_leaves_the_figures(cast: Cast) -> None:
    made = scene.campaign(cast)
    scene.two_reports(cast, made)
    period = Period.containing("day", scene.today())
    services.campaign_withdraw(actor=cast.coordinator, campaign_id=made.pk, enterprise_id=cast.neighbour.pk)
    total = figures.board(user=cast.coordinator, campaign=made, period=period).total
    assert (total.enrolled, total.reported, total.missing, total.done) == (1, 1, 0, 1)
    assert CampaignReport.objects.filter(campaign=made, enterprise=cast.neighbour).exists()  # kept
