"""Visits for the benchmarks: 100,000 visits in one province over the year to 2026-11-23.

    python bench/generate_visits.py [--visits 100000] [--enterprises 200000]

Into DATABASE_URL, or a SQLite file under bench/out/visits-sqlite/ (ZHUQI_BENCH_OUT moves it).
Each phase is skipped when its rows are there already, so a run that was stopped can be started
again; `--fresh-visits` deletes the visits and their cases (nothing else) and writes them anew.

What it writes (the day is TODAY, 2026-11-23, a Monday; the records run to the Friday before):

- Places: 内蒙古 (150000), its 12 prefectures and 103 counties (generate_cases.places): 12
  offices in each prefecture and 6 in each county (762 departments), plus each one's party
  committee (市委) and government (人民政府). Users as generate_cases.users makes them (a
  coordinator per prefecture and county, a leader per prefecture, two handlers per department),
  an admin, and users for the officials below that the benchmark logs in as.
- Enterprises: bench/generate.py's rows, placed in those 103 counties.
- Officials with posts: in each prefecture a 书记, a 市长/盟长 and five deputies; in each county a
  书记, a 旗长/县长/区长 and two deputies; four cadres in each department (科长, 副科长, 主任科员),
  who are the liaison officers. A tenth of them changed post on 2026-07-01, so the posts written on
  a visit depend on its day.
- Assignments (包联): a liaison officer of the enterprise's county (a quarter: of its prefecture)
  for ~106,000 enterprises, started 2024–2026; 4 % ended during 2026 and handed to another officer;
  every leader has ~20 leader assignments (上规模 enterprises first) in their jurisdiction.
- Visits, all four kinds:
  * liaison 走访 (50 %) and call 电话联系 (32 %): an officer to an enterprise assigned to them at
    the time. November 2026 is the month being measured: 16 % of the current liaison assignments
    got both a visit and a call in 1–20 November, and about as many one of the two; the rest is
    spread over 2025-11-24 … 2026-10-31 (~4,000 a month);
  * inspection 调研 (14 %): led by a leader, with 0–2 department cadres, 1–4 enterprises of the
    jurisdiction, the counties as places, 1–3 days;
  * symposium 座谈会 (4 %): a leader with 6–20 enterprises of a county, their opinions and the
    policy check.
  One leader, 通辽市市长 (BUSY_LEADER), led or joined ~1,500 of them (30 pages): an extreme
  timeline on purpose; the others' are tens of visits.
- Cases (~10,000), filed at the visits as the visit service files them: instructions from a
  quarter of the inspections, demands from two fifths of the symposia and 5 % of liaison visits.
  Each is generate_cases.Cases.finished() submitted on the visit's day; what its history puts
  after TODAY is not there yet, so recent ones are open (in progress or answered).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bulk_insert, rebuild_derived, setup_django
from generate_cases import SHANGHAI, Cases, Places

TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
FIRST_DAY = datetime.date(2025, 11, 24)
MONTH = datetime.date(2026, 11, 1)  # the month the coverage figures are measured for
POST_CHANGE = datetime.date(2026, 7, 1)
PROVINCE = "150000"
BUSY_PREFECTURE = "150500"  # 通辽
BUSY_LEADER_POST = "通辽市人民政府市长"
BATCH = 5000

THEMES = [
    "工业经济运行",
    "重点项目建设",
    "安全生产",
    "营商环境",
    "民营经济发展",
    "稳岗就业",
    "招商引资",
    "科技创新",
]
OPINIONS = ["希望加大信贷支持", "用工紧张", "物流成本高", "审批环节多", "电价偏高", "政策兑现慢", "无"]
POLICIES = ["稳岗返还", "留抵退税", "贷款贴息", "社保缓缴", "技改奖补"]
DEPUTY_TITLES = ["常务副市长", "副市长", "副市长", "副市长", "副市长"]
CADRE_TITLES = ["科长", "副科长", "一级主任科员", "四级主任科员"]


def head_title(region_name: str, prefecture: bool) -> tuple[str, str]:
    """(head, deputy) as a region of that name calls them."""
    if prefecture:
        return ("盟长", "副盟长") if region_name.endswith("盟") else ("市长", "副市长")
    for suffix, head in (("旗", "旗长"), ("县", "县长"), ("区", "区长"), ("市", "市长")):
        if region_name.endswith(suffix):
            return head, "副" + head
    return "县长", "副县长"


# --- officials ---------------------------------------------------------------------------------


def officials(places: Places, seed: int = 5) -> dict[str, Any]:
    """The officials, their posts and the users the benchmark logs in as; made once."""
    from zhuqi.core.roles import Role
    from zhuqi.demo.dataset import _contact_name
    from zhuqi.directory.models import Department, Official, Post, Region, User

    rng = random.Random(seed)
    names = dict(Region.objects.filter(code__startswith="15").values_list("code", "name"))
    prefectures = sorted(set(places.prefecture_of.values()))
    # The post itself, not only its department: the demo has an acting mayor (代市长) there.
    busy_department = BUSY_LEADER_POST.removesuffix("市长")
    if not Post.objects.filter(department__name=busy_department, title="市长").exists():
        pending: list[tuple[Official, list[tuple[int, str, datetime.date | None, datetime.date | None]]]] = []

        def add(region: str, posts: list[tuple[int, str]], *, may_change: bool = False) -> None:
            name = _contact_name(rng) + rng.choice(["", "", "明", "华", "平"])
            official = Official(name=name, region_id=region, search_text=Official.search_text_for(name))
            dated: list[tuple[int, str, datetime.date | None, datetime.date | None]] = []
            if may_change and rng.random() < 0.1:
                # Changed post on POST_CHANGE: before it, a cadre of another office.
                other = rng.choice([d for (code, _), d in places.departments.items() if code == region])
                dated.append(
                    (other, rng.choice(CADRE_TITLES), None, POST_CHANGE - datetime.timedelta(days=1))
                )
                dated += [(d, t, POST_CHANGE, None) for d, t in posts]
            else:
                dated += [(d, t, None, None) for d, t in posts]
            pending.append((official, dated))

        for code in [*prefectures, *(c for c, _ in places.counties)]:
            is_prefecture = code in prefectures
            party, _ = Department.objects.get_or_create(
                region_id=code, name=f"{names[code]}委", defaults={"kind": Department.Kind.PARTY}
            )
            government, _ = Department.objects.get_or_create(region_id=code, name=f"{names[code]}人民政府")
            head, deputy = head_title(names[code], is_prefecture)
            add(code, [(party.pk, "书记")])
            add(code, [(party.pk, "副书记"), (government.pk, head)])
            deputies = DEPUTY_TITLES if is_prefecture else ["常务" + deputy, deputy]
            for title in deputies:
                add(code, [(government.pk, title.replace("副市长", deputy))])
        leaders = len(pending)
        for (code, _), department in sorted(places.departments.items()):
            for title in CADRE_TITLES:
                add(code, [(department, title)], may_change=True)
        Official.objects.bulk_create([official for official, _ in pending], batch_size=BATCH)
        Post.objects.bulk_create(
            [
                Post(official=o, department_id=d, title=t, start_date=s, end_date=e, order=i)
                for o, dated in pending
                for i, (d, t, s, e) in enumerate(dated)
            ],
            batch_size=BATCH,
        )
        print(f"{len(pending)} officials ({leaders} leaders)")
    cast = cast_officials(places)
    wanted = [User(username="bench-visits-admin", role=Role.ADMIN)]
    busy, ordinary, liaison = cast["busy"], cast["ordinary"], cast["liaison"]
    wanted.append(
        User(username="bench-busy-leader", role=Role.LEADER, region_id=busy[1], official_id=busy[0])
    )
    wanted.append(
        User(
            username="bench-ordinary-leader", role=Role.LEADER, region_id=ordinary[1], official_id=ordinary[0]
        )
    )
    wanted.append(User(username="bench-liaison", role=Role.LIAISON, official_id=liaison[0]))
    wanted.append(User(username="bench-coordinator-150000", role=Role.COORDINATOR, region_id=PROVINCE))
    existing = set(User.objects.values_list("username", flat=True))
    fresh = [user for user in wanted if user.username not in existing]
    for user in fresh:
        user.set_password("bench")
    User.objects.bulk_create(fresh)
    return cast


def cast_officials(places: Places) -> dict[str, Any]:
    """Who is who: (id, region) of the leaders, the liaison officers by region, and the three the
    benchmark logs in as (the busy leader, an ordinary one: 霍林郭勒市市长, and a liaison officer)."""
    from zhuqi.directory.models import Post

    held: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for official_id, region, department, title in (
        Post.objects.filter(end_date__isnull=True)
        .order_by("official_id", "order")
        .values_list("official_id", "official__region_id", "department__name", "title")
    ):
        held[(official_id, region)].append((department, title))
    leaders: list[tuple[int, str]] = []
    cadres: dict[str, list[int]] = defaultdict(list)  # region → officials of its departments
    busy = ordinary = None
    for (official_id, region), posts in held.items():
        if not any(d.endswith("委") or d.endswith("人民政府") for d, _ in posts):
            cadres[region].append(official_id)
            continue
        leaders.append((official_id, region))
        labels = {f"{d}{t}" for d, t in posts}
        if BUSY_LEADER_POST in labels:
            busy = (official_id, region)
        if "霍林郭勒市人民政府市长" in labels:
            ordinary = (official_id, region)
    assert busy and ordinary, "officials missing"
    liaison = (cadres["150581"][0], "150581")
    return {
        "leaders": leaders,
        "cadres": dict(cadres),
        "busy": busy,
        "ordinary": ordinary,
        "liaison": liaison,
    }


# --- assignments -------------------------------------------------------------------------------


def assignments(
    places: Places,
    cast: dict[str, Any],
    liaison_share: float,
    seed: int = 6,
    *,
    beside_existing: bool = False,
) -> None:
    """`beside_existing`: add to a database that has assignments already (the demo's)."""
    from zhuqi.enterprises.models import Assignment, Enterprise

    if Assignment.objects.exists() and not beside_existing:
        print(f"already {Assignment.objects.count()} assignments")
        return
    rng = random.Random(seed)
    cadres: dict[str, list[int]] = cast["cadres"]
    rows: list[Assignment] = []
    chosen = rng.sample(places.enterprises, round(len(places.enterprises) * liaison_share))
    for enterprise_id, region, _ in sorted(chosen):
        pool = cadres[places.prefecture_of[region]] if rng.random() < 0.25 else cadres[region]
        official = rng.choice(pool)
        start = datetime.date(2024, 1, 1) + datetime.timedelta(days=int(rng.random() ** 0.5 * 1000))
        start = min(start, datetime.date(2026, 10, 1))
        if rng.random() < 0.04 and start < datetime.date(2026, 1, 1):
            end = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(0, 300))
            rows.append(
                Assignment(official_id=official, enterprise_id=enterprise_id, start_date=start, end_date=end)
            )
            official, start = rng.choice(pool), end + datetime.timedelta(days=1)
        rows.append(Assignment(official_id=official, enterprise_id=enterprise_id, start_date=start))
    by_region: dict[str, list[int]] = defaultdict(list)
    above = set(Enterprise.objects.filter(above_scale=True).values_list("pk", flat=True))
    for enterprise_id, region, _ in places.enterprises:
        by_region[region].append(enterprise_id)
    for official, region in cast["leaders"]:
        pool = [
            e
            for code, ids in by_region.items()
            if code.startswith(region[:4] if region.endswith("00") else region)
            for e in ids
        ]
        preferred = [e for e in pool if e in above] or pool
        for enterprise_id in rng.sample(preferred, min(20, len(preferred))):
            rows.append(
                Assignment(
                    official_id=official,
                    enterprise_id=enterprise_id,
                    kind=Assignment.Kind.LEADER,
                    start_date=datetime.date(2025, 3, 1),
                )
            )
    bulk_insert(Assignment, rows, batch_size=BATCH)
    print(f"{len(rows)} assignments")


