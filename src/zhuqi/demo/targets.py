"""Investment targets (招商目标) for the demo's chains: the aluminium chain's gaps each with a
target at a different point on the road, one signed this year with its agreement filed under the
chain and funds arrived, so the chain's page, the investment map and the comparison show them.
The outside enterprises are described, not named: the demo claims no real company's talks."""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhuqi.chains.models import Segment
from zhuqi.demo import clock
from zhuqi.directory.models import User
from zhuqi.investment import selectors as investment_selectors
from zhuqi.investment import services as investment_services
from zhuqi.investment import target_services
from zhuqi.investment.models import TargetStatus
from zhuqi.investment.services import AgreementData
from zhuqi.investment.target_services import TargetData

SOURCE = "demo"

# (chain, segment, the target as described, from where, expected 万元, status to reach, next step)
TARGETS = [
    (
        "铝产业链",
        "氧化铝",
        "山西某氧化铝生产企业",
        "山西省吕梁市",
        "150000",
        TargetStatus.CONTACTED,
        "赴吕梁对接长期供货与就近建厂",
    ),
    (
        "铝产业链",
        "氟化盐",
        "河南某氟化盐生产企业",
        "河南省焦作市",
        "60000",
        TargetStatus.NEGOTIATING,
        "商定用地和用电价格",
    ),
    (
        "铝产业链",
        "铝土矿",
        "几内亚铝土矿进口贸易商",
        "山东省烟台市",
        "",
        TargetStatus.IDENTIFIED,
        "了解进口矿经铁路入区的运价",
    ),
    ("铝产业链", "罐料与汽车板", "江苏某铝板带企业", "江苏省镇江市", "200000", TargetStatus.DROPPED, ""),
    (
        "铝产业链",
        "汽车轻量化部件",
        "浙江某汽车铝部件企业",
        "浙江省宁波市",
        "50000",
        TargetStatus.SIGNED,
        "督促办理项目备案和环评",
    ),
    (
        "光伏装备产业链",
        "多晶硅",
        "四川某多晶硅企业",
        "四川省乐山市",
        "800000",
        TargetStatus.NEGOTIATING,
        "自治区领导带队赴乐山洽谈",
    ),
    (
        "氢能产业链",
        "加氢站",
        "北京某氢能装备企业",
        "北京市大兴区",
        "30000",
        TargetStatus.CONTACTED,
        "邀请来鄂尔多斯考察",
    ),
]


def load(*, users: dict[str, User]) -> dict[str, int]:
    admin, coordinator = users["demo-admin"], users["demo-coordinator"]
    today = timezone.localdate()
    count = 0
    for chain_name, segment_name, name, origin, expected, status, next_step in TARGETS:
        segment = (
            Segment.objects.filter(chain__name=chain_name, name=segment_name).select_related("chain").first()
        )
        if segment is None:
            continue
        chain = segment.chain
        actor = coordinator if chain_name == "铝产业链" else admin
        started = today - datetime.timedelta(days=45)
        with clock.on(started):
            target = target_services.target_create(
                actor=actor,
                data=TargetData(
                    chain_id=chain.pk,
                    segment_id=segment.pk,
                    name=name,
                    origin=origin,
                    expected_investment=expected or None,
                    next_step=next_step,
                    next_step_on=today + datetime.timedelta(days=10),
                ),
                source=SOURCE,
            )
        count += 1
        agreement_id = None
        if status == TargetStatus.SIGNED:
            with clock.on(today - datetime.timedelta(days=12)):
                agreement = investment_services.agreement_create(
                    actor=actor,
                    data=AgreementData(
                        title=f"{segment_name}项目投资协议",
                        kind="investment",
                        counterparty_name=name,
                        our_party_name="霍林郭勒市人民政府",
                        region_code=chain.region_id,
                        signed_on=today - datetime.timedelta(days=12),
                        amount="5",
                        amount_unit="亿元",
                        amount_nature="planned_investment",
                    ),
                    source=SOURCE,
                )
                agreement_id = agreement.pk
        road = {
            TargetStatus.IDENTIFIED: [],
            TargetStatus.CONTACTED: [TargetStatus.CONTACTED],
            TargetStatus.NEGOTIATING: [TargetStatus.CONTACTED, TargetStatus.NEGOTIATING],
            TargetStatus.SIGNED: [TargetStatus.CONTACTED, TargetStatus.NEGOTIATING, TargetStatus.SIGNED],
            TargetStatus.DROPPED: [TargetStatus.CONTACTED, TargetStatus.DROPPED],
        }[status]
        for step, days_ago in zip(road, (30, 20, 12), strict=False):
            with clock.on(today - datetime.timedelta(days=days_ago)):
                target = target_services.target_advance(
                    actor=actor,
                    target_id=target.pk,
                    expected_version=target.version,
                    status=step,
                    agreement_id=agreement_id if step == TargetStatus.SIGNED else None,
                    note="对方已转投外省园区" if step == TargetStatus.DROPPED else "",
                    source=SOURCE,
                )
        if agreement_id is not None:
            agreement = investment_selectors.agreement_get(user=actor, agreement_id=agreement_id)
            with clock.on(today - datetime.timedelta(days=5)):
                investment_services.funds_record(
                    actor=actor,
                    agreement_id=agreement_id,
                    expected_version=agreement.version,
                    on=today - datetime.timedelta(days=5),
                    amount="8000",
                    note="首期资金到位",
                    source=SOURCE,
                )
    return {"chain_targets": count}
