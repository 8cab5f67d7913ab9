"""The single-machine deployment (deploy/single/) brought up on this machine from its files as
written, and used through nginx as people would: `make deploy-test` (docs/deployment.md).

    .venv/bin/python scripts/deploy_test.py                       # PostgreSQL at 127.0.0.1:5432, user root
    .venv/bin/python scripts/deploy_test.py --server postgres://root@db:5432/postgres --database my_test
    .venv/bin/python scripts/deploy_test.py --keep                # leave the directory and its logs
    .venv/bin/python scripts/deploy_test.py --this-venv           # no offline install: this virtualenv

What it does, each step printed PASS, FAIL or SKIP with its time:
- installs Debian's nginx if it is missing (apt-get, as root or with sudo), and checks openssl;
- installs the software as docs/deployment.md's steps 1 and 2 say: the wheels of
  requirements-pip.lock and requirements-production.lock downloaded with their hashes and zhuqi's
  own wheel built from `git archive HEAD`, then a new virtualenv (/opt/zhuqi) installed from that
  folder alone with --no-index, and no development tool in it (`--this-venv` skips this and
  serves from the virtualenv running the script);
- renders deploy/single/ into a temporary directory that stands for the machine's root: the
  paths (/opt/zhuqi the virtualenv just installed, /etc/zhuqi, /var/lib/zhuqi, /var/log/zhuqi …), the ports
  (nginx's 443 and 80, gunicorn's 8000: free ones), the site's name (localhost), the database
  (its own, owned by a role of its name that is no superuser, as the docs make the zhuqi role;
  both dropped at the end), the user the wrapper runs as (this one) and a 5-second sweep
  interval are the only things replaced; every replacement is listed;
- `systemd-analyze verify` on the rendered units when systemd's tools are there;
- deploy/scaled/: its nginx site is the single one but for the upstream, and passes `nginx -t`;
  its environment file sets every variable of the single one and differs only where it says
  SCALED; its drop-ins load with the units;
- does what docs/deployment.md tells the operator, through the operator's `zhuqi` command
  (deploy/single/zhuqi): the secret key, a self-signed certificate (openssl), the database
  prepared (`zhuqi run --setup-only --no-demo`), `zhuqi check --deploy`, `zhuqi collectstatic`,
  an enterprise imported, the accounts created (`zhuqi createuser`);
- starts nginx with the site and, with systemd not running here, the processes the units
  describe: each unit's ExecStart with its Environment=, EnvironmentFile=, drop-ins, %i and
  $VARIABLES expanded, its WorkingDirectory=, UMask=, RuntimeDirectory= and StandardOutput= file
  (gunicorn, worker 1 with the scheduler, worker 2 without), and waits for gunicorn's READY=1 on
  a notify socket as Type=notify has systemd do;
- through nginx over HTTPS: /healthz and /readyz; HTTP redirected to HTTPS; an enterprise user
  logs in on the login page and files a demand with an attachment on the 提交诉求 form; its
  response deadline is put in the past (`zhuqi shell -c`) and the worker's deadline sweep is
  awaited until the API shows the case red and escalated; both workers are seen to run queued
  tasks (their ids on the tasks' records); the attachment is served by the app to its filer and
  /media/ by nobody; the security headers and secure cookies; no server version; static files
  from nginx's disk with their cache headers; a too-large upload refused by nginx in Chinese;
  /metrics from loopback only; gunicorn not reachable from outside; the services' memory;
- the nightly backup's command (zhuqi-backup.service) once, a forced log rotation with the
  logrotate file;
- scaled out: deploy/scaled's nginx site (its upstream pointed at two app servers here, the
  second a copy of zhuqi-web on another port) answers the logged-in session with both up, with
  the second stopped, and with the first stopped once the second is back (after the upstream's
  fail_timeout, as deploy/scaled/README.md tells the operator);
- the page nginx shows while the app is down;
- stops every process it started (by its id), drops its database, removes the directory
  (unless --keep, or a step failed: then the path of the logs is printed).

Exit status 0 when no step failed. Run as root, as CI does; as another user nginx must already
be installed (or sudo apt-get allowed) and the log rotation is skipped.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import dataclasses
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "single"
SCALED = ROOT / "deploy" / "scaled"
VENV = Path(sys.prefix)
SITE_NAME = "zhuqi.example.gov.cn"
COUNTY = "150581"  # 霍林郭勒市: the test's enterprise, and its coordinator's jurisdiction
PASSWORD = "Deploy-test-password-2026"
# What a service started by systemd gets, whatever the test's own environment holds (CI's
# DATABASE_URL or ZHUQI_TESTING must not leak into the processes under test).
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


# --- steps ---------------------------------------------------------------------------------------


class StepFailed(Exception):
    pass


class Skipped(Exception):
    pass


@dataclass
class Outcome:
    name: str
    result: str  # PASS, FAIL, SKIP
    seconds: float
    detail: str = ""


@dataclass
class Steps:
    outcomes: list[Outcome] = field(default_factory=list)

    @contextlib.contextmanager
    def step(self, name: str, *, critical: bool = False) -> Iterator[None]:
        """One step: PASS when its block ends, FAIL on StepFailed (or any error), SKIP on
        Skipped. A critical step's failure ends the run (the later steps need what it made)."""
        started = time.perf_counter()
        try:
            yield
        except Skipped as skipped:
            self._say(Outcome(name, "SKIP", time.perf_counter() - started, str(skipped)))
        except Exception as error:
            detail = str(error) if isinstance(error, StepFailed) else f"{type(error).__name__}: {error}"
            self._say(Outcome(name, "FAIL", time.perf_counter() - started, detail))
            if critical:
                raise StepFailed(f"{name}: {detail}") from error
        else:
            self._say(Outcome(name, "PASS", time.perf_counter() - started))

    def _say(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        detail = f"  — {outcome.detail}" if outcome.detail else ""
        print(f"{outcome.result:4}  {outcome.name} ({outcome.seconds:.1f} s){detail}", flush=True)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.result == "FAIL"]


def expect(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def wait_for(what: str, check: Callable[[], object], timeout: float, interval: float = 0.5) -> Any:
    """`check()` until it returns something true, or StepFailed naming `what` and the last error."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as error:
            last = f"{type(error).__name__}: {error}"
        time.sleep(interval)
    raise StepFailed(f"{what}: not within {timeout:.0f} s" + (f" ({last})" if last else ""))


def found(pattern: str, text: str, what: str) -> str:
    """The first group of `pattern` in `text`, or StepFailed saying `what` is missing."""
    matched = re.search(pattern, text, re.S)
    if matched is None:
        raise StepFailed(f"{what}: not found")
    return matched.group(1)


# --- the machine ---------------------------------------------------------------------------------


def ensure_nginx() -> str:
    """Debian's nginx, installed from the distribution's packages when missing (as the
    Makefile's browser-deps installs chromium). Its service is not started by the install."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    # RUNLEVEL=1: invoke-rc.d does not start the packaged nginx on port 80 meanwhile.
    install = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "RUNLEVEL=1", "apt-get", "install", "-y", "-q"]
    if subprocess.run([*install, "nginx"], capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], capture_output=True, check=True)
        subprocess.run([*install, "nginx"], capture_output=True, check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one: the address a
    request from another machine would come to."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: only the route is looked up
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


# --- rendering deploy/single/ --------------------------------------------------------------------


@dataclass
class Layout:
    """Where the rendered machine lives, and what was replaced in the files."""

    root: Path
    https_port: int
    http_port: int
    app_port: int
    database_url: str
    user: str
    # /opt/zhuqi: installed from the wheels as docs/deployment.md says, or (--this-venv) the one
    # running this script.
    venv: Path = VENV
    replacements: list[tuple[str, str]] = field(default_factory=list)

    def path(self, absolute: str) -> Path:
        """The rendered place of a path the files name (/etc/zhuqi/zhuqi.env → root/etc/…)."""
        return self.root / absolute.lstrip("/")

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.https_port}"


