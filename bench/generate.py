"""Enterprise data for the benchmarks, as an import file or straight into the database.

    python bench/generate.py xlsx --rows 100000            # bench/out/enterprises-100000.xlsx
    python bench/generate.py db --rows 200000              # into DATABASE_URL (or bench/out/search-sqlite/)

Rows look like a government list: real GB/T 2260 counties and GB/T 4754 classes, valid USCCs
(made, not registered), skewed sizes, Chinese names drawn from common words.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, rebuild_derived, setup_django

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属行业",
    "从业人员",
    "营业收入(万元)",
    "资产总额(万元)",
    "所在地区",
    "地址",
    "联系人",
    "联系电话",
    "规上企业",
]


def rows(count: int, seed: int = 7, counties: list[tuple[str, str]] | None = None) -> Any:
    from zhuqi.core.validators import make_uscc
    from zhuqi.demo.dataset import NAME_WORDS, REPORT_WORDS
    from zhuqi.demo.names import INDUSTRY_WORDS, enterprise_name, place_words, region_names
    from zhuqi.directory.models import Industry, Region

    words = NAME_WORDS + REPORT_WORDS

    rng = random.Random(seed)
    if counties is None:
        counties = list(
            Region.objects.filter(level="county").exclude(name="市辖区").values_list("code", "name")
        )
    above = region_names(code for code, _ in counties)
    classes: dict[str, list[str]] = {}
    for class_code in Industry.objects.filter(level="class").values_list("code", flat=True):
        if class_code[:2] in INDUSTRY_WORDS:
            classes.setdefault(class_code[:2], []).append(class_code)
    divisions = sorted(classes)
    taken: set[str] = set()
    for serial in range(count):
        code, county = rng.choice(counties)
        division = rng.choice(divisions)
        industry = rng.choice(classes[division])
        employees = max(1, int(rng.lognormvariate(3.5, 1.3)))
        revenue = round(employees * rng.uniform(10, 200), 2)
        places = place_words(code, county, above)
        name = enterprise_name(rng, places=places, division=division, taken=taken, trade_names=words)
        yield [
            make_uscc(code, serial),
            name,
            industry,
            employees,
            revenue,
            round(revenue * rng.uniform(0.5, 3), 2),
            code,
            f"{county}{rng.choice(words)}路{rng.randrange(1, 500)}号",
            "王芳",
            f"138{rng.randrange(10**8):08d}",
            "是" if revenue >= 2000 else "否",
        ]


def write_xlsx(count: int, path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名录")
    sheet.append(HEADERS)
    for row in rows(count):
        sheet.append(row)
    workbook.save(path)


def enterprise_of(row: Any) -> Any:
    """One of `rows` as an unsaved Enterprise, with its search words and size class."""
    from decimal import Decimal

    from zhuqi.enterprises.models import Enterprise
    from zhuqi.enterprises.services import apply_size_class, build_search_text

    enterprise = Enterprise(
        uscc=row[0],
        name=row[1],
        industry_id=row[2],
        employees=row[3],
        revenue=Decimal(str(row[4])),
        total_assets=Decimal(str(row[5])),
        region_id=row[6],
        address=row[7],
        contacts=[{"name": row[8], "phone": row[9]}],
        above_scale=row[10] == "是",
    )
    enterprise.search_text = build_search_text(enterprise)
    apply_size_class(enterprise)
    return enterprise


def write_database(count: int, batch: int = 5000, counties: list[tuple[str, str]] | None = None) -> None:
    """Straight bulk inserts (the importer's own speed is measured separately); in `counties`
    (code, name) if given, else all over China."""
    from zhuqi.enterprises.models import Enterprise

    existing = Enterprise.objects.count()
    if existing >= count:
        print(f"already {existing} enterprises")
        analyse()
        return
    pending: list[Enterprise] = []
    for index, row in enumerate(rows(count, counties=counties)):
        if index < existing:
            continue
        pending.append(enterprise_of(row))
        if len(pending) >= batch:
            Enterprise.objects.bulk_create(pending)
            pending.clear()
            print(f"{index + 1}/{count}", end="\r", flush=True)
    Enterprise.objects.bulk_create(pending)
    analyse()
    print(f"{Enterprise.objects.count()} enterprises")


def analyse() -> None:
    """Vacuum and planner statistics for the freshly loaded table, as autovacuum gives a deployed
    PostgreSQL. Without them (autovacuum off, or not yet run) the planner guesses the LIKE's
    selectivity and can walk the whole name index for a rare term instead of using the trigram
    index, and a count cannot use an index-only scan: the figures would measure that state
    instead of the steady one."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enterprises_enterprise")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=["xlsx", "db"])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    setup_django("generate-sqlite" if args.target == "xlsx" else "search-sqlite")
    started = time.perf_counter()
    if args.target == "xlsx":
        path = args.out or OUT / f"enterprises-{args.rows}.xlsx"
        write_xlsx(args.rows, path)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    else:
        write_database(args.rows)
        rebuild_derived()
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
