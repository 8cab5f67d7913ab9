"""How a late case's escalation reads: a level (催办 → 督办 → 通报) and, apart from it, the working
days late, on every page and API field that shows them; and the migration that separated them."""

from __future__ import annotations

import datetime
import importlib
import io
from types import SimpleNamespace

import openpyxl
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseStep, Escalation
from zhuqi.cases.sweep import sweep
from zhuqi.cases.tests.test_workflow import file_demand
from zhuqi.core.workdays import SHANGHAI, WorkingCalendar
from zhuqi.testing.api import token_client


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def nineteen_days_late(cast, finance) -> Case:
    case = file_demand(cast, finance)
    case = services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    deadline = timezone.localtime(case.deadline).date()
    for late in (1, 3, 19):
        day = WorkingCalendar().add_working_days(deadline, late)
        sweep(now=datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI))
    case.refresh_from_db()
    assert (case.working_days_late, case.escalation_level) == (19, Escalation.NOTICE)
    return case


def test_pages_show_the_level_and_the_days_late_apart(cast, finance) -> None:
    case = nineteen_days_late(cast, finance)
    for url in ("/cases/?tab=all", f"/cases/{case.pk}/"):
        page = client_for(cast.coordinator).get(url).content.decode()
        assert "逾期 19 个工作日" in page and "通报" in page
        assert "19级" not in page and "第 19 级" not in page
    detail = client_for(cast.coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="escalation-level">通报（逾期 19 个工作日）' in detail
    # The timeline names each escalation by its level.
    assert "<b>催办</b>" in detail and "<b>督办</b>" in detail and "<b>通报</b>" in detail
    # The enterprise sees that its case is late, not how government offices escalate it.
    mine = client_for(cast.enterprise_user).get("/cases/?tab=all").content.decode()
    assert "逾期 19 个工作日" in mine and 'data-testid="escalation"' not in mine


def test_the_ledger_has_the_days_late_and_the_level_in_columns_of_their_own(cast, finance) -> None:
    case = nineteen_days_late(cast, finance)

    def ledger(user) -> dict[str, object]:
        sheet = openpyxl.load_workbook(io.BytesIO(client_for(user).get("/cases/ledger.xlsx").content)).active
        header, row = list(sheet.iter_rows(values_only=True))[:2]
        return dict(zip(header, row, strict=True))

    row = ledger(cast.coordinator)
    assert (row["编号"], row["逾期工作日数"], row["督办级别"]) == (case.pk, 19, "通报")
    row = ledger(cast.enterprise_user)
    assert (row["逾期工作日数"], row["督办级别"]) == (19, None)


def test_the_api_gives_the_level_as_a_choice_and_the_days_late_as_a_number(cast, finance) -> None:
    case = nineteen_days_late(cast, finance)
    body = token_client("coordinator").get(f"/api/v1/cases/{case.pk}").json()
    assert (body["escalation_level"], body["escalation_level_label"], body["working_days_late"]) == (
        "notice",
        "通报",
        19,
    )
    listed = token_client("coordinator").get("/api/v1/cases?open=true").json()["items"]
    assert [(c["escalation_level"], c["working_days_late"]) for c in listed] == [("notice", 19)]
    steps = token_client("coordinator").get(f"/api/v1/cases/{case.pk}/timeline").json()
    escalations = [s for s in steps if s["step"] == "escalate"]
    assert [(s["step_label"], s["data"]["level"]) for s in escalations] == [
        ("催办", "reminder"),
        ("督办", "supervision"),
        ("通报", "notice"),
    ]


def test_the_migration_turns_the_old_numbers_into_days_late_and_a_level(cast, finance) -> None:
    """The old escalation_level held the working days late; the migration keeps them as days late
    (a column rename) and works out the level, and rewrites the old escalation steps' wording."""
    migration = importlib.import_module("zhuqi.cases.migrations.0009_escalation_levels")
    # What the migration reads of its schema editor: the connection of the database it migrates.
    editor = SimpleNamespace(connection=connection)
    cases = []
    for days in (0, 1, 2, 3, 5, 6, 19):
        case = file_demand(cast, finance)
        Case.objects.filter(pk=case.pk).update(working_days_late=days, escalation_level="")
        cases.append(case.pk)
    old_step = CaseStep.objects.create(
        case_id=cases[-1],
        step="escalate",
        actor_name="系统",
        at=timezone.now(),
        comment="已超过时限（2026-11-11 23:59）19 个工作日，督办（第19级），列入调度会通报",
        data={"level": 19, "late_days": 19, "flagged_for_notice": True},
        internal=True,
    )
    migration.forwards(apps, editor)
    levels = dict(Case.objects.filter(pk__in=cases).values_list("working_days_late", "escalation_level"))
    assert levels == {
        0: "",
        1: "reminder",
        2: "reminder",
        3: "supervision",
        5: "supervision",
        6: "notice",
        19: "notice",
    }
    old_step.refresh_from_db()
    assert old_step.comment == "逾期 19 个工作日（时限 2026-11-11 23:59），列入调度会通报"
    assert old_step.data["level"] == "notice" and old_step.step_label == "通报"
    # Run again: nothing changes (the steps already carry their level by name).
    migration.forwards(apps, editor)
    old_step.refresh_from_db()
    assert old_step.data["level"] == "notice"
