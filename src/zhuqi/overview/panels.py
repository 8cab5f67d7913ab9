"""What the apps above enterprises add to the enterprise page (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from zhuqi.cases.services import creatable_kinds
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.policies.selectors import enterprise_policies
from zhuqi.projects.selectors import flags_of as project_flags
from zhuqi.projects.selectors import project_library
from zhuqi.visits.selectors import visit_queryset


def enterprise_case_filing(user: User, enterprise: Enterprise) -> dict[str, Any]:
    return {"can_file_case": user.role != Role.ENTERPRISE and "demand" in creatable_kinds(user)}


def enterprise_projects(user: User, enterprise: Enterprise) -> dict[str, Any]:
    # Its key projects, with their flags: a visit or a call starts from what is behind.
    projects = list(project_library(user=user).filter(owner=enterprise).order_by("-listed_year", "name")[:20])
    for project in projects:
        project.flag_list = project_flags(project)  # type: ignore[attr-defined]
    return {"projects": projects}


def enterprise_visits(user: User, enterprise: Enterprise) -> dict[str, Any]:
    visits = list(
        visit_queryset(user=user)
        .filter(attendance__enterprise=enterprise)
        .order_by("-start_date", "-id")[:20]
    )
    return {"visits": visits}


def enterprise_policies_panel(user: User, enterprise: Enterprise) -> dict[str, Any]:
    # The policies in force it qualifies for, with how each stands: what a liaison officer or a
    # visit brings up ("this one you have not applied for").
    return {"policy_items": enterprise_policies(user=user, enterprise=enterprise)[:20]}
