from django.db import migrations, models
import django.db.models.deletion


def refuse_jobs_with_staged_rows(apps, schema_editor):
    """Rows staged one by one cannot be read by the new code: a job that still had some is
    refused, and the person uploads the file again (nothing of it was written unless applied)."""
    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    ImportJob = apps.get_model("imports", "ImportJob")
    ImportRow = apps.get_model("imports", "ImportRow")
    waiting = ImportRow.objects.using(db).values_list("job_id", flat=True).distinct()
    ImportJob.objects.using(db).filter(pk__in=list(waiting)).update(
        state="refused", message="系统升级，已检查的行需要重新检查：请重新上传文件"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_import_jobs"),
    ]

    operations = [
        migrations.RunPython(refuse_jobs_with_staged_rows, migrations.RunPython.noop),
        migrations.DeleteModel(name="ImportRow"),
        migrations.CreateModel(
            name="StagedBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("rows", models.BinaryField()),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="staged", to="imports.importjob"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["job", "number"], name="import_staged_order_idx")],
            },
        ),
    ]
