"""Two indexes fewer on enterprises (each one cost a new enterprise's write 5–10 µs at 100,000):
enterprise_industry_idx was the industry key's own index again, and the region key's index (with
PostgreSQL's LIKE index beside it) is served by enterprise_region_name_idx, which leads with the
region.

The region key's indexes are dropped by name, not by AlterField: on SQLite that would copy the
whole table, and the copy loses the word-search triggers (core/search.py).
"""

import django.db.models.deletion
from django.db import migrations, models


def _region_indexes(model, schema_editor) -> list[str]:
    return schema_editor._constraint_names(model, ["region_id"], index=True, primary_key=False, unique=False)


def drop_region_indexes(apps, schema_editor) -> None:
    model = apps.get_model("enterprises", "Enterprise")
    for name in _region_indexes(model, schema_editor):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore_region_indexes(apps, schema_editor) -> None:
    model = apps.get_model("enterprises", "Enterprise")
    if _region_indexes(model, schema_editor):
        return
    field = model._meta.get_field("region")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
    if schema_editor.connection.vendor == "postgresql":
        like = schema_editor._create_like_index_sql(model, field)
        if like is not None:
            schema_editor.execute(like)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_user_must_change_password"),
        ("enterprises", "0004_search_words"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="enterprise", name="enterprise_industry_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="region",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprises",
                        to="directory.region",
                        verbose_name="所在地区",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_region_indexes, restore_region_indexes)],
        ),
    ]
