"""Task forces and campaigns (issue 22) at scale: a daily 复工复产 campaign over 20,000 enterprises
of one province with 90 days of reports (1.8M), the board for a province and a county, one
enterprise's history, one report on top, and the import of a day's 20,000-row table.

    python bench/taskforces_bench.py generate            # once per database; each phase skips when done
    python bench/taskforces_bench.py board --runs 20     # figures.board against one GROUP BY over the reports
    python bench/taskforces_bench.py history --count 200 # selectors.enterprise_history
    python bench/taskforces_bench.py report --count 50   # services.report_submit on a new day
    python bench/taskforces_bench.py retally --days 10   # services.retally of whole days, again
    python bench/taskforces_bench.py import --runs 2     # importing.import_table of a day's 20,000 rows
    python bench/taskforces_bench.py size                # the tables' sizes
    createdb -h 127.0.0.1 -U root taskforces_bench
    DATABASE_URL=postgres://root@127.0.0.1:5432/taskforces_bench python bench/taskforces_bench.py generate

Into DATABASE_URL, or a SQLite file under bench/out/taskforces-sqlite/ (ZHUQI_BENCH_OUT moves it).

What `generate` writes (days relative to the day it runs: the campaign starts 100 days before, the
reports cover its first 90 days, the ten after are left for `report` and `import`):

- 20,000 enterprises of 山西省 (140000) spread over its counties (bench/generate.py's rows and
  enterprise_of: real county codes, GB/T 4754 classes, skewed sizes);
- four departments a prefecture (工信局, 发改委, 商务局, 住建局): each enterprise is served in the
  campaign by one of its prefecture's;
- users: the province's coordinator and the coordinator of the county with the most enterprises;
- through the services: the province's task force, and one daily 复工复产 campaign with the
  starting form (reportforms.STARTING_FORMS), same-day cases, due the day after at 18:00;
- its 20,000 enterprises bulk-inserted (region copied, enrolled on the first day);
- 1.8M reports (raw executemany, a day a transaction): each enterprise starts partly and then
  fully resumed on days of its own (a tenth never fully within the 90 days), staff present, the
  capacity rate and the day's output following its state, the expected staff from the registry
  (as clean_values fills it); ~3 % late (two days after), ~1 % with a difficulty and no case;
  values JSON as the form's cleaned values, measured columns filled;
- the tallies: services.retally(campaign, day) for each of the 90 days, timed (a day's recount).

PostgreSQL: VACUUM ANALYZE after (autovacuum is off on the bench server). SQLite: no ANALYZE, as a
deployment has it.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import database_label, machine, median, percentile, print_plan, revision, setup_django

SQLITE = "taskforces-sqlite"
PROVINCE = "140000"
ENTERPRISES = 20_000
DAYS = 90
# The campaign starts this many days before the day `generate` runs.
LEAD = 100
BATCH = 10_000
TASK_FORCE = "山西省企业复工复产工作专班"
CAMPAIGN = "复工复产专项行动（基准）"
USERS = {"province": "bench-tf-province", "county": "bench-tf-county"}
OFFICES = ["工业和信息化局", "发展和改革委员会", "商务局", "住房和城乡建设局"]
DIFFICULTIES = [
    "物流运输不畅，原材料进不来、产品运不出",
    "原料供应紧张，库存仅够三天",
    "返岗用工不足，外地员工返岗难",
    "流动资金紧张，希望协调贷款延期",
    "防疫物资短缺",
]


def setup(migrate: bool = True) -> None:
    setup_django(SQLITE, migrate=migrate)


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def vacuum(*tables: str) -> None:
    from django.db import connection

    if is_postgres():
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f}"


def ms(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def line(name: str, values: list[float], extra: str = "") -> str:
    return (
        f"  {name:34} p50 {median(values):8.1f} ms  p95 {percentile(values, 0.95):8.1f} ms  "
        f"(n {len(values)}){extra}"
    )


# --- generate ------------------------------------------------------------------------------------


def counties() -> list[tuple[str, str]]:
    from zhuqi.directory.models import Region

    return list(
        Region.objects.filter(level="county", code__startswith=PROVINCE[:2])
        .exclude(name="市辖区")
        .order_by("code")
        .values_list("code", "name")
    )


def generate_enterprises(count: int) -> None:
    from generate import enterprise_of, rows

    from zhuqi.enterprises.models import Enterprise

    existing = Enterprise.objects.count()
    if existing >= count:
        print(f"already {existing} enterprises")
        return
    started = time.perf_counter()
    pending: list[Any] = []
    for index, row in enumerate(rows(count, seed=22, counties=counties())):
        if index < existing:
            continue
        pending.append(enterprise_of(row))
        if len(pending) >= 5000:
            Enterprise.objects.bulk_create(pending)
            pending.clear()
            print(f"{index + 1}/{count}", end="\r", flush=True)
    Enterprise.objects.bulk_create(pending)
    vacuum("enterprises_enterprise")
    print(f"{Enterprise.objects.count()} enterprises in {time.perf_counter() - started:.0f} s")


def departments() -> dict[str, list[int]]:
    """Each prefecture's departments serving enterprises in the campaign (made when missing)."""
    from zhuqi.directory.models import Department, Region

    made: dict[str, list[int]] = {}
    for prefecture in Region.objects.filter(level="prefecture", code__startswith=PROVINCE[:2]).order_by(
        "code"
    ):
        for office in OFFICES:
            department, _ = Department.objects.get_or_create(
                region=prefecture, name=f"{prefecture.name}{office}"
            )
            made.setdefault(prefecture.code, []).append(department.pk)
    return made


