"""The demo dataset: the places, people and enterprises of the reports in the design's samples
(Tongliao and Huolinguole, Datong, Tieling, the Inner Mongolia government), entered as records,
plus generated enterprises so every list has a few hundred rows.

Named enterprises are real companies from those reports; their codes, figures and contacts are
made up (valid by construction, not their registered codes). Generated enterprises are fiction.
Everything goes through the same services and importer as real data, so the audit trail shows
the demo load like any other.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhuqi.core.chinese import pinyin_keys
from zhuqi.core.roles import Role
from zhuqi.core.spreadsheets import write_csv
from zhuqi.core.validators import make_uscc
from zhuqi.demo import cases as demo_cases
from zhuqi.demo import chains as demo_chains
from zhuqi.demo import dispatch as demo_dispatch
from zhuqi.demo import joint as demo_joint
from zhuqi.demo import policies as demo_policies
from zhuqi.demo import projects as demo_projects
from zhuqi.demo import targets as demo_targets
from zhuqi.demo import taskforces as demo_taskforces
from zhuqi.demo import visits as demo_visits
from zhuqi.demo.names import FORMS, INDUSTRY_WORDS, TRADE_NAMES, enterprise_name, place_words, region_names
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Department, Industry, Official, Region, User, system_user
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.importing import import_enterprises
from zhuqi.enterprises.models import Assignment, Enterprise

DEMO_PASSWORD = "zhuqi-demo"  # noqa: S105 - the documented password of the demo accounts (passes the password rules)
DEMO_USERNAMES = (
    "demo-admin",
    "demo-leader",
    "demo-coordinator",
    "demo-handler",
    "demo-handler-2",
    "demo-liaison",
    "demo-enterprise",
    *(username for username, _ in demo_joint.ENTERPRISE_ACCOUNTS),
    "demo-auditor",
    "demo-region-office",
    "demo-region-industry",
    "demo-region-energy",
)

# (region code, name, kind, short name)
DEPARTMENTS: list[tuple[str, str, str, str]] = [
    ("150000", "内蒙古自治区党委", Department.Kind.PARTY, "自治区党委"),
    ("150000", "内蒙古自治区人民政府", Department.Kind.GOVERNMENT, "自治区政府"),
    ("150000", "内蒙古自治区发展和改革委员会", Department.Kind.GOVERNMENT, "自治区发改委"),
    ("150000", "内蒙古自治区工业和信息化厅", Department.Kind.GOVERNMENT, "自治区工信厅"),
    ("150000", "内蒙古自治区能源局", Department.Kind.GOVERNMENT, "自治区能源局"),
    ("150000", "内蒙古自治区住房和城乡建设厅", Department.Kind.GOVERNMENT, "自治区住建厅"),
    ("150500", "通辽市委", Department.Kind.PARTY, ""),
    ("150500", "通辽市人民政府", Department.Kind.GOVERNMENT, "通辽市政府"),
    ("150500", "通辽市发展和改革委员会", Department.Kind.GOVERNMENT, "通辽市发改委"),
    ("150500", "通辽市经济和信息化委员会", Department.Kind.GOVERNMENT, "通辽市经信委"),
    ("150500", "通辽市财政局", Department.Kind.GOVERNMENT, ""),
    ("150500", "通辽市营商环境建设局", Department.Kind.GOVERNMENT, "通辽市营商办"),
    ("150581", "霍林郭勒市委", Department.Kind.PARTY, ""),
    ("150581", "霍林郭勒市人民政府", Department.Kind.GOVERNMENT, "霍林郭勒市政府"),
    ("150581", "霍林郭勒市工业和信息化局", Department.Kind.GOVERNMENT, "霍林郭勒市工信局"),
    ("150581", "霍林郭勒市营商环境建设局", Department.Kind.GOVERNMENT, "霍林郭勒市营商办"),
    ("150526", "扎鲁特旗委", Department.Kind.PARTY, ""),
    ("140000", "山西省委", Department.Kind.PARTY, ""),
    ("140200", "大同市委", Department.Kind.PARTY, ""),
    ("140200", "大同市委统战部", Department.Kind.PARTY, ""),
    ("140200", "大同市人民政府", Department.Kind.GOVERNMENT, "大同市政府"),
    ("140200", "大同经济技术开发区党工委", Department.Kind.PARTY, "大同经开区党工委"),
    ("140200", "大同经济技术开发区管委会", Department.Kind.GOVERNMENT, "大同经开区管委会"),
    ("140200", "大同市工业和信息化局", Department.Kind.GOVERNMENT, ""),
    ("211200", "铁岭市委", Department.Kind.PARTY, ""),
    ("211200", "铁岭市人大常委会", Department.Kind.PEOPLES_CONGRESS, ""),
    ("211200", "铁岭市人民政府", Department.Kind.GOVERNMENT, "铁岭市政府"),
]

# Officials as the reports name them, with the posts the reports give them ("自治区党委常委、
# 通辽市委书记" is two posts). The last one is a liaison officer the demo needs; the reports do
# not name one, so the name is made up.
OFFICIALS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("孟宪东", "150500", [("内蒙古自治区党委", "常委"), ("通辽市委", "书记")]),
    ("郝茂荣", "150500", [("通辽市委", "副书记"), ("通辽市人民政府", "代市长")]),
    ("韩国武", "150500", [("通辽市人民政府", "副市长")]),
    ("张国平", "150581", [("霍林郭勒市委", "书记")]),
    ("白立柱", "150526", [("扎鲁特旗委", "书记")]),
    ("孙绍骋", "150000", [("内蒙古自治区党委", "书记")]),
    ("王莉霞", "150000", [("内蒙古自治区人民政府", "主席")]),
    ("卢东亮", "140200", [("山西省委", "常委"), ("大同市委", "书记")]),
    ("王明厚", "140200", [("大同市委", "常委"), ("大同市委", "秘书长"), ("大同市委统战部", "部长")]),
    (
        "赵学斌",
        "140200",
        [
            ("大同市人民政府", "副市长"),
            ("大同经济技术开发区党工委", "书记"),
            ("大同经济技术开发区管委会", "主任"),
        ],
    ),
    ("翟永清", "140200", [("大同市人民政府", "副市长")]),
    ("宋诚", "211200", [("铁岭市委", "书记"), ("铁岭市人大常委会", "主任")]),
    ("高原", "150581", [("霍林郭勒市工业和信息化局", "驻企联络员")]),
]


@dataclass(frozen=True)
class NamedEnterprise:
    name: str
    short_name: str
    region: str
    industry: str
    employees: int
    revenue: int  # 万元
    total_assets: int  # 万元
    address: str


NAMED_ENTERPRISES = [
    NamedEnterprise(
        "联晟新材料有限公司", "联晟新材料", "150581", "3252", 1260, 486000, 720000, "霍林郭勒市工业园区"
    ),
    NamedEnterprise(
        "靖帆铝版基有限公司", "靖帆铝版基", "150581", "3252", 310, 52000, 68000, "霍林郭勒市工业园区"
    ),
    NamedEnterprise(
        "内蒙古锦联铝材有限公司", "锦联铝材", "150581", "3216", 3100, 1520000, 2100000, "霍林郭勒市工业园区"
    ),
    NamedEnterprise(
        "内蒙古创源金属有限公司", "创源金属", "150581", "3216", 1650, 910000, 1150000, "霍林郭勒市工业园区"
    ),
    NamedEnterprise(
        "腾远环保有限公司", "腾远环保", "150581", "7724", 86, 6200, 15000, "霍林郭勒市循环经济产业园"
    ),
    NamedEnterprise("金辉粉体有限公司", "金辉粉体", "150581", "3099", 45, 3800, 5200, "霍林郭勒市工业园区"),
    NamedEnterprise(
        "亚欧新材料有限公司", "亚欧新材料", "150581", "3259", 120, 21000, 26000, "霍林郭勒市工业园区"
    ),
    NamedEnterprise(
        "辽宁北祥重工机械制造有限公司", "北祥重工", "211221", "3511", 420, 36000, 52000, "铁岭县"
    ),
    NamedEnterprise(
        "大同瑞铖钢结构有限公司", "瑞铖钢结构", "140200", "3311", 180, 24000, 19000, "大同经济技术开发区"
    ),
    NamedEnterprise(
        "陕汽大同专用汽车有限公司", "陕汽大同", "140200", "3630", 650, 98000, 130000, "大同经济技术开发区"
    ),
    NamedEnterprise(
        "太重集团(大同)起重机有限公司", "太重大同", "140200", "3432", 380, 45000, 60000, "大同经济技术开发区"
    ),
    NamedEnterprise(
        "中车大同电力机车有限公司", "中车大同", "140200", "3712", 4200, 1100000, 1600000, "大同市平城区"
    ),
    NamedEnterprise("大同金隅冀东水泥有限公司", "金隅冀东", "140200", "3011", 520, 76000, 150000, "大同市"),
    NamedEnterprise("大同市牧同乳业有限公司", "牧同乳业", "140200", "1441", 260, 31000, 42000, "大同市"),
]

# (enterprise short name, official, kind): who is responsible for whom in the demo.
ASSIGNMENTS = [
    ("联晟新材料", "孟宪东", Assignment.Kind.LEADER),
    ("锦联铝材", "郝茂荣", Assignment.Kind.LEADER),
    ("创源金属", "张国平", Assignment.Kind.LEADER),
    ("中车大同", "卢东亮", Assignment.Kind.LEADER),
    ("瑞铖钢结构", "赵学斌", Assignment.Kind.LEADER),
    ("北祥重工", "宋诚", Assignment.Kind.LEADER),
    *[
        (name, "高原", Assignment.Kind.LIAISON)
        for name in ("联晟新材料", "靖帆铝版基", "锦联铝材", "创源金属", "腾远环保")
    ],
]

# Where the generated enterprises go: region code → how many (a prefecture's are spread over its
# counties). Huolinguole gets its own share so the county accounts' lists have a few hundred rows.
GENERATED = {"150581": 230, "150500": 180, "140200": 220, "211200": 160, "150100": 30, "150200": 30}
# 字号 for generated names and streets (names.py builds the names).
NAME_WORDS = TRADE_NAMES
# Words from the reports' enterprise names: the benchmarks use them so searches for those names
# have many hits; the demo keeps them out so its named enterprises stay easy to find.
REPORT_WORDS = [
    "联晟",
    "锦联",
    "北祥",
    "瑞铖",
    "牧同",
    "腾远",
    "金辉",
    "亚欧",
    "创源",
    "靖帆",
    "宏图",
    "万通",
    "信达",
    "顺达",
]
NAME_SUFFIXES = FORMS
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"]


def is_loaded() -> bool:
    return User.objects.filter(username="demo-admin").exists()


# What the demo accounts used before passwords had to pass the rules.
OLD_DEMO_PASSWORD = "demo"  # noqa: S105 - a known, refused password, recognised in order to replace it


def replace_old_demo_password() -> int:
    """A demo database made before the password rules still has "demo", which the rules refuse
    and the login page no longer shows: its demo accounts move to DEMO_PASSWORD, each change
    audited like any other. Returns how many moved. One hash is checked when none did, so a
    start costs a fraction of a second."""
    first = User.objects.filter(username=DEMO_USERNAMES[0]).first()
    if first is None or not first.check_password(OLD_DEMO_PASSWORD):
        return 0
    moved = 0
    for user in User.objects.filter(username__in=DEMO_USERNAMES).order_by("pk"):
        if user.check_password(OLD_DEMO_PASSWORD):
            directory_services.password_change(
                actor=user,
                user=user,
                new_password=DEMO_PASSWORD,
                current_password=OLD_DEMO_PASSWORD,
                source="demo",
            )
            moved += 1
    return moved


def database_is_empty() -> bool:
    return not Enterprise.objects.exists() and not User.objects.exists()


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _contact_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def enterprise_rows(rng: random.Random) -> list[dict[str, Any]]:
    """The named and generated enterprises as rows of a government list (Chinese headers)."""
    rows: list[dict[str, Any]] = []
    serial = 1
    for named in NAMED_ENTERPRISES:
        rows.append(
            {
                "统一社会信用代码": make_uscc(named.region, serial),
                "企业名称": named.name,
                "简称": named.short_name,
                "所属行业": named.industry,
                "从业人员": named.employees,
                "营业收入(万元)": named.revenue,
                "资产总额(万元)": named.total_assets,
                "所在地区": named.region,
                "地址": named.address,
                "联系人": _contact_name(rng),
                "联系电话": _phone(rng),
                "规上企业": "是",
            }
        )
        serial += 1
    classes: dict[str, list[str]] = {}
    for code in Industry.objects.filter(level=Industry.Level.CLASS).values_list("code", flat=True):
        if code[:2] in INDUSTRY_WORDS:
            classes.setdefault(code[:2], []).append(code)
    divisions = sorted(classes)
    taken = {row["企业名称"] for row in rows}
    # A search for a named enterprise's pinyin initials (lsxcl: 联晟新材料) finds it alone: no
    # generated name may contain them (霍林郭勒市新创铝业 would: hlg·ls·xc·l).
    reserved = {key for named in NAMED_ENTERPRISES for key in pinyin_keys(named.short_name)}

    def shadows_a_named_one(name: str) -> bool:
        return any(key in generated for generated in pinyin_keys(name) for key in reserved)

    for region_code, count in GENERATED.items():
        region = Region.objects.get(pk=region_code)
        counties = (
            [region]
            if region.level == Region.Level.COUNTY
            else list(Region.objects.filter(parent_id=region_code).exclude(name="市辖区").order_by("code"))
        )
        above = region_names(county.code for county in counties)
        for _ in range(count):
            county = rng.choice(counties)
            division = rng.choice(divisions)
            code = rng.choice(classes[division])
            places = place_words(county.code, county.name, above)
            name = enterprise_name(
                rng, places=places, division=division, taken=taken, refuse=shadows_a_named_one
            )
            employees = int(rng.lognormvariate(3.8, 1.2))
            revenue = round(employees * rng.uniform(20, 160), 2)
            rows.append(
                {
                    "统一社会信用代码": make_uscc(county.code, serial),
                    "企业名称": name,
                    "简称": "",
                    "所属行业": code,
                    "从业人员": employees,
                    "营业收入(万元)": revenue,
                    "资产总额(万元)": round(revenue * rng.uniform(0.6, 2.5), 2),
                    "所在地区": county.code,
                    "地址": f"{county.name}{rng.choice(NAME_WORDS)}路{rng.randrange(1, 300)}号",
                    "联系人": _contact_name(rng),
                    "联系电话": _phone(rng),
                    "规上企业": "是" if revenue >= 2000 else "否",
                }
            )
            serial += 1
    _add_founding_dates(rows, random.Random(rng.random()))
    return rows


def _add_founding_dates(rows: list[dict[str, Any]], rng: random.Random) -> None:
    """成立日期, from a generator of its own (the other columns' draws stay as they were). One
    enterprise in ten has none on record, as in a real registry list: the policies it might get
    by age are then "possibly eligible"; a few were founded in the last three years."""
    for row in rows:
        draw = rng.random()
        if draw < 0.1:
            row["成立日期"] = ""
        elif draw < 0.25:
            row["成立日期"] = (
                timezone.localdate() - datetime.timedelta(days=rng.randrange(30, 1000))
            ).isoformat()
        else:
            row["成立日期"] = datetime.date(
                rng.randrange(1995, 2023), rng.randrange(1, 13), rng.randrange(1, 29)
            ).isoformat()


def _as_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    write_csv(buffer, [list(rows[0]), *(list(row.values()) for row in rows)])
    return buffer.getvalue().encode("utf-8")


@transaction.atomic
def load(*, seed: int = 20260620) -> dict[str, int]:
    """Load the demo dataset into a database that has the reference data. Idempotent only in the
    sense that it refuses to load twice."""
    if is_loaded():
        raise RuntimeError("演示数据已加载")
    if not Region.objects.exists() or not Industry.objects.exists():
        raise RuntimeError("请先加载行政区划和行业分类（zhuqi load regions / zhuqi load industries）")
    rng = random.Random(seed)
    actor = system_user()
    regions = Region.objects.in_bulk([code for code, *_ in DEPARTMENTS])
    departments: dict[str, Department] = {}
    for region_code, name, kind, short_name in DEPARTMENTS:
        departments[name] = directory_services.department_create(
            actor=actor, region=regions[region_code], name=name, kind=kind, short_name=short_name
        )
    officials: dict[str, Official] = {}
    for name, region_code, posts in OFFICIALS:
        official = directory_services.official_create(
            actor=actor, region=Region.objects.get(pk=region_code), name=name, phone=_phone(rng)
        )
        for order, (department_name, title) in enumerate(posts):
            directory_services.post_create(
                actor=actor,
                official=official,
                department=departments[department_name],
                title=title,
                order=order,
            )
        officials[name] = official

    rows = enterprise_rows(rng)
    report = import_enterprises(actor=actor, stream=io.BytesIO(_as_csv(rows)), filename="demo.csv")
    if report.errors:
        problems = "; ".join(f"row {e.row} {e.column}: {e.message}" for e in report.errors[:5])
        raise RuntimeError(f"demo enterprises failed validation: {problems}")

    by_short_name = {e.short_name: e for e in Enterprise.objects.exclude(short_name="")}
    start = datetime.date(2026, 1, 1)
    for short_name, official_name, kind in ASSIGNMENTS:
        enterprise_services.assignment_create(
            actor=actor,
            enterprise_id=by_short_name[short_name].pk,
            official_id=officials[official_name].pk,
            kind=kind,
            start_date=start,
        )
    # The liaison officer also looks after a few generated enterprises in Huolinguole.
    for enterprise in Enterprise.objects.filter(region_id="150581", short_name="").order_by("id")[:5]:
        enterprise_services.assignment_create(
            actor=actor,
            enterprise_id=enterprise.pk,
            official_id=officials["高原"].pk,
            kind=Assignment.Kind.LIAISON,
            start_date=start,
        )

    accounts: list[dict[str, Any]] = [
        {"username": "demo-admin", "role": Role.ADMIN, "display_name": "系统管理员"},
        {
            "username": "demo-leader",
            "role": Role.LEADER,
            "display_name": "孟宪东",
            "region": regions["150500"],
            "official": officials["孟宪东"],
        },
        {
            "username": "demo-coordinator",
            "role": Role.COORDINATOR,
            "display_name": "霍林郭勒市营商办",
            "region": regions["150581"],
            "department": departments["霍林郭勒市营商环境建设局"],
        },
        {
            "username": "demo-handler",
            "role": Role.HANDLER,
            "display_name": "霍林郭勒市工信局",
            "department": departments["霍林郭勒市工业和信息化局"],
        },
        {
            # A second person of the same office: re-inspects a hazard demo-handler reported rectified.
            "username": "demo-handler-2",
            "role": Role.HANDLER,
            "display_name": "霍林郭勒市工信局安全生产科",
            "department": departments["霍林郭勒市工业和信息化局"],
        },
        {
            "username": "demo-liaison",
            "role": Role.LIAISON,
            "display_name": "高原（驻企联络员）",
            "official": officials["高原"],
        },
        {
            "username": "demo-enterprise",
            "role": Role.ENTERPRISE,
            "display_name": "联晟新材料",
            "enterprise": by_short_name["联晟新材料"],
        },
        *(
            {
                "username": username,
                "role": Role.ENTERPRISE,
                "display_name": short_name,
                "enterprise": by_short_name[short_name],
            }
            for username, short_name in demo_joint.ENTERPRISE_ACCOUNTS
        ),
        {"username": "demo-auditor", "role": Role.AUDITOR, "display_name": "审计员"},
    ]
    users = {
        account["username"]: directory_services.user_create(actor=actor, password=DEMO_PASSWORD, **account)
        for account in accounts
    }
    case_count = demo_cases.load(
        actor=actor,
        users=demo_cases.Cast(
            coordinator=users["demo-coordinator"],
            handler=users["demo-handler"],
            enterprise_user=users["demo-enterprise"],
            liaison=users["demo-liaison"],
            leader=users["demo-leader"],
        ),
        departments=departments,
    )
    project_counts = demo_projects.load(
        actor=actor, users=users, departments=departments, officials=officials
    )
    visit_count = demo_visits.load(admin=users["demo-admin"], officials=officials, departments=departments)
    liaison_count = demo_visits.load_liaison(liaison=users["demo-liaison"])
    joint_counts = demo_joint.load(
        cast=demo_joint.Cast(
            admin=users["demo-admin"],
            coordinator=users["demo-coordinator"],
            handler=users["demo-handler"],
            enterprise_users={
                "联晟新材料": users["demo-enterprise"],
                **{short_name: users[username] for username, short_name in demo_joint.ENTERPRISE_ACCOUNTS},
            },
        ),
        departments=departments,
    )
    policy_counts = demo_policies.load(
        coordinator=users["demo-coordinator"], enterprise_user=users["demo-enterprise"]
    )
    return {
        **demo_chains.load(users=users, departments=departments, officials=officials),
        # The projects' chains written before the chains existed, linked once they do.
        "projects_linked_to_chains": demo_projects.link_chains(actor=users["demo-admin"]),
        **demo_targets.load(users=users),
        **demo_taskforces.load(users=users, officials=officials, departments=departments),
        # The region's dispatch meetings (report 004) and economic figures, after everything they draw on.
        **demo_dispatch.load(users=users, officials=officials, departments=departments),
        **policy_counts,
        "departments": len(departments),
        "officials": len(officials),
        "enterprises": report.created,
        "users": len(accounts),
        "cases": case_count + joint_counts["cases"],
        "joint_handlings": joint_counts["joint_handlings"],
        "robots": joint_counts["robots"],
        **project_counts,
        "visits": visit_count,
        "liaison_visits": liaison_count,
    }
