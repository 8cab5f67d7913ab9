"""Indexes the 2M-case benchmark showed missing (bench/README.md, "Cases"): the coordinator's
queue by status across a jurisdiction's range of region codes, late cases, and the sweep's
look-up of provisional deadlines (a full scan on every run without it)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("cases", "0004_figure_indexes")]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_region_status_idx',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['status', 'region'], name='case_status_region_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('timeliness', 'red')), fields=['region'], name='case_late_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('deadline_provisional', True), ('due_at__isnull', False)), fields=['submitted_at'], name='case_provisional_idx'),
        ),
    ]
