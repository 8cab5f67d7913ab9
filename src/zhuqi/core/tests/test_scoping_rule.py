"""Every app's scope is core.scoping.scope_q with the app's fields (docs/visibility.md): one
scene of enterprises, projects, agreements, a visit with its cases, and what each demo role
sees of each, written out. An app whose selector drifts from the shared rule fails here, for
the role it drifted on.

The scene (the cast of zhuqi.testing.factories, in Huolinguole 150581 under Tongliao 150500, and
Datong 140200 far away): for each kind, a record at home (Huolinguole, of the enterprise the
liaison officer keeps and the enterprise account is), one in Tongliao's Horqin district, one in
Datong, and one in Datong that Huolinguole's industry office (the handler's) is responsible for;
the visit and cases of visits/tests/test_visibility.py (a Tongliao leader's trip through Horqin
and Huolinguole) and a visit in Datong.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Q

from zhuqi.cases.models import JointHandling
from zhuqi.cases.selectors import case_queryset, joint_queryset
from zhuqi.core.scoping import NOTHING, Action, scope_q
from zhuqi.directory.models import Department, User
from zhuqi.dispatch.models import Briefing, EconomicFigure, Meeting
from zhuqi.dispatch.selectors import briefing_queryset, economic_queryset, meeting_queryset
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.ingest.models import Report
from zhuqi.ingest.selectors import report_queryset
from zhuqi.investment.models import Agreement
from zhuqi.investment.selectors import agreement_queryset
from zhuqi.notifications.models import Webhook
from zhuqi.notifications.selectors import webhook_queryset
from zhuqi.projects.selectors import project_queryset
from zhuqi.taskforces.models import (
    Campaign,
    CampaignEnterprise,
    CampaignReport,
    OperatingIndicator,
    TaskForce,
    TaskForceMember,
)
from zhuqi.taskforces.selectors import indicator_queryset, task_force_queryset
from zhuqi.taskforces.selectors import report_queryset as campaign_report_queryset
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory, make_project
from zhuqi.visits.selectors import visit_queryset
from zhuqi.visits.services import Attendance, VisitData, visit_create
from zhuqi.visits.tests import test_visibility
from zhuqi.visits.tests.test_visibility import Trip

EVERYONE = ("admin", "auditor", "leader", "coordinator", "handler", "liaison", "enterprise", "outsider")
ALL = {"home", "horqin", "datong", "worked"}
trip = test_visibility.trip  # the fixture: a Tongliao leader's trip and its four cases
CASES = {"huolinguole_instruction", "horqin_instruction", "home_demand", "horqin_demand"}  # Trip's

# model → username → the names of the rows the user sees
EXPECTED: dict[str, dict[str, set[str]]] = {
    "enterprise": {
        "admin": {"home", "neighbour", "horqin", "datong"},
        "auditor": {"home", "neighbour", "horqin", "datong"},
        "leader": {"home", "neighbour", "horqin"},
        "coordinator": {"home", "neighbour"},
        "handler": {"home", "neighbour"},  # the department's region
        "liaison": {"home"},
        "enterprise": {"home"},
        "outsider": {"datong"},
    },
    "project": {
        "admin": ALL,
        "auditor": ALL,
        "leader": {"home", "horqin", "worked"},
        "coordinator": {"home", "worked"},
        "handler": {"home", "worked"},
        "liaison": {"home"},
        "enterprise": {"home"},
        "outsider": {"datong", "worked"},
    },
    "agreement": {
        "admin": ALL | {"signed_by_home"},
        "auditor": ALL | {"signed_by_home"},
        "leader": {"home", "horqin", "worked"},
        "coordinator": {"home", "worked"},
        "handler": {"home", "worked"},
        "liaison": {"home"},  # agreements their enterprises made as our party only
        "enterprise": {"home", "signed_by_home"},  # as either party
        "outsider": {"datong", "worked", "signed_by_home"},
    },
    "visit": {
        "admin": {"trip", "datong"},
        "auditor": {"trip", "datong"},
        "leader": {"trip"},
        "coordinator": {"trip"},  # it touched Huolinguole
        "handler": {"trip"},
        "liaison": {"trip"},  # their enterprise was visited
        "enterprise": {"trip"},
        "outsider": {"datong"},
    },
    "case": {
        "admin": CASES,
        "auditor": CASES,
        "leader": CASES,
        "coordinator": {"huolinguole_instruction", "home_demand"},
        "handler": {"huolinguole_instruction"},  # the case its department leads, not the region's
        "liaison": {"huolinguole_instruction", "horqin_instruction", "home_demand"},
        "enterprise": {"home_demand"},
        "outsider": set(),
    },
    # Group robots: a region's (its coordinators') and a department's; enterprises and liaison
    # officers have none, a handler their department's only.
    "webhook": {
        "admin": {"home", "horqin", "datong", "industry", "datong_office"},
        "auditor": {"home", "horqin", "datong", "industry", "datong_office"},
        "leader": {"home", "horqin", "industry"},
        "coordinator": {"home", "industry"},
        "handler": {"industry"},
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong", "datong_office"},
    },
    # A published report is the office's working material until confirmed: government staff of
    # its region and above (a handler their department's region); no liaison officer or enterprise.
    "report": {
        "admin": {"home", "horqin", "datong"},
        "auditor": {"home", "horqin", "datong"},
        "leader": {"home", "horqin"},
        "coordinator": {"home"},
        "handler": {"home"},
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong"},
    },
    # A task force: its region and below, and a task force above that works on the jurisdiction's
    # enterprises (Tongliao's, whose campaign holds home); a handler besides those its department
    # serves on; liaison officers and enterprises those whose campaigns hold their enterprises.
    "task_force": {
        "admin": ALL | {"city"},
        "auditor": ALL | {"city"},
        "leader": {"home", "horqin", "city"},
        "coordinator": {"home", "city"},
        "handler": {"home", "worked"},  # the shared rule: a handler gets no in_jurisdiction arm
        "liaison": {"home", "city"},
        "enterprise": {"home", "city"},
        "outsider": {"datong", "worked"},
    },
    # A campaign's report: by the enterprise's region, the serving department, the liaison's
    # assignments, the enterprise's own.
    "campaign_report": {
        "admin": ALL,
        "auditor": ALL,
        "leader": {"home", "horqin"},
        "coordinator": {"home"},
        "handler": {"home", "worked"},
        "liaison": {"home"},
        "enterprise": {"home"},
        "outsider": {"datong", "worked"},
    },
    # An enterprise's monthly operating indicators: by its region; they name no department.
    "indicator": {
        "admin": {"home", "horqin", "datong"},
        "auditor": {"home", "horqin", "datong"},
        "leader": {"home", "horqin"},
        "coordinator": {"home"},
        "handler": {"home"},
        "liaison": {"home"},
        "enterprise": {"home"},
        "outsider": {"datong"},
    },
    # A dispatch meeting: government staff of its region and above; a handler only those their
    # department attended (or was given a decision by), not every meeting of its region.
    "meeting": {
        "admin": ALL,
        "auditor": ALL,
        "leader": {"home", "horqin"},
        "coordinator": {"home"},
        "handler": {"worked"},
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong", "worked"},
    },
    # A briefing: by its region; and whoever asked for it (the coordinator asked for Horqin's,
    # outside their jurisdiction). A handler reads only those they asked for, not even their
    # department's that someone else asked for (counted as that reader sees the records).
    "briefing": {
        "admin": ALL | {"asked", "handlers"},
        "auditor": ALL | {"asked", "handlers"},
        "leader": {"home", "horqin", "worked", "asked", "handlers"},
        "coordinator": {"home", "worked", "asked", "handlers"},
        "handler": {"handlers"},
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong"},
    },
    # Economic figures: a region's own by its region; a peer's (Datong's, entered for
    # Huolinguole) by the region it is compared for, not by the peer's; no handler.
    "economic": {
        "admin": {"home", "horqin", "datong", "peer"},
        "auditor": {"home", "horqin", "datong", "peer"},
        "leader": {"home", "horqin", "peer"},
        "coordinator": {"home", "peer"},
        "handler": set(),
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong"},
    },
    # A joint handling names every member enterprise: government users only. A department's
    # region does not open it to the department's region (its member cases are reached as cases).
    "joint": {
        "admin": ALL,
        "auditor": ALL,
        "leader": {"home", "horqin"},
        "coordinator": {"home"},
        "handler": {"home", "worked"},  # led and supported by its department
        "liaison": set(),
        "enterprise": set(),
        "outsider": {"datong", "worked"},
    },
}


@dataclass
class Scene:
    names: dict[str, dict[int, str]]  # model → pk → name


@pytest.fixture
def scene(cast: Cast, trip: Trip) -> Scene:
    industry = Department.objects.get(name="霍林郭勒市工业和信息化局")
    enterprises = {cast.home.pk: "home", cast.neighbour.pk: "neighbour", cast.tongliao.pk: "horqin"}
    enterprises[cast.datong.pk] = "datong"

    projects = {
        make_project(owner=cast.home).pk: "home",
        make_project(region_id="150502", owner=cast.tongliao).pk: "horqin",
        make_project(region_id="140200", owner=cast.datong).pk: "datong",
        make_project(region_id="140200", responsible_department=industry).pk: "worked",
    }

    def agreement(region: str, **links: Any) -> int:
        return Agreement.objects.create(
            title=f"协议{region}{len(links)}",
            kind="investment",
            counterparty_name="对方",
            our_party_name="我方",
            region_id=region,
            signed_on=datetime.date(2026, 1, 5),
            **links,
        ).pk

    agreements = {
        agreement("150581", our_party=cast.home): "home",
        agreement("150502", our_party=cast.tongliao): "horqin",
        agreement("140200", our_party=cast.datong): "datong",
        agreement("140200", follow_up_department=industry): "worked",
        agreement("140200", our_party=cast.datong, counterparty=cast.home): "signed_by_home",
    }

    datong_leader = OfficialFactory(name="大同领导", region_id="140200")
    PostFactory(
        official=datong_leader,
        department=DepartmentFactory(name="大同市人民政府", region_id="140200"),
        title="市长",
    )
    datong_visit = visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="inspection",
            title="大同调研",
            start_date=datetime.date(2026, 2, 9),
            end_date=datetime.date(2026, 2, 9),
            lead_official_ids=[datong_leader.pk],
            place_codes=["140200"],
            attendance=[Attendance(enterprise_id=cast.datong.pk)],
        ),
        said=[],
    )

    def robot(**target: Any) -> int:
        return Webhook.objects.create(name="群", flavour="wecom", url="https://a.example/?key=1", **target).pk

    robots = {
        robot(region_id="150581"): "home",
        robot(region_id="150502"): "horqin",
        robot(region_id="140200"): "datong",
        robot(department=industry): "industry",
        robot(
            department=DepartmentFactory(name="大同市发展和改革委员会", region_id="140200")
        ): "datong_office",
    }

    def joint(region: str, lead: Department, co: Department | None = None) -> int:
        record = JointHandling.objects.create(
            title=f"联合办理{region}", region_id=region, lead_department=lead
        )
        if co is not None:
            record.co_departments.set([co])
        return record.pk

    horqin_office = DepartmentFactory(name="科尔沁区工信局", region_id="150502")
    datong_office = DepartmentFactory(name="大同市工信局", region_id="140200")
    joints = {
        joint("150581", industry): "home",
        joint("150502", horqin_office): "horqin",
        joint("140200", datong_office): "datong",
        joint("140200", datong_office, co=industry): "worked",
    }

    def report(region: str) -> int:
        return Report.objects.create(
            source=f"{region}.txt", raw="", original_text="", cleaned_text="", region_id=region
        ).pk

    reports = {report("150581"): "home", report("150502"): "horqin", report("140200"): "datong"}

    def task_force(
        region: str, enterprise: Enterprise, department: Department | None = None
    ) -> tuple[int, int]:
        force = TaskForce.objects.create(
            name=f"专班{region}", region_id=region, starts_on=datetime.date(2026, 2, 1)
        )
        if department is not None:
            TaskForceMember.objects.create(task_force=force, department=department)
        campaign = Campaign.objects.create(
            task_force=force, name="复工复产", kind="resumption", starts_on=datetime.date(2026, 2, 1)
        )
        CampaignEnterprise.objects.create(
            campaign=campaign, enterprise=enterprise, region_id=enterprise.region_id, department=department
        )
        report = CampaignReport.objects.create(
            campaign=campaign,
            enterprise=enterprise,
            region_id=enterprise.region_id,
            department=department,
            period_start=datetime.date(2026, 2, 2),
            period_key="2026-02-02",
            channel="office",
            submitted_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC),
        )
        return force.pk, report.pk

    forces: dict[int, str] = {}
    campaign_reports: dict[int, str] = {}
    for name, region, enterprise, department in (
        ("home", "150581", cast.home, None),
        ("horqin", "150502", cast.tongliao, None),
        ("datong", "140200", cast.datong, None),
        ("worked", "140200", cast.datong, industry),
    ):
        force_pk, report_pk = task_force(region, enterprise, department)
        forces[force_pk], campaign_reports[report_pk] = name, name
    # Tongliao's task force at work on Huolinguole's enterprise (its report is not one of the four).
    city_force, _ = task_force("150500", cast.home)
    forces[city_force] = "city"
    indicators = {
        OperatingIndicator.objects.create(
            enterprise=enterprise, region_id=enterprise.region_id, month=datetime.date(2026, 10, 1)
        ).pk: name
        for name, enterprise in (("home", cast.home), ("horqin", cast.tongliao), ("datong", cast.datong))
    }

    def meeting(region: str, **links: Any) -> int:
        chair = OfficialFactory(name=f"主持{region}", region_id=region)
        made = Meeting.objects.create(
            title=f"调度会{region}", held_on=datetime.date(2026, 11, 2), region_id=region, chair=chair
        )
        if "department" in links:
            made.departments.set([links["department"]])
        return made.pk

    meetings = {
        meeting("150581"): "home",
        meeting("150502"): "horqin",
        meeting("140200"): "datong",
        meeting("140200", department=industry): "worked",
    }

    def briefing(region: str, **values: Any) -> int:
        return Briefing.objects.create(region_id=region, period="2026-11", **values).pk

    briefings = {
        briefing("150581", requested_by=cast.admin): "home",
        briefing("150502", requested_by=cast.admin): "horqin",
        briefing("140200", requested_by=cast.admin): "datong",
        briefing("150581", scope_kind="department", department=industry, requested_by=cast.admin): "worked",
        briefing("150502", requested_by=cast.coordinator): "asked",
        briefing(
            "150581", scope_kind="department", department=industry, requested_by=cast.handler
        ): "handlers",
    }

    def figure(region: str, compared_for: str | None = None) -> int:
        return EconomicFigure.objects.create(
            region_id=region, indicator="gdp", period="2026-09", value=1, compared_for_id=compared_for
        ).pk

    economic = {
        figure("150581"): "home",
        figure("150502"): "horqin",
        figure("140200"): "datong",
        figure("140200", compared_for="150581"): "peer",
    }
    return Scene(
        names={
            "meeting": meetings,
            "briefing": briefings,
            "economic": economic,
            "indicator": indicators,
            "task_force": forces,
            "campaign_report": campaign_reports,
            "report": reports,
            "webhook": robots,
            "joint": joints,
            "enterprise": enterprises,
            "project": projects,
            "agreement": agreements,
            "visit": {trip.visit.pk: "trip", datong_visit.visit.pk: "datong"},
            "case": {getattr(trip, name).pk: name for name in CASES},
        }
    )


SELECTORS: dict[str, Callable[..., Any]] = {
    "enterprise": enterprise_queryset,
    "project": project_queryset,
    "agreement": agreement_queryset,
    "visit": visit_queryset,
    "case": case_queryset,
    "webhook": webhook_queryset,
    "joint": joint_queryset,
    "report": report_queryset,
    "task_force": task_force_queryset,
    "indicator": indicator_queryset,
    "meeting": meeting_queryset,
    "briefing": briefing_queryset,
    "economic": economic_queryset,
    "campaign_report": lambda user: CampaignReport.objects.filter(
        pk__in=[r.pk for c in Campaign.objects.all() for r in campaign_report_queryset(user=user, campaign=c)]
    ),
}


@pytest.mark.parametrize("model", sorted(SELECTORS))
@pytest.mark.parametrize("username", EVERYONE)
def test_each_role_sees_the_same_rows_through_each_apps_selector(
    scene: Scene, model: str, username: str
) -> None:
    user = User.objects.get(username=username)
    names = scene.names[model]
    seen = {names[pk] for pk in SELECTORS[model](user=user).values_list("pk", flat=True) if pk in names}
    assert seen == EXPECTED[model][username], (model, username)


def test_inactive_and_anonymous_users_see_nothing(scene: Scene, cast: Cast) -> None:
    from django.contrib.auth.models import AnonymousUser

    cast.coordinator.is_active = False
    for user in (cast.coordinator, AnonymousUser()):
        for model, selector in SELECTORS.items():
            assert not selector(user=user).exists(), model


# The helper on its own, with a model's fields made up: what each branch answers.

ENTERPRISE_SCOPE: dict[str, Any] = {
    "enterprise": "pk",
    "liaison": lambda user: Q(pk=-1),
    "region": "region_id",
}


def _rows(user: User, **fields: Any) -> set[str]:
    names = {e.pk: e.short_name or e.name for e in Enterprise.objects.all()}
    return {
        names[pk] for pk in Enterprise.objects.filter(scope_q(user, **fields)).values_list("pk", flat=True)
    }


def test_the_helper_with_several_enterprise_fields_and_a_department(cast: Cast) -> None:
    assert _rows(cast.enterprise_user, **{**ENTERPRISE_SCOPE, "enterprise": ("pk", "pk")}) == {"联晟新材料"}
    assert scope_q(cast.liaison, **ENTERPRISE_SCOPE) == Q(pk=-1)
    # A handler reads their department's region and what the department answers for; writing,
    # or a model whose handlers do not read by region, only the latter.
    ours = Q(pk=cast.datong.pk)
    department = {**ENTERPRISE_SCOPE, "department": lambda user: ours}
    assert _rows(cast.handler, **department) == {"联晟新材料", "锦联铝材", "大同瑞铖钢结构有限公司"}
    assert scope_q(cast.handler, **department, action=Action.WRITE) == ours
    assert scope_q(cast.handler, **department, handlers_see_region=False) == ours
    cast.handler.department = None
    assert scope_q(cast.handler, **department, handlers_see_region=False) == NOTHING
    # What a jurisdiction's departments work on elsewhere joins the jurisdiction's rows.
    reached = {**ENTERPRISE_SCOPE, "in_jurisdiction": lambda code: ours}
    assert _rows(cast.coordinator, **reached) == {"联晟新材料", "锦联铝材", "大同瑞铖钢结构有限公司"}
    assert scope_q(cast.admin, **reached) == Q()