# --- visits ------------------------------------------------------------------------------------


class VisitWriter:
    """Builds and bulk-inserts visits with their officials, enterprises, places and cases."""

    def __init__(self, places: Places, cast: dict[str, Any], seed: int = 7) -> None:
        from zhuqi.directory.models import Post, Region

        self.places = places
        self.cast = cast
        self.rng = random.Random(seed)
        self.cases = Cases(places, seed=seed)
        self.region_names = dict(Region.objects.filter(code__startswith="15").values_list("code", "name"))
        self.enterprise = {e[0]: e for e in places.enterprises}
        self.by_county: dict[str, list[int]] = defaultdict(list)
        for enterprise_id, region, _ in places.enterprises:
            self.by_county[region].append(enterprise_id)
        # Posts as the visit service writes them: those held on the day, joined with 、.
        self.posts: dict[int, list[tuple[datetime.date | None, datetime.date | None, str]]] = defaultdict(
            list
        )
        for official_id, start, end, department, title in Post.objects.order_by(
            "official_id", "order", "id"
        ).values_list("official_id", "start_date", "end_date", "department__name", "title"):
            self.posts[official_id].append((start, end, f"{department}{title}"))
        self.pending: list[dict[str, Any]] = []
        self.tally: dict[str, int] = defaultdict(int)
        self.started = time.perf_counter()

    def posts_on(self, official: int, day: datetime.date) -> str:
        return "、".join(
            label
            for start, end, label in self.posts[official]
            if (start is None or start <= day) and (end is None or end >= day)
        )

    def office_day(self, low: datetime.date, high: datetime.date) -> datetime.date:
        """A working day (by the calendar) between low and high, or a weekend day now and then."""
        span = (high - low).days
        for _ in range(10):
            day = low + datetime.timedelta(days=self.rng.randint(0, span))
            if self.cases.is_workday(day) or self.rng.random() < 0.05:
                return day
        return day

    def add(
        self,
        kind: str,
        title: str,
        start: datetime.date,
        days: int,
        officials: list[tuple[int, str]],
        enterprises: list[int],
        place_codes: list[str],
        region: str,
        said: list[str],
        summary: str,
        no_problems: bool = False,
        opinions: bool = False,
    ) -> None:
        end = min(start + datetime.timedelta(days=days - 1), TODAY - datetime.timedelta(days=1))
        self.pending.append(
            {
                "visit": {
                    "kind": kind,
                    "title": title,
                    "start_date": start,
                    "end_date": max(end, start),
                    "region_id": region,
                    "summary": summary,
                    "no_problems": no_problems,
                },
                "officials": officials,
                "enterprises": enterprises,
                "places": place_codes,
                "said": said,
                "opinions": opinions,
            }
        )
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from zhuqi.cases.models import Case
        from zhuqi.visits.models import Visit, VisitEnterprise, VisitOfficial, VisitRegion

        if not self.pending:
            return
        rng = self.rng
        visits = [Visit(**row["visit"]) for row in self.pending]
        bulk_insert(Visit, visits)
        Places = Visit.places.through
        members: list[VisitOfficial] = []
        attendance: list[VisitEnterprise] = []
        places: list[Any] = []
        reach: list[VisitRegion] = []
        cases: list[Case] = []
        for visit, row in zip(visits, self.pending, strict=True):
            for position, (official, role) in enumerate(row["officials"]):
                members.append(
                    VisitOfficial(
                        visit_id=visit.pk,
                        official_id=official,
                        role=role,
                        posts=self.posts_on(official, visit.start_date),
                        position=position,
                    )
                )
            for enterprise in row["enterprises"]:
                said = rng.choice(OPINIONS) if row["opinions"] else ""
                attendance.append(
                    VisitEnterprise(
                        visit_id=visit.pk,
                        enterprise_id=enterprise,
                        opinions="" if said == "无" else said,
                        policies_received="、".join(rng.sample(POLICIES, 2)) if row["opinions"] else "",
                        policies_unknown=rng.choice(POLICIES)
                        if row["opinions"] and rng.random() < 0.3
                        else "",
                    )
                )
            places += [Places(visit_id=visit.pk, region_id=code) for code in row["places"]]
            # What the visits service writes: the regions the visit touched, which scoping reads.
            touched = {visit.region_id, *row["places"], *(self.enterprise[e][1] for e in row["enterprises"])}
            reach += [VisitRegion(visit_id=visit.pk, region_id=code) for code in sorted(touched)]
            lead = row["officials"][0][0]
            for case_kind in row["said"]:
                enterprise = self.enterprise[rng.choice(row["enterprises"])]
                minutes = rng.randrange(9 * 60, 18 * 60)
                at = datetime.datetime.combine(
                    visit.end_date, datetime.time(minutes // 60, minutes % 60), tzinfo=SHANGHAI
                )
                fields = as_of_now(self.cases.finished(case_kind, enterprise, at))
                fields.pop("_co", None)
                fields.update(
                    visit_id=visit.pk,
                    source={"inspection": "visit", "symposium": "symposium"}.get(visit.kind, "liaison"),
                    issued_by_id=lead if case_kind == "instruction" else None,
                )
                cases.append(Case(**fields))
        bulk_insert(VisitOfficial, members, batch_size=BATCH)
        bulk_insert(VisitEnterprise, attendance, batch_size=BATCH)
        bulk_insert(Places, places, batch_size=BATCH)
        bulk_insert(VisitRegion, reach, batch_size=BATCH)
        bulk_insert(Case, cases, batch_size=BATCH)
        for visit in visits:
            self.tally[visit.kind] += 1
        self.tally["officials"] += len(members)
        self.tally["enterprises"] += len(attendance)
        self.tally["places"] += len(places)
        self.tally["cases"] += len(cases)
        self.pending.clear()
        done = sum(self.tally[k] for k in ("inspection", "symposium", "liaison", "call"))
        print(
            f"{done} visits, {self.tally['cases']} cases, {time.perf_counter() - self.started:.0f} s",
            end="\r",
            flush=True,
        )

    # --- the kinds ---------------------------------------------------------------------------

    def liaison_work(self, total: int) -> None:
        """Liaison visits and calls by the officer assigned at the time."""
        from zhuqi.enterprises.models import Assignment

        rng = self.rng
        current = list(
            Assignment.objects.filter(kind=Assignment.Kind.LIAISON, end_date__isnull=True)
            .order_by("pk")
            .values_list("official_id", "enterprise_id", "start_date")
        )
        ended = list(
            Assignment.objects.filter(kind=Assignment.Kind.LIAISON, end_date__isnull=False)
            .order_by("pk")
            .values_list("official_id", "enterprise_id", "start_date", "end_date")
        )
        november_end = TODAY - datetime.timedelta(days=3)  # the Friday before
        november = [a for a in current if a[2] <= MONTH]
        rng.shuffle(november)
        both = round(len(november) * 0.16)
        one = round(len(november) * 0.14)
        planned: list[tuple[str, int, int, datetime.date]] = []
        for index, (official, enterprise, _) in enumerate(november[: both + one]):
            kinds = ["liaison", "call"] if index < both else [rng.choice(["liaison", "call"])]
            for kind in kinds:
                planned.append((kind, official, enterprise, self.office_day(MONTH, november_end)))
        earlier_end = MONTH - datetime.timedelta(days=1)
        while len(planned) < total:
            if ended and rng.random() < 0.05:
                official, enterprise, start, end = rng.choice(ended)
                low, high = max(start, FIRST_DAY), min(end, earlier_end)
            else:
                official, enterprise, start = rng.choice(current)
                low, high = max(start, FIRST_DAY), earlier_end
            if low > high:
                continue
            kind = "liaison" if rng.random() < 0.61 else "call"
            planned.append((kind, official, enterprise, self.office_day(low, high)))
        planned.sort(key=lambda p: p[3])
        for kind, official, enterprise, day in planned[:total]:
            _, region, name = self.enterprise[enterprise]
            problems = kind == "liaison" and rng.random() < 0.05
            self.add(
                kind,
                f"{'走访' if kind == 'liaison' else '电话联系'}{name[:14]}",
                day,
                1,
                [(official, "lead")],
                [enterprise],
                [],
                region,
                ["demand"] * rng.choice([1, 1, 2]) if problems else [],
                "了解生产经营情况。" if not problems else "企业反映困难，已登记诉求。",
                no_problems=not problems and rng.random() < 0.7,
            )

    def leaders_visits(self, inspections: int, symposia: int) -> None:
        """Inspections and symposia led by leaders; BUSY_LEADER takes ~1,500 of them."""
        rng = self.rng
        leaders: list[tuple[int, str]] = self.cast["leaders"]
        busy = self.cast["busy"]
        cadres: dict[str, list[int]] = self.cast["cadres"]
        counties_of: dict[str, list[str]] = defaultdict(list)
        for code, _ in self.places.counties:
            counties_of[self.places.prefecture_of[code]].append(code)
            counties_of[code].append(code)
        planned = []
        for index in range(inspections + symposia):
            kind = "inspection" if index < inspections else "symposium"
            lead = busy if rng.random() < 1500 / (inspections + symposia) else rng.choice(leaders)
            planned.append((self.office_day(FIRST_DAY, TODAY - datetime.timedelta(days=3)), kind, lead))
        planned.sort()
        for day, kind, (leader, region) in planned:
            counties = [c for c in counties_of[region] if self.by_county[c]]
            officials = [(leader, "lead")]
            for other in rng.sample(cadres.get(region, []), rng.choice([0, 1, 1, 2])):
                officials.append((other, "accompanying"))
            if kind == "inspection":
                visited = rng.sample(counties, min(len(counties), rng.choice([1, 1, 1, 2])))
                enterprises = sorted(
                    {rng.choice(self.by_county[rng.choice(visited)]) for _ in range(rng.randint(1, 4))}
                )
                said = ["instruction"] * rng.randint(1, 3) if rng.random() < 0.25 else []
                theme = rng.choice(THEMES)
                self.add(
                    kind,
                    f"{self.region_names[visited[0]]}{theme}调研",
                    day,
                    rng.choice([1, 1, 1, 2, 3]),
                    officials,
                    enterprises,
                    visited,
                    visited[0],
                    said,
                    f"实地调研{theme}情况，听取企业汇报。",
                )
            else:
                county = rng.choice(counties)
                pool = self.by_county[county]
                enterprises = sorted(rng.sample(pool, min(len(pool), rng.randint(6, 20))))
                said = ["demand"] * rng.randint(1, 3) if rng.random() < 0.4 else []
                self.add(
                    kind,
                    f"{self.region_names[county]}中小微企业座谈会",
                    day,
                    1,
                    officials,
                    enterprises,
                    [county],
                    county,
                    said,
                    "听取企业意见建议，了解惠企政策落实情况。",
                    opinions=True,
                )


def as_of_now(fields: dict[str, Any]) -> dict[str, Any]:
    """A case as it stands at NOW: what its history puts later has not happened yet."""
    if not any(isinstance(v, datetime.datetime) and v > NOW for v in fields.values()):
        return fields
    if fields["status"] == "rejected":
        fields.update(status="submitted", closed_at=None, rejection_reason="")
        fields.update(clock_started_at=fields["submitted_at"], due_at=fields["accept_due"])
        return fields
    answered = fields.get("first_answered_at") or fields.get("completion_reported_at")
    if answered and answered <= NOW:
        # Answered (or reported done), waiting for the enterprise's rating or the verification.
        demand = fields["kind"] == "demand"
        fields.update(
            status="answered" if demand else "completion_reported",
            closure="",
            closed_at=None,
            rating=None,
            ratings_given=0,
            satisfied_ratings=0,
            auto_close_at=answered + datetime.timedelta(days=7) if demand else None,
        )
        return fields
    for key in ("first_answered_at", "answered_at", "completion_reported_at", "closed_at", "escalated_at"):
        fields[key] = None
    amber = fields["assigned_at"] + (fields["deadline"] - fields["assigned_at"]) * 0.75
    fields.update(
        status="in_progress" if fields["started_at"] <= NOW else "assigned",
        answer="",
        outcome="",
        outcome_reason="",
        answered_on_time=None,
        closure="",
        rating=None,
        ratings_given=0,
        satisfied_ratings=0,
        escalation_level="",
        working_days_late=0,
        clock_started_at=fields["assigned_at"],
        due_at=fields["deadline"],
        amber_at=amber,
        timeliness="red" if fields["deadline"] < NOW else ("amber" if amber < NOW else "normal"),
    )
    if fields["started_at"] > NOW:
        fields.update(started_at=None, responded_on_time=None)
    return fields


def analyse() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument(
        "--liaison-share", type=float, default=0.53, help="enterprises with a liaison officer"
    )
    parser.add_argument("--fresh-visits", action="store_true", help="delete the visits and their cases first")
    args = parser.parse_args()
    setup_django("visits-sqlite")
    from generate_cases import places, users

    from zhuqi.cases.models import Case
    from zhuqi.directory.models import Region
    from zhuqi.visits.models import Visit

    started = time.perf_counter()
    prefectures = list(
        Region.objects.filter(parent_id=PROVINCE).order_by("code").values_list("code", flat=True)
    )
    where = places(args.enterprises, prefectures=prefectures, county_departments=["all"])
    users(where)
    print(
        f"{len(where.departments)} departments, {len(where.enterprises)} enterprises, "
        f"{time.perf_counter() - started:.0f} s"
    )
    cast = officials(where)
    assignments(where, cast, args.liaison_share)
    print(f"officials and assignments: {time.perf_counter() - started:.0f} s")
    if args.fresh_visits:
        Case.objects.filter(visit__isnull=False).delete()
        Visit.objects.all().delete()
    if Visit.objects.exists():
        print(f"already {Visit.objects.count()} visits")
    else:
        writer = VisitWriter(where, cast)
        leaders = round(args.visits * 0.18)
        writer.leaders_visits(round(leaders * 14 / 18), leaders - round(leaders * 14 / 18))
        writer.liaison_work(args.visits - leaders)
        writer.flush()
        print()
        print(", ".join(f"{key} {value}" for key, value in sorted(writer.tally.items())))
    rebuild_derived()
    analyse()
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
