"""How much free text a field holds, declared once for every layer.

A field's limit comes from its model: a `CharField` holds its column's `max_length` (the
declaration that already bounds the database), a `TextField` holds `TEXT_LENGTH` characters.
Forms, API schemas, services and importers all ask `limit()`, so they refuse the same value with
the same words, and nothing is ever cut to fit without the writer being told.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from zhuqi.core.errors import FieldError, ValidationFailed

# A description, summary, answer, opinion or comment: about five printed pages of Chinese, more
# than any real one; a value above it is a paste gone wrong, and it would make every page that
# shows it megabytes long.
TEXT_LENGTH = 10_000

# A short reason given with a change and kept with it (a correction's reason on the timeline).
REASON_LENGTH = 500

# A contact person of an enterprise (a JSON list, so no column declares these).
CONTACT_LENGTHS = {"name": 50, "phone": 30, "title": 50}

# How much of a long value the audit page shows; the stored entry keeps all of it.
AUDIT_EXCERPT_LENGTH = 300


def limit(model: type[models.Model], field_name: str) -> int:
    """The most characters `model.field_name` accepts."""
    field = model._meta.get_field(field_name)
    max_length = getattr(field, "max_length", None)
    if isinstance(field, models.CharField) and max_length:
        return int(max_length)
    if isinstance(field, models.TextField):
        return TEXT_LENGTH
    raise TypeError(f"{model.__name__}.{field_name} is not a text field")


def too_long_message(maximum: int, length: int | None = None) -> str:
    """The refusal, with the length found when the caller knows it (the API's validation does
    not keep the value, so it cannot say)."""
    return f"不能超过 {maximum:,} 字" + (f"（现为 {length:,} 字）" if length is not None else "")


def length_error(field: str, value: Any, maximum: int) -> FieldError | None:
    """A FieldError naming `field` when `value` is text longer than `maximum`, else None."""
    if isinstance(value, str) and len(value) > maximum:
        return FieldError(field, too_long_message(maximum, len(value)))
    return None


def length_errors(
    model: type[models.Model], values: Mapping[str, Any], *, prefix: str = ""
) -> list[FieldError]:
    """The errors for every value in `values` (model field name → text) that is too long for
    its field, each named `prefix + field name` (prefix for nested input: "cases.0.")."""
    errors = []
    for name, value in values.items():
        error = length_error(prefix + name, value, limit(model, name))
        if error is not None:
            errors.append(error)
    return errors


def check_lengths(model: type[models.Model], values: Mapping[str, Any], *, prefix: str = "") -> None:
    """Raise ValidationFailed naming every too-long value: the services' last line of defence."""
    errors = length_errors(model, values, prefix=prefix)
    if errors:
        raise ValidationFailed(errors)


def contact_errors(contacts: Any, *, field: str = "contacts") -> list[FieldError]:
    """Too-long names, phone numbers or titles in an enterprise's contact list."""
    errors = []
    for index, contact in enumerate(contacts if isinstance(contacts, list) else []):
        if not isinstance(contact, Mapping):
            continue
        for key, maximum in CONTACT_LENGTHS.items():
            error = length_error(f"{field}.{index}.{key}", contact.get(key), maximum)
            if error is not None:
                errors.append(error)
    return errors


def excerpt(text: str, maximum: int = AUDIT_EXCERPT_LENGTH) -> str:
    """`text`, or its beginning and how long the whole is, so a page never carries megabytes."""
    if len(text) <= maximum:
        return text
    return f"{text[:maximum]}…（共 {len(text):,} 字）"


def schema_field(model: type[models.Model], field_name: str, default: Any = ..., **kwargs: Any) -> Any:
    """An API schema field with the model field's limit (`...`: required), so the API answers
    422 naming the field, and the OpenAPI document shows the limit as `maxLength`."""
    from ninja import Field

    return Field(default, max_length=limit(model, field_name), **kwargs)


def shortened(text: str, maximum: int) -> str:
    """A generated line (a notice's title made from a case's title) cut to fit with a visible
    "…": never for what a person typed, which is refused instead."""
    return text if len(text) <= maximum else text[: maximum - 1] + "…"
