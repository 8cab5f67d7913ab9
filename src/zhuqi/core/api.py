from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhuqi.core.auth import issue_token

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenResponse(Schema):
    token: str


@router.post(
    "/token", auth=None, response=TokenResponse, summary="Exchange a username and password for a token"
)
def token(request: HttpRequest, payload: TokenRequest) -> dict[str, str]:
    raw = issue_token(username=payload.username, password=payload.password)
    if raw is None:
        raise HttpError(401, "用户名或密码不正确")
    return {"token": raw}
