"""Amounts and choices as people type them, read the same way by every app's services and
importers: "1.2亿元" into a 万元 column is refused rather than converted, a choice may be given by
its value or its Chinese label."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from zhuqi.core.errors import FieldError, ValidationFailed

MAX_AMOUNT = Decimal("999999999999.99")

UNIT_FACTORS = {
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "万元": Decimal(1),
    "万": Decimal(1),
    "元": Decimal("0.0001"),
}


def parse_amount(value: Any, field_name: str, *, unit: str = "万元", required: bool = True) -> Decimal | None:
    """An amount in 万元 from a number or a text that may carry its unit ("1.2亿元", "3000万").

    A text naming a unit other than the column's is refused rather than converted: someone
    typed 亿元 into a 万元 column, and a silent conversion would hide which figure they meant.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed([FieldError(field_name, "必填")])
        return None
    if isinstance(value, bool):
        raise ValidationFailed([FieldError(field_name, "应为金额")])
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    written_unit = ""
    for candidate in ("亿元", "万元", "亿", "万", "元"):
        if text.endswith(candidate):
            written_unit, text = candidate, text[: -len(candidate)]
            break
    if written_unit and UNIT_FACTORS[written_unit] != UNIT_FACTORS[unit]:
        raise ValidationFailed(
            [
                FieldError(
                    field_name, f"本栏单位为{unit}，填写的是“{value}”（{written_unit}）：请换算为{unit}后填写"
                )
            ]
        )
    try:
        amount = Decimal(text) * UNIT_FACTORS[unit]
    except InvalidOperation:
        raise ValidationFailed([FieldError(field_name, f"“{value}”不是金额（单位：{unit}）")]) from None
    if not amount.is_finite():
        raise ValidationFailed([FieldError(field_name, f"“{value}”不是金额（单位：{unit}）")])
    if amount < 0:
        raise ValidationFailed([FieldError(field_name, "不能为负数")])
    if amount > MAX_AMOUNT:
        raise ValidationFailed([FieldError(field_name, "金额过大，请确认单位（万元）")])
    return amount.quantize(Decimal("0.01"))


def parse_choice(value: str, choices: Any, field_name: str, *, default: str = "") -> str:
    """A choice by its value or its Chinese label, or ValidationFailed listing the labels."""
    value = (value or default or "").strip()
    if not value:
        raise ValidationFailed([FieldError(field_name, "必填")])
    if value in choices.values:
        return value
    by_label = {str(label): key for key, label in choices.choices}
    if value in by_label:
        return by_label[value]
    allowed = "、".join(str(label) for _, label in choices.choices)
    raise ValidationFailed([FieldError(field_name, f"“{value}”不是可选的值，可选：{allowed}")])


def collect(errors: list[FieldError], call: Any, *args: Any, **kwargs: Any) -> Any:
    """`call`'s result, or None with its field errors added to `errors`: a service cleaning many
    values refuses them all at once, each naming its field."""
    try:
        return call(*args, **kwargs)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
        return None
