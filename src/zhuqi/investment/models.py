"""Signed agreements (合作协议) and whether they land: the projects that come of them, and the
funds actually in place (到位资金) over time; and the investment targets (招商目标) of a chain's
gap segments, from first identified to signed (an agreement) and landed (a project). Amounts are
stored in 万元; people enter 亿元 or 万元."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.chains.models import Chain, Segment
from zhuqi.core.models import BaseModel
from zhuqi.directory.models import Department, Official, Region
from zhuqi.enterprises.models import Enterprise
from zhuqi.projects.models import Project, money


class AgreementKind(models.TextChoices):
    STRATEGIC = "strategic", gettext_noop("战略合作")
    INVESTMENT = "investment", gettext_noop("投资")
    FINANCING = "financing", gettext_noop("融资")


class AmountNature(models.TextChoices):
    INTENDED_FINANCING = "intended_financing", gettext_noop("意向性融资")
    PLANNED_INVESTMENT = "planned_investment", gettext_noop("计划投资")
    CONTRACT_VALUE = "contract_value", gettext_noop("合同金额")
    NONE = "none", gettext_noop("无金额")


class AmountUnit(models.TextChoices):
    YI = "亿元", gettext_noop("亿元")
    WAN = "万元", gettext_noop("万元")


class Agreement(BaseModel):
    title = models.CharField("协议名称", max_length=200)
    kind = models.CharField("协议类型", max_length=12, choices=AgreementKind.choices)
    # The other side need not be in the registry: 交通银行, 中国商飞 are outside the region.
    counterparty_name = models.CharField("签约对方", max_length=200)
    counterparty = models.ForeignKey(
        Enterprise,
        verbose_name="签约对方（名录企业）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    our_party_name = models.CharField("我方签约主体", max_length=200)
    our_party = models.ForeignKey(
        Enterprise,
        verbose_name="我方签约企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Whose agreement it is: scoping and the figures per region read this column.
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField("签约日期")
    place = models.CharField("签约地点", max_length=100, blank=True)
    leaders_present = models.ManyToManyField(Official, verbose_name="出席领导", blank=True, related_name="+")
    amount = money("协议金额（万元）", default=Decimal(0))
    amount_nature = models.CharField(
        "金额性质", max_length=20, choices=AmountNature.choices, default=AmountNature.NONE
    )
    # The unit it was written in, so the page shows "1800 亿元" as the agreement says it.
    entered_unit = models.CharField(
        "录入单位", max_length=4, choices=AmountUnit.choices, default=AmountUnit.YI
    )
    period = models.CharField("协议期限", max_length=50, blank=True, help_text="如“十四五”期间、未来五年")
    fields = models.CharField("合作领域", max_length=300, blank=True)
    follow_up_department = models.ForeignKey(
        Department,
        verbose_name="跟踪落实部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    projects = models.ManyToManyField(Project, verbose_name="落地项目", blank=True, related_name="agreements")
    # The chain it invests in: the chain pages sum the amounts signed per chain. Set when a
    # target of the chain is signed with it, or by hand.
    chain = models.ForeignKey(
        Chain, verbose_name="所属产业链", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("备注", blank=True)
    # Kept by the funds service: the sum of the funds-in-place records.
    funds_in_place = money("到位资金（万元）", default=Decimal(0))
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "合作协议"
        verbose_name_plural = "合作协议"
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["region", "signed_on"], name="agreement_region_idx"),
            models.Index(fields=["signed_on"], name="agreement_signed_idx"),
            models.Index(fields=["follow_up_department"], name="agreement_department_idx"),
            models.Index(fields=["chain", "signed_on"], name="agreement_chain_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_amount_valid")]

    def __str__(self) -> str:
        return self.title

    @property
    def amount_as_entered(self) -> Decimal:
        return self.amount / Decimal(10000) if self.entered_unit == AmountUnit.YI else self.amount


class FundsInPlace(models.Model):
    """Funds actually in place (到位资金) as of a date: a loan drawn, capital paid in."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="funds")
    on = models.DateField("到位日期")
    amount = money("到位金额（万元）")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["agreement_id", "on", "id"]
        indexes = [models.Index(fields=["agreement", "on"], name="funds_agreement_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funds_amount_positive")]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.on} {self.amount}"


class TargetStatus(models.TextChoices):
    """The road of an investment target; 已放弃 is off it (a target may be taken up again)."""

    IDENTIFIED = "identified", gettext_noop("已识别")
    CONTACTED = "contacted", gettext_noop("已接洽")
    NEGOTIATING = "negotiating", gettext_noop("洽谈中")
    SIGNED = "signed", gettext_noop("已签约")
    LANDED = "landed", gettext_noop("已落地")
    DROPPED = "dropped", gettext_noop("已放弃")


# The road in order: a target moves forward along it, one step or several at once.
TARGET_ROAD = [
    TargetStatus.IDENTIFIED,
    TargetStatus.CONTACTED,
    TargetStatus.NEGOTIATING,
    TargetStatus.SIGNED,
    TargetStatus.LANDED,
]
OPEN_STATUSES = [TargetStatus.IDENTIFIED, TargetStatus.CONTACTED, TargetStatus.NEGOTIATING]
WON_STATUSES = [TargetStatus.SIGNED, TargetStatus.LANDED]


class Target(BaseModel):
    """An outside enterprise the region wants to bring into a segment of a chain (招商目标),
    usually a gap segment (缺什么补什么), with who follows it and what they do next."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.PROTECT, related_name="targets")
    segment = models.ForeignKey(
        Segment, verbose_name="环节", on_delete=models.PROTECT, related_name="targets"
    )
    name = models.CharField("目标企业", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    origin = models.CharField("所在地", max_length=100, blank=True, help_text="如：江苏省无锡市")
    status = models.CharField(
        "招商状态", max_length=12, choices=TargetStatus.choices, default=TargetStatus.IDENTIFIED
    )
    expected_investment = money("预计投资（万元）", null=True, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        Official, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_step = models.CharField("下一步工作", max_length=300, blank=True)
    next_step_on = models.DateField("下一步时间", null=True, blank=True)
    # What was said when the status last changed (the timeline keeps every one).
    status_note = models.CharField("进展说明", max_length=500, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name="签约协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    project = models.ForeignKey(
        Project, verbose_name="落地项目", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    status_changed_at = models.DateTimeField("状态变更时间")

    class Meta:
        verbose_name = "招商目标"
        verbose_name_plural = "招商目标"
        ordering = ["chain_id", "segment_id", "id"]
        indexes = [
            models.Index(fields=["chain", "status"], name="target_chain_status_idx"),
            models.Index(fields=["department", "status"], name="target_department_idx"),
            models.Index(fields=["segment"], name="target_segment_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(agreement__isnull=False), name="target_signed_has_agreement"
            ),
            models.CheckConstraint(
                condition=~Q(status="landed") | Q(project__isnull=False), name="target_landed_has_project"
            ),
            models.CheckConstraint(condition=Q(expected_investment__gte=0), name="target_investment_valid"),
        ]

    def __str__(self) -> str:
        return self.name
