"""What cases needs to know about dispatch meetings, registered at start (DispatchConfig.ready)
so that cases never imports dispatch: how a meeting's decision is filed (Origin.MEETING)."""

from __future__ import annotations

from zhuqi.cases import origins
from zhuqi.cases.filing import scoped_enterprise
from zhuqi.cases.models import Kind
from zhuqi.cases.origins import Filing, NewCase, Origin
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.directory.models import User
from zhuqi.dispatch.selectors import meeting_queryset


def file_from_meeting(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> Filing:
    """Origin.MEETING: a decision of a meeting the filer may keep (the office of the meeting's
    region or above), issued by the meeting's chair; an instruction, of the meeting's region,
    or of the enterprise it names."""
    meeting = (
        meeting_queryset(user=actor).filter(pk=data.meeting_id).first()
        if data.meeting_id is not None
        else None
    )
    if meeting is None:
        raise ValidationFailed([FieldError("meeting", "调度会不存在或不在您的权限范围内")])
    require(
        has_permission(actor, Permission.KEEP_MEETINGS)
        and code_within(jurisdiction_code(actor), meeting.region_id),
        f"{meeting.title}的决定事项由{meeting.region.name}的营商办（专班）登记",
    )
    if kind != Kind.INSTRUCTION:
        errors.append(FieldError("kind", "调度会的决定事项作为交办事项登记"))
    if data.issued_by_id is not None and data.issued_by_id != meeting.chair_id:
        errors.append(FieldError("issued_by", "调度会的决定事项由会议主持人交办"))
    enterprise = scoped_enterprise(actor, data.enterprise_id, errors)
    project = None
    if data.project_id is not None:
        project = origins.scoped_record("project", actor, data.project_id)
        if project is None:
            errors.append(FieldError("project", "项目不存在或不在您的权限范围内"))
    return Filing(
        enterprise=enterprise,
        region=enterprise.region if enterprise is not None else meeting.region,
        project=project,
        issued_by=meeting.chair,
    )


def register() -> None:
    origins.register_filer(Origin.MEETING, file_from_meeting)
