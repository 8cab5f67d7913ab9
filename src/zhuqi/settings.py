"""Settings for zhuqi, read from the environment in one place.

Every setting a deployment may change is an environment variable documented in the README.
A production start (ZHUQI_DEBUG unset or false) without a secret key refuses to start.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("ZHUQI_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("ZHUQI_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ZHUQI_DEBUG")
TESTING = env_bool("ZHUQI_TESTING")


def _secret_key() -> str:
    key = os.environ.get("ZHUQI_SECRET_KEY", "")
    key_file = os.environ.get("ZHUQI_SECRET_KEY_FILE", "")
    if key_file and not key:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"ZHUQI_SECRET_KEY_FILE={key_file}: {error.strerror}") from None
    # `make run` writes the key into the var directory: every later command (`zhuqi import …`)
    # run from the same place finds it there without being told.
    default_file = VAR_DIR / "secret_key"
    if not key and not key_file and default_file.is_file():
        key = default_file.read_text(encoding="utf-8").strip()
    if key:
        return key
    if DEBUG or TESTING:
        return "zhuqi-insecure-development-key-never-use-in-production"
    raise ImproperlyConfigured(
        f"ZHUQI_SECRET_KEY is not set and there is no {default_file}. A production start needs a "
        "secret key: run `make run` once (it writes one there), set ZHUQI_SECRET_KEY (or "
        "ZHUQI_SECRET_KEY_FILE), or set ZHUQI_DEBUG=true for a local development start."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ZHUQI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("ZHUQI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "zhuqi.core",
    "zhuqi.directory",
    "zhuqi.enterprises",
    "zhuqi.notifications",
    "zhuqi.cases",
    "zhuqi.projects",
    "zhuqi.policies",
    "zhuqi.chains",
    "zhuqi.investment",
    "zhuqi.visits",
    "zhuqi.imports",
    "zhuqi.ingest",
    "zhuqi.taskforces",
    "zhuqi.dispatch",
    "zhuqi.demo",
    # Last of zhuqi's apps: what shows every app at once (docs/architecture.md).
    "zhuqi.overview",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhuqi.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhuqi.core.middleware.RefusalMiddleware",
    "zhuqi.core.middleware.DatabaseBusyMiddleware",
    "zhuqi.core.middleware.PasswordChangeRequiredMiddleware",
    # Last, so it sees what the login view and the token endpoint made of the attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhuqi.urls"
WSGI_APPLICATION = "zhuqi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; DATABASE_URL (PostgreSQL) is the scale path.
_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # Every query here is a page, a count or a dashboard aggregate of milliseconds to a
        # second; PostgreSQL's JIT compiled them anyway and spent 60–200 ms doing it (EXPLAIN at
        # 2M cases, bench/README.md). ZHUQI_DATABASE_JIT=on gives it back.
        jit = "on" if os.environ.get("ZHUQI_DATABASE_JIT", "").lower() in ("1", "on", "true") else "off"
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={jit}"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "zhuqi.sqlite3"),
            # Each server thread keeps its connection (and SQLite's page cache with it): opening
            # one per request cost an API list half its time (bench/README.md, issue 18: lists).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE makes a write
                # transaction take the lock at BEGIN so select_for_update-style code does not
                # fail halfway with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhuqi.directory.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Each language named in itself: the switch offers "English" to a Chinese reader and "中文" to an
# English one (the names are shown as written here, never translated).
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# whitenoise serves from the packages (USE_FINDERS); the folder only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# The app serves its own assets (no CDN): whitenoise serves them straight from the packages.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# An upload larger than this is refused before it is parsed (enterprise lists are a few MB).
ZHUQI_MAX_IMPORT_BYTES = int(os.environ.get("ZHUQI_MAX_IMPORT_BYTES", str(50 * 1024 * 1024)))
# Spreadsheets are compressed: a small upload can unpack to gigabytes (a "zip bomb"). A file is
# refused, before it is read, if it holds more rows than this, or if its sheet would unpack to
# more than this many bytes (an .xlsx; a .csv is held to ZHUQI_MAX_IMPORT_BYTES as it comes).
ZHUQI_MAX_IMPORT_ROWS = int(os.environ.get("ZHUQI_MAX_IMPORT_ROWS", "200000"))
ZHUQI_MAX_IMPORT_UNPACKED_BYTES = int(
    os.environ.get("ZHUQI_MAX_IMPORT_UNPACKED_BYTES", str(500 * 1024 * 1024))
)
# An import whose background step shows no progress for this long lost its worker (a restart,
# a crash): the sweep starts the step again (a check from the file, a write with the rows left).
ZHUQI_IMPORT_STALLED_SECONDS = int(os.environ.get("ZHUQI_IMPORT_STALLED_SECONDS", "120"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Logins, passwords and API tokens (one block: README "Logins and tokens") ---------------
# Failed logins are counted per account (any address: a password sprayed from many machines) and
# per client address (any account: one machine trying many accounts), by django-axes. An address
# is shared by a whole office behind its NAT, so it gets a higher limit than an account. Past a
# limit, logins from there (or to that account) are refused until the cool-off has passed since
# the last failure; an admin can lift it (`zhuqi unlock`).
ZHUQI_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("ZHUQI_LOGIN_FAILURES_PER_ACCOUNT", "5"))
ZHUQI_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ZHUQI_LOGIN_FAILURES_PER_ADDRESS", "20"))
ZHUQI_LOGIN_COOLOFF_MINUTES = int(os.environ.get("ZHUQI_LOGIN_COOLOFF_MINUTES", "15"))
# Behind a reverse proxy, the request header that carries the client's address (X-Forwarded-For
# or X-Real-IP); unset, the connection's own address. Set it only when the proxy overwrites the
# header: otherwise a client could name any address it likes.
ZHUQI_CLIENT_IP_HEADER = os.environ.get("ZHUQI_CLIENT_IP_HEADER", "")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = ZHUQI_LOGIN_FAILURES_PER_ACCOUNT
AXES_HANDLER = "zhuqi.core.throttling.LoginThrottle"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=ZHUQI_LOGIN_COOLOFF_MINUTES)
AXES_CLIENT_IP_CALLABLE = "zhuqi.core.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "zhuqi.core.throttling.lockout_response"
# The attempts during a lockout do not push its end further out: the time we tell the person
# must stay true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# zhuqi's audit trail records the failures and lockouts; axes' per-login access log would only
# duplicate the sessions.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Unlocking goes through zhuqi (`zhuqi unlock`, the user list's action) so that it is audited;
# axes' own admin pages would delete attempts unrecorded.
AXES_ENABLE_ADMIN = False

# API tokens expire; a token older than this is refused.
ZHUQI_TOKEN_TTL_DAYS = int(os.environ.get("ZHUQI_TOKEN_TTL_DAYS", "30"))
# Live tokens one account may hold; a new one beyond it replaces the one least recently used.
ZHUQI_TOKEN_MAX_PER_USER = int(os.environ.get("ZHUQI_TOKEN_MAX_PER_USER", "10"))
# --- end of logins, passwords and API tokens ---------------------------------------------------

# Background work (deadline sweeps, sending notices) goes through Django's task API, stored in
# the database: the embedded default needs nothing else running, and on PostgreSQL many workers
# on many machines share the one queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the deadline sweep runs, in seconds (the worker started by `zhuqi run` or `zhuqi worker`).
ZHUQI_SWEEP_INTERVAL = int(os.environ.get("ZHUQI_SWEEP_INTERVAL", "300"))

# A same-day (日清日结) case assigned after this local time is due the next working day.
ZHUQI_SAME_DAY_CUTOFF = os.environ.get("ZHUQI_SAME_DAY_CUTOFF", "16:00")
# Attachments to cases: largest size, and the kinds of file accepted.
ZHUQI_ATTACHMENT_MAX_BYTES = int(os.environ.get("ZHUQI_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ZHUQI_ATTACHMENT_TYPES = env_list(
    "ZHUQI_ATTACHMENT_TYPES", ".pdf,.jpg,.jpeg,.png,.gif,.doc,.docx,.xls,.xlsx,.wps,.ofd,.txt"
)
# A hazard's re-inspection (复查) is taken by someone other than whoever reported it rectified, so
# nobody signs off their own work. A small township with a single safety inspector, who both
# checks the enterprise's rectification on site (and reports it) and re-inspects, turns this on.
ZHUQI_HAZARD_SELF_VERIFY = env_bool("ZHUQI_HAZARD_SELF_VERIFY")
# 共性问题: a group of similar open demands is shown once it spans this many enterprises.
ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES = int(os.environ.get("ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES", "3"))

# 包联 duty: the visits and calls per month an assignment carries unless set otherwise on it.
ZHUQI_LIAISON_VISITS_PER_MONTH = int(os.environ.get("ZHUQI_LIAISON_VISITS_PER_MONTH", "1"))
ZHUQI_LIAISON_CALLS_PER_MONTH = int(os.environ.get("ZHUQI_LIAISON_CALLS_PER_MONTH", "1"))

# Notices: copies by e-mail (Django's mail backends) when on; links in them start with the base URL.
ZHUQI_EMAIL_NOTICES = env_bool("ZHUQI_EMAIL_NOTICES")
ZHUQI_BASE_URL = os.environ.get("ZHUQI_BASE_URL", "")
# A WeCom or DingTalk group robot takes at most 20 messages a minute and refuses the rest (and
# DingTalk then throttles it for ten minutes): the outbox sends no more than this to one robot in
# any minute and holds the rest back, without counting it as a failed attempt.
# A key enterprise's monthly operating indicator that falls by more than this percentage against
# the previous month or the same month last year is flagged (taskforces/indicators.py).
ZHUQI_INDICATOR_FALL_PERCENT = int(os.environ.get("ZHUQI_INDICATOR_FALL_PERCENT", "10"))
ZHUQI_ROBOT_MESSAGES_PER_MINUTE = int(os.environ.get("ZHUQI_ROBOT_MESSAGES_PER_MINUTE", "20"))

# The hosts a coordinator may point a group robot at (WeCom's and DingTalk's); an admin may set
# any address (an intranet relay). Keeps the robots' test button from reaching the intranet.
ZHUQI_ROBOT_HOSTS = env_list("ZHUQI_ROBOT_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
EMAIL_BACKEND = os.environ.get("ZHUQI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("ZHUQI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ZHUQI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ZHUQI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZHUQI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHUQI_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("ZHUQI_EMAIL_FROM", "zhuqi@localhost")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500

# ---------------------------------------------------------------------------------------------
# Response headers and HTTPS (issue 15, item 8). One block so it merges cleanly with the others.
#
# `zhuqi check --deploy --fail-level WARNING` is clean under the production configuration the
# README documents (ZHUQI_HTTPS=true, plus ZHUQI_PROXY_SSL_HEADER behind a TLS-terminating
# proxy); core/tests/test_deployment.py runs it that way.
# ---------------------------------------------------------------------------------------------
# Served over HTTPS: redirect plain HTTP, secure-only cookies, and Strict-Transport-Security.
# ZHUQI_SECURE_COOKIES (older name) still turns on the cookies alone.
ZHUQI_HTTPS = env_bool("ZHUQI_HTTPS")
SECURE_SSL_REDIRECT = ZHUQI_HTTPS
SESSION_COOKIE_SECURE = ZHUQI_HTTPS or env_bool("ZHUQI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True


# Browsers remember HSTS for this long and then refuse plain HTTP to the host: try a short
# value (3600) first when moving a live site to HTTPS. Only sent on HTTPS responses.
def _hsts_seconds() -> int:
    value = os.environ.get("ZHUQI_HSTS_SECONDS", "").strip()
    if not value:
        return 31536000 if ZHUQI_HTTPS else 0
    if not value.isdigit():
        raise ImproperlyConfigured(f"ZHUQI_HSTS_SECONDS must be a whole number of seconds, not {value!r}")
    return int(value)


SECURE_HSTS_SECONDS = _hsts_seconds()
# includeSubDomains also binds every host under this one to HTTPS: turn it off when the app is
# served at a bare domain whose other sites (oa.example.gov.cn …) still speak plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ZHUQI_HSTS_INCLUDE_SUBDOMAINS", default=ZHUQI_HTTPS)
# The preload token only says the owner agrees to the browsers' built-in list; nothing happens
# until the domain is submitted at hstspreload.org, which intranet names cannot be.
SECURE_HSTS_PRELOAD = env_bool("ZHUQI_HSTS_PRELOAD", default=ZHUQI_HTTPS)


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` (meaning `X-Forwarded-Proto: https`) or `X-Forwarded-Ssl=on`: the
    header the proxy in front sets on requests it received over HTTPS. Django trusts it blindly,
    so the proxy must also strip it from what clients send."""
    if not value:
        return None
    name, _, expected = value.partition("=")
    name = name.strip()
    if not name or any(c in name for c in " :_"):
        raise ImproperlyConfigured(
            f"ZHUQI_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, optionally "
            f"followed by =VALUE (default https), not {value!r}"
        )
    return "HTTP_" + name.upper().replace("-", "_"), expected.strip() or "https"


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("ZHUQI_PROXY_SSL_HEADER", "").strip())

