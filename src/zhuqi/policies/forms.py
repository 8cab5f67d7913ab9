"""The policy pages' forms. Values stay as posted (amounts as text, ids as given); the services
parse and judge them, naming the field, so the page and the API refuse alike.

The rule editor is a table of condition rows (条件, 比较, 值) that a person fills without writing
any code; a rule the rows cannot show (groups within groups) is edited as its JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhuqi.chains.models import Role
from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.forms import Form, LenientDateField, LenientIdListField, LenientIntegerField, model_label
from zhuqi.core.versioning import version_field
from zhuqi.directory.models import User
from zhuqi.enterprises.models import QualificationKind, SizeClass
from zhuqi.policies.models import Delivery, Policy
from zhuqi.policies.rules import (
    BOUNDS,
    CHAIN_NAMES,
    FIELD_LABELS,
    RANGE_FIELDS,
    ROLE_WORDS,
    Match,
    value_label,
)

RULE_ROWS = 8
# The comparisons a row offers for each kind of condition.
RANGE_OPERATORS = {"min": "≥ 不少于", "max": "≤ 不超过", "above": "> 高于", "below": "< 低于"}
VALUE_OPERATOR = "in"
YES, NO = "yes", "no"


def _text(model_field: str) -> forms.CharField:
    return forms.CharField(label=model_label(Policy, model_field), required=False, strip=False)


class PolicyForm(Form):
    model = Policy

    title = _text("title")
    issuer = _text("issuer")
    document_number = _text("document_number")
    published_on = LenientDateField(label=model_label(Policy, "published_on"))
    valid_from = LenientDateField(label=model_label(Policy, "valid_from"))
    valid_until = LenientDateField(label=model_label(Policy, "valid_until"))
    region = _text("region")
    category = _text("category")
    benefit = _text("benefit")
    amount = _text("amount")
    rate = _text("rate")
    amount_cap = _text("amount_cap")
    grant_mode = _text("grant_mode")
    how_to_apply = _text("how_to_apply")
    department = LenientIntegerField(label=model_label(Policy, "department"))
    full_text = _text("full_text")
    status = _text("status")
    version = version_field()
    rule_match = forms.CharField(required=False)
    rule_json = forms.CharField(label=gettext_lazy("适用条件（JSON）"), required=False, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(RULE_ROWS):
            for part in ("field", "op", "value"):
                self.fields[f"cond-{index}-{part}"] = forms.CharField(required=False, strip=False)

    def label_of(self, path: str) -> str:
        row = re.match(r"rule\.conditions\[(\d+)\]", path)
        if row:
            return _("适用条件第 %(row)s 行") % {"row": int(row.group(1)) + 1}
        return super().label_of(path)

    def rule(self) -> Any:
        """The rule the rows (or the JSON, when the rows are empty) say. A JSON text that cannot be
        read is refused here, naming the field; every other judgement is the service's."""
        data = self.cleaned_data
        rows = [
            RuleRow(
                data.get(f"cond-{i}-field") or "",
                data.get(f"cond-{i}-op") or "",
                data.get(f"cond-{i}-value") or "",
            )
            for i in range(RULE_ROWS)
        ]
        rows = [row for row in rows if row.field]
        if rows:
            return rule_from_rows(data.get("rule_match") or Match.ALL, rows)
        text = (data.get("rule_json") or "").strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            raise ValidationFailed(
                [FieldError("rule", _("适用条件（JSON）无法读取，请检查括号和引号"))]
            ) from None


@dataclass
class RuleRow:
    field: str
    op: str
    value: str


_SPLIT = re.compile(r"[,，、;；\s]+")


def _labels(choices: Any) -> dict[str, str]:
    found = {str(label): value for value, label in choices.choices}
    found.update({_(str(label)): value for value, label in choices.choices})
    return found


