"""Extraction: what a cleaned report says (issue 21, stage 3).

`extract(cleaned)` reads the cleaned, Simplified text of one report and returns an `Extraction`:
the kind of event, its dates, the lead officials with the posts written beside their names, the
other named officials, the enterprises (full legal names and the short names of lists), the
projects, the places (regions of GB/T 2260, the list the directory app loads), the instructions
the lead official gave (one per requirement) and the difficulties enterprises raised.

Every mention keeps its character span in `cleaned.text`, so the review page can mark it.

Pure functions over text, no database: the gazetteer is read once from the directory app's
packaged regions.csv, the surnames and post words are constants below. Every pattern is compiled
once; the work per report is a handful of regular-expression passes over its text.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import NamedTuple, Protocol

# The event kinds: the values of visits' `VisitKind` where it has one (inspection, symposium);
# a dispatch meeting and anything else keep their own value.
INSPECTION = "inspection"
SYMPOSIUM = "symposium"
DISPATCH = "dispatch"
OTHER = "other"

REGIONS_PACKAGE = "zhuqi.directory.data"


class CleanedReport(Protocol):
    """What extraction reads of `ingest.cleaning.Cleaned`."""

    text: str
    title: str
    language: str
    published_on: date | None


@dataclass(slots=True)
class Mention:
    """A thing named in the text: `text` is its normalised form (a place's full name), the span is
    where it is written in `cleaned.text` (which may differ: 通辽 for 通辽市)."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class PersonMention:
    name: str
    posts: list[str]
    start: int  # the name where it is first written with its posts
    end: int
    spans: list[tuple[int, int]] = field(default_factory=list)  # every place the name is written
    # Every post written beside the name anywhere (the title and later mentions included); `posts`
    # are those of its first mention in the body.
    written_posts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EnterpriseMention:
    name: str
    short: bool  # a short name (联晟) rather than the full legal name
    start: int
    end: int
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A day as the report gives it: the year may be unknown (never guessed)."""

    year: int | None
    month: int
    day: int

    def to_date(self) -> date | None:
        if self.year is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(slots=True)
class Extraction:
    kind: str
    start: date | None
    end: date | None
    # The days as written, with the year when known (start/end are None without a year).
    start_day: PartialDate | None
    end_day: PartialDate | None
    # Where the year came from: "text" (written with the date or given to the event),
    # "published" (the page's date), "" (unknown: the person gives it).
    year_source: str
    date_spans: list[tuple[int, int]]
    lead_officials: list[PersonMention]
    other_officials: list[PersonMention]
    enterprises: list[EnterpriseMention]
    projects: list[str]
    places: list[str]
    instructions: list[str]
    difficulties: list[str]
    project_mentions: list[Mention] = field(default_factory=list)
    place_mentions: list[Mention] = field(default_factory=list)
    instruction_mentions: list[Mention] = field(default_factory=list)
    difficulty_mentions: list[Mention] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Word lists (data, written here: nothing is downloaded)
# ---------------------------------------------------------------------------------------------

# Common Chinese surnames (the 百家姓 ones in use today, by frequency), single characters.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南"
    "班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿"
    "国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯"
    "隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由鸟"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台",
)  # fmt: skip

# The words a post ends with (longest first in the pattern built from them).
POST_WORDS = (
    "书记", "副书记", "市长", "副市长", "代市长", "省长", "副省长", "代省长", "县长", "副县长", "代县长",
    "区长", "副区长", "代区长", "旗长", "副旗长", "盟长", "副盟长", "州长", "副州长", "镇长", "乡长",
    "主任", "副主任", "主席", "副主席", "常委", "委员", "秘书长", "副秘书长", "部长", "副部长", "厅长",
    "局长", "处长", "科长", "院长", "所长", "校长", "行长", "署长", "会长", "社长", "组长", "队长",
    "站长", "馆长", "检察长", "庭长", "董事长", "总经理", "副总经理", "经理", "总裁", "总监",
    "司令员", "政委", "巡视员", "调研员", "理事长", "专员", "助理", "总工程师", "总会计师",
    "总经济师", "党组成员", "参事", "主任委员", "常务副市长", "常务副省长", "常务副县长",
    "指挥长", "副指挥长", "常务副区长", "常务副主任", "党工委书记", "管委会主任", "主委", "副主委",
    "总指挥", "副总指挥",
)  # fmt: skip

# Words that may follow a name (where a name ends): verbs of the event, conjunctions, particles.
NAME_FOLLOWERS = (
    "深入", "来到", "前往", "一行", "同志", "主持", "召开", "调研", "参加", "出席", "陪同", "强调",
    "指出", "表示", "要求", "提出", "听取", "实地", "先后", "分别", "会见", "看望", "慰问", "走访",
    "察看", "考察", "视察", "督导", "检查", "讲话", "介绍", "汇报", "以及", "率队", "带队", "率领",
    "带领", "一同", "共同", "利用", "参观", "宣布", "致辞", "专程", "随后", "还", "也", "在", "到",
    "赴", "及", "和", "与", "等", "对", "向", "为", "就", "说", "率", "是", "的", "同", "从", "于",
    "作", "代表", "详细", "认真", "首先", "最后", "希望", "勉励", "叮嘱", "鼓励", "指导", "了解",
    "一起", "亲切", "充分", "听", "先", "又", "则", "将", "已", "均", "都", "亲自", "来", "参会",
    "莅临", "带头", "参与", "传达", "宣读", "通报",
)  # fmt: skip

# Words cut off the left of a post phrase ("会上我市市委书记" → 市委书记).
POST_LEFT_STOPS = (
    "会上", "会议", "我市", "我县", "我区", "我旗", "我省", "我州", "我盟", "在", "由", "陪同", "同志",
    "以及", "及", "与", "了", "是", "向", "对", "为", "请", "邀请", "看望", "慰问", "听取", "会见",
    "召开", "主持", "上午", "下午", "晚上", "期间", "其间", "并", "和", "随同", "率领", "带领", "以",
)  # fmt: skip

# Words cut off the left of an enterprise or project name ("来到联晟…" → 联晟…).
NAME_LEFT_STOPS = (
    "来到", "到", "在", "深入", "走进", "调研", "考察", "察看", "视察", "走访", "督导", "检查", "与",
    "和", "及", "以及", "会见", "成立了", "成立", "了", "的", "对", "是", "我市", "我县", "我区",
    "我旗", "我省", "分别", "先后", "签署", "赴", "前往", "包括", "指导", "服务", "帮助", "支持",
    "落户", "入驻", "听取", "推进", "加快", "观看", "参观", "实地", "看望", "慰问", "随后", "把",
    "其中", "落实", "打造", "跟踪", "询问", "了解", "抓好", "抓", "推动", "谋划", "布局", "引进",
    "招引", "储备", "争取", "包装", "实施", "开工", "做好", "筹备", "实现", "规划", "一批", "举办",
    "开展", "聚焦", "围绕", "依托", "借助", "发展", "建成", "投产", "完成", "启动", "加强", "重点",
    "召开", "主持", "研究", "解决", "以来", "汇报", "情况", "联系企业", "包联企业", "挂联企业",
    "服务企业", "帮扶企业", "邀请", "关于",
)  # fmt: skip
# Projects keep 及/和/与 inside their names ("大修渣无害化处理及综合利用项目").
PROJECT_LEFT_STOPS = (*(w for w in NAME_LEFT_STOPS if w not in ("及", "和", "与", "以及", "重点")), "等")

# Legal suffixes of a Chinese enterprise name (longest first).
ENTERPRISE_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "集团公司", "集团",
    "分公司", "公司", "总厂", "厂", "专业合作社", "合作社", "银行", "商行", "农场", "牧场", "事务所", "支行",
    "分行", "营业部",
)  # fmt: skip
# Words an enterprise's short name ends in (industries, forms): "腾远环保", "锦联铝材".
INDUSTRY_WORDS = (
    "环保", "科技", "能源", "新材料", "新材", "化工", "电力", "铝业", "铝材", "煤业", "矿业", "钢铁",
    "实业", "股份", "集团", "控股", "光电", "电子", "医药", "药业", "生物", "农牧", "乳业", "食品",
    "汽车", "机械", "重工", "建材", "水泥", "硅业", "稀土", "金属", "粉体", "新能源", "电气", "制造",
    "纺织", "服装", "物流", "化学", "材料", "石化", "煤化", "冶金", "铸造", "电器", "装备", "智能",
    "信息", "网络", "软件", "传媒", "酒业", "牧业", "种业", "肉业", "制药", "玻璃", "陶瓷", "塑业",
    "纸业", "铜业", "镁业", "钛业", "热电", "发电", "风电", "光伏", "储能", "氢能", "锂电", "半导体",
    "玻纤", "啤酒", "重机", "重科", "燃气", "家具", "服饰", "鞋服", "精密", "精工", "智造", "电机",
    "设备", "机电", "包装", "印务", "建工", "水务", "通信", "通讯", "航空", "航运", "港务", "置业",
    "地产", "建材", "商贸", "贸易", "电缆", "线缆", "光学", "仪器", "仪表", "轮胎", "橡胶", "塑胶",
    "制冷", "模具", "五金", "新能", "动力", "电池", "芯片", "微电子", "证券", "保险", "农业科技",
)  # fmt: skip
# "鞋业", "米业": a commodity and 业 ends an enterprise's short name (not 产业, 企业, 行业…).
_COMMODITY_TRADE = "[鞋米纸茶酒糖盐油木瓷铝铜锌镁钛钢铁煤矿石药乳肉蛋禽种漆塑胶皮毛丝棉麻纺印渔牧果菜盐]业"
# Items of a list that are places or works, not enterprises ("霍林河机场").
NOT_ENTERPRISE_ENDINGS = (
    "机场", "广场", "园区", "社区", "村", "街道", "项目", "现场", "工地", "基地", "中心", "学校",
    "医院", "公园", "景区", "小区", "部门", "单位", "政府", "市", "县", "区", "旗", "镇", "乡", "盟",
    "省", "港", "站", "馆", "工程", "路", "街", "委", "局", "厅", "办", "所", "园", "线",
    # temples, palaces and markets visited with enterprises; bodies of enterprises
    "寺", "庙", "王府", "市场", "选址", "联合会", "商会", "协会",
)  # fmt: skip
# Works a list item is (a project, not an enterprise) when named without 项目: "增量配电网".
WORKS_WORDS = (
    "电网", "配电网", "公路", "铁路", "高速", "机场", "管网", "电站", "水库", "园区", "大桥", "隧道",
    "管廊", "棚改", "改造", "工程", "基础设施", "枢纽", "港口", "码头", "水厂", "热网", "光伏电站",
    "风电场", "储能电站", "仓储",
)  # fmt: skip
# Words that make a project name generic ("重点项目", "新能源装备制造项目").
GENERIC_PROJECT_WORDS = (
    "重点", "重大", "大", "好", "相关", "有关", "一批", "各类", "产业", "招商", "建设", "治理",
    "示范", "新", "这些", "那些", "的", "高端", "生态", "环境", "新能源", "装备", "制造", "基础设施",
    "民生", "引资", "谋划", "在建", "新建", "续建", "拟建", "签约", "开工", "投产", "落地", "储备",
    "优质", "大型", "中小", "各", "全部", "所有", "该", "此", "等", "些", "类", "个", "库", "一个",
    "多个", "一些", "工业", "农业", "服务业", "配套", "关联", "龙头", "省级", "市级", "国家级",
    "先进", "技术", "高新", "招引", "引进", "合作", "政府", "投资", "社会", "公共", "城市", "乡村",
    "保护", "综合", "利用", "改造", "提升", "升级", "发展", "转型", "需要", "地盘", "我们", "这儿",
    "推进", "加快", "谋划", "匹配", "实施", "一批批", "多", "少", "小", "中", "上", "下", "其他", "其它",
    "经济", "运行", "和", "及", "全市", "全县", "全省", "全区", "全旗", "今年", "年度", "本年",
    "部分", "文旅", "社会", "民生", "专项债券", "专项债", "债券", "中央预算内", "预算内", "ppp", "PPP",
    "政府专项", "市委", "县委", "区委", "省委",
)  # fmt: skip

ETHNIC_GROUPS = (
    "蒙古族", "朝鲜族", "回族", "藏族", "苗族", "彝族", "壮族", "布依族", "侗族", "瑶族", "白族",
    "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族",
    "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "鄂温克族",
    "保安族", "裕固族", "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    "各族", "满族", "维吾尔",
)  # fmt: skip
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}  # fmt: skip
ENGLISH_PROVINCES = {
    "Inner Mongolia": "内蒙古自治区", "Guangxi": "广西壮族自治区", "Tibet": "西藏自治区",
    "Xizang": "西藏自治区", "Ningxia": "宁夏回族自治区", "Xinjiang": "新疆维吾尔自治区",
    "Shaanxi": "陕西省", "Shanxi": "山西省",
}  # fmt: skip
ENGLISH_LEVEL_WORDS = {
    "省": ("Province",), "市": ("City", "Municipality"), "县": ("County",), "区": ("District",),
    "旗": ("Banner",), "盟": ("League",), "自治州": ("Autonomous Prefecture", "Prefecture"),
    "自治县": ("Autonomous County", "County"), "自治区": ("Autonomous Region",), "地区": ("Prefecture",),
}  # fmt: skip

KIND_WORDS = (
    (DISPATCH, (
        "调度会", "推进会", "专题会议", "专题会", "协调会", "调度会议", "推进会议", "联席会议", "现场会",
        "调度工作会议", "推进调度", "调度暨", "交办会", "协调例会", "项目例会", "推进工作会议",
        "推进活动", "周例会", "调度例会", "汇报会", "集中开工", "开竣工", "开工仪式", "开工活动",
        "集中签约", "拉练",
    )),
    (SYMPOSIUM, (
        "座谈会", "恳谈会", "见面会", "座谈", "茶话会", "早餐会", "圆桌会", "政企面对面", "交流会",
        "顾问会议", "茶叙会", "茶叙", "政企交流", "会见", "坐诊接诉", "上门问诊", "午餐会", "政企沙龙",
        "对接会", "恳谈", "会商", "茶叙", "沙龙", "见面会",
    )),
    # A trip to bring in investment (招商考察) is neither an inspection of the region's own
    # enterprises nor a meeting with them.
    (OTHER, ("招商考察", "招商推介", "招商活动", "招商引资活动")),
    (INSPECTION, ("调研", "视察", "考察", "察看", "走访", "督导", "检查", "踏查", "暗访", "看望", "实地")),
)  # fmt: skip
ENGLISH_KIND_WORDS = (
    (DISPATCH, (
        "dispatch meeting", "scheduling meeting", "promotion meeting", "coordination meeting", "dispatching",
        "commencement ceremony", "groundbreaking", "ground-breaking", "construction started",
    )),
    (SYMPOSIUM, (
        "symposium", "forum", "seminar", "discussion meeting", "roundtable", "round-table", "discussed",
        "talks with", "met with", "breakfast meeting",
    )),
    (INSPECTION, (
        "investigat", "inspect", "survey", "research", "visit", "field trip", "went to", "came to",
    )),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Compiled patterns
# ---------------------------------------------------------------------------------------------

_HAN = "\u3400-\u9fff"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_POST_WORD_AT_NAME = re.compile(f"(?:{_alternation(POST_WORDS)})(?=[{_HAN}])")
_LEADERS = re.compile(f"(?<=[{_HAN}）)])领导(?:同志)?(?=[{_HAN}])")
_POST_END = re.compile(f"(?:{_alternation(POST_WORDS)})$")
_FOLLOWER = re.compile(f"(?:{_alternation(NAME_FOLLOWERS)})|[^{_HAN}·]")
# 和 joins the words of some departments' names ("工业和信息化厅", "住房和城乡建设局"): no stop there.
_POST_LEFT_STOP = re.compile(
    _alternation(w for w in POST_LEFT_STOPS if w != "和")
    + "|(?<!工业|住房|资源|研究|文化|卫生|科学|交通|商务|发展)"
    + "和(?!信息化|城乡|社会保障|规划|旅游|计划生育|技术|运输|改革)"
)
_NAME_LEFT_STOP = re.compile(_alternation(NAME_LEFT_STOPS))
_PROJECT_LEFT_STOP = re.compile(_alternation(PROJECT_LEFT_STOPS))
_LONG_LEFT_STOP = re.compile(_alternation(w for w in NAME_LEFT_STOPS if len(w) >= 2))
_PHRASE_BOUNDARY = set('、，,。；;：:！!？?\n“”"《》「」『』【】[] \t…—-·/|')
_LEADING_TIME = re.compile(r"^(?:\d+\s*[年月日]|[上下中]午|晚上|凌晨|当天|今天|昨天|近日)+")
_DATE_LABEL = re.compile(
    r"(?:发布时间|发表于|发布日期|来源|时间|Release time|Published|Updated|Date)[:：\s]*$", re.I
)

_ENTERPRISE_SUFFIX = re.compile(_alternation(ENTERPRISE_SUFFIXES))
_NAME_CHARS = re.compile(f"[{_HAN}A-Za-z0-9()（）·]")
_INDUSTRY_WORD = re.compile(_alternation(INDUSTRY_WORDS) + "|" + _COMMODITY_TRADE)
_SHORT_LIST_END = re.compile(
    # ("梁某、刘某等企业家": people, unless their representatives)
    r"等(?:\d+|[一二三四五六七八九十几多两数]+)?[家个户]?"
    r"(?:重点|规上|骨干|龙头)?(?:工业|物流|科技|制造|外贸|商贸|高新技术|科技型)?(?:企业|公司|民营企业|重点企业|市场主体)(?!家)"
    r"|(?<=[\u3400-\u9fff])(?:\d+|[一二三四五六七八九十几多两]+)[家户](?:重点|规上|骨干|民营)?企业"
    r"|等?(?:企业)?负责人|等地|等处"
    r"|等(?:[^，。；、]{0,24}?的)?(?:民营|重点|规上|骨干|知名)?企业(?:家)?代表"
)
_LIST_CHARS = re.compile(f"[{_HAN}A-Za-z0-9、]")
_PROJECT = re.compile(r"项目|示范工程|工程(?=[，,。；、等建])")
_GENERIC_PROJECT = re.compile(_alternation(GENERIC_PROJECT_WORDS))

_YEAR_DATE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:日|号|(?=\s*(?:至|到|—|–|-|~|～|、)))"
    r"(?:\s*(?:[上下中]午|晚上?|凌晨|早上))?"
    r"(?:\s*(?:—+|–+|-+|~|～|至|到|、)\s*(?:(?P<m2>\d{1,2})\s*月\s*)?(?P<d2>\d{1,2})\s*(?:日|号))?"
)
# A year the event's sentence gives to what it is about ("举行2024年第九场政企早餐会", "调研我区
# 2023年重点项目建设情况"), not a span of time ("2022年以来", "2025年底前").
_EVENT_YEAR = re.compile(
    r"(?<![\d至到自从于截])((?:19|20)\d{2})\s*年(?!\s*\d|以来|来|至|到|底|末|初|前|后|间|内|度?以来|的|目标|任务)"
)
_DAY_ONLY = re.compile(r"(?<![\d月年.])(\d{1,2})\s*日(?=\s*(?:[上下中]午|晚|早|凌晨|，|,|\s))")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}  # fmt: skip
_EN_DATE = re.compile(
    r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*(?:-|–|to|and)\s*(?:(?P<mon2>January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?"
    r"(?:\s*,\s*(?P<y>(?:19|20)\d{2}))?"
)

_SENTENCE_END = re.compile(r"[。！？；;!?]|\.(?=\s|$)")
_ENUM_MARK = re.compile(
    r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、：:]|[（(][一二三四五六七八九十\d]+[)）]|(?<![\d.])\d+[、.](?!\d)|首先|其次|再次|最后)"
)
_CONNECTIVE_START = re.compile(
    r"^\s*(?:同时|此外|另外|并且|他还|她还|还要|要|必须|务必|Meanwhile|At the same time)"
)
_MODAL = re.compile(
    r"必须|务必|一定要|应当|坚决|(?<![需主重只摘纪提简概想不紧必])要(?![求素点闻是件])|确保|力争"
)
_SPEECH_BREAK = re.compile(
    r"^(?:企业|与会|参会|各企业|负责人)|^[^，,。要]{0,16}(?:反映了?|汇报了|介绍了)|提出了?[^，,。要]{0,20}诉求"
)
_EN_SPEECH_BREAK = re.compile(
    r"^\s*(?:The\s+)?(?:enterprises|entrepreneurs|businesses|companies|representatives)\b|\b(?:reflected|reported)\b",
    re.I,
)
_QUOTED = re.compile(r"“[^”]{0,40}”|\"[^\"]{0,40}\"")
_DIRECTIVE_VERBS = ("要求", "叮嘱", "嘱咐", "勉励", "鼓励", "希望", "督促", "号召", "寄语", "指示", "部署")
_SPEECH_VERBS = ("强调", "指出", "表示", "说", "认为", "谈到", "提醒")
_INTRO = re.compile(r"提出[^，,。；]{0,6}要求|" + _alternation(_DIRECTIVE_VERBS + _SPEECH_VERBS))
_CN_DIRECTIVE = re.compile(r"提出[^，,。；]{0,6}要求|" + _alternation(_DIRECTIVE_VERBS))
_INTERROGATIVE = re.compile(r"哪些|什么|是否|有无|有没有|如何")
_ENTERPRISE_SUBJECT = re.compile(r"企业|负责人|企业家|公司|厂家|商户|业主|经营者|投资者|商会|协会")
_DIFFICULTY_PATTERNS = (
    re.compile(r"反映(?:了)?(?P<x>[^。；;]{2,80}?)(?:等)?(?:困难|问题|难题|诉求|瓶颈)"),
    re.compile(r"提出(?:了)?(?P<x>[^。；;]{2,60}?)(?:的|等)?(?:诉求|困难|难题)"),
    re.compile(r"(?P<x>(?:企业)?在[^。；;，,]{2,60}?等?方面遇到的(?:困难|问题|难题)(?:和(?:困难|问题))?)"),
    re.compile(r"面临(?:着)?(?P<x>[^。；;，,]{2,40}?)(?:等)?(?:困难|问题|难题|压力)"),
    re.compile(r"(?:企业|负责人|企业家)[^。；;，,]{0,12}?希望(?P<x>[^。；;]{4,80})"),
)
_EN_DIFFICULTY = re.compile(
    r"(?:reflected|raised|reported|put forward)\s+"
    r"(?P<x>[^.;]{0,120}?(?:difficult|problem|issue|demand)[^.;]{0,120})",
    re.I,
)

_EN_POST_WORDS = (
    r"(?:(?:Vice|Deputy|Executive Vice|Acting|Party)\s+)?"
    r"(?:Mayor|Governor|Secretary|Party Secretary|Director|"
    r"Chairman|Chairwoman|Chair|Head|Minister|Commissioner|Magistrate|President)"
)
# A name in pinyin: surname and given name, the given name's syllables joined or apart ("Yu Hong
# Sheng"), with ü where it is written ("Lü Weiqiang").
_EN_NAME = r"(?P<name>[A-Z][a-zü]{1,5}(?:[- ][A-Z][a-zü]{1,11}){1,2})"
# "General Secretary Xi Jinping": the national leader named in background, not a post at the event.
_EN_TITLE_NAME = re.compile(rf"\b(?<!General )(?P<post>{_EN_POST_WORDS})\s+{_EN_NAME}(?=[A-Z\s,.;:'’]|$)")
_EN_NAME_POSTS = re.compile(
    rf"{_EN_NAME}\s*,\s*(?P<posts>(?:the\s+|a\s+)?(?:[a-z]+\s+)*?(?:vice\s+|deputy\s+|executive\s+)?"
    r"(?i:secretary|mayor|governor|director|chairman|chairwoman|head|member|minister|president)\b[^,.;]{0,160}),"
)
_PINYIN_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|iao|ian|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
)
_EN_ENTERPRISE = re.compile(
    r"(?P<name>(?:(?:[A-Z][A-Za-z&'’]*|\([A-Z][A-Za-z]*\))\s+){1,10}?)(?P<suffix>Co\.,?\s*(?:Ltd|LTD)\.?|Co\.|Co(?=,|\s+and\b|\s*$)|Company(?:\s+Limited)?|Corporation|"
    r"Corp\.|Group(?:\s+Co\.,?\s*Ltd\.?)?|Limited|Ltd\.?|Inc\.|Enterprise)"
)
_EN_INTRO = re.compile(
    r"(?:emphasi[sz]ed|stressed|pointed out|required|requested|asked|urged|encouraged?|hoped|called on|"
    r"instructed|demanded|said|noted)\b",
    re.I,
)
_EN_DIRECTIVE = re.compile(
    r"\b(?:required|requested|asked|urged|encouraged?|hoped|called on|instructed|demanded)\b", re.I
)
_EN_MODAL = re.compile(r"\b(?:should|must|need to|necessary|have to|has to|required to|ought to)\b", re.I)


# ---------------------------------------------------------------------------------------------
# The gazetteer (GB/T 2260 as packaged by the directory app), loaded once
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Gazetteer:
    names: dict[str, str]  # as written (full name or short form) → full name
    pattern: re.Pattern[str]  # anchored use only (pattern.match at one position)
    # The names by their first two characters, longest first: a text is scanned by looking up
    # the pair at each position where a name may begin (one dictionary lookup a position).
    by_pair: dict[str, tuple[str, ...]]
    first: re.Pattern[str]  # the characters a name begins with
    # The province (first two digits of the code) of each full name, for "a province with one of
    # its own regions named is background" (济南 … 山东省的省会).
    province_of: dict[str, str] = field(default_factory=dict)
    provinces: frozenset[str] = frozenset()
    # Two-character short forms of counties (进贤 of 进贤县): too often ordinary words to be read
    # anywhere, they count only in the phrases that name the region an event is about.
    weak: dict[str, tuple[str, ...]] = field(default_factory=dict)


_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
_SUFFIXES_OF_REGIONS = (
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "特别行政区",
    "地区",
    "林区",
    "省",
    "市",
    "盟",
    "县",
    "旗",
    "区",
)


def _region_rows() -> list[dict[str, str]]:
    with resources.files(REGIONS_PACKAGE).joinpath("regions.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _stem(name: str) -> str:
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    for suffix in _SUFFIXES_OF_REGIONS:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            changed = True
            while changed:
                changed = False
                for group in ETHNIC_GROUPS:
                    if stem.endswith(group) and len(stem) > len(group):
                        stem, changed = stem[: -len(group)], True
            return stem
    return name


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of `words`, longest first, as a character trie (a
    plain alternation of thousands of names is tried name by name at every position)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    full: dict[str, tuple[int, str]] = {}
    stems: dict[str, tuple[int, str]] = {}
    weak: dict[str, tuple[str, ...]] = {}
    province_of: dict[str, str] = {}
    provinces: set[str] = set()
    for row in _region_rows():
        name, level = row["name"], row["level"]
        if name in ("市辖区", "县") or "直辖" in name:
            continue
        if len(name) == 2 and name.endswith("区"):  # 城区, 郊区, 矿区: words before they are names
            continue
        rank = _LEVEL_RANK.get(level, 3)
        province_of.setdefault(name, row["code"][:2])
        if rank == 0:
            provinces.add(name)
        if name not in full or rank < full[name][0]:
            full[name] = (rank, name)
        stem = _stem(name)
        long_enough = len(stem) >= 2 if rank <= 1 else len(stem) >= 3
        if stem != name and long_enough and (stem not in stems or rank < stems[stem][0]):
            stems[stem] = (rank, name)
        elif stem != name and len(stem) == 2 and rank == 2:
            weak[stem] = (*weak.get(stem, ()), name)
    names = {name: value for name, (_, value) in stems.items()}
    names.update({name: value for name, (_, value) in full.items()})
    weak = {stem: name for stem, name in weak.items() if stem not in names}
    by_pair: dict[str, list[str]] = {}
    for name in names:
        by_pair.setdefault(name[:2], []).append(name)
    return _Gazetteer(
        names=names,
        pattern=re.compile(_trie_pattern(names)),
        by_pair={pair: tuple(sorted(group, key=len, reverse=True)) for pair, group in by_pair.items()},
        first=re.compile("[" + "".join(sorted({re.escape(n[0]) for n in [*names, *weak]})) + "]"),
        province_of=province_of,
        provinces=frozenset(provinces),
        weak=weak,
    )


@lru_cache(maxsize=1)
def english_gazetteer() -> tuple[dict[str, str], re.Pattern[str]]:
    """Region names in pinyin as English reports write them ("Tieling County" → 铁岭县), loaded
    the first time an English report is read."""
    from pypinyin import lazy_pinyin

    names: dict[str, str] = dict(ENGLISH_PROVINCES)
    for row in _region_rows():
        name, level = row["name"], row["level"]
        if name in ("市辖区", "县") or "直辖" in name:
            continue
        stem = _stem(name)
        suffix = name[len(stem) :] if name.startswith(stem) else ""
        roman = "".join(lazy_pinyin(stem)).capitalize()
        if len(roman) < 4:
            continue
        for chinese_suffix, english in ENGLISH_LEVEL_WORDS.items():
            if suffix.endswith(chinese_suffix):
                for word in english:
                    names.setdefault(f"{roman} {word}", name)
        if level in ("province", "prefecture"):
            names.setdefault(roman, name)
    pattern = re.compile(r"\b" + _trie_pattern(names) + r"\b")
    return names, pattern


# ---------------------------------------------------------------------------------------------
# Text units
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    paragraph: int
    text: str


def _sentences(text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    paragraph = 0
    position = 0
    for line in text.split("\n"):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            continue
        begin = 0
        for m in _SENTENCE_END.finditer(line):
            if m.end() - begin > 1:
                out.append(
                    _Sentence(line_start + begin, line_start + m.end(), paragraph, line[begin : m.end()])
                )
            begin = m.end()
        if line[begin:].strip():
            out.append(_Sentence(line_start + begin, line_start + len(line), paragraph, line[begin:]))
        paragraph += 1
    return out


def _spans_of(text: str, word: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(word)
    while i >= 0:
        spans.append((i, i + len(word)))
        i = text.find(word, i + len(word))
    return spans


class _Spans:
    """Spans of the text, asked whether they hold a range: sorted once, each question a binary
    search (a long report has thousands of mentions)."""

    __slots__ = ("_ends", "_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach: list[int] = []  # the furthest end of the spans up to each one
        furthest = -1
        for _, e in ordered:
            furthest = max(furthest, e)
            self._reach.append(furthest)
        self._ends = sorted(e for _, e in ordered)

    def holds(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._reach[i] >= end

    def last_end(self, start: int, end: int) -> int:
        """The furthest end of a span that ends within [start, end], else -1."""
        i = bisect.bisect_right(self._ends, end) - 1
        return self._ends[i] if i >= 0 and self._ends[i] >= start else -1


def _inside(spans: _Spans, start: int, end: int) -> bool:
    return spans.holds(start, end)


def _left_phrase(text: str, end: int, limit: int) -> int:
    """Where the phrase ending at `end` begins: the last boundary character before it."""
    start = end
    while start > 0 and end - start < limit and text[start - 1] not in _PHRASE_BOUNDARY:
        start -= 1
    return start


def _cut_left(text: str, start: int, end: int, stops: re.Pattern[str], keep: int = 2) -> int:
    """Move `start` past the last stop word in text[start:end] that leaves at least `keep`
    characters."""
    last = start
    for m in stops.finditer(text, start, end):
        if end - m.end() >= keep:
            last = max(last, m.end())
    return last


class _Word(NamedTuple):
    word: str
    flag: str  # jieba's word class: n, nr (a person's name), ns (a place), v, d, p …


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[_Word, ...]:
    """`text` cut into words with their classes by jieba's dictionary, without its guessing of
    unknown words (a name it does not know stays in single characters). Loaded the first time."""
    import jieba.posseg

    return tuple(_Word(w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=False))


def _common_word(text: str) -> bool:
    """Whether `text` is a word of the language, not a rare one (项目, 食品; not 周波)."""
    import jieba

    return (jieba.get_FREQ(text) or 0) > 50


# ---------------------------------------------------------------------------------------------
# Officials
# ---------------------------------------------------------------------------------------------


def _is_surname_start(s: str) -> bool:
    return bool(s) and (s[0] in SURNAMES or s[:2] in COMPOUND_SURNAMES)


_NOT_IN_NAMES = set("要的了在是带和与及把被将对向从为之其这那有个们各全市县区省盟旗镇乡")
# A name of a minority people written with a middle dot, given name first ("艾尔肯·吐尼亚孜").
_DOTTED_NAME = re.compile(f"([{_HAN}]{{1,6}})·([{_HAN}]{{1,10}})")


def _name_at(text: str, p: int) -> int:
    """The end of the personal name starting at `p` (after a post), or -1."""
    follows = _FOLLOWER.match(text, p)
    # 于 and 向 are surnames as well as followers ("市委书记于会文赴…").
    if follows and not (len(follows.group()) == 1 and text[p] in SURNAMES and text[p] in "于向"):
        return -1
    dotted = _DOTTED_NAME.match(text, p)
    if dotted:
        # A transliterated name ("艾尔肯·吐尼亚孜"): the shortest reading a follower ends.
        for end in range(dotted.start(2) + 1, dotted.end() + 1):
            follower = _FOLLOWER.match(text, end)
            # 都 and 来 are also syllables of such names ("阿不都", "阿不来提").
            if end >= len(text) or (follower and follower.group() not in ("都", "来")):
                return end
        return -1
    surname = _is_surname_start(text[p : p + 2])
    compound = text[p : p + 2] in COMPOUND_SURNAMES
    lengths = (3, 4) if compound else (2, 3, 4, 5)
    for length in lengths:
        end = p + length
        if end > len(text):
            break
        candidate = text[p:end]
        if not all("\u3400" <= ch <= "\u9fff" or ch == "·" for ch in candidate):
            break
        follower = _FOLLOWER.match(text, end)
        if not follower and end < len(text):
            continue
        strong = end >= len(text) or not ("\u3400" <= text[end] <= "\u9fff") or text[end] in "及和等与"
        # A name without a Han surname ("洛桑江村"): after a post, before a verb of two
        # characters or more, written again and beginning with a word read as a name.
        unusual = (
            not surname
            and length in (3, 4)
            and follower is not None
            and len(follower.group()) >= 2
            and text.count(candidate) >= 2
            and not any(ch in _NOT_IN_NAMES for ch in candidate)
            and _words(candidate)[0].flag.startswith("nr")  # 洛桑 of 洛桑江村 reads as a name
        )
        if length >= 4 + compound and not strong and not unusual:
            continue
        if (
            not surname
            and not unusual
            and (not strong or length < 3 or any(ch in _NOT_IN_NAMES for ch in candidate))
        ):
            continue
        if surname and length >= 4:
            # "王莉霞密集与…": the shorter name when it is written more often.
            for shorter in (3, 2)[: 2 - compound]:  # 上官吉庆 is not 上官
                if text.count(text[p : p + shorter]) > text.count(candidate):
                    return p + shorter
        # A three-character name whose third character is a one-character follower ("李建为"):
        # keep the longer name when it is written again elsewhere.
        if length == 2 and len(follower.group()) == 1 if follower else False:
            longer = text[p : end + 1]
            if text.count(longer) > 1 and _FOLLOWER.match(text, end + 1):
                return end + 1
        if _POST_END.search(candidate) or candidate in gazetteer().names:
            return -1
        return end
    return -1


def _post_phrases(text: str, word_end: int, name_start: int) -> tuple[list[str], int]:
    """The posts written before the name at `name_start` (the last one ends at `word_end`), and
    where the first begins."""
    posts: list[str] = []
    end = name_start
    first_start = name_start
    while True:
        start = _left_phrase(text, end, 24)
        start = _cut_left(text, start, end, _POST_LEFT_STOP)
        lead = _LEADING_TIME.match(text, start, end)
        if lead:
            start = lead.end()
        while start < end and not text[start].isalnum():
            start += 1  # a caption's bracket or mark ("（奉贤区委书记…", "▲儋州市委副书记…")
        phrase = text[start:end]
        if not phrase or not _POST_END.search(phrase) or len(phrase) < 2 or phrase[0] in "各全诸该":
            break
        posts.insert(0, phrase)
        first_start = start
        # Posts run on after "、", and after "，" when a post ends there too ("市政府党组成员，新区
        # 党工委副书记、管委会主任吴智勇"; a name before "，" ends the run: "书记张三，市长李四").
        if start > 0 and text[start - 1] in "、，,":
            end = start - 1
            continue
        break
    return posts, first_start


_NAME_THEN_POST = re.compile(
    f"(?:^|(?<=[，,。；;：:\n“]))(?P<name>[{_HAN}]{{2,3}}?)(?P<post>{_alternation(POST_WORDS)})", re.M
)
_INSTITUTION_ENDS = set("局委办厅部院府会司处所队站组校馆行社署党团市县区省州盟旗镇乡村")
_NAMED_BY_POST = re.compile(
    f"(?:{_alternation(SURNAMES)})[^{''.join(_INSTITUTION_ENDS)}副务常代执人大协政组纪监宣统战总]{{1,2}}"
    "(?:书记|省长|市长|县长|区长|主席|主任|部长)"
)


@lru_cache(maxsize=4096)
def _reads_as_words(name: str) -> bool:
    """Whether a would-be name reads as ordinary words ("坐诊接诉", "顾问会"): personal names cut
    into single characters or a name-tagged word; a verb, adverb, idiom or an institution does not."""
    if len(name) == 3 and name[-1] in "会团组" and _common_word(name[:2]):
        return True  # "市长顾问会"
    words = _words(name)
    if len(name) >= 4 and any(len(w.word) >= 2 and w.flag in ("d", "v", "l", "vd", "ad") for w in words[1:]):
        return True  # "朱文兵不时…": a long name runs into an adverb or a verb (立新 of 孙立新 is a name)
    if any(post in name for post in ("主任", "书记", "市长", "县长", "区长")):
        return True  # "会主任白云": a post, not a name
    proper = words[0].flag.startswith("nr") or words[0].flag in ("ns", "nz", "nt")  # 钱塘, 周波
    if len(words) == 1 and not proper and _common_word(name):
        return True  # a word of the language ("项目"), not a name
    first = words[0]
    if len(first.word) < 2 or first.flag.startswith("nr") or first.flag in ("nz", "ns"):
        return False
    return first.flag in ("v", "vn", "vd", "d", "l", "i", "a", "ad", "an") or (
        first.flag == "n" and name[-1] in _INSTITUTION_ENDS
    )


# The posts of people of an enterprise ("厦门钨业股份有限公司董事长"): they are not officials.
_ENTERPRISE_POST = re.compile(
    "(?:" + _alternation(ENTERPRISE_SUFFIXES) + ")|董事长|总经理|总裁|经理|厂长|总监|创始人|董事|总经济师|CEO"
    "|商会|协会|联合会|联谊会|促进会|^(?:副)?会长$"  # bodies of enterprises: their heads are not officials
)


def _officials(text: str, title_end: int = 0) -> list[PersonMention]:
    """The officials named in `text` with the posts of their first mention in the body (those of
    the title, which ends at `title_end`, when the body gives none)."""
    people: dict[str, PersonMention] = {}
    order: list[str] = []
    first_posts: dict[str, tuple[int, list[str]]] = {}

    def add(name: str, posts: list[str], start: int) -> None:
        if _reads_as_words(name):
            return
        # The heads of enterprises, state ones included ("中核集团党组书记、董事长"), are the
        # enterprise's people at the event, not officials.
        if posts and all(_ENTERPRISE_POST.search(post) for post in posts):
            return
        if name not in people:
            people[name] = PersonMention(name=name, posts=[], start=start, end=start + len(name))
            order.append(name)
        person = people[name]
        for post in posts:
            if post not in person.written_posts:
                person.written_posts.append(post)
        if posts:
            # The first mention in the body wins over the title and over later mentions.
            rank = (start < title_end, start)
            if name not in first_posts or rank < (first_posts[name][0] < title_end, first_posts[name][0]):
                first_posts[name] = (start, list(posts))

    for m in _POST_WORD_AT_NAME.finditer(text):
        p = m.end()
        end = _name_at(text, p)
        if end < 0:
            continue
        posts, _ = _post_phrases(text, m.end(), p)
        if not posts or _NAMED_BY_POST.fullmatch(posts[-1]):
            continue  # "代表陈全国书记向…": a name written before its post, not a post before a name
        add(text[p:end], posts, p)
        # A list of names after one collective post ("市领导王五、赵六").
        while end < len(text) and text[end] == "、":
            nxt = _name_at(text, end + 1)
            if nxt < 0 or not _is_surname_start(text[end + 1 : end + 3]) or nxt - end - 1 > 3:
                break
            add(text[end + 1 : nxt], posts[-1:], end + 1)  # "副市长王刚、赵丽": both vice mayors
            end = nxt
    # A name written before its post ("李云泽副省长前往…"), when the name is written again.
    for m in _NAME_THEN_POST.finditer(text):
        name = m["name"]
        if (
            name in people
            or any(other.startswith(name) for other in people)  # "上官市长": 上官吉庆 again
            or not _is_surname_start(name)
            or name[-1] in _INSTITUTION_ENDS
            or any(ch in _NOT_IN_NAMES for ch in name)
            or name in gazetteer().names
            or text.count(name) < 2
            or not _FOLLOWER.match(text, m.end())
        ):
            continue
        add(name, [m["post"]], m.start("name"))
    # Names after a collective word ("市领导王五、赵六参加"): other officials, posts unknown.
    for m in _LEADERS.finditer(text):
        end = m.end()
        while True:
            nxt = _name_at(text, end)
            if nxt < 0 or not _is_surname_start(text[end : end + 2]) or nxt - end > 3:
                break
            add(text[end:nxt], [], end)
            if nxt < len(text) and text[nxt] == "、":
                end = nxt + 1
                continue
            break
    # A list of names that opens a sentence and joins in ("张海军、金川、康金鑫参加调研").
    for m in re.finditer(
        f"(?:^|(?<=[。；！？\n]))((?:[{_HAN}]{{2,3}}、)+[{_HAN}]{{2,3}})(?:等(?:同志)?)?(?:参加|陪同|出席|一同)",
        text,
        re.M,
    ):
        items = m.group(1).split("、")
        if all(_is_surname_start(item) and item not in gazetteer().names for item in items):
            offset = m.start(1)
            for item in items:
                add(item, [], offset)
                offset += len(item) + 1
    # Names listed before "等主要领导" ("我市张国平、张鸿福等主要领导陪同").
    for m in re.finditer(
        f"((?:[{_HAN}]{{2,4}}、)*[{_HAN}]{{2,5}})等(?:主要|有关|相关)?(?:市|县|区|旗|省)?领导", text
    ):
        items = m.group(1).split("、")
        offset = m.start(1)
        for i, item in enumerate(items):
            if i == 0:
                for length in (3, 2):
                    if len(item) >= length and _is_surname_start(item[-length:]):
                        offset += len(item) - length
                        item = item[-length:]
                        break
            if 2 <= len(item) <= 3 and _is_surname_start(item) and not _POST_END.search(item):
                add(item, [], offset)
            offset += len(item) + 1
    for name in order:
        people[name].spans = _spans_of(text, name)
        people[name].posts = first_posts[name][1] if name in first_posts else []
    return [people[name] for name in order]


def _english_officials(text: str) -> list[PersonMention]:
    people: dict[str, PersonMention] = {}
    order: list[str] = []
    found: list[tuple[int, str, list[str]]] = []
    for m in _EN_NAME_POSTS.finditer(text):
        posts = [p.strip() for p in re.split(r"\s+and\s+|,\s*", m.group("posts")) if p.strip()]
        found.append((m.start("name"), m.group("name"), posts))
    for m in _EN_TITLE_NAME.finditer(text):
        found.append((m.start("name"), m.group("name"), [m.group("post")]))
    # One person written in two ways ("Yu Hongsheng", "Yu Hong Sheng"): the way written most.
    spellings: dict[str, str] = {}
    for _, name, _ in found:
        key = name.replace(" ", "").replace("-", "").lower()
        if text.count(name) > text.count(spellings.get(key, "")) or key not in spellings:
            spellings[key] = name
    found = [
        (start, spellings[name.replace(" ", "").replace("-", "").lower()], posts)
        for start, name, posts in found
    ]
    for start, name, posts in sorted(found):
        if not _pinyin_name(name):
            # A third capitalised word that is not part of the name ("Mayor Zou Wenhui Inspects").
            name = " ".join(name.split(" ")[:2])
            if name.count(" ") != 1 or not _pinyin_name(name):
                continue
        if name not in people:
            people[name] = PersonMention(name=name, posts=[], start=start, end=start + len(name))
            order.append(name)
        for post in posts:
            if post not in people[name].posts:
                people[name].posts.append(post)
    for name in order:
        person = people[name]
        unique = list({post.lower(): post for post in reversed(person.posts)}.values())[::-1]
        person.posts = [
            post
            for post in unique
            if not any(post.lower() in other.lower() and post.lower() != other.lower() for other in unique)
        ]
        person.spans = _spans_of(text, name)
    return [people[name] for name in order]


@lru_cache(maxsize=1)
def _roman_surnames() -> frozenset[str]:
    from pypinyin import lazy_pinyin

    return frozenset("".join(lazy_pinyin(s)) for s in (*SURNAMES, *COMPOUND_SURNAMES))


def _pinyin_name(name: str) -> bool:
    """Whether an English-written name reads as a Chinese name in pinyin (Song Cheng, Zhang Dongming)."""
    surname, _, given = name.lower().replace("-", " ").replace("ü", "v").partition(" ")
    if surname not in _roman_surnames():
        return False
    given = given.replace(" ", "")
    position, syllables = 0, 0
    while position < len(given):
        m = _PINYIN_SYLLABLE.match(given, position)
        if not m:
            return False
        position, syllables = m.end(), syllables + 1
    return 1 <= syllables <= 2


_LEAD_VERBS = r"(?:主持|带队|率队|率领|带领|调研|视察|考察|走访|督导|深入|前往|来到|赴|率)"
_LEADING_AFTER_NAME = re.compile(f"(?:同志)?(?:一行)?(?:先后|专程|亲自)?{_LEAD_VERBS}")
_SHARED_ROLE = re.compile(
    f"(?:分别|共同|一同|一起|等(?:[市省区县旗州]|党政|主要)*领导(?:同志)?(?:分别|共同|一同|一起)?)"
    f"(?:{_LEAD_VERBS}|出席|会见|会谈|会商|座谈|看望)"
)
_POST_THEN_NAME_GAP = re.compile(f"、[{_HAN}（）()]{{0,20}}?(?:{_alternation(POST_WORDS)})?")
# "市委书记齐家滨，市委副书记、市长李永红出席会议并讲话": the second named with posts of their own.
_COMMA_POST_GAP = re.compile(f"[，,][{_HAN}、（）()]{{0,24}}?(?:{_alternation(POST_WORDS)})")
_SPEAKS_AT_MEETING = re.compile(
    r"(?:同志)?(?:在会上|在会议上|出席(?:会议|座谈会|活动)?并)(?:强调|讲话|指出|致辞|作重要讲话)"
)
_MET_WITH = re.compile(r"[，,]?(?:与|同)[^，。；]{2,40}?(?:座谈|共进|见面|交流|恳谈|早餐|午餐)")
_LEADING_TOGETHER = re.compile(
    f"(?:同志)?(?:一行)?(?:先后|分别|一同|共同)?(?:{_LEAD_VERBS}|出席(?:会议|活动)?并(?:讲话|致辞))"
)


_ACCOMPANIED_BY = re.compile(r"在[^，。；在]{2,60}?(?:的)?(?:陪同|陪伴)下")


def _leading_role(sentence: str, name: str, together: Iterable[str] = ()) -> bool:
    """Whether the sentence has `name` lead ("郭文海主持召开", "刘林霜带队"), alone or listed
    with the names `together` ("盛阅春、熊征宇主持召开")."""
    at = sentence.find(name)
    if at < 0:
        return False
    end = at + len(name)
    while end < len(sentence) and sentence[end] == "、":
        listed = next((other for other in together if sentence.startswith(other, end + 1)), None)
        if listed is None:
            break
        end += 1 + len(listed)
    return bool(_LEADING_AFTER_NAME.match(sentence, end))


def _comma_chain(sentence: str, first: str, named: list[PersonMention]) -> tuple[list[PersonMention], int]:
    """The officials of `named` listed after `first`, each written with posts after a "，"
    ("书记A，副书记、市长B，副市长C、D"), and where the list ends."""
    end = sentence.find(first) + len(first)
    chain: list[PersonMention] = []
    while end < len(sentence) and sentence[end] in "，,":
        following = None
        for person in named:
            at = sentence.find(person.name, end)
            new = person.name != first and person not in chain and at > end
            if new and _COMMA_POST_GAP.fullmatch(sentence, end, at):
                following = person
                break
        if following is None:
            break
        chain.append(following)
        end = sentence.find(following.name, end) + len(following.name)
        # Others sharing that post ("，副主席黄华、林惠中…先后走访").
        while end < len(sentence) and sentence[end] == "、":
            listed = next((p for p in named if sentence.startswith(p.name, end + 1)), None)
            if listed is None or listed in chain or listed.name == first:
                break
            chain.append(listed)
            end += 1 + len(listed.name)
        if _LEADING_TOGETHER.match(sentence, end) or _MET_WITH.match(sentence, end):
            break
    return chain, end


_ATTENDING = re.compile(
    r"(?:等)?(?:同志)?(?:出席|参加)(?:了)?(?:会议|座谈会|活动|仪式|开工仪式)?(?:[。，,；]|$)"
)
_SPEAKS = r"(?:同志)?(?:在[^，。；]{0,12}?[上中])?[，,]?(?:指出|强调|表示|说|讲话|代表|介绍|希望|要求)"


def _attendees_speaking(opening: list[str], people: list[PersonMention], text: str) -> list[PersonMention]:
    """The officials of an attendance list ("书记A，市长B，副市长C出席会议") whom the report then
    gives a speech: they lead the meeting (one who only chairs it or sits in does not)."""
    for sentence in opening[:4]:
        named = sorted(
            (p for p in people if p.posts and p.name in sentence), key=lambda p: sentence.find(p.name)
        )
        if len(named) < 2:
            continue
        chain, end = _comma_chain(sentence, named[0].name, named)
        # The list may go on with people of enterprises ("，中核集团党组书记、董事长申彦锋…出席").
        rest = _ATTENDING.search(sentence, end)
        if not chain or not rest or (rest.start() > end and sentence[end] not in "，,"):
            continue
        if re.search(_LEAD_VERBS + "|[。；]", sentence[end : rest.start()]):
            continue
        listed = [named[0], *chain]
        return [p for p in listed if re.search(re.escape(p.name) + _SPEAKS, text)]
    return []


def _same_role(sentence: str, first: str, named: list[PersonMention]) -> list[PersonMention]:
    """The officials listed right after `first` and given the same leading role with it
    ("区委书记刘林霜、区长黄辉灿分别带队", "吕群勇、胡明星等领导出席会议并讲话")."""
    end = sentence.find(first) + len(first)
    group: list[PersonMention] = []
    if end < len(sentence) and sentence[end] in "，,":
        # Officials each written with posts, then one leading verb (or 与 whom they met): all lead.
        chain, end = _comma_chain(sentence, first, named)
        if _LEADING_TOGETHER.match(sentence, end) or _MET_WITH.match(sentence, end):
            return chain
        return []
    while end < len(sentence) and sentence[end] == "、":
        following = None
        for person in named:
            at = sentence.find(person.name, end)
            gap = _POST_THEN_NAME_GAP.fullmatch(sentence, end, at) if at > end else None
            if gap and person.name != first and person not in group:
                following = person
                break
        if following is None:
            return []
        group.append(following)
        end = sentence.find(following.name, end) + len(following.name)
    return group if group and _SHARED_ROLE.match(sentence, end) else []


_LEADERS_LEADING = re.compile(
    f"领导(?:同志)?((?:[{_HAN}]{{2,3}}、)+[{_HAN}]{{2,3}})(?:等)?(?:同志)?(?:分别|共同|一同|一起|先后)?"
    f"(?:{_LEAD_VERBS}|带队|到|深入)"
)


def _leaders_listed(opening: list[str], people: list[PersonMention]) -> list[PersonMention]:
    """Leaders named in a list after a collective word and leading together ("衡水市领导王景武、
    吕志成…分别带队", "市领导沈先武、汪卫等深入…")."""
    by_name = {p.name: p for p in people}
    for sentence in opening[:3]:
        m = _LEADERS_LEADING.search(sentence)
        if m:
            listed = [by_name[name] for name in m.group(1).split("、") if name in by_name]
            if len(listed) >= 2:
                return listed
    return []


def _leading_in(opening: list[str], people: list[PersonMention]) -> tuple[list[PersonMention], str]:
    """The first official of the opening sentences written with posts and leading
    ("市委书记齐家滨，市委副书记、市长李永红出席会议并讲话"), with the sentence."""
    # The senior who speaks at a meeting another chairs for them leads it ("省委书记周祖翼在会上
    # 强调…省长赵龙主持会议").
    for sentence in opening:
        for person in people:
            at = sentence.find(person.name)
            if person.posts and at >= 0 and _SPEAKS_AT_MEETING.match(sentence, at + len(person.name)):
                # The first of those speaking together ("书记A，市长B出席会议并讲话").
                named = sorted(
                    (p for p in people if p.posts and p.name in sentence), key=lambda p: sentence.find(p.name)
                )
                first = named[0]
                if first is not person and person in _same_role(sentence, first.name, named):
                    return [first], sentence
                return [person], sentence
    for sentence in opening:
        named = sorted(
            (p for p in people if p.posts and p.name in sentence), key=lambda p: sentence.find(p.name)
        )
        if named:  # the first named leads, or none in this sentence ("书记吴江、市长钱塘调研")
            person = named[0]
            at = sentence.find(person.name) + len(person.name)
            if _LEADING_TOGETHER.match(sentence, at) or _same_role(sentence, person.name, named):
                return [person], sentence
    return [], ""


_ATTENDS_AND = re.compile(r"(?:同志)?出席(?:会议|座谈会|活动|仪式)?并")


def _next_attending_and_speaking(
    opening: list[str], lead: PersonMention, people: list[PersonMention]
) -> list[PersonMention]:
    """The official of the next sentence who attends in the same way as the lead ("书记A出席会议
    并宣布开工。市长B出席会议并讲话。"): the same leading role, written in two sentences."""
    for i, sentence in enumerate(opening[:-1]):
        at = sentence.find(lead.name)
        if at < 0 or not _ATTENDS_AND.match(sentence, at + len(lead.name)):
            continue
        following = opening[i + 1]
        named = sorted(
            (p for p in people if p.posts and p is not lead and p.name in following),
            key=lambda p: following.find(p.name),
        )
        if named:
            at = following.find(named[0].name)
            if at <= 30 and _SPEAKS_AT_MEETING.match(following, at + len(named[0].name)):
                return [named[0]]
        return []
    return []


_CHAIRS = r"(?:同志)?(?:主持(?:召开)?(?:会议|座谈会|恳谈会|活动)?)"


def _without_chair_for_secretary(lead: list[PersonMention], text: str) -> list[PersonMention]:
    """Of several leads, one who chairs the meeting ("代市长B主持会议") while the party secretary
    among them speaks ("市委书记A…指出") chairs it for the secretary: an other official."""
    chairs = [p for p in lead if re.search(re.escape(p.name) + _CHAIRS, text)]
    secretaries = [
        p
        for p in lead
        if p not in chairs
        and re.search(f"(?<!副)书记{re.escape(p.name)}", text)
        and re.search(re.escape(p.name) + _SPEAKS, text)
    ]
    if chairs and secretaries:
        return [p for p in lead if p not in chairs]
    return lead


def _leads(
    people: list[PersonMention],
    title: str,
    lead_sentence: str,
    english: bool,
    opening: list[str] | None = None,
    text: str = "",
) -> tuple[list[PersonMention], list[PersonMention]]:
    if not people:
        return [], []
    everyone = people
    # Those the leader goes "在…的陪同下" (accompanied by) do not lead ("书记A在常委B的陪同下调研").
    accompanying = {
        p.name
        for sentence in (opening or [lead_sentence])
        for m in _ACCOMPANIED_BY.finditer(sentence)
        for p in people
        if p.name in m.group()
    }
    people = [p for p in people if p.name not in accompanying] or everyone
    lead = [p for p in people if p.name in title]
    if len(lead) > 1 and not english:
        # A title naming several ("郭文海尹念红与…座谈"): those the lead sentence gives the leading
        # role (the one who 主持 the meeting), when it names one.
        names = [p.name for p in lead]
        leading = [p for p in lead if _leading_role(lead_sentence, p.name, names)]
        lead = leading or lead
    if len(lead) == 1 and not english:
        # The one the title names, and who leads with them in the opening ("书记A，区长B率…").
        for sentence in opening or []:
            if lead[0].name in sentence:
                named = [p for p in people if p.name in sentence and p.posts]
                if together := _same_role(sentence, lead[0].name, named):
                    lead += together
                    break
    if not lead and not english:
        # A title naming the post only ("自治区主席连续两天召开…会议").
        for post_word in sorted(POST_WORDS, key=len, reverse=True):
            if post_word in title:
                lead = [p for p in people if any(post.endswith(post_word) for post in p.posts)][:1]
                if lead:
                    break
    if not lead and not english and opening:
        lead = _leaders_listed(opening, people)
    if not lead and not english and opening:
        lead = _attendees_speaking(opening, people, text or "\n".join(opening))
    if not lead and not english and opening:
        lead, sentence = _leading_in(opening, people)
        if lead:
            lead += _same_role(sentence, lead[0].name, [p for p in people if p.name in sentence and p.posts])
    if not lead:
        named = [p for p in people if p.name in lead_sentence and p.posts]
        lead = sorted(named, key=lambda p: lead_sentence.find(p.name))[:1]
        if lead and not english:
            lead += _same_role(lead_sentence, lead[0].name, named)
    if not lead:
        lead = [next((p for p in people if p.posts), people[0])]
    if len(lead) == 1 and not english and opening:
        lead += _next_attending_and_speaking(opening, lead[0], people)
    if len(lead) > 1 and not english and text:
        lead = _without_chair_for_secretary(lead, text)
    lead_names = {p.name for p in lead}
    return lead, [p for p in everyone if p.name not in lead_names]


# ---------------------------------------------------------------------------------------------
# Enterprises and projects
# ---------------------------------------------------------------------------------------------


def _region_prefix(name: str) -> int:
    """The length of the region name a name begins with (大同市牧同乳业 → 3), else 0."""
    m = gazetteer().pattern.match(name)
    return m.end() if m and m.end() < len(name) else 0


def _town_prefix(name: str) -> int:
    """The length of the town a site's name begins with, with the county written before it
    ("雨花区青石镇白鹭智慧农业园" → 6, "柳溪镇现代渔业产业园" → 3), else 0: the site lies in the
    town, which is where the leader went."""
    region = gazetteer().pattern.match(name)
    at = region.end() if region else 0
    town = _TOWN_AT_START.match(name, at)
    if town is None or len(name) - town.end() < 2 or _GENERIC_AREA.fullmatch(name[at : town.start(1)]):
        return 0
    return town.end()


def _enterprise_core(name: str) -> str:
    """A full name without its legal suffix and leading region: 大同金隅冀东水泥有限公司 → 金隅冀东水泥."""
    core = name
    for suffix in ENTERPRISE_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    core = core.removeprefix("中国") if len(core) >= 4 else core
    cut = _region_prefix(core)
    return core[cut:] if len(core) - cut >= 2 else core


_BRANCH = re.compile("(?:市|县|区)?(?:分公司|分厂|分行|支行)")
# The end of a list of agencies ("…、投资集团等部门"): its items are not the enterprises visited.
_AGENCY_LIST_END = re.compile(r"等(?:有关|相关)?(?:单位|部门)")


def _enterprise_left_cut(text: str, start: int, suffix_start: int) -> int:
    """Where an enterprise name ending in a suffix at `suffix_start` begins: past the last stop
    word, unless that stop is a 的 or 在 inside a name that opens with its region ("广东美的环境
    电器制造有限公司", "扬州三快在线信息技术有限公司")."""
    cut = _cut_left(text, start, suffix_start, _NAME_LEFT_STOP, keep=2)
    if cut > start and text[cut - 1] in "的在":
        before = _cut_left(text, start, cut - 1, _NAME_LEFT_STOP, keep=0)
        region = gazetteer().pattern.match(text, before, cut - 1)
        if region and 1 <= cut - 1 - region.end() <= 3 and _region_prefix(text[before:suffix_start]):
            return before
    return cut


@lru_cache(maxsize=8192)
def _enterprise_stem_start(stem: str) -> int:
    """Where an enterprise's own name begins in the words walked back from its suffix: after the
    last verb, adverb or function word ("诚挚地欢迎|晶元控股集团", "他将挂钩联系已供地未竣工项目企业|
    乐清市汇昌电子有限公司"), after a word for enterprises themselves ("特邀企业|金大地新能源公司"),
    and after a district written before its city ("山海关区|秦皇岛华恒生物工程有限公司")."""
    g = gazetteer()
    position = end = previous = 0
    words = _words(stem)
    for i, word in enumerate(words):
        end += len(word.word)
        rest = len(stem) - end
        if rest < 2:
            break
        # (not pronouns: "某某实业有限公司" is a name as written)
        function = word.flag in _FUNCTION_TAGS and word.flag != "r" and word.word not in g.names
        preposition = word.flag in ("p", "c") and word.word in "向至与和及以由将把被对" and rest >= 4
        cut = (
            (len(word.word) >= 2 and function)
            or (len(word.word) == 1 and preposition)
            or (word.word.endswith(("企业", "公司", "单位")) and rest >= 4)
            or (i + 1 < len(words) and word.word.endswith(("区", "县")) and g.pattern.match(stem, end))
        )
        if not cut:
            continue
        # A cut that leaves no name of its own ("…实业|有限公司") is none.
        position = end if _distinctive(stem[end:]) else previous
        previous = position
    return position


@lru_cache(maxsize=8192)
def _names_one(stem: str) -> bool:
    """Whether the words before a legal suffix name an enterprise: not a clause ("可以在公司",
    "也是公司", "以往公司"), whose words are all function words or one character long."""
    if all(ch in "也是在以把将被对可就都还又全该本此这那其由" for ch in stem):
        return False
    words = _words(stem)
    if all(len(w.word) == 1 for w in words):
        return True  # an abbreviation cut into characters ("霍煤集团", "蒙能集团")
    return any(len(w.word) >= 2 and w.flag in _NOUN_TAGS for w in words)


_NOUN_TAGS = frozenset(("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "an", "vn", "ng", "x", "i"))


def _distinctive(rest: str) -> bool:
    """Whether what is left of an enterprise's name names one: more than an industry word."""
    return len(rest) >= 3 and not _INDUSTRY_WORD.match(rest) and rest not in INDUSTRY_WORDS


@lru_cache(maxsize=4096)
def _not_a_factory(stem: str) -> bool:
    """Whether the words before 厂 make a works or a clause, not a factory's name (自来水厂,
    污水处理厂, "都实行厂务")."""
    if stem.endswith(("水", "污水处理", "垃圾处理", "焚烧")):
        return True
    words = _words(stem)
    return bool(words) and len(words[-1].word) >= 2 and words[-1].flag in ("v", "vd", "d")


_MODAL_START = re.compile(
    "(?:要|将|应|需|需要|应当|必须|可以|能够|要把|要用)(?:充分|用好|发挥|依托|借助|用|把|让)"
)


def _full_enterprises(
    text: str, excluded: _Spans, people: list[tuple[int, int]] | None = None
) -> list[tuple[str, int, int]]:
    people = people or []
    found: list[tuple[str, int, int]] = []
    for m in _ENTERPRISE_SUFFIX.finditer(text):
        end = m.end()
        # A branch of it ("…石油有限公司泉州分公司"): the branch is the enterprise named.
        region = gazetteer().pattern.match(text, end)
        if region and (branch := _BRANCH.match(text, region.end())):
            end = branch.end()
        start = m.start()
        depth = 0
        while start > 0 and m.start() - start < 30:
            ch = text[start - 1]
            if ch in ")）":
                depth += 1
            elif ch in "(（":
                if depth == 0:
                    break
                depth -= 1
            elif not _NAME_CHARS.match(ch):
                break
            start -= 1
        start = _enterprise_left_cut(text, start, m.start())
        start += _enterprise_stem_start(text[start : m.start()])
        # A zone the enterprise is in ("星火开发区克莱门特捷联制冷设备有限公司"): not its name.
        for zone in _ZONE_SUFFIX.finditer(text, start, m.start()):
            if m.start() - zone.end() >= 3:
                start = zone.end()
        # An official's name and what follows it ("周军希望金汉江公司").
        for person_start, person_end in people:
            if start <= person_start and person_end < m.start():
                start = person_end
                while (follower := _FOLLOWER.match(text, start)) and follower.end() < m.start() - 1:
                    start = follower.end()
        while start < m.start() and text[start].isdigit():
            start += 1
        name = text[start:end]
        stem = text[start : m.start()]
        if len(stem) < 2 or _inside(excluded, start, end) or not _names_one(stem):
            continue
        if re.fullmatch(
            r"(?:本|该|各|这|那|全市|企业|有关|相关|国有|民营|子|分|母|上市|一家|多家|龙头|骨干|平台|办|家|集团)+",
            stem,
        ):
            continue
        if m.group() in ("厂", "总厂") and (len(stem) < 3 or stem[-1] in "办建进出入工全本该"):
            continue
        if m.group() == "厂" and (text[end : end + 1] in tuple("房区长务址内外家矿") or _not_a_factory(stem)):
            continue  # 标准化厂房, 老厂区, 实行厂务公开, 自来水厂
        if m.group() == "公司" and stem.endswith("分"):
            continue
        if _MODAL_START.match(stem):
            continue  # "要用好专业设计公司", "将充分发挥公司": what was said, not a name
        if m.group() in ("分公司", "支行", "分行", "营业部"):
            # A branch is named after its parent ("中联重科奉贤分公司"); "大唐集团已将内蒙古分公司"
            # names none, nor does a region alone ("内蒙古分公司").
            cut = max(stem.rfind(ch) for ch in "将已把被的在对向与和及") + 1
            start, stem = start + cut, stem[cut:]
            name = text[start:end]
            region = gazetteer().pattern.fullmatch(stem)
            if len(stem) < 2 or region is not None:
                continue
        if not m.group().startswith("有限") and _AGENCY_LIST_END.match(text, end):
            continue  # an item of "…、区国投集团等单位": a body reporting with agencies
        found.append((name, start, end))
    # A name inside a longer one (太重集团 inside 太重集团(大同)起重机有限公司) is the longer one.
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    kept: list[tuple[str, int, int]] = []
    for item in found:
        if kept and item[1] < kept[-1][2]:
            continue
        kept.append(item)
    return kept


_SITES_LIST_END = re.compile(r"等(?:重点|重大)?项目")
_SITE_ENDINGS = ("园", "园区", "中心", "基地", "工程", "小镇", "港", "城")


def _items_before(text: str, end: int) -> list[tuple[str, int, int]]:
    """The items of the 、-list that ends at `end`, the first cut past a verb before it."""
    start = end
    while start > 0 and end - start < 160 and _LIST_CHARS.match(text, start - 1):
        start -= 1
    if "、" not in text[start:end]:
        return []
    items = list(_list_items(text, start, end))
    _, s, e = items[0]
    s = _cut_left(text, s, e, _NAME_LEFT_STOP, keep=2)
    items[0] = (text[s:e], s, e)
    return items


def _category_or_amount(item: str) -> bool:
    """An item that names a kind of enterprise or an amount, not one ("食品", "投资5000万元以上")."""
    if re.search(r"\d|万元|亿元|以上|以下|预算|专项债|事宜|申请|问题|招聘|停放", item):
        return True
    return _common_word(item) and item not in gazetteer().names


def _looks_like_a_person(item: str) -> bool:
    return 2 <= len(item) <= 3 and _is_surname_start(item) and not _INDUSTRY_WORD.search(item)


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    position = start
    for piece in text[start:end].split("、"):
        yield piece, position, position + len(piece)
        position += len(piece) + 1


# Word classes (jieba's tags) that cannot begin a project's name: adverbs, prepositions,
# conjunctions, pronouns, times, particles, idioms ("确保各重点", "就县中医医院康养", "充分认识");
# numbers can ("六十栋棚改项目").
_NOT_NAME_START_TAGS = frozenset(
    ("d", "p", "c", "r", "t", "u", "uj", "ul", "uz", "ug", "uv", "ud", "l", "z", "f",
     "ad", "vd", "y", "e", "o", "x", "zg")
)  # fmt: skip
# Verbs that stand before a project as their object ("确保项目", "查看项目"), not in its name.
_VERBS_BEFORE_PROJECTS = frozenset(
    ("确保", "促进", "强化", "提供", "查看", "紧盯", "制约", "保障", "盯紧", "服务", "要", "以", "抓",
     "看", "察看", "视察", "考察", "调研", "推进", "加快", "推动", "支持", "做实", "做细", "对接",
     "充实", "完善", "充分", "发挥", "运用", "高度", "重视", "参与", "认识", "关注", "督促", "协调",
     "确保重点", "充分发挥", "部分", "务求")
)  # fmt: skip


# The stage of the works written before 项目 ("开工项目", "竣工项目"): not part of a name.
_PROJECT_STATUS = re.compile(r"(?:开竣工|开工|竣工|投产|达产|签约|在建)$")
# A period before the projects ("2022年第三季度全市重点项目"): not part of a name.
_PERIOD_BEFORE_PROJECT = re.compile(
    r"(?:\d{2,4}\s*年(?:度)?|第?[一二三四1-4]季度|[上下]半年|今年|明年|去年|当前|目前|近期)*"
)
# What a clause has and a name has not: duties, officials, modal verbs.
_NOT_IN_PROJECT_NAME = re.compile(
    r"要|按照|同志|负责|部门|政府|全体|希望|积极|务求|确保|各类?|这些|哪些"
    r"|举行|召开|观摩|督查|调研|考察|视察|检查|参加|出席|听取|汇报|率领|带领|一行"
)


@lru_cache(maxsize=4096)
def _project_name_start(item: str) -> int:
    """Where a project's own name begins in the phrase before 项目, by word class: the words that
    only lead up to it are cut, and a phrase that is one common word (制约, 当前) names none
    (returns len(item))."""
    if item.endswith(("和", "及", "与", "的", "或")) or _NOT_IN_PROJECT_NAME.search(item):
        return len(item)  # a clause cut at 项目 ("积极参与全市招商引资和"), not a name
    position = _PERIOD_BEFORE_PROJECT.match(item).end()  # type: ignore[union-attr]
    words = list(_words(item[position:]))
    while words and (words[0][1] in _NOT_NAME_START_TAGS or words[0][0] in _VERBS_BEFORE_PROJECTS):
        position += len(words.pop(0)[0])
    if (
        len(words) == 1
        and words[0][1] not in ("nr", "ns", "nt", "nz", "nrt", "eng")
        and len(words[0][0]) <= 2
    ):
        return len(item)
    return position


def _is_generic_project(name: str) -> bool:
    body = name.removesuffix("项目").removesuffix("示范工程").removesuffix("工程")
    cut = _region_prefix(body)
    body = body[cut:]
    # The zone the projects are in and their number ("青石工业园区4个重大项目"): still no name.
    zone = _ZONE_SUFFIX.search(body)
    if zone and zone.start() >= 2 and zone.end() < len(body):
        body = body[zone.end() :]
    body = _COUNT.sub("", body)
    rest = _GENERIC_PROJECT.sub("", body)
    return len(rest) < 2


_COUNT = re.compile(r"\d+(?:个|项|家|批)")


# A post inside what was read as a name: at its start or after a unit ("县委书记"), or a head of an
# enterprise anywhere; not the letters of another word ("超市长沙店", "银行长沙分行").
_POST_WORD = re.compile(
    "(?:^|(?<=[委府副代务市县区省镇乡]))(?:书记|市长|县长|区长|省长|州长|旗长|镇长|乡长|主席|主任)"
    "|董事长|总经理"
)
_LAST_JOIN = re.compile("[与和及同、]")
# What leads up to a short name in a sentence, never part of it ("以及干泰科技", "上市公司旗滨集团").
_BEFORE_SHORT_NAME = re.compile("^(?:以及|并与|上市公司|集团公司|龙头企业|重点企业)")


def _tidy_short_name(name: str) -> str | None:
    """A short name without what its left edge caught: a post and the person holding it ("市长查俊
    与华新水泥" → 华新水泥), a joining or generic word; None when a post is all there is ("县委
    书记李玉甫", "集团公司董事长")."""
    posts = list(_POST_WORD.finditer(name))
    if posts:
        joins = list(_LAST_JOIN.finditer(name, posts[-1].end()))
        if not joins or len(name) - joins[-1].end() < 2:
            return None
        name = name[joins[-1].end() :]
    lead = _BEFORE_SHORT_NAME.match(name)
    if lead and len(name) - lead.end() >= 2:
        name = name[lead.end() :]
    elif name[:1] == "由" and len(name) >= 4 and _words(name)[0].word == name[0]:
        name = name[1:]  # "由泰康集团投资建设": the preposition, not the name's own
    return name


@dataclass(slots=True)
class _Found:
    enterprises: dict[str, EnterpriseMention] = field(default_factory=dict)
    projects: list[Mention] = field(default_factory=list)
    # Where a region begins a project or enterprise name (河北祥玖工程装备项目): not a place.
    blocked: list[tuple[int, int]] = field(default_factory=list)

    def enterprise(self, name: str, short: bool, start: int, end: int) -> None:
        tidied = _tidy_short_name(name)
        if tidied is None:
            return
        start += len(name) - len(tidied)
        name = tidied
        if name not in self.enterprises:
            self.enterprises[name] = EnterpriseMention(name=name, short=short, start=start, end=end)
        if (start, end) not in self.enterprises[name].spans:
            self.enterprises[name].spans.append((start, end))

    def project(self, name: str, start: int, end: int) -> None:
        if not any(p.start == start and p.end == end for p in self.projects):
            self.projects.append(Mention(name, start, end))


_AT_SITE = re.compile(r"(?:在|到|来到|走进|深入)$")
# The title of an enterprise's head, then their name ("董事长金卫东").
_AFTER_COLLECTIVE = re.compile(
    f"(?:重点|龙头|骨干|规上|民营|工业)企业((?:[{_HAN}]{{2,8}}、)+[{_HAN}]{{2,8}}?)(?=走访|调研|考察|察看|参观|进行|开展)"
)
_INVESTS = re.compile(r"(?:总)?投资(?:约|超)?\d")
_HEAD_OF_ENTERPRISE = re.compile(
    f"(?:党委(?:副)?书记[、，,])?(?:高级|资深|常务|首席|联席)?(?:董事长|副?总经理|执行总裁|副?总裁|CEO|董事会主席|总经济师|创始人)(?=[{_HAN}]{{2,3}}[，,、。；和与及等])"
)


def _enterprise_prefix(item: str, brands: dict[str, str], visited: bool = False) -> int:
    """The length of the enterprise name an item of a works list begins with: a known short name
    (联晟高端铝箔项目 → 2) or a name ending in an industry word (腾远环保大修渣… → 4)."""
    for brand in sorted(brands, key=len, reverse=True):
        if item.startswith(brand) and len(item) - len(brand) >= 4:
            return len(brand)
    if visited:
        # Only at a site visited, as a name of four ("在腾远环保大修渣…项目"): longer ones are part
        # of the project's own name ("硬质合金光伏用…项目"), as is a name of a project pushed
        # forward ("推进百亿智能锂电池项目").
        m = _INDUSTRY_WORD.match(item, 2)
        if m and m.end() == 4 and len(item) - 4 >= 5:
            return 4
    return 0


# Words that end an item of a list of enterprises visited ("恒久机械进行实地调研").
_ITEM_RIGHT_STOP = re.compile(
    "进行|调研|考察|察看|查看|检查|实地|参观|走访|生产|车间|老?厂区|展厅|现场|等|了解|听取|开展|座谈|交流|"
    "时|期间|，|以及|执行总裁|副?总裁|董事长|总经理|党委书记|负责人"
)
_VISIT_VERB = re.compile("(?:来到|走进|深入|先后到|前往|走访|察看|考察|邀请了?|莅临)(?=[^，。；、]{2,14}、)")
_AT_ENTERPRISE = re.compile(
    f"(?:^|(?<=[。；！？\n]))在(?P<name>[{_HAN}]{{3,10}})[，,](?=[{_HAN}]{{2,3}}(?:{_alternation(NAME_FOLLOWERS)}|[看查听询问走])"
    "|(?:考察团|调研组|代表团|督导组|工作组)[一成]?)",
    re.M,
)


_DISTRICT_BEFORE = re.compile(f"[{_HAN}]{{2}}区(?![域内外])")


def _plain_list_item(item: str) -> bool:
    """Whether an item of a list read for enterprises may be one (not a place, post, works…)."""
    if not 2 <= len(item) <= 10 or item in gazetteer().names or _POST_END.search(item):
        return False
    if item.endswith((*NOT_ENTERPRISE_ENDINGS, "园")) or "项目" in item or "等" in item or item[0].isdigit():
        return False
    if any(w in item for w in WORKS_WORDS) or _region_prefix(item) == len(item):
        return False
    return not item.endswith(("企业", "负责人", "车间")) and not item.startswith(
        ("各", "全", "有关", "这", "那", "该", "此", "其")
    )


def _item_right(text: str, start: int) -> tuple[str, int, int] | None:
    end = start
    while end < len(text) and end - start < 16 and _LIST_CHARS.match(text, end) and text[end] != "、":
        end += 1
    if (stop := _ITEM_RIGHT_STOP.search(text, start + 2, end)) is not None:
        end = stop.start()
    elif end < len(text) and text[end] not in "、，,。；;！？\n":
        return None  # cut short by something a name holds ("西南（自贡）国际陆港")
    return (text[start:end], start, end) if end - start >= 2 else None


def _neighbour_items(text: str, full_spans: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    items: list[tuple[str, int, int]] = []
    for start, end in full_spans:
        position = end
        while position < len(text) and text[position] == "、":
            item = _item_right(text, position + 1)
            if item is None:
                break
            items.append(item)
            position = item[2]
            if text[item[2] : item[2] + 1] != "、" and position < len(text):
                break
        position = start
        while position > 0 and text[position - 1] == "、":
            s = _left_phrase(text, position - 1, 12)
            if s == 0 or text[s - 1] != "、":  # the first item: past the verb before it
                s = _cut_left(text, s, position - 1, _NAME_LEFT_STOP, keep=2)
            if position - 1 - s < 2:
                break
            stop = _ITEM_RIGHT_STOP.search(text, s + 2, position - 1)  # "盼盼食品总裁蔡金钗"
            item_end = stop.start() if stop else position - 1
            items.append((text[s:item_end], s, item_end))
            if s == 0 or text[s - 1] != "、":
                break
            position = s
    return items


def _visited_list_items(text: str, brands: dict[str, str]) -> list[tuple[str, int, int]]:
    """The items of a list after a visiting verb when most of them end in an industry word."""
    out: list[tuple[str, int, int]] = []
    for m in _VISIT_VERB.finditer(text):
        items: list[tuple[str, int, int]] = []
        position = m.end()
        while (item := _item_right(text, position)) is not None:
            if not items and (cut := _cut_left(text, item[1], item[2], _NAME_LEFT_STOP, keep=2)) > item[1]:
                item = (text[cut : item[2]], cut, item[2])  # "到我市联晟新材料、…"
            items.append(item)
            if text[item[2] : item[2] + 1] != "、":
                break
            position = item[2] + 1
        if len(items) < 2:
            continue
        reading = sum(1 for item, _, _ in items if item in brands or _ends_in_industry(item))
        # Parks, centres and works visited with them are sites of their own, not the count's.
        sites = sum(1 for item, _, _ in items if item.endswith((*NOT_ENTERPRISE_ENDINGS, "园")))
        if reading >= 2 and reading * 3 >= (len(items) - sites) * 2:
            out.extend(items)
    return out


def _ends_in_industry(item: str) -> bool:
    return any(item.endswith(word) for word in INDUSTRY_WORDS) or bool(
        re.fullmatch(_COMMODITY_TRADE, item[-2:])
    )


def _enterprises_and_projects(
    text: str, excluded_spans: list[tuple[int, int]], person_spans: list[tuple[int, int]] | None = None
) -> _Found:
    excluded = _Spans(excluded_spans)
    found = _Found()
    # Also those in a post ("交通银行党委书记").
    fulls = [
        (tidied, end - len(tidied), end)
        for name, _, end in _full_enterprises(text, _Spans([]), sorted(person_spans or []))
        if (tidied := _tidy_short_name(name)) is not None
    ]
    by_core: dict[str, str] = {}
    cores = {_enterprise_core(name) for name, _, _ in fulls}
    for name, start, end in fulls:
        core = _enterprise_core(name)
        if name in cores and name != core:  # 交通银行 is the core of 交通银行股份有限公司
            core = name
        canonical = by_core.get(core)
        if canonical is None or len(name) > len(canonical):
            if canonical is not None:  # the same enterprise written with its region: keep the longer
                mention = found.enterprises.pop(canonical)
                found.enterprises[name] = EnterpriseMention(
                    name, False, mention.start, mention.end, mention.spans
                )
                for c, n in by_core.items():
                    if n == canonical:
                        by_core[c] = name
            by_core[core] = name
            canonical = name
        found.enterprise(canonical, False, start, end)
    for mention in found.enterprises.values():  # a full name's span is where it is written whole
        whole = next(((s, e) for s, e in mention.spans if text[s:e] == mention.name), None)
        if whole:
            mention.start, mention.end = whole
    full_spans = [(s, e) for _, s, e in fulls]
    # Short forms of the full names ("联晟" of 联晟新材料有限公司): the core, and its first two
    # characters when the core ends with an industry word.
    brands: dict[str, str] = {}
    for core, name in by_core.items():
        brands[core] = name
        m = _INDUSTRY_WORD.search(core, 2)
        if m and m.start() >= 2:
            brands.setdefault(core[: m.start()], name)

    # Projects: "…项目", and the items before it in a list ("增量配电网、金源阳光伏项目").
    blocked = _Spans([*full_spans, *excluded_spans])
    # The sites of a list closed by "等项目" that are not enterprises ("…、旭丰马铃薯产业园、明品福
    # 国际冷链物流中心等项目"): projects, not places.
    for m in _SITES_LIST_END.finditer(text):
        for item, s, e in _items_before(text, m.start()):
            if item.endswith(_SITE_ENDINGS) and len(item) >= 4 and not _inside(blocked, s, e):
                found.project(item, s, e)
                found.blocked.append((s + _town_prefix(item), e))
    for m in _PROJECT.finditer(text):
        # "A、B开工项目现场": the works' stage before 项目, the sites named by their owners.
        status = _PROJECT_STATUS.search(text, max(0, m.start() - 3), m.start())
        name_end = status.start() if status else m.end()
        start = _left_phrase(text, status.start() if status else m.start(), 30)
        start = _cut_left(text, start, status.start() if status else m.start(), _PROJECT_LEFT_STOP, keep=0)
        # A name written before it ("联晟新材料有限公司高端铝箔项目").
        start = max(start, blocked.last_end(start, m.start()))
        if name_end - start < 2 or _inside(blocked, start, m.end()):
            continue
        if status:
            if text[name_end - 1] in "未已尚待和及与或的要将":
                continue  # "督促尚未开工项目", "走访企业和在建项目": a clause, no owner named
            k = _project_name_start(text[start:name_end])
            if k == name_end - start or _PERIOD_BEFORE_PROJECT.match(text, start, name_end).end() > start:  # type: ignore[union-attr]
                continue  # "今年新投产项目": the words lead up to no owner's name
            start += k
        items = [(text[start:name_end], start, name_end)]
        p = start
        generic = not status and _is_generic_project(text[start : m.end()])
        while not generic and p > 0 and text[p - 1] == "、":
            q = _left_phrase(text, p - 1, 20)
            q = _cut_left(text, q, p - 1, _PROJECT_LEFT_STOP, keep=2)
            if "企业" in text[q : p - 1]:
                break
            items.insert(0, (text[q : p - 1], q, p - 1))
            p = q
        for item, s, e in items:
            cut = _region_prefix(item)
            if item.endswith(("项目", "工程")):
                cut = 0  # the region is part of a project's name ("河北祥玖工程装备项目")
            elif cut:
                found.blocked.append((s, s + cut))  # the region an enterprise's name begins with
            s += cut
            item = item[cut:]
            if len(item) < 2 or item.startswith(("这", "那", "此", "该")):
                continue  # "这种扎根本地、心系项目的…": not a list of works
            if not item.endswith(("项目", "工程")):
                if "项目" in item:
                    continue  # "在建项目快建多投、竣工项目投产达效": clauses, not names
                if any(w in item for w in WORKS_WORDS) or item in brands:
                    if item in brands:
                        found.enterprise(brands[item], False, s, e)
                    else:
                        found.project(item, s, e)
                elif not item.endswith(NOT_ENTERPRISE_ENDINGS) and not _category_or_amount(item):
                    found.enterprise(item, True, s, e)
                continue
            k = _enterprise_prefix(item, brands, bool(_AT_SITE.search(text, max(0, s - 2), s)))
            if k:
                prefix = item[:k]
                found.enterprise(brands.get(prefix, prefix), prefix not in brands, s, s + k)
                s, item = s + k, item[k:]
            if _PROJECT_ZONE_SUFFIX.search(item.removesuffix("项目"), len(item) - 8) and item.removesuffix(
                "项目"
            ).endswith(("区", "园")):
                continue  # "在文林工业园区项目现场": the zone is where, not a project
            if item.endswith("项目"):  # a name before 工程 is one word ("排水防涝工程")
                k = _project_name_start(item.removesuffix("项目"))
                s, item = s + k, item[k:]
            if len(item.removesuffix("项目")) >= 2 and not _is_generic_project(item):
                found.project(item, s, e)

    # Short names from lists: "听取金辉粉体、亚欧新材料等8家企业负责人", "到联晟新材料、锦联铝材等地".
    project_spans = _Spans((p.start, p.end) for p in found.projects)
    full_set = _Spans(full_spans)
    for m in _SHORT_LIST_END.finditer(text):
        list_end = m.start()
        list_start = list_end
        while list_start > 0 and list_end - list_start < 120 and _LIST_CHARS.match(text, list_start - 1):
            list_start -= 1
        if list_end - list_start < 2:
            continue
        if (
            m.group().endswith("家企业")
            and not m.group().startswith("等")
            and ("、" not in text[list_start:list_end] or re.search(r"\d", text[list_start:list_end]))
        ):
            continue  # "…9家重点企业" without 等 is read only after a list of names
        # Without 等 ("与创新集团、兖矿集团负责人"), or a list of places visited ("等地"), only
        # names that read as enterprises; after "等8家企业" every item is one.
        strict = not m.group().startswith("等") or m.group() in ("等地", "等处")
        strict = strict and not m.group().endswith("家企业") and "家重点" not in m.group()  # "…9家重点企业"
        for item, s, e in _list_items(text, list_start, list_end):
            # Past a verb before the first item, or a word of two characters or more before one a
            # clause runs into ("市长查俊与华新水泥", but 和 of 三和亚麻 is the name's).
            s = _cut_left(text, s, e, _NAME_LEFT_STOP if s == list_start else _LONG_LEFT_STOP, keep=2)
            for person_start, person_end in person_spans or []:
                if s <= person_start and person_end <= e - 2:  # "市长查俊与华新水泥"
                    s = person_end + (1 if text[person_end] in "与和及同跟向" else 0)
            # A zone the enterprise is in ("金河工业园双运工贸"): not its name.
            for zone in _ZONE_SUFFIX.finditer(text, s, e):
                if e - zone.end() >= 2:
                    s = zone.end()
            district = _DISTRICT_BEFORE.match(text, s, e)
            if district and e - district.end() >= 2:
                s = district.end()  # "白鹭区星辰光电": the district it is in
            item = text[s:e]
            if not 2 <= len(item) <= 14 or _inside(full_set, s, e) or _inside(project_spans, s, e):
                continue
            if _inside(excluded, s, e) or item in gazetteer().names or _POST_END.search(item):
                continue
            if item.endswith(NOT_ENTERPRISE_ENDINGS) or "项目" in item or item[0].isdigit():
                continue
            if (
                item.endswith(("企业", "负责人", "公司们"))
                or "家企业" in item
                or item.startswith(("各", "全", "有关"))
            ):
                continue
            if "等" in item or (strict and not (_INDUSTRY_WORD.search(item) or item in brands)):
                continue
            if _category_or_amount(item) or (
                "企业家" in text[m.start() : m.end() + 1]
                and _looks_like_a_person(item)
                and item not in brands
            ):
                continue  # "矿产、食品、农业等企业", "邓继涛、周京宜等企业家"
            if item in brands:
                found.enterprise(brands[item], False, s, e)
            elif _ENTERPRISE_SUFFIX.search(item) and item.endswith(ENTERPRISE_SUFFIXES):
                found.enterprise(item, False, s, e)
            else:
                found.enterprise(item, True, s, e)
    # The other items of a list of enterprises visited that holds a full name ("来到驻马店市乐润
    # 科技发展有限公司、金鼎远大、筑友制造进行调研"), and of one after a visiting verb where most
    # items read as enterprises ("走进嘉美食品包装、欣阳精密科技、寒锐新材料生产车间").
    for item, s, e in _neighbour_items(text, full_spans) + _visited_list_items(text, brands):
        # The district or zone an item is written in ("白鹭区星辰光电"): not its name.
        district = _DISTRICT_BEFORE.match(item)
        if district and len(item) - district.end() >= 2:
            s, item = s + district.end(), item[district.end() :]
        if _inside(full_set, s, e) or _inside(project_spans, s, e) or _inside(excluded, s, e):
            continue
        if not _plain_list_item(item):
            continue
        found.enterprise(brands.get(item, item), item not in brands, s, e)
    # An enterprise named before its head's title ("禾丰食品董事长金卫东，恒力集团董事长陈建华").
    for m in _HEAD_OF_ENTERPRISE.finditer(text):
        s = _left_phrase(text, m.start(), 16)
        s = _cut_left(text, s, m.start(), _NAME_LEFT_STOP, keep=2)
        item, e = text[s : m.start()], m.start()
        if _inside(full_set, s, e) or _inside(excluded, s, e) or not _plain_list_item(item):
            continue
        if re.search(r"[局委办厅院所部署府会]$", item) or _region_prefix(item) == len(item):
            continue
        found.enterprise(brands.get(item, item), item not in brands, s, e)
    # An investor with its amount ("华冶科技投资2亿元的…项目", "圣美机械总投资1亿元"): a list item
    # ending in a word of industry.
    for m in _INVESTS.finditer(text):
        s = _left_phrase(text, m.start(), 12)
        s = _cut_left(text, s, m.start(), _NAME_LEFT_STOP, keep=2)
        item, e = text[s : m.start()], m.start()
        if len(item) < 4 or not _plain_list_item(item) or not _ends_in_industry(item):
            continue
        if _inside(full_set, s, e) or _inside(excluded, s, e) or _region_prefix(item) == len(item):
            continue
        found.enterprise(brands.get(item, item), item not in brands, s, e)
    # Names listed right after a collective word and before the visit ("前往小榄镇重点企业木林森、
    # 华帝走访调研").
    for m in _AFTER_COLLECTIVE.finditer(text):
        for item, s, e in _list_items(text, m.start(1), m.end(1)):
            if _inside(full_set, s, e) or _inside(excluded, s, e) or not _plain_list_item(item):
                continue
            if item in gazetteer().names or item.endswith(NOT_ENTERPRISE_ENDINGS):
                continue
            found.enterprise(brands.get(item, item), item not in brands, s, e)
    # A site named before what the official did there ("在永强汽车，许继伟看产品展示").
    for m in _AT_ENTERPRISE.finditer(text):
        item, s, e = m["name"], m.start("name"), m.end("name")
        s = _cut_left(text, s, e, _NAME_LEFT_STOP, keep=4)
        item = text[s:e]
        if not _plain_list_item(item) or not _INDUSTRY_WORD.search(item, 2):
            continue
        core = item.removesuffix("厂").removesuffix("加工")  # "…食品加工厂": a factory of the industry
        if not (_INDUSTRY_WORD.match(core, len(core) - 2) or _INDUSTRY_WORD.match(core, len(core) - 3)):
            continue
        if _inside(full_set, s, e) or _inside(excluded, s, e):
            continue
        found.enterprise(brands.get(item, item), item not in brands, s, e)
    # A name read from the tail of a longer one ("楼珠宝集团" of 汇聚楼珠宝集团): the longer only.
    longer = [(s, e) for m in found.enterprises.values() for s, e in m.spans]
    for name in list(found.enterprises):
        spans = found.enterprises[name].spans
        if spans and all(any(s <= a and b <= e and e - s > b - a for s, e in longer) for a, b in spans):
            del found.enterprises[name]
    # A short name that begins a full one's core is that enterprise ("联晟" → 联晟新材料有限公司).
    for name in list(found.enterprises):
        mention = found.enterprises[name]
        if not mention.short:
            continue
        target = brands.get(name) or next((n for c, n in by_core.items() if c.startswith(name)), None)
        if target and target in found.enterprises:
            found.enterprises[target].spans.extend(mention.spans)
            del found.enterprises[name]
    return found


# Words a headline in title case puts before a name ("Mayor Zou Wenhui Inspects Hunan … Co., Ltd.").
_EN_NOT_IN_NAMES = frozenset(
    ("The", "On", "In", "At", "And", "Of", "To", "For", "With", "By", "Mayor", "Governor", "Secretary",
     "Chairman", "Director", "Inspects", "Inspected", "Visits", "Visited", "Investigates", "Meets",
     "Attends", "Tours", "Calls", "Urges", "Stresses", "Holds")
)  # fmt: skip


def _english_enterprises(text: str, excluded: list[tuple[int, int]]) -> _Found:
    found = _Found()
    for m in _EN_ENTERPRISE.finditer(text):
        words = m.group("name").split()
        # Walk back from the suffix over capitalised words; stop at a glued word ("ChengSecretaryIn-depth").
        kept: list[str] = []
        for word in reversed(words):
            if "-" in word or re.search(r"[a-z][A-Z]", word) or word in _EN_NOT_IN_NAMES:
                break
            kept.insert(0, word)
        if not kept:
            continue
        name = " ".join(kept) + " " + m.group("suffix")
        start = m.end() - len(name) if text[m.end() - len(name) : m.end()] == name else m.start()
        found.enterprise(name.strip(), False, start, m.end())
    return found


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------


_PROJECT_ZONE_SUFFIX = re.compile(
    "高新技术产业开发区|经济技术开发区|经济开发区|高新区|经开区|工业园区|工业园|工业集中区|产业集中区|产业园区|产业园"
    "|加工园区|加工园|创业园区|创业园"
    "|物流园区|物流园|科技园|经济园|工业区|示范区|开发区|新城|新区|综合保税区|保税区|片区"
)
# A zone's name ends in one of these; so does a park called by its own name alone ("甘河园区").
_ZONE_SUFFIX = re.compile(_PROJECT_ZONE_SUFFIX.pattern + "|园区")
_TOWN_SUFFIX = re.compile(
    r"镇(?![压守定静痛])|(?<![家返回下还思离老])乡(?![村镇亲土愁情贤音里])|街道(?![办])|苏木"
)
_ZONE_AT_END = re.compile(f"(?:{_ZONE_SUFFIX.pattern})$")
_PROJECT_AFTER = re.compile("项目(?:[、，,。；和及等]|$)")
_TOWN_AT_START = re.compile(f"[{_HAN}]{{2,3}}?(镇|乡|街道)")
_VILLAGE = re.compile(f"[{_HAN}]{{2,4}}?村(?![民级委两组干务庄镇集])")
# What a zone or town name cannot be: generic areas and words ("县产业集聚区", "全镇", "特色小镇").
_GENERIC_AREA = re.compile(
    r"(?:[我本该各全此这那市县区省州旗镇乡城农小古名重强大新老]|部分|省级|国家级|国家|经济|重点|现代服务业|相关"
    r"|有关|所在|一个|两个|特色|集聚|周边|沿线|各个|贫困|乡村|城乡|省内|市内|县内|区内|境内|园区)+"
)
_PLACE_LEFT_STOP = re.compile(
    _alternation(
        (*NAME_LEFT_STOPS, "又", "还", "再", "莅临", "走进", "一行", "率队", "带队", "深入到", "并为", "为")
    )
)
# Words a zone's or town's own name never holds: verbs and posts ("要求深化产业园", "前往高新区").
_NOT_IN_AREA_NAME = re.compile(
    _alternation(
        (
            *NAME_LEFT_STOPS,
            "要求",
            "深化",
            "建设",
            "做强",
            "走进",
            "莅临",
            "一行",
            "书记",
            "领导",
            "提高",
            "提升",
            "促进",
            "两地",
            "各地",
        )
    )
    + r"|\d|"
    + _ZONE_SUFFIX.pattern
)
# A region that begins the name of an organisation is not a place (云南省重庆商会, 广西大学, 中新网山西新闻).
_ORGANISATION_AFTER = re.compile(
    f"[{_HAN}]{{0,2}}?(?:商会|协会|大学|学院|日报|晚报|新闻|广播|电视|网|在线|融媒|消息|联合会|联谊会|促进会|工商联|中医医院|人民医院|医院|银行|台办|工厂)"
    f"|[{_HAN}]{{0,6}}?(?:厅|局)(?=[和与及、，,。]|$)|委(?=[、，,和与及])"
    f"|[{_HAN}]{{0,4}}?(?:考察团|代表团|调研组|调研团|工作组|督导组)"
)
# A region that names a road, a station or a port ("北京路", "日照西综合客运站"): not a place.
_WORKS_AFTER = re.compile(
    r"[东西南北中]?(?:路|街|大街|大道|巷|客运站|综合客运站|火车站|高铁站|站|机场|码头|高速|铁路|大桥)"
)
# A region or zone whose officials are named, not where the event was ("顺庆区相关负责人一道").
_REPRESENTED = re.compile(r"(?:的|级)?(?:相关|有关|主要)?(?:负责(?:人|同志)|领导(?![小下]))")
# The rest of a list of regions ("、刘府镇、大庙镇"), and the bodies that stand for them ("…党委").
_REST_OF_REGIONS = re.compile(f"(?:[、和及与][{_HAN}]{{1,8}}?(?:街道|镇|乡|区|县|市|旗))*")
_UNIT_BODY = re.compile(r"(?:党委|党工委|人民政府|政府|管委会)")


def _represented(text: str, end: int) -> bool:
    """Whether the region ending at `end`, alone or in a list, stands for its officials or its
    government ("板桥镇、刘府镇党委主要负责人", "松北区、平房区政府专题汇报"): not a place."""
    after = _REST_OF_REGIONS.match(text, end).end()  # type: ignore[union-attr]
    return bool(_UNIT_BODY.match(text, after) or _REPRESENTED.match(text, after))


# A region left ("离开沈阳，赴…"): not where the event was.
_LEFT_FROM = ("离开", "告别", "返回")
_BACKGROUND_BEFORE = ("视察", "考察")
_BACKGROUND_AFTER = re.compile(r"(?:时的|期间的)?重要(?:讲话|指示|批示)")
# The phrases that name the region an event is about (为进贤高质量发展, 扎根广陵, 兴仙桃).
_ABOUT_BEFORE = ("为", "扎根", "落户", "助力", "兴")
# A verb of going before a region's short name ("深入到永城部分乡镇"): the leader went there.
_WENT_TO = ("到", "赴", "前往", "走进", "莅临")
_ABOUT_AFTER = re.compile("高质量|经济|工业|营商|投资|贡献|上下|发展|人民|多年|[，,。；”]")


def _zone_or_town_start(text: str, suffix_start: int, limit: int) -> int:
    start = _left_phrase(text, suffix_start, limit)
    start = _cut_left(text, start, suffix_start, _PLACE_LEFT_STOP, keep=2)
    lead = _LEADING_TIME.match(text, start, suffix_start)
    return lead.end() if lead else start


# Word classes that end what leads up to a zone's name ("时光辉希望|星火开发区", "打一场|经开区").
_FUNCTION_TAGS = frozenset(
    ("v", "vd", "d", "p", "c", "r", "m", "mq", "q", "u", "uj", "ul", "uz", "ug", "uv", "ud", "l", "z",
     "y", "e", "o", "ad")
)  # fmt: skip


@lru_cache(maxsize=4096)
def _after_last_function_word(stem: str) -> int:
    """Where a zone's own name begins in the phrase before its suffix: after the last verb or
    function word (a name of a zone is nouns: 星火, 木棠, 鲍鱼科技)."""
    position = end = 0
    for word in _words(stem):
        end += len(word.word)
        # One character alone is tagged too loosely (中 of 中新苏滁, 顺 of 顺庆) to cut at.
        g = gazetteer()
        if (
            len(word.word) >= 2
            and word.flag in _FUNCTION_TAGS
            and word.word not in g.names
            and word.word not in g.weak
        ):
            position = end
    return position


_HAN_ONLY = re.compile(f"[{_HAN}]+")


@lru_cache(maxsize=4096)
def _slogan_or_word(stem: str, suffix: str) -> bool:
    """Whether a would-be town is a slogan or a word of the language: "工业立镇" (a noun and a
    verb before 镇), "背井离乡" (an idiom), "按照镇" (a preposition)."""
    if stem[-1] in "立兴强富稳活美" and len(stem) == 3:
        return True
    whole = _words(stem + suffix)
    if len(whole) == 1 and whole[0].flag in ("i", "l", "v", "a", "d", "n"):
        return True
    words = _words(stem)
    return any(len(w.word) >= 2 and w.flag in _FUNCTION_TAGS for w in words)


def _zones_and_towns(text: str, blocked: _Spans) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Named parks and zones (滁州经开区, 顺庆潆华工业集中区) and towns, townships, 街道 and the
    villages written after them (卓筒井镇, 文峰街道, 隆盛镇土门垭村), recognised by their suffix
    after a proper name."""
    g = gazetteer()
    out: list[Mention] = []
    projects: list[tuple[int, int]] = []  # zones named only as projects: no place within them
    for m in _ZONE_SUFFIX.finditer(text):
        start = _zone_or_town_start(text, m.start(), 14)
        start += _after_last_function_word(text[start : m.start()])
        inner = [z.end() for z in _ZONE_SUFFIX.finditer(text, start, m.start()) if m.start() - z.end() >= 2]
        if inner:
            start = inner[-1]  # "中宁工业园|石空工业区": merged below with the zone before
        stem = text[start : m.start()]
        if len(stem) < 2 or _GENERIC_AREA.fullmatch(stem) or _inside(blocked, start, m.end()):
            continue
        if m.group() == "园区" and len(stem) > 4:
            continue  # a park called by its own name alone has a short one ("甘河园区")
        if _NOT_IN_AREA_NAME.search(stem):
            continue
        if m.group() in ("新城", "新区", "片区") and stem not in g.names and stem not in g.weak:
            # One of a name of its own (西咸新区, 在空港新城实地察看); others only of a region.
            gone_to = bool(_AT_SITE.search(text, max(0, start - 2), start))
            if not (len(stem) == 2 and (m.group() == "新区" or gone_to) and g.pattern.match(stem[0]) is None):
                continue
        if any(ch in stem for ch in "的了和与及是在对把将等各"):
            continue
        if stem.endswith(("县", "市", "区", "镇")) and stem not in g.names:
            continue  # "县产业集聚区"; a named one is the zone's own name ("象州县工业园")
        if _PROJECT_AFTER.match(text, m.end()):
            projects.append((start, m.end()))  # a project named after it ("银耳产业园项目")
            continue
        if _REPRESENTED.match(text, m.end()):
            continue
        if _in_list_from(text, start):
            continue
        if out and out[-1].end == start:
            # A zone within a zone ("中宁工业园石空工业区", "海东工业园区临空综合经济园"): one place.
            start = out.pop().start
        town = _TOWN_AT_START.match(stem)
        if town and len(stem) - town.end() >= 2 and not _GENERIC_AREA.fullmatch(stem[: town.start(1)]):
            # A zone of a town, written after it ("龙港镇城东工业园区"): the town and the zone.
            out.append(Mention(text[start : start + town.end()], start, start + town.end()))
            start += town.end()
        out.append(Mention(text[start : m.end()], start, m.end()))
    zones = _Spans((z.start, z.end) for z in out)
    towns: list[Mention] = []
    for m in _TOWN_SUFFIX.finditer(text):
        start = _zone_or_town_start(text, m.start(), 10)
        if m.start() - start > 3:  # "鹿寨县寨沙镇": the town after its county
            region = g.pattern.match(text, start, m.start())
            start = region.end() if region and m.start() - region.end() in (2, 3) else m.start()
        stem = text[start : m.start()]
        if not 2 <= len(stem) <= 3 or _GENERIC_AREA.fullmatch(stem):
            continue
        if _GENERIC_AREA.match(stem[-1]) and stem not in g.names and stem not in g.weak:
            continue  # "城镇", "乡镇"; a county's short name before 镇 names a town ("赴临城镇")
        if not _HAN_ONLY.fullmatch(stem) or _slogan_or_word(stem, m.group()):
            continue  # "工业立镇、项目兴镇", "背井离乡", "按照镇（街道）"
        if _inside(blocked, start, m.end()) or _inside(zones, start, m.end()) or stem in g.names:
            continue
        if _represented(text, m.end()):
            continue
        towns.append(Mention(text[start : m.end()], start, m.end()))
        village = _VILLAGE.match(text, m.end())
        if village and not _GENERIC_AREA.fullmatch(village.group()[:-1]):
            towns.append(Mention(village.group(), village.start(), village.end()))
    return out + towns, projects


@lru_cache(maxsize=1)
def _codes_of() -> dict[str, tuple[str, ...]]:
    codes: dict[str, tuple[str, ...]] = {}
    for row in _region_rows():
        codes[row["name"]] = (*codes.get(row["name"], ()), row["code"])
    return codes


@lru_cache(maxsize=8192)
def _within(inner: str, outer: str) -> bool:
    """Whether a region named `inner` lies in one named `outer` (宁波市 in 浙江省)."""
    codes = _codes_of()
    for outer_code in codes.get(outer, ()):
        prefix = outer_code.rstrip("0")
        prefix = prefix + "0" * (len(prefix) % 2)
        if any(code != outer_code and code.startswith(prefix) for code in codes.get(inner, ())):
            return True
    return False


_AGENCY_LIST_BEFORE = re.compile(r"(?:部门|单位|机构)(?:以及|和|及|与|、)$")


def _in_list_from(text: str, i: int) -> bool:
    """Whether the region at `i` is in a list (…、…) that begins right after an agency list
    ("…部门以及吉州区、庐陵新区"): walks back over the items."""
    position = i
    for _ in range(8):
        if _AGENCY_LIST_BEFORE.search(text, max(0, position - 6), position):
            return True
        before = text.rfind("、", max(0, position - 12), position)
        if before < 0:
            return False
        position = before
        while position > 0 and text[position - 1] not in "、，,。；;：:\n":
            position -= 1
            if _AGENCY_LIST_BEFORE.search(text, max(0, position - 6), position):
                return True
    return False


# A line of a page's contact or imprint block ("地址：苏州高新区…", "主办：…"): no place of the event.
_IMPRINT_LINE = re.compile(
    r"^[ \t]*(?:地址|通讯地址|联系地址|电话|联系电话|传真|邮编|邮箱|主办|承办|版权所有)[:：].*$", re.M
)


_ORGANS_AFTER = re.compile("委|直|领导|政府|人大|政协|有关|相关|级|属|里|内|区|乡|镇|长|各")


def _places(text: str, excluded_spans: list[tuple[int, int]]) -> list[Mention]:
    excluded_spans = [*excluded_spans, *((m.start(), m.end()) for m in _IMPRINT_LINE.finditer(text))]
    excluded = _Spans(excluded_spans)
    g = gazetteer()
    titles = _Spans((m.start(), m.end()) for m in re.finditer(r"《[^》]{0,40}》", text))
    # Short quoted names ("遂宁造", "兴仙桃") are slogans and brands, not where the event was.
    quotes = _Spans((m.start(), m.end()) for m in re.finditer(r"“[^”]{1,6}”", text))
    areas, project_zones = _zones_and_towns(text, excluded)
    area_spans = _Spans([*((a.start, a.end) for a in areas), *project_zones])
    found: list[Mention] = []
    chain_end = -1  # the end of the last region, for chains of regions (云南省重庆商会)
    free = 0
    for m in g.first.finditer(text):
        i = m.start()
        if i < free:
            continue
        pair = text[i : i + 2]
        group = g.by_pair.get(pair)
        if group is None and pair not in g.weak:
            continue  # most positions: no name begins with these two characters
        word = None
        for name in group or ():
            if text.startswith(name, i):
                word = name
                break
        if word is not None and len(word) == 2 and i > 0 and _common_word(text[i - 1 : i + 1]):
            continue  # the end of a word, not a name ("示范县" holds no 范县)
        if word is not None and word[0] in "和与及" and _ORGANS_AFTER.match(text, i + len(word)):
            continue  # "书记张三和县委副书记…", "开发区和县直单位": 和 joins, 县 begins the organ
        weak = False
        weak_full = ""
        if word is None:
            if pair not in g.weak:
                continue
            before = text[max(0, i - 2) : i]
            about = i == 0 and text[2:3] in "：:"  # a headline "仙桃：…"
            said_before = any(before.endswith(w) for w in _ABOUT_BEFORE)
            went = any(text[max(0, i - 3) : i].endswith(w) for w in _WENT_TO)
            said_after = bool(_ABOUT_AFTER.match(text, i + 2))
            # Either phrase is enough when the report writes the full name too (鹤山市委…鹤山发展).
            written = [name for name in g.weak[pair] if name in text]
            # So is a report that speaks of its own region by its level ("我市", "全县").
            if not written and (_words(pair)[0].flag == "ns" or not _common_word(pair)):
                written = [n for n in g.weak[pair] if f"我{n[-1]}" in text or f"全{n[-1]}" in text]
            known = bool(written)
            if not (about or (said_before and said_after) or (known and (said_before or said_after or went))):
                continue
            word, weak = pair, True
            weak_full = written[0] if written else g.weak[pair][0]
        free = i + len(word)
        chained = chain_end == i
        chain_end = free
        if _inside(excluded, i, free) or _inside(titles, i, free) or _inside(area_spans, i, free):
            continue
        if _inside(quotes, i, free) and not (text[i - 1] == "“" and text[free] == "”"):
            continue
        full = weak_full if weak else g.names[word]
        after = _ORGANISATION_AFTER.match(text, free)
        if after and not (after.group().startswith(("市", "县", "区")) and len(after.group()) > 3):
            # Drop this region and the ones written just before it (昆明四川雅安商会).
            while chained and found and found[-1].end == i:
                i = found.pop().start
            continue
        if text[max(0, i - 2) : i] in _BACKGROUND_BEFORE and _BACKGROUND_AFTER.match(text, free):
            continue
        if _WORKS_AFTER.match(text, free) and not word.endswith(("区", "县", "旗", "镇")):
            continue
        region_before = chained and found and found[-1].end == i
        city_proper = full.endswith("区") and not full.endswith("自治区")
        if region_before and (found[-1].text in g.provinces or city_proper) and _within(full, found[-1].text):
            # "浙江省宁波市", "长沙市天心区": the region, not the province or city it lies in (a
            # county or county-level city is named beside its prefecture: "通辽市霍林郭勒市").
            found.pop()
        if _represented(text, free) or text[max(0, i - 2) : i] in _LEFT_FROM:
            continue
        if ("、" in text[max(0, i - 12) : i] or _AGENCY_LIST_BEFORE.search(text, max(0, i - 6), i)) and (
            _in_list_from(text, i)
        ):
            continue  # "有关部门以及吉州区、庐陵新区…等现场作出回应": regions answering as agencies
        found.append(Mention(full, i, free))
    # A province named less often than its own regions is background (济南 … 山东省的省会); one
    # written as often as they are is what the event is about (an autonomous region's meeting).
    inner: dict[str | None, int] = {}
    for p in found:
        if p.text not in g.provinces:
            inner[g.province_of.get(p.text)] = inner.get(g.province_of.get(p.text), 0) + 1
    times = {name: sum(1 for p in found if p.text == name) for name in g.provinces & {p.text for p in found}}
    found = [
        p for p in found if not (p.text in times and times[p.text] < inner.get(g.province_of.get(p.text), 0))
    ]
    return sorted(found + areas, key=lambda p: p.start)


def _placed_there(text: str, place: Mention, opening_end: int) -> bool:
    """Whether a mention puts the event at the place: in the opening, after a verb of going or
    being ("赴宁波市", "在津市"), or before a visit ("来海东调研")."""
    return (
        place.start < opening_end
        or bool(_GOING_BEFORE.search(text, max(0, place.start - 4), place.start))
        or bool(_VISIT_AFTER.match(text, place.end))
    )


_SENT_AWAY = re.compile("援[疆藏青]|对口(?:支援|帮扶|协作)|驻[^，,、]{1,8}(?:办|处|组|队)")


def _listed_site_of_a_visit(text: str, place: Mention) -> bool:
    """Whether a region begins an item of a list of sites the leader went to ("先后前往A工业园区、
    B县白鹭谷"): the clause opens with a verb of going."""
    return (
        place.start > 0
        and text[place.start - 1] == "、"
        and bool(_GOING_IN_CLAUSE.search(text, _clause_start(text, place.start), place.start))
    )


def _where_the_event_was(
    text: str, places: list[Mention], lead_posts: list[str], areas: set[str]
) -> list[Mention]:
    """The regions where the event was or that it is about: the lead officials' own (named in
    their posts, else in the opening) and those within them, and any other one a mention places
    the event in: in the opening, after a verb of going or being ("赴宁波市", "在津市"), before a
    visit ("来海东调研") or naming what the event is about ("为进贤发展"). A region named only in
    what was said ("推动浙江…", "学习深圳经验") is background."""
    g = gazetteer()
    opening_end = _opening_end(text)
    regions = [p for p in places if p.text not in areas]
    # A post with a body sent elsewhere ("山东省援疆工作指挥部党委书记", "驻京办主任") names the
    # region that sent it, not the official's own.
    own = {
        m.group() for post in lead_posts if not _SENT_AWAY.search(post) for m in [g.pattern.search(post)] if m
    }
    own = {g.names.get(name, name) for name in own}
    if not own:
        own = {p.text for p in regions if p.start < opening_end}
    where = {
        p.text
        for p in regions
        if _placed_there(text, p, opening_end)
        or p.text in own
        or any(_within(p.text, region) for region in own)
        or _ABOUT_AFTER_EVENT.match(text, p.end)
        or any(text[max(0, p.start - len(w)) : p.start] == w for w in _ABOUT_BEFORE)
        or _listed_site_of_a_visit(text, p)
    }
    # Zones and parks the same way: one only planned, built or praised in what was said
    # ("要加快建设新材料产业园") is not where the event was.
    zones = {p.text for p in places if p.text in areas and _ZONE_SUFFIX.search(p.text)}
    zones_where = {
        p.text
        for p in places
        if p.text in zones
        and (
            _placed_there(text, p, opening_end)
            or text.startswith(("调研", "考察", "视察", "察看", "现场"), p.end)
            or _GOING_IN_CLAUSE.search(text, _clause_start(text, p.start), p.start)
            or sum(1 for q in places if q.text == p.text) >= 3
        )
    }
    # A zone listed with one the event is placed in shares its place ("在A产业园、B产业园和C产业园，").
    previous: Mention | None = None
    for p in places:
        if p.text not in zones:
            continue
        if previous and previous.text in zones_where and text[previous.end : p.start] in _LIST_JOINS:
            zones_where.add(p.text)
        previous = p
    if not any(p.text in areas and p.text in (zones_where if p.text in zones else areas) for p in places):
        where |= _implicit_own(regions, lead_posts, where)
    return [
        p
        for p in places
        if (p.text in areas and (p.text not in zones or p.text in zones_where)) or p.text in where
    ]


# A post that names its unit without the region ("市委书记", "县长", "省政协主席"): the region is
# the report's own ("我市"), written elsewhere in the body or not at all.
_UNNAMED_UNIT_POST = re.compile(r"^(?:中共)?(?:常务)?副?([省市县区州旗盟])(?:委|人民政府|政府|人大|政协|长)")
_LEVEL_ENDINGS = {
    "省": ("省", "自治区"),
    "市": ("市",),
    "县": ("县",),
    "区": ("区",),
    "州": ("州",),
    "旗": ("旗",),
    "盟": ("盟",),
}


_UNIT_RANK = {"省": 0, "州": 1, "盟": 1, "市": 1, "县": 2, "区": 2, "旗": 2}


def _level_of(name: str, level: str) -> bool:
    if level == "区" and name.endswith("自治区"):
        return False
    return name.endswith(_LEVEL_ENDINGS[level])


def _implicit_own(regions: list[Mention], lead_posts: list[str], where: set[str]) -> set[str]:
    """The lead officials' own region when their posts leave it unnamed ("市委书记" of a report
    that says "我市"): the region of the posts' level the body names most often, unless the
    event was placed in another region of that level (a visit elsewhere)."""
    levels = [m.group(1) for post in lead_posts if (m := _UNNAMED_UNIT_POST.match(post))]
    if not levels or any(gazetteer().pattern.search(post) for post in lead_posts):
        return set()
    out: set[str] = set()
    # The lowest unit is the official's own ("省委常委、市委书记": the city).
    for level in [max(levels, key=_UNIT_RANK.__getitem__)]:
        if any(_level_of(name, level) for name in where):
            continue
        counts: dict[str, int] = {}
        for p in regions:
            if _level_of(p.text, level):
                counts[p.text] = counts.get(p.text, 0) + 1
        if counts:
            out.add(max(counts, key=lambda name: counts[name]))
    return out


_LIST_JOINS = ("、", "和", "及", "以及", "与")
# An item of a list of sites the leader went to ("先后到A、B产业园"): the clause has the verb.
_GOING_IN_CLAUSE = re.compile(r"(?:到|赴|深入|走进|来到|前往|先后|考察|调研|察看|实地|走访|莅临|位于)")


def _clause_start(text: str, at: int) -> int:
    return max(text.rfind(mark, 0, at) for mark in "，。；！？\n") + 1


_GOING_BEFORE = re.compile(
    r"(?:在|到|赴|来|至|去|前往|来到|深入|走进|莅临|走访|考察|调研|视察|察看|回到|抵达|途经)[^，。；、]{0,2}$"
)
_VISIT_AFTER = re.compile(r"[^，。；]{0,3}?(?:调研|考察|视察|走访|督导|检查|举行|召开|开展|举办)")
_ABOUT_AFTER_EVENT = re.compile(r"(?:经济|工业|产业|项目|营商|高质量|发展)")


def _opening_end(text: str) -> int:
    """The end of the opening: the first paragraph of substance (the lead sentence's)."""
    end = 0
    for _ in range(2):
        nxt = text.find("\n", end + 1)
        if nxt < 0:
            return len(text)
        end = nxt
        if end > 40:
            break
    return min(end, 300)


@lru_cache(maxsize=1)
def _english_local_names() -> dict[tuple[str, str], str]:
    """(province code, the name's stem in pinyin, every reading: 厦门 is "xiamen" as well as
    "shamen") → the region, for a place written bare before its province ("Yidu in Hubei")."""
    from itertools import product

    from pypinyin import Style, pinyin

    out: dict[tuple[str, str], str] = {}
    for row in _region_rows():
        name = row["name"]
        if row["level"] == "province" or name in ("市辖区", "县") or "直辖" in name:
            continue
        stem = _stem(name)
        readings = pinyin(stem, style=Style.NORMAL, heteronym=True)
        for combination in list(product(*(r[:3] for r in readings)))[:9]:
            out.setdefault((row["code"][:2], "".join(combination)), name)
    return out


_EN_IN_PROVINCE = re.compile(r"\b([A-Z][a-z]{2,14})\s+in\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
# A region named as an organisation's ("the Jinhua Municipal Party Committee") or as elsewhere
# ("companies outside Zhejiang"): not where the event was.
_EN_ORGANISATION_AFTER = re.compile(
    r"\s+(?:Municipal\s+|County\s+|District\s+|Provincial\s+)?(?:Party\s+Committee|"
    r"(?:People's\s+|People’s\s+)?Government|Committee|Bureau|Department|Daily|News)\b",
    re.IGNORECASE,
)
_EN_ELSEWHERE_BEFORE = re.compile(r"\b(?:outside|beyond)\s+$")


def _english_places(text: str, excluded_spans: list[tuple[int, int]]) -> list[Mention]:
    names, pattern = english_gazetteer()
    g = gazetteer()
    spans = list(excluded_spans)
    out: list[Mention] = []
    # "went to Yidu in Hubei": the place is Yidu (宜都市); the province only says where it is.
    for m in _EN_IN_PROVINCE.finditer(text):
        province = names.get(m[2]) or names.get(f"{m[2]} Province")
        code = g.province_of.get(province or "")
        if province not in g.provinces or code is None:
            continue
        local = _english_local_names().get((code, m[1].lower()))
        if local is None:
            continue
        out.append(Mention(local, m.start(1), m.end(1)))
        spans += [(m.start(1), m.end(1)), (m.start(2), m.end(2))]
    # Named zones and parks ("Changde Economic Development Zone"): places as written, and the
    # regions their names begin with are not places of their own.
    for m in _EN_ZONE.finditer(text):
        words = m.group().split()
        # Past a title-case headline's words ("Zou Wenhui Inspects | Changde Economic …").
        cut = max((i + 1 for i, w in enumerate(words) if w in _EN_NOT_IN_NAMES or w.islower()), default=0)
        zone = " ".join(words[cut:])
        start = m.end() - len(zone)
        if not _inside(_Spans(excluded_spans), start, m.end()) and len(zone.split()) >= 3:
            out.append(Mention(zone, start, m.end()))
            spans.append((start, m.end()))
    excluded = _Spans(spans)
    for m in pattern.finditer(text):
        if _inside(excluded, m.start(), m.end()) or _EN_ORGANISATION_AFTER.match(text, m.end()):
            continue
        if _EN_ELSEWHERE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        if _EN_CAPITAL_OF.search(text, max(0, m.start() - 20), m.start()):
            continue  # "Guiyang, capital of Guizhou province": the province only says where
        out.append(Mention(names[m.group()], m.start(), m.end()))
    # A province with one of its own regions named is where they lie, not the event's place.
    regions = {p.text for p in out}
    out = [
        p
        for p in out
        if not (p.text in g.provinces and any(_within(other, p.text) for other in regions if other != p.text))
    ]
    return sorted(out, key=lambda p: p.start)


_EN_ZONE = re.compile(
    r"(?:[A-Z][\w'’-]*\s+){1,8}?(?:Economic(?:\s+and\s+Technological)?\s+Development\s+Zone|"
    r"(?:High-[Tt]ech\s+)?(?:Industrial\s+)?Development\s+Zone|Industrial\s+Park|Industrial\s+Zone|"
    r"High-[Tt]ech\s+Zone|New\s+Area|Economic\s+Zone|Free\s+Trade\s+Zone|Bonded\s+Zone|Demonstration\s+Zone|"
    r"Sub-district|Science\s+Park|Technology\s+Park|Logistics\s+Park)\b"
)
_EN_CAPITAL_OF = re.compile(r"capital\s+of\s+(?:the\s+)?$|,\s+(?:a\s+)?city\s+in\s+$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Kind and dates
# ---------------------------------------------------------------------------------------------


def _kind_in(text: str, english: bool) -> str | None:
    best: tuple[int, str] | None = None
    haystack = text.lower() if english else text
    for kind, words in ENGLISH_KIND_WORDS if english else KIND_WORDS:
        for word in words:
            i = haystack.find(word)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, kind)
    return best[1] if best else None


# Groundbreaking and signing ceremonies of many projects are dispatch events whatever else the
# lead sentence says ("现场督导…集中开工").
_PROJECT_CEREMONY = re.compile("集中开工|集中开竣工|开工仪式|集中签约")


def _kind(title: str, lead_sentence: str, english: bool, opening: str = "") -> str:
    if not english and _PROJECT_CEREMONY.search(title + lead_sentence):
        return DISPATCH
    return (
        _kind_in(title, english)
        or _kind_in(lead_sentence, english)
        or _kind_in(opening, english)  # a page whose title is its site's name
        or OTHER
    )


@dataclass(slots=True)
class _DateFound:
    year: int | None
    month: int
    day: int
    end_month: int
    end_day: int
    start: int
    end: int


def _chinese_dates(text: str, published_on: date | None) -> list[_DateFound]:
    datelines: list[_DateFound] = []
    out = _chinese_full_dates(text, datelines)
    # "20日上午": the month just named, else the publication's.
    spans = _Spans((d.start, d.end) for d in out)
    for m in _DAY_ONLY.finditer(text):
        if _inside(spans, m.start(), m.end()):
            continue
        day = int(m[1])
        before = [d for d in out if d.end <= m.start()]
        filed = [d for d in datelines if d.end <= m.start()]
        if before:
            month = before[-1].end_month
        elif filed:
            # "东北网1月21日讯 …21日下午": the dateline's month (the one before for a later day).
            month = filed[-1].month if day <= filed[-1].day else (filed[-1].month - 2) % 12 + 1
        elif published_on is not None:
            month = published_on.month if day <= published_on.day else (published_on.month - 2) % 12 + 1
        else:
            continue
        if 1 <= day <= 31:
            out.append(_DateFound(None, month, day, month, day, m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


_TODAY = re.compile(r"今天|今日|当天")
_YESTERDAY = re.compile(r"昨天|昨日")
# What a dateline's date is followed by: "电", "讯", "消息" ("中国台湾网7月27日周口消息").
_DATELINE_MARK = re.compile(f"电|讯|(?P<where>[{_HAN}]{{0,4}}?)消息")


def _dateline_end(text: str, at: int) -> int:
    """Past the dateline's byline ("电（记者 马北北）")."""
    at += 1
    m = re.match(r"\s*[（(][^）)]{0,40}[）)]", text[at:])
    return at + m.end() if m else at


def _chinese_full_dates(text: str, datelines: list[_DateFound] | None = None) -> list[_DateFound]:
    out: list[_DateFound] = []
    for m in _YEAR_DATE.finditer(text):
        if _DATE_LABEL.search(text, max(0, m.start() - 12), m.start()):
            continue
        back = 0
        mark = _DATELINE_MARK.match(text, m.end())
        if mark and mark["where"] and mark["where"] not in gazetteer().names:
            mark = None  # "传来好消息" is news, not a dateline; "周口消息" is one
        if mark and not m["d2"]:
            # A dateline ("北京5月27日电"): the day the news was filed; the event's only when its
            # paragraph says 今天 (that day) or 昨天 (the day before) before naming another day.
            after = _dateline_end(text, mark.end() - 1)
            paragraph_end = text.find("\n", after)
            paragraph = text[after : paragraph_end if paragraph_end >= 0 else len(text)]
            other_day = _YEAR_DATE.search(paragraph) or _DAY_ONLY.search(paragraph)
            limit = other_day.start() if other_day else len(paragraph)
            today, yesterday = _TODAY.search(paragraph, 0, limit), _YESTERDAY.search(paragraph, 0, limit)
            if yesterday and (not today or yesterday.start() < today.start()):
                back = 1
            elif not today:
                if datelines is not None and 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
                    datelines.append(_DateFound(None, int(m["m"]), int(m["d"]), 0, 0, m.start(), m.end()))
                continue
        month, day = int(m["m"]), int(m["d"])
        end_month = int(m["m2"]) if m["m2"] else month
        end_day = int(m["d2"]) if m["d2"] else day
        if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= end_month <= 12 and 1 <= end_day <= 31):
            continue
        if m["d2"] and not m["m2"] and end_day < day:
            end_month = month % 12 + 1  # "6月30日至2日": into the next month
        if back:
            # Without the year, a common one (2月28日 is a valid day in any year).
            day_before = date(int(m["y"]) if m["y"] else 2001, month, min(day, 28 if month == 2 else day))
            day_before -= timedelta(days=back)
            month = end_month = day_before.month
            day = end_day = day_before.day
        out.append(
            _DateFound(int(m["y"]) if m["y"] else None, month, day, end_month, end_day, m.start(), m.end())
        )
    return out


def _english_dates(text: str) -> list[_DateFound]:
    out: list[_DateFound] = []
    for m in _EN_DATE.finditer(text):
        if _DATE_LABEL.search(text, max(0, m.start() - 16), m.start()):
            continue
        month = _MONTHS[m["mon"].lower()]
        day = int(m["d"])
        end_month = _MONTHS[m["mon2"].lower()] if m["mon2"] else month
        end_day = int(m["d2"]) if m["d2"] else day
        if not (1 <= day <= 31 and 1 <= end_day <= 31):
            continue
        out.append(
            _DateFound(int(m["y"]) if m["y"] else None, month, day, end_month, end_day, m.start(), m.end())
        )
    return out


def _labelled_year(text: str, english: bool) -> date | None:
    """The page's own date where it is labelled ("Release time: Apr 18,2022", "发表于 2017-2-10")."""
    m = re.search(
        r"(?:发布时间|发表于|发布日期|Release time|Published)[:：\s]*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})",
        text,
    )
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if english:
        m = re.search(
            r"(?:Release time|Published|Updated|Date)[:：\s]*([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s*(\d{4})",
            text,
        )
        if m and m[1].lower() in _MONTHS:
            try:
                return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
            except ValueError:
                return None
    return None


def _year_for(month: int, published: date) -> int:
    """The year of a day written without one, in a report published on `published`: a month
    after the publication's is last year's (a report of 12月30日 published on 2 January)."""
    return published.year - 1 if month > published.month + 1 else published.year


def _event_year(
    text: str,
    sentences: list[_Sentence],
    sentence_starts: list[int],
    first: _DateFound,
    published_on: date | None,
) -> int | None:
    """A year the sentence of the event's day gives to the event itself ("3月22日上午，我市举行
    2024年第九场政企早餐会", "四川省2025年第一季度…推进活动"); never one after the publication."""
    at = bisect.bisect_right(sentence_starts, first.start) - 1
    if at < 0 or first.start >= sentences[at].end:
        return None
    sentence = sentences[at]
    for m in _EVENT_YEAR.finditer(text, first.end, sentence.end):
        year = int(m[1])
        if published_on is None or year <= published_on.year:
            return year
    return None


def _dates(
    text: str,
    sentences: list[_Sentence],
    published_on: date | None,
    english: bool,
    lead_names: list[str],
    kind: str,
) -> tuple[PartialDate | None, PartialDate | None, str, list[tuple[int, int]]]:
    found = _english_dates(text) if english else _chinese_dates(text, published_on)
    if not found:
        return None, None, "", []
    first = found[0]
    month, day, end_month, end_day = first.month, first.day, first.end_month, first.end_day
    spans = [(first.start, first.end)]
    # Other days of the same event: a day the lead official held the same kind of event, within a
    # few days ("前一天" … "2月20日,王莉霞…主持召开…调度会"); a bare "21日上午" within the range.
    kind_words = dict(KIND_WORDS).get(kind, ())
    sentence_starts = [s.start for s in sentences]
    for other in found[1:]:
        at = bisect.bisect_right(sentence_starts, other.start) - 1
        sentence = sentences[at] if at >= 0 and other.start < sentences[at].end else None
        if sentence is None or other.year is not None:
            continue
        if not any(n in sentence.text for n in lead_names) or not any(w in sentence.text for w in kind_words):
            continue
        if abs(date(2000, other.month, min(other.day, 28)) - date(2000, month, min(day, 28))).days <= 3:
            spans.append((other.start, other.end))
            if (other.month, other.day) < (month, day):
                month, day = other.month, other.day
            if (other.end_month, other.end_day) > (end_month, end_day):
                end_month, end_day = other.end_month, other.end_day
    year: int | None
    event_year = _event_year(text, sentences, sentence_starts, first, published_on)
    if first.year is not None:
        year, source = first.year, "text"
    elif event_year is not None:
        year, source = event_year, "text"
    elif published_on is not None:
        year, source = _year_for(month, published_on), "published"
    elif (labelled := _labelled_year(text, english)) is not None:
        year, source = _year_for(month, labelled), "published"
    else:
        # Otherwise the year is unknown: the person gives it on the review page, never a guess.
        year, source = None, ""
    end_year = year
    if year is not None and (end_month, end_day) < (month, day):
        end_year = year + 1
    return PartialDate(year, month, day), PartialDate(end_year, end_month, end_day), source, spans


# ---------------------------------------------------------------------------------------------
# Instructions and difficulties
# ---------------------------------------------------------------------------------------------


def _strip_piece(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ，,：:、；;。\t":
        start += 1
    while end > start and text[end - 1] in " ，,：:、；;。.\t":
        end -= 1
    return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` cut at 。；and enumeration markers (一是…二是…)."""
    cuts = [start]
    for m in _ENUM_MARK.finditer(text, start, end):
        if m.start() > start and text[m.start() - 1] not in "，,；;。：: \n" and not m.group().endswith("是"):
            continue
        cuts.append(m.start())
    for m in re.finditer(r"[；;]", text[start:end]):
        cuts.append(start + m.end())
    out = []
    for a, b in itertools.pairwise([*sorted(set(cuts)), end]):
        a, b = _strip_piece(text, a, b)
        if b - a >= 4:
            out.append((a, b))
    return out


def _has_modal(piece: str, english: bool) -> bool:
    if english:
        return bool(_EN_MODAL.search(piece))
    return bool(_MODAL.search(_QUOTED.sub("", piece)) or piece.startswith("希望"))


def _other_speaker(clause: str, others: list[str]) -> bool:
    """Whether the words before a verb of speech name someone else ("孙绍骋说", "《公报》指出")."""
    return "》" in clause or any(name in clause for name in others)


def _instructions(
    text: str, sentences: list[_Sentence], lead_names: list[str], other_names: list[str], english: bool
) -> tuple[list[Mention], set[int]]:
    """The lead official's requirements, and the starts of the sentences the lead speaks in."""
    out: list[Mention] = []
    spoken: set[int] = set()
    intro = _EN_INTRO if english else _INTRO
    directive = _EN_DIRECTIVE if english else _CN_DIRECTIVE
    # The lead, a pronoun, or the meeting the lead chairs ("会议要求，…").
    subjects = [
        *lead_names,
        *(("He ", "She ", "he ", "she ", "The meeting") if english else ("他", "她", "会议", "会上")),
    ]
    subjects += [n.split()[0] for n in lead_names if english and " " in n]
    active = False
    enumerated = False
    previous_paragraph = -1
    for sentence in sentences:
        s_text = sentence.text
        if sentence.paragraph != previous_paragraph:
            starts_enum = bool(_ENUM_MARK.match(s_text.lstrip()))
            if not (active and (starts_enum or _CONNECTIVE_START.match(s_text))):
                active = False
                enumerated = False
            previous_paragraph = sentence.paragraph
        content_start: int | None = None
        is_directive = False
        chosen = None
        speaker_elsewhere = False
        if (_EN_SPEECH_BREAK if english else _SPEECH_BREAK).search(s_text):
            # Enterprises or others speak ("企业负责人反映了…"): the lead's speech is over.
            active = False
            continue
        for candidate in intro.finditer(s_text):
            before = s_text[: candidate.start()]
            clause = before[max(before.rfind("，"), before.rfind(","), before.rfind("。")) + 1 :]
            if _other_speaker(clause, other_names) and not any(subject in clause for subject in subjects):
                speaker_elsewhere = True
                break
            if any(subject in before for subject in subjects) or (active and candidate.start() < 4):
                if chosen is None or (
                    directive.fullmatch(candidate.group())
                    and not directive.fullmatch(chosen.group())
                    and s_text[candidate.start() - 1] in "，,"
                ):
                    chosen = candidate
                if directive.fullmatch(chosen.group()):
                    break
        if speaker_elsewhere and chosen is None:
            active = False
            continue
        if chosen is not None:
            content_start = sentence.start + chosen.end()
            is_directive = bool(directive.fullmatch(chosen.group()))
            active = True
            enumerated = False
        elif active:
            content_start = sentence.start
        if content_start is None:
            continue
        spoken.add(sentence.start)
        sentence_first = _strip_piece(text, sentence.start, sentence.end)[0]
        for a, b in _pieces(text, content_start, sentence.end):
            piece = text[a:b]
            starts_enum = bool(_ENUM_MARK.match(piece))
            if enumerated and not starts_enum and out and a == sentence_first:
                # A sentence continuing the previous item of an enumeration.
                last = out[-1]
                out[-1] = Mention(text[last.start : b], last.start, b)
                continue
            if starts_enum:
                enumerated = True
            if is_directive or starts_enum or _has_modal(piece, english):
                out.append(Mention(piece, a, b))
    return out, spoken


def _difficulties(text: str, sentences: list[_Sentence], spoken: set[int], english: bool) -> list[Mention]:
    out: list[Mention] = []
    for sentence in sentences:
        if sentence.start in spoken:  # the lead official's own words
            continue
        patterns = (_EN_DIFFICULTY,) if english else _DIFFICULTY_PATTERNS
        for pattern in patterns:
            for m in pattern.finditer(sentence.text):
                x = m.group("x")
                if english:
                    out.append(Mention(x, sentence.start + m.start("x"), sentence.start + m.end("x")))
                    continue
                if _INTERROGATIVE.search(m.group()) or len(x.strip("，, 的了")) < 2:
                    continue
                # The difficulty is the enterprises': they are the subject of the clause.
                clause_start = max(sentence.text.rfind(c, 0, m.start()) for c in "，,") + 1
                if not _ENTERPRISE_SUBJECT.search(sentence.text[clause_start : m.end()]) and not (
                    _ENTERPRISE_SUBJECT.search(sentence.text[: m.start()])
                ):
                    continue
                a = sentence.start + m.start("x")
                b = sentence.start + m.end()
                a, b = _strip_piece(text, a, b)
                if not any(d.start <= a < d.end for d in out):
                    out.append(Mention(text[a:b], a, b))
    return out


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


_VISITORS_FROM = re.compile(
    f"(?:[、和及与][{_HAN}]{{2,5}})*等(?:省|市|地|省市|地区)的?(?:参会|知名|优秀|重点|部分)?"
    "(?:企业家|客商|企业|嘉宾|代表|商会)"
)


def _unique(mentions: Iterable[Mention]) -> list[str]:
    return list(dict.fromkeys(m.text for m in mentions))


def _lead_sentence(sentences: list[_Sentence], title: str, english: bool) -> str:
    """The report's first sentence of substance: the first with a date, else the first after
    the title."""
    pattern = _EN_DATE if english else _YEAR_DATE
    title = title.strip()

    def of_title(sentence: _Sentence) -> bool:
        # The title itself, or a piece of it ("增信心、鼓干劲、促发展！" of a title with a "！").
        text = sentence.text.strip()
        return text == title or (sentence.paragraph == 0 and bool(title) and text in title)

    for sentence in sentences[:8]:
        if not of_title(sentence) and pattern.search(sentence.text):
            return sentence.text
    rest = [s for s in sentences if not of_title(s)]
    return rest[0].text if rest else ""


def extract(cleaned: CleanedReport) -> Extraction:
    text = cleaned.text
    english = cleaned.language == "en"
    sentences = _sentences(text)
    title = cleaned.title or (sentences[0].text if sentences and len(sentences[0].text) <= 80 else "")
    lead_sentence = _lead_sentence(sentences, title, english)
    kind = _kind(title, lead_sentence, english, " ".join(s.text for s in sentences[:4]))

    # A headline's posts give way to the body's (a first sentence taken for the title does not).
    headline = title and text.startswith(title) and not title.rstrip().endswith("。")
    title_end = len(title) if headline else 0
    people = _english_officials(text) if english else _officials(text, title_end)
    # The posts are the people's: places and enterprises inside them are not the event's.
    post_spans: list[tuple[int, int]] = []
    for person in people:
        for post in person.written_posts or person.posts:
            post_spans.extend(_spans_of(text, post))
    person_spans = [span for person in people for span in person.spans]
    found = (
        _english_enterprises(text, post_spans)
        if english
        else _enterprises_and_projects(text, post_spans, person_spans)
    )
    enterprise_spans = [span for e in found.enterprises.values() for span in e.spans]
    excluded = post_spans + enterprise_spans
    # Nor are regions inside people's names (李长春), projects or the names a region begins.
    # A project read as a zone's name alone ("调研西峰工业园区、…") leaves the zone to be a place.
    # The town a site's name begins with is where the site is ("青石镇白鹭智慧农业园").
    project_spans = [
        (p.start + _town_prefix(p.text), p.end) for p in found.projects if not _ZONE_AT_END.search(p.text)
    ]
    place_mentions = (_english_places if english else _places)(
        text, excluded + person_spans + found.blocked + project_spans
    )

    # Where visitors come from ("带领上海、浙江等地企业家来明考察"): not where the event was.
    place_mentions = [p for p in place_mentions if not _VISITORS_FROM.match(text, p.end)]
    opening = [sentence.text for sentence in sentences[:6]]
    lead, others = _leads(people, title, lead_sentence, english, opening, text)
    lead_names = [p.name for p in lead]
    if not english:
        regions = set(gazetteer().names.values())
        areas = {p.text for p in place_mentions if p.text not in regions}
        place_mentions = _where_the_event_was(
            text, place_mentions, [post for p in lead for post in p.written_posts or p.posts], areas
        )
    start_day, end_day, year_source, date_spans = _dates(
        text, sentences, cleaned.published_on, english, lead_names, kind
    )
    instructions, spoken = _instructions(text, sentences, lead_names, [p.name for p in others], english)
    difficulties = _difficulties(text, sentences, spoken, english)
    return Extraction(
        kind=kind,
        start=start_day.to_date() if start_day else None,
        end=end_day.to_date() if end_day else None,
        start_day=start_day,
        end_day=end_day,
        year_source=year_source,
        date_spans=date_spans,
        lead_officials=lead,
        other_officials=others,
        enterprises=list(found.enterprises.values()),
        projects=_unique(found.projects),
        places=_unique(place_mentions),
        instructions=[m.text for m in instructions],
        difficulties=[m.text for m in difficulties],
        project_mentions=found.projects,
        place_mentions=place_mentions,
        instruction_mentions=instructions,
        difficulty_mentions=difficulties,
    )
