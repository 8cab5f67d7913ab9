from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from zhuqi.chains.naming import SUFFIXES, name_key
from zhuqi.core import search
from zhuqi.core.filtersets import IdFilter, RegionCodeFilter, YearFilter
from zhuqi.core.scoping import region_subtree_q
from zhuqi.core.validators import is_id, is_region_code
from zhuqi.projects import selectors
from zhuqi.projects.models import Level, Project, ProjectCategory, Stage


class ProjectFilterSet(django_filters.FilterSet):
    """The library's filters, the flags measured by the clock passed as `at` (the queryset's own
    flags if it went through selectors.with_flags, else added when a flag is filtered on)."""

    stage = django_filters.MultipleChoiceFilter(choices=Stage)
    flag = django_filters.MultipleChoiceFilter(choices=list(selectors.FLAGS.items()), method="filter_flag")
    flagged = django_filters.BooleanFilter(method="filter_flagged")
    region = RegionCodeFilter(method="filter_region")
    department = IdFilter(field_name="responsible_department_id")
    leader = IdFilter(field_name="responsible_leader_id")
    owner = IdFilter(field_name="owner_id")
    level = django_filters.ChoiceFilter(choices=Level)
    category = django_filters.ChoiceFilter(choices=ProjectCategory)
    year = YearFilter(field_name="listed_year")
    project_list = IdFilter(field_name="project_list_id")
    # A chain's id (the chain's key-project library), or a name as before (光伏装备 finds the
    # chain 光伏装备产业链 and the projects whose chain is written so but names no chain yet).
    chain = django_filters.CharFilter(method="filter_chain")
    # Chains written that name no chain (产业链未匹配), for a person to link.
    chain_unmatched = django_filters.BooleanFilter(method="filter_chain_unmatched")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args: Any, at: selectors.FlagClock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.at = at

    def filter_flag(self, queryset: QuerySet[Project], name: str, value: list[str]) -> QuerySet[Project]:
        # Several flags: a project carrying any of them.
        wanted = Q()
        for flag in value:
            wanted |= selectors.flag_filter(flag, self.at)
        return selectors.with_flags_once(queryset, self.at).filter(wanted) if value else queryset

    def filter_flagged(self, queryset: QuerySet[Project], name: str, value: bool) -> QuerySet[Project]:
        any_flag = Q()
        for flag in selectors.FLAGS:
            any_flag |= selectors.flag_filter(flag, self.at)
        queryset = selectors.with_flags_once(queryset, self.at)
        return queryset.filter(any_flag) if value else queryset.exclude(any_flag)

    def filter_region(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return (
            queryset.filter(region_subtree_q("region_id", value))
            if is_region_code(value)
            else queryset.none()
        )

    def filter_chain(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        if value.isascii() and value.isdigit():
            return queryset.filter(chain_id=int(value)) if is_id(value) else queryset.none()
        key = name_key(value)
        names = {value, key, *(key + suffix for suffix in SUFFIXES)}
        return queryset.filter(Q(chain__name__in=names) | Q(chain__isnull=True, chain_name__in=names))

    def filter_chain_unmatched(
        self, queryset: QuerySet[Project], name: str, value: bool
    ) -> QuerySet[Project]:
        unmatched = Q(chain__isnull=True) & ~Q(chain_name="")
        return queryset.filter(unmatched) if value else queryset.exclude(unmatched)

    def filter_text(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        if search.has_han(value):
            # Chinese: words of the name, owner and content, through the word index.
            return search.matching(queryset, value, memo=self)
        # A code, or Latin letters and digits in a name (a few thousand projects: a scan is fine).
        return queryset.filter(Q(name__icontains=value) | Q(owner_name__icontains=value) | Q(code=value))
