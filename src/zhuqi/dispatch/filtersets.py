"""One filter set per list of the dispatch app: the meetings and the economic figures, read by
the pages and the API alike."""

from __future__ import annotations

from typing import Annotated, Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from pydantic import Field

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.filtersets import IdFilter, IsoDateFilter, RegionCodeFilter
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.scoping import region_subtree_q
from zhuqi.dispatch.models import EconomicFigure, Indicator, Meeting, ScopeKind

# A published period's key: a month (2026-10), a quarter (2026-Q3) or a year (2026).
EconomicPeriodKey = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-(\d{1,2}|[Qq][1-4]))?$",
        description="a period's key: a month (2026-10), a quarter (2026-Q3) or a year (2026)",
    ),
]


class MeetingFilterSet(django_filters.FilterSet):
    """The meetings' list: by region (and below), scope, chain, department, date held and words
    of the title."""

    region = RegionCodeFilter(method="filter_region")
    scope_kind = django_filters.ChoiceFilter(choices=ScopeKind)
    chain = IdFilter(field_name="chain_id")
    department = IdFilter(field_name="department_id")
    held_from = IsoDateFilter(field_name="held_on", lookup_expr="gte")
    held_to = IsoDateFilter(field_name="held_on", lookup_expr="lte")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_text(self, queryset: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        text = value.strip()
        return queryset.filter(title__icontains=text) if text else queryset


class EconomicPeriodField(forms.CharField):
    """A published period's key, read as core.periods reads it (2026-3 is 2026-03), or refused
    naming the value."""

    def to_python(self, value: Any) -> str:
        text = (super().to_python(value) or "").strip()
        if not text:
            return ""
        try:
            period = Period.parse(text)
        except ValidationFailed as failure:
            raise ValidationError(failure.errors[0].message, code="invalid") from None
        if period.kind not in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            raise ValidationError(
                gettext("经济指标按月、季度或年度统计，如 2026-10、2026-Q3、2026"), code="invalid"
            )
        return period.key


class EconomicPeriodFilter(django_filters.CharFilter):
    field_class = EconomicPeriodField
    api_type: Any = EconomicPeriodKey


class EconomicFigureFilterSet(django_filters.FilterSet):
    """The economic figures: a region's (and below), the peers entered for a region, one
    indicator, one published period."""

    region = RegionCodeFilter(method="filter_region")
    compared_for = RegionCodeFilter(field_name="compared_for_id")
    indicator = django_filters.ChoiceFilter(choices=Indicator)
    period = EconomicPeriodFilter(field_name="period")

    class Meta:
        model = EconomicFigure
        fields: list[str] = []

    def filter_region(
        self, queryset: QuerySet[EconomicFigure], name: str, value: str
    ) -> QuerySet[EconomicFigure]:
        return queryset.filter(region_subtree_q("region_id", value))
