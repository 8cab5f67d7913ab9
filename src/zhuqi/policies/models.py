"""Relief policies (惠企政策) and whether they reach the enterprises they are for (政策直达):
the catalogue, the eligibility rule stored as data, the enterprises it matches, and each
delivery from notice to grant. Amounts are in 万元."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.cases.models import Case
from zhuqi.core.models import BaseModel, money
from zhuqi.core.search import SearchWordsField, register
from zhuqi.directory.models import Department, Region
from zhuqi.enterprises.models import Enterprise


class PolicyCategory(models.TextChoices):
    TAX_RELIEF = "tax_relief", gettext_noop("减税降费")
    FINANCING = "financing", gettext_noop("融资担保")
    EMPLOYMENT = "employment", gettext_noop("稳岗就业与社保补贴")
    RENT_RELIEF = "rent_relief", gettext_noop("房租减免")
    UTILITIES = "utilities", gettext_noop("水电气费用")
    INNOVATION = "innovation", gettext_noop("科技创新")
    MARKET = "market", gettext_noop("市场开拓")
    INDUSTRY = "industry", gettext_noop("产业发展与技术改造")
    OTHER = "other", gettext_noop("其他")


class GrantMode(models.TextChoices):
    APPLICATION = "application", gettext_noop("依申请兑现")
    # 免申即享: the department grants it from its own data; the enterprise applies for nothing.
    AUTOMATIC = "automatic", gettext_noop("免申即享")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", gettext_noop("草稿")
    PUBLISHED = "published", gettext_noop("已发布")
    WITHDRAWN = "withdrawn", gettext_noop("已废止")


class Policy(BaseModel):
    title = models.CharField("政策名称", max_length=200)
    issuer = models.CharField("发文机关", max_length=200)
    document_number = models.CharField("文号", max_length=60, blank=True)
    published_on = models.DateField("发布日期")
    valid_from = models.DateField("执行开始日期", null=True, blank=True)
    valid_until = models.DateField("执行截止日期", null=True, blank=True)
    # Where it applies: enterprises of this region and below may be eligible.
    region = models.ForeignKey(Region, verbose_name="适用地区", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("政策类别", max_length=12, choices=PolicyCategory.choices)
    benefit = models.TextField("支持内容")
    amount = money("补助金额（万元）", null=True, blank=True)
    rate = models.DecimalField(
        "比例（%）", max_digits=6, decimal_places=2, null=True, blank=True, help_text="如减免50%"
    )
    # The most one enterprise may be granted (单户上限), checked when a grant is recorded.
    amount_cap = money("单户上限（万元）", null=True, blank=True)
    grant_mode = models.CharField(
        "兑现方式", max_length=12, choices=GrantMode.choices, default=GrantMode.APPLICATION
    )
    how_to_apply = models.TextField("申报方式", blank=True, help_text="企业需要做什么、向谁申报、带什么材料")
    department = models.ForeignKey(
        Department, verbose_name="兑现部门", on_delete=models.PROTECT, related_name="+"
    )
    full_text = models.TextField("政策原文", blank=True)
    attachment = models.FileField("原文附件", upload_to="policies/%Y/", blank=True)
    # The eligibility rule as data (policies/rules.py): {"match": "all", "conditions": [...]}.
    rule = models.JSONField("适用条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    # When its matches were last computed (the background re-match sets it).
    matched_at = models.DateTimeField("匹配时间", null=True, blank=True)
    search_words = SearchWordsField()
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = "惠企政策"
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["region", "published_on"], name="policy_region_idx"),
            models.Index(fields=["published_on", "id"], name="policy_published_idx"),
            models.Index(fields=["department", "published_on"], name="policy_department_idx"),
            models.Index(fields=["status", "region"], name="policy_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="policy_validity_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount_cap__isnull=True) | Q(amount_cap__gt=0), name="policy_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MatchStatus(models.TextChoices):
    ELIGIBLE = "eligible", gettext_noop("符合条件")
    # Some condition could not be decided from the registry (a field missing): a person checks.
    POSSIBLE = "possible", gettext_noop("可能符合")


class PolicyMatch(models.Model):
    """An enterprise a policy's rule matches (or may match), as the last re-match found it.
    Rebuilt wholesale for a policy, and per enterprise when the enterprise changes."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    status = models.CharField("匹配结果", max_length=10, choices=MatchStatus.choices)

    class Meta:
        verbose_name = "政策匹配"
        verbose_name_plural = "政策匹配"
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_match_unique")]
        indexes = [models.Index(fields=["enterprise", "status"], name="policy_match_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.enterprise_id} {self.status}"


class DeliveryStatus(models.TextChoices):
    NOTIFIED = "notified", gettext_noop("已告知")
    APPLIED = "applied", gettext_noop("已申报")
    GRANTED = "granted", gettext_noop("已兑现")
    REFUSED = "refused", gettext_noop("未通过")


class Channel(models.TextChoices):
    PORTAL = "portal", gettext_noop("平台推送")
    SMS = "sms", gettext_noop("短信")
    PHONE = "phone", gettext_noop("电话")
    VISIT = "visit", gettext_noop("上门宣讲")
    LIAISON = "liaison", gettext_noop("驻企联络员")
    MEETING = "meeting", gettext_noop("政策宣讲会")
    OTHER = "other", gettext_noop("其他")


class Delivery(BaseModel):
    """One policy to one enterprise: told of it (by which channel, when) → applied → granted
    (how much, when) or refused (why). A 免申即享 policy is granted with no application."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="deliveries"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="policy_deliveries"
    )
    # The enterprise's region when created, so scoping and figures by region need no join.
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("兑现状态", max_length=10, choices=DeliveryStatus.choices)
    channel = models.CharField("告知渠道", max_length=10, choices=Channel.choices, blank=True)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    applied_on = models.DateField("申报日期", null=True, blank=True)
    granted_on = models.DateField("兑现日期", null=True, blank=True)
    granted_amount = money("兑现金额（万元）", null=True, blank=True)
    refused_on = models.DateField("未通过日期", null=True, blank=True)
    refusal_reason = models.CharField("未通过原因", max_length=300, blank=True)
    # A delivery to an enterprise the rule does not match (a person knows better): why.
    off_match_reason = models.CharField("不在匹配名单内的原因", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政策兑现"
        verbose_name_plural = "政策兑现"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="delivery_unique"),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="delivery_amount_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["policy", "status"], name="delivery_policy_idx"),
            models.Index(fields=["enterprise", "status"], name="delivery_enterprise_idx"),
            models.Index(fields=["region", "status"], name="delivery_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.enterprise_id}"


class Complaint(models.TextChoices):
    NOT_RECEIVED = "not_received", gettext_noop("未享受到政策")
    CANNOT_GET = "cannot_get", gettext_noop("申请政策遇到困难")


class PolicyDemand(models.Model):
    """A demand case an enterprise raised about a policy (it did not get it, or cannot): the case
    is handled as every demand is; this link lets the policy's figures count them."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="demands")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="policy_demand")
    complaint = models.CharField("反映类型", max_length=14, choices=Complaint.choices)

    class Meta:
        verbose_name = "政策诉求"
        verbose_name_plural = "政策诉求"
        indexes = [models.Index(fields=["policy", "case"], name="policy_demand_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.case_id}"


class MatchSweep(models.Model):
    """One row: how far the periodic re-match has read the registry's changes (matching.py)."""

    enterprises_until = models.DateTimeField("已匹配至", null=True, blank=True)

    class Meta:
        verbose_name = "匹配进度"
        verbose_name_plural = "匹配进度"

    def __str__(self) -> str:
        return str(self.enterprises_until)


register(Policy, "title", "issuer", "document_number", "benefit")
