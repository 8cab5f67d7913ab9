"""One filter set serves the visit list page, the API list and the Excel export."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from zhuqi.core import search
from zhuqi.core.filtersets import IdFilter, IsoDateFilter, RegionCodeFilter
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitOfficial
from zhuqi.visits.selectors import visits_touching_q


class VisitFilterForm(forms.Form):
    """Refuses a range that ends before it starts, naming `end`."""

    bad_range = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.bad_range = True
            self.add_error("end", f"结束日期 {end} 早于开始日期 {start}")
        return cleaned


class VisitFilterSet(django_filters.FilterSet):
    """A date range keeps the visits that overlap it, so a two-day visit across the 1st shows in
    both months."""

    official = IdFilter(method="filter_official")
    enterprise = IdFilter(method="filter_enterprise")
    project = IdFilter(field_name="projects")
    region = RegionCodeFilter(method="filter_region")
    kind = django_filters.ChoiceFilter(choices=VisitKind)
    start = IsoDateFilter(field_name="end_date", lookup_expr="gte")
    end = IsoDateFilter(field_name="start_date", lookup_expr="lte")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Visit
        fields: list[str] = []
        form = VisitFilterForm

    def filter_queryset(self, queryset: QuerySet[Visit]) -> QuerySet[Visit]:
        # A range that ends before it starts matches nothing, rather than the start alone.
        if getattr(self.form, "bad_range", False):
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_official(self, queryset: QuerySet[Visit], name: str, value: int) -> QuerySet[Visit]:
        return queryset.filter(pk__in=VisitOfficial.objects.filter(official_id=value).values("visit_id"))

    def filter_enterprise(self, queryset: QuerySet[Visit], name: str, value: int) -> QuerySet[Visit]:
        return queryset.filter(pk__in=VisitEnterprise.objects.filter(enterprise_id=value).values("visit_id"))

    def filter_region(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        return queryset.filter(visits_touching_q(value))

    def filter_text(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        value = value.strip()
        if search.has_han(value):
            # Chinese: words of the title and summary, through the word index.
            return search.matching(queryset, value, memo=self)
        return queryset.filter(title__contains=value) if value else queryset
