"""Cleaning a published report: the five real samples (what must go, what must stay), captures of
other sites written here (the rules are not the samples' strings), pinyin annotations as a
property, and the refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypinyin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style

from zhuqi.ingest.cleaning import Cleaned, CleaningRefused, RemovalKind, clean

DATA = Path(__file__).resolve().parent / "data"


def _clean_file(name: str) -> Cleaned:
    return clean((DATA / name).read_bytes(), filename=name)


def _kinds(cleaned: Cleaned) -> set[str]:
    return {removal.kind for removal in cleaned.removals}


def _removed(cleaned: Cleaned, kind: str) -> list[str]:
    return [removal.text for removal in cleaned.removals if removal.kind == kind]


def _assert_offsets(cleaned: Cleaned) -> None:
    for removal in cleaned.removals:
        if removal.kind == RemovalKind.MARKUP and removal.start == removal.end == 0:
            continue  # what the HTML extractor left out is not in `original`
        assert cleaned.original[removal.start : removal.end] == removal.text
        assert removal.reason


# --- the five samples ---------------------------------------------------------------------------


def test_000_pinyin_and_recommended_list_go_facts_stay() -> None:
    cleaned = _clean_file("000_83cc853428dbeb39.txt")
    _assert_offsets(cleaned)
    assert cleaned.language == "zh"
    assert cleaned.original == (DATA / "000_83cc853428dbeb39.txt").read_text(encoding="utf-8")
    assert cleaned.title == "孟宪东到霍林郭勒市调研重点项目建设和中小微企业发展情况"
    text = cleaned.text
    assert text.startswith(cleaned.title + "\n")
    assert "6月20日——21日，自治区党委常委、通辽市委书记孟宪东深入霍林郭勒市，调研重点项目建设" in text
    assert "孟宪东调研联晟新材料有限公司高端铝箔项目建设情况。" in text
    assert "听取金辉粉体、亚欧新材料、霍林西山香等8家企业负责人的意见建议" in text
    assert text.endswith("市直相关部门负责同志参加。（施轩）")
    # every annotation gone, in whatever script: no Latin letter is left in this Chinese report
    assert not any("a" <= c.lower() <= "z" for c in text)
    assert "(diào)" in _removed(cleaned, "pinyin")
    assert len(_removed(cleaned, "pinyin")) > 90
    for gone in ("推荐阅读", "分享让更多人看到", "校外教育培训", "内蒙古大学", "招聘会"):
        assert gone not in text
    assert {"pinyin", "unrelated_list", "chrome"} <= _kinds(cleaned)
    assert cleaned.published_on is None


def test_001_forum_chrome_goes_and_the_post_date_is_read() -> None:
    cleaned = _clean_file("001_19184c4948faae96.txt")
    _assert_offsets(cleaned)
    assert cleaned.title == "郝茂荣一行调研通辽北部区域经济社会发展情况"
    assert cleaned.published_on == date(2017, 2, 10)  # "發表於 2017-2-10 05:55:02"
    lines = cleaned.text.split("\n")
    assert lines[0] == cleaned.title
    assert lines[1].startswith("2月7至8日，通辽市委副书记、政府代市长郝茂荣在通辽市政府副市长韩国武")
    assert "到我市联晟新材料、锦联铝材、创源金属、霍林河机场等地进行实地踏查" in cleaned.text
    assert lines[-1].endswith("形成以创新为主要引领和支撑的经济体系和发展模式。")
    for gone in (
        "找回密码", "立即注册", "QQ登录", "快速开始", "86981", "复制链接", "楼主", "发表于", "只看该作者",
        "本版积分规则", "Archiver", "Powered by", "Discuz", "ICP", "QQ群", "本站", "快速回复", "返回顶部",
        "[本地动态]",
    ):  # fmt: skip
        assert gone not in cleaned.text, gone
    assert _kinds(cleaned) == {"chrome", "pinyin"}
    reasons = {removal.reason for removal in cleaned.removals}
    assert "网站的版权、备案或主办信息" in reasons
    assert "网站的联系方式" in reasons
    assert "标题前的栏目标签" in reasons


def test_002_english_report_stays_english_with_glued_words_split() -> None:
    cleaned = _clean_file("002_f472369bf19041a6.txt")
    _assert_offsets(cleaned)
    assert cleaned.language == "en"
    assert cleaned.published_on == date(2022, 4, 18)  # "Release time:" / "Apr 18,2022"
    assert cleaned.title.startswith("Secretary Song Cheng went to Tieling County to investigate")
    text = cleaned.text
    assert "On April 17, Song Cheng, secretary of the municipal party committee" in text
    assert (
        "Song Cheng Secretary In-depth Liaoning Beixiang Heavy Industry Machinery Manufacturing Co." in text
    )
    assert "Song Cheng Secretary Encourage enterprises" in text
    assert "ChengSecretary" not in text
    assert text.endswith("Vice Mayor Zhang Dongming to participate in related activities.")
    for gone in ("Release time", "Apr 18,2022", "Key words", "More news"):
        assert gone not in text
    assert _removed(cleaned, "unrelated_list") == ["More news"]


def test_003_job_site_menu_and_teasers_go_real_parentheses_stay() -> None:
    cleaned = _clean_file("003_af7051c7491cd361.txt")
    _assert_offsets(cleaned)
    text = cleaned.text
    assert cleaned.title == ""  # the capture starts with the body
    assert text.startswith(
        "11月4日至6日，省委常委、市委书记卢东亮深入我市部分企业督导调研疫情防控和复工复产等工作。"
    )
    for name in (
        "大同瑞铖钢结构有限公司", "陕汽大同专用汽车有限公司", "太重集团（大同）起重机有限公司",
        "中车大同电力机车有限公司", "大同金隅冀东水泥有限公司", "大同市牧同乳业有限公司",
    ):  # fmt: skip
        assert name in text, name
    assert "市委常委、市委秘书长、统战部长王明厚" in text
    assert text.endswith("为全市稳经济保安全贡献力量。")
    for gone in (
        "热门职位",
        "热门地点",
        "地区招聘",
        "暖蜂驿站",
        "北村村",
        "阳高县",
        "民生底色",
        "大同高速",
        "...",
    ):
        assert gone not in text, gone
    assert len(_removed(cleaned, "unrelated_list")) == 10  # five titles, five cut-off teasers
    assert len(_removed(cleaned, "chrome")) == 3


def test_004_injected_spam_and_comment_widget_go() -> None:
    cleaned = _clean_file("004_c02c1180ff14bb36.txt")
    _assert_offsets(cleaned)
    text = cleaned.text
    assert cleaned.title == "自治区主席连续两天召开“首场”会议 事关一项大布局？"
    assert text.split("\n")[1] == "2月21日，内蒙古自治区政府主席王莉霞主持召开晋位升级第一场工作调度会。"
    assert "同时，各位链长要快节奏推进项目落地，逢山开路、遇水架桥。" in text
    assert "开发者" not in text and "运维技巧" not in text and "_" not in text
    assert "还是运维服务" in text  # the same word, written by the author
    assert _removed(cleaned, "spam") == ["开发者", "开发者_运维技巧"]
    assert "逢山开路" in next(r.reason for r in cleaned.removals if r.text == "开发者_运维技巧")
    for gone in ("上一篇", "下一篇", "精彩评论", "暂无评论", "验证码", "换一张", "最新问答", "问答排行榜"):
        assert gone not in text
    assert "\n0\n" not in f"\n{text}\n"
    assert text.endswith("自治区党委和政府都全力支持。")
    assert "中国东方电气集团有限公司党组书记、董事长俞培根率队在自治区洽谈合作" in text


# --- other sites: the rules are features, not the samples' strings ------------------------------

FORUM = """登录 | 注册
设为首页收藏本站
用户名
密码

