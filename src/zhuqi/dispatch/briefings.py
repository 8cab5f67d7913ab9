"""The briefing (调度简报): the cockpit's figures for a scope and period, or a meeting's, written as a
Word document in the usual government layout (the red masthead, title, date, a section for each
area with its ranked tables and charts, the decisions) and as an Excel workbook with one sheet per
table. Both are written from one list of tables (`tables`), built from the figures the cockpit and
the API return, and those figures are kept with the briefing, so every number can be checked."""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from zhuqi.core.errors import PermissionDenied, ServiceError
from zhuqi.core.periods import day_label
from zhuqi.core.spreadsheets import Spreadsheet, Styled
from zhuqi.directory.models import User
from zhuqi.dispatch import charts, cockpit
from zhuqi.dispatch.models import Briefing, BriefingStatus, Meeting
from zhuqi.dispatch.selectors import decisions_of, previous_meeting

logger = logging.getLogger(__name__)

NUMERALS = "一二三四五六七八九十"
# A ranking's chart shows at most this many from the top and as many from the bottom.
CHART_ROWS = 10
# A briefing still 生成中 this long after it was asked for was left by a worker that stopped.
STALLED_AFTER = datetime.timedelta(minutes=30)


@dataclass
class Table:
    """One table of the briefing: its sheet in the workbook and its table in the document."""

    key: str
    section: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # Columns (by index) that hold rates (0–1): shown as per cent.
    rates: frozenset[int] = frozenset()
    note: str = ""
    chart: Callable[[], bytes] | None = field(default=None, repr=False)


