"""The categories the issue names and the default deadline policies ("1515"); admins change both."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CATEGORIES = [
    "融资",
    "用工",
    "物流",
    "原材料",
    "用地",
    "用能",
    "审批",
    "政策兑现",
    "技术改造",
    "市场",
    "安全生产",
    "生态环保",
    "其他",
]

# (kind, urgency, response days, simple days, complex days)
POLICIES = [
    ("demand", "normal", 1, 5, 15),
    ("demand", "urgent", 1, 2, 5),
    ("demand", "same_day", 0, 0, 0),
    ("instruction", "normal", 1, 5, 15),
    ("instruction", "urgent", 1, 2, 5),
    ("instruction", "same_day", 0, 0, 0),
    ("hazard", "normal", 1, 10, 30),
    ("hazard", "urgent", 1, 3, 7),
    ("hazard", "same_day", 0, 0, 0),
]

REPLY_TEMPLATES = {
    "融资": (
        "融资对接答复",
        "经与{银行}对接，贵企业的融资需求已纳入……。下一步，我局将协调……，预计于……前完成。联系人：……，电话：……",
    ),
    "用工": ("用工保障答复", "已通过……渠道为贵企业发布招聘信息……，并将于……组织专场招聘会。联系人：……"),
    "政策兑现": ("政策兑现答复", "经核实，贵企业符合《……》第……条，可享受……。请于……前提交……材料至……。"),
    "其他": ("通用答复", "关于贵企业反映的……问题，经……核实，现答复如下：……。如有疑问，请联系……。"),
}


def seed(apps: Any, schema_editor: Any) -> None:
    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    Category = apps.get_model("cases", "Category")
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    ReplyTemplate = apps.get_model("cases", "ReplyTemplate")
    by_name = {}
    for order, name in enumerate(CATEGORIES):
        by_name[name], _ = Category.objects.using(db).get_or_create(parent=None, name=name, defaults={"order": order * 10})
    for kind, urgency, response, simple, complex_ in POLICIES:
        DeadlinePolicy.objects.using(db).get_or_create(
            kind=kind,
            urgency=urgency,
            category=None,
            defaults={"response_days": response, "simple_days": simple, "complex_days": complex_},
        )
    for category, (title, text) in REPLY_TEMPLATES.items():
        ReplyTemplate.objects.using(db).get_or_create(category=by_name[category], title=title, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
