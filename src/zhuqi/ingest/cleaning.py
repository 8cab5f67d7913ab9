"""A published report cleaned: the article only, in Simplified Chinese (or English), with every cut
recorded so a person can see what was removed and why.

What arrives is a text or HTML capture of a government site, a news portal, a forum or a content
farm. Around the article are the site's chrome (login boxes, menus, copyright and filing lines,
comment boxes, "上一篇/下一篇"), lists of unrelated articles ("推荐阅读", titles with cut-off
teasers), pinyin that converting sites insert after characters ("調(diào)研"), and spam injected
into sentences ("逢山开开发者_运维技巧路").

The stages, each over the text as it arrived (`original`), so every removal keeps its offsets:

1. bytes decoded (UTF-8, GB18030, Big5 … through `zhuqi.core.encodings`), bad input refused
   (`CleaningRefused`, with the reason in Chinese);
2. HTML reduced to its main text (and its publication date) by trafilatura;
3. each line classified by features that hold across sites: phrases of web chrome covering most of
   the line, separators between short items (menus), copyright/filing/contact lines, labelled
   publication lines, list headings and the lists below them, teasers cut off with "…", and short
   lines before and after the body (the first and last lines of running prose);
4. inside the kept lines: pinyin in parentheses that reads the characters before it (pypinyin),
   spam tokens that break a dictionary word or idiom, leftover tags;
5. the rest converted to Simplified (OpenCC), its punctuation and spaces normalised.

Matching runs on a "shadow" of the original of the same length (Simplified, full-width ASCII made
half-width), so one rule covers both scripts and both widths.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import PurePath

import pypinyin
from pypinyin import Style

from zhuqi.core import encodings
from zhuqi.core.chinese import jieba, to_simplified

MAX_BYTES = 2 * 1024 * 1024
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".mhtml", ".php", ".asp", ".aspx", ".jsp"})


class RemovalKind(StrEnum):
    CHROME = "chrome"
    UNRELATED_LIST = "unrelated_list"
    PINYIN = "pinyin"
    SPAM = "spam"
    MARKUP = "markup"


@dataclass(frozen=True, slots=True)
class Removal:
    """One cut: `original[start:end] == text`, except for `markup` removed by the HTML extractor,
    which is not in `original` (start == end == 0, the reason says how much of the page it was)."""

    kind: RemovalKind
    text: str
    reason: str
    start: int
    end: int


@dataclass(slots=True)
class Cleaned:
    text: str
    original: str
    removals: list[Removal] = field(default_factory=list)
    published_on: date | None = None
    language: str = "zh"
    title: str = ""


class CleaningRefused(ValueError):
    """The input is not a report that can be read; `reason` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- character classes -------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RE = re.compile(f"[{_HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Full-width ASCII (！ to ～) to ASCII, the ideographic and other wide spaces to a space: the same
# length, so offsets into the shadow are offsets into the original.
_FULL_TO_HALF: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH: dict[int, int | None] = _FULL_TO_HALF | {
    0x3000: 0x20,
    0x00A0: 0x20,
    0x2002: 0x20,
    0x2003: 0x20,
    0x2009: 0x20,
    0x200B: 0x20,
    0x200C: 0x20,
    0x200D: 0x20,
    0xFEFF: 0x20,
    0x09: 0x20,
}
_WIDE = re.compile("[\uff01-\uff5e\u3000\u00a0\u2002\u2003\u2009\u200b-\u200d\ufeff\t]")


def _narrowed(text: str, table: dict[int, int | None]) -> str:
    return text.translate(table) if _WIDE.search(text) else text


_SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?]")
_CLAUSE = re.compile(r"[，。；！？]|[,;!?]\s")
_FINAL_PUNCT = re.compile(r"[。！？；.!?;]\s*[”’\"')）]?\s*$")

# --- bad input ----------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "PDF 文件"),
    (b"PK\x03\x04", "压缩包或 Word/Excel 文件"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x7fELF", "程序文件"),
    (b"MZ", "程序文件"),
    (b"{\\rtf", "RTF 文档"),
)
_ASK_TEXT = "请上传报道的文本（.txt）或网页（.html）"
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "cp950", "utf-8": "utf-8"}


def _refuse_size(size: int) -> None:
    if size > MAX_BYTES:
        raise CleaningRefused(
            f"文件太大（{size / 1024 / 1024:.1f} MB），超过 {MAX_BYTES // 1024 // 1024} MB 的上限："
            "一篇报道不会这么长"
        )


