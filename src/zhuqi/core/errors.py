"""Errors every layer shares, so the API, the pages and the importer say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ServiceError(Exception):
    """A refusal with a code; the API and the UI map each code to one status and message."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing or outside the user's scope: the same error either way, so existence never leaks."""

    code = "not_found"

    def __init__(self, message: str = "对象不存在或不在您的权限范围内") -> None:
        super().__init__(message)


class PermissionDenied(ServiceError):
    code = "permission_denied"

    def __init__(self, message: str = "您的角色无权进行此操作") -> None:
        super().__init__(message)


class StaleWrite(ServiceError):
    """The object changed since the caller read it; their write would overwrite someone else's.
    Raised by core.versioning.check_version; `current` is what the caller needs to read again
    (the API answers 409 with it)."""

    code = "stale"

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

    code = "invalid"

    def __init__(self, errors: list[FieldError], *, location: str | None = None) -> None:
        super().__init__("；".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
        self.location = location
