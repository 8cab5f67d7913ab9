"""What every form of the web interface shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext


class Form(forms.Form):
    """A form whose labels end without a colon (Django's default appends an ASCII ":" to every
    label, "来源:"; Chinese takes a full-width "：" or, beside a field, none at all) and whose
    required fields say so on their label. Choice labels are shown in the reader's language: the
    model's choices are Chinese strings marked for translation (core.models.BaseModel), read when
    the form class is built, so they are translated here, per request."""

    required_css_class = "required"

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
