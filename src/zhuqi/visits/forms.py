"""The visit form as posted: the visit, the enterprises with what each said, and the rows of
instructions and difficulties, read into the services' data. The form repeats fields per picked
enterprise and per case row, which a Django Form does not describe well, so it is read here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from zhuqi.core.errors import FieldError
from zhuqi.core.forms import Form
from zhuqi.core.textlimits import shortened
from zhuqi.core.validators import parse_id
from zhuqi.visits.models import Visit, VisitKind
from zhuqi.visits.services import Attendance, SaidThere, VisitData

# Field names of the services' errors, as the form's labels say them.
FIELD_LABELS = {
    "kind": "类型",
    "title": "标题",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "lead_officials": "带队领导",
    "accompanying_officials": "陪同人员",
    "officials": "参加干部",
    "places": "地点",
    "enterprises": "企业",
    "projects": "项目",
    "summary": "概要",
    "attachments": "附件",
    "version": "版本",
    "no_problems": "无问题",
}
CASE_FIELD_LABELS = {
    "kind": "类型",
    "title": "事项",
    "description": "具体内容",
    "enterprise": "企业",
    "lead_department": "牵头部门",
    "deadline": "办理时限",
    "category": "类别",
    "issued_by": "交办领导",
    "region": "所属地区",
}
# Where an error is shown: the service's field name → the form's field it belongs under.
FIELD_PLACES = {"officials": "lead_officials"}
ATTENDANCE_FIELD_LABELS = {
    "opinions": "意见建议",
    "policies_received": "已享受的政策",
    "policies_unknown": "不了解的政策",
    "policies_unobtainable": "未能享受的政策",
}


def error_label(name: str) -> str:
    """cases.2.title → 第2条交办事项或诉求·事项; enterprises.1 → 企业; an unknown name → ""."""
    parts = name.split(".")
    if parts[0] == "cases" and len(parts) > 1:
        label = f"第{parts[1]}条交办事项或诉求"
        if len(parts) > 2 and parts[2] in CASE_FIELD_LABELS:
            label += f"·{CASE_FIELD_LABELS[parts[2]]}"
        return label
    if parts[0] == "enterprises" and len(parts) > 2 and parts[2] in ATTENDANCE_FIELD_LABELS:
        return f"第{parts[1]}家企业·{ATTENDANCE_FIELD_LABELS[parts[2]]}"
    return FIELD_LABELS.get(parts[0], "")


@dataclass
class PlacedErrors:
    """A refusal's errors where the form shows them: under each field (`fields`), on each case
    row (`rows`, by row number), and, for what belongs to no field, in full at the top (`general`).
    `summary` names what to fix, once each, for the line at the top."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def place_errors(errors: list[FieldError]) -> PlacedErrors:
    placed = PlacedErrors()
    for error in errors:
        parts = error.field.split(".") if error.field else []
        label = error_label(error.field) if parts else ""
        if parts and parts[0] == "cases" and len(parts) > 1 and parts[1].isdigit():
            part = parts[2] if len(parts) > 2 else ""
            placed.rows.setdefault(int(parts[1]), []).append((CASE_FIELD_LABELS.get(part, ""), error.message))
        elif parts and parts[0] in FIELD_LABELS and parts[0] != "version":
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
    # A refusal's errors on this row: (the column's label, the message).
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def invalid(self) -> set[str]:
        labels = {label for label, _ in self.errors}
        return {name for name, label in CASE_FIELD_LABELS.items() if label in labels}


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


def _ids(values: list[str]) -> list[int]:
    # Order kept (the first lead official issues the instructions); repeats dropped, since a
    # chip picked twice is one person.
    return list(dict.fromkeys(parsed for parsed in map(parse_id, values) if parsed is not None))


def read_visit(post: QueryDict, files: MultiValueDict[str, UploadedFile]) -> PostedVisit:
    errors: list[FieldError] = []
    enterprise_ids = _ids(post.getlist("enterprises"))
    data = VisitData(
        kind=post.get("kind", ""),
        title=post.get("title", ""),
        start_date=_date(post.get("start_date", ""), "start_date", errors),
        end_date=_date(post.get("end_date", ""), "end_date", errors),
        lead_official_ids=_ids(post.getlist("lead_officials")),
        accompanying_official_ids=_ids(post.getlist("accompanying_officials")),
        place_codes=[code for code in dict.fromkeys(post.getlist("places")) if code],
        attendance=[
            Attendance(
                enterprise_id=pk,
                opinions=post.get(f"opinions_{pk}", ""),
                policies_received=post.get(f"policies_received_{pk}", ""),
                policies_unknown=post.get(f"policies_unknown_{pk}", ""),
                policies_unobtainable=post.get(f"policies_unobtainable_{pk}", ""),
            )
            for pk in enterprise_ids
        ],
        project_ids=_ids(post.getlist("projects")),
        summary=post.get("summary", ""),
        no_problems=post.get("no_problems") in ("on", "true", "1"),
    )
    columns = {
        name: post.getlist(f"case_{name}")
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
    version = parse_id(post.get("version", ""))
    return PostedVisit(
        data=data,
        said=said,
        attachments=files.getlist("attachments"),
        version=version,
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


class RowValuesField(forms.Field):
    """One column of repeating rows, posted under one name per row (demand_title, demand_title…):
    the values as typed, in the rows' order."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [str(item) for item in value or []]


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
