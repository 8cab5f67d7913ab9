"""The rule of docs/visibility.md, as one assertion: a page and the API endpoint that do the same
thing refuse the same user with the same status (404 out of scope, 403 for the role) and, for a
role refusal, the same reason."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from zhuqi.directory.models import User


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refusals_agree(
    user: User,
    *,
    page: tuple[str, str] | tuple[str, str, dict[str, Any]],
    api: tuple[str, str] | tuple[str, str, dict[str, Any]],
    status: int,
) -> str:
    """Ask the page and the API as `user`; both must answer `status`. Returns the API's reason,
    which a 403 page must show word for word."""
    client = _client(user)
    method, url, *page_data = page
    page_response = getattr(client, method)(url, *(page_data or []))
    method, url, *api_data = api
    body = json.dumps(api_data[0]) if api_data else None
    api_response = (
        getattr(client, method)(url, body, content_type="application/json")
        if body
        else (getattr(client, method)(url))
    )
    assert (page_response.status_code, api_response.status_code) == (status, status), (
        page_response.status_code,
        api_response.content.decode(),
    )
    answer = api_response.json()
    assert answer["code"] == ("permission_denied" if status == 403 else "not_found")
    if status == 403:
        assert answer["detail"] in page_response.content.decode(), answer["detail"]
    return str(answer["detail"])
