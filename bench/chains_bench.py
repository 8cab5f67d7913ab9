"""Industrial chains (issue 20) at scale: 16 chains with 5,000 members and 50,000 customer and
supplier links over a province's registry — one chain's panorama and the all-chains comparison,
each against the bare view a developer would otherwise write, interleaved in the same process.

    python bench/chains_bench.py generate             # once per database; each phase skips when done
    python bench/chains_bench.py measure --runs 40    # p50/p95 of ours and the reference; queries; EXPLAIN
    createdb -h 127.0.0.1 -U root chains_bench
    DATABASE_URL=postgres://root@127.0.0.1:5432/chains_bench python bench/chains_bench.py generate

Into DATABASE_URL, or a SQLite file under bench/out/chains-sqlite/ (ZHUQI_BENCH_OUT moves it).

What `generate` writes:

- 200,000 enterprises (--enterprises) from bench/generate.py's rows, all in 内蒙古's counties (a
  province's registry; 包头, the city the benchmark reads as, has ~1/10 of them). The rows are
  computed once and kept in bench/out/chains-enterprises-<n>.pickle, so the second database gets
  the same ones without recomputing names and pinyin.
- 16 chains through chains.services.chain_load from the shipped templates (src/zhuqi/chains/
  data/*.yaml): 9 of 包头 (150200), 4 of the province (150000), 3 of 包头's districts — the city's
  coordinator sees all 16 (its own, those above, those below). Each chain has a weak-output line,
  so some segments are gaps by output and some by being empty.
- 5,000 members (bulk-written), from 1,000 in 包头's 光伏装备 down to 50, over each chain's
  segments with skewed weights (about one segment in seven left empty); enterprises from the
  chain's region (for the province's chains, the whole province: 包头's reader sees a tenth of
  them); 1–3 链主, ~6 % 龙头, ~35 % 配套; output value lognormal, blank for 8 %; 5 % of the
  enterprises also in a second segment of the same chain.
- 50,000 links, ~10 a member: 55 % member to member, 20 % from an outside supplier (half of them
  registry enterprises of the province that are not members, half only named, names repeating),
  25 % to an outside customer likewise.
- Per chain, in proportion to its members: key projects (20–200, stages as bench/
  generate_projects.py draws them, some started this year), agreements (10–100, most signed this
  year, 40 % with funds in place this year) and investment targets (10–100, on the gap segments
  mostly, every status). No cases: the comparison's open/late case columns run their two queries
  over an empty table.
- Users: bench-chains-admin, and bench-chains-city (营商办/专班 of 包头, 150200), whom `measure`
  reads as.

`measure`: for the largest chain and the median one (by members), panorama_data without and
with links, and /chains/<id>/panorama.json (with ?links=1) through the test client; then the
comparison page /chains/ and comparison.chain_rows. Reference arms, interleaved in the same loop
(the order turned round every run): `bare_panorama` (segments, then members and links with
select_related, serialised in plain loops) as a function and as a view; `bare_comparison` (per
chain: aggregate queries in a loop, rendered as an HTML table) as a function and as a view.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pickle
import random
import sys
import time
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, database_label, machine, median, percentile, print_plan, revision, setup_django

SQLITE = "chains-sqlite"
PROVINCE = "150000"
CITY = "150200"
ENTERPRISES = 200_000
BATCH = 5000
ADMIN = "bench-chains-admin"
READER = "bench-chains-city"
# (template stem, region, members): 5,000 in all.
CHAINS = [
    ("photovoltaics", CITY, 1000),
    ("rare-earths", CITY, 700),
    ("aluminium", CITY, 550),
    ("coal-chemicals", PROVINCE, 450),
    ("wind-power", CITY, 380),
    ("hydrogen", CITY, 320),
    ("biomedicine", CITY, 280),
    ("dairy", PROVINCE, 250),
    ("coal-chemicals", CITY, 220),
    ("ecological-grass", PROVINCE, 200),
    ("dairy", CITY, 170),
    ("wind-power", PROVINCE, 150),
    ("rare-earths", "150206", 120),  # 白云鄂博矿区
    ("aluminium", "150202", 90),  # 东河区
    ("photovoltaics", "150207", 70),  # 九原区
    ("hydrogen", "150221", 50),  # 土默特右旗
]
LINKS = 50_000
PRODUCTS = {
    "photovoltaics": [
        "工业硅",
        "多晶硅料",
        "单晶硅片",
        "电池片",
        "光伏组件",
        "光伏玻璃",
        "银浆",
        "EVA胶膜",
        "逆变器",
    ],
    "rare-earths": ["稀土精矿", "氧化镨钕", "金属镨钕", "钕铁硼磁材", "抛光粉", "储氢合金"],
    "aluminium": ["氧化铝", "电解铝液", "铝锭", "铝合金棒", "铝板带箔", "预焙阳极"],
    "coal-chemicals": ["原煤", "甲醇", "聚乙烯", "聚丙烯", "乙二醇", "焦炭", "合成氨"],
    "wind-power": ["叶片", "塔筒", "发电机", "齿轮箱", "轴承", "整机", "法兰"],
    "hydrogen": ["绿电", "电解槽", "氢气", "储氢瓶", "燃料电池电堆", "加氢站设备"],
    "biomedicine": ["发酵原料", "原料药", "中间体", "制剂", "蒙中药材", "包装材料"],
    "dairy": ["青贮饲料", "生鲜乳", "液态奶", "奶粉", "奶酪", "包装材料"],
    "ecological-grass": ["草种", "苗木", "饲草", "有机肥", "生态修复工程"],
}
UNITS = ["吨", "万吨", "套", "台", "万片", "兆瓦", "万元"]


def setup(migrate: bool = True) -> None:
    setup_django(SQLITE, migrate=migrate)


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f}"


def vacuum() -> None:
    from django.db import connection

    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- generate ------------------------------------------------------------------------------------


FIELDS = [
    *("uscc", "name", "industry_id", "employees", "revenue", "total_assets", "region_id", "address"),
    *("contacts", "above_scale", "search_text", "size_class", "size_basis"),
]


def enterprise_rows(count: int) -> list[dict[str, Any]]:
    """The registry's rows as field values, computed once (names, pinyin search words, size
    class) and kept in a pickle beside the databases."""
    from generate import enterprise_of, rows

    from zhuqi.directory.models import Region

    path = OUT / f"chains-enterprises-{count}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    counties = list(
        Region.objects.filter(level="county", code__startswith=PROVINCE[:2])
        .exclude(name="市辖区")
        .values_list("code", "name")
    )
    made = []
    for row in rows(count, seed=20, counties=counties):
        enterprise = enterprise_of(row)
        made.append({field: getattr(enterprise, field) for field in FIELDS})
    with path.open("wb") as handle:
        pickle.dump(made, handle)
    return made


def generate_enterprises(count: int) -> None:
    from zhuqi.enterprises.models import Enterprise

    existing = Enterprise.objects.count()
    if existing >= count:
        print(f"already {existing} enterprises")
        return
    started = time.perf_counter()
    values = enterprise_rows(count)
    print(f"rows ready in {time.perf_counter() - started:.0f} s", flush=True)
    for offset in range(existing, count, BATCH):
        Enterprise.objects.bulk_create([Enterprise(**row) for row in values[offset : offset + BATCH]])
        print(f"{offset + BATCH}/{count}", end="\r", flush=True)
    print(f"{Enterprise.objects.count()} enterprises in {time.perf_counter() - started:.0f} s")


def ensure_users() -> tuple[Any, Any]:
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import User

    made = []
    for username, role, region in ((ADMIN, Role.ADMIN, None), (READER, Role.COORDINATOR, CITY)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, region_id=region)
            user.set_unusable_password()
            user.save()
        made.append(user)
    return made[0], made[1]


def generate_chains() -> None:
    from zhuqi.chains import services
    from zhuqi.chains.loading import read_template, shipped_template
    from zhuqi.chains.models import Chain

    admin, _ = ensure_users()
    if Chain.objects.count() >= len(CHAINS):
        print(f"already {Chain.objects.count()} chains")
        return
    rng = random.Random(2020)
    for position, (stem, region, _members) in enumerate(CHAINS):
        path = shipped_template(stem)
        assert path is not None, stem
        template = read_template(path.name, path.read_bytes())
        if Chain.objects.filter(region_id=region, name=template.name).exists():
            continue
        chain = services.chain_load(actor=admin, template=template, region_code=region, source="bench")
        # The weak line (万元): a segment whose members' output stays under it is a gap.
        Chain.objects.filter(pk=chain.pk).update(
            weak_output=Decimal(rng.choice([20000, 50000, 100000])), position=position
        )
    print(f"{Chain.objects.count()} chains, {sum(c.segments.count() for c in Chain.objects.all())} segments")


def chains_in_order() -> list[tuple[Any, str, int]]:
    """(chain, template stem, members wanted) in CHAINS' order."""
    from zhuqi.chains.loading import read_template, shipped_template
    from zhuqi.chains.models import Chain

    out = []
    for stem, region, members in CHAINS:
        path = shipped_template(stem)
        assert path is not None
        name = read_template(path.name, path.read_bytes()).name
        out.append((Chain.objects.get(region_id=region, name=name), stem, members))
    return out


