"""Dispatch meetings through the services: who keeps them, what is refused and why (each bad
field named), the audit trail, the decisions as instruction cases issued by the chair, and the
agenda drawn from the records (the next meeting opens with the last one's decisions)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, Kind, Source, Status
from zhuqi.cases.selectors import case_queryset
from zhuqi.core.errors import NotFound, PermissionDenied, StaleWrite, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.dispatch import selectors, services
from zhuqi.dispatch.models import AgendaItem, AgendaSection, Meeting, MeetingDecision, ScopeKind
from zhuqi.dispatch.services import AttendeeData, DecisionData, MeetingData
from zhuqi.dispatch.tests import scene
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory

pytestmark = pytest.mark.django_db


def _errors(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in failure.value.errors}


def _industry(cast: Cast) -> int:
    """The handler's department (霍林郭勒市工业和信息化局)."""
    assert cast.handler.department_id is not None
    return cast.handler.department_id


def _data(cast: Cast, **overrides: Any) -> MeetingData:
    chair = OfficialFactory(name="李国庆")
    data = MeetingData(
        title="霍林郭勒市营商环境工作调度会",
        held_on=scene.today(),
        region_code="150581",
        chair_id=chair.pk,
        chair_posts="市委副书记、市长",
        department_ids=[_industry(cast)],
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def _audits(meeting: Meeting, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_id=str(meeting.pk), action=action, content_type__model="meeting")
    )


# --- create and update --------------------------------------------------------------------------


def test_a_meeting_keeps_its_chair_attendees_and_departments_and_is_audited(cast: Cast) -> None:
    made = scene.meeting(cast)
    assert (made.region_id, made.scope_kind, made.chair.name, made.chair_posts) == (
        "150581",
        ScopeKind.REGION,
        "王莉霞",
        "市委副书记、市长",
    )
    attendee = made.attendees.get()
    assert (attendee.official.name, attendee.posts, attendee.role) == ("孟宪东", "市工信局局长", "reporting")
    assert list(made.departments.values_list("pk", flat=True)) == [cast.handler.department_id]
    assert len(_audits(made, AuditEntry.Action.CREATE)) == 1
    # The members (attendees, departments) are recorded with the creation, as text.
    members = [e for e in _audits(made, AuditEntry.Action.UPDATE) if "attendees" in e.changes]
    assert members and members[0].changes["attendees"][1] == ["孟宪东市工信局局长（汇报）"]
    assert made.created_by == cast.coordinator


def test_a_meeting_is_updated_against_its_version_and_the_change_audited(cast: Cast) -> None:
    made = scene.meeting(cast)
    updated = services.meeting_update(
        actor=cast.coordinator,
        meeting_id=made.pk,
        expected_version=made.version,
        data=_data(cast, title="霍林郭勒市第二次调度会", place="市政府三楼会议室"),
    )
    assert (updated.title, updated.version) == ("霍林郭勒市第二次调度会", made.version + 1)
    entry = next(e for e in _audits(made, AuditEntry.Action.UPDATE) if "title" in e.changes)
    assert entry.changes["title"] == ["全市重点产业链发展工作调度会", "霍林郭勒市第二次调度会"]
    # The attendees were replaced by none: recorded as a change of the members.
    assert entry.changes["attendees"] == [["孟宪东市工信局局长（汇报）"], []]
    with pytest.raises(StaleWrite):
        services.meeting_update(
            actor=cast.coordinator, meeting_id=made.pk, expected_version=made.version, data=_data(cast)
        )
    assert Meeting.objects.get(pk=made.pk).title == "霍林郭勒市第二次调度会"


def test_an_update_that_changes_nothing_moves_no_version(cast: Cast) -> None:
    data = _data(cast)
    made = services.meeting_create(actor=cast.coordinator, data=data, build_agenda=False)
    again = services.meeting_update(
        actor=cast.coordinator, meeting_id=made.pk, expected_version=made.version, data=data
    )
    assert again.version == made.version == 1
    assert not [e for e in _audits(made, AuditEntry.Action.UPDATE) if "title" in e.changes]


