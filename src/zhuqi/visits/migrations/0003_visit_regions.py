"""The regions each visit touched (VisitRegion), so a visit across several regions is visible in
each, filled in for the visits already recorded."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill_reach(apps, schema_editor):
    """Each existing visit's own region, places and enterprises' regions, in batches of visits so
    100k visits are read in pieces rather than held at once."""
    # The database being migrated, not `default`: `zhuqi migrate-to` migrates a second one.
    db = schema_editor.connection.alias
    Visit = apps.get_model("visits", "Visit")
    VisitRegion = apps.get_model("visits", "VisitRegion")
    VisitEnterprise = apps.get_model("visits", "VisitEnterprise")
    Places = Visit.places.through
    last = 0
    while True:
        batch = list(Visit.objects.using(db).filter(pk__gt=last).order_by("pk").values_list("pk", "region_id")[:BATCH])
        if not batch:
            return
        ids = [pk for pk, _ in batch]
        reach = set(batch)
        reach.update(Places.objects.using(db).filter(visit_id__in=ids).values_list("visit_id", "region_id"))
        reach.update(
            VisitEnterprise.objects.using(db).filter(visit_id__in=ids).values_list("visit_id", "enterprise__region_id")
        )
        VisitRegion.objects.using(db).bulk_create(
            [VisitRegion(visit_id=visit_id, region_id=code) for visit_id, code in sorted(reach)],
            batch_size=BATCH,
        )
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("visits", "0002_attachments"),
    ]

    operations = [
        migrations.CreateModel(
            name="VisitRegion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "region",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.region",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reach",
                        to="visits.visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "调研走访涉及地区",
                "verbose_name_plural": "调研走访涉及地区",
                "indexes": [models.Index(fields=["region", "visit"], name="visit_reach_region_idx")],
                "constraints": [models.UniqueConstraint(fields=("visit", "region"), name="visit_region_unique")],
            },
        ),
        migrations.RunPython(fill_reach, migrations.RunPython.noop),
    ]
