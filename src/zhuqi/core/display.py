"""One way to show a recorded value to a person: the audit trail, a case's timeline and any other
history store values as the database holds them (a choice's code, a foreign key's id, an ISO
timestamp); people read labels, names and local times.

The model's own field metadata decides: choices → the choice's label, a foreign key or a
many-to-many → the related object's name, a date/time → the local date and time, nothing → "—".
Values whose field the model does not know (a history entry's extra keys) are shown by their
type, never as a raw code."""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

EMPTY = "—"
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Where a change came from, as the audit trail records it, in the words of the people reading it.
SOURCE_LABELS = {
    "web": gettext_noop("网页"),
    "api": gettext_noop("接口"),
    "import": gettext_noop("导入"),
    "sweep": gettext_noop("定时检查"),
    "calendar": gettext_noop("工作日历"),
    "command": gettext_noop("命令行"),
    "demo": gettext_noop("演示数据"),
    "reference": gettext_noop("基础数据"),
    "hotline": gettext_noop("热线"),
    "portal": gettext_noop("企业端"),
    "inspection": gettext_noop("检查"),
    "visit": gettext_noop("调研走访"),
    "project": gettext_noop("项目进展"),
}


def source_label(source: str) -> str:
    return gettext(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


def field_of(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Keys of history entries that are not fields of their model (a login event on an account).
EVENT_LABELS = {
    "ip_address": gettext_noop("来源地址"),
    "failures": gettext_noop("该账号失败次数"),
    "address_failures": gettext_noop("该地址失败次数"),
    "locked_until": gettext_noop("锁定至"),
    "while_locked": gettext_noop("锁定期间的尝试"),
    "removed_failures": gettext_noop("清除的失败记录"),
    "revoked_tokens": gettext_noop("吊销的API令牌"),
}


def _rows_of(field: Any) -> type[models.Model] | None:
    """The model of the rows a reverse relation holds (a project's milestones, an enterprise's
    qualifications): a service records such a list as a whole on its parent's entry."""
    if isinstance(field, models.ForeignObjectRel) and field.one_to_many:
        return field.related_model  # type: ignore[return-value]
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = field_of(model, name)
    label = getattr(field, "verbose_name", None) if field is not None else None
    rows = _rows_of(field)
    if not label and rows is not None:
        label = rows._meta.verbose_name_plural
    if not label and name in EVENT_LABELS:
        label = EVENT_LABELS[name]
    return gettext(str(label)) if label else name


def _parse_moment(value: str) -> datetime.datetime | datetime.date | None:
    """A stored ISO date or timestamp; None for any other text."""
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit() or value[4] != "-":
        return None
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value)
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def format_moment(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(DATETIME_FORMAT)
    return value.strftime(DATE_FORMAT)


def format_number(value: int | float | Decimal, places: int = 2) -> str:
    """A figure with thousands separators and at most `places` decimals, none when whole
    ("300,000", "8.5", "1,234.57")."""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1).scaleb(-places))
        value = int(value) if value == value.to_integral_value() else value.normalize()
    return str(intcomma(value, use_l10n=False))


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return [value] if isinstance(value, str) and value else []


