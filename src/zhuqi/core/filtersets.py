"""The filters every list shares, and the one way a list reads them.

An app declares one django-filter FilterSet per listable model (`cases/filtersets.py` is the
example) and the three readers use it as it is:
- the page: `page_filterset(request, FilterSet(params, queryset=...))` says each filter it cannot
  read in a message naming the field and filters by the rest;
- the export: the same, from the same query string;
- the API: `class CaseFilters(FilterQuery): filterset = CaseFilterSet` is the endpoint's ninja
  query schema, one typed parameter per filter (choices as enumerations, ids, years and codes
  with the bounds of core.queries), so a value the API cannot use is refused with 422 naming the
  parameter before the handler runs; `filters.apply(queryset)` then filters through the FilterSet,
  and what only the FilterSet can judge (one filter against another) is refused by name too.
A filter's API type comes from its class (`api_type` on the filters below, or the mapping in
`api_type()`), so it is written once, beside the filter."""

from __future__ import annotations

import datetime
import enum
from typing import Any, ClassVar, Literal

import django_filters
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from ninja.schema import ResolverMetaclass

from zhuqi.core.display import field_label
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.queries import (
    ISO_DATE,
    MONTH,
    IndustryCode,
    IsoDate,
    MonthCount,
    MonthText,
    RecordId,
    RegionCode,
    Year,
)
from zhuqi.core.validators import MONTHS_MAX, YEAR_MAX, YEAR_MIN, is_region_code, parse_id

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
    "taskforces",
    "dispatch",
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
    api_type: Any = RecordId


class RegionCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text not in self.empty_values and not is_region_code(text):
            raise ValidationError(gettext("应为6位行政区划代码"), code="invalid")
        return str(text)


class RegionCodeFilter(django_filters.CharFilter):
    """A region code: six ASCII digits, or the filter is refused by name."""

    field_class = RegionCodeField
    api_type: Any = RegionCode


class BoundedIntegerField(forms.Field):
    """A whole number between `minimum` and `maximum` (ASCII digits), or refused with `message`."""

    minimum = 1
    maximum = 1
    message = ""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            text = "" if value is None else str(value).strip()
            if not text:
                return None
            number = parse_id(text)
        if number is None or not self.minimum <= number <= self.maximum:
            raise ValidationError(self.message, code="invalid")
        return number


class YearField(BoundedIntegerField):
    minimum, maximum = YEAR_MIN, YEAR_MAX
    message = f"年份应在 {YEAR_MIN} 到 {YEAR_MAX} 之间"


class YearFilter(django_filters.Filter):
    """A year, YEAR_MIN–YEAR_MAX (a year of 10000 overflowed Python's dates)."""

    field_class = YearField
    api_type: Any = Year


class MonthCountField(BoundedIntegerField):
    maximum = MONTHS_MAX
    message = f"应为 1 到 {MONTHS_MAX} 之间的月数"


class MonthCountFilter(django_filters.Filter):
    """A number of months, 1–MONTHS_MAX."""

    field_class = MonthCountField
    api_type: Any = MonthCount


class MonthField(forms.Field):
    """A month, YYYY-MM (2000–2100), as the first day of the month."""

    def to_python(self, value: Any) -> datetime.date | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        found = MONTH.fullmatch(text)
        if found is None:
            raise ValidationError(f"“{text}”不是月份，应为 YYYY-MM，如 2026-11", code="invalid")
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)


class MonthFilter(django_filters.Filter):
    """A month, YYYY-MM; the filter's method gets the month's first day."""

    field_class = MonthField
    api_type: Any = MonthText


class IndustryCodeFilter(django_filters.CharFilter):
    """A GB/T 4754-2017 section letter or code prefix; the filter's method judges the rest."""

    api_type: Any = IndustryCode


