"""Load: the demo grown to a realistic size, served by `zhuqi run` (waitress), driven by
concurrent clients for a fixed time, on SQLite or on the PostgreSQL in DATABASE_URL.

    python bench/load.py                           # SQLite (bench/out/load-sqlite/): 3 × 60 s, the import
    DATABASE_URL=postgres://root@127.0.0.1:5432/wt_load python bench/load.py
    python bench/load.py --runs 1 --seconds 30 --import-runs 0     # a quick look
    python bench/load.py --scale 2 --fresh         # a bigger database (twice as many rows)

Set-up (once per database, skipped when done; `--fresh` redoes it on SQLite, on PostgreSQL drop
and create the database yourself): the demo dataset (its accounts), then the generators' rows
at scale 1: 5,000 enterprises in 通辽, 呼和浩特 and 包头, 30,000 cases
(generate_cases.Cases), 1,000 key projects with their weekly reports, 10,000 visits with their
officials and liaison assignments (generate_visits), then one deadline sweep so the server's own
sweeps start from a settled state (the generated open cases are dated January 2026, so it has
months of escalations to write). At scale 1 that took 12.6 minutes on the busy machine of
bench/README.md, half of it the sweep; later invocations reuse the database (~10 s).

Each run starts the server as a deployment would (`zhuqi run --no-demo`, not in testing mode:
real password hashing, 8 waitress threads, the embedded task worker), on 127.0.0.1 only, and
stops it at the end. Then `--clients` threads (default 16) act as real users of several roles
through the API (bearer tokens) and through the pages (session and CSRF), each a loop of reads
and writes for `--seconds`:

- enterprise users file demands (API and the 提交诉求 page), read their cases, confirm answers;
- the county's coordinators accept and assign the demands (API and the case page's forms);
- the department's handlers sign for them and answer (API and the case page's forms);
- a leader, an admin and a liaison officer read: case and enterprise lists (API and pages, with
  filters and searches), case pages, the workbench.

Every request counts as a read (GET) or a write (POST), with its latency and status: requests/s,
p50/p95/p99/max, and errors by status (anything but 2xx/3xx, a page form refused with 200, or no
answer at all). 503 (the database was busy) is an error too, and shown in its own column.

`--import-runs N` then repeats the mix during a web import of `--import-rows` enterprises by an
admin (the import page, the preview, the confirm), until the import is done: the same table, and
the import's own times. The import is driven by `web_import`, which follows redirects and polls a
progress page until it shows the preview or the result, so it works with the synchronous flow
(the upload answers with the preview, the confirm with the result) and with a background-job
flow (see `IMPORT_*` below to adapt it). The enterprises it added are deleted afterwards, so every
run starts from the same database.

Bounded: each run stops at `--seconds` or `--max-requests`, whichever first; each request at
60 s; an import phase at `--import-timeout`.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import requests
from common import OUT, database_label, machine, percentile, revision, setup_django, stop_process

PASSWORD = "bench-load"  # the benchmark's own accounts, in its own database
SQLITE_DIR = "load-sqlite"
REQUEST_TIMEOUT = 60
SHOW_ERRORS = bool(os.environ.get("ZHUQI_LOAD_SHOW_ERRORS"))  # each error's body on stderr
# Enterprises in 霍林郭勒 (150581), the demo coordinator's and handler's county.
COUNTY = "150581"
ENTERPRISE_USERS = 8

# --- the web import: what tells where the import is --------------------------------------------
# A page still working (background job): a refresh, an htmx poll (the job page of the imports
# branch: `hx-trigger="every 1s"` while the job runs), or a progress marker; polled every second
# at IMPORT_STATUS_URL's address if the page gives one, else at the page's own address.
IMPORT_PROGRESS = re.compile(
    r'http-equiv="refresh"|hx-trigger="every |data-testid="import-progress"|data-import-status'
)
IMPORT_STATUS_URL = re.compile(r'data-status-url="([^"]+)"')
IMPORT_CONFIRM_FORM = re.compile(r'<form[^>]*action="([^"]*/confirm)"[^>]*>(.*?)</form>', re.S)
IMPORT_RESULT = re.compile(r'data-testid="import-result"')


# --- set-up (Django in this process) ------------------------------------------------------------


def grow(scale: float) -> None:
    """The demo, then the generators' rows beside it (each step skipped when its rows are there)."""
    import generate_cases
    import generate_projects
    import generate_visits

    from zhuqi.cases.models import Case
    from zhuqi.demo import dataset
    from zhuqi.directory.models import User
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.projects.models import Project
    from zhuqi.visits.models import Visit

    started = time.perf_counter()

    def say(what: str) -> None:
        print(f"  {what} ({time.perf_counter() - started:.0f} s)", flush=True)

    if not dataset.is_loaded():
        loaded = dataset.load()
        say(f"demo: {loaded['enterprises']} enterprises, {loaded['cases']} cases")
    # The generators' users are made right after their enterprises: once they are there, the
    # enterprises are too (0: write none, only read the places).
    grown = User.objects.filter(username=f"bench-coordinator-{COUNTY}").exists()
    wanted = 0 if grown else Enterprise.objects.count() + round(5000 * scale)
    where = generate_cases.places(wanted, prefectures=generate_cases.PREFECTURES, county_departments=["all"])
    generate_cases.users(where)
    say(f"{len(where.enterprises)} enterprises in 通辽, 呼和浩特, 包头; {len(where.departments)} departments")
    cast = generate_visits.officials(where)
    # Only the grown places' leaders and cadres visit (the demo's officials elsewhere do not).
    cast["leaders"] = [leader for leader in cast["leaders"] if leader[1] in where.prefecture_of]
    visits = round(10_000 * scale)
    if Visit.objects.count() < visits // 2:
        generate_visits.assignments(where, cast, 0.5, beside_existing=True)
        writer = generate_visits.VisitWriter(where, cast)
        leaders = round(visits * 0.18)
        writer.leaders_visits(round(leaders * 14 / 18), leaders - round(leaders * 14 / 18))
        writer.liaison_work(visits - leaders)
        writer.flush()
        print()
        say(f"{Visit.objects.count()} visits")
    if Case.objects.count() < round(30_000 * scale):
        tally = generate_cases.write_cases(where, round(30_000 * scale), due=0, beside_existing=True)
        say(f"{tally.total() // 2} cases")
    if Project.objects.count() < round(1_000 * scale):
        generate_projects.write(
            generate_projects.setup(), round(1_000 * scale), round(100 * scale), beside_existing=True
        )
        say(f"{Project.objects.count()} projects")
    from zhuqi.cases.sweep import sweep

    sweep()
    say("deadline sweep")
    generate_cases.analyse()