def path_replacements(layout: Layout) -> list[tuple[str, str]]:
    moved = [
        "/etc/zhuqi",
        "/var/lib/zhuqi",
        "/var/log/zhuqi",
        "/var/backups/zhuqi",
        "/run/zhuqi-metrics",
        "/run/nginx.pid",
        "/etc/ssl/zhuqi",
        "/usr/share/nginx/zhuqi",
        "/usr/local/bin/zhuqi",
    ]
    return [("/opt/zhuqi", str(layout.venv)), *((path, str(layout.path(path))) for path in moved)]


def install_offline(layout: Layout) -> list[str]:
    """docs/deployment.md steps 1 and 2 for the software: every wheel zhuqi needs downloaded into
    one folder with the production lock's hashes (what is carried in), then a new virtualenv
    installed from that folder alone (--no-index), as on a server with no internet. Returns
    what was installed, for the log."""
    offline = layout.root / "zhuqi-offline"
    wheels = offline / "wheels"
    wheels.mkdir(parents=True)
    python = getattr(sys, "_base_executable", sys.executable)

    def call(command: list[str], **kwargs: Any) -> None:
        done = subprocess.run(command, capture_output=True, text=True, **kwargs)
        expect(
            done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}"
        )

    # The connected machine's pip as the docs make it: the locked pip in a virtualenv of its own
    # (the pip Python 3.11 comes with refuses the lock's `lxml[html_clean]` under --require-hashes).
    tools = layout.root / "zhuqi-tools"
    call([python, "-m", "venv", str(tools)])
    call(
        [
            str(tools / "bin" / "pip"),
            "install",
            "--quiet",
            "--require-hashes",
            "-r",
            str(ROOT / "requirements-pip.lock"),
        ]
    )
    pip = [str(tools / "bin" / "pip"), "--disable-pip-version-check", "--quiet"]

    for lock in ("requirements-pip.lock", "requirements-production.lock"):
        call([*pip, "download", "--require-hashes", "-r", str(ROOT / lock), "-d", str(wheels)])
        shutil.copy(ROOT / lock, offline / lock)
    call([*pip, "download", "setuptools", "wheel", "-d", str(wheels)])
    # From a copy of the committed files, as from a clone: not the working tree's build leftovers.
    source = layout.root / "zhuqi-source"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True)
    source.mkdir()
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    call([*pip, "wheel", "--no-deps", str(source), "-w", str(wheels)])
    venv = layout.path("/opt/zhuqi")
    call([python, "-m", "venv", str(venv)])
    installer = [str(venv / "bin" / "pip"), "--disable-pip-version-check", "--quiet", "install", "--no-index"]
    for lock in ("requirements-pip.lock", "requirements-production.lock"):
        call([*installer, "--find-links", str(wheels), "--require-hashes", "-r", str(offline / lock)])
    built = sorted(wheels.glob("zhuqi-*.whl"))
    expect(len(built) == 1, f"one zhuqi wheel expected, found {[p.name for p in built]}")
    call([*installer, "--no-deps", str(built[0])])
    layout.venv = venv
    listed = subprocess.run(
        [str(venv / "bin" / "pip"), "list", "--format=freeze"], capture_output=True, text=True, check=True
    ).stdout.split()
    # The development tools stay out of production (requirements-production.lock).
    for tool in ("pytest", "mypy", "playwright", "ruff", "hypothesis"):
        expect(not any(line.lower().startswith(f"{tool}==") for line in listed), f"{tool} was installed")
    return listed


