"""The demo's clock: act as if on a past day, so back-dated records, their steps and the audit
trail read one time."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def on(day: datetime.date, hour: int = 16) -> Iterator[None]:
    """Act as if on `day`: the services, audit trail and reports read this one clock."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("django.utils.timezone.localdate", return_value=day),
    ):
        yield
