"""Errors every layer shares, so the API, the pages and the importer say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every refusal's code, as the API sends it in `code` and the pages act on it. A new refusal
    adds its code here and its status to HTTP_STATUS; a test checks that every code has one."""

    ERROR = "error"  # a refusal with no more particular code
    BAD_REQUEST = "bad_request"  # a request Django could not read
    INVALID = "invalid"  # refused values, each naming its field
    NOT_FOUND = "not_found"  # missing or outside the user's scope, the same either way
    PERMISSION_DENIED = "permission_denied"  # in scope, but the role may not do this
    STALE = "stale"  # changed since the caller read it
    STEP_NOT_ALLOWED = "step_not_allowed"  # a case step its state does not allow
    LIKELY_DUPLICATE = "likely_duplicate"  # a visit that looks already recorded: confirm or open it
    LOCKED_OUT = "locked_out"  # too many failed logins
    BUSY = "busy"  # the database is busy with other writes: try again
    SERVER_ERROR = "server_error"


# One status per code, for the API's error handler and the pages alike.
HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.ERROR: 400,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.INVALID: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.STALE: 409,
    ErrorCode.STEP_NOT_ALLOWED: 409,
    ErrorCode.LIKELY_DUPLICATE: 409,
    ErrorCode.LOCKED_OUT: 429,
    ErrorCode.BUSY: 503,
    ErrorCode.SERVER_ERROR: 500,
}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ServiceError(Exception):
    """A refusal with a code; the API and the UI map each code to one status (HTTP_STATUS) and
    show its message. A new kind of refusal subclasses this with its own ErrorCode."""

    code: ErrorCode = ErrorCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing or outside the user's scope: the same error either way, so existence never leaks."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, message: str = "对象不存在或不在您的权限范围内") -> None:
        super().__init__(message)


class PermissionDenied(ServiceError):
    """In scope, but the role may not do this: 403 in the API and on the pages, with the reason.
    (Out of scope is NotFound, never this: existence does not leak.)"""

    code = ErrorCode.PERMISSION_DENIED

    def __init__(self, message: str = "您的角色无权进行此操作") -> None:
        super().__init__(message)


def require(allowed: bool, message: str) -> None:
    """Refuse with PermissionDenied(message) unless `allowed`: the services' one guard for what
    the role may do (the record was already read through the actor's scope)."""
    if not allowed:
        raise PermissionDenied(message)


class StaleWrite(ServiceError):
    """The object changed since the caller read it; their write would overwrite someone else's.
    Raised by core.versioning.check_version; `current` is what the caller needs to read again
    (the API answers 409 with it)."""

    code = ErrorCode.STALE

    def __init__(
        self, *, record_id: Any, current_version: int, current: dict[str, Any] | None = None
    ) -> None:
        super().__init__(
            f"该记录已被他人修改（当前版本 {current_version}），您的修改没有保存，以免覆盖他人的修改。"
            "请查看最新内容后再提交"
        )
        self.current_version = current_version
        self.current: dict[str, Any] = {"id": record_id, "version": current_version, **(current or {})}


class ValidationFailed(ServiceError):
    """Refused input, each error naming its field. `location` says where the fields were sent
    ("body" or "query"); left as None, the API places it by the request: a read's fields can only
    be query parameters, a write's are in its body."""

    code = ErrorCode.INVALID

    def __init__(self, errors: list[FieldError], *, location: str | None = None) -> None:
        super().__init__("；".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
        self.location = location
