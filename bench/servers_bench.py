"""Issue 24: which app server serves zhuqi in production. waitress as `zhuqi run` serves it against
gunicorn with sync workers and with threaded (gthread) workers, on the case list and a write mix,
driven by wrk (Debian's package, /usr/bin/wrk), on SQLite or on the PostgreSQL in DATABASE_URL.

    python bench/servers_bench.py                              # SQLite (bench/out/servers-sqlite/)
    DATABASE_URL=postgres://root@127.0.0.1:5432/servers_bench python bench/servers_bench.py
    python bench/servers_bench.py --rounds 1 --seconds 10      # a quick look
    python bench/servers_bench.py --arms waitress-8,gthread-2x4
    python bench/servers_bench.py --arms gthread-2x4 --nginx keepalive --max-requests 200

Data: bench/load.py's set-up (the demo, then 通辽's, 呼和浩特's and 包头's generated enterprises,
cases, projects and visits at `--scale`, default 0.3: ~1,900 enterprises, 9,000 cases), made
once per database and reused; its accounts with its password.

Arms (`--arms`, comma-separated, each `waitress-T`, `sync-W` or `gthread-WxT`):
- `waitress-8`: `zhuqi run --no-demo --no-worker` (waitress, one process, 8 threads: what
  `zhuqi run` serves with; without its embedded task worker, so that every arm serves only);
- `sync-W`: gunicorn with W single-threaded processes;
- `gthread-WxT`: gunicorn with W processes of T threads.
The gunicorn arms read deploy/single/gunicorn.conf.py (preloaded app, the production settings
file) with the worker class, processes, threads and address given on the command line. Every
server runs with production settings (no testing mode, PBKDF2 passwords), on 127.0.0.1.

Workloads, each `--seconds` with `--connections` open connections (wrk, one thread):
- `page`: the 事项 page (`/cases/`, the 待办 tab) as the county's coordinator (session cookie);
- `api`: the API's case list (`/api/v1/cases?page_size=50`) as the same coordinator (token);
- `mix`: 80 % that API list, 20 % an enterprise filing a demand (`POST /api/v1/cases`, token).

`--nginx keepalive` or `--nginx close` sends the load through Debian's nginx on the next port,
proxying as deploy/single/nginx/zhuqi.conf does (without TLS), with or without an upstream
`keepalive`; with `--max-requests N` gunicorn replaces each process every N requests, so what a
replacement costs the requests in flight shows within a run (errors, "no answer" apart).

Rounds interleave the arms (each round starts every arm afresh, in an order rotated by one a
round, so the cases the mix files and the machine's other work spread over all arms); a run is
5 s of warm-up, then each workload in turn. Printed: each run, then per arm and workload the
median over rounds of requests/s, p50, p95 and p99 (wrk's latency over all requests of the run),
errors (non-2xx and socket errors), the server's CPU (cores used) and memory (the proportional
set size of the process and its children: a page they share counts once in the sum), with the
machine's load average at each run's start and end. The server's CPU time a request (cores ÷
requests/s) moves least with what else the machine runs: on a shared machine, compare it first.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import requests
from common import OUT, database_label, machine, revision, setup_django, stop_process
from load import COUNTY, PASSWORD, accounts, counts, grow

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "single" / "gunicorn.conf.py"
SQLITE_DIR = "servers-sqlite"
DEFAULT_ARMS = "waitress-8,sync-3,sync-5,gthread-2x4,gthread-4x4"
WORKLOADS = ("page", "api", "mix")
WRITE_SHARE = 0.2
CASE_LIST = "/api/v1/cases?page_size=50"


# --- the servers --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Arm:
    name: str
    command: list[str]


def arm(name: str, port: int, max_requests: int | None = None) -> Arm:
    """The command line of the arm `name` listening on 127.0.0.1:port (a gunicorn arm replacing
    each process after `max_requests`, if given, instead of gunicorn.conf.py's number)."""
    bin_dir = Path(sys.executable).parent
    kind, _, size = name.partition("-")
    address = f"127.0.0.1:{port}"
    gunicorn = [str(bin_dir / "gunicorn"), "--config", str(GUNICORN_CONFIG), "--bind", address]
    if max_requests is not None:
        gunicorn += ["--max-requests", str(max_requests), "--max-requests-jitter", "0"]
    if kind == "waitress" and size.isdigit():
        return Arm(
            name,
            [
                str(bin_dir / "zhuqi"),
                "run",
                "--no-demo",
                "--no-worker",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--threads",
                size,
            ],
        )
    if kind == "sync" and size.isdigit():
        return Arm(name, [*gunicorn, "--worker-class", "sync", "--workers", size])
    workers, _, threads = size.partition("x")
    if kind == "gthread" and workers.isdigit() and threads.isdigit():
        return Arm(name, [*gunicorn, "--worker-class", "gthread", "--workers", workers, "--threads", threads])
    sys.exit(f"--arms: {name!r} is not waitress-T, sync-W or gthread-WxT")


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) of the processes, the first (the server's own process) with its
    children that have ended: a gunicorn worker replaced after max_requests still counts."""
    total = 0.0
    for index, pid in enumerate(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])
        if index == 0:
            ticks += int(fields[13]) + int(fields[14])
        total += ticks / os.sysconf("SC_CLK_TCK")
    return total


def memory_mib(pids: list[int]) -> float:
    """The processes' proportional set size (PSS): a page shared by n processes (a preloaded
    gunicorn's application, forked) counts 1/n in each, so the sum is what they take together."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Server:
    """One arm's server in a child process, stopped (SIGTERM, then SIGKILL) by its own pid."""

    def __init__(self, chosen: Arm, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "ZHUQI_TESTING"}
        env["ZHUQI_SECRET_KEY"] = env.get("ZHUQI_SECRET_KEY") or "servers-bench-secret-key-only-for-loopback"
        var = SQLITE_DIR if not env.get("DATABASE_URL") else "servers-var"
        env.setdefault("ZHUQI_VAR_DIR", str(OUT / var))
        env["ZHUQI_LOG_LEVEL"] = "WARNING"
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            chosen.command, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{chosen.name} stopped (exit {self.process.returncode}); see {log}")
            try:
                if requests.get(f"{self.url}/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        sys.exit(f"{chosen.name} did not answer within 180 s; see {log}")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


class Nginx:
    """Debian's nginx in front of the arm, as deploy/single/nginx/zhuqi.conf proxies (without TLS):
    with `keepalive`, connections to the app server kept open between requests (an upstream
    `keepalive`), else one connection a request."""

    def __init__(self, port: int, app_port: int, keepalive: bool, directory: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / kind).mkdir(parents=True, exist_ok=True)
        config = directory / "nginx.conf"
        config.write_text(
            f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"};
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory / "body"};
    proxy_temp_path {directory / "proxy"};
    fastcgi_temp_path {directory / "fastcgi"};
    uwsgi_temp_path {directory / "uwsgi"};
    scgi_temp_path {directory / "scgi"};
    upstream app {{
        server 127.0.0.1:{app_port};
        {"keepalive 16;" if keepalive else ""}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
""",
            encoding="utf-8",
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{self.url}/login/", timeout=5)
                return
            time.sleep(0.2)
        sys.exit(f"nginx did not answer; see {directory / 'error.log'}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- logging in and wrk's scripts ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Logins:
    session: str  # the coordinator's session cookie
    coordinator_token: str
    enterprise_token: str


def log_in(base: str, coordinator: str, enterprise_user: str) -> Logins:
    http = requests.Session()
    http.get(f"{base}/login/", timeout=60)
    response = http.post(
        f"{base}/login/",
        data={
            "username": coordinator,
            "password": PASSWORD,
            "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        sys.exit(f"the coordinator's login answered {response.status_code}")

    def token(username: str) -> str:
        answer = requests.post(
            f"{base}/api/v1/auth/token",
            json={"username": username, "password": PASSWORD, "label": "servers-bench"},
            timeout=60,
        )
        answer.raise_for_status()
        return str(answer.json()["token"])

    return Logins(str(http.cookies["sessionid"]), token(coordinator), token(enterprise_user))


def lua_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def wrk_script(workload: str, logins: Logins, enterprise: int, categories: list[int]) -> str:
    """The wrk script of a workload: its requests, and a JSON line of its figures at the end."""
    coordinator = f'{{["Authorization"] = {lua_string("Bearer " + logins.coordinator_token)}}}'
    if workload == "page":
        read = f'wrk.format("GET", "/cases/", {{["Cookie"] = {lua_string("sessionid=" + logins.session)}}})'
    else:
        read = f'wrk.format("GET", {lua_string(CASE_LIST)}, {coordinator})'
    titles = [
        "流动资金贷款续贷困难",
        "用电负荷不足需增容",
        "缺少熟练焊工",
        "原料运输车辆通行受限",
        "稳岗补贴未到位",
    ]
    bodies = [
        json.dumps(
            {
                "kind": "demand",
                "title": title,
                "description": f"{title}，请协调解决。（servers_bench）",
                "enterprise": enterprise,
                "category": categories[index % len(categories)],
            },
            ensure_ascii=False,
        )
        for index, title in enumerate(titles)
    ]
    share = WRITE_SHARE if workload == "mix" else 0.0
    return f"""
local threads = {{}}
local bodies = {{{", ".join(lua_string(body) for body in bodies)}}}
local writer = {{["Authorization"] = {lua_string("Bearer " + logins.enterprise_token)},
                 ["Content-Type"] = "application/json"}}
function setup(thread) table.insert(threads, thread) end
function init(args) written = 0; read = 0; refused = 0; codes = ""; math.randomseed(7) end
function request()
  if math.random() < {share} then
    return wrk.format("POST", "/api/v1/cases", writer, bodies[math.random(#bodies)])
  end
  return {read}
end
function response(status, headers, body)
  if status == 201 then written = written + 1
  elseif status == 200 then read = read + 1
  else refused = refused + 1; codes = codes .. status .. " " end
end
function done(summary, latency, requests)
  local w, r, x, c = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    w = w + thread:get("written"); r = r + thread:get("read"); x = x + thread:get("refused")
    c = c .. thread:get("codes")
  end
  local e = summary.errors
  io.write(string.format(
    '{{"requests": %d, "seconds": %.3f, "reads": %d, "writes": %d, "refused": %d, "codes": "%s", ' ..
    '"socket_errors": %d, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f}}\\n',
    summary.requests, summary.duration / 1e6, r, w, x, c, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


@dataclasses.dataclass
class Run:
    arm: str
    workload: str
    round: int
    requests_per_second: float
    writes_per_second: float
    p50: float
    p95: float
    p99: float
    max: float
    errors: int
    socket_errors: int  # of the errors, those with no answer (a connection closed, a timeout)
    codes: str  # the other errors' statuses, counted: "502×3"
    cores: float
    memory: float
    load: str


def run_wrk(
    base: str, script: Path, seconds: float, connections: int, server: Server
) -> tuple[dict[str, float], float, float]:
    """wrk's figures, the server's cores used meanwhile, and its memory at the end."""
    cpu_before = cpu_seconds(server.pids())
    started = time.perf_counter()
    finished = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds:.0f}s",
            "--timeout",
            "60s",
            "--script",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    pids = server.pids()
    cores = (cpu_seconds(pids) - cpu_before) / elapsed
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    return figures, cores, memory_mib(pids)


def measure(
    chosen: Arm,
    round_: int,
    args: argparse.Namespace,
    cast_users: tuple[str, str],
    enterprise: int,
    categories: list[int],
    scripts: Path,
) -> list[Run]:
    server = Server(chosen, args.port, OUT / "servers-bench.log")
    front = None
    runs = []
    try:
        if args.nginx != "none":
            front = Nginx(args.port + 1, args.port, args.nginx == "keepalive", scripts / "nginx")
        base = front.url if front else server.url
        logins = log_in(base, *cast_users)
        for workload in WORKLOADS:
            (scripts / f"{workload}.lua").write_text(wrk_script(workload, logins, enterprise, categories))
        # Every process and thread takes its first requests (templates, caches, connections).
        run_wrk(base, scripts / "mix.lua", args.warmup, args.connections, server)
        for workload in WORKLOADS:
            load_before = os.getloadavg()[0]
            figures, cores, memory = run_wrk(
                base, scripts / f"{workload}.lua", args.seconds, args.connections, server
            )
            seconds = figures["seconds"]
            run = Run(
                arm=chosen.name,
                workload=workload,
                round=round_,
                requests_per_second=figures["requests"] / seconds,
                writes_per_second=figures["writes"] / seconds,
                p50=figures["p50"],
                p95=figures["p95"],
                p99=figures["p99"],
                max=figures["max"],
                errors=int(figures["refused"] + figures["socket_errors"]),
                socket_errors=int(figures["socket_errors"]),
                codes=" ".join(
                    f"{code}×{count}"
                    for code, count in sorted(Counter(str(figures["codes"]).split()).items())
                ),
                cores=cores,
                memory=memory,
                load=f"{load_before:.1f} → {os.getloadavg()[0]:.1f}",
            )
            runs.append(run)
            statuses = f"; {run.codes}" if run.codes else ""
            print(
                f"  round {round_} {chosen.name:12} {workload:5} {run.requests_per_second:6.1f} req/s "
                f"(writes {run.writes_per_second:4.1f}/s)  p50 {run.p50:7.1f}  p95 {run.p95:7.1f}  "
                f"p99 {run.p99:7.1f} ms  errors {run.errors} ({run.socket_errors} no answer{statuses})  "
                f"{run.cores:.2f} cores  {run.memory:5.0f} MiB  load {run.load}",
                flush=True,
            )
    finally:
        if front:
            front.stop()
        server.stop()
    return runs


def print_medians(runs: list[Run], arms: list[str]) -> None:
    print(
        "\n| Arm | Workload | Requests/s | of which writes/s | p50 ms | p95 ms | p99 ms | Errors | "
        "Server cores | CPU ms a request | Server memory (PSS) MiB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workload in WORKLOADS:
        for name in arms:
            mine = [run for run in runs if run.arm == name and run.workload == workload]
            if not mine:
                continue

            def middle(values: list[float]) -> float:
                return statistics.median(values)

            print(
                f"| {name} | {workload} | {middle([r.requests_per_second for r in mine]):.1f} | "
                f"{middle([r.writes_per_second for r in mine]):.1f} | {middle([r.p50 for r in mine]):.0f} | "
                f"{middle([r.p95 for r in mine]):.0f} | {middle([r.p99 for r in mine]):.0f} | "
                f"{sum(r.errors for r in mine)} | {middle([r.cores for r in mine]):.2f} | "
                f"{middle([r.cores * 1000 / r.requests_per_second for r in mine]):.0f} | "
                f"{middle([r.memory for r in mine]):.0f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.3, help="bench/load.py's scale (1: 30k cases)")
    parser.add_argument("--fresh", action="store_true", help="SQLite: delete the database and grow it anew")
    parser.add_argument("--arms", default=DEFAULT_ARMS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8787, help="the server's; nginx (--nginx) takes the next")
    parser.add_argument(
        "--nginx",
        choices=["none", "keepalive", "close"],
        default="none",
        help="send the load through nginx, keeping its connections to the server open or not",
    )
    parser.add_argument(
        "--max-requests", type=int, help="gunicorn replaces each process after this many requests"
    )
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    names = [name.strip() for name in args.arms.split(",") if name.strip()]
    arms = [arm(name, args.port, args.max_requests) for name in names]

    if args.fresh and not os.environ.get("DATABASE_URL"):
        shutil.rmtree(OUT / SQLITE_DIR, ignore_errors=True)
    started = time.perf_counter()
    setup_django(SQLITE_DIR)
    print(f"set-up (scale {args.scale}) …", flush=True)
    grow(args.scale)
    cast = accounts()
    from zhuqi.directory.models import User

    enterprise_user = cast.users["enterprise-1"]
    enterprise = User.objects.get(username=enterprise_user).enterprise_id
    assert enterprise is not None
    coordinator = "demo-coordinator"
    print(f"  {counts()}; set-up {time.perf_counter() - started:.0f} s", flush=True)
    label = database_label()
    from django.db import connection

    connection.close()
    if args.setup_only:
        return
    print(
        f"\nservers_bench.py at {revision()}: {label}; {args.connections} connections, "
        f"{args.seconds:.0f} s a workload, {args.rounds} rounds; the coordinator of {COUNTY}; "
        f"{machine()}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="servers-bench-") as scripts:
        for round_ in range(1, args.rounds + 1):
            shift = (round_ - 1) % len(arms)
            for chosen in arms[shift:] + arms[:shift]:
                runs += measure(
                    chosen,
                    round_,
                    args,
                    (coordinator, enterprise_user),
                    enterprise,
                    cast.categories,
                    Path(scripts),
                )
    print(f"\n{label}; medians of {args.rounds} rounds; {counts_after()}")
    print_medians(runs, names)


def counts_after() -> str:
    from django.db import connection

    connection.connect()
    try:
        return counts()
    finally:
        connection.close()


if __name__ == "__main__":
    main()
