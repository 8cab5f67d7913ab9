"""One filter set serves the agreement register page, the API list and the Excel export."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhuqi.core.filtersets import IdFilter, MonthCountFilter, RegionCodeFilter, YearFilter
from zhuqi.core.scoping import region_subtree_q
from zhuqi.investment.models import Agreement, AgreementKind
from zhuqi.investment.selectors import STATUS_LABELS, without_project_q


class AgreementFilterSet(django_filters.FilterSet):
    """The register's filters. The queryset must carry the landing status (selectors.with_landing,
    as agreement_list gives it)."""

    year = YearFilter(field_name="signed_on", lookup_expr="year")
    region = RegionCodeFilter(method="filter_region")
    kind = django_filters.ChoiceFilter(choices=AgreementKind)
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()), method="filter_status")
    department = IdFilter(field_name="follow_up_department_id")
    chain = IdFilter(field_name="chain_id")
    without_project_months = MonthCountFilter(method="filter_without_project")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_status(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        # `status` is an annotation (with_landing), which the type checker cannot see.
        return queryset.filter(Q(("status", value)))

    def filter_without_project(
        self, queryset: QuerySet[Agreement], name: str, value: int
    ) -> QuerySet[Agreement]:
        return queryset.filter(without_project_q(value, timezone.localdate()))

    def filter_text(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(counterparty_name__icontains=text)
            | Q(our_party_name__icontains=text)
        )
