from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

from zhuqi.core.busy import busy_response, is_database_busy
from zhuqi.core.errors import HTTP_STATUS, NotFound, PermissionDenied


class RefusalMiddleware:
    """Pages answer a refusal the way the API does (core.errors.HTTP_STATUS): NotFound (missing
    or out of scope) with the ordinary 404 page, so a guessed id tells nothing about what
    exists; PermissionDenied (in scope, but the role may not do this) with the 403 page and the
    reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(exception.message))
        if isinstance(exception, PermissionDenied):
            return render(
                request, "403.html", {"reason": exception.message}, status=HTTP_STATUS[exception.code]
            )
        return None


class LanguageMiddleware:
    """zh-Hans unless the user chose English with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and government
    machines often run English-language browsers: the interface must still open in Chinese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PasswordChangeRequiredMiddleware:
    """While an admin's forced reset is pending, every page leads to the password form (the
    account page) and nothing else opens; the API answers 403 itself (core.auth)."""

    # Paths that stay open: the form itself, leaving, the language switch, assets, the API (which
    # refuses on its own, in JSON).
    OPEN_PREFIXES = ("/account/", "/logout/", "/login/", "/i18n/", "/static/", "/favicon.ico", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.OPEN_PREFIXES)
        ):
            from django.shortcuts import redirect

            return redirect("account")
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """A locked database (another writer held it past the busy timeout) answers 503 with
    Retry-After, the page or the API's JSON, never a 500: nothing was saved, and trying again in
    a moment works."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return busy_response(request)
        return None
