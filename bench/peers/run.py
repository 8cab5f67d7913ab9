"""zhuqi beside two references, each pair run interleaved (A, B, A, B …), medians and ratios.

    python bench/peers/run.py setup                     # the references' virtual environments
    DATABASE_URL=… python bench/peers/run.py api        # GET /api/v1/cases vs a bare Django view
    python bench/peers/run.py import FILE.xlsx          # enterprise import vs django-import-export

Run it with zhuqi's own interpreter (`.venv/bin/python`): zhuqi's side is whatever code is checked
out, called as plain commands of that environment (`zhuqi run`, `zhuqi import_enterprises`), so
the same script measures before and after a change. The references live in their own virtual
environments under bench/out/peers/, installed with --require-hashes from the pinned files next
to this script (never from the project's lock):

- bare_django/: Django with one view returning {"ok": true}, served by waitress in one process
  with 4 threads, as `zhuqi run --threads 4` serves zhuqi;
- import_export/: django-import-export 4.4 in bulk mode, a model of the columns of zhuqi's
  enterprise list, importing the same .xlsx into a fresh SQLite file.

api: zhuqi runs `zhuqi run --no-demo --no-worker --threads 4` against DATABASE_URL (a database
bench/generate_cases.py filled: its prefecture coordinator of 通辽 logs in with a token; the
script sets that account's password first, hashed as production hashes it) and
answers `GET /api/v1/cases?page_size=50`; the bare view answers `GET /ok`. Each round drives one
then the other with `--clients` concurrent connections for `--seconds` (wrk if installed, else
this script's own client: it says which). Requests/s and latency p50 per round, medians over the
rounds, and zhuqi's requests/s as a share of the bare view's.

import: each round imports FILE once with each, each into a fresh SQLite database, in a fresh
process: rows/s (the import alone, timed inside the process, after Django has started and the
database has its tables and reference data) and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
from common import stop_process  # noqa: E402 - bench/common.py, found through the line above

OUT = Path(os.environ.get("ZHUQI_BENCH_OUT") or ROOT / "bench" / "out") / "peers"
PEERS = ("bare_django", "import_export")
# The user bench/generate_cases.py makes for 通辽's coordinator (a prefecture), and its password.
API_USER = "bench-coordinator-150500"
API_PASSWORD = "bench"
SECRET = "bench-peers-secret-key-only-for-loopback"


def zhuqi_command() -> Path:
    """The `zhuqi` command of the environment running this script (the checkout measured)."""
    return Path(sys.executable).with_name("zhuqi")


def peer_python(name: str) -> Path:
    return OUT / name / "bin" / "python"


# --- setup ----------------------------------------------------------------------------------------


def setup() -> None:
    """Each reference's virtual environment, from its pinned file (hashes, no addresses)."""
    for name in PEERS:
        venv = OUT / name
        if not peer_python(name).exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(peer_python(name)),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
                str(HERE / name / "requirements.txt"),
            ],
            check=True,
        )
        print(f"{name}: {venv}")


def require_setup() -> None:
    missing = [name for name in PEERS if not peer_python(name).exists()]
    if missing:
        sys.exit(f"no environment for {', '.join(missing)}: run `python bench/peers/run.py setup` first")


# --- api ------------------------------------------------------------------------------------------


class Served:
    """A server in a child process on 127.0.0.1, stopped by its own pid."""

    def __init__(self, label: str, command: list[str], *, port: int, cwd: Path, env: dict[str, str]) -> None:
        self.label = label
        self.url = f"http://127.0.0.1:{port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = (OUT / f"{label}.log").open("ab")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_up(self, probe: str) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.label} stopped (exit {self.process.returncode}); see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + probe, timeout=5):
                    return
            except OSError:
                time.sleep(1)
        self.stop()
        sys.exit(f"{self.label} did not answer within 180 s")

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


