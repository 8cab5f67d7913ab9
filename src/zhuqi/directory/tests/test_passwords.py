"""Password rules wherever a password is set, the account page, and an admin's forced reset."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhuqi.core.models import ApiToken, AuditEntry
from zhuqi.directory.models import User
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import PASSWORD, Cast

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tea garden 4 river"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1", "至少需要 8 个字符"),
        ("password", "这个密码太常见了"),
        ("12345678", "密码只包含数字"),
        ("weakling-admin", "太相似"),
    ],
)
def test_createuser_refuses_weak_passwords_in_chinese(password: str, reason: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("createuser", "weakling-admin", "--role", "admin", "--password", password)
    assert reason in str(refused.value)
    assert not User.objects.filter(username="weakling-admin").exists()


def test_createuser_accepts_a_good_password() -> None:
    call_command("createuser", "strong-admin", "--role", "admin", "--password", NEW_PASSWORD)
    assert User.objects.get(username="strong-admin").check_password(NEW_PASSWORD)


def test_the_account_page_is_in_everyones_menu(cast: Cast) -> None:
    for role in ("admin", "auditor", "leader", "coordinator", "handler", "liaison", "enterprise"):
        client = Client()
        client.force_login(cast.by_role(role))
        assert 'data-testid="nav-account"' in client.get("/").content.decode(), role
        assert client.get("/account/").status_code == 200, role


def test_changing_ones_own_password(cast: Cast) -> None:
    user = cast.handler
    api = token_client(user.username)
    other_browser = Client()
    other_browser.force_login(user)
    client = Client()
    client.force_login(user)

    wrong = client.post(
        "/account/",
        {"current_password": "nope", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "当前密码不正确" in wrong.content.decode()
    weak = client.post(
        "/account/",
        {"current_password": PASSWORD, "new_password": "12345678", "new_password_again": "12345678"},
    )
    assert weak.status_code == 422
    assert "密码只包含数字" in weak.content.decode()
    mismatch = client.post(
        "/account/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "x"}
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()

    done = client.post(
        "/account/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This browser stays in; the other session and every token are gone.
    assert client.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302
    assert api.get("/api/v1/auth/tokens").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    entry = AuditEntry.objects.filter(object_id=str(user.pk), action=AuditEntry.Action.UPDATE).latest("id")
    assert "password" in entry.changes and NEW_PASSWORD not in json.dumps(entry.changes)


def test_a_forced_reset_sends_the_user_to_the_password_form_and_the_api_refuses(cast: Cast) -> None:
    user = cast.coordinator
    api = token_client(user.username)
    browser = Client()
    browser.force_login(user)
    call_command("resetpassword", user.username)

    assert not ApiToken.objects.filter(user=user).exists()
    page = browser.get("/cases/")
    assert page.status_code == 302 and page["Location"] == "/account/"
    form = browser.get("/account/").content.decode()
    assert "系统管理员要求您设置新密码" in form
    assert "current_password" not in form
    # A fresh token is refused with a reason, and so is the session on the API.
    fresh = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": user.username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert fresh.status_code == 403
    assert "我的账号" in fresh.json()["detail"]
    assert browser.get("/api/v1/enterprises").status_code == 403
    assert api.get("/api/v1/enterprises").status_code == 401  # its token was revoked

    done = browser.post("/account/", {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser.get("/cases/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_an_admin_forces_a_reset_from_the_user_list(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    response = client.post(
        "/admin/directory/user/", {"action": "force_password_reset", "_selected_action": [cast.liaison.pk]}
    )
    assert response.status_code == 302
    cast.liaison.refresh_from_db()
    assert cast.liaison.must_change_password
    entry = AuditEntry.objects.filter(object_id=str(cast.liaison.pk)).latest("id")
    assert entry.actor_name == cast.admin.username
    assert entry.changes["must_change_password"] == [False, True]


def test_only_an_admin_forces_a_reset(cast: Cast) -> None:
    from zhuqi.core.errors import PermissionDenied
    from zhuqi.directory import services

    with pytest.raises(PermissionDenied):
        services.password_reset_force(actor=cast.coordinator, user=cast.handler)


def test_while_a_reset_is_pending_the_menu_offers_only_the_account_page(cast: Cast) -> None:
    call_command("resetpassword", cast.handler.username)
    client = Client()
    client.force_login(cast.handler)
    page = client.get("/account/").content.decode()
    assert 'data-testid="nav-account"' in page
    assert 'href="/cases/"' not in page


def test_the_admins_change_password_link_leads_to_the_account_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/account/"
