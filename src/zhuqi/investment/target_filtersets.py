"""One filter set serves the target pages, the API list and the map's export."""

from __future__ import annotations

import django_filters

from zhuqi.core.filtersets import IdFilter
from zhuqi.investment.models import Target, TargetStatus


class TargetFilterSet(django_filters.FilterSet):
    chain = IdFilter(field_name="chain_id")
    segment = IdFilter(field_name="segment_id")
    status = django_filters.ChoiceFilter(choices=TargetStatus.choices)
    department = IdFilter(field_name="department_id")

    class Meta:
        model = Target
        fields: list[str] = []
