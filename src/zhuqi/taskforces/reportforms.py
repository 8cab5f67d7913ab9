"""A campaign's report form, defined as data by the task force: the fields each enterprise fills
each period, with their units and bounds, and which of them the board's rates read (measure).

A form is a list of fields, stored on the campaign (Campaign.report_form):

    {"key": "status", "label": "复工状态", "kind": "choice", "measure": "status",
     "choices": ["未复工", "部分复工", "全面复工"], "done": ["全面复工"], "required": true}
    {"key": "staff_expected", "label": "应到人数", "kind": "integer", "unit": "人", "min": 0,
     "max": 100000, "measure": "staff_expected", "registry": "employees"}

kind: choice, integer, decimal, percent, text. A field with `registry` takes its value from the
enterprise's record when the record has one and is not asked for: a value is never typed twice.
measure (at most one field each): status (a choice; `done` lists the choices that count as fully
done, e.g. 全面复工), staff_present, staff_expected, capacity (a percent), output (万元), difficulty
(text: a report that gives one files a demand case). Definitions of the rates: docs/taskforces.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_noop

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.enterprises.models import Enterprise

KINDS = {
    "choice": gettext_noop("选项"),
    "integer": gettext_noop("整数"),
    "decimal": gettext_noop("数值"),
    "percent": gettext_noop("百分比"),
    "text": gettext_noop("文字"),
}
# measure → the kinds a field measuring it may have
MEASURES = {
    "status": ("choice",),
    "staff_present": ("integer",),
    "staff_expected": ("integer",),
    "capacity": ("percent",),
    "output": ("decimal",),
    "difficulty": ("text",),
}
# The registry's fields a form may read instead of asking.
REGISTRY_FIELDS = {"employees": "从业人员"}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 30
MAX_TEXT = 2000
# The largest number a form's field may hold (a percent's bounds are tighter: 0–1000).
MAX_NUMBER = Decimal("9999999999.99")


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str
    unit: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    required: bool = False
    measure: str = ""
    registry: str = ""
    help: str = ""

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "kind": self.kind}
        for name, value in (
            ("unit", self.unit),
            ("min", None if self.minimum is None else _number_data(self.minimum)),
            ("max", None if self.maximum is None else _number_data(self.maximum)),
            ("choices", list(self.choices)),
            ("done", list(self.done)),
            ("required", self.required),
            ("measure", self.measure),
            ("registry", self.registry),
            ("help", self.help),
        ):
            # `is` for False: a bound of 0 equals False and must be kept.
            if value is not None and value is not False and value not in ("", []):
                data[name] = value
        return data

    @property
    def bounds_text(self) -> str:
        """0–100000 人: the bounds as a page shows them beside the input."""
        if self.minimum is None and self.maximum is None:
            return self.unit
        low = "" if self.minimum is None else _number_data(self.minimum)
        high = "" if self.maximum is None else _number_data(self.maximum)
        return f"{low}–{high}{(' ' + self.unit) if self.unit else ''}"


def _number_data(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    result = Decimal(str(value).strip().replace(",", ""))
    if not result.is_finite():
        raise InvalidOperation
    return result


def parse_form(data: Any, *, field_name: str = "report_form") -> list[FormField]:
    """The form `data` defines, or ValidationFailed naming each bad field as report_form[i].name."""
    if not isinstance(data, list) or not data:
        raise ValidationFailed([FieldError(field_name, "填报表单应至少有一项")])
    if len(data) > MAX_FIELDS:
        raise ValidationFailed([FieldError(field_name, f"填报表单最多 {MAX_FIELDS} 项")])
    errors: list[FieldError] = []
    fields: list[FormField] = []
    keys: set[str] = set()
    measures: set[str] = set()
    for index, item in enumerate(data):
        where = f"{field_name}[{index}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "每一项应为一个对象（key、label、kind …）"))
            continue
        before = len(errors)
        key = str(item.get("key") or "").strip()
        label = str(item.get("label") or "").strip()
        kind = str(item.get("kind") or "").strip()
        if not KEY.match(key):
            errors.append(FieldError(f"{where}.key", "应为小写英文字母开头的字母、数字或下划线，至多 40 个"))
        elif key in keys:
            errors.append(FieldError(f"{where}.key", f"“{key}”重复"))
        keys.add(key)
        if not label or len(label) > 40:
            errors.append(FieldError(f"{where}.label", "必填，至多 40 个字"))
        if kind not in KINDS:
            errors.append(FieldError(f"{where}.kind", f"应为以下之一：{'、'.join(KINDS)}"))
        unit = str(item.get("unit") or "").strip()[:10]
        try:
            minimum, maximum = _number(item.get("min")), _number(item.get("max"))
        except (InvalidOperation, ValueError):
            errors.append(FieldError(f"{where}.min", "上下限应为数字"))
            minimum = maximum = None
        if kind == "percent":
            minimum = Decimal(0) if minimum is None else minimum
            maximum = Decimal(100) if maximum is None else maximum
            if minimum < 0 or maximum > 1000:
                errors.append(FieldError(f"{where}.max", "百分比的上下限应在 0–1000 之间"))
        if kind in ("integer", "decimal"):
            minimum = Decimal(0) if minimum is None else minimum
        if minimum is not None and maximum is not None and maximum < minimum:
            errors.append(FieldError(f"{where}.max", "上限不能小于下限"))
        if (minimum is not None and abs(minimum) > MAX_NUMBER) or (
            maximum is not None and abs(maximum) > MAX_NUMBER
        ):
            errors.append(FieldError(f"{where}.max", "上下限过大"))
        choices = tuple(str(c).strip() for c in (item.get("choices") or []) if str(c).strip())
        done = tuple(str(c).strip() for c in (item.get("done") or []) if str(c).strip())
        if kind == "choice":
            if len(choices) < 2 or len(set(choices)) != len(choices) or any(len(c) > 40 for c in choices):
                errors.append(FieldError(f"{where}.choices", "选项至少两个，互不重复，每个至多 40 个字"))
            if any(c not in choices for c in done):
                errors.append(FieldError(f"{where}.done", "“已完成”的选项应是本项的选项之一"))
        elif choices or done:
            errors.append(FieldError(f"{where}.choices", "只有选项类的项目有选项"))
        measure = str(item.get("measure") or "").strip()
        if measure:
            if measure not in MEASURES:
                errors.append(FieldError(f"{where}.measure", f"应为以下之一：{'、'.join(MEASURES)}"))
            elif kind not in MEASURES[measure]:
                errors.append(
                    FieldError(f"{where}.measure", f"“{measure}”应由{KINDS[MEASURES[measure][0]]}类项目填写")
                )
            elif measure in measures:
                errors.append(FieldError(f"{where}.measure", f"“{measure}”已由另一项填写"))
            elif measure == "status" and not done:
                errors.append(FieldError(f"{where}.done", "状态项应指明哪些选项算作全面完成（如 全面复工）"))
            measures.add(measure)
        registry = str(item.get("registry") or "").strip()
        if registry and registry not in REGISTRY_FIELDS:
            errors.append(FieldError(f"{where}.registry", f"应为以下之一：{'、'.join(REGISTRY_FIELDS)}"))
        if len(errors) == before:
            fields.append(
                FormField(
                    key=key,
                    label=label,
                    kind=kind,
                    unit=unit,
                    minimum=minimum,
                    maximum=maximum,
                    choices=choices,
                    done=done,
                    required=bool(item.get("required")),
                    measure=measure,
                    registry=registry,
                    help=str(item.get("help") or "").strip()[:200],
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return fields


def form_of(data: Any) -> list[FormField]:
    """The fields of a stored form (already checked when it was saved)."""
    return parse_form(data)


def registry_value(form_field: FormField, enterprise: Enterprise) -> Any:
    """The value the registry holds for a field that reads it, else None (the field is asked)."""
    if not form_field.registry:
        return None
    return getattr(enterprise, form_field.registry, None)


def asked_fields(fields: list[FormField], enterprise: Enterprise) -> list[FormField]:
    """The fields the enterprise is asked for: those the registry cannot answer."""
    return [f for f in fields if registry_value(f, enterprise) is None]


def clean_values(
    fields: list[FormField], raw: dict[str, Any], enterprise: Enterprise, *, prefix: str = "values"
) -> dict[str, Any]:
    """The report's values, each checked against its field (kind, choices, bounds, required),
    with the registry's values filled in; ValidationFailed naming values.<key> for each bad one.
    Keys the form does not have are refused, so a typo is not silently dropped."""
    errors: list[FieldError] = []
    known = {f.key for f in fields}
    for key in raw:
        if key not in known:
            errors.append(FieldError(f"{prefix}.{key}", f"本行动的填报表单没有“{key}”一项"))
    cleaned: dict[str, Any] = {}
    for form_field in fields:
        name = f"{prefix}.{form_field.key}"
        from_registry = registry_value(form_field, enterprise)
        value = raw.get(form_field.key)
        if (value is None or value == "") and from_registry is not None:
            value = from_registry
        if value is None or (isinstance(value, str) and not value.strip()):
            if form_field.required:
                errors.append(FieldError(name, f"{form_field.label}：必填"))
            continue
        if form_field.kind == "text":
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors.append(FieldError(name, f"{form_field.label}：至多 {MAX_TEXT} 个字"))
                continue
            cleaned[form_field.key] = text
        elif form_field.kind == "choice":
            text = str(value).strip()
            if text not in form_field.choices:
                errors.append(
                    FieldError(
                        name, f"{form_field.label}：“{text}”不是可选项（{'、'.join(form_field.choices)}）"
                    )
                )
                continue
            cleaned[form_field.key] = text
        else:
            number = _checked_number(form_field, value, name, errors)
            if number is not None:
                cleaned[form_field.key] = int(number) if form_field.kind == "integer" else str(number)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _checked_number(form_field: FormField, value: Any, name: str, errors: list[FieldError]) -> Decimal | None:
    text = str(value).strip().replace(",", "").replace("，", "")
    if form_field.kind == "percent" and text.endswith(("%", "％")):
        text = text[:-1].strip()
    if form_field.unit and text.endswith(form_field.unit):
        text = text[: -len(form_field.unit)].strip()
    try:
        number = _number(text) if not isinstance(value, bool) else None
        if number is None:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        unit = f"（单位：{form_field.unit}）" if form_field.unit else ""
        errors.append(FieldError(name, f"{form_field.label}：“{value}”不是数字{unit}"))
        return None
    if form_field.kind == "integer" and number != number.to_integral_value():
        errors.append(FieldError(name, f"{form_field.label}：应为整数"))
        return None
    if (
        (form_field.minimum is not None and number < form_field.minimum)
        or (form_field.maximum is not None and number > form_field.maximum)
        or abs(number) > MAX_NUMBER
    ):
        errors.append(FieldError(name, f"{form_field.label}：{value} 超出范围（{form_field.bounds_text}）"))
        return None
    return number.quantize(Decimal("0.01")) if form_field.kind != "integer" else number


def measures_of(fields: list[FormField], values: dict[str, Any]) -> dict[str, Any]:
    """The measured values the figures read, from a report's cleaned values."""
    found: dict[str, Any] = {}
    for form_field in fields:
        if form_field.measure and form_field.key in values:
            found[form_field.measure] = values[form_field.key]
    return found