def _plain(value: Any) -> str:
    """A value with no field to go by, shown by its type."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime.datetime | datetime.date):
        return format_moment(value)
    if isinstance(value, int | float | Decimal):
        return format_number(value)
    if isinstance(value, str):
        moment = _parse_moment(value)
        return format_moment(moment) if moment is not None else value
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        # Contacts: "张三 13800000000 总经理；李四 …", as a person would write them.
        return "；".join(" ".join(_plain(v) for v in item.values() if v) for item in value)
    if isinstance(value, dict):
        # A record's derived summary (an enterprise's size basis): its words, not its keys.
        words = [text for text in _texts(value) if _CJK.search(text)]
        return " · ".join(words) if words else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "；".join(
            " ".join(_plain(part) for part in item) if isinstance(item, list | tuple) else _plain(item)
            for item in value
        )
    return json.dumps(value, ensure_ascii=False)


def _related_model(field: Any) -> type[models.Model] | None:
    if field is not None and (field.many_to_one or field.many_to_many or field.one_to_one):
        return field.related_model
    return None


class Formatter:
    """Formats the values of many records at once: the names of related objects are fetched in
    one query per related model (`prefetch`), not one per value."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self._names: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model] | None, name: str, value: Any) -> None:
        related = _related_model(field_of(model, name))
        if related is None or value in (None, ""):
            return
        for key in value if isinstance(value, list) else [value]:
            if isinstance(key, int | str):
                self._wanted[related].add(key)

    def prefetch(self) -> None:
        for related, keys in self._wanted.items():
            known = self._names.setdefault(related, {})
            missing = [key for key in keys if str(key) not in known]
            if missing:
                for obj in related._default_manager.filter(pk__in=missing):
                    known[str(obj.pk)] = str(obj)
        self._wanted.clear()

    def _name(self, related: type[models.Model], key: Any) -> str:
        names = self._names.get(related)
        if names is None or str(key) not in names:
            self.want_key(related, key)
            self.prefetch()
            names = self._names.get(related, {})
        # A related object deleted since: its key is all there is, said as such.
        return names.get(str(key)) or f"#{key}"

    def want_key(self, related: type[models.Model], key: Any) -> None:
        self._wanted[related].add(key)

    def value(self, model: type[models.Model] | None, name: str, value: Any) -> str:
        field = field_of(model, name)
        if value is None or value == "" or value == []:
            return EMPTY
        if field is None:
            return _plain(value)
        rows = _rows_of(field)
        if rows is not None and isinstance(value, list) and all(isinstance(row, dict) for row in value):
            return "；".join(self._row(rows, row) for row in value)
        choices = getattr(field, "flatchoices", None) or []
        if choices and not isinstance(value, list):
            labels = {str(code): label for code, label in choices}
            if str(value) in labels:
                return gettext(str(labels[str(value)]))
        related = _related_model(field)
        if related is not None:
            keys = value if isinstance(value, list) else [value]
            return "、".join(self._name(related, key) for key in keys)
        if isinstance(field, models.BooleanField):
            return _plain(bool(value))
        if isinstance(field, models.DateTimeField | models.DateField) and isinstance(value, str):
            moment = _parse_moment(value)
            if moment is not None:
                if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                    # A date field holds a day: never show it as midnight.
                    moment = moment.date() if isinstance(moment, datetime.datetime) else moment
                return format_moment(moment)
        if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField) and isinstance(
            value, str
        ):
            try:
                return format_number(Decimal(value))
            except InvalidOperation:
                return value
        return _plain(value)

    def _row(self, model: type[models.Model], row: dict[str, Any]) -> str:
        """A recorded row ({"kind": "high_tech", "valid_until": "2026-12-31"}) by its first
        value, then its other values that are set, each with its label:
        "高新技术企业（有效期至 2026-12-31）"."""
        if not row:
            return EMPTY
        (first, head), *rest = row.items()
        details = [
            f"{field_label(model, name)} {_unbroken(self.value(model, name, value))}"
            for name, value in rest
            if value not in (None, "", [])
        ]
        shown = self.value(model, first, head)
        return f"{shown}（{'，'.join(details)}）" if details else shown


_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _unbroken(text: str) -> str:
    """A day kept on one line inside running text: a word joiner after each hyphen, where a
    narrow screen would otherwise break "2019-" from "11-01"."""
    return text.replace("-", "-\u2060") if _DAY_TEXT.fullmatch(text) else text


def display_value(model: type[models.Model] | None, name: str, value: Any) -> str:
    """One value of `model.name` as a person reads it."""
    return Formatter().value(model, name, value)


def display_changes(
    rows: Iterable[tuple[type[models.Model] | None, dict[str, list[Any]]]],
) -> list[list[tuple[str, str, str]]]:
    """For each (model, {field: [old, new]}) the rows (label, old, new) as people read them, with
    related names fetched once for all of them."""
    rows = list(rows)
    formatter = Formatter()
    for model, changes in rows:
        for name, pair in changes.items():
            for side in pair:
                formatter.want(model, name, side)
    formatter.prefetch()
    return [
        [
            (field_label(model, name), formatter.value(model, name, old), formatter.value(model, name, new))
            for name, (old, new) in sorted(changes.items(), key=lambda item: _position(model, item[0]))
        ]
        for model, changes in rows
    ]


def _position(model: type[models.Model] | None, name: str) -> tuple[int, str]:
    """Fields in the order the model declares them (the order of its form and page)."""
    names = [field.name for field in model._meta.get_fields()] if model is not None else []
    return (names.index(name) if name in names else len(names), name)
