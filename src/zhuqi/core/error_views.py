"""What Django answers when no view does (a URL nothing matches, an error nothing caught): the
site's own pages for people, JSON for the API.

A client of /api/ parses every answer as JSON, so a 404 for a URL the API does not have, or a 500
from a bug, arrives in the API's error format (`{"code", "detail"}`) instead of an HTML page.
Django has already logged the error and sent `got_request_exception` when these run, so nothing
is lost by answering in JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from zhuqi.core.errors import HTTP_STATUS, ErrorCode

API_PREFIX = "/api/"

# The same words the API's own refusals use (core.errors), so a client shows one kind of message.
MESSAGES = {
    ErrorCode.BAD_REQUEST: "请求无法处理",
    ErrorCode.PERMISSION_DENIED: "您的角色无权进行此操作",
    ErrorCode.NOT_FOUND: "接口不存在",
    ErrorCode.SERVER_ERROR: "服务器出错，请稍后再试；问题已记录",
}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(code: ErrorCode) -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": MESSAGES[code]},
        status=HTTP_STATUS[code],
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return (
        _json(ErrorCode.BAD_REQUEST)
        if _is_api(request)
        else defaults.bad_request(request, exception, **kwargs)
    )


def permission_denied(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return (
        _json(ErrorCode.PERMISSION_DENIED)
        if _is_api(request)
        else defaults.permission_denied(request, exception, **kwargs)
    )


def page_not_found(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return (
        _json(ErrorCode.NOT_FOUND)
        if _is_api(request)
        else defaults.page_not_found(request, exception, **kwargs)
    )


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return _json(ErrorCode.SERVER_ERROR) if _is_api(request) else defaults.server_error(request, **kwargs)
