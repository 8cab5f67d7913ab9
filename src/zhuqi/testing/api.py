"""Calling the API in tests as a client would: a token from /auth/token, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from zhuqi.testing.factories import PASSWORD


def token_client(username: str) -> Client:
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json"
    )


def as_sent(schema: type[Schema], data: Any) -> Any:
    """`data` as ninja sends it for a response declared as `schema`: validated, dumped, encoded,
    read back; what a list sent as built (core.pagination.TrustedPage) must equal."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def validated_items(schema: type[Schema], mapper: Any, rows: Any) -> list[Any]:
    """What ninja sent for a list of `rows` declared as `list[schema]`, each mapped by `mapper`:
    what the same list sent as built (core.pagination.TrustedPage) must equal."""
    return [as_sent(schema, mapper(row)) for row in rows]


def is_ids_query(sql: str, table: str) -> bool:
    """Whether a captured query reads a page's ids from `table` alone: the bare SELECT, or on
    SQLite that SELECT wrapped to be read as one JSON text (core.pagination.page_ids)."""
    # Text to compare a captured query with, never run.
    ids = f'SELECT "{table}"."id" AS "pk" FROM "{table}" '  # noqa: S608
    return sql.startswith((ids, f'SELECT json_group_array(json_array("pk")) FROM ({ids}'))  # noqa: S608