def status_field(fields: list[FormField]) -> FormField | None:
    return next((f for f in fields if f.measure == "status"), None)


# The forms a new campaign starts from, by kind; the task force may change them.
_DIFFICULTY = {
    "key": "difficulty",
    "label": "困难和诉求",
    "kind": "text",
    "measure": "difficulty",
    "help": "填写后转为诉求事项，由专班分派办理",
}
_OUTPUT = {
    "key": "output",
    "label": "当期产值",
    "kind": "decimal",
    "unit": "万元",
    "min": 0,
    "max": 10000000,
    "measure": "output",
}
_CAPACITY = {
    "key": "capacity",
    "label": "产能利用率",
    "kind": "percent",
    "unit": "%",
    "min": 0,
    "max": 150,
    "measure": "capacity",
}
_STAFF = [
    {
        "key": "staff_present",
        "label": "在岗人数",
        "kind": "integer",
        "unit": "人",
        "min": 0,
        "max": 200000,
        "measure": "staff_present",
    },
    {
        "key": "staff_expected",
        "label": "应到人数",
        "kind": "integer",
        "unit": "人",
        "min": 0,
        "max": 200000,
        "measure": "staff_expected",
        "registry": "employees",
    },
]
STARTING_FORMS: dict[str, list[dict[str, Any]]] = {
    "resumption": [
        {
            "key": "status",
            "label": "复工状态",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["未复工", "部分复工", "全面复工"],
            "done": ["全面复工"],
        },
        *_STAFF,
        _CAPACITY,
        _OUTPUT,
        _DIFFICULTY,
    ],
    "stable_supply": [
        {
            "key": "status",
            "label": "生产状态",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["停产", "减产", "正常生产", "满负荷生产"],
            "done": ["正常生产", "满负荷生产"],
        },
        _CAPACITY,
        _OUTPUT,
        {
            "key": "stock_days",
            "label": "原料库存可用天数",
            "kind": "integer",
            "unit": "天",
            "min": 0,
            "max": 365,
        },
        _DIFFICULTY,
    ],
    "safety": [
        {
            "key": "status",
            "label": "检查结果",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["未检查", "发现隐患整改中", "检查合格"],
            "done": ["检查合格"],
        },
        {"key": "hazards", "label": "发现隐患数", "kind": "integer", "unit": "项", "min": 0, "max": 1000},
        _DIFFICULTY,
    ],
    "winter_supply": [
        {
            "key": "status",
            "label": "供应状态",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["供应不足", "基本保障", "充足保障"],
            "done": ["基本保障", "充足保障"],
        },
        {"key": "stock_days", "label": "储备可用天数", "kind": "integer", "unit": "天", "min": 0, "max": 365},
        _CAPACITY,
        _DIFFICULTY,
    ],
    "relief": [
        {
            "key": "status",
            "label": "经营状况",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["停产停业", "经营困难", "基本正常", "经营良好"],
            "done": ["基本正常", "经营良好"],
        },
        *_STAFF,
        _OUTPUT,
        _DIFFICULTY,
    ],
    "other": [
        {
            "key": "status",
            "label": "进展状态",
            "kind": "choice",
            "measure": "status",
            "required": True,
            "choices": ["未开展", "推进中", "已完成"],
            "done": ["已完成"],
        },
        _DIFFICULTY,
    ],
}
