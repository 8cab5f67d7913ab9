"""The shared search picker (core/pickers.py) through the pages: each kind answers in the user's
own scope, by name or pinyin, a page at a time with a word when there are more; and the forms
that used to offer a list cut at 300 or 500 accept whatever was picked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from zhuqi.cases.models import Case, CaseCategory
from zhuqi.core.pickers import PAGE_SIZE
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.investment.models import Agreement
from zhuqi.projects.models import Project, ProjectList
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory, make_project

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refusals(response: Any) -> list[str]:
    """A refused form's messages, to say why a test's post was not accepted."""
    return re.findall(r"(?:errorlist|error)[^>]*>(.*?)</", response.content.decode())


def picked(client: Client, kind: str, query: str) -> list[str]:
    """The values the picker offers for `query`, in order."""
    response = client.get(f"/pick/{kind}/", {"q": query})
    assert response.status_code == 200
    return re.findall(r'data-value="([^"]*)"', response.content.decode())


def test_regions_are_found_by_name_pinyin_or_code_within_the_jurisdiction(cast: Cast) -> None:
    coordinator = client_for(cast.coordinator)  # 霍林郭勒市 (150581)
    assert picked(coordinator, "regions", "hlgl") == ["150581"]
    assert picked(coordinator, "regions", "霍林") == ["150581"]
    assert picked(coordinator, "regions", "1505") == ["150581"]
    # 科尔沁区 is in 通辽市, outside a 霍林郭勒 coordinator's jurisdiction: not offered.
    assert picked(coordinator, "regions", "keq") == []
    leader = client_for(cast.leader)  # 通辽市 (150500)
    assert "150502" in picked(leader, "regions", "keq")
    assert "150502" in picked(leader, "regions", "科尔沁")
    # Opening the box shows the top of the user's tree: the city and its counties.
    top = picked(leader, "regions", "")
    assert top[0] == "150500" and "150581" in top and "150502" in top
    assert all(code.startswith("1505") for code in top)
    # Datong's coordinator finds nothing of Inner Mongolia; an enterprise account nothing at all.
    assert picked(client_for(cast.outsider), "regions", "hlgl") == []
    assert picked(client_for(cast.enterprise_user), "regions", "hlgl") == []
    # The whole country for an admin, e.g. 大同市 and every 朝阳区.
    assert "140200" in picked(client_for(cast.admin), "regions", "datong")


def test_departments_by_name_pinyin_and_region_in_scope_with_a_word_when_there_are_more(cast: Cast) -> None:
    tongliao = Region.objects.get(pk="150500")
    development = DepartmentFactory(name="发展和改革委员会", short_name="发改委")
    city_development = DepartmentFactory(name="发展和改革委员会", short_name="发改委", region=tongliao)
    datong = DepartmentFactory(name="发展和改革委员会", region=Region.objects.get(pk="140200"))
    coordinator = client_for(cast.coordinator)
    assert picked(coordinator, "departments", "发改") == [str(development.pk)]
    assert picked(coordinator, "departments", "fgw") == [str(development.pk)]
    assert picked(coordinator, "departments", "fzhggwyh") == [str(development.pk)]
    # Names that carry their region are found by the initials of the department's own part.
    finance = DepartmentFactory(name="霍林郭勒市财政局")
    assert picked(coordinator, "departments", "czj") == [str(finance.pk)]
    leader = client_for(cast.leader)
    assert set(picked(leader, "departments", "fgw")) == {str(development.pk), str(city_development.pk)}
    # A word may name the region: "霍林郭勒 发改" is the county's office, not the city's.
    assert picked(leader, "departments", "霍林郭勒 发改") == [str(development.pk)]
    assert picked(leader, "departments", "hlgl fgw") == [str(development.pk)]
    assert str(datong.pk) not in picked(client_for(cast.admin), "departments", "霍林郭勒 发改")
    assert picked(client_for(cast.enterprise_user), "departments", "fgw") == []

    # A county with more departments than a page: the page is full and says so.
    for number in range(PAGE_SIZE + 5):
        DepartmentFactory(name=f"第{number}办公室")
    page = coordinator.get("/pick/departments/", {"q": "办公室"}).content.decode()
    assert page.count("data-picker-option") == PAGE_SIZE and 'data-testid="picker-more"' in page
    assert "请继续输入以缩小范围" in page
    narrowed = coordinator.get("/pick/departments/", {"q": "第24办公室"}).content.decode()
    assert narrowed.count("data-picker-option") == 1 and "picker-more" not in narrowed


def test_officials_enterprises_and_projects_in_scope(cast: Cast) -> None:
    secretary = OfficialFactory(name="孟宪东", region_id="150500")
    PostFactory(official=secretary, department=DepartmentFactory(name="通辽市委"), title="书记")
    coordinator = client_for(cast.coordinator)
    # A county coordinator names the city's leader (officials above the jurisdiction count).
    assert picked(coordinator, "officials", "mxd") == [str(secretary.pk)]
    assert "通辽市委书记" in coordinator.get("/pick/officials/", {"q": "mxd"}).content.decode()
    assert picked(client_for(cast.outsider), "officials", "mxd") == []
    assert picked(client_for(cast.enterprise_user), "officials", "mxd") == []

    assert picked(coordinator, "enterprises", "lsxcl") == [str(cast.home.pk)]
    assert picked(coordinator, "enterprises", cast.datong.name) == []

    project = make_project(name="联晟新材料年产10万吨铝箔项目")
    assert picked(coordinator, "projects", "铝箔") == [str(project.pk)]
    assert picked(client_for(cast.outsider), "projects", "铝箔") == []

    # Project lists (清单): the jurisdiction's and those above it, by name or year; not Datong's.
    lists = ProjectList.objects
    county = lists.create(name="2026年霍林郭勒市重点项目", region_id="150581", level="county", year=2026)
    city = lists.create(name="2025年通辽市重点项目", region_id="150500", level="city", year=2025)
    elsewhere = lists.create(name="2026年大同市重点项目", region_id="140200", level="city", year=2026)
    assert picked(coordinator, "project-lists", "重点项目") == [str(county.pk), str(city.pk)]
    assert picked(coordinator, "project-lists", "2025") == [str(city.pk)]
    assert str(elsewhere.pk) not in picked(coordinator, "project-lists", "")


def test_the_picker_needs_a_signed_in_user_and_a_known_kind(cast: Cast) -> None:
    assert Client().get("/pick/regions/", {"q": "hlgl"}).status_code == 302
    assert client_for(cast.coordinator).get("/pick/secrets/", {"q": "x"}).status_code == 404


def _many_departments(count: int) -> list[Department]:
    return Department.objects.bulk_create(
        Department(region_id="150581", name=f"批量部门{number:04d}") for number in range(count)
    )


def test_the_case_form_takes_a_department_leader_and_region_a_300_list_never_offered(cast: Cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    # Sorted by region and name, the 301st and later departments were never in the form's list.
    last = _many_departments(320)[-1]
    leader = OfficialFactory(name="张三丰", region_id="150581")
    [Official.objects.create(name=f"干部{number:04d}", region_id="150581") for number in range(5)]
    client = client_for(cast.coordinator)
    page = client.get("/cases/new?kind=instruction").content.decode()
    assert 'data-testid="lead_department-picker"' in page and "批量部门0000" not in page
    response = client.post(
        "/cases/new",
        {
            "kind": "instruction",
            "title": "协调解决铝箔项目用地",
            "category": finance.pk,
            "source": "meeting",
            "region": "150581",
            "issued_by": leader.pk,
            "lead_department": last.pk,
            "co_departments": [cast.handler.department_id],
        },
    )
    assert response.status_code == 302, refusals(response)
    case = Case.objects.get()
    assert case.lead_department == last and case.issued_by == leader and case.region_id == "150581"
    assert list(case.co_departments.all()) == [cast.handler.department]


def test_the_case_form_refuses_a_leader_or_region_outside_the_jurisdiction(cast: Cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    stranger = OfficialFactory(name="外地干部", region_id="140200")
    client = client_for(cast.coordinator)
    base = {"kind": "instruction", "title": "协调用地", "category": finance.pk, "source": "meeting"}
    response = client.post("/cases/new", {**base, "region": "150581", "issued_by": stranger.pk})
    assert response.status_code == 200 and "干部不存在或不在您的管辖范围内" in response.content.decode()
    response = client.post("/cases/new", {**base, "region": "140200"})
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    # What was picked is shown again, named.
    assert 'data-picker-chip="140200"' in response.content.decode()
    assert not Case.objects.exists()


def test_the_project_and_agreement_forms_take_picked_ids(cast: Cast) -> None:
    last = _many_departments(320)[-1]
    leader = OfficialFactory(name="李四光", region_id="150581")
    client = client_for(cast.coordinator)
    page = client.get("/projects/new").content.decode()
    assert 'data-testid="responsible_department-picker"' in page and "批量部门" not in page
    response = client.post(
        "/projects/new",
        {
            "name": "霍林郭勒铝材深加工项目",
            "category": "industrial",
            "level": "county",
            "region": "150581",
            "total_investment": "10000",
            "responsible_department": last.pk,
            "responsible_leader": leader.pk,
            "owner": cast.home.pk,
        },
    )
    assert response.status_code == 302, refusals(response)
    project = Project.objects.get(name="霍林郭勒铝材深加工项目")
    assert project.responsible_department == last and project.responsible_leader == leader
    assert project.owner == cast.home

    response = client.post(
        "/agreements/new",
        {
            "title": "铝材深加工合作协议",
            "kind": "investment",
            "counterparty_name": "某集团",
            "our_party_name": "霍林郭勒市人民政府",
            "region": "150581",
            "signed_on": "2026-05-01",
            "amount": "10",
            "amount_unit": "亿元",
            "amount_nature": "planned_investment",
            "follow_up_department": last.pk,
            "leaders_present": [leader.pk],
        },
    )
    assert response.status_code == 302, refusals(response)
    agreement = Agreement.objects.get()
    assert agreement.follow_up_department == last
    # Its projects are picked by name, not chosen from a list of 300.
    detail = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'data-testid="project-picker"' in detail
    client.post(
        f"/agreements/{agreement.pk}/projects", {"project": [project.pk], "version": agreement.version}
    )
    assert list(agreement.projects.all()) == [project]
