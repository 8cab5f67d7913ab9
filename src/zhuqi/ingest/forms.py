"""The report pages' forms: the upload (files or pasted text), the review's confirmation (the
person's decisions, read into the service's `ConfirmEdits`: values of the wrong kind refused by
the form, the rest judged by the service, which names the field it refuses) and the discard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.filtersets import IdField
from zhuqi.core.forms import Form, LenientDateField, LenientIntegerField
from zhuqi.core.textlimits import limit
from zhuqi.core.validators import is_region_code, parse_id
from zhuqi.directory.models import Official
from zhuqi.ingest import linking
from zhuqi.ingest.models import Report
from zhuqi.ingest.services import ConfirmEdits, DifficultyChoice, NewPost
from zhuqi.visits.models import VisitKind

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


class RecordChoiceField(forms.Field):
    """A mention's choice as the review's select posts it: a record id, LEAVE_OUT (None), or
    nothing chosen yet ("", the service then asks); anything else is refused by the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | str | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        if text == LEAVE_OUT:
            return None
        parsed = parse_id(text)
        if parsed is None:
            raise ValidationError(gettext("应为登记库中记录的编号，或“不计入”"), code="invalid")
        return parsed


class RegionCodeListField(forms.Field):
    """Region codes ticked in a list: each six ASCII digits, or the field is refused."""

    widget = forms.SelectMultiple

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        codes = [str(item).strip() for item in value or [] if str(item).strip()]
        bad = [code for code in codes if not is_region_code(code)]
        if bad:
            raise ValidationError(gettext("应为6位行政区划代码"), code="invalid")
        return codes


class IdListField(forms.Field):
    """Record ids ticked in a list: each an id, or the field is refused."""

    widget = forms.SelectMultiple

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        items = [str(item).strip() for item in value or [] if str(item).strip()]
        ids = [parse_id(item) for item in items]
        if any(pk is None for pk in ids):
            raise ValidationError(gettext("应为记录编号（数字）"), code="invalid")
        return [pk for pk in ids if pk is not None]


