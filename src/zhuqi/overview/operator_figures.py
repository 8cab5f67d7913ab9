"""The operators' figures (/metrics, core/metrics.py) that read the apps above core: the notices'
deliveries by e-mail and group robot (notifications' outbox). Registered in this app's
AppConfig.ready, as core cannot import the apps that stand on it.

The deliveries given up are not counted here: the outbox keeps every message sent and has no
index on its state, so counting them read the whole table (0.6–0.9 s at a million messages on
PostgreSQL). Each outbox run reports how many it gave up, and core adds that up as it goes:
`zhuqi_periodic_task_results_total{task="zhuqi.notifications.tasks.send_outbox", result="failed"}`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from zhuqi.notifications.models import OutboxMessage, Webhook


def outbox_figures() -> Iterable[Metric]:
    channels = [choice.value for choice in OutboxMessage.Channel]
    # Pending messages are the few rows of the outbox's partial index (state = pending).
    pending = {
        row["channel"]: row
        for row in OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)
        .order_by()
        .values("channel")
        .annotate(total=Count("pk"), retrying=Count("pk", filter=Q(attempts__gt=0)))
    }
    waiting = GaugeMetricFamily(
        "zhuqi_notice_deliveries_pending", "Notices waiting to go out, by channel", labels=["channel"]
    )
    retrying = GaugeMetricFamily(
        "zhuqi_notice_deliveries_retrying",
        "Notices whose sending failed at least once and will be tried again, by channel",
        labels=["channel"],
    )
    for channel in channels:
        waiting.add_metric([channel], pending.get(channel, {}).get("total", 0))
        retrying.add_metric([channel], pending.get(channel, {}).get("retrying", 0))
    robots = GaugeMetricFamily(
        "zhuqi_robots_failing", "Active group robots whose latest send failed (shown on the robots page)"
    )
    robots.add_metric(
        [],
        Webhook.objects.filter(is_active=True, last_failure_at__isnull=False)
        .filter(Q(last_success_at__isnull=True) | Q(last_failure_at__gt=F("last_success_at")))
        .count(),
    )
    return [waiting, retrying, robots]
