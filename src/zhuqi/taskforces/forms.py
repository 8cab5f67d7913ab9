"""The office's forms for task forces and campaigns. Values stay as posted (ids as given, numbers
as text); the services parse and judge them, naming the field, so the page and the API refuse
alike. Two parts are rows a person adds to: a task force's members (专班职务, 干部 or 成员单位, 职务
as written) and a campaign's report form (one card per item: what is asked, of what kind, in what
unit and bounds, and which rate reads it). A refusal naming a row (`members[1].official`,
`report_form[2].max`) is shown on that row."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from zhuqi.core.errors import FieldError
from zhuqi.core.forms import Form, LenientDateField, LenientIntegerField, model_label
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field
from zhuqi.taskforces import reportforms
from zhuqi.taskforces.models import (
    Campaign,
    CampaignStatus,
    MemberRole,
    TaskForce,
    TaskForceMember,
    TaskForceStatus,
)
from zhuqi.taskforces.services import CampaignData, EnrolRule, MemberData, TaskForceData

# Empty rows offered below the filled ones (a button adds more).
BLANK_MEMBER_ROWS = 2
BLANK_FORM_ROWS = 1
# The most rows a post may carry (the service refuses a form of more than MAX_FIELDS items).
MAX_ROWS = 60

_ROW_PATH = re.compile(r"^(members|report_form)\[(\d+)\](?:\.(\w+))?$")


def _row_indices(data: Mapping[str, Any], prefix: str) -> list[int]:
    """The row numbers a post carries (`member-3-role` → 3), in order, at most MAX_ROWS."""
    pattern = re.compile(rf"^{prefix}-(\d{{1,3}})-")
    found = {int(m.group(1)) for key in data for m in [pattern.match(key)] if m}
    return sorted(found)[:MAX_ROWS]


@dataclass
class Row:
    """One row of a repeated part of a form, as the page shows it: its number in the post, its
    values, and the refusals naming it ({part: message}; "" for the row as a whole)."""

    index: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def error_list(self) -> list[str]:
        return list(self.errors.values())


# ---------------------------------------------------------------------------------------------
# Task forces


class TaskForceForm(Form):
    model = TaskForce
    service_labels = {"members": gettext_lazy("专班成员")}

    name = forms.CharField(label=model_label(TaskForce, "name"), required=False)
    region = forms.CharField(label=model_label(TaskForce, "region"), required=False)
    lead_department = LenientIntegerField(label=model_label(TaskForce, "lead_department"))
    starts_on = LenientDateField(label=model_label(TaskForce, "starts_on"))
    ends_on = LenientDateField(label=model_label(TaskForce, "ends_on"))
    status = forms.CharField(label=model_label(TaskForce, "status"), required=False)
    purpose = forms.CharField(label=model_label(TaskForce, "purpose"), required=False, strip=False)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_indices = _row_indices(self.data, "member") if self.is_bound else []
        for index in self.member_indices:
            for part in ("role", "official", "title", "department"):
                self.fields[f"member-{index}-{part}"] = forms.CharField(required=False)
        # The posted row of each member handed to the service, in order (blank rows left out).
        self.member_rows_sent: list[int] = []

    def to_data(self) -> TaskForceData:
        data = self.cleaned_data
        members: list[MemberData] = []
        self.member_rows_sent = []
        for index in self.member_indices:
            official = parse_id(data.get(f"member-{index}-official"))
            department = parse_id(data.get(f"member-{index}-department"))
            title = (data.get(f"member-{index}-title") or "").strip()
            if official is None and department is None and not title:
                continue  # an empty row is no member
            members.append(
                MemberData(
                    role=data.get(f"member-{index}-role") or MemberRole.MEMBER,
                    official_id=official,
                    title=title,
                    department_id=department,
                )
            )
            self.member_rows_sent.append(index)
        return TaskForceData(
            name=data.get("name") or "",
            region_code=data.get("region") or "",
            starts_on=data.get("starts_on"),
            purpose=data.get("purpose") or "",
            lead_department_id=data.get("lead_department"),
            ends_on=data.get("ends_on"),
            status=data.get("status") or TaskForceStatus.ACTIVE,
            members=members,
        )

    def member_rows(
        self, errors: Iterable[FieldError] = (), *, existing: Iterable[TaskForceMember] = ()
    ) -> list[Row]:
        """The member rows to show: as posted (with the refusals naming them), else the task
        force's members; then BLANK_MEMBER_ROWS empty rows."""
        rows: list[Row] = []
        if self.is_bound:
            for index in self.member_indices:
                rows.append(
                    Row(
                        index,
                        {
                            part: self.data.get(f"member-{index}-{part}", "")
                            for part in ("role", "official", "title", "department")
                        },
                    )
                )
        else:
            for index, member in enumerate(existing):
                rows.append(
                    Row(
                        index,
                        {
                            "role": member.role,
                            "official": member.official_id or "",
                            "title": member.title,
                            "department": member.department_id or "",
                        },
                    )
                )
        by_index = {row.index: row for row in rows}
        for error in errors:
            matched = _ROW_PATH.match(error.field)
            if not matched or matched.group(1) != "members":
                continue
            position = int(matched.group(2))
            if position < len(self.member_rows_sent) and self.member_rows_sent[position] in by_index:
                by_index[self.member_rows_sent[position]].errors[matched.group(3) or ""] = error.message
        start = max((row.index for row in rows), default=-1) + 1
        rows += [Row(start + n, {"role": MemberRole.MEMBER}) for n in range(BLANK_MEMBER_ROWS)]
        return rows

    def error_field(self, path: str) -> str:
        # A row's refusal is shown on its row; on top it is named by the part as a whole.
        return "members" if path.startswith("members") else super().error_field(path)

    def label_of(self, path: str) -> str:
        matched = _ROW_PATH.match(path)
        if matched and matched.group(1) == "members":
            return _("专班成员第 %(n)s 行") % {"n": int(matched.group(2)) + 1}
        return super().label_of(path)


