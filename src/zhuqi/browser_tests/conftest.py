"""Browser tests: the real server (`zhuqi run`, demo data, its own SQLite) in a subprocess, and
Debian's chromium driven headless by Playwright. No browser is downloaded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# The running server's environment, for a test that prepares records in its database.
_SERVER_ENV: dict[str, str] = {}


def server_shell(code: str) -> str:
    """Run `code` in a Django shell on the browser tests' server database (`zhuqi shell -c`) and
    return what it printed: a test that needs records the demo data lacks makes them here, through
    the services, as the real server would."""
    result = subprocess.run(
        [sys.executable, "-m", "zhuqi.cli", "shell", "-c", code],
        env=_SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium (scripts/ensure-chromium)"
        )
    var_dir = tmp_path_factory.mktemp("server-var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ZHUQI_TESTING", "ZHUQI_DEBUG")}
    env.update(ZHUQI_VAR_DIR=str(var_dir), ZHUQI_SECRET_KEY="browser-test-key", PYTHONUNBUFFERED="1")
    # The local robots (zhuqi.testing.robots) stand for WeCom's and DingTalk's hosts.
    env.update(ZHUQI_ROBOT_HOSTS="127.0.0.1,qyapi.weixin.qq.com,oapi.dingtalk.com")
    _SERVER_ENV.clear()
    _SERVER_ENV.update(env)
    log = (var_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "zhuqi.cli", "run", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # Migrations, the reference data and the demo take ~30 s alone; a shared machine under load has
    # taken four times that.
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)  # noqa: S310 - our own server
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("server did not start:\n" + (var_dir / "server.log").read_text())
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


# Per module, not per session: Playwright's sync API keeps an event loop running in the thread
# while it is open, and Django refuses database work from a thread with a running loop, so the
# loop must be gone before the worker moves on to another file's tests.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh browser context per test. Any request that leaves the machine fails the test:
    the app must work on an intranet with no internet."""
    context = browser.new_context(base_url=server, locale="zh-CN")
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert outside == [], f"requests left the machine: {outside}"


# The demo accounts' password (zhuqi.demo.dataset.DEMO_PASSWORD; that module needs Django set up).
DEMO_PASSWORD = "zhuqi-demo"


def log_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/login/" not in url)