# The benchmark account's password, hashed as production hashes it (the generator's hash is the
# test suite's fast one, which the server does not accept): one UPDATE of one user row.
SET_PASSWORD = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
import django
django.setup()
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from zhuqi.directory.models import User
done = User.objects.filter(username=sys.argv[1]).update(
    password=PBKDF2PasswordHasher().encode(sys.argv[2], "benchpeerssalt"), must_change_password=False
)
assert done == 1, f"no user {sys.argv[1]}: fill the database with bench/generate_cases.py"
"""


def zhuqi_server(port: int, threads: int) -> Served:
    env = {k: v for k, v in os.environ.items() if k != "ZHUQI_TESTING"}
    if not env.get("DATABASE_URL"):
        sys.exit("api: set DATABASE_URL to a database bench/generate_cases.py filled")
    env["ZHUQI_SECRET_KEY"] = env.get("ZHUQI_SECRET_KEY") or SECRET
    env.setdefault("ZHUQI_VAR_DIR", str(OUT / "zhuqi-var"))
    subprocess.run(
        [sys.executable, "-c", SET_PASSWORD, API_USER, API_PASSWORD], env=env, cwd=ROOT, check=True
    )
    command = [str(zhuqi_command()), "run", "--no-demo", "--no-worker", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--threads", str(threads)]
    server = Served("zhuqi", command, port=port, cwd=ROOT, env=env)
    server.wait_until_up("/login/")
    return server


def bare_server(port: int, threads: int) -> Served:
    waitress = OUT / "bare_django" / "bin" / "waitress-serve"
    command = [str(waitress), "--host=127.0.0.1", f"--port={port}", f"--threads={threads}"]
    server = Served(
        "bare_django",
        [*command, "bare_project:application"],
        port=port,
        cwd=HERE / "bare_django",
        env=dict(os.environ),
    )
    server.wait_until_up("/ok")
    return server


def api_token(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps({"username": API_USER, "password": API_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["token"])


def drive_wrk(url: str, headers: dict[str, str], clients: int, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    match = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    assert match, output
    p50 = float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} answers were not 2xx:\n{output}")
    return {"rps": rate, "p50_ms": p50}


def drive_python(url: str, headers: dict[str, str], clients: int, seconds: int) -> dict[str, float]:
    """`clients` threads, each one keep-alive connection, requesting for `seconds`."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    failures.append(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{url}: {len(failures)} answers were not 200 ({failures[:3]})")
    return {"rps": len(latencies) / seconds, "p50_ms": statistics.median(latencies)}


def api(args: argparse.Namespace) -> None:
    require_setup()
    client = "wrk" if shutil.which("wrk") and not args.python_client else "python"
    drive = drive_wrk if client == "wrk" else drive_python
    zhuqi = zhuqi_server(args.port, args.threads)
    bare = None
    try:
        bare = bare_server(args.port + 1, args.threads)
        token = api_token(zhuqi.url)
        pair = {
            "zhuqi": (f"{zhuqi.url}/api/v1/cases?page_size=50", {"Authorization": f"Bearer {token}"}),
            "bare": (f"{bare.url}/ok", {}),
        }
        print(
            f"client: {client}, {args.clients} connections, {args.seconds} s a round; {args.threads} threads"
        )
        for url, headers in pair.values():  # warm both (imports, caches, connections)
            drive(url, headers, args.clients, 3)
        results: dict[str, list[dict[str, float]]] = {"zhuqi": [], "bare": []}
        for round_ in range(1, args.rounds + 1):
            for label, (url, headers) in pair.items():
                result = drive(url, headers, args.clients, args.seconds)
                results[label].append(result)
                print(f"round {round_}: {label:5} {result['rps']:9.1f} req/s  p50 {result['p50_ms']:8.1f} ms")
    finally:
        zhuqi.stop()
        if bare:
            bare.stop()
    rps = {label: statistics.median(r["rps"] for r in runs) for label, runs in results.items()}
    p50 = {label: statistics.median(r["p50_ms"] for r in runs) for label, runs in results.items()}
    print(
        f"median: zhuqi GET /api/v1/cases?page_size=50 {rps['zhuqi']:.1f} req/s (p50 {p50['zhuqi']:.1f} ms); "
        f"bare Django view {rps['bare']:.1f} req/s (p50 {p50['bare']:.1f} ms); "
        f"zhuqi = {100 * rps['zhuqi'] / rps['bare']:.1f} % of the bare view's req/s"
    )


# --- import ---------------------------------------------------------------------------------------

