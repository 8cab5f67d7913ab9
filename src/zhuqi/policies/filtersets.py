"""One filter set per list: the catalogue, a policy's matches, the deliveries. The page, the API
and the export all read them."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhuqi.core import search
from zhuqi.core.filtersets import IdFilter, RegionCodeFilter, YearFilter
from zhuqi.core.scoping import region_subtree_q
from zhuqi.policies.matching import in_force_q
from zhuqi.policies.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    GrantMode,
    MatchStatus,
    Policy,
    PolicyCategory,
    PolicyMatch,
    PolicyStatus,
)


class PolicyFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=PolicyCategory)
    status = django_filters.ChoiceFilter(choices=PolicyStatus)
    grant_mode = django_filters.ChoiceFilter(choices=GrantMode)
    region = RegionCodeFilter(method="filter_region")
    department = IdFilter(field_name="department_id")
    year = YearFilter(field_name="published_on", lookup_expr="year")
    in_force = django_filters.BooleanFilter(method="filter_in_force")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Policy
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Policy], name: str, value: str) -> QuerySet[Policy]:
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_in_force(self, queryset: QuerySet[Policy], name: str, value: bool | None) -> QuerySet[Policy]:
        if value is None:
            return queryset
        rule = in_force_q(timezone.localdate())
        return queryset.filter(rule) if value else queryset.exclude(rule)

    def filter_text(self, queryset: QuerySet[Policy], name: str, value: str) -> QuerySet[Policy]:
        value = value.strip()
        if not value:
            return queryset
        if search.has_han(value):
            return search.matching(queryset, value, memo=self)
        # A document number's digits or Latin letters (a catalogue of hundreds: a scan is fine).
        return queryset.filter(Q(title__icontains=value) | Q(document_number__icontains=value))


class MatchFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MatchStatus)
    region = RegionCodeFilter(method="filter_region")

    class Meta:
        model = PolicyMatch
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[PolicyMatch], name: str, value: str) -> QuerySet[PolicyMatch]:
        return queryset.filter(region_subtree_q("enterprise__region_id", value))


class DeliveryFilterSet(django_filters.FilterSet):
    policy = IdFilter(field_name="policy_id")
    enterprise = IdFilter(field_name="enterprise_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus)
    channel = django_filters.ChoiceFilter(choices=Channel)
    region = RegionCodeFilter(method="filter_region")
    department = IdFilter(field_name="policy__department_id")

    class Meta:
        model = Delivery
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Delivery], name: str, value: str) -> QuerySet[Delivery]:
        return queryset.filter(region_subtree_q("region_id", value))