def generate_members() -> None:
    from zhuqi.chains.models import Member, Role, Segment
    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.enterprises.models import Enterprise

    if Member.objects.exists():
        print(f"already {Member.objects.count()} members")
        return
    started = time.perf_counter()
    rng = random.Random(5000)
    pools: dict[str, list[int]] = {}
    made: list[Member] = []
    for chain, stem, wanted in chains_in_order():
        if chain.region_id not in pools:
            pools[chain.region_id] = list(
                Enterprise.objects.filter(region_subtree_q("region_id", chain.region_id))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        pool = pools[chain.region_id]
        segments = list(Segment.objects.filter(chain=chain).order_by("position", "pk"))
        weights = [0.0 if rng.random() < 0.15 else rng.lognormvariate(0, 0.9) for _ in segments]
        if not any(weights):
            weights[0] = 1.0
        placed: set[tuple[int, int]] = set()
        first = wanted - round(wanted * 0.05)
        enterprises = rng.sample(pool, first)
        # 5 % of the enterprises again, in a second segment of the chain.
        enterprises += rng.sample(enterprises, wanted - first)
        for index, enterprise_id in enumerate(enterprises):
            while True:
                segment = rng.choices(segments, weights)[0]
                if (segment.pk, enterprise_id) not in placed:
                    break
            placed.add((segment.pk, enterprise_id))
            if index < rng.randint(1, 3):
                role, scale = Role.OWNER, 12.0
            elif rng.random() < 0.06:
                role, scale = Role.LEADING, 10.0
            elif rng.random() < 0.37:
                role, scale = Role.SUPPORTING, 8.0
            else:
                role, scale = Role.OTHER, 7.0
            output = None if rng.random() < 0.08 else Decimal(f"{rng.lognormvariate(scale, 1.2):.2f}")
            made.append(
                Member(
                    chain=chain,
                    segment=segment,
                    enterprise_id=enterprise_id,
                    role=role,
                    output_value=output,  # type: ignore[misc]  # null=True, through core.models.money()
                    output_year=2025 if output is not None else None,
                    products=rng.choice(PRODUCTS[stem]),
                )
            )
    Member.objects.bulk_create(made, batch_size=BATCH)
    print(f"{len(made)} members in {time.perf_counter() - started:.0f} s")


def generate_links(total: int) -> None:
    from zhuqi.chains.models import Link, Member
    from zhuqi.core.scoping import region_subtree_q
    from zhuqi.enterprises.models import Enterprise

    if Link.objects.exists():
        print(f"already {Link.objects.count()} links")
        return
    started = time.perf_counter()
    rng = random.Random(50000)
    province = list(
        Enterprise.objects.filter(region_subtree_q("region_id", PROVINCE))
        .order_by("pk")
        .values_list("pk", "name", "uscc")
    )
    names = {pk: (name, uscc) for pk, name, uscc in province}
    from zhuqi.core.validators import make_uscc

    made: list[Link] = []
    members_total = Member.objects.count()
    for chain, stem, _wanted in chains_in_order():
        ours = sorted(set(Member.objects.filter(chain=chain).values_list("enterprise_id", flat=True)))
        count = round(total * Member.objects.filter(chain=chain).count() / members_total)
        # Outside ends repeat: a pool about half the members' number, registry or named only.
        outside: list[tuple[int | None, str, str]] = []
        for serial in range(max(10, len(ours) // 2)):
            if rng.random() < 0.5:
                pk, name, uscc = rng.choice(province)
                outside.append((pk, name, uscc))
            else:
                city = rng.choice(["江苏", "浙江", "广东", "山东", "河北", "陕西", "宁夏", "新疆"])
                uscc = make_uscc(rng.choice(["320500", "330100", "440300", "370200"]), 900_000 + serial)
                outside.append(
                    (None, f"{city}{rng.choice(PRODUCTS[stem])}有限公司{chain.pk}{serial:04d}", uscc)
                )
        s: tuple[int | None, str, str]
        c: tuple[int | None, str, str]
        for _ in range(count):
            kind = rng.random()
            if kind < 0.55:
                supplier, customer = rng.sample(ours, 2)
                s = (supplier, *names[supplier])
                c = (customer, *names[customer])
            elif kind < 0.75:
                s = rng.choice(outside)
                customer = rng.choice(ours)
                c = (customer, *names[customer])
            else:
                supplier = rng.choice(ours)
                s = (supplier, *names[supplier])
                c = rng.choice(outside)
            if s[0] is not None and s[0] == c[0]:
                continue
            made.append(
                Link(
                    chain=chain,
                    supplier_id=s[0],
                    supplier_name=s[1],
                    supplier_uscc=s[2] or "",
                    customer_id=c[0],
                    customer_name=c[1],
                    customer_uscc=c[2] or "",
                    product=rng.choice(PRODUCTS[stem]),
                    annual_volume=Decimal(f"{rng.lognormvariate(6, 1.5):.2f}")
                    if rng.random() < 0.8
                    else None,
                    volume_unit=rng.choice(UNITS),
                )
            )
    Link.objects.bulk_create(made, batch_size=BATCH)
    print(f"{len(made)} links in {time.perf_counter() - started:.0f} s")


def generate_columns() -> None:
    """Projects, agreements (with funds in place) and investment targets per chain: the work of
    the columns the projects and investment apps register."""
    from django.utils import timezone

    from zhuqi.chains.models import Member, Segment
    from zhuqi.directory.models import Department, Region
    from zhuqi.investment.models import Agreement, FundsInPlace, Target
    from zhuqi.projects.models import Project

    if Project.objects.exists():
        print(f"already {Project.objects.count()} projects")
        return
    started = time.perf_counter()
    rng = random.Random(2026)
    year = timezone.localdate().year
    now = timezone.now()
    counties = {
        code: list(
            Region.objects.filter(parent_id=code).exclude(name="市辖区").values_list("code", flat=True)
        )
        for code in (PROVINCE, CITY)
    }
    tally = {"projects": 0, "agreements": 0, "funds": 0, "targets": 0}
    stages = ["planned", "preparing", "started", "completed", "producing", "suspended", "cancelled"]
    for chain, _stem, wanted in chains_in_order():
        region = Region.objects.get(pk=chain.region_id)
        department, _ = Department.objects.get_or_create(region=region, name=f"{region.name}投资促进局")
        places = counties.get(chain.region_id) or [chain.region_id]
        projects = []
        for index in range(max(20, wanted // 5)):
            stage = rng.choices(stages, [8, 12, 45, 10, 20, 3, 2])[0]
            started_on = None
            if stage not in ("planned", "preparing"):
                started_on = datetime.date(
                    rng.choice([year - 2, year - 1, year, year]), 1, 1
                ) + datetime.timedelta(days=rng.randrange(0, 330))
            total = Decimal(rng.choice([5000, 12000, 30000, 80000, 150000, 400000]))
            projects.append(
                Project(
                    code=f"{year}-{chain.pk}-{index:05d}",
                    name=f"{chain.name.removesuffix('产业链')}项目{index:04d}",
                    owner_name=f"项目单位{chain.pk}-{index:04d}",
                    region_id=rng.choice(places),
                    chain=chain,
                    category="industrial",
                    level=rng.choice(["city", "county", "provincial"]),
                    listed_year=year - rng.randint(0, 2),
                    total_investment=total,
                    investment_to_date=(total * Decimal(rng.uniform(0, 0.9))).quantize(Decimal("0.01")),
                    stage=stage,
                    started_on=started_on,
                )
            )
        Project.objects.bulk_create(projects)
        agreements = []
        for index in range(max(10, wanted // 10)):
            agreements.append(
                Agreement(
                    title=f"{chain.name}合作协议{index:04d}",
                    kind=rng.choice(["strategic", "investment", "investment", "financing"]),
                    counterparty_name=f"外地企业{chain.pk}-{index:04d}",
                    our_party_name=f"{region.name}人民政府",
                    region_id=chain.region_id,
                    signed_on=datetime.date(rng.choice([year - 1, year, year]), 1, 1)
                    + datetime.timedelta(days=rng.randrange(0, 330)),
                    amount=Decimal(rng.choice([10000, 50000, 200000, 1000000])),
                    amount_nature="planned_investment",
                    entered_unit="亿元",
                    chain=chain,
                )
            )
        Agreement.objects.bulk_create(agreements)
        funds = []
        for agreement in agreements:
            if rng.random() < 0.4:
                amount = (agreement.amount * Decimal(rng.uniform(0.05, 0.6))).quantize(Decimal("0.01"))
                on = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(0, 330))
                funds.append(FundsInPlace(agreement=agreement, on=on, amount=amount, recorded_at=now))
                agreement.funds_in_place = amount
        FundsInPlace.objects.bulk_create(funds)
        Agreement.objects.bulk_update(agreements, ["funds_in_place"])
        segments = list(Segment.objects.filter(chain=chain))
        filled = set(Member.objects.filter(chain=chain).values_list("segment_id", flat=True))
        empty = [s for s in segments if s.pk not in filled] or segments
        targets = []
        for index in range(max(10, wanted // 10)):
            status = rng.choices(
                ["identified", "contacted", "negotiating", "signed", "landed", "dropped"],
                [30, 20, 20, 12, 8, 10],
            )[0]
            targets.append(
                Target(
                    chain=chain,
                    segment=rng.choice(empty if rng.random() < 0.7 else segments),
                    name=f"目标企业{chain.pk}-{index:04d}",
                    status=status,
                    expected_investment=Decimal(rng.choice([5000, 20000, 100000])),
                    department=department,
                    agreement=rng.choice(agreements) if status == "signed" else None,
                    project=rng.choice(projects) if status == "landed" else None,
                    status_changed_at=now,
                )
            )
        Target.objects.bulk_create(targets)
        tally["projects"] += len(projects)
        tally["agreements"] += len(agreements)
        tally["funds"] += len(funds)
        tally["targets"] += len(targets)
    print(f"{tally} in {time.perf_counter() - started:.0f} s")


def command_generate(args: argparse.Namespace) -> None:
    setup()
    print(f"{database_label()}; {machine()}; at {revision()}; {load()}", flush=True)
    started = time.perf_counter()
    generate_enterprises(args.enterprises)
    generate_chains()
    generate_members()
    generate_links(args.links)
    generate_columns()
    vacuum()
    print(f"generate: {time.perf_counter() - started:.0f} s")


# --- the reference: what a developer would otherwise write -----------------------------------------


def visible_enterprise_q(user: Any, field: str) -> Any:
    from django.db.models import Q

    from zhuqi.core.scoping import region_subtree_q

    return region_subtree_q(field, user.region_id) if user.region_id else Q()


def bare_panorama_data(user: Any, chain_id: int, with_links: bool) -> dict[str, Any]:
    """The same members and links, read with select_related and serialised in plain loops; the
    layout left to the browser (no positions, no gaps computed)."""
    from django.db.models import Q

    from zhuqi.chains.models import Chain, Link, Member, Segment

    chain = Chain.objects.get(pk=chain_id)
    segments = [
        {"id": s.pk, "name": s.name, "parent": s.parent_id, "kind": s.kind}
        for s in Segment.objects.filter(chain=chain).order_by("position", "pk")
    ]
    members = []
    for member in (
        Member.objects.filter(chain=chain)
        .filter(visible_enterprise_q(user, "enterprise__region_id"))
        .select_related("enterprise", "segment")
        .order_by("segment_id", "-output_value", "pk")
    ):
        members.append(
            {
                "id": member.pk,
                "segment": member.segment.name,
                "segment_id": member.segment_id,
                "enterprise_id": member.enterprise_id,
                "name": member.enterprise.short_name or member.enterprise.name,
                "role": member.role,
                "output": float(member.output_value) if member.output_value is not None else None,
                "above_scale": member.enterprise.above_scale,
                "products": member.products,
            }
        )
    data: dict[str, Any] = {
        "chain": {"id": chain.pk, "name": chain.name},
        "segments": segments,
        "members": members,
    }
    if with_links:
        links = []
        for link in (
            Link.objects.filter(chain=chain)
            .filter(
                Q(supplier__isnull=True) | visible_enterprise_q(user, "supplier__region_id"),
                Q(customer__isnull=True) | visible_enterprise_q(user, "customer__region_id"),
            )
            .select_related("supplier", "customer")
        ):
            links.append(
                {
                    "supplier": link.supplier.name if link.supplier else link.supplier_name,
                    "supplier_id": link.supplier_id,
                    "customer": link.customer.name if link.customer else link.customer_name,
                    "customer_id": link.customer_id,
                    "product": link.product,
                    "volume": float(link.annual_volume) if link.annual_volume is not None else None,
                    "unit": link.volume_unit,
                }
            )
        data["links"] = links
    return data


def bare_comparison_rows(user: Any) -> list[dict[str, Any]]:
    """Per chain the reader sees, aggregate queries in a loop: members, output, enterprises,
    above-scale, employees, segments and gaps, open and late cases, projects (4), agreements and
    funds, targets."""
    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from zhuqi.cases.figures import late_now_q
    from zhuqi.cases.models import OPEN_STATUS_LIST, Case
    from zhuqi.chains.models import Chain, Member, Segment
    from zhuqi.core.scoping import region_and_ancestor_codes, region_subtree_q
    from zhuqi.investment.models import Agreement, FundsInPlace, Target
    from zhuqi.projects.models import Project

    now = timezone.now()
    year = timezone.localdate().year
    chains = Chain.objects.all()
    if user.region_id:
        chains = chains.filter(
            region_subtree_q("region_id", user.region_id)
            | Q(region_id__in=region_and_ancestor_codes(user.region_id))
        )
    rows = []
    for chain in chains.order_by("position", "name", "pk"):
        members = Member.objects.filter(chain=chain)
        totals = members.aggregate(n=Count("pk"), output=Sum("output_value"))
        enterprises = members.aggregate(
            n=Count("enterprise_id", distinct=True),
            above=Count("enterprise_id", distinct=True, filter=Q(enterprise__above_scale=True)),
        )
        employees = sum(
            e or 0 for _, e in members.values_list("enterprise_id", "enterprise__employees").distinct()
        )
        segments = Segment.objects.filter(chain=chain).count()
        gaps = 0
        for segment in Segment.objects.filter(chain=chain):
            sums = members.filter(segment=segment).aggregate(n=Count("pk"), output=Sum("output_value"))
            line = segment.weak_output if segment.weak_output is not None else chain.weak_output
            if not sums["n"] or (line is not None and (sums["output"] or 0) < line):
                gaps += 1
        cases = Case.objects.filter(
            status__in=OPEN_STATUS_LIST, enterprise_id__in=members.values("enterprise_id")
        ).filter(visible_enterprise_q(user, "enterprise__region_id"))
        projects = Project.objects.filter(chain=chain).filter(visible_enterprise_q(user, "region_id"))
        rows.append(
            {
                "name": chain.name,
                "members": totals["n"],
                "output": totals["output"] or Decimal(0),
                "enterprises": enterprises["n"],
                "above_scale": enterprises["above"],
                "employees": employees,
                "segments": segments,
                "gaps": gaps,
                "open_cases": cases.count(),
                "late_cases": cases.filter(late_now_q(now)).count(),
                "projects": projects.exclude(stage="cancelled").count(),
                "projects_started": projects.filter(stage__in=["started", "completed", "producing"]).count(),
                "projects_landed": projects.filter(started_on__year=year).exclude(stage="cancelled").count(),
                "investment_completed": projects.aggregate(s=Sum("investment_to_date"))["s"] or Decimal(0),
                "signed": Agreement.objects.filter(chain=chain, signed_on__year=year).aggregate(
                    s=Sum("amount")
                )["s"]
                or Decimal(0),
                "funds": FundsInPlace.objects.filter(agreement__chain=chain, on__year=year).aggregate(
                    s=Sum("amount")
                )["s"]
                or Decimal(0),
                "targets_open": Target.objects.filter(
                    chain=chain, status__in=["identified", "contacted", "negotiating"]
                ).count(),
                "targets_won": Target.objects.filter(chain=chain, status__in=["signed", "landed"]).count(),
            }
        )
    return rows


BARE_TEMPLATE = """<!doctype html><html lang="zh-Hans"><body><table>
<tr>{% for key in keys %}<th>{{ key }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for value in row.values %}<td>{{ value }}</td>{% endfor %}</tr>{% endfor %}
</table></body></html>"""


def bare_panorama_view(request: Any, chain_id: int) -> Any:
    from django.http import JsonResponse

    return JsonResponse(bare_panorama_data(request.user, chain_id, request.GET.get("links") == "1"))


def bare_comparison_view(request: Any) -> Any:
    from django.http import HttpResponse
    from django.template import engines

    rows = bare_comparison_rows(request.user)
    template = engines["django"].from_string(BARE_TEMPLATE)
    return HttpResponse(template.render({"rows": rows, "keys": list(rows[0]) if rows else []}, request))


def install_bare_views() -> None:
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("chains_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare-panorama/<int:chain_id>", login_required(bare_panorama_view)),
        path("bench/bare-comparison", login_required(bare_comparison_view)),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()


# --- measure -------------------------------------------------------------------------------------


def sql_of(query: dict[str, Any]) -> str:
    return query["sql"]


def command_measure(args: argparse.Namespace) -> None:
    setup(migrate=False)
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhuqi.chains import comparison, panorama, selectors
    from zhuqi.chains.models import Chain, Link, Member
    from zhuqi.directory.models import User
    from zhuqi.enterprises.models import Enterprise

    install_bare_views()
    reader = User.objects.get(username=READER)
    client = Client()
    client.force_login(reader)
    visible = list(selectors.chain_queryset(user=reader).order_by("pk"))
    sizes = dict(Member.objects.values_list("chain_id").annotate(n=Count("pk")).order_by())
    links = dict(Link.objects.values_list("chain_id").annotate(n=Count("pk")).order_by())
    ranked = sorted(visible, key=lambda c: (-sizes.get(c.pk, 0), c.pk))
    picked = {"largest": ranked[0], "median": ranked[len(ranked) // 2]}
    print(
        f"{database_label()}; {machine()}; at {revision()}; {load()}\n"
        f"{Enterprise.objects.count():,} enterprises, {Chain.objects.count()} chains "
        f"({len(visible)} seen by {READER}), {Member.objects.count():,} members, "
        f"{Link.objects.count():,} links; "
        f"{args.runs} runs after {args.warmup} warm-up",
        flush=True,
    )

    def panorama_call(chain: Chain, with_links: bool) -> Any:
        def call() -> int:
            fresh = selectors.chain_get(user=reader, chain_id=chain.pk)
            return len(panorama.panorama_data(user=reader, chain=fresh, with_links=with_links)["nodes"])

        return call

    def bare_call(chain: Chain, with_links: bool) -> Any:
        def call() -> int:
            data = bare_panorama_data(reader, chain.pk, with_links)
            return len(data["members"]) + len(data.get("links", []))

        return call

    def get(url: str) -> Any:
        def call() -> int:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return len(response.content)

        return call

    def rows_call() -> int:
        chains = list(selectors.chain_queryset(user=reader).order_by("position", "name", "pk"))
        return len(comparison.chain_rows(reader, chains))

    # (group, name, ours, reference)
    pairs: list[tuple[str, str, Any, Any]] = []
    for key, chain in picked.items():
        label = (
            f"{key}: {chain.name} ({chain.region_id}), {sizes.get(chain.pk, 0)} members, "
            f"{links.get(chain.pk, 0)} links"
        )
        pairs += [
            (label, "panorama_data", panorama_call(chain, False), bare_call(chain, False)),
            (label, "panorama_data(with_links)", panorama_call(chain, True), bare_call(chain, True)),
            (
                label,
                "GET panorama.json",
                get(f"/chains/{chain.pk}/panorama.json"),
                get(f"/bench/bare-panorama/{chain.pk}"),
            ),
            (
                label,
                "GET panorama.json?links=1",
                get(f"/chains/{chain.pk}/panorama.json?links=1"),
                get(f"/bench/bare-panorama/{chain.pk}?links=1"),
            ),
        ]
    label = f"comparison: {len(visible)} chains"
    pairs += [
        (label, "comparison.chain_rows", rows_call, lambda: len(bare_comparison_rows(reader))),
        (label, "GET /chains/", get("/chains/"), get("/bench/bare-comparison")),
    ]

    # Query counts and sizes, once each.
    counts: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for group, name, ours, ref in pairs:
        with CaptureQueriesContext(connection) as captured:
            ours_size = ours()
        with CaptureQueriesContext(connection) as captured_ref:
            ref_size = ref()
        counts[(group, name)] = (len(captured), len(captured_ref), ours_size, ref_size)

    for _ in range(args.warmup):
        for _group, _name, ours, ref in pairs:
            ours()
            ref()
    timings: dict[tuple[str, str, str], list[float]] = {}
    for run in range(args.runs):
        for group, name, ours, ref in pairs:
            arms = [("ours", ours), ("ref", ref)]
            for arm, call in arms if run % 2 == 0 else arms[::-1]:
                started = time.perf_counter()
                call()
                timings.setdefault((group, name, arm), []).append((time.perf_counter() - started) * 1000)
        if (run + 1) % 10 == 0:
            print(f"run {run + 1}/{args.runs}; {load()}", flush=True)

    print(
        "\n| what | ours p50 | ours p95 | ref p50 | ref p95 | ours/ref p50 | ours/ref p95 "
        "| queries ours / ref | size ours / ref |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    current = ""
    for group, name, _ours, _ref in pairs:
        if group != current:
            print(f"| **{group}** | | | | | | | | |")
            current = group
        o, r = timings[(group, name, "ours")], timings[(group, name, "ref")]
        q_ours, q_ref, s_ours, s_ref = counts[(group, name)]
        print(
            f"| {name} | {median(o):.1f} | {percentile(o, 0.95):.1f} "
            f"| {median(r):.1f} | {percentile(r, 0.95):.1f} | "
            f"{median(o) / median(r):.2f}× | {percentile(o, 0.95) / percentile(r, 0.95):.2f}× | "
            f"{q_ours} / {q_ref} | {s_ours:,} / {s_ref:,} |"
        )
    print(
        "(size: nodes for panorama_data, members + links for the bare function, bytes for a page, "
        "rows for chain_rows)"
    )
    if args.explain:
        explain(reader, picked["largest"], args.top)


def explain(reader: Any, chain: Any, top: int) -> None:
    """The heaviest queries of the largest chain's panorama with links and of the comparison page,
    each timed with its rows fetched, with the database's plan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(reader)
    for label, url in (
        ("panorama.json?links=1, largest chain", f"/chains/{chain.pk}/panorama.json?links=1"),
        ("/chains/", "/chains/"),
    ):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        measured = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            best = float("inf")
            for _ in range(3):
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(sql)
                    rows = len(cursor.fetchall())
                    best = min(best, (time.perf_counter() - started) * 1000)
            measured.append((best, rows, sql))
        measured.sort(reverse=True)
        total = sum(m[0] for m in measured)
        print(f"\n=== {label}: {len(captured)} queries, SELECTs re-run alone {total:.1f} ms in all")
        for took, rows, sql in measured[:top]:
            print(f"\n-- {took:.1f} ms, {rows} rows\n{sql[:1500]}")
            print_plan(sql)


def joined_link_queryset(*, user: Any, chain: Any = None) -> Any:
    """`experiment`: selectors.link_queryset with a region reader's scope on the joined ends
    (LEFT JOIN the supplier and the customer, their region in range) instead of `supplier_id IN
    (SELECT id FROM enterprises WHERE region …)`. Region-scoped readers only."""
    from django.db.models import Q

    from zhuqi.chains import selectors
    from zhuqi.chains.models import Link

    assert user.region_id
    links = Link.objects.filter(chain__in=selectors.chain_queryset(user=user).values("pk")).filter(
        Q(supplier__isnull=True) | visible_enterprise_q(user, "supplier__region_id"),
        Q(customer__isnull=True) | visible_enterprise_q(user, "customer__region_id"),
    )
    return links.filter(chain=chain) if chain is not None else links


def joined_member_queryset(*, user: Any, chain: Any = None) -> Any:
    """`experiment`: selectors.member_queryset with the scope on the joined enterprise's region."""
    from zhuqi.chains import selectors
    from zhuqi.chains.models import Member

    assert user.region_id
    members = Member.objects.filter(chain__in=selectors.chain_queryset(user=user).values("pk")).filter(
        visible_enterprise_q(user, "enterprise__region_id")
    )
    if chain is not None:
        members = members.filter(chain=chain)
    return members.select_related("enterprise", "enterprise__region", "segment")


COVERING = "bench_enterprise_region_id_incl"


def command_experiment(args: argparse.Namespace) -> None:
    """What a change would give, nothing in src/ changed: panorama_data with the reader's scope
    on joins (links, members), interleaved with it as is; on PostgreSQL also as is with a
    covering index (region_id) INCLUDE (id) on the enterprises, created and dropped here."""
    setup(migrate=False)
    from django.db import connection
    from django.db.models import Count

    from zhuqi.chains import panorama, selectors
    from zhuqi.chains.models import Member
    from zhuqi.directory.models import User

    reader = User.objects.get(username=READER)
    visible = list(selectors.chain_queryset(user=reader).order_by("pk"))
    sizes = dict(Member.objects.values_list("chain_id").annotate(n=Count("pk")).order_by())
    ranked = sorted(visible, key=lambda c: (-sizes.get(c.pk, 0), c.pk))
    picked = {"largest": ranked[0], "median": ranked[len(ranked) // 2]}
    plain = (selectors.link_queryset, selectors.member_queryset)

    def as_is(chain: Any) -> Any:
        def call() -> int:
            return len(panorama.panorama_data(user=reader, chain=chain, with_links=True)["nodes"])

        return call

    def joined(chain: Any) -> Any:
        def call() -> int:
            selectors.link_queryset, selectors.member_queryset = joined_link_queryset, joined_member_queryset
            try:
                return len(panorama.panorama_data(user=reader, chain=chain, with_links=True)["nodes"])
            finally:
                selectors.link_queryset, selectors.member_queryset = plain

        return call

    print(f"{database_label()}; {machine()}; at {revision()}; {load()}; {args.runs} runs")

    def run(arms: list[tuple[str, Any]], title: str) -> None:
        for _, call in arms:
            call()
        timings: dict[str, list[float]] = {}
        for index in range(args.runs):
            for name, call in arms if index % 2 == 0 else arms[::-1]:
                started = time.perf_counter()
                call()
                timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        print(f"\n{title}; {load()}")
        for name, values in timings.items():
            print(f"  {name:44} p50 {median(values):7.1f} ms  p95 {percentile(values, 0.95):7.1f} ms")

    for key, chain in picked.items():
        same = as_is(chain)() == joined(chain)()
        assert same, "the joined scope gives another node count"
        run(
            [("panorama_data(with_links) as is", as_is(chain)), ("… scope on joins", joined(chain))],
            f"{key}: {chain.name}, {sizes.get(chain.pk)} members (same node count: {same})",
        )
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {COVERING} ON enterprises_enterprise (region_id) INCLUDE (id)")
            cursor.execute("VACUUM ANALYZE enterprises_enterprise")
        try:
            for key, chain in picked.items():
                run([("as is, with the covering index", as_is(chain))], f"{key}: with {COVERING}")
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                as_is(picked["largest"])()
            sql = next(q["sql"] for q in captured.captured_queries if 'FROM "chains_link"' in q["sql"])
            print(f"\nthe links query with {COVERING}:")
            print_plan(sql)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {COVERING}")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate")
    generate.add_argument("--enterprises", type=int, default=ENTERPRISES)
    generate.add_argument("--links", type=int, default=LINKS)
    measure = commands.add_parser("measure")
    measure.add_argument("--runs", type=int, default=40)
    measure.add_argument("--warmup", type=int, default=5)
    measure.add_argument("--top", type=int, default=4, help="heaviest queries EXPLAINed per request")
    measure.add_argument("--explain", action=argparse.BooleanOptionalAction, default=True)
    experiment = commands.add_parser("experiment")
    experiment.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    {"generate": command_generate, "measure": command_measure, "experiment": command_experiment}[
        args.command
    ](args)


if __name__ == "__main__":
    main()
