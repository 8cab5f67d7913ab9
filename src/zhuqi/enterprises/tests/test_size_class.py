from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhuqi.enterprises.size_class import SizeClass, classify

RANK = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE]
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
people = st.integers(min_value=0, max_value=100_000)
codes = st.sampled_from(
    ["3252", "0610", "4411", "4720", "5111", "5211", "5411", "6110", "6210", "6510", "7010", "7221"]
)


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "expected"),
    [
        ("3252", 1000, 40000, SizeClass.LARGE),  # 工业: both lower bounds of large
        ("3252", 1000, 39999, SizeClass.MEDIUM),  # revenue short of large: one class down
        ("3252", 1200, 1000, SizeClass.SMALL),  # 须同时满足: the weaker figure decides
        ("3252", 19, 100000, SizeClass.MICRO),  # 微型只须满足一项
        ("5111", 200, 40000, SizeClass.LARGE),  # 批发业
        ("5211", 49, 20000, SizeClass.SMALL),  # 零售业: 50 people make medium, 49 do not
    ],
)
def test_thresholds_of_the_2011_rules(
    industry: str, employees: int, revenue: int, expected: SizeClass
) -> None:
    result = classify(
        industry_code=industry, employees=employees, revenue=Decimal(revenue), total_assets=None
    )
    assert result.size_class == expected


def test_construction_uses_total_assets() -> None:
    result = classify(industry_code="4720", employees=None, revenue=Decimal(90000), total_assets=None)
    assert result.size_class is None and "total_assets" in result.missing
    result = classify(
        industry_code="4720", employees=None, revenue=Decimal(90000), total_assets=Decimal(90000)
    )
    assert result.size_class == SizeClass.LARGE


def test_finance_is_outside_the_rules() -> None:
    result = classify(
        industry_code="6620", employees=5000, revenue=Decimal(10**7), total_assets=Decimal(10**7)
    )
    assert result.size_class is None and not result.missing


@given(codes, people, amounts, amounts, people, amounts, amounts)
def test_more_never_makes_an_enterprise_smaller(
    industry: str,
    employees: int,
    revenue: Decimal,
    assets: Decimal,
    more_people: int,
    more_revenue: Decimal,
    more_assets: Decimal,
) -> None:
    before = classify(industry_code=industry, employees=employees, revenue=revenue, total_assets=assets)
    after = classify(
        industry_code=industry,
        employees=employees + more_people,
        revenue=revenue + more_revenue,
        total_assets=assets + more_assets,
    )
    if before.size_class is not None:
        assert after.size_class is not None
        assert RANK.index(after.size_class) >= RANK.index(before.size_class)


@given(codes, people, amounts, amounts)
def test_the_basis_holds_exactly_the_figures_the_rule_used(
    industry: str, employees: int, revenue: Decimal, assets: Decimal
) -> None:
    result = classify(industry_code=industry, employees=employees, revenue=revenue, total_assets=assets)
    given_figures = {"employees": employees, "revenue": revenue, "total_assets": assets}
    for name, value in result.basis.items():
        assert given_figures[name] == value
