"""What every form of the web interface shares: how a page reads what was posted, and how a
service's refusal is put back on the page.

A create/edit page reads its input through a `Form` (never `request.POST` by hand), hands the
cleaned values to the service, and on `ValidationFailed` calls `form.add_service_errors` (each
message beside the field it names) or shows `form.error_text(error)` (one line naming each field by
its label). The labels are the form's own; a field declared with `label=model_label(Model, name)`
takes the model field's verbose_name, so the page, the admin and the audit trail say the same word.
Fields that only carry text to the service (`LenientIntegerField`, `LenientIdListField`) never
refuse anything themselves: the service judges every value, so the same bad value gets the same
message on the page, in the API and in an import."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

from zhuqi.core.errors import FieldError, ServiceError, ValidationFailed
from zhuqi.core.validators import parse_id


def model_label(model: type[models.Model], name: str) -> Any:
    """The label of `model.name` as the model declares it (its verbose_name)."""
    return getattr(model._meta.get_field(name), "verbose_name", name)


def error_text(error: ServiceError, label: Callable[[str], str]) -> str:
    """A refusal in one line: each field error as "label：message", joined with "；"; any other
    refusal is its message."""
    if isinstance(error, ValidationFailed):
        return "；".join(f"{label(e.field)}：{e.message}" for e in error.errors)
    return error.message


class LenientIntegerField(forms.Field):
    """A whole number as ids, counts and days are written (digits), or None for anything else:
    whether the value is acceptable (present, in range) is the service's to say, in its own words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | None:
        return parse_id(value)


class LenientDateField(forms.Field):
    """A date as the date inputs post it (YYYY-MM-DD), or None for anything else; a missing
    date is the service's to name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None


class LenientIdListField(forms.Field):
    """Ids picked from a list; whatever is not an id is left out, and whether the user may pick
    the rest is the service's to say."""

    widget = forms.SelectMultiple

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        return [parsed for parsed in map(parse_id, value or []) if parsed is not None]


class OnOffField(forms.Field):
    """A switch posted as "on" or "off" (a hidden input, so turning it off is posted too); not
    posted at all, it is on, as a record is active unless someone turns it off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> bool:
        return value is None or value == "on"


class Form(forms.Form):
    """A form whose labels end without a colon (Django's default appends an ASCII ":" to every
    label, "来源:"; Chinese takes a full-width "：" or, beside a field, none at all) and whose
    required fields say so on their label. Choice labels are shown in the reader's language: the
    model's choices are Chinese strings marked for translation (core.models.BaseModel), read when
    the form class is built, so they are translated here, per request.

    `model`, when set, names fields the service may refuse that the form does not show (a step
    refused for the case's category): their label is the model field's verbose_name."""

    required_css_class = "required"
    model: ClassVar[type[models.Model] | None] = None
    # Names the service uses that are no field of the form and no field of `model` (a node plan's
    # rows as a whole, "milestones"); keep it short, most names are fields.
    service_labels: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Fixed choices only: a ModelChoiceField's are rows, named as they are stored.
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices: Any = field.choices
                field.choices = [
                    (value, gettext(label) if isinstance(label, str) else label) for value, label in choices
                ]

    def error_field(self, path: str) -> str:
        """The form field a service's error path belongs to ("co_departments.1" → co_departments)."""
        return path.split(".")[0]

    def label_of(self, path: str) -> str:
        """What the page calls the field a service's error names."""
        name = self.error_field(path)
        if name in self.fields and self.fields[name].label:
            return str(self.fields[name].label)
        if name in self.service_labels:
            return str(self.service_labels[name])
        if self.model is not None:
            try:
                # A reverse relation (a project's milestones) has no verbose_name.
                label = getattr(self.model._meta.get_field(name), "verbose_name", None)
            except FieldDoesNotExist:
                label = None
            if label:
                return str(label)
        return name

    def error_text(self, error: ServiceError) -> str:
        return error_text(error, self.label_of)

    def add_service_errors(self, errors: list[FieldError]) -> None:
        """Puts a service's field errors beside the fields they name; the rest go on top."""
        for error in errors:
            name = self.error_field(error.field)
            # A hidden field's error (the version) would be shown nowhere: it goes on top.
            shown = name in self.fields and not self.fields[name].widget.is_hidden
            self.add_error(name if shown else None, error.message)
