"""Template filters for what a user may do, so templates ask the same selectors as the views."""

from __future__ import annotations

from typing import Any

from django import template

from zhuqi.core.roles import ROLES_READING_AUDIT, Role
from zhuqi.core.scoping import is_active_user
from zhuqi.core.validators import mask_name, mask_phone
from zhuqi.enterprises import selectors

register = template.Library()


@register.filter
def can_import(user: Any) -> bool:
    return selectors.can_edit_enterprise(user)


@register.filter
def can_read_audit(user: Any) -> bool:
    return is_active_user(user) and (user.role in ROLES_READING_AUDIT or user.is_superuser)


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value or "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def is_admin(user: Any) -> bool:
    """Admins keep the platform's tables: the routing catalogue, deadline rules, the calendar."""
    return is_active_user(user) and (user.role == Role.ADMIN or user.is_superuser)
