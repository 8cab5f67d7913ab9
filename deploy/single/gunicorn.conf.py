"""gunicorn's settings for zhuqi's web server (`zhuqi-web.service` runs
`gunicorn --config /etc/zhuqi/gunicorn.conf.py`).

Why gunicorn with threads (gthread): bench/README.md, "Issue 24: app servers". The numbers
below are the defaults the figures chose; the environment file (/etc/zhuqi/zhuqi.env) may
change them without editing this file: ZHUQI_BIND, ZHUQI_WEB_WORKERS, ZHUQI_WEB_THREADS,
ZHUQI_PROXY_ADDRESSES.
"""

from __future__ import annotations

import os

wsgi_app = "zhuqi.wsgi:application"

# Only nginx talks to the app server: on one machine it listens on loopback; in the scaled-out
# layout on the app server's private address, which the firewall opens to nginx alone
# (deploy/scaled/README.md).
bind = [address.strip() for address in os.environ.get("ZHUQI_BIND", "127.0.0.1:8000").split(",")]

# Processes × threads. Each process is one Python interpreter (one GIL): a process per core
# uses the cores, threads in each keep the core busy while a request waits on PostgreSQL, and a
# slow page (an export, a briefing) holds one thread, not a whole process.
worker_class = "gthread"
workers = int(os.environ.get("ZHUQI_WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("ZHUQI_WEB_THREADS") or 4)

# The application (Django, jieba's dictionary, pypinyin) is loaded once and the processes are
# forked from it: they share those pages, and a process that has to be replaced (a crash, a
# hang) starts at once. Nothing opens a database connection at import, so no
# connection is shared by a fork.
preload_app = True

# Processes are not replaced after a number of requests (max_requests). Measured through nginx,
# replacing them cost requests: 502s (POSTs among them) and a p95 of ~3 s where it is ~0.4 s
# without (bench/README.md, "Issue 24: app servers"). Nothing in the app is known to grow with
# the requests served; `systemctl status zhuqi-web` shows the processes' memory if that changes.
max_requests = 0

# A process that has not reported to gunicorn's master for this long is hung: it is killed and
# replaced. With threads a process keeps reporting while one of its requests runs long; the
# limit on a request is nginx's (proxy_read_timeout, 125 s: it answers 504 past it).
timeout = 120
# On a restart (an upgrade), requests in flight get this long to finish.
graceful_timeout = 30
# nginx keeps its connections to gunicorn open between requests (its upstream `keepalive`) and
# closes one idle for 60 s; gunicorn waits longer, so it is always nginx that closes an idle
# connection, never gunicorn one nginx is about to send a request on.
keepalive = 75

# X-Forwarded-Proto is believed (for wsgi.url_scheme) only from these addresses: nginx's.
# Django decides HTTPS from ZHUQI_PROXY_SSL_HEADER itself; this keeps gunicorn's view the same.
forwarded_allow_ips = os.environ.get("ZHUQI_PROXY_ADDRESSES", "127.0.0.1,::1")

# nginx writes the access log (one line a request, with the client's address); gunicorn's own
# would only repeat it. Errors and start/stop go to stderr, which the unit appends to
# /var/log/zhuqi/web.log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("ZHUQI_WEB_LOG_LEVEL", "info")

# The heartbeat files in memory, not on a disk that may stall under a backup's writes (gunicorn
# makes each with mkstemp: no name another user could guess or plant).
worker_tmp_dir = "/dev/shm"  # noqa: S108
proc_name = "zhuqi-web"
