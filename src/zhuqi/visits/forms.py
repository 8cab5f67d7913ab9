"""The visit form as posted: the visit, the enterprises with what each said, and the rows of
instructions and difficulties, read into the services' data. What each picked enterprise said is
posted per enterprise (opinions_<id>…, fields added at runtime), the catalogue's policies it named
per answer (policy_links_<answer>_<id>, the shared picker's ids); each case column once per row
(case_title, case_title…, one field holding the row's values)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from zhuqi.cases.models import Case
from zhuqi.core.errors import FieldError
from zhuqi.core.forms import Form, LenientIdListField, LenientIntegerField, model_label
from zhuqi.core.textlimits import shortened
from zhuqi.core.validators import parse_id
from zhuqi.visits.models import Visit, VisitEnterprise, VisitKind, VisitOfficial, VisitPolicy
from zhuqi.visits.services import Attendance, PolicyAnswer, SaidThere, VisitData

# Where an error is shown: the service's field name → the form's field it belongs under.
FIELD_PLACES = {"officials": "lead_officials"}
# What each picked enterprise said: VisitEnterprise's fields, posted as <name>_<enterprise id>.
ATTENDANCE_FIELDS = ("opinions", "policies_received", "policies_unknown", "policies_unobtainable")
ANSWERS = tuple(VisitPolicy.Answer.values)


def policy_links_field(answer: str, enterprise_id: int | str) -> str:
    """The picker's field for the policies an enterprise named under one answer."""
    return f"policy_links_{answer}_{enterprise_id}"


# Case fields the service may refuse that no column of a case row shows.
CASE_SERVICE_FIELDS = ("issued_by", "region")


class RowValuesField(forms.Field):
    """One column of repeating rows, posted under one name per row (case_title, case_title…):
    the values as typed, in the rows' order."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [str(item) for item in value or []]


class UploadsInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.Field):
    """The files chosen in one input; whether each may be stored is the service's to say."""

    widget = UploadsInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[UploadedFile]:
        return list(value or [])


class VisitForm(Form):
    """The visit form (views._save). Labels are Visit's, VisitEnterprise's and Case's
    verbose_names, or the page's own word where it says another; read_visit(form) is what the
    services are given."""

    kind = forms.CharField(label=model_label(Visit, "kind"), required=False, strip=False)
    title = forms.CharField(label=model_label(Visit, "title"), required=False, strip=False)
    start_date = forms.CharField(label=model_label(Visit, "start_date"), required=False)
    end_date = forms.CharField(label=model_label(Visit, "end_date"), required=False)
    lead_officials = LenientIdListField(label="带队领导")
    accompanying_officials = LenientIdListField(label="陪同人员")
    places = RowValuesField(label=model_label(Visit, "places"))
    enterprises = LenientIdListField(label=model_label(Visit, "enterprises"))
    projects = LenientIdListField(label=model_label(Visit, "projects"))
    summary = forms.CharField(label=model_label(Visit, "summary"), required=False, strip=False)
    no_problems = forms.BooleanField(label=model_label(Visit, "no_problems"), required=False)
    attachments = UploadsField(label="附件")
    version = LenientIntegerField(label=model_label(Visit, "version"), widget=forms.HiddenInput)
    confirm_duplicate = forms.CharField(required=False)
    case_kind = RowValuesField(label=model_label(Case, "kind"))
    case_title = RowValuesField(label="事项")
    case_description = RowValuesField(label="具体内容")
    case_category = RowValuesField(label=model_label(Case, "category"))
    case_enterprise = RowValuesField(label=model_label(Case, "enterprise"))
    case_lead_department = RowValuesField(label=model_label(Case, "lead_department"))
    case_deadline = RowValuesField(label=model_label(Case, "deadline"))
    service_labels = {"officials": VisitOfficial._meta.verbose_name}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise_ids = _ids(self.fields["enterprises"].to_python(self["enterprises"].data) or [])
        for pk in self.enterprise_ids:
            for name in ATTENDANCE_FIELDS:
                self.fields[f"{name}_{pk}"] = forms.CharField(
                    label=model_label(VisitEnterprise, name), required=False, strip=False
                )
            for answer in ANSWERS:
                self.fields[policy_links_field(answer, pk)] = LenientIdListField(
                    label=VisitPolicy.Answer(answer).label
                )

    def case_column_label(self, name: str) -> str:
        """A case row's column as the row's errors name it ("" for one the form does not know)."""
        column = self.fields.get(f"case_{name}")
        if column is not None:
            return str(column.label)
        return str(model_label(Case, name)) if name in CASE_SERVICE_FIELDS else ""

    def label_of(self, path: str) -> str:
        """cases.2.title → 第2条交办事项或诉求·事项; enterprises.1 → 企业; an unknown name → ""."""
        parts = path.split(".")
        if parts[0] == "cases" and len(parts) > 1:
            label = f"第{parts[1]}条交办事项或诉求"
            column = self.case_column_label(parts[2]) if len(parts) > 2 else ""
            return f"{label}·{column}" if column else label
        if parts[0] == "enterprises" and len(parts) > 2 and parts[2] in ATTENDANCE_FIELDS:
            return f"第{parts[1]}家企业·{model_label(VisitEnterprise, parts[2])}"
        if parts[0] == "enterprises" and len(parts) > 2 and parts[2] == "policies":
            # The message names the policy: its position in the service's list means nothing here.
            return f"第{parts[1]}家企业·{VisitPolicy._meta.verbose_name}"
        if parts[0] in self.fields or parts[0] in self.service_labels:
            return super().label_of(path)
        return ""

    def shows(self, name: str) -> bool:
        """Whether an error naming `name` is shown beside a field (a hidden one's goes on top)."""
        name = FIELD_PLACES.get(name, name)
        return name in self.fields and not self.fields[name].widget.is_hidden