def ensure_users() -> dict[str, Any]:
    from django.db.models import Count

    from zhuqi.core.roles import Role
    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.directory.models import User
    from zhuqi.enterprises.models import Enterprise

    county = (
        Enterprise.objects.filter(region_subtree_q("region_id", PROVINCE))
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "region_id")
        .first()
    )
    assert county is not None
    made = {}
    for key, region in (("province", PROVINCE), ("county", county["region_id"])):
        user = User.objects.filter(username=USERS[key]).first()
        if user is None:
            user = User(username=USERS[key], role=Role.COORDINATOR, region_id=region)
            user.set_unusable_password()
            user.save()
        made[key] = user
    return made


def the_campaign() -> Any:
    from zhuqi.taskforces.models import Campaign

    return Campaign.objects.select_related("task_force", "task_force__region").get(name=CAMPAIGN)


def generate_campaign(actor: Any) -> Any:
    from django.utils import timezone

    from zhuqi.taskforces import services
    from zhuqi.taskforces.models import Campaign

    found = Campaign.objects.filter(name=CAMPAIGN).first()
    if found is not None:
        print(f"campaign {found.pk} from {found.starts_on}")
        return the_campaign()
    start = timezone.localdate() - datetime.timedelta(days=LEAD)
    force = services.task_force_create(
        actor=actor,
        data=services.TaskForceData(
            name=TASK_FORCE,
            region_code=PROVINCE,
            starts_on=start - datetime.timedelta(days=3),
            purpose="深入一线服务企业，问题日清日结",
        ),
    )
    made = services.campaign_create(
        actor=actor,
        data=services.CampaignData(
            task_force_id=force.pk,
            name=CAMPAIGN,
            kind="resumption",
            starts_on=start,
            same_day=True,
            due_days=1,
        ),
    )
    print(f"campaign {made.pk} from {made.starts_on}")
    return the_campaign()


def generate_enrolments(campaign: Any) -> None:
    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.core.workdays import SHANGHAI
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.taskforces.models import CampaignEnterprise

    if CampaignEnterprise.objects.filter(campaign=campaign).exists():
        print(f"already {CampaignEnterprise.objects.filter(campaign=campaign).count()} enrolments")
        return
    served = departments()
    rng = random.Random(22)
    enrolments = [
        CampaignEnterprise(
            campaign=campaign,
            enterprise_id=pk,
            region_id=region,
            department_id=rng.choice(served[region[:4] + "00"]),
            via="rule",
        )
        for pk, region in Enterprise.objects.filter(region_subtree_q("region_id", PROVINCE))
        .order_by("pk")
        .values_list("pk", "region_id")
    ]
    CampaignEnterprise.objects.bulk_create(enrolments, batch_size=2000)
    # auto_now_add stamps now: the board counts an enterprise from the day it joined.
    joined = datetime.datetime.combine(campaign.starts_on, datetime.time(8, 0), tzinfo=SHANGHAI)
    CampaignEnterprise.objects.filter(campaign=campaign).update(enrolled_at=joined)
    vacuum("taskforces_campaignenterprise")
    print(f"{len(enrolments)} enrolments")


