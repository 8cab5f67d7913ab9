"""Cases for the benchmarks: two million over five years in three prefectures of one province.

    python bench/generate_cases.py [--cases 2000000] [--enterprises 100000] [--due 20000]

Into DATABASE_URL, or a SQLite file under bench/out/cases-sqlite/ (ZHUQI_BENCH_OUT moves it).
What it writes:

- Places: 通辽 (150500), 呼和浩特 (150100) and 包头 (150200), with their 28 counties. 60
  departments: 12 in each prefecture, 6 in each of four counties (霍林郭勒, 科尔沁区, 赛罕区,
  昆都仑区). Users: a coordinator per prefecture and per county, a leader per prefecture, two
  handlers per department.
- Enterprises: bench/generate.py's rows, placed in those 28 counties.
- Cases, bulk-inserted: demands 70 %, instructions 15 %, hazards 15 %; a category, and a lead
  department of the matching office (融资 → 财政局, 安全生产 → 应急管理局 …) in the case's county
  when it has one, else in its prefecture; one co-department on ~10 % of them.
  * 85 % closed and 2 % rejected, submitted 2021-01-01 … 2025-12-31 (a third more a year by
    the end), each with its history in the case's own columns (accepted, assigned, started,
    answered or reported, closed; deadlines counted in working days by the real calendar;
    ~90 % answered in time; confirmed and rated, or closed as not rated, or verified).
  * 13 % open, in every open state (submitted, accepted, assigned, returned, in progress,
    answered, completion reported), with the clock columns as the services set them
    (clock_started_at, due_at, amber_at at 75 % of the clock, timeliness, escalation).
    Long-running ones have a deadline a person set, months ahead.
- Steps: the timeline of each open case (submit … answer, escalations); none for closed ones.

The state is the morning of Wednesday 2026-01-14 at 08:30 (SWEEP_AT), the sweep having last run
at 18:00 the evening before: `--due` open cases are due for a change at SWEEP_AT: 40 % reach
their amber time, 25 % their deadline (turn red, first reminder), 25 % were already late and
are one working day later (counted again; a level up where a threshold is crossed), 10 %
answered demands the enterprise did not rate in time (closed as not rated). Every other open
case is left as it is by a sweep at SWEEP_AT.
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bulk_insert, rebuild_derived, setup_django


def escalation_for(working_days_late: int) -> str:
    """The level the sweep would have raised a case this late to (imported once Django is set up)."""
    from zhuqi.cases.deadlines import escalation_for as level_for

    return str(level_for(working_days_late))


SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
SWEEP_AT = datetime.datetime(2026, 1, 14, 8, 30, tzinfo=SHANGHAI)
PREVIOUS_SWEEP = datetime.datetime(2026, 1, 13, 18, 0, tzinfo=SHANGHAI)
FIRST_DAY = datetime.date(2021, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

PREFECTURES = ["150500", "150100", "150200"]
COUNTIES_WITH_DEPARTMENTS = ["150581", "150502", "150105", "150203"]
PREFECTURE_OFFICES = [
    "发展和改革委员会",
    "工业和信息化局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "商务局",
    "市场监督管理局",
    "应急管理局",
    "行政审批和政务服务局",
]
COUNTY_OFFICES = [
    "工业和信息化局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "应急管理局",
]
# CaseCategory → (phrases for a title, the office that leads such cases)
CATEGORIES: dict[str, tuple[list[str], str]] = {
    "融资": (["流动资金贷款续贷困难", "技改项目贷款贴息申请", "应收账款融资受阻", "担保费率偏高"], "财政局"),
    "用工": (["缺少熟练焊工", "季节性用工短缺", "高校毕业生招聘困难"], "人力资源和社会保障局"),
    "物流": (["原料运输车辆通行受限", "铁路专用线运力不足"], "交通运输局"),
    "原材料": (["氧化铝采购价格上涨", "煤炭供应不稳定"], "工业和信息化局"),
    "用地": (["扩建项目用地指标不足", "不动产权证办理缓慢"], "自然资源局"),
    "用能": (["用电负荷不足需增容", "天然气供应紧张"], "发展和改革委员会"),
    "审批": (["环评审批进度慢", "施工许可证办理"], "行政审批和政务服务局"),
    "政策兑现": (["稳岗补贴未到位", "技改奖补资金兑现"], "财政局"),
    "技术改造": (["数字化改造缺少技术支持", "设备更新改造项目申报"], "工业和信息化局"),
    "市场": (["产品销路受阻", "参加展会需协调"], "商务局"),
    "安全生产": (["消防通道堵塞", "危化品储存不规范", "特种设备未定期检验"], "应急管理局"),
    "生态环保": (["扬尘治理不到位", "废水排放超标"], "生态环境局"),
    "其他": (["周边道路破损", "厂区门前路灯不亮"], "住房和城乡建设局"),
}
HAZARD_CATEGORIES = ["安全生产", "生态环保"]
# (response, simple, complex) working days, as migration 0002 seeds them.
POLICY = {
    ("demand", "normal"): (1, 5, 15),
    ("demand", "urgent"): (1, 2, 5),
    ("instruction", "normal"): (1, 5, 15),
    ("instruction", "urgent"): (1, 2, 5),
    ("hazard", "normal"): (1, 10, 30),
    ("hazard", "urgent"): (1, 3, 7),
}
OPEN_STATUSES = {
    "demand": [
        ("submitted", 5),
        ("accepted", 3),
        ("assigned", 14),
        ("returned", 1),
        ("in_progress", 57),
        ("answered", 20),
    ],
    "other": [
        ("submitted", 3),
        ("assigned", 15),
        ("returned", 1),
        ("in_progress", 66),
        ("completion_reported", 15),
    ],
}
SOURCES = {
    "demand": ["portal", "portal", "liaison", "liaison", "visit", "symposium", "hotline"],
    "instruction": ["visit", "meeting", "meeting", "report"],
    "hazard": ["inspection"],
}
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass
class Places:
    counties: list[tuple[str, str]]  # (code, name) of the 28 counties
    prefecture_of: dict[str, str]
    departments: dict[tuple[str, str], int]  # (region code, office) → department id
    enterprises: list[tuple[int, str, str]]  # (id, region code, name)
    categories: dict[str, int]


class Cases:
    """Builds the Case rows (not saved) and the steps of the open ones."""

    def __init__(self, places: Places, seed: int = 11) -> None:
        from zhuqi.core.workdays import WorkingCalendar

        self.places = places
        self.rng = random.Random(seed)
        self.calendar = WorkingCalendar()
        self.due_after = lru_cache(maxsize=None)(self._due_after)
        self.is_workday = lru_cache(maxsize=None)(self.calendar.is_workday)
        # The calendar's own counting (add_working_days, working_days_between) asks it day by
        # day through chinese_calendar: the same answers, remembered.
        self.calendar.is_workday = self.is_workday  # type: ignore[method-assign]
        self.add_days = lru_cache(maxsize=None)(self.calendar.add_working_days)
        self.days_between = lru_cache(maxsize=None)(self.calendar.working_days_between)

    # --- time --------------------------------------------------------------------------------

    def _due_after(self, day: datetime.date, days: int) -> datetime.datetime:
        from zhuqi.core.workdays import end_of_day

        return end_of_day(self.calendar.add_working_days(day, days))

    def due(self, start: datetime.datetime, days: int) -> datetime.datetime:
        return self.due_after(start.astimezone(SHANGHAI).date(), days)

    def office_hours(self, day: datetime.date) -> datetime.datetime:
        if not self.is_workday(day) and self.rng.random() < 0.8:
            day = self.add_days(day, 1)
        minutes = self.rng.randrange(8 * 60, 19 * 60)
        return datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=SHANGHAI)

    def past_submission(self) -> datetime.datetime:
        # Density rising linearly to twice the first day's at the end: x = -1 + sqrt(1 + 3u).
        span = (LAST_DAY - FIRST_DAY).days
        x = -1 + math.sqrt(1 + 3 * self.rng.random())
        return self.office_hours(FIRST_DAY + datetime.timedelta(days=int(x * span)))

    def later(self, start: datetime.datetime, low_hours: float, high_hours: float) -> datetime.datetime:
        return start + datetime.timedelta(hours=self.rng.uniform(low_hours, high_hours))

    # --- what a case is about ----------------------------------------------------------------

    def subject(self, kind: str, enterprise: tuple[int, str, str] | None = None) -> dict[str, Any]:
        """What a case is about; `enterprise` (id, region code, name) if the caller chose it."""
        rng, places = self.rng, self.places
        if kind == "hazard":
            category = rng.choice(HAZARD_CATEGORIES)
        elif kind == "demand":
            category = rng.choice([c for c in CATEGORIES if c not in HAZARD_CATEGORIES])
        else:
            category = rng.choice(list(CATEGORIES))
        phrases, office = CATEGORIES[category]
        enterprise_id: int | None = None
        if enterprise is not None:
            enterprise_id, region, name = enterprise
            title = f"{rng.choice(phrases)}（{name[:10]}）"
        elif kind != "instruction" or rng.random() < 0.5:
            # Some enterprises raise many more problems than others.
            index = int(len(places.enterprises) * rng.random() ** 2)
            enterprise_id, region, name = places.enterprises[index]
            title = f"{rng.choice(phrases)}（{name[:10]}）"
        else:
            region = rng.choice(places.counties)[0]
            title = f"关于{rng.choice(phrases)}问题的督办交办"
        prefecture = places.prefecture_of[region]
        county_department = places.departments.get((region, office))
        prefecture_department = places.departments.get((prefecture, office))
        lead = county_department if county_department and rng.random() < 0.65 else prefecture_department
        co = None
        if rng.random() < 0.1:
            co = places.departments[(prefecture, rng.choice(PREFECTURE_OFFICES))]
            co = None if co == lead else co
        urgency = rng.choices(["normal", "urgent", "same_day"], [85, 10, 5])[0]
        return {
            "kind": kind,
            "title": title,
            "description": f"{title}，请协调解决。",
            "enterprise_id": enterprise_id,
            "region_id": region,
            "category_id": places.categories[category],
            "urgency": urgency,
            "complexity": "complex" if rng.random() < 0.3 else "simple",
            "source": rng.choice(SOURCES[kind]),
            "lead_department_id": lead,
            "_co": co,
        }

    def days(self, fields: dict[str, Any]) -> tuple[int, int]:
        """(response, answer) working days; 0 answer days means same-day."""
        if fields["urgency"] == "same_day":
            return 0, 0
        response, simple, complex_ = POLICY[(fields["kind"], fields["urgency"])]
        return response, complex_ if fields["complexity"] == "complex" else simple

    def answer_due(self, fields: dict[str, Any], start: datetime.datetime) -> datetime.datetime:
        _, answer_days = self.days(fields)
        if answer_days == 0:
            local = start.astimezone(SHANGHAI)
            day = local.date()
            if not self.is_workday(day) or local.hour >= 16:
                day = self.add_days(day, 1)
            return datetime.datetime.combine(day, datetime.time(18), tzinfo=SHANGHAI)
        return self.due(start, answer_days)

    # --- finished cases ----------------------------------------------------------------------

    def finished(
        self,
        kind: str | None = None,
        enterprise: tuple[int, str, str] | None = None,
        submitted: datetime.datetime | None = None,
    ) -> dict[str, Any]:
        """A closed (or rejected) case; of `kind`, about `enterprise`, submitted at `submitted`
        if given (its history may then run past SWEEP_AT: the caller cuts it)."""
        rng = self.rng
        kind = kind or rng.choices(["demand", "instruction", "hazard"], [70, 15, 15])[0]
        rejected = kind == "demand" and rng.random() < 0.02 / 0.87 / 0.7
        while True:
            fields = self.subject(kind, enterprise)
            at = submitted or self.past_submission()
            fields.update(self.rejected(fields, at) if rejected else self.closed(fields, at))
            if submitted or fields["closed_at"] < PREVIOUS_SWEEP - DAY:
                return fields

    def rejected(self, fields: dict[str, Any], submitted: datetime.datetime) -> dict[str, Any]:
        closed = self.later(submitted, 1, 30)
        return {
            "status": "rejected",
            "submitted_at": submitted,
            "accept_due": self.due(submitted, 1),
            "closed_at": closed,
            "rejection_reason": self.rng.choice(["duplicate", "outside_remit", "incomplete", "other"]),
            "lead_department_id": None,
            "_co": None,
        }

    def closed(self, fields: dict[str, Any], submitted: datetime.datetime) -> dict[str, Any]:
        rng = self.rng
        response_days, _ = self.days(fields)
        demand = fields["kind"] == "demand"
        accepted = self.later(submitted, 0.5, 20) if demand else None
        assigned = self.later(accepted or submitted, 0.2, 6)
        response_due = (
            self.due(assigned, response_days) if response_days else self.answer_due(fields, assigned)
        )
        deadline = self.answer_due(fields, assigned)
        started = self.later(assigned, 0.5, 24)
        # ~90 % answered or reported within the deadline.
        share = rng.uniform(0.1, 0.95) if rng.random() < 0.9 else rng.uniform(1.02, 1.6)
        done = max(started, assigned + (deadline - assigned) * share)
        on_time = done <= deadline
        late = 0 if on_time else rng.randint(1, 3)
        values: dict[str, Any] = {
            "status": "closed",
            "submitted_at": submitted,
            "accept_due": self.due(submitted, 1),
            "accepted_at": accepted,
            "assigned_at": assigned,
            "response_due": response_due,
            "started_at": started,
            "responded_on_time": started <= response_due,
            "deadline": deadline,
            "working_days_late": late,
            "escalation_level": escalation_for(late),
            "escalated_at": None if on_time else deadline + DAY,
        }
        if demand:
            outcome = rng.choices(["resolved", "partly_resolved", "not_resolvable"], [75, 15, 10])[0]
            values.update(
                answer="已协调解决，详见办理情况。",
                outcome=outcome,
                outcome_reason="needs_policy_change" if outcome == "not_resolvable" else "",
                first_answered_at=done,
                answered_at=done,
                answered_on_time=on_time,
            )
            if rng.random() < 0.75:
                rating = rng.choices([5, 4, 3, 2, 1], [60, 25, 8, 4, 3])[0]
                values.update(
                    closure="confirmed",
                    closed_at=self.later(done, 1, 96),
                    rating=rating,
                    ratings_given=1,
                    satisfied_ratings=int(rating >= 4),
                )
            else:
                values.update(closure="not_rated", closed_at=self.due(done, 5))
        else:
            values.update(
                answer="已按要求完成整改/办理。",
                completion_reported_at=done,
                answered_on_time=on_time,
                closure="verified",
                closed_at=self.later(done, 1, 72),
            )
        return values

    # --- open cases --------------------------------------------------------------------------

    def open_case(self, kind: str, status: str, bucket: str) -> dict[str, Any]:
        """An open case in `status`; `bucket` says what the sweep at SWEEP_AT does to it:
        amber, red (turns red), again (one more working day late), close (not rated), or
        "" (nothing)."""
        rng = self.rng
        fields = self.subject(kind)
        demand = kind == "demand"
        if status in ("submitted", "accepted", "returned"):
            # The coordinator's clock: one working day to accept, route or reassign. Started
            # since the last sweep, so none of these changes colour at SWEEP_AT.
            start = SWEEP_AT - datetime.timedelta(minutes=rng.randrange(1, 14 * 60))
            submitted = (
                start if status == "submitted" else start - datetime.timedelta(hours=rng.uniform(3, 60))
            )
            due = self.due(start, 1)
            values: dict[str, Any] = {
                "submitted_at": submitted,
                "accept_due": self.due(submitted, 1),
                "clock_started_at": start,
                "due_at": due,
                "amber_at": start + (due - start) * 0.75,
            }
            if demand and status != "submitted":
                values["accepted_at"] = start if status == "accepted" else submitted + HOUR
            if status == "returned":
                values.update(
                    assigned_at=submitted + 2 * HOUR,
                    returned_count=1,
                    deadline=self.answer_due(fields, submitted + 2 * HOUR),
                )
            else:
                fields["lead_department_id"] = None
                fields["_co"] = None
            fields.update(values, status=status)
            return fields

        if status in ("assigned", "in_progress"):
            fields.update(self.department_clock(bucket), status=status)
            assigned = fields["assigned_at"]
            if status == "in_progress":
                fields["started_at"] = max(assigned, min(self.later(assigned, 0.5, 24), SWEEP_AT - HOUR))
                fields["responded_on_time"] = fields["started_at"] <= fields["response_due"]
        else:
            # Answered (a demand) or completion reported: nobody in government is on the clock.
            if status == "answered":
                if bucket == "close":
                    done = self.office_hours(self.add_days(datetime.date(2026, 1, 6), 0))
                else:
                    back = rng.randrange(0, 4)
                    day = SWEEP_AT.date()
                    for _ in range(back):
                        day = day - DAY
                        while not self.is_workday(day):
                            day -= DAY
                    done = min(self.office_hours(day), SWEEP_AT - HOUR)
            else:
                done = SWEEP_AT - datetime.timedelta(hours=rng.uniform(1, 24 * 20))
            assigned = done - datetime.timedelta(hours=rng.uniform(4, 24 * 10))
            deadline = self.answer_due(fields, assigned)
            fields.update(
                status=status,
                assigned_at=assigned,
                clock_started_at=None,
                response_due=self.due(assigned, 1),
                started_at=assigned + HOUR,
                responded_on_time=True,
                deadline=deadline,
                answered_on_time=done <= deadline,
            )
            if status == "answered":
                auto_close = self.due(done, 5)
                fields.update(
                    answer="已协调解决，请确认。",
                    outcome="resolved",
                    first_answered_at=done,
                    answered_at=done,
                    auto_close_at=auto_close,
                )
                assert (auto_close <= SWEEP_AT) == (bucket == "close"), (auto_close, bucket)
            else:
                fields.update(answer="已完成整改，请验收。", completion_reported_at=done)
        submitted = fields["assigned_at"] - datetime.timedelta(hours=rng.uniform(0.5, 48))
        fields["submitted_at"] = submitted
        fields["accept_due"] = self.due(submitted, 1)
        if demand:
            fields["accepted_at"] = submitted + (fields["assigned_at"] - submitted) / 2
        return fields

    def department_clock(self, bucket: str) -> dict[str, Any]:
        """assigned_at … deadline for a case the department is working, placed so that the
        sweep at SWEEP_AT does what `bucket` says (and nothing when it is "")."""
        rng = self.rng
        today = SWEEP_AT.date()
        timeliness, level, escalated, explicit = "normal", 0, None, False
        if bucket == "again":
            back = rng.randrange(2, 13)
            day = today
            for _ in range(back):
                day -= DAY
                while not self.is_workday(day):
                    day -= DAY
            due = self.due_after(day, 0)
            start = due - datetime.timedelta(days=rng.uniform(7, 21))
            timeliness = "red"
            level = self.days_between(day, datetime.date(2026, 1, 13))
            escalated = datetime.datetime(2026, 1, 13, 8, 30, tzinfo=SHANGHAI)
        elif bucket == "red":
            due = self.due_after(datetime.date(2026, 1, 13), 0)
            start = due - 4 * (due - PREVIOUS_SWEEP) * rng.uniform(1.0, 3.0)
            timeliness = "amber"
        elif bucket == "amber":
            due = self.due_after(today, rng.randrange(0, 4))
            amber = PREVIOUS_SWEEP + (SWEEP_AT - PREVIOUS_SWEEP) * rng.uniform(0.001, 1)
            start = due - 4 * (due - amber)
        elif rng.random() < 0.09:
            # Amber already, and not yet due: nothing to do.
            due = self.due_after(today, rng.randrange(0, 4))
            start = due - 4 * (due - PREVIOUS_SWEEP) * rng.uniform(1.01, 2.0)
            timeliness = "amber"
        else:
            ahead = int(rng.expovariate(1 / 12))
            explicit = ahead > 30
            due = self.due_after(today, ahead)
            # amber (start + 0.75 span) after SWEEP_AT: span < 4 (due − SWEEP_AT)
            start = due - (due - SWEEP_AT) * rng.uniform(1.05, 3.9)
        start = start.astimezone(SHANGHAI)
        return {
            "assigned_at": start,
            "clock_started_at": start,
            "response_due": self.due(start, 1),
            "deadline": due,
            "deadline_explicit": explicit,
            "due_at": due,
            "amber_at": start + (due - start) * 0.75,
            "timeliness": timeliness,
            "working_days_late": level,
            "escalation_level": escalation_for(level),
            "escalated_at": escalated,
            "flagged_for_notice": level >= 6,
        }

    def steps(self, case: Any) -> list[dict[str, Any]]:
        """The timeline an open case would have: who did what when (actor names only)."""
        steps = [("submit", "", "submitted", case.submitted_at, "企业")]
        if case.accepted_at:
            steps.append(("accept", "submitted", "accepted", case.accepted_at, "营商办"))
        if case.assigned_at:
            steps.append(("assign", "accepted", "assigned", case.assigned_at, "营商办"))
        if case.status == "returned":
            steps.append(("return", "assigned", "returned", case.clock_started_at, "承办部门"))
        if case.started_at:
            steps.append(("start", "assigned", "in_progress", case.started_at, "承办部门"))
        if case.escalated_at and case.escalation_level:
            steps.append(("escalate", case.status, case.status, case.escalated_at, "系统"))
        if case.answered_at:
            steps.append(("answer", "in_progress", "answered", case.answered_at, "承办部门"))
        if case.completion_reported_at:
            steps.append(
                (
                    "report-completion",
                    "in_progress",
                    "completion_reported",
                    case.completion_reported_at,
                    "承办部门",
                )
            )
        return [
            {
                "step": s,
                "from_status": a,
                "to_status": b,
                "at": at,
                "actor_name": who,
                "internal": s == "escalate",
            }
            for s, a, b, at, who in steps
        ]


def places(
    enterprise_count: int,
    prefectures: list[str] = PREFECTURES,
    county_departments: list[str] | None = None,
) -> Places:
    """Departments in `prefectures` (12 offices each) and in `county_departments` (6 each;
    default four counties, "all": every county), and enterprises in their counties."""
    from generate import write_database

    from zhuqi.cases.models import CaseCategory
    from zhuqi.directory.models import Department, Region
    from zhuqi.enterprises.models import Enterprise

    counties = list(
        Region.objects.filter(parent_id__in=prefectures, level="county")
        .exclude(name="市辖区")
        .order_by("code")
        .values_list("code", "name")
    )
    if county_departments is None:
        county_departments = COUNTIES_WITH_DEPARTMENTS
    elif county_departments == ["all"]:
        county_departments = [code for code, _ in counties]
    regions = Region.objects.in_bulk([*prefectures, *county_departments])
    codes = [code for code, _ in counties]
    prefecture_of = dict(Region.objects.filter(pk__in=codes).values_list("code", "parent_id"))
    prefecture_of.update({code: code for code in prefectures})
    for code in prefectures:
        for office in PREFECTURE_OFFICES:
            Department.objects.get_or_create(region=regions[code], name=f"{regions[code].name}{office}")
    for code in county_departments:
        for office in COUNTY_OFFICES:
            Department.objects.get_or_create(region=regions[code], name=f"{regions[code].name}{office}")
    departments = {}
    for department in Department.objects.filter(region_id__in=list(regions)).select_related("region"):
        office = department.name.removeprefix(department.region.name)
        departments[(department.region_id, office)] = department.pk
    write_database(enterprise_count, counties=counties)
    enterprises = list(
        Enterprise.objects.filter(region_id__in=[c for c, _ in counties])
        .order_by("id")
        .values_list("id", "region_id", "name")
    )
    categories = dict(CaseCategory.objects.filter(parent=None).values_list("name", "pk"))
    return Places(counties, prefecture_of, departments, enterprises, categories)


def users(places: Places) -> None:
    from zhuqi.core.roles import Role
    from zhuqi.directory.models import User

    wanted = []
    for code in sorted(set(places.prefecture_of.values())):
        wanted.append(User(username=f"bench-coordinator-{code}", role=Role.COORDINATOR, region_id=code))
        wanted.append(User(username=f"bench-leader-{code}", role=Role.LEADER, region_id=code))
    for code, _ in places.counties:
        wanted.append(User(username=f"bench-coordinator-{code}", role=Role.COORDINATOR, region_id=code))
    for department_id in places.departments.values():
        for n in (1, 2):
            wanted.append(
                User(
                    username=f"bench-handler-{department_id}-{n}",
                    role=Role.HANDLER,
                    department_id=department_id,
                )
            )
    existing = set(User.objects.values_list("username", flat=True))
    fresh = [user for user in wanted if user.username not in existing]
    for user in fresh:
        user.set_password("bench")
    User.objects.bulk_create(fresh)


def write_cases(
    places: Places, count: int, due: int, batch: int = 5000, *, beside_existing: bool = False
) -> Counter[str]:
    """`beside_existing`: add to a database that has cases already (bench/load.py grows the demo)."""
    from zhuqi.cases.models import Case, CaseStep

    if Case.objects.exists() and not beside_existing:
        sys.exit("the database has cases already: generate into an empty one")
    cases = Cases(places)
    rng = cases.rng
    Through = Case.co_departments.through
    tally: Counter[str] = Counter()
    open_count = round(count * 0.13)
    started = time.perf_counter()

    def save(rows: list[dict[str, Any]], with_steps: bool) -> None:
        objects = [Case(**{k: v for k, v in row.items() if not k.startswith("_")}) for row in rows]
        bulk_insert(Case, objects)
        bulk_insert(
            Through,
            (
                Through(case_id=case.pk, department_id=row["_co"])
                for case, row in zip(objects, rows, strict=True)
                if row["_co"]
            ),
        )
        if with_steps:
            bulk_insert(
                CaseStep,
                (CaseStep(case_id=case.pk, **step) for case in objects for step in cases.steps(case)),
            )
        for case in objects:
            tally[case.status] += 1
            tally[f"timeliness {case.timeliness}"] += 1
        done = tally.total() // 2
        print(f"{done}/{count} cases, {time.perf_counter() - started:.0f} s", end="\r", flush=True)

    # The open cases: states first, then which of them the sweep at SWEEP_AT has work for.
    plan = []
    for _ in range(open_count):
        kind = rng.choices(["demand", "instruction", "hazard"], [70, 15, 15])[0]
        statuses = OPEN_STATUSES["demand" if kind == "demand" else "other"]
        plan.append([kind, rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0], ""])
    working = [p for p in plan if p[1] in ("assigned", "in_progress")]
    answered = [p for p in plan if p[1] == "answered"]
    chosen = rng.sample(working, round(due * 0.9))
    for index, entry in enumerate(chosen):
        entry[2] = "amber" if index < due * 0.4 else ("red" if index < due * 0.65 else "again")
    for entry in rng.sample(answered, round(due * 0.1)):
        entry[2] = "close"
    pending: list[dict[str, Any]] = []
    for kind, status, bucket in plan:
        pending.append(cases.open_case(kind, status, bucket))
        if len(pending) >= batch:
            save(pending, with_steps=True)
            pending.clear()
    save(pending, with_steps=True)
    pending.clear()
    for _ in range(count - open_count):
        pending.append(cases.finished())
        if len(pending) >= batch:
            save(pending, with_steps=False)
            pending.clear()
    save(pending, with_steps=False)
    print()
    return tally


def remember_sweep_state() -> int:
    """Keep the columns the sweep changes, for every case it may touch at SWEEP_AT, so
    cases_bench.py can put them back before each timed run."""
    from django.db import connection

    from zhuqi.cases.models import Case

    touched = (
        Case.objects.filter(due_at__lt=SWEEP_AT)
        | Case.objects.filter(amber_at__lte=SWEEP_AT)
        | Case.objects.filter(auto_close_at__lte=SWEEP_AT)
    ).values_list("pk", flat=True)
    sql, params = touched.query.sql_with_params()
    columns = (
        "id, status, timeliness, working_days_late, escalation_level, escalated_at, flagged_for_notice, "
        "closure, closed_at, auto_close_at, version"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_sweep_before")
        cursor.execute(
            f"CREATE TABLE bench_sweep_before AS SELECT {columns} FROM cases_case WHERE id IN ({sql})", params
        )
        cursor.execute("SELECT count(*) FROM bench_sweep_before")
        return int(cursor.fetchone()[0])


def analyse() -> None:
    """Vacuum and planner statistics, as autovacuum gives a deployed PostgreSQL (it is off on
    the benchmark server). SQLite is left as Django leaves it: no ANALYZE."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=20_000, help="open cases the sweep at SWEEP_AT changes")
    args = parser.parse_args()
    setup_django("cases-sqlite")
    started = time.perf_counter()
    where = places(args.enterprises)
    users(where)
    print(f"{len(where.departments)} departments, {len(where.enterprises)} enterprises")
    tally = write_cases(where, args.cases, args.due)
    print(", ".join(f"{key} {value}" for key, value in sorted(tally.items())))
    print(f"sweep baseline: {remember_sweep_state()} cases")
    rebuild_derived()
    analyse()
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
