"""Relief policies (issue 19) at scale: 500 policies matched against 200,000 enterprises, one
enterprise's policies and its re-match, and the figures over 1,000,000 deliveries.

    python bench/policies_bench.py generate             # once per database; each phase skips when done
    python bench/policies_bench.py rematch --runs 3     # rematch_all against rematch_enterprise on a sample
    python bench/policies_bench.py enterprise --runs 3  # GET …/enterprises/{id}/policies; rematch_enterprise
    python bench/policies_bench.py figures --runs 5     # policy_figures, /policies/figures, EXPLAIN
    python bench/policies_bench.py size                 # the tables' sizes
    createdb -h 127.0.0.1 -U root policies_bench
    DATABASE_URL=postgres://root@127.0.0.1:5432/policies_bench python bench/policies_bench.py generate

Into DATABASE_URL, or a SQLite file under bench/out/policies-sqlite/ (ZHUQI_BENCH_OUT moves it).

What `generate` writes (the day is TODAY, 2026-12-07):

- 200,000 enterprises from bench/generate.py's rows (all over China, real counties and GB/T 4754
  classes), with what an import leaves missing: employees for 8 %, revenue (and so assets and the
  规上 flag) for 10 %, the industry for 3 %, the founding date for 20 %; the size class computed
  from what is there (blank when it cannot be), founding dates skewed to the last ten years.
- Qualifications (资质) for ~5 % of the enterprises, one or two kinds each, a sixth expired.
- 500 policies: regions drawn as the enterprises lie (a random enterprise's province 60 %,
  prefecture 30 %, county 10 %), each with a delivering department of that region; 85 % published,
  10 % drafts, 5 % withdrawn; published 2021–2026, half with an end date (some past). Rules from
  the demo's (src/zhuqi/demo/policies.py: SMEs, manufacturing, services, 规上 and revenue,
  years founded, qualifications, any-of groups) and others nesting groups 3 deep, with industry
  divisions, revenue and employee bands and a region condition; every rule through clean_rule.
- Users: an admin, the coordinator of the province with the most enterprises, and of its largest
  prefecture.
- The matches: rematch_all() once (timed, but the figures are `rematch`'s).
- 1,000,000 deliveries (raw executemany in batches): per policy published or withdrawn, a share of
  its eligible enterprises (40–100 %, scaled towards the total), then the possibly eligible and
  others of its region with an off-match reason until 1M; statuses by grant mode (application:
  notified 35 %, applied 20 %, granted 35 %, refused 10 %; 免申即享: notified 40 %, granted 55 %,
  refused 5 %), dates after publication up to TODAY, amounts within the policy's cap.

PostgreSQL: VACUUM ANALYZE after each phase (autovacuum is off on the bench server, as in
bench/generate.py), and between the full re-matches `rematch` runs. SQLite: no ANALYZE, as a
deployment has it.

Experiments, for what a change in src/ would give (nothing in src/ is changed): `rematch --variant`
indexed (the region index named on SQLite), analyze (an ANALYZE'd copy of the SQLite file), diff
(only what changed written); `enterprise --experiment` (names cached, deliveries read with their
policy); `figures` prints the plans and the eligible/reached counts by one LEFT JOIN.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import database_label, machine, median, percentile, print_plan, revision, setup_django

SQLITE = "policies-sqlite"
TODAY = datetime.date(2026, 12, 7)
ENTERPRISES = 200_000
POLICIES = 500
DELIVERIES = 1_000_000
BATCH = 5000
USERS = {
    "admin": "bench-policies-admin",
    "province": "bench-policies-province",
    "prefecture": "bench-policies-prefecture",
}

SMES = {"field": "size_class", "values": ["medium", "small", "micro"]}
SMALL = {"field": "size_class", "values": ["small", "micro"]}
MANUFACTURING = {"field": "industry", "values": ["C"]}
SERVICES = {"field": "industry", "values": ["F", "G", "H", "L", "O", "R"]}
OFFICES = {
    "tax_relief": "税务局",
    "financing": "财政局",
    "employment": "人力资源和社会保障局",
    "rent_relief": "财政局",
    "utilities": "发展和改革委员会",
    "innovation": "科学技术局",
    "market": "商务局",
    "industry": "工业和信息化局",
    "other": "市场监督管理局",
}


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


# --- generate ------------------------------------------------------------------------------------


def generate_enterprises(count: int) -> None:
    from generate import rows

    from zhuqi.enterprises.models import Enterprise
    from zhuqi.enterprises.services import build_search_text, size_class_of

    existing = Enterprise.objects.count()
    if existing >= count:
        print(f"already {existing} enterprises")
        return
    started = time.perf_counter()
    facts = random.Random(1919)
    pending: list[Enterprise] = []
    for index, row in enumerate(rows(count)):
        # The extra facts are drawn for every row, so a resumed run gives the same enterprises.
        missing_employees = facts.random() < 0.08
        missing_revenue = facts.random() < 0.10
        missing_industry = facts.random() < 0.03
        missing_founded = facts.random() < 0.20
        years_ago = min(40.0, facts.expovariate(1 / 9))
        if index < existing:
            continue
        employees = None if missing_employees else row[3]
        revenue = None if missing_revenue else Decimal(str(row[4]))
        assets = None if missing_revenue else Decimal(str(row[5]))
        industry = None if missing_industry else row[2]
        founded = None if missing_founded else TODAY - datetime.timedelta(days=int(years_ago * 365.25) + 1)
        enterprise = Enterprise(
            uscc=row[0],
            name=row[1],
            industry_id=industry,
            employees=employees,
            revenue=revenue,
            total_assets=assets,
            region_id=row[6],
            address=row[7],
            contacts=[{"name": row[8], "phone": row[9]}],
            above_scale=revenue is not None and revenue >= 2000,
            founded_on=founded,
        )
        enterprise.search_text = build_search_text(enterprise)
        enterprise.size_class, enterprise.size_basis = size_class_of(industry, employees, revenue, assets)
        pending.append(enterprise)
        if len(pending) >= BATCH:
            Enterprise.objects.bulk_create(pending)
            pending.clear()
            print(f"{index + 1}/{count}", end="\r", flush=True)
    Enterprise.objects.bulk_create(pending)
    vacuum("enterprises_enterprise")
    print(f"{Enterprise.objects.count()} enterprises in {time.perf_counter() - started:.0f} s")


def generate_qualifications() -> None:
    from zhuqi.enterprises.models import Enterprise, Qualification, QualificationKind

    if Qualification.objects.exists():
        print(f"already {Qualification.objects.count()} qualifications")
        return
    rng = random.Random(5)
    kinds = list(QualificationKind.values)
    weights = [20, 25, 15, 15, 5, 2, 8, 10]
    made: list[Qualification] = []
    for enterprise_id in Enterprise.objects.order_by("pk").values_list("pk", flat=True).iterator():
        if rng.random() >= 0.05:
            continue
        held = set(rng.choices(kinds, weights, k=rng.choice([1, 1, 1, 2])))
        for kind in sorted(held):  # not the set's order: it changes with the hash seed
            recognised = TODAY - datetime.timedelta(days=rng.randrange(30, 2500))
            valid_until = recognised + datetime.timedelta(days=3 * 365)
            made.append(
                Qualification(
                    enterprise_id=enterprise_id,
                    kind=kind,
                    recognised_on=recognised,
                    valid_until=valid_until if rng.random() < 0.9 else None,
                )
            )
    Qualification.objects.bulk_create(made, batch_size=BATCH)
    vacuum("enterprises_qualification")
    held = Qualification.objects.values("enterprise_id").distinct().count()
    print(f"{len(made)} qualifications, {held} enterprises hold one")


def rule_for(
    rng: random.Random, region: str, under: list[str], divisions: list[str]
) -> tuple[str, str, dict]:
    """(category, title, rule) of one policy of `region`; `under`: regions below it."""

    def band(name: str, low: int, high: int) -> dict[str, Any]:
        return {"field": name, rng.choice(["min", "above"]): low, rng.choice(["max", "below"]): high}

    choices: list[tuple[int, Any]] = [
        (
            8,
            lambda: (
                "tax_relief",
                "制造业中小微企业延缓缴纳部分税费",
                {"match": "all", "conditions": [MANUFACTURING, SMES]},
            ),
        ),
        (
            6,
            lambda: (
                "tax_relief",
                "增值税期末留抵退税",
                {"match": "any", "conditions": [SMALL, MANUFACTURING]},
            ),
        ),
        (
            6,
            lambda: (
                "rent_relief",
                "服务业小微企业房租减免",
                {"match": "all", "conditions": [SMALL, SERVICES]},
            ),
        ),
        (6, lambda: ("employment", "失业保险稳岗返还", {"match": "all", "conditions": [SMES]})),
        (3, lambda: ("employment", "一次性扩岗补助", {})),
        (5, lambda: ("financing", "小微企业融资担保费率补贴", {"match": "all", "conditions": [SMALL]})),
        (
            4,
            lambda: (
                "innovation",
                "专精特新“小巨人”企业奖励",
                {"match": "all", "conditions": [{"field": "qualification", "values": ["little_giant"]}]},
            ),
        ),
        (
            4,
            lambda: (
                "innovation",
                "高新技术企业认定奖励",
                {
                    "match": "any",
                    "conditions": [
                        {"field": "qualification", "values": ["high_tech"]},
                        {"field": "qualification", "values": ["tech_sme"]},
                    ],
                },
            ),
        ),
        (
            6,
            lambda: (
                "industry",
                "规上工业企业稳产满产奖励",
                {
                    "match": "all",
                    "conditions": [
                        MANUFACTURING,
                        {"field": "above_scale", "value": True},
                        {"field": "revenue", "min": rng.choice([2000, 5000, 10000])},
                    ],
                },
            ),
        ),
        (
            4,
            lambda: (
                "market",
                "中小企业开拓市场参展补贴",
                {
                    "match": "all",
                    "conditions": [SMES, {"field": "years_founded", "min": rng.choice([1, 2, 3])}],
                },
            ),
        ),
        (
            4,
            lambda: (
                "other",
                "初创小微企业开办补助",
                {
                    "match": "all",
                    "conditions": [SMALL, {"field": "years_founded", "below": rng.choice([3, 5])}],
                },
            ),
        ),
        (
            8,
            lambda: (
                "industry",
                "重点产业链企业技术改造补助",
                {
                    "match": "all",
                    "conditions": [
                        {"field": "industry", "values": rng.sample(divisions, rng.randint(1, 3))},
                        {"field": "employees", "below": rng.choice([300, 1000])},
                    ],
                },
            ),
        ),
        (
            6,
            lambda: (
                "innovation",
                "专精特新中小企业培育",
                {
                    "match": "all",
                    "conditions": [
                        SMES,
                        {
                            "match": "any",
                            "conditions": [
                                {"field": "qualification", "values": ["specialised_sme", "little_giant"]},
                                {
                                    "match": "all",
                                    "conditions": [
                                        {"field": "above_scale", "value": True},
                                        {"field": "revenue", "min": 5000},
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ),
        ),
        (
            5,
            lambda: (
                "innovation",
                "数字化转型补贴",
                {
                    "match": "all",
                    "conditions": [
                        SMES,
                        {
                            "match": "any",
                            "conditions": [
                                {"field": "industry", "values": ["I", "M"]},
                                {"field": "industry", "values": ["39"]},
                            ],
                        },
                        {
                            "match": "any",
                            "conditions": [
                                {"field": "employees", "min": 10},
                                {"field": "revenue", "min": 500},
                            ],
                        },
                    ],
                },
            ),
        ),
        (
            5,
            lambda: (
                "other",
                "农业产业化经营主体扶持",
                {
                    "match": "all",
                    "conditions": [
                        {"field": "industry", "values": ["A", "13", "14"]},
                        {
                            "match": "any",
                            "conditions": [
                                {"field": "qualification", "values": ["agricultural_leader"]},
                                {
                                    "match": "all",
                                    "conditions": [
                                        {"field": "employees", "min": 50},
                                        {"field": "revenue", "min": 1000},
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ),
        ),
        (
            5,
            lambda: (
                "financing",
                "中型企业贷款贴息",
                {
                    "match": "all",
                    "conditions": [
                        band("revenue", rng.choice([500, 1000, 2000]), rng.choice([20000, 40000])),
                        {"field": "industry", "values": rng.sample(["C", "E", "F", "G", "I", "L", "M"], 2)},
                    ],
                },
            ),
        ),
        (
            5,
            lambda: (
                "employment",
                "吸纳就业补贴",
                {
                    "match": "all",
                    "conditions": [
                        band("employees", rng.choice([10, 20]), rng.choice([300, 1000])),
                        {"field": "years_founded", "min": 2},
                    ],
                },
            ),
        ),
    ]
    if under:
        choices.append(
            (
                10,
                lambda: (
                    "other",
                    "重点区域小微企业和科技企业扶持",
                    {
                        "match": "all",
                        "conditions": [
                            {
                                "field": "region",
                                "values": rng.sample(under, min(len(under), rng.randint(1, 3))),
                            },
                            {
                                "match": "any",
                                "conditions": [
                                    {
                                        "match": "all",
                                        "conditions": [SMALL, {"field": "years_founded", "below": 5}],
                                    },
                                    {"field": "qualification", "values": ["tech_sme", "innovative_sme"]},
                                ],
                            },
                        ],
                    },
                ),
            )
        )
    (make,) = rng.choices([m for _, m in choices], [w for w, _ in choices])
    return make()


def generate_policies(count: int) -> None:
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import Department, Industry, Region, User
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.policies.models import GrantMode, Policy, PolicyStatus
    from zhuqi.policies.rules import clean_rule

    if Policy.objects.count() >= count:
        print(f"already {Policy.objects.count()} policies")
    else:
        rng = random.Random(19)
        regions = dict(Region.objects.values_list("code", "name"))
        levels = dict(Region.objects.values_list("code", "level"))
        children: dict[str, list[str]] = {}
        for code, parent in Region.objects.exclude(parent=None).values_list("code", "parent_id"):
            children.setdefault(parent, []).append(code)
        divisions = list(Industry.objects.filter(level="division").values_list("code", flat=True))
        where = list(Enterprise.objects.order_by("pk").values_list("region_id", flat=True))
        departments: dict[tuple[str, str], int] = {}
        made: list[Policy] = []
        for serial in range(count):
            county = rng.choice(where)
            level = rng.choices(["province", "prefecture", "county"], [60, 30, 10])[0]
            code = {"province": county[:2] + "0000", "prefecture": county[:4] + "00", "county": county}[level]
            if code not in regions:
                code = county[:2] + "0000"
            under = [c for c in children.get(code, []) if regions[c] != "市辖区"]
            category, title, rule = rule_for(rng, code, under, divisions)
            rule = clean_rule(rule)
            office = OFFICES[category]
            name = regions[code] + office
            if (code, name) not in departments:
                department, _ = Department.objects.get_or_create(region_id=code, name=name)
                departments[(code, name)] = department.pk
            published = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2160))
            until = (
                None
                if rng.random() < 0.5
                else published + datetime.timedelta(days=rng.choice([365, 730, 1095, 1460]) - 1)
            )
            cap = rng.choice([None, Decimal(2), Decimal(10), Decimal(20), Decimal(50), Decimal(100)])
            made.append(
                Policy(
                    title=f"{regions[code]}{title}（{published.year}）",
                    issuer=regions[code] + ("人民政府办公室" if levels[code] != "province" else "人民政府"),
                    document_number=f"{regions[code][:2]}政办发〔{published.year}〕{serial + 1}号",
                    published_on=published,
                    valid_from=published,
                    valid_until=until,
                    region_id=code,
                    category=category,
                    benefit=f"{title}：符合条件的企业按规定给予支持。",
                    amount=cap if cap is not None and rng.random() < 0.5 else None,
                    amount_cap=cap,
                    grant_mode=GrantMode.AUTOMATIC if rng.random() < 0.25 else GrantMode.APPLICATION,
                    how_to_apply="向所在地主管部门提交申请材料。",
                    department_id=departments[(code, name)],
                    rule=rule,
                    status=rng.choices(
                        [PolicyStatus.PUBLISHED, PolicyStatus.DRAFT, PolicyStatus.WITHDRAWN], [85, 10, 5]
                    )[0],
                )
            )
        Policy.objects.bulk_create(made)
        levels_made: dict[str, int] = {}
        for policy in made:
            levels_made[levels[policy.region_id]] = levels_made.get(levels[policy.region_id], 0) + 1
        print(f"{len(made)} policies ({levels_made}), {len(departments)} departments")
    # Users: the admin and the coordinators of the busiest province and its busiest prefecture.
    from django.db.models import Count
    from django.db.models.functions import Substr

    from zhuqi.core.scoping import region_subtree_q

    province = (
        Enterprise.objects.annotate(p=Substr("region_id", 1, 2))
        .values("p")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[0]["p"]
    prefecture = (
        Enterprise.objects.filter(region_subtree_q("region_id", province + "0000"))
        .annotate(p=Substr("region_id", 1, 4))
        .values("p")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[0]["p"]
    for key, role, region in (
        ("admin", Role.ADMIN, None),
        ("province", Role.COORDINATOR, province + "0000"),
        ("prefecture", Role.COORDINATOR, prefecture + "00"),
    ):
        if not User.objects.filter(username=USERS[key]).exists():
            user = User(username=USERS[key], role=role, region_id=region)
            user.set_unusable_password()
            user.save()
    vacuum("policies_policy", "directory_department")


def generate_matches() -> None:
    from zhuqi.policies import matching
    from zhuqi.policies.models import PolicyMatch

    if PolicyMatch.objects.exists():
        print(f"already {PolicyMatch.objects.count()} matches")
        return
    started = time.perf_counter()
    written = matching.rematch_all(today=TODAY)
    print(f"rematch_all: {written} matches in {time.perf_counter() - started:.1f} s")
    vacuum("policies_policymatch", "policies_policy")


def generate_deliveries(target: int) -> None:
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from zhuqi.enterprises.models import Enterprise
    from zhuqi.policies.models import Delivery, GrantMode, MatchStatus, Policy, PolicyMatch, PolicyStatus

    existing = Delivery.objects.count()
    if existing >= target:
        print(f"already {existing} deliveries")
        return
    if existing:
        Delivery.objects.all().delete()
        if is_postgres():  # its dead rows would count in the size reported
            with connection.cursor() as cursor:
                cursor.execute("VACUUM FULL policies_delivery")
    started = time.perf_counter()
    rng = random.Random(23)
    region_of = dict(Enterprise.objects.values_list("pk", "region_id").iterator())
    policies = list(
        Policy.objects.filter(status__in=[PolicyStatus.PUBLISHED, PolicyStatus.WITHDRAWN]).order_by("pk")
    )
    matched: dict[int, dict[str, list[int]]] = {p.pk: {"eligible": [], "possible": []} for p in policies}
    for policy_id, enterprise_id, status in (
        PolicyMatch.objects.filter(policy__in=policies)
        .values_list("policy_id", "enterprise_id", "status")
        .iterator()
    ):
        matched[policy_id][status].append(enterprise_id)
    eligible_total = sum(len(m["eligible"]) for m in matched.values())
    # Each policy reaches a share of its eligible enterprises (20–100 %), scaled towards the target.
    shares = {p.pk: rng.uniform(0.4, 1.0) for p in policies}
    planned = sum(shares[p] * len(matched[p]["eligible"]) for p in shares)
    scale = min(1 / max(shares.values()), 0.95 * target / planned) if planned else 1
    pairs: list[tuple[int, int, str]] = []
    for policy in policies:
        chosen = matched[policy.pk]["eligible"]
        take = min(len(chosen), round(shares[policy.pk] * scale * len(chosen)))
        pairs += [(policy.pk, e, "") for e in rng.sample(chosen, take)]
    # Then the possibly eligible (a person checked), then anyone of the policy's region.
    rest = target - len(pairs)
    possible = [(p, e) for p, m in matched.items() for e in m["possible"]]
    for policy_id, enterprise_id in rng.sample(possible, min(rest, len(possible))):
        pairs.append((policy_id, enterprise_id, "经核实符合条件"))
    if len(pairs) < target:
        # Others of the policy's region, told with a reason (a person knew better than the rule).
        from zhuqi.core.scoping import region_prefix

        taken = {(p, e) for p, e, _ in pairs}
        under: dict[str, list[int]] = {}
        for enterprise_id, code in region_of.items():
            for length in (2, 4, 6):
                under.setdefault(code[:length], []).append(enterprise_id)
        while len(pairs) < target:
            policy = rng.choice(policies)
            enterprise_id = rng.choice(under.get(region_prefix(policy.region_id), [0]))
            if enterprise_id and (policy.pk, enterprise_id) not in taken:
                taken.add((policy.pk, enterprise_id))
                pairs.append((policy.pk, enterprise_id, "企业反映后核实"))
    print(f"{eligible_total} eligible matches; {len(pairs)} deliveries planned")
    by_pk = {p.pk: p for p in policies}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = (
        "policy_id, enterprise_id, region_id, status, channel, notified_on, applied_on, granted_on, "
        "granted_amount, refused_on, refusal_reason, off_match_reason, note, version, created_at, updated_at"
    )
    sql = f"INSERT INTO policies_delivery ({columns}) VALUES ({', '.join(['%s'] * 16)})"
    channels = ["portal", "sms", "phone", "visit", "liaison", "meeting", "other"]
    channel_weights = [40, 20, 15, 10, 8, 5, 2]

    def day(value: datetime.date | None) -> Any:
        return ops.adapt_datefield_value(value) if value else None

    batch: list[tuple[Any, ...]] = []
    written = 0
    for policy_id, enterprise_id, off_match in pairs:
        policy = by_pk[policy_id]
        automatic = policy.grant_mode == GrantMode.AUTOMATIC
        if automatic:
            status = rng.choices(["notified", "granted", "refused"], [40, 55, 5])[0]
        else:
            status = rng.choices(["notified", "applied", "granted", "refused"], [35, 20, 35, 10])[0]
        span = max(1, (TODAY - policy.published_on).days)
        notified = policy.published_on + datetime.timedelta(days=rng.randrange(0, min(span, 300)))
        applied = granted = refused = None
        amount = None
        if status != "notified" and not automatic:
            applied = min(TODAY, notified + datetime.timedelta(days=rng.randrange(1, 60)))
        after = applied or notified
        if status == "granted":
            granted = min(TODAY, after + datetime.timedelta(days=rng.randrange(5, 120)))
            cap = float(policy.amount_cap) if policy.amount_cap else 50.0
            amount = ops.adapt_decimalfield_value(Decimal(f"{rng.uniform(0.1, cap):.2f}"), 14, 2)
        elif status == "refused":
            refused = min(TODAY, after + datetime.timedelta(days=rng.randrange(5, 90)))
        batch.append(
            (
                policy_id,
                enterprise_id,
                region_of[enterprise_id],
                status,
                rng.choices(channels, channel_weights)[0],
                day(notified),
                day(applied),
                day(granted),
                amount,
                day(refused),
                "不符合申报条件" if status == "refused" else "",
                off_match,
                "",
                1,
                now,
                now,
            )
        )
        if len(batch) >= 10_000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            written += len(batch)
            batch.clear()
            print(f"{written}/{len(pairs)}", end="\r", flush=True)
    if batch:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        written += len(batch)
    vacuum("policies_delivery")
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
    print(f"{written} deliveries in {time.perf_counter() - started:.0f} s: {counts}")
    print(f"eligible matches {PolicyMatch.objects.filter(status=MatchStatus.ELIGIBLE).count()}")


def command_generate(args: argparse.Namespace) -> None:
    setup()
    print(f"{database_label()}; {machine()}; at {revision()}; {load()}")
    started = time.perf_counter()
    generate_enterprises(args.enterprises)
    generate_qualifications()
    generate_policies(args.policies)
    generate_matches()
    generate_deliveries(args.deliveries)
    print(f"generate: {time.perf_counter() - started:.0f} s")
    command_size(args, set_up=False)


# --- sizes -------------------------------------------------------------------------------------

TABLES = [
    "enterprises_enterprise",
    "enterprises_qualification",
    "policies_policy",
    "policies_policymatch",
    "policies_delivery",
]


def table_sizes() -> dict[str, tuple[int, int]]:
    """Bytes of each table and of its indexes."""
    from django.db import connection

    sizes: dict[str, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            if is_postgres():
                cursor.execute("SELECT pg_table_size(%s), pg_indexes_size(%s)", [table, table])
                data, indexes = cursor.fetchone()
            else:
                cursor.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = %s", [table])
                data = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)",
                    [table],
                )
                indexes = cursor.fetchone()[0]
            sizes[table] = (data, indexes)
    return sizes


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return cursor.fetchone()[0]


def command_size(args: argparse.Namespace, set_up: bool = True) -> None:
    if set_up:
        setup(migrate=False)
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    mib = 2**20
    added = 0
    for table, (data, indexes) in table_sizes().items():
        if table != "enterprises_enterprise":
            added += data + indexes
        print(
            f"{table:28} {counts[table]:>10,} rows  table {data / mib:8.1f} MiB  "
            f"indexes {indexes / mib:8.1f} MiB"
            f"  {(data + indexes) / max(counts[table], 1):6.0f} B/row"
        )
    print(
        f"added by the policies (qualifications, policies, matches, deliveries): {added / mib:.1f} MiB; "
        f"database {database_bytes() / mib:.1f} MiB"
    )


# --- 1: the full re-match ----------------------------------------------------------------------


def sample_ids(count: int, seed: int) -> list[int]:
    from zhuqi.enterprises.models import Enterprise

    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    return sorted(random.Random(seed).sample(ids, count))


def force_region_index() -> None:
    """The experiment `--variant indexed` (SQLite): each policy's INSERT … SELECT told to read the
    enterprises through the region index (INDEXED BY), as a change to matching.py could say it."""
    from django.db.backends import utils

    execute = utils.CursorWrapper.execute

    def patched(self: Any, sql: str, params: Any = None) -> Any:
        if sql.startswith('INSERT INTO "policies_policymatch"'):
            sql = sql.replace(
                'FROM "enterprises_enterprise" WHERE',
                'FROM "enterprises_enterprise" INDEXED BY enterprise_region_name_idx WHERE',
                1,
            )
        return execute(self, sql, params)

    utils.CursorWrapper.execute = patched  # type: ignore[method-assign]


def rematch_difference(today: datetime.date) -> int:
    """`--variant diff`: what rematch_all would cost writing only what changed. Per policy, the
    same candidates as matching.rematch_policy; the matches no longer found are deleted, the new or
    changed ones upserted (INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE the status differs), in one
    transaction a policy. On SQLite the region index is named (INDEXED BY). Rows written."""
    from django.db import connection, transaction
    from django.db.models import Case, CharField, Value, When

    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.enterprises.models import Enterprise
    from zhuqi.policies.matching import MATCHED_STATUSES
    from zhuqi.policies.models import MatchStatus, Policy
    from zhuqi.policies.rules import rule_q

    def hinted(sql: str) -> str:
        if connection.vendor != "sqlite":
            return sql
        return sql.replace(
            'FROM "enterprises_enterprise" WHERE',
            'FROM "enterprises_enterprise" INDEXED BY enterprise_region_name_idx WHERE',
            1,
        )

    written = 0
    for policy in Policy.objects.filter(status__in=MATCHED_STATUSES).order_by("pk"):
        passes, possible = rule_q(policy.rule, today)
        found = (
            Enterprise.objects.filter(region_subtree_q("region_id", policy.region_id))
            .filter(possible)
            .order_by()
        )
        rows = found.annotate(
            match_policy=Value(policy.pk),
            match_status=Case(
                When(passes, then=Value(MatchStatus.ELIGIBLE.value)),
                default=Value(MatchStatus.POSSIBLE.value),
                output_field=CharField(),
            ),
        ).values_list("match_policy", "pk", "match_status")
        select, params = rows.query.sql_with_params()
        ids, id_params = found.values("pk").query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM policies_policymatch WHERE policy_id = %s "
                f"AND enterprise_id NOT IN ({hinted(ids)})",
                [policy.pk, *id_params],
            )
            written += max(cursor.rowcount, 0)
            cursor.execute(
                f"INSERT INTO policies_policymatch (policy_id, enterprise_id, status) {hinted(select)} "
                "ON CONFLICT (policy_id, enterprise_id) DO UPDATE SET status = excluded.status "
                "WHERE policies_policymatch.status <> excluded.status",
                params,
            )
            written += max(cursor.rowcount, 0)
        Policy.objects.filter(pk=policy.pk).update(matched_at=timezone_now())
    return written


def timezone_now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def child_rematch(kind: str, sample: int) -> dict[str, Any]:
    setup(migrate=False)
    variant = os.environ.get("POLICIES_BENCH_VARIANT", "").split(",")
    if "indexed" in variant:
        force_region_index()
    if "cache" in variant or "mmap" in variant:
        from django.db import connection

        with connection.cursor() as cursor:
            # SQLite's page cache is 2 MiB by default: every other page read is a pread().
            if "cache" in variant:
                cursor.execute("PRAGMA cache_size=-131072")
            if "mmap" in variant:
                cursor.execute("PRAGMA mmap_size=1073741824")
    from django.db.models import Count

    from zhuqi.enterprises.models import Enterprise
    from zhuqi.policies import matching
    from zhuqi.policies.models import PolicyMatch

    total = Enterprise.objects.count()
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if kind == "ours":
        started, cpu = time.perf_counter(), time.process_time()
        written = rematch_difference(TODAY) if "diff" in variant else matching.rematch_all(today=TODAY)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = dict(PolicyMatch.objects.values_list("status").annotate(n=Count("pk")).order_by())
        return {
            "seconds": seconds,
            "cpu": cpu,
            "written": written,
            "counts": counts,
            "rss_before_mib": before_kib / 1024,
        }
    ids = sample_ids(sample, 7)
    matches = PolicyMatch.objects.filter(enterprise_id__in=ids)
    saved = set(matches.values_list("policy_id", "enterprise_id", "status"))
    # As rematch_all does, every match is written anew: the sample's are deleted first (not timed).
    matches.delete()
    started, cpu = time.perf_counter(), time.process_time()
    for enterprise_id in ids:
        matching.rematch_enterprise(enterprise_id, today=TODAY)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = set(
        PolicyMatch.objects.filter(enterprise_id__in=ids).values_list("policy_id", "enterprise_id", "status")
    )
    return {
        "seconds": seconds,
        "cpu": cpu,
        "extrapolated": seconds * total / len(ids),
        "cpu_extrapolated": cpu * total / len(ids),
        "per_enterprise_ms": seconds / len(ids) * 1000,
        "written": len(after),
        "same_as_set_wise": saved == after,
        "rss_before_mib": before_kib / 1024,
    }


def run_child(arguments: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """The child's JSON line, with its peak RSS (wait4) in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, __file__, *arguments], stdout=out, stderr=err, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(child.pid, 0)
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"{arguments} failed:\n{err.read().decode()[-4000:]}")
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    return result


