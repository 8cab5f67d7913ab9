from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from zhuqi.core.chinese import pinyin_keys
from zhuqi.core.models import BaseModel
from zhuqi.core.roles import Role
from zhuqi.core.scoping import region_prefix


class Region(models.Model):
    """A GB/T 2260 division. The code is the key, so "this region and everything under it" is a
    prefix match on the code (see `prefix`), which needs no recursive query."""

    class Level(models.TextChoices):
        PROVINCE = "province", gettext_noop("省级")
        PREFECTURE = "prefecture", gettext_noop("地级")
        COUNTY = "county", gettext_noop("县级")

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="region_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)


class Industry(models.Model):
    """A GB/T 4754-2017 category at any of its four levels."""

    class Level(models.TextChoices):
        SECTION = "section", gettext_noop("门类")
        DIVISION = "division", gettext_noop("大类")
        GROUP = "group", gettext_noop("中类")
        CLASS = "class", gettext_noop("小类")

    code = models.CharField("行业代码", max_length=4, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The section letter of every row, so "all of 制造业" is one equality filter.
    section = models.CharField("门类", max_length=1, db_index=True)

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(BaseModel):
    """A government department, or a party committee, within a region."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", gettext_noop("政府部门")
        PARTY = "party", gettext_noop("党委及其部门")
        PEOPLES_CONGRESS = "congress", gettext_noop("人大")
        CPPCC = "cppcc", gettext_noop("政协")
        OTHER = "other", gettext_noop("其他")

    region = models.ForeignKey(
        Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    """A person in government. Their posts say what they are; one person holds several at once."""

    name = models.CharField("姓名", max_length=50)
    region = models.ForeignKey(
        Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="officials"
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # " 孟宪东 mxd mengxiandong": the name and its pinyin keys, each after a space, so the picker
    # matches a name anywhere and pinyin from the start of a key.
    search_text = models.CharField(max_length=300, editable=False, default="")

    class Meta:
        verbose_name = "领导干部"
        verbose_name_plural = "领导干部"
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["name"], name="official_name_idx")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def search_text_for(name: str) -> str:
        return " " + " ".join([name, *pinyin_keys(name)])[:298]

    def current_posts(self, on: datetime.date | None = None) -> models.QuerySet[Post]:
        return self.posts.filter(Post.current_q(on)).select_related("department")

    @property
    def title(self) -> str:
        """ "自治区党委常委、通辽市委书记": the current posts joined the way reports write them."""
        return "、".join(post.label for post in self.current_posts())


class Post(models.Model):
    official = models.ForeignKey(
        Official, verbose_name="干部", on_delete=models.CASCADE, related_name="posts"
    )
    department = models.ForeignKey(
        Department, verbose_name="单位", on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField("职务", max_length=50)
    start_date = models.DateField("任职日期", null=True, blank=True)
    end_date = models.DateField("免职日期", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["official_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.official} {self.label}"

    @property
    def label(self) -> str:
        # "通辽市委" + "书记" reads as one phrase; a department title is joined the same way.
        return f"{self.department.name}{self.title}"

    @staticmethod
    def current_q(on: datetime.date | None = None) -> Q:
        from django.utils import timezone

        day = on or timezone.localdate()
        return (Q(start_date__isnull=True) | Q(start_date__lte=day)) & (
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class User(BaseModel, AbstractUser):
    """An account. Its role and one of region, department or enterprise fix what it may see."""

    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.HANDLER)
    display_name = models.CharField("显示名称", max_length=50, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="管辖区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    official = models.ForeignKey(
        Official,
        verbose_name="对应干部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Set by an admin's forced reset: every page leads to the password form, and the API refuses
    # (403), until the user has chosen a new password.
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


def system_user() -> User:
    """The actor for work nobody logged in to do (the command line, the demo loader): unsaved,
    unscoped, recorded in the audit trail as "system"."""
    return User(username="system", display_name="系统", role=Role.ADMIN, is_active=True, is_superuser=True)