@dataclasses.dataclass
class Cast:
    """Who the clients are and the ids their writes need (read once from the database)."""

    users: dict[str, str]  # role key → username
    department: int  # the lead department the coordinators assign to
    categories: list[int]  # demand categories


def accounts() -> Cast:
    """The accounts the clients log in as, all with PASSWORD hashed as production hashes it (the
    set-up ran with the testing settings' fast hasher)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from zhuqi.cases.models import CaseCategory
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import Department, User
    from zhuqi.enterprises.models import Enterprise

    department = Department.objects.get(region_id=COUNTY, name="霍林郭勒市工业和信息化局")
    users = {
        "coordinator-page": "demo-coordinator",
        "coordinator-api": f"bench-coordinator-{COUNTY}",
        "handler-page": "demo-handler",
        "handler-api-1": f"bench-handler-{department.pk}-1",
        "handler-api-2": f"bench-handler-{department.pk}-2",
        "leader-page": "demo-leader",
        "leader-api": "bench-leader-150500",
        "admin-page": "demo-admin",
        "admin-api": "bench-visits-admin",
        "liaison-page": "demo-liaison",
    }
    enterprises = Enterprise.objects.filter(region_id=COUNTY, short_name="").order_by("-id")[
        :ENTERPRISE_USERS
    ]
    for index, enterprise in enumerate(enterprises, 1):
        username = f"bench-load-enterprise-{index}"
        User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.ENTERPRISE,
                "enterprise": enterprise,
                "display_name": enterprise.name[:50],
            },
        )
        users[f"enterprise-{index}"] = username
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "benchloadsalt")
    User.objects.filter(username__in=list(users.values())).update(password=encoded)
    missing = set(users.values()) - set(
        User.objects.filter(username__in=list(users.values())).values_list("username", flat=True)
    )
    if missing:
        sys.exit(f"accounts missing: {sorted(missing)}")
    categories = list(
        CaseCategory.objects.filter(parent=None)
        .exclude(name__in=["安全生产", "生态环保"])
        .values_list("pk", flat=True)
    )
    return Cast(users=users, department=department.pk, categories=categories)


def counts() -> str:
    from zhuqi.cases.models import Case
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.projects.models import ProgressReport, Project
    from zhuqi.visits.models import Visit

    return (
        f"{Enterprise.objects.count():,} enterprises, {Case.objects.count():,} cases, "
        f"{Project.objects.count():,} projects ({ProgressReport.objects.count():,} reports), "
        f"{Visit.objects.count():,} visits"
    )


# --- the server ------------------------------------------------------------------------------------


class Server:
    """`zhuqi run` in a child process of this one, on 127.0.0.1; stopped by its own pid."""

    def __init__(self, port: int, threads: int | None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "ZHUQI_TESTING"}
        env["ZHUQI_SECRET_KEY"] = env.get("ZHUQI_SECRET_KEY") or "bench-load-secret-key-only-for-loopback"
        env.setdefault(
            "ZHUQI_VAR_DIR", str(OUT / (SQLITE_DIR if not env.get("DATABASE_URL") else "load-var"))
        )
        zhuqi = Path(sys.executable).with_name("zhuqi")
        command = [str(zhuqi), "run", "--no-demo", "--host", "127.0.0.1", "--port", str(port)]
        if threads:
            command += ["--threads", str(threads)]
        self.log = (OUT / "load-server.log").open("ab")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(
                    f"the server stopped (exit {self.process.returncode}); see {OUT / 'load-server.log'}"
                )
            try:
                if requests.get(f"{self.url}/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        self.stop()
        sys.exit("the server did not answer within 180 s")

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far (user + system): on a shared machine, CPU per
        request moves less than latency does."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


# --- measuring ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Sample:
    kind: str  # read / write
    label: str
    status: str  # "200", "302", "409", "503", "200-refused", "no answer"
    ms: float
    at: float


def is_error(status: str) -> bool:
    return not (status.isdigit() and 200 <= int(status) < 400)


class Recorder:
    def __init__(self, max_requests: int) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.max_requests = max_requests

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)
            if len(self.samples) >= self.max_requests:
                self.stop.set()


class Client:
    """One user: a requests session that records every request it makes."""

    def __init__(self, base: str, recorder: Recorder, name: str) -> None:
        self.base = base
        self.recorder = recorder
        self.name = name
        self.http = requests.Session()
        self.token = ""

    def call(
        self,
        method: str,
        path: str,
        label: str,
        *,
        expect: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if method == "POST" and not self.token:
            csrf = self.http.cookies.get("csrftoken", "")
            headers["X-CSRFToken"] = csrf
            if "data" in kwargs and isinstance(kwargs["data"], dict):
                kwargs["data"] = {"csrfmiddlewaretoken": csrf, **kwargs["data"]}
        started = time.perf_counter()
        try:
            response = self.http.request(
                method,
                self.base + path,
                headers=headers,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException:
            response = None
        elapsed = (time.perf_counter() - started) * 1000
        if response is None:
            status = "no answer"
        elif expect and response.status_code not in expect:
            # A page form refused (the page again, with a message) is a write not done.
            status = (
                f"{response.status_code}-refused" if response.status_code < 400 else str(response.status_code)
            )
        else:
            status = str(response.status_code)
        if SHOW_ERRORS and is_error(status):
            body = _body(response)
            print(f"  {self.name}: {method} {path} → {status}: {body}", file=sys.stderr, flush=True)
        kind = "read" if method == "GET" else "write"
        self.recorder.add(Sample(kind, label, status, elapsed, time.monotonic()))
        return response

    def login_api(self, username: str) -> None:
        response = self.http.post(
            self.base + "/api/v1/auth/token",
            json={"username": username, "password": PASSWORD},
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        self.token = response.json()["token"]

    def login_page(self, username: str) -> None:
        self.http.get(self.base + "/login/", timeout=REQUEST_TIMEOUT)
        response = self.http.post(
            self.base + "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
            },
            timeout=REQUEST_TIMEOUT,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {username} answered {response.status_code}")


CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
WORDS = ["科技", "能源", "铝业", "新材料", "物流", "hx", "nm", "联晟", "农牧", "建材"]
TITLES = [
    "流动资金贷款续贷困难",
    "用电负荷不足需增容",
    "缺少熟练焊工",
    "原料运输车辆通行受限",
    "稳岗补贴未到位",
]


class Actor:
    """One client's behaviour: a role, the API or the pages, and its share of the writes
    (`slot` of `slots` among the clients of its role, by case id, so two never race for one
    case: a 409 would be right, but is not what is measured)."""

    def __init__(
        self, client: Client, role: str, pages: bool, cast: Cast, slot: int, slots: int, seed: int
    ) -> None:
        self.client = client
        self.role = role
        self.pages = pages
        self.cast = cast
        self.slot = slot
        self.slots = slots
        self.rng = random.Random(seed)
        self.seen: list[int] = []

    # --- reads ---

    def api_cases(self, params: str = "", label: str = "API cases") -> list[dict[str, Any]]:
        response = self.client.call("GET", f"/api/v1/cases?page_size=50{params}", label)
        if response is None or response.status_code != 200:
            return []
        items = response.json().get("items", [])
        self.remember(item["id"] for item in items)
        return items

    def remember(self, ids: Any) -> None:
        self.seen.extend(ids)
        del self.seen[:-500]

    def read(self) -> None:
        rng = self.rng
        choice = rng.random()
        if self.pages:
            if choice < 0.3:
                tab = rng.choice(["", "?tab=all", "?tab=all&page=2", "?tab=all&q=续贷"])
                response = self.client.call("GET", f"/cases/{tab}", "page cases")
                if response is not None and response.status_code == 200:
                    self.remember(int(i) for i in CASE_LINK.findall(response.text))
            elif choice < 0.6 and self.seen:
                self.client.call("GET", f"/cases/{rng.choice(self.seen)}/", "page case")
            elif choice < 0.8 and self.role != "enterprise":
                query = rng.choice(["", f"?q={rng.choice(WORDS)}", "?page=3", f"?region={COUNTY}"])
                self.client.call("GET", f"/enterprises/{query}", "page enterprises")
            else:
                self.client.call("GET", "/", "page workbench")
        else:
            if choice < 0.45:
                params = rng.choice(
                    ["", "&open=true", "&late=true", "&status=in_progress", "&q=续贷", "&page=4"]
                )
                self.api_cases(params)
            elif choice < 0.65 and self.seen:
                self.client.call("GET", f"/api/v1/cases/{rng.choice(self.seen)}", "API case")
            elif choice < 0.85 and self.role != "enterprise":
                query = rng.choice(["", f"&q={rng.choice(WORDS)}", "&page=5", f"&region={COUNTY}"])
                self.client.call("GET", f"/api/v1/enterprises?page_size=50{query}", "API enterprises")
            else:
                self.api_cases(f"&page={rng.randint(1, 20)}")

    # --- writes ---

    def mine(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in items if item["id"] % self.slots == self.slot]

    def step(self, case: dict[str, Any], step: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """Take a step through the API (JSON) or the case page's form; the case as it is after."""
        if self.pages:
            page = self.client.call("GET", f"/cases/{case['id']}/", "page case")
            if page is None or page.status_code != 200:
                return None
            found = VERSION.search(page.text)
            version = next(group for group in found.groups() if group) if found else case["version"]
            response = self.client.call(
                "POST",
                f"/cases/{case['id']}/{step}",
                f"page {step}",
                expect=(302,),
                data={"version": version, **fields},
            )
            ok = response is not None and response.status_code == 302
            return {"id": case["id"], "version": int(version) + 1} if ok else None
        response = self.client.call(
            "POST",
            f"/api/v1/cases/{case['id']}/{step}",
            f"API {step}",
            json={"version": case["version"], **fields},
        )
        return response.json() if response is not None and response.status_code == 200 else None

    def write(self) -> bool:
        """One piece of the role's work; False if there was none to do."""
        rng = self.rng
        if self.role == "enterprise":
            if rng.random() < 0.35:
                answered = self.api_cases("&status=answered", "API cases (answered)")
                if answered:
                    return (
                        self.step(rng.choice(answered), "confirm", {"rating": rng.choice([5, 5, 4, 3])})
                        is not None
                    )
            title = f"{rng.choice(TITLES)}（负载测试）"
            category = rng.choice(self.cast.categories)
            if self.pages:
                self.client.call("GET", "/cases/new", "page new case")
                response = self.client.call(
                    "POST",
                    "/cases/new",
                    "page file demand",
                    expect=(302,),
                    data={
                        "kind": "demand",
                        "title": title,
                        "description": "请协调解决。",
                        "category": category,
                    },
                )
                return response is not None
            response = self.client.call(
                "POST",
                "/api/v1/cases",
                "API file demand",
                json={"kind": "demand", "title": title, "description": "请协调解决。", "category": category},
            )
            return response is not None
        if self.role == "coordinator":
            queue = self.mine(
                self.api_cases("&kind=demand&status=submitted&status=accepted", "API cases (queue)")
            )
            if not queue:
                return False
            case: dict[str, Any] | None = rng.choice(queue)
            if case and case["status"] == "submitted":
                case = self.step(case, "accept", {"comment": ""})
            if case:
                self.step(case, "assign", {"lead_department": self.cast.department, "comment": ""})
            return True
        if self.role == "handler":
            work = self.mine(
                self.api_cases("&kind=demand&status=assigned&status=in_progress", "API cases (inbox)")
            )
            if not work:
                return False
            case = rng.choice(work)
            if case and case["status"] == "assigned":
                case = self.step(case, "start", {"comment": ""})
            if case:
                self.step(case, "answer", {"answer": "已协调解决。", "outcome": "resolved", "comment": ""})
            return True
        return False

    def loop(self, stop: threading.Event) -> None:
        writer = self.role in ("enterprise", "coordinator", "handler")
        # Enterprises file now and then; coordinators and handlers work their queues.
        share = {"enterprise": 0.3, "coordinator": 0.5, "handler": 0.5}.get(self.role, 0.0)
        while not stop.is_set():
            if writer and self.rng.random() < share and self.write():
                continue
            self.read()