def analysed_copy() -> Path:
    """`--variant analyze` (SQLite): a copy of the database with ANALYZE's statistics, so the
    planner knows a size class or an industry is no narrower than a province; ZHUQI_BENCH_OUT for it.
    Made once: delete bench/out/analyzed to copy the database again."""
    import shutil
    import sqlite3

    from django.conf import settings

    source = Path(settings.DATABASES["default"]["NAME"])
    out = source.parent.parent / "analyzed"
    target = out / source.parent.name / source.name
    if not target.exists():
        with sqlite3.connect(source) as database:
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        started = time.perf_counter()
        with sqlite3.connect(target) as database:
            database.execute("ANALYZE")
        print(f"ANALYZE of a copy: {time.perf_counter() - started:.1f} s")
    return out


def command_rematch(args: argparse.Namespace) -> None:
    setup()
    print(f"{database_label()}; {machine()}; at {revision()}; variant {args.variant or 'none'}")
    env: dict[str, str] = {}
    variant = (args.variant or "").split(",")
    env["POLICIES_BENCH_VARIANT"] = args.variant or ""
    if "analyze" in variant:
        env["ZHUQI_BENCH_OUT"] = str(analysed_copy())
    kinds = ["ours"] if args.no_reference else ["ours", "naive"]
    ours: list[dict[str, Any]] = []
    naive: list[dict[str, Any]] = []
    for run in range(args.runs):
        order = kinds if run % 2 == 0 else kinds[::-1]
        for kind in order:
            # Each run deletes and rewrites the matches: on PostgreSQL, the vacuum autovacuum would
            # give them in between (it is off on the bench server), not timed.
            vacuum("policies_policymatch")
            started_load = load()
            result = run_child(["_rematch", kind, "--sample", str(args.sample)], env)
            if kind == "ours":
                ours.append(result)
                print(
                    f"run {run + 1} rematch_all: {result['seconds']:.1f} s ({result['cpu']:.1f} CPU s), "
                    f"{result['written']:,} rows written, matches {result['counts']}, "
                    f"peak RSS {result['peak_rss_mib']:.0f} MiB "
                    f"(after set-up {result['rss_before_mib']:.0f}); {started_load}",
                    flush=True,
                )
            else:
                naive.append(result)
                print(
                    f"run {run + 1} rematch_enterprise × {args.sample}: {result['seconds']:.1f} s "
                    f"({result['per_enterprise_ms']:.1f} ms each, {result['cpu']:.1f} CPU s) → "
                    f"{result['extrapolated']:.0f} s for all; {result['written']} matches, same as "
                    f"set-wise: {result['same_as_set_wise']}; peak RSS {result['peak_rss_mib']:.0f} MiB; "
                    f"{started_load}",
                    flush=True,
                )
    if not naive:
        seconds = [o["seconds"] for o in ours]
        print(
            f"median rematch_all {median(seconds):.1f} s (runs {', '.join(f'{v:.1f}' for v in seconds)}), "
            f"peak RSS {median([o['peak_rss_mib'] for o in ours]):.0f} MiB"
        )
        return
    ratios = [n["extrapolated"] / o["seconds"] for o, n in zip(ours, naive, strict=True)]
    cpu_ratios = [n["cpu_extrapolated"] / o["cpu"] for o, n in zip(ours, naive, strict=True)]
    print(
        f"median rematch_all {median([o['seconds'] for o in ours]):.1f} s, peak RSS "
        f"{median([o['peak_rss_mib'] for o in ours]):.0f} MiB; one at a time (extrapolated) "
        f"{median([n['extrapolated'] for n in naive]):.0f} s; ratio {median(ratios):.1f}× "
        f"(runs {', '.join(f'{r:.1f}' for r in ratios)}), by CPU {median(cpu_ratios):.1f}×"
    )


