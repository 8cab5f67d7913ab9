"""A database too busy to answer in time is 503 with Retry-After, never a 500: on any database
(the real lock, on a SQLite file, is in imports/tests/test_concurrency.py)."""

from __future__ import annotations

from typing import Any

import psycopg.errors
import pytest
from django.db import OperationalError
from django.test import Client

from zhuqi.core.busy import is_database_busy
from zhuqi.testing.api import token_client


def wrapped(cause: Exception) -> OperationalError:
    """As Django raises it: its own OperationalError, the driver's error as the cause."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked"), True),
        (wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")), True),
        (wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")), True),
        (wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (wrapped(psycopg.errors.SerializationFailure("could not serialize access")), True),
        (OperationalError("no such table: cases_case"), False),
        (wrapped(psycopg.errors.UndefinedTable("relation does not exist")), False),
        (ValueError("database is locked"), False),
    ],
)
def test_what_counts_as_busy(error: Exception, busy: bool) -> None:
    assert is_database_busy(error) is busy


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case filing meets a database locked past the busy timeout."""
    from zhuqi.cases import services

    def locked_out(**kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "case_create", locked_out)


def test_the_api_answers_503_in_json_with_retry_after(cast, finance, locked) -> None:
    response = token_client("enterprise").post(
        "/api/v1/cases",
        {"kind": "demand", "title": "招工难", "description": "缺焊工", "category": finance.pk},
        content_type="application/json",
    )
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {"code": "busy", "detail": "系统繁忙（数据库正忙于其他写入），请稍后重试"}


def test_a_page_answers_503_with_retry_after(cast, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from zhuqi.imports import jobs

    def locked_out(**kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(jobs, "start", locked_out)
    client = Client(raise_request_exception=False)
    client.force_login(cast.coordinator)
    upload = io.BytesIO("统一社会信用代码,企业名称,所在地区\n".encode())
    upload.name = "list.csv"
    response = client.post("/enterprises/import/", {"file": upload})
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "系统繁忙" in response.content.decode() and "没有保存任何内容" in response.content.decode()


@pytest.fixture
def finance(db: Any) -> Any:
    from zhuqi.cases.models import CaseCategory

    return CaseCategory.objects.get(name="融资", parent=None)