def test_bad_input_is_refused_naming_each_field(cast: Cast) -> None:
    far = DepartmentFactory(name="大同市发展和改革委员会", region_id="140200")
    reporter = OfficialFactory(name="孟宪东")
    with pytest.raises(ValidationFailed) as failure:
        services.meeting_create(
            actor=cast.coordinator,
            data=_data(
                cast,
                title="   ",
                chair_id=None,
                scope_kind=ScopeKind.CHAIN,
                chain_id=None,
                department_ids=[far.pk],
                attendees=[
                    AttendeeData(official_id=reporter.pk, posts="市工信局局长"),
                    AttendeeData(official_id=reporter.pk, posts="市工信局局长"),
                ],
            ),
        )
    errors = _errors(failure)
    assert set(errors) == {"title", "chair", "chain", "departments[0]", "attendees[1].official"}
    assert errors["chain"] == "产业链调度会请选择产业链"
    assert errors["departments[0]"] == "部门不存在或不在您的管辖范围内"
    assert errors["attendees[1].official"] == "孟宪东已在参会人员中"
    assert not Meeting.objects.exists()


def test_a_chair_who_does_not_exist_and_a_region_outside_the_jurisdiction_are_named(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.meeting_create(
            actor=cast.coordinator,
            data=_data(cast, chair_id=987_654, region_code="140200", held_on=None),
        )
    errors = _errors(failure)
    assert errors == {"chair": "干部不存在", "region": "大同市不在您的管辖范围内", "held_on": "必填"}


def test_a_department_meeting_names_a_department_within_the_jurisdiction(cast: Cast) -> None:
    far = DepartmentFactory(name="大同市工信局", region_id="140200")
    with pytest.raises(ValidationFailed) as failure:
        services.meeting_create(
            actor=cast.coordinator, data=_data(cast, scope_kind=ScopeKind.DEPARTMENT, department_id=None)
        )
    assert _errors(failure) == {"department": "部门调度会请选择部门"}
    with pytest.raises(ValidationFailed) as failure:
        services.meeting_create(
            actor=cast.coordinator, data=_data(cast, scope_kind=ScopeKind.DEPARTMENT, department_id=far.pk)
        )
    assert _errors(failure) == {"department": "部门不存在或不在您的管辖范围内"}
    made = services.meeting_create(
        actor=cast.coordinator,
        data=_data(cast, scope_kind=ScopeKind.DEPARTMENT, department_id=cast.handler.department_id),
    )
    assert made.department_id == cast.handler.department_id


def test_a_handler_and_an_outsider_keep_no_meeting_of_huolinguole(cast: Cast) -> None:
    made = scene.meeting(cast)
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=cast.handler, data=_data(cast))
    # The handler's department attended: the handler sees the meeting but may not change it.
    assert selectors.meeting_get(user=cast.handler, meeting_id=made.pk) == made
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            actor=cast.handler, meeting_id=made.pk, expected_version=made.version, data=_data(cast)
        )
    # Datong's coordinator may keep meetings, but not Huolinguole's: not seen, and not made.
    with pytest.raises(NotFound):
        services.meeting_update(
            actor=cast.outsider, meeting_id=made.pk, expected_version=made.version, data=_data(cast)
        )
    with pytest.raises(NotFound):
        services.decision_add(
            actor=cast.outsider,
            meeting_id=made.pk,
            expected_version=made.version,
            data=DecisionData(title="用工", lead_department_id=cast.handler.department_id, deadline=None),
        )
    with pytest.raises(ValidationFailed) as failure:
        services.meeting_create(actor=cast.outsider, data=_data(cast))
    assert set(_errors(failure)) >= {"region", "departments[0]"}
    for who in (cast.enterprise_user, cast.liaison):
        with pytest.raises(PermissionDenied):
            services.meeting_create(actor=who, data=_data(cast))
    assert Meeting.objects.get(pk=made.pk).version == made.version


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_is_an_instruction_assigned_by_the_chair_that_the_lead_department_sees(cast: Cast) -> None:
    made = scene.meeting(cast)
    decision = scene.decision(cast, made, days=10)
    case = Case.objects.get(pk=decision.case_id)
    assert (case.kind, case.status, case.source) == (Kind.INSTRUCTION, Status.ASSIGNED, Source.MEETING)
    assert case.issued_by_id == made.chair_id
    assert case.lead_department_id == cast.handler.department_id
    assert case.region_id == "150581"
    assert made.title in case.source_note
    assert case.deadline is not None
    from django.utils import timezone

    assert timezone.localtime(case.deadline).date() == made.held_on + datetime.timedelta(days=10)
    assert list(selectors.decisions_of(made).values_list("case_id", flat=True)) == [case.pk]
    # The lead department's handler has it to do, and sees the meeting it came from.
    assert case_queryset(user=cast.handler).filter(pk=case.pk).exists()
    assert selectors.meeting_queryset(user=cast.handler).filter(pk=made.pk).exists()
    started = case_services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)
    assert started.status == Status.IN_PROGRESS
    # The meeting moved a version and recorded the decision.
    assert Meeting.objects.get(pk=made.pk).version == made.version + 1
    assert any(
        "decisions" in e.changes and case.title in e.changes["decisions"][1]
        for e in _audits(made, AuditEntry.Action.UPDATE)
    )


