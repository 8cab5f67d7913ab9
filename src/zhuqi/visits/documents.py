"""A visit's record as a Word document (走访/调研记录), generated from the record, never typed:
who went, where, whom they met, what was said, and each case with its state today."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.document import Document as WordDocument
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zhuqi.core.forms import model_label
from zhuqi.visits.liaison import LogEntry, MonthLog
from zhuqi.visits.models import ANSWER_TEXT_FIELDS, Visit, VisitEnterprise, VisitKind

TITLES = {
    VisitKind.INSPECTION: "调研记录",
    VisitKind.SYMPOSIUM: "座谈会记录",
    VisitKind.LIAISON: "走访记录",
    VisitKind.CALL: "电话联系记录",
}


def _chinese_fonts(document: WordDocument) -> None:
    # python-docx sets only the Latin font; Word needs the East Asian one named too, or Chinese
    # falls back to whatever the reader's Word picks.
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _attachments(document: WordDocument, visit: Visit) -> None:
    """Photos go into the record; minutes and other files are named, to be found on the visit."""
    attachments = list(visit.attachments.all())
    if not attachments:
        return
    document.add_heading("照片和附件", level=2)
    for attachment in attachments:
        if attachment.is_image:
            try:
                with attachment.file.open("rb") as photo:
                    document.add_picture(io.BytesIO(photo.read()), width=Cm(12))
                document.add_paragraph(attachment.name)
                continue
            except (
                OSError,
                ValueError,
                InvalidImageStreamError,
                UnexpectedEndOfFileError,
                UnrecognizedImageError,
            ):
                pass  # a photo Word cannot read is named like any other file
        document.add_paragraph(f"附件：{attachment.name}", style="List Bullet")


def visit_record(visit: Visit) -> bytes:
    """The record of a visit fetched with selectors.visit_detail (its prefetches are read)."""
    document = Document()
    _chinese_fonts(document)
    document.add_heading(f"{visit.title}", level=1)
    document.add_paragraph(TITLES.get(VisitKind(visit.kind), "记录"))
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    dates = (
        str(visit.start_date)
        if visit.end_date == visit.start_date
        else f"{visit.start_date} 至 {visit.end_date}"
    )
    rows = [
        ("时间", dates),
        ("地点", "、".join(region.name for region in visit.places.all()) or visit.region.name),
        (
            "带队领导",
            "；".join(f"{p.official.name}（{p.posts}）" for p in visit.participants.all() if p.role == "lead")
            or "—",
        ),
        (
            "陪同人员",
            "；".join(f"{p.official.name}（{p.posts}）" for p in visit.participants.all() if p.role != "lead")
            or "—",
        ),
        ("企业", "、".join(a.enterprise.name for a in visit.attendance.all()) or "—"),
        ("项目", "、".join(project.name for project in visit.projects.all()) or "—"),
    ]
    for label, value in rows:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
    if visit.summary or visit.no_problems:
        document.add_heading("概要", level=2)
        document.add_paragraph(visit.summary or "未发现需要协调解决的问题。")
    attended = [
        (a, a.policy_check())
        for a in visit.attendance.all()
        if a.opinions
        or a.policies_received
        or a.policies_unknown
        or a.policies_unobtainable
        or a.policy_links()
    ]
    if attended:
        document.add_heading("企业意见和政策落实情况", level=2)
        for item, checks in attended:
            document.add_paragraph(item.enterprise.name, style="List Bullet")
            if item.opinions:
                document.add_paragraph(f"意见建议：{item.opinions}")
            for check in checks:
                # The heading the text has (已享受的政策), the text, then the catalogue's policies.
                if check.text or check.links:
                    heading = model_label(VisitEnterprise, ANSWER_TEXT_FIELDS[check.answer])
                    document.add_paragraph(f"{heading}：{check.text}")
                for link in check.links:
                    number = link.policy.document_number
                    title = f"{link.policy.title}（{number}）" if number else link.policy.title
                    document.add_paragraph(title, style="List Bullet 2")
    cases = list(visit.cases.all())
    document.add_heading("交办事项和企业诉求", level=2)
    if not cases:
        document.add_paragraph("无。")
    else:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("编号", "类型", "内容", "牵头部门", "办理情况"), strict=True
        ):
            cell.text = text
        for case in cases:
            cells = table.add_row().cells
            state = case.status_label
            if case.timeliness == "red":
                state += "（已逾期）"
            cells[0].text = f"#{case.pk}"
            cells[1].text = case.get_kind_display()
            cells[2].text = case.title
            cells[3].text = case.lead_department.name if case.lead_department else "待交办"
            cells[4].text = state
    _attachments(document, visit)
    document.add_paragraph(f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}（办理情况为生成时的状态）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def liaison_report(log: MonthLog) -> bytes:
    """A liaison officer's month-end report (包联走访工作月报), written from the log: per
    enterprise the visits and calls against the duty and the demands raised with their status
    today; then every entry of the month. Nothing in it is typed for the report."""
    document = Document()
    _chinese_fonts(document)
    official = log.official
    document.add_heading(f"{official.name} {log.month.label}包联走访工作报告", level=1)
    standings = log.standings
    on_target = sum(1 for s in standings if s.on_target)
    demands = [case for entry in log.entries for case in entry.cases]
    document.add_paragraph(
        f"本月走访 {log.visit_count} 次、电话联系 {log.call_count} 次；包联企业 {len(standings)} 家，"
        f"其中 {on_target} 家完成本月走访和电话联系职责；收集诉求 {len(demands)} 件。"
    )
    by_enterprise: dict[int, list[LogEntry]] = {}
    for entry in log.entries:
        for enterprise in entry.enterprises:
            by_enterprise.setdefault(enterprise.pk, []).append(entry)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("企业", "走访（次/职责）", "电话（次/职责）", "诉求", "诉求办理情况"),
        strict=True,
    ):
        cell.text = text
    duty_visits = duty_calls = 0
    for standing in standings:
        assignment = standing.assignment
        duty_visits += assignment.visits_per_month
        duty_calls += assignment.calls_per_month
        raised = [
            case
            for entry in by_enterprise.get(assignment.enterprise_id, [])
            for case in entry.cases
            if case.enterprise_id == assignment.enterprise_id
        ]
        cells = table.add_row().cells
        cells[0].text = assignment.enterprise.name
        cells[1].text = f"{standing.visits}/{assignment.visits_per_month}"
        cells[2].text = f"{standing.calls}/{assignment.calls_per_month}"
        cells[3].text = "；".join(case.title for case in raised) or "无"
        cells[4].text = "；".join(f"#{case.pk} {case.status_label}" for case in raised) or "—"
    cells = table.add_row().cells
    cells[0].text = "合计"
    cells[1].text = f"{sum(s.visits for s in standings)}/{duty_visits}"
    cells[2].text = f"{sum(s.calls for s in standings)}/{duty_calls}"
    cells[3].text = f"{len(demands)} 件"
    cells[4].text = f"已办结 {sum(1 for c in demands if c.status == 'closed')} 件"
    document.add_heading("走访和电话联系记录", level=2)
    if not log.entries:
        document.add_paragraph("本月没有记录。")
    for entry in log.entries:
        visit = entry.visit
        names = "、".join(e.name for e in entry.enterprises)
        kind = "电话联系" if visit.kind == VisitKind.CALL else VisitKind(visit.kind).label
        document.add_paragraph(f"{visit.start_date} {kind} {names}", style="List Bullet")
        if visit.summary:
            document.add_paragraph(visit.summary)
        if visit.no_problems and not entry.cases:
            document.add_paragraph("无问题。")
        for case in entry.cases:
            document.add_paragraph(f"诉求 #{case.pk}：{case.title}（{case.status_label}）")
    document.add_paragraph(f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}（办理情况为生成时的状态）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
