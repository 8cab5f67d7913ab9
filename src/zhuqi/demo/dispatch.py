"""The demo's dispatch meetings (调度会) and economic figures, after report 004: 王莉霞, 内蒙古
自治区政府主席, hears the chiefs of the region's key industrial chains at the 自治区重点产业链链长
第一次调度会 and gives her requirements; the 晋位升级第一场工作调度会 follows with her seven
requirements (抓总量、比块头 … 抓环境、比服务).

Around it, the region's weekly series (all of scope "region 150000", so each meeting opens with
where the last one's decisions stand):

- 自治区经济运行周调度会, 14 and 7 days before the chain chiefs' meeting (made up: the report does
  not give them), with decisions the departments have since signed for, reported done, or not
  touched (one late);
- 自治区重点产业链链长第一次调度会 (report 004), its decisions the requirements she gave;
- 晋位升级第一场工作调度会 a week later (the report holds it the next day; the demo a week later, so
  the series reads weekly), its decisions three of her seven requirements.

The dates are the demo's, not the report's (20 and 21 February 2023): the chain chiefs' meeting is
held on the Monday of last week, so the next one is this week's and every step lies in the past.
Each decision is an instruction case given to a department of the region (the chains' lead
departments of demo/chains.py, and the 住建厅 the report names); two handler accounts of the
region's departments (自治区工信厅, 自治区能源局) sign for and report on theirs, the admin checks
them off.

Economic figures: the region's GDP and growth by quarter, its industrial value added, fixed-asset
investment, retail sales and budget revenue by month (year to date, as published), with targets,
and the same figures of the other western provinces (西部12省区市, the peers the region measures
itself against) so the cockpit ranks it — in the middle, where report 004 wants it ("把经济总量做到
全国中游水平"; the region ranks 21st nationally). Only the 6% growth target is the report's (the
2023 《政府工作报告》: 地区生产总值增长6%左右); every other figure is illustrative, made up, and
marked so below.

Everything through the services (dispatch.services, cases.services), on the demo's clock."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case
from zhuqi.chains.models import Chain
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.demo import clock
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.dispatch import services
from zhuqi.dispatch.models import AttendeeRole, Indicator, Meeting, MeetingDecision
from zhuqi.dispatch.services import AttendeeData, DecisionData, EconomicFigureData, MeetingData

SOURCE = "demo"
REGION = "150000"
CHAIR = "王莉霞"
# Her post as report 004 writes it ("内蒙古自治区政府主席王莉霞").
CHAIR_POSTS = "内蒙古自治区政府主席"

# Handler accounts of two of the region's departments, so the decisions given to them move on
# (only the lead department signs for an instruction and reports it done). Same password as the
# other demo accounts.
REGION_HANDLERS = [
    ("demo-region-industry", "自治区工信厅", "内蒙古自治区工业和信息化厅"),
    ("demo-region-energy", "自治区能源局", "内蒙古自治区能源局"),
]

REGION_OFFICE = ("demo-region-office", "自治区营商办")

NDRC = "内蒙古自治区发展和改革委员会"
INDUSTRY = "内蒙古自治区工业和信息化厅"
ENERGY = "内蒙古自治区能源局"
HOUSING = "内蒙古自治区住房和城乡建设厅"
GRASSLAND = "内蒙古自治区林业和草原局"

# Report 004, the chain chiefs' meeting (2月20日), in its own words.
CHAINS_SUMMARY = (
    "邀请黄峰、赵武壮、张合成、陈建光4位国内知名专家指导，与大家一起捋问题、理思路、想对策，"
    "逐一分析研究推动重点产业链做大做强。各产业链链长通过图表、数据进行汇报，并展示各产业链的全景图、"
    "招商远景图、重点项目库、关联客户库和龙头企业表、配套企业表。\n"
    "王莉霞表示，必须把产业链建设摆在重要位置，紧抓、抓紧，实做、做实。要科学谋划、大干快上，"
    "坚持缺什么补什么、扭住链主企业精准抓招商，把16条重点产业链都做起来。同时，各位链长要快节奏推进"
    "项目落地，逢山开路、遇水架桥。"
)
# Report 004, the 晋位升级 meeting (2月21日), in its own words.
RISE_SUMMARY = (
    "自治区发改委就推动实现经济总量晋位升级作专题报告，自治区能源局、工信厅、住建厅分别汇报了本领域"
    "追赶超越目标和具体措施。\n"
    "王莉霞指出，要树立雄心壮志做大经济总量、提高发展质量，真抓实干、紧抓快干。一是抓总量、比块头，"
    "推动农牧业做大做强、工业聚链成群、建筑业强筋壮骨、服务业提质增效；二是抓结构、比质量，在转方式"
    "调结构上下功夫；三是抓招商、比落地，坚持管行业必须管产业、管招商，各厅局长要带盟市、帮企业、"
    "推项目，每周都要有新进展；四是抓项目、比进度，不遗余力推动谋划的项目在上半年全部开工；五是抓企业、"
    "比体量，国有企业和民营企业都要做大做强，引进企业要抓好落地；六是抓节约、比效益，促进粗放式发展"
    "方式向精细化管理转变；七是抓环境、比服务，不断提高政府效能，持续提升政务服务水平，服务好不好由"
    "企业和群众说了算。"
)
# Made up: the report does not describe the weekly meetings before.
WEEKLY_SUMMARY = "通报全区经济运行和重点项目、重点产业链推进情况，研究解决存在的问题，部署下一步工作。"

# The western provinces the region compares itself with (西部12省区市, 内蒙古 among them).
# ILLUSTRATIVE, made up (not from the report): each one's GDP for the year (亿元; a quarter's
# year-to-date figure is a share of it) and its level of each growth indicator (%, year to date),
# varied a little by period below; chosen so the region falls mid-table (its GDP, 25,600, sixth of
# twelve).
GROWTHS = (
    Indicator.GDP_GROWTH,
    Indicator.INDUSTRY_GROWTH,
    Indicator.INVESTMENT_GROWTH,
    Indicator.RETAIL_GROWTH,
    Indicator.REVENUE_GROWTH,
)
PEERS: dict[str, tuple[str, int, tuple[float, ...]]] = {
    # code: (name, GDP, growths in the order of GROWTHS)
    "510000": ("四川省", 64_000, (5.9, 6.4, 3.5, 6.2, 5.8)),
    "610000": ("陕西省", 36_000, (5.0, 5.2, 1.0, 4.5, 4.0)),
    "500000": ("重庆市", 33_500, (6.0, 7.0, 4.0, 5.8, 4.2)),
    "530000": ("云南省", 32_500, (4.8, 4.5, -5.0, 4.0, 2.5)),
    "450000": ("广西壮族自治区", 29_500, (4.7, 5.5, -1.5, 3.5, 3.2)),
    "520000": ("贵州省", 23_000, (5.3, 6.0, -2.0, 4.8, 3.0)),
    "650000": ("新疆维吾尔自治区", 20_500, (6.6, 7.8, 10.5, 6.5, 9.0)),
    "620000": ("甘肃省", 13_000, (6.2, 7.5, 8.0, 6.0, 6.5)),
    "640000": ("宁夏回族自治区", 5_800, (6.3, 8.5, 6.0, 4.2, 5.0)),
    "630000": ("青海省", 4_100, (5.1, 6.5, 9.5, 3.8, 7.5)),
    "540000": ("西藏自治区", 2_800, (7.8, 9.0, 12.0, 7.0, 8.0)),
}
GDP_SHARE = {1: 0.22, 2: 0.46, 3: 0.70, 4: 1.0}  # a quarter's year to date of the year's GDP

# ILLUSTRATIVE: the region's own figures, oldest period first (three quarters, four months).
OWN_GDP_YEAR = 25_600  # 亿元
OWN_GDP_GROWTH = [5.6, 5.8, 5.9]
OWN_MONTHLY = {
    Indicator.INDUSTRY_GROWTH: [6.5, 6.8, 7.1, 7.2],
    Indicator.INVESTMENT_GROWTH: [8.2, 8.6, 9.0, 9.3],  # under its target: a decision is about it
    Indicator.RETAIL_GROWTH: [5.3, 5.1, 5.2, 5.4],
    Indicator.REVENUE_GROWTH: [7.1, 6.8, 6.5, 6.2],
}
OWN_RETAIL_YEAR = 5_600  # 亿元
OWN_REVENUE_YEAR = 3_300  # 亿元; the budget (target) for the year 3,350
OWN_REVENUE_BUDGET = 3_350
# Targets: the 6% of GDP growth is the report's (2023 《政府工作报告》: 增长6%左右); the others are
# ILLUSTRATIVE.
GDP_GROWTH_TARGET = "6"
TARGETS = {
    Indicator.INDUSTRY_GROWTH: "7",
    Indicator.INVESTMENT_GROWTH: "10",
    Indicator.RETAIL_GROWTH: "5",
    Indicator.REVENUE_GROWTH: "6",
}


def load(
    *, users: dict[str, User], officials: dict[str, Official], departments: dict[str, Department]
) -> dict[str, int]:
    today = timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    held = this_monday - datetime.timedelta(weeks=1)  # the chain chiefs' meeting: last week's Monday
    admin = users["demo-admin"]
    counts = {"meetings": 0, "meeting_decisions": 0, "economic_figures": 0}

    def day(offset: int) -> datetime.date:
        return held + datetime.timedelta(days=offset)

    with clock.on(day(-15)):
        handlers = {
            department: directory_services.user_create(
                actor=admin,
                username=username,
                password=_demo_password(),
                role=Role.HANDLER,
                display_name=display_name,
                department=departments[department],
                source=SOURCE,
            )
            for username, display_name, department in REGION_HANDLERS
        }
        # The region's office, whose jurisdiction holds these meetings: the account to open the
        # cockpit, the meetings and the briefings with (the city and county accounts see their own).
        directory_services.user_create(
            actor=admin,
            username=REGION_OFFICE[0],
            password=_demo_password(),
            role=Role.COORDINATOR,
            display_name=REGION_OFFICE[1],
            region=Region.objects.get(pk=REGION),
            source=SOURCE,
        )
    series = _Series(admin, officials[CHAIR], departments, handlers)

    # Two weeks before: the weekly meeting (made up).
    first = series.meeting(
        day(-14),
        title="自治区经济运行周调度会",
        summary=WEEKLY_SUMMARY,
        department_names=[NDRC, INDUSTRY, ENERGY],
    )
    walked = series.decide(
        first,
        "对重点产业链链主企业逐户走访，摸清扩产和配套需求",
        INDUSTRY,
        deadline=day(-4),
        description="自治区工信厅牵头，会同各产业链牵头部门逐户走访链主企业，形成需求清单。",
    )
    grid = series.decide(
        first,
        "协调解决风光制氢一体化示范项目并网接入问题",
        ENERGY,
        deadline=day(4),
        description="自治区能源局牵头，协调电网企业明确接入方案和时间。",
    )
    series.start(walked, day(-13))
    series.report(walked, day(-10), "已走访链主企业46户，梳理扩产和配套需求83项，清单已印发各链牵头部门。")
    series.check(walked, day(-9))
    series.start(grid, day(-12))

    # A week before: the weekly meeting again (made up); opens with the first one's decisions.
    second = series.meeting(
        day(-7),
        title="自治区经济运行周调度会",
        summary=WEEKLY_SUMMARY,
        department_names=[NDRC, INDUSTRY, ENERGY],
    )
    charts = series.decide(
        second,
        "编制各重点产业链全景图、招商远景图和重点项目库，在链长调度会上汇报",
        INDUSTRY,
        deadline=day(-3),
        description="各产业链牵头部门编制全景图、招商远景图、重点项目库、关联客户库和龙头企业表、配套企业表，"
        "自治区工信厅汇总。",
    )
    ledger = series.decide(
        second,
        "与中国大唐集团、东方电气的战略合作项目逐项建立推进台账",
        ENERGY,
        deadline=day(10),
        description="对2月签署的战略合作协议涉及的风电、光伏、绿电制氢和新能源装备项目逐项明确责任单位和时间节点。",
    )
    # Given and not signed for: late by the chain chiefs' meeting.
    series.decide(
        second,
        "固定资产投资增速低于目标，逐盟市分析原因并提出措施",
        NDRC,
        deadline=day(-3),
        description="自治区发改委牵头，逐盟市分析投资增速低于目标的原因，提出加快项目开工和入库的措施。",
    )
    series.start(charts, day(-6))
    series.start(ledger, day(-5))
    series.report(
        charts, day(-3), "16条重点产业链的全景图、招商远景图、重点项目库和企业表已编制完成，报链长审定。"
    )

    # Report 004: the chain chiefs report to the chairwoman; her requirements are its decisions.
    chains = list(
        Chain.objects.filter(region_id=REGION, chief__isnull=False)
        .select_related("chief")
        .order_by("position", "pk")
    )
    chiefs: dict[int, tuple[Official, str, list[str]]] = {}
    for chain in chains:
        assert chain.chief is not None
        chiefs.setdefault(chain.chief.pk, (chain.chief, chain.chief_title, []))[2].append(chain.name)
    reporting = [
        # The report names none of the chiefs: the demo's (demo/chains.py), with their chains.
        AttendeeData(
            official_id=official.pk,
            posts=f"{title}，{'、'.join(names)}链长",
            role=AttendeeRole.REPORTING,
        )
        for official, title, names in chiefs.values()
    ]
    report = series.meeting(
        held,
        title="自治区重点产业链链长第一次调度会",
        summary=CHAINS_SUMMARY,
        department_names=[NDRC, INDUSTRY, ENERGY, GRASSLAND],
        attendees=reporting,
    )
    series.topic(
        report,
        "专家指导",
        "邀请黄峰、赵武壮、张合成、陈建光4位国内知名专家指导，逐一分析研究推动重点产业链做大做强。",
    )
    series.topic(
        report,
        "各产业链链长汇报",
        "展示各产业链的全景图、招商远景图、重点项目库、关联客户库和龙头企业表、配套企业表。",
    )
    gaps = series.decide(
        report,
        "对照产业链全景图缺什么补什么，形成重点产业链补链延链招商清单",
        INDUSTRY,
        deadline=day(30),
        description="坚持缺什么补什么，各产业链对照全景图梳理缺失和薄弱环节，形成补链延链招商清单。",
    )
    series.decide(
        report,
        "扭住链主企业精准抓招商，每条重点产业链明确目标链主企业并逐户对接",
        NDRC,
        deadline=day(45),
        description="扭住链主企业精准抓招商，各产业链明确目标链主企业，链长带队逐户对接。",
        co_department_names=[INDUSTRY],
    )
    projects = series.decide(
        report,
        "快节奏推进光伏装备、氢能产业链重点项目落地",
        ENERGY,
        deadline=day(18),
        description="各位链长要快节奏推进项目落地，逢山开路、遇水架桥，重点项目逐项明确开工时间。",
    )
    all_chains = series.decide(
        report,
        "把16条重点产业链都做起来，逐条明确链长、牵头部门和工作专班",
        INDUSTRY,
        deadline=day(4),
        description="把16条重点产业链都做起来：尚未建立工作机制的产业链逐条明确链长、牵头部门和工作专班。",
    )
    series.check(charts, day(1))
    series.start(projects, day(1))
    series.start(all_chains, day(1))
    series.start(gaps, day(2))
    series.report(all_chains, day(3), "16条重点产业链已全部明确链长、牵头部门和工作专班，印发工作方案。")
    series.check(all_chains, day(4))

    # A week later: 晋位升级 (report 004 holds it the next day); three of her seven requirements.
    rise = series.meeting(
        day(7),
        title="晋位升级第一场工作调度会",
        summary=RISE_SUMMARY,
        department_names=[NDRC, ENERGY, INDUSTRY, HOUSING],
    )
    series.decide(
        rise,
        "不遗余力推动谋划的项目上半年全部开工，逐项排出开工时间表",
        NDRC,
        deadline=day(67),
        description="抓项目、比进度：谋划的项目逐项排出开工时间表，上半年全部开工。",
    )
    series.decide(
        rise,
        "各厅局长带盟市、帮企业、推项目，每周报送新进展",
        INDUSTRY,
        deadline=day(21),
        description="抓招商、比落地：坚持管行业必须管产业、管招商，各厅局长带盟市、帮企业、推项目，每周都要有新进展。",
    )
    series.decide(
        rise,
        "推动建筑业强筋壮骨，梳理在建项目和建筑业企业资质升级需求",
        HOUSING,
        deadline=day(37),
        description="抓总量、比块头：推动建筑业强筋壮骨，支持本地建筑业企业做大做强。",
    )
    counts["meetings"] = len(series.meetings)
    counts["meeting_decisions"] = MeetingDecision.objects.filter(meeting__in=series.meetings).count()
    counts["economic_figures"] = _economic_figures(admin, today)
    return counts


def _demo_password() -> str:
    from zhuqi.demo.dataset import DEMO_PASSWORD  # dataset imports this module

    return DEMO_PASSWORD


class _Series:
    """The region's meetings chaired by 王莉霞, written by the admin, and the steps the
    departments take on their decisions, each on its day."""

    def __init__(
        self,
        admin: User,
        chair: Official,
        departments: dict[str, Department],
        handlers: dict[str, User],
    ) -> None:
        self.admin, self.chair, self.departments, self.handlers = admin, chair, departments, handlers
        self.meetings: list[Meeting] = []

    def meeting(
        self,
        held_on: datetime.date,
        *,
        title: str,
        summary: str,
        department_names: list[str],
        attendees: list[AttendeeData] | None = None,
    ) -> Meeting:
        with clock.on(held_on, hour=9):
            meeting = services.meeting_create(
                actor=self.admin,
                data=MeetingData(
                    title=title,
                    held_on=held_on,
                    region_code=REGION,
                    chair_id=self.chair.pk,
                    chair_posts=CHAIR_POSTS,
                    department_ids=[self.departments[name].pk for name in department_names],
                    attendees=attendees or [],
                    summary=summary,
                ),
                source=SOURCE,
            )
        self.meetings.append(meeting)
        return meeting

    def topic(self, meeting: Meeting, title: str, detail: str) -> None:
        meeting.refresh_from_db()
        with clock.on(meeting.held_on, hour=9):
            services.agenda_item_add(
                actor=self.admin,
                meeting_id=meeting.pk,
                expected_version=meeting.version,
                title=title,
                detail=detail,
                source=SOURCE,
            )

    def decide(
        self,
        meeting: Meeting,
        title: str,
        lead: str,
        *,
        deadline: datetime.date,
        description: str,
        co_department_names: list[str] | None = None,
    ) -> Case:
        meeting.refresh_from_db()
        with clock.on(meeting.held_on, hour=11):
            decision = services.decision_add(
                actor=self.admin,
                meeting_id=meeting.pk,
                expected_version=meeting.version,
                data=DecisionData(
                    title=title,
                    lead_department_id=self.departments[lead].pk,
                    deadline=deadline,
                    description=description,
                    co_department_ids=[self.departments[name].pk for name in co_department_names or []],
                ),
                source=SOURCE,
            )
        return decision.case

    def _step(self, name: str, case: Case, actor: User, on: datetime.date, **kwargs: Any) -> None:
        case.refresh_from_db()
        with clock.on(on, hour=10 if name == "start" else 15):
            getattr(case_services, f"case_{name}")(
                actor=actor, case_id=case.pk, expected_version=case.version, source=SOURCE, **kwargs
            )

    def start(self, case: Case, on: datetime.date) -> None:
        """The lead department signs for it (签收)."""
        self._step("start", case, self._handler(case), on)

    def report(self, case: Case, on: datetime.date, text: str) -> None:
        """The lead department reports it done (报告完成)."""
        self._step("report_completion", case, self._handler(case), on, report=text)

    def check(self, case: Case, on: datetime.date) -> None:
        """The office accepts the report (验收办结)."""
        self._step("verify", case, self.admin, on, passed=True)

    def _handler(self, case: Case) -> User:
        return next(user for user in self.handlers.values() if user.department_id == case.lead_department_id)


def _economic_figures(admin: User, today: datetime.date) -> int:
    """The region's figures and its peers' for the last three finished quarters and four
    finished months, each entered (on the demo's clock) about a fortnight after its period ends,
    or today if that is still to come. ILLUSTRATIVE apart from the 6% growth target."""
    rng = random.Random(20230220)
    quarters = [Period.containing("quarter", today).previous()]
    while len(quarters) < 3:
        quarters.insert(0, quarters[0].previous())
    months = [Period.containing("month", today).previous()]
    while len(months) < 4:
        months.insert(0, months[0].previous())
    written = 0

    def put(period: Period, region: str, indicator: str, value: float, **extra: Any) -> None:
        nonlocal written
        with clock.on(min(period.end + datetime.timedelta(days=15), today), hour=10):
            services.economic_figure_set(
                actor=admin,
                data=EconomicFigureData(
                    region_code=region,
                    indicator=indicator,
                    period=period.key,
                    value=Decimal(str(round(value, 2))),
                    **extra,
                ),
                source=SOURCE,
            )
        written += 1

    def quarter_share(period: Period) -> float:
        return GDP_SHARE[(period.end.month - 1) // 3 + 1]

    for index, quarter in enumerate(quarters):
        put(quarter, REGION, Indicator.GDP, OWN_GDP_YEAR * quarter_share(quarter))
        put(
            quarter,
            REGION,
            Indicator.GDP_GROWTH,
            OWN_GDP_GROWTH[index],
            target=GDP_GROWTH_TARGET,
            note="目标：地区生产总值增长6%左右（《政府工作报告》）",
        )
        for code, (_, year, growths) in PEERS.items():
            put(
                quarter,
                code,
                Indicator.GDP,
                year * quarter_share(quarter) * rng.uniform(0.99, 1.01),
                compared_for_code=REGION,
            )
            put(
                quarter,
                code,
                Indicator.GDP_GROWTH,
                growths[0] + rng.uniform(-0.3, 0.3),
                compared_for_code=REGION,
            )
    for index, month in enumerate(months):
        share = month.end.month / 12
        put(month, REGION, Indicator.RETAIL, OWN_RETAIL_YEAR * share)
        put(
            month,
            REGION,
            Indicator.REVENUE,
            OWN_REVENUE_YEAR * share,
            target=str(round(OWN_REVENUE_BUDGET * share, 2)),
        )
        for indicator, values in OWN_MONTHLY.items():
            put(month, REGION, indicator, values[index], target=TARGETS[indicator])
            column = GROWTHS.index(indicator)
            for code, (_, _, growths) in PEERS.items():
                put(
                    month, code, indicator, growths[column] + rng.uniform(-0.4, 0.4), compared_for_code=REGION
                )
    return written
