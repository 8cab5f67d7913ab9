"""core.process_cache: a value kept per process, dropped when its table is written here (at once
and again after the commit), and at the latest after its time to live."""

from __future__ import annotations

from typing import Any

import pytest

from zhuqi.cases.models import CaseCategory
from zhuqi.core import process_cache
from zhuqi.core.process_cache import ProcessCache


class Reader:
    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> list[str]:
        self.reads += 1
        return list(CaseCategory.objects.filter(is_active=True).values_list("name", flat=True))


@pytest.fixture
def cache() -> Any:
    reader = Reader()
    kept = ProcessCache(reader, models=[CaseCategory], ttl=60)
    yield kept, reader
    ProcessCache.every.remove(kept)


def test_a_value_is_read_once_and_dropped_when_its_table_is_written(
    db: Any, cache: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kept, reader = cache
    first = kept.get()
    assert kept.get() is first and reader.reads == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = CaseCategory.objects.create(name="数据要素")
        # Dropped at the save: read again (here, inside the writing transaction; another
        # connection would still read the table as it was) ...
        assert "数据要素" in kept.get() and reader.reads == 2
    # ... and dropped once more when the transaction commits.
    assert kept.drop in callbacks
    assert "数据要素" in kept.get() and reader.reads == 3
    made.is_active = False
    made.save()
    assert "数据要素" not in kept.get() and reader.reads == 4
    made.delete()
    kept.get()
    assert reader.reads == 5


def test_what_another_process_changed_is_read_after_the_time_to_live(
    db: Any, cache: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, reader = cache
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    kept.get()
    # Written behind this process's back (no signal here): kept until the time is up.
    CaseCategory.objects.filter(name="融资").update(name="融资服务")
    now[0] += 59
    assert "融资服务" not in kept.get() and reader.reads == 1
    now[0] += 2
    assert "融资服务" in kept.get() and reader.reads == 2


def test_a_read_that_raced_a_write_is_not_kept(db: Any) -> None:
    """A request that read the table while another thread's write dropped the value gives what
    it read, but does not keep it: the next request reads again."""
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        if len(reads) == 1:
            kept.drop()  # the write lands while this read is under way
        return len(reads)

    kept: ProcessCache[int] = ProcessCache(read, models=[])
    try:
        assert kept.get() == 1
        assert kept.get() == 2 and kept.get() == 2
    finally:
        ProcessCache.every.remove(kept)