def rule_from_rows(match: str, rows: list[RuleRow]) -> dict[str, Any]:
    """The rule of the editor's rows. Values are codes or the labels shown beside them; what
    cannot be read is passed on as typed, for the service to refuse by its row."""
    conditions: list[dict[str, Any]] = []
    for row in rows:
        value = row.value.strip()
        if row.field == "above_scale":
            conditions.append({"field": "above_scale", "value": row.op != NO and value not in ("否", "no")})
        elif row.field == "chain":
            # "光伏装备产业链、氢能产业链、链主企业": chain names (or ids) and, optionally, roles.
            parts = [p for p in _SPLIT.split(value) if p]
            roles = [p for p in parts if p in ROLE_WORDS or p in Role.values]
            chains = [p for p in parts if p not in roles]
            condition: dict[str, Any] = {"field": "chain", "values": chains}
            if roles:
                condition["roles"] = roles
            conditions.append(condition)
        elif row.field in RANGE_FIELDS:
            conditions.append(
                {"field": row.field, row.op if row.op in BOUNDS else "min": value.replace(",", "")}
            )
        else:
            parts = [p for p in _SPLIT.split(value) if p]
            if row.field in ("industry", "region"):
                # "C 制造业" or "150581 霍林郭勒市": the code is the part the picker put first.
                parts = [p for p in parts if re.fullmatch(r"[A-Za-z]|\d{2,6}", p)] or parts
                parts = [p.upper() for p in parts]
            elif row.field == "size_class":
                labels = _labels(SizeClass)
                parts = [labels.get(p, p) for p in parts]
            elif row.field == "qualification":
                labels = _labels(QualificationKind)
                parts = [labels.get(p, p) for p in parts]
            conditions.append({"field": row.field, "values": parts})
    return {"match": match, "conditions": conditions}


def rows_from_rule(rule: dict[str, Any]) -> tuple[str, list[RuleRow]] | None:
    """The editor's rows for a stored rule, or None when rows cannot show it (a nested group, or
    a range with two bounds in an any-of rule, which as rows would read as either bound)."""
    if not rule:
        return Match.ALL, []
    match = rule.get("match", Match.ALL)
    rows: list[RuleRow] = []
    for condition in rule.get("conditions", []):
        if "conditions" in condition:
            return None
        name = condition["field"]
        if name == "above_scale":
            rows.append(RuleRow(name, YES if condition["value"] else NO, ""))
        elif name == "chain":
            shown = [value_label(name, value) for value in condition.get("values") or []]
            shown += [_(Role(role).label) for role in condition.get("roles") or [] if role in Role.values]
            rows.append(RuleRow(name, VALUE_OPERATOR, "、".join(shown)))
        elif name in RANGE_FIELDS:
            bounds = [b for b in BOUNDS if b in condition]
            if len(bounds) > 1 and match == Match.ANY:
                return None
            rows += [RuleRow(name, bound, str(condition[bound])) for bound in bounds]
        else:
            # As a person reads them: "C 制造业", "小型": rule_from_rows reads either back.
            shown = [
                f"{value} {value_label(name, value)}" if name == "region" else value_label(name, value)
                for value in condition["values"]
            ]
            rows.append(RuleRow(name, VALUE_OPERATOR, "、".join(shown)))
    if len(rows) > RULE_ROWS:
        return None
    return match, rows


def rule_chain_names(user: User) -> list[str]:
    """The chains a chain condition may name, as the editor's rows write them: those the editor
    may see (a policy's chains are of its region or above, and a keeper sees those)."""
    labels = CHAIN_NAMES.get()
    visible = chain_queryset(user=user).values_list("pk", flat=True)
    return sorted(labels[pk] for pk in visible if pk in labels)


def rule_field_choices() -> list[tuple[str, str]]:
    return [(name, _(label)) for name, label in FIELD_LABELS.items()]


class NotifyForm(Form):
    model = Delivery

    channel = forms.CharField(required=False)
    notified_on = LenientDateField(label=model_label(Delivery, "notified_on"))
    enterprise = LenientIdListField(label=model_label(Delivery, "enterprise"))
    off_match_reason = forms.CharField(label=model_label(Delivery, "off_match_reason"), required=False)
    scope = forms.CharField(required=False)  # "eligible": every eligible one not yet told


class DeliveryStepForm(Form):
    """Applied, granted or refused: one small form per row of the delivery list."""

    model = Delivery

    version = version_field()
    step = forms.CharField(required=False)
    on = LenientDateField(label=gettext_lazy("日期"))
    amount = forms.CharField(label=model_label(Delivery, "granted_amount"), required=False)
    refusal_reason = forms.CharField(label=model_label(Delivery, "refusal_reason"), required=False)
    note = forms.CharField(label=model_label(Delivery, "note"), required=False)


class ComplaintForm(Form):
    model = Delivery

    complaint = forms.CharField(label=gettext_lazy("反映类型"), required=False)
    description = forms.CharField(label=gettext_lazy("情况说明"), required=False, strip=False)
