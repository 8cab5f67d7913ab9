"""Signals core sends so other apps can react without core importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that entered (or replaced) a year of the working-day calendar,
# with `year` and `actor`: deadlines computed provisionally for that year must be recomputed.
calendar_year_entered = Signal()
