"""The demo's cases: the difficulties and instructions of the sample reports' visits to
Huolinguole (孟宪东, 2022-06, 联晟高端铝箔 and the small and medium enterprises), worked to
different points, plus the routing catalogue the coordinator assigns by.

Every case goes through the services, as a user would take it. The older ones are taken with
the clock set back, so the demo has a history — a case already late, one escalated, answers
waiting for a rating — that agrees with its own timeline and audit trail.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from unittest import mock

from django.utils import timezone

from zhuqi.cases import services
from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.core.workdays import WorkingCalendar
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Department, Region, User
from zhuqi.enterprises.models import Enterprise

# Huolinguole's offices that cases are routed to (the four of the reports are in dataset.py).
DEPARTMENTS = [
    "霍林郭勒市发展和改革委员会",
    "霍林郭勒市财政局",
    "霍林郭勒市人力资源和社会保障局",
    "霍林郭勒市自然资源局",
    "霍林郭勒市交通运输局",
    "霍林郭勒市生态环境局",
    "霍林郭勒市应急管理局",
    "霍林郭勒市市场监督管理局",
    "国家税务总局霍林郭勒市税务局",
]

# 派单目录 for Huolinguole: category, keywords, lead, co-departments.
ROUTING = [
    ("融资", "", "霍林郭勒市财政局", ["霍林郭勒市工业和信息化局"]),
    ("用工", "", "霍林郭勒市人力资源和社会保障局", []),
    ("物流", "", "霍林郭勒市交通运输局", ["霍林郭勒市工业和信息化局"]),
    ("原材料", "", "霍林郭勒市工业和信息化局", []),
    ("用地", "", "霍林郭勒市自然资源局", ["霍林郭勒市发展和改革委员会"]),
    ("用能", "", "霍林郭勒市工业和信息化局", ["霍林郭勒市发展和改革委员会"]),
    ("审批", "", "霍林郭勒市营商环境建设局", []),
    ("政策兑现", "退税 留抵 减税", "国家税务总局霍林郭勒市税务局", ["霍林郭勒市财政局"]),
    ("政策兑现", "", "霍林郭勒市财政局", ["霍林郭勒市工业和信息化局"]),
    ("技术改造", "", "霍林郭勒市工业和信息化局", ["霍林郭勒市发展和改革委员会"]),
    ("市场", "", "霍林郭勒市市场监督管理局", []),
    ("安全生产", "", "霍林郭勒市应急管理局", []),
    ("生态环保", "", "霍林郭勒市生态环境局", []),
    ("其他", "", "霍林郭勒市营商环境建设局", []),
]

VISIT = "2022年6月孟宪东到霍林郭勒市调研重点项目和中小微企业"


@dataclass(frozen=True)
class Cast:
    coordinator: User
    handler: User
    enterprise_user: User
    liaison: User
    leader: User


@contextlib.contextmanager
def _clock_at(moment: datetime.datetime) -> Iterator[None]:
    """Take the steps as if at `moment`: the services, the audit trail and the timeline all read
    the one clock, so the back-dated history is consistent."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _working_days_ago(days: int, hour: int = 10) -> datetime.datetime:
    calendar = WorkingCalendar()
    day = timezone.localdate()
    while days > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_workday(day):
            days -= 1
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(*, actor: User, users: Cast, departments: dict[str, Department]) -> int:
    region = Region.objects.get(pk="150581")
    for name in DEPARTMENTS:
        departments[name] = directory_services.department_create(
            actor=actor, region=region, name=name, kind=Department.Kind.GOVERNMENT, short_name=""
        )
    categories = {c.name: c for c in CaseCategory.objects.filter(parent=None)}
    admin = User.objects.get(username="demo-admin")
    for order, (category, keywords, lead, co) in enumerate(ROUTING):
        services.routing_rule_save(
            actor=admin,
            data=services.RoutingRuleData(
                region_code=region.code,
                category_id=categories[category].pk,
                lead_department_id=departments[lead].pk,
                co_department_ids=[departments[name].pk for name in co],
                keywords=keywords,
                order=order,
            ),
            source="demo",
        )
    enterprises = {
        e.short_name: e for e in Enterprise.objects.filter(region_id="150581").exclude(short_name="")
    }
    # The deadline sweep (the background worker's, or the test's) turns the late one red.
    return _cases(users, categories, enterprises, departments)


