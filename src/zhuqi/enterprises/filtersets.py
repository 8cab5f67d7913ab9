"""One filter set serves the enterprise list page, the API list and the Excel export."""

from __future__ import annotations

import datetime
import re

import django_filters
from django.db.models import Q, QuerySet

from zhuqi.core import search
from zhuqi.core.chinese import normalise_query
from zhuqi.core.filtersets import IdFilter, IndustryCodeFilter, MonthFilter, RegionCodeFilter
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.core.scoping import region_subtree_q
from zhuqi.core.validators import is_region_code
from zhuqi.enterprises.models import Assignment, Enterprise, SizeClass

# 18 characters with the division code's six digits in positions 3–8: a credit code, not pinyin.
_USCC_SHAPE = re.compile(r"^[0-9A-Z]{2}[0-9]{6}[0-9A-Z]{10}$")
# Below this many characters a Latin query is matched as the start of a word (see filter_q).
SHORT_QUERY = 3


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="搜索")
    region = RegionCodeFilter(method="filter_region", label="地区")
    industry = IndustryCodeFilter(method="filter_industry", label="行业")
    size_class = django_filters.ChoiceFilter(choices=SizeClass, label="企业规模")
    above_scale = django_filters.BooleanFilter(label="规上企业")
    official = IdFilter(method="filter_official", label="包联干部")

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "size_class", "above_scale", "official"]

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        """Chinese words of the name or short name (the word index), else code or pinyin (initials
        or full): a substring match on one column, which a trigram index serves on PostgreSQL."""
        text = normalise_query(value).replace(" ", "")
        if not text:
            return queryset
        if _USCC_SHAPE.match(text.upper()):
            # A whole credit code: the unique index answers at once on any database.
            return queryset.filter(uscc=text.upper())
        if len(text) < SHORT_QUERY and text.isascii() and text.isalnum():
            # One or two letters ("hx") are the start of initials, not any two letters inside
            # some pinyin: match the start of a word of search_text. That is what the user means,
            # and on PostgreSQL the trigram index serves " hx" where it cannot serve "hx".
            return queryset.filter(Q(search_text__startswith=text) | Q(search_text__contains=" " + text))
        if search.has_han(text):
            # Chinese: the words of the name and short name, through the word index (a trigram
            # index cannot serve two characters); ranked, then by name.
            return search.matching(queryset, value, memo=self)
        return queryset.filter(search_text__contains=text)

    def filter_region(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        code = value.strip()
        if not is_region_code(code):
            return queryset.none()
        return queryset.filter(region_subtree_q("region_id", code))

    def filter_industry(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        code = value.strip().upper()
        if len(code) == 1 and code.isalpha():
            return queryset.filter(industry__section=code)
        if code.isdigit():
            # On the key itself: `industry_id__startswith` is refused by Django (a lookup on a
            # foreign key), `industry__pk` is the same column without a join.
            return queryset.filter(industry__pk__startswith=code)
        return queryset.none()

    def filter_official(self, queryset: QuerySet[Enterprise], name: str, value: int) -> QuerySet[Enterprise]:
        current = Assignment.objects.filter(Assignment.current_q(), official_id=value)
        return queryset.filter(Q(pk__in=current.values("enterprise_id")))


class AssignmentFilterSet(django_filters.FilterSet):
    """The assignments (包联) list's filters (its standing figures are visits.coverage's)."""

    official = IdFilter(field_name="official_id")
    enterprise = IdFilter(field_name="enterprise_id")
    # In force at some time in the month.
    month = MonthFilter(method="filter_month")

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_month(
        self, queryset: QuerySet[Assignment], name: str, value: datetime.date
    ) -> QuerySet[Assignment]:
        month = Period.containing(PeriodKind.MONTH, value)
        return queryset.filter(start_date__lte=month.end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=month.start)
        )
