"""A choice's label follows the reader's language everywhere it is shown (core.models.BaseModel),
not only where a template remembered to translate it."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.services import NewCase


def test_get_display_answers_in_the_active_language(db) -> None:
    case = Case(kind=Kind.DEMAND, status="submitted", urgency="same_day")
    assert (case.get_kind_display(), case.get_urgency_display()) == ("诉求", "日清日结")
    with translation.override("en"):
        assert case.get_kind_display() == "Demand"
        assert case.get_status_display() == "Awaiting acceptance"
    # A value with no label is shown as stored, in either language.
    with translation.override("en"):
        assert Case(kind="unknown").get_kind_display() == "unknown"


def test_the_case_list_in_english_shows_kinds_and_statuses_in_english(cast) -> None:
    finance = CaseCategory.objects.get(name="融资", parent=None)
    services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="续贷", description="先还后贷", category_id=finance.pk),
    )
    client = Client()
    client.force_login(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/cases/?tab=all").content.decode()
    assert ">Demand<" in page and "Awaiting acceptance" in page
    assert ">诉求<" not in page


def test_a_forms_choices_follow_the_language(cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/cases/new").content.decode()
    assert 'value="same_day"' in page and ">日清日结<" not in page


def test_the_visit_lists_kind_tabs_follow_the_language(cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/visits/").content.decode()
    assert ">Symposium</a>" in page
    assert ">座谈会</a>" not in page
