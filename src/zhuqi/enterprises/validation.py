"""One validator for enterprise data, used by the API, the web form and the importer alike, so
the same bad value gets the same message wherever it is typed."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from zhuqi.core.chinese import to_halfwidth
from zhuqi.core.errors import FieldError
from zhuqi.core.textlimits import CONTACT_LENGTHS, length_error, limit
from zhuqi.core.validators import USCCError, validate_uscc
from zhuqi.directory.reference import ReferenceError, ReferenceResolver
from zhuqi.enterprises.models import Enterprise

# Field name → the Chinese label government lists use for it (also the import column header).
LABELS: dict[str, str] = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "short_name": "简称",
    "region": "所在地区",
    "industry": "所属行业",
    "employees": "从业人员",
    "revenue": "营业收入(万元)",
    "total_assets": "资产总额(万元)",
    "above_scale": "规上企业",
    "founded_on": "成立日期",
    "address": "地址",
    "contacts": "联系人",
}
REQUIRED = ("uscc", "name", "region")
MAX_AMOUNT = Decimal("99999999999999.99")

_PHONE = re.compile(r"^\+?[\d\-\s()]{7,20}$")
_TRUE = {"是", "y", "yes", "true", "1", "规上", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "规下", ""}


@dataclass
class CleanResult:
    values: dict[str, Any]
    errors: list[FieldError]


def _clean_text(field: str, raw: Any, errors: list[FieldError]) -> str:
    text = "" if raw is None else str(raw).strip()
    text = re.sub(r"\s+", " ", text)
    error = length_error(field, text, limit(Enterprise, field))
    if error is not None:
        errors.append(error)
    return text


# More people than any employer has; a larger figure is a typing error.
EMPLOYEES_MAX = 10_000_000


def _clean_int(field: str, raw: Any, errors: list[FieldError]) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = to_halfwidth(str(raw)).replace(",", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(FieldError(field, f"应为整数，“{raw}”不是数字"))
        return None
    if number != number.to_integral_value():
        errors.append(FieldError(field, f"应为整数，实际为 {raw}"))
        return None
    if number < 0:
        errors.append(FieldError(field, "不能为负数"))
        return None
    if number > EMPLOYEES_MAX:
        errors.append(FieldError(field, f"{raw} 超出合理范围（不超过1000万人）"))
        return None
    return int(number)


def _clean_amount(field: str, raw: Any, errors: list[FieldError]) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = to_halfwidth(str(raw)).replace(",", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(FieldError(field, f"应为以万元为单位的数字，“{raw}”不是数字"))
        return None
    if not number.is_finite() or number < 0:
        errors.append(FieldError(field, "不能为负数"))
        return None
    if number > MAX_AMOUNT:
        errors.append(FieldError(field, f"{raw} 超出范围（单位为万元，请检查是否误填为元）"))
        return None
    return number.quantize(Decimal("0.01"))


def _clean_bool(field: str, raw: Any, errors: list[FieldError]) -> bool:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(FieldError(field, f"应填“是”或“否”，不能是“{raw}”"))
    return False


# A day as registers and lists write it: 2019-05-01, 2019/5/1, 2019.5.1, 2019年5月1日, with a time
# of day some exports add (2019-05-01 00:00:00); 20190501 below.
_DAY = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel's serial numbers of days (a date cell whose format was lost), five digits: 10000 is
# 1927-05-18. A smaller number is more likely a year (2019) than a day of the 1900s.
_EXCEL_SERIALS = (10_000, 99_999)
# Before this a founding date is a typing error (1019 for 2019), not a registered fact.
FOUNDED_MIN = datetime.date(1900, 1, 1)
DATE_EXAMPLE = "2019-05-01、2019/5/1、2019年5月1日 或 20190501"


def parse_day(raw: Any) -> datetime.date:
    """A day from a date (or date-time) cell, Excel's serial number of a day, a number written
    20190501, or a text as in _DAY; ValueError for anything else (an impossible day too)."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        if _EXCEL_SERIALS[0] <= raw <= _EXCEL_SERIALS[1]:
            return from_excel(raw).date()
        raw = str(raw)
    text = to_halfwidth(str(raw)).strip()
    matched = _DAY.match(text) or _COMPACT_DAY.match(text)
    if matched is None:
        raise ValueError(raw)
    return datetime.date(int(matched[1]), int(matched[2]), int(matched[3]))


