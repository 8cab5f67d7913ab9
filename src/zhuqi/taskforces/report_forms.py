"""The report form of a campaign as a page form: one field a question the enterprise is asked
(reportforms.asked_fields), named `v_<key>` so that no question of the task force's form can take
the name of the form's own fields (the period, the correction, the version). Every value is read as
the text typed: whether it is a number within the bounds, a choice of the list, is the service's to
say (reportforms.clean_values), in the words the API and an import give; its refusals name
`values.<key>` and are put back beside the question."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.display import format_number
from zhuqi.core.forms import Form, LenientIntegerField
from zhuqi.enterprises.models import Enterprise
from zhuqi.taskforces.reportforms import FormField, asked_fields, registry_value
from zhuqi.taskforces.services import ReportData

PREFIX = "v_"
# The error paths of the service that name one question of the form.
VALUES = "values."


def input_name(key: str) -> str:
    return PREFIX + key


def shown_value(form_field: FormField, value: Any) -> str:
    """A stored value as the form shows it back: a number without trailing zeros (80, 80.5), a
    choice or a text as it is."""
    if value is None:
        return ""
    if form_field.kind in ("integer", "decimal", "percent"):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    return str(value)


def bounds_hint(form_field: FormField) -> str:
    """A number's bounds as the page writes them under its input: 0–200,000 人, 不小于 0 万元."""
    if form_field.kind not in ("integer", "decimal", "percent"):
        return ""
    unit = f" {form_field.unit}" if form_field.unit else ""
    low, high = form_field.minimum, form_field.maximum
    if low is not None and high is not None:
        return f"{format_number(low)}–{format_number(high)}{unit}"
    if low is not None:
        return _("不小于 %(n)s") % {"n": format_number(low)} + unit
    if high is not None:
        return _("不大于 %(n)s") % {"n": format_number(high)} + unit
    return unit.strip()


class CampaignReportForm(Form):
    """One period's report of one enterprise in one campaign."""

    period = forms.CharField(required=False, widget=forms.HiddenInput)
    correction = forms.CharField(required=False, widget=forms.HiddenInput)
    version = LenientIntegerField(widget=forms.HiddenInput)
    service_labels = {
        "period": _("报送期"),
        "enterprise": _("企业"),
        "difficulty_category": _("诉求类别"),
    }

    def __init__(
        self,
        data: Any = None,
        *,
        form_fields: list[FormField],
        enterprise: Enterprise,
        prefilled: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.form_fields = form_fields
        self.enterprise = enterprise
        self.asked = asked_fields(form_fields, enterprise)
        prefilled = prefilled or {}
        for form_field in self.asked:
            self.fields[input_name(form_field.key)] = forms.CharField(
                label=form_field.label,
                required=False,
                strip=False,
                initial=shown_value(form_field, prefilled.get(form_field.key)),
            )

    def error_field(self, path: str) -> str:
        if path.startswith(VALUES):
            return input_name(path[len(VALUES) :].split(".")[0])
        return super().error_field(path)

    def rows(self) -> list[dict[str, Any]]:
        """The questions in the form's order, each with what the template prints: the value
        (posted, else pre-filled), its errors; a question the registry answers is shown with the
        registry's value instead of an input."""
        asked = {f.key for f in self.asked}
        rows = []
        for form_field in self.form_fields:
            row: dict[str, Any] = {"field": form_field, "name": input_name(form_field.key)}
            if form_field.key not in asked:
                row["registry"] = registry_value(form_field, self.enterprise)
            else:
                bound = self[input_name(form_field.key)]
                row["value"] = bound.value() or ""
                row["errors"] = list(bound.errors)
                row["id"] = bound.id_for_label
                row["hint"] = bounds_hint(form_field)
            rows.append(row)
        return rows

    def report_data(self, enterprise_id: int) -> ReportData:
        """What the service is given: the asked questions' texts as typed (an empty one left out,
        so a required one is refused as missing), the period and, for a correction, the version."""
        data = self.cleaned_data
        values = {}
        for form_field in self.asked:
            text = data.get(input_name(form_field.key)) or ""
            if text.strip():
                values[form_field.key] = text.strip()
        correction = data.get("correction") == "1"
        return ReportData(
            enterprise_id=enterprise_id,
            period=data.get("period") or "",
            values=values,
            correction=correction,
            expected_version=data.get("version") if correction else None,
        )
