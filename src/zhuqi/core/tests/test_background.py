from __future__ import annotations

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from zhuqi.cases import services
from zhuqi.cases.models import CaseCategory, Kind, Timeliness
from zhuqi.cases.services import NewCase
from zhuqi.core.background import enqueue_periodic, make_worker


def test_the_periodic_tasks_are_queued_and_run_by_the_database_worker(cast, monkeypatch) -> None:
    # The worker drops stale connections between tasks; here that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    case = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(
            kind=Kind.DEMAND,
            title="用地指标",
            description="d",
            category_id=CaseCategory.objects.get(name="用地").pk,
        ),
    )
    # Already past its clock, as if submitted long ago.
    type(case).objects.filter(pk=case.pk).update(due_at=case.submitted_at.replace(year=2020))
    # The deadline sweep, the notification outbox, the import jobs' sweep, the policies'
    # re-match of enterprises written in bulk and the dispatch sweep (snapshots, stalled briefings).
    assert enqueue_periodic() == 5
    assert DBTaskResult.objects.filter(status="READY").count() == 5
    make_worker("test", batch=True).run()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    case.refresh_from_db()
    assert case.timeliness == Timeliness.RED
