"""An enterprise rates a joint handling's answer unhappily (its case leaves the joint handling)
while a coordinator changes the joint handling's members, at the same moment, on PostgreSQL:
both go through, neither is killed as a deadlock.

The rating locks the member case first and then writes the joint handling's timeline (a row
whose foreign key takes a KEY SHARE lock on the joint handling); the coordinator locks the joint
handling first and then its members. Were the joint handling locked FOR UPDATE, which KEY SHARE
waits for, the two would wait on each other. Two threads, each with its own connection; the
rating holds its case lock until the coordinator's transaction has locked the joint handling.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from zhuqi.cases import joint, steps
from zhuqi.cases.models import Case, JointEvent, Status
from zhuqi.cases.tests.test_joint import four_demands, open_joint, rate, step
from zhuqi.cases.tests.test_race import database_snapshot, restored  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: the deadlock is between row locks, which SQLite does not have",
    ),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(work: Callable[[], Any], outcomes: dict[str, Any], name: str) -> threading.Thread:
    def run() -> None:
        try:
            outcomes[name] = work()
        except Exception as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    return threading.Thread(target=run, name=name)


def test_an_unhappy_rating_and_a_member_change_at_once_do_not_deadlock(
    restored,  # noqa: F811
    cast,
    finance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    j = step(cast.handler, j, "start")
    j = step(cast.handler, j, "answer", answer="已统一协调税务局办理。", outcome="resolved")
    unhappy, removed = four.cases[1], four.cases[2]

    case_locked = threading.Event()
    leave = steps._leave_joint_handling

    def leave_slowly(t: Any, rating: int) -> None:
        leave(t, rating)
        case_locked.set()
        time.sleep(2)  # the coordinator's transaction locks the joint handling meanwhile

    monkeypatch.setattr(steps, "_leave_joint_handling", leave_slowly)

    def change_members() -> Any:
        assert case_locked.wait(10)
        return joint.joint_remove_member(
            actor=cast.coordinator,
            joint_id=j.pk,
            expected_version=j.version,
            case_id=removed.pk,
            reason="出口退税，不是留抵退税",
        )

    outcomes: dict[str, Any] = {}
    threads = [
        _in_thread(lambda: rate(four.users[1], unhappy, 1, "没有解决"), outcomes, "rating"),
        _in_thread(change_members, outcomes, "members"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    errors = {name: repr(o) for name, o in outcomes.items() if isinstance(o, BaseException)}
    assert not errors, errors
    assert Case.objects.get(pk=unhappy.pk).joint_handling_id is None
    assert Case.objects.get(pk=unhappy.pk).status == Status.IN_PROGRESS  # worked again, alone
    assert Case.objects.get(pk=removed.pk).joint_handling_id is None
    assert set(j.steps.values_list("step", flat=True)) >= {JointEvent.LEFT, JointEvent.REMOVE}