def _clean_founded_on(field: str, raw: Any, errors: list[FieldError]) -> datetime.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        day = parse_day(raw)
    except (ValueError, OverflowError):
        errors.append(FieldError(field, f"“{raw}”不是有效的日期，应写作 {DATE_EXAMPLE}"))
        return None
    if day > timezone.localdate():
        errors.append(FieldError(field, f"成立日期 {day:%Y-%m-%d} 晚于今天"))
        return None
    if day < FOUNDED_MIN:
        errors.append(FieldError(field, f"成立日期 {day:%Y-%m-%d} 早于 {FOUNDED_MIN.year} 年，请检查"))
        return None
    return day


def clean_phone(raw: Any) -> tuple[str, str | None]:
    text = to_halfwidth("" if raw is None else str(raw)).strip()
    if isinstance(raw, float) and raw.is_integer():  # Excel stores a typed phone number as a float
        text = str(int(raw))
    if text and not _PHONE.match(text):
        return text, f"“{text}”不是有效的电话号码"
    return text, None


def _clean_contacts(raw: Any, errors: list[FieldError]) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.append(FieldError("contacts", "应为联系人列表"))
        return []
    contacts = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.append(FieldError(f"contacts.{index}", "应包含 name 和 phone"))
            continue
        name = str(item.get("name") or "").strip()
        phone, problem = clean_phone(item.get("phone"))
        title = str(item.get("title") or "").strip()
        if problem:
            errors.append(FieldError(f"contacts.{index}.phone", problem))
        if not name and not phone:
            continue
        for key, value in (("name", name), ("phone", phone), ("title", title)):
            error = length_error(f"contacts.{index}.{key}", value, CONTACT_LENGTHS[key])
            if error is not None:
                errors.append(error)
        contacts.append({"name": name, "phone": phone, "title": title})
    return contacts


def clean_enterprise_data(
    raw: Mapping[str, Any],
    *,
    resolver: ReferenceResolver,
    partial: bool = False,
    jurisdiction: str | None = None,
) -> CleanResult:
    """Validate the fields present in `raw`. With partial=False the required fields must be there.

    Returns the cleaned values (region and industry as model rows) and every error found, so a
    form or an import row reports all its problems at once rather than one per attempt.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for field in REQUIRED:
        if not partial and (raw.get(field) is None or str(raw.get(field)).strip() == ""):
            errors.append(FieldError(field, "必填"))
    for field, value in raw.items():
        if field not in LABELS:
            continue
        if field in REQUIRED and (value is None or str(value).strip() == ""):
            if partial:
                errors.append(FieldError(field, "必填，不能清空"))
            continue
        if field == "uscc":
            try:
                values["uscc"] = validate_uscc(str(value))
            except USCCError as exc:
                errors.append(FieldError("uscc", str(exc)))
        elif field in ("name", "short_name", "address"):
            values[field] = _clean_text(field, value, errors)
        elif field == "region":
            try:
                values["region"] = resolver.region(str(value), within=jurisdiction)
            except ReferenceError as exc:
                errors.append(FieldError("region", str(exc)))
        elif field == "industry":
            if value is None or str(value).strip() == "":
                values["industry"] = None
            else:
                try:
                    values["industry"] = resolver.industry(str(value))
                except ReferenceError as exc:
                    errors.append(FieldError("industry", str(exc)))
        elif field == "employees":
            values["employees"] = _clean_int(field, value, errors)
        elif field in ("revenue", "total_assets"):
            values[field] = _clean_amount(field, value, errors)
        elif field == "above_scale":
            values["above_scale"] = _clean_bool(field, value, errors)
        elif field == "founded_on":
            values["founded_on"] = _clean_founded_on(field, value, errors)
        elif field == "contacts":
            values["contacts"] = _clean_contacts(value, errors)
    return CleanResult(values=values, errors=errors)
