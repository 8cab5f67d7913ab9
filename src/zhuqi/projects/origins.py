"""What cases needs to know about projects, registered at start (ProjectsConfig.ready) so that
cases never imports projects: how a case is filed from a progress report (Origin.PROJECT_REPORT),
and how a case filed directly reads the project it names."""

from __future__ import annotations

from zhuqi.cases import origins
from zhuqi.cases.models import Kind
from zhuqi.cases.origins import Filing, NewCase, Origin
from zhuqi.cases.taking import require
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.directory.models import User
from zhuqi.projects.models import Project
from zhuqi.projects.selectors import project_queryset
from zhuqi.projects.services import may_report


def scoped_project(user: User, pk: int) -> Project | None:
    return project_queryset(user=user).filter(pk=pk).first()


def file_from_project_report(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> Filing:
    """Origin.PROJECT_REPORT: a problem in a project's progress report, filed by someone who may
    report on the project."""
    project = (
        project_queryset(user=actor).select_related("owner__region").filter(pk=data.project_id).first()
        if data.project_id is not None
        else None
    )
    if project is None:
        raise ValidationFailed([FieldError("project", "项目不存在或不在您的权限范围内")])
    require(may_report(actor, project), "只有有权填报该项目进展的人可以提交其中的问题")
    # The owner comes from the project the filer may see and report on, not from an id they name.
    owner = project.owner
    expected = Kind.DEMAND if owner is not None else Kind.INSTRUCTION
    if kind != expected:
        errors.append(
            FieldError(
                "kind",
                "项目进展报告中的问题作为项目单位的诉求提交"
                if owner is not None
                else "项目单位未登记，报告中的问题交营商办（专班）分派",
            )
        )
    if data.enterprise_id is not None and data.enterprise_id != project.owner_id:
        errors.append(FieldError("enterprise", "项目进展报告中的问题属于项目单位"))
    if data.issued_by_id is not None:
        errors.append(FieldError("issued_by", "项目进展报告中的问题不是领导交办事项"))
    return Filing(enterprise=owner, region=project.region, project=project)


def register() -> None:
    origins.register_filer(Origin.PROJECT_REPORT, file_from_project_report)
    origins.register_record("project", scoped_project)
