"""The API lists against a bare Django view on the same server (issue 18): one waitress process
with 4 threads serving the app, 8 concurrent clients, each list and the bare view hit in turn
(A, B, A, B …) for several rounds; medians of req/s, p50 and p95, and each list's share of the
bare view's req/s.

    python bench/api_lists_bench.py                      # this checkout's code, SQLite cases (below)
    python bench/api_lists_bench.py --code before=/work/wt/lists-before/src --code after=src
    python bench/api_lists_bench.py --rounds 5 --seconds 15 --list enterprises=/api/v1/enterprises
    python bench/api_lists_bench.py --sqlite-dir projects-sqlite --user bench-coordinator-150500 \
        --list projects=/api/v1/projects?page_size=50    # generate_projects.py's database

BENCH_CONN_MAX_AGE=60 in the environment keeps each server thread's database connection (what
settings.py does for SQLite since issue 18), to measure older code with it too.

The database is generate_cases.py's (SQLite under $ZHUQI_BENCH_OUT/cases-sqlite/, or the
PostgreSQL in DATABASE_URL), read only but for one API token issued to the user measured (the
prefecture coordinator of 通辽, bench-coordinator-150500, unless --user). Each `--code LABEL=SRC`
is served by its own server (PYTHONPATH=SRC, so a second worktree's src/ measures that commit's
code on the same database); the bare view is `/bench/bare` on each server, through the same
middleware, returning {"ok": true}.

The load is wrk (`apt-get install wrk`) when on PATH, else a Python client of 8 threads on
keep-alive connections (http.client); the output says which. `measure(url, …)` is the one
measurement, for other scripts (bench/peers/) to call on a running server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

SQLITE_DIR = "cases-sqlite"
DEFAULT_LISTS = ["cases=/api/v1/cases?page_size=50"]
BARE = "/bench/bare"

# wrk: p50/p95 in ms and the count of non-2xx answers, as one JSON line.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def client_name() -> str:
    return "wrk" if shutil.which("wrk") else "python threads (http.client, keep-alive)"


def measure(
    url: str, *, seconds: float = 10, connections: int = 8, headers: dict[str, str] | None = None
) -> dict[str, float]:
    """Hit `url` with `connections` concurrent clients for `seconds`: req/s, p50 and p95 (ms),
    errors (non-2xx or no answer). wrk when installed, else Python threads."""
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections, headers or {})
    return _threads(url, seconds, connections, headers or {})


def _wrk(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "-s",
            script.name,
            url,
        ]
        for name, value in headers.items():
            command[1:1] = ["-H", f"{name}: {value}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    found = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    return {
        "rps": found["requests"] / found["seconds"],
        "p50": found["p50"],
        "p95": found["p95"],
        "errors": found["errors"],
    }


def _threads(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict[str, float]:
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            latencies[i].append((time.perf_counter() - started) * 1000)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for one in latencies for x in one)
    if not every:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "errors": float(sum(errors))}
    return {
        "rps": len(every) / elapsed,
        "p50": every[len(every) // 2],
        "p95": every[min(len(every) - 1, round(0.95 * (len(every) - 1)))],
        "errors": float(sum(errors)),
    }


# --- the server --------------------------------------------------------------------------------


def serve(port: int, threads: int) -> None:
    """In the server's own process: the app with /bench/bare added, under waitress."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()
    import types

    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import include, path
    from waitress import serve as waitress_serve

    from zhuqi.wsgi import application

    def bare(request: Any) -> JsonResponse:
        return JsonResponse({"ok": True})

    if os.environ.get("BENCH_CONN_MAX_AGE"):  # to measure older code with persistent connections
        from django.db import connections

        connections["default"].settings_dict["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 5": by design
    urls = types.ModuleType("bench_api_lists_urls")
    urls.urlpatterns = [path(BARE.lstrip("/"), bare), path("", include(settings.ROOT_URLCONF))]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    print(f"serving zhuqi from {Path(django.__file__).parent} / {sys.modules['zhuqi'].__file__}", flush=True)
    waitress_serve(application, host="127.0.0.1", port=port, threads=threads, ident=None, _quiet=True)


class Server:
    def __init__(self, label: str, src: Path, threads: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src.resolve()), str(BENCH)]))
        env.pop("ZHUQI_DEBUG", None)
        self.label = label
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--serve",
                str(self.port),
                "--threads",
                str(threads),
            ],
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{label}: the server did not start")

    def stop(self) -> None:
        from common import stop_process

        stop_process(self.process)


