from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from zhuqi.cases.models import OPEN_STATUS_LIST, Case, JointHandling, Kind, Status, Timeliness
from zhuqi.core import search
from zhuqi.core.filtersets import IdFilter, RegionCodeFilter
from zhuqi.core.scoping import region_subtree_q
from zhuqi.core.validators import is_id, is_region_code


class CaseFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind)
    status = django_filters.MultipleChoiceFilter(choices=Status)
    department = IdFilter(method="filter_department")
    enterprise = IdFilter(field_name="enterprise_id")
    region = RegionCodeFilter(method="filter_region")
    category = IdFilter(field_name="category_id")
    # The leader who gave an instruction: "what I asked for, and is it done".
    issued_by = IdFilter(field_name="issued_by_id")
    late = django_filters.BooleanFilter(method="filter_late")
    timeliness = django_filters.ChoiceFilter(choices=Timeliness)
    flagged = django_filters.BooleanFilter(field_name="flagged_for_notice")
    submitted_from = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    open = django_filters.BooleanFilter(method="filter_open")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_department(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        # Led or supported: a department's own list shows both. Not a join (which needs DISTINCT
        # and read every case of the jurisdiction: 3 s at 2M cases) but an index probe per arm.
        supported = Case.co_departments.through.objects.filter(department_id=value).values("case_id")
        return queryset.filter(Q(lead_department_id=value) | Q(pk__any_of=supported))

    def filter_region(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return (
            queryset.filter(region_subtree_q("region_id", value))
            if is_region_code(value)
            else queryset.none()
        )

    def filter_late(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return (
            queryset.filter(timeliness=Timeliness.RED)
            if value
            else queryset.exclude(timeliness=Timeliness.RED)
        )

    def filter_open(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        # Named statuses rather than "not finished": an IN list can use the (department, status)
        # and (status, region) indexes, a NOT IN cannot.
        if value:
            return queryset.filter(status__in=OPEN_STATUS_LIST)
        return queryset.filter(status__in=[Status.CLOSED, Status.REJECTED])

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if is_id(value.lstrip("#")):
            return queryset.filter(pk=int(value.lstrip("#")))
        # Words of the title, description, answer, finding and enterprise name, through the word
        # index (core/search.py); ranked unless the list has an order of its own.
        return search.matching(queryset, value, memo=self) if value else queryset


class JointHandlingFilterSet(django_filters.FilterSet):
    """The joint handlings' list (page and API)."""

    status = django_filters.ChoiceFilter(choices=Status)
    policy_question = django_filters.BooleanFilter()
    department = IdFilter(method="filter_department")

    class Meta:
        model = JointHandling
        fields: list[str] = []

    def filter_department(
        self, queryset: QuerySet[JointHandling], name: str, value: Any
    ) -> QuerySet[JointHandling]:
        supported = JointHandling.co_departments.through.objects.filter(department_id=value)
        return queryset.filter(Q(lead_department_id=value) | Q(pk__in=supported.values("jointhandling_id")))