# (role, pages?, account key) for clients 1, 2, …; more clients than lines start again at the top.
PROFILES = [
    ("enterprise", False, "enterprise-1"),
    ("coordinator", True, "coordinator-page"),
    ("handler", True, "handler-page"),
    ("leader", True, "leader-page"),
    ("enterprise", False, "enterprise-2"),
    ("coordinator", False, "coordinator-api"),
    ("handler", False, "handler-api-1"),
    ("admin", True, "admin-page"),
    ("enterprise", True, "enterprise-3"),
    ("handler", False, "handler-api-2"),
    ("leader", False, "leader-api"),
    ("enterprise", False, "enterprise-4"),
    ("admin", False, "admin-api"),
    ("liaison", True, "liaison-page"),
    ("enterprise", True, "enterprise-5"),
    ("enterprise", False, "enterprise-6"),
]


def actors(base: str, recorder: Recorder, cast: Cast, count: int, seed: int) -> list[Actor]:
    chosen = [PROFILES[index % len(PROFILES)] for index in range(count)]
    slots = collections.Counter(role for role, _, _ in chosen)
    taken: collections.Counter[str] = collections.Counter()
    made = []
    for index, (role, pages, key) in enumerate(chosen):
        if key.startswith("enterprise-"):
            key = f"enterprise-{index % ENTERPRISE_USERS + 1}" if index >= len(PROFILES) else key
        client = Client(base, recorder, key)
        if pages:
            client.login_page(cast.users[key])
        else:
            client.login_api(cast.users[key])
        made.append(Actor(client, role, pages, cast, taken[role], slots[role], seed * 100 + index))
        taken[role] += 1
    return made


