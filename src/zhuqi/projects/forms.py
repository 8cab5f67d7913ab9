"""Forms that read the pages' POSTs into the services' dataclasses. Amounts stay text here: the
service parses them (units included) and names the field when they are wrong."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

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
    chain = forms.CharField(label="所属产业链", required=False, max_length=limit(Project, "chain"))
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
            chain=data["chain"],
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


def version_read(post: Any) -> int | None:
    """The version a form without a Django form class carried; core.versioning judges it."""
    value = str(post.get("version", "")).strip()
    return parse_id(value)


class StageForm(Form):
    version = version_field()
    stage = forms.ChoiceField(choices=Stage.choices)
    on = forms.DateField(required=False)
    reason = forms.CharField(required=False, max_length=limit(StageChange, "reason"))


def report_data(post: Any, milestone_ids: list[int], today: datetime.date) -> tuple[ReportData, list[str]]:
    """A report from the form's POST; dates that cannot be read are named."""
    problems: list[str] = []

    def date(name: str) -> datetime.date | None:
        value = (post.get(name) or "").strip()
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            problems.append(name)
            return None

    done: list[tuple[int, datetime.date | None]] = []
    for milestone_id in milestone_ids:
        if post.get(f"milestone_{milestone_id}"):
            done.append((milestone_id, date(f"milestone_{milestone_id}_on") or today))
    rows = []
    for index in range(1, PROBLEM_ROWS + 1):
        title = (post.get(f"problem_{index}_title") or "").strip()
        if title:
            category = (post.get(f"problem_{index}_category") or "").strip()
            rows.append(
                ProblemData(
                    title=title,
                    description=(post.get(f"problem_{index}_description") or "").strip(),
                    category_id=parse_id(category),
                )
            )
    data = ReportData(
        period_start=date("period_start"),
        progress=post.get("progress", ""),
        investment_this_period=post.get("investment_this_period", ""),
        next_step=post.get("next_step", ""),
        problems_text=post.get("problems_text", ""),
        problems=rows,
        milestones_done=done,
        confirm_over_total=bool(post.get("confirm_over_total")),
    )
    return data, problems


def milestone_rows(post: Any, existing_ids: list[int]) -> list[MilestoneData]:
    """The node plan from the form: the existing rows (unless marked for removal), then the new
    rows that have a name."""

    def date(value: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(value.strip()) if value and value.strip() else None
        except ValueError:
            return None

    rows = []
    for milestone_id in existing_ids:
        if post.get(f"remove_{milestone_id}"):
            continue
        rows.append(
            MilestoneData(
                id=milestone_id,
                name=post.get(f"name_{milestone_id}", ""),
                kind=post.get(f"kind_{milestone_id}", MilestoneKind.OTHER),
                planned_on=date(post.get(f"planned_{milestone_id}", "")),
            )
        )
    for index in range(1, NEW_MILESTONE_ROWS + 1):
        name = (post.get(f"new_{index}_name") or "").strip()
        if name:
            rows.append(
                MilestoneData(
                    name=name,
                    kind=post.get(f"new_{index}_kind", MilestoneKind.OTHER),
                    planned_on=date(post.get(f"new_{index}_planned", "")),
                )
            )
    return rows
