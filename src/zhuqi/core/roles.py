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


# Roles scoped by a jurisdiction region (the region and everything under it).
REGION_SCOPED_ROLES = frozenset({Role.LEADER, Role.COORDINATOR})

# Roles that see every region: the admin runs the system, the auditor reads everything.
UNSCOPED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})

# What each role may do is core.permissions.GRANTS: named permissions, checked by has_permission.
