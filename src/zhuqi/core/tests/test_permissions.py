"""Named permissions (core.permissions): one table of who holds what, one check of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from zhuqi.core.permissions import GRANTS, Permission, effective_role, has_permission, roles_with
from zhuqi.core.roles import Role
from zhuqi.directory.models import User


def test_every_permission_is_granted_to_someone_and_always_to_the_admin() -> None:
    assert set(GRANTS) == set(Permission)
    for permission, roles in GRANTS.items():
        assert Role.ADMIN in roles, permission  # the superuser acts as the admin
        assert roles_with(permission) == roles


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_a_user_holds_what_their_role_is_granted(role: Role, permission: Permission) -> None:
    user = User(username="u", role=role, is_active=True)
    assert has_permission(user, permission) is (role in GRANTS[permission])


@pytest.mark.parametrize("permission", list(Permission))
def test_a_superuser_holds_everything_the_inactive_and_anonymous_nothing(permission: Permission) -> None:
    superuser = User(username="s", role=Role.ENTERPRISE, is_active=True, is_superuser=True)
    assert effective_role(superuser) == Role.ADMIN
    assert has_permission(superuser, permission)
    assert not has_permission(User(username="i", role=Role.ADMIN, is_active=False), permission)
    assert not has_permission(AnonymousUser(), permission)
    assert not has_permission(None, permission)


def test_the_sets_the_apps_used_to_declare_are_the_permissions_now() -> None:
    """What each app checked before it asked for a permission (cases' COORDINATING_ROLES,
    projects' MANAGING_ROLES, investment's KEEPING_ROLES, visits' RECORDING_ROLES, coverage's
    COVERAGE_ROLES, ...): the same roles, so no one gained or lost a right in the move."""
    a, c, le, h, li, e, au = (
        Role.ADMIN,
        Role.COORDINATOR,
        Role.LEADER,
        Role.HANDLER,
        Role.LIAISON,
        Role.ENTERPRISE,
        Role.AUDITOR,
    )
    expected = {
        Permission.EDIT_ENTERPRISES: {a, c},
        Permission.SEE_CONTACTS: {a, c, li, e},
        Permission.COORDINATE_CASES: {a, c},
        Permission.ROUTE_CASES: {a, c, le},
        Permission.READ_FIGURES: {a, au, le, c, h},
        Permission.READ_COMMON_PROBLEMS: {a, c, le},
        Permission.KEEP_POLICIES: {a, c},
        Permission.MANAGE_PROJECTS: {a, c},
        Permission.KEEP_AGREEMENTS: {a, c},
        Permission.KEEP_CHAINS: {a, c},
        Permission.KEEP_TASK_FORCES: {a, c},
        Permission.KEEP_MEETINGS: {a, c},
        Permission.RECORD_VISITS: {a, c, le, h},
        Permission.EDIT_VISITS: {a, c},
        Permission.READ_COVERAGE: {a, au, le, c},
        Permission.INGEST_REPORTS: {a, c},
        Permission.READ_DIRECTORY: {a, au, le, c, h, li},
        Permission.KEEP_DIRECTORY: {a, c},
        Permission.READ_AUDIT: {a, au},
        Permission.READ_CONFIGURATION: {a, c, le, au},
        Permission.CONFIGURE: {a},
        Permission.MANAGE_ROBOTS: {a, c},
        Permission.ADMINISTER_ACCOUNTS: {a},
    }
    assert dict(GRANTS) == expected
