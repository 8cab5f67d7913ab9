"""Forms that read the pages' POSTs into the services' dataclasses. Amounts stay text here: the
service parses them (units included) and names the field when they are wrong."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhuqi.core.forms import Form
from zhuqi.core.textlimits import limit
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field
from zhuqi.projects.models import Level, MilestoneKind, Project, ProjectCategory, Stage, StageChange
from zhuqi.projects.services import MilestoneData, ProblemData, ProjectData, ReportData

PROBLEM_ROWS = 3
NEW_MILESTONE_ROWS = 3


class ProjectForm(Form):
    name = forms.CharField(label="项目名称", required=False, max_length=limit(Project, "name"))
    code = forms.CharField(label="项目代码", required=False, max_length=limit(Project, "code"))
    region = forms.CharField(label="建设地点", required=False)
    owner = forms.IntegerField(label="项目单位（企业名录中的企业）", required=False)
    owner_name = forms.CharField(
        label="项目单位名称", required=False, max_length=limit(Project, "owner_name")
    )
    project_list = forms.IntegerField(label="所属清单", required=False)
    chain = forms.IntegerField(label="所属产业链", required=False)
    # The chain as written that names no chain yet, carried through the page so an edit keeps it.
    chain_name = forms.CharField(
        label="所属产业链（原文）",
        required=False,
        max_length=limit(Project, "chain_name"),
        widget=forms.HiddenInput,
    )
    category = forms.ChoiceField(label="项目类别", choices=ProjectCategory.choices, required=False)
    level = forms.ChoiceField(label="项目级别", choices=Level.choices, required=False)
    listed_year = forms.IntegerField(label="入库年度", required=False)
    content = forms.CharField(
        label="建设内容及规模", required=False, max_length=limit(Project, "content"), widget=forms.Textarea
    )
    total_investment = forms.CharField(label="总投资（万元）", required=False)
    annual_plan = forms.CharField(label="年度计划投资（万元）", required=False)
    responsible_leader = forms.IntegerField(label="包联领导", required=False)
    responsible_department = forms.IntegerField(label="责任部门", required=False)
    planned_preparing_on = forms.DateField(label="计划转入前期", required=False)
    planned_started_on = forms.DateField(label="计划开工", required=False)
    planned_completed_on = forms.DateField(label="计划竣工", required=False)
    planned_producing_on = forms.DateField(label="计划投产", required=False)
    version = version_field()

    def to_data(self) -> ProjectData:
        data = self.cleaned_data
        return ProjectData(
            name=data["name"],
            code=data["code"],
            region_code=data["region"],
            owner_id=data["owner"],
            owner_name=data["owner_name"],
            project_list_id=data["project_list"],
            chain=data["chain_name"],
            chain_id=data["chain"],
            category=data["category"] or ProjectCategory.INDUSTRIAL,
            level=data["level"] or Level.CITY,
            listed_year=data["listed_year"],
            content=data["content"],
            total_investment=data["total_investment"],
            annual_plan=data["annual_plan"],
            responsible_leader_id=data["responsible_leader"],
            responsible_department_id=data["responsible_department"],
            planned_preparing_on=data["planned_preparing_on"],
            planned_started_on=data["planned_started_on"],
            planned_completed_on=data["planned_completed_on"],
            planned_producing_on=data["planned_producing_on"],
        )


class StageForm(Form):
    version = version_field()
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    on = forms.DateField(label=_("发生日期"), required=False)
    reason = forms.CharField(label=_("原因"), required=False, max_length=limit(StageChange, "reason"))

    def error_field(self, path: str) -> str:
        # The service names the stage moved to, the form the stage picked.
        return "stage" if path == "to_stage" else super().error_field(path)


def _iso_date(value: str) -> datetime.date | None:
    """A date as the date inputs post it (YYYY-MM-DD); ValueError for any other text."""
    return datetime.date.fromisoformat(value) if value else None


class ReportForm(Form):
    """A progress report: the period, what was done, the nodes done, up to PROBLEM_ROWS problems.
    `report` is what the service is given; dates that cannot be read are refused, named."""

    period_start = forms.CharField(label=_("报告期"), required=False)
    progress = forms.CharField(label=_("本期进展"), required=False, strip=False)
    investment_this_period = forms.CharField(label=_("本期完成投资"), required=False, strip=False)
    next_step = forms.CharField(required=False, strip=False)
    problems_text = forms.CharField(required=False, strip=False)
    confirm_over_total = forms.CharField(required=False)
    service_labels = {"milestones_done": _("完成节点")}
    report: ReportData

    def __init__(self, *args: Any, milestone_ids: list[int], today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestone_ids, self.today = milestone_ids, today
        for milestone_id in milestone_ids:
            self.fields[f"milestone_{milestone_id}"] = forms.CharField(required=False)
            self.fields[f"milestone_{milestone_id}_on"] = forms.CharField(required=False)
        for index in range(1, PROBLEM_ROWS + 1):
            for part in ("title", "category", "description"):
                self.fields[f"problem_{index}_{part}"] = forms.CharField(required=False)

    def label_of(self, path: str) -> str:
        parts = path.split(".")
        if parts[0] == "problems" and len(parts) > 1:
            return _("问题 %(n)s") % {"n": parts[1]}
        return super().label_of(path)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unreadable: list[str] = []

        def date(name: str) -> datetime.date | None:
            try:
                return _iso_date(data.get(name, ""))
            except ValueError:
                unreadable.append(name)
                return None

        done: list[tuple[int, datetime.date | None]] = [
            (milestone_id, date(f"milestone_{milestone_id}_on") or self.today)
            for milestone_id in self.milestone_ids
            if data.get(f"milestone_{milestone_id}")
        ]
        problems = [
            ProblemData(
                title=data[f"problem_{index}_title"],
                description=data[f"problem_{index}_description"],
                category_id=parse_id(data[f"problem_{index}_category"]),
            )
            for index in range(1, PROBLEM_ROWS + 1)
            if data.get(f"problem_{index}_title")
        ]
        self.report = ReportData(
            period_start=date("period_start"),
            progress=data.get("progress", ""),
            investment_this_period=data.get("investment_this_period", ""),
            next_step=data.get("next_step", ""),
            problems_text=data.get("problems_text", ""),
            problems=problems,
            milestones_done=done,
            confirm_over_total=bool(data.get("confirm_over_total")),
        )
        for name in unreadable:
            self.add_error(name, "应为日期（YYYY-MM-DD）")
        return data


class MilestonePlanForm(Form):
    """The node plan: the existing rows (each with a box to remove it), then NEW_MILESTONE_ROWS
    empty rows; a new row without a name is no row."""

    version = version_field()
    service_labels = {"milestones": _("节点计划")}

    def __init__(self, *args: Any, existing_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing_ids = existing_ids
        for milestone_id in existing_ids:
            for prefix in ("remove", "name", "kind", "planned"):
                self.fields[f"{prefix}_{milestone_id}"] = forms.CharField(required=False, strip=False)
        for index in range(1, NEW_MILESTONE_ROWS + 1):
            for part in ("name", "kind", "planned"):
                self.fields[f"new_{index}_{part}"] = forms.CharField(required=False, strip=False)

    def rows(self) -> list[MilestoneData]:
        data = self.cleaned_data

        def date(value: str) -> datetime.date | None:
            try:
                return _iso_date(value.strip())
            except ValueError:
                return None

        rows = [
            MilestoneData(
                id=milestone_id,
                name=data.get(f"name_{milestone_id}", ""),
                kind=data.get(f"kind_{milestone_id}", "") or MilestoneKind.OTHER,
                planned_on=date(data.get(f"planned_{milestone_id}", "")),
            )
            for milestone_id in self.existing_ids
            if not data.get(f"remove_{milestone_id}", "")
        ]
        for index in range(1, NEW_MILESTONE_ROWS + 1):
            name = data.get(f"new_{index}_name", "").strip()
            if name:
                rows.append(
                    MilestoneData(
                        name=name,
                        kind=data.get(f"new_{index}_kind", "") or MilestoneKind.OTHER,
                        planned_on=date(data.get(f"new_{index}_planned", "")),
                    )
                )
        return rows
