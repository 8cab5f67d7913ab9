"""The dispatch pages' forms: a meeting (with its attendees as rows), an agenda item, a decision,
a briefing asked for, an economic figure and a sheet of them. Values stay as posted (ids as
given, numbers and periods as text); the services parse and judge them, naming the field, so the
page and the API refuse the same value in the same words. A refusal naming an attendee's row
(`attendees[1].official`) is shown on that row."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from zhuqi.core.errors import FieldError
from zhuqi.core.forms import Form, LenientDateField, LenientIdListField, LenientIntegerField, model_label
from zhuqi.core.validators import parse_id
from zhuqi.core.versioning import version_field
from zhuqi.directory.models import Official
from zhuqi.dispatch.models import (
    AgendaItem,
    AttendeeRole,
    Briefing,
    EconomicFigure,
    Meeting,
    MeetingAttendee,
    ScopeKind,
)
from zhuqi.dispatch.services import AttendeeData, DecisionData, EconomicFigureData, MeetingData

# Empty attendee rows offered below the filled ones (a button adds more).
BLANK_ATTENDEE_ROWS = 2
# The most attendee rows a post may carry.
MAX_ROWS = 80

_ROW_PATH = re.compile(r"^attendees\[(\d+)\](?:\.(\w+))?$")

# The models' verbose names the forms below take as labels, for the catalog: the templates show
# each label with {% translate %} (the models keep them Chinese, as the API and admin read them).
MODEL_LABELS = (
    gettext_noop("会议名称"),
    gettext_noop("召开日期"),
    gettext_noop("所属地区"),
    gettext_noop("调度范围"),
    gettext_noop("调度部门"),
    gettext_noop("调度项目"),
    gettext_noop("主持人"),
    gettext_noop("主持人当日职务"),
    gettext_noop("参会部门"),
    gettext_noop("会议要求"),
    gettext_noop("议题"),
    gettext_noop("情况"),
    gettext_noop("实际值"),
    gettext_noop("目标值"),
    gettext_noop("对标的本地区"),
    gettext_noop("说明"),
)


def _text(model: type[Any], name: str) -> forms.CharField:
    return forms.CharField(label=model_label(model, name), required=False, strip=False)


def posts_on(official: Official | None, day: datetime.date | None) -> str:
    """An official's posts held on `day` as reports write them (市委副书记、市长): what a chair's or
    an attendee's posts default to when the form leaves them blank."""
    if official is None:
        return ""
    return "、".join(post.label for post in official.current_posts(day))


@dataclass
class Row:
    """One attendee row as the page shows it: its number in the post, its values and the
    refusals naming it ({part: message})."""

    index: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def error_list(self) -> list[str]:
        return list(self.errors.values())


def _row_indices(data: Mapping[str, Any]) -> list[int]:
    pattern = re.compile(r"^attendee-(\d{1,3})-")
    found = {int(m.group(1)) for key in data for m in [pattern.match(key)] if m}
    return sorted(found)[:MAX_ROWS]


class MeetingForm(Form):
    model = Meeting
    service_labels = {"attendees": gettext_lazy("参会人员")}

    title = _text(Meeting, "title")
    held_on = LenientDateField(label=model_label(Meeting, "held_on"))
    place = _text(Meeting, "place")
    region = _text(Meeting, "region")
    scope_kind = _text(Meeting, "scope_kind")
    department = LenientIntegerField(label=model_label(Meeting, "department"))
    chain = LenientIntegerField(label=model_label(Meeting, "chain"))
    projects = LenientIdListField(label=model_label(Meeting, "projects"))
    chair = LenientIntegerField(label=model_label(Meeting, "chair"))
    chair_posts = _text(Meeting, "chair_posts")
    departments = LenientIdListField(label=model_label(Meeting, "departments"))
    summary = _text(Meeting, "summary")
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendee_indices = _row_indices(self.data) if self.is_bound else []
        for index in self.attendee_indices:
            for part in ("official", "posts", "role"):
                self.fields[f"attendee-{index}-{part}"] = forms.CharField(required=False)
        # The posted row of each attendee handed to the service, in order (blank rows left out).
        self.rows_sent: list[int] = []

    def to_data(self) -> MeetingData:
        """What the service takes; a chair's or attendee's posts left blank are those the
        official held on the meeting's day."""
        data = self.cleaned_data
        held_on = data.get("held_on")
        wanted = [
            data.get("chair"),
            *(parse_id(data.get(f"attendee-{i}-official")) for i in self.attendee_indices),
        ]
        officials = Official.objects.in_bulk([pk for pk in wanted if pk])
        attendees: list[AttendeeData] = []
        self.rows_sent = []
        for index in self.attendee_indices:
            official = parse_id(data.get(f"attendee-{index}-official"))
            posts = (data.get(f"attendee-{index}-posts") or "").strip()
            if official is None and not posts:
                continue  # an empty row is no attendee
            attendees.append(
                AttendeeData(
                    official_id=official,
                    posts=posts or posts_on(officials.get(official or 0), held_on),
                    role=data.get(f"attendee-{index}-role") or AttendeeRole.ATTENDING,
                )
            )
            self.rows_sent.append(index)
        chair = data.get("chair")
        return MeetingData(
            title=data.get("title") or "",
            held_on=held_on,
            region_code=(data.get("region") or "").strip(),
            chair_id=chair,
            chair_posts=(data.get("chair_posts") or "").strip()
            or posts_on(officials.get(chair or 0), held_on),
            place=data.get("place") or "",
            scope_kind=data.get("scope_kind") or ScopeKind.REGION,
            department_id=data.get("department"),
            chain_id=data.get("chain"),
            project_ids=list(data.get("projects") or []),
            department_ids=list(data.get("departments") or []),
            attendees=attendees,
            summary=data.get("summary") or "",
        )

    def attendee_rows(
        self, errors: Iterable[FieldError] = (), *, existing: Iterable[MeetingAttendee] = ()
    ) -> list[Row]:
        """The rows to show: as posted (with the refusals naming them), else the meeting's
        attendees; then BLANK_ATTENDEE_ROWS empty rows."""
        rows: list[Row] = []
        if self.is_bound:
            for index in self.attendee_indices:
                rows.append(
                    Row(
                        index,
                        {
                            part: self.data.get(f"attendee-{index}-{part}", "")
                            for part in ("official", "posts", "role")
                        },
                    )
                )
        else:
            for index, attendee in enumerate(existing):
                rows.append(
                    Row(
                        index,
                        {"official": attendee.official_id, "posts": attendee.posts, "role": attendee.role},
                    )
                )
        by_index = {row.index: row for row in rows}
        for error in errors:
            matched = _ROW_PATH.match(error.field)
            if not matched:
                continue
            position = int(matched.group(1))
            if position < len(self.rows_sent) and self.rows_sent[position] in by_index:
                by_index[self.rows_sent[position]].errors[matched.group(2) or ""] = error.message
        start = max((row.index for row in rows), default=-1) + 1
        rows += [Row(start + n, {"role": AttendeeRole.ATTENDING}) for n in range(BLANK_ATTENDEE_ROWS)]
        return rows

    def error_field(self, path: str) -> str:
        if path.startswith("attendees"):
            return "attendees"
        if path.startswith("projects["):
            return "projects"
        if path.startswith("departments["):
            return "departments"
        return super().error_field(path)

    def label_of(self, path: str) -> str:
        matched = _ROW_PATH.match(path)
        if matched:
            return _("参会人员第 %(n)s 行") % {"n": int(matched.group(1)) + 1}
        return super().label_of(path)


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "region": meeting.region_id,
        "scope_kind": meeting.scope_kind,
        "department": meeting.department_id or "",
        "chain": meeting.chain_id or "",
        "projects": [p.pk for p in meeting.projects.all()],
        "chair": meeting.chair_id,
        "chair_posts": meeting.chair_posts,
        "departments": [d.pk for d in meeting.departments.all()],
        "summary": meeting.summary,
        "version": meeting.version,
    }