# --- 2 and 3: one enterprise ---------------------------------------------------------------------


def bare_matches(request: Any, enterprise_id: int) -> Any:
    """The reference: the enterprise's PolicyMatch rows as JSON, no reasons."""
    from django.http import HttpResponse, JsonResponse

    from zhuqi.policies.models import PolicyMatch

    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    rows = list(PolicyMatch.objects.filter(enterprise_id=enterprise_id).values("policy_id", "status"))
    return JsonResponse(rows, safe=False)


def install_bare_view() -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("policies_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare-matches/<int:enterprise_id>", bare_matches),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()


def user(key: str) -> Any:
    from zhuqi.directory.models import User

    return User.objects.get(username=USERS[key])


def ms(call: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds of one call, and its result."""
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def command_enterprise(args: argparse.Namespace) -> None:
    setup()
    from django.test import Client

    from zhuqi.enterprises.models import Enterprise, Qualification
    from zhuqi.enterprises.services import size_class_of
    from zhuqi.policies import matching, selectors

    install_bare_view()
    admin = user("admin")
    client = Client()
    client.force_login(admin)
    ids = sample_ids(args.count, 11)
    print(f"{database_label()}; {machine()}; at {revision()}; {len(ids)} enterprises, {args.runs} runs")

    def api(enterprise_id: int) -> int:
        response = client.get(f"/api/v1/enterprises/{enterprise_id}/policies")
        assert response.status_code == 200, response.content[:300]
        return len(response.json())

    def bare(enterprise_id: int) -> int:
        response = client.get(f"/bench/bare-matches/{enterprise_id}")
        assert response.status_code == 200, response.content[:300]
        return len(response.json())

    def direct(enterprise_id: int) -> int:
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        return len(selectors.enterprise_policies(user=admin, enterprise=enterprise))

    # --experiment: the same request with two changes a fix could make, swapped in around the call:
    # industry and region names read once (rules.value_label cached: each industry or region value
    # of a condition was a query, in the checks and again in the rule's text), and the enterprise's
    # deliveries read with their policy, enterprise and region (delivery_json read each apart).
    from zhuqi.policies import rules
    from zhuqi.policies.models import Delivery

    plain_label = rules.value_label
    cached_label = functools.lru_cache(maxsize=None)(plain_label)

    class JoinedDeliveries:
        class objects:  # stands in for the model's manager
            @staticmethod
            def filter(**kwargs: Any) -> Any:
                return Delivery.objects.filter(**kwargs).select_related("policy", "enterprise", "region")

    def api_fixed(enterprise_id: int) -> int:
        rules.value_label, selectors.Delivery = cached_label, JoinedDeliveries  # type: ignore[assignment]
        try:
            return api(enterprise_id)
        finally:
            rules.value_label, selectors.Delivery = plain_label, Delivery  # type: ignore[assignment]

    arms = [("api", api), ("selector", direct), ("bare", bare)]
    if args.experiment:
        arms.insert(1, ("api-fixed", api_fixed))
    for enterprise_id in ids[:20]:  # warm-up
        for _, call in arms:
            call(enterprise_id)
    runs: dict[str, list[list[float]]] = {name: [] for name, _ in arms}
    shown: list[int] = []
    for run in range(args.runs):
        timings: dict[str, list[float]] = {name: [] for name in runs}
        for index, enterprise_id in enumerate(ids):
            order = list(arms)
            if index % 2:
                order.reverse()
            for name, call in order:
                took, count = ms(call, enterprise_id)
                timings[name].append(took)
                if name == "api" and run == 0:
                    shown.append(count)
        for name, values in timings.items():
            runs[name].append(values)
        print(
            f"run {run + 1}: "
            + "; ".join(
                f"{name} p50 {median(v):.1f} p95 {percentile(v, 0.95):.1f} ms" for name, v in timings.items()
            )
            + f"; {load()}",
            flush=True,
        )
    print(f"policies shown an enterprise: mean {sum(shown) / len(shown):.1f}, max {max(shown)}")
    for name, values in runs.items():
        print(
            f"  {name:9} p50 {median([median(v) for v in values]):6.1f} ms  "
            f"p95 {median([percentile(v, 0.95) for v in values]):6.1f} ms (medians of {args.runs} runs)"
        )
    if args.experiment:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for name, call in arms[:2]:
            counts = []
            for enterprise_id in ids:
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as captured:
                    call(enterprise_id)
                counts.append(len(captured.captured_queries))
            print(f"  {name}: queries a request mean {sum(counts) / len(counts):.1f}, max {max(counts)}")
    for name in [n for n in runs if n != "bare"]:
        p50 = [median(a) / median(b) for a, b in zip(runs[name], runs["bare"], strict=True)]
        p95 = [
            percentile(a, 0.95) / percentile(b, 0.95) for a, b in zip(runs[name], runs["bare"], strict=True)
        ]
        print(f"  {name} / bare: p50 {median(p50):.1f}×, p95 {median(p95):.1f}×")

    # 3: one enterprise changes (as enterprise_update would leave it: facts and size class), then
    # its re-match; put back afterwards, re-matched again, untimed.
    changes = ["employees", "revenue", "founded_on", "qualification", "above_scale"]
    rematch_runs: list[list[float]] = []
    written: list[int] = []
    for run in range(args.runs):
        timings = []
        for index, enterprise_id in enumerate(ids):
            enterprise = Enterprise.objects.get(pk=enterprise_id)
            original = {
                f: getattr(enterprise, f)
                for f in (
                    "employees",
                    "revenue",
                    "total_assets",
                    "founded_on",
                    "above_scale",
                    "size_class",
                    "size_basis",
                )
            }
            change = changes[(index + run) % len(changes)]
            values: dict[str, Any] = {}
            added = None
            if change == "employees":
                values["employees"] = (enterprise.employees or 40) * 4
            elif change == "revenue":
                values["revenue"] = None if enterprise.revenue is not None else Decimal(3000)
                values["above_scale"] = values["revenue"] is not None
            elif change == "founded_on":
                values["founded_on"] = None if enterprise.founded_on else TODAY - datetime.timedelta(days=400)
            elif change == "above_scale":
                values["above_scale"] = not enterprise.above_scale
            else:
                kind = (
                    "high_tech"
                    if not enterprise.qualifications.filter(kind="high_tech").exists()
                    else "gazelle"
                )
                added = Qualification.objects.bulk_create(
                    [Qualification(enterprise_id=enterprise_id, kind=kind, recognised_on=TODAY)]
                )[0]
            if values:
                merged = {**original, **values}
                values["size_class"], values["size_basis"] = size_class_of(
                    enterprise.industry_id, merged["employees"], merged["revenue"], merged["total_assets"]
                )
                Enterprise.objects.filter(pk=enterprise_id).update(**values)
            took, count = ms(matching.rematch_enterprise, enterprise_id)
            timings.append(took)
            written.append(count)
            if values:
                Enterprise.objects.filter(pk=enterprise_id).update(**original)
            if added is not None:
                Qualification.objects.filter(pk=added.pk).delete()
            matching.rematch_enterprise(enterprise_id)
        rematch_runs.append(timings)
        print(
            f"run {run + 1}: rematch_enterprise after a change p50 {median(timings):.1f} "
            f"p95 {percentile(timings, 0.95):.1f} ms; {load()}",
            flush=True,
        )
    print(
        f"  rematch_enterprise p50 {median([median(v) for v in rematch_runs]):.1f} ms  "
        f"p95 {median([percentile(v, 0.95) for v in rematch_runs]):.1f} ms; policies it matches: mean "
        f"{sum(written) / len(written):.1f}"
    )


# --- 4: figures ----------------------------------------------------------------------------------


def outer_table(sql: str) -> str:
    """The table after the statement's own FROM (not a subquery's)."""
    depth = 0
    for index, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", index):
            return sql[index + 6 :].split()[0].strip('"')
    return "?"


def command_figures(args: argparse.Namespace) -> None:
    setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.policies import figures
    from zhuqi.policies.models import Delivery

    install_bare_view()
    users = {key: user(key) for key in args.users.split(",")}
    clients = {}
    for key, who in users.items():
        clients[key] = Client()
        clients[key].force_login(who)
    print(
        f"{database_label()}; {machine()}; at {revision()}; {Delivery.objects.count():,} deliveries; "
        f"{args.runs} runs"
    )

    def bare(key: str) -> int:
        rows = Delivery.objects.all()
        if users[key].region_id:
            rows = rows.filter(region_subtree_q("region_id", users[key].region_id))
        return len(list(rows.values("policy_id").annotate(n=Count("pk")).order_by()))

    def page(key: str, group_by: str) -> int:
        response = clients[key].get("/policies/figures", {"group_by": group_by})
        assert response.status_code == 200, response.content[:300]
        return len(response.content)

    groupings = ["policy", "department", "region"]
    runs = 0 if args.explain_only else args.runs
    timings: dict[tuple[str, str, str], list[float]] = {}
    sizes: dict[tuple[str, str], int] = {}
    for run in range(runs):
        for key in users:
            took, _ = ms(bare, key)
            timings.setdefault((key, "bare", "policy"), []).append(took)
            for group_by in groupings:
                took, result = ms(figures.policy_figures, user=users[key], group_by=group_by)
                timings.setdefault((key, "figures", group_by), []).append(took)
                sizes[(key, group_by)] = len(result.rows)
                took, _ = ms(page, key, group_by)
                timings.setdefault((key, "page", group_by), []).append(took)
        print(f"run {run + 1} done; {load()}", flush=True)
    for key in users if runs else []:
        reference = median(timings[(key, "bare", "policy")])
        print(
            f"{key} ({users[key].region_id or 'all'}): "
            f"bare values('policy_id').annotate(Count) p50 {reference:.0f} ms"
        )
        for group_by in groupings:
            f = timings[(key, "figures", group_by)]
            p = timings[(key, "page", group_by)]
            print(
                f"  by {group_by:10} rows {sizes[(key, group_by)]:>4}  "
                f"policy_figures p50 {median(f):7.0f} ms "
                f"(min {min(f):.0f}, max {max(f):.0f})  page p50 {median(p):7.0f} ms  "
                f"figures / bare {median(f) / reference:.1f}×"
            )
    if args.explain:
        for key, group_by in (("admin", "policy"), ("province", "region")):
            if key not in users:
                continue
            with CaptureQueriesContext(connection) as captured:
                figures.policy_figures(user=users[key], group_by=group_by)
            for query in captured.captured_queries:
                sql = query["sql"]
                if "GROUP BY" not in sql:
                    continue
                # Timed with its rows fetched: SQLite computes them as they are read, so the
                # captured time of execute() alone says little.
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(sql)
                    rows = len(cursor.fetchall())
                    took = time.perf_counter() - started
                print(
                    f"\n== {key}, by {group_by}: aggregate over {outer_table(sql)}, "
                    f"{rows} rows in {took:.2f} s\n{sql[:600]}"
                )
                print_plan(sql)
        reach_by_join(max(args.runs, 3))


REACH_BY_JOIN = (
    "SELECT m.policy_id, count(*), count(d.id) FROM policies_policymatch m "
    "LEFT JOIN policies_delivery d ON d.policy_id = m.policy_id AND d.enterprise_id = m.enterprise_id "
    "WHERE m.status = 'eligible' AND m.policy_id IN (SELECT id FROM policies_policy) GROUP BY 1"
)


def reach_by_join(runs: int) -> None:
    """The admin's eligible and reached per policy as one LEFT JOIN (no EXISTS a match, no filter on
    every enterprise), to compare with the match aggregate above."""
    from django.db import connection

    timings = []
    for _ in range(runs):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(REACH_BY_JOIN)
            rows = cursor.fetchall()
            timings.append(time.perf_counter() - started)
    print(
        f"\n== experiment: eligible and reached by a LEFT JOIN, all policies: {len(rows)} rows, p50 "
        f"{median(timings):.2f} s ({', '.join(f'{t:.2f}' for t in timings)}); eligible "
        f"{sum(r[1] for r in rows)}, reached {sum(r[2] for r in rows)}\n{REACH_BY_JOIN}"
    )
    print_plan(REACH_BY_JOIN)


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate")
    generate.add_argument("--enterprises", type=int, default=ENTERPRISES)
    generate.add_argument("--policies", type=int, default=POLICIES)
    generate.add_argument("--deliveries", type=int, default=DELIVERIES)
    rematch = commands.add_parser("rematch")
    rematch.add_argument("--runs", type=int, default=3)
    rematch.add_argument("--sample", type=int, default=2000)
    rematch.add_argument(
        "--variant",
        help="SQLite experiments, comma-separated: indexed, analyze, cache (128 MiB), mmap (1 GiB)",
    )
    rematch.add_argument("--no-reference", action="store_true", help="rematch_all only")
    enterprise = commands.add_parser("enterprise")
    enterprise.add_argument("--runs", type=int, default=3)
    enterprise.add_argument("--count", type=int, default=200)
    enterprise.add_argument(
        "--experiment", action="store_true", help="also the API with labels cached, deliveries joined"
    )
    figures = commands.add_parser("figures")
    figures.add_argument("--runs", type=int, default=5)
    figures.add_argument("--users", default="admin,province,prefecture")
    figures.add_argument("--explain", action=argparse.BooleanOptionalAction, default=True)
    figures.add_argument("--explain-only", action="store_true", help="the plans and the join experiment only")
    commands.add_parser("size")
    child = commands.add_parser("_rematch")
    child.add_argument("kind", choices=["ours", "naive"])
    child.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    if args.command == "_rematch":
        print(json.dumps(child_rematch(args.kind, args.sample)))
        return
    {
        "generate": command_generate,
        "rematch": command_rematch,
        "enterprise": command_enterprise,
        "figures": command_figures,
        "size": command_size,
    }[args.command](args)


if __name__ == "__main__":
    main()
