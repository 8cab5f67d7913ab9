"""Task forces (工作专班) and their campaigns (专项行动): a standing group of officials and
departments serving a set of enterprises, and its period-by-period watch over them — what each
enterprise reports each day, week or month on a form the task force defines as data, the
figures computed from those reports, and the key enterprises' monthly operating indicators
(重点企业运行监测) with their falls flagged (docs/taskforces.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from zhuqi.cases.models import Case
from zhuqi.core.errors import ValidationFailed
from zhuqi.core.models import BaseModel, money
from zhuqi.core.periods import Period, PeriodKind
from zhuqi.directory.models import Department, Official, Region
from zhuqi.enterprises.models import Enterprise


class TaskForceStatus(models.TextChoices):
    ACTIVE = "active", gettext_noop("运行中")
    DISSOLVED = "dissolved", gettext_noop("已撤销")


class TaskForce(BaseModel):
    name = models.CharField("专班名称", max_length=100)
    purpose = models.TextField("工作职责", blank=True)
    # The region it serves: its campaigns' enterprises are of this region or below.
    region = models.ForeignKey(Region, verbose_name="服务地区", on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("成立日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=TaskForceStatus.choices, default=TaskForceStatus.ACTIVE
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作专班"
        verbose_name_plural = "工作专班"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["region", "starts_on"], name="taskforce_region_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="taskforce_dates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", gettext_noop("组长")
    DEPUTY = "deputy", gettext_noop("副组长")
    MEMBER = "member", gettext_noop("成员")
    CONTACT = "contact", gettext_noop("联络员")


class TaskForceMember(BaseModel):
    """An official (with the post written beside the name, as the founding notice gives it) or a
    member department of a task force."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("专班职务", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    official = models.ForeignKey(
        Official, verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("职务", max_length=100, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="成员单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "专班成员"
        verbose_name_plural = "专班成员"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official__isnull=False) | Q(department__isnull=False),
                name="taskforce_member_someone",
            ),
            models.UniqueConstraint(
                fields=["task_force", "official"],
                condition=Q(official__isnull=False),
                name="taskforce_member_official_once",
            ),
            models.UniqueConstraint(
                fields=["task_force", "department"],
                condition=Q(official__isnull=True),
                name="taskforce_member_department_once",
            ),
        ]
        indexes = [
            models.Index(fields=["official"], name="taskforce_member_official_idx"),
            models.Index(fields=["department"], name="taskforce_member_dept_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_force_id} {self.official_id or self.department_id} {self.role}"


class CampaignKind(models.TextChoices):
    RESUMPTION = "resumption", gettext_noop("复工复产")
    STABLE_SUPPLY = "stable_supply", gettext_noop("稳产保供")
    SAFETY = "safety", gettext_noop("安全生产大检查")
    WINTER_SUPPLY = "winter_supply", gettext_noop("冬季保供")
    RELIEF = "relief", gettext_noop("纾困解难")
    OTHER = "other", gettext_noop("其他")


class Cadence(models.TextChoices):
    DAILY = "daily", gettext_noop("每日")
    WEEKLY = "weekly", gettext_noop("每周")
    MONTHLY = "monthly", gettext_noop("每月")


PERIOD_OF_CADENCE = {
    Cadence.DAILY: PeriodKind.DAY,
    Cadence.WEEKLY: PeriodKind.WEEK,
    Cadence.MONTHLY: PeriodKind.MONTH,
}


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", gettext_noop("进行中")
    ENDED = "ended", gettext_noop("已结束")


class Campaign(BaseModel):
    task_force = models.ForeignKey(
        TaskForce, verbose_name="工作专班", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("行动名称", max_length=100)
    kind = models.CharField("行动类别", max_length=16, choices=CampaignKind.choices)
    cadence = models.CharField("报送周期", max_length=10, choices=Cadence.choices, default=Cadence.DAILY)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    # A period's report is due this many days after the period's last day, at due_time.
    due_days = models.PositiveSmallIntegerField("报送截止（期末后天数）", default=0)
    due_time = models.TimeField("报送截止时间", default=datetime.time(18, 0))
    # The difficulties its enterprises report become same-day (日清日结) cases.
    same_day = models.BooleanField("诉求日清日结", default=False)
    # The report form as data (taskforces/reportforms.py): [{"key", "label", "kind", …}, …].
    report_form = models.JSONField("填报表单", default=list)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["task_force", "starts_on"], name="campaign_taskforce_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_kind(self) -> PeriodKind:
        return PERIOD_OF_CADENCE[Cadence(self.cadence)]

    @property
    def is_running(self) -> bool:
        """Active, begun and not past its end date (an end date passing ends it without a click)."""
        today = timezone.localdate()
        return (
            self.status == CampaignStatus.ACTIVE
            and self.starts_on <= today
            and (self.ends_on is None or self.ends_on >= today)
        )

    @property
    def state_label(self) -> str:
        """进行中, 未开始 or 已结束, as the pages show it."""
        today = timezone.localdate()
        if self.status == CampaignStatus.ACTIVE and self.starts_on > today:
            return gettext("未开始")
        if self.is_running:
            return gettext(CampaignStatus.ACTIVE.label)
        return gettext(CampaignStatus.ENDED.label)


class EnrolledVia(models.TextChoices):
    PICKED = "picked", gettext_noop("逐个选定")
    IMPORTED = "imported", gettext_noop("表格导入")
    RULE = "rule", gettext_noop("按条件选取")


class CampaignEnterprise(BaseModel):
    """An enterprise in a campaign. Its region is copied from the registry when it joins, so the
    board groups by region without a join; the department is the one serving it in the campaign
    (包保部门)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="enrolments")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="包保部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField("纳入方式", max_length=10, choices=EnrolledVia.choices, default=EnrolledVia.PICKED)
    enrolled_at = models.DateTimeField("纳入时间", auto_now_add=True)

    class Meta:
        verbose_name = "专项行动企业"
        verbose_name_plural = "专项行动企业"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_enterprise_once")
        ]
        indexes = [
            models.Index(fields=["campaign", "region", "department"], name="campaign_ent_region_idx"),
            models.Index(fields=["enterprise"], name="campaign_ent_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.enterprise_id}"


class Channel(models.TextChoices):
    ENTERPRISE = "enterprise", gettext_noop("企业自报")
    LIAISON = "liaison", gettext_noop("联络员代报")
    OFFICE = "office", gettext_noop("专班录入")
    IMPORT = "import", gettext_noop("表格导入")


class CampaignReport(BaseModel):
    """What one enterprise reported for one period of a campaign. The form's values are kept as
    typed (values); the measures the figures read are copied into their own columns."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="包保部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("报送期起")
    period_key = models.CharField("报送期", max_length=24)
    values = models.JSONField("填报内容", default=dict)
    status_value = models.CharField("状态", max_length=40, blank=True)
    staff_present = models.PositiveIntegerField("在岗人数", null=True, blank=True)
    staff_expected = models.PositiveIntegerField("应到人数", null=True, blank=True)
    capacity = models.DecimalField("产能利用率（%）", max_digits=6, decimal_places=2, null=True, blank=True)
    output = money("当期产值（万元）", null=True, blank=True)
    difficulty = models.TextField("困难和诉求", blank=True)
    case = models.ForeignKey(
        Case, verbose_name="诉求事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("报送方式", max_length=10, choices=Channel.choices)
    late = models.BooleanField("逾期报送", default=False)
    corrections = models.PositiveSmallIntegerField("更正次数", default=0)
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "专项行动报送"
        verbose_name_plural = "专项行动报送"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enterprise", "period_start"], name="campaign_report_once"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "period_start", "region"], name="campaign_report_period_idx"),
            models.Index(fields=["enterprise", "campaign", "period_start"], name="campaign_report_ent_idx"),
            models.Index(fields=["campaign", "case"], name="campaign_report_case_idx"),
        ]

    def __str__(self) -> str:
        # The audit trail's name for it: the enterprise (when loaded, never a query a row of an
        # import) and the period as people write it.
        try:
            period = Period.parse(self.period_key).label
        except ValidationFailed:
            period = self.period_key
        return f"{_enterprise_name(self)} {period}"


class CampaignTally(models.Model):
    """The board's figures for one period, region and department of a campaign, kept up to date
    by every write of a report (services._retally) so that a board over 20,000 enterprises and 90
    days reads a few hundred rows, never the reports."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reports = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    # {status value: reports}; done: the reports whose status the form counts as done (全面复工)
    statuses = models.JSONField(default=dict)
    done = models.PositiveIntegerField(default=0)
    staff_present = models.BigIntegerField(default=0)
    staff_expected = models.BigIntegerField(default=0)
    # Σ capacity × output and Σ output over the reports that gave both; Σ capacity and their
    # number over those that gave a capacity (the unweighted mean where no output was given).
    capacity_weighted = models.DecimalField(max_digits=22, decimal_places=4, default=0)
    capacity_weight = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    capacity_sum = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    capacity_count = models.PositiveIntegerField(default=0)
    output = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    difficulties = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "period_start", "region", "department"],
                name="campaign_tally_once",
                nulls_distinct=False,
            )
        ]
        # SQLite makes no index of a constraint with nulls_distinct: the board's read of a period
        # walks this one there (and on PostgreSQL too).
        indexes = [
            models.Index(fields=["campaign", "period_start", "region"], name="campaign_tally_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.period_start} {self.region_id} {self.department_id}"


class IndicatorSource(models.TextChoices):
    ENTERED = "entered", gettext_noop("录入")
    IMPORTED = "imported", gettext_noop("导入")


class OperatingIndicator(BaseModel):
    """A key enterprise's operating figures for one month (重点企业运行监测)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # the month's first day
    output_value = money("工业产值（万元）", null=True, blank=True)
    revenue = money("营业收入（万元）", null=True, blank=True)
    electricity = models.DecimalField(
        "用电量（万千瓦时）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    taxes = money("税收（万元）", null=True, blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField("填报时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "企业运行指标"
        verbose_name_plural = "企业运行指标"
        ordering = ["-month", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="indicator_once")]
        indexes = [models.Index(fields=["region", "month"], name="indicator_region_idx")]

    def __str__(self) -> str:
        return f"{_enterprise_name(self)} {self.month.year}年{self.month.month}月"


def _enterprise_name(row: models.Model) -> str:
    enterprise = row._state.fields_cache.get("enterprise")
    return enterprise.name if enterprise is not None else f"企业 {row.enterprise_id}"  # type: ignore[attr-defined]


# The monthly measures, in the order pages and sheets show them.
INDICATOR_FIELDS = ("output_value", "revenue", "electricity", "employees", "taxes")
