"""Word search over an enterprise's name and short name (core/search.py): the segmented
column and its index (GIN on PostgreSQL, an FTS5 table on SQLite). Filled for the rows there;
`zhuqi rebuild_search` recomputes it."""

from django.db import migrations

from zhuqi.core.search import add_search_words


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_assignment_duty")]

    operations = [
        *add_search_words("enterprises", "enterprise", "enterprises_enterprise", ("name", "short_name"))
    ]
