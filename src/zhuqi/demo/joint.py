"""The demo's issue-17 work, so a first-time user can try it from each side: a common problem
(共性问题) waiting for the coordinator, a joint handling (联合办理) already answered once by its
lead department for four enterprises, each rating it on its own case; hazards (隐患) told to the
enterprise on its workbench, and one reported rectified by a handler that another person
re-inspects; two group robots (群机器人), switched off.

Everything goes through the services (cases.joint, cases.services, notifications.services), with
the clock set back where the demo needs a history, so the timelines, notices and audit trail are
the ones a real user would leave.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from zhuqi.cases import joint, services
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.demo.cases import _clock_at, _working_days_ago
from zhuqi.directory.models import Department, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.notifications import services as notification_services
from zhuqi.notifications.models import Webhook

# The enterprise accounts beside demo-enterprise (联晟新材料): who each is, for the README.
ENTERPRISE_ACCOUNTS: list[tuple[str, str]] = [
    ("demo-enterprise-2", "靖帆铝版基"),
    ("demo-enterprise-3", "亚欧新材料"),
    ("demo-enterprise-4", "锦联铝材"),
    ("demo-enterprise-5", "创源金属"),
]

# The open common problem: the two 留抵退税 demands of demo/cases.py (靖帆铝版基, 亚欧新材料) and
# these, each worded its own way, filed by the enterprises on the portal.
TAX_REFUNDS: list[tuple[str, str, str]] = [
    (
        "锦联铝材",
        "申请的留抵退税款两个多月还没到账",
        "公司3月份提交增值税期末留抵税额退税申请约860万元，税务部门已受理，至今退税款未到账，影响原材料采购资金周转。",
    ),
    (
        "创源金属",
        "留抵退税审核时间长，希望加快退付",
        "企业4月申请增值税留抵退税，审核环节反复补充材料，两个月仍未退付，请协调加快留抵退税办理。",
    ),
    (
        "腾远环保",
        "小微企业留抵退税迟迟未退",
        "作为小微企业申请了存量留抵退税，至今未到账，资金压力较大。",
    ),
]

# The joint handling already answered: four enterprises' demands about trucking aluminium out
# (all four have demo accounts).
LOGISTICS: list[tuple[str, str, str]] = [
    (
        "联晟新材料",
        "铝卷汽运运力紧张、运价上涨",
        "园区至通辽、锦州港的铝卷汽运车辆紧张，近两个月运价每吨上涨约30元，部分订单不能按期发运。",
    ),
    (
        "锦联铝材",
        "铝锭公路外运车辆不足",
        "铝锭外运旺季车辆不足，物流企业临时加价，希望协调园区物流运力和运价。",
    ),
    (
        "创源金属",
        "汽运运价上涨，铝锭外运成本增加",
        "今年以来铝锭汽运运价持续上涨，外运车辆难找，物流成本明显增加。",
    ),
    (
        "靖帆铝版基",
        "产品外运物流运力不足",
        "铝版基产品发往华东客户，园区汽运车辆少、运价高，希望政府协调物流运力。",
    ),
]
LOGISTICS_TITLE = "园区铝产品外运运力紧张、运价上涨"
LOGISTICS_ANSWER = (
    "市工信局已会同交通运输局协调园区3家物流企业新增重载运力120辆，旺季运价按年度合同执行、"
    "不再临时加价；同时推动霍林河站铝产品公铁联运，下月起每周开行2列，"
    "请有需要的企业与园区物流中心对接。"
)

ROBOT_ADDRESS = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000"
DINGTALK_ADDRESS = "https://oapi.dingtalk.com/robot/send?access_token=0000000000000000"
# A DingTalk 加签 secret of the right shape, standing for the one the group's robot settings give.
DINGTALK_SECRET = "SEC" + "0" * 64  # a placeholder: the robot is switched off
# Where a robot's links point: the address `make run` serves the demo on.
SITE_ADDRESS = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Cast:
    admin: User
    coordinator: User
    handler: User
    enterprise_users: dict[str, User]  # by enterprise short name


def _file(who: User, enterprise: Enterprise, category: CaseCategory, title: str, description: str) -> Case:
    return services.case_create(
        actor=who,
        data=NewCase(
            kind=Kind.DEMAND,
            title=title,
            description=description,
            enterprise_id=enterprise.pk,
            category_id=category.pk,
            source="portal",
        ),
        source="demo",
    )


def _step(name: str, case: Case, actor: User, **kwargs: object) -> Case:
    case.refresh_from_db()
    function = getattr(services, f"case_{name.replace('-', '_')}")
    result: Case = function(
        actor=actor, case_id=case.pk, expected_version=case.version, source="demo", **kwargs
    )
    return result


def load(*, cast: Cast, departments: dict[str, Department]) -> dict[str, int]:
    categories = {c.name: c for c in CaseCategory.objects.filter(parent=None)}
    enterprises = {
        e.short_name: e for e in Enterprise.objects.filter(region_id="150581").exclude(short_name="")
    }

    def filer(short_name: str) -> User:
        # An enterprise with a demo account files for itself; the others through the coordinator.
        return cast.enterprise_users.get(short_name, cast.coordinator)

    # The common problem waiting for the coordinator (共性问题 → 发起联合办理).
    with _clock_at(_working_days_ago(1, hour=9)):
        for short_name, title, description in TAX_REFUNDS:
            _file(filer(short_name), enterprises[short_name], categories["政策兑现"], title, description)

    # The joint handling: opened eight working days ago, answered once by the 工信局 two days ago.
    with _clock_at(_working_days_ago(9)):
        members = [
            _file(filer(name), enterprises[name], categories["物流"], title, description)
            for name, title, description in LOGISTICS
        ]
    with _clock_at(_working_days_ago(8)):
        handling = joint.joint_create(
            actor=cast.coordinator,
            data=joint.NewJoint(
                case_ids=[case.pk for case in members],
                lead_department_id=departments["霍林郭勒市工业和信息化局"].pk,
                co_department_ids=[departments["霍林郭勒市交通运输局"].pk],
                title=LOGISTICS_TITLE,
                comment="四家铝企反映同一问题，请工信局牵头、交通运输局配合，统一答复。",
            ),
            source="demo",
        )
    with _clock_at(_working_days_ago(7)):
        handling = joint.joint_take(
            "start",
            actor=cast.handler,
            joint_id=handling.pk,
            expected_version=handling.version,
            fields={},
            input=StepInput(comment="已签收，正在与交通运输局、园区物流企业对接"),
            source="demo",
        )
    with _clock_at(_working_days_ago(2)):
        joint.joint_take(
            "answer",
            actor=cast.handler,
            joint_id=handling.pk,
            expected_version=handling.version,
            fields={"answer": LOGISTICS_ANSWER, "outcome": "resolved"},
            source="demo",
        )
    # 创源金属 and 锦联铝材 have rated it; 联晟新材料 and 靖帆铝版基 have the answer waiting. (Two
    # members still open: the common-problems page, which groups open demands of at least three
    # enterprises by default, does not offer this group again.)
    with _clock_at(_working_days_ago(1)):
        for short_name, rating, comment in (
            ("创源金属", 5, "新增运力已到位，本周铝锭按期发运"),
            ("锦联铝材", 4, "运力有改善，希望公铁联运尽快开行"),
        ):
            member = next(case for case in members if case.enterprise_id == enterprises[short_name].pk)
            _step(
                "confirm",
                member,
                cast.enterprise_users[short_name],
                rating=rating,
                step=StepInput(comment=comment),
            )

    hazards = _hazards(cast, categories, enterprises, departments)
    robots = _robots(cast, departments)
    return {
        "joint_handlings": 1,
        "cases": len(TAX_REFUNDS) + len(LOGISTICS) + hazards,
        "robots": robots,
    }


@dataclass(frozen=True)
class DemoHazard:
    title: str
    enterprise: str
    rule_breached: str
    evidence: str
    requirement: str
    days_to_rectify: int


def _hazard_ordered(
    cast: Cast,
    hazard: DemoHazard,
    *,
    found: datetime.datetime,
    categories: dict[str, CaseCategory],
    enterprises: dict[str, Enterprise],
    industry: Department,
) -> Case:
    """A hazard found by demo-handler at an inspection and ordered rectified by a date, as it
    happened `found`."""
    with _clock_at(found):
        case = services.case_create(
            actor=cast.handler,
            data=NewCase(
                kind=Kind.HAZARD,
                title=hazard.title,
                enterprise_id=enterprises[hazard.enterprise].pk,
                category_id=categories["安全生产"].pk,
                rule_breached=hazard.rule_breached,
                evidence=hazard.evidence,
                source="inspection",
            ),
            source="demo",
        )
        return _step(
            "assign",
            case,
            cast.handler,
            lead_department_id=industry.pk,
            deadline=WorkingCalendar().add_working_days(found.date(), hazard.days_to_rectify),
            step=StepInput(hazard.requirement),
        )


def _hazards(
    cast: Cast,
    categories: dict[str, CaseCategory],
    enterprises: dict[str, Enterprise],
    departments: dict[str, Department],
) -> int:
    industry = departments["霍林郭勒市工业和信息化局"]
    # Ordered rectified at 联晟新材料 (demo-enterprise): on its workbench and in its inbox, with
    # the deadline; the enterprise reports it rectified.
    _hazard_ordered(
        cast,
        DemoHazard(
            title="熔铸车间铝液转运通道地面有积水",
            enterprise="联晟新材料",
            rule_breached="《工贸企业重大事故隐患判定标准》第十三条",
            evidence="熔铸车间2号铸轧机旁铝液转运通道地面积水，存在高温铝液遇水爆炸风险。",
            requirement="清除积水，修复屋面漏水点，转运通道设置防水挡坎并每班巡查",
            days_to_rectify=8,
        ),
        found=_working_days_ago(1, hour=15),
        categories=categories,
        enterprises=enterprises,
        industry=industry,
    )
    # Reported rectified by demo-handler, who therefore may not re-inspect it: demo-handler-2 (the
    # same office) or the coordinator does.
    case = _hazard_ordered(
        cast,
        DemoHazard(
            title="电解车间多功能天车制动器磨损超限",
            enterprise="锦联铝材",
            rule_breached="《起重机械安全规程》GB 6067.1 第4.2.4条",
            evidence="电解二车间3号多功能天车起升机构制动器摩擦片磨损超过原厚度50%，仍在使用。",
            requirement="立即停用3号天车，更换制动器摩擦片并经检验合格后方可使用",
            days_to_rectify=5,
        ),
        found=_working_days_ago(6),
        categories=categories,
        enterprises=enterprises,
        industry=industry,
    )
    with _clock_at(_working_days_ago(2, hour=16)):
        _step(
            "report-completion",
            case,
            cast.handler,
            report="现场核实：企业已更换制动器摩擦片，特种设备检验机构出具了检验合格报告，天车已恢复使用。",
        )
    return 2


def _robots(cast: Cast, departments: dict[str, Department]) -> int:
    """Two robots to look at, both switched off: the demo sends nothing to the internet."""
    notification_services.webhook_save(
        actor=cast.admin,
        name="营商办工作群（示例，未启用）",
        flavour=Webhook.Flavour.WECOM,
        url=ROBOT_ADDRESS,
        region_code="150581",
        is_active=False,
        site_url=SITE_ADDRESS,
        source="demo",
    )
    notification_services.webhook_save(
        actor=cast.admin,
        name="工信局钉钉群（示例，未启用）",
        flavour=Webhook.Flavour.DINGTALK,
        url=DINGTALK_ADDRESS,
        secret=DINGTALK_SECRET,
        department_id=departments["霍林郭勒市工业和信息化局"].pk,
        is_active=False,
        site_url=SITE_ADDRESS,
        source="demo",
    )
    return 2
