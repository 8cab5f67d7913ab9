from __future__ import annotations

from typing import Any

from django import template

from zhuqi.core.scoping import is_active_user
from zhuqi.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_notices(user: Any) -> int:
    """The number on the inbox link in the top bar (one indexed count per page)."""
    return unread_count(user=user) if is_active_user(user) else 0