def task_force_initial(task_force: TaskForce) -> dict[str, Any]:
    return {
        "name": task_force.name,
        "region": task_force.region_id,
        "lead_department": task_force.lead_department_id or "",
        "starts_on": task_force.starts_on,
        "ends_on": task_force.ends_on,
        "status": task_force.status,
        "purpose": task_force.purpose,
        "version": task_force.version,
    }


# ---------------------------------------------------------------------------------------------
# Campaigns and their report forms

# What each measure is for, as the editor's list says it (reportforms.MEASURES).
MEASURE_LABELS = {
    "status": gettext_noop("状态（计算完成率）"),
    "staff_present": gettext_noop("在岗人数（计算满员率）"),
    "staff_expected": gettext_noop("应到人数（计算满员率）"),
    "capacity": gettext_noop("产能利用率（计算产能恢复率）"),
    "output": gettext_noop("当期产值（产能恢复率的权重）"),
    "difficulty": gettext_noop("困难和诉求（转为诉求事项）"),
}
REGISTRY_LABELS = {"employees": gettext_noop("企业名录中的从业人员")}
# The parts of a report form row the editor shows, in order, with their names on the page.
FORM_PARTS = {
    "label": gettext_noop("填报项目"),
    "kind": gettext_noop("类型"),
    "unit": gettext_noop("单位"),
    "min": gettext_noop("下限"),
    "max": gettext_noop("上限"),
    "choices": gettext_noop("选项"),
    "done": gettext_noop("算作完成的选项"),
    "required": gettext_noop("必填"),
    "measure": gettext_noop("用于统计"),
    "registry": gettext_noop("从企业名录取值"),
    "help": gettext_noop("填报说明"),
    "key": gettext_noop("项目"),
}
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")


def split_list(text: str) -> list[str]:
    """Choices as a person writes them: 未复工、部分复工、全面复工 (or with commas, or one a line)."""
    return [part.strip() for part in _LIST_SPLIT.split(text or "") if part.strip()]


def _number_text(value: Any) -> str:
    return "" if value is None else str(value)


def rows_of_form(report_form: list[dict[str, Any]]) -> list[Row]:
    """The editor's rows for a stored (or starting) form."""
    return [
        Row(
            index,
            {
                "key": item.get("key", ""),
                "label": item.get("label", ""),
                "kind": item.get("kind", ""),
                "unit": item.get("unit", ""),
                "min": _number_text(item.get("min")),
                "max": _number_text(item.get("max")),
                "choices": "、".join(item.get("choices") or []),
                "done": "、".join(item.get("done") or []),
                "required": bool(item.get("required")),
                "measure": item.get("measure", ""),
                "registry": item.get("registry", ""),
                "help": item.get("help", ""),
            },
        )
        for index, item in enumerate(report_form)
    ]


