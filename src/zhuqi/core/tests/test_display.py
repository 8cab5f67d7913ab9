"""What people read where the database keeps codes: the audit page, a case's timeline, and the
figures, through one formatter (core.display) driven by each model's field metadata."""

from __future__ import annotations

import datetime
import re
import sys
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

from django.apps import apps
from django.test import Client

import zhuqi
from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseCategory, Complexity, Kind
from zhuqi.cases.services import NewCase
from zhuqi.core import display
from zhuqi.core.filtersets import AUDITED_APPS
from zhuqi.core.models import AuditEntry
from zhuqi.core.templatetags.zhuqi import number
from zhuqi.enterprises.models import Enterprise

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_choice_shows_its_label_a_key_its_name_a_time_its_local_time(db) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    assert display.display_value(Case, "complexity", "simple") == "简单"
    assert display.display_value(Case, "category", finance.pk) == "融资"
    assert display.display_value(Case, "category", str(finance.pk)) == "融资"
    assert display.display_value(Case, "deadline", "2026-12-11T23:59:59+08:00") == "2026-12-11 23:59"
    assert display.display_value(Case, "deadline", "2026-12-11T15:59:59+00:00") == "2026-12-11 23:59"
    # A deadline given as a day (an approved extension) stays a day.
    assert display.display_value(Case, "deadline", "2026-12-11") == "2026-12-11"
    assert display.display_value(Case, "extension_requested_deadline", "2026-12-11") == "2026-12-11"
    assert display.display_value(Case, "description", None) == "—"
    assert display.display_value(Case, "description", "") == "—"
    assert display.display_value(Case, "flagged_for_notice", True) == "是"
    assert display.display_value(Enterprise, "revenue", "6390.45") == "6,390.45"
    # A many-to-many (the co-departments) by the departments' names; a deleted one by its key.
    assert display.display_value(Case, "category", 987654) == "#987654"
    # Keys the model does not know are shown by their type, never as raw codes.
    assert display.display_value(Case, "unknown", "2026-12-11T23:59:59+08:00") == "2026-12-11 23:59"
    assert display.display_value(Case, "unknown", [["验收", "2026-05-01"]]) == "验收 2026-05-01"


def test_an_enterprise_size_basis_reads_as_words_not_keys(db) -> None:
    basis = {
        "sector": "industry",
        "sector_name": "工业",
        "figures": {"employees": "50"},
        "rule": "国统字〔2017〕213号",
    }
    assert display.display_value(Enterprise, "size_basis", basis) == "工业 · 国统字〔2017〕213号"


def test_english_mode_translates_the_labels_too(db) -> None:
    # The labels go through the catalogue when shown (the catalogue itself is checked below and
    # by test_translations once regenerated).
    with patch("zhuqi.core.display.gettext", lambda text: f"en:{text}"):
        assert display.display_value(Case, "complexity", Complexity.COMPLEX) == "en:复杂"
        assert display.source_label("web") == "en:网页"


def test_every_choice_label_has_its_english() -> None:
    sys.path.insert(0, str(Path(zhuqi.__file__).parents[2] / "scripts"))
    from translations_en import ENGLISH

    labels = {
        str(label)
        for model in apps.get_models()
        if model._meta.app_label in AUDITED_APPS
        for field in model._meta.get_fields()
        for _, label in getattr(field, "flatchoices", None) or []
    }
    assert sorted(label for label in labels if label not in ENGLISH) == []


def test_figures_have_thousands_separators() -> None:
    assert number(300000) == "300,000"
    assert number(Decimal("85000.00")) == "85,000"
    assert number(Decimal("6390.456")) == "6,390.46"
    assert number(Decimal("8.50")) == "8.5"
    assert number(None) == "—"
    assert display.format_number(1234567.0) == "1,234,567"


def test_the_audit_page_shows_labels_names_and_local_times(cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    case = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="续贷困难", description="先还后贷。", category_id=finance.pk),
    )
    services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case.refresh_from_db()
    services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
    )
    page = client_for(cast.auditor).get("/audit/?object_type=cases.case").content.decode()
    changes = page[page.index("<tbody>") :]
    assert (
        "<b>复杂程度</b>：<ins>简单</ins>" in changes
        and "<b>状态</b>：<del>已受理</del> → <ins>已交办</ins>" in changes
    )
    assert "融资" in changes and cast.handler.department.name in changes
    for raw in ("simple", "complex", "submitted", "∅", f"类别</b>：<ins>{finance.pk}<"):
        assert raw not in changes, raw
    assert not ISO_MOMENT.search(changes)
    assert "(web)" not in changes


def test_the_case_timeline_shows_the_deadline_in_local_time(cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    case = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="续贷困难", description="先还后贷。", category_id=finance.pk),
    )
    services.case_accept(actor=cast.coordinator, case_id=case.pk, expected_version=case.version)
    case.refresh_from_db()
    services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=cast.handler.department_id,
        deadline=datetime.date(2030, 12, 11),
    )
    page = client_for(cast.coordinator).get(f"/cases/{case.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert not ISO_MOMENT.search(timeline)
    # Due at the day's end: the day alone, as a person gives a deadline.
    assert "办理时限：2030-12-11<" in timeline


def test_history_values_are_fetched_once_per_related_model(cast, django_assert_max_num_queries) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    for n in range(5):
        services.case_create(
            actor=cast.enterprise_user,
            data=NewCase(kind=Kind.DEMAND, title=f"诉求{n}", description="说明", category_id=finance.pk),
        )
    from zhuqi.core.audit import with_visible_changes

    entries = AuditEntry.objects.filter(content_type__model="case").select_related("content_type")
    with django_assert_max_num_queries(6):
        shown = with_visible_changes(entries, show_personal=True)
    assert all("融资" in [new for _, _, new in entry.visible_changes] for entry in shown)