标题: [时政要闻] 張三到高新區調研企業復工復產情況
作者: admin    时间: 2021-3-15 10:20
3月14日，市委副書記、市長張三到高新區調研企業復工復產情況，先後來到華為技術有限公司、比亞迪股份有限公司等企業，詳細了解生產經營、用工保障等情況。
張三強調，各級各部門要主動靠前服務，幫助企業解決實際困難，推動經濟平穩運行。
使用道具 舉報
回复
返回列表
Powered by PHPWind 9.0 © 2003-2021
京ICP备12345678号-2
"""

NEWS = """當前位置：首頁 > 新聞中心 > 本地要聞
李四主持召開民營企業座談會
2022-08-09 09:30:21   來源：某某日報   作者：王五   責任編輯：趙六
【字號：大 中 小】 【打印】 【關閉】
8月8日下午，省委常委、市委書記李四主持召開民營企業座談會，聽取企業家對優化營商環境的意見建議。中國石化集團（某某）石油有限公司、某某鋼鐵集團有限公司等12家企業負責人先後發言。
李四強調，要全面落實助企紓困政策，堅持實事求程序员_前端开发是，真抓實開发者幹，切實為企業排憂解難。
掃一掃在手機打開當前頁
相關閱讀
· 某某市召開優化營商環境大會
· 王五會見某某集團董事長一行
網站地圖 | 聯繫我們 | 隱私聲明 | 網站紀錄
主辦：某某市人民政府辦公室  承辦：某某市大數據中心
"""

JOBS = """- 最新职位
- 校园招聘
- 兼职实习
王二到某某县调研农产品加工企业
7月2日，市委书记王二到某某县调研农产品加工企业，先后来到某某食品有限公司、某某（中国）乳业有限公司，了解企业生产和销售情况，要求有关部门帮助企业解决冷链物流短板问题。
"""


def test_another_forum_chrome_is_recognised() -> None:
    cleaned = clean(FORUM)
    _assert_offsets(cleaned)
    assert cleaned.title == "张三到高新区调研企业复工复产情况"
    assert cleaned.published_on == date(2021, 3, 15)
    assert cleaned.text.split("\n")[1].startswith("3月14日，市委副书记、市长张三到高新区调研")
    assert "华为技术有限公司、比亚迪股份有限公司" in cleaned.text
    for gone in (
        "登录",
        "注册",
        "用户名",
        "密码",
        "admin",
        "使用道具",
        "举报",
        "回复",
        "返回列表",
        "PHPWind",
        "ICP",
    ):
        assert gone not in cleaned.text, gone
    assert len(cleaned.text.split("\n")) == 3


def test_news_page_breadcrumb_bylines_related_list_footer_and_spam() -> None:
    cleaned = clean(NEWS)
    _assert_offsets(cleaned)
    assert cleaned.title == "李四主持召开民营企业座谈会"
    assert cleaned.published_on == date(2022, 8, 9)
    assert "中国石化集团（某某）石油有限公司、某某钢铁集团有限公司等12家企业负责人先后发言。" in cleaned.text
    assert "坚持实事求是，真抓实干，切实为企业排忧解难。" in cleaned.text
    assert [removal.text for removal in cleaned.removals if removal.kind == "spam"] == [
        "程序员_前端开发",
        "開发者",
    ]
    for gone in (
        "当前位置",
        "来源",
        "责任编辑",
        "字号",
        "打印",
        "扫一扫",
        "相关阅读",
        "营商环境大会",
        "网站地图",
        "主办",
    ):
        assert gone not in cleaned.text, gone
    assert len(_removed(cleaned, "unrelated_list")) == 3
    assert len(cleaned.text.split("\n")) == 3


def test_menu_of_a_job_site_goes_by_its_shape() -> None:
    cleaned = clean(JOBS)
    assert cleaned.title == "王二到某某县调研农产品加工企业"
    assert "最新职位" not in cleaned.text and "兼职" not in cleaned.text
    assert "某某（中国）乳业有限公司" in cleaned.text
    assert _kinds(cleaned) == {"chrome"}


def test_multi_syllable_and_numbered_pinyin_goes_real_parentheses_stay() -> None:
    cleaned = clean(
        "周六到工業(yè)园区调研(diào yán)企業发(fa1)展情况\n"
        "5月6日，市长周六到工业园区调研(diào yán)企业发(fa1)展情况，走访了绿(lǜ)色(se4)能源有限公司"
        "（GDP贡献）、太重集团(大同)起重机有限公司和某某(2022)项目(AN)。\n"
    )
    assert cleaned.title == "周六到工业园区调研企业发展情况"
    assert cleaned.text.split("\n")[1] == (
        "5月6日，市长周六到工业园区调研企业发展情况，走访了绿色能源有限公司（GDP贡献）、"
        "太重集团（大同）起重机有限公司和某某（2022）项目（AN）。"
    )
    assert _removed(cleaned, "pinyin") == [
        "(yè)",
        "(diào yán)",
        "(fa1)",
        "(diào yán)",
        "(fa1)",
        "(lǜ)",
        "(se4)",
    ]


def test_html_page_reduced_to_its_article_with_its_date() -> None:
    cleaned = _clean_file("gov_page.html")
    _assert_offsets(cleaned)
    assert cleaned.title == "王莉霞到包头市调研重点产业链项目建设"
    assert cleaned.published_on == date(2023, 3, 8)
    assert "3月7日至8日，自治区政府主席王莉霞深入包头市" in cleaned.text
    assert "包头钢铁（集团）有限责任公司" in cleaned.text
    for gone in (
        "首页",
        "政务公开",
        "相关新闻",
        "孙绍骋",
        "上一篇",
        "ICP",
        "版权所有",
        "网站地图",
        "_hmt",
        "<",
    ):
        assert gone not in cleaned.text, gone
    assert _kinds(cleaned) == {"markup"}
    assert "<p>" not in cleaned.original


def test_gbk_html_page_traditional_with_annotations_and_chrome_left_in_the_article() -> None:
    cleaned = _clean_file("gbk_page.html")
    _assert_offsets(cleaned)
    assert cleaned.title == "赵七到经济开发区调研"
    assert cleaned.published_on is None  # the page gives no date
    assert "市委书记赵七到经济开发区调研重点项目建设情况" in cleaned.text
    assert "某某（集团）股份有限公司技改项目" in cleaned.text
    assert "上一篇" not in cleaned.text and "下一篇" not in cleaned.text
    assert {"markup", "pinyin", "chrome"} == _kinds(cleaned)


def test_big5_text_is_decoded_and_simplified_keeping_the_original() -> None:
    cleaned = _clean_file("big5_report.txt")
    assert cleaned.original.startswith("孫九到港區調研物流企業\n10月12日，市長孫九")
    assert cleaned.title == "孙九到港区调研物流企业"
    assert "某某港务集团有限公司、某某国际物流有限公司" in cleaned.text
    assert "责任编辑" not in cleaned.text


def test_a_simplified_page_keeps_its_characters_a_traditional_one_is_converted() -> None:
    # t2s maps 乾 to 干 and 著 to 着: a Simplified page that writes them in names keeps them.
    simplified = clean(
        "乾泰科技迎来调研\n5月6日，县长张某某到乾泰科技有限公司调研，察看著名品牌的生产线，要求企业加快项目建设。"
    )
    assert "乾泰科技有限公司" in simplified.text and "著名品牌" in simplified.text
    traditional = clean(
        "乾泰科技迎來調研\n5月6日，縣長張某某到乾泰科技有限公司調研，察看生產線，要求企業加快項目建設。"
    )
    assert "县长张某某到干泰科技有限公司调研" in traditional.text


def test_published_on_given_wins_over_the_page() -> None:
    given_date = date(2017, 2, 11)
    cleaned = clean((DATA / "001_19184c4948faae96.txt").read_bytes(), published_on=given_date)
    assert cleaned.published_on == given_date


def test_glued_english_words_split_only_where_clearly_glued() -> None:
    cleaned = clean(
        "Mayor Li ChengVisited PetroChina and McDonald's plant in the city.\n"
        "On May 3, the Mayor went to the iPhone factory and said that the LinkedIn office and the "
        "SecretaryIn-depth review of the work should be done by the end of the year."
    )
    assert cleaned.language == "en"
    assert (
        cleaned.text.split("\n")[0] == "Mayor Li Cheng Visited PetroChina and McDonald's plant in the city."
    )
    assert "the iPhone factory and said that the LinkedIn office" in cleaned.text
    assert "Secretary In-depth review" in cleaned.text


def test_spaces_and_punctuation_are_normalised() -> None:
    cleaned = clean(
        "Ｐ市召开座谈会\n"
        "11 月4日至6日,省委常委、市委书记卢东亮深入我市部分企业调研，　　听取企业负责人意见:"
        "要落实１２３项措施;企业营收增长１５％!会议时间 2022-11-04 09:30。\n"
    )
    assert cleaned.text.split("\n")[1] == (
        "11月4日至6日，省委常委、市委书记卢东亮深入我市部分企业调研，听取企业负责人意见："
        "要落实123项措施；企业营收增长15%！会议时间2022-11-04 09:30。"
    )
    assert cleaned.title == "P市召开座谈会"


# --- properties ---------------------------------------------------------------------------------

# Common Simplified characters (OpenCC leaves them as they are), without the ones that make a
# line read as a chrome phrase on their own.
HAN = (
    "市委书记长区县镇企业项目建设调研发展经济工作会议召开主持推动落实产业园"
    "新材料能源科技有限公司集团股份制造工厂农村城乡水利交通"
)
BASE = "市委书记到工业园区调研企业发展情况，要求有关部门落实惠企政策，推动项目建设。"


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=HAN, min_size=1, max_size=10),
    st.one_of(
        st.text(alphabet=HAN, min_size=1, max_size=8),
        st.from_regex(r"[0-9]{1,4}", fullmatch=True),
        st.from_regex(r"[A-Z]{2,5}", fullmatch=True),
        st.from_regex(r"[A-Z][A-Z0-9]{1,4}", fullmatch=True),
    ),
    st.text(alphabet=HAN, min_size=1, max_size=10),
)
def test_real_parentheses_survive_unchanged(before: str, inside: str, after: str) -> None:
    text = f"{BASE}{before}（{inside}）{after}。"
    cleaned = clean(text)
    assert cleaned.text == text
    assert not cleaned.removals


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=HAN, min_size=1, max_size=3),
            st.sampled_from([Style.TONE, Style.TONE3]),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_pinyin_annotations_of_random_words_are_removed(words: list[tuple[str, Style, bool]]) -> None:
    plain, annotated = [BASE], [BASE]
    for word, style, spaced in words:
        readings = [options[0] for options in pypinyin.pinyin(word, style=style, heteronym=False)]
        plain.append(word + "，")
        annotated.append(f"{word}({(' ' if spaced else '').join(readings)})，")
    expected = "".join(plain)[:-1] + "。"
    cleaned = clean("".join(annotated)[:-1] + "。")
    assert cleaned.text == expected
    assert len(_removed(cleaned, "pinyin")) == len(words)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "空"),
        (b"   \n\t \r\n", "空"),
        ("  \n ", "空"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Word"),
        (bytes(range(256)) * 8, "二进制"),
        (
            "こんにちは。本日は晴れです。私たちは会社を訪問しました。ありがとうございました。これはテストです。",
            "日文",
        ),
        ("Президент провёл совещание с руководителями предприятий региона и обсудил развитие.", "俄文"),
        (
            "Le maire de la ville a visité les entreprises du parc industriel pendant deux jours.",
            "中文或英文",
        ),
        ("12345 67890 ---- 2022-01-01 !!!", "文字"),
        ("x" * (2 * 1024 * 1024 + 1), "上限"),
        (b"a" * (2 * 1024 * 1024 + 1), "上限"),
        ("找回密码\n立即注册\n上一篇：\n下一篇：\nPowered by Discuz!\n", "没有剩下正文"),
    ],
)
def test_bad_input_is_refused_with_a_reason(raw: str | bytes, reason: str) -> None:
    with pytest.raises(CleaningRefused) as refused:
        clean(raw)
    assert reason in refused.value.reason


def test_undecodable_bytes_are_refused() -> None:
    # Big5 lead bytes followed by bytes no Chinese encoding accepts after them
    raw = ("市委书记调研".encode() + b"\xff\xfe\xfd\x81\x7f\xa1" * 50) * 20
    with pytest.raises(CleaningRefused) as refused:
        clean(raw)
    assert "编码" in refused.value.reason or "二进制" in refused.value.reason


def test_a_line_of_the_posting_date_and_time_goes_and_gives_the_publication_date() -> None:
    cleaned = clean(
        "某县：王五带队赴杭州招商考察\n"
        "2023-05-06 09:12:30某某新闻网1234次\n"
        "5月4日至5日，县委书记王五带队赴杭州招商考察，拜访了某某科技有限公司等企业，"
        "介绍了县里的投资环境，双方就合作事项进行了深入交流。\n"
    )
    assert cleaned.published_on == date(2023, 5, 6)
    assert "某某新闻网" not in cleaned.text
    assert "5月4日至5日" in cleaned.text


def test_visits_and_publication_labels_on_one_annotated_line_go() -> None:
    cleaned = clean(
        "某市市长李四莅临某某电子调研\n"
        "訪問次數(shù) : 發(fā)布時間 :2018-11-03\n"
        "近日，某市市长李四莅临某某电子调研，详细了解了企业生产经营和项目建设情况，"
        "并与企业负责人座谈交流。\n"
    )
    assert cleaned.published_on == date(2018, 11, 3)
    assert "访问次数" not in cleaned.text


def test_a_date_and_time_stamp_under_the_title_gives_the_publication_date() -> None:
    cleaned = clean(
        "王一鸣调研远航科技\n芜湖日报·2025-12-07 13:12\n12月7日，市长王一鸣到远航科技调研，"
        "详细了解企业生产经营情况，要求加快项目建设进度，确保早日投产见效。"
    )
    assert cleaned.published_on == date(2025, 12, 7)


def test_an_articles_publication_line_ends_a_list_of_other_articles() -> None:
    cleaned = clean(
        "  • 图片新闻\n\n市长王一鸣到远航科技调研\n\n文章来源:芜湖信息 发布日期:2017-09-08 浏览次数:\n\n"
        "  9月6日,市长王一鸣到远航科技调研。\n\n"
        "  王一鸣强调,要加快项目建设进度,做好服务保障,确保企业早日投产达效,为全市工业经济发展作出更大贡献。\n"
    )
    assert "9月6日,市长王一鸣到远航科技调研" in cleaned.text.replace("，", ",")
    assert cleaned.title == "市长王一鸣到远航科技调研"


def test_a_breadcrumb_is_not_the_title() -> None:
    cleaned = clean(
        "您的位置：首页 – 县市区动态\n\n山阳区召开全区重点项目推进会\n\n"
        "6月13日上午，副区长杨林在区四楼会议室召开全区重点项目推进会，区项目服务中心、商务局等单位负责人参加会议。\n"
    )
    assert "您的位置" not in cleaned.text
    assert cleaned.title == "山阳区召开全区重点项目推进会"


def test_prose_with_its_own_dateline_under_a_list_heading_is_another_article() -> None:
    cleaned = clean(
        "市长王一鸣到远航科技调研\n"
        "11月6日，市长王一鸣到远航科技调研，详细了解企业生产经营情况，要求加快项目建设进度，确保早日投产见效。\n"
        "新闻推荐\n"
        "本报讯11月7日下午，金陵街道办事处举行专题报告会。特邀市委党校副教授就有关精神作专题辅导，"
        "街道全体干部和各社区负责人参加报告会，大家表示将把学习成果转化为推动工作的实际行动。\n"
    )
    assert "远航科技调研，详细了解" in cleaned.text
    assert "金陵街道" not in cleaned.text