# zhuqi's side: the `import_enterprises` command of the checkout, timed inside the process.
ZHUQI_IMPORT = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
import django
django.setup()
from django.core.management import call_command
from zhuqi.enterprises.models import Enterprise
started, cpu_started = time.perf_counter(), time.process_time()
call_command("import_enterprises", sys.argv[1], verbosity=0)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
rows = Enterprise.objects.count()
print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "cpu_seconds": cpu}))
"""


def measured(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Run `command`; its last stdout line (JSON) and its peak resident memory (wait4)."""
    with (OUT / "import-child.out").open("w+") as stdout, (OUT / "import-child.err").open("w+") as stderr:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode:
            sys.exit(
                f"{' '.join(command[:3])} … failed (exit {process.returncode}):\n{stderr.read()[-3000:]}"
            )
        result: dict[str, float] = json.loads(stdout.read().strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    return result


def zhuqi_import(path: Path) -> dict[str, float]:
    var = OUT / "zhuqi-import"
    shutil.rmtree(var, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in ("ZHUQI_TESTING", "DATABASE_URL")}
    env.update(ZHUQI_VAR_DIR=str(var), ZHUQI_SECRET_KEY=SECRET)
    zhuqi = str(zhuqi_command())
    # The empty database with its reference data, before the clock starts.
    for step in (["migrate", "--verbosity", "0"], ["load", "regions"], ["load", "industries"]):
        subprocess.run([zhuqi, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    try:
        return measured([sys.executable, "-c", ZHUQI_IMPORT, str(path)], env, ROOT)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def peer_import(path: Path) -> dict[str, float]:
    database = OUT / "import-export.sqlite3"
    for stale in OUT.glob("import-export.sqlite3*"):
        stale.unlink()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PEER_SQLITE"] = str(database)
    here = HERE / "import_export"
    try:
        return measured(
            [str(peer_python("import_export")), str(here / "run_import.py"), str(path)], env, here
        )
    finally:
        for stale in OUT.glob("import-export.sqlite3*"):
            stale.unlink()


def import_(args: argparse.Namespace) -> None:
    require_setup()
    path = args.file.resolve()
    results: dict[str, list[dict[str, float]]] = {"zhuqi": [], "django-import-export": []}
    for round_ in range(1, args.rounds + 1):
        for label, run in (("zhuqi", zhuqi_import), ("django-import-export", peer_import)):
            result = run(path)
            results[label].append(result)
            result["rows_per_cpu_second"] = result["rows"] / result["cpu_seconds"]
            print(
                f"round {round_}: {label:20} {result['rows']:.0f} rows in {result['seconds']:6.1f} s = "
                f"{result['rows_per_second']:6.0f} rows/s, "
                f"{result['rows_per_cpu_second']:6.0f} rows per CPU s, "
                f"peak RSS {result['peak_rss_mib']:4.0f} MiB, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    rate = {label: statistics.median(r["rows_per_second"] for r in runs) for label, runs in results.items()}
    per_cpu = {
        label: statistics.median(r["rows_per_cpu_second"] for r in runs) for label, runs in results.items()
    }
    ratios = [
        (
            ours["rows_per_second"] / theirs["rows_per_second"],
            ours["rows_per_cpu_second"] / theirs["rows_per_cpu_second"],
        )
        for ours, theirs in zip(results["zhuqi"], results["django-import-export"], strict=True)
    ]
    print(
        f"per CPU second: zhuqi {per_cpu['zhuqi']:.0f}, "
        f"django-import-export {per_cpu['django-import-export']:.0f}; "
        f"median of the rounds' ratios: {statistics.median(w for w, _ in ratios):.2f}x by wall clock, "
        f"{statistics.median(c for _, c in ratios):.2f}x per CPU second"
    )
    rss = {label: statistics.median(r["peak_rss_mib"] for r in runs) for label, runs in results.items()}
    print(
        f"median: zhuqi {rate['zhuqi']:.0f} rows/s, peak RSS {rss['zhuqi']:.0f} MiB; django-import-export "
        f"{rate['django-import-export']:.0f} rows/s, peak RSS {rss['django-import-export']:.0f} MiB; "
        f"zhuqi = {rate['zhuqi'] / rate['django-import-export']:.2f}x its rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    api_parser = commands.add_parser("api")
    api_parser.add_argument("--rounds", type=int, default=3)
    api_parser.add_argument("--seconds", type=int, default=10)
    api_parser.add_argument("--clients", type=int, default=8)
    api_parser.add_argument("--threads", type=int, default=4)
    api_parser.add_argument("--port", type=int, default=8460)
    api_parser.add_argument("--python-client", action="store_true", help="this script's client, not wrk")
    import_parser = commands.add_parser("import")
    import_parser.add_argument("file", type=Path)
    import_parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"at {revision()}")
    {"setup": lambda _: setup(), "api": api, "import": import_}[args.command](args)


def revision() -> str:
    """The commit of the checkout measured: the one whose .venv runs this script."""
    measured = Path(sys.executable).parent.parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=measured, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    return commit + (" +src changes" if git("status", "--porcelain", "--", "src") else "")


if __name__ == "__main__":
    main()
