"""A bare Django project in one module: one JSON view returning {"ok": true}, no database, no
sessions, the default middleware a new project has. Served by waitress as zhuqi is
(bench/peers/run.py): `waitress-serve --threads 4 bare_project:application`."""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    # What `django-admin startproject` puts in, less the session and message middleware that need
    # a database: a bare view still passes security, common and CSRF middleware like zhuqi's.
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)


def ok(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("ok", ok)]

application = get_wsgi_application()