# Headers every response carries (Django's defaults, stated so a reader sees them here).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): only the app's own files run or style a page. No
# template may carry an inline <script>, on…= handler, hx-on, style= or <style>
# (core/tests/test_no_inline_code.py walks them); behaviour lives in each app's static/ folder.
# htmx is told not to inject its own indicator <style> nor to eval (the htmx-config meta in
# base.html), and ECharts draws on a canvas with its tooltips in the canvas too.
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# ---------------------------------------------------------------------------------------------

# --- Health and figures for operators (issue 24; README "Health and figures for operators") ---
# /healthz, /readyz and /metrics are answered by core.health.OperatorEndpointsMiddleware, placed
# before the sessions: no host check (a probe or a scraper may name the server by its address),
# no login. ZHUQI_HTTPS does not redirect them: probes on loopback speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /readyz fails when no background worker has written its heartbeat (every minute) this long.
ZHUQI_WORKER_STALE_MINUTES = int(os.environ.get("ZHUQI_WORKER_STALE_MINUTES", "10"))
if ZHUQI_WORKER_STALE_MINUTES < 2:
    raise ImproperlyConfigured("ZHUQI_WORKER_STALE_MINUTES must be at least 2 (a worker beats every minute)")
# /metrics is not public: only these addresses or networks (the client's address as
# ZHUQI_CLIENT_IP_HEADER gives it), or a request with `Authorization: Bearer <ZHUQI_METRICS_TOKEN>`.
ZHUQI_METRICS_ALLOW = env_list("ZHUQI_METRICS_ALLOW", "127.0.0.1,::1")
ZHUQI_METRICS_TOKEN = os.environ.get("ZHUQI_METRICS_TOKEN", "").strip()


