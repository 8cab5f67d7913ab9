"""One filter set serves the report inbox page, its Excel export (`/reports/export.xlsx`) and the
API list (`GET /api/v1/reports`)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from zhuqi.core.filtersets import IsoDateFilter, RegionCodeFilter
from zhuqi.core.scoping import region_subtree_q
from zhuqi.ingest.models import Report, ReportKind, ReportStatus


class ReportFilterForm(forms.Form):
    """Refuses a range that ends before it starts, naming `created_to`."""

    bad_range = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and end < start:
            self.bad_range = True
            self.add_error(
                "created_to",
                gettext("结束日期 %(end)s 早于开始日期 %(start)s") % {"end": end, "start": start},
            )
        return cleaned


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ReportFilterSet(django_filters.FilterSet):
    """The inbox's filters, each an equality or range the inbox's indexes serve (status and
    created; region and created; created): status, event kind, region (its subtree) and the days
    the reports were read in (local days, as a range of instants)."""

    status = django_filters.ChoiceFilter(choices=ReportStatus)
    kind = django_filters.ChoiceFilter(choices=ReportKind)
    region = RegionCodeFilter(method="filter_region")
    created_from = IsoDateFilter(method="filter_created_from")
    created_to = IsoDateFilter(method="filter_created_to")

    class Meta:
        model = Report
        fields: list[str] = []
        form = ReportFilterForm

    def filter_queryset(self, queryset: QuerySet[Report]) -> QuerySet[Report]:
        # A range that ends before it starts matches nothing, rather than its start alone.
        if getattr(self.form, "bad_range", False):
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_region(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        return queryset.filter(region_subtree_q("region_id", value))

    def filter_created_from(
        self, queryset: QuerySet[Report], name: str, value: datetime.date
    ) -> QuerySet[Report]:
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_created_to(
        self, queryset: QuerySet[Report], name: str, value: datetime.date
    ) -> QuerySet[Report]:
        return queryset.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))