class Profile:
    """What one enterprise's reports follow: when it starts and finishes resuming, its staff, its
    daily output at full capacity."""

    __slots__ = ("cap", "daily", "department_id", "enterprise_id", "full", "partial", "region_id", "staff")

    def __init__(
        self, rng: random.Random, row: tuple[int, str, int | None, int | None, Decimal | None]
    ) -> None:
        self.enterprise_id, self.region_id, self.department_id, staff, revenue = row
        self.staff = max(1, staff or 1)
        self.partial = int(rng.expovariate(1 / 6))
        self.full = self.partial + int(rng.expovariate(1 / 15)) if rng.random() < 0.9 else DAYS + 1
        self.daily = float(revenue or 100) / 300
        self.cap = rng.uniform(80, 105)


def profiles(campaign: Any) -> list[Profile]:
    from zhuqi.taskforces.models import CampaignEnterprise

    rng = random.Random(90)
    rows = (
        CampaignEnterprise.objects.filter(campaign=campaign)
        .order_by("enterprise_id")
        .values_list(
            "enterprise_id", "region_id", "department_id", "enterprise__employees", "enterprise__revenue"
        )
    )
    return [Profile(rng, row) for row in rows]


REPORT_COLUMNS = [
    *("campaign_id", "enterprise_id", "region_id", "department_id", "period_start", "period_key"),
    *("values", "status_value", "staff_present", "staff_expected", "capacity", "output", "difficulty"),
    *("case_id", "channel", "late", "corrections", "submitted_at", "submitted_by_id", "version"),
]


def report_row(
    campaign: Any, profile: Profile, index: int, day: datetime.date, rng: random.Random
) -> tuple[dict[str, Any], bool, datetime.datetime]:
    """One day's values (as clean_values leaves them), whether late, and when submitted."""
    from zhuqi.core.workdays import SHANGHAI

    if index < profile.partial:
        status, present, capacity = "未复工", rng.uniform(0, 0.15), rng.uniform(0, 10)
    elif index < profile.full:
        status, present, capacity = "部分复工", rng.uniform(0.35, 0.9), rng.uniform(25, 75)
    else:
        status, present, capacity = "全面复工", rng.uniform(0.92, 1.0), profile.cap * rng.uniform(0.95, 1.05)
    capacity = min(capacity, 150)
    output = profile.daily * capacity / 100 * rng.uniform(0.9, 1.1)
    values: dict[str, Any] = {
        "status": status,
        "staff_present": int(profile.staff * present),
        "staff_expected": profile.staff,
        "capacity": str(Decimal(capacity).quantize(Decimal("0.01"))),
        "output": str(Decimal(output).quantize(Decimal("0.01"))),
    }
    if rng.random() < 0.01:
        values["difficulty"] = rng.choice(DIFFICULTIES)
    late = rng.random() < 0.03
    if late:
        when = datetime.datetime.combine(
            day + datetime.timedelta(days=2), datetime.time(9, rng.randrange(60)), tzinfo=SHANGHAI
        )
    elif rng.random() < 0.1:
        when = datetime.datetime.combine(
            day + datetime.timedelta(days=1),
            datetime.time(8 + rng.randrange(9), rng.randrange(60)),
            tzinfo=SHANGHAI,
        )
    else:
        when = datetime.datetime.combine(
            day, datetime.time(8 + rng.randrange(12), rng.randrange(60)), tzinfo=SHANGHAI
        )
    return values, late, when


