"""The roles of DESIGN.md and what each may do, declared as data in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_noop


class Role(models.TextChoices):
    ADMIN = "admin", gettext_noop("系统管理员")
    LEADER = "leader", gettext_noop("领导")
    COORDINATOR = "coordinator", gettext_noop("营商办/专班")
    HANDLER = "handler", gettext_noop("承办部门")
    LIAISON = "liaison", gettext_noop("驻企联络员")
    ENTERPRISE = "enterprise", gettext_noop("企业")
    AUDITOR = "auditor", gettext_noop("审计员")


# Roles whose work needs an enterprise's contact names and phone numbers unmasked (PIPL:
# only the people who have to call the enterprise see the number). Liaison officers and the
# enterprise itself see them only for enterprises in their own scope, which scoping already
# guarantees.
ROLES_SEEING_CONTACTS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LIAISON, Role.ENTERPRISE})

# Roles scoped by a jurisdiction region (the region and everything under it).
REGION_SCOPED_ROLES = frozenset({Role.LEADER, Role.COORDINATOR})

# Roles that see every region: the admin runs the system, the auditor reads everything.
UNSCOPED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})

# Roles that may create, edit, import and delete enterprise records in their scope.
ROLES_EDITING_ENTERPRISES = frozenset({Role.ADMIN, Role.COORDINATOR})

# Roles that may read the audit trail beyond the history of objects they can see.
ROLES_READING_AUDIT = frozenset({Role.ADMIN, Role.AUDITOR})

# Roles that may read the platform's configuration (routing catalogue, deadline rules, the
# working-day calendar); only the admin changes it.
ROLES_READING_CONFIGURATION = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER, Role.AUDITOR})

# Roles that see the figures pages (case handling, projects and agreements). Enterprises and
# liaison officers work single cases; ranking offices is not theirs to see.
ROLES_SEEING_FIGURES = frozenset({Role.ADMIN, Role.AUDITOR, Role.LEADER, Role.COORDINATOR, Role.HANDLER})

# Roles that see the liaison coverage figures (包联覆盖).
COVERAGE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.LEADER, Role.COORDINATOR})
