"""The visit list counts each visit's cases for its page only, in a number of queries that does
not grow with the visits (bench/visits_bench.py measures it at 100k visits)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhuqi.cases.models import Case, CaseCategory, Status
from zhuqi.testing.factories import Cast, DepartmentFactory, OfficialFactory, PostFactory
from zhuqi.visits import services
from zhuqi.visits.services import Attendance, SaidThere, VisitData


def _visits(cast: Cast, lead: Any, count: int, said: int, from_day: int = 0) -> list[int]:
    """`count` one-day visits on successive days from 2026-06-01 + `from_day` (one a day, so none
    looks like a second record of another)."""
    finance = CaseCategory.objects.get(name="融资", parent=None)
    made = []
    for n in range(from_day, from_day + count):
        result = services.visit_create(
            actor=cast.coordinator,
            data=VisitData(
                kind="inspection",
                title=f"调研{n}",
                start_date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n),
                end_date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n),
                lead_official_ids=[lead.pk],
                place_codes=["150581"],
                attendance=[Attendance(enterprise_id=cast.home.pk)],
            ),
            said=[
                SaidThere(kind="instruction", title=f"要求{k}", category_id=finance.pk) for k in range(said)
            ],
        )
        made.append(result.visit.pk)
    return made


def test_the_list_counts_cases_per_visit_in_fixed_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    lead = OfficialFactory(name="孟宪东")
    PostFactory(official=lead, department=DepartmentFactory(name="通辽市委"), title="书记")
    first, _ = _visits(cast, lead, 2, said=3)
    # Two of the first visit's three cases are closed; the second's are all open.
    Case.objects.filter(pk__in=Case.objects.filter(visit_id=first).values("pk")[:2]).update(
        status=Status.CLOSED
    )
    client = Client()
    client.force_login(cast.leader)

    def rows(address: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(address).content.decode()
        assert not any(
            "GROUP BY" in q["sql"] and "visits_visit" in q["sql"] for q in captured.captured_queries
        )
        return len(captured), body

    queries, body = rows(f"/visits/?official={lead.pk}")
    assert body.count('data-testid="visit-progress">') == 2
    assert 'data-testid="visit-progress">2 / 3<' in body and 'data-testid="visit-progress">0 / 3<' in body
    _visits(cast, lead, 5, said=1, from_day=2)
    more, body = rows(f"/visits/?official={lead.pk}")
    assert body.count('data-testid="visit-progress">') == 7 and 'data-testid="visit-progress">0 / 1<' in body
    assert more == queries
    # session, user, official, count, notices, posts, page, the cases reached from outside the
    # jurisdiction (CaseReach), case counts, participants, officials
    with django_assert_num_queries(11):
        client.get(f"/visits/?official={lead.pk}")
    # A visit with no case shows 0 / 0, and the list without a filter is counted the same way.
    _visits(cast, lead, 1, said=0, from_day=7)
    body = client.get("/visits/").content.decode()
    assert 'data-testid="visit-progress">0 / 0<' in body and body.count('data-testid="visit-progress">') == 8
