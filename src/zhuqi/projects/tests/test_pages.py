"""The project pages through the test client, as each role uses them."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.directory.models import User
from zhuqi.projects.models import Milestone, ProgressReport, Project, Stage
from zhuqi.testing.api import is_ids_query
from zhuqi.testing.factories import Cast, make_project


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _late(cast: Cast) -> Project:
    return make_project(
        name="腾远环保大修渣无害化处理及综合利用项目",
        owner=cast.home,
        responsible_department=cast.handler.department,
        stage=Stage.PREPARING,
        planned_started_on=timezone.localdate() - datetime.timedelta(days=10),
    )


def test_library_shows_flags_and_filters_by_them(cast: Cast) -> None:
    late = _late(cast)
    on_time = make_project(
        name="增量配电网", planned_started_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    client = client_for(cast.coordinator)
    page = client.get("/projects/").content.decode()
    assert late.name in page and on_time.name in page
    assert 'data-testid="flag-late_start"' in page
    filtered = client.get("/projects/?flag=late_start").content.decode()
    assert late.name in filtered and on_time.name not in filtered
    bad = client.get("/projects/?stage=nonsense", follow=True).content.decode()
    assert "筛选条件有误" in bad


def test_library_queries_do_not_grow_with_the_page(cast: Cast) -> None:
    for _ in range(3):
        _late(cast)
    client = client_for(cast.coordinator)
    client.get("/projects/")
    with CaptureQueriesContext(connection) as few:
        client.get("/projects/")
    for _ in range(20):
        _late(cast)
    with CaptureQueriesContext(connection) as many:
        client.get("/projects/")
    assert len(many) == len(few)


def test_library_takes_the_page_of_ids_then_flags_only_the_page(
    cast: Cast, django_assert_num_queries
) -> None:
    """core.pagination.IdsThenRows, as the API: the page's ids from the project table alone (a
    deep page's OFFSET no longer runs the flag probes for every row it skips), then the flags for
    those 50."""
    made = [_late(cast) for _ in range(3)]
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/projects/").content.decode()
    assert all(f'data-project="{p.pk}"' in page for p in made) and "共 3 条" in page
    projects = [q["sql"] for q in captured.captured_queries if 'FROM "projects_project"' in q["sql"]]
    flagged = [sql for sql in projects if "EXISTS" in sql]
    assert len(flagged) == 1 and re.search(r'"projects_project"\."id" IN \([\d, ]+\)', flagged[0]), flagged
    ids = [sql for sql in projects if is_ids_query(sql, "projects_project")]
    assert len(ids) == 1 and "LIMIT" in ids[0] and "EXISTS" not in ids[0], projects
    with django_assert_num_queries(len(captured)):
        client.get("/projects/")


def test_detail_stage_change_and_refusal(cast: Cast) -> None:
    project = _late(cast)
    client = client_for(cast.handler)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "未按期开工" in page and 'data-testid="stage-form"' in page
    refused = client.post(
        f"/projects/{project.pk}/stage",
        {"version": project.version, "stage": "planned", "on": timezone.localdate().isoformat()},
        follow=True,
    ).content.decode()
    assert "原因" in refused and "须说明原因" in refused
    project.refresh_from_db()
    assert project.stage == Stage.PREPARING
    client.post(
        f"/projects/{project.pk}/stage",
        {"version": project.version, "stage": "started", "on": timezone.localdate().isoformat()},
    )
    project.refresh_from_db()
    assert project.stage == Stage.STARTED and project.started_on == timezone.localdate()
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "未按期开工" not in page
    # Someone who may only read sees no form.
    assert (
        'data-testid="stage-form"'
        not in client_for(cast.leader).get(f"/projects/{project.pk}/").content.decode()
    )


def test_weekly_report_with_a_problem_opens_a_case(cast: Cast) -> None:
    project = _late(cast)
    node = Milestone.objects.create(project=project, name="设备安装", planned_on=timezone.localdate())
    finance = CaseCategory.objects.get(name="融资", parent=None)
    client = client_for(cast.enterprise_user)
    form = client.get(f"/projects/{project.pk}/report").content.decode()
    assert "设备安装" in form
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    response = client.post(
        f"/projects/{project.pk}/report",
        {
            "period_start": this_week.isoformat(),
            "progress": "设备到货 80%",
            "investment_this_period": "1,500",
            f"milestone_{node.pk}": "on",
            f"milestone_{node.pk}_on": timezone.localdate().isoformat(),
            "problem_1_title": "设备进口报关慢",
            "problem_1_category": str(finance.pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已转为事项" in page
    case = Case.objects.get(project=project)
    assert case.title == "设备进口报关慢"
    assert case.title in page  # the project page lists its cases
    node.refresh_from_db()
    project.refresh_from_db()
    assert node.done_on == timezone.localdate() and project.investment_to_date == Decimal("1500.00")
    assert 'data-testid="investment-chart"' in page


def test_bad_report_names_the_field_and_writes_nothing(cast: Cast) -> None:
    project = _late(cast)
    client = client_for(cast.enterprise_user)
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    page = client.post(
        f"/projects/{project.pk}/report",
        {
            "period_start": this_week.isoformat(),
            "progress": "",
            "investment_this_period": "2亿元",
            "problem_1_title": "没有类别的问题",
        },
    ).content.decode()
    assert "本期进展" in page and "本栏单位为万元" in page and "问题 1" in page
    assert not ProgressReport.objects.exists() and not Case.objects.exists()


def test_export_reads_back_with_flags(cast: Cast) -> None:
    project = _late(cast)
    make_project(region_id="140200", name="大同项目")
    response = client_for(cast.coordinator).get("/projects/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "项目名称"
    assert [row[1] for row in rows[1:]] == [project.name]
    assert "未按期开工" in rows[1][-1]


def test_create_and_edit_through_the_form(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        "/projects/new",
        {"name": "", "region": "150581", "total_investment": "abc", "listed_year": "2026"},
    )
    assert "必填" in response.content.decode() and not Project.objects.exists()
    response = client.post(
        "/projects/new",
        {
            "name": "联晟高端铝箔项目",
            "region": "150581",
            "total_investment": "300000",
            "listed_year": "2026",
            "owner": str(cast.home.pk),
            "category": "industrial",
            "level": "provincial",
            "planned_started_on": "2026-03-01",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and project.owner_id == cast.home.pk
    response = client.post(
        f"/projects/{project.pk}/edit",
        {
            "name": "联晟新材料高端铝箔项目",
            "region": "150581",
            "total_investment": "300000",
            "listed_year": "2026",
            "owner": str(cast.home.pk),
            "category": "industrial",
            "level": "provincial",
            "version": str(project.version),
        },
    )
    project.refresh_from_db()
    assert project.name == "联晟新材料高端铝箔项目" and project.version == 2
    refused = client_for(cast.handler).get("/projects/new")
    assert refused.status_code == 403 and "可以维护重点项目库" in refused.content.decode()


def test_the_enterprise_page_and_the_case_page_point_to_the_project(cast: Cast) -> None:
    project = _late(cast)
    finance = CaseCategory.objects.get(name="融资", parent=None)
    client = client_for(cast.coordinator)
    page = client.get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert 'data-testid="enterprise-projects"' in page and project.name in page and "未按期开工" in page
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    client_for(cast.enterprise_user).post(
        f"/projects/{project.pk}/report",
        {
            "period_start": this_week.isoformat(),
            "progress": "土建施工",
            "investment_this_period": "100",
            "problem_1_title": "施工用电报装慢",
            "problem_1_category": str(finance.pk),
        },
    )
    case = Case.objects.get(project=project)
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-project"' in case_page and project.name in case_page


def test_a_missed_week_is_filed_late_and_marked_so(cast: Cast) -> None:
    from zhuqi.testing.api import token_client

    today = timezone.localdate()
    project = make_project(name="增量配电网项目", owner=cast.home, stage=Stage.STARTED)
    # In the library since three months ago: the weeks since then were due.
    Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    client = client_for(cast.enterprise_user)
    this_week = today - datetime.timedelta(days=today.weekday())
    five_weeks_ago = this_week - datetime.timedelta(weeks=5)
    form = client.get(f"/projects/{project.pk}/report").content.decode()
    # The form offers the missed weeks, well before last week, and says they would be late.
    assert f'value="{five_weeks_ago.isoformat()}"' in form
    assert (
        f"{five_weeks_ago:%Y-%m-%d} — {five_weeks_ago + datetime.timedelta(days=6):%Y-%m-%d}（补报）" in form
    )
    assert f"{this_week:%Y-%m-%d} — {this_week + datetime.timedelta(days=6):%Y-%m-%d}（补报）" not in form

    for start in (five_weeks_ago, this_week):
        response = client.post(
            f"/projects/{project.pk}/report",
            {"period_start": start.isoformat(), "progress": "土建施工", "investment_this_period": "100"},
        )
        assert response.status_code == 302, response.content.decode()
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert page.count('data-testid="report-late"') == 1
    late = ProgressReport.objects.get(project=project, period_start=five_weeks_ago)
    assert late.investment_to_date == Decimal("100.00")
    # The form no longer offers a week already reported.
    assert (
        f'value="{five_weeks_ago.isoformat()}"'
        not in client.get(f"/projects/{project.pk}/report").content.decode()
    )
    # The API says which report was filed late.
    items = token_client("enterprise").get(f"/api/v1/projects/{project.pk}/reports").json()["items"]
    assert {item["period_start"]: item["filed_late"] for item in items} == {
        this_week.isoformat(): False,
        five_weeks_ago.isoformat(): True,
    }


def test_the_form_offers_no_period_from_before_the_project_entered_the_library(cast: Cast) -> None:
    project = make_project(name="新入库项目", owner=cast.home, stage=Stage.STARTED)
    today = timezone.localdate()
    this_week = today - datetime.timedelta(days=today.weekday())
    form = client_for(cast.enterprise_user).get(f"/projects/{project.pk}/report").content.decode()
    assert f'value="{this_week.isoformat()}"' in form
    assert f'value="{(this_week - datetime.timedelta(weeks=2)).isoformat()}"' not in form
