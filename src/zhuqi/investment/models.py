"""Signed agreements (合作协议) and whether they land: the projects that come of them, and the
funds actually in place (到位资金) over time. Amounts are stored in 万元; people enter 亿元 or 万元."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

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
