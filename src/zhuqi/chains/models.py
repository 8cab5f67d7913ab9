"""Industrial chains (产业链链长制): each key chain of a region with its chief, its segments from
upstream to downstream, the enterprises placed in them by role, the customer and supplier links
around them, the lists a chief keeps (strengths, weak links, key technologies) and the yearly
goals. Gaps are computed from members, never stored. Amounts are 万元."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop

from zhuqi.core.models import BaseModel, money
from zhuqi.directory.models import Department, Official, Region
from zhuqi.enterprises.models import Enterprise


class Chain(BaseModel):
    name = models.CharField("产业链名称", max_length=50)
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    chief = models.ForeignKey(
        Official,
        verbose_name="链长",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains_led",
    )
    # The post the chief holds the chain by ("市委副书记、市长"): written on every briefing beside
    # the name, and kept here because posts change while the chain's record must say who it was.
    chief_title = models.CharField("链长职务", max_length=100, blank=True)
    deputies = models.ManyToManyField(Official, verbose_name="副链长", blank=True, related_name="+")
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("产业链简介", blank=True)
    # A segment whose members' output stays under this is weak (补短板), not only an empty one.
    weak_output = money("薄弱环节产值线（万元）", null=True, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["position", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="chain_region_name_unique")]
        indexes = [models.Index(fields=["region", "position"], name="chain_region_idx")]

    def __str__(self) -> str:
        return self.name


class SegmentKind(models.TextChoices):
    MAIN = "main", gettext_noop("主链环节")
    SUPPORTING = "supporting", gettext_noop("配套环节")


class Segment(BaseModel):
    """A node of the chain. Its parent is the segment upstream of it on the main line; a
    supporting segment (光伏玻璃, 逆变器) hangs under the segment it supplies."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="segments")
    parent = models.ForeignKey(
        "self",
        verbose_name="上游环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("环节名称", max_length=50)
    kind = models.CharField("环节类别", max_length=12, choices=SegmentKind.choices, default=SegmentKind.MAIN)
    position = models.PositiveSmallIntegerField("排序", default=0)
    description = models.CharField("环节说明", max_length=500, blank=True)
    # Overrides the chain's line for this segment (a power-station segment is measured in 亿元).
    weak_output = money("薄弱环节产值线（万元）", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ["chain_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="segment_chain_name_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="segment_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", gettext_noop("链主企业")
    LEADING = "leading", gettext_noop("龙头企业")
    SUPPORTING = "supporting", gettext_noop("配套企业")
    OTHER = "other", gettext_noop("其他企业")


class Member(BaseModel):
    """An enterprise placed in a segment. Its employees and above-scale status are the registry's
    (entered once); the output value is its output in this chain, which the registry lacks."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="members")
    segment = models.ForeignKey(
        Segment, verbose_name="环节", on_delete=models.PROTECT, related_name="members"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="chain_memberships"
    )
    role = models.CharField("链上地位", max_length=12, choices=Role.choices, default=Role.OTHER)
    output_value = money("产值（万元）", null=True, blank=True)
    output_year = models.PositiveSmallIntegerField("产值年度", null=True, blank=True)
    products = models.CharField("主要产品", max_length=200, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "链上企业"
        verbose_name_plural = "链上企业"
        ordering = ["chain_id", "segment_id", "-output_value", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "enterprise"], name="member_segment_enterprise_unique"
            ),
            models.CheckConstraint(condition=Q(output_value__gte=0), name="member_output_valid"),
        ]
        indexes = [
            models.Index(fields=["chain", "segment"], name="member_chain_segment_idx"),
            models.Index(fields=["chain", "role"], name="member_chain_role_idx"),
            models.Index(fields=["enterprise", "chain"], name="member_enterprise_idx"),
            models.Index(fields=["chain", "created_at"], name="member_chain_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.segment_id}"


class Link(BaseModel):
    """Who sells what to whom around the chain (关联客户库): from the supplier to the customer.
    Either end may be outside the registry, named as written (with its credit code when known);
    at least one end is one of ours, or the link says nothing about the local chain."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="links")
    supplier = models.ForeignKey(
        Enterprise, verbose_name="供应方", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier_name = models.CharField("供应方名称", max_length=200)
    supplier_uscc = models.CharField("供应方统一社会信用代码", max_length=18, blank=True)
    customer = models.ForeignKey(
        Enterprise, verbose_name="客户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_name = models.CharField("客户名称", max_length=200)
    customer_uscc = models.CharField("客户统一社会信用代码", max_length=18, blank=True)
    product = models.CharField("产品", max_length=100)
    annual_volume = models.DecimalField("年供应量", max_digits=16, decimal_places=2, null=True, blank=True)
    volume_unit = models.CharField("计量单位", max_length=10, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "关联客户"
        verbose_name_plural = "关联客户"
        ordering = ["chain_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supplier__isnull=True) | Q(customer__isnull=True) | ~Q(supplier=F("customer")),
                name="link_not_to_itself",
            ),
            models.CheckConstraint(
                condition=Q(supplier__isnull=False) | Q(customer__isnull=False), name="link_one_end_ours"
            ),
            models.CheckConstraint(condition=Q(annual_volume__gte=0), name="link_volume_valid"),
        ]
        indexes = [
            models.Index(fields=["chain", "supplier"], name="link_chain_supplier_idx"),
            models.Index(fields=["chain", "customer"], name="link_chain_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name} → {self.customer_name}"


class ItemKind(models.TextChoices):
    STRENGTH = "strength", gettext_noop("锻长板")
    WEAKNESS = "weakness", gettext_noop("补短板")
    TECHNOLOGY = "technology", gettext_noop("关键产品技术攻关")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", gettext_noop("谋划中")
    UNDERWAY = "underway", gettext_noop("推进中")
    DONE = "done", gettext_noop("已完成")


class ChainItem(BaseModel):
    """One line of a list the chief keeps beside the member tables ("一图N清单")."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("清单", max_length=12, choices=ItemKind.choices)
    title = models.CharField("清单事项", max_length=200)
    segment = models.ForeignKey(
        Segment, verbose_name="环节", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField("具体内容", blank=True)
    department = models.ForeignKey(
        Department, verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("进展", max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    progress = models.CharField("进展情况", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "产业链清单事项"
        verbose_name_plural = "产业链清单事项"
        ordering = ["chain_id", "kind", "position", "id"]
        indexes = [models.Index(fields=["chain", "kind"], name="chain_item_kind_idx")]

    def __str__(self) -> str:
        return self.title


class ChainGoal(BaseModel):
    """A chain's targets for a year; progress is computed from agreements, projects and members."""

    chain = models.ForeignKey(Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="goals")
    year = models.PositiveSmallIntegerField("年度")
    investment_signed = money("签约投资额目标（万元）", null=True, blank=True)
    projects_landed = models.PositiveIntegerField("落地项目数目标", null=True, blank=True)
    funds_in_place = money("到位资金目标（万元）", null=True, blank=True)
    new_above_scale = models.PositiveIntegerField("新增规上企业数目标", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "产业链年度目标"
        verbose_name_plural = "产业链年度目标"
        ordering = ["chain_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["chain", "year"], name="chain_goal_year_unique")]

    def __str__(self) -> str:
        return f"{self.chain_id} {self.year}"