def drive(actors_: list[Actor], recorder: Recorder, until: threading.Event | None, seconds: float) -> float:
    """Every actor in its own thread until `seconds` pass (or `until` is set, or the request cap
    is reached); the seconds it took."""
    for actor in actors_:
        actor.client.recorder = recorder
    threads = [threading.Thread(target=actor.loop, args=(recorder.stop,), daemon=True) for actor in actors_]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    deadline = started + seconds
    while time.monotonic() < deadline and not recorder.stop.is_set():
        if until is not None and until.is_set():
            break
        time.sleep(0.2)
    recorder.stop.set()
    elapsed = time.monotonic() - started
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 5)
    return elapsed


@dataclasses.dataclass
class Line:
    phase: str
    run: str
    kind: str
    requests: int
    rate: float
    p50: float
    p95: float
    p99: float
    max: float
    errors: int
    busy: int  # 503
    by_status: str


def summarise(phase: str, run: str, samples: list[Sample], seconds: float) -> list[Line]:
    lines = []
    for kind in ("read", "write"):
        chosen = [s for s in samples if s.kind == kind]
        times = [s.ms for s in chosen] or [0.0]
        errors = collections.Counter(s.status for s in chosen if is_error(s.status))
        where = collections.Counter(f"{s.status} {s.label}" for s in chosen if is_error(s.status))
        lines.append(
            Line(
                phase,
                run,
                kind,
                len(chosen),
                len(chosen) / seconds if seconds else 0.0,
                percentile(times, 0.50),
                percentile(times, 0.95),
                percentile(times, 0.99),
                max(times),
                sum(errors.values()),
                errors.get("503", 0),
                ", ".join(f"{what}×{n}" for what, n in sorted(where.items())) or "-",
            )
        )
    return lines


