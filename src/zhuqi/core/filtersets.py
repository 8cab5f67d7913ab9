from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from zhuqi.core.display import field_label
from zhuqi.core.models import AuditEntry
from zhuqi.core.validators import is_region_code, parse_id

# The apps whose records the trail holds (users and the reference tables included).
AUDITED_APPS = (
    "core",
    "directory",
    "enterprises",
    "cases",
    "projects",
    "investment",
    "visits",
    "notifications",
)


class IdField(forms.Field):
    """A record id typed into a query string: refused by name unless int() reads it and it fits
    a key (a NumberFilter takes "²" to a picker's int() and 10^22 to an overflow on SQLite)."""

    def to_python(self, value: Any) -> int | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        parsed = parse_id(text)
        if parsed is None:
            raise ValidationError(gettext("应为记录编号（数字）"), code="invalid")
        return parsed


class IdFilter(django_filters.Filter):
    field_class = IdField


class RegionCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text not in self.empty_values and not is_region_code(text):
            raise ValidationError(gettext("应为6位行政区划代码"), code="invalid")
        return str(text)


class RegionCodeFilter(django_filters.CharFilter):
    """A region code: six ASCII digits, or the filter is refused by name."""

    field_class = RegionCodeField


def audited_models() -> list[type[models.Model]]:
    return [
        model
        for app in AUDITED_APPS
        for model in apps.get_app_config(app).get_models()
        if model is not AuditEntry and not model._meta.auto_created
    ]


def object_type_choices() -> list[tuple[str, str]]:
    """`app_label.model` → the model's name, for a pick-list of a few dozen record kinds."""
    return sorted(
        ((model._meta.label_lower, str(model._meta.verbose_name)) for model in audited_models()),
        key=lambda choice: choice[1],
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterSet(django_filters.FilterSet):
    """The audit page's filters. Each one is a range or equality on an indexed column (`at`;
    content type + object id + at; action + at; actor + at), so a filtered page of a trail of
    tens of millions of rows reads one page of an index."""

    actor = django_filters.CharFilter(field_name="actor_name")
    # Local days (Asia/Shanghai), turned into a range of instants so the `at` index serves them.
    date_from = django_filters.DateFilter(method="filter_date_from")
    date_to = django_filters.DateFilter(method="filter_date_to")
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, method="filter_object_type")
    object_id = django_filters.CharFilter(field_name="object_id")
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    field = django_filters.CharFilter(method="filter_field")

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def is_valid(self) -> bool:
        valid = super().is_valid()
        # An id alone means nothing (every kind of record has a #13) and has no index of its own.
        if (
            valid
            and self.form.cleaned_data.get("object_id")
            and not self.form.cleaned_data.get("object_type")
        ):
            self.form.add_error("object_id", gettext("请同时选择对象类型"))
            return False
        return valid

    def filter_date_from(
        self, queryset: QuerySet[AuditEntry], name: str, value: datetime.date
    ) -> QuerySet[AuditEntry]:
        return queryset.filter(at__gte=_start_of(value))

    def filter_date_to(
        self, queryset: QuerySet[AuditEntry], name: str, value: datetime.date
    ) -> QuerySet[AuditEntry]:
        return queryset.filter(at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_object_type(
        self, queryset: QuerySet[AuditEntry], name: str, value: str
    ) -> QuerySet[AuditEntry]:
        model = apps.get_model(value)
        return queryset.filter(content_type=ContentType.objects.get_for_model(model, for_concrete_model=True))

    def filter_field(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        """A field by its name or by the label people see ("办理时限"), in the chosen kind of record
        or, with none chosen, in any audited record."""
        value = value.strip()
        if not value:
            return queryset
        object_type = self.form.cleaned_data.get("object_type")
        models_searched = [apps.get_model(object_type)] if object_type else audited_models()
        names = {value}
        for model in models_searched:
            for field in model._meta.get_fields():
                if field_label(model, field.name) == value:
                    names.add(field.name)
        condition = Q()
        for field_name in sorted(names):
            condition |= Q(changes__has_key=field_name)
        return queryset.filter(condition)


def field_choices(object_type: str) -> list[tuple[str, str]]:
    """The fields of one kind of record, for the field pick-list once a kind is chosen."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return []
    return [
        (field.name, field_label(model, field.name))
        for field in model._meta.get_fields()
        if (getattr(field, "concrete", False) and not getattr(field, "primary_key", False))
        or (getattr(field, "many_to_many", False) and not getattr(field, "auto_created", False))
    ]