class CampaignForm(Form):
    model = Campaign
    service_labels = {"report_form": gettext_lazy("填报表单")}

    name = forms.CharField(label=model_label(Campaign, "name"), required=False)
    kind = forms.CharField(label=model_label(Campaign, "kind"), required=False)
    cadence = forms.CharField(label=model_label(Campaign, "cadence"), required=False)
    starts_on = LenientDateField(label=model_label(Campaign, "starts_on"))
    ends_on = LenientDateField(label=model_label(Campaign, "ends_on"))
    due_days = forms.CharField(label=model_label(Campaign, "due_days"), required=False)
    due_time = forms.CharField(label=model_label(Campaign, "due_time"), required=False)
    same_day = forms.BooleanField(label=model_label(Campaign, "same_day"), required=False)
    status = forms.CharField(label=model_label(Campaign, "status"), required=False)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_indices = _row_indices(self.data, "f") if self.is_bound else []
        for index in self.form_indices:
            for part in (*FORM_PARTS, "remove"):
                self.fields[f"f-{index}-{part}"] = forms.CharField(required=False, strip=False)
        self.form_rows_sent: list[int] = []

    def clean_due_days(self) -> int:
        text = (self.cleaned_data.get("due_days") or "").strip()
        if not text:
            return 0
        try:
            return int(text)
        except ValueError:
            raise forms.ValidationError(_("应为 0–31 的整数")) from None

    def clean_due_time(self) -> datetime.time | None:
        text = (self.cleaned_data.get("due_time") or "").strip()
        if not text:
            return None
        try:
            return datetime.time.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(_("应为时刻，如 18:00")) from None

    def posted_rows(self) -> list[Row]:
        return [
            Row(
                index,
                {
                    part: (
                        self.data.get(f"f-{index}-{part}") == "on"
                        if part == "required"
                        else self.data.get(f"f-{index}-{part}", "")
                    )
                    for part in (*FORM_PARTS, "remove")
                },
            )
            for index in self.form_indices
        ]

    def report_form(self) -> list[dict[str, Any]]:
        """The form the rows say: rows marked for removal and empty new rows left out; a new
        item's key made up (the measure's name, else item_N) — people never type keys."""
        items: list[dict[str, Any]] = []
        self.form_rows_sent = []
        rows = [row for row in self.posted_rows() if not row.values.get("remove")]
        taken = {str(row.values["key"]).strip() for row in rows if str(row.values["key"]).strip()}
        for row in rows:
            values = row.values
            key = str(values["key"]).strip()
            texts = [
                str(values[p]).strip() for p in ("label", "unit", "min", "max", "choices", "done", "help")
            ]
            if not key and not any(texts) and not values["measure"] and not values["registry"]:
                continue  # an empty new row
            if not key:
                key = _new_key(str(values["measure"]), taken)
                taken.add(key)
            item: dict[str, Any] = {
                "key": key,
                "label": str(values["label"]).strip(),
                "kind": str(values["kind"]).strip(),
                "unit": str(values["unit"]).strip(),
                "min": str(values["min"]).strip().replace(",", "") or None,
                "max": str(values["max"]).strip().replace(",", "") or None,
                "choices": split_list(str(values["choices"])),
                "done": split_list(str(values["done"])),
                "required": bool(values["required"]),
                "measure": str(values["measure"]).strip(),
                "registry": str(values["registry"]).strip(),
                "help": str(values["help"]).strip(),
            }
            items.append(item)
            self.form_rows_sent.append(row.index)
        return items

    def to_data(self, task_force_id: int | None) -> CampaignData:
        data = self.cleaned_data
        return CampaignData(
            task_force_id=task_force_id,
            name=data.get("name") or "",
            kind=data.get("kind") or "",
            starts_on=data.get("starts_on"),
            cadence=data.get("cadence") or "",
            ends_on=data.get("ends_on"),
            due_days=data.get("due_days") or 0,
            due_time=data.get("due_time"),
            same_day=bool(data.get("same_day")),
            report_form=self.report_form(),
            status=data.get("status") or CampaignStatus.ACTIVE,
        )

    def form_rows(
        self, errors: Iterable[FieldError] = (), *, stored: list[dict[str, Any]] | None = None
    ) -> list[Row]:
        """The editor's rows: as posted (with the refusals naming them), else the stored or
        starting form's; then BLANK_FORM_ROWS empty rows."""
        rows = self.posted_rows() if self.is_bound else rows_of_form(stored or [])
        by_index = {row.index: row for row in rows}
        for error in errors:
            matched = _ROW_PATH.match(error.field)
            if not matched or matched.group(1) != "report_form":
                continue
            position = int(matched.group(2))
            if position < len(self.form_rows_sent) and self.form_rows_sent[position] in by_index:
                part = matched.group(3) or ""
                label = _(FORM_PARTS[part]) if part in FORM_PARTS else ""
                by_index[self.form_rows_sent[position]].errors[part] = (
                    f"{label}：{error.message}" if label else error.message
                )
        start = max((row.index for row in rows), default=-1) + 1
        rows += [blank_form_row(start + n) for n in range(BLANK_FORM_ROWS)]
        return rows

    def error_field(self, path: str) -> str:
        return "report_form" if path.startswith("report_form") else super().error_field(path)

    def label_of(self, path: str) -> str:
        matched = _ROW_PATH.match(path)
        if matched and matched.group(1) == "report_form":
            part = matched.group(3) or ""
            name = _("填报表单第 %(n)s 项") % {"n": int(matched.group(2)) + 1}
            return f"{name}{_(FORM_PARTS[part])}" if part in FORM_PARTS else name
        return super().label_of(path)