def render(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def replace_line(text: str, pattern: str, line: str, name: str) -> str:
    """The one line of `text` matching `pattern` (a whole line) replaced by `line`."""
    rendered, count = re.subn(rf"(?m)^{pattern}$", line, text)
    if count != 1:
        raise StepFailed(f"{name}: expected one line matching {pattern!r}, found {count}")
    return rendered


def render_layout(layout: Layout) -> None:
    """deploy/single/ into layout.root, as the docs install it, with the test's replacements."""
    paths = path_replacements(layout)
    layout.replacements = [*paths]
    for directory in (
        "/etc/zhuqi",
        "/etc/systemd/system",
        "/etc/nginx/sites-enabled",
        "/etc/ssl/zhuqi",
        "/etc/logrotate.d",
        "/usr/share/nginx/zhuqi",
        "/usr/local/bin",
        "/var/log/zhuqi",
        "/var/backups/zhuqi",
        "/run",
        "/var/lib/nginx",
    ):
        layout.path(directory).mkdir(parents=True, exist_ok=True)
    # The modes docs/deployment.md gives them (step 2): nginx's workers pass through the var
    # directory to static/ and into the log folder, never into media/ or the backups.
    for directory, mode in (
        ("/var/lib/zhuqi", 0o751),
        ("/var/lib/zhuqi/media", 0o750),
        ("/var/lib/zhuqi/static", 0o755),
        ("/var/backups/zhuqi", 0o700),
        ("/var/log/zhuqi", 0o755),
        ("/etc/zhuqi", 0o750),
    ):
        layout.path(directory).mkdir(parents=True, exist_ok=True)
        layout.path(directory).chmod(mode)

    def install(source: Path, target: str, edit: Callable[[str], str] = lambda text: text) -> Path:
        rendered = edit(render(source.read_text(encoding="utf-8"), paths))
        destination = layout.path(target)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(rendered, encoding="utf-8")
        return destination

    for unit in ("zhuqi-web.service", "zhuqi-worker@.service", "zhuqi-backup.service", "zhuqi-backup.timer"):
        install(DEPLOY / unit, f"/etc/systemd/system/{unit}")
    install(
        DEPLOY / "zhuqi-worker@1.service.d" / "scheduler.conf",
        "/etc/systemd/system/zhuqi-worker@1.service.d/scheduler.conf",
    )
    install(DEPLOY / "gunicorn.conf.py", "/etc/zhuqi/gunicorn.conf.py")
    install(DEPLOY / "logrotate.conf", "/etc/logrotate.d/zhuqi")
    for page in (DEPLOY / "nginx" / "errors").iterdir():
        install(page, f"/usr/share/nginx/zhuqi/{page.name}")

    site = f"localhost:{layout.https_port}"

    def environment(text: str) -> str:
        text = text.replace(f"https://{SITE_NAME}", layout.origin).replace(SITE_NAME, "localhost")
        text = replace_line(text, r"DATABASE_URL=.*", f"DATABASE_URL={layout.database_url}", "zhuqi.env")
        text = replace_line(text, r"ZHUQI_BIND=.*", f"ZHUQI_BIND=127.0.0.1:{layout.app_port}", "zhuqi.env")
        return replace_line(text, r"ZHUQI_SWEEP_INTERVAL=.*", "ZHUQI_SWEEP_INTERVAL=5", "zhuqi.env")

    env_file = install(DEPLOY / "zhuqi.env.example", "/etc/zhuqi/zhuqi.env", environment)
    env_file.chmod(0o640)
    layout.replacements += [
        (SITE_NAME, "localhost"),
        (f"https://{SITE_NAME}", layout.origin),
        ("DATABASE_URL=…", f"DATABASE_URL={layout.database_url}"),
        ("ZHUQI_BIND=127.0.0.1:8000", f"ZHUQI_BIND=127.0.0.1:{layout.app_port}"),
        ("ZHUQI_SWEEP_INTERVAL=300", "ZHUQI_SWEEP_INTERVAL=5"),
    ]

    def nginx_site(text: str) -> str:
        return replace_line(
            listening(text, layout),
            r"    server 127\.0\.0\.1:8000;",
            f"    server 127.0.0.1:{layout.app_port};",
            "nginx",
        )

    install(DEPLOY / "nginx" / "zhuqi.conf", "/etc/nginx/sites-enabled/zhuqi.conf", nginx_site)
    layout.replacements += [
        ("listen 443", f"listen {layout.https_port}"),
        ("listen 80", f"listen {layout.http_port}"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{layout.app_port}"),
    ]

    command = install(
        DEPLOY / "zhuqi",
        "/usr/local/bin/zhuqi",
        lambda text: replace_line(text, r"user=zhuqi", f"user={layout.user}", "zhuqi"),
    )
    command.chmod(0o755)
    layout.replacements.append(("user=zhuqi (deploy/single/zhuqi)", f"user={layout.user}"))
    write_nginx_main(layout, site)


def listening(site: str, layout: Layout) -> str:
    """An nginx site of deploy/ with the test's name and ports."""
    site = site.replace(SITE_NAME, "localhost")
    site = replace_line(
        site, r"    listen 443 ssl http2;", f"    listen {layout.https_port} ssl http2;", "nginx"
    )
    return replace_line(site, r"    listen 80;", f"    listen {layout.http_port};", "nginx")


def write_nginx_main(layout: Layout, site: str) -> None:
    """nginx.conf for the test: Debian's /etc/nginx/nginx.conf reduced to what the site needs,
    with the pid, the temporary files and the startup log in the test's directory. The site file
    is included as Debian's nginx.conf includes sites-enabled/."""
    temporary = layout.path("/var/lib/nginx")
    for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temporary / kind).mkdir(exist_ok=True)
    as_root = os.geteuid() == 0
    if as_root:
        # Debian's nginx runs its workers as www-data: they must be able to read what is served.
        www = pwd.getpwnam("www-data")
        for directory in temporary.rglob("*"):
            os.chown(directory, www.pw_uid, www.pw_gid)
    main = f"""# The deployment test's main configuration (scripts/deploy_test.py); the site is {site}.
{"user www-data;" if as_root else "# not root: nginx runs as this user"}
worker_processes 1;
daemon off;
pid {layout.path("/run/nginx.pid")};
error_log {layout.path("/var/log/zhuqi/nginx-main-error.log")};
events {{
    worker_connections 256;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    client_body_temp_path {temporary / "body"};
    proxy_temp_path {temporary / "proxy"};
    fastcgi_temp_path {temporary / "fastcgi"};
    uwsgi_temp_path {temporary / "uwsgi"};
    scgi_temp_path {temporary / "scgi"};
    include {layout.path("/etc/nginx/sites-enabled")}/*.conf;
}}
"""
    layout.path("/etc/nginx/nginx.conf").write_text(main, encoding="utf-8")


def nginx_options(layout: Layout, main: Path) -> list[str]:
    """nginx's command-line options for a main configuration of the test: its prefix, the file,
    and the log nginx writes before it has read the file."""
    return [
        "-p",
        str(layout.root),
        "-c",
        str(main),
        "-e",
        str(layout.path("/var/log/zhuqi/nginx-startup.log")),
    ]


def nginx_directives(site: str) -> list[str]:
    """A site's lines without comments, blank lines and its upstream block."""
    lines, in_upstream = [], False
    for raw in site.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("upstream "):
            in_upstream = True
        elif in_upstream and line == "}":
            in_upstream = False
        elif line and not in_upstream:
            lines.append(line)
    return lines


def environment_lines(text: str) -> dict[str, tuple[str, bool]]:
    """An environment file's assignments: name → (value, whether the comment above says SCALED)."""
    assignments: dict[str, tuple[str, bool]] = {}
    marked = in_comment = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            marked = in_comment = False
        elif line.startswith("#"):
            marked = (marked and in_comment) or "SCALED" in line
            in_comment = True
        else:
            name, _, value = line.partition("=")
            assignments[name] = (value, marked)
            in_comment = False
    return assignments


WEB_AND_WORKERS = ["zhuqi-web.service", "zhuqi-worker@1.service", "zhuqi-worker@2.service"]


def systemd_verify(analyze: str, units: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` of the named units as the files in `units` make them."""
    return subprocess.run(
        [analyze, "verify", "--man=no", *names],
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"},
        capture_output=True,
        text=True,
        cwd=units,
    )


def check_scaled(layout: Layout, nginx: str) -> None:
    """deploy/scaled/: its nginx site is the single one but for the upstream (and parses), its
    environment file sets every variable the single one does and differs only where it says
    SCALED, and its drop-ins load with the single units (systemd-analyze, when there)."""
    single_site = (DEPLOY / "nginx" / "zhuqi.conf").read_text(encoding="utf-8")
    scaled_site = (SCALED / "nginx" / "zhuqi.conf").read_text(encoding="utf-8")
    expect(
        nginx_directives(single_site) == nginx_directives(scaled_site),
        "deploy/scaled/nginx/zhuqi.conf differs from the single site outside its upstream block",
    )
    site = layout.path("/etc/nginx/scaled/zhuqi.conf")
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(listening(render(scaled_site, path_replacements(layout)), layout), encoding="utf-8")
    main = layout.path("/etc/nginx/nginx.conf").read_text(encoding="utf-8")
    scaled_main = layout.path("/etc/nginx/nginx-scaled.conf")
    scaled_main.write_text(
        main.replace(str(layout.path("/etc/nginx/sites-enabled")), str(site.parent)), encoding="utf-8"
    )
    tested = subprocess.run(
        [nginx, "-t", *nginx_options(layout, scaled_main)],
        capture_output=True,
        text=True,
    )
    expect(tested.returncode == 0, f"nginx -t of the scaled site: {tested.stderr.strip()}")

    single_env = environment_lines((DEPLOY / "zhuqi.env.example").read_text(encoding="utf-8"))
    scaled_env = environment_lines((SCALED / "zhuqi.env.example").read_text(encoding="utf-8"))
    missing = sorted(set(single_env) - set(scaled_env))
    expect(not missing, f"deploy/scaled/zhuqi.env.example lacks {missing}")
    unmarked = sorted(
        name
        for name, (value, marked) in scaled_env.items()
        if not marked and (name not in single_env or single_env[name][0] != value)
    )
    expect(not unmarked, f"deploy/scaled/zhuqi.env.example differs without saying SCALED: {unmarked}")

    analyze = shutil.which("systemd-analyze")
    if analyze:
        units = layout.path("/etc/systemd/scaled")
        shutil.copytree(layout.path("/etc/systemd/system"), units)
        for drop_in in SCALED.glob("*.service.d/*.conf"):
            target = units / drop_in.parent.name / drop_in.name
            target.parent.mkdir(exist_ok=True)
            target.write_text(render(drop_in.read_text(encoding="utf-8"), path_replacements(layout)))
        verified = systemd_verify(analyze, units, WEB_AND_WORKERS)
        expect(
            verified.returncode == 0,
            f"systemd-analyze verify with the scaled drop-ins: {verified.stderr.strip()}",
        )


# --- systemd units, read as systemd reads them ---------------------------------------------------


@dataclass
class Unit:
    name: str
    settings: dict[str, list[str]]  # [Service] key → every assignment in order (drop-ins after)

    def last(self, key: str, default: str = "") -> str:
        values = self.settings.get(key, [])
        return values[-1] if values else default


def read_unit(directory: Path, name: str) -> Unit:
    """A unit's [Service] section as systemd assembles it: the unit file (the template for
    name@instance.service), then its drop-ins (name.d/*.conf, template.d/*.conf) in name order,
    with %i and %% replaced."""
    instance = ""
    fragment = name
    if "@" in name:
        prefix, _, rest = name.partition("@")
        instance, _, suffix = rest.rpartition(".")
        fragment = f"{prefix}@.{suffix}"
    files = [directory / fragment]
    for drop_in_dir in dict.fromkeys([directory / f"{fragment}.d", directory / f"{name}.d"]):
        if drop_in_dir.is_dir():
            files += sorted(drop_in_dir.glob("*.conf"))
    settings: dict[str, list[str]] = {}
    for path in files:
        section = ""
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]":
                continue
            key, _, value = line.partition("=")
            value = value.strip().replace("%i", instance).replace("%%", "%")
            settings.setdefault(key.strip(), []).append(value)
    return Unit(name, settings)


def read_environment_file(path: Path) -> dict[str, str]:
    """EnvironmentFile= as systemd reads it: NAME=value lines, # and ; comments, quotes taken off."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


@dataclass
class Process:
    """What systemd would execute for a unit: argv, environment, directory, output file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    output: Path | None
    runtime_directory: Path | None
    umask: int
    notify: bool  # Type=notify: systemd waits for READY=1 on $NOTIFY_SOCKET


def service_process(unit: Unit, layout: Layout) -> Process:
    user = pwd.getpwnam(layout.user)
    env = {
        "PATH": SYSTEMD_PATH,
        "LANG": "C.UTF-8",
        "HOME": user.pw_dir,
        "USER": user.pw_name,
        "LOGNAME": user.pw_name,
        "SHELL": user.pw_shell,
    }
    for assignments in unit.settings.get("Environment", []):
        for assignment in shlex.split(assignments):
            key, _, value = assignment.partition("=")
            env[key] = value
    # EnvironmentFile= wins over Environment= for the same name (systemd.exec(5)).
    for env_file in unit.settings.get("EnvironmentFile", []):
        optional = env_file.startswith("-")
        path = Path(env_file.lstrip("-"))
        if path.exists() or not optional:
            env.update(read_environment_file(path))
    exec_start = [value for value in unit.settings.get("ExecStart", []) if value]
    expect(len(exec_start) == 1, f"{unit.name}: expected one ExecStart, found {len(exec_start)}")
    argv: list[str] = []
    for word in shlex.split(exec_start[0]):
        whole = re.fullmatch(r"\$(\w+)", word)
        if whole:
            # $NAME alone is split at whitespace into zero or more words (systemd.service(5)).
            argv += env.get(whole.group(1), "").split()
        else:
            argv.append(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), word))
    output = unit.last("StandardOutput")
    runtime = unit.last("RuntimeDirectory")
    return Process(
        name=unit.name,
        argv=argv,
        env=env,
        cwd=Path(unit.last("WorkingDirectory", "/")),
        output=Path(output.removeprefix("append:")) if output.startswith("append:") else None,
        runtime_directory=layout.path(f"/run/{runtime}") if runtime else None,
        umask=int(unit.last("UMask", "0022"), 8),
        notify=unit.last("Type") == "notify",
    )


# --- running ---------------------------------------------------------------------------------------


@dataclass
class Running:
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    notify_sockets: dict[str, socket.socket] = field(default_factory=dict)

    def start(self, process: Process) -> subprocess.Popen[bytes]:
        if process.runtime_directory is not None:
            # RuntimeDirectory=: made afresh, empty, at every start.
            shutil.rmtree(process.runtime_directory, ignore_errors=True)
            process.runtime_directory.mkdir(mode=0o700, parents=True)
        env = dict(process.env)
        if process.notify:
            # Type=notify: the socket systemd would listen on for the service's READY=1.
            earlier = self.notify_sockets.pop(process.name, None)
            if earlier is not None:  # started again: the last start's socket is done with
                shutil.rmtree(Path(earlier.getsockname()).parent, ignore_errors=True)
                earlier.close()
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            address = Path(tempfile.mkdtemp(prefix="zhuqi-notify-")) / "notify"
            listener.bind(str(address))
            self.notify_sockets[process.name] = listener
            env["NOTIFY_SOCKET"] = str(address)
        with open(process.output or os.devnull, "ab") as output:
            started = subprocess.Popen(
                process.argv,
                env=env,
                cwd=process.cwd,
                stdout=output,
                stderr=subprocess.STDOUT,
                umask=process.umask,
            )
        self.processes[process.name] = started
        return started

    def wait_ready(self, name: str, timeout: float) -> str:
        """What a Type=notify service told systemd, once it said READY=1."""
        listener = self.notify_sockets[name]
        listener.settimeout(timeout)
        said = ""
        while "READY=1" not in said.splitlines():
            said += listener.recv(4096).decode() + "\n"
        return said

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 40) -> None:
        """Stop one process this test started, by its id: `sig`, then SIGKILL after `timeout`."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for listener in self.notify_sockets.values():
            address = Path(listener.getsockname())
            listener.close()
            shutil.rmtree(address.parent, ignore_errors=True)


def memory_mib(pid: int) -> float:
    """The PSS of a process and every process below it (gunicorn's forked workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def operator(layout: Layout, *args: str, timeout: float = 600, check: bool = True) -> str:
    """The operator's `zhuqi` command (deploy/single/zhuqi, rendered), as `sudo zhuqi …` would run
    it: a clean environment, the production one read from /etc/zhuqi/zhuqi.env by the command."""
    user = pwd.getpwnam(layout.user)
    finished = subprocess.run(
        [str(layout.path("/usr/local/bin/zhuqi")), *args],
        env={"PATH": SYSTEMD_PATH, "LANG": "C.UTF-8", "HOME": user.pw_dir},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and finished.returncode != 0:
        raise StepFailed(
            f"zhuqi {' '.join(args[:2])} exited {finished.returncode}: "
            + (finished.stderr.strip() or finished.stdout.strip())[-800:]
        )
    return finished.stdout


def database_urls(server: str, name: str) -> tuple[str, str]:
    """The maintenance database's URL on `server` (as its user), and the test database's, as the
    role of the same name that owns it (docs/deployment.md: the zhuqi role owns the zhuqi
    database and is no superuser)."""
    parts = urllib.parse.urlsplit(server)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{name}@{host}" + (f":{parts.port}" if parts.port else "")
    return (
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
        urllib.parse.urlunsplit(parts._replace(netloc=netloc, path=f"/{name}")),
    )


def recreate_database(maintenance: str, name: str, *, drop_only: bool = False) -> None:
    """The test's database, owned by a role of its name without any privilege beyond it (as the
    zhuqi role of a production): made afresh, or only dropped."""
    expect(re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"--database {name!r}: letters, digits and _ only")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'DROP ROLE IF EXISTS "{name}"')
        if not drop_only:
            connection.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
            connection.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')


def make_certificate(layout: Layout, outside: str | None) -> Path:
    """A self-signed certificate for localhost (and this machine's address), where the nginx
    site expects the operator's (/etc/ssl/zhuqi/zhuqi.crt and .key)."""
    directory = layout.path("/etc/ssl/zhuqi")
    names = "DNS:localhost,IP:127.0.0.1" + (f",IP:{outside}" if outside else "")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName={names}",
            "-keyout",
            str(directory / "zhuqi.key"),
            "-out",
            str(directory / "zhuqi.crt"),
        ],
        capture_output=True,
        check=True,
    )
    (directory / "zhuqi.key").chmod(0o600)
    return directory / "zhuqi.crt"


# --- the test ------------------------------------------------------------------------------------


def uscc(division: str, serial: int) -> str:
    from zhuqi.core.validators import make_uscc

    return make_uscc(division, serial)


def client() -> requests.Session:
    """A browser of the test: its own cookies, and nothing from the environment (a proxy or a CA
    bundle there would otherwise replace what the test sets: requests lets REQUESTS_CA_BUNDLE
    override a session's `verify`)."""
    session = requests.Session()
    session.trust_env = False
    return session


def header_checks(response: requests.Response) -> list[str]:
    """What is wrong with a page's security headers as it reaches the browser (empty: none)."""
    headers = response.headers
    problems = []
    hsts = headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    if max_age is None or int(max_age.group(1)) < 3600:
        problems.append(f"Strict-Transport-Security: {hsts!r}")
    csp = headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        if directive not in csp:
            problems.append(f"Content-Security-Policy lacks {directive!r}: {csp!r}")
    wanted = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in wanted.items():
        if headers.get(name) != value:
            problems.append(f"{name}: {headers.get(name)!r}, expected {value!r}")
    if headers.get("Server") != "nginx":
        problems.append(f"Server: {headers.get('Server')!r}, expected 'nginx' without a version")
    for leak in ("X-Powered-By", "Via"):
        if leak in headers:
            problems.append(f"{leak}: {headers[leak]!r}")
    if (
        len(
            [
                value
                for name, value in response.raw.headers.items()
                if name.lower() == "strict-transport-security"
            ]
        )
        > 1
    ):
        problems.append("Strict-Transport-Security sent twice")
    return problems


def cookie_flags(response: requests.Response) -> dict[str, str]:
    """Each Set-Cookie of a response by cookie name, with its attributes as sent."""
    cookies = {}
    for name, value in response.raw.headers.items():
        if name.lower() == "set-cookie":
            cookies[value.split("=", 1)[0].strip()] = value
    return cookies


def run(args: argparse.Namespace, steps: Steps, running: Running, layout_holder: list[Layout]) -> None:
    with steps.step("nginx and openssl are installed (Debian's packages)", critical=True):
        nginx = ensure_nginx()
        expect(shutil.which("openssl"), "openssl is missing: apt-get install openssl")
        nginx_version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
        openssl_version = subprocess.run(
            ["openssl", "version"], capture_output=True, text=True
        ).stdout.strip()
        print(f"      {nginx_version}; {openssl_version}")

    maintenance, database_url = database_urls(args.server, args.database)
    root = Path(tempfile.mkdtemp(prefix="zhuqi-deploy-test-"))
    # nginx's workers (www-data) must reach the static files through it, as through / on a machine.
    root.chmod(0o755)
    layout = Layout(
        root=root,
        https_port=free_port(),
        http_port=free_port(),
        app_port=free_port(),
        database_url=database_url,
        user=pwd.getpwuid(os.geteuid()).pw_name,
    )
    layout_holder.append(layout)
    outside = outside_address()
    http, api, anonymous = client(), client(), client()

    if not args.this_venv:
        with steps.step(
            "the software installed offline as docs/deployment.md says (wheels from the production "
            "lock, a new /opt/zhuqi, --no-index)",
            critical=True,
        ):
            installed = install_offline(layout)
            print(f"      {len(installed)} packages, no development tools: {layout.venv}")

    with steps.step(f"deploy/single/ rendered into {root}", critical=True):
        render_layout(layout)
        for old, new in layout.replacements:
            print(f"      {old} → {new}")

    with steps.step("systemd-analyze verify: the units as systemd reads them"):
        analyze = shutil.which("systemd-analyze")
        if not analyze:
            raise Skipped("systemd-analyze is not installed")
        units = layout.path("/etc/systemd/system")
        verified = systemd_verify(
            analyze, units, [*WEB_AND_WORKERS, "zhuqi-backup.service", "zhuqi-backup.timer"]
        )
        # The units name User=zhuqi, which this machine need not have; anything else is a fault.
        complaints = [
            line
            for line in (verified.stdout + verified.stderr).splitlines()
            if line.strip() and "zhuqi" in line and "user" not in line.lower()
        ]
        expect(verified.returncode == 0 and not complaints, "\n".join(complaints) or verified.stderr)

    with steps.step("the secret key and a self-signed certificate", critical=True):
        key_file = layout.path("/etc/zhuqi/secret_key")
        key_file.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
        key_file.chmod(0o640)
        certificate = make_certificate(layout, outside)
        http.verify = api.verify = anonymous.verify = str(certificate)

    with steps.step(
        f"a fresh PostgreSQL database {args.database}, owned by a role of that name", critical=True
    ):
        recreate_database(maintenance, args.database)

    var = layout.path("/var/lib/zhuqi")
    with steps.step("zhuqi run --setup-only --no-demo (migrate, regions, industries)", critical=True):
        operator(layout, "run", "--setup-only", "--no-demo")

    with steps.step("zhuqi check --deploy --fail-level WARNING (the environment file as production)"):
        operator(layout, "check", "--deploy", "--fail-level", "WARNING")

    with steps.step("zhuqi collectstatic into /var/lib/zhuqi/static", critical=True):
        operator(layout, "collectstatic", "--noinput", "--verbosity", "0")
        expect((var / "static" / "zhuqi" / "zhuqi.css").is_file(), "static/zhuqi/zhuqi.css was not collected")
        # A name with a content hash, as a manifest storage writes them: nginx's year-long rule.
        (var / "static" / "zhuqi" / "probe.0123456789ab.txt").write_text("hashed\n", encoding="utf-8")
        for directory in [var / "static", *(var / "static").rglob("*")]:
            directory.chmod(0o755 if directory.is_dir() else 0o644)

    enterprise_code = uscc(COUNTY, 424242)
    with steps.step(
        "an enterprise imported, accounts created (zhuqi import, zhuqi createuser)", critical=True
    ):
        listing = root / "enterprises.csv"
        with listing.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["统一社会信用代码", "企业名称", "所在地区"])
            writer.writerow([enterprise_code, "部署测试新材料有限公司", COUNTY])
        operator(layout, "import", "enterprises", str(listing))
        operator(layout, "createuser", "deploy-admin", "--role", "admin", "--password", PASSWORD)
        operator(
            layout,
            "createuser",
            "deploy-coordinator",
            "--role",
            "coordinator",
            "--region",
            COUNTY,
            "--password",
            PASSWORD,
        )
        operator(
            layout,
            "createuser",
            "deploy-enterprise",
            "--role",
            "enterprise",
            "--enterprise",
            enterprise_code,
            "--password",
            PASSWORD,
        )

    with steps.step("nginx -t, then nginx started with the site", critical=True):
        config = nginx_options(layout, layout.path("/etc/nginx/nginx.conf"))
        tested = subprocess.run([nginx, *config, "-t"], capture_output=True, text=True)
        expect(tested.returncode == 0, tested.stderr.strip())
        running.processes["nginx"] = subprocess.Popen(
            [nginx, *config],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    with steps.step("deploy/scaled/: its nginx site (nginx -t), environment file and drop-ins"):
        check_scaled(layout, nginx)

    units = layout.path("/etc/systemd/system")
    processes = {name: service_process(read_unit(units, name), layout) for name in WEB_AND_WORKERS}
    with steps.step(
        "the units' command lines: gunicorn, worker 1 with the scheduler, worker 2 without", critical=True
    ):
        for process in processes.values():
            print(f"      {process.name}: {shlex.join(process.argv)}")
            print(f"        in {process.cwd}, output to {process.output}")
        web = processes["zhuqi-web.service"].argv
        expect(Path(web[0]).name == "gunicorn" and "--config" in web, f"zhuqi-web: {web}")
        expect(processes["zhuqi-worker@1.service"].argv[1:] == ["worker"], "worker 1 must run the scheduler")
        expect(
            processes["zhuqi-worker@2.service"].argv[1:] == ["worker", "--no-scheduler"],
            "worker 2 must run without the scheduler",
        )
        expect(
            processes["zhuqi-web.service"].env.get("PROMETHEUS_MULTIPROC_DIR")
            == str(layout.path("/run/zhuqi-metrics")),
            "zhuqi-web: PROMETHEUS_MULTIPROC_DIR is not its RuntimeDirectory",
        )
        for process in processes.values():
            running.start(process)

    with steps.step("zhuqi-web (Type=notify) tells systemd it is ready"):
        try:
            said = running.wait_ready("zhuqi-web.service", timeout=120)
        except TimeoutError:
            raise StepFailed("no READY=1 on NOTIFY_SOCKET within 120 s") from None
        print(f"      {' '.join(line for line in said.splitlines() if line)}")

    base = layout.origin
    with steps.step("GET /healthz through nginx over HTTPS", critical=True):

        def healthy() -> bool:
            for name, process in running.processes.items():
                if process.poll() is not None:
                    raise StepFailed(
                        f"{name} exited with {process.returncode}: see {layout.path('/var/log/zhuqi')}"
                    )
            return http.get(f"{base}/healthz", timeout=10).status_code == 200

        wait_for("/healthz answering 200", healthy, timeout=120)

    with steps.step("GET /readyz through nginx: database, migrations and a worker seen"):
        last = {"body": ""}

        def ready() -> bool:
            response = http.get(f"{base}/readyz", timeout=10)
            last["body"] = f"{response.status_code} {response.text[:300]}"
            return response.status_code == 200

        try:
            wait_for("/readyz", ready, timeout=150, interval=2)
        except StepFailed:
            raise StepFailed(f"/readyz did not answer 200 within 150 s: {last['body']}") from None

    with steps.step("plain HTTP is redirected to HTTPS"):
        redirect = anonymous.get(
            f"http://localhost:{layout.http_port}/cases/?x=1", allow_redirects=False, timeout=10
        )
        location = redirect.headers.get("Location", "")
        expect(
            redirect.status_code == 301
            and location.startswith("https://localhost")
            and location.endswith("/cases/?x=1"),
            f"{redirect.status_code} Location {location!r}",
        )

    with steps.step(
        "an enterprise user logs in through nginx (login page, CSRF, secure cookies)", critical=True
    ):
        page = http.get(f"{base}/login/", timeout=30)
        expect(page.status_code == 200, f"/login/ answered {page.status_code}")
        csrf_cookie = cookie_flags(page).get("csrftoken", "")
        answer = http.post(
            f"{base}/login/",
            data={
                "username": "deploy-enterprise",
                "password": PASSWORD,
                "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
            },
            headers={"Origin": base, "Referer": f"{base}/login/"},
            allow_redirects=False,
            timeout=30,
        )
        expect(answer.status_code == 302, f"the login answered {answer.status_code}: {answer.text[:300]}")
        session_cookie = cookie_flags(answer).get("sessionid", "")
        for name, cookie in (("csrftoken", csrf_cookie), ("sessionid", session_cookie)):
            expect(cookie and "secure" in cookie.lower(), f"the {name} cookie is not Secure: {cookie!r}")
        expect(
            "httponly" in session_cookie.lower(), f"the session cookie is not HttpOnly: {session_cookie!r}"
        )

    attachment = b"%PDF-1.4\n% zhuqi deployment test attachment\n" + secrets.token_bytes(2048)
    case_id = 0
    with steps.step("the enterprise files a demand with an attachment on the 提交诉求 form", critical=True):
        form = http.get(f"{base}/cases/new", timeout=30)
        expect(form.status_code == 200, f"/cases/new answered {form.status_code}")
        select = found(r'<select name="category"[^>]*>(.*?)</select>', form.text, "the category field")
        category = found(r'<option value="(\d+)"', select, "a category offered on the form")
        enterprise = re.search(r'name="enterprise" value="(\d+)"', form.text)
        filed = http.post(
            f"{base}/cases/new",
            data={
                "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
                "kind": "demand",
                "title": "部署测试：原料运输车辆通行受限",
                "description": "园区道路限行，原料车辆无法按时进厂，请协调。",
                "category": category,
                "enterprise": enterprise.group(1) if enterprise else "",
            },
            files={"attachments": ("运输证明.pdf", attachment, "application/pdf")},
            headers={"Origin": base, "Referer": f"{base}/cases/new"},
            allow_redirects=False,
            timeout=60,
        )
        location = filed.headers.get("Location", "")
        expect(
            filed.status_code == 302 and re.search(r"/cases/(\d+)/$", location),
            f"the form answered {filed.status_code} {location!r}: {filed.text[-400:]}",
        )
        case_id = int(found(r"/cases/(\d+)/$", location, "the new case's address"))
        print(f"      case #{case_id}")

    with steps.step("the coordinator gets an API token through nginx", critical=True):
        token = api.post(
            f"{base}/api/v1/auth/token",
            json={"username": "deploy-coordinator", "password": PASSWORD, "label": "deploy-test"},
            timeout=30,
        )
        expect(token.status_code == 200, f"auth/token answered {token.status_code}: {token.text[:300]}")
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        case = api.get(f"{base}/api/v1/cases/{case_id}", timeout=30)
        expect(case.status_code == 200, f"cases/{case_id} answered {case.status_code}")
        expect(case.json()["timeliness"] != "red", f"the new case is already {case.json()['timeliness']}")

    with steps.step("its response deadline put in the past (zhuqi shell -c)", critical=True):
        operator(
            layout,
            "shell",
            "-c",
            "import datetime; from django.utils import timezone; from zhuqi.cases.models import Case; "
            "past = timezone.now() - datetime.timedelta(days=10); "
            f"print(Case.objects.filter(pk={case_id}).update(due_at=past, accept_due=past, "
            "amber_at=past - datetime.timedelta(days=1)))",
        )

    with steps.step("the workers' deadline sweep marks it red and escalates it (seen through the API)"):
        seen: dict[str, Any] = {}

        def swept() -> bool:
            body = api.get(f"{base}/api/v1/cases/{case_id}", timeout=30).json()
            seen.update(body)
            return body["timeliness"] == "red" and body["escalation_level"] in (
                "reminder",
                "supervision",
                "notice",
            )

        wait_for("the sweep", swept, timeout=120, interval=2)
        timeline = api.get(f"{base}/api/v1/cases/{case_id}/timeline", timeout=30).json()
        steps_seen = [entry.get("step") for entry in timeline]
        expect("escalate" in steps_seen, f"no escalate step on the timeline: {steps_seen}")
        print(
            f"      timeliness {seen['timeliness']}, {seen['escalation_level_label']}, "
            f"{seen['working_days_late']} working days late"
        )

    with steps.step("both workers run the queued tasks (their ids on the tasks they ran)"):
        wanted = {
            f"{socket.gethostname()}-{running.processes[name].pid}"
            for name in ("zhuqi-worker@1.service", "zhuqi-worker@2.service")
        }

        def both_worked() -> bool:
            ran = operator(
                layout,
                "shell",
                "-c",
                "from django_tasks_db.models import DBTaskResult; "
                "print(sorted({w for ids in DBTaskResult.objects.values_list('worker_ids', flat=True) "
                "for w in ids}))",
            )
            return wanted <= set(ast.literal_eval(ran.strip().splitlines()[-1]))

        wait_for(f"tasks run by both {sorted(wanted)}", both_worked, timeout=90, interval=5)

    with steps.step("the attachment: served by the app to its filer, never under /media/"):
        page = http.get(f"{base}/cases/{case_id}/", timeout=30)
        link = found(r'href="(/cases/attachments/\d+/)"', page.text, "the attachment's link on the case page")
        download = http.get(f"{base}{link}", timeout=30)
        expect(
            download.status_code == 200 and download.content == attachment,
            f"download answered {download.status_code}",
        )
        stored = [path for path in (var / "media").rglob("*") if path.is_file()]
        expect(stored, "no file under /var/lib/zhuqi/media")
        for path in stored:
            relative = path.relative_to(var / "media").as_posix()
            direct = anonymous.get(f"{base}/media/{relative}", timeout=10)
            expect(direct.status_code == 404, f"/media/{relative} answered {direct.status_code}")
        outsider = anonymous.get(f"{base}{link}", allow_redirects=False, timeout=10)
        expect(
            outsider.status_code in (302, 404),
            f"without a login the attachment answered {outsider.status_code}",
        )

    with steps.step(
        "security headers through the proxy (HSTS, CSP, nosniff, Referrer-Policy, frames, no version)"
    ):
        problems = header_checks(http.get(f"{base}/cases/", timeout=30))
        problems += [
            f"API: {p}"
            for p in header_checks(api.get(f"{base}/api/v1/cases", timeout=30))
            if "Content-Security" not in p
        ]
        expect(not problems, "; ".join(problems))

    with steps.step("static files from nginx's disk, with their cache headers, compressed"):
        css = anonymous.get(
            f"{base}/static/zhuqi/zhuqi.css",
            headers={"Accept-Encoding": "gzip"},
            timeout=10,
        )
        expect(css.status_code == 200, f"zhuqi.css answered {css.status_code}")
        expect(
            css.headers.get("Cache-Control") == "public, max-age=3600",
            f"Cache-Control {css.headers.get('Cache-Control')!r}",
        )
        expect(
            css.headers.get("Content-Encoding") == "gzip",
            f"Content-Encoding {css.headers.get('Content-Encoding')!r}",
        )
        expect(css.headers.get("X-Content-Type-Options") == "nosniff", "no nosniff on a static file")
        expect(
            css.content == (var / "static" / "zhuqi" / "zhuqi.css").read_bytes(),
            "zhuqi.css differs from the file on disk",
        )
        hashed = anonymous.get(f"{base}/static/zhuqi/probe.0123456789ab.txt", timeout=10)
        expect(
            hashed.status_code == 200 and "max-age=31536000" in hashed.headers.get("Cache-Control", ""),
            f"a hashed name: {hashed.status_code} {hashed.headers.get('Cache-Control')!r}",
        )
        missing = anonymous.get(f"{base}/static/zhuqi/no-such-file.css", timeout=10)
        expect(missing.status_code == 404, f"a missing static file answered {missing.status_code}")

    with steps.step("an upload past client_max_body_size is refused by nginx, in Chinese"):
        context = ssl.create_default_context(cafile=str(http.verify))
        # Only the headers are sent: nginx refuses on the declared length, before any body.
        with (
            socket.create_connection(("127.0.0.1", layout.https_port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            tls.sendall(
                b"POST /cases/new HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: 209715200\r\nConnection: close\r\n\r\n"
            )
            reply = b""
            with contextlib.suppress(OSError):
                while b"</html>" not in reply and (chunk := tls.recv(65536)):
                    reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        expect(head.startswith(b"HTTP/1.1 413"), f"answered {head[:60]!r}")
        expect("上传的文件过大".encode() in body, "the 413 page is not the Chinese one")

    with steps.step("/metrics from loopback only (nginx and the app's allow list)"):
        metrics = http.get(f"{base}/metrics", timeout=30)
        if metrics.status_code == 404:
            raise Skipped("/metrics is not in this version of the app")
        expect(
            metrics.status_code == 200 and "# TYPE" in metrics.text, f"from loopback: {metrics.status_code}"
        )
        if not outside:
            raise Skipped("from loopback 200; this machine has no other address to ask from")
        refused = anonymous.get(f"https://{outside}:{layout.https_port}/metrics", timeout=10)
        expect(refused.status_code == 403, f"from {outside}: {refused.status_code}")
        spoofed = anonymous.get(
            f"https://{outside}:{layout.https_port}/metrics",
            headers={"X-Forwarded-For": "127.0.0.1"},
            timeout=10,
        )
        expect(spoofed.status_code == 403, f"from {outside} claiming 127.0.0.1: {spoofed.status_code}")

    with steps.step("gunicorn is not reachable from another machine (bound to loopback)"):
        if not outside:
            raise Skipped("this machine has no other address")
        with socket.socket() as probe:
            probe.settimeout(5)
            refused_code = probe.connect_ex((outside, layout.app_port))
        expect(refused_code != 0, f"{outside}:{layout.app_port} accepted a connection")

    with steps.step("the services' memory (proportional set size, shared pages counted once)"):
        sizes = {name: memory_mib(process.pid) for name, process in running.processes.items()}
        expect(all(sizes.values()), f"unreadable: {sizes}")
        print("      " + ", ".join(f"{name} {size:.0f} MiB" for name, size in sizes.items()))

    with steps.step("the nightly backup's command (zhuqi-backup.service) writes a checked backup"):
        if "backup" not in operator(layout, "help", "backup", check=False):
            raise Skipped("`zhuqi backup` is not in this version of the app")
        backup = service_process(read_unit(units, "zhuqi-backup.service"), layout)
        with (backup.output or Path(os.devnull)).open("ab") as log:
            done = subprocess.run(
                backup.argv,
                env=backup.env,
                cwd=backup.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                umask=backup.umask,
                timeout=600,
            )
        written = sorted(layout.path("/var/backups/zhuqi").glob("zhuqi-*.zip"))
        expect(done.returncode == 0 and written, f"exit {done.returncode}; see {backup.output}")
        print(f"      {written[-1].name}, {written[-1].stat().st_size / 2**20:.1f} MiB")

    with steps.step("the logs: web, both workers, nginx; a forced rotation with the logrotate file"):
        logs = layout.path("/var/log/zhuqi")
        for name in ("web.log", "worker-1.log", "worker-2.log", "nginx-access.log"):
            expect((logs / name).exists(), f"{name} is missing")
        expect(
            f"/cases/{case_id}/".encode() in (logs / "nginx-access.log").read_bytes(),
            "nginx's access log lacks the requests",
        )
        logrotate = shutil.which("logrotate") or (
            "/usr/sbin/logrotate" if Path("/usr/sbin/logrotate").exists() else ""
        )
        if not logrotate:
            raise Skipped("logs are written; logrotate is not installed")
        if os.geteuid() != 0:
            raise Skipped("logs are written; the rotation gives nginx's new logs to www-data: root only")
        rotated = subprocess.run(
            [
                logrotate,
                "--force",
                "--state",
                str(root / "logrotate.state"),
                str(layout.path("/etc/logrotate.d/zhuqi")),
            ],
            capture_output=True,
            text=True,
        )
        expect(rotated.returncode == 0, rotated.stderr.strip()[-500:])
        expect(list(logs.glob("nginx-access.log-*")), "nginx-access.log was not rotated")
        http.get(f"{base}/healthz?after-rotation", timeout=10)
        http.get(f"{base}/login/?after-rotation", timeout=10)
        wait_for(
            "nginx writing the new access log",
            lambda: b"after-rotation" in (logs / "nginx-access.log").read_bytes(),
            timeout=10,
        )

    with steps.step(
        "scaled out: deploy/scaled's nginx in front of two app servers; one session served by each, "
        "either one stopped and the other answering"
    ):
        scaled_out(layout, nginx, running, processes["zhuqi-web.service"], http, f"/cases/{case_id}/")

    with steps.step("with the app stopped, nginx answers 502 with the Chinese page"):
        running.stop("zhuqi-web.service")
        down = anonymous.get(f"{base}/cases/", timeout=30)
        expect(down.status_code == 502 and "系统暂时无法访问" in down.text, f"answered {down.status_code}")
        expect(down.headers.get("Server") == "nginx", f"Server {down.headers.get('Server')!r}")


def scaled_out(
    layout: Layout, nginx: str, running: Running, web: Process, session: requests.Session, page: str
) -> None:
    """deploy/scaled/nginx/zhuqi.conf as written but for its upstream's addresses (two app servers
    on this machine instead of 10.0.1.11–13) and its ports, and a second zhuqi-web beside the
    first: the session the enterprise user logged in with is answered by both together, then by
    each alone while the other is stopped (sessions, lockouts and tasks are in the database), and
    a stopped one is passed over, not answered 502."""
    second_port = free_port()
    second = Process(
        name="zhuqi-web-2.service",
        argv=web.argv,
        env={
            **web.env,
            "ZHUQI_BIND": f"127.0.0.1:{second_port}",
            "PROMETHEUS_MULTIPROC_DIR": str(layout.path("/run/zhuqi-metrics-2")),
        },
        cwd=web.cwd,
        output=layout.path("/var/log/zhuqi/web-2.log"),
        runtime_directory=layout.path("/run/zhuqi-metrics-2"),
        umask=web.umask,
        notify=True,
    )
    running.start(second)
    try:
        running.wait_ready(second.name, timeout=120)
    except TimeoutError:
        raise StepFailed("the second app server sent no READY=1 within 120 s") from None

    # The scaled site with the test's ports and its upstream's servers pointed here.
    edge = dataclasses.replace(layout, https_port=free_port(), http_port=free_port())
    site = listening(
        render((SCALED / "nginx" / "zhuqi.conf").read_text(encoding="utf-8"), path_replacements(layout)), edge
    )
    servers = re.findall(r"(?m)^    server 10\.0\.1\.\d+:8000 (.*);$", site)
    expect(len(servers) >= 2, "deploy/scaled/nginx/zhuqi.conf: its upstream names fewer than two servers")
    site = re.sub(r"(?m)^    server 10\.0\.1\.\d+:8000 .*;\n", "", site, count=len(servers) - 1)
    site = re.sub(
        r"(?m)^    server 10\.0\.1\.\d+:8000 (.*);$",
        lambda m: (
            f"    server 127.0.0.1:{layout.app_port} {m[1]};\n    server 127.0.0.1:{second_port} {m[1]};"
        ),
        site,
    )
    folder = layout.path("/etc/nginx/scaled-out")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zhuqi.conf").write_text(site, encoding="utf-8")
    main = layout.path("/etc/nginx/nginx.conf").read_text(encoding="utf-8")
    main = main.replace(str(layout.path("/etc/nginx/sites-enabled")), str(folder))
    main = main.replace(str(layout.path("/run/nginx.pid")), str(layout.path("/run/nginx-scaled.pid")))
    scaled_main = layout.path("/etc/nginx/nginx-scaled-out.conf")
    scaled_main.write_text(main, encoding="utf-8")
    config = nginx_options(layout, scaled_main)
    tested = subprocess.run([nginx, *config, "-t"], capture_output=True, text=True)
    expect(tested.returncode == 0, f"nginx -t of the scaled-out site: {tested.stderr.strip()}")
    running.processes["nginx-scaled"] = subprocess.Popen(
        [nginx, *config], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    address = f"https://localhost:{edge.https_port}{page}"
    wait_for(
        "the scaled-out nginx answering",
        lambda: session.get(address, timeout=10).status_code == 200,
        timeout=30,
    )

    def answers(count: int) -> list[int]:
        return [session.get(address, timeout=30, allow_redirects=False).status_code for _ in range(count)]

    together = answers(12)
    expect(together == [200] * 12, f"both app servers up: {together}")
    running.stop(second.name)
    first_alone = answers(6)
    expect(first_alone == [200] * 6, f"the second stopped: {first_alone}")
    running.start(second)
    try:
        running.wait_ready(second.name, timeout=120)
    except TimeoutError:
        raise StepFailed("the second app server sent no READY=1 after its restart") from None
    # As deploy/scaled/README.md tells the operator: nginx takes a server that failed back only
    # after the upstream's fail_timeout (10 s); stopping the other before then leaves none live.
    time.sleep(11)
    running.stop("zhuqi-web.service")
    second_alone = answers(6)
    expect(second_alone == [200] * 6, f"the first stopped, the second alone: {second_alone}")
    print(
        f"      upstream 127.0.0.1:{layout.app_port} and :{second_port} ({servers[0]}); 12 requests "
        "with both, 6 with each alone: all 200 with the one session"
    )
    running.stop(second.name)
    running.stop("nginx-scaled", signal.SIGQUIT)


def remove(root: Path) -> None:
    """The test's directory removed; tried again while a process that has just ended still had a
    file there being written (it happened once in a run)."""
    for _ in range(5):
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(1)
    print(f"could not remove {root}: remove it by hand")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("ZHUQI_DEPLOY_TEST_SERVER", "postgres://root@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server this user may create databases on (any database name in it)",
    )
    parser.add_argument(
        "--database", default="zhuqi_deploy_test", help="the test's own database, dropped at the end"
    )
    parser.add_argument("--keep", action="store_true", help="keep the directory (logs, rendered files)")
    parser.add_argument(
        "--this-venv",
        action="store_true",
        help="serve from the virtualenv running this script instead of installing one offline (quicker)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    steps = Steps()
    running = Running()
    layouts: list[Layout] = []
    print(f"deployment test of {DEPLOY} (scripts/deploy_test.py)", flush=True)
    try:
        run(args, steps, running, layouts)
    except StepFailed as failure:
        print(f"stopped: {failure}", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    finally:
        running.stop_all()
        with contextlib.suppress(Exception):
            recreate_database(database_urls(args.server, args.database)[0], args.database, drop_only=True)
        if layouts:
            if args.keep or steps.failed:
                print(f"kept: {layouts[0].root} (logs in {layouts[0].path('/var/log/zhuqi')})")
            else:
                remove(layouts[0].root)
    counts = {result: sum(o.result == result for o in steps.outcomes) for result in ("PASS", "FAIL", "SKIP")}
    verdict = "FAIL" if steps.failed or not steps.outcomes else "PASS"
    print(
        f"\n{verdict}: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    sys.exit(1 if verdict == "FAIL" else 0)


if __name__ == "__main__":
    main()
