"""Writing the audit trail. Services call these inside their transaction, so a change and its
audit entry are committed together or not at all."""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from zhuqi.core.bulk import insert_rows
from zhuqi.core.display import display_changes, source_label
from zhuqi.core.models import AuditEntry
from zhuqi.core.textlimits import excerpt
from zhuqi.core.validators import mask_contacts, mask_phone

# Bookkeeping fields whose change says nothing a reader of the history needs.
IGNORED_FIELDS = frozenset(
    {"updated_at", "created_at", "version", "search_text", "search_words", "last_login"}
)
# Recorded as changed, never with their value: a password hash has no business in a log.
SECRET_FIELDS = frozenset({"password", "key_hash"})
HIDDEN = "******"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        # A file is audited by its stored name; its bytes are not history.
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited field values of an instance, JSON-ready; foreign keys by their key value."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if field.name in SECRET_FIELDS:
            # A different placeholder per value, so a change still shows up in the diff.
            values[field.name] = HIDDEN + hashlib.sha256(value.encode()).hexdigest()[:4] if value else ""
            continue
        values[field.name] = _jsonable(value)
    return values


def creation_changes(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What `diff({}, snapshot(instance))` gives for a new instance whose fields hold `values`
    (by attname, every audited field present), for a bulk writer that has rows, not instances."""
    changes: dict[str, list[Any]] = {}
    for name, attname in _audited_fields(model):
        value = values[attname]
        if value is not None:
            changes[name] = [None, _jsonable(value)]
    return changes


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(name, attname) of the fields a snapshot holds, in the order a creation's diff lists them."""
    fields = [
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in IGNORED_FIELDS and not field.primary_key
    ]
    if any(field.name in SECRET_FIELDS for field in model._meta.concrete_fields):
        raise ValueError(f"{model.__name__} has secret fields: audit its instances")
    return tuple(sorted(fields))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    if not before:
        # A creation (an import's every new row): what is set, no comparing field by field.
        return {name: [None, after[name]] for name in sorted(after) if after[name] is not None}
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


@dataclass(frozen=True)
class Ref:
    """An object named by its model and key, for a writer that changes rows without loading them
    (the deadline sweep's UPDATEs) or records an event on an account that may not exist (a login
    attempt with a name nobody has: key "")."""

    model: type[models.Model]
    pk: Any
    text: str  # what the entry calls it: the object's str() when it is loaded

    def __str__(self) -> str:
        return self.text


# What an entry is about: a loaded object, or one named by its key.
Target: TypeAlias = models.Model | Ref


# The columns of an entry as _entry_values gives them.
ENTRY_FIELDS = (
    "actor_id",
    "actor_name",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
    "source",
)


def _entry_values(
    *,
    actor: Any,
    actor_name: str,
    action: str,
    target: Target,
    changes: dict[str, list[Any]],
    source: str,
    content_types: dict[type, ContentType],
) -> tuple[Any, ...]:
    """The one place an entry is built: every field set, the same way for every writer (as
    values in ENTRY_FIELDS' order, for bulk writers that INSERT without an instance per entry)."""
    model = target.model if isinstance(target, Ref) else type(target)
    if model not in content_types:
        content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
    actor_pk = getattr(actor, "pk", None)
    return (
        actor_pk or None,
        (actor_name or getattr(actor, "username", "") or "system")[:150],
        action,
        content_types[model].pk,
        str(target.pk),
        str(target)[:200],
        changes,
        source,
    )


def _entry(**kwargs: Any) -> AuditEntry:
    return AuditEntry(**dict(zip(ENTRY_FIELDS, _entry_values(**kwargs), strict=True)))


def record(
    *,
    actor: Any,
    instance: Target,
    action: str,
    before: dict[str, Any] | None = None,
    source: str = "",
    changes: dict[str, list[Any]] | None = None,
    actor_name: str = "",
) -> AuditEntry | None:
    """Append one entry. An update that changed nothing audited writes nothing.

    `changes` replaces the field diff for changes that are not field values (the days of a
    calendar year, the co-departments of a case); a Ref has no fields, so it needs them.
    `actor_name` names who acted when no account did (a login attempt: the address it came from)."""
    if changes is None:
        if isinstance(instance, Ref):
            raise TypeError("an object named by a Ref has no snapshot: give its changes")
        after = {} if action == AuditEntry.Action.DELETE else snapshot(instance)
        changes = diff(before or {}, after)
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    written = _write(
        actor=actor, action=action, changes=[(instance, changes)], source=source, actor_name=actor_name
    )
    return written[0]


def record_saved(
    *,
    actor: Any,
    instance: models.Model,
    before: dict[str, Any] | None,
    source: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry | None:
    """The entry of a create-or-update save: CREATE when there was no row before (`before` is
    None), else UPDATE of what changed since `before`."""
    action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
    return record(
        actor=actor, instance=instance, action=action, before=before, source=source, changes=changes
    )


def record_each(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[Target, dict[str, list[Any]]]],
    source: str = "",
) -> None:
    """One entry per (instance, its changes), written in bulk: an import or a reference table of
    thousands of rows must not cost thousands of round trips, yet each row's history still shows
    what happened to it and where it came from. Written by core.bulk's one-statement insert, a
    thousand at a time (the entries' keys are not read back)."""
    rows = _entries(actor=actor, action=action, changes=changes, source=source, build=_entry_values)
    while chunk := list(itertools.islice(rows, 1000)):
        insert_rows(AuditEntry, ENTRY_FIELDS, chunk)


def record_many(
    *,
    actor: Any,
    instances: Sequence[Target],
    action: str,
    changes: dict[str, list[Any]],
    source: str = "",
) -> None:
    """One entry per instance for the same change made to many at once (marking a whole inbox
    read), written in bulk."""
    record_each(actor=actor, action=action, changes=((i, changes) for i in instances), source=source)


def _entries(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[Target, dict[str, list[Any]]]],
    source: str,
    actor_name: str = "",
    build: Callable[..., Any] = _entry,
) -> Iterator[Any]:
    content_types: dict[type, ContentType] = {}
    return (
        build(
            actor=actor,
            actor_name=actor_name,
            action=action,
            target=target,
            changes=target_changes,
            source=source,
            content_types=content_types,
        )
        for target, target_changes in changes
    )