@dataclass
class PlacedErrors:
    """A refusal's errors where the form shows them: under each field (`fields`), on each case
    row (`rows`, by row number, with the columns to mark in `invalid`), and, for what belongs to
    no field, in full at the top (`general`). `summary` names what to fix, once each, for the
    line at the top."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    invalid: dict[int, set[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def place_errors(form: VisitForm, errors: list[FieldError]) -> PlacedErrors:
    placed = PlacedErrors()
    for error in errors:
        parts = error.field.split(".") if error.field else []
        label = form.label_of(error.field) if parts else ""
        if parts and parts[0] == "cases" and len(parts) > 1 and parts[1].isdigit():
            part = parts[2] if len(parts) > 2 else ""
            column = form.case_column_label(part) if part else ""
            placed.rows.setdefault(int(parts[1]), []).append((column, error.message))
            if column:
                placed.invalid.setdefault(int(parts[1]), set()).add(part)
        elif parts and form.shows(parts[0]):
            name = FIELD_PLACES.get(parts[0], parts[0])
            # Under the enterprises, say which one's text: "第1家企业·意见建议：不能超过…".
            detail = (
                f"{label}：{error.message}" if len(parts) > 2 and parts[0] == "enterprises" else error.message
            )
            placed.fields.setdefault(name, []).append(detail)
        else:
            placed.general.append(f"{label}：{error.message}" if label else error.message)
            continue
        if label not in placed.summary:
            placed.summary.append(label)
    return placed


@dataclass
class CaseRow:
    kind: str = "demand"
    title: str = ""
    description: str = ""
    enterprise: str = ""
    category: str = ""
    lead_department: str = ""
    deadline: str = ""
    # A refusal's errors on this row: (the column's label, the message), and the columns refused.
    errors: list[tuple[str, str]] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)


@dataclass
class PostedVisit:
    data: VisitData
    said: list[SaidThere]
    attachments: list[UploadedFile]
    version: int | None
    # As typed, to show the form again after a refusal.
    case_rows: list[CaseRow] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def _date(value: str, name: str, errors: list[FieldError]) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, f"“{value}”不是日期（YYYY-MM-DD）"))
        return None


def _ids(values: list[int]) -> list[int]:
    # Order kept (the first lead official issues the instructions); repeats dropped, since a
    # chip picked twice is one person.
    return list(dict.fromkeys(values))


def read_visit(form: VisitForm) -> PostedVisit:
    """What was posted, as the services take it (after form.is_valid(): no field refuses)."""
    post = form.cleaned_data
    errors: list[FieldError] = []
    data = VisitData(
        kind=post.get("kind", ""),
        title=post.get("title", ""),
        start_date=_date(post.get("start_date", ""), "start_date", errors),
        end_date=_date(post.get("end_date", ""), "end_date", errors),
        lead_official_ids=_ids(post["lead_officials"]),
        accompanying_official_ids=_ids(post["accompanying_officials"]),
        place_codes=[code for code in dict.fromkeys(post["places"]) if code],
        attendance=[
            Attendance(
                enterprise_id=pk,
                opinions=post.get(f"opinions_{pk}", ""),
                policies_received=post.get(f"policies_received_{pk}", ""),
                policies_unknown=post.get(f"policies_unknown_{pk}", ""),
                policies_unobtainable=post.get(f"policies_unobtainable_{pk}", ""),
                policies=[
                    PolicyAnswer(policy_id=policy_id, answer=answer)
                    for answer in ANSWERS
                    for policy_id in _ids(post[policy_links_field(answer, pk)])
                ],
            )
            for pk in form.enterprise_ids
        ],
        project_ids=_ids(post["projects"]),
        summary=post.get("summary", ""),
        no_problems=post["no_problems"],
    )
    columns = {
        name: post[f"case_{name}"]
        for name in ("kind", "title", "description", "category", "enterprise", "lead_department", "deadline")
    }

    def cell(name: str, index: int) -> str:
        values = columns[name]
        return values[index] if index < len(values) else ""

    rows = [
        CaseRow(
            kind=cell("kind", index),
            title=cell("title", index),
            description=cell("description", index),
            category=cell("category", index),
            enterprise=cell("enterprise", index),
            lead_department=cell("lead_department", index),
            deadline=cell("deadline", index),
        )
        for index in range(len(columns["title"]))
    ]
    # A row left empty is a row not used: the form always offers one.
    rows = [row for row in rows if row.title.strip() or row.description.strip()]
    said = []
    for number, row in enumerate(rows, start=1):
        said.append(
            SaidThere(
                kind=row.kind,
                # No title typed: the start of the description, marked as cut when it is.
                title=row.title.strip() or shortened(row.description.strip(), 60),
                description=row.description.strip(),
                category_id=parse_id(row.category),
                # An instruction can concern one of the enterprises too (其中一家企业的事), so the
                # enterprise chosen on any row is kept, as the API keeps it.
                enterprise_id=parse_id(row.enterprise),
                lead_department_id=parse_id(row.lead_department),
                deadline=_date(row.deadline, f"cases.{number}.deadline", errors),
            )
        )
    return PostedVisit(
        data=data,
        said=said,
        attachments=post["attachments"],
        version=post["version"],
        case_rows=rows,
        errors=errors,
    )


def visit_initial(visit: Visit) -> dict[str, Any]:
    """The form's values for an existing visit: what the edit page shows before any change."""
    return {
        "kind": visit.kind,
        "title": visit.title,
        "start_date": visit.start_date.isoformat(),
        "end_date": visit.end_date.isoformat(),
        "summary": visit.summary,
        "no_problems": visit.no_problems,
        "version": visit.version,
        "places": [region.code for region in visit.places.all()],
    }


