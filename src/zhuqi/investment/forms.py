"""The agreement pages' forms. Amounts stay text and ids stay as posted: the services parse and
judge them, naming the field, so the page and the API refuse the same value in the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.forms import Form, LenientDateField, LenientIdListField, LenientIntegerField, model_label
from zhuqi.core.versioning import version_field
from zhuqi.investment.models import Agreement, AmountNature, AmountUnit, FundsInPlace


def _text(model_field: str) -> forms.CharField:
    return forms.CharField(label=model_label(Agreement, model_field), required=False, strip=False)


class AgreementForm(Form):
    model = Agreement

    title = _text("title")
    kind = _text("kind")
    counterparty_name = _text("counterparty_name")
    our_party_name = _text("our_party_name")
    region = _text("region")
    signed_on = LenientDateField(label=model_label(Agreement, "signed_on"))
    place = _text("place")
    # The amount as typed with its unit; the page has always called them 金额 and 单位.
    amount = forms.CharField(label=_("金额"), required=False, strip=False)
    amount_unit = forms.CharField(label=_("单位"), required=False, strip=False)
    amount_nature = _text("amount_nature")
    period = _text("period")
    follow_up_department = LenientIntegerField(label=model_label(Agreement, "follow_up_department"))
    leaders_present = LenientIdListField(label=model_label(Agreement, "leaders_present"))
    chain = LenientIntegerField(label=model_label(Agreement, "chain"))
    note = _text("note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 合作领域 is posted as "fields", a name a form class cannot declare (it holds the fields).
        self.fields["fields"] = _text("fields")

    def clean_amount_unit(self) -> str:
        return str(self.cleaned_data["amount_unit"] or AmountUnit.YI)

    def clean_amount_nature(self) -> str:
        return str(self.cleaned_data["amount_nature"] or AmountNature.NONE)


class AgreementProjectsForm(Form):
    """落地项目: the projects the agreement came to."""

    model = Agreement

    version = version_field()
    project = LenientIdListField()


class FundsForm(Form):
    """到位资金: one record of funds in place."""

    model = FundsInPlace

    version = version_field()
    on = LenientDateField(label=model_label(FundsInPlace, "on"))
    amount = forms.CharField(label=_("金额"), required=False, strip=False)
    unit = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)

    def clean_unit(self) -> str:
        return str(self.cleaned_data["unit"] or AmountUnit.WAN)
