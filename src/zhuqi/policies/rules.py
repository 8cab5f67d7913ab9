"""A policy's eligibility rule, stored as data and read two ways that must agree: in Python, for
one enterprise with the reasons (every condition, the enterprise's value, passed or not), and
as SQL, for matching a policy against every enterprise at once.

    {"match": "all" | "any", "conditions": [condition | rule, ...]}     nested at most 3 deep
    {"field": "size_class", "values": ["small", "micro"]}
    {"field": "industry", "values": ["C", "51", "3252"]}   GB/T 4754 section letters or code prefixes
    {"field": "region", "values": ["150581"]}              GB/T 2260 codes, with what lies under them
    {"field": "above_scale", "value": true}
    {"field": "employees" | "revenue" | "years_founded", "min" | "max" | "above" | "below": n}
    {"field": "qualification", "values": ["little_giant", ...]}   holds any of them, in force
    {"field": "chain", "values": [3, 5], "roles": ["owner", "leading"]}
                                a member of one of the chains (ids; names are resolved to ids when
                                the rule is cleaned), in one of the roles if any are listed; no
                                chains listed: any chain, in one of the roles

Bounds: `min` ≥, `max` ≤, `above` >, `below` <. Revenue in 万元; years since founding whole.

Three-valued: a condition on a value the registry lacks (employees not reported) is *unknown*,
and the rule's outcome follows Kleene's logic, so an enterprise is eligible only when every
needed fact is known and passes, ineligible only when a known fact fails, and otherwise
possibly eligible: never silently one or the other. Qualifications and chain memberships are the
exceptions: their lists are kept complete, so not holding one, or not being in a chain, is a
known fact."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhuqi.chains.models import Chain, Member, Role
from zhuqi.chains.naming import name_key
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.process_cache import ProcessCache
from zhuqi.core.scoping import NOTHING, prefix_upper_bound, region_prefix, region_subtree_q
from zhuqi.directory.models import Industry, Region
from zhuqi.enterprises.models import Qualification, QualificationKind, SizeClass

MAX_DEPTH = 3
MAX_CONDITIONS = 50
# Every row: an AND of nothing. `Q()` would vanish inside an OR and leave the other arms alone.
EVERY_ROW = ~NOTHING


class Match(StrEnum):
    ALL = "all"
    ANY = "any"


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    FAIL = "fail"
    UNKNOWN = "unknown"


FIELD_LABELS = {
    "size_class": gettext_noop("企业规模"),
    "industry": gettext_noop("所属行业"),
    "region": gettext_noop("所在地区"),
    "above_scale": gettext_noop("规上企业"),
    "employees": gettext_noop("从业人员"),
    "revenue": gettext_noop("营业收入"),
    "years_founded": gettext_noop("成立年限"),
    "qualification": gettext_noop("资质认定"),
    "chain": gettext_noop("产业链"),
}
# Who can fill a missing fact, for "possibly eligible": the page says whom to ask.
SUPPLIERS = {
    "size_class": "按从业人员、营业收入测算；企业在企业信息中补充",
    "industry": "统计部门或企业在企业信息中补充",
    "employees": "企业在企业信息中补充，或统计、人社部门",
    "revenue": "企业在企业信息中补充，或统计、税务部门",
    "years_founded": "市场监管部门（营业执照成立日期）或企业补充",
}
UNITS = {
    "employees": gettext_noop("人"),
    "revenue": gettext_noop("万元"),
    "years_founded": gettext_noop("年"),
}
BOUNDS = {"min": "≥", "max": "≤", "above": ">", "below": "<"}
RANGE_FIELDS = ("employees", "revenue", "years_founded")
VALUE_FIELDS = ("size_class", "industry", "region", "qualification")
FIELDS = (*VALUE_FIELDS, "above_scale", *RANGE_FIELDS, "chain")
# The words a person writes for a role (the labels, and the labels without 企业).
ROLE_WORDS = {
    **{str(label): value for value, label in Role.choices},
    **{str(label).removesuffix("企业"): value for value, label in Role.choices},
}


# ---------------------------------------------------------------------------------------------
# Checking a rule as it is entered


def clean_rule(rule: Any, path: str = "rule") -> dict[str, Any]:
    """The rule as it will be stored, or ValidationFailed naming each bad part by its path
    (`rule.conditions[2].values`). An empty rule (`{}`) matches every enterprise of the region."""
    if rule in (None, "", {}):
        return {}
    errors: list[FieldError] = []
    cleaned = _clean_group(rule, path, 1, errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _clean_group(group: Any, path: str, depth: int, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(group, dict):
        errors.append(FieldError(path, '应为条件组：{"match": "all", "conditions": [...]}'))
        return {}
    unknown = set(group) - {"match", "conditions"}
    if unknown:
        errors.append(FieldError(path, f"不认识的键：{'、'.join(sorted(map(str, unknown)))}"))
    match = group.get("match", Match.ALL)
    if match not in (Match.ALL, Match.ANY):
        errors.append(FieldError(f"{path}.match", "应为 all（全部满足）或 any（满足其一）"))
    conditions = group.get("conditions", [])
    if not isinstance(conditions, list):
        errors.append(FieldError(f"{path}.conditions", "应为条件列表"))
        return {}
    if len(conditions) > MAX_CONDITIONS:
        errors.append(FieldError(f"{path}.conditions", f"一组条件最多 {MAX_CONDITIONS} 条"))
        return {}
    cleaned: list[dict[str, Any]] = []
    for index, condition in enumerate(conditions):
        where = f"{path}.conditions[{index}]"
        if isinstance(condition, dict) and "conditions" in condition:
            if depth >= MAX_DEPTH:
                errors.append(FieldError(where, f"条件组最多嵌套 {MAX_DEPTH} 层"))
                continue
            cleaned.append(_clean_group(condition, where, depth + 1, errors))
        else:
            cleaned.append(_clean_condition(condition, where, errors))
    return {"match": str(match), "conditions": cleaned}


def _clean_condition(condition: Any, path: str, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(condition, dict):
        errors.append(FieldError(path, "应为一个条件"))
        return {}
    name = condition.get("field")
    if name not in FIELDS:
        errors.append(FieldError(f"{path}.field", f"不认识的条件：{name}"))
        return {}
    if name == "above_scale":
        return _clean_flag(condition, path, errors)
    if name == "chain":
        return _clean_chain(condition, path, errors)
    if name in RANGE_FIELDS:
        return _clean_range(name, condition, path, errors)
    return _clean_values(name, condition, path, errors)


def _unknown_keys(condition: dict[str, Any], allowed: set[str], path: str, errors: list[FieldError]) -> None:
    unknown = set(condition) - allowed - {"field"}
    if unknown:
        errors.append(FieldError(path, f"不认识的键：{'、'.join(sorted(map(str, unknown)))}"))


def _clean_flag(condition: dict[str, Any], path: str, errors: list[FieldError]) -> dict[str, Any]:
    _unknown_keys(condition, {"value"}, path, errors)
    value = condition.get("value", True)
    if not isinstance(value, bool):
        errors.append(FieldError(f"{path}.value", "应为 true 或 false"))
        value = True
    return {"field": "above_scale", "value": value}


def _clean_range(name: str, condition: dict[str, Any], path: str, errors: list[FieldError]) -> dict[str, Any]:
    _unknown_keys(condition, set(BOUNDS), path, errors)
    cleaned: dict[str, Any] = {"field": name}
    for bound in BOUNDS:
        if condition.get(bound) in (None, ""):
            continue
        raw = condition[bound]
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            number = Decimal(str(raw).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            errors.append(FieldError(f"{path}.{bound}", "应为数字"))
            continue
        if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
            errors.append(FieldError(f"{path}.{bound}", "应为不小于 0 的数"))
            continue
        if name != "revenue" and number != number.to_integral_value():
            errors.append(FieldError(f"{path}.{bound}", f"{FIELD_LABELS[name]}应为整数"))
            continue
        cleaned[bound] = int(number) if name != "revenue" else _plain(number)
    if len(cleaned) == 1:
        errors.append(FieldError(path, f"{FIELD_LABELS[name]}至少要有一个界限（不少于、不超过、高于或低于）"))
    low = _low(cleaned)
    high = _high(cleaned)
    if (
        low is not None
        and high is not None
        and (low[0] > high[0] or (low[0] == high[0] and (low[1] or high[1])))
    ):
        errors.append(FieldError(path, f"{FIELD_LABELS[name]}的下限高于上限，没有企业能满足"))
    return cleaned


def _plain(number: Decimal) -> int | float:
    """A revenue bound as JSON keeps it: an integer where it is one."""
    return int(number) if number == number.to_integral_value() else float(number)


def _low(condition: dict[str, Any]) -> tuple[Decimal, bool] | None:
    """The lower bound and whether it is strict."""
    if "above" in condition and "min" in condition:
        above, least = Decimal(str(condition["above"])), Decimal(str(condition["min"]))
        return (above, True) if above >= least else (least, False)
    if "above" in condition:
        return Decimal(str(condition["above"])), True
    if "min" in condition:
        return Decimal(str(condition["min"])), False
    return None


def _high(condition: dict[str, Any]) -> tuple[Decimal, bool] | None:
    if "below" in condition and "max" in condition:
        below, most = Decimal(str(condition["below"])), Decimal(str(condition["max"]))
        return (below, True) if below <= most else (most, False)
    if "below" in condition:
        return Decimal(str(condition["below"])), True
    if "max" in condition:
        return Decimal(str(condition["max"])), False
    return None


def _clean_values(
    name: str, condition: dict[str, Any], path: str, errors: list[FieldError]
) -> dict[str, Any]:
    _unknown_keys(condition, {"values"}, path, errors)
    raw = condition.get("values")
    if isinstance(raw, str):
        raw = [part for part in raw.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(raw, list) or not raw:
        errors.append(FieldError(f"{path}.values", f"请至少选择一个{FIELD_LABELS[name]}"))
        return {"field": name, "values": []}
    values = list(dict.fromkeys(str(v).strip() for v in raw if str(v).strip()))
    known = _known_values(name, values)
    unknown = [v for v in values if v not in known]
    if unknown:
        errors.append(
            FieldError(f"{path}.values", f"不存在的{FIELD_LABELS[name]}：{'、'.join(unknown[:10])}")
        )
    elif not values:
        errors.append(FieldError(f"{path}.values", f"请至少选择一个{FIELD_LABELS[name]}"))
    return {"field": name, "values": values}


def _chain_text(value: Any) -> str:
    return "".join(str(value).split())


def _chain_refs() -> list[tuple[int, str, str, str]]:
    """Every chain as (id, name, region code, region name)."""
    return list(Chain.objects.order_by("pk").values_list("pk", "name", "region_id", "region__name"))


def _resolve_chain(value: Any, refs: list[tuple[int, str, str, str]]) -> tuple[int | None, str]:
    """A chain id for a value of the rule: an id, a name (光伏装备 finds 光伏装备产业链), or a name
    with its region in brackets (铝产业链（霍林郭勒市）) where several regions keep one so named.
    (id, "") or (None, the reason)."""
    if isinstance(value, bool):
        return None, f"不存在的产业链：{value}"
    text = _chain_text(value)
    if text.isascii() and text.isdigit():
        found = [ref for ref in refs if ref[0] == int(text)]
        return (found[0][0], "") if found else (None, f"不存在的产业链：编号 {text}")
    named = re.fullmatch(r"(.+?)[（(](.+)[）)]", text)
    name, region = (named[1], named[2]) if named else (text, "")
    found = [
        ref
        for ref in refs
        if name_key(_chain_text(ref[1])) == name_key(name) and (not region or region in (ref[2], ref[3]))
    ]
    if len(found) > 1:
        exact = [ref for ref in found if _chain_text(ref[1]) == name]
        found = exact if len(exact) == 1 else found
    if len(found) == 1:
        return found[0][0], ""
    if not found:
        return None, f"不存在的产业链：{text}"
    named_as = "、".join(f"{ref[1]}（{ref[3]}）" for ref in found)
    return None, f"“{text}”对应多条产业链：{named_as}，请注明地区"


def _clean_chain(condition: dict[str, Any], path: str, errors: list[FieldError]) -> dict[str, Any]:
    _unknown_keys(condition, {"values", "roles"}, path, errors)
    raw = condition.get("values") or []
    if isinstance(raw, str | int):
        raw = [part for part in re.split(r"[,，、;；]+", str(raw))]
    roles_raw = condition.get("roles") or []
    if isinstance(roles_raw, str):
        roles_raw = [part for part in re.split(r"[,，、;；\s]+", roles_raw)]
    if not isinstance(raw, list) or not isinstance(roles_raw, list):
        errors.append(FieldError(f"{path}.values", "应为产业链列表"))
        return {"field": "chain", "values": []}
    refs = _chain_refs() if raw else []
    ids: list[int] = []
    problems: list[str] = []
    for value in raw:
        if not _chain_text(value):
            continue
        chain_id, reason = _resolve_chain(value, refs)
        if chain_id is None:
            problems.append(reason)
        elif chain_id not in ids:
            ids.append(chain_id)
    if problems:
        errors.append(FieldError(f"{path}.values", "；".join(problems[:10])))
    roles: list[str] = []
    unknown_roles: list[str] = []
    for role in roles_raw:
        text = _chain_text(role)
        if not text:
            continue
        value = text if text in Role.values else ROLE_WORDS.get(text)
        if value is None:
            unknown_roles.append(text)
        elif value not in roles:
            roles.append(value)
    if unknown_roles:
        errors.append(
            FieldError(
                f"{path}.roles",
                f"不认识的链上地位：{'、'.join(unknown_roles[:10])}（可选：链主企业、龙头企业、配套企业、其他企业）",
            )
        )
    if not ids and not roles and not problems and not unknown_roles:
        errors.append(FieldError(f"{path}.values", "请至少选择一条产业链或一种链上地位"))
    cleaned: dict[str, Any] = {"field": "chain", "values": ids}
    if roles:
        cleaned["roles"] = [role for role in Role.values if role in roles]
    return cleaned


def _known_values(name: str, values: Sequence[str]) -> set[str]:
    if name == "size_class":
        return set(values) & set(SizeClass.values)
    if name == "qualification":
        return set(values) & set(QualificationKind.values)
    if name == "industry":
        return set(Industry.objects.filter(code__in=values).values_list("code", flat=True))
    return set(Region.objects.filter(code__in=values).values_list("code", flat=True))


# ---------------------------------------------------------------------------------------------
# One enterprise, with the reasons


@dataclass(frozen=True)
class Facts:
    """What the registry knows of an enterprise, as a rule reads it. None: not known."""

    region_code: str
    size_class: str | None = None
    industry_code: str | None = None
    above_scale: bool = False
    employees: int | None = None
    revenue: Decimal | None = None
    founded_on: datetime.date | None = None
    qualifications: frozenset[str] = frozenset()
    # (chain id, role) of each place the enterprise holds in a chain: a complete list.
    chains: frozenset[tuple[int, str]] = frozenset()


@dataclass
class Check:
    """One condition as it applied to one enterprise."""

    field: str
    label: str
    required: str
    value: str
    verdict: Verdict
    supplier: str = ""


@dataclass
class Outcome:
    verdict: Verdict
    checks: list[Check] = field(default_factory=list)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if check.verdict == Verdict.UNKNOWN]


def evaluate(rule: dict[str, Any], facts: Facts, today: datetime.date) -> Outcome:
    checks: list[Check] = []
    verdict = _evaluate_group(rule or {}, facts, today, checks)
    return Outcome(verdict, checks)


def _evaluate_group(
    group: dict[str, Any], facts: Facts, today: datetime.date, checks: list[Check]
) -> Verdict:
    verdicts = [
        _evaluate_group(c, facts, today, checks)
        if "conditions" in c
        else _evaluate_condition(c, facts, today, checks)
        for c in group.get("conditions", [])
    ]
    return combine(group.get("match", Match.ALL), verdicts)


def combine(match: str, verdicts: Iterable[Verdict]) -> Verdict:
    """Kleene's AND / OR over pass, fail and unknown."""
    seen = set(verdicts)
    if match == Match.ANY:
        if Verdict.PASS in seen:
            return Verdict.PASS
        return Verdict.UNKNOWN if Verdict.UNKNOWN in seen else Verdict.FAIL
    if Verdict.FAIL in seen:
        return Verdict.FAIL
    return Verdict.UNKNOWN if Verdict.UNKNOWN in seen else Verdict.PASS


