"""Key projects for the benchmarks: 20,000 projects with weekly reports over three years.

    python bench/generate_projects.py [--projects 20000] [--agreements 2000]

Into DATABASE_URL, or a SQLite file under bench/out/projects-sqlite/ (ZHUQI_BENCH_OUT moves it).
The state is the morning of Wednesday 2025-12-17 (TODAY): every figure and flag the benchmark
reads is measured against that day, whatever day it runs.

What it writes:
- Places: 通辽 (150500), 呼和浩特 (150100), 包头 (150200) and their counties; in each prefecture
  its 发改委, 工信局, 能源局 and 生态环境局 as responsible departments. Users: a coordinator per
  prefecture and per county, a leader per prefecture, an admin.
- Projects listed 2023–2025 (four fifths in the first months of 2023), 60 % at county level,
  in every stage: planned 8 %, preparing 12 %, started 45 %, completed 10 %, producing 20 %,
  suspended 3 %, cancelled 2 %; a planned date for each stage, actual dates for the stages
  reached (10 % of starts late, some by months); a yearly plan for each year in the library,
  four milestones each.
- Progress reports, weekly, from listing until the week before TODAY (producing and
  cancelled ones stop at that stage), a week skipped now and then; 8 % of active projects stopped
  reporting two to six weeks ago. Completed investment per report, summed into the yearly
  rows and the project's to-date figure as the report service keeps them.
- Agreements signed 2023–2025, 60 % landed as one or two of the projects, some with funds in place.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bulk_insert, rebuild_derived, setup_django

TODAY = datetime.date(2025, 12, 17)
PREFECTURES = ["150500", "150100", "150200"]
OFFICES = ["发展和改革委员会", "工业和信息化局", "能源局", "生态环境局"]
STAGES = [
    ("planned", 8),
    ("preparing", 12),
    ("started", 45),
    ("completed", 10),
    ("producing", 20),
    ("suspended", 3),
    ("cancelled", 2),
]
KINDS = [
    ("industrial", "新材料产业园", 35),
    ("energy", "风光储一体化", 25),
    ("infrastructure", "道路改扩建工程", 15),
    ("ecology", "污水处理厂提标改造", 8),
    ("agriculture", "肉牛养殖加工", 7),
    ("services", "冷链物流园", 6),
    ("social", "老旧小区改造", 4),
]
BATCH = 5000


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def setup() -> dict[str, Any]:
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import Department, Region, User

    regions = Region.objects.in_bulk(PREFECTURES)
    counties = list(
        Region.objects.filter(parent_id__in=PREFECTURES)
        .exclude(name="市辖区")
        .order_by("code")
        .values_list("code", "parent_id")
    )
    departments: dict[str, list[int]] = {}
    for code in PREFECTURES:
        for office in OFFICES:
            department, _ = Department.objects.get_or_create(
                region=regions[code], name=f"{regions[code].name}{office}"
            )
            departments.setdefault(code, []).append(department.pk)
    wanted = [User(username="bench-projects-admin", role=Role.ADMIN)]
    for code in PREFECTURES:
        wanted.append(User(username=f"bench-coordinator-{code}", role=Role.COORDINATOR, region_id=code))
        wanted.append(User(username=f"bench-leader-{code}", role=Role.LEADER, region_id=code))
    for code, _ in counties:
        wanted.append(User(username=f"bench-coordinator-{code}", role=Role.COORDINATOR, region_id=code))
    existing = set(User.objects.values_list("username", flat=True))
    fresh = [user for user in wanted if user.username not in existing]
    for user in fresh:
        user.set_password("bench")
    User.objects.bulk_create(fresh)
    return {"counties": counties, "departments": departments}


def write(
    places: dict[str, Any],
    count: int,
    agreement_count: int,
    seed: int = 20251217,
    *,
    beside_existing: bool = False,
) -> dict[str, int]:
    """`beside_existing`: add to a database that has projects already (bench/load.py grows the demo)."""
    from zhuqi.investment.models import Agreement, FundsInPlace
    from zhuqi.projects.models import Milestone, ProgressReport, Project, ProjectYear

    if Project.objects.exists() and not beside_existing:
        sys.exit("the database has projects already: generate into an empty one")
    rng = random.Random(seed)
    counties: list[tuple[str, str]] = places["counties"]
    departments: dict[str, list[int]] = places["departments"]
    started_at = time.perf_counter()
    tally = {"projects": 0, "reports": 0, "milestones": 0, "years": 0, "agreements": 0}
    now = datetime.datetime(2025, 12, 17, 8, 30, tzinfo=datetime.UTC)
    last_week = _monday(TODAY) - datetime.timedelta(days=7)
    project_ids: list[int] = []

    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        plans: list[dict[str, Any]] = []
        projects: list[Project] = []
        for index in range(start, start + size):
            county, prefecture = rng.choice(counties)
            at_county = rng.random() < 0.6
            category, label, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
            stage = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]
            # Most of the library was listed at the start of 2023 and reports to the end; a
            # fifth joined later.
            spread = 120 if rng.random() < 0.8 else 1000
            listed = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, spread))
            listed = min(listed, TODAY - datetime.timedelta(days=30))
            planned_start = listed + datetime.timedelta(days=rng.randint(30, 300))
            planned_completed = planned_start + datetime.timedelta(days=rng.randint(200, 700))
            planned_producing = planned_completed + datetime.timedelta(days=rng.randint(30, 120))
            reached = ["planned", "preparing", "started", "completed", "producing"]
            depth = reached.index(stage) if stage in reached else rng.choice([1, 2])
            actual: dict[str, datetime.date | None] = {
                "preparing": None,
                "started": None,
                "completed": None,
                "producing": None,
            }
            if depth >= 1:
                actual["preparing"] = min(listed + datetime.timedelta(days=rng.randint(5, 60)), TODAY)
            if depth >= 2:
                late = rng.randint(30, 200) if rng.random() < 0.1 else rng.randint(-20, 20)
                actual["started"] = min(max(planned_start + datetime.timedelta(days=late), listed), TODAY)
            if depth >= 3:
                actual["completed"] = min(
                    planned_completed + datetime.timedelta(days=rng.randint(-30, 60)), TODAY
                )
            if depth >= 4:
                actual["producing"] = min(
                    planned_producing + datetime.timedelta(days=rng.randint(-20, 60)), TODAY
                )
            if stage in ("planned", "preparing") and rng.random() < 0.5:
                # Many not-yet-started projects are past their planned start: the late-start flag.
                planned_start = TODAY - datetime.timedelta(days=rng.randint(1, 200))
            total = Decimal(rng.choice([5000, 12000, 30000, 80000, 150000, 400000]))
            region = county if at_county else prefecture
            projects.append(
                Project(
                    code=f"{listed.year}-{region}-{index:06d}",
                    name=f"{label}项目{index:05d}",
                    owner_name=f"项目单位{index:05d}",
                    region_id=region,
                    category=category,
                    level="county" if at_county else rng.choice(["city", "city", "provincial", "national"]),
                    listed_year=listed.year,
                    total_investment=total,
                    responsible_department_id=rng.choice(departments[prefecture]),
                    stage=stage,
                    planned_preparing_on=listed + datetime.timedelta(days=10),
                    planned_started_on=planned_start,
                    planned_completed_on=planned_completed,
                    planned_producing_on=planned_producing,
                    preparing_on=actual["preparing"],
                    started_on=actual["started"],
                    completed_on=actual["completed"],
                    producing_on=actual["producing"],
                    created_at=datetime.datetime.combine(listed, datetime.time(9), tzinfo=datetime.UTC),
                )
            )
            stop = last_week
            if stage == "producing" and actual["producing"]:
                stop = _monday(actual["producing"])
            elif stage == "cancelled":
                stop = _monday(listed + datetime.timedelta(days=rng.randint(60, 400)))
            elif rng.random() < 0.08:
                stop = last_week - datetime.timedelta(weeks=rng.randint(2, 6))
            plans.append({"listed": listed, "stop": min(stop, last_week), "total": total})
        bulk_insert(Project, projects)
        reports: list[ProgressReport] = []
        years: list[ProjectYear] = []
        milestones: list[Milestone] = []
        updates: list[Project] = []
        for project, plan in zip(projects, plans, strict=True):
            weekly = float(plan["total"]) / rng.randint(120, 260)
            to_date = Decimal(0)
            completed_by_year: dict[int, Decimal] = {}
            week = _monday(plan["listed"]) + datetime.timedelta(days=7)
            last_end = None
            while week <= plan["stop"]:
                if rng.random() < 0.04:
                    week += datetime.timedelta(days=7)
                    continue
                amount = Decimal(round(weekly * rng.uniform(0.3, 1.7), 2))
                if to_date + amount > plan["total"]:
                    amount = Decimal(0)
                to_date += amount
                end = week + datetime.timedelta(days=6)
                completed_by_year[end.year] = completed_by_year.get(end.year, Decimal(0)) + amount
                reports.append(
                    ProgressReport(
                        project_id=project.pk,
                        period_start=week,
                        period_end=end,
                        progress="本周按计划推进施工。",
                        investment_this_period=amount,
                        investment_to_date=to_date,
                        reported_at=datetime.datetime.combine(end, datetime.time(17), tzinfo=datetime.UTC),
                    )
                )
                last_end = end
                week += datetime.timedelta(days=7)
            for year in range(plan["listed"].year, 2026):
                planned = Decimal(round(float(plan["total"]) * rng.uniform(0.15, 0.45), 2))
                years.append(
                    ProjectYear(
                        project_id=project.pk,
                        year=year,
                        planned_investment=planned,
                        completed_investment=completed_by_year.get(year, Decimal(0)),
                    )
                )
            for position, (kind, days) in enumerate(
                [("land", 20), ("approvals", 60), ("groundbreaking", 120), ("main_works", 400)], start=1
            ):
                planned_on = plan["listed"] + datetime.timedelta(days=days)
                done = planned_on + datetime.timedelta(days=rng.randint(-10, 40))
                milestones.append(
                    Milestone(
                        project_id=project.pk,
                        kind=kind,
                        name=kind,
                        planned_on=planned_on,
                        done_on=done if done < TODAY and rng.random() < 0.85 else None,
                        position=position,
                    )
                )
            project.investment_to_date = to_date
            project.last_period_end = last_end
            updates.append(project)
        for offset in range(0, len(reports), BATCH):
            bulk_insert(ProgressReport, reports[offset : offset + BATCH])
        bulk_insert(ProjectYear, years, batch_size=BATCH)
        bulk_insert(Milestone, milestones, batch_size=BATCH)
        Project.objects.bulk_update(updates, ["investment_to_date", "last_period_end"], batch_size=1000)
        # created_at is auto_now_add: set it to the listing day, as the flags read it.
        for project, plan in zip(projects, plans, strict=True):
            project.created_at = datetime.datetime.combine(
                plan["listed"], datetime.time(9), tzinfo=datetime.UTC
            )
        Project.objects.bulk_update(projects, ["created_at"], batch_size=1000)
        project_ids += [p.pk for p in projects]
        tally["projects"] += len(projects)
        tally["reports"] += len(reports)
        tally["years"] += len(years)
        tally["milestones"] += len(milestones)
        print(
            f"{tally['projects']}/{count} projects, {tally['reports']} reports, "
            f"{time.perf_counter() - started_at:.0f} s",
            end="\r",
            flush=True,
        )
    print()

    agreements = []
    for index in range(agreement_count):
        prefecture = rng.choice(PREFECTURES)
        agreements.append(
            Agreement(
                title=f"招商合作协议{index:05d}",
                kind=rng.choice(["strategic", "investment", "investment", "financing"]),
                counterparty_name=f"外地企业{index:05d}",
                our_party_name="人民政府",
                region_id=prefecture,
                signed_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 1080)),
                amount=Decimal(rng.choice([10000, 50000, 200000, 1000000])),
                amount_nature="planned_investment",
                entered_unit="亿元",
            )
        )
    bulk_insert(Agreement, agreements, batch_size=BATCH)
    Through = Agreement.projects.through
    links = []
    funds = []
    for agreement in agreements:
        if rng.random() < 0.6:
            for project_id in rng.sample(project_ids, rng.choice([1, 1, 2])):
                links.append(Through(agreement_id=agreement.pk, project_id=project_id))
        if rng.random() < 0.4:
            amount = (agreement.amount * Decimal(rng.uniform(0.05, 0.6))).quantize(Decimal("0.01"))
            funds.append(
                FundsInPlace(agreement_id=agreement.pk, on=TODAY, amount=amount, note="", recorded_at=now)
            )
            agreement.funds_in_place = amount
    bulk_insert(Through, links, batch_size=BATCH)
    bulk_insert(FundsInPlace, funds, batch_size=BATCH)
    Agreement.objects.bulk_update(agreements, ["funds_in_place"], batch_size=1000)
    tally["agreements"] = len(agreements)
    return tally


def analyse() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=2_000)
    args = parser.parse_args()
    setup_django("projects-sqlite")
    started = time.perf_counter()
    tally = write(setup(), args.projects, args.agreements)
    print(", ".join(f"{key} {value}" for key, value in tally.items()))
    rebuild_derived()
    analyse()
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
