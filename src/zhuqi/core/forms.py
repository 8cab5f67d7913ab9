"""What every form of the web interface shares."""

from __future__ import annotations

from typing import Any

from django import forms


class Form(forms.Form):
    """A form whose labels end without a colon (Django's default appends an ASCII ":" to every
    label, "来源:"; Chinese takes a full-width "：" or, beside a field, none at all) and whose
    required fields say so on their label."""

    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