def _demand(
    users: Cast,
    who: User,
    enterprise: Enterprise,
    category: CaseCategory,
    title: str,
    description: str,
    *,
    source: str = "visit",
    source_note: str = VISIT,
) -> Case:
    return services.case_create(
        actor=who,
        data=NewCase(
            kind=Kind.DEMAND,
            title=title,
            description=description,
            enterprise_id=enterprise.pk,
            category_id=category.pk,
            source=source,
            source_note=source_note,
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


def _cases(
    users: Cast,
    categories: dict[str, CaseCategory],
    enterprises: dict[str, Enterprise],
    departments: dict[str, Department],
) -> int:
    coordinator, handler = users.coordinator, users.handler
    made = 0

    # Closed: answered, resolved, rated 5 by 联晟新材料 itself.
    with _clock_at(_working_days_ago(20)):
        case = _demand(
            users,
            users.liaison,
            enterprises["联晟新材料"],
            categories["物流"],
            "铝箔产品外运铁路车皮计划紧张",
            "高端铝箔项目试生产后月发运量约8000吨，铁路车皮计划经常排不上，影响交货。",
        )
        _step("accept", case, coordinator)
        _step("assign", case, coordinator, lead_department_id=departments["霍林郭勒市工业和信息化局"].pk)
    with _clock_at(_working_days_ago(18)):
        _step("start", case, handler)
    with _clock_at(_working_days_ago(16)):
        _step(
            "answer",
            case,
            handler,
            answer="已协调呼和浩特铁路局通辽车务段，每月为企业单列车皮计划，并开通霍林河站至锦州港的铝箔专列。",
            outcome="resolved",
        )
    with _clock_at(_working_days_ago(15)):
        _step(
            "confirm", case, users.enterprise_user, rating=5, step=StepInput(comment="专列开通后交货及时了")
        )
    made += 1

    # Answered, waiting for 联晟新材料 to rate it (the demo enterprise account sees it in 待办).
    with _clock_at(_working_days_ago(6)):
        case = _demand(
            users,
            users.enterprise_user,
            enterprises["联晟新材料"],
            categories["技术改造"],
            "冷轧生产线智能化改造申报技改补贴",
            "计划投资1.2亿元对冷轧生产线进行智能化改造，希望了解自治区技改补贴的申报条件和时间。",
            source="portal",
            source_note="",
        )
        _step("accept", case, coordinator)
        _step("assign", case, coordinator)
    with _clock_at(_working_days_ago(5)):
        _step("start", case, handler)
    with _clock_at(_working_days_ago(2)):
        _step(
            "answer",
            case,
            handler,
            answer="已将项目纳入自治区工业技术改造项目库，申报材料清单已发企业联系人，请于本月底前报送。",
            outcome="resolved",
        )
    made += 1

    # Late: assigned eight working days ago to the 工信局 with a five-day deadline, never answered;
    # the sweep marks it red and escalates it.
    with _clock_at(_working_days_ago(8)):
        case = _demand(
            users,
            users.liaison,
            enterprises["创源金属"],
            categories["原材料"],
            "氧化铝采购价格大幅上涨，希望协调长协供应",
            "近三个月氧化铝到厂价上涨约18%，企业希望政府协调与上游企业签订年度长协。",
        )
        _step("accept", case, coordinator)
        _step("assign", case, coordinator)
    with _clock_at(_working_days_ago(7)):
        _step("start", case, handler, step=StepInput(comment="已联系企业了解采购情况"))
    made += 1

    # In progress, due soon.
    with _clock_at(_working_days_ago(3)):
        case = _demand(
            users,
            users.liaison,
            enterprises["锦联铝材"],
            categories["用能"],
            "电解铝用电价格执行政策咨询",
            "希望明确阶梯电价政策执行口径及绿电交易参与方式。",
        )
        _step("accept", case, coordinator)
        _step("assign", case, coordinator)
        _step("start", case, handler)
    made += 1

    # Waiting for the coordinator: three new demands, two of them the same common problem.
    for short_name, title, description in (
        ("靖帆铝版基", "增值税留抵退税迟迟未到账", "6月申请的留抵退税约320万元至今未到账，流动资金紧张。"),
        ("亚欧新材料", "留抵退税办理进度慢", "企业5月提交留抵退税申请，至今未收到退税款。"),
        (
            "腾远环保",
            "大修渣无害化处理项目环评批复",
            "大修渣无害化处理及综合利用项目环评报告已报送两个月，尚未批复。",
        ),
    ):
        category = categories["政策兑现" if "退税" in title else "生态环保"]
        _demand(users, coordinator, enterprises[short_name], category, title, description)
        made += 1

    # A leader's instruction from the visit, assigned and being worked.
    with _clock_at(_working_days_ago(4)):
        services.case_create(
            actor=users.leader,
            data=NewCase(
                kind=Kind.INSTRUCTION,
                title="加快联晟高端铝箔项目建设，确保二期年内投产",
                description="要倒排工期、挂图作战，解决好项目用电、用工和物流问题，确保早投产、早达效。",
                region_code="150581",
                category_id=categories["其他"].pk,
                source="visit",
                source_note=VISIT,
                lead_department_id=departments["霍林郭勒市工业和信息化局"].pk,
                co_department_ids=[departments["霍林郭勒市发展和改革委员会"].pk],
                deadline=WorkingCalendar().add_working_days(timezone.localdate(), 20),
            ),
            source="demo",
        )
    made += 1

    # A hazard found at 金辉粉体, rectification ordered.
    with _clock_at(_working_days_ago(2)):
        services.case_create(
            actor=coordinator,
            data=NewCase(
                kind=Kind.HAZARD,
                title="粉体车间粉尘防爆措施不到位",
                enterprise_id=enterprises["金辉粉体"].pk,
                category_id=categories["安全生产"].pk,
                rule_breached="《工贸企业粉尘防爆安全规定》第十四条",
                evidence="除尘系统未设置锁气卸灰装置，车间积尘未及时清理。",
                source="inspection",
                lead_department_id=departments["霍林郭勒市应急管理局"].pk,
            ),
            source="demo",
        )
    made += 1
    return made
