"""Two handlers answer the same case at the same moment, from two real processes on PostgreSQL:
one answer is recorded, the other is refused as stale with the case's current state, and
neither overwrites the other.

Each side runs in its own process (race_worker.py) with its own database connection. Both read
the case at the same version and meet at a barrier before either writes; the first to lock the
case then keeps its transaction open until the database shows the other waiting for that row
lock, so the two steps overlap every time rather than by luck of timing.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from zhuqi.cases import services
from zhuqi.cases.models import Case, Status
from zhuqi.cases.tests import race_worker
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.models import AuditEntry
from zhuqi.core.roles import Role
from zhuqi.testing.factories import make_user

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "PostgreSQL only, by design (CI runs it): the race is between two processes on one row "
            "lock (SELECT … FOR UPDATE). SQLite has no row locks, and its test database lives in "
            "the test process's memory, out of another process's reach."
        ),
    ),
    # The sides must see what the test wrote: committed data, not a transaction rolled back.
    pytest.mark.django_db(transaction=True),
]

AUDIT_TABLE = "core_auditentry"
TRUNCATE_GUARD = "core_auditentry_no_truncate"  # core/migrations/0003_audit_append_only.py
SNAPSHOT = "race_snapshot"  # a schema in the test database, for the module's lifetime


@pytest.fixture(scope="module")
def database_snapshot(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[str]]:
    """A transactional test ends by emptying every table, and the tests this process runs
    next expect the regions and industries loaded once per session, the categories the
    migrations seed and the content types as they were. Copy every table now, put the copy
    back before each test here and after the last one.

    The audit table refuses TRUNCATE, which is how the database is emptied (Django's flush,
    and the restore): that guard is lifted in this throwaway test database while the module
    runs. The per-row guard against UPDATE and DELETE stays on."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        tables = sorted(connection.introspection.django_table_names(only_existing=True))
        cursor.execute(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {TRUNCATE_GUARD}")
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE; CREATE SCHEMA {SNAPSHOT}")
        for table in tables:
            cursor.execute(f'CREATE TABLE {SNAPSHOT}."{table}" AS TABLE public."{table}"')
    yield tables
    with django_db_blocker.unblock():
        restore(tables)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {SNAPSHOT} CASCADE")
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {TRUNCATE_GUARD}")


def restore(tables: list[str]) -> None:
    """Every table as the snapshot has it, in one transaction (foreign keys are deferred)."""
    # Table names from Django's introspection, not from input.
    quoted = ", ".join(f'public."{table}"' for table in tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted}")
        for table in tables:
            # Generated columns (the word search's search_vector) are computed again, not copied:
            # PostgreSQL refuses a value for them.
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
            cursor.execute(
                f'INSERT INTO public."{table}" ({columns}) SELECT {columns} FROM {SNAPSHOT}."{table}"'  # noqa: S608
            )


@pytest.fixture
def restored(database_snapshot: list[str], transactional_db: None) -> None:
    restore(database_snapshot)


@pytest.fixture
def assigned_case(restored, cast, finance) -> Case:
    """A demand assigned to the handler's department, which has a second handler."""
    make_user("handler2", Role.HANDLER, department=cast.handler.department)
    case = file_demand(cast, finance)
    return services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )


ANSWERS = {"handler": "已协调农商行办理无还本续贷。", "handler2": "已转请财政局研究贴息。"}


def race(case: Case, via: str) -> list[dict[str, Any]]:
    """Both handlers answer the case at once; each side's outcome, in the order handler, handler2."""
    database = {key: connection.settings_dict[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    backend_pids = context.Array("i", 2)
    results = context.Queue()
    processes = [
        context.Process(
            target=race_worker.take_step,
            args=(
                race_worker.Side(index, database, username, case.pk, answer, via),
                barrier,
                backend_pids,
                results,
            ),
        )
        for index, (username, answer) in enumerate(ANSWERS.items())
    ]
    for process in processes:
        process.start()
    try:
        outcomes: dict[int, dict[str, Any]] = {}
        for _ in processes:
            index, outcome = results.get(timeout=3 * race_worker.PATIENCE_SECONDS)
            outcomes[index] = outcome
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
    errors = [o["traceback"] for o in outcomes.values() if o["outcome"] == "error"]
    assert not errors, "\n".join(errors)
    return [outcomes[0], outcomes[1]]


def assert_one_answer_recorded(case: Case, outcomes: list[dict[str, Any]], refused: str) -> dict[str, Any]:
    """Exactly one side's answer is on the case, once; returns the refused side's outcome."""
    version = case.version
    assert [o["read_version"] for o in outcomes] == [version, version]  # both read the same version
    done = [o for o in outcomes if o["outcome"] == "done"]
    lost = [o for o in outcomes if o["outcome"] == refused]
    assert (len(done), len(lost)) == (1, 1), outcomes
    # The winner held its lock until the loser was queued behind it: a real overlap.
    assert done[0]["other_waited_for_the_lock"] is True
    winner = list(ANSWERS)[outcomes.index(done[0])]

    case.refresh_from_db()
    assert case.version == version + 1 == done[0]["new_version"]
    assert (case.status, case.answer) == (Status.ANSWERED, ANSWERS[winner])
    assert list(case.steps.values_list("step", "actor__username")) == [
        ("submit", "enterprise"),
        ("assign", "coordinator"),
        ("answer", winner),
    ]
    audited = AuditEntry.objects.filter(content_type__model="case", object_id=str(case.pk))
    assert list(audited.filter(actor_name__in=ANSWERS).values_list("actor_name", flat=True)) == [winner]
    return lost[0]


def test_two_handlers_answer_at_once_one_is_refused_as_stale(assigned_case) -> None:
    outcomes = race(assigned_case, via="service")
    lost = assert_one_answer_recorded(assigned_case, outcomes, refused="stale")
    assert lost["current"] == {
        "id": assigned_case.pk,
        "version": assigned_case.version,
        "status": "answered",
        "status_label": "已答复待评价",
    }


def test_through_the_api_the_refused_handler_gets_409_with_the_current_state(assigned_case) -> None:
    outcomes = race(assigned_case, via="api")
    lost = assert_one_answer_recorded(assigned_case, outcomes, refused="refused")
    assert lost["status_code"] == 409 and lost["body"]["code"] == "stale"
    current = lost["body"]["current"]
    assert {key: current[key] for key in ("id", "version", "status")} == {
        "id": assigned_case.pk,
        "version": assigned_case.version,
        "status": "answered",
    }
    assert lost["body"]["current_version"] == assigned_case.version
