"""Joint handling (联合办理, issue 17) against handling the same demands one by one, and its pages
against the ordinary case list.

    python bench/joint_handling_bench.py [--sizes 4,20,100] [--rounds 5] [--repeat 10] [--fresh]

Everything in one process on a fresh database (SQLite: bench/out/joint-sqlite/, removed with
--fresh; PostgreSQL: the database in DATABASE_URL, dropped and created by hand beforehand).

steps: for N member demands of N enterprises (each filed through the case service, not timed),
  joint: joint_create (accept + assign every member, one lead department) + joint_take("start")
         + joint_take("answer"), as the coordinator and the lead department's handler;
  one by one (the reference): case_accept, case_assign, case_start, case_answer on each demand,
         each step its own transaction, as the same people.
  The two alternate within each round (which goes first alternates between rounds); median
  seconds over the rounds and the ratio. Then one more untimed pass of each under
  CaptureQueriesContext: queries in all and per member.

pages: through the Django test client as the county coordinator; the page and its reference
alternate request by request, `--repeat` requests a round, `--rounds` rounds; median ms and the
queries of one request (CaptureQueriesContext):
  /cases/joint/<id>/ of the joint handlings made above (N members each), against /cases/?tab=all
  of a county holding 100 ordinary cases (accepted and assigned);
  /cases/joint/ with 10 and then 200 joint handlings (2 members each) in another county, against
  /cases/?tab=all of a county holding 200 ordinary cases.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, database_label, machine, median, revision, setup_django

SQLITE = "joint-sqlite"
TEXT = "增值税留抵退税迟迟未到账，企业资金周转困难，请协调税务部门加快办理留抵退税。"
ANSWER = "已协调税务局在三个工作日内办理留抵退税，请企业留意到账情况。"
HOME = "150581"  # 霍林郭勒市: the steps and the joint handling pages
JOINT_LIST_COUNTY = "150523"  # 开鲁县: 200 joint handlings
CASES_200_COUNTY = "150522"  # 科尔沁左翼后旗: 200 ordinary cases
CASES_100_COUNTY = "150521"  # 科尔沁左翼中旗: 100 ordinary cases


class County:
    """A coordinator, a department with its handler, and enterprises with their users."""

    def __init__(self, code: str, enterprises: int) -> None:
        from zhuqi.core.roles import Role
        from zhuqi.directory.models import Region
        from zhuqi.testing.factories import DepartmentFactory, EnterpriseFactory, make_user

        self.longest = 0.0  # seconds of the longest service call (transaction) since reset
        self.region = Region.objects.get(pk=code)
        self.department = DepartmentFactory(region=self.region, name=f"{self.region.name}税务局")
        self.coordinator = make_user(f"bench-joint-coordinator-{code}", Role.COORDINATOR, region=self.region)
        self.handler = make_user(f"bench-joint-handler-{code}", Role.HANDLER, department=self.department)
        self.users = [
            make_user(
                f"bench-joint-ent-{code}-{n}",
                Role.ENTERPRISE,
                enterprise=EnterpriseFactory(
                    region=self.region, name=f"{self.region.name}测试{n:03d}有限公司"
                ),
            )
            for n in range(enterprises)
        ]

    def timed(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A service call (one transaction), keeping the longest in `self.longest`."""
        started = time.perf_counter()
        result = service(*args, **kwargs)
        self.longest = max(self.longest, time.perf_counter() - started)
        return result

    def file(self, count: int, label: str) -> list[Any]:
        """`count` demands about one problem, one from each of the first `count` enterprises."""
        from zhuqi.cases import services
        from zhuqi.cases.models import CaseCategory, Kind

        finance = CaseCategory.objects.get(name="融资", parent=None)
        return [
            services.case_create(
                actor=user,
                data=services.NewCase(
                    kind=Kind.DEMAND,
                    title=f"留抵退税迟迟未到账（{label}）",
                    description=TEXT,
                    category_id=finance.pk,
                ),
            )
            for user in self.users[:count]
        ]

    def one_by_one(self, cases: list[Any], *, answer: bool = True) -> None:
        """The reference: each demand accepted, assigned, signed for and answered on its own."""
        from zhuqi.cases import services

        for case in cases:
            case = self.timed(
                services.case_accept, actor=self.coordinator, case_id=case.pk, expected_version=case.version
            )
            case = self.timed(
                services.case_assign,
                actor=self.coordinator,
                case_id=case.pk,
                expected_version=case.version,
                lead_department_id=self.department.pk,
            )
            if not answer:
                continue
            case = self.timed(
                services.case_start, actor=self.handler, case_id=case.pk, expected_version=case.version
            )
            self.timed(
                services.case_answer,
                actor=self.handler,
                case_id=case.pk,
                expected_version=case.version,
                answer=ANSWER,
                outcome="resolved",
            )

    def joint(self, cases: list[Any], *, answer: bool = True) -> Any:
        """The same through one joint handling."""
        from zhuqi.cases import joint

        record = self.timed(
            joint.joint_create,
            actor=self.coordinator,
            data=joint.NewJoint(
                case_ids=[c.pk for c in cases],
                lead_department_id=self.department.pk,
                title="留抵退税迟迟未到账",
            ),
        )
        if not answer:
            return record
        record = self.timed(
            joint.joint_take,
            "start",
            actor=self.handler,
            joint_id=record.pk,
            expected_version=record.version,
            fields={},
        )
        return self.timed(
            joint.joint_take,
            "answer",
            actor=self.handler,
            joint_id=record.pk,
            expected_version=record.version,
            fields={"answer": ANSWER, "outcome": "resolved"},
        )