def percent(value: Any) -> str:
    """A rate of 0–1 as per cent with one decimal ("87.5%"); no rate (no denominator): "—"."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (Decimal, float)):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def shown(table: Table, index: int, value: Any) -> str:
    """A cell as the document prints it: rates as per cent, numbers with separators."""
    if index in table.rates:
        return percent(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return number(value)
    return "—" if value is None or value == "" else str(value)


def _change(value: int | None) -> str:
    if value is None:
        return "—"
    return f"↑{value}" if value > 0 else (f"↓{-value}" if value < 0 else "持平")


# ---------------------------------------------------------------------------------------------
# The tables


def tables(figures: dict[str, Any], *, meeting: dict[str, Any] | None = None) -> list[Table]:
    """Every table of the briefing, in its order."""
    found: list[Table] = []
    cases = figures.get("cases")
    if cases:
        total = cases["total"]
        found.append(
            Table(
                "cases",
                "事项办理",
                "事项办理情况",
                [
                    "收到事项",
                    "应签收",
                    "按时签收",
                    "响应率",
                    "应答复",
                    "按时答复",
                    "按时答复率",
                    "解决率",
                    "满意率",
                    "在办",
                    "逾期",
                    "督办",
                ],
                [
                    [
                        total["cases"],
                        total["response_due"],
                        total["responded_on_time"],
                        total["response_rate"],
                        total["answer_due"],
                        total["answered_on_time"],
                        total["answer_rate"],
                        total["resolution_rate"],
                        total["satisfaction_rate"],
                        total["open"],
                        total["late"],
                        total["escalated"],
                    ]
                ],
                rates=frozenset({3, 6, 7, 8}),
            )
        )
        trend = cases["trend"]
        found.append(
            Table(
                "cases_trend",
                "事项办理",
                "办理指标走势",
                ["统计期", "收到事项", "响应率", "按时答复率", "解决率", "满意率"],
                [
                    [
                        p["label"],
                        p["cases"],
                        p["response_rate"],
                        p["answer_rate"],
                        p["resolution_rate"],
                        p["satisfaction_rate"],
                    ]
                    for p in trend
                ],
                rates=frozenset({2, 3, 4, 5}),
                chart=lambda: charts.line_chart(
                    "办理指标走势（%）",
                    [p["label"] for p in trend],
                    {
                        name: [None if p[key] is None else p[key] * 100 for p in trend]
                        for name, key in (
                            ("响应率", "response_rate"),
                            ("按时答复率", "answer_rate"),
                            ("解决率", "resolution_rate"),
                            ("满意率", "satisfaction_rate"),
                        )
                    },
                ),
            )
        )
    late = figures.get("late_cases")
    if late and late["rows"]:
        found.append(
            Table(
                "late_cases",
                "事项办理",
                f"逾期事项（共 {late['late']:,} 件，列前 {len(late['rows'])} 件）",
                ["事项", "牵头部门", "时限", "逾期工作日", "督办"],
                [
                    [r["title"], r["department"], r["due_at"], r["days_late"], r["escalation"]]
                    for r in late["rows"]
                ],
            )
        )
    for ranking in figures.get("rankings") or []:
        rows = ranking["rows"]
        found.append(
            Table(
                f"ranking_{ranking['key']}",
                "红黑榜",
                ranking["label"],
                [
                    "名次",
                    ranking["by_label"],
                    ranking["measure_label"],
                    f"上期名次（{ranking['previous_label']}）",
                    "变化",
                ],
                [[r["rank"], r["name"], r["value"], r["previous_rank"], _change(r["change"])] for r in rows],
                rates=frozenset({2}),
                note=ranking["definition"],
                chart=_ranking_chart(ranking),
            )
        )
    projects = figures.get("projects")
    if projects:
        total = projects["total"]
        found.append(
            Table(
                "projects",
                "重点项目",
                f"重点项目推进情况（{projects['year']}年，截至{_date(projects['by'])}）",
                [
                    "项目数",
                    "计划开工",
                    "按期开工",
                    "开工率",
                    "当年投产",
                    "预警项目",
                    "年度计划投资（万元）",
                    "本年完成投资（万元）",
                    "投资完成率",
                ],
                [
                    [
                        total["projects"],
                        total["planned_starts"],
                        total["started_by_date"],
                        total["start_rate"],
                        total["producing_in_year"],
                        total["flagged"],
                        total["planned_investment"],
                        total["completed_investment"],
                        total["investment_rate"],
                    ]
                ],
                rates=frozenset({3, 8}),
            )
        )
        stages = projects["stages"]
        found.append(
            Table(
                "project_stages",
                "重点项目",
                "项目所处阶段",
                ["阶段", "项目数"],
                [[s["label"], s["projects"]] for s in stages],
                chart=lambda: charts.bar_chart(
                    "项目所处阶段（个）", [s["label"] for s in stages], [s["projects"] for s in stages]
                ),
            )
        )
    agreements = figures.get("agreements")
    if agreements:
        total = agreements["total"]
        found.append(
            Table(
                "agreements",
                "招商签约",
                f"签约协议落地情况（{agreements['year']}年签约）",
                [
                    "签约协议",
                    "协议金额（万元）",
                    "已落地",
                    "落地率",
                    "已开工",
                    "已投产",
                    "已履约",
                    "履约率",
                    "到位资金（万元）",
                    "满6个月未落地",
                ],
                [
                    [
                        total["agreements"],
                        total["amount"],
                        total["landed"],
                        total["landing_rate"],
                        total["started"],
                        total["producing"],
                        total["performed"],
                        total["performance_rate"],
                        total["funds_in_place"],
                        total["without_project"],
                    ]
                ],
                rates=frozenset({3, 7}),
            )
        )
    coverage = figures.get("coverage")
    if coverage:
        found.append(
            Table(
                "coverage",
                "包联服务",
                f"联络员包联服务（{coverage['month_label']}）",
                ["包联关系", "按要求走访", "覆盖率", "走访次数", "三个月未走访企业"],
                [
                    [
                        coverage["assignments"],
                        coverage["on_target"],
                        coverage["rate"],
                        coverage["visits"],
                        coverage["quiet_enterprises"],
                    ]
                ],
                rates=frozenset({2}),
            )
        )
    visits = figures.get("leader_visits")
    if visits:
        found.append(
            Table(
                "leader_visits",
                "包联服务",
                "领导带队调研",
                ["领导", "调研次数", "走访企业"],
                [[v["official"], v["visits"], v["enterprises"]] for v in visits],
            )
        )
    policies = figures.get("policies")
    if policies:
        total = policies["total"]
        found.append(
            Table(
                "policies",
                "惠企政策",
                "惠企政策直达",
                [
                    "符合条件企业",
                    "已推送",
                    "推送率",
                    "已申报",
                    "已兑现",
                    "兑现率",
                    "兑现金额（万元）",
                    "政策诉求",
                ],
                [
                    [
                        total["eligible"],
                        total["reached"],
                        total["reach_rate"],
                        total["applied"],
                        total["granted"],
                        total["grant_rate"],
                        total["amount"],
                        total["demands"],
                    ]
                ],
                rates=frozenset({2, 5}),
            )
        )
    campaigns = figures.get("campaigns")
    if campaigns and campaigns["campaigns"]:
        found.append(
            Table(
                "campaigns",
                "专项行动",
                "专项行动报送情况",
                [
                    "专项行动",
                    "统计期",
                    "纳入企业",
                    "已报送",
                    "报送率",
                    "未报送",
                    "迟报",
                    "完成率",
                    "未办结诉求",
                ],
                [
                    [
                        f"{c['task_force']}·{c['name']}",
                        c["period_label"],
                        c["enrolled"],
                        c["reported"],
                        _ratio(c["report_rate"]),
                        c["missing"],
                        c["late"],
                        _ratio(c["done_rate"]),
                        c["open_cases"],
                    ]
                    for c in campaigns["campaigns"]
                ],
                rates=frozenset({4, 7}),
            )
        )
    if campaigns and campaigns["fall_rows"]:
        found.append(
            Table(
                "falls",
                "专项行动",
                f"运行指标下滑的重点企业（{campaigns['falls_month_label']}，共 {campaigns['falls']:,} 户）",
                ["企业", "地区", "下滑情况"],
                [[f["enterprise"], f["region"], f["drops"]] for f in campaigns["fall_rows"]],
            )
        )
    chains = figures.get("chains")
    if chains:
        found.append(
            Table(
                "chains",
                "产业链",
                "产业链目标完成情况",
                [
                    "产业链",
                    "链长",
                    "链上企业",
                    "签约投资额完成",
                    "落地项目完成",
                    "到位资金完成",
                    "新增规上完成",
                    "逾期诉求",
                ],
                [
                    [
                        c["name"],
                        c["chief"],
                        c["enterprises"],
                        *[_goal(g) for g in c["goals"]],
                        c["late_cases"],
                    ]
                    for c in chains
                ],
            )
        )
    economy = figures.get("economy")
    if economy:
        found.append(
            Table(
                "economy",
                "经济指标",
                "主要经济指标",
                ["指标", "统计期", "单位", "实际", "目标", "差距", "对标排名"],
                [
                    [
                        e["label"],
                        e["period_label"],
                        e["unit"],
                        e["value"],
                        e["target"],
                        e["gap"],
                        f"{e['rank']}/{e['peers'] + 1}" if e["rank"] else "—",
                    ]
                    for e in economy
                ],
                chart=lambda: (
                    charts.bar_chart(
                        "增速指标（%）",
                        [e["label"] for e in economy if e["unit"] == "%"],
                        [
                            None if e["value"] is None else float(e["value"])
                            for e in economy
                            if e["unit"] == "%"
                        ],
                        unit="%",
                    )
                    if any(e["unit"] == "%" for e in economy)
                    else b""
                ),
            )
        )
    if meeting is not None:
        if meeting["last_decisions"]:
            found.append(
                Table(
                    "last_decisions",
                    "会议决定事项",
                    f"上次会议（{meeting['previous_label']}）决定事项落实情况",
                    ["决定事项", "牵头部门", "时限", "办理状态"],
                    [
                        [d["title"], d["department"], d["deadline"], d["status"]]
                        for d in meeting["last_decisions"]
                    ],
                )
            )
        found.append(
            Table(
                "decisions",
                "会议决定事项",
                "本次会议决定事项",
                ["决定事项", "牵头部门", "时限", "办理状态"],
                [[d["title"], d["department"], d["deadline"], d["status"]] for d in meeting["decisions"]],
            )
        )
    return found


def _ranking_chart(ranking: dict[str, Any]) -> Callable[[], bytes] | None:
    """The bar chart of the rankings a briefing draws (resolution and start rates), when some
    row has a rate to draw: the first and last CHART_ROWS ranked when there are more (a
    province's two hundred departments would be a picture four pages long; the table beside it
    lists them all)."""
    rated = [r for r in ranking["rows"] if r["value"] is not None]
    if ranking["measure"] not in ("resolution_rate", "start_rate") or not rated:
        return None
    rows = rated if len(rated) <= 2 * CHART_ROWS else [*rated[:CHART_ROWS], *rated[-CHART_ROWS:]]
    title = (
        ranking["label"]
        if len(rows) == len(rated)
        else f"{ranking['label']}（前{CHART_ROWS}名和后{CHART_ROWS}名）"
    )

    def draw() -> bytes:
        return charts.bar_chart(
            title,
            [r["name"] for r in rows],
            [None if r["value"] is None else r["value"] * 100 for r in rows],
            unit="%",
        )

    return draw


def _ratio(value: Any) -> float | None:
    """A campaign's rates are per cent (Decimal 0–100); the tables' are 0–1."""
    return None if value is None else float(value) / 100


def _goal(goal: dict[str, Any]) -> str:
    if goal["goal"] in (None, 0):
        return "未设目标"
    done = "—" if goal["done"] is None else number(goal["done"])
    return (
        f"{done}/{number(goal['goal'])}（{goal['percent']}%）"
        if goal["percent"] is not None
        else f"{done}/{number(goal['goal'])}"
    )


def _date(value: Any) -> str:
    """A day of the figures (a date, or its ISO text once kept as JSON) as the document writes it."""
    return day_label(datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value)


def meeting_facts(meeting: Meeting, *, user: User) -> dict[str, Any]:
    def decision_rows(of: Meeting) -> list[dict[str, Any]]:
        rows = []
        for decision in decisions_of(of):
            case = decision.case
            rows.append(
                {
                    "case_id": case.pk,
                    "title": case.title,
                    "department": case.lead_department.name if case.lead_department else "",
                    "deadline": timezone.localtime(case.deadline).date() if case.deadline else None,
                    "status": case.get_status_display(),
                }
            )
        return rows

    previous = previous_meeting(meeting, user=user)
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "chair": meeting.chair.name,
        "chair_posts": meeting.chair_posts,
        "summary": meeting.summary,
        "decisions": decision_rows(meeting),
        "previous_label": f"{previous.held_on.month}月{previous.held_on.day}日" if previous else "",
        "last_decisions": decision_rows(previous) if previous else [],
    }


# ---------------------------------------------------------------------------------------------
# The documents


def workbook(found: Sequence[Table], *, title: str) -> bytes:
    book = Spreadsheet()
    for index, table in enumerate(found, start=1):
        # Sheet names: at most 31 characters, unique; the table's title (with its counts in
        # brackets) heads the sheet.
        name = (
            f"{index}.{table.title.split('（')[0]}"[:31]
            .replace("/", "／")
            .replace(":", "：")
            .replace("?", "？")
            .replace("*", "＊")
            .replace("[", "（")
            .replace("]", "）")
        )
        sheet = book.sheet(name, widths=_widths(table))
        sheet.append([Styled(f"{title}：{table.title}", bold=True, size=12)])
        sheet.append([Styled(column, bold=True) for column in table.columns])
        for row in table.rows:
            sheet.append(
                [
                    Styled(round(float(value), 4), number_format="0.0%")
                    if i in table.rates and value is not None
                    else _cell(value)
                    for i, value in enumerate(row)
                ]
            )
        if table.note:
            sheet.append([])
            sheet.append([Styled(f"口径：{table.note}", wrap=False)])
    return book.to_bytes()


def _widths(table: Table) -> list[float]:
    """Each column as wide as its header or its longest cell (a Chinese character counts two),
    within 10 and 48."""

    def width(value: Any) -> int:
        text = shown(table, 0, value) if not isinstance(value, str) else value
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))

    return [
        float(max(10, min(48, max([width(column), *(width(row[i]) for row in table.rows)]) + 2)))
        for i, column in enumerate(table.columns)
    ]


def _cell(value: Any) -> Any:
    """A cell of the workbook: amounts with separators and two decimals, counts with separators."""
    if isinstance(value, Decimal):
        return Styled(float(value), number_format="#,##0.00")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
        return Styled(value, number_format="#,##0")
    return value


def document(
    found: Sequence[Table],
    *,
    masthead: str,
    title: str,
    issued_by: str,
    issued_on: datetime.date,
    summary: str,
    progress: Callable[[int, str], None] | None = None,
) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    # GB/T 9704: A4, margins 37 mm top, 35 bottom, 28 left, 26 right.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def font(run: Any, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
        if colour is not None:
            run.font.color.rgb = colour

    def paragraph(
        text: str,
        name: str,
        size: float,
        *,
        bold: bool = False,
        centre: bool = False,
        colour: RGBColor | None = None,
        indent: bool = False,
    ) -> Any:
        para = doc.add_paragraph()
        if centre:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            para.paragraph_format.first_line_indent = Pt(size * 2)
        font(para.add_run(text), name, size, bold=bold, colour=colour)
        return para

    red = RGBColor(0xC0, 0x00, 0x00)
    paragraph(masthead, "方正小标宋简体", 26, bold=True, centre=True, colour=red)
    line = paragraph(f"{issued_by}                    {_date(issued_on)}", "仿宋_GB2312", 14, centre=True)
    # The red rule under the masthead: a bottom border on the issuing line.
    borders = line._p.get_or_add_pPr()
    from docx.oxml import OxmlElement

    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    borders.append(border)
    paragraph(title, "方正小标宋简体", 22, centre=True)
    if summary:
        paragraph(summary, "仿宋_GB2312", 16, indent=True)
    sections: list[str] = []
    for table in found:
        if table.section not in sections:
            sections.append(table.section)
    for number_index, name in enumerate(sections):
        if progress is not None:
            progress(80 + int(number_index * 15 / max(1, len(sections))), f"写入“{name}”")
        paragraph(f"{NUMERALS[number_index] if number_index < 10 else number_index + 1}、{name}", "黑体", 16)
        for table in (t for t in found if t.section == name):
            paragraph(table.title, "楷体_GB2312", 16)
            if table.chart is not None:
                image = table.chart()
                if image:
                    doc.add_picture(io.BytesIO(image), width=Cm(15))
                    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            grid = doc.add_table(rows=1, cols=len(table.columns))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, heading in zip(grid.rows[0].cells, table.columns, strict=True):
                cell.text = ""
                font(cell.paragraphs[0].add_run(heading), "黑体", 10.5)
            for row in table.rows:
                cells = grid.add_row().cells
                for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
                    cell.text = ""
                    font(
                        cell.paragraphs[0].add_run(shown(table, index, _display(value))), "仿宋_GB2312", 10.5
                    )
            if table.note:
                paragraph(f"注：{table.note}", "仿宋_GB2312", 10.5)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _display(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return _date(value)
    return value


# ---------------------------------------------------------------------------------------------
# Generation (the background task)


def generate(briefing_id: int) -> None:
    """Compute the figures, write both files, keep the figures; a failure is recorded on the
    briefing with its reason, never left as a briefing forever 生成中."""
    from zhuqi.dispatch import services

    # Claimed by one worker: a queued briefing, or one left running by a worker that died.
    stalled = timezone.now() - STALLED_AFTER
    claimed = (
        Briefing.objects.filter(pk=briefing_id)
        .filter(Q(status=BriefingStatus.QUEUED) | Q(status=BriefingStatus.RUNNING, requested_at__lt=stalled))
        .update(status=BriefingStatus.RUNNING, progress=0, step="", error="")
    )
    briefing = (
        Briefing.objects.select_related("meeting", "region", "department", "chain", "requested_by")
        .filter(pk=briefing_id)
        .first()
    )
    if not claimed or briefing is None:
        return  # generated, being generated, or deleted with its meeting
    user = briefing.requested_by
    try:
        if user is None or not user.is_active:
            raise PermissionDenied("申请人的账号已停用，简报无法以其权限生成，请重新申请")

        def progress(percent: int, step: str) -> None:
            services.briefing_progress(briefing_id, progress=percent, step=step)

        progress(1, "开始")
        scope = cockpit.Scope(
            briefing.scope_kind, briefing.region, department=briefing.department, chain=briefing.chain
        )
        period = cockpit.resolve_period(briefing.period)
        # The cockpit counts its sections from 0: the bar must not move back from "开始".
        figures = cockpit.cockpit_figures(
            user=user,
            scope=scope,
            period=period,
            progress=lambda percent, step: progress(max(percent, 1), step),
        )
        meeting = meeting_facts(briefing.meeting, user=user) if briefing.meeting is not None else None
        found = tables(figures, meeting=meeting)
        today = timezone.localdate()
        title = (
            f"{briefing.meeting.title}简报"
            if briefing.meeting is not None
            else f"{scope.label}营商环境工作调度情况（{period.label}）"
        )
        summary = _summary(figures, meeting)
        document_bytes = document(
            found,
            masthead="营商环境工作调度简报",
            title=title,
            issued_by=f"{briefing.region.name}优化营商环境工作专班",
            issued_on=briefing.meeting.held_on if briefing.meeting is not None else today,
            summary=summary,
            progress=progress,
        )
        progress(96, "写入数据表")
        workbook_bytes = workbook(found, title=title)
        stem = f"调度简报-{scope.label}-{period.label}".replace("/", "-").replace(" ", "")
        # In a folder of its own, so the stored name is the download's name (no storage
        # suffix against a clash with another briefing's).
        briefing.document.save(f"{briefing.pk}/{stem}.docx", ContentFile(document_bytes), save=False)
        briefing.workbook.save(f"{briefing.pk}/{stem}.xlsx", ContentFile(workbook_bytes), save=False)
        import json

        briefing.figures = json.loads(
            json.dumps({"cockpit": figures, "meeting": meeting, "title": title}, cls=DjangoJSONEncoder)
        )
        briefing.status, briefing.progress, briefing.step = BriefingStatus.DONE, 100, "完成"
        briefing.finished_at = timezone.now()
        briefing.save()
    except Exception as error:
        logger.exception("briefing %s failed", briefing_id)
        # A refusal says why in words a person can act on; anything else is logged, not shown.
        reason = (
            error.message
            if isinstance(error, ServiceError)
            else f"生成时出错（简报编号 {briefing_id}，已记入日志），请稍后重试或联系系统管理员"
        )
        Briefing.objects.filter(pk=briefing_id).update(
            status=BriefingStatus.FAILED, error=reason[:500], finished_at=timezone.now()
        )


def _summary(figures: dict[str, Any], meeting: dict[str, Any] | None) -> str:
    parts = []
    if meeting is not None:
        parts.append(
            f"{_date(meeting['held_on'])}，{meeting['chair_posts']}{meeting['chair']}主持召开{meeting['title']}。"
        )
    cases = figures.get("cases")
    if cases:
        total = cases["total"]
        rates = [
            f"{name}{percent(total[key])}"
            for name, key in (
                ("响应率", "response_rate"),
                ("按时答复率", "answer_rate"),
                ("解决率", "resolution_rate"),
                ("满意率", "satisfaction_rate"),
            )
            if total[key] is not None
        ]
        said = "，".join(rates) if rates else "本期没有到期应签收、应答复的事项"
        parts.append(
            f"{figures['period']['label']}，{figures['scope']['label']}共收到事项{total['cases']:,}件，{said}"
        )
        late = figures.get("late_cases")
        # Open and late as of today, the same count as the late cases' table below.
        parts.append(f"；目前在办{late['open']:,}件，其中逾期{late['late']:,}件。" if late else "。")
    projects = figures.get("projects")
    if projects:
        total = projects["total"]
        parts.append(
            f"重点项目{total['projects']:,}个，开工率{percent(total['start_rate'])}，"
            f"投资完成率{percent(total['investment_rate'])}。"
        )
    if meeting is not None and meeting["decisions"]:
        parts.append(f"会议确定决定事项{len(meeting['decisions'])}项，已逐项交办、明确时限。")
    return "".join(parts)
