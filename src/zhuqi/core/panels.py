"""Panels that a higher app adds to a lower app's page (the enterprise page's key projects and
visits). The page's app cannot import the apps above it, so they register here at start-up
(zhuqi.overview's AppConfig.ready) and the page asks for what is registered under its name.

A panel gives its part of the page's context (a function of the user and the page's object) and,
unless it only sets context for the page's own template, the template that draws it; the page
renders the registered templates in the order they were registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    context: Callable[[Any, Any], dict[str, Any]]  # (user, the page's object) → context
    template: str = ""


_PANELS: dict[str, list[Panel]] = {}


def register(page: str, *panels: Panel) -> None:
    """Add `panels` to the page named `page` (its URL name); registering one twice adds it once."""
    registered = _PANELS.setdefault(page, [])
    registered.extend(panel for panel in panels if panel not in registered)


def context(page: str, user: Any, obj: Any) -> dict[str, Any]:
    """The registered panels' context for `obj`, and their templates as `panel_templates`."""
    merged: dict[str, Any] = {}
    templates = []
    for panel in _PANELS.get(page, ()):
        merged.update(panel.context(user, obj))
        if panel.template:
            templates.append(panel.template)
    merged["panel_templates"] = templates
    return merged