def years_since(founded_on: datetime.date, today: datetime.date) -> int:
    return today.year - founded_on.year - ((today.month, today.day) < (founded_on.month, founded_on.day))


def _evaluate_condition(
    condition: dict[str, Any], facts: Facts, today: datetime.date, checks: list[Check]
) -> Verdict:
    name = condition["field"]
    value: Any
    if name == "size_class":
        value = facts.size_class or None
        verdict = _verdict(value, lambda v: v in condition["values"])
        shown = SizeClass(value).label if value else ""
    elif name == "industry":
        value = facts.industry_code
        verdict = _verdict(value, lambda v: any(industry_contains(p, v) for p in condition["values"]))
        shown = value_label("industry", value) if value else ""
    elif name == "region":
        value = facts.region_code
        verdict = _verdict(value, lambda v: any(v.startswith(region_prefix(c)) for c in condition["values"]))
        shown = value_label("region", value)
    elif name == "above_scale":
        value = facts.above_scale
        verdict = _verdict(value, lambda v: v == condition["value"])
        shown = "是" if value else "否"
    elif name == "qualification":
        value = facts.qualifications
        verdict = _verdict(value, lambda v: bool(v & set(condition["values"])))
        shown = "、".join(QualificationKind(k).label for k in sorted(value)) or "无"
    elif name == "chain":
        value = facts.chains
        verdict = _verdict(value, lambda v: any(chain_place_holds(condition, c, r) for c, r in v))
        shown = describe_places(value)
    else:
        if name == "years_founded":
            value = years_since(facts.founded_on, today) if facts.founded_on else None
        else:
            value = getattr(facts, name)
        verdict = _verdict(value, lambda v: within(condition, Decimal(v)))
        shown = f"{value:,} {UNITS[name]}" if value is not None else ""
    checks.append(
        Check(
            field=name,
            label=FIELD_LABELS[name],
            required=describe_condition(condition),
            value=shown,
            verdict=verdict,
            supplier=SUPPLIERS.get(name, "") if verdict == Verdict.UNKNOWN else "",
        )
    )
    return verdict


