"""The sample reports' visits, recorded through the visits service: who went, where, whom they
met, and what was said there as cases (instructions to departments, the enterprises'
difficulties). Report 000 is an inspection and a symposium of small and medium enterprises,
001–003 are inspections; report 004 (a dispatch meeting and four signed agreements) is in
demo/projects.py."""

from __future__ import annotations

import datetime

from zhuqi.cases.models import CaseCategory
from zhuqi.directory.models import Department, Official, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.projects.models import Project
from zhuqi.visits import services
from zhuqi.visits.services import Attendance, SaidThere, VisitData


def load(*, admin: User, officials: dict[str, Official], departments: dict[str, Department]) -> int:
    categories = {c.name: c.pk for c in CaseCategory.objects.filter(parent=None)}
    firms = {e.short_name: e.pk for e in Enterprise.objects.exclude(short_name="")}
    projects = {p.name: p.pk for p in Project.objects.filter(region_id="150581")}

    def said(kind: str, title: str, category: str, enterprise: str = "", lead: str = "") -> SaidThere:
        return SaidThere(
            kind=kind,
            title=title,
            category_id=categories[category],
            enterprise_id=firms[enterprise] if enterprise else None,
            lead_department_id=departments[lead].pk if lead else None,
        )

    visits = [
        (
            VisitData(
                kind="inspection",
                title="孟宪东到霍林郭勒市调研重点项目建设和中小微企业发展情况",
                start_date=datetime.date(2022, 6, 20),
                end_date=datetime.date(2022, 6, 21),
                lead_official_ids=[officials["孟宪东"].pk],
                accompanying_official_ids=[officials["张国平"].pk],
                place_codes=["150581"],
                attendance=[
                    Attendance(enterprise_id=firms[name]) for name in ("联晟新材料", "靖帆铝版基", "腾远环保")
                ],
                project_ids=[
                    pk
                    for name, pk in projects.items()
                    if name.startswith(("联晟", "金源阳", "霍林郭勒市增量", "腾远", "靖帆"))
                ],
                summary="实地察看增量配电网、金源阳光伏、靖帆铝版基、联晟高端铝箔和腾远环保大修渣项目进展，"
                "召开中小微企业座谈会听取意见建议。",
                source_note="报道 000",
            ),
            [
                said(
                    "instruction",
                    "在保证施工安全的前提下加快项目建设进度，力争早日投产",
                    "其他",
                    lead="霍林郭勒市工业和信息化局",
                ),
                said(
                    "instruction",
                    "环保企业不能在环保上出问题，高标准执行环保标准",
                    "生态环保",
                    lead="霍林郭勒市生态环境局",
                ),
                said("demand", "高端铝箔项目设备进口资金周转紧张", "融资", enterprise="联晟新材料"),
            ],
        ),
        (
            VisitData(
                kind="symposium",
                title="霍林郭勒市中小微企业座谈会",
                start_date=datetime.date(2022, 6, 21),
                lead_official_ids=[officials["孟宪东"].pk],
                place_codes=["150581"],
                attendance=[
                    Attendance(
                        enterprise_id=firms["金辉粉体"],
                        opinions="用工难，熟练工流失",
                        policies_unknown="稳岗返还",
                    ),
                    Attendance(
                        enterprise_id=firms["亚欧新材料"],
                        opinions="原材料价格上涨",
                        policies_received="增值税留抵退税",
                    ),
                    Attendance(
                        enterprise_id=firms["创源金属"], opinions="物流受阻", policies_unobtainable="物流补贴"
                    ),
                ],
                summary="听取中小微企业意见建议，了解惠企政策落实情况。",
                source_note="报道 000",
            ),
            [
                said("demand", "熟练工流失，招工难", "用工", enterprise="金辉粉体"),
                said("demand", "申请物流补贴未获批准", "政策兑现", enterprise="创源金属"),
                said(
                    "instruction",
                    "梳理惠企政策清单，送政策上门，确保应享尽享",
                    "政策兑现",
                    lead="霍林郭勒市财政局",
                ),
            ],
        ),
        (
            VisitData(
                kind="inspection",
                title="郝茂荣一行调研通辽北部区域经济社会发展情况",
                start_date=datetime.date(2017, 2, 7),
                end_date=datetime.date(2017, 2, 8),
                lead_official_ids=[officials["郝茂荣"].pk],
                accompanying_official_ids=[
                    officials["韩国武"].pk,
                    officials["张国平"].pk,
                    officials["白立柱"].pk,
                ],
                place_codes=["150581", "150526"],
                attendance=[
                    Attendance(enterprise_id=firms[name]) for name in ("联晟新材料", "锦联铝材", "创源金属")
                ],
                summary="踏查企业生产经营、安全生产和环境保护情况，召开北部地区区域汇报会，推进霍扎一体化。",
                source_note="报道 001",
            ),
            [
                said(
                    "instruction",
                    "督促企业落实安全生产和环境保护主体责任",
                    "安全生产",
                    lead="霍林郭勒市应急管理局",
                ),
                said(
                    "instruction", "高标准编制霍扎一体化发展规划", "其他", lead="霍林郭勒市发展和改革委员会"
                ),
            ],
        ),
        (
            VisitData(
                kind="inspection",
                title="宋诚到铁岭县调研稳产保供和助企纾困工作",
                start_date=datetime.date(2022, 4, 17),
                lead_official_ids=[officials["宋诚"].pk],
                place_codes=["211221"],
                attendance=[Attendance(enterprise_id=firms["北祥重工"])],
                summary="深入重点企业调研稳产保供和助企纾困工作。",
                source_note="报道 002",
            ),
            [said("demand", "疫情期间原材料运输受阻", "物流", enterprise="北祥重工")],
        ),
        (
            VisitData(
                kind="inspection",
                title="卢东亮督导调研疫情防控和复工复产工作",
                start_date=datetime.date(2022, 11, 4),
                end_date=datetime.date(2022, 11, 6),
                lead_official_ids=[officials["卢东亮"].pk],
                accompanying_official_ids=[officials[name].pk for name in ("王明厚", "赵学斌", "翟永清")],
                place_codes=["140200"],
                attendance=[
                    Attendance(enterprise_id=firms[name])
                    for name in ("瑞铖钢结构", "陕汽大同", "太重大同", "中车大同", "金隅冀东", "牧同乳业")
                ],
                summary="听取企业疫情防控和生产经营情况，协调解决物流运输、原料供应、返岗用工等问题。",
                source_note="报道 003",
            ),
            [
                said("demand", "原料供应和物流运输受疫情影响", "物流", enterprise="陕汽大同"),
                said("demand", "返岗用工不足", "用工", enterprise="中车大同"),
                said("instruction", "加强风险评估和隐患排查，防范化解安全风险", "安全生产"),
            ],
        ),
    ]
    count = 0
    for data, cases in visits:
        services.visit_create(actor=admin, data=data, said=cases, source="demo")
        count += 1
    return count