class VersionForm(Form):
    """A button that changes a meeting (议程重新生成) carries only the version the page showed."""

    model = Meeting

    version = version_field()


class AgendaItemForm(Form):
    model = AgendaItem

    title = _text(AgendaItem, "title")
    detail = _text(AgendaItem, "detail")
    version = version_field()


class DecisionForm(Form):
    """A decision of the meeting: an instruction case given to a lead department with its
    deadline."""

    title = forms.CharField(label=gettext_lazy("决定事项"), required=False, strip=False)
    description = forms.CharField(label=gettext_lazy("具体要求"), required=False, strip=False)
    lead_department = LenientIntegerField(label=gettext_lazy("牵头部门"))
    co_departments = LenientIdListField(label=gettext_lazy("配合部门"))
    deadline = LenientDateField(label=gettext_lazy("完成时限"))
    version = version_field()
    service_labels = {"category": gettext_lazy("事项类别")}

    def error_field(self, path: str) -> str:
        if path.startswith("co_department"):
            return "co_departments"
        return super().error_field(path)

    def to_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            title=data.get("title") or "",
            lead_department_id=data.get("lead_department"),
            deadline=data.get("deadline"),
            description=data.get("description") or "",
            co_department_ids=list(data.get("co_departments") or []),
        )


class BriefingForm(Form):
    """A briefing for a scope and period (without a meeting): the scope as the cockpit names it
    (a region, a department or a chain) and the period by name (本周 …) or by key."""

    model = Briefing
    service_labels = {"scope": pgettext_lazy("scope", "范围")}

    scope_kind = _text(Briefing, "scope_kind")
    region = _text(Briefing, "region")
    department = LenientIntegerField(label=model_label(Briefing, "department"))
    chain = LenientIntegerField(label=model_label(Briefing, "chain"))
    period = _text(Briefing, "period")
    custom_period = forms.CharField(label=gettext_lazy("或填写统计期"), required=False)

    def chosen_period(self) -> str:
        data = self.cleaned_data
        return (data.get("custom_period") or "").strip() or (data.get("period") or "").strip()

    def error_field(self, path: str) -> str:
        name = super().error_field(path)
        return "scope_kind" if name == "scope" else name


class MeetingBriefingForm(Form):
    """生成简报 on a meeting's page: the period (the meeting's week unless another is chosen)."""

    model = Briefing

    period = _text(Briefing, "period")


class EconomicFigureForm(Form):
    model = EconomicFigure

    region = _text(EconomicFigure, "region")
    indicator = _text(EconomicFigure, "indicator")
    period = _text(EconomicFigure, "period")
    value = _text(EconomicFigure, "value")
    target = _text(EconomicFigure, "target")
    compared_for = _text(EconomicFigure, "compared_for")
    note = _text(EconomicFigure, "note")

    def to_data(self) -> EconomicFigureData:
        data = self.cleaned_data
        return EconomicFigureData(
            region_code=(data.get("region") or "").strip(),
            indicator=(data.get("indicator") or "").strip(),
            period=(data.get("period") or "").strip(),
            value=data.get("value") or None,
            target=data.get("target") or None,
            compared_for_code=(data.get("compared_for") or "").strip(),
            note=data.get("note") or "",
        )


class EconomicImportForm(Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件"), required=False)
