"""Every read of reports, scoped to the reader (docs/visibility.md): government staff of the
report's region and above; not liaison officers or enterprises (a report is the office's working
material until it is confirmed into a visit, which has its own scope)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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


def inbox_queryset(*, user: User, status: str = "") -> QuerySet[Report]:
    """The inbox: newest first, one status or all (report_inbox_idx / report_created_idx)."""
    reports = report_queryset(user=user)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at", "-id")
