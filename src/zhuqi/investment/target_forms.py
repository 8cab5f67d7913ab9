"""The target pages' forms. Values stay as posted (amounts as text, ids as ids): the services
judge them and name the field, so the page and the API refuse the same value in the same words."""

from __future__ import annotations

from django import forms

from zhuqi.core.forms import Form, LenientDateField, LenientIntegerField, model_label
from zhuqi.core.versioning import version_field
from zhuqi.investment.models import Target


def _text(name: str) -> forms.CharField:
    return forms.CharField(label=model_label(Target, name), required=False, strip=False)


class TargetForm(Form):
    model = Target

    segment = LenientIntegerField(label=model_label(Target, "segment"))
    name = _text("name")
    uscc = _text("uscc")
    origin = _text("origin")
    expected_investment = _text("expected_investment")
    department = LenientIntegerField(label=model_label(Target, "department"))
    official = LenientIntegerField(label=model_label(Target, "official"))
    next_step = _text("next_step")
    next_step_on = LenientDateField(label=model_label(Target, "next_step_on"))
    note = _text("note")


class TargetEditForm(TargetForm):
    version = version_field()


class AdvanceForm(Form):
    model = Target
    service_labels = {"note": model_label(Target, "status_note")}

    version = version_field()
    status = forms.CharField(label=model_label(Target, "status"), required=False)
    agreement = LenientIntegerField(label=model_label(Target, "agreement"))
    project = LenientIntegerField(label=model_label(Target, "project"))
    note = forms.CharField(label=model_label(Target, "status_note"), required=False, strip=False)
