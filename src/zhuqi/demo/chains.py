"""The demo's industrial chains: the four of the region that report 004 names (光伏装备, 氢能,
生物医药, 生态草: the chiefs reported on them to the region's chairwoman) and the aluminium chain of
霍林郭勒 that reports 000 and 001 walk through (锦联铝材 and 创源金属 smelting, 联晟新材料 rolling sheet
and foil, 靖帆铝版基 making printing-plate base), each loaded from the template zhuqi ships.

Members are the reports' enterprises where the reports place them, and generated enterprises of
the demo's registry chosen by their industry, spread over the segments with output values drawn
from their revenue. Some segments stay empty and a few weak, so the gaps show. Links run between
members and to outside enterprises; the outside names are made up, as are every figure and the
two chiefs of the region's chains (the report does not name them). Everything through the
services, on the demo's clock."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuqi.chains import loading, services
from zhuqi.chains.models import Chain, ItemKind, ItemStatus, Role
from zhuqi.demo import clock
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.enterprises.models import Enterprise

SOURCE = "demo"

# The region's chains: template, chief (made up), lead department, and which generated
# enterprises (by industry division) fill which segments, how many each. Segments not named stay
# empty: gaps.
REGION_CHAINS: list[dict[str, Any]] = [
    {
        "template": "photovoltaics",
        "links": [
            ("工业硅", "多晶硅", "工业硅", 30_000, "吨"),
            ("多晶硅", "单晶硅棒/硅片", "多晶硅", 8_000, "吨"),
            ("组件", "光伏电站", "光伏组件", 600, "兆瓦"),
            ("支架", "光伏电站", "跟踪支架", 400, "兆瓦"),
        ],
        "outside": [
            ("多晶硅", "customer", "江苏华鑫光伏科技有限公司", "多晶硅", 12_000, "吨"),
            ("组件", "supplier", "安徽嘉禾光伏材料有限公司", "光伏胶膜", 3_000, "万平方米"),
        ],
        "chief": "刘建国",
        "department": "内蒙古自治区工业和信息化厅",
        "segments": {
            "工业硅": ("32", 2),
            "多晶硅": ("39", 2),
            "单晶硅棒/硅片": ("39", 1),
            "电池片": ("38", 1),
            "组件": ("38", 2),
            "光伏玻璃": ("30", 1),
            "支架": ("33", 2),
            "逆变器": ("38", 1),
            "光伏电站": ("44", 3),
        },
        "weak": {"单晶硅棒/硅片", "电池片"},
        "items": [
            (ItemKind.STRENGTH, "扩大多晶硅和工业硅产能优势", "多晶硅", ItemStatus.UNDERWAY),
            (ItemKind.WEAKNESS, "引进高效电池片项目", "电池片", ItemStatus.UNDERWAY),
            (ItemKind.WEAKNESS, "补齐胶膜、背板等组件辅材", "胶膜", ItemStatus.PLANNED),
            (ItemKind.TECHNOLOGY, "颗粒硅和 N 型硅片技术攻关", "单晶硅棒/硅片", ItemStatus.PLANNED),
        ],
        "goal": {
            "investment_signed": 3_000_000,
            "projects_landed": 12,
            "funds_in_place": 1_200_000,
            "new_above_scale": 5,
        },
    },
    {
        "template": "hydrogen",
        "links": [
            ("风光绿电", "制氢", "绿电", 90_000, "万千瓦时"),
            ("制氢", "储运", "氢气", 2_000, "吨"),
            ("储氢容器", "储运", "IV 型储氢瓶", 300, "只"),
        ],
        "outside": [
            ("制氢", "customer", "宁夏宏达化工有限公司", "氢气", 1_500, "吨"),
            ("燃料电池交通", "supplier", "上海中科燃料电池有限公司", "燃料电池系统", 120, "套"),
        ],
        "chief": "刘建国",
        "department": "内蒙古自治区能源局",
        "segments": {
            "制氢": ("44", 2),
            "风光绿电": ("44", 2),
            "电解水制氢装备": ("34", 1),
            "储运": ("54", 2),
            "储氢容器": ("33", 1),
            "燃料电池交通": ("36", 2),
            "绿氢化工": ("26", 2),
        },
        "weak": {"电解水制氢装备", "燃料电池交通"},
        "items": [
            (ItemKind.STRENGTH, "风光制氢一体化示范项目", "制氢", ItemStatus.UNDERWAY),
            (ItemKind.WEAKNESS, "建设加氢站网络", "加注", ItemStatus.PLANNED),
            (ItemKind.WEAKNESS, "引进燃料电池系统企业", "燃料电池系统", ItemStatus.PLANNED),
            (ItemKind.TECHNOLOGY, "大标方碱性电解槽和 PEM 电解槽", "电解水制氢装备", ItemStatus.UNDERWAY),
        ],
        "goal": {
            "investment_signed": 2_000_000,
            "projects_landed": 8,
            "funds_in_place": 600_000,
            "new_above_scale": 3,
        },
    },
    {
        "template": "biomedicine",
        "links": [
            ("玉米深加工", "发酵原料药与中间体", "葡萄糖", 80_000, "吨"),
            ("发酵原料药与中间体", "发酵废弃物处理", "菌渣处置", 15_000, "吨"),
        ],
        "outside": [
            ("发酵原料药与中间体", "customer", "浙江永昌制药有限公司", "维生素原料药", 2_000, "吨"),
            ("医药流通", "supplier", "山东通达医药有限公司", "化学药制剂", 5_000, "箱"),
        ],
        "chief": "陈雅琴",
        "department": "内蒙古自治区工业和信息化厅",
        "segments": {
            "玉米深加工": ("13", 3),
            "发酵原料药与中间体": ("26", 3),
            "发酵废弃物处理": ("26", 1),
            "医药流通": ("51", 2),
        },
        "weak": {"医药流通"},
        "items": [
            (ItemKind.STRENGTH, "做大氨基酸、维生素等发酵原料药", "发酵原料药与中间体", ItemStatus.UNDERWAY),
            (ItemKind.WEAKNESS, "引进化学药制剂企业，延伸原料药链条", "化学药制剂", ItemStatus.PLANNED),
            (ItemKind.WEAKNESS, "蒙药材规范化种植基地", "蒙药材与中药材种植", ItemStatus.PLANNED),
            (ItemKind.TECHNOLOGY, "高产菌种选育", "菌种与酶制剂", ItemStatus.PLANNED),
        ],
        "goal": {
            "investment_signed": 800_000,
            "projects_landed": 5,
            "funds_in_place": 300_000,
            "new_above_scale": 2,
        },
    },
    {
        "template": "ecological-grass",
        "links": [
            ("饲草种植", "草产品加工", "苜蓿干草", 30_000, "吨"),
            ("草业机械", "饲草种植", "打捆机", 40, "台"),
            ("草产品加工", "仓储物流", "草捆储运", 20_000, "吨"),
        ],
        "outside": [
            ("草产品加工", "customer", "河北安泰牧业有限公司", "苜蓿草捆", 8_000, "吨"),
            ("生态修复", "supplier", "甘肃天成草业有限公司", "冰草种子", 60, "吨"),
        ],
        "chief": "陈雅琴",
        "department": "内蒙古自治区林业和草原局",
        "segments": {
            "饲草种植": ("13", 3),
            "草业机械": ("35", 1),
            "草产品加工": ("13", 2),
            "仓储物流": ("54", 1),
            "生态修复": ("47", 2),
            "草坪与城乡绿化": ("47", 1),
        },
        "weak": {"草业机械"},
        "items": [
            (ItemKind.STRENGTH, "扩大优质苜蓿和燕麦草种植", "饲草种植", ItemStatus.UNDERWAY),
            (ItemKind.WEAKNESS, "建设乡土草种繁育基地", "草种繁育", ItemStatus.PLANNED),
            (ItemKind.TECHNOLOGY, "乡土草种质资源评价和新品种选育", "种质资源与育种", ItemStatus.PLANNED),
        ],
        "goal": {
            "investment_signed": 500_000,
            "projects_landed": 4,
            "funds_in_place": 200_000,
            "new_above_scale": 2,
        },
    },
]

# The region's chains are kept by the region's offices; their chiefs are not in the reports.
REGION_CHIEFS = {"刘建国": "内蒙古自治区人民政府副主席", "陈雅琴": "内蒙古自治区人民政府副主席"}
NEW_DEPARTMENTS = [("150000", "内蒙古自治区林业和草原局", Department.Kind.GOVERNMENT, "自治区林草局")]

# The aluminium chain of 霍林郭勒: the reports' enterprises where they belong (short name,
# segment, role, output 万元, products), then generated ones.
ALUMINIUM_NAMED = [
    ("锦联铝材", "电解铝", Role.OWNER, 1_380_000, "电解铝液、铝锭"),
    ("创源金属", "电解铝", Role.LEADING, 860_000, "电解铝、铝合金锭"),
    ("联晟新材料", "铝板带箔", Role.LEADING, 402_000, "铝板带、铝箔坯料"),
    ("联晟新材料", "高端铝箔", Role.LEADING, 64_000, "电池铝箔、双零箔"),
    ("靖帆铝版基", "印刷版基", Role.LEADING, 48_000, "PS、CTP 印刷版基"),
    ("腾远环保", "大修渣与铝灰处置", Role.SUPPORTING, 5_600, "大修渣无害化处理、铝灰综合利用"),
]
ALUMINIUM_GENERATED = {
    "电力供应": ("44", 1),
    "预焙阳极": ("30", 2),
    "铝合金": ("32", 3),
    "铝挤压型材": ("32", 2),
    "铝线缆": ("32", 1),
    "汽车轻量化部件": ("36", 1),
    "再生铝": ("32", 1),
}
ALUMINIUM_WEAK = {"汽车轻量化部件", "再生铝"}
# The line under which a segment's output is weak (万元).
WEAK_OUTPUT = 10_000

# Outside enterprises (made-up names) at the ends of links: (supplier, customer, product,
# volume, unit); a short name is a member of the registry, anything else an outside enterprise.
ALUMINIUM_LINKS = [
    ("锦联铝材", "联晟新材料", "电解铝液", 420_000, "吨"),
    ("创源金属", "联晟新材料", "铝锭", 60_000, "吨"),
    ("联晟新材料", "靖帆铝版基", "铝板带坯料", 55_000, "吨"),
    ("腾远环保", "锦联铝材", "大修渣处置服务", 12_000, "吨"),
    ("山西东升氧化铝有限公司", "锦联铝材", "氧化铝", 1_900_000, "吨"),
    ("广西博远氧化铝有限公司", "创源金属", "氧化铝", 1_100_000, "吨"),
    ("山东恒泰炭素有限公司", "创源金属", "预焙阳极", 210_000, "吨"),
    ("河南长青氟化盐有限公司", "锦联铝材", "氟化铝", 9_500, "吨"),
    ("联晟新材料", "江苏远航电池材料有限公司", "电池铝箔", 18_000, "吨"),
    ("靖帆铝版基", "浙江嘉禾印刷器材有限公司", "CTP 版基", 21_000, "吨"),
]
ALUMINIUM_ITEMS = [
    (
        ItemKind.STRENGTH,
        "做强煤—电—铝—铝后加工一体化",
        "电解铝",
        ItemStatus.UNDERWAY,
        "锦联、创源电解铝就地转化率提升到 60%",
    ),
    (
        ItemKind.STRENGTH,
        "联晟新材料高端铝箔项目达产",
        "高端铝箔",
        ItemStatus.UNDERWAY,
        "一期已投产，二期设备安装中",
    ),
    (ItemKind.WEAKNESS, "氧化铝原料保障", "氧化铝", ItemStatus.UNDERWAY, "与外省氧化铝企业签订长期供货协议"),
    (ItemKind.WEAKNESS, "引进氟化盐生产企业", "氟化盐", ItemStatus.PLANNED, ""),
    (ItemKind.WEAKNESS, "补齐汽车轻量化部件", "汽车轻量化部件", ItemStatus.PLANNED, ""),
    (ItemKind.TECHNOLOGY, "电池铝箔轧制和表面处理技术", "高端铝箔", ItemStatus.UNDERWAY, ""),
    (
        ItemKind.TECHNOLOGY,
        "大修渣无害化处理和综合利用",
        "大修渣与铝灰处置",
        ItemStatus.DONE,
        "腾远环保项目已投运",
    ),
]
ALUMINIUM_GOAL = {
    "investment_signed": 1_500_000,
    "projects_landed": 6,
    "funds_in_place": 500_000,
    "new_above_scale": 3,
}


def _template(stem: str) -> services.ChainTemplate:
    path = loading.shipped_template(stem)
    assert path is not None, stem
    return loading.read_template(path.name, path.read_bytes())


class _Builder:
    """One chain's members, links, lists and goal, written by `actor` through the services."""

    def __init__(self, actor: User, chain: Chain, rng: random.Random, year: int) -> None:
        self.actor, self.chain, self.rng, self.year = actor, chain, rng, year
        self.segments = {segment.name: segment for segment in chain.segments.all()}
        self.members = 0
        self.placed: list[Enterprise] = []
        self.first: dict[str, Enterprise] = {}  # the biggest member placed in each segment

    def member(
        self, enterprise: Enterprise, segment: str, role: str, output: float | int, products: str = ""
    ) -> None:
        services.member_add(
            actor=self.actor,
            chain_id=self.chain.pk,
            data=services.MemberData(
                segment_id=self.segments[segment].pk,
                enterprise_id=enterprise.pk,
                role=role,
                output_value=Decimal(output).quantize(Decimal("0.01")),
                output_year=self.year - 1,
                products=products,
            ),
            source=SOURCE,
        )
        self.members += 1
        self.placed.append(enterprise)
        self.first.setdefault(segment, enterprise)

    def generated(
        self, plan: dict[str, tuple[str, int]], weak: set[str], pool: dict[str, list[Enterprise]]
    ) -> None:
        """Generated enterprises of each segment's industry: the biggest a segment's 龙头 (配套 in
        a supporting segment); a weak segment's output stays under the line."""
        for segment, (division, count) in plan.items():
            supporting = self.segments[segment].kind == "supporting"
            candidates = pool.get(division, [])
            chosen = [
                candidates.pop(self.rng.randrange(len(candidates)))
                for _ in range(min(count, len(candidates)))
            ]
            chosen.sort(key=lambda e: e.revenue or 0, reverse=True)
            for index, enterprise in enumerate(chosen):
                if segment in weak:
                    output = self.rng.uniform(300, WEAK_OUTPUT * 0.8 / max(count, 1))
                else:
                    output = max(
                        float(enterprise.revenue or 0) * self.rng.uniform(0.6, 0.95), WEAK_OUTPUT * 1.2
                    )
                role = (
                    Role.SUPPORTING
                    if supporting
                    else (Role.LEADING if index == 0 and segment not in weak else Role.OTHER)
                )
                self.member(enterprise, segment, role, output)

    def link(
        self, supplier: Enterprise | str, customer: Enterprise | str, product: str, volume: int, unit: str
    ) -> None:
        data = services.LinkData(product=product, annual_volume=volume, volume_unit=unit)
        if isinstance(supplier, Enterprise):
            data.supplier_id = supplier.pk
        else:
            data.supplier_name = supplier
        if isinstance(customer, Enterprise):
            data.customer_id = customer.pk
        else:
            data.customer_name = customer
        services.link_add(actor=self.actor, chain_id=self.chain.pk, data=data, source=SOURCE)

    def items(self, items: list[tuple[Any, ...]], department: Department | None) -> int:
        for position, (kind, title, segment, status, *rest) in enumerate(items):
            services.item_create(
                actor=self.actor,
                chain_id=self.chain.pk,
                data=services.ItemData(
                    kind=kind,
                    title=title,
                    segment_id=self.segments[segment].pk,
                    department_id=department.pk if department else None,
                    status=status,
                    progress=rest[0] if rest else "",
                    position=position,
                ),
                source=SOURCE,
            )
        return len(items)

    def goal(self, values: dict[str, int]) -> None:
        services.goal_set(
            actor=self.actor, chain_id=self.chain.pk, year=self.year, values=values, source=SOURCE
        )

    def weak_line(self) -> None:
        chain = self.chain
        self.chain = services.chain_update(
            actor=self.actor,
            chain_id=chain.pk,
            expected_version=chain.version,
            data=services.ChainData(
                name=chain.name,
                region_code=chain.region_id,
                chief_id=chain.chief_id,
                chief_title=chain.chief_title,
                deputy_ids=list(chain.deputies.values_list("pk", flat=True)),
                lead_department_id=chain.lead_department_id,
                description=chain.description,
                weak_output=WEAK_OUTPUT,
                position=chain.position,
            ),
            source=SOURCE,
        )


