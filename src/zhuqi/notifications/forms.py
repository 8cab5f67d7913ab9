"""The group-robot page's form. Every value goes to the service as posted; the service judges it."""

from __future__ import annotations

from django import forms

from zhuqi.core.forms import Form, LenientIntegerField, OnOffField, model_label
from zhuqi.notifications.models import Webhook


class WebhookForm(Form):
    model = Webhook

    webhook = LenientIntegerField(widget=forms.HiddenInput)
    delete = forms.BooleanField(required=False)
    name = forms.CharField(label=model_label(Webhook, "name"), required=False, strip=False)
    flavour = forms.CharField(label=model_label(Webhook, "flavour"), required=False, strip=False)
    url = forms.CharField(label=model_label(Webhook, "url"), required=False, strip=False)
    department = LenientIntegerField(label=model_label(Webhook, "department"))
    region = forms.CharField(label=model_label(Webhook, "region"), required=False)
    is_active = OnOffField(label=model_label(Webhook, "is_active"))