def load_liaison(*, liaison: User) -> int:
    """The demo liaison officer's log, dated from today so the workbench, the month-end report and
    the coverage page have something to show: this month a visit and a call to 联晟新材料 (on
    target), a visit to 靖帆铝版基 that heard a demand; last month a visit and a call to 锦联铝材.
    腾远环保, 创源金属 and the generated enterprises are left unvisited: they show as overdue.
    Logged by the officer through the service, as the quick log does."""
    from django.utils import timezone

    categories = {c.name: c.pk for c in CaseCategory.objects.filter(parent=None)}
    firms = {e.short_name: e for e in Enterprise.objects.exclude(short_name="")}
    today = timezone.localdate()
    first = today.replace(day=1)

    def this_month(days_ago: int) -> datetime.date:
        return max(first, today - datetime.timedelta(days=days_ago))

    last_month = first - datetime.timedelta(days=10)
    official_id = liaison.official_id
    assert official_id is not None
    entries: list[tuple[str, str, datetime.date, str, bool, list[tuple[str, str]]]] = [
        ("liaison", "联晟新材料", this_month(6), "生产经营正常，铝箔二期设备安装过半。", True, []),
        ("call", "联晟新材料", this_month(2), "电话了解用电情况，无新问题。", True, []),
        (
            "liaison",
            "靖帆铝版基",
            this_month(4),
            "企业反映招工难，熟练操作工缺口约30人。",
            False,
            [("熟练操作工缺口约30人，希望协助招聘", "用工")],
        ),
        ("liaison", "锦联铝材", last_month, "了解企业订单和物流情况。", True, []),
        ("call", "锦联铝材", last_month + datetime.timedelta(days=3), "", True, []),
    ]
    for kind, short_name, day, summary, no_problems, demands in entries:
        enterprise = firms[short_name]
        verb = "走访" if kind == "liaison" else "电话联系"
        services.visit_create(
            actor=liaison,
            data=VisitData(
                kind=kind,
                title=f"{verb}{enterprise.display_name}",
                start_date=day,
                lead_official_ids=[official_id],
                attendance=[Attendance(enterprise_id=enterprise.pk)],
                summary=summary,
                no_problems=no_problems,
            ),
            said=[
                SaidThere(
                    kind="demand", title=title, category_id=categories[category], enterprise_id=enterprise.pk
                )
                for title, category in demands
            ],
            source="demo",
        )
    return len(entries)
