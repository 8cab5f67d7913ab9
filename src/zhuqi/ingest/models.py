"""Published reports (报道) read into draft visits: the report as it arrived, as cleaned, what was
extracted from it and how each name was linked to the registry, waiting for a person to confirm
(a visit and its cases are recorded then, through the visits' own service), discard it, or, when
another site carried the same event, merged into the first report's draft."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop

from zhuqi.core.models import BaseModel
from zhuqi.directory.models import Region
from zhuqi.visits.models import Visit


class ReportStatus(models.TextChoices):
    DRAFT = "draft", gettext_noop("待确认")
    CONFIRMED = "confirmed", gettext_noop("已确认")
    DISCARDED = "discarded", gettext_noop("已舍弃")
    DUPLICATE = "duplicate", gettext_noop("重复")


class ReportLanguage(models.TextChoices):
    CHINESE = "zh", gettext_noop("中文")
    ENGLISH = "en", gettext_noop("英文")


class ReportKind(models.TextChoices):
    """The event kind the extraction read (visits' kinds where they have one)."""

    INSPECTION = "inspection", gettext_noop("调研/督导")
    SYMPOSIUM = "symposium", gettext_noop("座谈会")
    DISPATCH = "dispatch", gettext_noop("调度会")
    OTHER = "other", gettext_noop("其他")


# The raw input kept: at most what cleaning accepts (cleaning.MAX_BYTES of UTF-8).
RAW_LENGTH = 2 * 1024 * 1024


class Report(BaseModel):
    source = models.CharField(
        "来源", max_length=255, help_text="文件名；web（网页上粘贴的文字）或 api（接口提交的文字）"
    )
    source_address = models.CharField("来源网址", max_length=500, blank=True)
    raw = models.TextField("原始输入")
    original_text = models.TextField("原文")
    cleaned_text = models.TextField("清理后的正文")
    # cleaning.Removal as dicts: kind, text, reason, start, end (offsets into original_text).
    removals = models.JSONField("去除的内容", default=list, blank=True)
    title = models.CharField("标题", max_length=300, blank=True)
    language = models.CharField(
        "语言", max_length=2, choices=ReportLanguage.choices, default=ReportLanguage.CHINESE
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    kind = models.CharField("活动类型", max_length=12, choices=ReportKind.choices, default=ReportKind.OTHER)
    # extraction.Extraction as JSON, with every mention's span in cleaned_text.
    extraction = models.JSONField("提取结果", default=dict, blank=True)
    # linking.Links as JSON: each mention matched, ambiguous (candidates) or new (a proposal).
    links = models.JSONField("登记库匹配", default=dict, blank=True)
    fingerprint = models.CharField("指纹", max_length=64, blank=True, db_index=True)
    # The MinHash of the cleaned text (hex of its 128 values), so near-duplicates are found
    # against the stored drafts in any process.
    minhash = models.TextField("相似度签名", blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="重复于",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The region the report is about: the first place matched, else the uploader's jurisdiction.
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, verbose_name="调研走访", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discard_reason = models.CharField("舍弃原因", max_length=500, blank=True)
    # How long each stage took, milliseconds: {"clean": 3.1, "extract": 1.2, "link": 0.4}.
    timings = models.JSONField("用时", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "报道"
        verbose_name_plural = "报道"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_inbox_idx"),
            models.Index(fields=["region", "-created_at"], name="report_region_idx"),
            models.Index(fields=["-created_at", "-id"], name="report_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.source_label

    @property
    def source_label(self) -> str:
        """The file's name, or how the text came (pasted on the page, sent to the API)."""
        return {"web": gettext("粘贴的文字"), "api": gettext("接口提交的文字")}.get(self.source, self.source)
