"""Common problems (共性问题) over the largest input they take: 5,000 open demands in one county.

    python bench/common_problems_bench.py [--cases 5000] [--repeat 3]

Demands are made from the hand-made set in src/zhuqi/cases/tests/data (each a seed: some of its
clauses, reordered, with clauses of other demands and common words mixed in) plus a share of
loners made of random dictionary nouns, from 1,500 enterprises across all 13 categories. They
are written with bulk_create, not the workflow, since only the read is measured. Times, through
common_problems() as a county coordinator: the first call in the process (loading jieba's
dictionary and IDF table and scikit-learn), calls that segment every demand again, and calls
that find the words kept from before.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import resource
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import database_label, machine, median, revision, setup_django

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "src/zhuqi/cases/tests/data/common_problems.toml"
COUNTY = "150581"
MARK = "bench-common-problems"
FILLER = [
    "请相关部门帮助解决",
    "企业生产经营压力较大",
    "希望尽快给予答复",
    "此前已多次反映",
    "影响企业正常运转",
    "恳请市里协调",
    "企业职工三百余人",
    "今年订单比去年增长两成",
]


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，。；、]", text) if c.strip()]


def _nouns(rng: random.Random) -> list[str]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    nouns = []
    for line in path.read_text("utf-8").splitlines():
        word, freq, tag = line.split(" ")
        if tag == "n" and int(freq) > 300 and len(word) > 1:
            nouns.append(word)
    rng.shuffle(nouns)
    return nouns[:20000]


def generate(count: int, seed: int = 11) -> None:
    from django.utils import timezone

    from zhuqi.cases.models import Case, CaseCategory, Kind, Source, Status
    from zhuqi.core.validators import make_uscc
    from zhuqi.directory.models import Industry, Region
    from zhuqi.enterprises.models import Enterprise

    rng = random.Random(seed)
    region = Region.objects.get(pk=COUNTY)
    industry = Industry.objects.get(pk="3252")
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc(COUNTY, 5_000_000 + n),
            name=f"霍林郭勒市测试{n:04d}有限公司",
            region=region,
            industry=industry,
            search_text=MARK,
        )
        for n in range(1500)
    )
    enterprises = list(Enterprise.objects.filter(search_text=MARK).values_list("id", flat=True))
    categories = {c.name: c for c in CaseCategory.objects.filter(parent=None)}
    demands = tomllib.loads(SEEDS.read_text("utf-8"))["demand"]
    nouns = _nouns(rng)
    now = timezone.now()
    cases = []
    for n in range(count):
        if rng.random() < 0.3:
            # A loner: words no other demand is built from.
            title = "".join(rng.sample(nouns, 3))
            description = "，".join("".join(rng.sample(nouns, 3)) for _ in range(4))
            category = rng.choice(list(categories.values()))
        else:
            base = rng.choice(demands)
            other = rng.choice(demands)
            own = _clauses(base["description"])
            parts = rng.sample(own, max(1, round(len(own) * 0.6)))
            parts += rng.sample(_clauses(other["description"]), 1) + rng.sample(FILLER, 2)
            rng.shuffle(parts)
            title, description = base["title"], "，".join(parts) + "。"
            category = categories[base["category"]]
        cases.append(
            Case(
                kind=Kind.DEMAND,
                title=title[:200],
                description=description,
                enterprise_id=rng.choice(enterprises),
                region=region,
                category=category,
                source=Source.SYMPOSIUM,
                source_note=MARK,
                status=rng.choice([Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS]),
                submitted_at=now - datetime.timedelta(minutes=n),
            )
        )
    Case.objects.bulk_create(cases, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django("common-problems-sqlite")
    from zhuqi.cases.common_problems import common_problems
    from zhuqi.cases.models import Case
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import Region, User

    existing = Case.objects.filter(source_note=MARK).count()
    if existing != args.cases:
        Case.objects.filter(source_note=MARK).delete()
        from zhuqi.enterprises.models import Enterprise

        Enterprise.objects.filter(search_text=MARK).delete()
        started = time.perf_counter()
        generate(args.cases)
        print(f"generated {args.cases} demands in {time.perf_counter() - started:.1f} s")
    user, _ = User.objects.get_or_create(
        username="bench-cp-coordinator",
        defaults={"role": Role.COORDINATOR, "region": Region.objects.get(pk=COUNTY)},
    )
    print(f"{database_label()}; {machine()}; at {revision()}")
    from zhuqi.cases import common_problems as module

    def timed(label: str) -> float:
        started = time.perf_counter()
        result = common_problems(user=user)
        elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed:.2f} s, {result.considered} cases, {len(result.problems)} groups")
        return elapsed

    timed("first call in the process (loads jieba, its IDF table, scikit-learn)")
    fresh, cached = [], []
    for run in range(args.repeat):
        module._terms.cache_clear()
        fresh.append(timed(f"words not yet segmented {run + 1}"))
    for run in range(args.repeat):
        cached.append(timed(f"words segmented before {run + 1}"))
    print(f"median: {median(fresh):.2f} s segmenting all 5,000, {median(cached):.2f} s with words kept")
    result = common_problems(user=user)
    sizes = sorted((len(p.cases) for p in result.problems), reverse=True)
    print(f"largest groups {sizes[:5]} cases")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
