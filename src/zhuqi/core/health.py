"""/healthz and /readyz: is the process up, and can it serve (issue 24).

- /healthz answers 200 "ok" without touching the database: the process is up and answering.
- /readyz runs each check and answers JSON, 200 when every check passes, 503 naming the failed
  ones: the database is reachable, no migration on disk is unapplied (a server started on new
  code before `zhuqi migrate`), a background worker has been seen within
  ZHUQI_WORKER_STALE_MINUTES (core/heartbeat.py). `?exclude=worker` leaves a check out: a load
  balancer deciding whether *this* server takes requests asks `/readyz?exclude=worker`, since a
  missing worker is the whole site's trouble, which taking every server out would only make
  worse; monitoring asks the whole /readyz.

Both, and /metrics (core/metrics.py), are answered by OperatorEndpointsMiddleware before the
host check, the sessions and the login, so a probe on loopback or a scraper that names the
server by its address is answered whatever ZHUQI_ALLOWED_HOSTS holds; ZHUQI_HTTPS does not
redirect them (settings: SECURE_REDIRECT_EXEMPT). Their output holds no secret: a database error
is named by its kind here and logged in full on the server."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed

from zhuqi.core import metrics
from zhuqi.core.heartbeat import workers_seen

logger = logging.getLogger(__name__)

# A passing migration check is kept this long in each process: the migrations on disk do not
# change while the process runs, and the applied ones change only by `zhuqi migrate`, whose
# effect a probe then sees within this time. A failing check is never kept, so a server
# becomes ready as soon as the migration is run.
MIGRATIONS_KEPT_SECONDS = 30.0

CHECKS = ("database", "migrations", "worker")


@dataclass
class Check:
    ok: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail, **self.figures}


class _MigrationsPassed:
    """When this process last found every migration applied (time.monotonic())."""

    lock = threading.Lock()
    at: float | None = None

    @classmethod
    def recent(cls) -> bool:
        with cls.lock:
            return cls.at is not None and time.monotonic() - cls.at < MIGRATIONS_KEPT_SECONDS

    @classmethod
    def remember(cls) -> None:
        with cls.lock:
            cls.at = time.monotonic()

    @classmethod
    def forget(cls) -> None:
        with cls.lock:
            cls.at = None


def forget_cached_checks() -> None:
    """Tests: the next check reads the database again."""
    _MigrationsPassed.forget()


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The message may name the host, the user or the path: logged, not shown.
        logger.warning("readyz: database unreachable: %s", error)
        return Check(False, f"无法连接数据库（{type(error).__name__}），详见服务器日志")
    return Check(True, "数据库可以连接")


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def check_migrations() -> Check:
    if _MigrationsPassed.recent():
        return Check(True, "没有未执行的数据库迁移")
    try:
        waiting = unapplied_migrations()
    except DatabaseError as error:
        logger.warning("readyz: migrations not readable: %s", error)
        return Check(False, f"无法读取数据库迁移记录（{type(error).__name__}），详见服务器日志")
    if waiting:
        # The count only: which ones, `zhuqi showmigrations` tells whoever runs the server.
        return Check(
            False,
            f"有 {len(waiting)} 个数据库迁移尚未执行：请运行 zhuqi migrate",
            {"unapplied": len(waiting)},
        )
    _MigrationsPassed.remember()
    return Check(True, "没有未执行的数据库迁移")


def check_worker() -> Check:
    minutes = settings.ZHUQI_WORKER_STALE_MINUTES
    try:
        seen = workers_seen()
    except DatabaseError as error:
        logger.warning("readyz: worker heartbeats not readable: %s", error)
        return Check(False, f"无法读取后台进程心跳（{type(error).__name__}），详见服务器日志")
    figures: dict[str, Any] = {"workers_seen": seen.recently}
    if seen.newest_age_seconds is not None:
        figures["newest_heartbeat_age_seconds"] = round(seen.newest_age_seconds)
    if seen.recently == 0:
        return Check(
            False,
            f"最近 {minutes} 分钟内没有后台进程的心跳：请检查 zhuqi worker（或 zhuqi run 内置的后台进程）",
            figures,
        )
    return Check(True, f"最近 {minutes} 分钟内有 {seen.recently} 个后台进程在运行", figures)


RUNNERS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "migrations": check_migrations,
    "worker": check_worker,
}


def readiness(excluded: set[str]) -> dict[str, Check | None]:
    """Each check by name (None when excluded). Without the database the others are not run:
    they read it, and "unknown" is not "passed"."""
    results: dict[str, Check | None] = {}
    database_down = False
    for name in CHECKS:
        if name in excluded:
            results[name] = None
        elif database_down:
            results[name] = Check(False, "未检查：数据库无法连接")
        else:
            results[name] = check = RUNNERS[name]()
            database_down = name == "database" and not check.ok
    return results


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return _plain("ok\n")


def readyz(request: HttpRequest) -> HttpResponse:
    excluded = {
        name.strip() for value in request.GET.getlist("exclude") for name in value.split(",") if name.strip()
    }
    unknown = sorted(excluded - set(CHECKS))
    if unknown:
        return _plain(
            f"exclude 只能是 {', '.join(CHECKS)}，不能是 {', '.join(unknown)}\n",
            status=400,
        )
    results = readiness(excluded)
    failed = [name for name, result in results.items() if result is not None and not result.ok]
    body = {
        "status": "fail" if failed else "ok",
        "failed": failed,
        "checks": {
            name: ({"excluded": True} if result is None else result.as_json())
            for name, result in results.items()
        },
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
        status=503 if failed else 200,
    )
    response["Cache-Control"] = "no-store"
    _log_change(excluded, failed)
    # Probed every few seconds: Django's own line per 503 ("Service Unavailable: /readyz") would
    # bury the log; _log_change says when it starts failing and when it is ready again.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class _LastFailed:
    """What failed at the last probe, per set of checks asked (a load balancer asking without the
    worker and monitoring asking everything would otherwise log a change at every probe)."""

    lock = threading.Lock()
    by_excluded: dict[frozenset[str], tuple[str, ...]] = {}


def _log_change(excluded: set[str], failed: list[str]) -> None:
    asked = frozenset(excluded)
    with _LastFailed.lock:
        if _LastFailed.by_excluded.get(asked, ()) == tuple(failed):
            return
        _LastFailed.by_excluded[asked] = tuple(failed)
    left_out = f" (without {', '.join(sorted(excluded))})" if excluded else ""
    if failed:
        logger.warning("readyz%s: not ready: %s", left_out, ", ".join(failed))
    else:
        logger.warning("readyz%s: ready again", left_out)


ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics.metrics,
}


class OperatorEndpointsMiddleware:
    """Answers /healthz, /readyz and /metrics itself (see the module's note); every other request
    goes on. Placed before the sessions (settings), after the security headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return endpoint(request)
