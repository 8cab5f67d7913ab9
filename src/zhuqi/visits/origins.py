"""What cases needs to know about visits, registered at start (VisitsConfig.ready) so that cases
never imports visits: how a case is filed from what was said at a visit (Origin.VISIT), and which
cases a liaison officer sees through the visits they see."""

from __future__ import annotations

from django.db.models import Q

from zhuqi.cases import origins
from zhuqi.cases.filing import scoped_enterprise
from zhuqi.cases.models import Kind
from zhuqi.cases.origins import Filing, NewCase, Origin
from zhuqi.cases.taking import require
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.visits import services
from zhuqi.visits.models import Visit, VisitOfficial
from zhuqi.visits.selectors import visit_queryset, visit_scope_q

VISIT_INSTRUCTION_KINDS = ("inspection", "symposium")


def file_from_visit(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> Filing:
    """Origin.VISIT: what was said at a visit, filed by someone who may record that visit."""
    visit = visit_queryset(user=actor).filter(pk=data.visit_id).first() if data.visit_id is not None else None
    if visit is None:
        raise ValidationFailed([FieldError("visit", "调研走访记录不存在或不在您的权限范围内")])
    require(
        services.may_record(actor, visit.kind) and services.may_edit(actor, visit),
        "只有有权登记这次调研走访的人可以提交其中的事项",
    )
    filing = Filing(visit=visit, region=visit.region)
    if kind == Kind.HAZARD:
        errors.append(FieldError("kind", "调研走访中的事项应为交办（instruction）或诉求（demand）"))
    if data.enterprise_id is not None:
        if not visit.attendance.filter(enterprise_id=data.enterprise_id).exists():
            errors.append(FieldError("enterprise", "事项的企业应是本次调研走访的企业之一"))
        else:
            filing.enterprise = scoped_enterprise(actor, data.enterprise_id, errors)
    elif kind == Kind.DEMAND:
        errors.append(FieldError("enterprise", "诉求必须指明提出诉求的企业"))
    if kind == Kind.INSTRUCTION:
        leads = {
            p.official_id: p.official
            for p in visit.participants.filter(role=VisitOfficial.Role.LEAD).select_related("official")
        }
        if visit.kind not in VISIT_INSTRUCTION_KINDS:
            errors.append(
                FieldError(
                    "kind",
                    f"{visit.get_kind_display()}记录只登记企业的诉求；交办事项须由调研、座谈会的带队领导作出",
                )
            )
        elif data.issued_by_id is None and leads:
            filing.issued_by = next(iter(leads.values()))
        elif data.issued_by_id not in leads:
            errors.append(FieldError("issued_by", "交办领导应是本次调研走访的带队领导"))
        else:
            filing.issued_by = leads[data.issued_by_id]
    elif data.issued_by_id is not None:
        errors.append(FieldError("issued_by", "只有交办事项有交办领导"))
    if data.project_id is not None:
        filing.project = visit.projects.filter(pk=data.project_id).first()
        if filing.project is None:
            errors.append(FieldError("project", "项目应是本次调研走访的项目之一"))
    if filing.enterprise is not None:
        filing.region = filing.enterprise.region
    return filing


def visit_wide_cases(user: User) -> Q:
    """The cases raised at the visits the user can see that belong to no one enterprise."""
    return Q(
        enterprise__isnull=True,
        visit_id__any_of=Visit.objects.filter(visit_scope_q(user)).order_by().values("pk"),
    )


def register() -> None:
    origins.register_filer(Origin.VISIT, file_from_visit)
    origins.register_seen_through(Role.LIAISON, visit_wide_cases)
