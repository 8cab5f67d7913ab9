"""Excel export of the visit list: the list as filtered on the page, with the columns a county
office reports from (dates, kind, title, who led it in what post, whom and where they visited,
and how the cases filed there stand). Written by core.spreadsheets.write_workbook like the enterprise
list, streamed in chunks so a prefecture's years of visits do not sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from django.db.models import Prefetch, QuerySet

from zhuqi.core.spreadsheets import write_workbook
from zhuqi.directory.models import User
from zhuqi.visits.models import Visit, VisitEnterprise, VisitOfficial
from zhuqi.visits.selectors import with_case_counts

COLUMNS = [
    ("开始日期", 12),
    ("结束日期", 12),
    ("类型", 10),
    ("标题", 40),
    ("带队领导（职务）", 40),
    ("陪同人员（职务）", 40),
    ("企业", 40),
    ("地点", 24),
    ("所属地区", 14),
    ("事项数", 8),
    ("在办", 8),
    ("已办结", 8),
]
MAX_ROWS = 200_000
CHUNK = 1000


def _officials(visit: Visit, role: str) -> str:
    return "；".join(
        f"{p.official.name}（{p.posts}）" if p.posts else p.official.name
        for p in visit.participants.all()
        if p.role == role
    )


def _row(visit: Any) -> Sequence[Any]:
    return [
        visit.start_date,
        visit.end_date,
        visit.get_kind_display(),
        visit.title,
        _officials(visit, VisitOfficial.Role.LEAD),
        _officials(visit, VisitOfficial.Role.ACCOMPANYING),
        "、".join(a.enterprise.name for a in visit.attendance.all()),
        "、".join(region.name for region in visit.places.all()),
        visit.region.name,
        visit.case_count,
        visit.open_count,
        visit.closed_count,
    ]


def _rows(visits: QuerySet[Visit], user: User) -> Iterator[Sequence[Any]]:
    """The rows in chunks: each chunk's officials, enterprises and places prefetched and its case
    counts (of the cases the user can see) taken in one query, so the number of queries grows
    with chunks, not with visits."""
    stream = (
        visits.select_related("region")
        .prefetch_related(
            Prefetch("participants", queryset=VisitOfficial.objects.select_related("official")),
            Prefetch("attendance", queryset=VisitEnterprise.objects.select_related("enterprise")),
            "places",
        )
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(stream, CHUNK)):
        for visit in with_case_counts(chunk, user=user):
            yield _row(visit)


def export_visits(visits: QuerySet[Visit], *, user: User) -> bytes:
    return write_workbook("调研走访", COLUMNS, _rows(visits, user))
