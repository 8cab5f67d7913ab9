"""The figures' tallies (models.CaseDayTally, models.CaseOpenTally): kept as cases change,
rebuilt from the cases.

A case adds to the tally rows of the days its figures count it on (contribution: received on the
day submitted, its response and its answer on the days their clocks settled, its closing on the
day closed — the moments cases.figures counts by, read from the same columns with the same rules)
and, while it is open, its state (open, marked late by the sweep, escalated, supervised,
flagged) to the open tally of the day it was received. Every save of a case appends what it
changed (its new contribution less its old one) to the change tables, in the transaction that
saves it (the signal receivers at the end): appended, so no save waits on a tally row another
save holds; the sweep's bulk writes say which cases they change (tracking). The deadline sweep
folds the changes into the tallies (fold); the figures read both in one statement (sums).
Anything else that writes cases in bulk (a benchmark's generator) runs rebuild(), as `zhuqi
rebuild_figures` does, which also checks the kept rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from zhuqi.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseDayTally,
    CaseDayTallyChange,
    CaseOpenTally,
    CaseOpenTallyChange,
    Closure,
    Escalation,
    Kind,
    Outcome,
    Status,
    Timeliness,
)
from zhuqi.core.workdays import SHANGHAI

# The counts a tally row keeps, in its columns' order (figures.FigureRow's names but one): what
# happened on the day (FLOWS), then the state now of the cases received that day (STATE).
FLOWS = (
    "cases",
    "response_due",
    "responded_on_time",
    "answer_due",
    "answered_on_time",
    "demands_due",
    "resolved",
    "partly_resolved",
    "not_resolvable",
    "disputed",
    "unanswered",
    "ratings_given",
    "satisfied_ratings",
    "not_rated",
    "closed",
    "days_to_close",
    "timed_closures",
)
# marked_late: open and marked red by the deadline sweep. The figures' late adds the open cases
# whose deadline passed since the sweep last ran, read from the cases (figures.py): a count of the
# clock cannot be kept, a mark can.
STATE = ("open", "marked_late", "escalated", "supervised", "flagged")
COUNTS = FLOWS + STATE
_INDEX = {name: index for index, name in enumerate(COUNTS)}
# The columns of a case its contribution is read from: a save that changes none of them (a
# comment) leaves the tallies alone.
FIELDS = (
    "kind",
    "region_id",
    "lead_department_id",
    "submitted_at",
    "started_at",
    "response_due",
    "responded_on_time",
    "first_answered_at",
    "deadline",
    "answered_on_time",
    "status",
    "outcome",
    "ratings_given",
    "satisfied_ratings",
    "closure",
    "closed_at",
    "working_days_to_close",
    "timeliness",
    "escalation_level",
    "flagged_for_notice",
)
_FIELD_NAMES = frozenset(name.removesuffix("_id") for name in FIELDS) | frozenset(FIELDS)
STANDING = (Status.ANSWERED, Status.CLOSED)
SUPERVISED = (Escalation.SUPERVISION, Escalation.NOTICE)
OUTCOME_COUNTS = {
    Outcome.RESOLVED: "resolved",
    Outcome.PARTLY_RESOLVED: "partly_resolved",
    Outcome.NOT_RESOLVABLE: "not_resolvable",
}

Key = tuple[datetime.date, str, str, int]
Tally = dict[Key, list[int]]


def settled(done: datetime.datetime | None, due: datetime.datetime | None) -> datetime.datetime | None:
    """models.settled_at in Python: the earlier of done and due, either when one is missing."""
    if done is None or due is None:
        return done or due
    return min(done, due)


def day_of(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


def contribution(values: Mapping[str, Any]) -> Tally:
    """What one case adds to the tallies: its counts by day (figures._measures, day by day)."""
    kind, region, department = values["kind"], values["region_id"], values["lead_department_id"] or 0
    found: Tally = {}

    def add(moment: datetime.datetime, name: str, amount: int = 1) -> None:
        if amount:
            key = (day_of(moment), kind, region, department)
            found.setdefault(key, [0] * len(COUNTS))[_INDEX[name]] += amount

    add(values["submitted_at"], "cases")
    response = settled(values["started_at"], values["response_due"])
    if response is not None:
        add(response, "response_due")
        if values["responded_on_time"] is True:
            add(response, "responded_on_time")
    answer = settled(values["first_answered_at"], values["deadline"])
    if answer is not None:
        add(answer, "answer_due")
        if values["answered_on_time"] is True:
            add(answer, "answered_on_time")
        if kind == Kind.DEMAND:
            add(answer, "demands_due")
            standing = values["status"] in STANDING
            if standing and values["outcome"] in OUTCOME_COUNTS:
                add(answer, OUTCOME_COUNTS[values["outcome"]])
            if values["first_answered_at"] is None:
                add(answer, "unanswered")
            elif not standing:
                add(answer, "disputed")
            add(answer, "ratings_given", values["ratings_given"] or 0)
            add(answer, "satisfied_ratings", values["satisfied_ratings"] or 0)
            if values["closure"] == Closure.NOT_RATED:
                add(answer, "not_rated")
    if values["status"] == Status.CLOSED and values["closed_at"] is not None:
        add(values["closed_at"], "closed")
        if values["working_days_to_close"] is not None:
            add(values["closed_at"], "days_to_close", values["working_days_to_close"])
            add(values["closed_at"], "timed_closures")
    if values["status"] in OPEN_STATUSES:
        received = values["submitted_at"]
        add(received, "open")
        add(received, "marked_late", values["timeliness"] == Timeliness.RED)
        add(received, "escalated", values["escalation_level"] != Escalation.NONE)
        add(received, "supervised", values["escalation_level"] in SUPERVISED)
        add(received, "flagged", values["flagged_for_notice"] is True)
    return found


def _merge(into: Tally, other: Tally, sign: int = 1) -> None:
    for key, counts in other.items():
        kept = into.setdefault(key, [0] * len(COUNTS))
        for index, amount in enumerate(counts):
            kept[index] += sign * amount


@dataclass(frozen=True)
class Part:
    """One table of kept counts and its appended changes: the flows (CaseDayTally) or the open
    cases' state (CaseOpenTally), each a slice of a Tally's counts."""

    tally: type[models.Model]
    change: type[models.Model]
    names: tuple[str, ...]
    # Rows summing to nothing are deleted at each fold: an open tally holds only the days that
    # still have an open case. A day's flows stay (they are history).
    drop_empty: bool

    @property
    def counts(self) -> slice:
        start = COUNTS.index(self.names[0])
        return slice(start, start + len(self.names))


FLOW_PART = Part(CaseDayTally, CaseDayTallyChange, FLOWS, drop_empty=False)
OPEN_PART = Part(CaseOpenTally, CaseOpenTallyChange, STATE, drop_empty=True)
PARTS = (FLOW_PART, OPEN_PART)


def _row(model: Any, key: Any, names: tuple[str, ...], counts: Any) -> Any:
    """A tally or change row of `model` for (day, kind, region code, department key) and counts."""
    return model(
        day=key[0],
        kind=key[1],
        region_code=key[2],
        department_key=key[3],
        **dict(zip(names, counts, strict=True)),
    )


def apply(delta: Tally) -> None:
    """Append `delta` to the changes (nothing is locked that another save would wait on)."""
    for part in PARTS:
        part.change._default_manager.bulk_create(
            _row(part.change, key, part.names, counts[part.counts])
            for key, counts in sorted(delta.items())
            if any(counts[part.counts])
        )


def fold() -> int:
    """The changes appended so far added into the tallies and removed, in one transaction; says
    how many were folded. Exactly the rows this DELETE removed are added (RETURNING), so a change
    committed meanwhile waits for the next fold, never counted twice or lost."""
    with transaction.atomic():
        return sum(_fold(part) for part in PARTS)


def _fold(part: Part) -> int:
    changes = connection.ops.quote_name(part.change._meta.db_table)
    table = connection.ops.quote_name(part.tally._meta.db_table)
    columns = ", ".join(part.names)
    key = "day, kind, region_code, department_key"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {changes} RETURNING {key}, {columns}")  # noqa: S608
        removed = cursor.fetchall()
    folded: dict[tuple[datetime.date, str, str, int], list[int]] = {}
    for row in removed:
        day = row[0] if isinstance(row[0], datetime.date) else datetime.date.fromisoformat(row[0])
        kept = folded.setdefault((day, row[1], row[2], row[3]), [0] * len(part.names))
        for index, amount in enumerate(row[4:]):
            kept[index] += amount
    rows = [(key_values, counts) for key_values, counts in sorted(folded.items()) if any(counts)]
    if not rows:
        return len(removed)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in part.names)
    placeholders = ", ".join(["%s"] * (4 + len(part.names)))
    # In key order: two folds at once take the tally rows' locks in the same order.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({key}, {columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT (region_code, day, kind, department_key) DO UPDATE SET {updates}",
            [(*key_values, *counts) for key_values, counts in rows],
        )
        if part.drop_empty:
            nothing = " AND ".join(f"{name} = 0" for name in part.names)
            cursor.executemany(
                f"DELETE FROM {table} WHERE day = %s AND kind = %s AND region_code = %s "  # noqa: S608
                f"AND department_key = %s AND {nothing}",
                [key_values for key_values, _ in rows],
            )
    return len(removed)


def sums(
    where: Q, group_key: Any, columns: Mapping[str, str], *, part: Part = FLOW_PART
) -> list[dict[str, Any]]:
    """The counts of `part`'s tally rows and of its changes not folded yet that match `where`,
    summed by `group_key`: one statement (UNION ALL), so a fold committing meanwhile is seen
    whole or not at all. `columns`: each sum's name → the column summed. A group may come twice
    (once from each table): the caller adds them."""

    def summed(model: type[models.Model]) -> QuerySet[Any, dict[str, Any]]:
        grouped = model._default_manager.filter(where).annotate(group_key=group_key).values("group_key")
        return grouped.annotate(**{name: Sum(column) for name, column in columns.items()}).order_by()

    return list(summed(part.tally).union(summed(part.change), all=True))


def _values(pks: Iterable[int]) -> Iterator[dict[str, Any]]:
    return Case.objects.filter(pk__in=list(pks)).values(*FIELDS).order_by().iterator(chunk_size=2000)


def tally_of(rows: Iterable[Mapping[str, Any]]) -> Tally:
    total: Tally = {}
    for values in rows:
        _merge(total, contribution(values))
    return total


@contextmanager
def tracking(pks: Iterable[int]) -> Iterator[None]:
    """Around a bulk write to these cases (which sends no signals): their tallies follow it."""
    chosen = list(pks)
    before = tally_of(_values(chosen))
    yield
    delta = tally_of(_values(chosen))
    _merge(delta, before, -1)
    apply(delta)


def rebuild() -> dict[str, int]:
    """Every tally row counted again from the cases (flows and open state), the changes folded
    in; says how many kept rows (tallies and changes together) differed from the count: a
    difference means some write went around the tallies, a bug to look for.

    One transaction, with one view of the cases and of what was kept: on PostgreSQL a repeatable
    read, so the changes a save commits while the cases are counted are not in that view, are
    left in place and still count after it (a fold meanwhile makes this fail: run it again); on
    SQLite the transaction holds the database's write lock throughout."""
    # Inside a transaction begun elsewhere (a test's), its own isolation stands.
    repeatable = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if repeatable:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counted: Tally = defaultdict(lambda: [0] * len(COUNTS))
        for values in Case.objects.values(*FIELDS).order_by().iterator(chunk_size=5000):
            _merge(counted, contribution(values))
        rows = differing = 0
        for part in PARTS:
            width = len(part.names)
            mine = {key: counts[part.counts] for key, counts in counted.items() if any(counts[part.counts])}
            kept: dict[Key, list[int]] = {}
            for model in (part.tally, part.change):
                for row in model._default_manager.values_list(
                    "day", "kind", "region_code", "department_key", *part.names
                ).iterator(chunk_size=5000):
                    found = kept.setdefault((row[0], row[1], row[2], row[3]), [0] * width)
                    for index, amount in enumerate(row[4:]):
                        found[index] += amount
            nothing = [0] * width
            differing += sum(
                1 for key in mine.keys() | kept.keys() if mine.get(key, nothing) != kept.get(key, nothing)
            )
            part.change._default_manager.all().delete()
            part.tally._default_manager.all().delete()
            part.tally._default_manager.bulk_create(
                (_row(part.tally, key, part.names, counts) for key, counts in mine.items()), batch_size=2000
            )
            rows += len(mine)
    return {"rows": rows, "differing": differing}


