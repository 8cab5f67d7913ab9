"""Errors every layer shares, so the API, the pages and the importer say the same thing."""

from __future__ import annotations

from dataclasses import dataclass


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
    """The object changed since the caller read it; their write would overwrite someone else's."""

    code = "stale"

    def __init__(self, *, current_version: int) -> None:
        super().__init__(
            f"该记录已被他人修改（当前版本 {current_version}），请刷新后重试，以免覆盖他人的修改"
        )
        self.current_version = current_version


class ValidationFailed(ServiceError):
    code = "invalid"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("；".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
