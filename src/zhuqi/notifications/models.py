"""Notices to people (the in-app inbox) and their delivery through outside channels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from zhuqi.core.models import BaseModel


class Notice(BaseModel):
    """One message in one user's inbox."""

    class Kind(models.TextChoices):
        INFO = "info", gettext_noop("通知")
        TASK = "task", gettext_noop("待办")
        REMINDER = "reminder", gettext_noop("催办")
        ESCALATION = "escalation", gettext_noop("督办")
        SYSTEM = "system", gettext_noop("系统")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    # Same key, same recipient: one notice, however often the sweep runs.
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notice_unique_key", condition=~models.Q(key="")
            )
        ]

    def __str__(self) -> str:
        return self.title


class Webhook(BaseModel):
    """A group robot (WeCom or DingTalk) that receives the notices of a department or a region's
    coordinators, as the groups where government offices actually talk."""

    class Flavour(models.TextChoices):
        WECOM = "wecom", gettext_noop("企业微信群机器人")
        DINGTALK = "dingtalk", gettext_noop("钉钉群机器人")
        JSON = "json", gettext_noop("通用 JSON")

    name = models.CharField("名称", max_length=100)
    flavour = models.CharField("类型", max_length=10, choices=Flavour.choices)
    url = models.URLField("地址", max_length=500)
    # DingTalk's 加签: the SEC… secret signs every request (timestamp and sign in the address). It
    # must be kept to sign with, so it is stored as given; pages, the API and the audit trail
    # show it masked (services.masked_secret), never whole.
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    # Where the platform is opened from, to make the links a group can follow (/cases/24/ cannot
    # be opened from a chat). ZHUQI_BASE_URL, when set, overrides it for every robot.
    site_url = models.URLField("平台地址", max_length=200, blank=True)
    department = models.ForeignKey(
        "directory.Department",
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "directory.Region",
        verbose_name="地区（营商办）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)
    # The outcome of the latest send (outbox or test), so a broken robot shows at once.
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_failure_at = models.DateTimeField("最近失败", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"

    def __str__(self) -> str:
        return self.name


class OutboxMessage(BaseModel):
    """A notice on its way out through one channel. Written in the same transaction as the
    notice and sent afterwards by a background task, so a failing channel never blocks or rolls
    back the step that caused it; failures are retried with back-off."""

    class Channel(models.TextChoices):
        EMAIL = "email", gettext_noop("电子邮件")
        WEBHOOK = "webhook", gettext_noop("群机器人")

    class State(models.TextChoices):
        PENDING = "pending", gettext_noop("待发送")
        SENT = "sent", gettext_noop("已发送")
        FAILED = "failed", gettext_noop("发送失败")
        # Its robot was disabled before it went: never sent.
        CANCELLED = "cancelled", gettext_noop("已取消")

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    target = models.CharField("发送至", max_length=500)
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    subject = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    # What a robot's message is made of at sending time, in its robot's format (markdown for
    # WeCom and DingTalk): the facts as [label, value] pairs and the link, relative to the site.
    facts = models.JSONField("要素", default=list, blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outbox_pending_idx", condition=models.Q(state="pending")
            ),
            # The pace of each robot: what it was sent in the last minute.
            models.Index(
                fields=["webhook", "sent_at"], name="outbox_robot_sent_idx", condition=models.Q(state="sent")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target}"