# ---------------------------------------------------------------------------------------------
# Every save of a case keeps its tallies (inside the transaction that saves it).


@receiver(pre_save, sender=Case)
def _before_save(
    sender: Any, instance: Case, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    # What an earlier save that failed left behind is not this save's.
    instance.__dict__.pop("_tally_before", None)
    if raw:
        # loaddata writes rows as they were dumped, tallies included: `zhuqi rebuild_figures` after.
        return
    if update_fields is not None and not _FIELD_NAMES.intersection(update_fields):
        return
    if instance.pk is None or instance._state.adding:
        instance.__dict__["_tally_before"] = ({}, None)
        return
    old = Case.objects.filter(pk=instance.pk).values(*FIELDS).first()
    instance.__dict__["_tally_before"] = (contribution(old) if old else {}, old)


@receiver(post_save, sender=Case)
def _after_save(sender: Any, instance: Case, update_fields: Any = None, **kwargs: Any) -> None:
    kept = instance.__dict__.pop("_tally_before", None)
    if kept is None:
        return
    before, old = kept
    now = {name: getattr(instance, name) for name in FIELDS}
    if update_fields is not None and old is not None:
        # Only the fields saved reached the row; the others are what the row held.
        saved = set(update_fields)
        now = {name: now[name] if {name, name.removesuffix("_id")} & saved else old[name] for name in FIELDS}
    delta = contribution(now)
    _merge(delta, before, -1)
    apply(delta)


@receiver(post_delete, sender=Case)
def _after_delete(sender: Any, instance: Case, **kwargs: Any) -> None:
    delta: Tally = {}
    _merge(delta, contribution({name: getattr(instance, name) for name in FIELDS}), -1)
    apply(delta)
