"""Background work of the dispatch app: a briefing's generation (load by id, call the generator)."""

from __future__ import annotations

from django_tasks import task

from zhuqi.dispatch import briefings


@task()
def generate_briefing(briefing_id: int) -> None:
    briefings.generate(briefing_id)


def enqueue_briefing(briefing_id: int) -> None:
    generate_briefing.enqueue(briefing_id)
