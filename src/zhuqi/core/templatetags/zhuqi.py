"""Template filters for what a user may do, so templates ask the same selectors as the views."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

from zhuqi.core import navigation, pickers
from zhuqi.core.display import EMPTY, display_value, format_number
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.validators import mask_name, mask_phone

register = template.Library()


@register.filter
def can_read_audit(user: Any) -> bool:
    return has_permission(user, Permission.READ_AUDIT)


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
    return has_permission(user, Permission.CONFIGURE)


@register.simple_tag(takes_context=True)
def picker(
    context: template.Context,
    kind: str,
    name: str,
    value: Any = None,
    *,
    multiple: bool = False,
    testid: str = "",
    input_id: str = "",
    placeholder: str = "",
    aria_label: str = "",
) -> str:
    """The shared search picker (core/pickers.py) for field `name`, holding `value` (an id or a
    region code, or a list of them when `multiple`)."""
    picker_kind = pickers.get_kind(kind)
    if picker_kind is None:
        raise template.TemplateSyntaxError(f"no picker kind {kind!r}")
    request = context.get("request")
    user = getattr(request, "user", None)
    if value is None or value == "":
        values: list[Any] = []
    elif isinstance(value, list | tuple):
        values = list(value)
    else:
        values = [value]
    return render_to_string(
        "core/picker.html",
        {
            "kind": picker_kind,
            "name": name,
            "multiple": multiple,
            "chosen": pickers.chosen(picker_kind, user=user, values=values),
            "testid": testid or f"{name}-picker",
            "input_id": input_id,
            "placeholder": placeholder or picker_kind.placeholder,
            "aria_label": aria_label,
        },
        request=request,
    )


@register.simple_tag
def display(model: str, field: str, value: Any) -> str:
    """A stored value as a person reads it (core.display): `{% display "cases.Case" "deadline" v %}`."""
    return display_value(apps.get_model(model), field, value)


@register.filter
def number(value: Any) -> str:
    """A figure with thousands separators ("300,000", "1,234.5"); nothing → "—"."""
    if value is None or value == "":
        return EMPTY
    try:
        return format_number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def may_open(user: Any, page: str) -> bool:
    return navigation.may_open(user, page)


@register.simple_tag
def menu_for(user: Any) -> list[navigation.Page]:
    return navigation.menu(user)


@register.simple_tag
def main_menu(user: Any) -> str:
    """The top bar's menu (core/main_menu.html) for the pages `user` may open: the same for
    every account that may open the same pages, so rendered once per process for each such set,
    language and address prefix (14 addresses reversed and labels translated cost every page
    ~0.6 ms)."""
    names = tuple(page.name for page in navigation.menu(user))
    return _menu_html(names, get_language(), get_script_prefix())


@functools.lru_cache(maxsize=256)
def _menu_html(names: tuple[str, ...], language: str | None, prefix: str) -> str:
    # language and prefix are read by the rendering (labels, reverse): they key the cache.
    return render_to_string("core/main_menu.html", {"pages": [navigation.page(name) for name in names]})


@register.simple_tag
def other_languages() -> list[tuple[str, str]]:
    """The languages to switch to, each named in itself (settings.LANGUAGES, untranslated)."""
    current = (get_language() or settings.LANGUAGE_CODE).lower()
    return [(code, name) for code, name in settings.LANGUAGES if code != current]


@register.filter
def account_label(user: Any) -> str:
    """The header's "who": the account's name, and its role only when the name does not already
    say it ("系统管理员", "高原（驻企联络员）", "霍林郭勒市营商办" need no role after them)."""
    name = str(user)
    role = user.get_role_display()
    if any(part and part in name for part in role.split("/")):
        return name
    return f"{name} · {role}"
