"""The API at /api/v1/: one NinjaAPI, one way to authenticate, one error format."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from zhuqi.cases.api import router as cases_router
from zhuqi.chains.api import router as chains_router
from zhuqi.core.api import calendar_router
from zhuqi.core.api import router as auth_router
from zhuqi.core.auth import BearerToken, SessionAuth
from zhuqi.core.busy import busy_response, is_database_busy
from zhuqi.core.errors import HTTP_STATUS, ErrorCode, ServiceError, StaleWrite, ValidationFailed
from zhuqi.core.textlimits import too_long_message
from zhuqi.directory.api import router as directory_router
from zhuqi.dispatch.api import briefings_router, economic_router, meetings_router
from zhuqi.dispatch.api import router as dispatch_router
from zhuqi.enterprises.api import router as enterprises_router
from zhuqi.ingest.api import router as reports_router
from zhuqi.investment.api import router as agreements_router
from zhuqi.investment.target_api import router as targets_router
from zhuqi.notifications.api import router as robots_router
from zhuqi.policies.api import deliveries_router
from zhuqi.policies.api import enterprise_router as enterprise_policies_router
from zhuqi.policies.api import router as policies_router
from zhuqi.projects.api import router as projects_router
from zhuqi.taskforces.api import campaigns_router
from zhuqi.taskforces.api import router as task_forces_router
from zhuqi.taskforces.indicator_api import router as indicators_router
from zhuqi.taskforces.table_api import router as campaign_tables_router
from zhuqi.visits.api import router as visits_router
from zhuqi.visits.liaison_api import router as assignments_router

# The refusals every operation may answer with, documented once for all of them (the handlers
# below and ninja's authentication produce them): a client and the schema fuzzer in the test suite
# then know each status an operation can return and the shape of its body.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "enum": [code.value for code in ErrorCode]},
        "detail": {"type": "string", "description": "the reason, in Chinese"},
    },
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "enum": [ErrorCode.INVALID.value]},
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": '["query", name], ["path", name] or ["body", field, …]',
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg"],
            },
        },
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    "400": "The request cannot be carried out as asked",
    "401": "No valid token or session",
    "403": "Your role may not do this",
    "404": "Missing, or outside your scope (the same answer either way)",
    "409": "The record changed since you read it, or the step is not allowed in its state",
    "422": "A value is refused; each error names where it was sent and why",
    "503": "The database is busy with other writes (code busy): try again after Retry-After seconds",
}
READS = {"get", "head"}


class ZhuqiAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        schemas["ValidationError"] = VALIDATION_ERROR_SCHEMA
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status == "409" and method in READS:
                        continue  # a read changes nothing, so nothing can conflict
                    component = "ValidationError" if status == "422" else "Error"
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
                            },
                        },
                    )
        return schema


api = ZhuqiAPI(
    title="zhuqi 助企 API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionAuth()],
    docs_url="/docs",
)


# Pydantic's error types, in the language of the rest of the system's messages.
PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "json_invalid": "请求体不是有效的 JSON",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
    "string_pattern_mismatch": "格式不对",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
}


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Pydantic's errors, with loc reduced to where the value is: ["body", "uscc"], not
    ["body", "payload", "uscc"], and ["query", "status"], so clients can map errors to fields and
    parameters without knowing our names."""
    detail = []
    for error in exc.errors:
        loc = list(error.get("loc", []))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            loc = [loc[0], *loc[2:]]
        elif loc and loc[0] == "query":
            # A query parameter is flat: ["query", "status"], not ["query", "filters", "status", 1]
            # (the handler's schema name and the position of a repeated value).
            names = [part for part in loc[1:] if isinstance(part, str)]
            loc = ["query", names[-1]] if names else loc
        kind = error.get("type", "")
        message = PYDANTIC_MESSAGES.get(kind, error.get("msg", ""))
        expected = (error.get("ctx") or {}).get("expected")
        if kind in ("enum", "literal_error") and expected:
            message = f"{message}，可选：{expected}"  # as pydantic lists them: 'demand', 'hazard' or …
        limits = error.get("ctx") or {}
        if kind == "less_than_equal" and "le" in limits:
            message = f"不能大于 {limits['le']}"
        if kind == "greater_than_equal" and "ge" in limits:
            message = f"不能小于 {limits['ge']}"
        if kind == "string_too_long":
            message = too_long_message(error.get("ctx", {}).get("max_length", 0))
        detail.append({"loc": loc, "msg": message, "type": kind})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OperationalError)
def database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A locked database is 503 with Retry-After (core/busy.py); any other database failure
    stays the server error it is."""
    if is_database_busy(exc):
        return busy_response(request)
    raise exc


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """Every refusal: its code, the status the code has (core.errors.HTTP_STATUS) and the same
    message the pages show; invalid values name their fields, a stale write says what to read."""
    body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
    if isinstance(exc, ValidationFailed):
        # A read has no body: whatever it refuses came in its query string.
        location = exc.location or ("query" if request.method in ("GET", "HEAD") else "body")
        body["detail"] = [{"loc": [location, *e.field.split(".")], "msg": e.message} for e in exc.errors]
    elif isinstance(exc, StaleWrite):
        body["current"] = exc.current  # {id, version, …}: what to read again
        body["current_version"] = exc.current_version
    return api.create_response(request, body, status=HTTP_STATUS[exc.code])


api.add_router("/auth", auth_router)
api.add_router("/calendar", calendar_router)
api.add_router("/", directory_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/cases", cases_router)
api.add_router("/projects", projects_router)
api.add_router("/agreements", agreements_router)
api.add_router("/targets", targets_router)
api.add_router("/visits", visits_router)
api.add_router("/assignments", assignments_router)
api.add_router("/robots", robots_router)
api.add_router("/policies", policies_router)
api.add_router("/deliveries", deliveries_router)
api.add_router("/chains", chains_router)
api.add_router("/task-forces", task_forces_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/campaigns", campaign_tables_router)
api.add_router("/indicators", indicators_router)
api.add_router("/reports", reports_router)
api.add_router("/enterprises", enterprise_policies_router)
api.add_router("/dispatch", dispatch_router)
api.add_router("/meetings", meetings_router)
api.add_router("/briefings", briefings_router)
api.add_router("/economic-figures", economic_router)
