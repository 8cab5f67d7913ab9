"""`Delivery` in the glossary is a policy delivery (政策直达); the outbox row per channel is an
OutboxMessage. The rows are kept: the table and its index are renamed in place."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Delivery", new_name="OutboxMessage"),
        migrations.RenameIndex(
            model_name="outboxmessage", new_name="outbox_pending_idx", old_name="delivery_pending_idx"
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="webhook",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outbox_messages",
                to="notifications.webhook",
            ),
        ),
    ]
