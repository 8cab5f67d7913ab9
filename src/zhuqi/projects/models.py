"""Key projects (重点项目): the library a development and reform commission keeps, each project's
stages with planned and actual dates, its node plan, its investment and its periodic progress
reports. Amounts are 万元 throughout, as the dispatch tables keep them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.chains.models import Chain
from zhuqi.core.models import BaseModel, money
from zhuqi.core.search import SearchWordsField, register
from zhuqi.directory.models import Department, Official, Region
from zhuqi.enterprises.models import Enterprise


class Stage(models.TextChoices):
    PLANNED = "planned", gettext_noop("谋划")
    PREPARING = "preparing", gettext_noop("前期")
    STARTED = "started", gettext_noop("开工在建")
    COMPLETED = "completed", gettext_noop("竣工")
    PRODUCING = "producing", gettext_noop("投产")
    SUSPENDED = "suspended", gettext_noop("停缓建")
    CANCELLED = "cancelled", gettext_noop("取消")


# The road a project travels; suspended and cancelled are off it.
STAGE_ORDER = [Stage.PLANNED, Stage.PREPARING, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING]
NOT_STARTED = [Stage.PLANNED, Stage.PREPARING]
# Stages in which a project is still being built and reports progress.
ACTIVE_STAGES = [Stage.PLANNED, Stage.PREPARING, Stage.STARTED, Stage.COMPLETED]
# The date column each stage's actual and planned dates live in.
STAGE_DATE_FIELDS = {
    Stage.PREPARING: "preparing_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.PRODUCING: "producing_on",
}


class ProjectCategory(models.TextChoices):
    INDUSTRIAL = "industrial", gettext_noop("工业")
    ENERGY = "energy", gettext_noop("能源")
    INFRASTRUCTURE = "infrastructure", gettext_noop("基础设施")
    AGRICULTURE = "agriculture", gettext_noop("农牧业")
    SERVICES = "services", gettext_noop("服务业")
    SOCIAL = "social", gettext_noop("社会民生")
    ECOLOGY = "ecology", gettext_noop("生态环保")
    OTHER = "other", gettext_noop("其他")


class Level(models.TextChoices):
    NATIONAL = "national", gettext_noop("国家重点")
    PROVINCIAL = "provincial", gettext_noop("自治区（省）重点")
    CITY = "city", gettext_noop("盟市重点")
    COUNTY = "county", gettext_noop("旗县区重点")


class ReportingPeriod(models.TextChoices):
    WEEKLY = "weekly", gettext_noop("每周")
    SEMIMONTHLY = "semimonthly", gettext_noop("每半月")
    MONTHLY = "monthly", gettext_noop("每月")


class ProjectList(BaseModel):
    """A list of key projects a government keeps for a year (“2026年通辽市重点项目”): how often
    its projects report is set here, since the office that keeps the list decides it."""

    name = models.CharField("清单名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField("年度")
    reporting_period = models.CharField(
        "报告周期", max_length=12, choices=ReportingPeriod.choices, default=ReportingPeriod.WEEKLY
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重点项目清单"
        verbose_name_plural = "重点项目清单"
        ordering = ["-year", "region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="project_list_name_unique")]

    def __str__(self) -> str:
        return self.name


class Project(BaseModel):
    # The code the national investment-project approval platform gives (2301-150581-04-01-123456);
    # optional because projects still being planned have none. Re-imports match on it.
    code = models.CharField("项目代码", max_length=40, blank=True)
    name = models.CharField("项目名称", max_length=200)
    project_list = models.ForeignKey(
        ProjectList,
        verbose_name="所属清单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    owner = models.ForeignKey(
        Enterprise,
        verbose_name="项目单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # Kept as written when the owner is not in the registry (a government platform company, a
    # unit from outside the region); the owner's name otherwise.
    owner_name = models.CharField("项目单位名称", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="建设地点", on_delete=models.PROTECT, related_name="+")
    # The industrial chain (the chain's key-project library is its projects). A name that names
    # no chain of the project's region or the regions above it (chain_names.resolve) is kept as
    # written in chain_name, never dropped, for a person to link once the chain exists
    # (services.projects_link_chain); chain_name is blank once the chain is linked.
    chain = models.ForeignKey(
        Chain,
        verbose_name="所属产业链",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,  # project_chain_stage_idx leads with it
    )
    chain_name = models.CharField("所属产业链（原文）", max_length=50, blank=True)
    category = models.CharField(
        "项目类别", max_length=16, choices=ProjectCategory.choices, default=ProjectCategory.INDUSTRIAL
    )
    level = models.CharField("项目级别", max_length=12, choices=Level.choices, default=Level.CITY)
    listed_year = models.PositiveSmallIntegerField("入库年度")
    content = models.TextField("建设内容及规模", blank=True)
    # Name, owner and content segmented for word search (core/search.py).
    search_words = SearchWordsField()
    total_investment = money("总投资（万元）")
    responsible_leader = models.ForeignKey(
        Official,
        verbose_name="包联领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    responsible_department = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )

    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.PLANNED)
    stage_reason = models.CharField("阶段说明", max_length=500, blank=True)
    # Where a suspended project resumes.
    stage_before_suspension = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    planned_preparing_on = models.DateField("计划转入前期日期", null=True, blank=True)
    planned_started_on = models.DateField("计划开工日期", null=True, blank=True)
    planned_completed_on = models.DateField("计划竣工日期", null=True, blank=True)
    planned_producing_on = models.DateField("计划投产日期", null=True, blank=True)
    preparing_on = models.DateField("转入前期日期", null=True, blank=True)
    started_on = models.DateField("实际开工日期", null=True, blank=True)
    completed_on = models.DateField("实际竣工日期", null=True, blank=True)
    producing_on = models.DateField("实际投产日期", null=True, blank=True)

    # Kept by the report service, so the library's flags are comparisons on the row, not a walk
    # through three years of reports for every project listed.
    investment_to_date = money("累计完成投资（万元）", default=Decimal(0))
    last_period_end = models.DateField("最近报告期止", null=True, blank=True)

    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["-listed_year", "name", "id"]
        indexes = [
            models.Index(fields=["region", "stage"], name="project_region_stage_idx"),
            # The library's order, newest listing year first: a page walks it (selectors.
            # project_scope_q's walk_in_order). Ascending, SQLite sorted each year's projects.
            models.Index(fields=["-listed_year", "name", "id"], name="project_newest_idx"),
            models.Index(fields=["responsible_department", "stage"], name="project_department_idx"),
            models.Index(fields=["owner"], name="project_owner_idx"),
            models.Index(fields=["level", "listed_year"], name="project_level_idx"),
            # A chain's projects by stage (the chains' columns and panel).
            models.Index(fields=["chain", "stage"], name="project_chain_stage_idx"),
            # Chains written that name no chain yet (产业链未匹配): a few, for a person to link.
            models.Index(
                fields=["chain_name"],
                name="project_chain_unmatched_idx",
                condition=Q(chain__isnull=True) & ~Q(chain_name=""),
            ),
            # Not started by the planned date (未按期开工): a few of many thousand.
            models.Index(
                fields=["planned_started_on"],
                name="project_start_due_idx",
                condition=Q(stage__in=["planned", "preparing"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="project_code_unique"),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="project_total_investment_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_display(self) -> str:
        return self.owner.name if self.owner_id and self.owner else self.owner_name

    @property
    def chain_display(self) -> str:
        """The chain's name, or the name as written while it names no chain."""
        return self.chain.name if self.chain_id and self.chain else self.chain_name

    @property
    def reporting_period(self) -> str:
        return self.project_list.reporting_period if self.project_list_id and self.project_list else "weekly"

    def stage_date(self, stage: str, *, planned: bool = False) -> datetime.date | None:
        field = STAGE_DATE_FIELDS.get(Stage(stage))
        if field is None:
            return None
        return getattr(self, ("planned_" if planned else "") + field)


