"""Fixtures every app's tests share: reference data loaded once per test database, and a fixed
cast of users, one per role, placed in the demo's regions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from zhuqi.testing.factories import Cast, make_cast

# The machines that run the suite are shared (other jobs, two test processes): a property is
# judged on its examples, not on how fast a loaded machine draws or runs them.
settings.register_profile("zhuqi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("zhuqi")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    # Regions and industries are read by nearly every test; loading them per test would cost
    # seconds each. Tests run in transactions rolled back at the end, so this stays intact.
    from zhuqi.directory import services

    with django_db_blocker.unblock():
        services.load_regions()
        services.load_industries()


@pytest.fixture(autouse=True)
def _process_caches_dropped() -> None:
    """Each test reads reference data from the database it made, not from what an earlier test's
    page kept (core.process_cache: a rolled-back transaction sends no signal to drop it)."""
    from zhuqi.core.process_cache import ProcessCache

    ProcessCache.drop_all()


@pytest.fixture
def cast(db: Any) -> Cast:
    return make_cast()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts and ends in the default language: a page requested in English leaves
    English active in the thread (LocaleMiddleware does not switch back), which would otherwise
    reach whichever test runs next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_logins_pass_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's test Client.login() calls authenticate() without a request, which the login
    throttle (django-axes) refuses to judge: give it one, so that a test's logins are counted
    like anyone's (each test's attempts vanish with its transaction)."""
    from django.http import HttpRequest
    from django.test import Client

    original = Client.login

    def login(self: Client, **credentials: Any) -> bool:
        credentials.setdefault("request", HttpRequest())
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)