class LiaisonLogForm(Form):
    """The one-minute log (liaison_views.liaison_log): the enterprise, visit or call, the day, the
    demands in rows (cases.N.title is named "第N条诉求·内容")."""

    enterprise = forms.CharField(label="企业", required=False, strip=False)
    kind = forms.CharField(label="方式", required=False, strip=False)
    start_date = forms.CharField(label="日期", required=False)
    no_problems = forms.BooleanField(label="无问题", required=False)
    summary = forms.CharField(label="情况", required=False)
    photo = forms.FileField(label="照片", required=False)
    demand_title = RowValuesField(label="内容")
    demand_category = RowValuesField(label="类别")
    demand_description = RowValuesField(label="说明")
    confirm_duplicate = forms.CharField(required=False)
    service_labels = {"attachments": "照片", "enterprises": "企业", "lead_officials": "包联干部"}

    def clean_kind(self) -> str:
        # Not posted at all: a visit, as the page preselects.
        return self.cleaned_data["kind"] if "kind" in self.data else VisitKind.LIAISON.value

    def label_of(self, path: str) -> str:
        parts = path.split(".")
        if parts[0] == "cases" and len(parts) > 1:
            label = f"第{parts[1]}条诉求"
            if len(parts) > 2:
                column = self.fields.get(f"demand_{parts[2]}")
                label += "·" + (str(column.label) if column is not None else parts[2])
            return label
        return super().label_of(path)
