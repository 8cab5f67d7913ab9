"""Escalation gets its levels (催办 → 督办 → 通报); the working days late become a number of their own.

The old `escalation_level` held the working days late as last counted by the sweep ("督办19级"),
so it is renamed to `working_days_late`, keeping every value, and the new `escalation_level` is
worked out from it with the thresholds of the time (1, 3 and 6 working days late). The escalation
steps already on the timelines get the same level and the new wording.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations, models

# Frozen here: deadlines.ESCALATION_THRESHOLDS may change later, this migration must not.
THRESHOLDS = (("notice", 6), ("supervision", 3), ("reminder", 1))
LABELS = {"reminder": "催办", "supervision": "督办", "notice": "通报"}
ACTIONS = {
    "reminder": "予以催办，请尽快办理",
    "supervision": "转入督办，已告知本地区领导",
    "notice": "列入调度会通报",
}
OLD_COMMENT = re.compile(r"^已超过时限（(?P<due>[^）]*)）(?P<days>\d+) 个工作日，(?:催办|督办（第\d+级）)(?:，列入调度会通报)?$")
BATCH = 2000


def level_for(days: int) -> str:
    for level, threshold in THRESHOLDS:
        if days >= threshold:
            return level
    return ""


def forwards(apps: Any, schema_editor: Any) -> None:
    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    # Highest first, each band once: three UPDATEs whatever the size of the table.
    upper = None
    for level, threshold in THRESHOLDS:
        band = Case.objects.using(db).filter(working_days_late__gte=threshold)
        if upper is not None:
            band = band.filter(working_days_late__lt=upper)
        band.update(escalation_level=level)
        upper = threshold

    changed = []
    for step in CaseStep.objects.using(db).filter(step="escalate").only("id", "comment", "data").iterator(BATCH):
        data = dict(step.data or {})
        old = data.get("level")
        if not isinstance(old, int):
            continue
        days = data.get("late_days") if isinstance(data.get("late_days"), int) else old
        level = level_for(days)
        if not level:
            continue
        data.update(level=level, level_label=LABELS[level], late_days=days)
        match = OLD_COMMENT.match(step.comment or "")
        if match:
            step.comment = f"逾期 {days} 个工作日（时限 {match['due']}），{ACTIONS[level]}"
        step.data = data
        changed.append(step)
        if len(changed) >= BATCH:
            CaseStep.objects.using(db).bulk_update(changed, ["comment", "data"])
            changed = []
    CaseStep.objects.using(db).bulk_update(changed, ["comment", "data"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_case_visit")]

    operations = [
        migrations.RenameField(model_name="case", old_name="escalation_level", new_name="working_days_late"),
        migrations.AlterField(
            model_name="case",
            name="working_days_late",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="逾期工作日数"),
        ),
        migrations.AddField(
            model_name="case",
            name="escalation_level",
            field=models.CharField(
                blank=True,
                choices=[("", "未督办"), ("reminder", "催办"), ("supervision", "督办"), ("notice", "通报")],
                default="",
                max_length=12,
                verbose_name="督办级别",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="最近逾期核算时间"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
