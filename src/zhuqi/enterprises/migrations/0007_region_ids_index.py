"""The enterprises of a region as an id list (a chain's links scoped by either end, a chain's
members): an index-only scan on PostgreSQL, where otherwise the planner is torn between the name
index and a full scan of the registry (bench/README.md, issue 20: 182 ms → 13 ms at 200k
enterprises). SQLite has no covering index and its region-and-name index already holds the id:
there the index would only slow every write, so it is made on PostgreSQL alone, outside the
model's state."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS enterprise_region_ids_idx "
    "ON enterprises_enterprise (region_id) INCLUDE (id)"
)
DROP = "DROP INDEX IF EXISTS enterprise_region_ids_idx"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_founded_on_qualifications")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