def blank_form_row(index: int) -> Row:
    return Row(index, {"kind": "integer", "required": False})


def _new_key(measure: str, taken: set[str]) -> str:
    if measure in reportforms.MEASURES and measure not in taken:
        return measure
    number = 1
    while f"item_{number}" in taken:
        number += 1
    return f"item_{number}"


def campaign_initial(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "kind": campaign.kind,
        "cadence": campaign.cadence,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "due_days": campaign.due_days,
        "due_time": campaign.due_time.strftime("%H:%M"),
        "same_day": campaign.same_day,
        "status": campaign.status,
        "version": campaign.version,
    }


# ---------------------------------------------------------------------------------------------
# The enterprises of a campaign


class EnrolForm(Form):
    """Enterprises picked one by one, with the department serving them in the campaign."""

    service_labels = {"enterprises": gettext_lazy("企业"), "department": gettext_lazy("包保部门")}

    enterprises = forms.Field(required=False, widget=forms.SelectMultiple)
    department = LenientIntegerField(label=gettext_lazy("包保部门"))

    def enterprise_ids(self) -> list[int]:
        values = self.data.getlist("enterprises") if hasattr(self.data, "getlist") else []
        return [pk for pk in map(parse_id, values) if pk is not None]


ABOVE_SCALE_CHOICES = (
    ("", gettext_noop("不限")),
    ("yes", gettext_noop("仅规上企业")),
    ("no", gettext_noop("仅规下企业")),
)


class EnrolRuleForm(Form):
    """Enterprises chosen by what they are (services.EnrolRule)."""

    service_labels = {
        "rule": gettext_lazy("选取条件"),
        "region": gettext_lazy("所在地区"),
        "department": gettext_lazy("包保部门"),
    }

    region = forms.CharField(label=gettext_lazy("所在地区"), required=False)
    industry = forms.CharField(label=gettext_lazy("行业"), required=False)
    above_scale = forms.CharField(label=gettext_lazy("规模"), required=False)
    chain = LenientIntegerField(label=gettext_lazy("产业链"))
    department = LenientIntegerField(label=gettext_lazy("包保部门"))

    def rule(self) -> EnrolRule:
        data = self.cleaned_data
        above = data.get("above_scale") or ""
        return EnrolRule(
            region_code=(data.get("region") or "").strip(),
            industry_code=(data.get("industry") or "").strip(),
            above_scale=True if above == "yes" else False if above == "no" else None,
            chain_id=data.get("chain") or None,
        )
