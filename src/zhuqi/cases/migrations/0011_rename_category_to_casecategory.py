"""A case's category (the routing catalogue's tree of demand kinds) is a CaseCategory, so the
projects' category and the coming apps' categories do not share its name. The rows are kept:
the table is renamed in place and the foreign keys follow it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_reach"),
    ]

    operations = [
        migrations.RenameModel(old_name="Category", new_name="CaseCategory"),
    ]
