"""Background work of the dispatch app: a briefing's generation (load by id, call the generator),
and the periodic housekeeping (expired figure snapshots, briefings left by a stopped worker)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from zhuqi.dispatch import briefings, snapshots
from zhuqi.dispatch.models import Briefing, BriefingStatus


@task()
def generate_briefing(briefing_id: int) -> None:
    briefings.generate(briefing_id)


def enqueue_briefing(briefing_id: int) -> None:
    generate_briefing.enqueue(briefing_id)


@task()
def sweep_dispatch() -> dict[str, int]:
    """Delete the figure snapshots past their time; queue again the briefings a stopped worker
    left 生成中 (the generator takes over one stalled that long)."""
    stalled = list(
        Briefing.objects.filter(
            status=BriefingStatus.RUNNING, requested_at__lt=timezone.now() - briefings.STALLED_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for briefing_id in stalled:
        enqueue_briefing(briefing_id)
    return {"snapshots_dropped": snapshots.drop_expired(), "briefings_requeued": len(stalled)}