def test_a_handler_given_a_decision_sees_the_meeting_even_if_the_department_did_not_attend(
    cast: Cast,
) -> None:
    made = scene.meeting(cast, department_ids=[])
    assert not selectors.meeting_queryset(user=cast.handler).filter(pk=made.pk).exists()
    scene.decision(cast, made)
    assert selectors.meeting_queryset(user=cast.handler).filter(pk=made.pk).exists()
    assert not selectors.meeting_queryset(user=cast.outsider).filter(pk=made.pk).exists()


def test_a_decision_without_department_deadline_or_title_is_refused_naming_each(cast: Cast) -> None:
    made = scene.meeting(cast)
    with pytest.raises(ValidationFailed) as failure:
        scene.decision(cast, made, title=" ", lead_department_id=None, days=-1)
    assert set(_errors(failure)) == {"title", "lead_department", "deadline"}
    assert _errors(failure)["deadline"] == "完成时限不能早于会议日期"
    with pytest.raises(ValidationFailed) as failure:
        scene.decision(cast, made, deadline=None)
    assert _errors(failure) == {"deadline": "请给出完成时限"}
    assert not MeetingDecision.objects.exists() and not Case.objects.exists()


def test_a_decision_against_a_stale_version_is_refused(cast: Cast) -> None:
    made = scene.meeting(cast)
    scene.decision(cast, made)
    with pytest.raises(StaleWrite):
        services.decision_add(
            actor=cast.coordinator,
            meeting_id=made.pk,
            expected_version=made.version,  # the version before the first decision
            data=DecisionData(
                title="协调融资", lead_department_id=cast.handler.department_id, deadline=made.held_on
            ),
        )
    assert MeetingDecision.objects.filter(meeting=made).count() == 1


# --- the agenda ---------------------------------------------------------------------------------


def test_the_next_meeting_opens_with_the_last_ones_decisions_and_where_each_stands(cast: Cast) -> None:
    chair = OfficialFactory(name="王莉霞")
    first = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=7), chair=chair)
    taken = scene.decision(cast, first, title="协调解决联晟新材料用工问题")
    waiting = scene.decision(cast, first, title="推动铝精深加工项目开工", days=20)
    case = Case.objects.get(pk=taken.case_id)
    case_services.case_start(actor=cast.handler, case_id=case.pk, expected_version=case.version)

    second = scene.meeting(cast, chair=chair)
    items = list(second.agenda.order_by("position"))
    opening = [i for i in items if i.section == AgendaSection.LAST_DECISIONS]
    assert items[: len(opening)] == opening and len(opening) == 2
    by_case = {i.record_id: i for i in opening}
    assert set(by_case) == {taken.case_id, waiting.case_id}
    assert by_case[taken.case_id].detail.endswith("办理中")
    assert by_case[waiting.case_id].detail.endswith("已交办")
    assert "霍林郭勒市工业和信息化局" in by_case[taken.case_id].detail
    assert by_case[taken.case_id].link == f"/cases/{taken.case_id}/"
    # A meeting of another scope (a department's) does not open with them.
    other = scene.meeting(
        cast, chair=chair, scope_kind=ScopeKind.DEPARTMENT, department_id=cast.handler.department_id
    )
    assert not other.agenda.filter(section=AgendaSection.LAST_DECISIONS).exists()


