from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext, gettext_noop


class BaseModel(models.Model):
    """The base of zhuqi's models: `get_<field>_display()` answers in the reader's language.

    Choice labels are Chinese, marked with gettext_noop (a lazy label would leak into the API's
    schemas); Django binds each `get_<field>_display` to the class's `_get_FIELD_display` when the
    class is built, so this override is what every template, export and API label goes through.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> str:
        return gettext(str(super()._get_FIELD_display(field)))  # type: ignore[misc]


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("审计记录只能追加，不能删除")


class AuditEntry(BaseModel):
    """One change to one audited object: who, when, which fields, old and new values.

    Append-only in three layers: this model refuses updates and deletes, the admin is read-only,
    and a database trigger (see migration 0002) refuses UPDATE and DELETE on the table itself.
    """

    class Action(models.TextChoices):
        CREATE = "create", gettext_noop("新建")
        UPDATE = "update", gettext_noop("修改")
        DELETE = "delete", gettext_noop("删除")
        # Logins are events, not changes to a record: written on the account they name.
        LOGIN_FAILED = "login_fail", gettext_noop("登录失败")
        LOCKED_OUT = "lockout", gettext_noop("登录锁定")
        UNLOCKED = "unlock", gettext_noop("解除锁定")

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # A copy of the username, so the entry still says who acted if the account is removed.
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更", default=dict)
    source = models.CharField("来源", max_length=40, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            # The audit page's filters, each with the page's order (newest first) behind it.
            models.Index(fields=["actor_name", "-at"], name="audit_actor_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditTrailIsAppendOnly("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("审计记录只能追加，不能删除")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API clients. Only its hash is stored: a database leak leaks no tokens,
    and a token is shown once, when issued. Revoking one deletes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The client's own name for itself ("数据同步脚本"), else its User-Agent: which token is which.
    label = models.CharField("名称", max_length=100, blank=True)
    created_from = models.CharField("申请地址", max_length=45, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.label or '—'} {self.created_at:%Y-%m-%d}"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=settings.ZHUQI_TOKEN_TTL_DAYS)

    @staticmethod
    def new_raw_key() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class CalendarYear(models.Model):
    """A year whose statutory holidays and adjusted working days an admin entered from the State
    Council's notice. An entered year overrides the chinese-calendar package; a year neither
    knows is computed on weekends only and every deadline in it is marked provisional."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField(
        "依据", max_length=200, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "工作日历年份"
        verbose_name_plural = "工作日历年份"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年工作日历"


class CalendarDay(models.Model):
    """A day of an entered year that differs from the weekend rule: a holiday on a weekday, or
    an adjusted working day (调休) on a weekend. Days not listed follow the weekend rule."""

    date = models.DateField("日期", primary_key=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


def money(verbose_name: str, **options: Any) -> models.DecimalField[Decimal, Decimal]:
    """An amount in 万元 to the fen (分)."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


# --- Operators' health and figures (issue 24; core/health.py, core/metrics.py) ----------------
class WorkerHeartbeat(models.Model):
    """A background worker process that is running: each writes its row when it starts and again
    every minute (core/background.py), and removes it when it stops cleanly. /readyz and the
    figures count the rows seen lately; times are the database's clock, so workers on several
    machines are compared on one clock."""

    name = models.CharField("进程", max_length=200, unique=True)
    host = models.CharField("主机", max_length=100)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self) -> str:
        return self.name


class PeriodicRun(models.Model):
    """The latest run of each periodic task (the deadline sweep, the outbox …), written by the
    worker that ran it: one small row per task, so the figures need not search the task results,
    which grow by every run. `totals` adds up what every run reported (the outbox's sent, retrying
    and failed messages, the sweep's escalations …): counting the outbox's failures afterwards
    would read the whole outbox, which keeps every message sent."""

    task = models.CharField("任务", max_length=200, unique=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    duration_seconds = models.FloatField("用时（秒）")
    succeeded = models.BooleanField("是否成功")
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True)
    totals = models.JSONField("累计结果", default=dict)

    class Meta:
        verbose_name = "周期任务最近运行"
        verbose_name_plural = "周期任务最近运行"

    def __str__(self) -> str:
        return self.task
