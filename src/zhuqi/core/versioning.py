"""The one check every versioned write makes: the caller says which version they read.

Cases, enterprises, projects, visits and agreements carry a `version` that each change raises by
one. A write names the version it was based on; if the record moved on since, the write is
refused (409, with the current id and version) instead of silently overwriting someone else's
change. Not naming it is refused too (422 naming `version`): there is no "skip the check", or
every path that forgot to send it (a form without the hidden field, a script) would overwrite.
The API, the pages and the services all come through here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.errors import FieldError, StaleWrite, ValidationFailed

MISSING = "必填：请提供读取记录时的版本号（version），以免覆盖他人的修改"
NOT_A_NUMBER = "应为读取记录时的版本号（整数）"


class Versioned(Protocol):
    pk: Any
    version: int


def check_version(record: Versioned, expected: object, *, current: Mapping[str, Any] | None = None) -> None:
    """Refuse the write unless `expected` is the record's version. Call it on the row as locked
    for the write (select_for_update), so no one can change it between the check and the save.
    `current` adds to what a stale refusal reports (a case's status, say)."""
    if expected is None or (isinstance(expected, str) and not expected.strip()):
        raise ValidationFailed([FieldError("version", MISSING)])
    if isinstance(expected, bool):
        raise ValidationFailed([FieldError("version", NOT_A_NUMBER)])
    try:
        number = int(expected)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValidationFailed([FieldError("version", NOT_A_NUMBER)]) from None
    if number != record.version:
        raise StaleWrite(record_id=record.pk, current_version=record.version, current=dict(current or {}))


def version_field() -> forms.IntegerField:
    """The hidden field a page's edit form carries with the version it showed. Not required by
    the form: a post without it reaches check_version, which refuses it with the same words as
    the API."""
    return forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, required=False)


def is_version_error(error: ValidationFailed) -> bool:
    return any(e.field == "version" for e in error.errors)