def test_redrawing_the_agenda_keeps_the_items_a_person_added_and_takes_in_the_change(cast: Cast) -> None:
    chair = OfficialFactory(name="王莉霞")
    first = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=7), chair=chair)
    second = scene.meeting(cast, chair=chair)
    assert not second.agenda.filter(section=AgendaSection.LAST_DECISIONS).exists()
    added = services.agenda_item_add(
        actor=cast.coordinator,
        meeting_id=second.pk,
        expected_version=second.version,
        title="研究冬季供暖保障",
        detail="热电公司汇报",
    )
    # A decision of the first meeting, taken after the second's agenda was drawn.
    decision = scene.decision(cast, first)
    second.refresh_from_db()
    redrawn = services.agenda_rebuild(
        actor=cast.coordinator, meeting_id=second.pk, expected_version=second.version
    )
    assert redrawn.version == second.version + 1
    items = list(AgendaItem.objects.filter(meeting=second).order_by("position"))
    assert [i.record_id for i in items if i.section == AgendaSection.LAST_DECISIONS] == [decision.case_id]
    kept = [i for i in items if i.section == AgendaSection.OTHER]
    assert [(i.pk, i.title, i.detail) for i in kept] == [(added.pk, "研究冬季供暖保障", "热电公司汇报")]
    assert items[-1].pk == added.pk  # after the drawn items
    assert [i.position for i in items] == list(range(len(items)))
    with pytest.raises(StaleWrite):
        services.agenda_rebuild(actor=cast.coordinator, meeting_id=second.pk, expected_version=second.version)
    with pytest.raises(ValidationFailed) as failure:
        services.agenda_item_add(
            actor=cast.coordinator, meeting_id=second.pk, expected_version=redrawn.version, title=""
        )
    assert _errors(failure) == {"title": "必填"}


def test_late_cases_of_the_scope_are_on_the_agenda(cast: Cast) -> None:
    from django.utils import timezone

    made = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=30))
    decision = scene.decision(cast, made, days=31)
    Case.objects.filter(pk=decision.case_id).update(due_at=timezone.now() - datetime.timedelta(days=3))
    later = scene.meeting(cast, title="下一次调度会")
    late = later.agenda.filter(section=AgendaSection.LATE_CASES)
    assert list(late.values_list("record_id", flat=True)) == [decision.case_id]
    last = later.agenda.get(section=AgendaSection.LAST_DECISIONS)
    assert last.detail.endswith("（已逾期）")


def test_a_held_meetings_agenda_stays_as_it_was_that_day(cast: Cast) -> None:
    held = scene.meeting(cast, held_on=scene.today() - datetime.timedelta(days=1))
    drawn = list(held.agenda.values_list("pk", flat=True))
    with pytest.raises(PermissionDenied) as refusal:
        services.agenda_rebuild(actor=cast.coordinator, meeting_id=held.pk, expected_version=held.version)
    assert "议程保留会议当时的情况" in refusal.value.message
    assert list(held.agenda.values_list("pk", flat=True)) == drawn


def test_the_audit_page_names_a_meetings_departments_and_figures(cast: Cast) -> None:
    from django.test import Client

    from zhuqi.dispatch.services import EconomicFigureData

    made = scene.meeting(cast, department_ids=[])
    services.meeting_update(
        actor=cast.coordinator,
        meeting_id=made.pk,
        expected_version=made.version,
        data=MeetingData(
            title=made.title,
            held_on=made.held_on,
            region_code="150581",
            chair_id=made.chair_id,
            department_ids=[department for department in [cast.handler.department_id] if department],
        ),
    )
    for value in ("5", "6"):
        services.economic_figure_set(
            actor=cast.coordinator,
            data=EconomicFigureData(
                region_code="150581", indicator="gdp_growth", period="2026-09", value=value
            ),
        )
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/audit/?action=update")
    assert page.status_code == 200
    assert "霍林郭勒市工业和信息化局" in page.content.decode()
