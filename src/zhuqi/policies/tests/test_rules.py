"""The rule read two ways must agree: the SQL the matcher runs over the registry and the Python
that explains one enterprise's result. Hypothesis writes rules and enterprises; each enterprise
must land in the same class (eligible, possibly eligible, not) both ways."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuqi.chains.models import Chain, Member, Role, Segment
from zhuqi.core.errors import ValidationFailed
from zhuqi.enterprises.models import Enterprise, Qualification, QualificationKind, SizeClass
from zhuqi.policies.matching import facts_of
from zhuqi.policies.rules import Verdict, clean_rule, evaluate, rule_q, years_before, years_since
from zhuqi.testing.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
# Two chains of Huolinguole (made by _chains), written as a rule may write them: with or without
# the suffix 产业链.
CHAINS = ("光伏装备产业链", "氢能产业链")
CHAIN_NAMES_WRITTEN = ["光伏装备", "氢能产业链"]
# Codes present in the reference table, at several levels and sections.
INDUSTRIES = ["C", "F", "3252", "32", "13", "51", "5111"]
REGIONS = ["150581", "150500", "150000", "140200"]

bounds = st.fixed_dictionaries(
    {},
    optional={
        "min": st.integers(0, 400),
        "max": st.integers(0, 400),
        "above": st.integers(0, 400),
        "below": st.integers(0, 400),
    },
).filter(bool)


def _condition() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(
            lambda v: {"field": "size_class", "values": v},
            st.lists(st.sampled_from(SizeClass.values), min_size=1, max_size=3, unique=True),
        ),
        st.builds(
            lambda v: {"field": "industry", "values": v},
            st.lists(st.sampled_from(INDUSTRIES), min_size=1, max_size=3, unique=True),
        ),
        st.builds(
            lambda v: {"field": "region", "values": v},
            st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True),
        ),
        st.builds(lambda v: {"field": "above_scale", "value": v}, st.booleans()),
        st.builds(
            lambda v: {"field": "qualification", "values": v},
            st.lists(st.sampled_from(QualificationKind.values[:3]), min_size=1, max_size=2, unique=True),
        ),
        st.builds(lambda name, b: {"field": name, **b}, st.sampled_from(["employees", "revenue"]), bounds),
        st.builds(lambda b: {"field": "years_founded", **{k: v // 40 for k, v in b.items()}}, bounds),
        st.builds(
            lambda chains, roles: {"field": "chain", "values": chains, **({"roles": roles} if roles else {})},
            st.lists(st.sampled_from(CHAIN_NAMES_WRITTEN), max_size=2, unique=True),
            st.lists(st.sampled_from(Role.values), max_size=2, unique=True),
        ).filter(lambda c: c["values"] or c.get("roles")),
    )


def _group(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    member = _condition() if depth >= 3 else st.one_of(_condition(), st.deferred(lambda: _group(depth + 1)))
    return st.builds(
        lambda match, conditions: {"match": match, "conditions": conditions},
        st.sampled_from(["all", "any"]),
        st.lists(member, min_size=0, max_size=3),
    )


enterprise_facts = st.fixed_dictionaries(
    {
        "size_class": st.sampled_from([*SizeClass.values, ""]),
        "industry_id": st.sampled_from([None, "3252", "3311", "5111", "1311", "4411", "C"]),
        "region_id": st.sampled_from(["150581", "150502", "140200"]),
        "above_scale": st.booleans(),
        "employees": st.one_of(st.none(), st.integers(0, 400)),
        "revenue": st.one_of(st.none(), st.integers(0, 400).map(Decimal)),
        "founded_on": st.one_of(st.none(), st.dates(datetime.date(2012, 2, 27), datetime.date(2026, 3, 1))),
        "qualifications": st.lists(st.sampled_from(QualificationKind.values[:3]), max_size=2, unique=True),
        "expired": st.booleans(),
        # (chain index, role): the places the enterprise holds in CHAINS.
        "chains": st.lists(
            st.tuples(st.sampled_from([0, 1]), st.sampled_from(Role.values)),
            max_size=2,
            unique_by=lambda place: place[0],
        ),
    }
)


def _chains() -> list[tuple[Chain, Segment]]:
    made = []
    for name in CHAINS:
        chain, _ = Chain.objects.get_or_create(name=name, region_id="150581")
        segment, _ = Segment.objects.get_or_create(chain=chain, name="主环节")
        made.append((chain, segment))
    return made


def _make(facts: dict[str, Any]) -> Enterprise:
    held = facts.pop("qualifications")
    expired = facts.pop("expired")
    places = facts.pop("chains", [])
    enterprise = EnterpriseFactory(**facts)
    # The factory derives the size class from the figures: put back the one drawn.
    Enterprise.objects.filter(pk=enterprise.pk).update(size_class=facts["size_class"])
    enterprise.refresh_from_db()
    for kind in held:
        Qualification.objects.create(
            enterprise=enterprise,
            kind=kind,
            valid_until=TODAY - datetime.timedelta(days=1) if expired else None,
        )
    chains = _chains() if places else []
    for index, role in places:
        chain, segment = chains[index]
        Member.objects.create(chain=chain, segment=segment, enterprise=enterprise, role=role)
    return enterprise


def _sql_class(rule: dict[str, Any], enterprise: Enterprise) -> Verdict:
    passes, possible = rule_q(rule, TODAY)
    rows = Enterprise.objects.filter(pk=enterprise.pk)
    if rows.filter(passes).exists():
        return Verdict.PASS
    return Verdict.UNKNOWN if rows.filter(possible).exists() else Verdict.FAIL


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=_group(1), facts=enterprise_facts)
def test_sql_and_python_agree(rule: dict[str, Any], facts: dict[str, Any]) -> None:
    _chains()  # the chains a rule names, before it is cleaned (names resolve to ids)
    try:
        rule = clean_rule(rule)
    except ValidationFailed:
        # A contradictory range (min above max) is refused at entry: nothing to compare.
        return
    enterprise = _make(dict(facts))
    python = evaluate(rule, facts_of(enterprise, TODAY), TODAY).verdict
    assert _sql_class(rule, enterprise) == python


@given(
    founded=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
    today=st.dates(datetime.date(2031, 1, 1), datetime.date(2040, 12, 31)),
    years=st.integers(0, 30),
)
def test_years_as_dates(founded: datetime.date, today: datetime.date, years: int) -> None:
    """At least n whole years since founding ⇔ founded on or before the day n years ago."""
    assert (years_since(founded, today) >= years) == (founded <= years_before(today, years))


def test_missing_figure_makes_possibly_eligible_not_eligible() -> None:
    rule = clean_rule({"match": "all", "conditions": [{"field": "employees", "below": 300}]})
    enterprise = _make({**_base(), "employees": None})
    outcome = evaluate(rule, facts_of(enterprise, TODAY), TODAY)
    assert outcome.verdict == Verdict.UNKNOWN
    assert [c.field for c in outcome.missing] == ["employees"]
    assert outcome.missing[0].supplier  # who can supply it is named
    assert _sql_class(rule, enterprise) == Verdict.UNKNOWN


def test_a_known_failure_beats_a_missing_figure() -> None:
    rule = clean_rule(
        {
            "match": "all",
            "conditions": [{"field": "employees", "below": 300}, {"field": "above_scale", "value": True}],
        }
    )
    enterprise = _make({**_base(), "employees": None, "above_scale": False})
    assert evaluate(rule, facts_of(enterprise, TODAY), TODAY).verdict == Verdict.FAIL
    assert _sql_class(rule, enterprise) == Verdict.FAIL


def test_manufacturing_section_covers_its_classes() -> None:
    rule = clean_rule({"conditions": [{"field": "industry", "values": ["C"]}]})
    factory = _make({**_base(), "industry_id": "3252"})
    shop = _make({**_base(), "industry_id": "5111"})
    assert evaluate(rule, facts_of(factory, TODAY), TODAY).verdict == Verdict.PASS
    assert evaluate(rule, facts_of(shop, TODAY), TODAY).verdict == Verdict.FAIL
    assert _sql_class(rule, factory) == Verdict.PASS and _sql_class(rule, shop) == Verdict.FAIL


def _base() -> dict[str, Any]:
    return {
        "size_class": "small",
        "industry_id": "3252",
        "region_id": "150581",
        "above_scale": True,
        "employees": 50,
        "revenue": Decimal(3000),
        "founded_on": datetime.date(2018, 5, 1),
        "qualifications": [],
        "expired": False,
        "chains": [],
    }


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        ({"match": "some"}, "rule.match", "all"),
        (
            {"conditions": [{"field": "industry", "values": ["9999"]}]},
            "rule.conditions[0].values",
            "不存在的所属行业：9999",
        ),
        (
            {"conditions": [{"field": "region", "values": ["159999"]}]},
            "rule.conditions[0].values",
            "不存在的所在地区",
        ),
        (
            {"conditions": [{"field": "employees", "min": 300, "below": 20}]},
            "rule.conditions[0]",
            "下限高于上限",
        ),
        ({"conditions": [{"field": "employees", "min": "many"}]}, "rule.conditions[0].min", "应为数字"),
        ({"conditions": [{"field": "employees", "min": 2.5}]}, "rule.conditions[0].min", "整数"),
        ({"conditions": [{"field": "employees"}]}, "rule.conditions[0]", "至少要有一个界限"),
        (
            {"conditions": [{"field": "colour", "values": ["red"]}]},
            "rule.conditions[0].field",
            "不认识的条件",
        ),
        (
            {"conditions": [{"conditions": [{"conditions": [{"conditions": []}]}]}]},
            "rule.conditions[0].conditions[0].conditions[0]",
            "最多嵌套",
        ),
    ],
)
def test_bad_rules_are_named_by_path(rule: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as failure:
        clean_rule(rule)
    assert any(e.field == field and words in e.message for e in failure.value.errors), failure.value.errors


def test_chain_membership_and_role() -> None:
    (solar, _), (hydrogen, _) = _chains()
    owner = _make({**_base(), "chains": [(0, "owner")]})
    supplier = _make({**_base(), "chains": [(0, "supporting"), (1, "leading")]})
    outsider = _make({**_base(), "chains": []})
    rule = clean_rule(
        {"conditions": [{"field": "chain", "values": ["光伏装备"], "roles": ["链主企业", "leading"]}]}
    )
    # Names resolve to ids, role words to roles, in the roles' own order.
    assert rule["conditions"][0] == {"field": "chain", "values": [solar.pk], "roles": ["owner", "leading"]}
    verdicts = {e: evaluate(rule, facts_of(e, TODAY), TODAY).verdict for e in (owner, supplier, outsider)}
    # Not being in a chain is known: never "possibly".
    assert verdicts == {owner: Verdict.PASS, supplier: Verdict.FAIL, outsider: Verdict.FAIL}
    assert all(_sql_class(rule, e) == v for e, v in verdicts.items())
    any_role = clean_rule({"conditions": [{"field": "chain", "values": [hydrogen.pk]}]})
    assert evaluate(any_role, facts_of(supplier, TODAY), TODAY).verdict == Verdict.PASS
    assert _sql_class(any_role, owner) == Verdict.FAIL
    any_chain_owner = clean_rule({"conditions": [{"field": "chain", "roles": ["owner"]}]})
    assert _sql_class(any_chain_owner, owner) == Verdict.PASS
    assert evaluate(any_chain_owner, facts_of(supplier, TODAY), TODAY).verdict == Verdict.FAIL
    check = evaluate(rule, facts_of(supplier, TODAY), TODAY).checks[0]
    assert check.value == "光伏装备产业链（配套企业）、氢能产业链（龙头企业）"
    assert check.required == "产业链：光伏装备产业链（链主企业、龙头企业）"


@pytest.mark.parametrize(
    ("condition", "field", "words"),
    [
        ({"field": "chain", "values": ["不存在链"]}, "rule.conditions[0].values", "不存在的产业链：不存在链"),
        ({"field": "chain", "values": [999999]}, "rule.conditions[0].values", "不存在的产业链：编号 999999"),
        ({"field": "chain", "values": [], "roles": ["boss"]}, "rule.conditions[0].roles", "不认识的链上地位"),
        ({"field": "chain", "values": []}, "rule.conditions[0].values", "至少选择一条产业链"),
    ],
)
def test_bad_chain_conditions_are_named(condition: dict[str, Any], field: str, words: str) -> None:
    _chains()
    with pytest.raises(ValidationFailed) as failure:
        clean_rule({"conditions": [condition]})
    assert any(e.field == field and words in e.message for e in failure.value.errors), failure.value.errors


def test_a_chain_name_kept_in_two_regions_must_say_which() -> None:
    _chains()
    city = Chain.objects.create(name="光伏装备产业链", region_id="150500")
    with pytest.raises(ValidationFailed) as failure:
        clean_rule({"conditions": [{"field": "chain", "values": ["光伏装备"]}]})
    assert "对应多条产业链" in failure.value.errors[0].message
    assert "请注明地区" in failure.value.errors[0].message
    named = clean_rule({"conditions": [{"field": "chain", "values": ["光伏装备产业链（通辽市）"]}]})
    assert named["conditions"][0]["values"] == [city.pk]