def seconds(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def queries(call: Callable[[], Any]) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Django keeps the last 9,000 queries only: one by one at N = 100 runs more.
    connection.queries_log = collections.deque(maxlen=1_000_000)
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def steps(home: County, sizes: list[int], rounds: int) -> dict[int, Any]:
    """Timed rounds and the query counts; returns a joint handling of each size (answered)."""
    made: dict[int, Any] = {}
    print("\n## Joint handling (open + sign + answer) against one by one (accept, assign, sign, answer)")
    print(f"{'N':>4} {'round':>5} {'first':>10} {'joint s':>9} {'one-by-one s':>13} {'joint/one':>9}")
    for size in sizes:
        joint_s, single_s, joint_hold, single_hold = [], [], [], []
        for number in range(rounds):
            together, alone = home.file(size, f"{size}-{number}-j"), home.file(size, f"{size}-{number}-s")
            order = ["joint", "single"] if number % 2 == 0 else ["single", "joint"]
            for side in order:
                home.longest = 0.0
                if side == "joint":
                    elapsed, made[size] = seconds(lambda together=together: home.joint(together))
                    joint_s.append(elapsed)
                    joint_hold.append(home.longest)
                else:
                    elapsed, _ = seconds(lambda alone=alone: home.one_by_one(alone))
                    single_s.append(elapsed)
                    single_hold.append(home.longest)
            print(
                f"{size:>4} {number + 1:>5} {order[0]:>10} {joint_s[-1]:9.3f} {single_s[-1]:13.3f} "
                f"{joint_s[-1] / single_s[-1]:9.2f}   longest transaction: joint {joint_hold[-1]:.3f} s, "
                f"one by one {single_hold[-1]:.3f} s",
                flush=True,
            )
        j, s = median(joint_s), median(single_s)
        ratios = [a / b for a, b in zip(joint_s, single_s, strict=True)]
        print(
            f"{size:>4} {'median':>5} {'':>10} {j:9.3f} {s:13.3f} {j / s:9.2f}   "
            f"median of the rounds' ratios {median(ratios):.2f}; "
            f"per member: joint {j / size * 1000:.1f} ms, one by one {s / size * 1000:.1f} ms; "
            f"longest transaction (median): joint {median(joint_hold):.3f} s, "
            f"one by one {median(single_hold):.3f} s",
            flush=True,
        )
        together, alone = home.file(size, f"{size}-q-j"), home.file(size, f"{size}-q-s")
        joint_q, _ = queries(lambda together=together: home.joint(together))
        single_q, _ = queries(lambda alone=alone: home.one_by_one(alone))
        print(
            f"{size:>4} queries: joint {joint_q} ({joint_q / size:.1f} a member), "
            f"one by one {single_q} ({single_q / size:.1f} a member), joint/one {joint_q / single_q:.2f}",
            flush=True,
        )
    return made


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client: Any, address: str) -> Any:
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code, response.content[:300])
    return response


