"""Word search over a visit's title and summary (core/search.py): the segmented
column and its index (GIN on PostgreSQL, an FTS5 table on SQLite). Filled for the rows there;
`zhuqi rebuild_search` recomputes it."""

from django.db import migrations

from zhuqi.core.search import add_search_words


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_visit_regions")]

    operations = [*add_search_words("visits", "visit", "visits_visit", ("title", "summary"))]
