"""Where a case comes from, without cases knowing the apps it comes from.

A case may be filed from a record of an app above cases (what was said at a visit, a problem in
a project's progress report), may name such a record, and may be seen through one (a liaison
officer sees the visit-wide cases of the visits they see). cases does not import those apps:
each registers here, in its AppConfig.ready, what it knows about its records, and cases calls
what was registered. A new app whose records raise cases (policies, task forces, dispatch
meetings) registers the same way; see visits/origins.py.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q

from zhuqi.cases.models import Complexity, Urgency
from zhuqi.core.errors import FieldError
from zhuqi.core.roles import Role
from zhuqi.directory.models import Official, Region, User
from zhuqi.enterprises.models import Enterprise


class Origin(enum.Enum):
    """Where a case is filed from, which decides by whose authority (docs/visibility.md, "Filing
    from a record"). There is no origin that skips the checks: each states its own.

    DIRECT: the filer's own role and scope (creatable_kinds; the enterprise and the region in
    the filer's scope).
    VISIT: what was said at a visit, filed by someone who may record that visit (NewCase.visit_id,
    read through the filer's scope). Instructions only at an inspection or a symposium, by the
    authority of one of its lead officials (issued_by, the first lead by default); a liaison
    visit or call gives none. Demands are the difficulties of the enterprises visited, in the
    filer's scope.
    PROJECT_REPORT: a problem in a project's progress report, filed by someone who may report on
    the project (NewCase.project_id, read through the filer's scope): the owner's demand, or, for
    a project with no registered owner, an item for the coordinator to route (an instruction no
    leader issued).
    CAMPAIGN_REPORT: a difficulty an enterprise gave in its report to a task force's campaign,
    filed by someone who may report for that enterprise in that campaign (NewCase.campaign_id,
    read through the filer's scope): the enterprise's demand.
    MEETING: a decision taken in a dispatch meeting, filed by someone who may keep that meeting
    (NewCase.meeting_id, read through the filer's scope): an instruction issued by the meeting's
    chair, in the meeting's region unless an enterprise of the filer's scope is named.
    """

    DIRECT = "direct"
    VISIT = "visit"
    PROJECT_REPORT = "project_report"
    CAMPAIGN_REPORT = "campaign_report"
    MEETING = "meeting"


@dataclass
class NewCase:
    kind: str
    title: str
    description: str = ""
    enterprise_id: int | None = None
    category_id: int | None = None
    urgency: str = Urgency.NORMAL
    complexity: str = Complexity.SIMPLE
    source: str = ""
    source_note: str = ""
    issued_by_id: int | None = None
    region_code: str = ""
    rule_breached: str = ""
    evidence: str = ""
    # Given at creation (a leader's instruction to named departments, a rectification order):
    # the case is assigned in the same transaction.
    lead_department_id: int | None = None
    co_department_ids: list[int] = field(default_factory=list)
    deadline: datetime.date | None = None
    project_id: int | None = None
    visit_id: int | None = None
    campaign_id: int | None = None
    meeting_id: int | None = None


@dataclass
class Filing:
    """What the origin rules settled: the enterprise, region, visit, project and issuer."""

    enterprise: Enterprise | None = None
    region: Region | None = None
    visit: Any = None
    project: Any = None
    issued_by: Official | None = None


# Files a case of `kind` from a record: reads the record through the filer's scope, refuses
# (PermissionDenied, or ValidationFailed naming the record's field) when the filer may not,
# and adds what else is wrong to `errors`.
Filer = Callable[[User, str, NewCase, list[FieldError]], Filing]
# The record with this id, if the user may see it; None otherwise.
ScopedRecord = Callable[[User, int], Model | None]
# The cases a user of some role sees through these records.
SeenThrough = Callable[[User], Q]

_filers: dict[Origin, Filer] = {}
_records: dict[str, ScopedRecord] = {}
_seen_through: dict[str, list[SeenThrough]] = {}


def register_filer(origin: Origin, filer: Filer) -> None:
    _filers[origin] = filer


def register_record(field_name: str, lookup: ScopedRecord) -> None:
    """How a case's `field_name` (its foreign key to the higher app's record) is read when the
    filer names the record directly."""
    _records[field_name] = lookup


def register_seen_through(role: Role, seen: SeenThrough) -> None:
    """Cases that users of `role` see because they see the record the case was raised at."""
    _seen_through.setdefault(role, []).append(seen)


def filer(origin: Origin) -> Filer:
    try:
        return _filers[origin]
    except KeyError:
        raise ImproperlyConfigured(f"No app registered how to file a case from {origin}") from None


def scoped_record(field_name: str, user: User, pk: int) -> Model | None:
    try:
        lookup = _records[field_name]
    except KeyError:
        raise ImproperlyConfigured(f"No app registered the records a case's {field_name} names") from None
    return lookup(user, pk)


def seen_through(user: User) -> list[Q]:
    return [seen(user) for seen in _seen_through.get(user.role, [])]
