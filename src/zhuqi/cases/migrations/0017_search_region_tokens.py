"""The cases' PostgreSQL search_vector holds each case's region tokens (core.search.register(…,
region=)): a word searched within a jurisdiction is narrowed by the word index itself. Rewrites
the cases table on PostgreSQL (minutes at millions of cases); nothing on SQLite."""

from django.db import migrations

from zhuqi.core import search


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_case_extension_region_index")]

    operations = search.add_region_tokens("cases_case", "region_id")