def compare_pages(
    label: str, page: tuple[Any, str], reference: tuple[Any, str], rounds: int, repeat: int
) -> None:
    """Alternating requests of the page and its reference; medians per round, then of the rounds."""
    get(*page), get(*reference)  # warm
    page_q, _ = queries(lambda: get(*page))
    reference_q, _ = queries(lambda: get(*reference))
    page_ms, reference_ms = [], []
    for number in range(rounds):
        ours, theirs = [], []
        for n in range(repeat):
            pair = [(page, ours), (reference, theirs)]
            for (client, address), into in pair if (n + number) % 2 == 0 else reversed(pair):
                elapsed, _ = seconds(lambda client=client, address=address: get(client, address))
                into.append(elapsed * 1000)
        page_ms.append(median(ours))
        reference_ms.append(median(theirs))
    p, r = median(page_ms), median(reference_ms)
    print(
        f"{label:44} page {p:7.1f} ms ({page_q:>3} queries)  reference {r:7.1f} ms ({reference_q:>3} queries)"
        f"  page/reference {p / r:5.2f}   rounds: "
        + " ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(page_ms, reference_ms, strict=True)),
        flush=True,
    )


def pages(home: County, made: dict[int, Any], rounds: int, repeat: int) -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    hundred = County(CASES_100_COUNTY, 100)
    hundred.one_by_one(hundred.file(100, "page"), answer=False)
    two_hundred = County(CASES_200_COUNTY, 200)
    two_hundred.one_by_one(two_hundred.file(200, "page"), answer=False)
    listed = County(JOINT_LIST_COUNTY, 2)
    for n in range(10):
        listed.joint(listed.file(2, f"list-{n}"), answer=n % 2 == 0)
    print(f"\n(made the pages' data in {time.perf_counter() - started:.0f} s)")
    print("\n## Pages (county coordinator; page of 50 on the lists)")
    reference_100 = (client_for(hundred.coordinator), "/cases/?tab=all")
    coordinator = client_for(home.coordinator)
    for size, record in sorted(made.items()):
        compare_pages(
            f"/cases/joint/<id>/, {size} members vs case list 100",
            (coordinator, f"/cases/joint/{record.pk}/"),
            reference_100,
            rounds,
            repeat,
        )
    reference_200 = (client_for(two_hundred.coordinator), "/cases/?tab=all")
    joint_list = (client_for(listed.coordinator), "/cases/joint/")
    compare_pages(
        "/cases/joint/, 10 joint handlings vs case list 200", joint_list, reference_200, rounds, repeat
    )
    started = time.perf_counter()
    for n in range(10, 200):
        listed.joint(listed.file(2, f"list-{n}"), answer=n % 2 == 0)
    print(f"(made 190 more joint handlings in {time.perf_counter() - started:.0f} s)")
    compare_pages(
        "/cases/joint/, 200 joint handlings vs case list 200", joint_list, reference_200, rounds, repeat
    )
    compare_pages(
        "/cases/ (待办 tab), coordinator of the 200 joint",
        (joint_list[0], "/cases/"),
        (reference_200[0], "/cases/"),
        rounds,
        repeat,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="4,20,100")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10, help="requests of each page a round")
    parser.add_argument("--fresh", action="store_true", help="SQLite: start from an empty file")
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    if args.fresh and not os.environ.get("DATABASE_URL"):
        shutil.rmtree(OUT / SQLITE, ignore_errors=True)
    setup_django(SQLITE)
    from zhuqi.directory.models import User

    if User.objects.filter(username__startswith="bench-joint-").exists():
        sys.exit("not a fresh database: use --fresh (SQLite) or dropdb/createdb (PostgreSQL)")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{database_label()}; {machine()}; at {revision()}; load average {os.getloadavg()[0]:.1f}")
    home = County(HOME, max(sizes))
    made = steps(home, sizes, args.rounds)
    if not args.skip_pages:
        pages(home, made, args.rounds, args.repeat)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
