"""Settings of the reference project: one app (peerapp) and django-import-export. The database is
PEER_DATABASE_URL's PostgreSQL database, else a SQLite file at PEER_SQLITE with zhuqi's pragmas
(WAL, synchronous=NORMAL), so both write to the same kind of database."""

from __future__ import annotations

import os
from urllib.parse import urlparse

SECRET_KEY = "bench-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "import_export", "peerapp"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_url = os.environ.get("PEER_DATABASE_URL", "")
if _url:
    parsed = urlparse(_url)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/"),
            "USER": parsed.username or "",
            "PASSWORD": parsed.password or "",
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["PEER_SQLITE"],
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
