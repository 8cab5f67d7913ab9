"""Dispatch meetings (调度会), their agendas drawn from the records and their decisions (each an
instruction case), the briefings (调度简报) generated for a meeting or a period, and the economic
indicators (GDP, growth, industrial value added …) a region is measured against its targets and
its peers on (docs/dispatch.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.cases.models import Case
from zhuqi.chains.models import Chain
from zhuqi.core.models import BaseModel
from zhuqi.directory.models import Department, Official, Region
from zhuqi.projects.models import Project


class ScopeKind(models.TextChoices):
    """What a meeting, a briefing or the cockpit looks at: a region with its children, one
    department's work, one industrial chain, or a list of projects."""

    REGION = "region", gettext_noop("地区")
    DEPARTMENT = "department", gettext_noop("部门")
    CHAIN = "chain", gettext_noop("产业链")
    PROJECTS = "projects", gettext_noop("项目清单")


class Meeting(BaseModel):
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("召开日期")
    place = models.CharField("地点", max_length=100, blank=True)
    # Whose meeting it is: the jurisdiction that holds it (scoping reads it).
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    scope_kind = models.CharField(
        "调度范围", max_length=12, choices=ScopeKind.choices, default=ScopeKind.REGION
    )
    department = models.ForeignKey(
        Department, verbose_name="调度部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chain = models.ForeignKey(
        Chain, verbose_name="产业链", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    projects = models.ManyToManyField(Project, verbose_name="调度项目", blank=True, related_name="+")
    chair = models.ForeignKey(Official, verbose_name="主持人", on_delete=models.PROTECT, related_name="+")
    # The posts the chair held that day, as written then: a later post must not rewrite them.
    chair_posts = models.CharField("主持人当日职务", max_length=300, blank=True)
    departments = models.ManyToManyField(Department, verbose_name="参会部门", blank=True, related_name="+")
    summary = models.TextField("会议要求", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调度会"
        verbose_name_plural = "调度会"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["region", "-held_on"], name="meeting_region_idx"),
            # The previous meeting of the same scope: same region, kind and chain, held before.
            models.Index(fields=["region", "scope_kind", "chain", "-held_on"], name="meeting_series_idx"),
            models.Index(fields=["-held_on", "-id"], name="meeting_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope_kind="chain") | Q(chain__isnull=False), name="meeting_chain_given"
            ),
            models.CheckConstraint(
                condition=~Q(scope_kind="department") | Q(department__isnull=False),
                name="meeting_department_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AttendeeRole(models.TextChoices):
    REPORTING = "reporting", gettext_noop("汇报")
    ATTENDING = "attending", gettext_noop("参会")


class MeetingAttendee(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    official = models.ForeignKey(
        Official, verbose_name="参会干部", on_delete=models.PROTECT, related_name="+"
    )
    posts = models.CharField("当日职务", max_length=300, blank=True)
    role = models.CharField(
        "角色", max_length=10, choices=AttendeeRole.choices, default=AttendeeRole.ATTENDING
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "参会人员"
        verbose_name_plural = "参会人员"
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "official"], name="meeting_attendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.posts}"


class AgendaSection(models.TextChoices):
    """The agenda's sections, in the order a meeting takes them; each but the first and the
    last drawn from the records when the agenda is built (dispatch/agenda.py)."""

    LAST_DECISIONS = "last_decisions", gettext_noop("上次会议决定事项落实情况")
    LATE_CASES = "late_cases", gettext_noop("逾期事项")
    ESCALATED_CASES = "escalated_cases", gettext_noop("督办、通报事项")
    PROJECTS_BEHIND = "projects_behind", gettext_noop("进度滞后的项目")
    CHAINS_BEHIND = "chains_behind", gettext_noop("未达目标进度的产业链")
    AGREEMENTS_NOT_LANDED = "agreements_not_landed", gettext_noop("未落地的签约协议")
    CAMPAIGNS_BEHIND = "campaigns_behind", gettext_noop("报送滞后的专项行动")
    INDICATOR_FALLS = "indicator_falls", gettext_noop("运行指标下滑的企业")
    OTHER = "other", gettext_noop("其他议题")


class AgendaItem(BaseModel):
    """One item of a meeting's agenda: a record (or a figure) the meeting is to look at, as it
    stood when the agenda was drawn. Kept, not recomputed, so the meeting's page and its
    briefing say what was before the meeting that day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    section = models.CharField("议程部分", max_length=24, choices=AgendaSection.choices)
    title = models.CharField("议题", max_length=300)
    detail = models.CharField("情况", max_length=500, blank=True)
    # The record it is about: "cases.case", "projects.project" … and its id; its page's address.
    record_type = models.CharField("记录类型", max_length=40, blank=True)
    record_id = models.PositiveBigIntegerField("记录编号", null=True, blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "议程"
        verbose_name_plural = "议程"
        ordering = ["meeting_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    """A decision taken in a meeting: an instruction case (assigned, with its deadline), so it
    is tracked, escalated and counted like any other; the next meeting of the same scope opens
    with its status."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.OneToOneField(Case, verbose_name="交办事项", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "会议决定事项"
        verbose_name_plural = "会议决定事项"
        ordering = ["meeting_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.case_id}"


class Indicator(models.TextChoices):
    """The economic indicators a dispatch meeting compares, as statistics bureaus publish them."""

    GDP = "gdp", gettext_noop("地区生产总值")
    GDP_GROWTH = "gdp_growth", gettext_noop("地区生产总值增速")
    INDUSTRY_GROWTH = "industry_growth", gettext_noop("规上工业增加值增速")
    INVESTMENT_GROWTH = "investment_growth", gettext_noop("固定资产投资增速")
    RETAIL = "retail", gettext_noop("社会消费品零售总额")
    RETAIL_GROWTH = "retail_growth", gettext_noop("社会消费品零售总额增速")
    REVENUE = "revenue", gettext_noop("一般公共预算收入")
    REVENUE_GROWTH = "revenue_growth", gettext_noop("一般公共预算收入增速")
    FOREIGN_TRADE_GROWTH = "foreign_trade_growth", gettext_noop("进出口总额增速")


# The unit each indicator is published in: amounts in 亿元, growth in per cent.
INDICATOR_UNITS = {
    Indicator.GDP: "亿元",
    Indicator.RETAIL: "亿元",
    Indicator.REVENUE: "亿元",
}
PERCENT = "%"


def indicator_unit(indicator: str) -> str:
    return INDICATOR_UNITS.get(Indicator(indicator), PERCENT)


class EconomicFigure(BaseModel):
    """An economic indicator of a region for a period, as published (year to date for a month
    or a quarter, as statistics bureaus publish them), with the target set for it. A peer
    region's figure (another city of the province, another province) is entered for the
    jurisdiction that compares itself with it: `compared_for`."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField("指标", max_length=24, choices=Indicator.choices)
    period = models.CharField("统计期", max_length=24)
    value = models.DecimalField("实际值", max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("目标值", max_digits=14, decimal_places=2, null=True, blank=True)
    # The region whose cockpit compares itself with this one; empty for a region's own figure.
    compared_for = models.ForeignKey(
        Region, verbose_name="对标的本地区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "经济指标"
        verbose_name_plural = "经济指标"
        ordering = ["region_id", "indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "period"],
                condition=Q(compared_for__isnull=True),
                name="economic_figure_unique",
            ),
            models.UniqueConstraint(
                fields=["region", "indicator", "period", "compared_for"],
                condition=Q(compared_for__isnull=False),
                name="economic_peer_figure_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "period"], name="economic_region_idx"),
            models.Index(fields=["compared_for", "period"], name="economic_peer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.indicator} {self.period}"


class BriefingStatus(models.TextChoices):
    QUEUED = "queued", gettext_noop("排队中")
    RUNNING = "running", gettext_noop("生成中")
    DONE = "done", gettext_noop("已生成")
    FAILED = "failed", gettext_noop("生成失败")


class Briefing(BaseModel):
    """A briefing (调度简报) for a meeting or for a scope and period: a Word document and an Excel
    workbook generated in the background from the same figures the cockpit shows, which are
    kept with it (`figures`) so the files can be checked against them."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name="调度会",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="briefings",
    )
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    scope_kind = models.CharField("范围", max_length=12, choices=ScopeKind.choices, default=ScopeKind.REGION)
    department = models.ForeignKey(
        Department, verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chain = models.ForeignKey(
        Chain, verbose_name="产业链", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("统计期", max_length=24)
    status = models.CharField(
        "状态", max_length=8, choices=BriefingStatus.choices, default=BriefingStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    error = models.CharField("失败原因", max_length=500, blank=True)
    figures = models.JSONField("数据", default=dict, blank=True)
    document = models.FileField("Word 简报", upload_to="briefings/%Y/%m/", blank=True)
    workbook = models.FileField("Excel 数据表", upload_to="briefings/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "调度简报"
        verbose_name_plural = "调度简报"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["region", "-requested_at"], name="briefing_region_idx"),
            models.Index(fields=["requested_by", "-requested_at"], name="briefing_requester_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period}"


class FigureSnapshot(models.Model):
    """A figure computed once and read again until it expires: the case figures of a region (by
    department or sub-region) for a period, which at a province's scale take a second or more
    each and are read several times a cockpit (its trend, its rankings and their previous
    period). Shared by every reader whose scope holds the whole region (the office and leaders
    above it), so a figure is the same for them; never a figure of a narrower scope (a
    department's staff). dispatch/snapshots.py writes and reads them."""

    key = models.CharField("键", max_length=200, unique=True)
    figures = models.JSONField("数据")
    computed_at = models.DateTimeField("统计时间")
    valid_until = models.DateTimeField("有效期至")

    class Meta:
        verbose_name = "统计快照"
        verbose_name_plural = "统计快照"
        indexes = [models.Index(fields=["valid_until"], name="figure_snapshot_expiry_idx")]

    def __str__(self) -> str:
        return self.key
