"""A database too busy to answer in time (SQLite's one writer took longer than the busy
timeout, PostgreSQL's lock or statement timeout ran out, a deadlock victim) is a reason to try
again in a moment, not a server error: 503 with Retry-After, as a page or as the API's JSON."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from zhuqi.core.errors import HTTP_STATUS, ErrorCode

RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = "系统繁忙（数据库正忙于其他写入），请稍后重试"

# PostgreSQL's codes for "could not get the lock in time" and its relatives: lock_not_available
# (lock_timeout, NOWAIT), query_canceled (statement_timeout), deadlock_detected and
# serialization_failure (the transaction was chosen to give way).
TRANSIENT_SQLSTATES = {"55P03", "57014", "40P01", "40001"}
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def is_database_busy(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    text = str(error).lower()
    return any(message in text for message in SQLITE_BUSY_MESSAGES)


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": ErrorCode.BUSY, "detail": BUSY_MESSAGE}, status=HTTP_STATUS[ErrorCode.BUSY]
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@contextlib.contextmanager
def waiting_briefly(milliseconds: int) -> Iterator[None]:
    """For a write that is a courtesy (noting when a token was last used): wait at most this long
    for the database's lock, then let OperationalError tell the caller to skip it, rather than
    wait out the busy timeout. One statement on SQLite (it takes and drops its write lock around
    it in autocommit); a transaction of its own on PostgreSQL (SET LOCAL lasts until its end)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(milliseconds)}")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")
