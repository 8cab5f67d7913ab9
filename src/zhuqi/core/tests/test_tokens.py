"""API tokens: listed without their keys, revoked by their owner or an admin, not piling up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from zhuqi.core.models import ApiToken, AuditEntry
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def new_token(username: str, label: str = "", user_agent: str = "") -> str:
    headers = {"User-Agent": user_agent} if user_agent else {}
    response = Client(headers=headers).post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": PASSWORD, "label": label}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["expires_at"]
    return str(response.json()["token"])


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_user_lists_their_tokens_without_the_keys(cast: Cast) -> None:
    first = new_token(cast.handler.username, label="数据同步脚本")
    # Two scripts may share a User-Agent: an unnamed token replaces nothing.
    new_token(cast.handler.username, user_agent="curl/8.5")
    second = new_token(cast.handler.username, user_agent="curl/8.5")
    new_token(cast.coordinator.username)
    listed = bearer(second).get("/api/v1/auth/tokens").json()
    assert [(t["label"], t["current"]) for t in listed] == [
        ("curl/8.5", True),
        ("curl/8.5", False),
        ("数据同步脚本", False),
    ]
    assert first not in json.dumps(listed) and second not in json.dumps(listed)
    assert all(t["created_from"] == "127.0.0.1" and t["expires_at"] for t in listed)


def test_a_user_revokes_their_own_token_and_not_anothers(cast: Cast) -> None:
    mine = new_token(cast.handler.username, label="a")
    spare = new_token(cast.handler.username, label="b")
    theirs = new_token(cast.coordinator.username)
    their_id = ApiToken.objects.get(user=cast.coordinator).pk
    mine_id = ApiToken.objects.get(key_hash=ApiToken.hash(mine)).pk

    assert bearer(spare).delete(f"/api/v1/auth/tokens/{their_id}").status_code == 404
    assert bearer(theirs).get("/api/v1/auth/tokens").status_code == 200
    assert bearer(spare).delete(f"/api/v1/auth/tokens/{mine_id}").status_code == 204
    assert bearer(mine).get("/api/v1/auth/tokens").status_code == 401
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).latest("id")
    assert entry.actor_name == cast.handler.username and entry.object_id == str(mine_id)


def test_an_admin_revokes_anyones(cast: Cast) -> None:
    theirs = new_token(cast.coordinator.username)
    their_id = ApiToken.objects.get(user=cast.coordinator).pk
    admin = token_client(cast.admin.username)
    assert admin.delete(f"/api/v1/auth/tokens/{their_id}").status_code == 204
    assert bearer(theirs).get("/api/v1/auth/tokens").status_code == 401


def test_revoketokens_command_and_the_admin_action(cast: Cast) -> None:
    new_token(cast.handler.username, label="a")
    new_token(cast.handler.username, label="b")
    call_command("revoketokens", cast.handler.username)
    assert not ApiToken.objects.filter(user=cast.handler).exists()

    new_token(cast.liaison.username)
    client = Client()
    client.force_login(cast.admin)
    response = client.post(
        "/admin/core/apitoken/",
        {"action": "revoke", "_selected_action": [ApiToken.objects.get(user=cast.liaison).pk]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=cast.liaison).exists()


def test_logging_in_again_does_not_pile_up_tokens(cast: Cast) -> None:
    # A client that names itself replaces its own earlier token.
    old = new_token(cast.handler.username, label="nightly-sync")
    new = new_token(cast.handler.username, label="nightly-sync")
    assert ApiToken.objects.filter(user=cast.handler).count() == 1
    assert bearer(old).get("/api/v1/auth/tokens").status_code == 401
    assert bearer(new).get("/api/v1/auth/tokens").status_code == 200
    # Unnamed logins stop at the cap, the least recently used going first.
    with override_settings(ZHUQI_TOKEN_MAX_PER_USER=3):
        for _ in range(5):
            new_token(cast.handler.username)
    assert ApiToken.objects.filter(user=cast.handler).count() == 3


def test_the_account_page_lists_and_revokes(cast: Cast) -> None:
    raw = new_token(cast.handler.username, label="报表导出脚本")
    client = Client()
    client.force_login(cast.handler)
    page = client.get("/account/").content.decode()
    assert "报表导出脚本" in page
    assert raw not in page
    token_id = ApiToken.objects.get(user=cast.handler).pk
    response = client.post("/account/", {"revoke": str(token_id)})
    assert response.status_code == 302
    assert bearer(raw).get("/api/v1/auth/tokens").status_code == 401
    # Another's token is not found from the page either.
    other = new_token(cast.coordinator.username)
    other_id = ApiToken.objects.get(key_hash=ApiToken.hash(other)).pk
    client.post("/account/", {"revoke": str(other_id)})
    assert bearer(other).get("/api/v1/auth/tokens").status_code == 200


def test_a_bearer_key_that_is_not_ascii_is_refused_not_a_server_error(cast: Any) -> None:
    assert bearer("令牌").get("/api/v1/auth/tokens").status_code == 401
