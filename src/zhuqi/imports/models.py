"""An import from a spreadsheet, as a job the background worker carries out in short steps.

The rows are checked and staged (StagedBatch: a check batch's good rows in one row of the
staging table) in short transactions, then applied to the real tables in short batches; each
batch removes the staged rows it applied and adds its counts to the job in the same transaction,
so a job stopped anywhere (an error, the worker killed) knows exactly which rows are left, and
applying again finishes it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from zhuqi.core.models import BaseModel
from zhuqi.directory.models import User, system_user


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ImportJob(BaseModel):
    class State(models.TextChoices):
        CHECKING = "checking", gettext_noop("正在检查")
        CHECKED = "checked", gettext_noop("已检查，待确认")
        APPLYING = "applying", gettext_noop("正在写入")
        INTERRUPTED = "interrupted", gettext_noop("写入中断")
        DONE = "done", gettext_noop("已完成")
        REFUSED = "refused", gettext_noop("文件无法导入")

    # The job's name in addresses: not guessable, and it says nothing about how many jobs exist.
    token = models.CharField(max_length=32, unique=True, default=new_token)
    kind = models.CharField("类型", max_length=20)
    # Empty for the command line's system account (which is not stored): see importer_actor().
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    name = models.CharField("文件名", max_length=255)
    path = models.CharField(max_length=500, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.CHECKING)
    skip_invalid = models.BooleanField(default=False)
    # Each start of the check counts one up; a check that finds the number moved on (the sweep
    # restarted it) stops staging, so two never stage the same file twice.
    attempt = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_staged = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    # What the check found the import would do (counted as the write counts).
    planned_created = models.PositiveIntegerField(default=0)
    planned_updated = models.PositiveIntegerField(default=0)
    planned_unchanged = models.PositiveIntegerField(default=0)
    # What has been written so far.
    rows_applied = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # The first row errors, for the page ([row, column, message]); the error file has them all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    error_file = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every step: a job checking or applying whose time stands still has lost its worker.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    def importer_actor(self) -> User:
        return self.actor if self.actor is not None else system_user()

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)


class StagedBatch(models.Model):
    """Checked rows waiting to be written: one check batch's good rows (up to a few thousand),
    as one JSON document [[row number, cleaned values], …] encoded by orjson. A row per staged
    row cost an INSERT, a SELECT and a DELETE per row and Django's JSON per value, as much as
    the row's own write; a batch is one of each per thousand rows. An apply that takes part of
    a batch puts the rest back in the same transaction."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="staged")
    number = models.PositiveIntegerField()  # the row number (as in Excel) of the batch's first row
    rows = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["job", "number"], name="import_staged_order_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.number}"