def chain_place_holds(condition: dict[str, Any], chain_id: int, role: str) -> bool:
    """Whether being in chain `chain_id` as `role` meets a chain condition."""
    chains, roles = condition.get("values") or [], condition.get("roles") or []
    return (not chains or chain_id in chains) and (not roles or role in roles)


def describe_places(places: Iterable[tuple[int, str]]) -> str:
    """光伏装备产业链（链主企业）、氢能产业链（配套企业）, or 无."""
    names = CHAIN_NAMES.get()
    return "、".join(
        f"{names.get(chain_id, str(chain_id))}（{_(Role(role).label)}）"
        for chain_id, role in sorted(places)
        if role in Role.values
    ) or _("无")


def _verdict(value: Any, test: Any) -> Verdict:
    if value is None:
        return Verdict.UNKNOWN
    return Verdict.PASS if test(value) else Verdict.FAIL


def within(condition: dict[str, Any], value: Decimal) -> bool:
    for bound, holds in (
        ("min", lambda b: value >= b),
        ("max", lambda b: value <= b),
        ("above", lambda b: value > b),
        ("below", lambda b: value < b),
    ):
        if bound in condition and not holds(Decimal(str(condition[bound]))):
            return False
    return True


def _section_ranges() -> dict[str, tuple[str, str]]:
    """Each GB/T 4754 section's codes as one range of code strings: its divisions are
    consecutive (制造业 C is 13–43), so every code under it lies in [13, 44)."""
    divisions: dict[str, list[str]] = {}
    for section, code in Industry.objects.filter(level=Industry.Level.DIVISION).values_list(
        "section", "code"
    ):
        divisions.setdefault(section, []).append(code)
    return {section: (min(codes), prefix_upper_bound(max(codes))) for section, codes in divisions.items()}