def generate_reports(campaign: Any) -> None:
    from django.db import connection, transaction

    from zhuqi.core.periods import Period
    from zhuqi.taskforces.models import CampaignReport

    ops = connection.ops
    table = CampaignReport._meta.db_table
    columns = ", ".join(ops.quote_name(c) for c in REPORT_COLUMNS)
    marks = ", ".join("%s::jsonb" if c == "values" and is_postgres() else "%s" for c in REPORT_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    done = set(
        CampaignReport.objects.filter(campaign=campaign)
        .order_by()
        .values_list("period_start", flat=True)
        .distinct()
    )
    if len(done) >= DAYS:
        print(f"already {len(done)} days of reports")
        return
    everyone = profiles(campaign)
    channels = ["enterprise"] * 7 + ["liaison"] * 2 + ["import"]
    started = time.perf_counter()
    for index in range(DAYS):
        day = campaign.starts_on + datetime.timedelta(days=index)
        if day in done:
            continue
        rng = random.Random(1000 + index)
        key = Period.containing("day", day).key
        stored_day = ops.adapt_datefield_value(day)
        rows = []
        for profile in everyone:
            values, late, when = report_row(campaign, profile, index, day, rng)
            rows.append(
                (
                    campaign.pk,
                    profile.enterprise_id,
                    profile.region_id,
                    profile.department_id,
                    stored_day,
                    key,
                    json.dumps(values, ensure_ascii=False),
                    values["status"],
                    values["staff_present"],
                    values["staff_expected"],
                    ops.adapt_decimalfield_value(Decimal(values["capacity"]), 6, 2),
                    ops.adapt_decimalfield_value(Decimal(values["output"]), 14, 2),
                    values.get("difficulty", ""),
                    None,
                    rng.choice(channels),
                    late,
                    0,
                    ops.adapt_datetimefield_value(when),
                    None,
                    1,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            for offset in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[offset : offset + BATCH])
        print(
            f"day {index + 1}/{DAYS}: {(index + 1) * len(everyone):,} reports, "
            f"{time.perf_counter() - started:.0f} s",
            end="\r",
            flush=True,
        )
    print(
        f"\n{CampaignReport.objects.filter(campaign=campaign).count():,} reports in "
        f"{time.perf_counter() - started:.0f} s"
    )
    vacuum(table)


def generate_tallies(campaign: Any) -> None:
    from zhuqi.taskforces import services
    from zhuqi.taskforces.models import CampaignTally

    done = set(
        CampaignTally.objects.filter(campaign=campaign)
        .order_by()
        .values_list("period_start", flat=True)
        .distinct()
    )
    timings = []
    for index in range(DAYS):
        day = campaign.starts_on + datetime.timedelta(days=index)
        if day in done:
            continue
        took, _ = ms(services.retally, campaign.pk, day)
        timings.append(took)
    if timings:
        print(
            f"retally of a whole day (20,000 reports), {len(timings)} days: p50 {median(timings):.0f} ms, "
            f"p95 {percentile(timings, 0.95):.0f} ms, total {sum(timings) / 1000:.1f} s"
        )
    print(f"{CampaignTally.objects.filter(campaign=campaign).count():,} tallies")
    vacuum("taskforces_campaigntally")


def command_generate(args: argparse.Namespace) -> None:
    setup()
    print(f"{database_label()}; {machine()}; at {revision()}; {load()}")
    generate_enterprises(args.enterprises)
    users = ensure_users()
    campaign = generate_campaign(users["province"])
    generate_enrolments(campaign)
    generate_reports(campaign)
    generate_tallies(campaign)
    if is_postgres():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"done; {load()}")


def users_and_campaign() -> tuple[dict[str, Any], Any]:
    from zhuqi.directory.models import User

    users = {key: User.objects.get(username=name) for key, name in USERS.items()}
    return users, the_campaign()


def last_day(campaign: Any) -> datetime.date:
    return campaign.starts_on + datetime.timedelta(days=DAYS - 1)


# --- board ---------------------------------------------------------------------------------------


def direct_board(campaign: Any, user: Any, day: datetime.date) -> int:
    """The day's figures straight from the reports, as one would write them without tallies: one
    GROUP BY (region, department, status) over the day's reports of the user's jurisdiction."""
    from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum

    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.taskforces.models import CampaignReport

    weighted = ExpressionWrapper(
        F("capacity") * F("output"), output_field=DecimalField(max_digits=22, decimal_places=4)
    )
    rows = (
        CampaignReport.objects.filter(campaign=campaign, period_start=day)
        .filter(region_subtree_q("region_id", user.region_id))
        .order_by()
        .values("region_id", "department_id", "status_value")
        .annotate(
            n=Count("pk"),
            late_n=Count("pk", filter=Q(late=True)),
            present=Sum("staff_present"),
            expected=Sum("staff_expected"),
            output_sum=Sum("output"),
            cap_sum=Sum("capacity"),
            cap_n=Count("capacity"),
            cw=Sum(weighted),
            difficult=Count("pk", filter=~Q(difficulty="")),
        )
    )
    return len(list(rows))


def direct_trend(campaign: Any, user: Any, day: datetime.date) -> int:
    """The board's 30-day trend straight from the reports: one GROUP BY day over 600,000 rows."""
    from django.db.models import Count, Q, Sum

    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.taskforces.models import CampaignReport

    rows = (
        CampaignReport.objects.filter(
            campaign=campaign, period_start__gt=day - datetime.timedelta(days=30), period_start__lte=day
        )
        .filter(region_subtree_q("region_id", user.region_id))
        .order_by()
        .values("period_start")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status_value="全面复工")),
            late_n=Count("pk", filter=Q(late=True)),
            present=Sum("staff_present"),
            expected=Sum("staff_expected"),
            output_sum=Sum("output"),
        )
    )
    return len(list(rows))