def _decode(raw: bytes, html_like: bool) -> str:
    _refuse_size(len(raw))
    if not raw.strip():
        raise CleaningRefused("文件是空的")
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise CleaningRefused(f"这是{what}，不是文本或网页：{_ASK_TEXT}")
    # Control bytes never occur in text in any accepted encoding (UTF-16's zero bytes are not
    # counted: they are the high half of every ASCII character).
    sample = raw[:8192]
    if len(_CONTROL_BYTES.findall(sample)) > max(2, len(sample) // 100):
        raise CleaningRefused(f"文件里有大量不可显示的字节，像是二进制文件：{_ASK_TEXT}")
    declared = _DECLARED_CHARSET.search(raw[:4096]) if html_like or raw.lstrip()[:1] == b"<" else None
    encoding = _CHARSETS.get(declared.group(1).decode("ascii").lower()) if declared else None
    try:
        if encoding is None:
            encoding = encodings.detect(raw)
        return raw.decode(encoding)
    except (encodings.UnknownEncoding, UnicodeDecodeError):
        pass
    try:
        return raw.decode(encodings.detect(raw))
    except (encodings.UnknownEncoding, UnicodeDecodeError):
        raise CleaningRefused(
            "无法识别文件的编码（可接受 UTF-8、GB18030/GBK、Big5）：请另存为 UTF-8 文本后再上传"
        ) from None


def _refuse_binary(text: str) -> None:
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample))
    if "\x00" in sample or bad > max(2, len(sample) // 100):
        raise CleaningRefused(f"文件里有大量不可显示的字节，像是二进制文件或编码有误：{_ASK_TEXT}")


_ENGLISH_FUNCTION_WORDS = _words(
    "the of and to in a is for on that with by as was were are be at from this it its an or has have "
    "had will which not but their his her they he she we our also more been who should all into "
    "than other after about"
)


def _language(text: str) -> str:
    """ "zh" or "en", or CleaningRefused naming what the text seems to be."""
    han = len(_HAN_RE.findall(text))
    kana = len(_KANA.findall(text))
    words = _LATIN_WORD.findall(text)
    if kana >= 20 and kana * 5 >= han + kana:
        raise CleaningRefused("这份文件像是日文：只能读中文或英文的报道")
    if han >= 5 and han >= len(words):
        return "zh"
    if len(words) >= 5:
        function = sum(1 for word in words if word.lower() in _ENGLISH_FUNCTION_WORDS)
        if function * 100 >= len(words) * 12:
            return "en"
    for pattern, what in ((_HANGUL, "韩文"), (_CYRILLIC, "俄文等西里尔字母"), (_ARABIC, "阿拉伯文")):
        if len(pattern.findall(text)) >= 20:
            raise CleaningRefused(f"这份文件像是{what}：只能读中文或英文的报道")
    if len(words) >= 5:
        raise CleaningRefused("这份文件不像中文或英文（可能是其他语言）：只能读中文或英文的报道")
    raise CleaningRefused("文件里几乎没有文字（既不是中文也不是英文）")


# --- HTML ---------------------------------------------------------------------------------------

_HTML_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article"
    r"|section|table|span|font)\b",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING_TAGS = re.compile(r"</(?:p|div|a|span|td|li|font|h[1-6])\s*>", re.IGNORECASE)


def _is_html(text: str, filename: str) -> bool:
    if PurePath(filename).suffix.lower() in HTML_SUFFIXES:
        return True
    head = text[:20000]
    return bool(_HTML_SNIFF.match(head)) or len(_CLOSING_TAGS.findall(head)) >= 5


def _from_html(page: str) -> tuple[str, str, date | None, int]:
    """The article's text, its title and its date as trafilatura finds them, and the page's size."""
    import trafilatura  # its import takes a tenth of a second: only when a page arrives

    document = trafilatura.bare_extraction(
        page,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    title = (getattr(document, "title", None) or "").strip() if document is not None else ""
    found = getattr(document, "date", None) if document is not None else None
    if not text:
        text = trafilatura.html2txt(page).strip()
    published = None
    if found:
        try:
            published = _plausible(date.fromisoformat(str(found)[:10]))
        except ValueError:
            published = None
    return text, title, published, len(page)


# --- dates on the page --------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# A full date written with digits ("2024-06-25", "2024年6月25", "2024/6/25"), for the patterns of
# the page's own date lines below.
_YMD = r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
# The day may run into the clock time ("2024-06-2510:07:47").
_NUMERIC_DATE = re.compile(
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{2}(?=\d{1,2}[:：]\d{2})|\d{1,2}(?!\d))"
)
_DATE_TIME_STAMP = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}"
)
_EN_STAMP = re.compile(r"(?:updated|published|posted|released)\s*(?:on|at)?\s*:", re.IGNORECASE)
_ENGLISH_DATE = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d{{2}})\b"
    rf"|\b(\d{{1,2}})\s+({_MONTH_NAMES})\.?,?\s+((?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
# Day first, as some portals stamp their pages ("13.04.2016 15:41").
_DOTTED_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?![\d.])")
_TIME = r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_DATE_ONLY = re.compile(
    rf"^\s*(?:{_NUMERIC_DATE.pattern}\s*日?|{_ENGLISH_DATE.pattern}|{_DOTTED_DATE.pattern}){_TIME}\s*$",
    re.IGNORECASE,
)


def _plausible(found: date) -> date | None:
    return found if 1990 <= found.year <= datetime.now(tz=UTC).year + 1 else None


