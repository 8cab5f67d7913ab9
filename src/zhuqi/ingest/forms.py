"""The report pages' forms: the upload (files or pasted text), the review's confirmation (the
person's decisions, read into the service's `ConfirmEdits`) and the discard. Lenient fields: the
service judges every value and names the field it refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.forms import Form, LenientDateField, LenientIntegerField
from zhuqi.core.textlimits import limit
from zhuqi.ingest.models import Report
from zhuqi.ingest.services import ConfirmEdits, DifficultyChoice

# A choice of a registry record for a mention: leave the mention out.
LEAVE_OUT = "none"


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """One or more files (Django's documented way to take several from one input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", _MultipleFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(_MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class UploadForm(Form):
    uploads = _MultipleFileField(label=_("报道文件（.txt 或 .html，可多选）"))
    text = forms.CharField(
        label=_("或粘贴报道全文"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    published_on = LenientDateField(
        label=_("发布日期（页面上没有时填写）"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source_address = forms.CharField(
        # The model's verbose name, marked here so the English page names it too.
        label=_("来源网址"),
        required=False,
        max_length=limit(Report, "source_address"),
    )


class DiscardForm(Form):
    version = LenientIntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("舍弃原因"), required=False)


def _record(value: str) -> int | str | None:
    """A posted choice: a record id, None (leave out), or "" (no decision)."""
    value = (value or "").strip()
    if value == LEAVE_OUT:
        return None
    if value.isdigit():
        return int(value)
    return ""


def _choices(data: Any, prefix: str, mentions: list[str]) -> dict[str, int | None]:
    chosen: dict[str, int | None] = {}
    for index, mention in enumerate(mentions):
        value = _record(data.get(f"{prefix}-{index}", ""))
        if value != "":
            chosen[mention] = value  # type: ignore[assignment]
    return chosen


def confirm_edits(data: Any, draft: dict[str, Any]) -> tuple[int | None, ConfirmEdits]:
    """The version and the person's decisions as the service takes them. `draft` is the review
    page's model of the report (views._draft_fields): the mentions in the order the page posts them
    (`official-0`, `enterprise-3` …), the instructions and the difficulties."""
    form = _ConfirmScalars(data)
    form.is_valid()
    values = form.cleaned_data
    instructions = [
        (data.get(f"instruction-{i}", "") or "").strip()
        for i in range(len(draft["instructions"]))
        if data.get(f"instruction-{i}-keep")
    ]
    difficulties = [
        DifficultyChoice(
            (data.get(f"difficulty-{i}", "") or "").strip(),
            int(data[f"difficulty-{i}-enterprise"])
            if (data.get(f"difficulty-{i}-enterprise", "") or "").isdigit()
            else None,
        )
        for i in range(len(draft["difficulties"]))
        if data.get(f"difficulty-{i}-keep")
    ]
    edits = ConfirmEdits(
        kind=values.get("kind") or None,
        title=values.get("title"),
        start_date=values.get("start_date"),
        end_date=values.get("end_date"),
        officials=_choices(data, "official", [o["mention"] for o in draft["officials"]]),
        enterprises=_choices(data, "enterprise", [e["mention"] for e in draft["enterprises"]]),
        place_codes=[code for code in data.getlist("places") if code],
        project_ids=[int(pk) for pk in data.getlist("projects") if pk.isdigit()],
        instructions=instructions,
        difficulties=difficulties,
        confirm_duplicate=bool(values.get("confirm_duplicate")),
    )
    return values.get("version"), edits


class _ConfirmScalars(Form):
    version = LenientIntegerField()
    kind = forms.CharField(required=False)
    title = forms.CharField(required=False)
    start_date = LenientDateField()
    end_date = LenientDateField()
    confirm_duplicate = forms.BooleanField(required=False)
