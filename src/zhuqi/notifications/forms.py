"""The group-robot pages' forms. Every value goes to the service as posted; the service judges it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.forms import Form, LenientIntegerField, OnOffField, model_label
from zhuqi.core.versioning import version_field
from zhuqi.notifications.models import Webhook


class WebhookForm(Form):
    """Add or change a robot. On a change, a blank address or secret keeps the stored one (they
    are never shown back whole); `clear_secret` removes the secret."""

    model = Webhook

    name = forms.CharField(label=model_label(Webhook, "name"), required=False, strip=False)
    flavour = forms.CharField(label=model_label(Webhook, "flavour"), required=False, strip=False)
    # As the page's labels say (the model's 地址 alone would not tell which address).
    url = forms.CharField(label=_("机器人地址"), required=False, strip=False)
    secret = forms.CharField(label=model_label(Webhook, "secret"), required=False)
    clear_secret = forms.BooleanField(required=False)
    site_url = forms.CharField(label=model_label(Webhook, "site_url"), required=False)
    department = LenientIntegerField(label=model_label(Webhook, "department"))
    region = forms.CharField(label=model_label(Webhook, "region"), required=False)
    version = version_field()


class WebhookActiveForm(Form):
    model = Webhook

    is_active = OnOffField(label=model_label(Webhook, "is_active"))
    version = version_field()
