"""What each role may do, as named permissions declared once (GRANTS), and the one check of them
(has_permission). A page, a service, the API and the menu ask for the permission, never for a
list of roles, so two apps cannot disagree about who coordinates or who keeps a register.

Scoping is a different question: which rows a user sees follows from who they are (an
enterprise's own, a liaison officer's assigned enterprises, a department's work, a jurisdiction),
and core.scoping asks the role for that. A permission says whether the user may do a kind of
thing at all; the scope says to which records."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from zhuqi.core.roles import Role
from zhuqi.core.scoping import is_active_user


class Permission(StrEnum):
    # Enterprises
    EDIT_ENTERPRISES = "edit_enterprises"  # create, edit, import, delete enterprise records; assign liaisons
    SEE_CONTACTS = "see_contacts"  # contact names and phone numbers unmasked (PIPL)
    # Cases
    COORDINATE_CASES = "coordinate_cases"  # assign, reassign, bulk-assign, close on behalf (营商办)
    ROUTE_CASES = "route_cases"  # route a case or a visit's cases to departments
    READ_FIGURES = "read_figures"  # the handling figures and the funnel
    READ_COMMON_PROBLEMS = "read_common_problems"
    # Policies
    KEEP_POLICIES = "keep_policies"  # the policy questions common problems raise (and, later, the policies)
    # Projects and agreements
    MANAGE_PROJECTS = "manage_projects"  # keep the key-project library and its plans
    KEEP_AGREEMENTS = "keep_agreements"  # keep the investment agreement register
    # Industrial chains
    # Chains, segments, members, links, lists and goals (besides each chain's chief and lead department).
    KEEP_CHAINS = "keep_chains"
    # Task forces and campaigns
    # Set up task forces and campaigns, their forms and enterprises; report and import for any
    # enterprise of the jurisdiction; operating indicators.
    KEEP_TASK_FORCES = "keep_task_forces"
    # Dispatch meetings
    # Meetings, their agendas and decisions, the economic figures and targets, briefings of
    # any scope of the jurisdiction.
    KEEP_MEETINGS = "keep_meetings"
    # Visits
    RECORD_VISITS = "record_visits"  # record any kind of visit (liaison officers: their own kinds only)
    EDIT_VISITS = "edit_visits"  # correct the visits of one's jurisdiction recorded by others
    READ_COVERAGE = "read_coverage"  # the liaison coverage figures
    # Published reports read into draft visits
    INGEST_REPORTS = "ingest_reports"  # ingest reports, review, confirm into visits or discard them
    # The platform
    READ_DIRECTORY = "read_directory"  # the government's staff list, departments and regions (pickers)
    KEEP_DIRECTORY = "keep_directory"  # officials, departments, posts of one's jurisdiction
    READ_AUDIT = "read_audit"  # the audit trail beyond the history of what one can see
    READ_CONFIGURATION = "read_configuration"  # routing catalogue, deadline rules, working-day calendar
    CONFIGURE = "configure"  # change them
    MANAGE_ROBOTS = (
        "manage_robots"  # group robots (WeCom, DingTalk): admins all, coordinators their jurisdiction's
    )
    ADMINISTER_ACCOUNTS = "administer_accounts"  # accounts, password resets, lockouts, others' API tokens


_GOVERNMENT_STAFF = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.HANDLER})
_OVERSIGHT = frozenset({Role.ADMIN, Role.AUDITOR, Role.LEADER, Role.COORDINATOR})
_OFFICE = frozenset({Role.ADMIN, Role.COORDINATOR})  # the business-environment office (营商办/专班)

# Permission → the roles holding it. The one table: add a permission here, never a role list in an app.
GRANTS: Mapping[Permission, frozenset[Role]] = {
    Permission.EDIT_ENTERPRISES: _OFFICE,
    Permission.SEE_CONTACTS: frozenset({Role.ADMIN, Role.COORDINATOR, Role.LIAISON, Role.ENTERPRISE}),
    Permission.COORDINATE_CASES: _OFFICE,
    Permission.ROUTE_CASES: frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER}),
    Permission.READ_FIGURES: _OVERSIGHT | {Role.HANDLER},
    Permission.READ_COMMON_PROBLEMS: frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER}),
    Permission.KEEP_POLICIES: _OFFICE,
    Permission.MANAGE_PROJECTS: _OFFICE,
    Permission.KEEP_AGREEMENTS: _OFFICE,
    Permission.KEEP_CHAINS: _OFFICE,
    Permission.KEEP_TASK_FORCES: _OFFICE,
    Permission.KEEP_MEETINGS: _OFFICE,
    Permission.RECORD_VISITS: _GOVERNMENT_STAFF,
    Permission.EDIT_VISITS: _OFFICE,
    Permission.READ_COVERAGE: _OVERSIGHT,
    Permission.INGEST_REPORTS: _OFFICE,
    Permission.READ_DIRECTORY: frozenset(Role) - {Role.ENTERPRISE},
    Permission.KEEP_DIRECTORY: _OFFICE,
    Permission.READ_AUDIT: frozenset({Role.ADMIN, Role.AUDITOR}),
    Permission.READ_CONFIGURATION: frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.AUDITOR}),
    Permission.CONFIGURE: frozenset({Role.ADMIN}),
    Permission.MANAGE_ROBOTS: _OFFICE,
    Permission.ADMINISTER_ACCOUNTS: frozenset({Role.ADMIN}),
}


def effective_role(user: Any) -> str:
    """The role a user acts in: a superuser acts as the admin, whatever role the account names."""
    return Role.ADMIN if user.is_superuser else user.role


def has_permission(user: Any, permission: Permission) -> bool:
    """Whether `user` (an account, or anonymous) holds `permission`. Inactive and anonymous users
    hold none; a superuser holds what the admin holds."""
    return is_active_user(user) and effective_role(user) in GRANTS[permission]


def roles_with(permission: Permission) -> frozenset[Role]:
    """The roles holding `permission` (for the menu's table and for tests)."""
    return GRANTS[permission]