class IsoDateField(forms.DateField):
    """A day written YYYY-MM-DD, refused naming the value it was given."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            if ISO_DATE.fullmatch(text):
                return datetime.date.fromisoformat(text)
        except ValueError:
            pass
        raise ValidationError(
            gettext("“%(value)s”不是日期（YYYY-MM-DD）"), code="invalid", params={"value": text}
        )


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField
    api_type: Any = IsoDate


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


# ---------------------------------------------------------------------------------------------
# One FilterSet, three readers: the page, the export and the API.


def page_filterset(request: HttpRequest, filterset: django_filters.FilterSet) -> django_filters.FilterSet:
    """The filter set of a list page or its export, each filter it cannot read said to the
    person in a message naming the field (not silently dropped); its `.qs` filters by the rest."""
    if not filterset.is_valid():
        for name, errors in filterset.errors.items():
            messages.error(
                request,
                gettext("筛选条件有误：%(field)s %(errors)s") % {"field": name, "errors": " ".join(errors)},
            )
    return filterset


def page_filter_each(
    request: HttpRequest,
    filterset_class: type[django_filters.FilterSet],
    params: Any,
    queryset: QuerySet[Any],
    *others: QuerySet[Any],
) -> list[QuerySet[Any]]:
    """A list page's filters (page_filterset: what cannot be read is said to the person) over
    several querysets of one model (the list's count and its page, written differently for the
    planner), the FilterSet built once, as the API's FilterQuery.apply_each; and not at all when
    the query names no filter (a list opened as it is), where it would filter nothing after
    deep-copying its filters and its form."""
    if not any(name in filterset_class.base_filters for name in params):
        return [queryset.all(), *(other.all() for other in others)]
    filterset = page_filterset(request, filterset_class(params, queryset=queryset))
    # A filter that cannot be read is left out of each (its message already given).
    return [filterset.qs, *(filterset.filter_queryset(other.all()) for other in others)]


def api_type(filter_: django_filters.Filter) -> Any:
    """The type the API declares for one filter: its class's `api_type`, else by its kind. A
    choice filter declared with its TextChoices (`choices=Kind`) is that enumeration, one declared
    with a list of pairs a Literal of their values; several choices are a list of them."""
    declared = getattr(filter_, "api_type", None)
    if declared is not None:
        return declared
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        choices = filter_.extra["choices"]
        if isinstance(choices, type) and issubclass(choices, enum.Enum):
            member: Any = choices
        elif callable(choices):
            raise TypeError(f"{filter_.field_name}: choices read at request time have no API type")
        else:
            member = Literal[tuple(str(value) for value, _ in choices)]
        return list[member] if isinstance(filter_, django_filters.MultipleChoiceFilter) else member
    if isinstance(filter_, django_filters.BooleanFilter):
        return bool
    if isinstance(filter_, django_filters.DateFilter):
        return IsoDate
    if isinstance(filter_, django_filters.CharFilter):
        return str
    raise TypeError(
        f"{type(filter_).__name__} {filter_.field_name}: use a filter of core.filtersets that "
        "declares its API type (IdFilter, YearFilter …) or set api_type"
    )


class _FromFilterSet(ResolverMetaclass):
    """Writes one optional field per filter of the class's `filterset` into the schema's
    namespace before pydantic reads it; a field the class declares itself is kept."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> Any:
        filterset = namespace.get("filterset")
        if filterset is not None:
            annotations = dict(namespace.get("__annotations__", {}))
            for filter_name, filter_ in filterset.base_filters.items():
                if filter_name not in annotations:
                    annotations[filter_name] = api_type(filter_) | None
                    namespace[filter_name] = None
            namespace["__annotations__"] = annotations
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class FilterQuery(Schema, metaclass=_FromFilterSet):
    """A list endpoint's query parameters, read from a FilterSet:

    class CaseFilters(FilterQuery):
        filterset = CaseFilterSet

    def list_cases(request, filters: Query[CaseFilters]):
        return filters.apply(selectors.case_queryset(user=...))
    """

    filterset: ClassVar[type[django_filters.FilterSet]]

    def params(self) -> dict[str, Any]:
        """The parameters given, typed (unset ones left out)."""
        return {name: value for name, value in self.dict().items() if value is not None}

    def bound(self, queryset: QuerySet[Any], **kwargs: Any) -> django_filters.FilterSet:
        """The FilterSet over `queryset`, valid: what it refuses (one filter against another)
        is refused by parameter name, as a query parameter."""
        filterset = self.filterset(self.params(), queryset=queryset, **kwargs)
        if not filterset.is_valid():
            errors = filterset.errors.items()
            refused = [FieldError(name, " ".join(str(e) for e in found)) for name, found in errors]
            raise ValidationFailed(refused, location="query")
        return filterset

    def apply(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return self.bound(queryset, **kwargs).qs

    def apply_each(
        self, queryset: QuerySet[Any], *others: QuerySet[Any], **kwargs: Any
    ) -> list[QuerySet[Any]]:
        """The same filters over several querysets of one model (the list's count and its page,
        written differently for the planner), the FilterSet built and validated once."""
        if not self.params():
            # Given nothing, a FilterSet filters nothing: skip building it (it deep-copies its
            # filters and its form, a fifth of a short list's time).
            return [queryset.all(), *(other.all() for other in others)]
        filterset = self.bound(queryset, **kwargs)
        return [filterset.qs, *(filterset.filter_queryset(other) for other in others)]
