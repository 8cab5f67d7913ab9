"""Login throttling (django-axes): lockouts per account and per address, on the login page and at
the token endpoint, the time the person is told, unlocking, and the audit trail."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from zhuqi.core.models import AuditEntry
from zhuqi.testing.factories import PASSWORD, Cast

pytestmark = pytest.mark.django_db

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


def token_request(username: str, password: str, address: str = "10.0.0.1", **headers: str) -> Any:
    return Client(REMOTE_ADDR=address, headers=headers).post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def page_login(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def test_the_nth_wrong_password_locks_the_account_at_the_api_even_for_the_right_password(cast: Cast) -> None:
    username = cast.handler.username
    for _ in range(ACCOUNT_LIMIT - 1):
        assert token_request(username, "wrong").status_code == 401
    locked = token_request(username, "wrong")
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out"
    assert "以后再试" in body["detail"]
    retry_after = int(locked["Retry-After"])
    assert 14 * 60 <= retry_after <= 15 * 60
    retry_at = datetime.datetime.fromisoformat(body["retry_at"])
    assert abs((retry_at - timezone.now()).total_seconds() - retry_after) < 5
    # The right password is refused too while the lockout lasts, and the time told does not move.
    right = token_request(username, PASSWORD)
    assert right.status_code == 429
    assert "token" not in right.json()
    assert right.json()["retry_at"] == body["retry_at"]


def test_after_the_cool_off_the_right_password_works_again(cast: Cast) -> None:
    username = cast.handler.username
    for _ in range(ACCOUNT_LIMIT):
        token_request(username, "wrong")
    assert token_request(username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert token_request(username, PASSWORD).status_code == 200


def test_the_login_page_says_when_to_try_again(cast: Cast) -> None:
    username = cast.coordinator.username
    for _ in range(ACCOUNT_LIMIT - 1):
        response = page_login(username, "wrong")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    locked = page_login(username, "wrong")
    assert locked.status_code == 429
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    text = locked.content.decode()
    assert "请于" in text and "以后再试" in text
    assert until.strftime("%H:") in text
    assert locked["Retry-After"]
    # The right password: still the same page, not a session.
    refused = page_login(username, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session


def test_a_password_sprayed_from_many_addresses_still_locks_the_account(cast: Cast) -> None:
    username = cast.leader.username
    for n in range(ACCOUNT_LIMIT):
        token_request(username, "wrong", address=f"10.1.0.{n + 1}")
    assert token_request(username, PASSWORD, address="10.9.9.9").status_code == 429
    # Another account, from the same addresses, is not affected.
    assert token_request(cast.auditor.username, PASSWORD, address="10.1.0.1").status_code == 200


def test_one_address_trying_many_accounts_is_locked_at_its_own_higher_limit(cast: Cast) -> None:
    for n in range(ADDRESS_LIMIT - 1):
        assert token_request(f"guess{n}", "wrong", address="10.2.0.1").status_code == 401
    # Below its limit an office's shared address still lets its people in.
    assert token_request(cast.auditor.username, PASSWORD, address="10.2.0.1").status_code == 200
    assert token_request("guess-last", "wrong", address="10.2.0.1").status_code == 429
    assert token_request(cast.auditor.username, PASSWORD, address="10.2.0.1").status_code == 429
    # The same accounts from elsewhere are not.
    assert token_request(cast.auditor.username, PASSWORD, address="10.3.0.1").status_code == 200


def test_unlock_command_lifts_the_lockout_and_everything_is_in_the_audit_trail(cast: Cast) -> None:
    username = cast.handler.username
    for _ in range(ACCOUNT_LIMIT):
        token_request(username, "wrong", address="10.4.0.1")
    page_login(username, PASSWORD, address="10.4.0.1")
    call_command("unlock", username)
    assert token_request(username, PASSWORD, address="10.4.0.1").status_code == 200

    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, object_id=str(cast.handler.pk))
    assert failed.count() == ACCOUNT_LIMIT  # 4 counted failures, then the refused right password
    assert {entry.source for entry in failed} == {"api", "web"}
    assert all(entry.changes["ip_address"] == [None, "10.4.0.1"] for entry in failed)
    assert all(entry.actor_name == "10.4.0.1" for entry in failed)
    counted = sorted(entry.changes["failures"][1] for entry in failed if "failures" in entry.changes)
    assert counted == [1, 2, 3, 4]
    refused = [entry for entry in failed if "while_locked" in entry.changes]
    assert len(refused) == 1 and refused[0].source == "web"
    lockout = AuditEntry.objects.get(action=AuditEntry.Action.LOCKED_OUT, object_id=str(cast.handler.pk))
    assert "locked_until" in lockout.changes
    assert lockout.changes["failures"] == [None, ACCOUNT_LIMIT]
    unlock = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCKED, object_id=str(cast.handler.pk))
    assert unlock.source == "command"
    assert unlock.changes["removed_failures"] == [None, 1]


def test_an_unknown_username_is_recorded_as_typed() -> None:
    token_request("nobody-here", "wrong")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.object_repr == "nobody-here"
    assert entry.object_id == ""


def test_the_audit_page_shows_login_events_in_words(cast: Cast) -> None:
    token_request(cast.handler.username, "wrong", address="10.5.0.1")
    client = Client()
    client.force_login(cast.admin)
    text = client.get("/audit/").content.decode()
    assert "登录失败" in text
    assert "来源地址" in text and "10.5.0.1" in text
    assert "ip_address" not in text


def test_an_admin_unlocks_from_the_user_list(cast: Cast) -> None:
    for _ in range(ACCOUNT_LIMIT):
        token_request(cast.handler.username, "wrong")
    client = Client()
    client.force_login(cast.admin)
    response = client.post(
        "/admin/directory/user/",
        {"action": "unlock_logins", "_selected_action": [cast.handler.pk]},
    )
    assert response.status_code == 302
    assert token_request(cast.handler.username, PASSWORD).status_code == 200
    unlock = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCKED)
    assert unlock.actor_name == cast.admin.username


def test_a_proxy_header_is_believed_only_when_configured(cast: Cast) -> None:
    username = cast.handler.username
    forwarded = {"X-Forwarded-For": "203.0.113.7, 198.51.100.9"}
    token_request(username, "wrong", address="10.6.0.1", **forwarded)
    assert AccessAttempt.objects.get().ip_address == "10.6.0.1"
    AccessAttempt.objects.all().delete()
    with override_settings(ZHUQI_CLIENT_IP_HEADER="X-Forwarded-For"):
        token_request(username, "wrong", address="10.6.0.1", **forwarded)
    # The last hop is what our own proxy saw; the ones before it are the client's to invent.
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"


@override_settings(ZHUQI_LOGIN_FAILURES_PER_ACCOUNT=2, AXES_FAILURE_LIMIT=2)
def test_the_limits_are_settings(cast: Cast) -> None:
    token_request(cast.handler.username, "wrong")
    assert token_request(cast.handler.username, "wrong").status_code == 429
