"""Enterprise search through the whole API stack (auth, scoping, filter, page of 50, JSON), at
the size the database holds (generate it first: `python bench/generate.py db --rows 200000`).

    python bench/search_bench.py [--repeat 5]

Queries: pinyin initials, a name fragment, a full USCC, a region filter with a search, as a
province-wide admin and as a county coordinator. Reports p50/p95 per query over all repeats.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import database_label, machine, median, percentile, revision, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_django("search-sqlite")
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import Region, User
    from zhuqi.enterprises.models import Enterprise

    total = Enterprise.objects.count()
    sample = Enterprise.objects.order_by("id")[total // 2]
    county = sample.region_id
    users = {}
    for username, role, region in (
        ("bench-admin", Role.ADMIN, None),
        ("bench-county", Role.COORDINATOR, county),
    ):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "region": Region.objects.get(pk=region) if region else None},
        )
        users[username] = user
    queries = {
        "pinyin initials (hx)": {"q": "hx"},
        "pinyin initials, rare (rtgg)": {"q": "rtgg"},
        "name fragment (联晟)": {"q": "联晟"},
        "full USCC": {"q": sample.uscc},
        "region + search": {"region": county[:4] + "00", "q": "hd"},
        "no filter, page 100": {"page": 100},
    }
    print(f"{total} enterprises, {database_label()}; {machine()}; at {revision()}")
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        for label, params in queries.items():
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get("/api/v1/enterprises", params)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content[:200]
            count = response.json()["count"]
            print(
                f"{username:13} {label:30} hits {count:>7}  p50 {median(timings):7.1f} ms  "
                f"p95 {percentile(timings, 0.95):7.1f} ms"
            )


if __name__ == "__main__":
    main()