def print_table(lines: list[Line]) -> None:
    print(
        f"| {'phase':<8} | {'run':<6} | {'kind':<5} | {'requests':>8} | {'req/s':>6} | {'p50 ms':>7} | "
        f"{'p95 ms':>7} | {'p99 ms':>7} | {'max ms':>7} | {'errors':>6} | {'503':>4} | errors by status"
    )
    print("|" + "|".join("-" * w for w in (10, 8, 7, 10, 8, 9, 9, 9, 9, 8, 6, 18)) + "|")
    for line in lines:
        print(
            f"| {line.phase:<8} | {line.run:<6} | {line.kind:<5} | {line.requests:>8,} | {line.rate:>6.1f} | "
            f"{line.p50:>7,.0f} | {line.p95:>7,.0f} | {line.p99:>7,.0f} | {line.max:>7,.0f} | "
            f"{line.errors:>6} | {line.busy:>4} | {line.by_status}",
            flush=True,
        )


def by_label(samples: list[Sample], seconds: float) -> None:
    """Each kind of request on its own: how many, how fast, which failed."""
    labels = sorted({(s.kind, s.label) for s in samples})
    for kind, label in labels:
        chosen = [s for s in samples if s.label == label and s.kind == kind]
        times = [s.ms for s in chosen]
        errors = sum(is_error(s.status) for s in chosen)
        print(
            f"    {kind:5} {label:24} {len(chosen):>6} {len(chosen) / seconds:6.1f}/s  "
            f"p50 {percentile(times, 0.5):6.0f}  p95 {percentile(times, 0.95):6.0f}  errors {errors}"
        )


