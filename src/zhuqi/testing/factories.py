"""factory_boy factories and the fixed cast of test users. Enterprises are built the way the
services build them (search text, size class), so reads behave as on real data."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from zhuqi.core import search
from zhuqi.core.roles import Role
from zhuqi.core.validators import make_uscc
from zhuqi.directory.models import Department, Industry, Official, Post, Region, User
from zhuqi.enterprises.models import Assignment, Enterprise
from zhuqi.enterprises.services import apply_size_class, build_search_text
from zhuqi.projects.models import Project

_serials = itertools.count(1_000_000)
PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    region = factory.LazyFunction(lambda: Region.objects.get(pk="150581"))
    name = factory.Sequence(lambda n: f"测试部门{n}")


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    region = factory.LazyFunction(lambda: Region.objects.get(pk="150581"))
    name = factory.Sequence(lambda n: f"干部{n}")
    search_text = factory.LazyAttribute(lambda official: Official.search_text_for(official.name))


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    official = factory.SubFactory(OfficialFactory)
    department = factory.SubFactory(DepartmentFactory)
    title = "局长"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.LazyFunction(lambda: Region.objects.get(pk="150581"))
    uscc = factory.LazyAttribute(lambda o: make_uscc(o.region.code, next(_serials)))
    industry = factory.LazyFunction(lambda: Industry.objects.get(pk="3252"))
    employees = 120
    revenue = 8000
    total_assets = 9000
    contacts = factory.LazyFunction(lambda: [{"name": "张建国", "phone": "13912345678", "title": "总经理"}])

    @classmethod
    def _create(cls, model_class: type[Enterprise], *args: Any, **kwargs: Any) -> Enterprise:
        enterprise = model_class(*args, **kwargs)
        enterprise.search_text = build_search_text(enterprise)
        search.fill(enterprise)
        apply_size_class(enterprise)
        enterprise.save()
        return enterprise


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    official = factory.SubFactory(OfficialFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Assignment.Kind.LIAISON
    start_date = factory.LazyFunction(timezone.localdate)


def make_user(username: str, role: str, **scope: Any) -> User:
    user = User(username=username, role=role, **scope)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Cast:
    """Users in Huolinguole (150581, under Tongliao 150500) and one outsider in Datong (140200)."""

    admin: User
    auditor: User
    leader: User  # Tongliao
    coordinator: User  # Huolinguole
    handler: User  # a Huolinguole department
    liaison: User
    enterprise_user: User
    outsider: User  # a Datong coordinator
    home: Enterprise  # in Huolinguole, assigned to the liaison, the enterprise user's own
    neighbour: Enterprise  # in Huolinguole, not assigned
    tongliao: Enterprise  # in Tongliao's Horqin district, outside Huolinguole
    datong: Enterprise  # in Datong

    def by_role(self, role: str) -> User:
        return {
            Role.ADMIN: self.admin,
            Role.AUDITOR: self.auditor,
            Role.LEADER: self.leader,
            Role.COORDINATOR: self.coordinator,
            Role.HANDLER: self.handler,
            Role.LIAISON: self.liaison,
            Role.ENTERPRISE: self.enterprise_user,
        }[Role(role)]


def make_cast() -> Cast:
    regions = Region.objects.in_bulk(["150500", "150502", "150581", "140200"])
    home = EnterpriseFactory(name="联晟新材料有限公司", short_name="联晟新材料", region=regions["150581"])
    neighbour = EnterpriseFactory(name="锦联铝材有限公司", short_name="锦联铝材", region=regions["150581"])
    tongliao = EnterpriseFactory(name="科尔沁测试有限公司", region=regions["150502"])
    datong = EnterpriseFactory(name="大同瑞铖钢结构有限公司", region=regions["140200"])
    liaison_official = OfficialFactory(name="高原")
    AssignmentFactory(official=liaison_official, enterprise=home)
    department = DepartmentFactory(name="霍林郭勒市工业和信息化局")
    return Cast(
        admin=make_user("admin", Role.ADMIN, is_superuser=True, is_staff=True),
        auditor=make_user("auditor", Role.AUDITOR),
        leader=make_user("leader", Role.LEADER, region=regions["150500"]),
        coordinator=make_user("coordinator", Role.COORDINATOR, region=regions["150581"]),
        handler=make_user("handler", Role.HANDLER, department=department),
        liaison=make_user("liaison", Role.LIAISON, official=liaison_official),
        enterprise_user=make_user("enterprise", Role.ENTERPRISE, enterprise=home),
        outsider=make_user("outsider", Role.COORDINATOR, region=regions["140200"]),
        home=home,
        neighbour=neighbour,
        tongliao=tongliao,
        datong=datong,
    )


def make_project(**overrides: Any) -> Any:
    """A key project in Huolinguole, written directly (tests of the services build theirs
    through the services)."""
    from decimal import Decimal

    values: dict[str, Any] = {
        "name": f"测试项目{next(_serials)}",
        "region": Region.objects.get(pk="150581"),
        "listed_year": timezone.localdate().year,
        "total_investment": Decimal("50000"),
    }
    values.update(overrides)
    project = Project(**values)
    search.fill(project)
    project.save(force_insert=True)
    return project


def make_chain(
    cast: Cast, *, name: str = "铝产业链", segments: tuple[str, ...] = ("电解铝", "铝板带箔", "高端铝箔")
) -> Any:
    """A chain of Huolinguole kept by the cast's coordinator, through the services, with its
    segments one after another (each downstream of the one before); the chain is returned with
    `.segment_list` in that order."""
    from zhuqi.chains import services as chain_services

    chain = chain_services.chain_create(
        actor=cast.coordinator,
        data=chain_services.ChainData(
            name=name, region_code="150581", lead_department_id=cast.handler.department_id
        ),
    )
    parent = None
    chain.segment_list = []
    for index, segment_name in enumerate(segments):
        parent = chain_services.segment_create(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=chain_services.SegmentData(
                name=segment_name, parent_id=parent.pk if parent else None, position=index
            ),
        )
        chain.segment_list.append(parent)
    return chain
