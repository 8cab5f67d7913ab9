from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.forms import Form, LenientDateField, model_label
from zhuqi.core.textlimits import CONTACT_LENGTHS, limit
from zhuqi.core.versioning import version_field
from zhuqi.enterprises.models import Enterprise, Qualification, QualificationKind
from zhuqi.enterprises.services import QualificationData

CONTACT_ROWS = 3


def _date_input(aria_label: Any = None) -> forms.DateInput:
    """A browser's date picker: it posts, and shows, YYYY-MM-DD whatever the page's language."""
    attrs = {"type": "date", **({"aria-label": aria_label} if aria_label else {})}
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class EnterpriseForm(Form):
    """Raw strings in, so the one validator (enterprises.validation) judges every value and the
    form shows its messages; the form only lays the fields out."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    name = forms.CharField(label=_("企业名称"), max_length=limit(Enterprise, "name"))
    short_name = forms.CharField(label=_("简称"), max_length=limit(Enterprise, "short_name"), required=False)
    region = forms.CharField(
        label=_("所在地区"), max_length=60, help_text=_("代码或名称，如 150581 或 霍林郭勒市")
    )
    industry = forms.CharField(
        label=_("所属行业"),
        max_length=60,
        required=False,
        help_text=_("GB/T 4754 代码或名称，如 3252 或 铝压延加工"),
    )
    employees = forms.CharField(label=_("从业人员"), max_length=20, required=False)
    revenue = forms.CharField(label=_("营业收入(万元)"), max_length=30, required=False)
    total_assets = forms.CharField(label=_("资产总额(万元)"), max_length=30, required=False)
    above_scale = forms.BooleanField(label=_("规上企业"), required=False)
    # Text, so the one validator reads it (and names what it cannot read); a date picker where
    # the browser has one.
    founded_on = forms.CharField(
        label=_("成立日期"),
        max_length=30,
        required=False,
        widget=_date_input(),
        help_text=_("营业执照上的成立日期"),
    )
    address = forms.CharField(label=_("地址"), max_length=limit(Enterprise, "address"), required=False)
    version = version_field()

    def __init__(
        self,
        *args: Any,
        editable: frozenset[str] | None = None,
        kept_contacts: list[dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Contacts past the rows the form shows (entered through the API or an import) are kept.
        self.kept_contacts = kept_contacts or []
        for index in range(CONTACT_ROWS):
            self.fields[f"contact_name_{index}"] = forms.CharField(
                label=_("联系人"), max_length=CONTACT_LENGTHS["name"], required=False
            )
            self.fields[f"contact_phone_{index}"] = forms.CharField(
                label=_("联系电话"), max_length=CONTACT_LENGTHS["phone"], required=False
            )
            self.fields[f"contact_title_{index}"] = forms.CharField(
                label=_("职务"), max_length=CONTACT_LENGTHS["title"], required=False
            )
        self.editable = editable
        if editable is not None:
            for name, field in self.fields.items():
                base = "contacts" if name.startswith("contact_") else name
                if base not in editable and name != "version":
                    field.disabled = True

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "short_name": enterprise.short_name,
            "region": enterprise.region_id,
            "industry": enterprise.industry_id or "",
            "employees": enterprise.employees if enterprise.employees is not None else "",
            "revenue": enterprise.revenue if enterprise.revenue is not None else "",
            "total_assets": enterprise.total_assets if enterprise.total_assets is not None else "",
            "above_scale": enterprise.above_scale,
            "founded_on": enterprise.founded_on.isoformat() if enterprise.founded_on else "",
            "address": enterprise.address,
            "version": enterprise.version,
        }
        for index, contact in enumerate((enterprise.contacts or [])[:CONTACT_ROWS]):
            initial[f"contact_name_{index}"] = contact.get("name", "")
            initial[f"contact_phone_{index}"] = contact.get("phone", "")
            initial[f"contact_title_{index}"] = contact.get("title", "")
        return initial

    def service_data(self) -> dict[str, Any]:
        """The values for the service, only those the user may change."""
        data: dict[str, Any] = {
            name: self.cleaned_data.get(name)
            for name in (
                "uscc",
                "name",
                "short_name",
                "region",
                "industry",
                "employees",
                "revenue",
                "total_assets",
                "above_scale",
                "founded_on",
                "address",
            )
        }
        data["contacts"] = [
            {
                "name": self.cleaned_data.get(f"contact_name_{i}", ""),
                "phone": self.cleaned_data.get(f"contact_phone_{i}", ""),
                "title": self.cleaned_data.get(f"contact_title_{i}", ""),
            }
            for i in range(CONTACT_ROWS)
            if self.cleaned_data.get(f"contact_name_{i}") or self.cleaned_data.get(f"contact_phone_{i}")
        ] + self.kept_contacts
        if self.editable is not None:
            data = {k: v for k, v in data.items() if k in self.editable}
        return data

    def error_field(self, path: str) -> str:
        # A contact's error, "contacts.1.phone", goes beside that row's phone (or name).
        parts = path.split(".")
        if parts[0] != "contacts":
            return super().error_field(path)
        index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        return f"contact_phone_{index}" if len(parts) > 2 and parts[2] == "phone" else f"contact_name_{index}"


class ImportUploadForm(Form):
    file = forms.FileField(label=_("企业名录文件（.xlsx 或 .csv）"))


class ImportConfirmForm(Form):
    skip_invalid = forms.CharField(required=False)

    def clean_skip_invalid(self) -> bool:
        # "1" when the person chose to write the good rows and skip the bad ones.
        return self.cleaned_data["skip_invalid"] == "1"


class AssignmentForm(Form):
    """包联: an official for the enterprise from a day on (today when not given)."""

    official = forms.IntegerField()
    start_date = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
    kind = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)

    def clean_kind(self) -> str:
        return str(self.cleaned_data["kind"] or "liaison")


# Empty rows the qualifications form offers beyond the enterprise's own: a row is added by filling
# one in, removed by choosing no kind (no script needed).
EMPTY_QUALIFICATION_ROWS = 3


class _KindField(forms.ChoiceField):
    """A kind as posted: the service judges it (an unknown one is named by its row)."""

    def validate(self, value: Any) -> None:
        pass


class QualificationsForm(Form):
    """资质认定: a row per qualification the enterprise holds, then EMPTY_QUALIFICATION_ROWS empty
    ones; a row without a kind and without dates is no row."""

    version = version_field()
    service_labels = {"qualifications": _("资质认定")}

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        # The posted rows that became items, by the items' index (the service names an item by it).
        self.row_of_item: list[int] = []
        # The choices in the reader's language (Form.__init__ translated the declared fields' only).
        kinds = [("", "—"), *((value, _(str(label))) for value, label in QualificationKind.choices)]
        for index in range(rows):
            # The page shows the labels once, as the table's head; each input names its column.
            self.fields[f"kind_{index}"] = _KindField(
                label=model_label(Qualification, "kind"),
                choices=kinds,
                required=False,
                widget=forms.Select(attrs={"aria-label": _("资质")}),
            )
            self.fields[f"recognised_on_{index}"] = LenientDateField(
                label=model_label(Qualification, "recognised_on"),
                widget=_date_input(_("认定日期")),
            )
            self.fields[f"valid_until_{index}"] = LenientDateField(
                label=model_label(Qualification, "valid_until"),
                widget=_date_input(_("有效期至")),
            )

    @classmethod
    def for_enterprise(
        cls, enterprise: Enterprise, qualifications: list[Qualification], data: Any = None
    ) -> QualificationsForm:
        """The form of the enterprise's qualifications (as posted, with `data`)."""
        initial: dict[str, Any] = {"version": enterprise.version}
        for index, qualification in enumerate(qualifications):
            initial[f"kind_{index}"] = qualification.kind
            initial[f"recognised_on_{index}"] = qualification.recognised_on
            initial[f"valid_until_{index}"] = qualification.valid_until
        rows = len(qualifications) + EMPTY_QUALIFICATION_ROWS
        if data is not None:
            # As many rows as were posted (the page may be older than the list).
            posted = [int(m[1]) for key in data if (m := re.fullmatch(r"kind_(\d{1,2})", key))]
            rows = max(rows, max(posted, default=-1) + 1)
        return cls(data, initial=initial, rows=rows)

    def row_fields(self) -> list[tuple[Any, Any, Any]]:
        """The rows as bound fields (kind, recognised on, valid until), for the template."""
        return [
            (self[f"kind_{index}"], self[f"recognised_on_{index}"], self[f"valid_until_{index}"])
            for index in range(self.rows)
        ]

    def items(self) -> list[QualificationData]:
        data = self.cleaned_data
        items: list[QualificationData] = []
        self.row_of_item = []
        for index in range(self.rows):
            kind = str(data.get(f"kind_{index}") or "").strip()
            recognised_on, valid_until = data.get(f"recognised_on_{index}"), data.get(f"valid_until_{index}")
            if not kind and recognised_on is None and valid_until is None:
                continue
            items.append(QualificationData(kind=kind, recognised_on=recognised_on, valid_until=valid_until))
            self.row_of_item.append(index)
        return items

    def error_field(self, path: str) -> str:
        # "qualifications[2].valid_until" goes beside the row that became item 2.
        matched = re.fullmatch(r"qualifications\[(\d+)\]\.(\w+)", path)
        if matched is None or int(matched[1]) >= len(self.row_of_item):
            return super().error_field(path)
        return f"{matched[2]}_{self.row_of_item[int(matched[1])]}"
