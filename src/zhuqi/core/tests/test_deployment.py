"""The production configuration the README documents passes Django's deployment checks with no
warning, and each HTTPS variable reaches the setting it names. Run as `zhuqi` subprocesses: the
settings are read from the environment once, when the process starts."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# As in the README ("Serving over HTTPS"): a TLS-terminating proxy in front that sets
# X-Forwarded-Proto on what it forwards.
PRODUCTION = {
    "ZHUQI_HTTPS": "true",
    "ZHUQI_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "ZHUQI_ALLOWED_HOSTS": "zhuqi.example.gov.cn",
    "ZHUQI_CSRF_TRUSTED_ORIGINS": "https://zhuqi.example.gov.cn",
}


def zhuqi(tmp_path: Path, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Nothing of the test run's own configuration leaks in (ZHUQI_TESTING, a PostgreSQL URL …).
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUQI_") and k != "DATABASE_URL"}
    env.update(ZHUQI_VAR_DIR=str(tmp_path / "var"), ZHUQI_SECRET_KEY=secrets.token_urlsafe(50))
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "zhuqi.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def settings_under(tmp_path: Path, environment: dict[str, str]) -> dict[str, object]:
    names = [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = zhuqi(tmp_path, environment, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_documented_production_configuration_passes_check_deploy(tmp_path: Path) -> None:
    result = zhuqi(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_without_https_the_deployment_check_names_what_is_missing(tmp_path: Path) -> None:
    result = zhuqi(tmp_path, {}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


def test_https_turns_on_the_redirect_secure_cookies_and_a_year_of_hsts(tmp_path: Path) -> None:
    assert settings_under(tmp_path, PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_plain_http_by_default_and_each_hsts_choice_on_its_own(tmp_path: Path) -> None:
    assert settings_under(tmp_path, {}) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    chosen = settings_under(
        tmp_path,
        {
            "ZHUQI_HTTPS": "true",
            "ZHUQI_HSTS_SECONDS": "3600",
            "ZHUQI_HSTS_INCLUDE_SUBDOMAINS": "false",
            "ZHUQI_HSTS_PRELOAD": "false",
            "ZHUQI_PROXY_SSL_HEADER": "X-Forwarded-Ssl=on",
        },
    )
    assert chosen["SECURE_HSTS_SECONDS"] == 3600
    assert chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and chosen["SECURE_HSTS_PRELOAD"] is False
    assert chosen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]
    # The older variable still secures the cookies alone.
    cookies = settings_under(tmp_path, {"ZHUQI_SECURE_COOKIES": "true"})
    assert cookies["SESSION_COOKIE_SECURE"] is True and cookies["SECURE_SSL_REDIRECT"] is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ZHUQI_PROXY_SSL_HEADER", "X-Forwarded-Proto: https"), ("ZHUQI_HSTS_SECONDS", "a year")],
)
def test_a_mistyped_https_variable_stops_the_start_in_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = zhuqi(tmp_path, {"ZHUQI_HTTPS": "true", variable: value}, "check")
    assert result.returncode != 0
    assert variable in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_behind_the_proxy_https_requests_get_hsts_and_plain_ones_are_redirected(tmp_path: Path) -> None:
    # A real request through the middleware under the production environment: the proxy's header
    # is what tells the two apart, so a wrong ZHUQI_PROXY_SSL_HEADER would redirect for ever.
    # (The site's 404 page: a whole page with the language form's CSRF cookie, and no database.)
    code = """
import json
from django.test import Client
client = Client(HTTP_HOST="zhuqi.example.gov.cn")
plain = client.get("/no-such-page/")
proxied = client.get("/no-such-page/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security")],
    "csrf_cookie_secure": bool(proxied.cookies["csrftoken"]["secure"]),
}))
"""
    result = zhuqi(tmp_path, PRODUCTION, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "plain": [301, "https://zhuqi.example.gov.cn/no-such-page/"],
        "proxied": [404, "max-age=31536000; includeSubDomains; preload"],
        "csrf_cookie_secure": True,
    }
