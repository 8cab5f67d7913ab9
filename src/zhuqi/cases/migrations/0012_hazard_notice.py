import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reporters(apps, schema_editor):
    """The cases waiting on a re-inspection (or acceptance) now: who reported them, from the
    timeline, so the rule that another person re-inspects holds for them too."""
    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    for case in Case.objects.using(db).filter(status="completion_reported").only("pk").iterator(chunk_size=1000):
        step = (
            CaseStep.objects.using(db).filter(case_id=case.pk, step="report-completion", actor__isnull=False)
            .order_by("-at", "-id")
            .first()
        )
        if step is not None:
            Case.objects.using(db).filter(pk=case.pk).update(completion_reported_by_id=step.actor_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_rename_category_to_casecategory"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="completion_reported_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="报告完成人",
            ),
        ),
        migrations.RunPython(reporters, migrations.RunPython.noop),
    ]
