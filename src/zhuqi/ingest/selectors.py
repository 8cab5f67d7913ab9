"""Every read of reports, scoped to the reader (docs/visibility.md): government staff of the
report's region and above; not liaison officers or enterprises (a report is the office's working
material until it is confirmed into a visit, which has its own scope)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT

from zhuqi.core.errors import NotFound
from zhuqi.core.scoping import NOTHING, scope_q
from zhuqi.directory.models import User
from zhuqi.ingest.models import Report


def report_scope_q(user: User) -> Q:
    return scope_q(
        user,
        enterprise=lambda enterprise_id: NOTHING,
        liaison=lambda u: NOTHING,
        region="region_id",
    )


def report_queryset(*, user: User) -> QuerySet[Report]:
    return Report.objects.filter(report_scope_q(user)).select_related("region", "duplicate_of")


def report_get(*, user: User, report_id: int | str) -> Report:
    try:
        return report_queryset(user=user).get(pk=int(report_id))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# The leads read with each row of the inbox (an event has one or two; the rest are on the review
# page).
ROW_LEADS = 3


def inbox_rows(reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """The inbox's rows with what the page and the export show: the region's name joined, the
    merged reposts counted and the first leads' names taken out of the extraction by the
    database, so the extraction itself is never read."""
    leads = {f"lead_{i}": KT(f"extraction__lead_officials__{i}__name") for i in range(ROW_LEADS)}
    base = Report.objects.all() if reports is None else reports.select_related(None)
    return (
        base.select_related("region")
        .annotate(merged=Count("duplicates"), **leads)
        .only(
            "id",
            "title",
            "source",
            "source_address",
            "published_on",
            "kind",
            "status",
            "created_at",
            "duplicate_of_id",
            "visit_id",
            "region__name",
        )
    )


def inbox_queryset(*, user: User, status: str = "") -> QuerySet[Report]:
    """The inbox: newest first, one status or all (report_inbox_idx / report_created_idx)."""
    reports = report_queryset(user=user)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at", "-id")
