from typing import Any

from django.db import migrations, models


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    from zhuqi.directory.models import Official as CurrentOfficial

    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    Official = apps.get_model("directory", "Official")
    officials = list(Official.objects.using(db).only("pk", "name"))
    for official in officials:
        official.search_text = CurrentOfficial.search_text_for(official.name)
    Official.objects.using(db).bulk_update(officials, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="official",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=300),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
