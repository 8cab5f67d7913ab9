"""The demo's relief policies: a dozen of 2022, modelled on the year's real measures (tax deferral
for manufacturing SMEs, VAT credit refunds, rent relief for service SMEs, unemployment-insurance
refunds, the one-off job subsidy, guarantee fee cuts, awards for 专精特新 and high-tech
enterprises …), each with its eligibility rule, matched against the demo's enterprises, with
deliveries in every state. Some are still in force, some ended; all through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuqi.demo import clock
from zhuqi.directory.models import Department, User
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.services import QualificationData
from zhuqi.policies import matching, services
from zhuqi.policies.models import Delivery, GrantMode, MatchStatus, Policy, PolicyMatch
from zhuqi.policies.services import PolicyData

SMES = {"field": "size_class", "values": ["medium", "small", "micro"]}
SMALL = {"field": "size_class", "values": ["small", "micro"]}
MANUFACTURING = {"field": "industry", "values": ["C"]}
# Services hit hardest in 2022: wholesale and retail, transport, hotels and catering, leasing and
# business services, residents' services, culture and sport.
SERVICES = {"field": "industry", "values": ["F", "G", "H", "L", "O", "R"]}


@dataclass
class DemoPolicy:
    title: str
    issuer: str
    document_number: str
    published_on: datetime.date
    valid_until: datetime.date | None
    region: str
    category: str
    benefit: str
    department: str
    rule: dict[str, Any]
    grant_mode: str = GrantMode.APPLICATION
    how_to_apply: str = ""
    amount: str = ""
    rate: str = ""
    amount_cap: str = ""


TAX = "国家税务总局霍林郭勒市税务局"
FINANCE = "霍林郭勒市财政局"
HUMAN_RESOURCES = "霍林郭勒市人力资源和社会保障局"
INDUSTRY = "霍林郭勒市工业和信息化局"
MARKET = "霍林郭勒市市场监督管理局"

POLICIES = [
    DemoPolicy(
        "关于延续实施制造业中小微企业延缓缴纳部分税费有关事项的公告",
        "国家税务总局 财政部",
        "国家税务总局 财政部公告2022年第17号",
        datetime.date(2022, 9, 26),
        datetime.date(2022, 12, 31),
        "150000",
        "tax_relief",
        "制造业中小微企业2022年第四季度相关税费延缓缴纳，延缓期限为4个月。",
        TAX,
        {"match": "all", "conditions": [MANUFACTURING, SMES]},
        grant_mode=GrantMode.AUTOMATIC,
    ),
    DemoPolicy(
        "关于进一步加大增值税期末留抵退税政策实施力度的公告",
        "财政部 税务总局",
        "财政部 税务总局公告2022年第14号",
        datetime.date(2022, 3, 21),
        None,
        "150000",
        "tax_relief",
        "符合条件的小微企业和制造业等行业企业，可向主管税务机关申请退还存量留抵税额和增量留抵税额。",
        TAX,
        {"match": "any", "conditions": [SMALL, MANUFACTURING]},
        how_to_apply="在电子税务局提交《退（抵）税申请表》，税务机关审核后退还。",
    ),
    DemoPolicy(
        "霍林郭勒市减免服务业小微企业和个体工商户国有房屋租金实施方案",
        "霍林郭勒市人民政府办公室",
        "霍政办发〔2022〕21号",
        datetime.date(2022, 5, 10),
        datetime.date(2022, 12, 31),
        "150581",
        "rent_relief",
        "承租国有房屋的服务业小微企业和个体工商户，2022年减免6个月租金。",
        FINANCE,
        {"match": "all", "conditions": [SMALL, SERVICES]},
        how_to_apply="持租赁合同和营业执照向出租单位申请，出租单位报市财政局备案。",
    ),
    DemoPolicy(
        "关于做好失业保险稳岗位提技能防失业工作的通知",
        "人力资源社会保障部 财政部 国家税务总局",
        "人社部发〔2022〕23号",
        datetime.date(2022, 4, 21),
        None,
        "150000",
        "employment",
        "上年度未裁员或裁员率不高于全国城镇调查失业率控制目标的中小微企业，按企业及其职工上年度实际缴纳失业保险费的90%返还。",
        HUMAN_RESOURCES,
        {"match": "all", "conditions": [SMES]},
        grant_mode=GrantMode.AUTOMATIC,
        rate="90",
    ),
    DemoPolicy(
        "关于开展一次性扩岗补助工作有关问题的通知",
        "人力资源社会保障部办公厅 教育部办公厅 财政部办公厅",
        "人社厅发〔2022〕41号",
        datetime.date(2022, 7, 19),
        None,
        "150000",
        "employment",
        "企业招用毕业年度高校毕业生，签订劳动合同并参加失业保险的，按每人1500元发放一次性扩岗补助。",
        HUMAN_RESOURCES,
        {},
        how_to_apply="通过当地人社部门经办系统提交劳动合同和参保信息。",
        amount="0.15",
        amount_cap="15",
    ),
    DemoPolicy(
        "关于降低小微企业政府性融资担保费率的通知",
        "通辽市财政局",
        "通财金〔2022〕35号",
        datetime.date(2022, 6, 1),
        None,
        "150500",
        "financing",
        "政府性融资担保机构为小微企业提供的担保，年化担保费率降至1%以下，单户担保金额500万元及以下的降至0.5%。",
        FINANCE,
        {"match": "all", "conditions": [SMALL]},
        how_to_apply="向市融资担保公司提出担保申请。",
        rate="0.5",
    ),
    DemoPolicy(
        "关于对国家级专精特新“小巨人”企业给予奖励的通知",
        "内蒙古自治区工业和信息化厅",
        "内工信中小字〔2022〕188号",
        datetime.date(2022, 8, 15),
        None,
        "150000",
        "innovation",
        "对新认定的国家级专精特新“小巨人”企业一次性奖励50万元。",
        INDUSTRY,
        {"match": "all", "conditions": [{"field": "qualification", "values": ["little_giant"]}]},
        how_to_apply="认定后3个月内向所在地工信部门提交认定文件。",
        amount="50",
        amount_cap="50",
    ),
    DemoPolicy(
        "通辽市支持高新技术企业发展的若干措施",
        "通辽市人民政府办公室",
        "通政办发〔2022〕30号",
        datetime.date(2022, 7, 1),
        None,
        "150500",
        "innovation",
        "对首次认定的高新技术企业给予20万元奖励，重新认定的给予10万元奖励。",
        INDUSTRY,
        {"match": "all", "conditions": [{"field": "qualification", "values": ["high_tech"]}]},
        how_to_apply="向市科技局提交高新技术企业证书。",
        amount="20",
        amount_cap="20",
    ),
    DemoPolicy(
        "霍林郭勒市规模以上工业企业稳产满产奖励办法",
        "霍林郭勒市人民政府",
        "霍政发〔2022〕9号",
        datetime.date(2022, 4, 8),
        None,
        "150581",
        "industry",
        "规模以上工业企业年营业收入2000万元以上且同比增长的，按增量部分给予奖励，单户最高100万元。",
        INDUSTRY,
        {
            "match": "all",
            "conditions": [
                MANUFACTURING,
                {"field": "above_scale", "value": True},
                {"field": "revenue", "min": 2000},
            ],
        },
        how_to_apply="次年一季度向市工信局申报，附统计部门确认的营业收入。",
        amount_cap="100",
    ),
    DemoPolicy(
        "关于对受疫情影响的小微企业实行水电气“欠费不停供”的通知",
        "霍林郭勒市发展和改革委员会",
        "霍发改发〔2022〕17号",
        datetime.date(2022, 5, 20),
        datetime.date(2022, 12, 31),
        "150581",
        "utilities",
        "小微企业和个体工商户用水、用电、用气“欠费不停供”，6个月内补缴欠费免收滞纳金。",
        FINANCE,
        {"match": "all", "conditions": [SMALL]},
        grant_mode=GrantMode.AUTOMATIC,
    ),
    DemoPolicy(
        "通辽市中小企业开拓市场参展补贴实施细则",
        "通辽市商务局",
        "通商发〔2022〕12号",
        datetime.date(2022, 3, 15),
        None,
        "150500",
        "market",
        "中小企业参加境内外重点展会的，按展位费的50%给予补贴，单户每年最高10万元。",
        MARKET,
        {"match": "all", "conditions": [SMES, {"field": "years_founded", "min": 1}]},
        how_to_apply="展会结束后3个月内提交参展合同、发票和现场照片。",
        rate="50",
        amount_cap="10",
    ),
    DemoPolicy(
        "霍林郭勒市支持初创小微企业发展的若干措施",
        "霍林郭勒市人民政府办公室",
        "霍政办发〔2022〕33号",
        datetime.date(2022, 10, 12),
        None,
        "150581",
        "other",
        "成立不满3年的小微企业，给予一次性开办补助2万元。",
        MARKET,
        {"match": "all", "conditions": [SMALL, {"field": "years_founded", "below": 3}]},
        how_to_apply="向市市场监督管理局提交营业执照和开办费用凭证。",
        amount="2",
        amount_cap="2",
    ),
]


# Recognitions some of the demo's Huolinguole enterprises hold (by short name; the rest by order).
QUALIFICATIONS = {
    "联晟新材料": [
        ("high_tech", datetime.date(2024, 11, 20)),
        ("specialised_sme", datetime.date(2025, 6, 1)),
    ],
    "锦联铝材": [("little_giant", datetime.date(2024, 8, 1)), ("high_tech", datetime.date(2023, 12, 1))],
}


def _recognise(coordinator: User) -> int:
    """Through the enterprise service, as the office records them from the certificates."""
    held = 0
    enterprises = Enterprise.objects.filter(region_id="150581")
    chosen = {e.short_name: e for e in enterprises.filter(short_name__in=QUALIFICATIONS)}
    # And a few generated ones: high-tech and specialised SMEs, one expired.
    others = list(enterprises.filter(short_name="").order_by("id")[5:11])
    for enterprise, kinds in [
        *((chosen[name], kinds) for name, kinds in QUALIFICATIONS.items() if name in chosen),
        *((e, [("high_tech", datetime.date(2025, 12, 12))]) for e in others[:3]),
        *((e, [("specialised_sme", datetime.date(2025, 7, 1))]) for e in others[3:5]),
        *((e, [("high_tech", datetime.date(2019, 11, 1))]) for e in others[5:6]),
    ]:
        items = [
            QualificationData(
                kind=kind,
                recognised_on=day,
                valid_until=day.replace(year=day.year + 3) - datetime.timedelta(days=1),
            )
            for kind, day in kinds
        ]
        enterprise_services.qualifications_set(
            actor=coordinator,
            enterprise_id=enterprise.pk,
            expected_version=enterprise.version,
            items=items,
            source="demo",
        )
        held += len(items)
    return held


def load(*, coordinator: User, enterprise_user: User) -> dict[str, int]:
    qualifications = _recognise(coordinator)
    departments = {d.name: d for d in Department.objects.filter(name__in={p.department for p in POLICIES})}
    today = timezone.localdate()
    policies: list[Policy] = []
    for item in POLICIES:
        with clock.on(item.published_on + datetime.timedelta(days=2)):
            policy = services.policy_create(
                actor=coordinator,
                data=PolicyData(
                    title=item.title,
                    issuer=item.issuer,
                    document_number=item.document_number,
                    published_on=item.published_on,
                    valid_from=item.published_on,
                    valid_until=item.valid_until,
                    region_code=item.region,
                    category=item.category,
                    benefit=item.benefit,
                    department_id=departments[item.department].pk,
                    rule=item.rule,
                    grant_mode=item.grant_mode,
                    how_to_apply=item.how_to_apply,
                    amount=item.amount or None,
                    rate=item.rate or None,
                    amount_cap=item.amount_cap or None,
                    status="published",
                ),
                source="demo",
            )
        matching.rematch_policy(policy)
        policies.append(policy)
    deliveries = 0
    for number, policy in enumerate(policies):
        eligible = list(
            PolicyMatch.objects.filter(
                policy=policy, status=MatchStatus.ELIGIBLE, enterprise__region_id="150581"
            )
            .order_by("enterprise__name")
            .values_list("enterprise_id", flat=True)[:6]
        )
        if not eligible:
            continue
        told_on = policy.published_on + datetime.timedelta(days=10)
        with clock.on(told_on):
            created = services.deliveries_notify(
                actor=coordinator,
                policy_id=policy.pk,
                enterprise_ids=eligible,
                channel=("portal", "sms", "liaison", "meeting")[number % 4],
                source="demo",
            )
        deliveries += len(created)
        for index, delivery in enumerate(created):
            _advance(coordinator, policy, delivery, index, told_on, today)
    # The enterprise reports a policy it could not get: a demand case in 政策兑现.
    rent = next(p for p in policies if p.category == "rent_relief")
    services.policy_complain(
        actor=enterprise_user,
        policy_id=rent.pk,
        complaint="cannot_get",
        description="我单位承租的是国有企业的厂房，出租单位称不在减免范围内，请帮助协调。",
        source="demo",
    )
    return {"policies": len(policies), "deliveries": deliveries, "qualifications": qualifications}


def _advance(
    actor: User, policy: Policy, delivery: Delivery, index: int, told_on: datetime.date, today: datetime.date
) -> None:
    """Deliveries in every state: some left at notice, some applied, most granted, one refused."""
    stage = index % 4
    if stage == 3:
        return
    # Departments differ in speed: some grant within weeks, some take months.
    day = min(told_on + datetime.timedelta(days=8 + 9 * (policy.pk % 5) + index), today)
    version = 1
    if policy.grant_mode != GrantMode.AUTOMATIC:
        with clock.on(day):
            services.delivery_apply(
                actor=actor, delivery_id=delivery.pk, expected_version=version, source="demo"
            )
        version += 1
        if stage == 2:
            return
    day = min(day + datetime.timedelta(days=12 + 7 * (policy.pk % 4)), today)
    with clock.on(day):
        if stage == 1 and index == 1:
            services.delivery_refuse(
                actor=actor,
                delivery_id=delivery.pk,
                expected_version=version,
                refusal_reason="申报材料不全，未提供上年度财务报表",
                source="demo",
            )
            return
        # The amount granted: the policy's fixed sum, else a plausible one within its cap (a
        # refund or a subsidy computed from the enterprise's own figures).
        amount = policy.amount or (policy.amount_cap or Decimal(40)) * Decimal(index + 2) / Decimal(9)
        services.delivery_grant(
            actor=actor,
            delivery_id=delivery.pk,
            expected_version=version,
            amount=amount,
            source="demo",
        )