def _date_in(text: str) -> date | None:
    for match in _NUMERIC_DATE.finditer(text):
        try:
            return _plausible(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue
    for match in _ENGLISH_DATE.finditer(text):
        month, day, year = (match[1], match[2], match[3]) if match[1] else (match[5], match[4], match[6])
        try:
            return _plausible(date(int(year), _MONTHS[month.lower()], int(day)))
        except ValueError:
            continue
    for match in _DOTTED_DATE.finditer(text):
        try:
            return _plausible(date(int(match[3]), int(match[2]), int(match[1])))
        except ValueError:
            continue
    return None


# --- line rules ---------------------------------------------------------------------------------


def _alternation(words: str) -> str:
    return "|".join(sorted({re.escape(word) for word in words.split()}, key=len, reverse=True))


# Phrases of web chrome, in Simplified Chinese and English without spaces (lines are compared with
# their spaces removed and lower-cased). A line made almost only of these is chrome.
_CHROME_WORDS = """
首页 网站首页 返回首页 主页 登录 登陆 注册 立即注册 免费注册 注册账号 找回密码 忘记密码
用户名 密码 自动登录 记住密码 退出 退出登录 个人中心 会员中心 qq登录 微信登录 微博登录
手机登录 扫码登录 只需一步 快速开始 游客 您好 欢迎 欢迎您 搜索 站内搜索 高级搜索 搜索一下
设为首页 加入收藏 收藏本站 收藏本页 网站导航 网站地图 无障碍 长者模式 繁体 简体 繁體 简体版
繁体版 english 手机版 移动版 客户端 下载app 打印 打印本页 打印此页 打印文章 关闭
关闭窗口 关闭本页 字号 字体 大中小 【大】 【中】 【小】 [大] [中] [小] 默认 放大 缩小
分享 分享到 分享至 转发 收藏 点赞 举报 纠错 我要纠错 微信 微博 qq空间 朋友圈 扫一扫
扫描二维码 二维码 在手机上打开 上一篇 下一篇 上一条 下一条 上一页 下一页 首页 尾页 末页 返回
返回顶部 返回列表 返回上一页 顶部 回到顶部 置顶 更多 查看更多 更多>> 评论 发表评论 网友评论
精彩评论 热门评论 最新评论 全部评论 暂无评论 我要评论 查看评论 条评论 评论区 写评论 参与评论
登录后评论 验证码 看不清 换一张 换一个 提交 发表 发布 取消 确定 重置 回复 楼主 沙发 板凳
地板 只看该作者 倒序浏览 阅读模式 复制链接 电梯直达 本版积分规则 快速回复 使用道具 查看 回复
发表于 收藏本帖 本帖 帖子 楼层 积分 主题 精华 在线 离线 私信 关注 粉丝 已关注 浏览
浏览次数 阅读 阅读数 阅读次数 阅读量 点击 点击数 点击量 人阅读 次阅读 人浏览 人看过 人已读
关键词 关键字 标签 tags tag 相关标签 热词 专题 栏目 频道 导航 最新问答 热门问答
问答排行榜 排行榜 热门职位 热门地点 地区招聘 热门城市 热门企业 热门搜索 职位 招聘 求职 简历
找工作 发布职位 联系我们 关于我们 广告服务 广告合作 免责声明 网站介绍 意见反馈 帮助中心
隐私政策 用户协议 使用条款 版权声明 投稿 我要投稿 home login signin signup
register logout search share print close previous
next prev back top backtotop more comments comment
reply submit cancel tags keywords keyword views
related print email facebook twitter weibo wechat
"""
_CHROME = re.compile(_alternation(_CHROME_WORDS))
# What else may stand on a chrome line: digits, dates and times, punctuation, separators.
_FILLER = re.compile(r"[\d\s\W_]+")

# Headings of lists of other articles (compared whole, without spaces and trailing marks).
_LIST_HEADINGS = _words(
    """
    推荐阅读 相关阅读 延伸阅读 扩展阅读 相关新闻 相关文章 相关报道 相关链接 相关推荐 相关资讯 新闻推荐
    猜你喜欢 热门推荐 热点推荐 精彩推荐 为你推荐 为您推荐 推荐文章 推荐新闻 编辑推荐 更多新闻
    更多资讯 更多阅读 更多文章 更多精彩 最新文章 最新新闻 最新资讯 最新动态 热门文章 热门新闻
    热点新闻 热门资讯 今日热点 今日推荐 阅读排行 点击排行 新闻排行 热门排行 图片新闻 往期回顾
    往期推荐 专题推荐 看了又看 大家都在看 你可能感兴趣 本周热点 本月热点 morenews
    relatednews relatedarticles relatedstories
    recommended recommendedreading readmore
    youmayalsolike mostread mostpopular latestnews
    topstories
    """
)
_HEADING_TRIM = re.compile(r"[\s:：>»›\-—|｜·•*#【】\[\]()（）]+")

_COPYRIGHT = re.compile(
    r"copyright|©|\(c\)\s*\d{4}|版权所有|版权归|allrightsreserved|poweredby|icp备|icp证|icp许可|公网安备|网安备"
    r"|备案号|备案编号|主办单位|承办单位|主管单位|协办单位|(?:主办|承办|主管|协办|技术支持|运营|运维)[:：]|网站标识码|网站识别码",
    re.IGNORECASE,
)
_SITE = re.compile(r"本站|本网|本网站|本平台|本论坛|本公众号")
_NOTICE = re.compile(r"声明|禁止|观点|负责|转载|版权|侵权|删除|立场|仅供参考")
_REPRINT = re.compile(r"转载请注明|未经授权|未经许可|禁止转载|如有侵权|如涉及版权|联系删除|不代表本")
_CONTACT = re.compile(r"电话|邮箱|e-?mail|qq群|qq[:：]|传真|邮编|客服|微信号|热线", re.IGNORECASE)
_ADDRESS = re.compile(r"地址[:：]")
_META_LABEL = re.compile(
    r"(?:^|\s|\||　|【|\[|［|（|\()"
    r"(?:来源|信息来源|文章来源|稿源|出处|作者|编辑|责任编辑|责编|编审|审核|审校|校对|"
    r"记者|通讯员|摄影|图片|发布者|发布人|发布单位|"
    r"发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|浏览次数|阅读次数|访问次数|点击数|点击量|访问量|字号|"
    r"release\s*time|release\s*date|publish(?:ed)?\s*(?:time|date|on)|date|time|source|author|editor|writer|views|"
    r"clicks?|hits)"
    r"\s*[:：]",
    re.IGNORECASE,
)
# A line opening with a full date and a clock time (the page's own posting time, then the site's
# name or a view count).
_DATED_LINE = re.compile(rf"\s*{_YMD}\s*日?\s*\d{{1,2}}[:：]\d{{2}}(?!\d)")
# A line that opens with a full date and then only the page's details.
_DATE_LEAD = re.compile(
    rf"\s*{_YMD}\s*日?\s*(?:星期[一二三四五六日天]|周[一二三四五六日])?"
    r"(?=\s|$|[|｜/]|来源|作者|编辑|发布)"
)
_POSTED_ON = re.compile(
    r"\s*(?:更新于|发布于|发表于|posted\s+on|updated\s+on|published\s+on)\s*(?:\d|[A-Z][a-z]{2,8}\.?\s+\d)",
    re.IGNORECASE,
)
# A label, then the page's date ("时间:2017-02-28", "发布日期：2021-02-24").
_LABELLED_DATE = re.compile(
    rf"(?:时间|日期|发布|发表|更新|time|date)\s*[:：]\s*{_YMD}",
    re.IGNORECASE,
)
# A forum's edit stamp ("本帖最后由 悟真 于 2016-2-29 08:50 编辑").
_FORUM_EDIT = re.compile(r"于\s*(?:19|20)\d{2}-\d{1,2}-\d{1,2}[^。]{0,12}编辑\s*$")
# A blog's posting line ("by admin - 2023-07-18 65 Views").
_POSTED_BY = re.compile(
    r"^\s*by\s+\S{1,30}\s*[-–—|·]\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}", re.IGNORECASE
)
_PREVIOUS_NEXT = re.compile(
    r"^\s*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|前一篇|后一篇|previous|next)(?:文章|新闻|信息|article|post)?\s*[:：]",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    rf"(?:记者|通讯员|摄影|摄像|编辑|责编|责任编辑|作者|校对|审核|审校|总编|主编|撰稿)\s*[丨|｜/:：\s]\s*[{_HAN}]{{2,4}}"
)
# Words of the article itself (officials, attendance): a short line with one is not chrome.
_PROSE_SIGNAL = re.compile(
    r"书记|市长|县长|区长|省长|镇长|乡长|主席|主任|秘书长|局长|厅长|部长|负责人|同志|参加|陪同|出席"
)
_MOJIBAKE_INDENT = re.compile(r"^\s*[?？]{2,}\s*")
_NAV_SEPARATORS = re.compile(r"\s*[|｜/»›>·•]\s*|\s{2,}")
_BULLET = re.compile(r"^\s*(?:[-–—*•·●○■□◆◇▪►>]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*")
_TEASER = re.compile(r"[^\s。！？.!?…]\s*(?:\.{3,}|…{1,2}|。。。)\s*$")
# Before a forum post's or a page's title: a label ("标题：") and a section tag ("[本地动态]").
_FORUM_TAG = re.compile(
    r"^\s*(?=\S)(?:(?:标题|主题|题目|帖子标题|title)\s*[:：]\s*)?(?:[\[【][^\]】\n]{2,8}[\]】]\s*)?",
    re.IGNORECASE,
)
_STRAY_TAG = re.compile(
    r"</?(?:p|br|div|span|a|img|strong|b|i|em|u|font|table|tbody|tr|td|th|li|ul|ol|h[1-6]|section|article"
    r"|iframe|script|style|center|hr|sup|sub)\b[^<>\n]{0,300}/?>|&nbsp;",
    re.IGNORECASE,
)

# Tokens that content farms and tech sites inject (their category tags). A line of them alone is
# spam; inside a sentence, one is spam when it breaks a dictionary word or idiom.
_TECH_TOKENS = (
    "开发者 开发者社区 开发者工具 程序员 码农 运维 运维技巧 开发技巧 编程 编程语言 编程技术 "
    "编程开发 技术博客 技术问答 开源中国 博客园 csdn 掘金 思否 segmentfault 云原生 "
    "前端开发 后端开发 站长之家 脚本之家 源码 源码下载"
)
_TECH_LINE = re.compile(rf"^(?:(?:{_alternation(_TECH_TOKENS)})[\s_|/\-·]*)+$", re.IGNORECASE)
_TECH_INLINE = re.compile(
    _alternation(
        "开发者 开发者社区 程序员 码农 运维技巧 开发技巧 编程语言 编程技术 技术博客 技术问答 "
        "站长之家 脚本之家 源码下载"
    )
)
_UNDERSCORE = re.compile(f"([{_HAN}A-Za-z0-9]{{1,12}})_([{_HAN}A-Za-z0-9]{{1,12}})")

_PINYIN_GROUP = re.compile(r"\(([^()\n]{1,60})\)")
_PINYIN_LETTERS = re.compile(r"^[a-zü:\s'’\-1-5\u0300-\u036f]+$")
_TONE_MARKS = re.compile(r"[\u0300-\u036f1-5\s'’\-]")


@dataclass(slots=True)
class _Line:
    start: int  # offsets into the original
    end: int
    shadow: str  # the line's shadow, without the pinyin annotations found in it
    compact: str  # the same without spaces, lower-case
    pinyin: list[tuple[int, int, str]] = field(default_factory=list)  # offsets into the original
    kind: RemovalKind | None = None
    reason: str = ""
    content: bool = False


def _in_original(line: _Line, offset: int) -> int:
    """Where an offset into a line's shadow (pinyin left out) falls in the original."""
    position = line.start + offset
    for start, end, _ in line.pinyin:
        if start > position:
            break
        position += end - start
    return position


# Characters that converting sites write for a Traditional one and OpenCC (rightly, by Unicode)
# leaves alone: 陜 (xiá) for 陝 (the 陕 of 陕西, 陕汽).
_VARIANTS = str.maketrans({"陜": "陕"})


def _simplified(text: str) -> str:
    return to_simplified(text).translate(_VARIANTS)


# Characters OpenCC's t2s changes that Simplified writing keeps, in names above all (乾泰科技,
# 著名, 瞭望): a Simplified page holding them is not Traditional for that, and keeps them.
_KEPT_IN_SIMPLIFIED = frozenset("乾著瞭藉於夥甦徵")


def _simplified_if_traditional(text: str) -> str:
    """The text in Simplified characters if it holds Traditional ones (a character t2s changes,
    besides those Simplified writing keeps); else as it is, with the converting sites' variants
    mended."""
    converted = _simplified(text)
    if converted == text:
        return text
    if len(converted) != len(text):
        return converted  # a phrase conversion changed the length: only Traditional texts have those
    changed = {before for before, after in zip(text, converted, strict=True) if before != after}
    return converted if changed - _KEPT_IN_SIMPLIFIED else text.translate(_VARIANTS)


def _shadow(original: str) -> str:
    """The original, same length, Simplified and with full-width ASCII made half-width."""
    narrow = _narrowed(original, _WIDTH)
    simplified = _simplified(narrow)
    if len(simplified) == len(narrow):
        return simplified
    lines = []
    for line in narrow.split("\n"):
        converted = _simplified(line)
        lines.append(converted if len(converted) == len(line) else line)
    return "\n".join(lines)


def _lines(original: str, shadow: str) -> list[_Line]:
    """The lines, each with its pinyin annotations found and left out of what the rules read
    ("回復(fù)" must read as "回复")."""
    lines = []
    position = 0
    for text in shadow.split("\n"):
        end = position + len(text)
        pinyin = _pinyin_spans(original, shadow, position, end) if "(" in text else []
        if pinyin:
            kept, last = [], position
            for start, stop, _ in pinyin:
                kept.append(shadow[last:start])
                last = stop
            kept.append(shadow[last:end])
            text = "".join(kept)
        lines.append(_Line(position, end, text, _WHITESPACE.sub("", text).lower(), pinyin))
        position = end + 1
    return lines


_WHITESPACE = re.compile(r"\s+")


def _han_count(text: str) -> int:
    return len(_HAN_RE.findall(text))


def _is_content(line: _Line, language: str) -> bool:
    """Running prose: the body of the article is made of these."""
    if language == "en":
        return len(_LATIN_WORD.findall(line.shadow)) >= 12 and bool(_SENTENCE_PUNCT.search(line.shadow))
    return _han_count(line.compact) >= 30 and bool(_SENTENCE_PUNCT.search(line.compact))


def _chrome_coverage(compact: str) -> bool:
    """A line made almost only of chrome phrases (and numbers, dates, separators)."""
    if len(compact) > 60:
        return False
    words = _CHROME.findall(compact)
    if not words:
        return False
    rest = _FILLER.sub("", _CHROME.sub("", compact))
    meaningful = len(_FILLER.sub("", compact))
    return len(rest) <= 1 or (len(rest) <= 4 and len(rest) * 4 <= meaningful)


def _strong_chrome(line: _Line) -> str:
    """The reason a line is the site's own (copyright, filing, notices, contacts), at any place."""
    compact = line.compact
    if len(compact) > 400:
        return ""
    if _COPYRIGHT.search(compact):
        return "网站的版权、备案或主办信息"
    if _REPRINT.search(compact) or (_SITE.search(compact) and _NOTICE.search(compact)):
        return "网站的声明（转载、免责）"
    if len(_CONTACT.findall(compact)) + len(_ADDRESS.findall(compact)) >= 2 and len(compact) <= 200:
        return "网站的联系方式"
    return ""


def _metadata(line: _Line) -> bool:
    """A line of publication details: source, author, editor, date, views."""
    text = line.shadow.strip()
    if len(line.compact) > 90 or "。" in text:
        return False
    if len(line.compact) <= 40 and _DATED_LINE.match(text):
        return True  # "2024-09-14 18:01:47中国仙桃网24790次": the date and time the page was posted
    if len(line.compact) <= 40 and (lead := _DATE_LEAD.match(text)) and not _CLAUSE.search(text, lead.end()):
        return True  # "2023-08-15 来源：人民网", "2023年8月15日 星期二"
    if len(line.compact) <= 40 and _POSTED_ON.match(text):
        return True  # "更新于 2023-08-15 10:00", "Posted on August 15, 2023"
    labels = _META_LABEL.findall(" " + text)
    if not labels:
        return len(line.compact) <= 60 and bool(_FORUM_EDIT.search(text))
    if len(line.compact) <= 60 and _LABELLED_DATE.search(text):
        return True  # "景县新闻网 时间:2017-02-28 11:55": a label with the page's date
    # a label leading the line, or several labels on one line
    return len(labels) >= 2 or bool(_META_LABEL.match(" " + text))


def _navigation(line: _Line) -> bool:
    """Short items between separators: a menu, a breadcrumb, a footer's links."""
    text = line.shadow.strip()
    if len(text) > 200 or "。" in text:
        return False
    items = [item for item in _NAV_SEPARATORS.split(text) if item]
    if len(items) < 3 or not re.search(r"[|｜»›>·•/]", text):
        return False
    return all(len(_FILLER.sub("", item)) <= 12 and not _CLAUSE.search(item) for item in items)


def _list_heading(compact: str) -> str:
    trimmed = _HEADING_TRIM.sub("", compact)
    trimmed = trimmed.removesuffix("更多").removesuffix("more")
    return trimmed if trimmed in _LIST_HEADINGS else ""


def _title_like(line: _Line) -> bool:
    return 0 < len(line.compact) <= 50 and not _FINAL_PUNCT.search(line.shadow) and "。" not in line.shadow


def _classify(lines: list[_Line], language: str) -> None:
    """Mark chrome, lists and spam lines (in place)."""
    listing = ""
    for index, line in enumerate(lines):
        compact = line.compact
        if not compact:
            continue
        heading = _list_heading(compact)
        if _TECH_LINE.match(compact) or (
            len(compact) <= 30 and _UNDERSCORE.search(compact) and language == "zh"
        ):
            line.kind, line.reason = RemovalKind.SPAM, "单独一行的技术网站标签（插入的垃圾文字）"
        elif reason := _strong_chrome(line):
            line.kind, line.reason = RemovalKind.CHROME, reason
        elif heading:
            listing = heading
            line.kind, line.reason = (
                RemovalKind.UNRELATED_LIST,
                f"“{line.shadow.strip()}”：其后是其他文章的列表",
            )
        elif _BREADCRUMB.match(compact) and len(compact) <= 80:
            line.kind, line.reason = RemovalKind.CHROME, "“当前位置”导航"
        elif _PREVIOUS_NEXT.match(line.shadow) and len(compact) <= 80:
            line.kind, line.reason = RemovalKind.CHROME, "“上一篇/下一篇”的链接"
        elif (
            len(compact) <= 40
            and not _CLAUSE.search(line.shadow)
            and "。" not in compact
            and (
                len(found := _BYLINE.findall(line.shadow)) >= 2
                or (found and _BYLINE.match(line.shadow.strip()))
            )
        ):
            line.kind, line.reason = RemovalKind.CHROME, "记者、编辑等署名"
        elif _metadata(line) or (len(compact) <= 80 and _POSTED_BY.match(line.shadow)):
            line.kind, line.reason = RemovalKind.CHROME, "发布信息（来源、作者、时间、浏览次数）"
            if listing:
                # An article's own publication line: the list above has ended, and the title-like
                # line right above is this article's title, not one of the list's.
                listing = ""
                _restore_title(lines, index)
        elif _DATE_ONLY.match(line.shadow):
            line.kind, line.reason = RemovalKind.CHROME, "单独一行的发布日期"
        elif _navigation(line):
            line.kind, line.reason = RemovalKind.CHROME, "用分隔符隔开的导航链接"
        elif _chrome_coverage(compact):
            line.kind, line.reason = RemovalKind.CHROME, "网页的按钮、菜单、登录注册或评论框等功能文字"
        elif len(compact) <= 12 and not _FILLER.sub("", compact):
            line.kind, line.reason = RemovalKind.CHROME, "只有数字或符号的行（点赞数、计数）"
        elif listing:
            # Prose with a dateline of its own ("本报讯11月7日下午，…") is another article's.
            long_prose = (
                len(compact) >= 80
                and not _BULLET.match(line.shadow)
                and not _TEASER.search(line.shadow)
                and not _OWN_DATELINE.match(compact)
            )
            if long_prose:
                listing = ""
            else:
                line.kind, line.reason = RemovalKind.UNRELATED_LIST, f"“{listing}”下其他文章的标题或摘要"


# A breadcrumb ("您的位置：首页 – 县市区动态", "当前位置：> 政协要闻").
_BREADCRUMB = re.compile(r"^(?:您的|您现在的|你的|你现在的|当前|现在|所在)?位置[：:]")
_OWN_DATELINE = re.compile(r"^[^，,。]{0,12}?(?:讯|电)[（(]?[^，,。]{0,12}?\d{1,2}月\d{1,2}日")


def _restore_title(lines: list[_Line], at: int) -> None:
    previous = at - 1
    while previous >= 0 and not lines[previous].compact:
        previous -= 1
    if (
        previous >= 0
        and lines[previous].kind is RemovalKind.UNRELATED_LIST
        and lines[previous].reason.endswith("下其他文章的标题或摘要")
        and _title_like(lines[previous])
    ):
        lines[previous].kind, lines[previous].reason = None, ""


def _teasers(lines: list[_Line]) -> None:
    """Titles of other articles, each above a summary cut off with "…"."""
    teasers = [
        i
        for i, line in enumerate(lines)
        if line.kind is None and len(line.compact) >= 15 and _TEASER.search(line.shadow)
    ]
    if len(teasers) < 2:
        return
    for i in teasers:
        lines[i].kind, lines[i].reason = RemovalKind.UNRELATED_LIST, "其他文章的标题和截断的摘要"
        previous = i - 1
        while previous >= 0 and not lines[previous].compact:
            previous -= 1
        if previous >= 0 and lines[previous].kind is None and _title_like(lines[previous]):
            lines[previous].kind = RemovalKind.UNRELATED_LIST
            lines[previous].reason = "其他文章的标题和截断的摘要"


def _zones(lines: list[_Line], language: str) -> None:
    """The lines before the first and after the last line of running prose: menus, buttons,
    bylines and lists that the phrase rules did not name."""
    content = [i for i, line in enumerate(lines) if line.kind is None and _is_content(line, language)]
    if not content:
        return
    first, last = content[0], content[-1]
    for i in content:
        lines[i].content = True
    # before the body: short items next to other chrome or each other (a menu), bulleted items
    head = [i for i in range(first) if lines[i].compact]
    # the title: the last line before the body that no rule took, if not a bullet
    title = next((i for i in reversed(head) if lines[i].kind is None), None)
    if title is not None and (_BULLET.match(lines[title].shadow) or len(lines[title].compact) < 5):
        title = None
    for position, i in enumerate(head):
        line = lines[i]
        if line.kind is not None or i == title:
            continue
        short = len(line.compact) <= 7 and not _SENTENCE_PUNCT.search(line.compact)
        bullet = bool(_BULLET.match(line.shadow)) and len(line.compact) <= 20
        neighbours = [lines[j] for j in head[max(0, position - 1) : position + 2] if j != i]
        near_chrome = any(
            n.kind is not None
            or (len(n.compact) <= 7 and not _SENTENCE_PUNCT.search(n.compact))
            or (_BULLET.match(n.shadow) and len(n.compact) <= 20)
            for n in neighbours
        )
        if (short or bullet) and near_chrome:
            line.kind, line.reason = RemovalKind.CHROME, "正文前的导航菜单"
    # after the body: short lines (links, buttons, counts); a credit in parentheses stays
    for i in range(last + 1, len(lines)):
        line = lines[i]
        if line.kind is not None or not line.compact:
            continue
        if re.fullmatch(r"[（(][^()（）]{1,12}[)）]", line.compact):
            continue
        if (
            len(line.compact) <= 24
            and not _FINAL_PUNCT.search(line.shadow)
            and not re.search(r"[，。；、,;]", line.compact)
            and not _PROSE_SIGNAL.search(line.compact)
        ):
            line.kind, line.reason = RemovalKind.CHROME, "正文后的短行（链接、按钮、计数）"
        elif _BULLET.match(line.shadow):
            line.kind, line.reason = RemovalKind.UNRELATED_LIST, "正文后其他文章的列表"


# --- inside a line: pinyin, spam, tags ---------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def _readings(character: str) -> frozenset[str]:
    found = pypinyin.pinyin(character, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(reading.replace("ü", "v") for options in found for reading in options)


@lru_cache(maxsize=1 << 12)
def _toneless(group: str) -> str:
    """A parenthesised group as bare letters if it is written like pinyin, else ""."""
    if sum(1 for c in group if c.isupper()) >= 2:  # (GDP), (AI): abbreviations, not readings
        return ""
    text = group.lower().replace("ü", "v").replace("u:", "v")
    text = unicodedata.normalize("NFD", text).replace("u\u0308", "v")
    if not _PINYIN_LETTERS.match(text.replace("v", "u")):
        return ""
    letters = _TONE_MARKS.sub("", text)
    return letters if letters.isascii() and letters.isalpha() else ""


@lru_cache(maxsize=1 << 14)
def _spells(letters: str, characters: str) -> bool:
    """Whether `letters` are the readings of `characters`, one after another."""

    def match(position: int, index: int) -> bool:
        if index == len(characters):
            return position == len(letters)
        return any(
            letters.startswith(reading, position) and match(position + len(reading), index + 1)
            for reading in _readings(characters[index])
            if reading
        )

    return match(0, 0)


def _pinyin_spans(original: str, shadow: str, start: int, end: int) -> list[tuple[int, int, str]]:
    spans = []
    for match in _PINYIN_GROUP.finditer(shadow, start, end):
        letters = _toneless(match[1])
        if not letters or match.start() == start:
            continue
        before = match.start()
        run = before
        while run > start and run > before - 6 and _HAN_RE.match(shadow[run - 1]):
            run -= 1
        if run == before:
            continue
        for size in range(1, before - run + 1):
            simplified = shadow[before - size : before]
            traditional = original[before - size : before]
            if _spells(letters, simplified) or (traditional != simplified and _spells(letters, traditional)):
                spans.append((match.start(), match.end(), f"转码网站在“{traditional}”后插入的拼音注音"))
                break
    return spans


def _is_word(text: str) -> bool:
    return len(text) >= 2 and bool(_HAN_RE.match(text[0])) and jieba().has_word(text)


def _joins(left: str, right: str) -> str:
    """The dictionary word (three or four characters) that `left` and `right` make across the cut."""
    best = ""
    for k in range(1, 4):
        for m in range(1, 4):
            if 3 <= k + m <= 4 and len(left) >= k and len(right) >= m:
                word = left[-k:] + right[:m]
                if len(word) > len(best) and all(_HAN_RE.match(c) for c in word) and _is_word(word):
                    best = word
    return best


def _spam_spans(shadow: str, start: int, end: int) -> list[tuple[int, int, str]]:
    spans = []
    line = shadow[start:end]
    for match in _UNDERSCORE.finditer(line):
        left, right = match[1], match[2]
        if not (_HAN_RE.search(left) or _HAN_RE.search(right)):
            continue  # snake_case in English text
        best: tuple[int, int, int, str] | None = None
        for a in range(1, min(6, len(left)) + 1):
            for b in range(1, min(6, len(right)) + 1):
                kept_left = line[: match.start(1)] + left[:-a]
                kept_right = right[b:] + line[match.end(2) :]
                joined = _joins(kept_left, kept_right)
                score = (
                    2 * len(joined) + 2 * _is_word(left[-a:]) + (right[:b] == right or _is_word(right[:b]))
                )
                if best is None or score > best[0]:
                    best = (score, a, b, joined)
        assert best is not None
        score, a, b, joined = best
        if not joined:  # no word across the cut: the longest words on each side of the underscore
            a = next((n for n in range(min(4, len(left)), 1, -1) if _is_word(left[-n:])), min(len(left), 3))
            b = next((n for n in range(min(4, len(right)), 1, -1) if _is_word(right[:n])), min(len(right), 4))
        reason = (
            f"句中插入的带下划线的技术网站标签（去掉后“{joined}”连贯）"
            if joined
            else "句中插入的带下划线的技术网站标签"
        )
        spans.append((start + match.start(1) + len(left) - a, start + match.start(2) + b, reason))
    for match in _TECH_INLINE.finditer(line):
        i, j = match.start(), match.end()
        if any(s <= start + i < e for s, e, _ in spans):
            continue
        for p in range(1, 4):
            word = line[max(0, i - p) : i] + line[j : j + 4 - p]
            if len(word) == 4 and _is_word(word) and not _is_word(line[i - p : i] + line[i : i + 4 - p]):
                spans.append((start + i, start + j, f"句中插入的技术网站标签（打断了“{word}”）"))
                break
    return spans


# --- normalising --------------------------------------------------------------------------------

_HAN_OR_PUNCT = f"[{_HAN}\u3001-\u303f\u201c\u201d\u2018\u2019\uff08\uff09\uff0c\uff1a\uff1b\uff01\uff1f]"
_ASCII_PUNCT = re.compile(rf"(?<={_HAN_OR_PUNCT})\s*([,:;!?])\s*|\s*([,:;!?])\s*(?={_HAN_OR_PUNCT})")
_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_PARENS = re.compile(r"\(([^()\n]*)\)")
_SPACES = re.compile(r"[ \t]+")
_SPACE_AROUND_PUNCT = re.compile(
    r"\s+(?=[\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f\uff09\u201d\u300b\u300d])"
    r"|(?<=[\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f\uff08\u201c\u300a\u300c])\s+"
)
_HAN_DIGIT_SPACE = re.compile(rf"(?<=[{_HAN}])\s+(?=\d)|(?<=\d)\s+(?=[{_HAN}])")
_SPACED_HAN = re.compile(rf"(?:[{_HAN}] ){{3,}}[{_HAN}]")
_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_NARROW: dict[int, int | None] = _FULL_TO_HALF | {
    0x3000: 0x20,
    0x00A0: 0x20,
    0x2002: 0x20,
    0x2003: 0x20,
    0x2009: 0x20,
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0xFEFF: None,
    0x09: 0x20,
}
# Words glued by a site's template: "ChengSecretaryIn-depth". Split where a lower-case run of
# three or more letters meets a capitalised word; CamelCase names stay whole.
_GLUE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_CAMEL_WORDS = _words(
    "PetroChina SinoPec PowerPoint JavaScript TypeScript LinkedIn YouTube PayPal MacBook DeepSeek OpenAI "
    "SenseTime ByteDance AliExpress TikTok WeChat FedEx HarmonyOS PetroKazakhstan GlaxoSmithKline "
    "McDonald McKinsey MasterCard BlackRock SoftBank DreamWorks PlayStation"
)
_WORD_WITH_GLUE = re.compile(r"[A-Za-z][A-Za-z\-]*[a-z]{3}[A-Z][a-z][A-Za-z\-]*")


def _unglue(text: str) -> str:
    def split(match: re.Match[str]) -> str:
        word = match[0]
        if any(name in word for name in _CAMEL_WORDS):
            return word
        return _GLUE.sub(" ", word)

    return _WORD_WITH_GLUE.sub(split, text)


_DOUBLED_PUNCT = re.compile(r"[，、](?:\s*[，、])+")


def _normalise_line(line: str, language: str) -> str:
    if "&" in line:
        line = _ENTITY.sub(lambda m: html.unescape(m[0]), line)
    line = _narrowed(line, _NARROW)
    line = _SPACES.sub(" ", line).strip()
    if language == "en":
        return _unglue(line)
    if "(" in line:
        line = _PARENS.sub(
            lambda m: (
                f"（{m[1]}）"
                if _HAN_RE.search(m[1])
                or _HAN_RE.match(line[m.start() - 1 : m.start()] or " ")
                or _HAN_RE.match(line[m.end() : m.end() + 1] or " ")
                else m[0]
            ),
            line,
        )
    line = _ASCII_PUNCT.sub(lambda m: _FULL[m[1] or m[2]], line)
    if "，" in line or "、" in line:
        # A converting site doubles its punctuation ("陈俊锋，、张少红", "提速，、提质"): one mark.
        line = _DOUBLED_PUNCT.sub(lambda m: "、" if "、" in m[0] else m[0][0], line)
    if " " in line:
        line = _SPACED_HAN.sub(lambda m: m[0].replace(" ", ""), line)
        line = _HAN_DIGIT_SPACE.sub("", line)
        line = _SPACE_AROUND_PUNCT.sub("", line)
    return line


# --- the whole ----------------------------------------------------------------------------------


def clean(raw: str | bytes, *, filename: str = "", published_on: date | None = None) -> Cleaned:
    """The article of a report, cleaned; CleaningRefused (with the reason) for bad input."""
    html_like = PurePath(filename).suffix.lower() in HTML_SUFFIXES
    if isinstance(raw, bytes):
        text = _decode(raw, html_like)
    else:
        if len(raw) * 3 > MAX_BYTES:
            _refuse_size(len(raw.encode("utf-8", "surrogatepass")))
        text = raw
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CleaningRefused("文件是空的")
    _refuse_binary(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    removals: list[Removal] = []
    title = ""
    if _is_html(text, filename):
        article, title, page_date, size = _from_html(text)
        if not article:
            raise CleaningRefused("网页里没有找到正文")
        published_on = published_on or page_date
        first_line = article.split("\n", 1)[0].strip()
        if title and (first_line == title or (len(first_line) <= 60 and not _FINAL_PUNCT.search(first_line))):
            title = ""  # the article opens with its own title: the page's <title> often names the site
        elif title:
            article = f"{title}\n{article}"
        original = article
        removals.append(
            Removal(
                RemovalKind.MARKUP,
                "",
                "网页的标签、脚本和正文以外的部分（导航、页眉页脚等）已由正文抽取器去除："
                f"网页 {size:,} 个字符，正文 {len(article):,} 个字符",
                0,
                0,
            )
        )
    else:
        original = text

    shadow = _shadow(original)
    language = _language(shadow)
    lines = _lines(original, shadow)
    _classify(lines, language)
    _teasers(lines)
    _zones(lines, language)

    kept: list[str] = []
    seen_body = False
    for line in lines:
        if line.kind is not None:
            removals.append(
                Removal(line.kind, original[line.start : line.end], line.reason, line.start, line.end)
            )
            if published_on is None and line.kind is RemovalKind.CHROME:
                published_on = _date_in(line.shadow)
            continue
        if not line.compact:
            continue
        spans: list[tuple[int, int, RemovalKind, str]] = []
        if not seen_body and not line.content:
            tag = _FORUM_TAG.match(line.shadow)
            if tag and tag[0].strip() and len(line.compact) - len(tag[0].replace(" ", "")) >= 6:
                spans.append(
                    (line.start, _in_original(line, tag.end()), RemovalKind.CHROME, "标题前的栏目标签")
                )
        seen_body = seen_body or line.content
        if indent := _MOJIBAKE_INDENT.match(line.shadow):
            end = _in_original(line, indent.end())
            spans.append(
                (line.start, end, RemovalKind.MARKUP, "行首的乱码（缩进的全角空格转码时变成了问号）")
            )
        for match in _STRAY_TAG.finditer(shadow, line.start, line.end):
            spans.append((match.start(), match.end(), RemovalKind.MARKUP, "残留的网页标签"))
        spans += [(s, e, RemovalKind.PINYIN, r) for s, e, r in line.pinyin]
        if "_" in line.shadow or _TECH_INLINE.search(line.shadow):
            spans += [(s, e, RemovalKind.SPAM, r) for s, e, r in _spam_spans(shadow, line.start, line.end)]
        position = line.start
        pieces = []
        for start, end, kind, reason in sorted(spans):
            if start < position:
                continue
            pieces.append(original[position:start])
            removals.append(Removal(kind, original[start:end], reason, start, end))
            position = end
        pieces.append(original[position : line.end])
        kept.append("".join(pieces))

    body = "\n".join(kept)
    if not _HAN_RE.search(body) and not _LATIN_WORD.search(body):
        raise CleaningRefused("去除网页的导航、版权和其他文章后没有剩下正文")
    language = _language(_narrowed(body, _WIDTH))
    # Whether the page is written in Traditional characters (its title is converted with it).
    traditional = False
    if language == "zh":
        converted = _simplified_if_traditional(body)
        traditional = converted != body.translate(_VARIANTS)
        body = converted
    cleaned_lines = [
        normalised for line in body.split("\n") if (normalised := _normalise_line(line, language))
    ]
    removals.sort(key=lambda removal: (removal.start, removal.end))
    if published_on is None:
        # A stamp kept at the top of the article ("长江日报·2025-12-07 13:12", "Updated: Mar 28,
        # 2018 By …"): a short line with a date and a time of day, or an English "updated" date.
        for top_line in cleaned_lines[:6]:
            if len(top_line) <= 60 and (_DATE_TIME_STAMP.search(top_line) or _EN_STAMP.match(top_line)):
                published_on = _date_in(top_line)
                if published_on:
                    break

    if title:
        title = _normalise_line(
            (_simplified(title) if traditional else _simplified_if_traditional(title))
            if language == "zh"
            else title,
            language,
        )
    elif len(cleaned_lines) > 1:
        first = cleaned_lines[0]
        limit = 250 if language == "en" else 60
        if len(first) <= limit and (language == "en" or not first.endswith(("。", "；", "，"))):
            title = first
    return Cleaned(
        text="\n".join(cleaned_lines),
        original=original,
        removals=removals,
        published_on=published_on,
        language=language,
        title=title,
    )