# Reference tables, read once per process (and again should an administrator reload them): a
# rule's words and SQL name codes on every page and every match.
SECTION_RANGES = ProcessCache(_section_ranges, models=[Industry])
INDUSTRY_NAMES = ProcessCache(lambda: dict(Industry.objects.values_list("code", "name")), models=[Industry])
REGION_NAMES = ProcessCache(lambda: dict(Region.objects.values_list("code", "name")), models=[Region])


def _chain_labels() -> dict[int, str]:
    """Each chain's name, with its region's where another region keeps a chain so named."""
    refs = _chain_refs()
    counts: dict[str, int] = {}
    for _pk, name, _code, _region in refs:
        counts[name] = counts.get(name, 0) + 1
    return {pk: name if counts[name] == 1 else f"{name}（{region}）" for pk, name, _code, region in refs}


# A chain's name on a rule's words (a few dozen chains; a chain renamed shows within the minute).
CHAIN_NAMES = ProcessCache(_chain_labels, models=[Chain])


def section_range(letter: str) -> tuple[str, str] | None:
    return SECTION_RANGES.get().get(letter)


def industry_contains(prefix: str, code: str) -> bool:
    """Whether the industry `code` (any level) lies under `prefix` (a section letter or a code)."""
    if prefix.isalpha():
        span = section_range(prefix)
        return code == prefix or (span is not None and span[0] <= code < span[1])
    return code.startswith(prefix)