def without_date_cast(day: datetime.date, call: Callable[[], Any]) -> Any:
    """Experiment: the board with figures._enrolled_by_day swapped for one aggregate of 30
    filtered counts (enrolled before each trend day's end) instead of grouping every enrolment
    by its date (TruncDate: on SQLite a Python function a row)."""
    from django.db.models import Count, Q

    from zhuqi.taskforces import figures
    from zhuqi.taskforces.models import CampaignEnterprise

    days = [day - datetime.timedelta(days=n) for n in range(29, -1, -1)]

    def enrolled_by_day(campaign: Any, scope: Any) -> list[tuple[datetime.date, int]]:
        counts = (
            CampaignEnterprise.objects.filter(campaign=campaign)
            .filter(scope)
            .aggregate(
                **{
                    f"d{i}": Count("pk", filter=Q(enrolled_at__lt=figures._midnight_after(d)))
                    for i, d in enumerate(days)
                }
            )
        )
        found, previous = [], 0
        for i, d in enumerate(days):
            found.append((d, counts[f"d{i}"] - previous))
            previous = counts[f"d{i}"]
        return found

    plain = figures._enrolled_by_day
    figures._enrolled_by_day = enrolled_by_day
    try:
        return call()
    finally:
        figures._enrolled_by_day = plain


def command_board(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuqi.core.periods import Period
    from zhuqi.taskforces import figures
    from zhuqi.taskforces.models import CampaignReport, CampaignTally

    users, campaign = users_and_campaign()
    day = last_day(campaign)
    period = Period.containing("day", day)
    if args.tally_index:
        # Experiment: on SQLite the unique constraint (NULLS NOT DISTINCT) is not created, so the
        # tallies have only the campaign's index; the index the board would want, for this run.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_tally_period_idx "
                "ON taskforces_campaigntally (campaign_id, period_start, region_id)"
            )
    print(
        f"{'[tally index] ' if args.tally_index else ''}"
        f"{database_label()}; {machine()}; at {revision()}; "
        f"{CampaignReport.objects.filter(campaign=campaign).count():,} reports, "
        f"{CampaignTally.objects.filter(campaign=campaign).count():,} tallies; board of {day}; "
        f"county {users['county'].region_id}; {args.runs} runs; {load()}"
    )
    arms: list[tuple[str, Callable[[], Any]]] = []
    for key in ("province", "county"):
        who = users[key]
        for by in ("region", "department"):
            arms.append(
                (
                    f"{key} board by {by}",
                    functools.partial(figures.board, user=who, campaign=campaign, period=period, by=by),
                )
            )
        arms.append(
            (f"{key} GROUP BY the day's reports", functools.partial(direct_board, campaign, who, day))
        )
        arms.append((f"{key} GROUP BY 30 days (trend)", functools.partial(direct_trend, campaign, who, day)))
        if args.experiment:
            board_of = functools.partial(figures.board, user=who, campaign=campaign, period=period)
            arms.append(
                (f"{key} board by region, no date cast", functools.partial(without_date_cast, day, board_of))
            )
    warm = {name: call() for name, call in arms}
    for key in ("province", "county") if args.experiment else ():
        plain, changed = warm[f"{key} board by region"], warm[f"{key} board by region, no date cast"]
        assert [p.row.enrolled for p in plain.trend] == [p.row.enrolled for p in changed.trend]
    timings: dict[str, list[float]] = {name: [] for name, _ in arms}
    results: dict[str, Any] = {}
    for run in range(args.runs):
        order = list(arms) if run % 2 == 0 else list(reversed(arms))
        for name, call in order:
            took, results[name] = ms(call)
            timings[name].append(took)
        if run % 5 == 4:
            print(f"run {run + 1} done; {load()}", flush=True)
    for key in ("province", "county"):
        print(f"{key} ({users[key].region_id}):")
        for name in [n for n, _ in arms if n.startswith(key)]:
            result = results[name]
            extra = ""
            if hasattr(result, "rows"):
                extra = (
                    f"  rows {len(result.rows)}, enrolled {result.total.enrolled:,}, "
                    f"reported {result.total.reported:,}, done rate {result.total.done_rate}%, "
                    f"trend {len(result.trend)} days"
                )
            print(line(name[len(key) + 1 :], timings[name], extra))
        direct = median(timings[f"{key} GROUP BY the day's reports"])
        trend = median(timings[f"{key} GROUP BY 30 days (trend)"])
        for by in ("region", "department"):
            board_ms = median(timings[f"{key} board by {by}"])
            print(
                f"  board by {by} / GROUP BY the day's reports: {board_ms / direct:.2f}×; "
                f"/ (the day's + 30 days' GROUP BY): {board_ms / (direct + trend):.2f}×"
            )
    # The queries of one board, with their time as captured (execute only).
    for key in ("province", "county"):
        with CaptureQueriesContext(connection) as captured:
            figures.board(user=users[key], campaign=campaign, period=period, by="region")
        print(f"\n{key} board by region: {len(captured.captured_queries)} queries")
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    if args.explain:
        explain_board(users, campaign, period, day)
    if args.tally_index:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_tally_period_idx")