class ProjectYear(models.Model):
    """A project's investment plan for one year and what was completed against it: the two
    columns of the dispatch table (年度计划投资 / 本年完成投资) kept together."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("年度")
    planned_investment = money("年度计划投资（万元）", default=Decimal(0))
    completed_investment = money("本年完成投资（万元）", default=Decimal(0))

    class Meta:
        verbose_name = "年度投资计划"
        verbose_name_plural = "年度投资计划"
        ordering = ["project_id", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_year_unique")]
        indexes = [models.Index(fields=["year", "project"], name="project_year_year_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"


class StageChange(BaseModel):
    """One move of a project along (or off) its road, with the date it actually happened."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=12, choices=Stage.choices)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    on = models.DateField("发生日期")
    reason = models.CharField("说明", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["project_id", "at", "id"]
        indexes = [models.Index(fields=["project", "at"], name="stage_change_project_idx")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage} ({self.on})"


class MilestoneKind(models.TextChoices):
    LAND = "land", gettext_noop("土地手续")
    APPROVALS = "approvals", gettext_noop("审批手续")
    GROUNDBREAKING = "groundbreaking", gettext_noop("开工建设")
    MAIN_WORKS = "main_works", gettext_noop("主体工程")
    EQUIPMENT = "equipment", gettext_noop("设备安装")
    TRIAL_PRODUCTION = "trial_production", gettext_noop("试生产")
    ACCEPTANCE = "acceptance", gettext_noop("竣工验收")
    OTHER = "other", gettext_noop("其他")


class Milestone(BaseModel):
    """A node of the project's node plan (节点计划表)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(
        "节点类别", max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    name = models.CharField("节点名称", max_length=100)
    planned_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    report = models.ForeignKey(
        "ProgressReport",
        verbose_name="完成于报告",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones_done",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点计划"
        ordering = ["project_id", "position", "planned_on", "id"]
        indexes = [
            models.Index(fields=["project", "position"], name="milestone_project_idx"),
            # Late nodes: planned date passed, not done.
            models.Index(fields=["planned_on"], name="milestone_open_idx", condition=Q(done_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name

    def is_late(self, today: datetime.date) -> bool:
        return self.done_on is None and self.planned_on < today


class ProgressReport(models.Model):
    """One period's progress (周报): what was done, the investment, the next step, the problems.
    Problems become cases linked to the project (the case's `project`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField("报告期起")
    period_end = models.DateField("报告期止")
    progress = models.TextField("本期进展")
    investment_this_period = money("本期完成投资（万元）")
    investment_to_date = money("累计完成投资（万元）")
    next_step = models.TextField("下步计划", blank=True)
    problems = models.TextField("存在问题", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "项目进展报告"
        verbose_name_plural = "项目进展报告"
        ordering = ["project_id", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_start"], name="report_period_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_valid"
            ),
        ]
        indexes = [models.Index(fields=["period_start"], name="report_period_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start}–{self.period_end}"


register(Project, "name", "owner_name", "content")
