"""Case figures, and the cockpit's other figures that are the same for every reader of a region,
read from a snapshot while it is fresh (models.FigureSnapshot).

A past period's response and on-time answer rates are final once the period is over; its
resolution and satisfaction rates move only as late ratings come in (docs/figures.md). So a past
period's figures are kept an hour, the current period's five minutes; the cockpit says when its
figures were counted. Only readers whose scope holds the whole region share a snapshot: for them
`cases.figures.figures_for` of that region reads the same rows whoever asks (every case of the
region and below, docs/visibility.md)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhuqi.cases import figures as case_figures
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.directory.models import User
from zhuqi.dispatch.models import FigureSnapshot

PAST_PERIOD_TTL = datetime.timedelta(hours=1)
CURRENT_PERIOD_TTL = datetime.timedelta(minutes=5)
# Readers for whom a region's figures are the region's, not a narrower part of it.
SHARED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.LEADER, Role.COORDINATOR})


@dataclass
class CaseRows:
    rows: list[case_figures.FigureRow]
    total: case_figures.FigureRow
    computed_at: datetime.datetime


def _shared(user: User, region: str) -> bool:
    if user.is_superuser:
        return True
    return user.role in SHARED_ROLES and code_within(jurisdiction_code(user), region)


def _rows(data: list[dict[str, object]]) -> list[case_figures.FigureRow]:
    return [case_figures.FigureRow(**item) for item in data]  # type: ignore[arg-type]


def _data(row: case_figures.FigureRow) -> dict[str, object]:
    values: dict[str, object] = {"key": row.key, "name": row.name}
    values.update({name: getattr(row, name) for name in case_figures.COUNTED})
    return values


def _kept_data(
    key: str, *, last_day: datetime.date, now: datetime.datetime, count: Callable[[], Any]
) -> tuple[Any, datetime.datetime]:
    """The data (JSON's own types) kept under `key` while fresh, else `count()`ed and kept: five
    minutes when the last period counted is still running on `last_day`, an hour when it is
    over."""
    found = FigureSnapshot.objects.filter(key=key, valid_until__gt=now).first()
    # (A snapshot written before its data was kept under "data" is counted again.)
    if found is not None and "data" in found.figures:
        return found.figures["data"], found.computed_at
    data = count()
    running = last_day >= timezone.localdate(now)
    FigureSnapshot.objects.bulk_create(
        [
            FigureSnapshot(
                key=key,
                figures={"data": data},
                computed_at=now,
                valid_until=now + (CURRENT_PERIOD_TTL if running else PAST_PERIOD_TTL),
            )
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["figures", "computed_at", "valid_until"],
    )
    return data, now


def _kept(
    key: str,
    *,
    last_day: datetime.date,
    now: datetime.datetime,
    count: Callable[[], list[case_figures.FigureRow]],
) -> tuple[list[case_figures.FigureRow], datetime.datetime]:
    data, at = _kept_data(key, last_day=last_day, now=now, count=lambda: [_data(row) for row in count()])
    return _rows(data), at


def kept(
    user: User,
    *,
    name: str,
    region: str,
    period: Period,
    now: datetime.datetime,
    count: Callable[[], Any],
) -> Any:
    """`count()` (data of JSON's own types: numbers, strings, lists) for the region and period,
    from a fresh snapshot when there is one and the reader may share it, as the case rows are:
    a cockpit section whose figures are the same for every reader of the whole region (the
    liaison coverage, the rankings' project and agreement rates)."""
    if not _shared(user, region):
        return count()
    return _kept_data(f"{name}|{region}|{period.key}", last_day=period.end, now=now, count=count)[0]


def case_rows(
    user: User,
    *,
    period: Period,
    group_by: str,
    region: str,
    now: datetime.datetime,
    with_state: bool = True,
) -> CaseRows:
    """`cases.figures.figures_for(user, period, group_by, region)`'s rows and total, from a fresh
    snapshot when there is one and the reader may share it; the rates alone (no open, late …
    counts: a read of the open cases spared) unless `with_state`."""

    def count() -> list[case_figures.FigureRow]:
        figures = case_figures.figures_for(
            user=user, period=period, group_by=group_by, region=region, now=now, with_state=with_state
        )
        return [*figures.rows, figures.total]  # the total last

    if not _shared(user, region):
        rows, at = count(), now
    else:
        kind = "case-rows" if with_state else "case-rates"
        rows, at = _kept(
            f"{kind}|{group_by}|{region}|{period.key}", last_day=period.end, now=now, count=count
        )
    return CaseRows(rows[:-1], rows[-1], at)


def trend_totals(
    user: User,
    *,
    periods: list[Period],
    region: str,
    lead_department_id: int | None,
    now: datetime.datetime,
) -> list[case_figures.FigureRow]:
    """`cases.figures.totals_for_periods` (one scan for every period of a trend), from a fresh
    snapshot when there is one and the reader may share it."""

    def count() -> list[case_figures.FigureRow]:
        return case_figures.totals_for_periods(
            user=user, periods=periods, region=region, lead_department_id=lead_department_id, now=now
        )

    if not _shared(user, region):
        return count()
    # At most 6 + 7 + 5 × 21 + 4 characters (a department id, five custom ranges): within the key.
    key = f"trend|{region}|{lead_department_id or ''}|{','.join(period.key for period in periods)}"
    return _kept(key, last_day=periods[-1].end, now=now, count=count)[0]


def drop_expired(now: datetime.datetime | None = None) -> int:
    """Delete the snapshots past their time (the periodic task's housekeeping)."""
    deleted, _ = FigureSnapshot.objects.filter(valid_until__lte=now or timezone.now()).delete()
    return deleted
