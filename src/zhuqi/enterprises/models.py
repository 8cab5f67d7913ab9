from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.core.models import BaseModel
from zhuqi.core.search import SearchWordsField, register
from zhuqi.directory.models import Industry, Official, Region


class SizeClass(models.TextChoices):
    LARGE = "large", gettext_noop("大型")
    MEDIUM = "medium", gettext_noop("中型")
    SMALL = "small", gettext_noop("小型")
    MICRO = "micro", gettext_noop("微型")


class Enterprise(BaseModel):
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    short_name = models.CharField("简称", max_length=50, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="所在地区",
        on_delete=models.PROTECT,
        related_name="enterprises",
        # enterprise_region_name_idx leads with the region and serves every lookup by it (scopes
        # are ranges of codes, never LIKE); a second index cost each new enterprise's write some
        # 10 µs at 100,000 enterprises.
        db_index=False,
    )
    industry = models.ForeignKey(
        Industry, verbose_name="所属行业", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employees = models.PositiveIntegerField("从业人员", null=True, blank=True)
    revenue = models.DecimalField("营业收入(万元)", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets = models.DecimalField(
        "资产总额(万元)", max_digits=16, decimal_places=2, null=True, blank=True
    )
    above_scale = models.BooleanField("规上企业", default=False)
    # Policies ask for years since founding (成立不满3年); unknown for enterprises imported without it.
    founded_on = models.DateField("成立日期", null=True, blank=True)
    size_class = models.CharField("企业规模", max_length=6, choices=SizeClass.choices, blank=True)
    # The figures and rule the size class came from, so a reader can check it.
    size_basis = models.JSONField("规模依据", default=dict, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    # [{"name": "张三", "phone": "13800000000", "title": "总经理"}]
    contacts = models.JSONField("联系人", default=list, blank=True)
    # Name, short name, code and the pinyin initials of both, lower-cased: one column to search.
    search_text = models.TextField(editable=False, default="")
    # Name and short name segmented for word search (core/search.py); pinyin and codes stay in
    # search_text.
    search_words = SearchWordsField()
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["region", "name"], name="enterprise_region_name_idx"),
            models.Index(fields=["size_class", "name"], name="enterprise_size_idx"),
            models.Index(fields=["above_scale", "name"], name="enterprise_above_scale_idx"),
            models.Index(fields=["name", "id"], name="enterprise_name_idx"),
            # enterprise_region_ids_idx, on PostgreSQL only: migrations/0007_region_ids_index.py.
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


def default_visits_per_month() -> int:
    return int(getattr(settings, "ZHUQI_LIAISON_VISITS_PER_MONTH", 1))


def default_calls_per_month() -> int:
    return int(getattr(settings, "ZHUQI_LIAISON_CALLS_PER_MONTH", 1))


class Assignment(BaseModel):
    """包联: an official made responsible for an enterprise for a period."""

    class Kind(models.TextChoices):
        LEADER = "leader", gettext_noop("包联领导")
        LIAISON = "liaison", gettext_noop("驻企联络员")

    official = models.ForeignKey(
        Official, verbose_name="干部", on_delete=models.PROTECT, related_name="assignments"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.LIAISON)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    # The duty (职责): at least this many visits and calls a month (docs/coverage.md). Defaults from
    # ZHUQI_LIAISON_VISITS_PER_MONTH / ZHUQI_LIAISON_CALLS_PER_MONTH when the assignment is made.
    visits_per_month = models.PositiveSmallIntegerField("每月走访次数", default=default_visits_per_month)
    calls_per_month = models.PositiveSmallIntegerField("每月电话联系次数", default=default_calls_per_month)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "包联"
        verbose_name_plural = "包联"
        ordering = ["enterprise_id", "kind", "start_date"]
        indexes = [
            models.Index(fields=["official", "end_date"], name="assignment_official_idx"),
            models.Index(fields=["enterprise", "end_date"], name="assignment_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} 包联 {self.enterprise}"

    @classmethod
    def enterprises_of(cls, official_id: int | None) -> models.QuerySet[Assignment, dict[str, Any]]:
        """The ids of the enterprises assigned to an official now, as a subquery
        (`enterprise_id__in=Assignment.enterprises_of(official_id)`)."""
        return cls.objects.filter(cls.current_q(), official_id=official_id or 0).values("enterprise_id")

    @staticmethod
    def current_q(on: datetime.date | None = None, prefix: str = "") -> Q:
        day = on or timezone.localdate()
        return Q(**{f"{prefix}start_date__lte": day}) & (
            Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
        )


class QualificationKind(models.TextChoices):
    """Recognitions a policy may require (资质认定). Each is granted by a body for a period."""

    HIGH_TECH = "high_tech", gettext_noop("高新技术企业")
    TECH_SME = "tech_sme", gettext_noop("科技型中小企业")
    INNOVATIVE_SME = "innovative_sme", gettext_noop("创新型中小企业")
    SPECIALISED_SME = "specialised_sme", gettext_noop("专精特新中小企业")
    LITTLE_GIANT = "little_giant", gettext_noop("专精特新“小巨人”企业")
    SINGLE_CHAMPION = "single_champion", gettext_noop("制造业单项冠军企业")
    GAZELLE = "gazelle", gettext_noop("瞪羚企业")
    AGRICULTURAL_LEADER = "agricultural_leader", gettext_noop("农业产业化龙头企业")


class Qualification(models.Model):
    """A recognition an enterprise holds. The list is kept complete: an enterprise with no row of
    a kind does not hold it (a policy's condition on it fails, it is not "unknown")."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质", max_length=24, choices=QualificationKind.choices)
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        ordering = ["enterprise_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="qualification_unique")]
        # Matching asks "the enterprises holding kind X": the kind first.
        indexes = [models.Index(fields=["kind", "enterprise"], name="qualification_kind_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.get_kind_display()}"

    @staticmethod
    def valid_q(on: datetime.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})


register(Enterprise, "name", "short_name")