# ---------------------------------------------------------------------------------------------
# Every enterprise at once


def rule_q(rule: dict[str, Any], today: datetime.date) -> tuple[Q, Q]:
    """Over Enterprise: (the rule passes, the rule passes or cannot be decided). Eligible is the
    first; possibly eligible, the second without the first."""
    if not rule:
        return EVERY_ROW, EVERY_ROW
    return _group_q(rule, today)


def _group_q(group: dict[str, Any], today: datetime.date) -> tuple[Q, Q]:
    parts = [
        _group_q(c, today) if "conditions" in c else _condition_q(c, today)
        for c in group.get("conditions", [])
    ]
    if group.get("match", Match.ALL) == Match.ANY:
        if not parts:
            return NOTHING, NOTHING
        passes, possible = parts[0]
        for p, q in parts[1:]:
            passes, possible = passes | p, possible | q
        return passes, possible
    if not parts:
        return EVERY_ROW, EVERY_ROW
    passes, possible = parts[0]
    for p, q in parts[1:]:
        passes, possible = passes & p, possible & q
    return passes, possible


def _condition_q(condition: dict[str, Any], today: datetime.date) -> tuple[Q, Q]:
    name = condition["field"]
    if name == "size_class":
        passes = Q(size_class__in=condition["values"])
        return passes, passes | Q(size_class="")
    if name == "industry":
        passes = NOTHING
        for prefix in condition["values"]:
            passes |= _industry_q(prefix)
        return passes, passes | Q(industry_id__isnull=True)
    if name == "region":
        passes = NOTHING
        for code in condition["values"]:
            passes |= region_subtree_q("region_id", code)
        return passes, passes
    if name == "above_scale":
        passes = Q(above_scale=condition["value"])
        return passes, passes
    if name == "qualification":
        held = Qualification.objects.filter(Qualification.valid_q(today), kind__in=condition["values"])
        passes = Q(pk__in=held.values("enterprise_id"))
        return passes, passes
    if name == "chain":
        places = Member.objects.all()
        if condition.get("values"):
            places = places.filter(chain_id__in=condition["values"])
        if condition.get("roles"):
            places = places.filter(role__in=condition["roles"])
        passes = Q(pk__in=places.values("enterprise_id"))
        return passes, passes
    if name == "years_founded":
        passes = _founded_q(condition, today)
        return passes, passes | Q(founded_on__isnull=True)
    passes = EVERY_ROW
    for bound, lookup in (("min", "gte"), ("max", "lte"), ("above", "gt"), ("below", "lt")):
        if bound in condition:
            passes &= Q(**{f"{name}__{lookup}": condition[bound]})
    return passes, passes | Q(**{f"{name}__isnull": True})


