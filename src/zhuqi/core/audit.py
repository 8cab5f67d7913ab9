"""Writing the audit trail. Services call these inside their transaction, so a change and its
audit entry are committed together or not at all."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from zhuqi.core.display import display_changes, source_label
from zhuqi.core.models import AuditEntry
from zhuqi.core.textlimits import excerpt
from zhuqi.core.validators import mask_contacts, mask_phone

# Bookkeeping fields whose change says nothing a reader of the history needs.
IGNORED_FIELDS = frozenset({"updated_at", "created_at", "version", "search_text", "last_login"})
# Recorded as changed, never with their value: a password hash has no business in a log.
SECRET_FIELDS = frozenset({"password", "key_hash"})
HIDDEN = "******"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
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


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    source: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry | None:
    """Append one entry. An update that changed nothing audited writes nothing.

    `changes` replaces the field diff for changes that are not field values (the days of a
    calendar year, the co-departments of a case)."""
    if changes is None:
        after = {} if action == AuditEntry.Action.DELETE else snapshot(instance)
        changes = diff(before or {}, after)
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        source=source,
    )


def record_each(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[models.Model, dict[str, list[Any]]]],
    source: str = "",
) -> None:
    """One entry per (instance, its changes), written in bulk: an import or a reference table of
    thousands of rows must not cost thousands of round trips, yet each row's history still shows
    what happened to it and where it came from."""
    content_types: dict[type, ContentType] = {}

    def entry(instance: models.Model, instance_changes: dict[str, list[Any]]) -> AuditEntry:
        model = type(instance)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
        return AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            action=action,
            content_type=content_types[model],
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            changes=instance_changes,
            source=source,
        )

    AuditEntry.objects.bulk_create((entry(i, c) for i, c in changes), batch_size=1000)


def record_many(
    *,
    actor: Any,
    instances: Sequence[models.Model],
    action: str,
    changes: dict[str, list[Any]],
    source: str = "",
) -> None:
    """One entry per instance for the same change made to many at once (marking a whole inbox
    read), written in bulk."""
    record_each(actor=actor, action=action, changes=((i, changes) for i in instances), source=source)


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
