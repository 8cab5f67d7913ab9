"""Reading import jobs: each person sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhuqi.imports.models import ImportJob


def own_job(*, user: Any, token: str, kind: str) -> ImportJob | None:
    """The person's own import of this kind; another user's token names nothing."""
    return ImportJob.objects.filter(token=token, actor=user, kind=kind).first()


def recent_jobs(*, user: Any, kind: str, limit: int = 5) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(actor=user, kind=kind)[:limit]