def token_for(username: str, sqlite_dir: str) -> str:
    from common import setup_django

    setup_django(sqlite_dir)
    from zhuqi.core import services
    from zhuqi.directory.models import User

    raw, _ = services.token_issue(
        user=User.objects.get(username=username), label="api_lists_bench", created_from="127.0.0.1"
    )
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=4, help="waitress threads (default 4)")
    parser.add_argument("--code", action="append", default=[], help="LABEL=SRC, the code a server runs")
    parser.add_argument("--list", action="append", default=[], help="LABEL=PATH?QUERY (default: cases)")
    parser.add_argument("--user", default="bench-coordinator-150500")
    parser.add_argument(
        "--sqlite-dir", default=SQLITE_DIR, help="the generator's directory under $ZHUQI_BENCH_OUT"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.threads)
        return
    from common import OUT, database_label, machine, revision

    if not os.environ.get("DATABASE_URL"):
        os.environ["ZHUQI_VAR_DIR"] = str(OUT / args.sqlite_dir)
    os.environ.setdefault("ZHUQI_TESTING", "1")  # the generator's settings: no secret key file needed
    codes = [tuple(code.split("=", 1)) for code in args.code] or [("this", str(BENCH.parent / "src"))]
    lists = [tuple(item.split("=", 1)) for item in args.list or DEFAULT_LISTS]
    headers = {"Authorization": f"Bearer {token_for(args.user, args.sqlite_dir)}"}
    print(
        f"{machine()}; {database_label()}; commit {revision()}; client {client_name()}, "
        f"{args.connections} connections, {args.seconds:g} s a measurement, {args.rounds} rounds; "
        f"waitress, 1 process, {args.threads} threads; user {args.user}",
        flush=True,
    )
    servers = [Server(label, Path(src), args.threads) for label, src in codes]
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    try:
        for server in servers:  # warm each: imports, connections, caches
            measure(server.base + BARE, seconds=2, connections=args.connections)
            for _, address in lists:
                measure(server.base + address, seconds=2, connections=args.connections, headers=headers)
        for round_ in range(1, args.rounds + 1):
            for server in servers:
                for label, address in [("bare view", BARE), *lists]:
                    found = measure(
                        server.base + address,
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=headers if address != BARE else None,
                    )
                    results.setdefault((server.label, label), []).append(found)
                    print(
                        f"round {round_} {server.label:8} {label:12} {found['rps']:8.1f} req/s  "
                        f"p50 {found['p50']:7.1f} ms  p95 {found['p95']:7.1f} ms  "
                        f"errors {found['errors']:.0f}",
                        flush=True,
                    )
    finally:
        for server in servers:
            server.stop()
    print("\nmedians over the rounds (ratio: the list's req/s / the bare view's, each round, median)")
    for server in servers:
        bare = results[(server.label, "bare view")]
        for label, _ in [("bare view", BARE), *lists]:
            runs = results[(server.label, label)]
            ratio = statistics.median(r["rps"] / b["rps"] for r, b in zip(runs, bare, strict=True))
            print(
                f"{server.label:8} {label:12} {statistics.median(r['rps'] for r in runs):8.1f} req/s  "
                f"p50 {statistics.median(r['p50'] for r in runs):7.1f} ms  "
                f"p95 {statistics.median(r['p95'] for r in runs):7.1f} ms  "
                f"ratio {ratio * 100:6.2f} %  errors {sum(r['errors'] for r in runs):.0f}"
            )


if __name__ == "__main__":
    main()
