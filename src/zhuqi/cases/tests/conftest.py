from __future__ import annotations

from typing import Any

import pytest

from zhuqi.cases.models import CaseCategory, RoutingRule
from zhuqi.directory.models import Department, Region
from zhuqi.testing.factories import Cast, DepartmentFactory


@pytest.fixture
def finance(db: Any) -> CaseCategory:
    return CaseCategory.objects.get(name="融资", parent=None)


@pytest.fixture
def other_department(cast: Cast) -> Department:
    return DepartmentFactory(name="霍林郭勒市财政局")


@pytest.fixture
def routed(cast: Cast, finance: CaseCategory, other_department: Department) -> RoutingRule:
    """派单目录: in Huolinguole, financing goes to the handler's department with finance supporting."""
    rule = RoutingRule.objects.create(
        region=Region.objects.get(pk="150581"), category=finance, lead_department=cast.handler.department
    )
    rule.co_departments.set([other_department])
    return rule