def explain_board(users: dict[str, Any], campaign: Any, period: Any, day: datetime.date) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuqi.taskforces import figures

    with CaptureQueriesContext(connection) as captured:
        figures.board(user=users["county"], campaign=campaign, period=period, by="region")
    for query in captured.captured_queries:
        sql = query["sql"]
        if "campaigntally" in sql or ("campaignreport" in sql and "GROUP BY" in sql):
            print(f"\n== county board: {sql[:400]}")
            print_plan(sql)
    with CaptureQueriesContext(connection) as captured:
        direct_board(campaign, users["county"], day)
    print(f"\n== county, GROUP BY the day's reports: {captured.captured_queries[0]['sql'][:400]}")
    print_plan(captured.captured_queries[0]["sql"])


# --- history -------------------------------------------------------------------------------------


def command_history(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.taskforces import selectors
    from zhuqi.taskforces.models import CampaignEnterprise

    users, campaign = users_and_campaign()
    print(f"{database_label()}; at {revision()}; {load()}")
    rng = random.Random(7)
    for key in ("province", "county"):
        ids = list(
            CampaignEnterprise.objects.filter(campaign=campaign)
            .filter(region_subtree_q("region_id", users[key].region_id))
            .order_by("enterprise_id")
            .values_list("enterprise_id", flat=True)
        )
        sample = rng.sample(ids, min(args.count, len(ids)))
        for enterprise_id in sample[:10]:  # warm-up
            list(
                selectors.enterprise_history(user=users[key], campaign=campaign, enterprise_id=enterprise_id)
            )
        timings, sizes = [], []
        for enterprise_id in sample:
            took, rows = ms(
                lambda e=enterprise_id, who=users[key]: list(
                    selectors.enterprise_history(user=who, campaign=campaign, enterprise_id=e)
                )
            )
            timings.append(took)
            sizes.append(len(rows))
        print(line(f"{key}: enterprise_history", timings, f"  rows {min(sizes)}–{max(sizes)}"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        list(selectors.enterprise_history(user=users["county"], campaign=campaign, enterprise_id=sample[0]))
    print(f"queries: {len(captured.captured_queries)}")
    print_plan(captured.captured_queries[-1]["sql"])


# --- report --------------------------------------------------------------------------------------


def clear_day(campaign: Any, day: datetime.date) -> None:
    """Reports of a day a previous run wrote, removed with their tallies (audit entries stay)."""
    from zhuqi.taskforces.models import CampaignReport, CampaignTally

    CampaignReport.objects.filter(campaign=campaign, period_start=day).delete()
    CampaignTally.objects.filter(campaign=campaign, period_start=day).delete()


def command_report(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from zhuqi.taskforces import services
    from zhuqi.taskforces.models import CampaignEnterprise

    users, campaign = users_and_campaign()
    day = campaign.starts_on + datetime.timedelta(days=DAYS)
    clear_day(campaign, day)
    print(f"{database_label()}; at {revision()}; reports for {day}; {load()}")
    rng = random.Random(50)
    enrolments = list(
        CampaignEnterprise.objects.filter(campaign=campaign)
        .select_related("enterprise")
        .order_by("enterprise_id")
    )
    sample = rng.sample(enrolments, args.count + 5)
    plain_retally = services.retally
    retally_ms: list[float] = []

    def timed_retally(*a: Any, **k: Any) -> None:
        took, _ = ms(plain_retally, *a, **k)
        retally_ms.append(took)

    services.retally = timed_retally
    timings = []
    try:
        for index, enrolment in enumerate(sample):
            values = {
                "status": rng.choice(["部分复工", "全面复工", "全面复工"]),
                "staff_present": max(0, (enrolment.enterprise.employees or 1) - rng.randrange(3)),
                "capacity": f"{rng.uniform(60, 100):.1f}",
                "output": f"{rng.uniform(1, 500):.2f}",
            }
            took, _ = ms(
                services.report_submit,
                actor=users["province"],
                campaign_id=campaign.pk,
                data=services.ReportData(
                    enterprise_id=enrolment.enterprise_id, period=day.isoformat(), values=values
                ),
            )
            if index >= 5:  # the first five warm up
                timings.append(took)
    finally:
        services.retally = plain_retally
    print(line("report_submit (province coordinator)", timings))
    print(line("  of which retally (one key)", retally_ms[5:]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enrolment = rng.choice([e for e in enrolments if e not in sample])
    with CaptureQueriesContext(connection) as captured:
        services.report_submit(
            actor=users["province"],
            campaign_id=campaign.pk,
            data=services.ReportData(
                enterprise_id=enrolment.enterprise_id, period=day.isoformat(), values={"status": "全面复工"}
            ),
        )
    print(f"queries of one submission: {len(captured.captured_queries)}")
    for query in captured.captured_queries:
        if "campaignreport" in query["sql"] and "GROUP BY" in query["sql"]:
            print(f"== the retally's grouped read: {query['sql'][:300]}")
            print_plan(query["sql"])
            break
    clear_day(campaign, day)


# --- retally -------------------------------------------------------------------------------------


def command_retally(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from zhuqi.taskforces import services

    _, campaign = users_and_campaign()
    print(f"{database_label()}; at {revision()}; {load()}")
    timings = []
    for index in range(0, DAYS, max(1, DAYS // args.days)):
        took, _ = ms(services.retally, campaign.pk, campaign.starts_on + datetime.timedelta(days=index))
        timings.append(took)
    print(line("retally of a whole day", timings))


# --- import --------------------------------------------------------------------------------------


def day_table(campaign: Any, day: datetime.date, seed: int, difficulties: bool = True) -> bytes:
    """A day's table in the export's layout, every enterprise's row filled in (~1 % with a
    difficulty, unless not)."""
    from zhuqi.core.spreadsheets import write_workbook
    from zhuqi.taskforces import reportforms
    from zhuqi.taskforces.exporting import table_columns
    from zhuqi.taskforces.models import CampaignEnterprise

    fields = reportforms.form_of(campaign.report_form)
    rng = random.Random(seed)
    index = (day - campaign.starts_on).days

    def rows() -> Any:
        for profile, (name, uscc, region, department) in zip(
            profiles(campaign),
            CampaignEnterprise.objects.filter(campaign=campaign)
            .order_by("enterprise_id")
            .values_list("enterprise__name", "enterprise__uscc", "region__name", "department__name"),
            strict=True,
        ):
            values, _, _ = report_row(campaign, profile, index, day, rng)
            if not difficulties:
                values.pop("difficulty", None)
            cells = []
            for form_field in fields:
                value = values.get(form_field.key)
                if form_field.kind in ("decimal", "percent") and value is not None:
                    value = float(value)
                cells.append(value)
            yield [name, uscc, region, department, *cells, None, "", ""]

    return write_workbook(day.isoformat(), table_columns(fields), rows())


def command_import(args: argparse.Namespace) -> None:
    setup(migrate=False)
    try:
        from zhuqi.taskforces import importing
    except ImportError:
        print("no zhuqi.taskforces.importing: nothing to time")
        return
    from zhuqi.taskforces.models import CampaignReport

    users, campaign = users_and_campaign()
    print(f"{database_label()}; at {revision()}; {load()}")
    for run in range(args.runs):
        day = campaign.starts_on + datetime.timedelta(days=DAYS + 1 + run)
        clear_day(campaign, day)
        took, content = ms(day_table, campaign, day, run, args.difficulties)
        print(
            f"run {run + 1}: {day}: table built in {took / 1000:.1f} s, {len(content) / 1e6:.1f} MB",
            flush=True,
        )
        took, result = ms(
            importing.import_table,
            actor=users["province"],
            campaign_id=campaign.pk,
            stream=io.BytesIO(content),
            filename=f"{day}.xlsx",
            period=day.isoformat(),
        )
        print(
            f"  import: {took / 1000:.1f} s; rows {result.rows:,}, written {result.written:,}, "
            f"corrected {result.corrected}, cases {result.cases}, errors {len(result.errors)}, "
            f"done {result.done}; {load()}",
            flush=True,
        )
        if args.corrections:
            _, content_c = ms(day_table, campaign, day, run + 100, args.difficulties)
            took, result = ms(
                importing.import_table,
                actor=users["province"],
                campaign_id=campaign.pk,
                stream=io.BytesIO(content_c),
                filename=f"{day}.xlsx",
                period=day.isoformat(),
            )
            print(
                f"  again, other values (corrections): {took / 1000:.1f} s; written {result.written:,}, "
                f"corrected {result.corrected:,}, unchanged {result.unchanged:,}, cases {result.cases}; "
                f"{load()}",
                flush=True,
            )
        count = CampaignReport.objects.filter(campaign=campaign, period_start=day).count()
        print(f"  reports of the day: {count:,}")
        if not args.keep:
            clear_day(campaign, day)


# --- size ----------------------------------------------------------------------------------------


def command_size(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from django.db import connection

    tables = [
        "taskforces_campaignreport",
        "taskforces_campaigntally",
        "taskforces_campaignenterprise",
        "enterprises_enterprise",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            count = cursor.fetchone()[0]
            size = ""
            if is_postgres():
                cursor.execute("SELECT pg_total_relation_size(%s), pg_relation_size(%s)", [table, table])
                total, heap = cursor.fetchone()
                size = f"  {total / 2**20:,.0f} MiB with indexes ({heap / 2**20:,.0f} MiB heap)"
            else:
                try:
                    cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name = %s", [table])
                    size = f"  {cursor.fetchone()[0] / 2**20:,.0f} MiB heap"
                except Exception:  # dbstat is not compiled in everywhere
                    pass
            print(f"{table:32} {count:>10,}{size}")
    if not is_postgres():
        from django.conf import settings

        path = Path(settings.DATABASES["default"]["NAME"])
        print(f"SQLite file {path.stat().st_size / 2**20:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate")
    generate.add_argument("--enterprises", type=int, default=ENTERPRISES)
    board = commands.add_parser("board")
    board.add_argument("--runs", type=int, default=20)
    board.add_argument("--explain", action=argparse.BooleanOptionalAction, default=True)
    board.add_argument("--experiment", action="store_true", help="also the board with enrolments counted")
    board.add_argument("--tally-index", action="store_true", help="SQLite: the tallies' index, for the run")
    history = commands.add_parser("history")
    history.add_argument("--count", type=int, default=200)
    report = commands.add_parser("report")
    report.add_argument("--count", type=int, default=50)
    retally = commands.add_parser("retally")
    retally.add_argument("--days", type=int, default=10)
    table = commands.add_parser("import")
    table.add_argument("--runs", type=int, default=2)
    table.add_argument("--corrections", action="store_true", help="import the day again with other values")
    table.add_argument("--keep", action="store_true", help="leave the imported day's reports")
    table.add_argument(
        "--difficulties", action=argparse.BooleanOptionalAction, default=True, help="~1 %% rows with one"
    )
    commands.add_parser("size")
    args = parser.parse_args()
    {
        "generate": command_generate,
        "board": command_board,
        "history": command_history,
        "report": command_report,
        "retally": command_retally,
        "import": command_import,
        "size": command_size,
    }[args.command](args)


if __name__ == "__main__":
    main()