def _write(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[Target, dict[str, list[Any]]]],
    source: str,
    actor_name: str = "",
) -> list[AuditEntry]:
    """The one writer of the audit trail: every entry of every writer goes through here or
    record_each, built by _entry. Nothing outside this module creates an AuditEntry
    (core/tests/test_audit_writers.py)."""
    entries = _entries(actor=actor, action=action, changes=changes, source=source, actor_name=actor_name)
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)


# Fields of audited models that hold personal data, and how to mask each in a change list.
PERSONAL_FIELDS: dict[str, Any] = {"contacts": mask_contacts, "phone": mask_phone}


def masked_changes(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A change list as a reader without the right to contact data may see it (PIPL): the
    history must not show what the record's own page hides."""
    return {
        field: [PERSONAL_FIELDS[field](side) if side else side for side in pair]
        if field in PERSONAL_FIELDS
        else pair
        for field, pair in changes.items()
    }


def with_visible_changes(entries: Any, *, show_personal: bool) -> list[AuditEntry]:
    """The entries of a page, each with `visible_changes`: (label, old, new) rows in the field
    labels and values a reader knows (see core.display), personal data masked unless the reader
    may see it."""
    page = list(entries)
    shown = display_changes(
        (entry.content_type.model_class(), entry.changes if show_personal else masked_changes(entry.changes))
        for entry in page
    )
    for entry, rows in zip(page, shown, strict=True):
        # An excerpt of a long value: the page stays small, the stored entry keeps every word.
        entry.visible_changes = [  # type: ignore[attr-defined,unused-ignore]
            (label, excerpt(old), excerpt(new)) for label, old, new in rows
        ]
        entry.source_label = source_label(entry.source)  # type: ignore[attr-defined,unused-ignore]
    return page


def history(instance: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
    ).order_by("-at", "-id")