class ConfirmForm(Form):
    """The review's confirmation as posted: the scalars, and per mention, instruction and
    difficulty the fields the page draws for it (`official-0`, `official-0-new`,
    `enterprise-3-uscc`, `difficulty-1-enterprise` …), built from the review's model of the report
    (views._draft_fields). Each value of the wrong kind (an id that is not one, a kind that is not
    a visit's) is refused by the field; whether a record may be chosen is the service's to say."""

    version = LenientIntegerField()
    kind = forms.ChoiceField(required=False, choices=[("", ""), *VisitKind.choices])
    title = forms.CharField(required=False, strip=False)
    start_date = LenientDateField()
    end_date = LenientDateField()
    confirm_duplicate = forms.BooleanField(required=False)
    places = RegionCodeListField()
    projects = IdListField()

    def __init__(self, data: Any, draft: dict[str, Any]) -> None:
        super().__init__(data)
        self.draft = draft
        # The service's name for each posted field, so a refusal reads like the service's own.
        self.service_names: dict[str, str] = {"places": "place_codes", "projects": "project_ids"}
        text_length = limit(Official, "name")
        for kind, key in (("official", "officials"), ("enterprise", "enterprises")):
            for index, mention in enumerate(draft[key]):
                name = f"{kind}-{index}"
                service_name = f"{key}.{mention['mention']}"
                self.fields[name] = RecordChoiceField()
                self.service_names[name] = service_name
                if mention["status"] != linking.NEW:
                    continue
                if kind == "official":
                    self.fields[f"{name}-new"] = forms.BooleanField(required=False)
                    self.fields[f"{name}-department"] = IdField(required=False)
                    self.fields[f"{name}-title"] = forms.CharField(required=False, max_length=text_length)
                    for suffix in ("new", "department", "title"):
                        self.service_names[f"{name}-{suffix}"] = service_name
                else:
                    self.fields[f"{name}-uscc"] = forms.CharField(required=False, max_length=USCC_INPUT)
                    self.service_names[f"{name}-uscc"] = service_name
        for index in range(len(draft["instructions"])):
            self.fields[f"instruction-{index}"] = forms.CharField(required=False)
            self.fields[f"instruction-{index}-keep"] = forms.BooleanField(required=False)
            self.service_names[f"instruction-{index}"] = f"instructions.{index + 1}"
        for index in range(len(draft["difficulties"])):
            self.fields[f"difficulty-{index}"] = forms.CharField(required=False)
            self.fields[f"difficulty-{index}-keep"] = forms.BooleanField(required=False)
            self.fields[f"difficulty-{index}-enterprise"] = IdField(required=False)
            for suffix in ("", "-enterprise"):
                self.service_names[f"difficulty-{index}{suffix}"] = f"difficulties.{index + 1}"

    def refusal(self) -> ValidationFailed:
        """The form's errors as the service's refusal (field named as the service names it)."""
        return ValidationFailed(
            [
                FieldError(self.service_names.get(name, name), " ".join(str(m) for m in messages))
                for name, messages in self.errors.items()
            ]
        )

    def edits(self) -> tuple[int | None, ConfirmEdits]:
        """The version and the person's decisions as the service takes them (the form valid)."""
        values = self.cleaned_data
        draft = self.draft
        officials: dict[str, int | None] = {}
        new_officials: list[str] = []
        posts: dict[str, NewPost] = {}
        for index, mention in enumerate(draft["officials"]):
            name = f"official-{index}"
            if values.get(f"{name}-new"):
                # Ticked: recorded as new (the select beside it says 不计入 as drawn).
                new_officials.append(mention["mention"])
                posts[mention["mention"]] = NewPost(
                    values.get(f"{name}-department"), (values.get(f"{name}-title") or "").strip()
                )
            elif values[name] != "":
                officials[mention["mention"]] = values[name]
        enterprises: dict[str, int | None] = {}
        new_enterprises: dict[str, str] = {}
        for index, mention in enumerate(draft["enterprises"]):
            name = f"enterprise-{index}"
            code = (values.get(f"{name}-uscc") or "").strip()
            if code:
                new_enterprises[mention["mention"]] = code
            elif values[name] != "":
                enterprises[mention["mention"]] = values[name]
        instructions = [
            (values.get(f"instruction-{i}") or "").strip()
            for i in range(len(draft["instructions"]))
            if values.get(f"instruction-{i}-keep")
        ]
        difficulties = [
            DifficultyChoice(
                (values.get(f"difficulty-{i}") or "").strip(), values.get(f"difficulty-{i}-enterprise")
            )
            for i in range(len(draft["difficulties"]))
            if values.get(f"difficulty-{i}-keep")
        ]
        edits = ConfirmEdits(
            kind=values.get("kind") or None,
            title=values.get("title"),
            start_date=values.get("start_date"),
            end_date=values.get("end_date"),
            officials=officials,
            enterprises=enterprises,
            new_officials=new_officials,
            new_official_posts=posts,
            new_enterprises=new_enterprises,
            place_codes=values.get("places") or [],
            project_ids=values.get("projects") or [],
            instructions=instructions,
            difficulties=difficulties,
            confirm_duplicate=bool(values.get("confirm_duplicate")),
        )
        return values.get("version"), edits


# A code typed into the new enterprise's box: the service judges it (18 characters), the form
# only keeps a page from posting a book.
USCC_INPUT = 64


def confirm_edits(data: Any, draft: dict[str, Any]) -> tuple[int | None, ConfirmEdits]:
    """The version and the person's decisions as the service takes them. `draft` is the review
    page's model of the report (views._draft_fields): the mentions in the order the page posts them
    (`official-0`, `enterprise-3` …), the instructions and the difficulties. A value of the wrong
    kind is refused (ValidationFailed naming the mention or field, as the service would)."""
    form = ConfirmForm(data, draft)
    if not form.is_valid():
        raise form.refusal()
    return form.edits()
