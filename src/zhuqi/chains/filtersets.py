"""One filter set per list: the chain pages, the API lists and the exports read the same one."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from zhuqi.chains.models import Chain, Link, Member, Role
from zhuqi.core.filtersets import IdFilter, RegionCodeFilter
from zhuqi.core.scoping import region_subtree_q


class ChainFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(method="filter_region")
    chief = IdFilter(field_name="chief_id")
    department = IdFilter(field_name="lead_department_id")

    class Meta:
        model = Chain
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Chain], name: str, value: str) -> QuerySet[Chain]:
        return queryset.filter(region_subtree_q("region_id", value))


class MemberFilterSet(django_filters.FilterSet):
    segment = IdFilter(field_name="segment_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    enterprise = IdFilter(field_name="enterprise_id")
    above_scale = django_filters.BooleanFilter(field_name="enterprise__above_scale")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        # A chain's members are a few hundred: a name filter over them needs no word index.
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(enterprise__name__contains=text)
            | Q(enterprise__short_name__contains=text)
            | Q(products__contains=text)
        )


class LinkFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(method="filter_enterprise")
    product = django_filters.CharFilter(field_name="product", lookup_expr="contains")

    class Meta:
        model = Link
        fields: list[str] = []

    def filter_enterprise(self, queryset: QuerySet[Link], name: str, value: int) -> QuerySet[Link]:
        """Links with the enterprise at either end: what it buys and what it sells."""
        return queryset.filter(Q(supplier_id=value) | Q(customer_id=value))