def medians(phase: str, lines: list[Line]) -> list[Line]:
    out = []
    for kind in ("read", "write"):
        chosen = [line for line in lines if line.phase == phase and line.kind == kind]
        if len(chosen) < 2:
            continue

        def mid(field: str, chosen: list[Line] = chosen) -> float:
            return statistics.median(getattr(line, field) for line in chosen)

        out.append(
            Line(
                phase,
                "median",
                kind,
                round(mid("requests")),
                mid("rate"),
                mid("p50"),
                mid("p95"),
                mid("p99"),
                mid("max"),
                sum(line.errors for line in chosen),
                sum(line.busy for line in chosen),
                "(errors: sum over runs)",
            )
        )
    return out


# --- the web import -------------------------------------------------------------------------------


@dataclasses.dataclass
class ImportOutcome:
    seconds_to_preview: float = 0.0
    seconds_to_result: float = 0.0
    statuses: list[str] = dataclasses.field(default_factory=list)
    result: str = ""
    error: str = ""
    confirm_started: float = 0.0  # time.monotonic(), as Sample.at
    confirm_ended: float = 0.0


def settle(
    http: requests.Session, base: str, response: requests.Response, outcome: ImportOutcome, deadline: float
) -> requests.Response:
    """Follow redirects, and poll a progress page until it shows something else (a background
    job's page; the synchronous flow never shows one)."""
    while True:
        outcome.statuses.append(str(response.status_code))
        if response.is_redirect or response.status_code in (301, 302, 303):
            location = response.headers["Location"]
            response = http.get(
                location if location.startswith("http") else base + location,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
            )
            continue
        if response.status_code == 202 or (
            response.status_code == 200 and IMPORT_PROGRESS.search(response.text)
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the import did not finish in time")
            time.sleep(1)
            status_url = IMPORT_STATUS_URL.search(response.text)
            url = status_url.group(1) if status_url else response.url
            response = http.get(
                url if url.startswith("http") else base + url, timeout=REQUEST_TIMEOUT, allow_redirects=False
            )
            continue
        return response


def web_import(base: str, username: str, path: Path, timeout: float) -> ImportOutcome:
    """An admin's web import: the import page, the upload (its preview), the confirm (its result).
    Adapt here (and IMPORT_* above) if the flow changes shape."""
    outcome = ImportOutcome()
    client = Client(base, Recorder(10**9), "importer")
    http = client.http
    client.login_page(username)
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    try:
        http.get(base + "/enterprises/import/", timeout=REQUEST_TIMEOUT)
        csrf = http.cookies.get("csrftoken", "")
        with path.open("rb") as upload:
            response = http.post(
                base + "/enterprises/import/",
                data={"csrfmiddlewaretoken": csrf},
                files={
                    "file": (
                        path.name,
                        upload,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    )
                },
                timeout=timeout,
                allow_redirects=False,
            )
        response = settle(http, base, response, outcome, deadline)
        outcome.seconds_to_preview = time.monotonic() - started
        print(f"  import: the preview after {outcome.seconds_to_preview:.0f} s", flush=True)
        form = IMPORT_CONFIRM_FORM.search(response.text) if response.status_code == 200 else None
        if form is None:
            outcome.error = f"no confirm form (status {response.status_code}): {_text(response.text)[:200]}"
            return outcome
        fields = dict(
            re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(2))
        )
        fields["csrfmiddlewaretoken"] = http.cookies.get("csrftoken", "")
        outcome.confirm_started = time.monotonic()
        response = http.post(base + form.group(1), data=fields, timeout=timeout, allow_redirects=False)
        response = settle(http, base, response, outcome, deadline)
        outcome.confirm_ended = time.monotonic()
        outcome.seconds_to_result = outcome.confirm_ended - started
        if response.status_code != 200 or not IMPORT_RESULT.search(response.text):
            outcome.error = f"no result page (status {response.status_code}): {_text(response.text)[:200]}"
            return outcome
        card = response.text[response.text.index(">", IMPORT_RESULT.search(response.text).start()) + 1 :]
        outcome.result = _text(card)[:120]
    except (requests.RequestException, TimeoutError) as error:
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def _body(response: requests.Response | None) -> str:
    if response is None:
        return ""
    try:
        return json.dumps(response.json(), ensure_ascii=False)[:300]
    except ValueError:
        return _text(response.text)[:300]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def import_file(rows: int, seed: int) -> Path:
    """An .xlsx of `rows` enterprises from bench/generate.py's rows (another seed than the grown
    database's, so the import creates them)."""
    import openpyxl
    from generate import HEADERS
    from generate import rows as generated

    path = OUT / f"load-import-{rows}-{seed}.xlsx"
    if not path.exists():
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("企业名录")
        sheet.append(HEADERS)
        for row in generated(rows, seed=seed):
            sheet.append(row)
        partial = path.with_suffix(f".{os.getpid()}.partial")  # two set-ups may write it at once
        workbook.save(partial)
        partial.rename(path)
    return path


