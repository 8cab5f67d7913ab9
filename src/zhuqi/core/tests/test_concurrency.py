"""core.concurrency: a write takes its record locked, through the actor's scope."""

from __future__ import annotations

import pytest

from zhuqi.core.concurrency import check_version, lock, lock_or_new
from zhuqi.core.errors import NotFound, StaleWrite
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.testing.factories import Cast


def test_lock_returns_the_row_in_scope_and_refuses_the_rest_alike(cast: Cast) -> None:
    scoped = enterprise_queryset(user=cast.coordinator)
    assert lock(scoped, cast.home.pk) == cast.home
    assert lock(scoped, str(cast.home.pk), related=("region",)).region_id == "150581"
    for outside in (cast.datong.pk, 10**9, "abc", None, 2**70):
        with pytest.raises(NotFound) as refused:
            lock(scoped, outside)
        assert str(refused.value) == "对象不存在或不在您的权限范围内"


def test_lock_takes_a_model_for_tables_outside_any_scope(cast: Cast) -> None:
    assert lock(Enterprise, cast.datong.pk) == cast.datong
    assert lock_or_new(Enterprise, cast.datong.pk) == cast.datong
    fresh = lock_or_new(Enterprise, None)
    assert fresh.pk is None and isinstance(fresh, Enterprise)
    with pytest.raises(NotFound):
        lock_or_new(Enterprise, 10**9)


def test_check_version_is_the_one_of_core_versioning(cast: Cast) -> None:
    record = lock(Enterprise, cast.home.pk)
    check_version(record, record.version)
    with pytest.raises(StaleWrite) as stale:
        check_version(record, record.version + 1, current={"status": "x"})
    assert stale.value.current == {"id": record.pk, "version": record.version, "status": "x"}
