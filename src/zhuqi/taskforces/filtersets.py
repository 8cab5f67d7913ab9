"""One filter set per list of the task forces app, read by its pages, its API and its exports:
the task forces, the campaigns, a campaign's enterprises and its reports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.filtersets import IdFilter, RegionCodeFilter
from zhuqi.core.periods import Period
from zhuqi.core.scoping import region_subtree_q
from zhuqi.taskforces.models import (
    Cadence,
    Campaign,
    CampaignEnterprise,
    CampaignKind,
    CampaignReport,
    CampaignStatus,
    Channel,
    EnrolledVia,
    TaskForce,
    TaskForceStatus,
)
from zhuqi.taskforces.schemas import PeriodKey


class TaskForceFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(method="filter_region")
    status = django_filters.ChoiceFilter(choices=TaskForceStatus)
    lead_department = IdFilter(field_name="lead_department_id")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = TaskForce
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[TaskForce], name: str, value: str) -> QuerySet[TaskForce]:
        # The task forces of the region and below (the region each serves).
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_text(self, queryset: QuerySet[TaskForce], name: str, value: str) -> QuerySet[TaskForce]:
        # A jurisdiction has a few dozen task forces: a scan of their names is fine (no word
        # index on so small a table).
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(purpose__icontains=text)) if text else queryset


class CampaignFilterSet(django_filters.FilterSet):
    task_force = IdFilter(field_name="task_force_id")
    kind = django_filters.ChoiceFilter(choices=CampaignKind)
    status = django_filters.ChoiceFilter(choices=CampaignStatus)
    cadence = django_filters.ChoiceFilter(choices=Cadence)
    region = RegionCodeFilter(method="filter_region")
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Campaign
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        # The campaigns of the task forces serving the region or a region under it.
        return queryset.filter(region_subtree_q("task_force__region_id", value))

    def filter_text(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        # As the task forces' names: a few campaigns each, a scan is fine.
        text = value.strip()
        return (
            queryset.filter(Q(name__icontains=text) | Q(task_force__name__icontains=text))
            if text
            else queryset
        )


class PeriodKeyFilter(django_filters.CharFilter):
    """A period's key (its form checked by the API's schema, its kind by the filter set)."""

    api_type: Any = PeriodKey


class _CampaignRows(django_filters.FilterSet):
    """The rows of one campaign (its enterprises, its reports): a period is named by its key in
    the campaign's cadence (2026-11-09 for a daily campaign, 2026-W45 for a weekly one), refused
    by name otherwise."""

    PERIOD_FILTERS: tuple[str, ...] = ()

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.periods: dict[str, Period] = {}

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            return False
        for name in self.PERIOD_FILTERS:
            key = (self.form.cleaned_data.get(name) or "").strip()
            if not key:
                continue
            try:
                self.periods[name] = Period.parse(key, kind=self.campaign.period_kind, field_name=name)
            except ValidationFailed as failure:
                self.form.add_error(name, failure.errors[0].message)
                valid = False
        return valid

    def period_of(self, name: str, value: str) -> Period | None:
        """The period a filter names (read by is_valid; read here if the filter set was used
        without it): None for a key that names none, which then filters out every row."""
        if name not in self.periods:
            try:
                self.periods[name] = Period.parse(value, kind=self.campaign.period_kind, field_name=name)
            except ValidationFailed:
                return None
        return self.periods[name]

    def filter_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(region_subtree_q("region_id", value))


class EnrolmentFilterSet(_CampaignRows):
    """A campaign's enterprises: where, served by which department, how they joined, and those
    that have not reported for a period (未报送)."""

    PERIOD_FILTERS = ("unreported",)

    region = RegionCodeFilter(method="filter_region")
    department = IdFilter(field_name="department_id")
    via = django_filters.ChoiceFilter(choices=EnrolledVia)
    unreported = PeriodKeyFilter(method="filter_unreported")

    class Meta:
        model = CampaignEnterprise
        fields: list[str] = []

    def filter_unreported(
        self, queryset: QuerySet[CampaignEnterprise], name: str, value: str
    ) -> QuerySet[CampaignEnterprise]:
        if not value.strip():
            return queryset
        period = self.period_of(name, value)
        if period is None:
            return queryset.none()
        reported = CampaignReport.objects.filter(
            campaign_id=self.campaign.pk, period_start=period.start
        ).values("enterprise_id")
        return queryset.exclude(enterprise_id__in=reported)


class ReportFilterSet(_CampaignRows):
    """A campaign's reports: of a period, an enterprise, a status the form offers, late or not,
    where, which department, how they came in, with a difficulty or not."""

    PERIOD_FILTERS = ("period",)

    period = PeriodKeyFilter(method="filter_period")
    enterprise = IdFilter(field_name="enterprise_id")
    # A choice of the campaign's own form (全面复工 …): its values are the campaign's, not the
    # system's, so it is text.
    status_value = django_filters.CharFilter(field_name="status_value")
    late = django_filters.BooleanFilter(field_name="late")
    region = RegionCodeFilter(method="filter_region")
    department = IdFilter(field_name="department_id")
    # As pairs, not the class: the API then lists the values in place, since policies' Channel
    # is the OpenAPI component named so.
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    difficulty = django_filters.BooleanFilter(method="filter_difficulty")
    corrected = django_filters.BooleanFilter(method="filter_corrected")

    class Meta:
        model = CampaignReport
        fields: list[str] = []

    def filter_period(
        self, queryset: QuerySet[CampaignReport], name: str, value: str
    ) -> QuerySet[CampaignReport]:
        if not value.strip():
            return queryset
        period = self.period_of(name, value)
        return queryset.none() if period is None else queryset.filter(period_start=period.start)

    def filter_difficulty(
        self, queryset: QuerySet[CampaignReport], name: str, value: bool
    ) -> QuerySet[CampaignReport]:
        return queryset.exclude(difficulty="") if value else queryset.filter(difficulty="")

    def filter_corrected(
        self, queryset: QuerySet[CampaignReport], name: str, value: bool
    ) -> QuerySet[CampaignReport]:
        return queryset.filter(corrections__gt=0) if value else queryset.filter(corrections=0)
