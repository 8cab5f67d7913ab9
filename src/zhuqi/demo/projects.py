"""The demo's key projects and agreements.

The projects are those of the sample report 000 (孟宪东 in Huolinguole: 联晟高端铝箔, 金源阳光伏,
增量配电网, 腾远环保大修渣, 靖帆铝版基) plus generated ones across Tongliao; the agreements are the
four of report 004 (交通银行, 中国商飞, 中国大唐集团, 东方电气) with their real amounts, plus a
few local ones. Everything goes through the services with the clock set back week by week, so
stages, reports, the cases their problems opened and the audit trail agree with one another.
The dates are the demo's, not the reports' (which are from 2022–2023): the library is this year's.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from zhuqi.cases.models import CaseCategory
from zhuqi.chains.models import Chain
from zhuqi.demo import clock
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.investment import services as investment_services
from zhuqi.investment.services import AgreementData
from zhuqi.projects import chain_names, periods, selectors, services
from zhuqi.projects.models import Project
from zhuqi.projects.services import MilestoneData, ProblemData, ProjectData, ReportData


def _weeks_back(today: datetime.date, weeks: int) -> list[datetime.date]:
    """The Mondays of the last `weeks` finished weeks, oldest first."""
    last = periods.last_finished_period("weekly", today)
    return [last.start - datetime.timedelta(weeks=n) for n in reversed(range(weeks))]


def load(
    *, actor: User, users: dict[str, User], departments: dict[str, Department], officials: dict[str, Official]
) -> dict[str, int]:
    today = timezone.localdate()
    year = today.year
    coordinator = users["demo-coordinator"]
    enterprise_user = users["demo-enterprise"]
    admin = users["demo-admin"]
    enterprises = {e.short_name: e for e in Enterprise.objects.exclude(short_name="")}
    industry = departments["霍林郭勒市工业和信息化局"]
    development = departments["霍林郭勒市发展和改革委员会"]
    environment = departments["霍林郭勒市生态环境局"]
    categories = {c.name: c for c in CaseCategory.objects.filter(parent=None)}
    early = datetime.date(year, 1, 5)

    with clock.on(early):
        listing = services.project_list_save(
            actor=coordinator,
            name=f"{year}年霍林郭勒市重点项目",
            region_code="150581",
            level="city",
            year=year,
            source="demo",
        )

        def add(**values: object) -> Project:
            data = ProjectData(
                name=str(values.pop("name")),
                region_code=str(values.pop("region_code", "150581")),
                total_investment=values.pop("total_investment"),
                listed_year=year,
                project_list_id=listing.pk if values.pop("listed", True) else None,
            )
            for name, value in values.items():
                setattr(data, name, value)
            return services.project_create(actor=coordinator, data=data, source="demo")

        foil = add(
            name="联晟新材料高端铝箔项目",
            code=f"{year - 1}-150581-32-03-000118",
            owner_id=enterprises["联晟新材料"].pk,
            # As the list writes it; linked once the chain exists (link_chains).
            chain="铝",
            category="industrial",
            level="provincial",
            content="年产 20 万吨高端电池铝箔、食品药品包装铝箔，建设冷轧、箔轧、分切生产线及配套设施。",
            total_investment="300000",
            annual_plan="80000",
            responsible_leader_id=officials["孟宪东"].pk,
            responsible_department_id=industry.pk,
            planned_started_on=datetime.date(year, 3, 1),
            planned_completed_on=datetime.date(year, 10, 31),
            planned_producing_on=datetime.date(year, 12, 31),
        )
        solar = add(
            name="金源阳光伏发电项目",
            owner_name="霍林郭勒市金源阳新能源有限公司",
            chain="光伏装备",
            category="energy",
            level="city",
            content="建设 20 万千瓦光伏电站及配套升压站、储能设施。",
            total_investment="120000",
            annual_plan="90000",
            responsible_department_id=development.pk,
            planned_started_on=datetime.date(year, 4, 15),
            planned_producing_on=datetime.date(year, 12, 20),
        )
        grid = add(
            name="霍林郭勒市增量配电网项目",
            owner_name="霍林郭勒市城市投资有限公司",
            category="infrastructure",
            level="city",
            content="新建 220 千伏变电站 1 座及配套线路，为工业园区铝产业提供低价绿电。",
            total_investment="85000",
            annual_plan="30000",
            responsible_department_id=development.pk,
            planned_started_on=datetime.date(year, 8, 31),
            planned_completed_on=datetime.date(year + 1, 9, 30),
        )
        slag = add(
            name="腾远环保大修渣无害化处理及综合利用项目",
            owner_id=enterprises["腾远环保"].pk,
            category="ecology",
            level="city",
            content="年处理电解铝大修渣 5 万吨，无害化处理后综合利用。",
            total_investment="26000",
            annual_plan="20000",
            responsible_department_id=environment.pk,
            planned_started_on=datetime.date(year, 5, 1),
            planned_completed_on=datetime.date(year, 11, 30),
        )
        plate = add(
            name="靖帆铝版基项目",
            owner_id=enterprises["靖帆铝版基"].pk,
            chain="铝产业链",
            category="industrial",
            level="city",
            content="年产 10 万吨 PS/CTP 印刷铝版基。",
            total_investment="45000",
            annual_plan="15000",
            responsible_department_id=industry.pk,
            planned_started_on=datetime.date(year - 1, 9, 1),
            planned_completed_on=datetime.date(year, 6, 30),
            planned_producing_on=datetime.date(year, 8, 31),
        )
        services.milestones_save(
            actor=coordinator,
            project_id=foil.pk,
            expected_version=foil.version,
            milestones=[
                MilestoneData(name="土地及规划手续", planned_on=datetime.date(year, 2, 15), kind="land"),
                MilestoneData(name="主体厂房封顶", planned_on=datetime.date(year, 7, 31), kind="main_works"),
                MilestoneData(
                    name="冷轧、箔轧设备安装", planned_on=datetime.date(year, 10, 31), kind="equipment"
                ),
                MilestoneData(name="试生产", planned_on=datetime.date(year, 12, 15), kind="trial_production"),
            ],
            source="demo",
        )
        services.milestones_save(
            actor=coordinator,
            project_id=grid.pk,
            expected_version=grid.version,
            milestones=[
                MilestoneData(
                    name="接入系统方案批复", planned_on=datetime.date(year, 6, 30), kind="approvals"
                ),
                MilestoneData(name="开工建设", planned_on=datetime.date(year, 8, 31), kind="groundbreaking"),
            ],
            source="demo",
        )

    def stage(project: Project, to: str, on: datetime.date, reason: str = "") -> None:
        if on >= today:
            return  # early in a year the demo's later stages have not happened yet
        with clock.on(on):
            project.refresh_from_db()
            services.project_change_stage(
                actor=coordinator,
                project_id=project.pk,
                expected_version=project.version,
                to_stage=to,
                on=on,
                reason=reason,
                source="demo",
            )

    stage(foil, "preparing", datetime.date(year, 1, 20))
    stage(foil, "started", datetime.date(year, 3, 18))
    stage(solar, "preparing", datetime.date(year, 2, 10))
    stage(solar, "started", datetime.date(year, 5, 6))
    stage(grid, "preparing", datetime.date(year, 3, 1))
    stage(slag, "started", datetime.date(year, 5, 20))
    stage(plate, "started", datetime.date(year, 1, 8))
    stage(plate, "completed", datetime.date(year, 6, 28))
    stage(plate, "producing", datetime.date(year, 8, 26))

    def report(
        project: Project,
        monday: datetime.date,
        amount: int,
        text: str,
        by: User,
        problems: list[ProblemData] | None = None,
        milestones_done: list[tuple[int, datetime.date | None]] | None = None,
    ) -> None:
        with clock.on(monday + datetime.timedelta(days=4)):
            data = ReportData(
                period_start=monday,
                progress=text,
                investment_this_period=str(amount),
                next_step="按节点计划推进",
                problems=problems or [],
                milestones_done=milestones_done or [],
            )
            services.report_submit(actor=by, project_id=project.pk, data=data, source="demo")

    roof = foil.milestones.get(name="主体厂房封顶")
    foil_weeks = _weeks_back(today, 10)
    foil_steps = [
        "钢结构吊装",
        "屋面板安装",
        "主体厂房封顶",
        "箔轧机基础施工",
        "设备到货验收",
        "冷轧机安装",
        "箔轧机安装",
        "分切线安装",
        "电气调试",
        "单机试车",
    ]
    for index, (monday, step) in enumerate(zip(foil_weeks, foil_steps, strict=True)):
        report(
            foil,
            monday,
            3500 + 300 * index,
            f"本周完成{step}。",
            enterprise_user,
            problems=[
                ProblemData(
                    title="设备进口付汇额度不足，箔轧机尾款支付受阻",
                    description=(
                        "德国进口箔轧机尾款 3200 万元需付汇，企业流动资金紧张，请协调银行提供流动资金贷款。"
                    ),
                    category_id=categories["融资"].pk,
                )
            ]
            if index == 6
            else None,
            milestones_done=[(roof.pk, monday + datetime.timedelta(days=2))] if index == 2 else None,
        )
    for monday in _weeks_back(today, 8):
        report(solar, monday, 2600, "光伏支架及组件安装推进，升压站土建施工。", coordinator)
    # 腾远环保 stopped reporting three weeks ago and is behind its plan: two flags on the demo.
    for monday in _weeks_back(today, 8)[:5]:
        report(slag, monday, 400, "大修渣预处理车间设备安装。", coordinator)
    for monday in _weeks_back(today, 4):
        report(grid, monday, 300, "接入系统方案报批，施工招标文件编制。", coordinator)

    rng = random.Random(20260214)
    generated = _generated(actor=admin, rng=rng, year=year)

    agreements = _agreements(
        admin=admin,
        coordinator=coordinator,
        officials=officials,
        foil=foil,
        grid=grid,
        year=year,
        liansheng=enterprises["联晟新材料"],
    )
    return {"projects": 5 + generated, "agreements": agreements}


# (name, category, the chain as the county's list writes it). 风电装备 names no chain of the demo:
# it stays as written, in the library's 产业链未匹配 list.
GENERATED_NAMES = [
    ("年产 5 万吨再生铝项目", "industrial", ""),
    ("风电装备制造基地项目", "industrial", "风电装备"),
    ("500 兆瓦风电项目", "energy", ""),
    ("源网荷储一体化项目", "energy", ""),
    ("工业园区污水处理厂提标改造项目", "ecology", ""),
    ("冷链物流园项目", "services", ""),
    ("肉牛养殖及屠宰加工项目", "agriculture", ""),
    ("老旧小区改造项目", "social", ""),
    ("国道改扩建工程", "infrastructure", ""),
    ("绿电制氢示范项目", "energy", "氢能"),
    ("铝合金型材深加工项目", "industrial", ""),
    ("蒙中药材种植加工项目", "agriculture", "生物医药产业链"),
]


def _generated(*, actor: User, rng: random.Random, year: int) -> int:
    """A dozen projects spread over Tongliao's counties, in every stage, for the leader's view."""
    counties = list(Region.objects.filter(parent_id="150500").exclude(name="市辖区").order_by("code"))
    count = 0
    for index, (name, category, chain) in enumerate(GENERATED_NAMES):
        county = counties[index % len(counties)]
        planned_start = datetime.date(year, rng.randint(2, 10), rng.randint(1, 28))
        with clock.on(datetime.date(year, 1, 6)):
            project = services.project_create(
                actor=actor,
                data=ProjectData(
                    name=f"{county.name}{name}",
                    region_code=county.code,
                    total_investment=str(rng.choice([8000, 15000, 32000, 60000, 150000])),
                    listed_year=year,
                    category=category,
                    chain=chain,
                    level=rng.choice(["city", "county", "provincial"]),
                    planned_started_on=planned_start,
                    annual_plan=str(rng.choice([3000, 5000, 8000])),
                ),
                source="demo",
            )
        count += 1
        if planned_start < timezone.localdate() and rng.random() < 0.7:
            on = min(planned_start + datetime.timedelta(days=rng.randint(-10, 40)), timezone.localdate())
            with clock.on(on):
                project.refresh_from_db()
                services.project_change_stage(
                    actor=actor,
                    project_id=project.pk,
                    expected_version=project.version,
                    to_stage="started",
                    on=on,
                    source="demo",
                )
    return count


def _agreements(
    *,
    admin: User,
    coordinator: User,
    officials: dict[str, Official],
    foil: Project,
    grid: Project,
    year: int,
    liansheng: Enterprise,
) -> int:
    leaders = [officials[name].pk for name in ("孙绍骋", "王莉霞") if name in officials]
    report_004 = [
        AgreementData(
            title="内蒙古自治区人民政府与交通银行股份有限公司战略合作协议",
            kind="financing",
            counterparty_name="交通银行股份有限公司",
            our_party_name="内蒙古自治区人民政府",
            region_code="150000",
            signed_on=datetime.date(2023, 2, 15),
            place="呼和浩特",
            amount="1800",
            amount_unit="亿元",
            amount_nature="intended_financing",
            period="“十四五”期间",
            fields="制造业、绿色产业、现代能源、乡村振兴、智慧城市、新型城镇化、基础设施建设、奶业振兴",
            leader_ids=leaders,
            note="交通银行将为自治区提供总额不低于1800亿元的意向性融资支持。",
        ),
        AgreementData(
            title="内蒙古自治区人民政府与中国商用飞机有限责任公司战略合作协议",
            kind="strategic",
            counterparty_name="中国商用飞机有限责任公司",
            our_party_name="内蒙古自治区人民政府",
            region_code="150000",
            signed_on=datetime.date(2018, 6, 1),
            fields="航空产业",
            note="报道称双方于2018年签署战略合作协议（具体日期为演示数据）；2023年2月16日再次洽谈合作。",
        ),
        AgreementData(
            title="中国大唐集团有限公司与内蒙古自治区人民政府、内蒙古能源集团战略合作协议",
            kind="investment",
            counterparty_name="中国大唐集团有限公司",
            our_party_name="内蒙古自治区人民政府、内蒙古能源集团有限公司",
            region_code="150000",
            signed_on=datetime.date(2023, 2, 17),
            place="呼和浩特",
            amount="1000",
            amount_unit="亿元",
            amount_nature="planned_investment",
            period="未来五年",
            fields="风电、太阳能、绿电制氢、新型储能、清洁煤电、煤炭、煤化工、城镇供热",
            leader_ids=leaders,
        ),
        AgreementData(
            title="中国东方电气集团有限公司与内蒙古能源集团战略合作框架协议",
            kind="strategic",
            counterparty_name="中国东方电气集团有限公司",
            our_party_name="内蒙古能源集团有限公司",
            region_code="150000",
            signed_on=datetime.date(2023, 2, 18),
            place="呼和浩特",
            fields="新能源装备制造、技术研发、运维服务",
            leader_ids=leaders,
        ),
    ]
    with clock.on(datetime.date(year, 1, 10)):
        for data in report_004:
            investment_services.agreement_create(actor=admin, data=data, source="demo")
        local = investment_services.agreement_create(
            actor=coordinator,
            data=AgreementData(
                title="联晟新材料高端铝箔项目投资协议",
                kind="investment",
                counterparty_name=liansheng.name,
                # The registry's enterprise, not only its name: its own account then finds the
                # agreement (and counts it) under 合作协议.
                counterparty_id=liansheng.pk,
                our_party_name="霍林郭勒市人民政府",
                region_code="150581",
                signed_on=datetime.date(year - 1, 11, 8),
                amount="30",
                amount_unit="亿元",
                amount_nature="planned_investment",
            ),
            source="demo",
        )
        power = investment_services.agreement_create(
            actor=coordinator,
            data=AgreementData(
                title="增量配电网项目合作协议",
                kind="investment",
                counterparty_name="国网内蒙古东部电力有限公司",
                our_party_name="霍林郭勒市人民政府",
                region_code="150581",
                signed_on=datetime.date(year - 1, 12, 20),
                amount="8.5",
                amount_unit="亿元",
                amount_nature="planned_investment",
            ),
            source="demo",
        )
        investment_services.agreement_create(
            actor=coordinator,
            data=AgreementData(
                title="铝基新材料产业园招商协议",
                kind="investment",
                counterparty_name="某铝业集团（洽谈中）",
                our_party_name="霍林郭勒市人民政府",
                region_code="150581",
                signed_on=datetime.date(year - 1, 3, 15),
                amount="12",
                amount_unit="亿元",
                amount_nature="planned_investment",
            ),
            source="demo",
        )
        local = investment_services.agreement_link_projects(
            actor=coordinator,
            agreement_id=local.pk,
            expected_version=local.version,
            project_ids=[foil.pk],
            source="demo",
        )
        investment_services.agreement_link_projects(
            actor=coordinator,
            agreement_id=power.pk,
            expected_version=power.version,
            project_ids=[grid.pk],
            source="demo",
        )
    with clock.on(datetime.date(year, 6, 30)):
        investment_services.funds_record(
            actor=coordinator,
            agreement_id=local.pk,
            expected_version=local.version,
            on=datetime.date(year, 6, 30),
            amount="9.6",
            unit="亿元",
            note="项目资本金及银行贷款到位",
            source="demo",
        )
    return len(report_004) + 3


def link_chains(*, actor: User) -> int:
    """After the demo's chains are loaded (demo.chains, which comes after the projects): link the
    projects whose chain was written before it existed, as a person does from the library's
    产业链未匹配 list (services.projects_link_chain, audited). The projects linked."""
    linked = 0
    chains = chain_names.chain_refs(Chain.objects.all())
    for unmatched in selectors.unmatched_chain_names(user=None):
        done: set[int] = set()
        for region_code in unmatched.regions:
            found = chain_names.resolve(unmatched.name, region_code, chains).chain
            if found is not None and found.id not in done:
                done.add(found.id)
                linked += services.projects_link_chain(
                    actor=actor, chain_id=found.id, chain_name=unmatched.name, source="demo"
                )
    return linked