def _check_metrics_access() -> None:
    import ipaddress

    for item in ZHUQI_METRICS_ALLOW:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"ZHUQI_METRICS_ALLOW: {item!r} is not an address or a network (10.0.0.5, 10.0.0.0/24)"
            ) from None
    if ZHUQI_METRICS_TOKEN and len(ZHUQI_METRICS_TOKEN) < 24:
        raise ImproperlyConfigured(
            "ZHUQI_METRICS_TOKEN must be at least 24 characters (e.g. openssl rand -hex 24)"
        )


_check_metrics_access()
# The request figures (django-prometheus): counted after the operator endpoints, so probes and
# scrapes are not counted as traffic, and labelled by view by the innermost middleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "zhuqi.core.health.OperatorEndpointsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
)
# Just before axes, which stays last (see MIDDLEWARE): the figures see its lockout answers too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "zhuqi.core.metrics.RequestFiguresMiddleware"
)
# Several server processes (gunicorn): each counts in files in this directory, and /metrics adds
# them up. It must exist (systemd's RuntimeDirectory= makes it, empty, at each start).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    if not Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).is_dir():
        raise ImproperlyConfigured(
            f"PROMETHEUS_MULTIPROC_DIR={os.environ['PROMETHEUS_MULTIPROC_DIR']} is not a directory"
        )
    from zhuqi.core.metric_slots import use_slots

    use_slots()
# --- end of health and figures for operators ---------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHUQI_LOG_LEVEL", "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