def _industry_q(prefix: str) -> Q:
    if prefix.isalpha():
        span = section_range(prefix)
        own = Q(industry_id=prefix)
        return own if span is None else own | Q(industry_id__gte=span[0], industry_id__lt=span[1])
    return Q(industry_id__gte=prefix, industry_id__lt=prefix_upper_bound(prefix))


def years_before(today: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _founded_q(condition: dict[str, Any], today: datetime.date) -> Q:
    """Whole years since founding as dates: at least n years ⇔ founded on or before the day n
    years ago; fewer than n ⇔ after it."""
    passes = EVERY_ROW
    if "min" in condition:
        passes &= Q(founded_on__lte=years_before(today, condition["min"]))
    if "above" in condition:
        passes &= Q(founded_on__lte=years_before(today, condition["above"] + 1))
    if "below" in condition:
        passes &= Q(founded_on__gt=years_before(today, condition["below"]))
    if "max" in condition:
        passes &= Q(founded_on__gt=years_before(today, condition["max"] + 1))
    return passes


# ---------------------------------------------------------------------------------------------
# Words


def describe_condition(condition: dict[str, Any]) -> str:
    """A condition as a person reads it: 从业人员 < 300 人; 所属行业：C 制造业."""
    name = condition.get("field", "")
    if name == "above_scale":
        return _("规上企业") if condition.get("value", True) else _("规下企业")
    if name in RANGE_FIELDS:
        parts = [f"{BOUNDS[b]} {condition[b]:,}" for b in BOUNDS if b in condition]
        return f"{_(FIELD_LABELS[name])} {'、'.join(parts)} {_(UNITS[name])}"
    if name == "chain":
        chains = "、".join(value_label(name, v) for v in condition.get("values") or []) or _("任一产业链")
        roles = "、".join(_(Role(r).label) for r in condition.get("roles") or [] if r in Role.values)
        return f"{_(FIELD_LABELS[name])}：{chains}" + (f"（{roles}）" if roles else "")
    values = condition.get("values", [])
    return f"{_(FIELD_LABELS.get(name, name))}：{'、'.join(value_label(name, v) for v in values)}"


def value_label(name: str, value: str) -> str:
    if name == "size_class" and value in SizeClass.values:
        return _(SizeClass(value).label)
    if name == "qualification" and value in QualificationKind.values:
        return _(QualificationKind(value).label)
    if name == "industry":
        industry = INDUSTRY_NAMES.get().get(value)
        return f"{value} {industry}" if industry else value
    if name == "region":
        return REGION_NAMES.get().get(value, value)
    if name == "chain":
        return CHAIN_NAMES.get().get(int(value), str(value)) if str(value).isdigit() else str(value)
    return value


def describe(rule: dict[str, Any]) -> list[tuple[int, str]]:
    """The rule as indented lines (depth, text), for the policy page and the export."""
    lines: list[tuple[int, str]] = []

    def walk(group: dict[str, Any], depth: int) -> None:
        lines.append(
            (
                depth,
                _("同时满足以下全部条件")
                if group.get("match", Match.ALL) == Match.ALL
                else _("满足以下任一条件"),
            )
        )
        for condition in group.get("conditions", []):
            if "conditions" in condition:
                walk(condition, depth + 1)
            else:
                lines.append((depth + 1, describe_condition(condition)))

    if rule:
        walk(rule, 0)
    return lines
