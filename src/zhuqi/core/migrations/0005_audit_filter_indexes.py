"""Indexes for the audit page's filters: by account and by action, newest first; and on
PostgreSQL a GIN index on the changed fields, so "which entries changed 办理时限" (`changes ? 'deadline'`)
does not read the whole trail. SQLite has no such index; its trail is a small office's."""

from django.db import migrations, models


def gin_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS audit_changes_gin ON core_auditentry USING gin (changes)"
        )


def gin_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_changes_gin")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_working_calendar")]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_name", "-at"], name="audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "-at"], name="audit_action_idx"),
        ),
        migrations.RunPython(gin_forwards, gin_backwards),
    ]
