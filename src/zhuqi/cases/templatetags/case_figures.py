"""Showing the figures: a rate as a percentage, and "—" where nothing was due."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@register.filter
def or_dash(value: object) -> object:
    return "—" if value is None else value
