"""Reactions to other apps' signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from zhuqi.cases import recompute
from zhuqi.core.signals import calendar_year_entered


@receiver(calendar_year_entered)
def recompute_provisional_deadlines(sender: Any, year: int, actor: Any, **kwargs: Any) -> None:
    recompute.provisional_deadlines(year=year, actor=actor)