def _pool(region_prefix: str, exclude: set[int]) -> dict[str, list[Enterprise]]:
    """Generated enterprises (no short name) of the region, by industry division, in id order."""
    pool: dict[str, list[Enterprise]] = {}
    rows = (
        Enterprise.objects.filter(region__code__startswith=region_prefix, short_name="")
        .exclude(pk__in=exclude)
        .order_by("pk")
    )
    for enterprise in rows:
        if enterprise.industry_id:
            pool.setdefault(str(enterprise.industry_id)[:2], []).append(enterprise)
    return pool


def load(
    *, users: dict[str, User], departments: dict[str, Department], officials: dict[str, Official]
) -> dict[str, int]:
    rng = random.Random(20260004)
    today = timezone.localdate()
    year = today.year
    # Set up early in the year (or two months back, early in January), members added since.
    start = min(datetime.date(year, 1, 8), today - datetime.timedelta(days=60))
    later = today - datetime.timedelta(days=20)
    recent = today - datetime.timedelta(days=3)
    admin, coordinator = users["demo-admin"], users["demo-coordinator"]
    counts = {"chains": 0, "chain_members": 0, "chain_links": 0, "chain_items": 0}

    with clock.on(start):
        region = Region.objects.get(pk="150000")
        for region_code, name, kind, short_name in NEW_DEPARTMENTS:
            departments[name] = directory_services.department_create(
                actor=admin,
                region=Region.objects.get(pk=region_code),
                name=name,
                kind=kind,
                short_name=short_name,
            )
        chiefs: dict[str, Official] = {}
        for name in REGION_CHIEFS:
            chiefs[name] = directory_services.official_create(actor=admin, region=region, name=name)
            directory_services.post_create(
                actor=admin,
                official=chiefs[name],
                department=departments["内蒙古自治区人民政府"],
                title="副主席",
                order=0,
            )

        # 霍林郭勒's aluminium chain, kept by its office; its chief the city's party secretary.
        aluminium = services.chain_load(
            actor=coordinator,
            template=_template("aluminium"),
            region_code="150581",
            chief_id=officials["张国平"].pk,
            chief_title="霍林郭勒市委书记",
            lead_department_id=departments["霍林郭勒市工业和信息化局"].pk,
            source=SOURCE,
        )
        # 孟宪东, who inspected the chain's enterprises (reports 000, 001), as its deputy chief: the
        # demo leader's workbench then carries the chief's card.
        aluminium = services.chain_update(
            actor=coordinator,
            chain_id=aluminium.pk,
            expected_version=aluminium.version,
            data=services.ChainData(
                name=aluminium.name,
                region_code=aluminium.region_id,
                chief_id=aluminium.chief_id,
                chief_title=aluminium.chief_title,
                deputy_ids=[officials["孟宪东"].pk],
                lead_department_id=aluminium.lead_department_id,
                description=aluminium.description,
            ),
            source=SOURCE,
        )
    counts["chains"] += 1
    named = {
        e.short_name: e for e in Enterprise.objects.filter(short_name__in={n for n, *_ in ALUMINIUM_NAMED})
    }
    builder = _Builder(coordinator, aluminium, rng, year)
    with clock.on(start):
        builder.weak_line()
        for short_name, segment, role, output, products in ALUMINIUM_NAMED:
            builder.member(named[short_name], segment, role, output, products)
    with clock.on(later):
        pool = _pool("150581", exclude={e.pk for e in named.values()})
        builder.generated(ALUMINIUM_GENERATED, ALUMINIUM_WEAK, pool)
    with clock.on(recent):
        for supplier, customer, product, volume, unit in ALUMINIUM_LINKS:
            builder.link(named.get(supplier, supplier), named.get(customer, customer), product, volume, unit)
        counts["chain_links"] += len(ALUMINIUM_LINKS)
        # A member's customer among the generated members: the alloy makers buy from the smelter.
        for enterprise in builder.placed[len(ALUMINIUM_NAMED) :][:3]:
            builder.link(named["创源金属"], enterprise, "铝液", rng.randrange(5, 40) * 1000, "吨")
            counts["chain_links"] += 1
        counts["chain_items"] += builder.items(ALUMINIUM_ITEMS, departments["霍林郭勒市工业和信息化局"])
        builder.goal(ALUMINIUM_GOAL)
    counts["chain_members"] += builder.members

    # The region's chains: generated members from every league and city of the demo.
    pool = _pool("15", exclude={enterprise.pk for enterprise in builder.placed})
    for position, spec in enumerate(REGION_CHAINS):
        with clock.on(start):
            chain = services.chain_load(
                actor=admin,
                template=_template(spec["template"]),
                region_code="150000",
                chief_id=chiefs[spec["chief"]].pk,
                chief_title=REGION_CHIEFS[spec["chief"]],
                lead_department_id=departments[spec["department"]].pk,
                source=SOURCE,
            )
            builder = _Builder(admin, chain, rng, year)
            builder.weak_line()
        counts["chains"] += 1
        with clock.on(later if position % 2 else start):
            builder.generated(spec["segments"], spec["weak"], pool)
        with clock.on(recent):
            for upstream, downstream, product, volume, unit in spec["links"]:
                if upstream in builder.first and downstream in builder.first:
                    builder.link(builder.first[upstream], builder.first[downstream], product, volume, unit)
                    counts["chain_links"] += 1
            for segment, side, name, product, volume, unit in spec["outside"]:
                if segment not in builder.first:
                    continue
                ours = builder.first[segment]
                if side == "customer":
                    builder.link(ours, name, product, volume, unit)
                else:
                    builder.link(name, ours, product, volume, unit)
                counts["chain_links"] += 1
            counts["chain_items"] += builder.items(spec["items"], departments[spec["department"]])
            builder.goal(spec["goal"])
        counts["chain_members"] += builder.members
    return counts
