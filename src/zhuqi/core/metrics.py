"""/metrics: the figures an operator watches, in Prometheus' text format (issue 24).

Two kinds of figure:
- counted by the processes serving requests (django-prometheus' middleware: requests, latency
  and responses by view). With several gunicorn processes, PROMETHEUS_MULTIPROC_DIR makes each
  count in files there and /metrics add them all up (core/metric_slots.py), so any process gives
  the one figure for the server;
- read from the database when /metrics is asked (the task queue, the workers' heartbeats, the
  latest run of each periodic task, and what the apps above register with `register_figures`,
  such as the notices' failed deliveries): the same from every process and every machine.

Not public: allowed from the addresses in ZHUQI_METRICS_ALLOW (default loopback only) or with
`Authorization: Bearer <ZHUQI_METRICS_TOKEN>`; anything else is refused with 403."""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django_prometheus.middleware import PrometheusAfterMiddleware
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from zhuqi.core.heartbeat import workers_seen
from zhuqi.core.models import PeriodicRun
from zhuqi.core.throttling import client_address

logger = logging.getLogger(__name__)

# Headers a proxy adds with the client's address. Seen without ZHUQI_CLIENT_IP_HEADER, the
# request came through a proxy we were not told about, whose own address (loopback, for nginx on
# the same machine) says nothing about the client: it is not let in by address.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")

REFUSED = (
    "无权读取运行指标：/metrics 只对 ZHUQI_METRICS_ALLOW 中的地址开放，"
    "或请求带有 Authorization: Bearer <ZHUQI_METRICS_TOKEN>\n"
)

FigureReader = Callable[[], Iterable[Metric]]
_FIGURES: list[FigureReader] = []


def register_figures(*readers: FigureReader) -> None:
    """Figures of the apps above core, read from the database at each scrape (core cannot import
    them: they register here at start-up, in zhuqi.overview's AppConfig.ready). A reader returns
    metric families (prometheus_client.core.GaugeMetricFamily …)."""
    _FIGURES.extend(reader for reader in readers if reader not in _FIGURES)


@functools.cache
def _allowed_networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def _address(request: HttpRequest) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not settings.ZHUQI_CLIENT_IP_HEADER and any(request.META.get(header) for header in PROXY_HEADERS):
        return None
    try:
        address = ipaddress.ip_address(client_address(request).strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def may_read(request: HttpRequest) -> bool:
    token = settings.ZHUQI_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if (
        token
        and given.startswith("Bearer ")
        and hmac.compare_digest(given.removeprefix("Bearer ").strip().encode(), token.encode())
    ):
        return True
    address = _address(request)
    return address is not None and any(
        address in network for network in _allowed_networks(tuple(settings.ZHUQI_METRICS_ALLOW))
    )


def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        return HttpResponse(REFUSED, status=403, content_type="text/plain; charset=utf-8")
    # The classic text format (0.0.4): every name here is plain ASCII, so it reads the same as the
    # newer 1.0.0, and a Prometheus of any age on an intranet without updates understands it.
    response = HttpResponse(process_figures() + database_figures(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
    response["Cache-Control"] = "no-store"
    return response


def process_figures() -> bytes:
    """What the processes counted: all of them (PROMETHEUS_MULTIPROC_DIR), or this one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def database_figures() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseFigures())
    return generate_latest(registry)


class DatabaseFigures(Collector):
    """The figures read from the database at each scrape. A database that cannot be read gives
    `zhuqi_database_up 0` and none of the others (an old figure would look current)."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "zhuqi_database_up", "1 when the figures below could be read from the database"
        )
        try:
            families = [*core_figures(), *(family for reader in _FIGURES for family in reader())]
        except DatabaseError as error:
            logger.warning("metrics: the database could not be read: %s", error)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *families]


def core_figures() -> list[Metric]:
    return [*task_queue_figures(), *worker_figures(), *periodic_run_figures()]


def task_queue_figures() -> list[Metric]:
    # ready(): waiting and due, the rows of django-tasks' partial index on status READY.
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    queued = GaugeMetricFamily("zhuqi_tasks_queued", "Background tasks waiting for a worker")
    queued.add_metric([], waiting["count"])
    age = GaugeMetricFamily(
        "zhuqi_tasks_oldest_queued_age_seconds",
        "How long the oldest waiting background task has waited (0: none)",
    )
    oldest = waiting["oldest"]
    age.add_metric([], max(time.time() - oldest.timestamp(), 0.0) if oldest is not None else 0.0)
    return [queued, age]


def worker_figures() -> list[Metric]:
    seen = workers_seen()
    recently = GaugeMetricFamily(
        "zhuqi_workers_seen",
        f"Background worker processes whose heartbeat is within ZHUQI_WORKER_STALE_MINUTES "
        f"({settings.ZHUQI_WORKER_STALE_MINUTES})",
    )
    recently.add_metric([], seen.recently)
    families: list[Metric] = [recently]
    if seen.newest_age_seconds is not None:
        age = GaugeMetricFamily(
            "zhuqi_worker_newest_heartbeat_age_seconds", "Since the newest heartbeat of any background worker"
        )
        age.add_metric([], seen.newest_age_seconds)
        families.append(age)
    return families


def periodic_run_figures() -> list[Metric]:
    duration = GaugeMetricFamily(
        "zhuqi_periodic_task_last_duration_seconds",
        "How long the latest run of a periodic task took",
        labels=["task"],
    )
    finished = GaugeMetricFamily(
        "zhuqi_periodic_task_last_run_timestamp_seconds",
        "When the latest run of a periodic task finished (Unix time)",
        labels=["task"],
    )
    succeeded = GaugeMetricFamily(
        "zhuqi_periodic_task_last_run_succeeded",
        "1 when the latest run of a periodic task succeeded",
        labels=["task"],
    )
    success = GaugeMetricFamily(
        "zhuqi_periodic_task_last_success_timestamp_seconds",
        "When a periodic task last finished without an error (Unix time)",
        labels=["task"],
    )
    reported = CounterMetricFamily(
        "zhuqi_periodic_task_results",
        "What the runs of a periodic task reported, added up (the outbox's failed deliveries: "
        'task="zhuqi.notifications.tasks.send_outbox", result="failed")',
        labels=["task", "result"],
    )
    for run in PeriodicRun.objects.order_by("task"):
        duration.add_metric([run.task], run.duration_seconds)
        finished.add_metric([run.task], run.finished_at.timestamp())
        succeeded.add_metric([run.task], 1 if run.succeeded else 0)
        if run.last_success_at is not None:
            success.add_metric([run.task], run.last_success_at.timestamp())
        for result, total in sorted(run.totals.items()):
            reported.add_metric([run.task, result], total)
    return [duration, finished, succeeded, success, reported]


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class RequestFiguresMiddleware(PrometheusAfterMiddleware):
    """django-prometheus' after-middleware, with the method label held to the HTTP methods: its
    latency histogram takes `request.method` as it came, so a client sending made-up methods
    would make a new series (and, under gunicorn, new file entries) with each one."""

    def label_metric(
        self, metric: Metric, request: HttpRequest, response: object = None, **labels: str
    ) -> Metric:
        if "method" in labels and labels["method"] not in HTTP_METHODS:
            labels["method"] = "<invalid method>"
        return super().label_metric(metric, request, response, **labels)
