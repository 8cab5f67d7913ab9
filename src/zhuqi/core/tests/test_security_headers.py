"""Every response carries the strict Content-Security-Policy and the other security headers: the
pages each role opens, the partials htmx swaps in, the login, error pages, the API and files."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from zhuqi.core import navigation
from zhuqi.core.roles import Role
from zhuqi.testing.factories import Cast

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy_of(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.status_code} {response.get('Content-Type')}: no Content-Security-Policy"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


def assert_protected(response: HttpResponse, where: str) -> None:
    assert policy_of(response) == EXPECTED_POLICY, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    if "text/html" in response.get("Content-Type", ""):
        assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_a_role_opens_carries_the_policy(cast: Cast, role: str) -> None:
    client = Client()
    user = cast.by_role(role)
    client.force_login(user)
    opened = 0
    for page in navigation.PAGES:
        url = page.url()
        response = client.get(url)
        assert_protected(response, f"{role} {url}")
        if navigation.may_open(user, page.name):
            opened += 1
            assert response.status_code in (200, 302), (role, url, response.status_code)
    assert opened >= 4
    # What the pages link to: an enterprise, a case search swapped in by htmx, the notices.
    own = client.get(reverse("enterprise-detail", args=[cast.home.pk]))
    assert_protected(own, f"{role} enterprise")
    partial = client.get("/cases/?q=x", headers={"HX-Request": "true", "HX-Target": "results"})
    assert_protected(partial, f"{role} htmx partial")
    assert_protected(client.get(reverse("notice-list")), f"{role} notices")


def test_the_region_tree_partial_carries_the_policy(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get("/regions/150581/children", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_protected(response, "region children")


def test_pages_before_login_errors_api_and_files_carry_the_policy(cast: Cast) -> None:
    anonymous = Client()
    assert_protected(anonymous.get("/login/"), "login")
    assert_protected(anonymous.get("/"), "redirect to login")
    assert_protected(anonymous.get("/no-such-page/"), "404")
    assert_protected(anonymous.get("/api/v1/enterprises"), "API 401")
    assert_protected(anonymous.get("/api/v1/openapi.json"), "API schema")
    # Files are served by whitenoise ahead of Django's clickjacking middleware; the policy's
    # frame-ancestors 'none' covers them.
    static = anonymous.get("/static/zhuqi/zhuqi.css")
    assert static.status_code == 200 and policy_of(static) == EXPECTED_POLICY
    signed_in = Client()
    signed_in.force_login(cast.enterprise_user)
    assert_protected(signed_in.get("/regions/"), "404 for a role the page is not for")
    assert_protected(signed_in.get("/api/v1/enterprises"), "API list")


def test_a_server_error_page_carries_the_policy_and_needs_no_inline_style(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhuqi.overview import views

    def broken(*args: object, **kwargs: object) -> HttpResponse:
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "render", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.coordinator)
    response = client.get("/")
    assert response.status_code == 500
    assert_protected(response, "500")
    page = response.content.decode()
    assert "系统出错" in page and "style=" not in page and "/static/zhuqi/error.css" in page
