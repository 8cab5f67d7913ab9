from __future__ import annotations

from django_tasks import task

from zhuqi.notifications import services


@task()
def send_outbox() -> dict[str, int]:
    return services.send_pending()