def forget_import(before: int) -> int:
    """Delete the enterprises an import added (ids above `before`), so the next run starts from
    the same database; their audit entries stay, as the trail must."""
    from django.db import connection

    from zhuqi.enterprises.models import Enterprise

    deleted, _ = Enterprise.objects.filter(pk__gt=before).delete()
    connection.close()
    return deleted


# --- main -----------------------------------------------------------------------------------------------


def import_phase(args: argparse.Namespace, cast: Cast, run: int, path: Path, notes: list[str]) -> list[Line]:
    """The mix while an admin imports `path` through the pages: over the whole import, and over
    the confirm alone (the writing)."""
    server = Server(args.port, args.threads)
    try:
        recorder = Recorder(args.max_requests)
        crowd = actors(server.url, recorder, cast, args.clients, seed=100 + run)
        drive(crowd, Recorder(args.max_requests), None, args.warmup)
        done = threading.Event()
        outcomes: list[ImportOutcome] = []

        def importing() -> None:
            outcomes.append(web_import(server.url, cast.users["admin-page"], path, args.import_timeout))
            done.set()

        importer = threading.Thread(target=importing, daemon=True)
        load_before, cpu_before = os.getloadavg()[0], server.cpu_seconds()
        importer.start()
        seconds = drive(crowd, recorder, done, args.import_timeout)
        importer.join(REQUEST_TIMEOUT)
        cpu = cpu_note(server.cpu_seconds() - cpu_before, seconds, len(recorder.samples))
    finally:
        server.stop()
    outcome = outcomes[0] if outcomes else ImportOutcome(error="the import did not finish")
    lines = summarise("import", str(run), recorder.samples, seconds)
    if outcome.confirm_started and outcome.confirm_ended:
        writing = [s for s in recorder.samples if outcome.confirm_started <= s.at <= outcome.confirm_ended]
        lines += summarise("confirm", str(run), writing, outcome.confirm_ended - outcome.confirm_started)
    if args.by_label:
        by_label(recorder.samples, seconds)
    notes.append(
        f"import {run}: {args.import_rows:,} rows ({path.name}); preview after "
        f"{outcome.seconds_to_preview:.0f} s, result after {outcome.seconds_to_result:.0f} s; "
        f"the importer's requests answered {' '.join(outcome.statuses)}; {outcome.result or outcome.error}; "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; {cpu} (the import's included)"
    )
    return lines


def cpu_note(cpu: float, seconds: float, requests_: int) -> str:
    per_request = cpu / requests_ * 1000 if requests_ else 0.0
    return f"server CPU {cpu:.0f} s ({cpu / seconds:.2f} cores), {per_request:.0f} ms a request"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1: 5k enterprises, 30k cases, 1k projects, 10k visits"
    )
    parser.add_argument("--fresh", action="store_true", help="SQLite: delete the database and grow it anew")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of the mix before each run, not counted"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of the mix alone")
    parser.add_argument("--import-runs", type=int, default=1, help="runs of the mix during a web import")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-timeout", type=float, default=1200)
    parser.add_argument("--max-requests", type=int, default=200_000, help="a run stops here at the latest")
    parser.add_argument("--port", type=int, default=8777)
    parser.add_argument("--threads", type=int, help="waitress threads (default: zhuqi run's)")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--by-label", action="store_true", help="also each kind of request on its own")
    args = parser.parse_args()

    postgres = bool(os.environ.get("DATABASE_URL"))
    if args.fresh and not postgres:
        shutil.rmtree(OUT / SQLITE_DIR, ignore_errors=True)
    started = time.perf_counter()
    setup_django(SQLITE_DIR)
    print(f"set-up (scale {args.scale}) …", flush=True)
    grow(args.scale)
    cast = accounts()
    from zhuqi.enterprises.models import Enterprise

    top_enterprise = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # One file for every import run: the rows an import added are deleted after it.
    upload = import_file(args.import_rows, seed=100) if args.import_runs else None
    print(f"  {counts()}; set-up {time.perf_counter() - started:.0f} s", flush=True)
    label = database_label()
    from django.db import connection

    connection.close()
    if args.setup_only:
        return

    print(
        f"\nload.py at {revision()}: {label}; {args.clients} clients, {args.seconds:.0f} s a run; "
        f"{machine()}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    lines: list[Line] = []
    notes: list[str] = []
    for run in range(1, args.runs + 1):
        server = Server(args.port, args.threads)
        try:
            recorder = Recorder(args.max_requests)
            crowd = actors(server.url, recorder, cast, args.clients, seed=run)
            drive(crowd, Recorder(args.max_requests), None, args.warmup)
            load_before, cpu_before = os.getloadavg()[0], server.cpu_seconds()
            seconds = drive(crowd, recorder, None, args.seconds)
            notes.append(
                f"mixed {run}: load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; "
                + cpu_note(server.cpu_seconds() - cpu_before, seconds, len(recorder.samples))
            )
            lines += summarise("mixed", str(run), recorder.samples, seconds)
            if args.by_label:
                by_label(recorder.samples, seconds)
        finally:
            server.stop()
        print_table(lines[-2:])
    for run in range(1, args.import_runs + 1):
        assert upload is not None
        lines += import_phase(args, cast, run, upload, notes)
        print_table(lines[-4:])
        notes.append(f"import {run}: {forget_import(top_enterprise):,} rows deleted after the run")

    print(f"\n{label}, {args.clients} clients, {args.seconds:.0f} s a run")
    print_table(lines + medians("mixed", lines) + medians("import", lines) + medians("confirm", lines))
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
