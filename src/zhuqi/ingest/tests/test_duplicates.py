"""Near-duplicates (issue 21, stage 5): sample 000 as another site would carry it (other chrome,
sentences moved, a line cut) is found the same event through the real cleaning and extraction;
the same leader's next visit, written from the same template, is not; `merge` keeps the most
complete report and adds what the others name."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from zhuqi.ingest import duplicates
from zhuqi.ingest.cleaning import Cleaned, clean
from zhuqi.ingest.duplicates import Index, merge
from zhuqi.ingest.extraction import EnterpriseMention, Extraction, extract
from zhuqi.ingest.tests.scene import on_city_site

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "reports"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples/reports")


def raw(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*")).read_text(encoding="utf-8")


def read(text: str, filename: str = "report.txt") -> tuple[Cleaned, Extraction]:
    cleaned = clean(text.encode("utf-8"), filename=filename)
    return cleaned, extract(cleaned)


@cache
def original() -> tuple[Cleaned, Extraction]:
    return read(raw("000"), "000.txt")


def article_lines() -> tuple[str, list[str]]:
    """Sample 000's title and article lines (before its forum's share box and reading list)."""
    lines = raw("000").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("分享"))
    body = [line for line in lines[:end] if line.strip()]
    return body[0], body[1:]


def rewrapped() -> str:
    """The same article on a city government's site: its chrome, Simplified script, the published
    date on the page, two paragraphs swapped and the reporter's line cut."""
    title, lines = article_lines()
    lines = [line for line in lines if "施" not in line[-6:]]  # "(施軒)": the byline cut
    lines[2], lines[3] = lines[3], lines[2]
    return on_city_site(title, lines)


def next_visit() -> str:
    """The same leader three weeks later in another county, the report written from the same
    template: the first sentence and half the speech alike, another date and other enterprises."""
    _, lines = article_lines()
    speech = next(line for line in lines if "孟憲東說" in line or "孟宪东说" in line)
    return "\n".join(
        [
            "孟宪东到开鲁县调研重点项目建设和中小微企业发展情况",
            "7月12日，自治区党委常委、通辽市委书记孟宪东深入开鲁县，调研重点项目建设，召开民营企业座谈会听取意见建议。",
            "在开鲁县红干椒产业园、东风镇光伏治沙项目，孟宪东实地察看项目进展情况，强调要加快项目建设进度，确保早日投产见效。",
            "12日下午，孟宪东主持召开民营企业座谈会，听取开鲁县天成辣椒、宏达农牧等6家企业负责人的意见建议。",
            speech,
            "市委常委、秘书长莫日根巴图及开鲁县、市直相关部门负责同志参加。",
        ]
    )


def test_same_event_on_another_site_is_a_duplicate() -> None:
    first, first_facts = original()
    second, second_facts = read(rewrapped(), "gov.txt")
    assert first.text != second.text  # not the same text: other chrome gone, order changed
    index = Index()
    assert index.add("forum", first, first_facts) is None
    verdict = index.compare(second.text, second_facts)[0]
    assert (verdict.key, verdict.dates, verdict.leads, verdict.duplicate) == ("forum", True, True, True)
    assert index.add("gov", second, second_facts) == "forum"
    # A third copy joins the group under its first report's key.
    third, third_facts = read(rewrapped().replace("2022-06-22", "2022-06-23"), "portal.txt")
    assert index.add("portal", third, third_facts) == "forum"
    assert index.group("portal") == "forum" and len(index) == 3


def test_next_visit_of_the_same_leader_is_not_a_duplicate() -> None:
    first, first_facts = original()
    later, later_facts = read(next_visit(), "later.txt")
    index = Index()
    index.add("june", first, first_facts)
    verdicts = index.compare(later.text, later_facts)
    # LSH finds it alike enough to look at (the template and the speech are shared) …
    assert [v.key for v in verdicts] == ["june"]
    verdict = verdicts[0]
    assert verdict.similarity >= duplicates.LSH_THRESHOLD
    # … the lead official is the same, the date is not: another event.
    assert (verdict.leads, verdict.dates, verdict.duplicate) == (True, False, False)
    assert index.add("july", later, later_facts) is None


def test_english_and_chinese_names_of_one_leader_agree() -> None:
    a = duplicates.Facts(None, None, frozenset(duplicates._person_keys("宋诚")))
    b = duplicates.Facts(None, None, frozenset(duplicates._person_keys("Song Cheng")))
    c = duplicates.Facts(None, None, frozenset(duplicates._person_keys("孟宪东")))
    assert a.leads_agree(b) is True and a.leads_agree(c) is False


def test_judge_needs_closer_texts_when_facts_are_unknown() -> None:
    assert duplicates.judge(0.35, True, True)
    assert not duplicates.judge(0.35, True, None)
    assert duplicates.judge(0.6, None, True)
    assert not duplicates.judge(0.6, None, None)
    assert duplicates.judge(0.9, None, None)
    assert not duplicates.judge(0.99, False, True)  # a fact that disagrees decides


def test_merge_keeps_the_most_complete_report_and_adds_what_others_name() -> None:
    full, full_facts = original()
    short_text = full.text[: len(full.text) // 3]
    short_facts = dataclasses.replace(
        full_facts,
        start=None,
        start_day=None,
        end_day=None,
        instructions=[*full_facts.instructions[:1], "要全力以赋抓好安全生产工作"],
        enterprises=[
            EnterpriseMention("联晟", True, 0, 2),  # named in full by the other report
            EnterpriseMention("霍林河煤业集团有限责任公司", False, 0, 13),
        ],
        difficulties=[],
    )
    merged = merge([(short_text, short_facts), (full.text, full_facts)])
    assert merged.primary == 1  # more fields filled (dates, difficulties), and longer
    names = [e.name for e in merged.extraction.enterprises]
    assert names[: len(full_facts.enterprises)] == [e.name for e in full_facts.enterprises]
    assert names[len(full_facts.enterprises) :] == ["霍林河煤业集团有限责任公司"]  # 联晟 is there in full
    assert merged.enterprise_sources[-1] == 0
    assert merged.extraction.instructions == [*full_facts.instructions, "要全力以赋抓好安全生产工作"]
    assert merged.instruction_sources.count(0) == 1
    assert merged.extraction.start_day == full_facts.start_day


def test_merge_fills_dates_from_another_report_and_prefers_full_names() -> None:
    _, facts = original()
    undated = dataclasses.replace(
        facts, start=None, start_day=None, end_day=None, enterprises=[EnterpriseMention("联晟", True, 0, 2)]
    )
    dated = dataclasses.replace(
        facts,
        instructions=[],
        difficulties=[],
        projects=[],
        other_officials=[],
        enterprises=[EnterpriseMention("联晟新材料有限公司", False, 5, 14)],
    )
    merged = merge([("甲" * 2000, undated), ("乙" * 100, dated)])
    assert merged.primary == 0
    assert merged.extraction.start_day == dated.start_day
    assert [e.name for e in merged.extraction.enterprises] == ["联晟新材料有限公司"]
    assert merged.enterprise_sources == [1]
